//! Wasm values as the host sees them.

use crate::any_ref::Word;
use crate::context::{AsContext, AsContextMut, StoreContext, StoreContextMut};
use crate::rooting::{Rooted, gc_ref_type, word_of};
use crate::store::StoreInner;
use crate::{AnyRef, Func, ValType};
use anyhow::{Result, bail};
use kiln_types::{EngineTypeIndex, HeapType, RefHierarchy, RefType, TypeKind};
use kiln_vm::RawValue;
use std::any::Any;

/// A host value as its heap object holds it (a thin pointer to this box is
/// the object's payload).
type HostValue = Box<dyn Any + Send + Sync>;

/// Drops the host value a host object held, when the collector frees the
/// object or the heap is dropped.
///
/// # Safety
/// `payload` must come from `Box::into_raw` of a `Box<HostValue>`, and be
/// released once.
unsafe fn release_host_value(payload: usize) {
    // A host value's `Drop` must not unwind into the collector.
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: the caller's promise.
        drop(unsafe { Box::from_raw(payload as *mut HostValue) })
    });
}

gc_ref_type!(
    /// A non-null `externref`: an opaque host value that wasm can hold, or
    /// an `anyref` that wasm converted with `extern.convert_any`. Held
    /// through [`Rooted`] or [`OwnedRooted`](crate::OwnedRooted).
    ExternRef
);

impl ExternRef {
    /// Puts `value` in a new object of `store`'s GC heap, rooted in the
    /// store's innermost scope. May collect the heap first; an error if the
    /// heap is full even then.
    pub fn new<T: 'static + Any + Send + Sync>(
        mut store: impl AsContextMut,
        value: T,
    ) -> Result<Rooted<ExternRef>> {
        let store = &mut store.as_context_mut().0.inner;
        let boxed: HostValue = Box::new(value);
        let payload = Box::into_raw(Box::new(boxed)) as usize;
        let object = store.alloc_gc_object(|heap| heap.alloc_host(payload, release_host_value));
        match object {
            Ok(object) => Ok(Rooted::new(store, object)),
            Err(e) => {
                // SAFETY: no object took the payload.
                unsafe { release_host_value(payload) };
                Err(e)
            }
        }
    }

    /// What `extern.convert_any` gives for `value`: the host value that
    /// `any.convert_extern` made it from, or `value` made external.
    pub fn convert_any(
        store: impl AsContextMut,
        value: Rooted<AnyRef>,
    ) -> Result<Rooted<ExternRef>> {
        value.word(&store.as_context().0.inner)?;
        Ok(value.cast())
    }

    /// The address of the host value's box, if this is a host value; an
    /// error if the handle is unrooted.
    fn host_value(&self, store: &StoreInner) -> Result<Option<*mut HostValue>> {
        Ok(match Word::of(word_of(self, store)?) {
            // SAFETY: a rooted host object of this store is live.
            Word::Host(object) => {
                Some(unsafe { store.vm.gc_heap.host_payload(object) } as *mut HostValue)
            }
            _ => None,
        })
    }

    /// The host value, or `None` for an `anyref` made external; an error
    /// if the handle is unrooted or belongs to another store.
    pub fn data<'a, T: 'static>(
        &self,
        store: impl Into<StoreContext<'a, T>>,
    ) -> Result<Option<&'a (dyn Any + Send + Sync)>> {
        let store: &'a StoreInner = &store.into().0.inner;
        let value = self.host_value(store)?;
        // SAFETY: the object holding the box is rooted, and nothing can
        // collect or change it while the store is borrowed for `'a`.
        Ok(value.map(|v| unsafe { &**v }))
    }

    /// The host value, mutably (see [`ExternRef::data`]).
    pub fn data_mut<'a, T: 'static>(
        &self,
        store: impl Into<StoreContextMut<'a, T>>,
    ) -> Result<Option<&'a mut (dyn Any + Send + Sync)>> {
        let store: &'a mut StoreInner = &mut store.into().0.inner;
        let value = self.host_value(store)?;
        // SAFETY: as for `data`; the store is borrowed exclusively for
        // `'a`, so nothing else reaches the value meanwhile.
        Ok(value.map(|v| unsafe { &mut **v }))
    }
}

impl From<Rooted<ExternRef>> for Val {
    fn from(r: Rooted<ExternRef>) -> Val {
        Val::ExternRef(Some(r))
    }
}

impl From<Option<Rooted<ExternRef>>> for Val {
    fn from(r: Option<Rooted<ExternRef>>) -> Val {
        Val::ExternRef(r)
    }
}

/// `From` a rooted `any`-hierarchy handle (and its `Option`) into [`Val`].
macro_rules! any_into_val {
    ($($t:ty),*) => {$(
        impl From<Rooted<$t>> for Val {
            fn from(r: Rooted<$t>) -> Val {
                Val::AnyRef(Some(r.cast()))
            }
        }
        impl From<Option<Rooted<$t>>> for Val {
            fn from(r: Option<Rooted<$t>>) -> Val {
                Val::AnyRef(r.map(Rooted::cast))
            }
        }
    )*};
}

