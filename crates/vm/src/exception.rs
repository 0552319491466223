//! Exception objects, what an `exnref` points at, and the store's heap of
//! them.
//!
//! An object records its tag (as the store's tag index) and the values it
//! carries, one 16-byte [`RawValue`] slot each. Compiled code reads the
//! values through the pointer at [`VMExceptionOffsets::VALUES`] when a
//! handler catches the exception.
//!
//! The heap frees objects only when told which survive
//! ([`ExceptionHeap::retain`]); the embedding layer does that when no wasm
//! runs on the store, from the roots it knows (exnref globals and tables,
//! and the objects the host was given, which are pinned for good).

use crate::vmcontext::RawValue;
use kiln_types::VMExceptionOffsets;
use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// An exception: its tag and the values it carries.
#[repr(C)]
pub struct VMExceptionObject {
    /// The first value slot (compiled code reads it).
    values: *const RawValue,
    /// The store's index of the exception's tag.
    tag: u32,
    /// Whether the host was given a reference to it (it is then never freed).
    pinned: AtomicBool,
    /// Owns what `values` points at.
    storage: Box<[RawValue]>,
}

const _: () =
    assert!(std::mem::offset_of!(VMExceptionObject, values) == VMExceptionOffsets::VALUES as usize);
const _: () = assert!(std::mem::size_of::<RawValue>() == VMExceptionOffsets::VALUE_SIZE as usize);

impl VMExceptionObject {
    /// The store's index of the exception's tag.
    pub fn tag(&self) -> u32 {
        self.tag
    }

    /// The values, in the tag type's parameter order.
    pub fn values(&self) -> &[RawValue] {
        &self.storage
    }

    /// Keeps the object for as long as its heap: the host holds a
    /// reference the heap cannot see.
    pub fn pin(&self) {
        self.pinned.store(true, Ordering::Relaxed);
    }

    /// Whether [`VMExceptionObject::pin`] was called.
    pub fn is_pinned(&self) -> bool {
        self.pinned.load(Ordering::Relaxed)
    }
}

/// The exception objects of one store.
#[derive(Default)]
#[allow(
    clippy::vec_box,
    reason = "exnrefs are the objects' addresses, which must not move"
)]
pub struct ExceptionHeap {
    objects: Mutex<Vec<Box<VMExceptionObject>>>,
}

impl std::fmt::Debug for ExceptionHeap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExceptionHeap(..)")
    }
}

impl ExceptionHeap {
    /// A new exception with tag `tag` (a store tag index) carrying `values`.
    /// The object stays at its address until the heap is dropped.
    pub fn allocate(&self, tag: u32, values: Box<[RawValue]>) -> *mut VMExceptionObject {
        let mut object = Box::new(VMExceptionObject {
            values: values.as_ptr(),
            tag,
            pinned: AtomicBool::new(false),
            storage: values,
        });
        let ptr: *mut VMExceptionObject = &mut *object;
        self.objects
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(object);
        ptr
    }

    /// How many exceptions the heap holds.
    pub fn len(&self) -> usize {
        self.objects.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether the heap holds no exception.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs `f` on every object.
    pub fn for_each(&self, mut f: impl FnMut(&VMExceptionObject)) {
        for o in self
            .objects
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            f(o)
        }
    }

    /// Frees every object whose address is not in `live`, except pinned
    /// ones.
    ///
    /// # Safety
    /// No reference to a freed object may remain anywhere compiled code or
    /// the runtime can read it: `live` must hold every object reachable
    /// from the store's globals, tables and live objects, and no wasm may be
    /// running on the store.
    pub unsafe fn retain(&self, live: &HashSet<usize>) {
        let mut objects = self.objects.lock().unwrap_or_else(|e| e.into_inner());
        objects.retain(|o| {
            o.is_pinned() || live.contains(&(&**o as *const VMExceptionObject as usize))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_their_address_and_values() {
        let heap = ExceptionHeap::default();
        let a = heap.allocate(3, vec![RawValue::from_u32(7)].into());
        for i in 0..100 {
            heap.allocate(i, vec![RawValue::from_u64(u64::from(i)); 2].into());
        }
        // SAFETY: `a` lives as long as `heap`.
        let a = unsafe { &*a };
        assert_eq!(a.tag(), 3);
        assert_eq!(a.values()[0].u32(), 7);
        // SAFETY: reading the pointer compiled code reads.
        assert_eq!(unsafe { (*a.values).u32() }, 7);
        assert_eq!(heap.len(), 101);

        // Only what is live or pinned survives a collection.
        let b = heap.allocate(4, Box::new([]));
        // SAFETY: `b` lives as long as `heap`.
        unsafe { (*b).pin() };
        let live = HashSet::from([a as *const VMExceptionObject as usize]);
        // SAFETY: nothing refers to the other objects.
        unsafe { heap.retain(&live) };
        assert_eq!(heap.len(), 2);
        assert_eq!(a.values()[0].u32(), 7);
    }
}
