//! Everything reached through the vmctx: globals, tables, references,
//! function calls and runtime builtins.

use super::exceptions::Callee;
use super::fuel::CheckSite;
use super::{FuncTranslator, clif_trap};
use crate::signatures::{builtin_signature, clif_type, wasm_signature};
use anyhow::Result;
use cranelift_codegen::ir::{self, InstBuilder, MemFlagsData, condcodes::IntCC, types};
use kiln_types::*;
use wasmparser::Operator;

/// Flags for vmctx fields that never change after instantiation.
fn readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

impl FuncTranslator<'_, '_> {
    fn load_ptr(&mut self, flags: MemFlagsData, base: ir::Value, offset: u32) -> ir::Value {
        self.b.ins().load(self.ptr, flags, base, offset as i32)
    }

    /// Loads, in the entry block, each memory's definition pointer and base
    /// (memories never move, so the base is constant for the whole call).
    pub(super) fn load_memory_bases(&mut self) {
        let o = self.env.offsets;
        for m in 0..self.env.info.memories.len() {
            let m = MemoryIndex::from_usize(m);
            let def = match self.env.info.defined_memory(m) {
                Some(dm) => self.load_ptr(readonly(), self.vmctx, o.vmctx_vmmemory_pointer(dm)),
                None => self.load_ptr(
                    readonly(),
                    self.vmctx,
                    o.vmctx_vmmemory_import(m) + o.vmmemory_import_definition(),
                ),
            };
            let base = self.load_ptr(readonly(), def, o.vmmemory_definition_base());
            self.memories.push((def, base));
        }
    }

    /// The current byte length of memory `m`.
    pub(super) fn memory_length(&mut self, m: MemoryIndex) -> ir::Value {
        let def = self.memories[m.index()].0;
        let off = self.env.offsets.vmmemory_definition_current_length();
        self.load_ptr(MemFlagsData::trusted(), def, off)
    }

    /// The address and type of global `g`'s storage.
    fn global_addr(&mut self, g: GlobalIndex) -> (ir::Value, i32) {
        let o = self.env.offsets;
        match self.env.info.defined_global(g) {
            Some(dg) => (self.vmctx, o.vmctx_vmglobal_definition(dg) as i32),
            None => {
                let off = o.vmctx_vmglobal_import(g) + o.vmglobal_import_definition();
                (self.load_ptr(readonly(), self.vmctx, off), 0)
            }
        }
    }

    /// The `VMTableDefinition` pointer of table `t`.
    fn table_definition(&mut self, t: TableIndex) -> ir::Value {
        let o = self.env.offsets;
        let off = match self.env.info.defined_table(t) {
            Some(dt) => o.vmctx_vmtable_pointer(dt),
            None => o.vmctx_vmtable_import(t) + o.vmtable_import_definition(),
        };
        self.load_ptr(readonly(), self.vmctx, off)
    }

    /// Whether table `t` is indexed with `i64`.
    fn is_table64(&self, t: TableIndex) -> bool {
        self.env.info.tables[t.index()].table64
    }

    /// A 64-bit table's `i64` index or length as the `i32` the runtime
    /// takes, with anything past `u32::MAX` made `u32::MAX`: no table is
    /// that long, so the result is out of bounds (or a failed grow) just as
    /// the original is. A 32-bit table's operand is returned as it is.
    fn table_operand(&mut self, t: TableIndex, v: ir::Value) -> ir::Value {
        if !self.is_table64(t) {
            return v;
        }
        let max = self.b.ins().iconst(types::I64, i64::from(u32::MAX));
        let v = self.b.ins().umin(v, max);
        self.b.ins().ireduce(types::I32, v)
    }

    /// The address of element `index` of table `t`, trapping `TableOutOfBounds` if out of range.
    fn table_element_addr(&mut self, t: TableIndex, index: ir::Value) -> ir::Value {
        let o = self.env.offsets;
        let def = self.table_definition(t);
        let len = self.b.ins().load(
            types::I32,
            MemFlagsData::trusted(),
            def,
            o.vmtable_definition_current_elements() as i32,
        );
        // Compared in 64 bits, so that no 64-bit table's index wraps onto
        // an element.
        let len = self.b.ins().uextend(types::I64, len);
        let index = if self.is_table64(t) {
            index
        } else {
            self.b.ins().uextend(types::I64, index)
        };
        let oob = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.b
            .ins()
            .trapnz(oob, clif_trap(TrapCode::TableOutOfBounds));
        let base = self.load_ptr(MemFlagsData::trusted(), def, o.vmtable_definition_base());
        let scaled = self.b.ins().imul_imm_s(index, i64::from(self.ptr.bytes()));
        let addr = self.b.ins().iadd(base, scaled);
        self.spectre_guard(oob, addr)
    }

