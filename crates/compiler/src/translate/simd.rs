//! Fixed-width SIMD (`v128`) operators.
//!
//! Every `v128` on the operand stack (and in locals, globals, block
//! parameters and signatures) is an `I8X16`. Each operator bitcasts its
//! operands to the lane type it works on and bitcasts its vector result back
//! to `I8X16` before pushing it; scalar results are pushed as they are.

use super::FuncTranslator;
use super::memory::heap_flags;
use anyhow::Result;
use cranelift_codegen::ir::{
    self, InstBuilder, MemFlagsData,
    condcodes::{FloatCC, IntCC},
    types::{F32X4, F64X2, I8, I8X16, I16, I16X8, I32, I32X4, I64, I64X2},
};
use wasmparser::{MemArg, Operator};

/// Flags for lane-reinterpreting bitcasts: wasm lanes are little-endian.
fn lane_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(ir::Endianness::Little)
}

/// How the scalar fetched by a lane-aware load becomes a vector.
#[derive(Clone, Copy)]
enum LoadKind {
    /// Broadcast the scalar to every lane of the given vector type.
    Splat(ir::Type),
    /// Put the scalar in lane 0 of the given vector type, zeroing the rest.
    Zero(ir::Type),
}

impl FuncTranslator<'_, '_> {
    /// Reinterprets `v` as vector type `ty`, emitting nothing if it already is one.
    fn cast(&mut self, ty: ir::Type, v: ir::Value) -> ir::Value {
        if self.b.func.dfg.value_type(v) == ty {
            v
        } else {
            self.b.ins().bitcast(ty, lane_flags(), v)
        }
    }

    /// Pops a `v128` and reinterprets it as vector type `ty`.
    fn pop_as(&mut self, ty: ir::Type) -> ir::Value {
        let v = self.pop();
        self.cast(ty, v)
    }

    /// Pushes vector `v` as a `v128` (an `I8X16`).
    fn push_v128(&mut self, v: ir::Value) {
        let v = self.cast(I8X16, v);
        self.push(v);
    }

    /// A vector of type `ty` with the given 16 little-endian bytes.
    fn vconst(&mut self, ty: ir::Type, bytes: &[u8; 16]) -> ir::Value {
        let c = self.b.func.dfg.constants.insert(bytes.to_vec().into());
        self.b.ins().vconst(ty, c)
    }

    /// Applies `f` to one `v128` viewed as `ty` and pushes the vector result.
    fn v_unary(&mut self, ty: ir::Type, f: impl FnOnce(&mut Self, ir::Value) -> ir::Value) {
        let a = self.pop_as(ty);
        let v = f(self, a);
        self.push_v128(v);
    }

    /// Applies `f` to two `v128`s viewed as `ty` and pushes the vector result.
    fn v_binary(
        &mut self,
        ty: ir::Type,
        f: impl FnOnce(&mut Self, ir::Value, ir::Value) -> ir::Value,
    ) {
        let b = self.pop_as(ty);
        let a = self.pop_as(ty);
        let v = f(self, a, b);
        self.push_v128(v);
    }

    /// Lane-wise integer comparison of two `ty` vectors, giving a lane mask.
    fn v_icmp(&mut self, ty: ir::Type, cc: IntCC) {
        self.v_binary(ty, |t, a, b| t.b.ins().icmp(cc, a, b));
    }

    /// Lane-wise float comparison of two `ty` vectors, giving a lane mask.
    fn v_fcmp(&mut self, ty: ir::Type, cc: FloatCC) {
        self.v_binary(ty, |t, a, b| t.b.ins().fcmp(cc, a, b));
    }

    /// Shifts a `ty` vector by an i32 count; Cranelift masks the count to the lane width as wasm does.
    fn v_shift(
        &mut self,
        ty: ir::Type,
        f: impl FnOnce(&mut Self, ir::Value, ir::Value) -> ir::Value,
    ) {
        let amount = self.pop();
        let a = self.pop_as(ty);
        let v = f(self, a, amount);
        self.push_v128(v);
    }

    /// Reduces one `ty` vector to an i32 with `f` (which may yield a narrower integer).
    fn v_reduce(&mut self, ty: ir::Type, f: impl FnOnce(&mut Self, ir::Value) -> ir::Value) {
        let a = self.pop_as(ty);
        let r = f(self, a);
        let r = if self.b.func.dfg.value_type(r) == I32 {
            r
        } else {
            self.b.ins().uextend(I32, r)
        };
        self.push(r);
    }

    /// Broadcasts a scalar operand to every lane of `ty`, narrowing i32 for 8/16-bit lanes.
    fn v_splat(&mut self, ty: ir::Type) {
        let x = self.pop();
        let lane = ty.lane_type();
        let x = if self.b.func.dfg.value_type(x) == lane {
            x
        } else {
            self.b.ins().ireduce(lane, x)
        };
        let v = self.b.ins().splat(ty, x);
        self.push_v128(v);
    }

