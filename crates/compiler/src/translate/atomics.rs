//! Threads' atomic memory operators: loads, stores, read-modify-write and
//! compare-exchange, each naturally aligned (else `HeapMisaligned`), plus
//! `atomic.fence`. (`memory.atomic.wait/notify` are builtins, in memory.rs.)

use super::memory::heap_flags;
use super::{FuncTranslator, clif_trap};
use anyhow::Result;
use cranelift_codegen::ir::{self, AtomicRmwOp, InstBuilder, types};
use kiln_types::TrapCode;
use wasmparser::{MemArg, Operator};

/// The access of one atomic operator: bytes touched and the wasm value type.
#[derive(Copy, Clone)]
struct Access {
    size: u32,
    ty: ir::Type,
}

impl Access {
    /// The Cranelift type of the bytes in memory.
    fn mem_type(self) -> ir::Type {
        ir::Type::int_with_byte_size(self.size as u16).expect("1, 2, 4 or 8 bytes")
    }
}

const fn acc(size: u32, ty: ir::Type) -> Access {
    Access { size, ty }
}

impl FuncTranslator<'_, '_> {
    /// The checked, aligned native address of an atomic access at `index`.
    fn atomic_addr(&mut self, memarg: &MemArg, index: ir::Value, size: u32) -> ir::Value {
        let (addr, off) = self.heap_addr(memarg, index, size);
        let addr = if off == 0 {
            addr
        } else {
            self.b.ins().iadd_imm_s(addr, i64::from(off))
        };
        if size > 1 {
            // Memory bases are page-aligned, so the native address has the
            // wasm address's alignment.
            let low = self.b.ins().band_imm_s(addr, i64::from(size - 1));
            self.b
                .ins()
                .trapnz(low, clif_trap(TrapCode::HeapMisaligned));
        }
        addr
    }

    /// Narrows a wasm value to the accessed width.
    fn narrow_to_access(&mut self, v: ir::Value, a: Access) -> ir::Value {
        if a.mem_type() == a.ty {
            v
        } else {
            self.b.ins().ireduce(a.mem_type(), v)
        }
    }

    /// Zero-extends an accessed value to the wasm type.
    fn widen_from_access(&mut self, v: ir::Value, a: Access) -> ir::Value {
        if a.mem_type() == a.ty {
            v
        } else {
            self.b.ins().uextend(a.ty, v)
        }
    }

    fn atomic_load(&mut self, memarg: &MemArg, a: Access) {
        let index = self.pop();
        let addr = self.atomic_addr(memarg, index, a.size);
        let v = self.b.ins().atomic_load(a.mem_type(), heap_flags(), addr);
        let v = self.widen_from_access(v, a);
        self.push(v);
    }

    fn atomic_store(&mut self, memarg: &MemArg, a: Access) {
        let (index, v) = self.pop2();
        let addr = self.atomic_addr(memarg, index, a.size);
        let v = self.narrow_to_access(v, a);
        self.b.ins().atomic_store(heap_flags(), v, addr);
    }

    fn atomic_rmw(&mut self, memarg: &MemArg, a: Access, op: AtomicRmwOp) {
        let (index, v) = self.pop2();
        let addr = self.atomic_addr(memarg, index, a.size);
        let v = self.narrow_to_access(v, a);
        let old = self
            .b
            .ins()
            .atomic_rmw(a.mem_type(), heap_flags(), op, addr, v);
        let old = self.widen_from_access(old, a);
        self.push(old);
    }

    fn atomic_cmpxchg(&mut self, memarg: &MemArg, a: Access) {
        let (index, expected, replacement) = self.pop3();
        let addr = self.atomic_addr(memarg, index, a.size);
        let expected = self.narrow_to_access(expected, a);
        let replacement = self.narrow_to_access(replacement, a);
        let old = self
            .b
            .ins()
            .atomic_cas(heap_flags(), addr, expected, replacement);
        let old = self.widen_from_access(old, a);
        self.push(old);
    }

    /// Atomic operators; `false` if `op` is not one.
    pub(super) fn translate_atomic(&mut self, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        use types::{I32, I64};
        match op {
            O::AtomicFence { .. } => {
                self.b.ins().fence();
            }
            O::I32AtomicLoad { memarg } => self.atomic_load(memarg, acc(4, I32)),
            O::I64AtomicLoad { memarg } => self.atomic_load(memarg, acc(8, I64)),
            O::I32AtomicLoad8U { memarg } => self.atomic_load(memarg, acc(1, I32)),
            O::I32AtomicLoad16U { memarg } => self.atomic_load(memarg, acc(2, I32)),
            O::I64AtomicLoad8U { memarg } => self.atomic_load(memarg, acc(1, I64)),
            O::I64AtomicLoad16U { memarg } => self.atomic_load(memarg, acc(2, I64)),
            O::I64AtomicLoad32U { memarg } => self.atomic_load(memarg, acc(4, I64)),
            O::I32AtomicStore { memarg } => self.atomic_store(memarg, acc(4, I32)),
            O::I64AtomicStore { memarg } => self.atomic_store(memarg, acc(8, I64)),
            O::I32AtomicStore8 { memarg } => self.atomic_store(memarg, acc(1, I32)),
            O::I32AtomicStore16 { memarg } => self.atomic_store(memarg, acc(2, I32)),
            O::I64AtomicStore8 { memarg } => self.atomic_store(memarg, acc(1, I64)),
            O::I64AtomicStore16 { memarg } => self.atomic_store(memarg, acc(2, I64)),
            O::I64AtomicStore32 { memarg } => self.atomic_store(memarg, acc(4, I64)),
            O::I32AtomicRmwCmpxchg { memarg } => self.atomic_cmpxchg(memarg, acc(4, I32)),
            O::I64AtomicRmwCmpxchg { memarg } => self.atomic_cmpxchg(memarg, acc(8, I64)),
            O::I32AtomicRmw8CmpxchgU { memarg } => self.atomic_cmpxchg(memarg, acc(1, I32)),
            O::I32AtomicRmw16CmpxchgU { memarg } => self.atomic_cmpxchg(memarg, acc(2, I32)),
            O::I64AtomicRmw8CmpxchgU { memarg } => self.atomic_cmpxchg(memarg, acc(1, I64)),
            O::I64AtomicRmw16CmpxchgU { memarg } => self.atomic_cmpxchg(memarg, acc(2, I64)),
            O::I64AtomicRmw32CmpxchgU { memarg } => self.atomic_cmpxchg(memarg, acc(4, I64)),
            _ => {
                let Some((memarg, a, rmw)) = rmw_operator(op) else {
                    return Ok(false);
                };
                self.atomic_rmw(memarg, a, rmw);
            }
        }
        Ok(true)
    }
}

