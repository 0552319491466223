//! Exception objects, what an `exnref` points at, and the store's heap of
//! them.
//!
//! An object records its tag (as the store's tag index) and the values it
//! carries, one 16-byte [`RawValue`] slot each. Compiled code reads the
//! values through the pointer at [`VMExceptionOffsets::VALUES`] when a
//! handler catches the exception. Objects live until their store is
//! dropped: without a garbage collector nothing can tell when the last
//! `exnref` to one is gone.

use crate::vmcontext::RawValue;
use kiln_types::VMExceptionOffsets;
use std::sync::Mutex;

/// An exception: its tag and the values it carries.
#[repr(C)]
pub struct VMExceptionObject {
    /// The first value slot (compiled code reads it).
    values: *const RawValue,
    /// The store's index of the exception's tag.
    tag: u32,
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
    }
}
