//! Trampolines between the host's uniform array-of-values calling convention
//! and the wasm calling convention.

use crate::link::CompiledFunction;
use crate::signatures::{builtin_signature, clif_type, wasm_signature};
use crate::translate::clif_trap;
use anyhow::Result;
use cranelift_codegen::Context;
use cranelift_codegen::ir::{self, AbiParam, InstBuilder, MemFlagsData, types};
use cranelift_codegen::isa::{CallConv, TargetIsa};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use kiln_types::{
    BuiltinFunctionIndex, FuncType, TrapCode, VMOffsets, VMStoreContextOffsets, ValType,
};

const SLOT: i32 = 16;

/// Starts the function's entry block and returns its parameters.
fn entry_block(b: &mut FunctionBuilder<'_>) -> Vec<ir::Value> {
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    b.block_params(entry).to_vec()
}

/// The `VMTrampoline` for `ty`: `(vmctx, body, values)`, System V. Reads the
/// arguments from `values`, calls `body(vmctx, vmctx, args…)`, stores the
/// results back into `values`.
pub(crate) fn host_to_wasm(
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    isa: &dyn TargetIsa,
    ty: &FuncType,
) -> Result<CompiledFunction> {
    let ptr = isa.pointer_type();
    ctx.clear();
    let mut sig = ir::Signature::new(CallConv::SystemV);
    sig.params
        .extend([AbiParam::new(ptr), AbiParam::new(ptr), AbiParam::new(ptr)]);
    ctx.func.signature = sig;
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let p = entry_block(&mut b);
    let (vmctx, body, values) = (p[0], p[1], p[2]);
    let mut args = vec![vmctx, vmctx];
    for (i, t) in ty.param_types().iter().enumerate() {
        args.push(b.ins().load(
            clif_type(*t, ptr),
            MemFlagsData::trusted(),
            values,
            i as i32 * SLOT,
        ));
    }
    let wsig = b.import_signature(wasm_signature(ty, ptr));
    let call = b.ins().call_indirect(wsig, body, &args);
    let results = b.inst_results(call).to_vec();
    for (i, r) in results.iter().enumerate() {
        b.ins()
            .store(MemFlagsData::trusted(), *r, values, i as i32 * SLOT);
    }
    b.ins().return_(&[]);
    b.finalize(isa.frontend_config());
    CompiledFunction::compile(ctx, isa, Vec::new())
}

/// Continues in a new block if `ok` is true; otherwise calls the `Raise`
/// builtin of the `caller` vmctx, which leaves wasm with the trap the host
/// recorded.
fn raise_unless(b: &mut FunctionBuilder<'_>, ptr: ir::Type, ok: ir::Value, caller: ir::Value) {
    let offsets = VMOffsets::from_counts(ptr.bytes() as u8, [0; 9]);
    let done = b.create_block();
    let fail = b.create_block();
    b.ins().brif(ok, done, &[], fail, &[]);
    b.seal_block(done);
    b.seal_block(fail);

    b.switch_to_block(fail);
    let array = b.ins().load(
        ptr,
        MemFlagsData::trusted(),
        caller,
        offsets.vmctx_builtin_functions() as i32,
    );
    let raise = b.ins().load(
        ptr,
        MemFlagsData::trusted(),
        array,
        offsets.builtin_function(BuiltinFunctionIndex::Raise) as i32,
    );
    let rsig = b.import_signature(builtin_signature(BuiltinFunctionIndex::Raise, ptr));
    b.ins().call_indirect(rsig, raise, &[caller]);
    b.ins().trap(clif_trap(TrapCode::UnreachableCodeReached));

    b.switch_to_block(done);
}

/// Starts a function with the wasm signature of `ty`, returning its builder
/// and its parameters `(env, caller_vmctx, params…)`.
fn wasm_callable<'a>(
    ctx: &'a mut Context,
    fctx: &'a mut FunctionBuilderContext,
    ty: &FuncType,
    ptr: ir::Type,
) -> (FunctionBuilder<'a>, Vec<ir::Value>) {
    ctx.clear();
    ctx.func.signature = wasm_signature(ty, ptr);
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let p = entry_block(&mut b);
    (b, p)
}

/// Loads the host entry a host function's context holds at offset 0
/// (`VMDynamicFunctionContext::address`).
fn host_entry_address(b: &mut FunctionBuilder<'_>, ptr: ir::Type, env: ir::Value) -> ir::Value {
    let offsets = VMOffsets::from_counts(ptr.bytes() as u8, [0; 9]);
    b.ins().load(
        ptr,
        MemFlagsData::trusted().with_readonly(),
        env,
        offsets.vmdynamic_function_context_address() as i32,
    )
}

/// Returns `ty`'s results, read from the 16-byte slots of `slot`, and
/// finishes the function.
fn return_from_slots(
    mut b: FunctionBuilder<'_>,
    ptr: ir::Type,
    ty: &FuncType,
    slot: ir::StackSlot,
    isa: &dyn TargetIsa,
) {
    let results: Vec<_> = ty
        .result_types()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            b.ins()
                .stack_load(ptr, clif_type(*t, ptr), slot, i as i32 * SLOT)
        })
        .collect();
    b.ins().return_(&results);
    b.finalize(isa.frontend_config());
}

