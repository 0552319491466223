//! Stores: everything instances create lives here until the store is dropped.

use crate::func::FuncData;
use crate::{Engine, Func};
use kiln_types::GlobalType;
use kiln_vm::{
    InstanceHandle, LinearMemory, Table, VMCallerCheckedAnyfunc, VMGlobalDefinition, VMStoreContext,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) struct GlobalData {
    pub(crate) ty: GlobalType,
    pub(crate) definition: *mut VMGlobalDefinition,
}

pub(crate) struct InstanceData {
    pub(crate) handle: InstanceHandle,
    pub(crate) module: crate::Module,
    /// Store indices of the instance's memories, tables and globals (module index order).
    pub(crate) memories: Vec<usize>,
    pub(crate) tables: Vec<usize>,
    pub(crate) globals: Vec<usize>,
    /// The functions the instance imported, in import order.
    pub(crate) imported_funcs: Vec<Func>,
}

/// The store's type-independent state.
#[allow(
    clippy::vec_box,
    reason = "compiled code and vmctx records hold the boxed objects' addresses, which must not move"
)]
pub(crate) struct StoreInner {
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    pub(crate) vm: Box<VMStoreContext>,
    pub(crate) instances: Vec<InstanceData>,
    pub(crate) memories: Vec<Box<LinearMemory>>,
    pub(crate) tables: Vec<Box<Table>>,
    pub(crate) globals: Vec<GlobalData>,
    pub(crate) host_globals: Vec<Box<VMGlobalDefinition>>,
    pub(crate) funcs: Vec<FuncData>,
    pub(crate) func_by_anyfunc: HashMap<usize, usize>,
    /// Every externref wasm has seen, by address (their raw value).
    pub(crate) externrefs: HashMap<usize, std::sync::Arc<crate::values::ExternData>>,
}

// SAFETY: raw pointers in the store point at objects the store itself owns;
// a store is used by one thread at a time (`&mut` access).
unsafe impl Send for StoreInner {}
// SAFETY: as above; shared access only reads.
unsafe impl Sync for StoreInner {}

impl StoreInner {
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
        let ty = self
            .engine
            .inner
            .signatures
            .lookup(sig)
            .expect("live signature");
        self.push_func(FuncData::wasm(ty, anyfunc))
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
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    data: T,
}

impl<T> Store<T> {
    /// A new store for `engine` holding `data`.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store {
            inner: StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                vm: Box::new(VMStoreContext::new(&engine.inner.epoch)),
                instances: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                host_globals: Vec::new(),
                funcs: Vec::new(),
                func_by_anyfunc: HashMap::new(),
                externrefs: HashMap::new(),
            },
            data,
        }
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Consumes the store, returning the embedder's data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The store's engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Checks that a handle belongs to this store.
    pub(crate) fn check(&self, store_id: u64, what: &str) -> anyhow::Result<()> {
        if store_id != self.inner.id {
            anyhow::bail!("{what} belongs to a different store");
        }
        Ok(())
    }

    /// Points the VM's store context at this store (it may have moved since
    /// the last call).
    pub(crate) fn enter(&mut self) -> *mut VMStoreContext {
        let me = self as *mut Store<T> as *mut std::ffi::c_void;
        self.inner.vm.store = me;
        &mut *self.inner.vm
    }
}
