//! Which values compiled code keeps where the collectors can find them.
//!
//! A reference to a GC object or an exception object that is live across
//! a call must be in the call's stack map (Cranelift's user stack maps:
//! such values are spilled to stack slots that the map lists), or a
//! collection during the call would free an object still in use.
//!
//! The translator itself does not track operand types, so for functions
//! that may hold such objects a wasmparser [`FuncValidator`] runs
//! alongside it: after each operator, every value new on the operand
//! stack whose type may be an object is declared to Cranelift, and so is
//! every local of such a type. A function may hold one if its module's
//! types, tables or globals mention such a reference
//! ([`module_may_hold_collected_objects`]), or if it catches an
//! exception with its reference (`catch_ref`, `catch_all_ref`: an `exnref`
//! that no type names, from a throw of any module).

use anyhow::{Result, bail};
use cranelift_codegen::ir::{self, Opcode};
use cranelift_frontend::FunctionBuilder;
use kiln_types::{CompositeType, FuncIndex, ModuleInfo, StorageType, TypeIndex, ValType};
use wasmparser::{
    Catch, CompositeInnerType, FuncToValidate, FuncValidator, FunctionBody, HeapType, Operator,
    UnpackedIndex, ValidatorResources, WasmFeatures, WasmModuleResources,
};

/// What the translator needs to know the types of a function's operands:
/// the module's validated types and the features it was validated with.
#[derive(Clone, Copy)]
pub struct OperandTypes<'a> {
    /// The module's types, as validation left them.
    pub resources: &'a ValidatorResources,
    /// The features the module was validated with.
    pub features: WasmFeatures,
    /// Whether [`module_may_hold_collected_objects`] holds for the module:
    /// then every function is tracked, else only those that catch
    /// references.
    pub module_may_hold_objects: bool,
}

impl OperandTypes<'_> {
    /// Whether the function whose body is `body` may hold a GC or
    /// exception object, so that its references must be tracked.
    pub(super) fn tracks(&self, body: &FunctionBody<'_>) -> Result<bool> {
        if self.module_may_hold_objects {
            return Ok(true);
        }
        for op in body.get_operators_reader()? {
            if let Operator::TryTable { try_table } = op?
                && try_table
                    .catches
                    .iter()
                    .any(|c| matches!(c, Catch::OneRef { .. } | Catch::AllRef { .. }))
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Whether any value of `info` may be a GC or exception object: some type,
/// table or global mentions a reference to a struct, an array, a host
/// value or an exception. Without one, no such object can ever reach the
/// module's code.
pub fn module_may_hold_collected_objects(info: &ModuleInfo) -> bool {
    let val = |t: &ValType| matches!(t, ValType::Ref(r) if r.heap_type.needs_stack_map());
    let storage = |s: &StorageType| matches!(s, StorageType::Val(t) if val(t));
    info.types.iter().any(|t| match &t.composite {
        CompositeType::Func(f) => f.param_types().iter().chain(f.result_types()).any(val),
        CompositeType::Struct(s) => s.fields.iter().any(|f| storage(&f.storage)),
        CompositeType::Array(a) => storage(&a.0.storage),
    }) || info.globals.iter().any(|g| val(&g.ty))
        || info
            .tables
            .iter()
            .any(|t| t.element.heap_type.needs_stack_map())
}

/// Declares a function's new GC-reference operands for stack maps as
/// translation goes (see the module docs).
pub(super) struct RefTracker {
    validator: FuncValidator<ValidatorResources>,
    /// The translator's operand stack after the last reachable operator:
    /// every value on it that may be an object has been declared.
    seen: Vec<ir::Value>,
}

impl RefTracker {
    /// A tracker for function `func` of type `ty`.
    pub(super) fn new(types: OperandTypes<'_>, func: FuncIndex, ty: TypeIndex) -> Self {
        let validator = FuncToValidate {
            resources: types.resources.clone(),
            index: func.0,
            ty: ty.0,
            features: types.features,
        }
        .into_validator(Default::default());
        RefTracker {
            validator,
            seen: Vec::new(),
        }
    }

    /// Declares `count` locals of type `ty`, read at `offset`.
    pub(super) fn define_locals(
        &mut self,
        offset: u64,
        count: u32,
        ty: wasmparser::ValType,
    ) -> Result<()> {
        Ok(self.validator.define_locals(offset, count, ty)?)
    }

    /// Moves the operand types past `op`, at `offset`, before it is
    /// translated.
    pub(super) fn operator(&mut self, offset: u64, op: &Operator<'_>) -> Result<()> {
        Ok(self.validator.op(offset, op)?)
    }

    /// After a reachable operator: declares each value of `stack` that is
    /// new since the last call and may be a GC or exception object.
    pub(super) fn declare_new_references(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        stack: &[ir::Value],
    ) -> Result<()> {
        let height = self.validator.operand_stack_height() as usize;
        if height != stack.len() {
            bail!(
                "the translator's operand stack has {} values where validation has {height}",
                stack.len()
            );
        }
        let kept = self
            .seen
            .iter()
            .zip(stack)
            .take_while(|(a, b)| a == b)
            .count();
        for (i, &v) in stack.iter().enumerate().skip(kept) {
            let depth = stack.len() - 1 - i;
            let Some(Some(wasmparser::ValType::Ref(r))) = self.validator.get_operand_type(depth)
            else {
                continue;
            };
            if self.needs_stack_map(r.heap_type()) && !is_constant(b, v) {
                b.declare_value_needs_stack_map(v);
            }
        }
        self.seen.truncate(kept);
        self.seen.extend_from_slice(&stack[kept..]);
        Ok(())
    }

    /// [`kiln_types::HeapType::needs_stack_map`] for wasmparser's heap
    /// types (a type it cannot resolve counts as one).
    fn needs_stack_map(&self, h: HeapType) -> bool {
        use wasmparser::AbstractHeapType as A;
        let resources = self.validator.resources();
        match h {
            HeapType::Abstract { ty, .. } => {
                matches!(
                    ty,
                    A::Any | A::Eq | A::Struct | A::Array | A::Extern | A::Exn
                )
            }
            HeapType::Concrete(index) | HeapType::Exact(index) => {
                let sub = match index {
                    UnpackedIndex::Module(i) => resources.sub_type_at(i),
                    UnpackedIndex::Id(id) => Some(resources.sub_type_at_id(id)),
                    UnpackedIndex::RecGroup(_) => None,
                };
                !matches!(
                    sub.map(|s| &s.composite_type.inner),
                    Some(CompositeInnerType::Func(_) | CompositeInnerType::Cont(_))
                )
            }
        }
    }
}

/// Whether `v` is a constant: a null or an i31, never an object.
fn is_constant(b: &FunctionBuilder<'_>, v: ir::Value) -> bool {
    match b.func.dfg.value_def(v) {
        ir::ValueDef::Result(inst, _) => b.func.dfg.insts[inst].opcode() == Opcode::Iconst,
        _ => false,
    }
}
