//! Fuel metering with the counter in a register.
//!
//! The store's `fuel_consumed` counter (negative while fuel remains) is
//! loaded into a variable at function entry. Operators are counted at
//! translation time and added to the variable at the end of each
//! straight-line run; function entry and loop headers compare it with zero.
//! The store sees the counter where something else can: it is written
//! before every call (wasm, host or builtin), tail call and return, and read
//! back after every call and in exception handlers. It is also written at
//! each loop header, so that a trap that is not a call (a fault, a failed
//! check) loses at most the loop-free code run since the last write: a
//! guest that traps on purpose cannot run loops for free across calls.

use super::FuncTranslator;
use cranelift_codegen::ir::{self, InstBuilder, MemFlagsData, condcodes::IntCC, types};
use kiln_types::{BuiltinFunctionIndex, VMStoreContextOffsets};
use wasmparser::Operator;

const FUEL_OFFSET: i32 = VMStoreContextOffsets::FUEL_CONSUMED as i32;

/// Where fuel and epoch checks are made.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(super) enum CheckSite {
    /// Function entry: the store's counter was just read.
    Entry,
    /// A loop header, reached once per iteration.
    LoopHeader,
}

/// Operators before which the pending fuel must be added to the counter:
/// anything that leaves the current straight-line code.
pub(super) fn is_fuel_flush_point(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Br { .. }
            | Operator::BrIf { .. }
            | Operator::BrTable { .. }
            | Operator::Return
            | Operator::End
            | Operator::Else
            | Operator::If { .. }
            | Operator::Loop { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::CallRef { .. }
            | Operator::ReturnCallRef { .. }
            | Operator::BrOnNull { .. }
            | Operator::BrOnNonNull { .. }
            | Operator::TryTable { .. }
            | Operator::Throw { .. }
            | Operator::ThrowRef
            | Operator::BrOnCast { .. }
            | Operator::BrOnCastFail { .. }
    )
}

impl FuncTranslator<'_, '_> {
    /// Declares the fuel variable and loads the store's counter into it
    /// (function entry, when fuel is on).
    pub(super) fn fuel_load_at_entry(&mut self) {
        if !self.env.tunables.consume_fuel {
            return;
        }
        let var = self.b.declare_var(types::I64);
        self.fuel = Some(var);
        let consumed = self.fuel_load();
        self.b.def_var(var, consumed);
    }

    fn fuel_load(&mut self) -> ir::Value {
        let store = self.store_context();
        self.b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), store, FUEL_OFFSET)
    }

    /// Adds the operators counted since the last flush to the fuel variable.
    pub(super) fn fuel_flush(&mut self) {
        let Some(var) = self.fuel else { return };
        if self.fuel_pending == 0 {
            return;
        }
        let consumed = self.b.use_var(var);
        let consumed = self.b.ins().iadd_imm_s(consumed, self.fuel_pending);
        self.b.def_var(var, consumed);
        self.fuel_pending = 0;
    }

    /// Writes the counter, pending operators included, to the store (before
    /// a call or return, and at loop headers). The pending count stays pending: this may be a
    /// cold path, and the hot path goes on counting.
    pub(super) fn fuel_write_back(&mut self) {
        let Some(var) = self.fuel else { return };
        let consumed = self.b.use_var(var);
        let consumed = match self.fuel_pending {
            0 => consumed,
            n => self.b.ins().iadd_imm_s(consumed, n),
        };
        let store = self.store_context();
        self.b
            .ins()
            .store(MemFlagsData::trusted(), consumed, store, FUEL_OFFSET);
    }

    /// Reads the counter back from the store (after a call, which may have
    /// consumed fuel or had the host set it), less what is still pending.
    pub(super) fn fuel_reload(&mut self) {
        let Some(var) = self.fuel else { return };
        let consumed = self.fuel_load();
        let consumed = match self.fuel_pending {
            0 => consumed,
            n => self.b.ins().iadd_imm_s(consumed, -n),
        };
        self.b.def_var(var, consumed);
    }

    /// At function entry and loop headers: traps with "all fuel consumed"
    /// once the counter is positive. At a loop header the counter is written
    /// to the store too (one store per iteration, no load).
    pub(super) fn fuel_check(&mut self, at: CheckSite) {
        let Some(var) = self.fuel else { return };
        self.fuel_flush();
        if at == CheckSite::LoopHeader {
            self.fuel_write_back();
        }
        let consumed = self.b.use_var(var);
        let out = self
            .b
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThan, consumed, 0);
        self.trap_via_builtin_if(out, BuiltinFunctionIndex::OutOfFuel);
    }
}
