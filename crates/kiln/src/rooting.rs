//! Host handles on GC references (wasmtime's shapes): [`Rooted`],
//! [`OwnedRooted`] and [`RootScope`].
//!
//! A reference the host holds is an index into its store's root set, never
//! an address. The root set is a root of every collection, so the word an
//! index names is always null-free and alive; a handle whose root is gone
//! no longer resolves (an `Err`), so it can never reach a freed object.
//!
//! - **LIFO roots** back [`Rooted`] (`Copy`). They are pushed onto a stack
//!   and popped when the innermost scope ends: a [`RootScope`], the host
//!   function call that made them (each call from wasm into the host is a
//!   scope), or, for roots made directly on a [`crate::Store`], the store
//!   itself. Each entry records the scope generation it was pushed in, and
//!   every scope exit that pops entries starts a new generation, so a stale
//!   handle is refused even after another root took its position.
//! - **Owned roots** back [`OwnedRooted`] (`Clone`): a slot that lives
//!   until the last clone is dropped, found dead through a liveness flag
//!   and freed before the next collection.

use crate::context::{AsContext, AsContextMut, StoreContext, StoreContextMut};
use crate::store::StoreInner;
use anyhow::{Result, bail};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Weak};

/// Marks an owned root's index (the rest is its slot).
const OWNED: u32 = 1 << 31;

/// Where a host handle's reference is: the store, and a LIFO position and
/// generation or an owned slot. Public only so that the handle types can
/// be `Copy` and hashable; not meant to be used directly.
#[doc(hidden)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct GcRootIndex {
    store: u64,
    generation: u32,
    index: u32,
}

impl GcRootIndex {
    fn is_owned(&self) -> bool {
        self.index & OWNED != 0
    }
}

/// One LIFO root: the word and the generation it was pushed in.
#[derive(Copy, Clone)]
struct LifoRoot {
    generation: u32,
    word: usize,
}

/// A store's roots for the host's handles (see the module docs). Every
/// word in it is an `i31` or a live object of the store's GC heap.
pub(crate) struct RootSet {
    store: u64,
    lifo: Vec<LifoRoot>,
    /// The generation new LIFO roots get.
    generation: u32,
    /// Owned slots: the word (`None` when free) and how many times the
    /// slot was freed, so a handle of a freed slot cannot name its reuse.
    owned: Vec<(u32, Option<usize>)>,
    free_owned: Vec<u32>,
    /// Each owned slot in use and the flag its handles hold.
    liveness: Vec<(Weak<()>, u32)>,
    /// The liveness list is trimmed when it reaches this length.
    trim_at: usize,
}

impl RootSet {
    /// An empty root set for store `store`.
    pub(crate) fn new(store: u64) -> RootSet {
        RootSet {
            store,
            lifo: Vec::new(),
            generation: 0,
            owned: Vec::new(),
            free_owned: Vec::new(),
            liveness: Vec::new(),
            trim_at: 8,
        }
    }

    /// Enters a scope: the value to give [`RootSet::exit`].
    #[inline]
    pub(crate) fn enter(&self) -> usize {
        self.lifo.len()
    }

    /// Leaves the scope [`RootSet::enter`] returned `at` for, unrooting
    /// what it rooted.
    #[inline]
    pub(crate) fn exit(&mut self, at: usize) {
        if self.lifo.len() > at {
            self.pop_to(at);
        }
    }

    #[cold]
    fn pop_to(&mut self, at: usize) {
        self.generation = self.generation.wrapping_add(1);
        self.lifo.truncate(at);
    }

    /// Roots `word` in the innermost scope.
    pub(crate) fn push(&mut self, word: usize) -> GcRootIndex {
        debug_assert_ne!(word, 0, "null is never rooted");
        let index = self.lifo.len();
        assert!(index < OWNED as usize, "too many GC roots in one store");
        self.lifo.push(LifoRoot {
            generation: self.generation,
            word,
        });
        GcRootIndex {
            store: self.store,
            generation: self.generation,
            index: index as u32,
        }
    }