    /// Extracts lane `lane` of a `ty` vector, extending 8/16-bit lanes to i32 (`signed` picks how).
    fn v_extract(&mut self, ty: ir::Type, lane: u8, signed: bool) {
        let v = self.pop_as(ty);
        let x = self.b.ins().extractlane(v, lane);
        let x = match (ty.lane_type(), signed) {
            (I8 | I16, true) => self.b.ins().sextend(I32, x),
            (I8 | I16, false) => self.b.ins().uextend(I32, x),
            _ => x,
        };
        self.push(x);
    }

    /// Replaces lane `lane` of a `ty` vector with a scalar operand.
    fn v_replace(&mut self, ty: ir::Type, lane: u8) {
        let x = self.pop();
        let v = self.pop_as(ty);
        let lane_ty = ty.lane_type();
        let x = if self.b.func.dfg.value_type(x) == lane_ty {
            x
        } else {
            self.b.ins().ireduce(lane_ty, x)
        };
        let r = self.b.ins().insertlane(v, x, lane);
        self.push_v128(r);
    }

    /// Multiplies the widened low (or high) halves of two `narrow` vectors.
    fn v_extmul(&mut self, narrow: ir::Type, high: bool, signed: bool) {
        self.v_binary(narrow, |t, a, b| {
            let a = t.widen(a, high, signed);
            let b = t.widen(b, high, signed);
            t.b.ins().imul(a, b)
        });
    }

    /// Widens the low or high half of `v` to lanes twice as wide.
    fn widen(&mut self, v: ir::Value, high: bool, signed: bool) -> ir::Value {
        let ins = self.b.ins();
        match (high, signed) {
            (false, true) => ins.swiden_low(v),
            (true, true) => ins.swiden_high(v),
            (false, false) => ins.uwiden_low(v),
            (true, false) => ins.uwiden_high(v),
        }
    }

    /// Adds adjacent lane pairs of a `narrow` vector into lanes twice as wide.
    fn v_extadd_pairwise(&mut self, narrow: ir::Type, signed: bool) {
        self.v_unary(narrow, |t, a| {
            let lo = t.widen(a, false, signed);
            let hi = t.widen(a, true, signed);
            t.b.ins().iadd_pairwise(lo, hi)
        });
    }

    /// Wasm `pmin`/`pmax`: `b` where `lt(b, a)` (pmin) or `lt(a, b)` (pmax) holds, else `a`.
    /// Relaxed (n)madd: `a * b + c` or `-(a * b) + c`, unfused.
    fn v_madd(&mut self, ty: ir::Type, negate: bool) {
        let c = self.pop_as(ty);
        let b = self.pop_as(ty);
        let a = self.pop_as(ty);
        let product = self.b.ins().fmul(a, b);
        let v = if negate {
            self.b.ins().fsub(c, product)
        } else {
            self.b.ins().fadd(product, c)
        };
        self.push_v128(v);
    }

    /// Signed byte products summed in adjacent pairs, as i16x8.
    fn dot_i8x16(&mut self, a: ir::Value, b: ir::Value) -> ir::Value {
        let (alo, blo) = (self.b.ins().swiden_low(a), self.b.ins().swiden_low(b));
        let (ahi, bhi) = (self.b.ins().swiden_high(a), self.b.ins().swiden_high(b));
        let lo = self.b.ins().imul(alo, blo);
        let hi = self.b.ins().imul(ahi, bhi);
        self.b.ins().iadd_pairwise(lo, hi)
    }

    fn v_pminmax(&mut self, ty: ir::Type, max: bool) {
        self.v_binary(ty, |t, a, b| {
            let mask = if max {
                t.b.ins().fcmp(FloatCC::LessThan, a, b)
            } else {
                t.b.ins().fcmp(FloatCC::LessThan, b, a)
            };
            let mask = t.cast(ty, mask);
            t.b.ins().bitselect(mask, b, a)
        });
    }

