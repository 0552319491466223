//! `Ref`: a reference value, what tables hold (wasmtime's shape).

use crate::{AnyRef, AsContext, ExnRef, ExternRef, Func, HeapType, RefType, Rooted, Val, ValType};
use anyhow::Result;
use kiln_types::RefHierarchy;

/// A reference: to a function, a host value (`externref`), an exception or
/// a value of the `any` hierarchy, or null of one of those hierarchies.
#[derive(Copy, Clone, Debug)]
pub enum Ref {
    /// A `funcref` (or typed function reference); `None` is null.
    Func(Option<Func>),
    /// An `externref`; `None` is null.
    Extern(Option<Rooted<ExternRef>>),
    /// An `exnref`; `None` is null.
    Exn(Option<ExnRef>),
    /// An `anyref` (or narrower: `eqref`, `i31ref`, ...); `None` is null.
    Any(Option<Rooted<AnyRef>>),
}

impl Ref {
    /// The null reference of `heap_type`'s hierarchy.
    pub fn null(heap_type: &HeapType) -> Ref {
        match heap_type.hierarchy() {
            RefHierarchy::Func => Ref::Func(None),
            RefHierarchy::Extern => Ref::Extern(None),
            RefHierarchy::Exn => Ref::Exn(None),
            RefHierarchy::Any => Ref::Any(None),
        }
    }

    /// Whether the reference is null.
    pub fn is_null(&self) -> bool {
        matches!(
            self,
            Ref::Func(None) | Ref::Extern(None) | Ref::Exn(None) | Ref::Any(None)
        )
    }

    /// Whether the reference is not null.
    pub fn is_non_null(&self) -> bool {
        !self.is_null()
    }

    /// Whether this is a function reference (null or not).
    pub fn is_func(&self) -> bool {
        matches!(self, Ref::Func(_))
    }

    /// The function reference (`Some(None)` for null), if this is one.
    pub fn as_func(&self) -> Option<Option<&Func>> {
        match self {
            Ref::Func(f) => Some(f.as_ref()),
            _ => None,
        }
    }

    /// The function reference; panics if this is another kind.
    pub fn unwrap_func(&self) -> Option<&Func> {
        self.as_func().expect("expected a function reference")
    }

    /// Whether this is an `externref` (null or not).
    pub fn is_extern(&self) -> bool {
        matches!(self, Ref::Extern(_))
    }

    /// The `externref` (`Some(None)` for null), if this is one.
    pub fn as_extern(&self) -> Option<Option<&Rooted<ExternRef>>> {
        match self {
            Ref::Extern(e) => Some(e.as_ref()),
            _ => None,
        }
    }

    /// The `externref`; panics if this is another kind.
    pub fn unwrap_extern(&self) -> Option<&Rooted<ExternRef>> {
        self.as_extern().expect("expected an externref")
    }

    /// Whether this is an `exnref` (null or not).
    pub fn is_exn(&self) -> bool {
        matches!(self, Ref::Exn(_))
    }

    /// The `exnref` (`Some(None)` for null), if this is one.
    pub fn as_exn(&self) -> Option<Option<&ExnRef>> {
        match self {
            Ref::Exn(e) => Some(e.as_ref()),
            _ => None,
        }
    }

    /// The `exnref`; panics if this is another kind.
    pub fn unwrap_exn(&self) -> Option<&ExnRef> {
        self.as_exn().expect("expected an exnref")
    }

    /// Whether this is a reference of the `any` hierarchy (null or not).
    pub fn is_any(&self) -> bool {
        matches!(self, Ref::Any(_))
    }

    /// The `anyref` (`Some(None)` for null), if this is one.
    pub fn as_any(&self) -> Option<Option<&Rooted<AnyRef>>> {
        match self {
            Ref::Any(a) => Some(a.as_ref()),
            _ => None,
        }
    }

    /// The `anyref`; panics if this is another kind.
    pub fn unwrap_any(&self) -> Option<&Rooted<AnyRef>> {
        self.as_any().expect("expected an anyref")
    }

