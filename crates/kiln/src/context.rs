//! Store contexts: what API functions accept wherever they need the store,
//! so `&mut Store<T>`, `&mut Caller<'_, T>` and contexts all work.

use crate::store::StoreBody;
use crate::{Caller, Store};

/// A shared borrow of a store.
pub struct StoreContext<'a, T>(pub(crate) &'a StoreBody<T>);

/// An exclusive borrow of a store.
pub struct StoreContextMut<'a, T>(pub(crate) &'a mut StoreBody<T>);

/// Anything that can lend a [`StoreContext`].
pub trait AsContext {
    /// The store's data type.
    type Data;
    /// Borrows the store.
    fn as_context(&self) -> StoreContext<'_, Self::Data>;
}

/// Anything that can lend a [`StoreContextMut`].
pub trait AsContextMut: AsContext {
    /// Borrows the store exclusively.
    fn as_context_mut(&mut self) -> StoreContextMut<'_, Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(&self.body)
    }
}
impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(&mut self.body)
    }
}
impl<T> AsContext for StoreBody<T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self)
    }
}
impl<T> AsContextMut for StoreBody<T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self)
    }
}
impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.store)
    }
}
impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.store)
    }
}
impl<T> AsContext for StoreContext<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}
impl<T> AsContext for StoreContextMut<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}
impl<T> AsContextMut for StoreContextMut<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.0)
    }
}
impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}
impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}
impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, C::Data> {
        (**self).as_context_mut()
    }
}

// Any borrow of something that lends a context converts into one, so
// `ExternRef::data(&store)`, `(&caller)` and `(&scope)` all work.
impl<'a, C: AsContext + ?Sized> From<&'a C> for StoreContext<'a, C::Data> {
    fn from(c: &'a C) -> Self {
        c.as_context()
    }
}
impl<'a, C: AsContext + ?Sized> From<&'a mut C> for StoreContext<'a, C::Data> {
    fn from(c: &'a mut C) -> Self {
        let c: &'a C = c;
        c.as_context()
    }
}
impl<'a, C: AsContextMut + ?Sized> From<&'a mut C> for StoreContextMut<'a, C::Data> {
    fn from(c: &'a mut C) -> Self {
        c.as_context_mut()
    }
}
impl<'a, T> From<StoreContextMut<'a, T>> for StoreContext<'a, T> {
    fn from(c: StoreContextMut<'a, T>) -> Self {
        StoreContext(c.0)
    }
}

impl<T> StoreContext<'_, T> {
    /// The store's data.
    pub fn data(&self) -> &T {
        self.0.data()
    }
    /// The store's engine.
    pub fn engine(&self) -> &crate::Engine {
        self.0.engine()
    }
    /// The fuel left (needs [`crate::Config::consume_fuel`]).
    pub fn get_fuel(&self) -> anyhow::Result<u64> {
        self.0.get_fuel()
    }
    /// Bytes the store's GC heap takes, as [`crate::Store::gc_heap_bytes`].
    pub fn gc_heap_bytes(&self) -> usize {
        self.0.gc_heap_bytes()
    }
}

impl<T> StoreContextMut<'_, T> {
    /// The store's data.
    pub fn data(&self) -> &T {
        self.0.data()
    }
    /// The store's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.0.data_mut()
    }
    /// The store's engine.
    pub fn engine(&self) -> &crate::Engine {
        self.0.engine()
    }
    /// The fuel left (needs [`crate::Config::consume_fuel`]).
    pub fn get_fuel(&self) -> anyhow::Result<u64> {
        self.0.get_fuel()
    }
    /// Sets the fuel left (needs [`crate::Config::consume_fuel`]).
    pub fn set_fuel(&mut self, fuel: u64) -> anyhow::Result<()> {
        self.0.set_fuel(fuel)
    }
    /// Moves the epoch deadline to `ticks` past the engine's current epoch.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        self.0.set_epoch_deadline(ticks)
    }
    /// Collects the store's GC heap now, as [`crate::Store::gc`] does; what
    /// the wasm frames below this call hold survives.
    pub fn gc(&mut self) {
        self.0.gc()
    }
    /// Bytes the store's GC heap takes, as [`crate::Store::gc_heap_bytes`].
    pub fn gc_heap_bytes(&self) -> usize {
        self.0.gc_heap_bytes()
    }
}
