//! References (`wasm_ref_t`), foreign objects, and the functions every
//! reference type has: `_delete`, `_copy`, `_same`, host info, and the
//! `_as_ref`/`wasm_ref_as_` conversions.
//!
//! A `wasm_ref_t` names an object ([`RefObj`]). Converting an object to a
//! reference, or back, lends a view that the source object owns and
//! caches, as the standard's borrowed results require.

use crate::externs::wasm_extern_t;
use crate::give;
use crate::host_info::{HostInfo, HostInfoSlot};
use crate::instance::wasm_instance_t;
use crate::module::{ModuleData, wasm_module_t};
use crate::store::{HostKey, PendingFinalizers, StoreData, StoreRef, wasm_store_t};
use crate::trap::{TrapData, wasm_trap_t};
use anyhow::{Result, bail};
use kiln_api::{
    AnyRef, AsContextMut, Extern, ExternRef, Func, GcRef, Global, Instance, Memory, OwnedRooted,
    Ref, RootScope, Rooted, StoreContextMut, Table, Tag,
};
use std::ffi::c_void;
use std::sync::{Arc, OnceLock};

/// What a reference refers to.
#[derive(Clone)]
pub(crate) enum RefObj {
    Func(StoreRef, Func),
    Global(StoreRef, Global),
    Table(StoreRef, Table),
    Memory(StoreRef, Memory),
    Instance(StoreRef, Instance),
    Tag(StoreRef, Tag),
    /// A memory declared `shared` (not in the standard: an extern of kind
    /// memory that is not a `wasm_memory_t`).
    SharedMemory(StoreRef, kiln_api::SharedMemory),
    /// A foreign object, which is also what an `externref` holds. The
    /// reference is an owned root of the store's GC heap, so it stays
    /// valid for as long as C holds it, and the store handle keeps the
    /// store alive meanwhile.
    Foreign(StoreRef, OwnedRooted<ExternRef>),
    /// A GC value of the `any` hierarchy (an `anyref`: an i31, a struct
    /// or an array), which C can only hand back to wasm; held as
    /// `Foreign` is.
    Any(StoreRef, OwnedRooted<AnyRef>),
    Module(Arc<ModuleData>),
    Trap(Arc<TrapData>),
}

/// What a foreign object holds: its host info. It is the host value of
/// the object's `externref`, so it lives in the store's GC heap and is
/// dropped when the collector frees the object or the store goes. That may
/// be in the middle of a store access, so dropping it does not run the
/// info's finalizer but leaves the info in the store's queue of
/// [`PendingFinalizers`], which runs it once the store is out of use.
pub(crate) struct ForeignData {
    host_info: HostInfoSlot,
    finalizers: Arc<PendingFinalizers>,
}

impl ForeignData {
    fn new(finalizers: Arc<PendingFinalizers>) -> ForeignData {
        ForeignData {
            host_info: HostInfoSlot::default(),
            finalizers,
        }
    }
}

impl Drop for ForeignData {
    fn drop(&mut self) {
        if let Some(info) = self.host_info.take() {
            self.finalizers.defer(info);
        }
    }
}

/// The host info slot of foreign object `e`, or `None` for an `externref`
/// made outside this library (or an `anyref` made external), which has
/// none.
fn foreign_slot<'a>(
    ctx: &'a StoreContextMut<'_, StoreData>,
    e: &OwnedRooted<ExternRef>,
) -> Option<&'a HostInfoSlot> {
    let data = e.data(ctx).ok().flatten()?;
    data.downcast_ref::<ForeignData>().map(|f| &f.host_info)
}

/// `r`, which C holds, rooted in the innermost scope of `ctx` (the context
/// of `store`); an error if `r` belongs to `owner`, another store.
fn root_in<T: GcRef>(
    owner: &StoreRef,
    r: &OwnedRooted<T>,
    store: &StoreRef,
    ctx: impl AsContextMut,
) -> Result<Rooted<T>> {
    if !Arc::ptr_eq(owner, store) {
        bail!("the reference belongs to a different store");
    }
    Ok(r.to_rooted(ctx))
}

