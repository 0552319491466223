//! Translation of one wasm function body straight from the operator stream
//! to Cranelift IR: wasm locals become `Variable`s, the operand stack is a
//! vector of SSA values, and a control stack maps blocks, loops and ifs to
//! Cranelift blocks.

mod atomics;
mod control;
mod env;
mod exceptions;
mod fuel;
mod gc;
mod gc_objects;
mod memory;
mod numeric;
mod simd;
mod stack_maps;

use crate::signatures::{clif_type, wasm_signature};
use anyhow::{Result, bail};
use cranelift_codegen::ir::{self, InstBuilder, types};
use cranelift_codegen::isa::TargetIsa;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use kiln_types::*;
use std::collections::HashMap;
use wasmparser::{FunctionBody, Operator};

pub use control::Frame;
pub use stack_maps::{OperandTypes, module_may_hold_collected_objects};

/// What translation needs to know about the module and target.
pub struct ModuleEnv<'a> {
    /// The module being compiled.
    pub info: &'a ModuleInfo,
    /// Its vmctx layout.
    pub offsets: &'a VMOffsets,
    /// Memory layout settings.
    pub tunables: &'a Tunables,
    /// The target.
    pub isa: &'a dyn TargetIsa,
    /// With lazy compilation: the address of the module's table of defined
    /// functions' code pointers, through which direct calls then go (the
    /// callee may not be compiled yet; its slot points at a stub until it is).
    pub function_table: Option<usize>,
    /// The module's operand types (absent only for a module without
    /// functions): with them, references to GC and exception objects live
    /// across calls are put in stack maps, in the functions that may hold
    /// any (see [`OperandTypes::tracks`]).
    pub operand_types: Option<OperandTypes<'a>>,
}

/// The Cranelift trap code for a Kiln trap.
pub fn clif_trap(code: TrapCode) -> ir::TrapCode {
    match code {
        TrapCode::StackOverflow => ir::TrapCode::STACK_OVERFLOW,
        TrapCode::MemoryOutOfBounds => ir::TrapCode::HEAP_OUT_OF_BOUNDS,
        TrapCode::IntegerOverflow => ir::TrapCode::INTEGER_OVERFLOW,
        TrapCode::IntegerDivisionByZero => ir::TrapCode::INTEGER_DIVISION_BY_ZERO,
        TrapCode::BadConversionToInteger => ir::TrapCode::BAD_CONVERSION_TO_INTEGER,
        other => ir::TrapCode::user(other.to_u8()).expect("user trap codes are non-zero"),
    }
}

/// The Kiln trap for a Cranelift trap code produced by [`clif_trap`].
pub fn kiln_trap(code: ir::TrapCode) -> Option<TrapCode> {
    TrapCode::ALL
        .iter()
        .copied()
        .find(|c| clif_trap(*c) == code)
}

/// Translates defined function `index` into `func`.
pub fn translate_function(
    env: &ModuleEnv<'_>,
    index: FuncIndex,
    body: &FunctionBody<'_>,
    func: &mut ir::Function,
    fctx: &mut FunctionBuilderContext,
) -> Result<()> {
    let ptr = env.isa.pointer_type();
    let ty = env.info.func_type(index).clone();
    func.signature = wasm_signature(&ty, ptr);
    func.name = ir::UserFuncName::user(0, index.0);
    let ro_flags = func
        .dfg
        .mem_flags
        .insert_unchecked(ir::MemFlagsData::trusted().with_readonly());
    let flags = func
        .dfg
        .mem_flags
        .insert_unchecked(ir::MemFlagsData::trusted());
    let vmctx_gv = func.create_global_value(ir::GlobalValueData::VMContext);
    let store_ctx = func.create_global_value(ir::GlobalValueData::Load {
        base: vmctx_gv,
        offset: (env.offsets.vmctx_store_context() as i32).into(),
        global_type: ptr,
        flags: ro_flags,
    });
    let limit = func.create_global_value(ir::GlobalValueData::Load {
        base: store_ctx,
        offset: (VMStoreContextOffsets::STACK_LIMIT as i32).into(),
        global_type: ptr,
        flags,
    });
    func.stack_limit = Some(limit);

    let mut b = FunctionBuilder::new(func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let params = b.block_params(entry).to_vec();
    let vmctx = params[0];

    let mut refs = match env.operand_types {
        Some(types) if types.tracks(body)? => Some(stack_maps::RefTracker::new(
            types,
            index,
            env.info.functions[index.index()],
        )),
        _ => None,
    };
    // A local that may hold a GC or exception object is kept in a stack
    // slot across calls, where the collectors find it.
    let declare_local = |b: &mut FunctionBuilder<'_>, t: ValType, value: ir::Value| {
        let v = b.declare_var(clif_type(t, ptr));
        if matches!(t, ValType::Ref(r) if r.heap_type.needs_stack_map()) {
            b.declare_var_needs_stack_map(v);
        }
        b.def_var(v, value);
        (v, t)
    };
    let mut locals = Vec::new();
    for (i, t) in ty.param_types().iter().enumerate() {
        locals.push(declare_local(&mut b, *t, params[i + 2]));
    }
    let mut reader = body.get_locals_reader()?;
    for _ in 0..reader.get_count() {
        let offset = reader.original_position();
        let (count, wasm_type) = reader.read()?;
        if let Some(refs) = &mut refs {
            refs.define_locals(offset, count, wasm_type)?;
        }
        let t = crate::module_env::val_type(wasm_type, env.info)?;
        for _ in 0..count {
            let zero = zero_value(&mut b, t, ptr);
            locals.push(declare_local(&mut b, t, zero));
        }
    }

    let ret = b.create_block();
    for t in ty.result_types() {
        b.append_block_param(ret, clif_type(*t, ptr));
    }
    let mut t = FuncTranslator {
        env,
        b,
        ptr,
        vmctx,
        locals,
        stack: Vec::new(),
        control: Vec::new(),
        reachable: true,
        unreachable_depth: 0,
        memories: Vec::new(),
        sigs: HashMap::new(),
        builtin_sigs: HashMap::new(),
        func_refs: HashMap::new(),
        fuel: None,
        fuel_pending: 0,
        handlers: Vec::new(),
    };
    t.load_memory_bases();
    t.fuel_load_at_entry();
    t.interruption_checks(fuel::CheckSite::Entry);
    t.control.push(Frame::function(ret, ty.results().len()));

    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset()?;
        t.b.set_srcloc(ir::SourceLoc::new(offset as u32));
        if let Some(refs) = &mut refs {
            refs.operator(offset, &op)?;
        }
        t.translate(&op)?;
        if let Some(refs) = &mut refs
            && t.reachable
            && !t.control.is_empty()
        {
            refs.declare_new_references(&mut t.b, &t.stack)?;
        }
    }
    if !t.control.is_empty() {
        bail!("function body ended inside a block");
    }
    t.b.finalize(env.isa.frontend_config());
    Ok(())
}

