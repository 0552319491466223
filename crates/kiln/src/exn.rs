//! Exceptions as the host sees them: [`ExnRef`], a reference to an
//! exception object of a store, and [`ThrownException`], the error of a
//! call that ended with an exception no wasm handler caught.
//!
//! A host function throws into the wasm that called it by returning
//! [`Caller::throw`](crate::Caller::throw)'s error; returning the
//! [`ThrownException`] of a nested call passes that exception on in the
//! same way. Any other error of a host function is a trap, which no wasm
//! handler can catch.
//!
//! Exception objects are freed when nothing can reach them: not an exnref
//! global or table, not a wasm frame, not another live exception, and not
//! the host (an object the host was given a reference to stays as long as
//! the store). Collections run when wasm throws, once the objects have
//! doubled since the last one; the wasm frames' exnrefs are read through
//! their stack maps, as the GC's references are (see `kiln_vm`'s
//! `stack_roots` and `throw` modules).

use crate::context::{AsContext, AsContextMut};
use crate::store::StoreInner;
use crate::{Tag, Val};
use anyhow::{Result, bail};
use kiln_types::{RefHierarchy, ValType};
use kiln_vm::{RawValue, VMExceptionObject};
use std::collections::HashSet;
use std::fmt;

/// A reference to an exception: its tag and the values it carries. An
/// exception the host has a reference to lives as long as its store.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ExnRef {
    pub(crate) store: u64,
    /// The `VMExceptionObject`'s address.
    pub(crate) object: usize,
}

impl ExnRef {
    /// A new exception with `tag`, carrying `fields` (one value per
    /// parameter of the tag's type).
    pub fn new(mut store: impl AsContextMut, tag: &Tag, fields: &[Val]) -> Result<ExnRef> {
        let store = &mut store.as_context_mut().0.inner;
        store.check(tag.store, "the exception's tag")?;
        let ty = store.tags[tag.index].ty.clone();
        if fields.len() != ty.params().len() {
            bail!(
                "the tag's exceptions carry {} values, but {} were given",
                ty.params().len(),
                fields.len()
            );
        }
        let mut raw = Vec::with_capacity(fields.len());
        for (i, (v, t)) in fields.iter().zip(ty.param_types()).enumerate() {
            v.check_ty(store, *t, &format!("field {i}"))?;
            raw.push(v.to_raw(store)?);
        }
        let tag = u32::try_from(tag.index)?;
        let object = store.vm.exceptions.allocate(tag, raw.into());
        Ok(ExnRef::from_object(store, object))
    }

    /// The exception's tag.
    pub fn tag(&self, store: impl AsContext) -> Result<Tag> {
        let store = &store.as_context().0.inner;
        let object = self.object(store)?;
        Ok(Tag {
            store: store.id,
            index: object.tag() as usize,
        })
    }

    /// The values the exception carries.
    pub fn fields(&self, mut store: impl AsContextMut) -> Result<Vec<Val>> {
        Ok(self.tag_and_fields(&mut store.as_context_mut().0.inner)?.1)
    }

    /// The store's index of the exception's tag, and its values.
    fn tag_and_fields(&self, store: &mut StoreInner) -> Result<(usize, Vec<Val>)> {
        let object = self.object(store)?;
        let tag = object.tag() as usize;
        let raw: Vec<RawValue> = object.values().to_vec();
        let ty = store.tags[tag].ty.clone();
        let fields = raw
            .into_iter()
            .zip(ty.param_types())
            .map(|(v, t)| Val::from_raw(store, v, *t))
            .collect();
        Ok((tag, fields))
    }

    /// Value `index` of the exception.
    pub fn field(&self, store: impl AsContextMut, index: usize) -> Result<Val> {
        match self.fields(store)?.into_iter().nth(index) {
            Some(v) => Ok(v),
            None => bail!("the exception has no field {index}"),
        }
    }

    /// The object, checking that the exception belongs to `store`.
    fn object<'a>(&self, store: &'a StoreInner) -> Result<&'a VMExceptionObject> {
        store.check(self.store, "the exception")?;
        // SAFETY: an `ExnRef` of this store names one of its objects, which
        // was pinned when the `ExnRef` was made and lives as long as the store.
        Ok(unsafe { &*(self.object as *const VMExceptionObject) })
    }

    /// The host's reference to an object of `store`, which pins it.
    pub(crate) fn from_object(store: &StoreInner, object: *mut VMExceptionObject) -> ExnRef {
        // SAFETY: compiled code and the runtime pass live objects of the
        // store: no collection runs between wasm handing an object out and
        // this (collections run only inside the `Throw` builtin).
        unsafe { (*object).pin() };
        ExnRef {
            store: store.id,
            object: object as usize,
        }
    }
}

/// The error of a call into wasm that ended with an exception no handler
/// caught, or the error a host function returns to throw one.
#[derive(Debug)]
pub struct ThrownException {
    exn: ExnRef,
    message: String,
}