    /// Calls builtin `f` with the vmctx and `args`; returns its result, if any.
    pub(super) fn call_builtin(
        &mut self,
        f: BuiltinFunctionIndex,
        args: &[ir::Value],
    ) -> Option<ir::Value> {
        let sig = match self.builtin_sigs.get(&f) {
            Some(s) => *s,
            None => {
                let s = self.b.import_signature(builtin_signature(f, self.ptr));
                self.builtin_sigs.insert(f, s);
                s
            }
        };
        let o = self.env.offsets;
        let array = self.load_ptr(readonly(), self.vmctx, o.vmctx_builtin_functions());
        let callee = self.load_ptr(readonly(), array, o.builtin_function(f));
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        if f.throws() {
            return self
                .emit_call(sig, Callee::Indirect(callee), &all)
                .first()
                .copied();
        }
        self.fuel_write_back();
        let call = self.b.ins().call_indirect(sig, callee, &all);
        let result = self.b.inst_results(call).first().copied();
        self.fuel_reload();
        result
    }

    fn wasm_sig(&mut self, ty: TypeIndex) -> ir::SigRef {
        if let Some(s) = self.sigs.get(&ty) {
            return *s;
        }
        let sig = wasm_signature(self.env.info.func_type_at(ty), self.ptr);
        let s = self.b.import_signature(sig);
        self.sigs.insert(ty, s);
        s
    }

    /// A direct call to function `f`.
    ///
    /// With `tail`, the call replaces this function's frame (`return_call`)
    /// and nothing is returned.
    pub(super) fn call_function(
        &mut self,
        f: FuncIndex,
        args: &[ir::Value],
        tail: bool,
    ) -> Vec<ir::Value> {
        let o = self.env.offsets;
        let sig = self.wasm_sig(self.env.info.functions[f.index()]);
        if self.env.info.is_imported_func(f) {
            let rec = o.vmctx_vmfunction_import(f);
            let body = self.load_ptr(readonly(), self.vmctx, rec + o.vmfunction_import_body());
            let env = self.load_ptr(
                readonly(),
                self.vmctx,
                rec + o.vmfunction_import_environment(),
            );
            self.call_pointer(sig, body, env, args, tail)
        } else if let Some(table) = self.env.function_table {
            // Lazy compilation: the callee's current code pointer.
            let def = self.env.info.defined_func(f).expect("not imported");
            let slot = table + def.index() * self.ptr.bytes() as usize;
            let slot = self.b.ins().iconst(self.ptr, slot as i64);
            let body = self.load_ptr(MemFlagsData::trusted(), slot, 0);
            let vmctx = self.vmctx;
            self.call_pointer(sig, body, vmctx, args, tail)
        } else {
            let fref = match self.func_refs.get(&f) {
                Some(r) => *r,
                None => {
                    let name = self
                        .b
                        .func
                        .declare_imported_user_function(ir::UserExternalName::new(0, f.0));
                    let r = self.b.import_function(ir::ExtFuncData {
                        name: ir::ExternalName::user(name),
                        signature: sig,
                        colocated: true,
                        patchable: false,
                    });
                    self.func_refs.insert(f, r);
                    r
                }
            };
            let mut all = vec![self.vmctx, self.vmctx];
            all.extend_from_slice(args);
            if tail {
                self.fuel_write_back();
                self.b.ins().return_call(fref, &all);
                return Vec::new();
            }
            self.emit_call(sig, Callee::Direct(fref), &all)
        }
    }

    /// `call_ref`: null check, then a call through the function reference
    /// (validation guarantees its type; a tail call with `tail`).
    pub(super) fn call_ref(
        &mut self,
        ty: TypeIndex,
        anyfunc: ir::Value,
        args: &[ir::Value],
        tail: bool,
    ) -> Vec<ir::Value> {
        self.b
            .ins()
            .trapz(anyfunc, clif_trap(TrapCode::NullReference));
        self.call_anyfunc(ty, anyfunc, args, tail)
    }

