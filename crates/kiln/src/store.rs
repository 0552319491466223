//! Stores: everything instances create lives here until the store is dropped.

use crate::func::FuncData;
use crate::{Engine, Func, ResourceLimiter};
use kiln_types::GlobalType;
use kiln_vm::{EpochDecision, GrowthDecision, GrowthKind, TrapReason};
use kiln_vm::{
    InstanceHandle, LinearMemory, Table, VMCallerCheckedAnyfunc, VMGlobalDefinition, VMStoreContext,
};
use std::collections::HashMap;
use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) struct GlobalData {
    pub(crate) ty: GlobalType,
    pub(crate) definition: *mut VMGlobalDefinition,
}

/// Where an instance's memory lives in the store.
#[derive(Copy, Clone, Debug)]
pub(crate) enum MemorySlot {
    /// `StoreInner::memories[i]`: a memory of this store alone.
    Own(usize),
    /// `StoreInner::shared_memories[i]`: a memory other threads may use.
    Shared(usize),
}

pub(crate) struct InstanceData {
    pub(crate) handle: InstanceHandle,
    pub(crate) module: crate::Module,
    /// The instance's memories (module index order).
    pub(crate) memories: Vec<MemorySlot>,
    /// Store indices of the instance's tables and globals (module index order).
    pub(crate) tables: Vec<usize>,
    pub(crate) globals: Vec<usize>,
    /// Store indices of the instance's tags (module index order).
    pub(crate) tags: Vec<usize>,
    /// The functions the instance imported, in import order.
    pub(crate) imported_funcs: Vec<Func>,
    /// The store index of the memory exported as `memory`, which WASI
    /// host functions look up on every call.
    pub(crate) memory_export: Option<usize>,
}

/// The store's type-independent state. Declared `pub` (in a private
/// module, so outside crates cannot name it) because the sealed traits
/// behind `WasmTy` take it to convert references.
#[allow(
    clippy::vec_box,
    reason = "compiled code and vmctx records hold the boxed objects' addresses, which must not move"
)]
pub struct StoreInner {
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    /// The engine's `max_wasm_stack`, at hand for every call.
    pub(crate) max_wasm_stack: usize,
    pub(crate) vm: Box<VMStoreContext>,
    pub(crate) instances: Vec<InstanceData>,
    pub(crate) memories: Vec<Box<LinearMemory>>,
    /// Shared memories the store's instances defined or imported; holding
    /// them keeps them alive while the instances can run.
    pub(crate) shared_memories: Vec<crate::SharedMemory>,
    pub(crate) tables: Vec<Box<Table>>,
    pub(crate) globals: Vec<GlobalData>,
    pub(crate) tags: Vec<crate::tag::TagData>,
    pub(crate) host_globals: Vec<Box<VMGlobalDefinition>>,
    pub(crate) funcs: Vec<FuncData>,
    pub(crate) func_by_anyfunc: HashMap<usize, usize>,
    /// The host's handles on GC references (see `rooting.rs`).
    pub(crate) roots: crate::rooting::RootSet,
    /// Types the host registered for allocating (`StructRefPre`,
    /// `ArrayRefPre`), released with the store.
    pub(crate) host_types: crate::gc::HostTypes,
}

// SAFETY: raw pointers in the store point at objects the store itself owns;
// a store is used by one thread at a time (`&mut` access).
unsafe impl Send for StoreInner {}
// SAFETY: as above; shared access only reads.
unsafe impl Sync for StoreInner {}

impl StoreInner {
    /// Checks that a handle belongs to this store.
    #[inline]
    pub(crate) fn check(&self, store_id: u64, what: &str) -> anyhow::Result<()> {
        if store_id != self.id {
            return Err(wrong_store(what));
        }
        Ok(())
    }

