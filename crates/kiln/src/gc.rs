//! The store's garbage collector: which references are roots, and what the
//! objects' references are.
//!
//! The collector itself (mark-sweep over a non-moving heap) is
//! `kiln_vm::GcHeap`. A collection runs when an allocation in wasm finds it
//! due (or the heap full), and on [`crate::Store::gc`]. Its roots are:
//! - the references the running wasm frames of this thread hold across
//!   their calls, read through the stack maps compiled code comes with
//!   (runtime and host frames hold none the collector needs: host code
//!   holds rooted handles);
//! - globals and tables of the `any` and `extern` hierarchies;
//! - the evaluated items of element segments not yet dropped;
//! - every value held by an exception object;
//! - the references the host holds through [`crate::Rooted`] and
//!   [`crate::OwnedRooted`] handles (the store's root set, see
//!   `rooting.rs`).
//!
//! Host values ([`crate::ExternRef::new`]) are host objects in the same
//! heap, whose values are dropped when a collection finds them dead.
//!
//! Exception objects are collected separately (see `exn.rs`); that
//! collection counts every exnref field of the GC heap's objects as a root.

use crate::store::{StoreBody, StoreInner};
use kiln_types::{CompositeType, RefHierarchy, StorageType, StructLayout, SubType, ValType};
use kiln_vm::{CollectionStats, ObjectShape, TypeRegistry, VMSharedSignatureIndex};

/// Whether a value of type `t` may be a GC object's address.
fn may_be_object(t: ValType) -> bool {
    matches!(t, ValType::Ref(r) if r.heap_type.may_be_gc_object())
}

/// Whether a value of type `t` may be an exception object's address.
fn may_be_exception(t: ValType) -> bool {
    matches!(t, ValType::Ref(r) if r.heap_type.hierarchy() == RefHierarchy::Exn)
}

/// Whether a field or element stored as `storage` holds values of a type
/// that `which` accepts.
fn holds(storage: StorageType, which: fn(ValType) -> bool) -> bool {
    matches!(storage, StorageType::Val(t) if which(t))
}

/// Where the references of type `id`'s objects are.
fn object_shape(types: &TypeRegistry, id: u32) -> ObjectShape {
    let ty = types
        .lookup_type(VMSharedSignatureIndex::new(id))
        .expect("an object's type stays registered while its store lives");
    if let Some(s) = ty.as_struct() {
        let layout = StructLayout::new(s);
        let offsets = |which: fn(ValType) -> bool| {
            s.fields
                .iter()
                .zip(&layout.fields)
                .filter(|(f, _)| holds(f.storage, which))
                .map(|(_, off)| *off)
                .collect()
        };
        ObjectShape::Struct {
            size: layout.size,
            refs: offsets(may_be_object),
            exnrefs: offsets(may_be_exception),
        }
    } else {
        let a = ty.as_array().expect("objects are structs or arrays");
        ObjectShape::Array {
            elem_size: kiln_types::storage_size(a.0.storage),
            elem_is_ref: holds(a.0.storage, may_be_object),
            elem_is_exnref: holds(a.0.storage, may_be_exception),
        }
    }
}

/// Whether struct or array type `ty` has a field or element that may hold
/// an exception.
fn has_exnref_storage(ty: &SubType) -> bool {
    match &ty.composite {
        CompositeType::Struct(s) => s.fields.iter().any(|f| holds(f.storage, may_be_exception)),
        CompositeType::Array(a) => holds(a.0.storage, may_be_exception),
        CompositeType::Func(_) => false,
    }
}

impl StoreInner {
    /// Whether any object of the store's heap may hold an exception: only
    /// types of its instances' modules and those the host registered for
    /// it can be its objects' types.
    fn heap_may_hold_exnrefs(&self) -> bool {
        let types = &self.engine.inner.types;
        self.instances
            .iter()
            .any(|i| i.module.info().types.iter().any(has_exnref_storage))
            || self.host_types.ids.iter().any(|id| {
                types
                    .lookup_type(*id)
                    .is_some_and(|t| has_exnref_storage(&t))
            })
    }
}

/// Types the host registered with the engine for a store; they stay
/// registered while the store (and so its objects of them) lives.
#[derive(Default)]
pub(crate) struct HostTypes {
    /// The engine, once a type is held (a store that never registers one
    /// pays nothing).
    engine: Option<crate::Engine>,
    ids: Vec<VMSharedSignatureIndex>,
}

impl Drop for HostTypes {
    fn drop(&mut self) {
        if let Some(engine) = &self.engine {
            for id in self.ids.drain(..) {
                engine.inner.types.unregister(id);
            }
        }
    }
}

impl StoreInner {
    /// Keeps the registration `id` (one reference of it, which the caller
    /// took) until the store is dropped.
    pub(crate) fn hold_type(&mut self, id: VMSharedSignatureIndex) {
        let held = &mut self.host_types;
        held.engine.get_or_insert_with(|| self.engine.clone());
        held.ids.push(id);
    }

