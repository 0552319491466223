//! Exception handling: `try_table`, `throw`, `throw_ref`, and the calls
//! made inside a `try_table`.
//!
//! Each catch clause of an open `try_table` is a *handler*: a Cranelift
//! block taking the exception (a pointer to its object) that branches to
//! the clause's label. Every non-tail call made while handlers are open is
//! a `try_call` whose exception table lists the calling frame's vmctx (as
//! the dynamic context the unwinder resolves tags through) and then the
//! open handlers, innermost `try_table` first and each table's clauses in
//! order, up to the first catch-all. Throwing is a (try_)call to a builtin
//! that never returns; a handler in the same function then catches it like
//! one in any caller.

use super::FuncTranslator;
use crate::signatures::clif_type;
use cranelift_codegen::ir::{
    self, BlockArg, ExceptionTableData, ExceptionTableItem, ExceptionTag, InstBuilder,
    MemFlagsData, types,
};
use kiln_types::*;
use wasmparser::Catch;

/// One catch clause of an open `try_table`.
#[derive(Debug)]
pub(super) struct Handler {
    /// The tag caught, or `None` for a catch-all.
    tag: Option<TagIndex>,
    /// Whether the label also receives the exception (`catch_ref`,
    /// `catch_all_ref`).
    with_ref: bool,
    /// Index in the control stack of the frame the clause branches to.
    frame: usize,
    /// The block taking the exception.
    block: ir::Block,
    /// Whether any call can reach the block.
    used: bool,
}

/// What a call instruction calls.
pub(super) enum Callee {
    /// A function in this module, by its reference.
    Direct(ir::FuncRef),
    /// Code at an address.
    Indirect(ir::Value),
}

impl FuncTranslator<'_, '_> {
    /// Opens `try_table`'s catch clauses (labels are relative to the
    /// frames outside the `try_table`, so this runs before its frame is
    /// pushed); returns how many handlers were open before.
    pub(super) fn open_handlers(&mut self, catches: &[Catch]) -> usize {
        let before = self.handlers.len();
        // The stack is searched from its end, so the first clause goes last.
        for c in catches.iter().rev() {
            let (tag, with_ref, label) = match *c {
                Catch::One { tag, label } => (Some(TagIndex(tag)), false, label),
                Catch::OneRef { tag, label } => (Some(TagIndex(tag)), true, label),
                Catch::All { label } => (None, false, label),
                Catch::AllRef { label } => (None, true, label),
            };
            let block = self.b.create_block();
            self.b.append_block_param(block, self.ptr);
            self.b.set_cold_block(block);
            self.handlers.push(Handler {
                tag,
                with_ref,
                frame: self.control.len() - 1 - label as usize,
                block,
                used: false,
            });
        }
        before
    }

    /// Closes the handlers opened after the first `before`, filling in each
    /// handler block that a call can reach: it unpacks the exception's
    /// values and branches to the clause's label.
    pub(super) fn close_handlers(&mut self, before: usize) {
        let closed = self.handlers.split_off(before);
        for h in closed.into_iter().rev() {
            self.b.switch_to_block(h.block);
            self.b.seal_block(h.block);
            if !h.used {
                // Nothing throws to it; keep the block well formed.
                self.trap(TrapCode::UnreachableCodeReached);
                continue;
            }
            // The handler closes with its `try_table`, an `end`, so
            // nothing is pending here: the counter is what the store has.
            debug_assert_eq!(self.fuel_pending, 0);
            self.fuel_reload();
            let exn = self.b.block_params(h.block)[0];
            let mut args = Vec::new();
            if let Some(tag) = h.tag {
                let ty = self
                    .env
                    .info
                    .func_type_at(self.env.info.tags[tag.index()])
                    .clone();
                let flags = MemFlagsData::trusted();
                let values =
                    self.b
                        .ins()
                        .load(self.ptr, flags, exn, VMExceptionOffsets::VALUES as i32);
                for (i, t) in ty.param_types().iter().enumerate() {
                    let offset = i as i32 * VMExceptionOffsets::VALUE_SIZE as i32;
                    let v = self
                        .b
                        .ins()
                        .load(clif_type(*t, self.ptr), flags, values, offset);
                    args.push(v);
                }
            }
            if h.with_ref {
                args.push(exn);
            }
            let frame = &mut self.control[h.frame];
            let (target, n) = frame.branch_target();
            debug_assert_eq!(
                n,
                args.len(),
                "validated: the label takes the caught values"
            );
            frame.mark_reached();
            let args: Vec<BlockArg> = args.into_iter().map(BlockArg::Value).collect();
            self.b.ins().jump(target, &args);
        }
    }