/// Whether [`wasm_to_host_native`] supports `ty`: scalar numbers only
/// (v128 and references take the slot-based adapter).
pub(crate) fn has_native_host_abi(ty: &FuncType) -> bool {
    ty.param_types()
        .iter()
        .chain(ty.result_types())
        .all(|t| matches!(t, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64))
}

/// Records the wasm frame that called this adapter (its frame pointer and
/// the return address into it, both saved in the adapter's own frame) in
/// the caller's store context, as builtins' entry stubs do: the host
/// function's traps and `WasmBacktrace::capture` walk wasm from there.
fn record_exit_frame(b: &mut FunctionBuilder<'_>, ptr: ir::Type, caller_vmctx: ir::Value) {
    let trusted = MemFlagsData::trusted();
    // The vmctx's first field is the store context pointer.
    let store = b.ins().load(ptr, trusted, caller_vmctx, 0);
    let fp = b.ins().get_frame_pointer(ptr);
    let wasm_fp = b.ins().load(ptr, trusted, fp, 0);
    let ret = b.ins().load(ptr, trusted, fp, ptr.bytes() as i32);
    b.ins().store(
        trusted,
        wasm_fp,
        store,
        VMStoreContextOffsets::LAST_WASM_EXIT_FP as i32,
    );
    b.ins().store(
        trusted,
        ret,
        store,
        VMStoreContextOffsets::LAST_WASM_EXIT_PC as i32,
    );
}

/// The wasm-callable adapter of a host function of type `ty` whose host
/// entry takes its arguments in registers: `(env, caller_vmctx, params…)`
/// in the wasm convention becomes a System V call of the entry stored at
/// offset 0 of `env` as `(env, caller_vmctx, params…, results) -> ok`,
/// where `results` points at one 16-byte slot per result. On failure it
/// calls the `Raise` builtin of the caller's vmctx.
pub(crate) fn wasm_to_host_native(
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    isa: &dyn TargetIsa,
    ty: &FuncType,
) -> Result<CompiledFunction> {
    let ptr = isa.pointer_type();
    let (mut b, p) = wasm_callable(ctx, fctx, ty, ptr);
    let (env, caller) = (p[0], p[1]);
    let slot = b.create_sized_stack_slot(ir::StackSlotData::new(
        ir::StackSlotKind::ExplicitSlot,
        (ty.results().len().max(1) as u32) * SLOT as u32,
        4,
    ));
    let results = b.ins().stack_addr(ptr, slot, 0);
    let mut hsig = ir::Signature::new(CallConv::SystemV);
    hsig.params.extend([AbiParam::new(ptr), AbiParam::new(ptr)]);
    hsig.params.extend(
        ty.param_types()
            .iter()
            .map(|t| AbiParam::new(clif_type(*t, ptr))),
    );
    hsig.params.push(AbiParam::new(ptr));
    hsig.returns.push(AbiParam::new(types::I8));
    let hsig = b.import_signature(hsig);
    let address = host_entry_address(&mut b, ptr, env);
    let mut args = p.clone();
    args.push(results);
    record_exit_frame(&mut b, ptr, caller);
    let call = b.ins().call_indirect(hsig, address, &args);
    let ok = b.inst_results(call)[0];
    raise_unless(&mut b, ptr, ok, caller);
    return_from_slots(b, ptr, ty, slot, isa);
    CompiledFunction::compile(ctx, isa, Vec::new())
}

/// The wasm-callable adapter of a host function of type `ty`:
/// `(env, caller_vmctx, params…) -> results`, wasm convention. Spills the
/// arguments into 16-byte slots, calls the host entry stored at offset 0 of
/// `env` (`VMDynamicFunctionContext::address`) as
/// `(env, caller_vmctx, values, len) -> ok`, and on failure calls the
/// `Raise` builtin of the caller's vmctx.
pub(crate) fn wasm_to_host(
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    isa: &dyn TargetIsa,
    ty: &FuncType,
) -> Result<CompiledFunction> {
    let ptr = isa.pointer_type();
    let (mut b, p) = wasm_callable(ctx, fctx, ty, ptr);
    let (env, caller) = (p[0], p[1]);
    let slots = ty.params().len().max(ty.results().len()).max(1);
    let slot = b.create_sized_stack_slot(ir::StackSlotData::new(
        ir::StackSlotKind::ExplicitSlot,
        (slots as u32) * SLOT as u32,
        4,
    ));
    for (i, v) in p[2..].iter().enumerate() {
        b.ins().stack_store(ptr, *v, slot, i as i32 * SLOT);
    }
    let values = b.ins().stack_addr(ptr, slot, 0);
    let mut hsig = ir::Signature::new(CallConv::SystemV);
    hsig.params.extend([
        AbiParam::new(ptr),
        AbiParam::new(ptr),
        AbiParam::new(ptr),
        AbiParam::new(ptr),
    ]);
    hsig.returns.push(AbiParam::new(types::I8));
    let hsig = b.import_signature(hsig);
    let address = host_entry_address(&mut b, ptr, env);
    let len = b.ins().iconst(ptr, slots as i64);
    record_exit_frame(&mut b, ptr, caller);
    let call = b
        .ins()
        .call_indirect(hsig, address, &[env, caller, values, len]);
    let ok = b.inst_results(call)[0];
    raise_unless(&mut b, ptr, ok, caller);
    return_from_slots(b, ptr, ty, slot, isa);
    CompiledFunction::compile(ctx, isa, Vec::new())
}