    /// Roots `word` until the returned flag and all its clones are gone.
    pub(crate) fn push_owned(&mut self, word: usize) -> (GcRootIndex, Arc<()>) {
        if self.liveness.len() >= self.trim_at {
            self.trim();
            self.trim_at = (self.liveness.len() * 2).max(8);
        }
        let slot = match self.free_owned.pop() {
            Some(slot) => {
                self.owned[slot as usize].1 = Some(word);
                slot
            }
            None => {
                self.owned.push((0, Some(word)));
                let slot = (self.owned.len() - 1) as u32;
                assert!(slot < OWNED, "too many GC roots in one store");
                slot
            }
        };
        let flag = Arc::new(());
        self.liveness.push((Arc::downgrade(&flag), slot));
        let index = GcRootIndex {
            store: self.store,
            generation: self.owned[slot as usize].0,
            index: slot | OWNED,
        };
        (index, flag)
    }

    /// Frees the owned slots no handle holds any more.
    pub(crate) fn trim(&mut self) {
        let (owned, free) = (&mut self.owned, &mut self.free_owned);
        self.liveness.retain(|(flag, slot)| {
            let live = flag.strong_count() > 0;
            if !live {
                let entry = &mut owned[*slot as usize];
                *entry = (entry.0.wrapping_add(1), None);
                free.push(*slot);
            }
            live
        });
    }

    /// The word a handle names; an error if it belongs to another store
    /// or its root is gone.
    #[inline]
    pub(crate) fn resolve(&self, index: &GcRootIndex) -> Result<usize> {
        if index.store != self.store {
            bail!("the GC reference belongs to a different store");
        }
        let word = if index.is_owned() {
            self.owned
                .get((index.index & !OWNED) as usize)
                .filter(|(generation, _)| *generation == index.generation)
                .and_then(|(_, word)| *word)
        } else {
            self.lifo
                .get(index.index as usize)
                .filter(|r| r.generation == index.generation)
                .map(|r| r.word)
        };
        match word {
            Some(w) => Ok(w),
            None => bail!("attempted to use a garbage-collected object that has been unrooted"),
        }
    }

    /// Every rooted word (for the collector; call [`RootSet::trim`] first).
    pub(crate) fn words(&self) -> impl Iterator<Item = usize> + '_ {
        self.lifo
            .iter()
            .map(|r| r.word)
            .chain(self.owned.iter().filter_map(|(_, w)| *w))
    }

    /// How many roots are held (LIFO and owned).
    pub(crate) fn len(&self) -> usize {
        self.lifo.len() + self.owned.len() - self.free_owned.len()
    }
}

pub(crate) mod sealed {
    use super::GcRootIndex;

    /// What every GC reference type is: a typed view of a root index.
    pub trait GcRefImpl: Copy {
        /// The view of `index`.
        fn from_root(index: GcRootIndex) -> Self;
        /// The index viewed.
        fn root(&self) -> GcRootIndex;
    }

    /// Implemented by [`super::Rooted`] and [`super::OwnedRooted`].
    pub trait RootedImpl {
        /// The index of the root.
        fn root_index(&self) -> GcRootIndex;
    }
}

/// A type of GC reference the host can hold: [`crate::AnyRef`],
/// [`crate::EqRef`], [`crate::StructRef`], [`crate::ArrayRef`] and
/// [`crate::ExternRef`]. Sealed.
pub trait GcRef: sealed::GcRefImpl + std::fmt::Debug + Send + Sync + 'static {}

/// Defines a GC reference type: a view of a root index.
macro_rules! gc_ref_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug)]
        #[repr(transparent)]
        pub struct $name {
            root: crate::rooting::GcRootIndex,
        }
        impl crate::rooting::sealed::GcRefImpl for $name {
            fn from_root(root: crate::rooting::GcRootIndex) -> Self {
                $name { root }
            }
            fn root(&self) -> crate::rooting::GcRootIndex {
                self.root
            }
        }
        impl crate::rooting::GcRef for $name {}
    };
}
pub(crate) use gc_ref_type;

/// A handle on a GC reference, rooted until its scope ends (see the module
/// docs). `Copy`; using it after its scope ended is an error, never a
/// dangling access.
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct Rooted<T: GcRef> {
    inner: T,
}

impl<T: GcRef> std::fmt::Debug for Rooted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Rooted").field(&self.inner).finish()
    }
}

impl<T: GcRef> std::ops::Deref for Rooted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: GcRef> sealed::RootedImpl for Rooted<T> {
    fn root_index(&self) -> GcRootIndex {
        self.inner.root()
    }
}

/// A rooted handle of either form, as [`Rooted::ref_eq`] takes.
pub trait RootedGcRef<T: GcRef>: sealed::RootedImpl + std::ops::Deref<Target = T> {}
impl<T: GcRef> RootedGcRef<T> for Rooted<T> {}
impl<T: GcRef> RootedGcRef<T> for OwnedRooted<T> {}