any_into_val!(AnyRef, crate::EqRef, crate::StructRef, crate::ArrayRef);

/// A `v128` value: 128 bits, lane 0 in the least significant bits.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct V128(u128);

impl V128 {
    /// The bits as one number.
    pub fn as_u128(&self) -> u128 {
        self.0
    }
}

impl From<u128> for V128 {
    fn from(bits: u128) -> V128 {
        V128(bits)
    }
}

impl From<V128> for u128 {
    fn from(v: V128) -> u128 {
        v.0
    }
}

/// A wasm value. Floats are kept as bits so NaN payloads survive.
#[derive(Copy, Clone, Debug)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its bits.
    F32(u32),
    /// An `f64`, as its bits.
    F64(u64),
    /// A `v128`.
    V128(V128),
    /// A `funcref`.
    FuncRef(Option<Func>),
    /// An `externref`.
    ExternRef(Option<Rooted<ExternRef>>),
    /// An `exnref`.
    ExnRef(Option<crate::ExnRef>),
    /// An `anyref` (or any reference of the `any` hierarchy).
    AnyRef(Option<Rooted<AnyRef>>),
}

macro_rules! accessors {
    ($($get:ident $unwrap:ident $variant:ident $t:ty;)*) => {$(
        /// The value, if it has this type.
        pub fn $get(&self) -> Option<$t> {
            match self { Val::$variant(v) => Some(*v), _ => None }
        }
        /// The value; panics if it has another type.
        pub fn $unwrap(&self) -> $t {
            self.$get().expect(concat!("expected ", stringify!($variant)))
        }
    )*};
}

macro_rules! ref_accessors {
    ($($get:ident $unwrap:ident $variant:ident $t:ty;)*) => {$(
        /// The reference (`Some(None)` for null), if the value has this type.
        pub fn $get(&self) -> Option<Option<&$t>> {
            match self { Val::$variant(v) => Some(v.as_ref()), _ => None }
        }
        /// The reference (`None` for null); panics if the value has another type.
        pub fn $unwrap(&self) -> Option<&$t> {
            self.$get().expect(concat!("expected ", stringify!($variant)))
        }
    )*};
}

impl Val {
    accessors! {
        i32 unwrap_i32 I32 i32;
        i64 unwrap_i64 I64 i64;
        v128 unwrap_v128 V128 V128;
    }

    ref_accessors! {
        funcref unwrap_funcref FuncRef Func;
        externref unwrap_externref ExternRef Rooted<ExternRef>;
        exnref unwrap_exnref ExnRef crate::ExnRef;
        anyref unwrap_anyref AnyRef Rooted<AnyRef>;
    }

    /// The `f32` value; panics if the value has another type.
    pub fn unwrap_f32(&self) -> f32 {
        self.f32().expect("expected F32")
    }

    /// The `f64` value; panics if the value has another type.
    pub fn unwrap_f64(&self) -> f64 {
        self.f64().expect("expected F64")
    }

