//! Stores. A `wasm_store_t` shares its Kiln store with every object made
//! in it (they hold a [`StoreRef`]), because the standard's functions take
//! an object without its store (`wasm_func_call(func, ...)`).
//!
//! The finalizers of foreign objects the collector frees wait in the
//! store's [`PendingFinalizers`] until the store is no longer in use (see
//! there).

use crate::engine::wasm_engine_t;
use crate::host_info::HostInfo;
use crate::{give, take_box};
use kiln_api::{
    AsContextMut, Caller, Func, Global, Instance, Memory, Store, StoreContextMut, Table, Tag,
};
use std::cell::{Cell, UnsafeCell};
use std::collections::{HashMap, VecDeque};
use std::ffi::c_void;
use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

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

/// Finalizers of a store's foreign objects that the collector freed,
/// waiting for the store to be out of use.
///
/// A foreign object's host info lives in the store's GC heap, and the
/// collector runs inside Kiln calls that allocate, that is while the C API
/// is inside [`StoreCell::with`]. A finalizer run there could call back
/// into the API on the same store while it is borrowed. So a foreign
/// object going away does not drop its host info but queues it here
/// ([`ForeignData`](crate::refs::ForeignData) holds the queue), and the
/// outermost [`StoreCell::with`] runs the queue once it has let go of the
/// store; the store's own drop runs whatever is left.
///
/// The queue belongs to the store, shared with its foreign objects, not
/// to a thread: a C store may be used on one thread and then on another
/// (one at a time) and deleted on either, and a thread-local queue would
/// then run finalizers at the wrong time, or never. The lock is never
/// contended in practice, and never held while a finalizer runs.
#[derive(Default)]
pub(crate) struct PendingFinalizers(Mutex<Pending>);

#[derive(Default)]
struct Pending {
    infos: VecDeque<HostInfo>,
    /// Set once the store is gone: no finalizer can reach it any more, so
    /// info given after that is finalized at once.
    closed: bool,
}

impl PendingFinalizers {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the host info of a foreign object the store no longer holds:
    /// its finalizer runs once the store is out of use (at once if the
    /// store is gone).
    pub(crate) fn defer(&self, info: HostInfo) {
        if !info.has_finalizer() {
            return;
        }
        let mut pending = self.lock();
        if pending.closed {
            drop(pending);
            drop(info);
        } else {
            pending.infos.push_back(info);
        }
    }

    fn pop(&self) -> Option<HostInfo> {
        self.lock().infos.pop_front()
    }

    /// Closes the queue as the store goes, giving back what is in it.
    fn close(&self) -> VecDeque<HostInfo> {
        let mut pending = self.lock();
        pending.closed = true;
        std::mem::take(&mut pending.infos)
    }
}

/// The Kiln store, and the host call (if any) currently running on it.
pub(crate) struct StoreCell {
    /// Dropped by hand, so that the finalizers its drop queues run after.
    store: ManuallyDrop<UnsafeCell<Store<StoreData>>>,
    /// While a C host function runs, its `Caller`: nested API calls on this
    /// store go through it rather than through `store`, which the running
    /// wasm call has borrowed.
    caller: Cell<*mut c_void>,
    /// How many [`StoreCell::with`] calls are running: more than one when
    /// a host function calls the API back.
    accesses: Cell<usize>,
    /// Whether [`StoreCell::run_finalizers`] is running queued finalizers.
    finalizing: Cell<bool>,
    finalizers: Arc<PendingFinalizers>,
}

/// One running [`StoreCell::with`], counted while it lasts.
struct Access<'a>(&'a StoreCell);

impl<'a> Access<'a> {
    fn begin(cell: &'a StoreCell) -> Access<'a> {
        cell.accesses.set(cell.accesses.get() + 1);
        Access(cell)
    }
}

impl Drop for Access<'_> {
    fn drop(&mut self) {
        self.0.accesses.set(self.0.accesses.get() - 1);
    }
}

impl StoreCell {
    /// Runs `f` with exclusive access to the store; then, if this was the
    /// outermost access, the finalizers of the foreign objects that the
    /// collector freed meanwhile (see [`PendingFinalizers`]).
    ///
    /// Never call it from inside `f` for the same store: the C API
    /// functions each call it once, and a host function calling back in
    /// goes through its `Caller` (see [`StoreCell::in_host_call`]).
    pub(crate) fn with<R>(&self, f: impl FnOnce(StoreContextMut<'_, StoreData>) -> R) -> R {
        let result = {
            let _access = Access::begin(self);
            let caller = self.caller.get();
            if caller.is_null() {
                // SAFETY: the store is only reached through this cell, one
                // C API call at a time on its thread (the standard's stores
                // are single-threaded), and no borrow outlives `f`: C code
                // that `f` runs (host functions) reaches the store through
                // `caller` instead, and finalizers of objects freed in `f`
                // wait until the borrow is over.
                let store = unsafe { &mut *self.store.get() };
                f(store.as_context_mut())
            } else {
                // SAFETY: `caller` is the live `Caller` of the host function
                // running on this store (set by `in_host_call` for exactly
                // the duration of the callback); the wasm call that made it
                // is suspended until the callback returns.
                let caller = unsafe { &mut *(caller as *mut Caller<'_, StoreData>) };
                f(caller.as_context_mut())
            }
        };
        self.run_finalizers();
        result
    }

    /// Runs the queued finalizers of freed foreign objects, unless the
    /// store is in use (a [`StoreCell::with`] is running: the outermost
    /// one runs them when it ends) or they are already being run (by a
    /// caller further up, which goes on with those the finalizers' own API
    /// calls queue). Runs until the queue is empty.
    pub(crate) fn run_finalizers(&self) {
        if self.accesses.get() != 0 || self.finalizing.replace(true) {
            return;
        }
        while let Some(info) = self.finalizers.pop() {
            // The store is free: the finalizer may use it.
            drop(info);
        }
        self.finalizing.set(false);
    }

    /// The queue where the store's foreign objects leave their host info
    /// when they go.
    pub(crate) fn finalizers(&self) -> Arc<PendingFinalizers> {
        self.finalizers.clone()
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

impl Drop for StoreCell {
    fn drop(&mut self) {
        // SAFETY: the store is dropped once, here, and never used again:
        // the cell holding it is going.
        unsafe { ManuallyDrop::drop(&mut self.store) };
        // The store's foreign objects went with it, queueing their
        // finalizers; they run now, once each. The store is gone, so none
        // of them can reach it, and any info queued later (none should be)
        // is finalized at once.
        drop(self.finalizers.close());
    }
}

/// `wasm_store_t`: the owner of instances and everything they create.
pub struct wasm_store_t {
    pub(crate) store: StoreRef,
}

impl wasm_store_t {
    pub(crate) fn new(engine: &kiln_api::Engine) -> wasm_store_t {
        let store = Arc::new_cyclic(|me| StoreCell {
            store: ManuallyDrop::new(UnsafeCell::new(Store::new(
                engine,
                StoreData {
                    me: me.clone(),
                    host_info: HashMap::new(),
                    wasi: None,
                },
            ))),
            caller: Cell::new(std::ptr::null_mut()),
            accesses: Cell::new(0),
            finalizing: Cell::new(false),
            finalizers: Arc::default(),
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
/// (function, global, table, memory, instance, foreign object or other
/// reference into it) has been deleted too, finalizing what is left.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_store_delete(store: *mut wasm_store_t) {
    if let Some(store) = take_box(store) {
        // Finalizers wait in the queue only while the store is in use, so
        // there should be none; if there are, and the store is not in use,
        // they run while it is still there for them.
        store.store.run_finalizers();
    }
}
