//! Cranelift signatures of wasm functions and runtime calls.

use cranelift_codegen::ir::{self, AbiParam, ArgumentPurpose, types};
use cranelift_codegen::isa::CallConv;
use kiln_types::{BuiltinFunctionIndex, BuiltinParam, FuncType, ValType};

/// The Cranelift type that holds a wasm value.
pub fn clif_type(t: ValType, ptr: ir::Type) -> ir::Type {
    match t {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
        ValType::Ref(_) => ptr,
    }
}

/// The native signature of a wasm function:
/// `(callee_vmctx, caller_vmctx, params…) -> results`, `tail` convention.
pub fn wasm_signature(ty: &FuncType, ptr: ir::Type) -> ir::Signature {
    let mut sig = ir::Signature::new(CallConv::Tail);
    sig.params
        .push(AbiParam::special(ptr, ArgumentPurpose::VMContext));
    sig.params.push(AbiParam::new(ptr));
    sig.params.extend(
        ty.param_types()
            .iter()
            .map(|t| AbiParam::new(clif_type(*t, ptr))),
    );
    sig.returns.extend(
        ty.result_types()
            .iter()
            .map(|t| AbiParam::new(clif_type(*t, ptr))),
    );
    sig
}

/// The native signature of a builtin: `(vmctx, params…) -> result`, System V;
/// `tail` for the builtins that throw (their few integer arguments travel in
/// the same registers either way, and they never return).
pub fn builtin_signature(b: BuiltinFunctionIndex, ptr: ir::Type) -> ir::Signature {
    let ty = |p: BuiltinParam| match p {
        BuiltinParam::Pointer => ptr,
        BuiltinParam::I32 => types::I32,
        BuiltinParam::I64 => types::I64,
    };
    let s = b.signature();
    let conv = if b.throws() {
        CallConv::Tail
    } else {
        CallConv::SystemV
    };
    let mut sig = ir::Signature::new(conv);
    sig.params.push(AbiParam::new(ptr));
    sig.params
        .extend(s.params.iter().map(|p| AbiParam::new(ty(*p))));
    sig.returns.extend(s.result.map(|p| AbiParam::new(ty(p))));
    sig
}
