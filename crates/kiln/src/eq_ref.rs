//! `EqRef`: a reference that `ref.eq` can compare — an `i31`, a struct or
//! an array (wasmtime's shape).

use crate::{AnyRef, ArrayRef, AsContextMut, I31, StructRef};

/// A non-null `eqref`: an `i31`, a struct or an array (a rooted `anyref`
/// known to be one of these, never a host value).
#[derive(Clone, Debug)]
pub struct EqRef {
    any: AnyRef,
}

impl EqRef {
    /// An `eqref` holding `value`.
    pub fn from_i31(store: impl AsContextMut, value: I31) -> EqRef {
        EqRef {
            any: AnyRef::from_i31(store, value),
        }
    }

    /// The reference as an `anyref`.
    pub fn to_anyref(&self) -> AnyRef {
        self.any.clone()
    }

    /// Whether this is an `i31`.
    pub fn is_i31(&self) -> bool {
        self.any.is_i31()
    }

    /// The `i31`, if this is one.
    pub fn as_i31(&self) -> Option<I31> {
        self.any.as_i31()
    }

    /// The `i31`; panics if this is not one.
    pub fn unwrap_i31(&self) -> I31 {
        self.any.unwrap_i31()
    }

    /// Whether this is a struct.
    pub fn is_struct(&self) -> bool {
        self.any.is_struct()
    }

    /// The struct, if this is one.
    pub fn as_struct(&self) -> Option<StructRef> {
        self.any.as_struct()
    }

    /// The struct; panics if this is not one.
    pub fn unwrap_struct(&self) -> StructRef {
        self.as_struct().expect("expected a struct")
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        self.any.is_array()
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<ArrayRef> {
        self.any.as_array()
    }

    /// The array; panics if this is not one.
    pub fn unwrap_array(&self) -> ArrayRef {
        self.as_array().expect("expected an array")
    }

    /// Whether two references are the same value, as `ref.eq` decides.
    pub fn ptr_eq(a: &EqRef, b: &EqRef) -> bool {
        AnyRef::ptr_eq(&a.any, &b.any)
    }
}

impl AnyRef {
    /// The reference as an `eqref`, if it is one (not a host value).
    pub fn as_eqref(&self) -> Option<EqRef> {
        self.is_eqref().then(|| EqRef { any: self.clone() })
    }

    /// The reference as an `eqref`; panics if it is a host value.
    pub fn unwrap_eqref(&self) -> EqRef {
        self.as_eqref().expect("expected an eqref")
    }
}

impl StructRef {
    /// The struct as an `eqref`.
    pub fn to_eqref(&self) -> EqRef {
        EqRef {
            any: self.to_anyref(),
        }
    }
}

impl ArrayRef {
    /// The array as an `eqref`.
    pub fn to_eqref(&self) -> EqRef {
        EqRef {
            any: self.to_anyref(),
        }
    }
}

impl From<EqRef> for AnyRef {
    fn from(e: EqRef) -> AnyRef {
        e.any
    }
}

impl From<StructRef> for EqRef {
    fn from(s: StructRef) -> EqRef {
        s.to_eqref()
    }
}

impl From<ArrayRef> for EqRef {
    fn from(a: ArrayRef) -> EqRef {
        a.to_eqref()
    }
}
