//! `AnyRef` and `I31`: values of the `any` hierarchy as the host sees them.
//!
//! Compiled code represents an `anyref` as one pointer-sized word: `0` is
//! null, an odd word is an unboxed 31-bit integer (`(x << 1) | 1`), and an
//! even word is the address of an object: a struct or array in the store's
//! GC heap, or a host value that wasm converted with `any.convert_extern`.

use crate::store::StoreInner;
use crate::values::ExternData;
use crate::{AsContextMut, EngineTypeIndex, ExternRef, HeapType, TypeKind};
use anyhow::{Result, bail};
use kiln_types::GcKind;
use std::sync::Arc;

/// An unboxed 31-bit integer (`i31ref`'s payload).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct I31(u32);

impl I31 {
    /// `value`, if it fits in 31 bits unsigned.
    pub fn new_u32(value: u32) -> Option<I31> {
        (value >> 31 == 0).then_some(I31(value))
    }

    /// `value`, if it fits in 31 bits signed.
    pub fn new_i32(value: i32) -> Option<I31> {
        (value == (value << 1) >> 1).then_some(I31(value as u32 & 0x7fff_ffff))
    }

    /// The low 31 bits of `value` (what `ref.i31` does).
    pub fn wrapping_u32(value: u32) -> I31 {
        I31(value & 0x7fff_ffff)
    }

    /// The low 31 bits of `value` (what `ref.i31` does).
    pub fn wrapping_i32(value: i32) -> I31 {
        I31::wrapping_u32(value as u32)
    }

    /// The value, zero-extended (what `i31.get_u` gives).
    pub fn get_u32(&self) -> u32 {
        self.0
    }

    /// The value, sign-extended from bit 30 (what `i31.get_s` gives).
    pub fn get_i32(&self) -> i32 {
        ((self.0 << 1) as i32) >> 1
    }

    /// The word compiled code uses for this value.
    pub(crate) fn to_raw(self) -> usize {
        kiln_types::i31_word(self.0)
    }

    /// The value behind an odd word.
    pub(crate) fn from_raw(raw: usize) -> I31 {
        I31::wrapping_u32((raw >> 1) as u32)
    }
}

/// A non-null reference of the `any` hierarchy: an `i31`, a struct or an
/// array, or a host value that wasm converted with `any.convert_extern`.
///
/// Structs and arrays live as long as their store (nothing is collected
/// yet); a reference to one may only be used with that store.
#[derive(Clone)]
pub struct AnyRef {
    repr: AnyRepr,
}

#[derive(Clone)]
enum AnyRepr {
    I31(I31),
    Host(Arc<ExternData>),
    Object {
        /// The object's address in its store's GC heap.
        addr: usize,
        /// Struct or array.
        kind: GcKind,
        /// The id of the store whose heap holds it.
        store: u64,
        /// Keeps the object rooted in its store while held.
        _root: Arc<()>,
    },
}

impl AnyRef {
    /// An `anyref` holding `value` (wasmtime's shape; an `i31` needs no
    /// store).
    pub fn from_i31(store: impl AsContextMut, value: I31) -> AnyRef {
        let _ = store;
        AnyRef::i31(value)
    }

    /// The `anyref` of an `i31`.
    pub(crate) fn i31(value: I31) -> AnyRef {
        AnyRef {
            repr: AnyRepr::I31(value),
        }
    }

    /// What `any.convert_extern` gives for `value`: the host value itself,
    /// or the `anyref` that `extern.convert_any` turned into it.
    pub fn convert_extern(store: impl AsContextMut, value: &ExternRef) -> Result<AnyRef> {
        let _ = store;
        Ok(match value.host_data() {
            Ok(data) => AnyRef {
                repr: AnyRepr::Host(data.clone()),
            },
            Err(any) => any.clone(),
        })
    }

    /// Whether this is an `i31`.
    pub fn is_i31(&self) -> bool {
        matches!(self.repr, AnyRepr::I31(_))
    }

    /// The `i31`, if this is one.
    pub fn as_i31(&self) -> Option<I31> {
        match self.repr {
            AnyRepr::I31(v) => Some(v),
            _ => None,
        }
    }

    /// Whether this is a struct.
    pub fn is_struct(&self) -> bool {
        matches!(
            self.repr,
            AnyRepr::Object {
                kind: GcKind::Struct,
                ..
            }
        )
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(
            self.repr,
            AnyRepr::Object {
                kind: GcKind::Array,
                ..
            }
        )
    }

    /// The struct; panics if this is not one.
    pub fn unwrap_struct(&self) -> crate::StructRef {
        self.as_struct().expect("expected a struct")
    }

    /// The array; panics if this is not one.
    pub fn unwrap_array(&self) -> crate::ArrayRef {
        self.as_array().expect("expected an array")
    }

    /// The `i31`; panics if this is not one.
    pub fn unwrap_i31(&self) -> I31 {
        self.as_i31().expect("expected an i31")
    }

    /// Whether the reference is an `eqref` (`ref.eq` can compare it): an
    /// `i31`, a struct or an array.
    pub fn is_eqref(&self) -> bool {
        !matches!(self.repr, AnyRepr::Host(_))
    }