    /// The reference's type: non-nullable unless null, with the function's
    /// own type for a function.
    pub fn ty(&self, store: impl AsContext) -> Result<RefType> {
        let store = store.as_context();
        Ok(match self {
            Ref::Func(Some(f)) => {
                let inner = &store.0.inner;
                inner.check(f.store, "function")?;
                // SAFETY: the anyfunc belongs to this store and lives with it.
                let sig = unsafe { (*inner.funcs[f.index].anyfunc).type_index };
                RefType::new(
                    false,
                    HeapType::Engine(crate::EngineTypeIndex(sig.bits()), crate::TypeKind::Func),
                )
            }
            Ref::Func(None) => RefType::NULLFUNCREF,
            Ref::Extern(Some(r)) => {
                r.word(&store.0.inner)?;
                RefType::new(false, HeapType::Extern)
            }
            Ref::Extern(None) => RefType::NULLEXTERNREF,
            Ref::Exn(Some(_)) => RefType::new(false, HeapType::Exn),
            Ref::Exn(None) => RefType::NULLEXNREF,
            Ref::Any(Some(a)) => RefType::new(false, a.ty(&store)?),
            Ref::Any(None) => RefType::NULLREF,
        })
    }

    /// Whether the reference is a value of `ty` (an error if it belongs to
    /// another store or was unrooted).
    pub fn matches_ty(&self, store: impl AsContext, ty: &RefType) -> Result<bool> {
        Val::from(*self).matches_ty(store, &ValType::Ref(*ty))
    }
}

impl From<Ref> for Val {
    fn from(r: Ref) -> Val {
        match r {
            Ref::Func(f) => Val::FuncRef(f),
            Ref::Extern(e) => Val::ExternRef(e),
            Ref::Exn(e) => Val::ExnRef(e),
            Ref::Any(a) => Val::AnyRef(a),
        }
    }
}

impl From<Func> for Ref {
    fn from(f: Func) -> Ref {
        Ref::Func(Some(f))
    }
}

impl From<Option<Func>> for Ref {
    fn from(f: Option<Func>) -> Ref {
        Ref::Func(f)
    }
}

impl From<Rooted<ExternRef>> for Ref {
    fn from(e: Rooted<ExternRef>) -> Ref {
        Ref::Extern(Some(e))
    }
}

impl From<Option<Rooted<ExternRef>>> for Ref {
    fn from(e: Option<Rooted<ExternRef>>) -> Ref {
        Ref::Extern(e)
    }
}

/// `From` a rooted `any`-hierarchy handle (and its `Option`) into [`Ref`].
macro_rules! any_into_ref {
    ($($t:ty),*) => {$(
        impl From<Rooted<$t>> for Ref {
            fn from(r: Rooted<$t>) -> Ref {
                Ref::Any(Some(r.cast()))
            }
        }
        impl From<Option<Rooted<$t>>> for Ref {
            fn from(r: Option<Rooted<$t>>) -> Ref {
                Ref::Any(r.map(Rooted::cast))
            }
        }
    )*};
}

any_into_ref!(AnyRef, crate::EqRef, crate::StructRef, crate::ArrayRef);

impl From<ExnRef> for Ref {
    fn from(e: ExnRef) -> Ref {
        Ref::Exn(Some(e))
    }
}

impl Val {
    /// The reference, if this is a reference value.
    pub fn ref_(&self) -> Option<Ref> {
        match self {
            Val::FuncRef(f) => Some(Ref::Func(*f)),
            Val::ExternRef(e) => Some(Ref::Extern(*e)),
            Val::ExnRef(e) => Some(Ref::Exn(*e)),
            Val::AnyRef(a) => Some(Ref::Any(*a)),
            Val::I32(_) | Val::I64(_) | Val::F32(_) | Val::F64(_) | Val::V128(_) => None,
        }
    }

    /// A null `funcref`.
    pub fn null_func_ref() -> Val {
        Val::FuncRef(None)
    }

    /// A null `externref`.
    pub fn null_extern_ref() -> Val {
        Val::ExternRef(None)
    }
}