    /// Calls the non-null function reference `anyfunc` of type `ty`.
    fn call_anyfunc(
        &mut self,
        ty: TypeIndex,
        anyfunc: ir::Value,
        args: &[ir::Value],
        tail: bool,
    ) -> Vec<ir::Value> {
        let o = self.env.offsets;
        let flags = MemFlagsData::trusted().with_readonly();
        let body = self.load_ptr(flags, anyfunc, o.vmcaller_checked_anyfunc_func_ptr());
        let callee_vmctx = self.load_ptr(flags, anyfunc, o.vmcaller_checked_anyfunc_vmctx());
        let sig = self.wasm_sig(ty);
        self.call_pointer(sig, body, callee_vmctx, args, tail)
    }

    /// Calls (or tail-calls) machine code at `body` with the wasm convention:
    /// `(callee_context, our vmctx, args…)`.
    fn call_pointer(
        &mut self,
        sig: ir::SigRef,
        body: ir::Value,
        callee_context: ir::Value,
        args: &[ir::Value],
        tail: bool,
    ) -> Vec<ir::Value> {
        let mut all = vec![callee_context, self.vmctx];
        all.extend_from_slice(args);
        if tail {
            self.fuel_write_back();
            self.b.ins().return_call_indirect(sig, body, &all);
            return Vec::new();
        }
        self.emit_call(sig, Callee::Indirect(body), &all)
    }

    /// `call_indirect`: bounds check, null check, signature check, call
    /// (a tail call with `tail`, returning nothing).
    pub(super) fn call_indirect(
        &mut self,
        table: TableIndex,
        ty: TypeIndex,
        index: ir::Value,
        args: &[ir::Value],
        tail: bool,
    ) -> Vec<ir::Value> {
        let o = self.env.offsets;
        let anyfunc = self.table_funcref(table, index, true);
        let actual = self.b.ins().load(
            types::I32,
            MemFlagsData::trusted().with_readonly(),
            anyfunc,
            o.vmcaller_checked_anyfunc_type_index() as i32,
        );
        let matches = self.has_type(actual, ty);
        self.b
            .ins()
            .trapz(matches, clif_trap(TrapCode::BadSignature));
        self.call_anyfunc(ty, anyfunc, args, tail)
    }

    /// The engine id of module type `t`, from the vmctx.
    pub(super) fn type_id(&mut self, t: TypeIndex) -> ir::Value {
        let off = self.env.offsets.vmctx_signature_id(t);
        self.b
            .ins()
            .load(types::I32, readonly(), self.vmctx, off as i32)
    }

