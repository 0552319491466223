//! Linear-memory access. 32-bit memories with a full 4 GiB reservation need
//! no explicit bounds check when the constant offset fits in the guard
//! region: an out-of-bounds access faults and the fault becomes a trap.
//! Otherwise the effective address is compared with the current length.

use super::{FuncTranslator, clif_trap};
use anyhow::Result;
use cranelift_codegen::ir::{self, InstBuilder, MemFlagsData, condcodes::IntCC, types};
use kiln_types::*;
use wasmparser::{MemArg, Operator};

fn mem_index(m: &MemArg) -> MemoryIndex {
    match m.target {
        wasmparser::MemArgTarget::Memory(i) => MemoryIndex(i),
        wasmparser::MemArgTarget::Array(_) => unreachable!("validated: GC arrays are disabled"),
    }
}

pub(super) fn heap_flags() -> MemFlagsData {
    MemFlagsData::new()
        .with_endianness(ir::Endianness::Little)
        .with_trap_code(Some(clif_trap(TrapCode::MemoryOutOfBounds)))
}

impl FuncTranslator<'_, '_> {
    fn is_memory64(&self, m: MemoryIndex) -> bool {
        self.env.info.memories[m.index()].memory64
    }

    /// The native address for an access of `size` bytes at `index + memarg.offset`,
    /// plus the immediate offset to use with it.
    pub(super) fn heap_addr(
        &mut self,
        memarg: &MemArg,
        index: ir::Value,
        size: u32,
    ) -> (ir::Value, i32) {
        let m = mem_index(memarg);
        let base = self.memories[m.index()].1;
        let memory64 = self.is_memory64(m);
        let index = if memory64 {
            index
        } else {
            self.b.ins().uextend(types::I64, index)
        };
        let offset = memarg.offset;
        let end_offset = offset.checked_add(u64::from(size));
        // Only whole 64 KiB pages end on an OS page boundary, where the
        // guard region starts; other page sizes are always checked.
        let whole_pages = self.env.info.memories[m.index()].page_size_log2 == 16;
        if !memory64
            && whole_pages
            && self
                .env
                .tunables
                .elides_bounds_check(offset, u64::from(size))
        {
            let addr = self.b.ins().iadd(base, index);
            // A load's immediate offset is a signed 32-bit field: a larger
            // offset (possible with a guard over 2 GiB) is added in 64 bits
            // so that it cannot turn into an address below the memory.
            return match i32::try_from(offset) {
                Ok(imm) => (addr, imm),
                Err(_) => (self.b.ins().iadd_imm_s(addr, offset as i64), 0),
            };
        }
        let len = self.memory_length(m);
        let oob = match end_offset {
            Some(end) if !memory64 => {
                // index < 2^32 and end < 2^33: no overflow in 64 bits.
                let last = self.b.ins().iadd_imm_s(index, end as i64);
                self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, len)
            }
            Some(end) => {
                let end = self.b.ins().iconst(types::I64, end as i64);
                let last = self.b.ins().uadd_overflow_trap(
                    index,
                    end,
                    clif_trap(TrapCode::MemoryOutOfBounds),
                );
                self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, len)
            }
            None => self.b.ins().iconst(types::I8, 1),
        };
        self.b
            .ins()
            .trapnz(oob, clif_trap(TrapCode::MemoryOutOfBounds));
        let addr = self.b.ins().iadd(base, index);
        let addr = self.b.ins().iadd_imm_s(addr, offset as i64);
        (self.spectre_guard(oob, addr), 0)
    }

    /// With spectre guards on, `addr` unless the bounds check `oob` failed,
    /// then null, computed without a branch the CPU could mispredict.
    pub(super) fn spectre_guard(&mut self, oob: ir::Value, addr: ir::Value) -> ir::Value {
        if !self.env.tunables.spectre_guards {
            return addr;
        }
        let null = self.b.ins().iconst(self.ptr, 0);
        self.b.ins().select_spectre_guard(oob, null, addr)
    }

    /// `address + offset` for the wait/notify builtins, trapping
    /// `MemoryOutOfBounds` instead of wrapping past 2^64.
    fn effective_address(&mut self, m: MemoryIndex, addr: ir::Value, offset: u64) -> ir::Value {
        let addr = self.memory_operand(m, addr);
        let offset = self.b.ins().iconst(types::I64, offset as i64);
        self.b
            .ins()
            .uadd_overflow_trap(addr, offset, clif_trap(TrapCode::MemoryOutOfBounds))
    }

    fn load(
        &mut self,
        memarg: &MemArg,
        size: u32,
        f: impl FnOnce(&mut Self, ir::Value, i32) -> ir::Value,
    ) {
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, size);
        let v = f(self, addr, off);
        self.push(v);
    }

    fn store(
        &mut self,
        memarg: &MemArg,
        size: u32,
        f: impl FnOnce(&mut Self, ir::Value, ir::Value, i32),
    ) {
        let value = self.pop();
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, size);
        f(self, value, addr, off);
    }

    /// Extends a 32-bit memory's i32 operand to the 64-bit form builtins take.
    fn memory_operand(&mut self, m: MemoryIndex, v: ir::Value) -> ir::Value {
        if self.is_memory64(m) {
            v
        } else {
            self.b.ins().uextend(types::I64, v)
        }
    }

    /// Memory operators; `false` if `op` is not one.
    pub(super) fn translate_memory(&mut self, op: &Operator<'_>) -> Result<bool> {
        use BuiltinFunctionIndex as B;
        let fl = heap_flags();
        match op {
            Operator::I32Load { memarg } => {
                self.load(memarg, 4, |t, a, o| t.b.ins().load(types::I32, fl, a, o))
            }
            Operator::I64Load { memarg } => {
                self.load(memarg, 8, |t, a, o| t.b.ins().load(types::I64, fl, a, o))
            }
            Operator::F32Load { memarg } => {
                self.load(memarg, 4, |t, a, o| t.b.ins().load(types::F32, fl, a, o))
            }
            Operator::F64Load { memarg } => {
                self.load(memarg, 8, |t, a, o| t.b.ins().load(types::F64, fl, a, o))
            }
            Operator::V128Load { memarg } => {
                self.load(memarg, 16, |t, a, o| t.b.ins().load(types::I8X16, fl, a, o))
            }
            Operator::I32Load8S { memarg } => {
                self.load(memarg, 1, |t, a, o| t.b.ins().sload8(types::I32, fl, a, o))
            }
            Operator::I32Load8U { memarg } => {
                self.load(memarg, 1, |t, a, o| t.b.ins().uload8(types::I32, fl, a, o))
            }
            Operator::I32Load16S { memarg } => {
                self.load(memarg, 2, |t, a, o| t.b.ins().sload16(types::I32, fl, a, o))
            }
            Operator::I32Load16U { memarg } => {
                self.load(memarg, 2, |t, a, o| t.b.ins().uload16(types::I32, fl, a, o))
            }
            Operator::I64Load8S { memarg } => {
                self.load(memarg, 1, |t, a, o| t.b.ins().sload8(types::I64, fl, a, o))
            }
            Operator::I64Load8U { memarg } => {
                self.load(memarg, 1, |t, a, o| t.b.ins().uload8(types::I64, fl, a, o))
            }
            Operator::I64Load16S { memarg } => {
                self.load(memarg, 2, |t, a, o| t.b.ins().sload16(types::I64, fl, a, o))
            }
            Operator::I64Load16U { memarg } => {
                self.load(memarg, 2, |t, a, o| t.b.ins().uload16(types::I64, fl, a, o))
            }
            Operator::I64Load32S { memarg } => {
                self.load(memarg, 4, |t, a, o| t.b.ins().sload32(fl, a, o))
            }
            Operator::I64Load32U { memarg } => {
                self.load(memarg, 4, |t, a, o| t.b.ins().uload32(fl, a, o))
            }
            Operator::I32Store { memarg } | Operator::F32Store { memarg } => {
                self.store(memarg, 4, |t, v, a, o| {
                    t.b.ins().store(fl, v, a, o);
                })
            }
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => {
                self.store(memarg, 8, |t, v, a, o| {
                    t.b.ins().store(fl, v, a, o);
                })
            }
            Operator::V128Store { memarg } => self.store(memarg, 16, |t, v, a, o| {
                t.b.ins().store(fl, v, a, o);
            }),
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => {
                self.store(memarg, 1, |t, v, a, o| {
                    t.b.ins().istore8(fl, v, a, o);
                })
            }
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => {
                self.store(memarg, 2, |t, v, a, o| {
                    t.b.ins().istore16(fl, v, a, o);
                })
            }
            Operator::I64Store32 { memarg } => self.store(memarg, 4, |t, v, a, o| {
                t.b.ins().istore32(fl, v, a, o);
            }),
            Operator::MemorySize { mem } => {
                let m = MemoryIndex(*mem);
                let len = self.memory_length(m);
                let log2 = self.env.info.memories[m.index()].page_size_log2;
                let pages = self.b.ins().ushr_imm_s(len, i64::from(log2));
                let v = if self.is_memory64(m) {
                    pages
                } else {
                    self.b.ins().ireduce(types::I32, pages)
                };
                self.push(v);
            }
            Operator::MemoryGrow { mem } => {
                let m = MemoryIndex(*mem);
                let delta = self.pop();
                let delta = self.memory_operand(m, delta);
                let idx = self.b.ins().iconst(types::I32, i64::from(*mem));
                let old = self.call_builtin(B::MemoryGrow, &[idx, delta]).unwrap();
                let v = if self.is_memory64(m) {
                    old
                } else {
                    self.b.ins().ireduce(types::I32, old)
                };
                self.push(v);
            }
            Operator::MemoryCopy { dst_mem, src_mem } => {
                let (dst, src, len) = self.pop3();
                let (d, s) = (MemoryIndex(*dst_mem), MemoryIndex(*src_mem));
                if d == s && !self.is_memory64(d) {
                    let idx = self.b.ins().iconst(types::I32, i64::from(*dst_mem));
                    self.call_builtin(B::MemoryCopy, &[idx, dst, src, len]);
                } else {
                    // `len` is 64-bit only if both memories are.
                    let len = if self.is_memory64(d) && self.is_memory64(s) {
                        len
                    } else {
                        self.b.ins().uextend(types::I64, len)
                    };
                    let dst = self.memory_operand(d, dst);
                    let src = self.memory_operand(s, src);
                    let di = self.b.ins().iconst(types::I32, i64::from(*dst_mem));
                    let si = self.b.ins().iconst(types::I32, i64::from(*src_mem));
                    self.call_builtin(B::MemoryCopyCross, &[di, dst, si, src, len]);
                }
            }
            Operator::MemoryFill { mem } => {
                let (dst, val, len) = self.pop3();
                let idx = self.b.ins().iconst(types::I32, i64::from(*mem));
                let fill = if self.is_memory64(MemoryIndex(*mem)) {
                    B::MemoryFill64
                } else {
                    B::MemoryFill
                };
                self.call_builtin(fill, &[idx, dst, val, len]);
            }
            Operator::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                let dst = self.memory_operand(MemoryIndex(*mem), dst);
                let idx = self.b.ins().iconst(types::I32, i64::from(*mem));
                let d = self.b.ins().iconst(types::I32, i64::from(*data_index));
                self.call_builtin(B::MemoryInit, &[idx, d, dst, src, len]);
            }
            Operator::DataDrop { data_index } => {
                let d = self.b.ins().iconst(types::I32, i64::from(*data_index));
                self.call_builtin(B::DataDrop, &[d]);
            }
            Operator::MemoryAtomicWait32 { memarg } | Operator::MemoryAtomicWait64 { memarg } => {
                let (addr, expected, timeout) = self.pop3();
                let m = mem_index(memarg);
                let addr = self.effective_address(m, addr, memarg.offset);
                let idx = self
                    .b
                    .ins()
                    .iconst(types::I32, i64::from(mem_index(memarg).0));
                let f = if matches!(op, Operator::MemoryAtomicWait32 { .. }) {
                    B::MemoryAtomicWait32
                } else {
                    B::MemoryAtomicWait64
                };
                let v = self
                    .call_builtin(f, &[idx, addr, expected, timeout])
                    .unwrap();
                self.push(v);
            }
            Operator::MemoryAtomicNotify { memarg } => {
                let (addr, count) = self.pop2();
                let m = mem_index(memarg);
                let addr = self.effective_address(m, addr, memarg.offset);
                let idx = self
                    .b
                    .ins()
                    .iconst(types::I32, i64::from(mem_index(memarg).0));
                let v = self
                    .call_builtin(B::MemoryAtomicNotify, &[idx, addr, count])
                    .unwrap();
                self.push(v);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