    /// The function handle for an anyfunc, creating one if it is new to the store.
    pub(crate) fn func_for_anyfunc(&mut self, anyfunc: *const VMCallerCheckedAnyfunc) -> Func {
        if let Some(i) = self.func_by_anyfunc.get(&(anyfunc as usize)) {
            return Func {
                store: self.id,
                index: *i,
            };
        }
        // SAFETY: anyfuncs reachable from this store live as long as the store.
        let sig = unsafe { (*anyfunc).type_index };
        let ty = self.engine.inner.types.lookup(sig).expect("live signature");
        self.push_func(FuncData::wasm(ty, anyfunc))
    }

    /// Keeps `memory` alive for an instance of this store; returns the VM
    /// memory the instance uses and the slot that names it.
    pub(crate) fn hold_shared_memory(
        &mut self,
        memory: crate::SharedMemory,
    ) -> (*mut LinearMemory, MemorySlot) {
        let vm = memory.vm_memory();
        self.shared_memories.push(memory);
        (vm, MemorySlot::Shared(self.shared_memories.len() - 1))
    }

    pub(crate) fn push_func(&mut self, data: FuncData) -> Func {
        let index = self.funcs.len();
        self.func_by_anyfunc.insert(data.anyfunc as usize, index);
        self.funcs.push(data);
        Func {
            store: self.id,
            index,
        }
    }
}

/// Owns instances, memories, tables, globals and functions, plus the
/// embedder's data `T` which host functions can reach through [`crate::Caller`].
///
/// The store's state lives in a box that never moves, and host code only
/// ever reaches it through contexts ([`AsContext`](crate::AsContext)/[`AsContextMut`](crate::AsContextMut),
/// [`crate::Caller`]): no host function can get hold of the `Store` itself,
/// so none can replace or drop it while wasm is running on it.
pub struct Store<T> {
    pub(crate) body: Box<StoreBody<T>>,
}

impl<T: Default> Default for Store<T> {
    /// A store of a default engine holding `T::default()`.
    fn default() -> Store<T> {
        Store::new(&Engine::default(), T::default())
    }
}

impl<T> Store<T> {
    /// A new store for `engine` holding `data`.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        let mut body = Box::new(StoreBody::new(engine, data));
        // The body never moves again, so the VM can keep its address.
        let me = &mut *body as *mut StoreBody<T> as *mut std::ffi::c_void;
        body.inner.vm.store = me;
        body.inner.vm.exception_hook = Some(crate::exn::exception_hook::<T>);
        body.inner.vm.gc_hook = Some(crate::gc::gc_hook::<T>);
        let limit = engine.config().gc_heap_limit;
        body.inner.vm.gc_heap.set_limit(limit);
        body.inner.vm.gc_heap.set_stress(engine.config().gc_stress);
        Store { body }
    }

    /// Makes `limiter` decide how large memories and tables may grow and
    /// how many instances, memories and tables the store may hold.
    pub fn limiter(
        &mut self,
        limiter: impl (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync + 'static,
    ) {
        self.body.limiter(limiter)
    }

    /// Collects the store's GC heap now: frees every struct and array that
    /// neither wasm nor the host can reach any more. (Collections also run
    /// by themselves as wasm allocates.)
    pub fn gc(&mut self) {
        self.body.gc()
    }

    /// Bytes the store's GC heap takes (the chunks its objects are in).
    pub fn gc_heap_bytes(&self) -> usize {
        self.body.gc_heap_bytes()
    }

    /// How many host handles on GC references the store roots now
    /// ([`crate::Rooted`]s of open scopes, and live
    /// [`crate::OwnedRooted`]s): a diagnostic for tests and leak hunting.
    pub fn gc_root_count(&self) -> usize {
        self.body.inner.roots.len()
    }

    /// Sets the fuel left for wasm to `fuel` (needs [`crate::Config::consume_fuel`]).
    pub fn set_fuel(&mut self, fuel: u64) -> anyhow::Result<()> {
        self.body.set_fuel(fuel)
    }

    /// The fuel left (needs [`crate::Config::consume_fuel`]).
    pub fn get_fuel(&self) -> anyhow::Result<u64> {
        self.body.get_fuel()
    }

    /// Interrupts wasm once the engine's epoch is `ticks` past its current
    /// value (needs [`crate::Config::epoch_interruption`]). Without a deadline
    /// wasm is never interrupted.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        self.body.set_epoch_deadline(ticks)
    }

    /// Makes reaching the epoch deadline trap ([`crate::Trap::Interrupt`]),
    /// the default; removes an [`epoch_deadline_callback`](Self::epoch_deadline_callback).
    pub fn epoch_deadline_trap(&mut self) {
        self.body.epoch_callback = None;
        self.body.inner.vm.epoch_hook = None;
    }

    /// Calls `callback` when wasm reaches the epoch deadline; it decides
    /// whether wasm traps ([`UpdateDeadline::Interrupt`], or an `Err`, which
    /// becomes the error of the wasm call) or goes on with a new deadline
    /// ([`UpdateDeadline::Continue`]). It runs on wasm's stack, between two
    /// of its instructions, and can look at the store and, with
    /// [`crate::WasmBacktrace::capture`], at the running wasm frames.
    pub fn epoch_deadline_callback(
        &mut self,
        callback: impl FnMut(crate::StoreContextMut<'_, T>) -> anyhow::Result<UpdateDeadline>
        + Send
        + Sync
        + 'static,
    ) {
        self.body.epoch_callback = Some(Box::new(callback));
        self.body.inner.vm.epoch_hook = Some(epoch_hook::<T>);
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.body.data
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.body.data
    }

    /// Consumes the store, returning the embedder's data.
    pub fn into_data(self) -> T {
        self.body.data
    }

    /// The store's engine.
    pub fn engine(&self) -> &Engine {
        &self.body.inner.engine
    }
}