    /// The most precise heap type of the reference: `i31`, the concrete
    /// type of a struct or array, or `any` for a host value.
    pub(crate) fn heap_type(&self, store: &StoreInner) -> Result<HeapType> {
        Ok(match &self.repr {
            AnyRepr::I31(_) => HeapType::I31,
            AnyRepr::Host(_) => HeapType::Any,
            AnyRepr::Object { kind, .. } => {
                let addr = self.object_address(store)?;
                // SAFETY: `object_address` checked that the object belongs to
                // this store, whose heap keeps it while `self` roots it.
                let id = unsafe { kiln_vm::object_type_id(addr) };
                let kind = if *kind == GcKind::Struct {
                    TypeKind::Struct
                } else {
                    TypeKind::Array
                };
                HeapType::Engine(EngineTypeIndex(id), kind)
            }
        })
    }

    /// The address of the struct or array, after checking it belongs to
    /// `store`; an error for anything else.
    pub(crate) fn object_address(&self, store: &StoreInner) -> Result<usize> {
        match &self.repr {
            AnyRepr::Object {
                addr, store: owner, ..
            } => {
                store.check(*owner, "GC object")?;
                Ok(*addr)
            }
            _ => bail!("not a struct or array"),
        }
    }

    /// The host value `any.convert_extern` made this reference from, if
    /// it is one and a `V` (a Kiln extension: wasmtime reaches it through
    /// `ExternRef::convert_any`).
    pub fn host_downcast_ref<V: std::any::Any>(&self) -> Option<&V> {
        self.host_data()?.downcast_ref()
    }

    /// The host value, if this is an externalized one.
    pub(crate) fn host_data(&self) -> Option<&Arc<ExternData>> {
        match &self.repr {
            AnyRepr::Host(d) => Some(d),
            _ => None,
        }
    }

    /// The host value, if this is an externalized one, or else `self`.
    pub(crate) fn into_host(self) -> Result<Arc<ExternData>, AnyRef> {
        match self.repr {
            AnyRepr::Host(d) => Ok(d),
            _ => Err(self),
        }
    }

    /// Whether two references are the same value (`ref.eq` for `eqref`s).
    pub fn ptr_eq(a: &AnyRef, b: &AnyRef) -> bool {
        match (&a.repr, &b.repr) {
            (AnyRepr::I31(x), AnyRepr::I31(y)) => x == y,
            (AnyRepr::Host(x), AnyRepr::Host(y)) => Arc::ptr_eq(x, y),
            (AnyRepr::Object { addr: x, .. }, AnyRepr::Object { addr: y, .. }) => x == y,
            _ => false,
        }
    }

    /// The word compiled code uses, keeping a host value alive in `store`;
    /// an error for an object of another store.
    pub(crate) fn to_raw(&self, store: &mut StoreInner) -> Result<usize> {
        Ok(match &self.repr {
            AnyRepr::I31(v) => v.to_raw(),
            AnyRepr::Host(d) => store.root_extern_data(d)?,
            AnyRepr::Object {
                addr, store: owner, ..
            } => {
                if *owner != store.id {
                    bail!("the GC object belongs to a different store");
                }
                *addr
            }
        })
    }

    /// The reference behind a non-null word that compiled code of `store`
    /// produced in the `any` or `extern` hierarchy.
    pub(crate) fn from_raw(store: &mut StoreInner, raw: usize) -> AnyRef {
        if raw & 1 == 1 {
            return AnyRef {
                repr: AnyRepr::I31(I31::from_raw(raw)),
            };
        }
        // SAFETY: an even non-null word of these hierarchies is a live
        // object of the store's heap (a host object, a struct or an array),
        // which wasm or a root still holds.
        let kind = unsafe { kiln_vm::object_kind(raw) };
        let repr = match kind {
            Some(kind @ (GcKind::Struct | GcKind::Array)) => AnyRepr::Object {
                addr: raw,
                kind,
                store: store.id,
                _root: store.host_roots.root(raw),
            },
            _ => AnyRepr::Host(store.extern_data(raw)),
        };
        AnyRef { repr }
    }
}

impl std::fmt::Debug for AnyRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.repr {
            AnyRepr::I31(v) => write!(f, "AnyRef(i31 {})", v.get_u32()),
            AnyRepr::Host(_) => f.write_str("AnyRef(host value)"),
            AnyRepr::Object { kind, addr, .. } => write!(f, "AnyRef({kind:?} at {addr:#x})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i31_wraps_and_extends_like_the_instructions() {
        assert_eq!(I31::wrapping_u32(u32::MAX).get_u32(), 0x7fff_ffff);
        assert_eq!(I31::wrapping_u32(u32::MAX).get_i32(), -1);
        assert_eq!(I31::wrapping_i32(-2).get_i32(), -2);
        assert_eq!(I31::wrapping_i32(0x4000_0000).get_i32(), -0x4000_0000);
        assert_eq!(I31::new_u32(0x8000_0000), None);
        assert_eq!(I31::new_i32(0x4000_0000), None);
        assert_eq!(
            I31::new_i32(-0x4000_0000).map(|v| v.get_i32()),
            Some(-0x4000_0000)
        );
        for v in [0u32, 1, 0x3fff_ffff, 0x7fff_ffff] {
            let i = I31::new_u32(v).unwrap();
            assert_eq!(I31::from_raw(i.to_raw()), i);
            assert_eq!(i.to_raw() & 1, 1);
        }
    }
}