impl<T: GcRef> Rooted<T> {
    /// Roots `word` (an `i31` or a live object of `store`) in the innermost
    /// scope.
    pub(crate) fn new(store: &mut StoreInner, word: usize) -> Rooted<T> {
        Rooted {
            inner: T::from_root(store.roots.push(word)),
        }
    }

    /// The handle of root `index`.
    pub(crate) fn from_root(index: GcRootIndex) -> Rooted<T> {
        Rooted {
            inner: T::from_root(index),
        }
    }

    /// The same root seen as a `U` (the caller checked the word is one).
    pub(crate) fn cast<U: GcRef>(self) -> Rooted<U> {
        Rooted {
            inner: U::from_root(self.inner.root()),
        }
    }

    /// The word the handle names (an error if it is unrooted or belongs to
    /// another store).
    pub(crate) fn word(&self, store: &StoreInner) -> Result<usize> {
        word_of(&self.inner, store)
    }

    /// An owned root of the same reference, which outlives this handle's
    /// scope; an error if this handle is unrooted.
    pub fn to_owned_rooted(&self, mut store: impl AsContextMut) -> Result<OwnedRooted<T>> {
        let store = &mut store.as_context_mut().0.inner;
        let word = self.word(store)?;
        Ok(OwnedRooted::new(store, word))
    }

    /// Whether `a` and `b` are the same root (not merely the same object:
    /// see [`Rooted::ref_eq`]).
    pub fn rooted_eq(a: Self, b: Self) -> bool {
        a.inner.root() == b.inner.root()
    }

    /// Whether `a` and `b` name the same object (or the same `i31`); an
    /// error if either is unrooted or belongs to another store.
    pub fn ref_eq(
        store: impl AsContext,
        a: &impl RootedGcRef<T>,
        b: &impl RootedGcRef<T>,
    ) -> Result<bool> {
        let roots = &store.as_context().0.inner.roots;
        Ok(roots.resolve(&a.root_index())? == roots.resolve(&b.root_index())?)
    }

    /// Hashes the root (consistent with [`Rooted::rooted_eq`]).
    pub fn rooted_hash<H: Hasher>(&self, state: &mut H) {
        self.inner.root().hash(state)
    }

    /// Hashes the object (consistent with [`Rooted::ref_eq`]).
    pub fn ref_hash<H: Hasher>(&self, store: impl AsContext, state: &mut H) -> Result<()> {
        self.word(&store.as_context().0.inner)?.hash(state);
        Ok(())
    }
}

/// A handle on a GC reference that stays rooted until it and all its
/// clones are dropped, whatever scopes end.
pub struct OwnedRooted<T: GcRef> {
    inner: T,
    _liveness: Arc<()>,
}

impl<T: GcRef> Clone for OwnedRooted<T> {
    fn clone(&self) -> Self {
        OwnedRooted {
            inner: self.inner,
            _liveness: self._liveness.clone(),
        }
    }
}

impl<T: GcRef> std::fmt::Debug for OwnedRooted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("OwnedRooted").field(&self.inner).finish()
    }
}

impl<T: GcRef> std::ops::Deref for OwnedRooted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: GcRef> sealed::RootedImpl for OwnedRooted<T> {
    fn root_index(&self) -> GcRootIndex {
        self.inner.root()
    }
}

impl<T: GcRef> OwnedRooted<T> {
    /// Roots `word` (an `i31` or a live object of `store`) until the handle
    /// and its clones are dropped.
    pub(crate) fn new(store: &mut StoreInner, word: usize) -> OwnedRooted<T> {
        let (index, flag) = store.roots.push_owned(word);
        OwnedRooted {
            inner: T::from_root(index),
            _liveness: flag,
        }
    }

    /// A [`Rooted`] of the same reference in `store`'s innermost scope.
    /// Panics if the handle belongs to another store.
    pub fn to_rooted(&self, mut store: impl AsContextMut) -> Rooted<T> {
        let store = &mut store.as_context_mut().0.inner;
        let word = store
            .roots
            .resolve(&self.inner.root())
            .expect("an owned root used with a different store");
        Rooted::new(store, word)
    }

    /// Whether `a` and `b` name the same object (see [`Rooted::ref_eq`]).
    pub fn ref_eq(
        store: impl AsContext,
        a: &impl RootedGcRef<T>,
        b: &impl RootedGcRef<T>,
    ) -> Result<bool> {
        Rooted::ref_eq(store, a, b)
    }

