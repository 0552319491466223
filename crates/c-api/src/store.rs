//! Stores. A `wasm_store_t` shares its Kiln store with every object made
//! in it (they hold a [`StoreRef`]), because the standard's functions take
//! an object without its store (`wasm_func_call(func, ...)`).

use crate::engine::wasm_engine_t;
use crate::host_info::HostInfo;
use crate::{give, take_box};
use kiln_api::{
    AsContextMut, Caller, Func, Global, Instance, Memory, Store, StoreContextMut, Table, Tag,
};
use std::cell::{Cell, UnsafeCell};
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::{Arc, Weak};

/// A store shared by its C objects.
pub(crate) type StoreRef = Arc<StoreCell>;

/// The objects of a store that carry host info in the store.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum HostKey {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Instance(Instance),
    Tag(Tag),
}

/// The data every C store holds.
pub struct StoreData {
    /// The store itself, for host functions that must hand out objects.
    pub(crate) me: Weak<StoreCell>,
    /// Host info of the store's objects, finalized when the store goes.
    pub(crate) host_info: HashMap<HostKey, HostInfo>,
    /// WASI state, when `kiln.h` configured it.
    pub(crate) wasi: Option<kiln_wasi::WasiCtx>,
}

/// The Kiln store, and the host call (if any) currently running on it.
pub(crate) struct StoreCell {
    store: UnsafeCell<Store<StoreData>>,
    /// While a C host function runs, its `Caller`: nested API calls on this
    /// store go through it rather than through `store`, which the running
    /// wasm call has borrowed.
    caller: Cell<*mut c_void>,
}

impl StoreCell {
    /// Runs `f` with exclusive access to the store.
    ///
    /// Never call it from inside `f` for the same store: the C API
    /// functions each call it once, and a host function calling back in
    /// goes through its `Caller` (see [`StoreCell::in_host_call`]).
    pub(crate) fn with<R>(&self, f: impl FnOnce(StoreContextMut<'_, StoreData>) -> R) -> R {
        let caller = self.caller.get();
        if caller.is_null() {
            // SAFETY: the store is only reached through this cell, one C
            // API call at a time on its thread (the standard's stores are
            // single-threaded), and no borrow outlives `f`.
            let store = unsafe { &mut *self.store.get() };
            f(store.as_context_mut())
        } else {
            // SAFETY: `caller` is the live `Caller` of the host function
            // running on this store (set by `in_host_call` for exactly the
            // duration of the callback); the wasm call that made it is
            // suspended until the callback returns.
            let caller = unsafe { &mut *(caller as *mut Caller<'_, StoreData>) };
            f(caller.as_context_mut())
        }
    }

    /// Runs the C callback `f` with `caller` as the way into this store.
    pub(crate) fn in_host_call<R>(
        &self,
        caller: &mut Caller<'_, StoreData>,
        f: impl FnOnce() -> R,
    ) -> R {
        let previous = self
            .caller
            .replace(caller as *mut Caller<'_, StoreData> as *mut c_void);
        let result = f();
        self.caller.set(previous);
        result
    }

    /// The store's engine.
    pub(crate) fn engine(&self) -> kiln_api::Engine {
        self.with(|ctx| ctx.engine().clone())
    }
}

/// `wasm_store_t`: the owner of instances and everything they create.
pub struct wasm_store_t {
    pub(crate) store: StoreRef,
}

impl wasm_store_t {
    pub(crate) fn new(engine: &kiln_api::Engine) -> wasm_store_t {
        let store = Arc::new_cyclic(|me| StoreCell {
            store: UnsafeCell::new(Store::new(
                engine,
                StoreData {
                    me: me.clone(),
                    host_info: HashMap::new(),
                    wasi: None,
                },
            )),
            caller: Cell::new(std::ptr::null_mut()),
        });
        wasm_store_t { store }
    }

    pub(crate) fn from_ptr<'a>(store: *mut wasm_store_t) -> &'a StoreRef {
        &crate::non_null(store, "the store").store
    }
}

/// A store for `engine`.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    give(wasm_store_t::new(wasm_engine_t::from_ptr(engine)))
}

/// Deletes the store handle; the store itself goes when its last object
/// (function, global, table, memory, instance) has been deleted too.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_store_delete(store: *mut wasm_store_t) {
    drop(take_box(store));
}
