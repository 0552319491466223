//! `AnyRef` and `I31`: values of the `any` hierarchy as the host sees them.
//!
//! Compiled code represents an `anyref` as one pointer-sized word: `0` is
//! null, an odd word is an unboxed 31-bit integer (`(x << 1) | 1`), and an
//! even word is the address of an object of the store's GC heap: a struct,
//! an array, or a host value that wasm converted with `any.convert_extern`.

use crate::rooting::{Rooted, gc_ref_type, word_of};
use crate::store::StoreInner;
use crate::{
    ArrayRef, AsContext, AsContextMut, EngineTypeIndex, EqRef, ExternRef, HeapType, RefType,
    StructRef, TypeKind, ValType,
};
use anyhow::Result;
use kiln_types::GcKind;

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

/// What a rooted word is. Every word a root holds, and every non-null
/// word compiled code hands the host, is an `i31` or a live object of the
/// store's heap.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Word {
    /// An unboxed 31-bit integer.
    I31(I31),
    /// A struct at this address.
    Struct(usize),
    /// An array at this address.
    Array(usize),
    /// A host value's object at this address.
    Host(usize),
}

impl Word {
    /// What `word` (an `i31` or a live object of a store's heap) is.
    pub(crate) fn of(word: usize) -> Word {
        if word & 1 == 1 {
            return Word::I31(I31::from_raw(word));
        }
        // SAFETY: an even word of a root or of compiled code is a live
        // object, whose header can be read.
        match unsafe { kiln_vm::object_kind(word) } {
            Some(GcKind::Struct) => Word::Struct(word),
            Some(GcKind::Array) => Word::Array(word),
            _ => Word::Host(word),
        }
    }

    /// Whether `ref.eq` can compare it (not a host value).
    pub(crate) fn is_eq(self) -> bool {
        !matches!(self, Word::Host(_))
    }

    /// The most precise heap type of the value: `i31`, the concrete type
    /// of a struct or array, or `any` for a host value.
    pub(crate) fn heap_type(self) -> HeapType {
        let (addr, kind) = match self {
            Word::I31(_) => return HeapType::I31,
            Word::Host(_) => return HeapType::Any,
            Word::Struct(a) => (a, TypeKind::Struct),
            Word::Array(a) => (a, TypeKind::Array),
        };
        // SAFETY: a live struct or array (see `Word::of`).
        let id = unsafe { kiln_vm::object_type_id(addr) };
        HeapType::Engine(EngineTypeIndex(id), kind)
    }
}

gc_ref_type!(
    /// A non-null reference of the `any` hierarchy: an `i31`, a struct or
    /// an array, or a host value that wasm converted with
    /// `any.convert_extern`. Held through [`Rooted`] or [`OwnedRooted`](crate::OwnedRooted);
    /// every accessor takes the store and fails if the handle was
    /// unrooted.
    AnyRef
);

/// Whether the reference of heap type `actual` is a value of `ty`.
pub(crate) fn heap_type_matches(store: &StoreInner, actual: HeapType, ty: &HeapType) -> bool {
    store.engine.inner.types.val_type_matches(
        ValType::Ref(RefType::new(false, actual)),
        ValType::Ref(RefType::new(false, *ty)),
    )
}

impl AnyRef {
    /// An `anyref` holding `value`, rooted in the store's innermost scope.
    pub fn from_i31(mut store: impl AsContextMut, value: I31) -> Rooted<AnyRef> {
        Rooted::new(&mut store.as_context_mut().0.inner, value.to_raw())
    }

    /// What `any.convert_extern` gives for `value`: the host value itself
    /// seen as an `anyref`, or the `anyref` that `extern.convert_any` made
    /// external.
    pub fn convert_extern(
        store: impl AsContextMut,
        value: Rooted<ExternRef>,
    ) -> Result<Rooted<AnyRef>> {
        value.word(&store.as_context().0.inner)?;
        Ok(value.cast())
    }

    /// What the reference is, in `store`.
    pub(crate) fn kind(&self, store: &StoreInner) -> Result<Word> {
        Ok(Word::of(word_of(self, store)?))
    }