    /// Whether a value whose type has engine id `actual` is a value of
    /// module type `t` (an `i8`): the same id, or, when `t` is not final,
    /// a declared subtype (asked of the runtime in a cold block).
    pub(super) fn has_type(&mut self, actual: ir::Value, t: TypeIndex) -> ir::Value {
        let expected = self.type_id(t);
        let same = self.b.ins().icmp(IntCC::Equal, actual, expected);
        if self.env.info.types[t.index()].is_final {
            return same;
        }
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        self.b.set_cold_block(slow);
        self.b
            .ins()
            .brif(same, done, &[ir::BlockArg::Value(same)], slow, &[]);
        self.b.seal_block(slow);
        self.b.switch_to_block(slow);
        let sub = self
            .call_builtin(BuiltinFunctionIndex::TypeIsSubtype, &[actual, expected])
            .expect("returns a value");
        let sub = self.b.ins().icmp_imm_s(IntCC::NotEqual, sub, 0);
        self.b.ins().jump(done, &[ir::BlockArg::Value(sub)]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    /// Element `index` of funcref table `t`, trapping `TableOutOfBounds` if
    /// out of range. A slot still holding [`VM_LAZY_TABLE_ELEMENT`] gets its
    /// reference from the runtime, in a cold block. With `non_null` (for
    /// `call_indirect`) a null element traps `IndirectCallToNull`; the one
    /// comparison on the hot path covers both cases.
    fn table_funcref(&mut self, t: TableIndex, index: ir::Value, non_null: bool) -> ir::Value {
        let addr = self.table_element_addr(t, index);
        let element = self.load_ptr(MemFlagsData::trusted(), addr, 0);
        let lazy = VM_LAZY_TABLE_ELEMENT as i64;
        let special = if non_null {
            self.b
                .ins()
                .icmp_imm_s(IntCC::UnsignedLessThanOrEqual, element, lazy)
        } else {
            self.b.ins().icmp_imm_s(IntCC::Equal, element, lazy)
        };
        let cold = self.b.create_block();
        let join = self.b.create_block();
        let result = self.b.append_block_param(join, self.ptr);
        self.b.set_cold_block(cold);
        self.b
            .ins()
            .brif(special, cold, &[], join, &[element.into()]);
        self.b.seal_block(cold);
        self.b.switch_to_block(cold);
        let null_trap = clif_trap(TrapCode::IndirectCallToNull);
        if non_null {
            self.b.ins().trapz(element, null_trap);
        }
        let table = self.i32_const(t.0);
        // In bounds (checked above), so this is the index itself.
        let index = self.table_operand(t, index);
        let made = self
            .call_builtin(BuiltinFunctionIndex::TableGetLazy, &[table, index])
            .expect("the builtin returns the element");
        if non_null {
            self.b.ins().trapz(made, null_trap);
        }
        self.b.ins().jump(join, &[made.into()]);
        self.b.seal_block(join);
        self.b.switch_to_block(join);
        result
    }

    pub(super) fn store_context(&mut self) -> ir::Value {
        let off = self.env.offsets.vmctx_store_context();
        self.load_ptr(readonly(), self.vmctx, off)
    }

    /// Calls `builtin` (which traps) in a cold block if `cond` is set.
    pub(super) fn trap_via_builtin_if(&mut self, cond: ir::Value, builtin: BuiltinFunctionIndex) {
        self.builtin_if(cond, builtin, true);
    }

    /// Calls `builtin` in a cold block when `cond` holds; the builtin
    /// always traps if `traps`, else it may return and code goes on.
    fn builtin_if(&mut self, cond: ir::Value, builtin: BuiltinFunctionIndex, traps: bool) {
        let cold = self.b.create_block();
        let next = self.b.create_block();
        self.b.set_cold_block(cold);
        self.b.ins().brif(cond, cold, &[], next, &[]);
        self.b.seal_block(cold);
        self.b.switch_to_block(cold);
        self.call_builtin(builtin, &[]);
        if traps {
            self.b
                .ins()
                .trap(clif_trap(TrapCode::UnreachableCodeReached));
        } else {
            self.b.ins().jump(next, &[]);
        }
        self.b.seal_block(next);
        self.b.switch_to_block(next);
    }

    /// Fuel and epoch checks, at function entry and loop headers, when enabled.
    pub(super) fn interruption_checks(&mut self, at: CheckSite) {
        self.fuel_check(at);
        if self.env.tunables.epoch_interruption {
            let store = self.store_context();
            let counter = self.load_ptr(readonly(), store, VMStoreContextOffsets::EPOCH_COUNTER);
            // An atomic load: another thread advances the epoch, and a plain
            // load here could be merged with the one at function entry.
            let epoch = self
                .b
                .ins()
                .atomic_load(types::I64, MemFlagsData::trusted(), counter);
            let off = VMStoreContextOffsets::EPOCH_DEADLINE as i32;
            let deadline = self
                .b
                .ins()
                .load(types::I64, MemFlagsData::trusted(), store, off);
            let late = self
                .b
                .ins()
                .icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
            // The builtin traps, or moves the deadline and returns (an
            // embedder's epoch callback said to go on).
            self.builtin_if(late, BuiltinFunctionIndex::EpochInterrupt, false);
        }
    }

    fn i32_const(&mut self, v: u32) -> ir::Value {
        self.b.ins().iconst(types::I32, i64::from(v))
    }

    /// Operators on globals, locals, tables and references; `false` if `op` is none of them.
    pub(super) fn translate_env(&mut self, op: &Operator<'_>) -> Result<bool> {
        use BuiltinFunctionIndex as B;
        match *op {
            Operator::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[local_index as usize].0);
                self.push(v);
            }
            Operator::LocalSet { local_index } => {
                let v = self.pop();
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            Operator::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            Operator::GlobalGet { global_index } => {
                let g = GlobalIndex(global_index);
                let ty = clif_type(self.env.info.globals[g.index()].ty, self.ptr);
                let (base, off) = self.global_addr(g);
                let v = self.b.ins().load(ty, MemFlagsData::trusted(), base, off);
                self.push(v);
            }
            Operator::GlobalSet { global_index } => {
                let v = self.pop();
                let (base, off) = self.global_addr(GlobalIndex(global_index));
                self.b.ins().store(MemFlagsData::trusted(), v, base, off);
            }
            Operator::RefNull { .. } => {
                let v = self.b.ins().iconst(self.ptr, 0);
                self.push(v);
            }
            Operator::RefAsNonNull => {
                let r = *self.stack.last().expect("validated");
                self.b.ins().trapz(r, clif_trap(TrapCode::NullReference));
            }
            Operator::CallRef { type_index } | Operator::ReturnCallRef { type_index } => {
                let tail = matches!(op, Operator::ReturnCallRef { .. });
                let ty = TypeIndex(type_index);
                let callee = self.pop();
                let n = self.env.info.func_type_at(ty).params().len();
                let args = self.popn(n);
                let results = self.call_ref(ty, callee, &args, tail);
                self.stack.extend(results);
                if tail {
                    self.reachable = false;
                }
            }
            Operator::RefIsNull => {
                let r = self.pop();
                let z = self.b.ins().icmp_imm_s(IntCC::Equal, r, 0);
                let v = self.b.ins().uextend(types::I32, z);
                self.push(v);
            }
            Operator::RefFunc { function_index } => {
                let off = self.env.offsets.vmctx_anyfunc(FuncIndex(function_index));
                let v = self.b.ins().iadd_imm_s(self.vmctx, i64::from(off));
                self.push(v);
            }
            Operator::TableGet { table } => {
                let i = self.pop();
                let t = TableIndex(table);
                let element = self.env.info.tables[t.index()].element;
                let v = if element.heap_type.hierarchy() == RefHierarchy::Func {
                    self.table_funcref(t, i, false)
                } else {
                    let addr = self.table_element_addr(t, i);
                    self.load_ptr(MemFlagsData::trusted(), addr, 0)
                };
                self.push(v);
            }
            Operator::TableSet { table } => {
                let (i, v) = self.pop2();
                let addr = self.table_element_addr(TableIndex(table), i);
                self.b.ins().store(MemFlagsData::trusted(), v, addr, 0);
            }
            Operator::TableSize { table } => {
                let def = self.table_definition(TableIndex(table));
                let off = self.env.offsets.vmtable_definition_current_elements() as i32;
                let v = self
                    .b
                    .ins()
                    .load(types::I32, MemFlagsData::trusted(), def, off);
                let v = if self.is_table64(TableIndex(table)) {
                    self.b.ins().uextend(types::I64, v)
                } else {
                    v
                };
                self.push(v);
            }
            Operator::TableGrow { table } => {
                let (init, delta) = self.pop2();
                let delta = self.table_operand(TableIndex(table), delta);
                let t = self.i32_const(table);
                let v = self.call_builtin(B::TableGrow, &[t, init, delta]).unwrap();
                // The old size, or -1: sign-extended for a 64-bit table.
                let v = if self.is_table64(TableIndex(table)) {
                    self.b.ins().sextend(types::I64, v)
                } else {
                    v
                };
                self.push(v);
            }
            Operator::TableFill { table } => {
                let (dst, val, len) = self.pop3();
                let dst = self.table_operand(TableIndex(table), dst);
                let len = self.table_operand(TableIndex(table), len);
                let t = self.i32_const(table);
                self.call_builtin(B::TableFill, &[t, dst, val, len]);
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst, src, len) = self.pop3();
                let (dt, st) = (TableIndex(dst_table), TableIndex(src_table));
                let dst = self.table_operand(dt, dst);
                let src = self.table_operand(st, src);
                // The length is an i64 only when both tables are 64-bit.
                let len = if self.is_table64(dt) && self.is_table64(st) {
                    self.table_operand(dt, len)
                } else {
                    len
                };
                let d = self.i32_const(dst_table);
                let s = self.i32_const(src_table);
                self.call_builtin(B::TableCopy, &[d, s, dst, src, len]);
            }
            Operator::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                let dst = self.table_operand(TableIndex(table), dst);
                let t = self.i32_const(table);
                let e = self.i32_const(elem_index);
                self.call_builtin(B::TableInit, &[t, e, dst, src, len]);
            }
            Operator::ElemDrop { elem_index } => {
                let e = self.i32_const(elem_index);
                self.call_builtin(B::ElemDrop, &[e]);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