impl ThrownException {
    /// The error that, returned by a host function, throws `exn` into the
    /// wasm that called it.
    pub(crate) fn new(store: &mut StoreInner, exn: ExnRef) -> ThrownException {
        let message = describe(store, exn).unwrap_or_else(|e| format!("an exception ({e})"));
        ThrownException { exn, message }
    }

    /// The exception.
    pub fn exception(&self) -> ExnRef {
        self.exn
    }
}

impl fmt::Display for ThrownException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "uncaught wasm exception: {}", self.message)
    }
}

impl std::error::Error for ThrownException {}

fn is_exnref(t: &ValType) -> bool {
    matches!(t, ValType::Ref(r) if r.heap_type.hierarchy() == RefHierarchy::Exn)
}

/// The VM's exception collector for stores of type `T` (see
/// [`kiln_vm::ExceptionHook`]).
///
/// # Safety
/// `store` must point at a live `StoreBody<T>` (the store context's
/// `store`), and `stack` must hold every word of the running frames that
/// may be an exception's address (the wasm frames' stack-map slots and the
/// payload being thrown); words that are no exception are ignored.
pub(crate) unsafe fn exception_hook<T>(store: *mut std::ffi::c_void, stack: &[&[usize]]) {
    // SAFETY: guaranteed by the caller; the collection only reads the
    // store's globals, tables, tags and GC heap.
    let store = unsafe { &mut *(store as *mut crate::store::StoreBody<T>) };
    let inner = &mut store.inner;
    // Nothing may unwind into compiled code: a panic skips the collection.
    let marked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // GC objects' exnref fields (live or not yet swept) are roots.
        let mut heap_words = Vec::new();
        inner.for_each_heap_exnref(|w| heap_words.push(w));
        let mut all = stack.to_vec();
        all.push(&heap_words);
        inner.reachable_exceptions(&all)
    }));
    if let Ok(live) = marked {
        // SAFETY: `live` holds every object the store's globals and tables,
        // the host (pinned objects), the running frames (`stack`)
        // and live objects can reach.
        unsafe { inner.vm.exceptions.retain(&live) };
    }
}

impl StoreInner {
    /// The addresses of the exception objects reachable from exnref globals
    /// and tables, pinned objects, the words in `stack` that are an
    /// object's address, and the values of reachable objects.
    fn reachable_exceptions(&self, stack: &[&[usize]]) -> HashSet<usize> {
        let mut objects = HashSet::new();
        let mut work = Vec::new();
        self.vm.exceptions.for_each(|o| {
            let address = o as *const VMExceptionObject as usize;
            objects.insert(address);
            if o.is_pinned() {
                work.push(address);
            }
        });
        for words in stack {
            work.extend(words.iter().copied().filter(|w| objects.contains(w)));
        }
        for g in &self.globals {
            if is_exnref(&g.ty.ty) {
                // SAFETY: global storage lives as long as the store.
                work.push(unsafe { (*g.definition).get() }.ptr() as usize);
            }
        }
        for t in &self.tables {
            if t.ty().element.heap_type.hierarchy() == RefHierarchy::Exn {
                work.extend((0..t.size()).filter_map(|i| t.get(i)).map(|e| e as usize));
            }
        }
        let mut live = HashSet::new();
        while let Some(p) = work.pop() {
            // Precise roots only ever hold objects of this store (or null).
            if !objects.contains(&p) || !live.insert(p) {
                continue;
            }
            // SAFETY: `p` is the address of one of the heap's objects.
            let object = unsafe { &*(p as *const VMExceptionObject) };
            let Some(tag) = self.tags.get(object.tag() as usize) else {
                continue;
            };
            for (v, t) in object.values().iter().zip(tag.ty.param_types()) {
                if is_exnref(t) {
                    work.push(v.ptr() as usize);
                }
            }
        }
        live
    }
}

/// "tag 3 of type (func (param i32)) carrying [I32(7)]".
fn describe(store: &mut StoreInner, exn: ExnRef) -> Result<String> {
    // The fields' roots are only needed for the message.
    crate::rooting::with_scope(store, |store| {
        let (tag, fields) = exn.tag_and_fields(store)?;
        Ok(format!(
            "tag {tag} of type {} carrying {fields:?}",
            store.tags[tag].ty
        ))
    })
}

impl<T> crate::Caller<'_, T> {
    /// The error that throws `exn` into the wasm that called this host
    /// function, when the host function returns it.
    pub fn throw<R>(&mut self, exn: ExnRef) -> Result<R, ThrownException> {
        Err(ThrownException::new(&mut self.store.inner, exn))
    }
}

impl<T> crate::Store<T> {
    /// The error that throws `exn` into the wasm that called the host
    /// function returning it (as [`Caller::throw`](crate::Caller::throw)).
    pub fn throw<R>(&mut self, exn: ExnRef) -> Result<R, ThrownException> {
        Err(ThrownException::new(&mut self.body.inner, exn))
    }

    /// How many exception objects the store holds now (live ones, and dead
    /// ones not collected yet): a diagnostic for tests and monitoring.
    pub fn exception_objects(&self) -> usize {
        self.body.inner.vm.exceptions.len()
    }
}