    /// Hashes the root.
    pub fn rooted_hash<H: Hasher>(&self, state: &mut H) {
        self.inner.root().hash(state)
    }

    /// Hashes the object (consistent with [`OwnedRooted::ref_eq`]). Panics
    /// if the handle belongs to another store.
    pub fn ref_hash<H: Hasher>(&self, store: impl AsContext, state: &mut H) {
        store
            .as_context()
            .0
            .inner
            .roots
            .resolve(&self.inner.root())
            .expect("an owned root used with a different store")
            .hash(state)
    }
}

/// A scope for [`Rooted`] handles: those made while it lives are unrooted
/// when it is dropped. Use one around loops that make references from the
/// store itself, whose own scope only ends when it is dropped.
pub struct RootScope<C: AsContextMut> {
    store: C,
    at: usize,
}

impl<C: AsContextMut> RootScope<C> {
    /// Opens a scope in `store`.
    pub fn new(mut store: C) -> RootScope<C> {
        let at = store.as_context_mut().0.inner.roots.enter();
        RootScope { store, at }
    }

    /// Makes room for `additional` more roots.
    pub fn reserve(&mut self, additional: usize) {
        self.store
            .as_context_mut()
            .0
            .inner
            .roots
            .lifo
            .reserve(additional);
    }
}

impl<C: AsContextMut> Drop for RootScope<C> {
    fn drop(&mut self) {
        let at = self.at;
        self.store.as_context_mut().0.inner.roots.exit(at);
    }
}

impl<C: AsContextMut> AsContext for RootScope<C> {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        self.store.as_context()
    }
}

impl<C: AsContextMut> AsContextMut for RootScope<C> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, C::Data> {
        self.store.as_context_mut()
    }
}

/// The word `r` names in `store` (an error if it is unrooted or belongs to
/// another store).
#[inline]
pub(crate) fn word_of(r: &impl GcRef, store: &StoreInner) -> Result<usize> {
    store.roots.resolve(&r.root())
}

/// Runs `f` in a scope of its own: roots it makes go when it returns.
pub(crate) fn with_scope<R>(store: &mut StoreInner, f: impl FnOnce(&mut StoreInner) -> R) -> R {
    let at = store.roots.enter();
    let r = f(store);
    store.roots.exit(at);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_popped_by_its_scope_no_longer_resolves() {
        let mut roots = RootSet::new(7);
        let outer = roots.push(0x10);
        let at = roots.enter();
        let inner = roots.push(0x20);
        assert_eq!(roots.resolve(&inner).unwrap(), 0x20);
        roots.exit(at);
        assert!(roots.resolve(&inner).is_err());
        assert_eq!(roots.resolve(&outer).unwrap(), 0x10);
        // Another root at the same position is not the old one.
        let again = roots.push(0x30);
        assert_eq!(again.index, inner.index);
        assert!(roots.resolve(&inner).is_err());
        assert_eq!(roots.resolve(&again).unwrap(), 0x30);
    }

    #[test]
    fn a_root_of_another_store_does_not_resolve() {
        let mut a = RootSet::new(1);
        let b = RootSet::new(2);
        let r = a.push(0x10);
        assert!(b.resolve(&r).is_err());
    }

    #[test]
    fn owned_roots_live_until_their_flags_are_dropped() {
        let mut roots = RootSet::new(1);
        let (index, flag) = roots.push_owned(0x40);
        roots.exit(0);
        roots.trim();
        assert_eq!(roots.resolve(&index).unwrap(), 0x40);
        assert_eq!(roots.words().collect::<Vec<_>>(), [0x40]);
        drop(flag);
        roots.trim();
        assert!(roots.resolve(&index).is_err());
        assert_eq!(roots.words().count(), 0);
        // The slot is reused, and the new root resolves; the old one does
        // not name it.
        let (again, _flag) = roots.push_owned(0x50);
        assert_eq!(again.index, index.index);
        assert_eq!(roots.resolve(&again).unwrap(), 0x50);
        assert!(roots.resolve(&index).is_err());
    }

    #[test]
    fn creating_owned_roots_trims_dead_ones() {
        let mut roots = RootSet::new(1);
        for i in 0..1000 {
            let _ = roots.push_owned(2 * i + 2);
        }
        assert!(roots.liveness.len() <= 16, "{}", roots.liveness.len());
    }
}
