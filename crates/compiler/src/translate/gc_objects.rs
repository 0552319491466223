//! Structs and arrays: allocation, field and element access, and the bulk
//! array operations (see `kiln_types::gc_layout` for the object layout).
//!
//! Every access checks for null first (`NullReference`), and every array
//! access checks its range against the array's length
//! (`ArrayOutOfBounds`) before any memory is touched; a single-element
//! index also goes through `select_spectre_guard`, so a mispredicted check
//! cannot read past the array. Structs and fixed-size arrays are
//! bump-allocated inline from the store's allocation window (see
//! `kiln_vm::GcHeap`), with the `GcAlloc` builtin as the slow path; other
//! allocations and the bulk operations call builtins.

use super::{FuncTranslator, clif_trap};
use crate::signatures::clif_type;
use anyhow::Result;
use cranelift_codegen::ir::{self, InstBuilder, MemFlagsData, condcodes::IntCC, types};
use kiln_types::*;
use wasmparser::Operator;

/// The size of a fixed array of `len` elements of `elem_size` bytes, if it
/// is small enough to allocate inline (the allocation builtin refuses the
/// others with the right trap).
fn fixed_array_size(len: u32, elem_size: u32) -> Option<u32> {
    let bytes = u64::from(len) * u64::from(elem_size) + u64::from(GC_ARRAY_ELEMENTS);
    u32::try_from(bytes.next_multiple_of(8))
        .ok()
        .filter(|b| *b <= MAX_INLINE_ALLOCATION)
}

/// Objects larger than this are always allocated by the builtin (large
/// ones get chunks of their own).
const MAX_INLINE_ALLOCATION: u32 = 64 * 1024;

/// Object memory is valid once the null check passed, but a `v128` field
/// is only 8-aligned, so the accesses claim no alignment.
fn object_flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

