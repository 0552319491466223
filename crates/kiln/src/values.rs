//! Wasm values as the host sees them.

use crate::context::AsContext;
use crate::store::StoreInner;
use crate::{AnyRef, Func, ValType};
use anyhow::{Result, bail};
use kiln_types::{EngineTypeIndex, HeapType, RefHierarchy, RefType, TypeKind};
use kiln_vm::RawValue;
use std::any::Any;
use std::sync::Arc;

/// The host value behind an [`ExternRef`]. In compiled code it is a host
/// object of the store's GC heap (kind `HostExtern`, so that compiled code
/// and the runtime can tell it from a struct or array that
/// `extern.convert_any` made external), which holds a strong count of it
/// until the collector finds the object dead.
pub(crate) struct ExternData {
    value: Box<dyn Any + Send + Sync>,
}

impl ExternData {
    /// The value, if it is a `V`.
    pub(crate) fn downcast_ref<V: Any>(&self) -> Option<&V> {
        self.value.downcast_ref()
    }
}

/// An opaque host value that wasm can hold as an `externref`, or an
/// `anyref` that wasm converted with `extern.convert_any`.
#[derive(Clone)]
pub struct ExternRef {
    repr: ExternRepr,
}

#[derive(Clone)]
enum ExternRepr {
    Host(Arc<ExternData>),
    Any(AnyRef),
}

impl ExternRef {
    /// Wraps a host value for use by wasm in `store`. Each time it is
    /// passed to wasm, the store's GC heap gets a small object for it; this
    /// collects the heap first if enough was allocated since the last
    /// collection, so a store that keeps receiving new host values also
    /// releases the ones wasm no longer holds.
    pub fn new<V: Any + Send + Sync>(mut store: impl crate::AsContextMut, value: V) -> ExternRef {
        store.as_context_mut().0.inner.collect_if_due();
        ExternRef {
            repr: ExternRepr::Host(Arc::new(ExternData {
                value: Box::new(value),
            })),
        }
    }

    /// What `extern.convert_any` gives for `value`: the host value that
    /// `any.convert_extern` made it from, or `value` wrapped.
    pub fn convert_any(store: impl crate::AsContextMut, value: &AnyRef) -> Result<ExternRef> {
        let _ = store;
        let repr = match value.host_data() {
            Some(data) => ExternRepr::Host(data.clone()),
            None => ExternRepr::Any(value.clone()),
        };
        Ok(ExternRef { repr })
    }

    /// The wrapped value, if it is a `V` (never for a converted `anyref`).
    pub fn downcast_ref<V: Any>(&self) -> Option<&V> {
        self.host_data().ok()?.downcast_ref()
    }

    /// Whether two references name the same value.
    pub fn ptr_eq(a: &ExternRef, b: &ExternRef) -> bool {
        match (&a.repr, &b.repr) {
            (ExternRepr::Host(x), ExternRepr::Host(y)) => Arc::ptr_eq(x, y),
            (ExternRepr::Any(x), ExternRepr::Any(y)) => AnyRef::ptr_eq(x, y),
            _ => false,
        }
    }

    /// The host value, or the converted `anyref`.
    pub(crate) fn host_data(&self) -> Result<&Arc<ExternData>, &AnyRef> {
        match &self.repr {
            ExternRepr::Host(d) => Ok(d),
            ExternRepr::Any(a) => Err(a),
        }
    }

    /// The word compiled code uses, keeping a host value alive in `store`
    /// (an error if it holds an object of another store).
    pub(crate) fn to_raw(&self, store: &mut StoreInner) -> Result<usize> {
        match &self.repr {
            ExternRepr::Host(d) => store.root_extern_data(d),
            ExternRepr::Any(a) => a.to_raw(store),
        }
    }

    /// The reference behind a non-null word of the extern hierarchy of
    /// `store`: a host value, or an `anyref` made external.
    pub(crate) fn from_raw(store: &mut StoreInner, raw: usize) -> ExternRef {
        let repr = match AnyRef::from_raw(store, raw).into_host() {
            Ok(host) => ExternRepr::Host(host),
            Err(any) => ExternRepr::Any(any),
        };
        ExternRef { repr }
    }
}

impl std::fmt::Debug for ExternRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExternRef(..)")
    }
}

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
#[derive(Clone, Debug)]
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
    ExternRef(Option<ExternRef>),
    /// An `exnref`.
    ExnRef(Option<crate::ExnRef>),
    /// An `anyref` (or any reference of the `any` hierarchy).
    AnyRef(Option<AnyRef>),
}

macro_rules! accessors {
    ($($get:ident $unwrap:ident $variant:ident $t:ty;)*) => {$(
        /// The value, if it has this type.
        pub fn $get(&self) -> Option<$t> {
            match self { Val::$variant(v) => Some(v.clone()), _ => None }
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
        externref unwrap_externref ExternRef ExternRef;
        exnref unwrap_exnref ExnRef crate::ExnRef;
        anyref unwrap_anyref AnyRef AnyRef;
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
    /// is a value of every nullable reference type of its hierarchy).
    /// Panics if a function reference belongs to another store.
    pub fn matches_ty(&self, store: impl AsContext, ty: &ValType) -> bool {
        let store = &store.as_context().0.inner;
        self.check_ty(store, *ty, "value").is_ok()
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
            Val::ExternRef(Some(_)) => ValType::Ref(RefType::new(false, HeapType::Extern)),
            Val::ExternRef(None) => ValType::Ref(RefType::NULLEXTERNREF),
            Val::ExnRef(Some(e)) => {
                store.check(e.store, what)?;
                ValType::Ref(RefType::new(false, HeapType::Exn))
            }
            Val::ExnRef(None) => ValType::Ref(RefType::NULLEXNREF),
            Val::AnyRef(Some(a)) => ValType::Ref(RefType::new(false, a.heap_type(store)?)),
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

    /// Encodes the value for compiled code, checking it belongs to `store`.
    pub(crate) fn to_raw(&self, store: &mut StoreInner) -> Result<RawValue> {
        Ok(match self {
            Val::I32(v) => RawValue::from_u32(*v as u32),
            Val::I64(v) => RawValue::from_u64(*v as u64),
            Val::F32(v) => RawValue::from_u32(*v),
            Val::F64(v) => RawValue::from_u64(*v),
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
            Val::ExternRef(Some(r)) => {
                RawValue::from_ptr(r.to_raw(store)? as *mut std::ffi::c_void)
            }
            Val::AnyRef(Some(a)) => RawValue::from_ptr(a.to_raw(store)? as *mut std::ffi::c_void),
        })
    }

    /// Decodes a value of type `ty` produced by compiled code.
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
                Val::AnyRef((p != 0).then(|| AnyRef::from_raw(store, p)))
            }
            ValType::Ref(_) => {
                let p = raw.ptr() as usize;
                Val::ExternRef((p != 0).then(|| ExternRef::from_raw(store, p)))
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