    /// Calls `callee` with signature `sig`, as a `try_call` when handlers
    /// are open; returns the results.
    pub(super) fn emit_call(
        &mut self,
        sig: ir::SigRef,
        callee: Callee,
        args: &[ir::Value],
    ) -> Vec<ir::Value> {
        self.fuel_write_back();
        if self.handlers.is_empty() {
            let call = match callee {
                Callee::Direct(f) => self.b.ins().call(f, args),
                Callee::Indirect(p) => self.b.ins().call_indirect(sig, p, args),
            };
            let results = self.b.inst_results(call).to_vec();
            self.fuel_reload();
            return results;
        }
        let returns: Vec<ir::Type> = self.b.func.dfg.signatures[sig]
            .returns
            .iter()
            .map(|r| r.value_type)
            .collect();
        let next = self.b.create_block();
        for t in &returns {
            self.b.append_block_param(next, *t);
        }
        let rets: Vec<BlockArg> = (0..returns.len() as u32)
            .map(BlockArg::TryCallRet)
            .collect();
        let normal = self.b.func.dfg.block_call(next, &rets);
        let mut items = vec![ExceptionTableItem::Context(self.vmctx)];
        for h in self.handlers.iter_mut().rev() {
            h.used = true;
            let to = self
                .b
                .func
                .dfg
                .block_call(h.block, &[BlockArg::TryCallExn(0)]);
            match h.tag {
                Some(tag) => items.push(ExceptionTableItem::Tag(ExceptionTag::from_u32(tag.0), to)),
                None => {
                    // Nothing after a catch-all is ever tried.
                    items.push(ExceptionTableItem::Default(to));
                    break;
                }
            }
        }
        let table = self
            .b
            .func
            .dfg
            .exception_tables
            .push(ExceptionTableData::new(sig, normal, items));
        match callee {
            Callee::Direct(f) => self.b.ins().try_call(f, args, table),
            Callee::Indirect(p) => self.b.ins().try_call_indirect(p, args, table),
        };
        self.b.seal_block(next);
        self.b.switch_to_block(next);
        self.fuel_reload();
        self.b.block_params(next).to_vec()
    }

    /// `throw tag`: the operands become the exception's values.
    pub(super) fn translate_throw(&mut self, tag: TagIndex) {
        let ty = self
            .env
            .info
            .func_type_at(self.env.info.tags[tag.index()])
            .clone();
        let values = self.popn(ty.params().len());
        let size = VMExceptionOffsets::VALUE_SIZE;
        // References in this slot are in no stack map: GC ones are sound
        // only because `Throw` never collects the GC heap; exception ones
        // because `Throw` passes the slot's words to the exception
        // collection it may run.
        let slot = self.b.create_sized_stack_slot(ir::StackSlotData::new(
            ir::StackSlotKind::ExplicitSlot,
            values.len().max(1) as u32 * size,
            4,
        ));
        for (i, v) in values.iter().enumerate() {
            self.b
                .ins()
                .stack_store(self.ptr, *v, slot, (i as u32 * size) as i32);
        }
        let addr = self.b.ins().stack_addr(self.ptr, slot, 0);
        let tag = self.b.ins().iconst(types::I32, i64::from(tag.0));
        self.call_builtin(BuiltinFunctionIndex::Throw, &[tag, addr]);
        self.trap(TrapCode::UnreachableCodeReached);
        self.reachable = false;
    }

    /// `throw_ref`: throws the exception again (null traps in the builtin).
    pub(super) fn translate_throw_ref(&mut self) {
        let exn = self.pop();
        self.call_builtin(BuiltinFunctionIndex::ThrowRef, &[exn]);
        self.trap(TrapCode::UnreachableCodeReached);
        self.reachable = false;
    }
}