fn zero_value(b: &mut FunctionBuilder<'_>, t: ValType, ptr: ir::Type) -> ir::Value {
    match t {
        ValType::I32 => b.ins().iconst(types::I32, 0),
        ValType::I64 => b.ins().iconst(types::I64, 0),
        ValType::F32 => b.ins().f32const(0.0),
        ValType::F64 => b.ins().f64const(0.0),
        ValType::V128 => {
            let c = b.func.dfg.constants.insert(vec![0u8; 16].into());
            b.ins().vconst(types::I8X16, c)
        }
        ValType::Ref(_) => b.ins().iconst(ptr, 0),
    }
}

/// Per-function translation state.
pub struct FuncTranslator<'a, 'f> {
    env: &'a ModuleEnv<'a>,
    b: FunctionBuilder<'f>,
    ptr: ir::Type,
    vmctx: ir::Value,
    locals: Vec<(Variable, ValType)>,
    stack: Vec<ir::Value>,
    control: Vec<Frame>,
    reachable: bool,
    unreachable_depth: u32,
    /// Per memory: (definition pointer, base), loaded once in the entry block.
    memories: Vec<(ir::Value, ir::Value)>,
    sigs: HashMap<TypeIndex, ir::SigRef>,
    builtin_sigs: HashMap<BuiltinFunctionIndex, ir::SigRef>,
    func_refs: HashMap<FuncIndex, ir::FuncRef>,
    /// The store's fuel counter while this function runs, when fuel is on.
    fuel: Option<Variable>,
    /// Operators executed since fuel was last added to `fuel`.
    fuel_pending: i64,
    /// The catch clauses of the open `try_table`s, innermost last.
    handlers: Vec<exceptions::Handler>,
}

impl FuncTranslator<'_, '_> {
    fn pop(&mut self) -> ir::Value {
        self.stack
            .pop()
            .expect("validated: operand stack underflow")
    }

    fn pop2(&mut self) -> (ir::Value, ir::Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    fn pop3(&mut self) -> (ir::Value, ir::Value, ir::Value) {
        let c = self.pop();
        let (a, b) = self.pop2();
        (a, b, c)
    }

    fn popn(&mut self, n: usize) -> Vec<ir::Value> {
        self.stack.split_off(self.stack.len() - n)
    }

    fn peekn(&self, n: usize) -> &[ir::Value] {
        &self.stack[self.stack.len() - n..]
    }

    fn push(&mut self, v: ir::Value) {
        self.stack.push(v);
    }

    fn trap(&mut self, code: TrapCode) {
        self.b.ins().trap(clif_trap(code));
    }

    fn translate(&mut self, op: &Operator<'_>) -> Result<()> {
        if !self.reachable {
            return self.translate_unreachable(op);
        }
        if self.env.tunables.consume_fuel {
            self.fuel_pending += 1;
            if fuel::is_fuel_flush_point(op) {
                self.fuel_flush();
            }
        }
        if self.translate_control(op)?
            || self.translate_env(op)?
            || self.translate_memory(op)?
            || self.translate_simd(op)?
            || self.translate_atomic(op)?
            || self.translate_gc(op)?
            || self.translate_gc_objects(op)?
        {
            return Ok(());
        }
        self.translate_numeric(op)
    }
}
