//! Reading and writing GC objects (see `kiln_types::gc_layout` for where
//! things are): what the runtime does to objects that compiled code
//! otherwise reads and writes inline.

use kiln_types::{
    GC_ARRAY_ELEMENTS, GC_ARRAY_LENGTH, GC_HEADER_KIND, GC_HEADER_TYPE_ID, GcKind, StorageType,
    storage_size,
};

/// Writes `raw` (a value's bits as compiled code passes them around: the
/// low bytes count) to storage of type `storage` at `addr`.
///
/// # Safety
/// `addr` must be valid for `storage_size(storage)` bytes of writes.
pub unsafe fn write_storage(addr: *mut u8, storage: StorageType, raw: u128) {
    let bytes = raw.to_le_bytes();
    let n = storage_size(storage) as usize;
    // SAFETY: guaranteed by the caller; fields may be less aligned than
    // their size (a v128 is 8-aligned), so this is a byte copy.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr, n) };
}

/// Reads storage of type `storage` at `addr`, zero-extended to 128 bits
/// (packed integers are unsigned here; `get_s` sign-extends them).
///
/// # Safety
/// `addr` must be valid for `storage_size(storage)` bytes of reads.
pub unsafe fn read_storage(addr: *const u8, storage: StorageType) -> u128 {
    let mut bytes = [0u8; 16];
    let n = storage_size(storage) as usize;
    // SAFETY: guaranteed by the caller.
    unsafe { std::ptr::copy_nonoverlapping(addr, bytes.as_mut_ptr(), n) };
    u128::from_le_bytes(bytes)
}

/// The kind of the object at `addr`.
///
/// # Safety
/// `addr` must be a live object of the `any` or `extern` hierarchy (an
/// even, non-null word compiled code produced, or a host value's address).
pub unsafe fn object_kind(addr: usize) -> Option<GcKind> {
    // SAFETY: every object starts with an 8-byte header.
    let kind = unsafe { *((addr + GC_HEADER_KIND as usize) as *const u32) };
    GcKind::from_u32(kind)
}

/// The engine type id of the struct or array at `addr`.
///
/// # Safety
/// As for [`object_kind`].
pub unsafe fn object_type_id(addr: usize) -> u32 {
    // SAFETY: every object starts with an 8-byte header.
    unsafe { *((addr + GC_HEADER_TYPE_ID as usize) as *const u32) }
}

/// The length of the array at `addr`.
///
/// # Safety
/// `addr` must be a live array.
pub unsafe fn array_len(addr: usize) -> u32 {
    // SAFETY: guaranteed by the caller.
    unsafe { *((addr + GC_ARRAY_LENGTH as usize) as *const u32) }
}

/// The address of element `i` of the array at `addr`, whose elements are
/// `elem_size` bytes.
///
/// # Safety
/// `addr` must be a live array with more than `i` elements.
pub unsafe fn array_element(addr: usize, elem_size: u32, i: u32) -> *mut u8 {
    (addr + GC_ARRAY_ELEMENTS as usize + i as usize * elem_size as usize) as *mut u8
}
