//! `EqRef`: a reference that `ref.eq` can compare — an `i31`, a struct or
//! an array (wasmtime's shape).

use crate::rooting::sealed::GcRefImpl;
use crate::rooting::{Rooted, gc_ref_type};
use crate::{AnyRef, ArrayRef, AsContext, AsContextMut, HeapType, I31, StructRef};
use anyhow::Result;

gc_ref_type!(
    /// A non-null `eqref`: an `i31`, a struct or an array (never a host
    /// value). Held through [`Rooted`].
    EqRef
);

impl EqRef {
    /// An `eqref` holding `value`, rooted in the store's innermost scope.
    pub fn from_i31(mut store: impl AsContextMut, value: I31) -> Rooted<EqRef> {
        Rooted::new(&mut store.as_context_mut().0.inner, value.to_raw())
    }

    /// The same root seen as an `anyref`, whose accessors these forward to.
    fn any(&self) -> AnyRef {
        AnyRef::from_root(self.root)
    }

    /// The most precise heap type: `i31`, or the struct's or array's type.
    pub fn ty(&self, store: impl AsContext) -> Result<HeapType> {
        self.any().ty(store)
    }

    /// Whether the reference is a value of `ty`.
    pub fn matches_ty(&self, store: impl AsContext, ty: &HeapType) -> Result<bool> {
        self.any().matches_ty(store, ty)
    }

    /// Whether this is an `i31`.
    pub fn is_i31(&self, store: impl AsContext) -> Result<bool> {
        self.any().is_i31(store)
    }

    /// The `i31`, if this is one.
    pub fn as_i31(&self, store: impl AsContext) -> Result<Option<I31>> {
        self.any().as_i31(store)
    }

    /// The `i31`; panics if this is not one.
    pub fn unwrap_i31(&self, store: impl AsContext) -> Result<I31> {
        self.any().unwrap_i31(store)
    }

    /// Whether this is a struct.
    pub fn is_struct(&self, store: impl AsContext) -> Result<bool> {
        self.any().is_struct(store)
    }

    /// The same reference as a struct, if it is one (shares this root).
    pub fn as_struct(&self, store: impl AsContext) -> Result<Option<Rooted<StructRef>>> {
        self.any().as_struct(store)
    }

    /// The struct; panics if this is not one.
    pub fn unwrap_struct(&self, store: impl AsContext) -> Result<Rooted<StructRef>> {
        self.any().unwrap_struct(store)
    }

    /// Whether this is an array.
    pub fn is_array(&self, store: impl AsContext) -> Result<bool> {
        self.any().is_array(store)
    }

    /// The same reference as an array, if it is one (shares this root).
    pub fn as_array(&self, store: impl AsContext) -> Result<Option<Rooted<ArrayRef>>> {
        self.any().as_array(store)
    }

    /// The array; panics if this is not one.
    pub fn unwrap_array(&self, store: impl AsContext) -> Result<Rooted<ArrayRef>> {
        self.any().unwrap_array(store)
    }
}

impl Rooted<EqRef> {
    /// The reference as an `anyref` (the same root).
    pub fn to_anyref(self) -> Rooted<AnyRef> {
        self.cast()
    }
}

impl Rooted<StructRef> {
    /// The struct as an `eqref` (the same root).
    pub fn to_eqref(self) -> Rooted<EqRef> {
        self.cast()
    }

    /// The struct as an `anyref` (the same root).
    pub fn to_anyref(self) -> Rooted<AnyRef> {
        self.cast()
    }
}

impl Rooted<ArrayRef> {
    /// The array as an `eqref` (the same root).
    pub fn to_eqref(self) -> Rooted<EqRef> {
        self.cast()
    }

    /// The array as an `anyref` (the same root).
    pub fn to_anyref(self) -> Rooted<AnyRef> {
        self.cast()
    }
}

impl From<Rooted<StructRef>> for Rooted<EqRef> {
    fn from(s: Rooted<StructRef>) -> Rooted<EqRef> {
        s.cast()
    }
}

impl From<Rooted<ArrayRef>> for Rooted<EqRef> {
    fn from(a: Rooted<ArrayRef>) -> Rooted<EqRef> {
        a.cast()
    }
}