impl RefObj {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            RefObj::Func(..) => "function",
            RefObj::Global(..) => "global",
            RefObj::Table(..) => "table",
            RefObj::Memory(..) => "memory",
            RefObj::Instance(..) => "instance",
            RefObj::Tag(..) => "tag",
            RefObj::SharedMemory(..) => "shared memory",
            RefObj::Foreign(..) => "foreign object",
            RefObj::Any(..) => "anyref",
            RefObj::Module(..) => "module",
            RefObj::Trap(..) => "trap",
        }
    }

    /// The object's store and its key there, for store objects.
    fn store_key(&self) -> Option<(&StoreRef, HostKey)> {
        Some(match self {
            RefObj::Func(s, f) => (s, HostKey::Func(*f)),
            RefObj::Global(s, g) => (s, HostKey::Global(*g)),
            RefObj::Table(s, t) => (s, HostKey::Table(*t)),
            RefObj::Memory(s, m) => (s, HostKey::Memory(*m)),
            RefObj::Instance(s, i) => (s, HostKey::Instance(*i)),
            RefObj::Tag(s, t) => (s, HostKey::Tag(*t)),
            _ => return None,
        })
    }

    pub(crate) fn host_info(&self) -> *mut c_void {
        if let Some((store, key)) = self.store_key() {
            return store.with(|ctx| {
                ctx.data()
                    .host_info
                    .get(&key)
                    .map_or(std::ptr::null_mut(), HostInfo::data)
            });
        }
        match self {
            RefObj::Foreign(store, e) => store
                .with(|ctx| foreign_slot(&ctx, e).map_or(std::ptr::null_mut(), HostInfoSlot::get)),
            RefObj::Module(m) => m.host_info.get(),
            RefObj::Trap(t) => t.host_info.get(),
            _ => std::ptr::null_mut(),
        }
    }

    pub(crate) fn set_host_info(&self, info: HostInfo) {
        let old = if let Some((store, key)) = self.store_key() {
            store.with(|mut ctx| ctx.data_mut().host_info.insert(key, info))
        } else {
            match self {
                RefObj::Foreign(store, e) => store.with(|ctx| match foreign_slot(&ctx, e) {
                    Some(slot) => slot.replace(info),
                    None => Some(info),
                }),
                RefObj::Module(m) => m.host_info.replace(info),
                RefObj::Trap(t) => t.host_info.replace(info),
                // An anyref, or an externref made outside this library,
                // has nowhere to keep host info; the info is dropped (its
                // finalizer runs) at once.
                _ => Some(info),
            }
        };
        // The old finalizer runs after the store (or slot) is released: it
        // may call back into the API.
        drop(old);
    }

    /// The reference as a Kiln reference rooted in `ctx`'s innermost scope
    /// (`ctx` is the context of `store`): a function, an `externref` or an
    /// `anyref`. `None` for objects that are not wasm references; an error
    /// for a reference of another store.
    pub(crate) fn to_kiln(&self, store: &StoreRef, ctx: impl AsContextMut) -> Result<Option<Ref>> {
        Ok(Some(match self {
            RefObj::Func(_, f) => Ref::Func(Some(*f)),
            RefObj::Foreign(owner, e) => Ref::Extern(Some(root_in(owner, e, store, ctx)?)),
            RefObj::Any(owner, a) => Ref::Any(Some(root_in(owner, a, store, ctx)?)),
            _ => return Ok(None),
        }))
    }

    /// What C holds for the Kiln reference `r` of `store` (whose context is
    /// `ctx`): an owned root for a GC reference. `None` for null, and for
    /// an `exnref`, which the standard cannot express.
    pub(crate) fn from_kiln(
        r: Ref,
        store: &StoreRef,
        mut ctx: impl AsContextMut,
    ) -> Result<Option<RefObj>> {
        Ok(match r {
            Ref::Func(f) => f.map(|f| RefObj::Func(store.clone(), f)),
            Ref::Extern(Some(e)) => {
                Some(RefObj::Foreign(store.clone(), e.to_owned_rooted(&mut ctx)?))
            }
            Ref::Any(Some(a)) => Some(RefObj::Any(store.clone(), a.to_owned_rooted(&mut ctx)?)),
            Ref::Extern(None) | Ref::Any(None) | Ref::Exn(_) => None,
        })
    }

    /// Whether two references name the same object.
    pub(crate) fn same(&self, other: &RefObj) -> bool {
        match (self, other) {
            (RefObj::Foreign(s1, a), RefObj::Foreign(s2, b)) => {
                Arc::ptr_eq(s1, s2)
                    && s1
                        .with(|ctx| OwnedRooted::ref_eq(&ctx, a, b))
                        .unwrap_or(false)
            }
            (RefObj::Any(s1, a), RefObj::Any(s2, b)) => {
                Arc::ptr_eq(s1, s2)
                    && s1
                        .with(|ctx| OwnedRooted::ref_eq(&ctx, a, b))
                        .unwrap_or(false)
            }
            (RefObj::Module(a), RefObj::Module(b)) => Arc::ptr_eq(a, b),
            (RefObj::Trap(a), RefObj::Trap(b)) => Arc::ptr_eq(a, b),
            _ => match (self.store_key(), other.store_key()) {
                (Some((s1, k1)), Some((s2, k2))) => Arc::ptr_eq(s1, s2) && k1 == k2,
                _ => false,
            },
        }
    }
}

