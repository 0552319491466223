//! `wasm_val_t`: a value with its kind. A reference value owns its
//! `wasm_ref_t` (or is null).

use crate::refs::{RefObj, wasm_ref_t};
use crate::store::StoreRef;
use crate::types::{
    WASM_ANYREF, WASM_EXNREF, WASM_EXTERNREF, WASM_F32, WASM_F64, WASM_FUNCREF, WASM_I32, WASM_I64,
    WASM_V128, valkind, wasm_valkind_t,
};
use crate::vec::Blank;
use crate::{give, non_null, take_box};
use anyhow::{Result, bail};
use kiln_api::{AsContextMut, Ref, Val, ValType};

/// The payload of a `wasm_val_t`, by kind.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    /// `WASM_I32`.
    pub i32: i32,
    /// `WASM_I64`.
    pub i64: i64,
    /// `WASM_F32`.
    pub f32: f32,
    /// `WASM_F64`.
    pub f64: f64,
    /// `WASM_EXTERNREF` and `WASM_FUNCREF`: an owned reference or null.
    pub ref_: *mut wasm_ref_t,
}

/// `wasm_val_t`.
#[repr(C)]
pub struct wasm_val_t {
    /// Which member of `of` holds the value.
    pub kind: wasm_valkind_t,
    /// The value.
    pub of: wasm_val_union,
}

fn is_ref_kind(kind: wasm_valkind_t) -> bool {
    kind >= WASM_EXTERNREF
}

impl wasm_val_t {
    /// The reference, if this is a non-null reference value.
    fn reference(&self) -> Option<&wasm_ref_t> {
        if is_ref_kind(self.kind) {
            // SAFETY: a reference value's `ref_` is null or an owned
            // `wasm_ref_t` (the C API's contract for `wasm_val_t`).
            unsafe { self.of.ref_.as_ref() }
        } else {
            None
        }
    }

    /// The Kiln value this C value stands for, as a value of `store`
    /// (whose context is `ctx`): a reference is rooted in `ctx`'s innermost
    /// scope, so the value is only good until that scope ends. An error for
    /// a reference of another store.
    pub(crate) fn to_kiln(&self, store: &StoreRef, ctx: impl AsContextMut) -> Result<Val> {
        // SAFETY: for each union read below, `kind` says which member is set.
        Ok(match self.kind {
            WASM_I32 => Val::I32(unsafe { self.of.i32 }),
            WASM_I64 => Val::I64(unsafe { self.of.i64 }),
            WASM_F32 => Val::F32(unsafe { self.of.f32 }.to_bits()),
            WASM_F64 => Val::F64(unsafe { self.of.f64 }.to_bits()),
            WASM_FUNCREF | WASM_EXTERNREF => match self.reference().map(|r| &r.obj) {
                None if self.kind == WASM_FUNCREF => Val::FuncRef(None),
                None => Val::ExternRef(None),
                Some(obj) => match obj.to_kiln(store, ctx)? {
                    Some(r @ (Ref::Func(_) | Ref::Extern(_))) => Val::from(r),
                    _ => bail!("a {} cannot be passed as a wasm value", obj.describe()),
                },
            },
            WASM_ANYREF => match self.reference().map(|r| &r.obj) {
                None => Val::AnyRef(None),
                Some(obj) => match obj.to_kiln(store, ctx)? {
                    Some(r @ Ref::Any(_)) => Val::from(r),
                    _ => bail!("a {} is not an anyref", obj.describe()),
                },
            },
            kind => bail!("a value of unknown kind {kind}"),
        })
    }

    /// The C form of `val`, a value of `store` (whose context is `ctx`): a
    /// reference gets a `wasm_ref_t` of its own, which holds a GC
    /// reference by an owned root. An error if a GC reference of `val` is
    /// no longer rooted.
    pub(crate) fn from_kiln(
        val: Val,
        store: &StoreRef,
        mut ctx: impl AsContextMut,
    ) -> Result<wasm_val_t> {
        let mut reference = |kind, r: Ref| -> Result<wasm_val_t> {
            let obj = RefObj::from_kiln(r, store, &mut ctx)?;
            Ok(wasm_val_t {
                kind,
                of: wasm_val_union {
                    ref_: obj.map_or(std::ptr::null_mut(), |o| give(wasm_ref_t::new(o))),
                },
            })
        };
        Ok(match val {
            Val::I32(i32) => wasm_val_t {
                kind: WASM_I32,
                of: wasm_val_union { i32 },
            },
            Val::I64(i64) => wasm_val_t {
                kind: WASM_I64,
                of: wasm_val_union { i64 },
            },
            Val::F32(bits) => wasm_val_t {
                kind: WASM_F32,
                of: wasm_val_union {
                    f32: f32::from_bits(bits),
                },
            },
            Val::F64(bits) => wasm_val_t {
                kind: WASM_F64,
                of: wasm_val_union {
                    f64: f64::from_bits(bits),
                },
            },
            // The standard has no v128 values; the low half is all C sees.
            Val::V128(v) => wasm_val_t {
                kind: WASM_V128,
                of: wasm_val_union {
                    i64: v.as_u128() as i64,
                },
            },
            Val::FuncRef(f) => reference(WASM_FUNCREF, Ref::Func(f))?,
            Val::ExternRef(e) => reference(WASM_EXTERNREF, Ref::Extern(e))?,
            Val::ExnRef(e) => reference(WASM_EXNREF, Ref::Exn(e))?,
            Val::AnyRef(a) => reference(WASM_ANYREF, Ref::Any(a))?,
        })
    }

    /// A zero (or null reference) of the kind of `ty`, to be overwritten.
    pub(crate) fn zero_of(ty: ValType) -> wasm_val_t {
        wasm_val_t {
            kind: valkind(ty),
            of: wasm_val_union { i64: 0 },
        }
    }
}

impl Blank for wasm_val_t {
    fn blank() -> wasm_val_t {
        wasm_val_t {
            kind: WASM_I32,
            of: wasm_val_union { i64: 0 },
        }
    }
}

impl Clone for wasm_val_t {
    /// A deep copy: a reference value gets its own `wasm_ref_t`.
    fn clone(&self) -> wasm_val_t {
        match self.reference() {
            Some(r) => wasm_val_t {
                kind: self.kind,
                of: wasm_val_union {
                    ref_: give(r.clone()),
                },
            },
            None => wasm_val_t {
                kind: self.kind,
                of: self.of,
            },
        }
    }
}

impl Drop for wasm_val_t {
    fn drop(&mut self) {
        if is_ref_kind(self.kind) {
            // SAFETY: see `reference`; the value owns its reference.
            drop(take_box(unsafe { self.of.ref_ }));
        }
    }
}

/// Deletes what a value owns (its reference, for a reference value).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_val_delete(v: *mut wasm_val_t) {
    if let Some(v) = crate::vec::opt_mut(v) {
        // SAFETY: `v` is an owned value the caller gives up; after this it
        // holds nothing, so it is overwritten with a plain number.
        drop(unsafe { std::ptr::replace(v, wasm_val_t::blank()) });
    }
}

/// Makes `out` a deep copy of `src`.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_val_copy(out: *mut wasm_val_t, src: *const wasm_val_t) {
    let copy = non_null(src, "the value to copy").clone();
    // SAFETY: `out` is valid for writes and uninitialised as far as we
    // know, so it is written without dropping its old contents.
    unsafe { std::ptr::write(crate::non_null_mut(out, "the output value"), copy) };
}
