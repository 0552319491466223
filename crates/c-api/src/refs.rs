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
use crate::store::{HostKey, StoreRef, wasm_store_t};
use crate::trap::{TrapData, wasm_trap_t};
use kiln_api::{Extern, ExternRef, Func, Global, Instance, Memory, Table, Tag};
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
    /// A foreign object, which is also what an `externref` holds.
    Foreign(ExternRef),
    /// A GC value of the `any` hierarchy (an `anyref`: an i31, a struct
    /// or an array), which C can only hand back to wasm.
    Any(kiln_api::AnyRef),
    Module(Arc<ModuleData>),
    Trap(Arc<TrapData>),
}

/// What a foreign object holds: its host info.
#[derive(Default)]
pub(crate) struct ForeignData {
    host_info: HostInfoSlot,
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

    /// The slot of an object that keeps its host info itself.
    fn own_slot(&self) -> Option<&HostInfoSlot> {
        match self {
            RefObj::Foreign(e) => e.downcast_ref::<ForeignData>().map(|f| &f.host_info),
            RefObj::Module(m) => Some(&m.host_info),
            RefObj::Trap(t) => Some(&t.host_info),
            _ => None,
        }
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
        self.own_slot()
            .map_or(std::ptr::null_mut(), HostInfoSlot::get)
    }

    pub(crate) fn set_host_info(&self, info: HostInfo) {
        if let Some((store, key)) = self.store_key() {
            let old = store.with(|mut ctx| ctx.data_mut().host_info.insert(key, info));
            // The old finalizer runs after the store is released.
            drop(old);
        } else if let Some(slot) = self.own_slot() {
            slot.set(info);
        }
        // An externref made outside this library has nowhere to keep host
        // info; the info is dropped (its finalizer runs) at once.
    }

    /// Whether two references name the same object.
    pub(crate) fn same(&self, other: &RefObj) -> bool {
        match (self, other) {
            (RefObj::Foreign(a), RefObj::Foreign(b)) => ExternRef::ptr_eq(a, b),
            (RefObj::Any(a), RefObj::Any(b)) => kiln_api::AnyRef::ptr_eq(a, b),
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
                RefObj::Foreign(_) | RefObj::Any(_) => return None,
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

/// A new foreign object.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_foreign_new(store: *mut wasm_store_t) -> *mut wasm_foreign_t {
    let store = wasm_store_t::from_ptr(store);
    let e = store.with(|ctx| ExternRef::new(ctx, ForeignData::default()));
    give(wasm_foreign_t {
        r: wasm_ref_t::new(RefObj::Foreign(e)),
    })
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
            RefObj::Foreign(_) => {
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