/// A cached view of a reference as the object type it names.
enum View {
    Extern(Box<wasm_extern_t>),
    Instance(Box<wasm_instance_t>),
    Module(Box<wasm_module_t>),
    Trap(Box<wasm_trap_t>),
}

/// `wasm_ref_t`: a reference to an object.
pub struct wasm_ref_t {
    pub(crate) obj: RefObj,
    view: OnceLock<View>,
}

impl wasm_ref_t {
    pub(crate) fn new(obj: RefObj) -> wasm_ref_t {
        wasm_ref_t {
            obj,
            view: OnceLock::new(),
        }
    }

    fn view(&self) -> Option<&View> {
        if self.view.get().is_none() {
            let view = match &self.obj {
                RefObj::Func(s, f) => {
                    View::Extern(Box::new(wasm_extern_t::new(s.clone(), Extern::Func(*f))))
                }
                RefObj::Global(s, g) => {
                    View::Extern(Box::new(wasm_extern_t::new(s.clone(), Extern::Global(*g))))
                }
                RefObj::Table(s, t) => {
                    View::Extern(Box::new(wasm_extern_t::new(s.clone(), Extern::Table(*t))))
                }
                RefObj::Memory(s, m) => {
                    View::Extern(Box::new(wasm_extern_t::new(s.clone(), Extern::Memory(*m))))
                }
                RefObj::Tag(s, t) => {
                    View::Extern(Box::new(wasm_extern_t::new(s.clone(), Extern::Tag(*t))))
                }
                RefObj::SharedMemory(s, m) => View::Extern(Box::new(wasm_extern_t::new(
                    s.clone(),
                    Extern::SharedMemory(m.clone()),
                ))),
                RefObj::Instance(s, i) => {
                    View::Instance(Box::new(wasm_instance_t::new(s.clone(), *i)))
                }
                RefObj::Module(m) => View::Module(Box::new(wasm_module_t::new(m.clone()))),
                RefObj::Trap(t) => View::Trap(Box::new(wasm_trap_t::new(t.clone()))),
                RefObj::Foreign(..) | RefObj::Any(..) => return None,
            };
            let _ = self.view.set(view);
        }
        self.view.get()
    }

    pub(crate) fn as_extern(&self) -> Option<&wasm_extern_t> {
        match self.view()? {
            View::Extern(e) => Some(e),
            _ => None,
        }
    }
    pub(crate) fn as_instance(&self) -> Option<&wasm_instance_t> {
        match self.view()? {
            View::Instance(i) => Some(i),
            _ => None,
        }
    }
    pub(crate) fn as_module(&self) -> Option<&wasm_module_t> {
        match self.view()? {
            View::Module(m) => Some(m),
            _ => None,
        }
    }
    pub(crate) fn as_trap(&self) -> Option<&wasm_trap_t> {
        match self.view()? {
            View::Trap(t) => Some(t),
            _ => None,
        }
    }
}

impl Clone for wasm_ref_t {
    fn clone(&self) -> wasm_ref_t {
        wasm_ref_t::new(self.obj.clone())
    }
}

/// `wasm_foreign_t`: a host object wasm can hold as an `externref`.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_foreign_t {
    r: wasm_ref_t,
}

/// A new foreign object, or null if the store's GC heap has no room for
/// it (the error is reported on stderr).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_foreign_new(store: *mut wasm_store_t) -> *mut wasm_foreign_t {
    let store = wasm_store_t::from_ptr(store);
    let data = ForeignData::new(store.finalizers());
    let made = store.with(|ctx| {
        let mut scope = RootScope::new(ctx);
        let e = ExternRef::new(&mut scope, data)?;
        e.to_owned_rooted(&mut scope)
    });
    match made {
        Ok(e) => give(wasm_foreign_t {
            r: wasm_ref_t::new(RefObj::Foreign(store.clone(), e)),
        }),
        Err(e) => {
            crate::externs::report("cannot make the foreign object", &e);
            std::ptr::null_mut()
        }
    }
}

/// An object the reference functions work on.
pub(crate) trait CRef: Clone {
    /// What the object is.
    fn obj(&self) -> RefObj;
    /// The object as a reference (owned by the object).
    fn as_ref(&self) -> &wasm_ref_t;
    /// The reference as this type of object (owned by the reference).
    fn from_ref(r: &wasm_ref_t) -> Option<&Self>;
}

impl CRef for wasm_ref_t {
    fn obj(&self) -> RefObj {
        self.obj.clone()
    }
    fn as_ref(&self) -> &wasm_ref_t {
        self
    }
    fn from_ref(r: &wasm_ref_t) -> Option<&Self> {
        Some(r)
    }
}

