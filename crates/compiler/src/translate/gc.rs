//! GC operators that need no heap: `i31` references, `ref.eq`, the
//! `any`/`extern` conversions, and type tests and casts.
//!
//! A reference of the `any` hierarchy is one pointer-sized word: `0` is
//! null, an odd word is an `i31` (`(x << 1) | 1`, upper half zero), and an
//! even word is an object whose header gives its kind (struct, array, or a
//! host value converted with `any.convert_extern`) and type. An `externref`
//! made by `extern.convert_any` is the same word, so both conversions emit
//! nothing.

use super::{FuncTranslator, clif_trap};
use anyhow::{Result, bail};
use cranelift_codegen::ir::{self, BlockArg, InstBuilder, MemFlagsData, condcodes::IntCC, types};
use kiln_types::*;
use wasmparser::Operator;

impl FuncTranslator<'_, '_> {
    /// GC operators; returns `false` if `op` is not one.
    pub(super) fn translate_gc(&mut self, op: &Operator<'_>) -> Result<bool> {
        match op {
            Operator::RefI31 => {
                let x = self.pop();
                let shifted = self.b.ins().ishl_imm_s(x, 1);
                let tagged = self.b.ins().bor_imm_s(shifted, 1);
                let v = self.b.ins().uextend(self.ptr, tagged);
                self.push(v);
            }
            Operator::I31GetS | Operator::I31GetU => {
                let r = self.pop();
                self.b.ins().trapz(r, clif_trap(TrapCode::NullReference));
                let low = self.b.ins().ireduce(types::I32, r);
                let v = if matches!(op, Operator::I31GetS) {
                    self.b.ins().sshr_imm_s(low, 1)
                } else {
                    self.b.ins().ushr_imm_s(low, 1)
                };
                self.push(v);
            }
            Operator::RefEq => {
                let (a, b) = self.pop2();
                let eq = self.b.ins().icmp(IntCC::Equal, a, b);
                let v = self.b.ins().uextend(types::I32, eq);
                self.push(v);
            }
            // The same word in both hierarchies.
            Operator::AnyConvertExtern | Operator::ExternConvertAny => {}
            Operator::RefTestNonNull { hty } | Operator::RefTestNullable { hty } => {
                let nullable = matches!(op, Operator::RefTestNullable { .. });
                let target = RefType::new(nullable, self.heap_type(*hty)?);
                let r = self.pop();
                let ok = self.ref_test(r, target)?;
                let v = self.b.ins().uextend(types::I32, ok);
                self.push(v);
            }
            Operator::RefCastNonNull { hty } | Operator::RefCastNullable { hty } => {
                let nullable = matches!(op, Operator::RefCastNullable { .. });
                let target = RefType::new(nullable, self.heap_type(*hty)?);
                let r = *self.stack.last().expect("validated");
                let ok = self.ref_test(r, target)?;
                self.b.ins().trapz(ok, clif_trap(TrapCode::CastFailure));
            }
            Operator::BrOnCast {
                relative_depth,
                to_ref_type,
                ..
            }
            | Operator::BrOnCastFail {
                relative_depth,
                to_ref_type,
                ..
            } => {
                let on_success = matches!(op, Operator::BrOnCast { .. });
                let target = crate::module_env::ref_type(*to_ref_type, self.env.info)?;
                let r = *self.stack.last().expect("validated");
                let ok = self.ref_test(r, target)?;
                self.branch_if(*relative_depth, ok, on_success);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn heap_type(&self, h: wasmparser::HeapType) -> Result<HeapType> {
        crate::module_env::heap_type(h, self.env.info)
    }

    /// Branches to the frame `depth` levels out, passing the top of the
    /// stack, when `cond` (an `i8`) is `when`; otherwise falls through with
    /// the stack unchanged.
    fn branch_if(&mut self, depth: u32, cond: ir::Value, when: bool) {
        let i = self.control.len() - 1 - depth as usize;
        let (target, n) = self.control[i].branch_target();
        self.control[i].mark_reached();
        let args: Vec<BlockArg> = self.peekn(n).iter().map(|v| BlockArg::Value(*v)).collect();
        let next = self.b.create_block();
        if when {
            self.b.ins().brif(cond, target, &args, next, &[]);
        } else {
            self.b.ins().brif(cond, next, &[], target, &args);
        }
        self.b.seal_block(next);
        self.b.switch_to_block(next);
    }

    /// Whether reference `r` is a value of `target` (an `i8`, 1 or 0). The
    /// validator has checked that `r`'s static type is in `target`'s
    /// hierarchy.
    fn ref_test(&mut self, r: ir::Value, target: RefType) -> Result<ir::Value> {
        let heap = target.heap_type;
        // Tests that need no branch on null.
        if heap == heap.top() {
            return Ok(if target.nullable {
                self.b.ins().iconst(types::I8, 1)
            } else {
                self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0)
            });
        }
        if heap == heap.bottom() {
            return Ok(if target.nullable {
                self.b.ins().icmp_imm_s(IntCC::Equal, r, 0)
            } else {
                self.b.ins().iconst(types::I8, 0)
            });
        }
        if heap == HeapType::I31 {
            let odd = self.b.ins().band_imm_s(r, 1);
            let is_i31 = self.b.ins().icmp_imm_s(IntCC::NotEqual, odd, 0);
            return Ok(if target.nullable {
                let null = self.b.ins().icmp_imm_s(IntCC::Equal, r, 0);
                self.b.ins().bor(is_i31, null)
            } else {
                is_i31
            });
        }
        // The rest look at what a non-null reference points to.
        let non_null = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        let on_null = self.b.ins().iconst(types::I8, i64::from(target.nullable));
        self.b
            .ins()
            .brif(r, non_null, &[], done, &[BlockArg::Value(on_null)]);
        self.b.seal_block(non_null);
        self.b.switch_to_block(non_null);
        let ok = self.non_null_test(r, heap)?;
        self.b.ins().jump(done, &[BlockArg::Value(ok)]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
        Ok(self.b.block_params(done)[0])
    }

    /// [`Self::ref_test`] for a reference known not to be null, against a
    /// heap type that is neither a top, a bottom nor `i31`.
    fn non_null_test(&mut self, r: ir::Value, heap: HeapType) -> Result<ir::Value> {
        Ok(match heap {
            HeapType::Eq
            | HeapType::Struct
            | HeapType::Array
            | HeapType::Module(_, TypeKind::Struct | TypeKind::Array) => {
                self.any_object_test(r, heap)
            }
            HeapType::Module(t, TypeKind::Func) => self.func_has_type(r, t),
            other => bail!("a cast to {other}, which is not a heap type of a module"),
        })
    }

    /// Whether the non-null `any` reference `r` is of type `heap` (`eq`,
    /// `struct`, `array` or a concrete struct or array type): an `i31`
    /// passes only for `eq`; an object's header must name the right kind
    /// and, for a concrete type, the type or a subtype of it.
    fn any_object_test(&mut self, r: ir::Value, heap: HeapType) -> ir::Value {
        let object = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        let odd = self.b.ins().band_imm_s(r, 1);
        let i31_passes = self
            .b
            .ins()
            .iconst(types::I8, i64::from(heap == HeapType::Eq));
        self.b
            .ins()
            .brif(odd, done, &[BlockArg::Value(i31_passes)], object, &[]);
        self.b.seal_block(object);
        self.b.switch_to_block(object);
        let kind = self.b.ins().load(
            types::I32,
            MemFlagsData::trusted().with_readonly(),
            r,
            GC_HEADER_KIND as i32,
        );
        let is = |this: &mut Self, k: GcKind| {
            this.b
                .ins()
                .icmp_imm_s(IntCC::Equal, kind, i64::from(k as u32))
        };
        let ok = match heap {
            HeapType::Eq => {
                let s = is(self, GcKind::Struct);
                let a = is(self, GcKind::Array);
                self.b.ins().bor(s, a)
            }
            HeapType::Struct => is(self, GcKind::Struct),
            HeapType::Array => is(self, GcKind::Array),
            HeapType::Module(t, k) => {
                let kind_ok = is(
                    self,
                    if k == TypeKind::Struct {
                        GcKind::Struct
                    } else {
                        GcKind::Array
                    },
                );
                // Only an object of the right kind has a type id worth
                // comparing (a host value's header has none).
                let typed = self.b.create_block();
                self.b
                    .ins()
                    .brif(kind_ok, typed, &[], done, &[BlockArg::Value(kind_ok)]);
                self.b.seal_block(typed);
                self.b.switch_to_block(typed);
                let id = self.b.ins().load(
                    types::I32,
                    MemFlagsData::trusted().with_readonly(),
                    r,
                    GC_HEADER_TYPE_ID as i32,
                );
                self.has_type(id, t)
            }
            _ => unreachable!("checked by the caller"),
        };
        self.b.ins().jump(done, &[BlockArg::Value(ok)]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    /// Whether the non-null function reference `r` is a function of type
    /// `t` or of a subtype of it.
    fn func_has_type(&mut self, r: ir::Value, t: TypeIndex) -> ir::Value {
        let o = self.env.offsets;
        let actual = self.b.ins().load(
            types::I32,
            MemFlagsData::trusted().with_readonly(),
            r,
            o.vmcaller_checked_anyfunc_type_index() as i32,
        );
        self.has_type(actual, t)
    }
}