impl FuncTranslator<'_, '_> {
    /// Struct and array operators; returns `false` if `op` is not one.
    pub(super) fn translate_gc_objects(&mut self, op: &Operator<'_>) -> Result<bool> {
        match *op {
            Operator::StructNew { struct_type_index } => {
                let t = TypeIndex(struct_type_index);
                let (fields, layout) = self.struct_type(t);
                let values = self.popn(fields.len());
                let object = self.alloc_struct(t, &layout);
                for ((field, offset), value) in fields.iter().zip(&layout.fields).zip(values) {
                    self.store_storage(field.storage, object, *offset, value);
                }
                self.push(object);
            }
            Operator::StructNewDefault { struct_type_index } => {
                let t = TypeIndex(struct_type_index);
                let (_, layout) = self.struct_type(t);
                let object = self.alloc_struct(t, &layout);
                self.push(object);
            }
            Operator::StructGet {
                struct_type_index,
                field_index,
            }
            | Operator::StructGetS {
                struct_type_index,
                field_index,
            }
            | Operator::StructGetU {
                struct_type_index,
                field_index,
            } => {
                let (fields, layout) = self.struct_type(TypeIndex(struct_type_index));
                let i = field_index as usize;
                let object = self.pop();
                self.null_check(object);
                let signed = matches!(op, Operator::StructGetS { .. });
                let v = self.load_storage(fields[i].storage, object, layout.fields[i], signed);
                self.push(v);
            }
            Operator::StructSet {
                struct_type_index,
                field_index,
            } => {
                let (fields, layout) = self.struct_type(TypeIndex(struct_type_index));
                let i = field_index as usize;
                let (object, value) = self.pop2();
                self.null_check(object);
                self.store_storage(fields[i].storage, object, layout.fields[i], value);
            }
            Operator::ArrayNew { array_type_index } => {
                let t = TypeIndex(array_type_index);
                let (init, len) = self.pop2();
                let array = self.alloc_array(t, len);
                let zero = self.b.ins().iconst(types::I32, 0);
                let first = self.element_address(t, array, zero);
                self.fill(t, first, init, len);
                self.push(array);
            }
            Operator::ArrayNewDefault { array_type_index } => {
                let len = self.pop();
                let array = self.alloc_array(TypeIndex(array_type_index), len);
                self.push(array);
            }
            Operator::ArrayNewFixed {
                array_type_index,
                array_size,
            } => {
                let t = TypeIndex(array_type_index);
                let values = self.popn(array_size as usize);
                let storage = self.array_storage(t);
                let size = storage_size(storage);
                let array = match fixed_array_size(array_size, size) {
                    Some(bytes) => {
                        let id = self.type_id(t);
                        let id = self.b.ins().uextend(types::I64, id);
                        let kind = GcKind::Array.header(0) as i64;
                        let header = self.b.ins().bor_imm_s(id, kind);
                        let array = self.alloc_object(header, bytes);
                        let len = self.b.ins().iconst(types::I32, i64::from(array_size));
                        self.b.ins().store(
                            MemFlagsData::trusted(),
                            len,
                            array,
                            GC_ARRAY_LENGTH as i32,
                        );
                        array
                    }
                    None => {
                        let len = self.b.ins().iconst(types::I32, i64::from(array_size));
                        self.alloc_array(t, len)
                    }
                };
                for (i, v) in values.into_iter().enumerate() {
                    let offset = GC_ARRAY_ELEMENTS + i as u32 * size;
                    self.store_storage(storage, array, offset, v);
                }
                self.push(array);
            }
            Operator::ArrayNewData {
                array_type_index,
                array_data_index: segment,
            }
            | Operator::ArrayNewElem {
                array_type_index,
                array_elem_index: segment,
            } => {
                let builtin = if matches!(op, Operator::ArrayNewData { .. }) {
                    BuiltinFunctionIndex::ArrayNewData
                } else {
                    BuiltinFunctionIndex::ArrayNewElem
                };
                let (offset, len) = self.pop2();
                let ty = self.b.ins().iconst(types::I32, i64::from(array_type_index));
                let segment = self.b.ins().iconst(types::I32, i64::from(segment));
                let array = self
                    .call_builtin(builtin, &[ty, segment, offset, len])
                    .expect("returns the array");
                self.push(array);
            }
            Operator::ArrayGet { array_type_index }
            | Operator::ArrayGetS { array_type_index }
            | Operator::ArrayGetU { array_type_index } => {
                let t = TypeIndex(array_type_index);
                let (array, index) = self.pop2();
                let addr = self.checked_element(t, array, index);
                let signed = matches!(op, Operator::ArrayGetS { .. });
                let v = self.load_storage(self.array_storage(t), addr, 0, signed);
                self.push(v);
            }
            Operator::ArraySet { array_type_index } => {
                let t = TypeIndex(array_type_index);
                let (array, index, value) = self.pop3();
                let addr = self.checked_element(t, array, index);
                self.store_storage(self.array_storage(t), addr, 0, value);
            }
            Operator::ArrayLen => {
                let array = self.pop();
                self.null_check(array);
                let len = self.array_len(array);
                self.push(len);
            }
            Operator::ArrayFill { array_type_index } => {
                let t = TypeIndex(array_type_index);
                let n = self.pop();
                let (array, start, value) = self.pop3();
                self.null_check(array);
                self.range_check(array, start, n);
                let first = self.element_address(t, array, start);
                self.fill(t, first, value, n);
            }
            Operator::ArrayCopy {
                array_type_index_dst,
                array_type_index_src,
            } => {
                let n = self.pop();
                let (src, s) = self.pop2();
                let (dst, d) = self.pop2();
                self.null_check(dst);
                self.null_check(src);
                self.range_check(dst, d, n);
                self.range_check(src, s, n);
                let dst_t = TypeIndex(array_type_index_dst);
                let to = self.element_address(dst_t, dst, d);
                let from = self.element_address(TypeIndex(array_type_index_src), src, s);
                let size = storage_size(self.array_storage(dst_t));
                let n64 = self.b.ins().uextend(types::I64, n);
                let bytes = self.b.ins().imul_imm_s(n64, i64::from(size));
                self.call_builtin(BuiltinFunctionIndex::ArrayCopy, &[to, from, bytes]);
            }
            Operator::ArrayInitData {
                array_type_index,
                array_data_index,
            } => {
                let t = TypeIndex(array_type_index);
                let (to, s, n) = self.array_init_operands(t);
                let size = storage_size(self.array_storage(t));
                let size = self.b.ins().iconst(types::I32, i64::from(size));
                let data = self.b.ins().iconst(types::I32, i64::from(array_data_index));
                self.call_builtin(BuiltinFunctionIndex::ArrayInitData, &[to, size, data, s, n]);
            }
            Operator::ArrayInitElem {
                array_type_index,
                array_elem_index,
            } => {
                let (to, s, n) = self.array_init_operands(TypeIndex(array_type_index));
                let elem = self.b.ins().iconst(types::I32, i64::from(array_elem_index));
                self.call_builtin(BuiltinFunctionIndex::ArrayInitElem, &[to, elem, s, n]);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Struct type `t`'s fields and layout.
    fn struct_type(&self, t: TypeIndex) -> (Box<[FieldType]>, StructLayout) {
        let ty = self.env.info.struct_type_at(t);
        (ty.fields.clone(), StructLayout::new(ty))
    }

    /// How array type `t`'s elements are stored.
    fn array_storage(&self, t: TypeIndex) -> StorageType {
        self.env.info.array_type_at(t).0.storage
    }

    /// Pops the operands of an `array.init_data`/`array.init_elem` of type
    /// `t` (`array d s n`), checks the array is not null and holds elements
    /// `d..d + n`, and returns element `d`'s address, `s` and `n`.
    fn array_init_operands(&mut self, t: TypeIndex) -> (ir::Value, ir::Value, ir::Value) {
        let n = self.pop();
        let (array, d, s) = self.pop3();
        self.null_check(array);
        self.range_check(array, d, n);
        (self.element_address(t, array, d), s, n)
    }

    fn null_check(&mut self, object: ir::Value) {
        self.b
            .ins()
            .trapz(object, clif_trap(TrapCode::NullReference));
    }

    /// A zeroed struct of type `t`.
    fn alloc_struct(&mut self, t: TypeIndex, layout: &StructLayout) -> ir::Value {
        let id = self.type_id(t);
        let id = self.b.ins().uextend(types::I64, id);
        let kind = GcKind::Struct.header(0) as i64;
        let header = self.b.ins().bor_imm_s(id, kind);
        self.alloc_object(header, layout.size)
    }

    /// A zeroed object of `size` bytes (a multiple of 8) whose first word
    /// is `header`: bump-allocated from the store's allocation window when
    /// it fits there, else from the `GcAlloc` builtin (which may collect).
    fn alloc_object(&mut self, header: ir::Value, size: u32) -> ir::Value {
        let ptr = self.ptr;
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(slow);
        let object = self.b.append_block_param(done, ptr);
        let store = self.store_context();
        let flags = MemFlagsData::trusted();
        let next_at = VMStoreContextOffsets::GC_ALLOC_NEXT as i32;
        let next = self.b.ins().load(ptr, flags, store, next_at);
        let end = self.b.ins().load(
            ptr,
            flags,
            store,
            VMStoreContextOffsets::GC_ALLOC_END as i32,
        );
        let new_next = self.b.ins().iadd_imm_s(next, i64::from(size));
        let fits = self
            .b
            .ins()
            .icmp(IntCC::UnsignedLessThanOrEqual, new_next, end);
        self.b.ins().brif(fits, fast, &[], slow, &[]);

        // The window's memory is zeroed and used by nothing: claim it,
        // write the header and set the object's start bit, which is what
        // makes the address an object to the collector.
        self.b.switch_to_block(fast);
        self.b.seal_block(fast);
        self.b.ins().store(flags, new_next, store, next_at);
        self.b.ins().store(flags, header, next, 0);
        let chunk_at = VMStoreContextOffsets::GC_ALLOC_CHUNK as i32;
        let chunk = self.b.ins().load(ptr, flags, store, chunk_at);
        let starts_at = VMStoreContextOffsets::GC_ALLOC_STARTS as i32;
        let starts = self.b.ins().load(ptr, flags, store, starts_at);
        let cell = self.b.ins().isub(next, chunk);
        let cell = self.b.ins().ushr_imm_u(cell, 3);
        let word = self.b.ins().ushr_imm_u(cell, 6);
        let word = self.b.ins().ishl_imm_u(word, 3);
        let word = self.b.ins().iadd(starts, word);
        let bit = self.b.ins().band_imm_u(cell, 63);
        let one = self.b.ins().iconst(ptr, 1);
        let bit = self.b.ins().ishl(one, bit);
        let bits = self.b.ins().load(types::I64, flags, word, 0);
        let bits = self.b.ins().bor(bits, bit);
        self.b.ins().store(flags, bits, word, 0);
        self.b.ins().jump(done, &[next.into()]);

        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let size = self.b.ins().iconst(types::I32, i64::from(size));
        let from_builtin = self
            .call_builtin(BuiltinFunctionIndex::GcAlloc, &[header, size])
            .expect("returns the object");
        self.b.ins().jump(done, &[from_builtin.into()]);

        self.b.switch_to_block(done);
        self.b.seal_block(done);
        object
    }

    /// A zeroed array of type `t` with `len` elements.
    fn alloc_array(&mut self, t: TypeIndex, len: ir::Value) -> ir::Value {
        let ty = self.b.ins().iconst(types::I32, t.index() as i64);
        self.call_builtin(BuiltinFunctionIndex::GcAllocArray, &[ty, len])
            .expect("returns the array")
    }

    fn array_len(&mut self, array: ir::Value) -> ir::Value {
        self.b
            .ins()
            .load(types::I32, object_flags(), array, GC_ARRAY_LENGTH as i32)
    }

    /// Traps `ArrayOutOfBounds` unless elements `start..start + n` are all
    /// in the (non-null) array.
    fn range_check(&mut self, array: ir::Value, start: ir::Value, n: ir::Value) {
        let len = self.array_len(array);
        let len = self.b.ins().uextend(types::I64, len);
        let start = self.b.ins().uextend(types::I64, start);
        let n = self.b.ins().uextend(types::I64, n);
        let end = self.b.ins().iadd(start, n);
        let out = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
        self.b
            .ins()
            .trapnz(out, clif_trap(TrapCode::ArrayOutOfBounds));
    }

    /// The address of element `index` of `array` (of type `t`), with no
    /// checks.
    fn element_address(&mut self, t: TypeIndex, array: ir::Value, index: ir::Value) -> ir::Value {
        let size = storage_size(self.array_storage(t));
        let index = self.b.ins().uextend(self.ptr, index);
        let offset = self.b.ins().imul_imm_s(index, i64::from(size));
        let at = self.b.ins().iadd(array, offset);
        self.b.ins().iadd_imm_s(at, i64::from(GC_ARRAY_ELEMENTS))
    }

    /// The address of element `index` of `array`, after the null and bounds
    /// checks; the index is clamped to 0 under misspeculation.
    fn checked_element(&mut self, t: TypeIndex, array: ir::Value, index: ir::Value) -> ir::Value {
        self.null_check(array);
        let len = self.array_len(array);
        let out = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.b
            .ins()
            .trapnz(out, clif_trap(TrapCode::ArrayOutOfBounds));
        let zero = self.b.ins().iconst(types::I32, 0);
        let index = self.b.ins().select_spectre_guard(out, zero, index);
        self.element_address(t, array, index)
    }

    /// Fills `n` elements of array type `t` from `first` with `value`.
    fn fill(&mut self, t: TypeIndex, first: ir::Value, value: ir::Value, n: ir::Value) {
        let storage = self.array_storage(t);
        let size = self
            .b
            .ins()
            .iconst(types::I32, i64::from(storage_size(storage)));
        let (lo, hi) = self.value_halves(storage, value);
        self.call_builtin(BuiltinFunctionIndex::ArrayFill, &[first, size, lo, hi, n]);
    }

    /// A value's bits as two `i64` halves (the high half is zero unless it
    /// is a `v128`).
    fn value_halves(&mut self, storage: StorageType, v: ir::Value) -> (ir::Value, ir::Value) {
        let zero = self.b.ins().iconst(types::I64, 0);
        let lo = match storage.unpacked() {
            ValType::I32 => self.b.ins().uextend(types::I64, v),
            ValType::F32 => {
                let bits = self.b.ins().bitcast(types::I32, MemFlagsData::new(), v);
                self.b.ins().uextend(types::I64, bits)
            }
            ValType::F64 => self.b.ins().bitcast(types::I64, MemFlagsData::new(), v),
            ValType::I64 | ValType::Ref(_) => v,
            ValType::V128 => {
                let lanes = self.b.ins().bitcast(
                    types::I64X2,
                    MemFlagsData::new().with_endianness(ir::Endianness::Little),
                    v,
                );
                let lo = self.b.ins().extractlane(lanes, 0);
                let hi = self.b.ins().extractlane(lanes, 1);
                return (lo, hi);
            }
        };
        (lo, zero)
    }

    /// Loads storage of type `storage` at `addr + offset`; packed integers
    /// are extended to `i32` (sign-extended with `signed`).
    fn load_storage(
        &mut self,
        storage: StorageType,
        addr: ir::Value,
        offset: u32,
        signed: bool,
    ) -> ir::Value {
        let (flags, offset) = (object_flags(), offset as i32);
        let ins = self.b.ins();
        match (storage, signed) {
            (StorageType::I8, true) => ins.sload8(types::I32, flags, addr, offset),
            (StorageType::I8, false) => ins.uload8(types::I32, flags, addr, offset),
            (StorageType::I16, true) => ins.sload16(types::I32, flags, addr, offset),
            (StorageType::I16, false) => ins.uload16(types::I32, flags, addr, offset),
            (StorageType::Val(t), _) => ins.load(clif_type(t, self.ptr), flags, addr, offset),
        }
    }

    /// Stores `value` as storage of type `storage` at `addr + offset`
    /// (packed integers keep their low bits).
    fn store_storage(
        &mut self,
        storage: StorageType,
        addr: ir::Value,
        offset: u32,
        value: ir::Value,
    ) {
        let (flags, offset) = (object_flags(), offset as i32);
        let ins = self.b.ins();
        match storage {
            StorageType::I8 => ins.istore8(flags, value, addr, offset),
            StorageType::I16 => ins.istore16(flags, value, addr, offset),
            StorageType::Val(_) => ins.store(flags, value, addr, offset),
        };
    }
}