    /// Collects the GC heap if allocation since the last collection made
    /// one due: what host code that allocates calls at a point where no
    /// raw reference is in flight.
    pub(crate) fn collect_if_due(&mut self) {
        if self.vm.gc_heap.collection_due(0) {
            self.collect_now();
        }
    }

    /// Collects the GC heap now, from host code.
    pub(crate) fn collect_now(&mut self) {
        let vm: *const kiln_vm::VMStoreContext = &*self.vm;
        // SAFETY: the store context is live; a `&mut` store is only at hand
        // outside wasm, or in a host function through which wasm called out.
        unsafe {
            kiln_vm::with_gc_stack_roots(vm, |roots| {
                self.collect_garbage(roots);
            })
        };
    }

    /// Allocates an object from host code with `alloc`, collecting first
    /// if a collection is due and again if the heap is full. No raw
    /// reference may be in flight.
    pub(crate) fn alloc_gc_object(
        &mut self,
        mut alloc: impl FnMut(&mut kiln_vm::GcHeap) -> Result<usize, kiln_types::TrapCode>,
    ) -> anyhow::Result<usize> {
        self.collect_if_due();
        let first = alloc(&mut self.vm.gc_heap);
        let r = match first {
            Err(kiln_types::TrapCode::GcHeapOutOfMemory) => {
                self.collect_now();
                alloc(&mut self.vm.gc_heap)
            }
            r => r,
        };
        Ok(r?)
    }

    /// Every precise root of the store (see the module docs).
    fn gc_roots(&self) -> Vec<usize> {
        let mut roots: Vec<usize> = self.roots.words().collect();
        for g in &self.globals {
            if may_be_object(g.ty.ty) {
                // SAFETY: global storage lives as long as the store.
                roots.push(unsafe { (*g.definition).get() }.ptr() as usize);
            }
        }
        for t in &self.tables {
            if may_be_object(ValType::Ref(t.ty().element)) {
                roots.extend((0..t.size()).filter_map(|i| t.get(i)).map(|e| e as usize));
            }
        }
        for i in &self.instances {
            i.handle
                .instance()
                .element_roots(|items| roots.extend_from_slice(items));
        }
        self.vm.exceptions.for_each(|o| {
            roots.extend(o.values().iter().map(|v| v.ptr() as usize));
        });
        roots
    }

    /// Collects the store's GC heap with its roots and `stack_roots` (the
    /// references the running wasm frames hold).
    pub(crate) fn collect_garbage(&mut self, stack_roots: &[usize]) -> CollectionStats {
        let heap = &self.vm.gc_heap;
        // A stack map slot holds null, an i31, a live object or a live
        // exception. Anything else means the stack maps are wrong (a Kiln
        // bug) and may miss references, so freeing anything could free an
        // object in use: stress mode (for tests) stops there, and otherwise
        // nothing is collected.
        let others: Vec<usize> = stack_roots
            .iter()
            .copied()
            .filter(|&w| w != 0 && w & 1 == 0 && !heap.is_object(w))
            .collect();
        if !others.is_empty() {
            let mut exceptions = std::collections::HashSet::new();
            self.vm.exceptions.for_each(|o| {
                exceptions.insert(o as *const kiln_vm::VMExceptionObject as usize);
            });
            if let Some(w) = others.iter().find(|w| !exceptions.contains(*w)) {
                assert!(
                    !heap.stress(),
                    "a wasm frame's stack map slot holds {w:#x}, which is no object"
                );
                return CollectionStats::default();
            }
        }
        self.roots.trim();
        let roots = self.gc_roots();
        let types = &self.engine.inner.types;
        self.vm
            .gc_heap
            .collect(&roots, &[stack_roots], &mut |id| object_shape(types, id))
    }

    /// Calls `f` with every exnref field and element of the GC heap's
    /// objects (for the exception collector). Visits no object unless some
    /// struct or array type the store's objects may have holds exnrefs.
    pub(crate) fn for_each_heap_exnref(&mut self, f: impl FnMut(usize)) {
        if !self.heap_may_hold_exnrefs() {
            return;
        }
        let types = &self.engine.inner.types;
        self.vm
            .gc_heap
            .for_each_exnref(&mut |id| object_shape(types, id), f);
    }
}

/// The VM's GC hook for stores of type `T` (see [`kiln_vm::GcHook`]).
///
/// # Safety
/// `store` must point at a live `StoreBody<T>` (the store context's
/// `store`) that nothing else uses while this runs, and `stack_roots`
/// must hold every reference the running wasm frames hold.
pub(crate) unsafe fn gc_hook<T>(store: *mut std::ffi::c_void, stack_roots: &[usize]) {
    // SAFETY: guaranteed by the caller.
    let store = unsafe { &mut *(store as *mut StoreBody<T>) };
    // Nothing may unwind into compiled code; a panic here is a bug, and
    // aborting is safer than freeing with half-made marks.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.inner.collect_garbage(stack_roots);
    }));
    if r.is_err() {
        std::process::abort();
    }
}