    /// An `f32` value, if this is one.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(b) => Some(f32::from_bits(*b)),
            _ => None,
        }
    }

    /// An `f64` value, if this is one.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(b) => Some(f64::from_bits(*b)),
            _ => None,
        }
    }

    /// The value's type, without asking the store: a reference is given
    /// the top type of its hierarchy (`funcref`, `externref` or `exnref`). Use
    /// [`Val::matches_ty`] to check a value against a precise type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
            Val::ExnRef(_) => ValType::Ref(RefType::EXNREF),
            Val::AnyRef(_) => ValType::Ref(RefType::ANYREF),
        }
    }

    /// Whether the value is a value of `ty` (subtyping included: a function
    /// of type `$t` is a `(ref $t)`, a `(ref null $t)` and a `funcref`; null
    /// is a value of every nullable reference type of its hierarchy). An
    /// error if a reference belongs to another store or was unrooted.
    pub fn matches_ty(&self, store: impl AsContext, ty: &ValType) -> Result<bool> {
        let store = &store.as_context().0.inner;
        self.check_store(store)?;
        Ok(self.check_ty(store, *ty, "value").is_ok())
    }

    /// Fails if the value is a reference of another store or unrooted.
    pub(crate) fn check_store(&self, store: &StoreInner) -> Result<()> {
        match self {
            Val::FuncRef(Some(f)) => store.check(f.store, "function"),
            Val::ExnRef(Some(e)) => store.check(e.store, "exception"),
            Val::ExternRef(Some(r)) => r.word(store).map(drop),
            Val::AnyRef(Some(r)) => r.word(store).map(drop),
            _ => Ok(()),
        }
    }

    /// Fails unless the value is a value of `ty` and belongs to `store`;
    /// `what` names the value in the error.
    pub(crate) fn check_ty(&self, store: &StoreInner, ty: ValType, what: &str) -> Result<()> {
        let actual = match self {
            Val::FuncRef(Some(f)) => {
                if f.store != store.id {
                    bail!("{what} is a function of a different store");
                }
                // SAFETY: the anyfunc belongs to this store and lives with it.
                let sig = unsafe { (*store.funcs[f.index].anyfunc).type_index };
                ValType::Ref(RefType::new(
                    false,
                    HeapType::Engine(EngineTypeIndex(sig.bits()), TypeKind::Func),
                ))
            }
            Val::FuncRef(None) => ValType::Ref(RefType::NULLFUNCREF),
            Val::ExternRef(Some(r)) => {
                r.word(store)?;
                ValType::Ref(RefType::new(false, HeapType::Extern))
            }
            Val::ExternRef(None) => ValType::Ref(RefType::NULLEXTERNREF),
            Val::ExnRef(Some(e)) => {
                store.check(e.store, what)?;
                ValType::Ref(RefType::new(false, HeapType::Exn))
            }
            Val::ExnRef(None) => ValType::Ref(RefType::NULLEXNREF),
            Val::AnyRef(Some(a)) => ValType::Ref(RefType::new(false, a.kind(store)?.heap_type())),
            Val::AnyRef(None) => ValType::Ref(RefType::NULLREF),
            other => other.ty(),
        };
        if !store.engine.inner.types.val_type_matches(actual, ty) {
            let actual = match self {
                Val::FuncRef(Some(f)) => {
                    format!("a function of type {}", store.funcs[f.index].ty)
                }
                Val::FuncRef(None)
                | Val::ExternRef(None)
                | Val::ExnRef(None)
                | Val::AnyRef(None) => {
                    format!("a null {}", self.ty())
                }
                _ => format!("a {}", self.ty()),
            };
            bail!("{what} is {actual}, which is not a {ty}");
        }
        Ok(())
    }

    /// The default (zero or null) value of `ty`; non-nullable references
    /// have none, and get null of their hierarchy (which no check accepts).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(V128(0)),
            ValType::Ref(r) => match r.heap_type.hierarchy() {
                RefHierarchy::Func => Val::FuncRef(None),
                RefHierarchy::Extern => Val::ExternRef(None),
                RefHierarchy::Exn => Val::ExnRef(None),
                RefHierarchy::Any => Val::AnyRef(None),
            },
        }
    }

    /// Encodes the value for compiled code, checking it belongs to `store`
    /// (and, for a GC reference, is still rooted).
    pub(crate) fn to_raw(self, store: &mut StoreInner) -> Result<RawValue> {
        Ok(match self {
            Val::I32(v) => RawValue::from_u32(v as u32),
            Val::I64(v) => RawValue::from_u64(v as u64),
            Val::F32(v) => RawValue::from_u32(v),
            Val::F64(v) => RawValue::from_u64(v),
            Val::V128(v) => RawValue(v.0),
            Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) | Val::AnyRef(None) => {
                RawValue(0)
            }
            Val::ExnRef(Some(e)) => {
                store.check(e.store, "exception")?;
                RawValue::from_ptr(e.object as *mut std::ffi::c_void)
            }
            Val::FuncRef(Some(f)) => {
                if f.store != store.id {
                    bail!("function belongs to a different store");
                }
                RawValue::from_ptr(store.funcs[f.index].anyfunc as *mut _)
            }
            Val::ExternRef(Some(r)) => RawValue::from_ptr(r.word(store)? as *mut std::ffi::c_void),
            Val::AnyRef(Some(a)) => RawValue::from_ptr(a.word(store)? as *mut std::ffi::c_void),
        })
    }

    /// Decodes a value of type `ty` produced by compiled code, rooting a GC
    /// reference in the store's innermost scope.
    pub(crate) fn from_raw(store: &mut StoreInner, raw: RawValue, ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw.u32() as i32),
            ValType::I64 => Val::I64(raw.u64() as i64),
            ValType::F32 => Val::F32(raw.u32()),
            ValType::F64 => Val::F64(raw.u64()),
            ValType::V128 => Val::V128(V128(raw.0)),
            ValType::Ref(r) if r.heap_type.hierarchy() == RefHierarchy::Func => {
                let p = raw.ptr();
                Val::FuncRef((!p.is_null()).then(|| store.func_for_anyfunc(p.cast())))
            }
            ValType::Ref(r) if r.heap_type.hierarchy() == RefHierarchy::Exn => {
                let p = raw.ptr();
                Val::ExnRef((!p.is_null()).then(|| crate::ExnRef::from_object(store, p.cast())))
            }
            ValType::Ref(r) if r.heap_type.hierarchy() == RefHierarchy::Any => {
                let p = raw.ptr() as usize;
                Val::AnyRef((p != 0).then(|| Rooted::new(store, p)))
            }
            ValType::Ref(_) => {
                let p = raw.ptr() as usize;
                Val::ExternRef((p != 0).then(|| Rooted::new(store, p)))
            }
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}