impl CRef for wasm_foreign_t {
    fn obj(&self) -> RefObj {
        self.r.obj.clone()
    }
    fn as_ref(&self) -> &wasm_ref_t {
        &self.r
    }
    fn from_ref(r: &wasm_ref_t) -> Option<&Self> {
        match r.obj {
            // SAFETY: `wasm_foreign_t` is a transparent wrapper of `wasm_ref_t`.
            RefObj::Foreign(..) => {
                Some(unsafe { &*(r as *const wasm_ref_t as *const wasm_foreign_t) })
            }
            _ => None,
        }
    }
}

/// Declares the functions every reference type has.
macro_rules! ref_base {
    ($t:ident, $delete:ident, $copy:ident, $same:ident, $get:ident, $set:ident, $set_fin:ident) => {
        #[doc = "Deletes this reference to the object (null is ignored)."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $delete(r: *mut $t) {
            drop($crate::take_box(r));
        }

        #[doc = "A new reference to the same object."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $copy(r: *const $t) -> *mut $t {
            match $crate::refs::unsafe_ref(r) {
                Some(r) => $crate::give(r.clone()),
                None => std::ptr::null_mut(),
            }
        }

        #[doc = "Whether two references name the same object."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $same(a: *const $t, b: *const $t) -> bool {
            match ($crate::refs::unsafe_ref(a), $crate::refs::unsafe_ref(b)) {
                (Some(a), Some(b)) => $crate::refs::CRef::obj(a).same(&$crate::refs::CRef::obj(b)),
                (None, None) => true,
                _ => false,
            }
        }

        #[doc = "The object's host info (null if none was set)."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $get(r: *const $t) -> *mut std::ffi::c_void {
            $crate::refs::CRef::obj($crate::non_null(r, stringify!($t))).host_info()
        }

        #[doc = "Sets the object's host info, without a finalizer."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $set(r: *mut $t, info: *mut std::ffi::c_void) {
            $crate::refs::CRef::obj($crate::non_null(r, stringify!($t)))
                .set_host_info($crate::host_info::HostInfo::new(info, None));
        }

        #[doc = "Sets the object's host info, with a finalizer run when the object goes away."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $set_fin(
            r: *mut $t,
            info: *mut std::ffi::c_void,
            finalizer: $crate::host_info::wasm_finalizer_t,
        ) {
            $crate::refs::CRef::obj($crate::non_null(r, stringify!($t)))
                .set_host_info($crate::host_info::HostInfo::new(info, finalizer));
        }
    };
}

/// Declares the reference functions plus the conversions to and from `wasm_ref_t`.
macro_rules! ref_type {
    ($t:ident, $delete:ident, $copy:ident, $same:ident, $get:ident, $set:ident, $set_fin:ident,
     $as_ref:ident, $as_ref_const:ident, $ref_as:ident, $ref_as_const:ident) => {
        $crate::refs::ref_base!($t, $delete, $copy, $same, $get, $set, $set_fin);

        #[doc = "The object as a reference (owned by the object; null for null)."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ref(r: *mut $t) -> *mut $crate::refs::wasm_ref_t {
            $as_ref_const(r).cast_mut()
        }

        #[doc = "The object as a reference (owned by the object; null for null)."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ref_const(r: *const $t) -> *const $crate::refs::wasm_ref_t {
            match $crate::refs::unsafe_ref(r) {
                Some(r) => $crate::refs::CRef::as_ref(r),
                None => std::ptr::null(),
            }
        }

        #[doc = "The reference as this type of object (owned by the reference), or null if it names another kind of object."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $ref_as(r: *mut $crate::refs::wasm_ref_t) -> *mut $t {
            $ref_as_const(r).cast_mut()
        }

        #[doc = "The reference as this type of object (owned by the reference), or null if it names another kind of object."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $ref_as_const(r: *const $crate::refs::wasm_ref_t) -> *const $t {
            match $crate::refs::unsafe_ref(r).and_then(<$t as $crate::refs::CRef>::from_ref) {
                Some(t) => t,
                None => std::ptr::null(),
            }
        }
    };
}
pub(crate) use {ref_base, ref_type};

/// A nullable `&` from a C pointer.
pub(crate) fn unsafe_ref<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: a non-null pointer from C points at a live object (the C
    // API's contract).
    unsafe { ptr.as_ref() }
}

ref_base!(
    wasm_ref_t,
    wasm_ref_delete,
    wasm_ref_copy,
    wasm_ref_same,
    wasm_ref_get_host_info,
    wasm_ref_set_host_info,
    wasm_ref_set_host_info_with_finalizer
);
ref_type!(
    wasm_foreign_t,
    wasm_foreign_delete,
    wasm_foreign_copy,
    wasm_foreign_same,
    wasm_foreign_get_host_info,
    wasm_foreign_set_host_info,
    wasm_foreign_set_host_info_with_finalizer,
    wasm_foreign_as_ref,
    wasm_foreign_as_ref_const,
    wasm_ref_as_foreign,
    wasm_ref_as_foreign_const
);
