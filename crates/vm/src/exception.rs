//! Exception objects, what an `exnref` points at, and the store's heap of
//! them.
//!
//! An object records its tag (as the store's tag index) and the values it
//! carries, one 16-byte [`RawValue`] slot each. Compiled code reads the
//! values through the pointer at [`VMExceptionOffsets::VALUES`] when a
//! handler catches the exception.
//!
//! The heap frees objects only when told which survive
//! ([`ExceptionHeap::retain`]). The `Throw` builtin has that decided (see
//! [`crate::throw`]) when the heap has doubled since the last time: the
//! embedding layer knows the roots (exnref globals and tables, the objects
//! the host was given, pinned for good, and the GC heap's exnref fields),
//! and the builtin adds the wasm frames' exnrefs (from their stack maps)
//! and the values it is throwing.

use crate::vmcontext::RawValue;
use kiln_types::VMExceptionOffsets;
use std::collections::HashSet;
use std::ptr::NonNull;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// An exception: its tag and the values it carries.
#[repr(C)]
pub struct VMExceptionObject {
    /// The first of `len` value slots (compiled code reads the pointer);
    /// owned by the object (a `Box<[RawValue]>` taken apart).
    values: *mut RawValue,
    len: usize,
    /// The store's index of the exception's tag.
    tag: u32,
    /// Whether the host was given a reference to it (it is then never freed).
    pinned: AtomicBool,
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
        // SAFETY: `values` owns `len` initialised slots (see `allocate`).
        unsafe { std::slice::from_raw_parts(self.values, self.len) }
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

impl Drop for VMExceptionObject {
    fn drop(&mut self) {
        // Nothing may read a freed exception; if something did, the
        // poison makes it visible (a tag no store has, values of all ones).
        // Volatile, so that the writes are not dropped as dead before the
        // free.
        // SAFETY: `tag` is a field of this live object, and `values` owns
        // `len` slots (see `allocate`).
        unsafe {
            std::ptr::write_volatile(&mut self.tag, u32::MAX);
            for i in 0..self.len {
                std::ptr::write_volatile(self.values.add(i), RawValue(u128::MAX));
            }
        }
        // SAFETY: `values`/`len` came from `Box::into_raw` of a boxed slice
        // in `allocate`, and nothing else frees them.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(self.values, self.len)) });
    }
}

/// The fewest objects a heap holds before a collection is worth it.
const FIRST_COLLECTION: usize = 1024;

/// The exception objects of one store.
pub struct ExceptionHeap {
    /// Every object, each from `Box::into_raw`, freed by `retain` or `Drop`.
    objects: Mutex<Vec<NonNull<VMExceptionObject>>>,
    /// `objects.len()`, readable without the lock.
    count: AtomicUsize,
    /// The count at which the next collection is due.
    next_collection: AtomicUsize,
}

impl Default for ExceptionHeap {
    fn default() -> Self {
        Self {
            objects: Mutex::default(),
            count: AtomicUsize::new(0),
            next_collection: AtomicUsize::new(FIRST_COLLECTION),
        }
    }
}

// SAFETY: the objects are owned by the heap; a store (and so its heap) is
// used by one thread at a time, and the list is behind a mutex.
unsafe impl Send for ExceptionHeap {}
// SAFETY: as above.
unsafe impl Sync for ExceptionHeap {}

impl std::fmt::Debug for ExceptionHeap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExceptionHeap({} objects)", self.len())
    }
}

impl ExceptionHeap {
    /// A new exception with tag `tag` (a store tag index) carrying `values`.
    /// The object stays at its address until a collection frees it.
    pub fn allocate(&self, tag: u32, values: Box<[RawValue]>) -> *mut VMExceptionObject {
        let len = values.len();
        let object = Box::new(VMExceptionObject {
            values: Box::into_raw(values).cast::<RawValue>(),
            len,
            tag,
            pinned: AtomicBool::new(false),
        });
        let ptr = NonNull::from(Box::leak(object));
        let mut objects = self.objects.lock().unwrap_or_else(|e| e.into_inner());
        objects.push(ptr);
        self.count.store(objects.len(), Ordering::Relaxed);
        ptr.as_ptr()
    }

    /// How many exceptions the heap holds.
    pub fn len(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// Whether the heap holds no exception.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the heap has grown enough since the last collection for
    /// another to be worth it.
    pub fn collection_due(&self) -> bool {
        self.len() >= self.next_collection.load(Ordering::Relaxed)
    }

    /// Runs `f` on every object.
    pub fn for_each(&self, mut f: impl FnMut(&VMExceptionObject)) {
        let objects = self.objects.lock().unwrap_or_else(|e| e.into_inner());
        for o in objects.iter() {
            // SAFETY: every listed object is live until `retain` or `Drop`.
            f(unsafe { o.as_ref() })
        }
    }

    /// Frees every object whose address is not in `live`, except pinned
    /// ones, and makes the next collection due when the heap has doubled.
    ///
    /// # Safety
    /// No reference to a freed object may remain anywhere compiled code or
    /// the runtime can read it: `live` must hold every object reachable
    /// from the store's globals, tables, wasm frames, host references and
    /// live objects.
    pub unsafe fn retain(&self, live: &HashSet<usize>) {
        let mut objects = self.objects.lock().unwrap_or_else(|e| e.into_inner());
        objects.retain(|o| {
            // SAFETY: listed objects are live; a freed one leaves the list.
            let keep = unsafe { o.as_ref() }.is_pinned() || live.contains(&(o.as_ptr() as usize));
            if !keep {
                // SAFETY: from `Box::into_raw` in `allocate`; the caller
                // guarantees nothing refers to it any more.
                drop(unsafe { Box::from_raw(o.as_ptr()) });
            }
            keep
        });
        self.count.store(objects.len(), Ordering::Relaxed);
        self.postpone_collection();
    }

    /// Makes the next collection due when the heap has doubled from now:
    /// after a collection, or when one that was due could not run.
    pub fn postpone_collection(&self) {
        let len = self.len();
        self.next_collection
            .store((2 * len).max(FIRST_COLLECTION), Ordering::Relaxed);
    }
}

impl Drop for ExceptionHeap {
    fn drop(&mut self) {
        let objects = self.objects.get_mut().unwrap_or_else(|e| e.into_inner());
        for o in objects.drain(..) {
            // SAFETY: from `Box::into_raw` in `allocate`; the store, and so
            // every reference to its exceptions, is going away.
            drop(unsafe { Box::from_raw(o.as_ptr()) });
        }
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
        // SAFETY: `a` is live until a collection that does not keep it.
        let a = unsafe { &*a };
        assert_eq!(a.tag(), 3);
        assert_eq!(a.values()[0].u32(), 7);
        // SAFETY: reading the pointer compiled code reads.
        assert_eq!(unsafe { (*a.values).u32() }, 7);
        assert_eq!(heap.len(), 101);
        assert!(!heap.collection_due());

        // Only what is live or pinned survives a collection.
        let b = heap.allocate(4, Box::new([]));
        // SAFETY: `b` is live.
        unsafe { (*b).pin() };
        let live = HashSet::from([a as *const VMExceptionObject as usize]);
        // SAFETY: nothing refers to the other objects.
        unsafe { heap.retain(&live) };
        assert_eq!(heap.len(), 2);
        assert_eq!(a.values()[0].u32(), 7);
    }
}