/// The memarg, access and operation of a read-modify-write operator.
fn rmw_operator<'a>(op: &'a Operator<'_>) -> Option<(&'a MemArg, Access, AtomicRmwOp)> {
    use AtomicRmwOp::*;
    use Operator as O;
    use types::{I32, I64};
    Some(match op {
        O::I32AtomicRmwAdd { memarg } => (memarg, acc(4, I32), Add),
        O::I64AtomicRmwAdd { memarg } => (memarg, acc(8, I64), Add),
        O::I32AtomicRmw8AddU { memarg } => (memarg, acc(1, I32), Add),
        O::I32AtomicRmw16AddU { memarg } => (memarg, acc(2, I32), Add),
        O::I64AtomicRmw8AddU { memarg } => (memarg, acc(1, I64), Add),
        O::I64AtomicRmw16AddU { memarg } => (memarg, acc(2, I64), Add),
        O::I64AtomicRmw32AddU { memarg } => (memarg, acc(4, I64), Add),
        O::I32AtomicRmwSub { memarg } => (memarg, acc(4, I32), Sub),
        O::I64AtomicRmwSub { memarg } => (memarg, acc(8, I64), Sub),
        O::I32AtomicRmw8SubU { memarg } => (memarg, acc(1, I32), Sub),
        O::I32AtomicRmw16SubU { memarg } => (memarg, acc(2, I32), Sub),
        O::I64AtomicRmw8SubU { memarg } => (memarg, acc(1, I64), Sub),
        O::I64AtomicRmw16SubU { memarg } => (memarg, acc(2, I64), Sub),
        O::I64AtomicRmw32SubU { memarg } => (memarg, acc(4, I64), Sub),
        O::I32AtomicRmwAnd { memarg } => (memarg, acc(4, I32), And),
        O::I64AtomicRmwAnd { memarg } => (memarg, acc(8, I64), And),
        O::I32AtomicRmw8AndU { memarg } => (memarg, acc(1, I32), And),
        O::I32AtomicRmw16AndU { memarg } => (memarg, acc(2, I32), And),
        O::I64AtomicRmw8AndU { memarg } => (memarg, acc(1, I64), And),
        O::I64AtomicRmw16AndU { memarg } => (memarg, acc(2, I64), And),
        O::I64AtomicRmw32AndU { memarg } => (memarg, acc(4, I64), And),
        O::I32AtomicRmwOr { memarg } => (memarg, acc(4, I32), Or),
        O::I64AtomicRmwOr { memarg } => (memarg, acc(8, I64), Or),
        O::I32AtomicRmw8OrU { memarg } => (memarg, acc(1, I32), Or),
        O::I32AtomicRmw16OrU { memarg } => (memarg, acc(2, I32), Or),
        O::I64AtomicRmw8OrU { memarg } => (memarg, acc(1, I64), Or),
        O::I64AtomicRmw16OrU { memarg } => (memarg, acc(2, I64), Or),
        O::I64AtomicRmw32OrU { memarg } => (memarg, acc(4, I64), Or),
        O::I32AtomicRmwXor { memarg } => (memarg, acc(4, I32), Xor),
        O::I64AtomicRmwXor { memarg } => (memarg, acc(8, I64), Xor),
        O::I32AtomicRmw8XorU { memarg } => (memarg, acc(1, I32), Xor),
        O::I32AtomicRmw16XorU { memarg } => (memarg, acc(2, I32), Xor),
        O::I64AtomicRmw8XorU { memarg } => (memarg, acc(1, I64), Xor),
        O::I64AtomicRmw16XorU { memarg } => (memarg, acc(2, I64), Xor),
        O::I64AtomicRmw32XorU { memarg } => (memarg, acc(4, I64), Xor),
        O::I32AtomicRmwXchg { memarg } => (memarg, acc(4, I32), Xchg),
        O::I64AtomicRmwXchg { memarg } => (memarg, acc(8, I64), Xchg),
        O::I32AtomicRmw8XchgU { memarg } => (memarg, acc(1, I32), Xchg),
        O::I32AtomicRmw16XchgU { memarg } => (memarg, acc(2, I32), Xchg),
        O::I64AtomicRmw8XchgU { memarg } => (memarg, acc(1, I64), Xchg),
        O::I64AtomicRmw16XchgU { memarg } => (memarg, acc(2, I64), Xchg),
        O::I64AtomicRmw32XchgU { memarg } => (memarg, acc(4, I64), Xchg),
        _ => return None,
    })
}