    /// The most precise heap type of the reference: `i31`, the concrete
    /// type of a struct or array, or `any` for a host value.
    pub fn ty(&self, store: impl AsContext) -> Result<HeapType> {
        Ok(self.kind(&store.as_context().0.inner)?.heap_type())
    }

    /// Whether the reference is a value of `ty`.
    pub fn matches_ty(&self, store: impl AsContext, ty: &HeapType) -> Result<bool> {
        let store = &store.as_context().0.inner;
        Ok(heap_type_matches(store, self.kind(store)?.heap_type(), ty))
    }

    /// Whether `ref.eq` can compare it: an `i31`, a struct or an array.
    pub fn is_eqref(&self, store: impl AsContext) -> Result<bool> {
        Ok(self.kind(&store.as_context().0.inner)?.is_eq())
    }

    /// Whether this is an `i31`.
    pub fn is_i31(&self, store: impl AsContext) -> Result<bool> {
        Ok(self.as_i31(store)?.is_some())
    }

    /// Whether this is a struct.
    pub fn is_struct(&self, store: impl AsContext) -> Result<bool> {
        Ok(matches!(
            self.kind(&store.as_context().0.inner)?,
            Word::Struct(_)
        ))
    }

    /// Whether this is an array.
    pub fn is_array(&self, store: impl AsContext) -> Result<bool> {
        Ok(matches!(
            self.kind(&store.as_context().0.inner)?,
            Word::Array(_)
        ))
    }

    /// The `i31`, if this is one.
    pub fn as_i31(&self, store: impl AsContext) -> Result<Option<I31>> {
        Ok(match self.kind(&store.as_context().0.inner)? {
            Word::I31(v) => Some(v),
            _ => None,
        })
    }

    /// The same reference as an `eqref`, if it is one (shares this root).
    pub fn as_eqref(&self, store: impl AsContext) -> Result<Option<Rooted<EqRef>>> {
        Ok(self
            .kind(&store.as_context().0.inner)?
            .is_eq()
            .then(|| Rooted::from_root(self.root)))
    }

    /// The same reference as a struct, if it is one (shares this root).
    pub fn as_struct(&self, store: impl AsContext) -> Result<Option<Rooted<StructRef>>> {
        Ok(self.is_struct(store)?.then(|| Rooted::from_root(self.root)))
    }

    /// The same reference as an array, if it is one (shares this root).
    pub fn as_array(&self, store: impl AsContext) -> Result<Option<Rooted<ArrayRef>>> {
        Ok(self.is_array(store)?.then(|| Rooted::from_root(self.root)))
    }

    /// The `i31`; panics if this is not one.
    pub fn unwrap_i31(&self, store: impl AsContext) -> Result<I31> {
        Ok(self.as_i31(store)?.expect("expected an i31"))
    }

    /// The `eqref`; panics if this is a host value.
    pub fn unwrap_eqref(&self, store: impl AsContext) -> Result<Rooted<EqRef>> {
        Ok(self.as_eqref(store)?.expect("expected an eqref"))
    }

    /// The struct; panics if this is not one.
    pub fn unwrap_struct(&self, store: impl AsContext) -> Result<Rooted<StructRef>> {
        Ok(self.as_struct(store)?.expect("expected a struct"))
    }

    /// The array; panics if this is not one.
    pub fn unwrap_array(&self, store: impl AsContext) -> Result<Rooted<ArrayRef>> {
        Ok(self.as_array(store)?.expect("expected an array"))
    }
}

impl From<Rooted<EqRef>> for Rooted<AnyRef> {
    fn from(r: Rooted<EqRef>) -> Rooted<AnyRef> {
        r.cast()
    }
}

impl From<Rooted<StructRef>> for Rooted<AnyRef> {
    fn from(r: Rooted<StructRef>) -> Rooted<AnyRef> {
        r.cast()
    }
}

impl From<Rooted<ArrayRef>> for Rooted<AnyRef> {
    fn from(r: Rooted<ArrayRef>) -> Rooted<AnyRef> {
        r.cast()
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