    /// `v128.loadN_splat` and `v128.loadN_zero`: one scalar load turned into a vector as `kind` says.
    fn v_load_scalar(&mut self, memarg: &MemArg, scalar: ir::Type, kind: LoadKind) {
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, scalar.bytes());
        let x = self.b.ins().load(scalar, heap_flags(), addr, off);
        let v = match kind {
            LoadKind::Splat(ty) => self.b.ins().splat(ty, x),
            LoadKind::Zero(ty) => self.b.ins().scalar_to_vector(ty, x),
        };
        self.push_v128(v);
    }

    /// `v128.loadNxM_s/u`: loads 64 bits and widens each lane with `f`.
    fn v_load_extend(
        &mut self,
        memarg: &MemArg,
        f: impl FnOnce(&mut Self, ir::Value, i32) -> ir::Value,
    ) {
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, 8);
        let v = f(self, addr, off);
        self.push_v128(v);
    }

    /// `v128.loadN_lane`: loads one scalar into lane `lane` of a `ty` vector operand.
    fn v_load_lane(&mut self, memarg: &MemArg, ty: ir::Type, lane: u8) {
        let v = self.pop_as(ty);
        let index = self.pop();
        let lane_ty = ty.lane_type();
        let (addr, off) = self.heap_addr(memarg, index, lane_ty.bytes());
        let x = self.b.ins().load(lane_ty, heap_flags(), addr, off);
        let r = self.b.ins().insertlane(v, x, lane);
        self.push_v128(r);
    }

    /// `v128.storeN_lane`: stores lane `lane` of a `ty` vector operand.
    fn v_store_lane(&mut self, memarg: &MemArg, ty: ir::Type, lane: u8) {
        let v = self.pop_as(ty);
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, ty.lane_type().bytes());
        let x = self.b.ins().extractlane(v, lane);
        self.b.ins().store(heap_flags(), x, addr, off);
    }

    /// SIMD operators; `false` if `op` is not one.
    pub(super) fn translate_simd(&mut self, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        let fl = heap_flags();
        match *op {
            // Memory.
            O::V128Load8x8S { ref memarg } => {
                self.v_load_extend(memarg, |t, a, o| t.b.ins().sload8x8(fl, a, o))
            }
            O::V128Load8x8U { ref memarg } => {
                self.v_load_extend(memarg, |t, a, o| t.b.ins().uload8x8(fl, a, o))
            }
            O::V128Load16x4S { ref memarg } => {
                self.v_load_extend(memarg, |t, a, o| t.b.ins().sload16x4(fl, a, o))
            }
            O::V128Load16x4U { ref memarg } => {
                self.v_load_extend(memarg, |t, a, o| t.b.ins().uload16x4(fl, a, o))
            }
            O::V128Load32x2S { ref memarg } => {
                self.v_load_extend(memarg, |t, a, o| t.b.ins().sload32x2(fl, a, o))
            }
            O::V128Load32x2U { ref memarg } => {
                self.v_load_extend(memarg, |t, a, o| t.b.ins().uload32x2(fl, a, o))
            }
            O::V128Load8Splat { ref memarg } => {
                self.v_load_scalar(memarg, I8, LoadKind::Splat(I8X16))
            }
            O::V128Load16Splat { ref memarg } => {
                self.v_load_scalar(memarg, I16, LoadKind::Splat(I16X8))
            }
            O::V128Load32Splat { ref memarg } => {
                self.v_load_scalar(memarg, I32, LoadKind::Splat(I32X4))
            }
            O::V128Load64Splat { ref memarg } => {
                self.v_load_scalar(memarg, I64, LoadKind::Splat(I64X2))
            }
            O::V128Load32Zero { ref memarg } => {
                self.v_load_scalar(memarg, I32, LoadKind::Zero(I32X4))
            }
            O::V128Load64Zero { ref memarg } => {
                self.v_load_scalar(memarg, I64, LoadKind::Zero(I64X2))
            }
            O::V128Load8Lane { ref memarg, lane } => self.v_load_lane(memarg, I8X16, lane),
            O::V128Load16Lane { ref memarg, lane } => self.v_load_lane(memarg, I16X8, lane),
            O::V128Load32Lane { ref memarg, lane } => self.v_load_lane(memarg, I32X4, lane),
            O::V128Load64Lane { ref memarg, lane } => self.v_load_lane(memarg, I64X2, lane),
            O::V128Store8Lane { ref memarg, lane } => self.v_store_lane(memarg, I8X16, lane),
            O::V128Store16Lane { ref memarg, lane } => self.v_store_lane(memarg, I16X8, lane),
            O::V128Store32Lane { ref memarg, lane } => self.v_store_lane(memarg, I32X4, lane),
            O::V128Store64Lane { ref memarg, lane } => self.v_store_lane(memarg, I64X2, lane),

            // Constants, shuffles and lanes.
            O::V128Const { value } => {
                let v = self.vconst(I8X16, value.bytes());
                self.push(v);
            }
            O::I8x16Shuffle { lanes } => self.v_binary(I8X16, |t, a, b| {
                let mask = t.b.func.dfg.immediates.push(lanes.to_vec().into());
                t.b.ins().shuffle(a, b, mask)
            }),
            O::I8x16Swizzle => self.v_binary(I8X16, |t, a, b| t.b.ins().swizzle(a, b)),
            O::I8x16Splat => self.v_splat(I8X16),
            O::I16x8Splat => self.v_splat(I16X8),
            O::I32x4Splat => self.v_splat(I32X4),
            O::I64x2Splat => self.v_splat(I64X2),
            O::F32x4Splat => self.v_splat(F32X4),
            O::F64x2Splat => self.v_splat(F64X2),
            O::I8x16ExtractLaneS { lane } => self.v_extract(I8X16, lane, true),
            O::I8x16ExtractLaneU { lane } => self.v_extract(I8X16, lane, false),
            O::I16x8ExtractLaneS { lane } => self.v_extract(I16X8, lane, true),
            O::I16x8ExtractLaneU { lane } => self.v_extract(I16X8, lane, false),
            O::I32x4ExtractLane { lane } => self.v_extract(I32X4, lane, false),
            O::I64x2ExtractLane { lane } => self.v_extract(I64X2, lane, false),
            O::F32x4ExtractLane { lane } => self.v_extract(F32X4, lane, false),
            O::F64x2ExtractLane { lane } => self.v_extract(F64X2, lane, false),
            O::I8x16ReplaceLane { lane } => self.v_replace(I8X16, lane),
            O::I16x8ReplaceLane { lane } => self.v_replace(I16X8, lane),
            O::I32x4ReplaceLane { lane } => self.v_replace(I32X4, lane),
            O::I64x2ReplaceLane { lane } => self.v_replace(I64X2, lane),
            O::F32x4ReplaceLane { lane } => self.v_replace(F32X4, lane),
            O::F64x2ReplaceLane { lane } => self.v_replace(F64X2, lane),

            // Comparisons.
            O::I8x16Eq => self.v_icmp(I8X16, IntCC::Equal),
            O::I8x16Ne => self.v_icmp(I8X16, IntCC::NotEqual),
            O::I8x16LtS => self.v_icmp(I8X16, IntCC::SignedLessThan),
            O::I8x16LtU => self.v_icmp(I8X16, IntCC::UnsignedLessThan),
            O::I8x16GtS => self.v_icmp(I8X16, IntCC::SignedGreaterThan),
            O::I8x16GtU => self.v_icmp(I8X16, IntCC::UnsignedGreaterThan),
            O::I8x16LeS => self.v_icmp(I8X16, IntCC::SignedLessThanOrEqual),
            O::I8x16LeU => self.v_icmp(I8X16, IntCC::UnsignedLessThanOrEqual),
            O::I8x16GeS => self.v_icmp(I8X16, IntCC::SignedGreaterThanOrEqual),
            O::I8x16GeU => self.v_icmp(I8X16, IntCC::UnsignedGreaterThanOrEqual),
            O::I16x8Eq => self.v_icmp(I16X8, IntCC::Equal),
            O::I16x8Ne => self.v_icmp(I16X8, IntCC::NotEqual),
            O::I16x8LtS => self.v_icmp(I16X8, IntCC::SignedLessThan),
            O::I16x8LtU => self.v_icmp(I16X8, IntCC::UnsignedLessThan),
            O::I16x8GtS => self.v_icmp(I16X8, IntCC::SignedGreaterThan),
            O::I16x8GtU => self.v_icmp(I16X8, IntCC::UnsignedGreaterThan),
            O::I16x8LeS => self.v_icmp(I16X8, IntCC::SignedLessThanOrEqual),
            O::I16x8LeU => self.v_icmp(I16X8, IntCC::UnsignedLessThanOrEqual),
            O::I16x8GeS => self.v_icmp(I16X8, IntCC::SignedGreaterThanOrEqual),
            O::I16x8GeU => self.v_icmp(I16X8, IntCC::UnsignedGreaterThanOrEqual),
            O::I32x4Eq => self.v_icmp(I32X4, IntCC::Equal),
            O::I32x4Ne => self.v_icmp(I32X4, IntCC::NotEqual),
            O::I32x4LtS => self.v_icmp(I32X4, IntCC::SignedLessThan),
            O::I32x4LtU => self.v_icmp(I32X4, IntCC::UnsignedLessThan),
            O::I32x4GtS => self.v_icmp(I32X4, IntCC::SignedGreaterThan),
            O::I32x4GtU => self.v_icmp(I32X4, IntCC::UnsignedGreaterThan),
            O::I32x4LeS => self.v_icmp(I32X4, IntCC::SignedLessThanOrEqual),
            O::I32x4LeU => self.v_icmp(I32X4, IntCC::UnsignedLessThanOrEqual),
            O::I32x4GeS => self.v_icmp(I32X4, IntCC::SignedGreaterThanOrEqual),
            O::I32x4GeU => self.v_icmp(I32X4, IntCC::UnsignedGreaterThanOrEqual),
            O::I64x2Eq => self.v_icmp(I64X2, IntCC::Equal),
            O::I64x2Ne => self.v_icmp(I64X2, IntCC::NotEqual),
            O::I64x2LtS => self.v_icmp(I64X2, IntCC::SignedLessThan),
            O::I64x2GtS => self.v_icmp(I64X2, IntCC::SignedGreaterThan),
            O::I64x2LeS => self.v_icmp(I64X2, IntCC::SignedLessThanOrEqual),
            O::I64x2GeS => self.v_icmp(I64X2, IntCC::SignedGreaterThanOrEqual),
            O::F32x4Eq => self.v_fcmp(F32X4, FloatCC::Equal),
            O::F32x4Ne => self.v_fcmp(F32X4, FloatCC::NotEqual),
            O::F32x4Lt => self.v_fcmp(F32X4, FloatCC::LessThan),
            O::F32x4Gt => self.v_fcmp(F32X4, FloatCC::GreaterThan),
            O::F32x4Le => self.v_fcmp(F32X4, FloatCC::LessThanOrEqual),
            O::F32x4Ge => self.v_fcmp(F32X4, FloatCC::GreaterThanOrEqual),
            O::F64x2Eq => self.v_fcmp(F64X2, FloatCC::Equal),
            O::F64x2Ne => self.v_fcmp(F64X2, FloatCC::NotEqual),
            O::F64x2Lt => self.v_fcmp(F64X2, FloatCC::LessThan),
            O::F64x2Gt => self.v_fcmp(F64X2, FloatCC::GreaterThan),
            O::F64x2Le => self.v_fcmp(F64X2, FloatCC::LessThanOrEqual),
            O::F64x2Ge => self.v_fcmp(F64X2, FloatCC::GreaterThanOrEqual),

            // Bitwise.
            O::V128Not => self.v_unary(I8X16, |t, a| t.b.ins().bnot(a)),
            O::V128And => self.v_binary(I8X16, |t, a, b| t.b.ins().band(a, b)),
            O::V128AndNot => self.v_binary(I8X16, |t, a, b| t.b.ins().band_not(a, b)),
            O::V128Or => self.v_binary(I8X16, |t, a, b| t.b.ins().bor(a, b)),
            O::V128Xor => self.v_binary(I8X16, |t, a, b| t.b.ins().bxor(a, b)),
            O::V128Bitselect => {
                let c = self.pop_as(I8X16);
                let (x, y) = self.pop2();
                let v = self.b.ins().bitselect(c, x, y);
                self.push_v128(v);
            }
            O::V128AnyTrue => self.v_reduce(I8X16, |t, a| t.b.ins().vany_true(a)),

            // Lane-wise integer arithmetic.
            O::I8x16Abs => self.v_unary(I8X16, |t, a| t.b.ins().iabs(a)),
            O::I16x8Abs => self.v_unary(I16X8, |t, a| t.b.ins().iabs(a)),
            O::I32x4Abs => self.v_unary(I32X4, |t, a| t.b.ins().iabs(a)),
            O::I64x2Abs => self.v_unary(I64X2, |t, a| t.b.ins().iabs(a)),
            O::I8x16Neg => self.v_unary(I8X16, |t, a| t.b.ins().ineg(a)),
            O::I16x8Neg => self.v_unary(I16X8, |t, a| t.b.ins().ineg(a)),
            O::I32x4Neg => self.v_unary(I32X4, |t, a| t.b.ins().ineg(a)),
            O::I64x2Neg => self.v_unary(I64X2, |t, a| t.b.ins().ineg(a)),
            O::I8x16Popcnt => self.v_unary(I8X16, |t, a| t.b.ins().popcnt(a)),
            O::I8x16AllTrue => self.v_reduce(I8X16, |t, a| t.b.ins().vall_true(a)),
            O::I16x8AllTrue => self.v_reduce(I16X8, |t, a| t.b.ins().vall_true(a)),
            O::I32x4AllTrue => self.v_reduce(I32X4, |t, a| t.b.ins().vall_true(a)),
            O::I64x2AllTrue => self.v_reduce(I64X2, |t, a| t.b.ins().vall_true(a)),
            O::I8x16Bitmask => self.v_reduce(I8X16, |t, a| t.b.ins().vhigh_bits(I32, a)),
            O::I16x8Bitmask => self.v_reduce(I16X8, |t, a| t.b.ins().vhigh_bits(I32, a)),
            O::I32x4Bitmask => self.v_reduce(I32X4, |t, a| t.b.ins().vhigh_bits(I32, a)),
            O::I64x2Bitmask => self.v_reduce(I64X2, |t, a| t.b.ins().vhigh_bits(I32, a)),
            O::I8x16NarrowI16x8S => self.v_binary(I16X8, |t, a, b| t.b.ins().snarrow(a, b)),
            O::I8x16NarrowI16x8U => self.v_binary(I16X8, |t, a, b| t.b.ins().unarrow(a, b)),
            O::I16x8NarrowI32x4S => self.v_binary(I32X4, |t, a, b| t.b.ins().snarrow(a, b)),
            O::I16x8NarrowI32x4U => self.v_binary(I32X4, |t, a, b| t.b.ins().unarrow(a, b)),
            O::I8x16Shl => self.v_shift(I8X16, |t, a, n| t.b.ins().ishl(a, n)),
            O::I8x16ShrS => self.v_shift(I8X16, |t, a, n| t.b.ins().sshr(a, n)),
            O::I8x16ShrU => self.v_shift(I8X16, |t, a, n| t.b.ins().ushr(a, n)),
            O::I16x8Shl => self.v_shift(I16X8, |t, a, n| t.b.ins().ishl(a, n)),
            O::I16x8ShrS => self.v_shift(I16X8, |t, a, n| t.b.ins().sshr(a, n)),
            O::I16x8ShrU => self.v_shift(I16X8, |t, a, n| t.b.ins().ushr(a, n)),
            O::I32x4Shl => self.v_shift(I32X4, |t, a, n| t.b.ins().ishl(a, n)),
            O::I32x4ShrS => self.v_shift(I32X4, |t, a, n| t.b.ins().sshr(a, n)),
            O::I32x4ShrU => self.v_shift(I32X4, |t, a, n| t.b.ins().ushr(a, n)),
            O::I64x2Shl => self.v_shift(I64X2, |t, a, n| t.b.ins().ishl(a, n)),
            O::I64x2ShrS => self.v_shift(I64X2, |t, a, n| t.b.ins().sshr(a, n)),
            O::I64x2ShrU => self.v_shift(I64X2, |t, a, n| t.b.ins().ushr(a, n)),
            O::I8x16Add => self.v_binary(I8X16, |t, a, b| t.b.ins().iadd(a, b)),
            O::I16x8Add => self.v_binary(I16X8, |t, a, b| t.b.ins().iadd(a, b)),
            O::I32x4Add => self.v_binary(I32X4, |t, a, b| t.b.ins().iadd(a, b)),
            O::I64x2Add => self.v_binary(I64X2, |t, a, b| t.b.ins().iadd(a, b)),
            O::I8x16Sub => self.v_binary(I8X16, |t, a, b| t.b.ins().isub(a, b)),
            O::I16x8Sub => self.v_binary(I16X8, |t, a, b| t.b.ins().isub(a, b)),
            O::I32x4Sub => self.v_binary(I32X4, |t, a, b| t.b.ins().isub(a, b)),
            O::I64x2Sub => self.v_binary(I64X2, |t, a, b| t.b.ins().isub(a, b)),
            O::I16x8Mul => self.v_binary(I16X8, |t, a, b| t.b.ins().imul(a, b)),
            O::I32x4Mul => self.v_binary(I32X4, |t, a, b| t.b.ins().imul(a, b)),
            O::I64x2Mul => self.v_binary(I64X2, |t, a, b| t.b.ins().imul(a, b)),
            O::I8x16AddSatS => self.v_binary(I8X16, |t, a, b| t.b.ins().sadd_sat(a, b)),
            O::I8x16AddSatU => self.v_binary(I8X16, |t, a, b| t.b.ins().uadd_sat(a, b)),
            O::I8x16SubSatS => self.v_binary(I8X16, |t, a, b| t.b.ins().ssub_sat(a, b)),
            O::I8x16SubSatU => self.v_binary(I8X16, |t, a, b| t.b.ins().usub_sat(a, b)),
            O::I16x8AddSatS => self.v_binary(I16X8, |t, a, b| t.b.ins().sadd_sat(a, b)),
            O::I16x8AddSatU => self.v_binary(I16X8, |t, a, b| t.b.ins().uadd_sat(a, b)),
            O::I16x8SubSatS => self.v_binary(I16X8, |t, a, b| t.b.ins().ssub_sat(a, b)),
            O::I16x8SubSatU => self.v_binary(I16X8, |t, a, b| t.b.ins().usub_sat(a, b)),
            O::I8x16MinS => self.v_binary(I8X16, |t, a, b| t.b.ins().smin(a, b)),
            O::I8x16MinU => self.v_binary(I8X16, |t, a, b| t.b.ins().umin(a, b)),
            O::I8x16MaxS => self.v_binary(I8X16, |t, a, b| t.b.ins().smax(a, b)),
            O::I8x16MaxU => self.v_binary(I8X16, |t, a, b| t.b.ins().umax(a, b)),
            O::I16x8MinS => self.v_binary(I16X8, |t, a, b| t.b.ins().smin(a, b)),
            O::I16x8MinU => self.v_binary(I16X8, |t, a, b| t.b.ins().umin(a, b)),
            O::I16x8MaxS => self.v_binary(I16X8, |t, a, b| t.b.ins().smax(a, b)),
            O::I16x8MaxU => self.v_binary(I16X8, |t, a, b| t.b.ins().umax(a, b)),
            O::I32x4MinS => self.v_binary(I32X4, |t, a, b| t.b.ins().smin(a, b)),
            O::I32x4MinU => self.v_binary(I32X4, |t, a, b| t.b.ins().umin(a, b)),
            O::I32x4MaxS => self.v_binary(I32X4, |t, a, b| t.b.ins().smax(a, b)),
            O::I32x4MaxU => self.v_binary(I32X4, |t, a, b| t.b.ins().umax(a, b)),
            O::I8x16AvgrU => self.v_binary(I8X16, |t, a, b| t.b.ins().avg_round(a, b)),
            O::I16x8AvgrU => self.v_binary(I16X8, |t, a, b| t.b.ins().avg_round(a, b)),
            O::I16x8Q15MulrSatS => self.v_binary(I16X8, |t, a, b| t.b.ins().sqmul_round_sat(a, b)),

            // Widening integer operations.
            O::I16x8ExtAddPairwiseI8x16S => self.v_extadd_pairwise(I8X16, true),
            O::I16x8ExtAddPairwiseI8x16U => self.v_extadd_pairwise(I8X16, false),
            O::I32x4ExtAddPairwiseI16x8S => self.v_extadd_pairwise(I16X8, true),
            O::I32x4ExtAddPairwiseI16x8U => self.v_extadd_pairwise(I16X8, false),
            O::I16x8ExtendLowI8x16S => self.v_unary(I8X16, |t, a| t.widen(a, false, true)),
            O::I16x8ExtendHighI8x16S => self.v_unary(I8X16, |t, a| t.widen(a, true, true)),
            O::I16x8ExtendLowI8x16U => self.v_unary(I8X16, |t, a| t.widen(a, false, false)),
            O::I16x8ExtendHighI8x16U => self.v_unary(I8X16, |t, a| t.widen(a, true, false)),
            O::I32x4ExtendLowI16x8S => self.v_unary(I16X8, |t, a| t.widen(a, false, true)),
            O::I32x4ExtendHighI16x8S => self.v_unary(I16X8, |t, a| t.widen(a, true, true)),
            O::I32x4ExtendLowI16x8U => self.v_unary(I16X8, |t, a| t.widen(a, false, false)),
            O::I32x4ExtendHighI16x8U => self.v_unary(I16X8, |t, a| t.widen(a, true, false)),
            O::I64x2ExtendLowI32x4S => self.v_unary(I32X4, |t, a| t.widen(a, false, true)),
            O::I64x2ExtendHighI32x4S => self.v_unary(I32X4, |t, a| t.widen(a, true, true)),
            O::I64x2ExtendLowI32x4U => self.v_unary(I32X4, |t, a| t.widen(a, false, false)),
            O::I64x2ExtendHighI32x4U => self.v_unary(I32X4, |t, a| t.widen(a, true, false)),
            O::I16x8ExtMulLowI8x16S => self.v_extmul(I8X16, false, true),
            O::I16x8ExtMulHighI8x16S => self.v_extmul(I8X16, true, true),
            O::I16x8ExtMulLowI8x16U => self.v_extmul(I8X16, false, false),
            O::I16x8ExtMulHighI8x16U => self.v_extmul(I8X16, true, false),
            O::I32x4ExtMulLowI16x8S => self.v_extmul(I16X8, false, true),
            O::I32x4ExtMulHighI16x8S => self.v_extmul(I16X8, true, true),
            O::I32x4ExtMulLowI16x8U => self.v_extmul(I16X8, false, false),
            O::I32x4ExtMulHighI16x8U => self.v_extmul(I16X8, true, false),
            O::I64x2ExtMulLowI32x4S => self.v_extmul(I32X4, false, true),
            O::I64x2ExtMulHighI32x4S => self.v_extmul(I32X4, true, true),
            O::I64x2ExtMulLowI32x4U => self.v_extmul(I32X4, false, false),
            O::I64x2ExtMulHighI32x4U => self.v_extmul(I32X4, true, false),
            O::I32x4DotI16x8S => self.v_binary(I16X8, |t, a, b| {
                let (alo, blo) = (t.widen(a, false, true), t.widen(b, false, true));
                let (ahi, bhi) = (t.widen(a, true, true), t.widen(b, true, true));
                let lo = t.b.ins().imul(alo, blo);
                let hi = t.b.ins().imul(ahi, bhi);
                t.b.ins().iadd_pairwise(lo, hi)
            }),

            // Lane-wise float arithmetic.
            O::F32x4Ceil => self.v_unary(F32X4, |t, a| t.b.ins().ceil(a)),
            O::F32x4Floor => self.v_unary(F32X4, |t, a| t.b.ins().floor(a)),
            O::F32x4Trunc => self.v_unary(F32X4, |t, a| t.b.ins().trunc(a)),
            O::F32x4Nearest => self.v_unary(F32X4, |t, a| t.b.ins().nearest(a)),
            O::F32x4Abs => self.v_unary(F32X4, |t, a| t.b.ins().fabs(a)),
            O::F32x4Neg => self.v_unary(F32X4, |t, a| t.b.ins().fneg(a)),
            O::F32x4Sqrt => self.v_unary(F32X4, |t, a| t.b.ins().sqrt(a)),
            O::F32x4Add => self.v_binary(F32X4, |t, a, b| t.b.ins().fadd(a, b)),
            O::F32x4Sub => self.v_binary(F32X4, |t, a, b| t.b.ins().fsub(a, b)),
            O::F32x4Mul => self.v_binary(F32X4, |t, a, b| t.b.ins().fmul(a, b)),
            O::F32x4Div => self.v_binary(F32X4, |t, a, b| t.b.ins().fdiv(a, b)),
            O::F32x4Min => self.v_binary(F32X4, |t, a, b| t.b.ins().fmin(a, b)),
            O::F32x4Max => self.v_binary(F32X4, |t, a, b| t.b.ins().fmax(a, b)),
            O::F32x4PMin => self.v_pminmax(F32X4, false),
            O::F32x4PMax => self.v_pminmax(F32X4, true),
            O::F64x2Ceil => self.v_unary(F64X2, |t, a| t.b.ins().ceil(a)),
            O::F64x2Floor => self.v_unary(F64X2, |t, a| t.b.ins().floor(a)),
            O::F64x2Trunc => self.v_unary(F64X2, |t, a| t.b.ins().trunc(a)),
            O::F64x2Nearest => self.v_unary(F64X2, |t, a| t.b.ins().nearest(a)),
            O::F64x2Abs => self.v_unary(F64X2, |t, a| t.b.ins().fabs(a)),
            O::F64x2Neg => self.v_unary(F64X2, |t, a| t.b.ins().fneg(a)),
            O::F64x2Sqrt => self.v_unary(F64X2, |t, a| t.b.ins().sqrt(a)),
            O::F64x2Add => self.v_binary(F64X2, |t, a, b| t.b.ins().fadd(a, b)),
            O::F64x2Sub => self.v_binary(F64X2, |t, a, b| t.b.ins().fsub(a, b)),
            O::F64x2Mul => self.v_binary(F64X2, |t, a, b| t.b.ins().fmul(a, b)),
            O::F64x2Div => self.v_binary(F64X2, |t, a, b| t.b.ins().fdiv(a, b)),
            O::F64x2Min => self.v_binary(F64X2, |t, a, b| t.b.ins().fmin(a, b)),
            O::F64x2Max => self.v_binary(F64X2, |t, a, b| t.b.ins().fmax(a, b)),
            O::F64x2PMin => self.v_pminmax(F64X2, false),
            O::F64x2PMax => self.v_pminmax(F64X2, true),

            // Conversions.
            O::I32x4TruncSatF32x4S => {
                self.v_unary(F32X4, |t, a| t.b.ins().fcvt_to_sint_sat(I32X4, a))
            }
            O::I32x4TruncSatF32x4U => {
                self.v_unary(F32X4, |t, a| t.b.ins().fcvt_to_uint_sat(I32X4, a))
            }
            O::F32x4ConvertI32x4S => self.v_unary(I32X4, |t, a| t.b.ins().fcvt_from_sint(F32X4, a)),
            O::F32x4ConvertI32x4U => self.v_unary(I32X4, |t, a| t.b.ins().fcvt_from_uint(F32X4, a)),
            // The x64 backend recognises "convert to i64x2, then narrow against zero" as one operation.
            O::I32x4TruncSatF64x2SZero => self.v_unary(F64X2, |t, a| {
                let wide = t.b.ins().fcvt_to_sint_sat(I64X2, a);
                let zero = t.vconst(I64X2, &[0; 16]);
                t.b.ins().snarrow(wide, zero)
            }),
            O::I32x4TruncSatF64x2UZero => self.v_unary(F64X2, |t, a| {
                let wide = t.b.ins().fcvt_to_uint_sat(I64X2, a);
                let zero = t.vconst(I64X2, &[0; 16]);
                t.b.ins().uunarrow(wide, zero)
            }),
            O::F64x2ConvertLowI32x4S => self.v_unary(I32X4, |t, a| {
                let wide = t.b.ins().swiden_low(a);
                t.b.ins().fcvt_from_sint(F64X2, wide)
            }),
            O::F64x2ConvertLowI32x4U => self.v_unary(I32X4, |t, a| {
                let wide = t.b.ins().uwiden_low(a);
                t.b.ins().fcvt_from_uint(F64X2, wide)
            }),
            O::F32x4DemoteF64x2Zero => self.v_unary(F64X2, |t, a| t.b.ins().fvdemote(a)),
            O::F64x2PromoteLowF32x4 => self.v_unary(F32X4, |t, a| t.b.ins().fvpromote_low(a)),

            // Relaxed SIMD: each operator takes its deterministic choice,
            // which the proposal allows on every platform.
            O::I8x16RelaxedSwizzle => return self.translate_simd(&O::I8x16Swizzle),
            O::I32x4RelaxedTruncF32x4S => return self.translate_simd(&O::I32x4TruncSatF32x4S),
            O::I32x4RelaxedTruncF32x4U => return self.translate_simd(&O::I32x4TruncSatF32x4U),
            O::I32x4RelaxedTruncF64x2SZero => {
                return self.translate_simd(&O::I32x4TruncSatF64x2SZero);
            }
            O::I32x4RelaxedTruncF64x2UZero => {
                return self.translate_simd(&O::I32x4TruncSatF64x2UZero);
            }
            O::F32x4RelaxedMin => return self.translate_simd(&O::F32x4Min),
            O::F32x4RelaxedMax => return self.translate_simd(&O::F32x4Max),
            O::F64x2RelaxedMin => return self.translate_simd(&O::F64x2Min),
            O::F64x2RelaxedMax => return self.translate_simd(&O::F64x2Max),
            O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => return self.translate_simd(&O::V128Bitselect),
            O::I16x8RelaxedQ15mulrS => return self.translate_simd(&O::I16x8Q15MulrSatS),
            O::F32x4RelaxedMadd => self.v_madd(F32X4, false),
            O::F32x4RelaxedNmadd => self.v_madd(F32X4, true),
            O::F64x2RelaxedMadd => self.v_madd(F64X2, false),
            O::F64x2RelaxedNmadd => self.v_madd(F64X2, true),
            O::I16x8RelaxedDotI8x16I7x16S => self.v_binary(I8X16, |t, a, b| t.dot_i8x16(a, b)),
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.pop_as(I32X4);
                let b = self.pop_as(I8X16);
                let a = self.pop_as(I8X16);
                let dot = self.dot_i8x16(a, b);
                let (lo, hi) = (self.b.ins().swiden_low(dot), self.b.ins().swiden_high(dot));
                let sums = self.b.ins().iadd_pairwise(lo, hi);
                let v = self.b.ins().iadd(sums, c);
                self.push_v128(v);
            }

            _ => return Ok(false),
        }
        Ok(true)
    }
}