#[cold]
fn wrong_store(what: &str) -> anyhow::Error {
    anyhow::anyhow!("{what} belongs to a different store")
}

/// The store's state: what [`Store`] boxes and contexts borrow.
pub(crate) struct StoreBody<T> {
    pub(crate) inner: StoreInner,
    limiter: Option<Limiter<T>>,
    epoch_callback: Option<EpochCallback<T>>,
    data: T,
}

type Limiter<T> = Box<dyn (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync>;

type EpochCallback<T> =
    Box<dyn FnMut(crate::StoreContextMut<'_, T>) -> anyhow::Result<UpdateDeadline> + Send + Sync>;

/// What wasm does after an epoch-deadline callback returns (see
/// [`Store::epoch_deadline_callback`]).
#[non_exhaustive]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UpdateDeadline {
    /// Trap with [`crate::Trap::Interrupt`]; the deadline stays.
    Interrupt,
    /// Go on; the new deadline is this many ticks past the current epoch.
    Continue(u64),
}

/// The VM's epoch hook for stores of type `T`: runs the store's callback.
///
/// # Safety
/// `store` must point at a live `StoreBody<T>` (the store context's
/// `store`, set by [`StoreBody::enter`]).
unsafe fn epoch_hook<T>(store: *mut c_void) -> EpochDecision {
    // SAFETY: guaranteed by the caller.
    let store = unsafe { &mut *(store as *mut StoreBody<T>) };
    let Some(mut callback) = store.epoch_callback.take() else {
        return EpochDecision::Interrupt;
    };
    // The callback runs inside a builtin called from wasm: nothing may
    // unwind out of it, so an error or a panic becomes the call's error.
    let answer = catch_unwind(AssertUnwindSafe(|| {
        callback(crate::StoreContextMut(&mut *store))
    }));
    // Unless the callback installed another one, keep it for next time.
    if store.epoch_callback.is_none() && store.inner.vm.epoch_hook.is_some() {
        store.epoch_callback = Some(callback);
    }
    let reason = match answer {
        Ok(Ok(UpdateDeadline::Continue(ticks))) => return EpochDecision::Continue(ticks),
        Ok(Ok(UpdateDeadline::Interrupt)) => return EpochDecision::Interrupt,
        Ok(Err(e)) => TrapReason::Host(Box::new(e)),
        Err(panic) => TrapReason::Panic(panic),
    };
    kiln_vm::record_host_trap(reason);
    EpochDecision::Fail
}

/// The VM's growth hook for stores of type `T`: asks the store's limiter.
///
/// # Safety
/// `store` must point at a live `StoreBody<T>` (the VM passes the store
/// context's `store`, set by [`StoreBody::enter`]).
unsafe fn growth_hook<T>(
    store: *mut c_void,
    kind: GrowthKind,
    current: usize,
    desired: usize,
    maximum: Option<usize>,
) -> GrowthDecision {
    // SAFETY: guaranteed by the caller.
    let store = unsafe { &mut *(store as *mut StoreBody<T>) };
    // The hook runs inside a builtin called from wasm: nothing may unwind
    // out of it. An error or a panic of the limiter becomes the error of
    // the wasm call, as a host function's would.
    let answer = catch_unwind(AssertUnwindSafe(|| {
        store.allow_growth(kind, current, desired, maximum)
    }));
    let reason = match answer {
        Ok(Ok(true)) => return GrowthDecision::Allow,
        Ok(Ok(false)) => return GrowthDecision::Deny,
        Ok(Err(e)) => TrapReason::Host(Box::new(e)),
        Err(panic) => TrapReason::Panic(panic),
    };
    kiln_vm::record_host_trap(reason);
    GrowthDecision::Fail
}

impl<T> StoreBody<T> {
    /// A new store for `engine` holding `data`.
    fn new(engine: &Engine, data: T) -> StoreBody<T> {
        let id = NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed);
        StoreBody {
            inner: StoreInner {
                id,
                engine: engine.clone(),
                max_wasm_stack: engine.config().max_wasm_stack,
                vm: Box::new(VMStoreContext::new(
                    &engine.inner.epoch,
                    &engine.inner.types,
                )),
                instances: Vec::new(),
                memories: Vec::new(),
                shared_memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                tags: Vec::new(),
                host_globals: Vec::new(),
                funcs: Vec::new(),
                func_by_anyfunc: HashMap::new(),
                roots: crate::rooting::RootSet::new(id),
                host_types: Default::default(),
            },
            limiter: None,
            epoch_callback: None,
            data,
        }
    }

    /// Makes `limiter` decide how large memories and tables may grow and
    /// how many instances, memories and tables the store may hold.
    pub fn limiter(
        &mut self,
        limiter: impl (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync + 'static,
    ) {
        self.limiter = Some(Box::new(limiter));
        self.inner.vm.growth_hook = Some(growth_hook::<T>);
    }

    /// Asks the limiter whether something may grow.
    pub(crate) fn allow_growth(
        &mut self,
        kind: GrowthKind,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> anyhow::Result<bool> {
        let Some(limiter) = &mut self.limiter else {
            return Ok(true);
        };
        let l = limiter(&mut self.data);
        match kind {
            GrowthKind::Memory => l.memory_growing(current, desired, maximum),
            GrowthKind::Table => l.table_growing(current, desired, maximum),
        }
    }

    /// Fails if adding `instances`, `memories` and `tables` would exceed the limiter's counts.
    pub(crate) fn check_counts(
        &mut self,
        instances: usize,
        memories: usize,
        tables: usize,
    ) -> anyhow::Result<()> {
        let Some(limiter) = &mut self.limiter else {
            return Ok(());
        };
        let l = limiter(&mut self.data);
        if self.inner.instances.len() + instances > l.instances() {
            anyhow::bail!("instance limit of {} reached", l.instances());
        }
        if self.inner.memories.len() + memories > l.memories() {
            anyhow::bail!("memory limit of {} reached", l.memories());
        }
        if self.inner.tables.len() + tables > l.tables() {
            anyhow::bail!("table limit of {} reached", l.tables());
        }
        Ok(())
    }

    /// Asks the limiter whether a new memory of type `ty` may be created
    /// (its initial size counts as growth from zero).
    pub(crate) fn admit_memory(&mut self, ty: &kiln_types::MemoryType) -> anyhow::Result<()> {
        let bytes = ty.minimum.saturating_mul(ty.page_size());
        let max = ty
            .maximum
            .map(|m| usize::try_from(m.saturating_mul(ty.page_size())).unwrap_or(usize::MAX));
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        if !self.allow_growth(GrowthKind::Memory, 0, bytes, max)? {
            anyhow::bail!("memory of {} pages exceeds the store's limits", ty.minimum);
        }
        Ok(())
    }

    /// Asks the limiter whether a new table of type `ty` may be created.
    pub(crate) fn admit_table(&mut self, ty: &kiln_types::TableType) -> anyhow::Result<()> {
        let max = ty.maximum.map(|m| m as usize);
        if !self.allow_growth(GrowthKind::Table, 0, ty.minimum as usize, max)? {
            anyhow::bail!(
                "table of {} elements exceeds the store's limits",
                ty.minimum
            );
        }
        Ok(())
    }

    fn require(&self, on: bool, what: &str) -> anyhow::Result<()> {
        if !on {
            anyhow::bail!("{what} is not enabled in this engine's configuration");
        }
        Ok(())
    }

    /// Collects the GC heap now and gives back its spare chunks; wasm
    /// frames below a host call keep what they hold.
    pub(crate) fn gc(&mut self) {
        self.inner.collect_now();
        self.inner.vm.gc_heap.release_spare_chunks();
    }

    /// Bytes the GC heap takes.
    pub(crate) fn gc_heap_bytes(&self) -> usize {
        self.inner.vm.gc_heap.bytes()
    }

    /// Sets the fuel left for wasm to `fuel` (needs [`crate::Config::consume_fuel`]).
    pub fn set_fuel(&mut self, fuel: u64) -> anyhow::Result<()> {
        self.require(
            self.engine().config().tunables.consume_fuel,
            "fuel consumption",
        )?;
        self.inner.vm.fuel_consumed = -(fuel.min(i64::MAX as u64) as i64);
        Ok(())
    }

    /// The fuel left (needs [`crate::Config::consume_fuel`]).
    pub fn get_fuel(&self) -> anyhow::Result<u64> {
        self.require(
            self.engine().config().tunables.consume_fuel,
            "fuel consumption",
        )?;
        Ok((-self.inner.vm.fuel_consumed).max(0) as u64)
    }

    /// Interrupts wasm once the engine's epoch is `ticks` past its current
    /// value (needs [`crate::Config::epoch_interruption`]). Without a deadline
    /// wasm is never interrupted.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        let now = self.engine().inner.epoch.load(Ordering::SeqCst);
        self.inner.vm.epoch_deadline = now.saturating_add(ticks);
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// The store's engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Panics (like wasmtime) if a handle from another store is used where
    /// no error can be returned.
    pub(crate) fn assert_owns(&self, store_id: u64, what: &str) {
        assert_eq!(
            store_id, self.inner.id,
            "{what} used with a store it does not belong to"
        );
    }

    /// Checks that a handle belongs to this store.
    #[inline]
    pub(crate) fn check(&self, store_id: u64, what: &str) -> anyhow::Result<()> {
        self.inner.check(store_id, what)
    }

    /// The VM's store context, which points back at this (boxed, never
    /// moving) store body.
    #[inline]
    pub(crate) fn enter(&mut self) -> *mut VMStoreContext {
        let me = self as *mut StoreBody<T> as *mut std::ffi::c_void;
        debug_assert_eq!(self.inner.vm.store, me);
        &mut *self.inner.vm
    }
}
