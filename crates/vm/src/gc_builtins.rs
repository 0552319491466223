//! The builtins behind GC instructions that do not run inline: allocation
//! and the bulk array operations. Compiled code does the null checks (and,
//! where it says so, the array bounds checks) before calling them.

use crate::builtins::{check, instance};
use crate::vmcontext::VMContext;
use kiln_types::*;

/// Runs `alloc`, which allocates `size` bytes in the store's heap, after a
/// collection if one is due, and again after one if the heap was full.
///
/// # Safety
/// `vmctx` must be that of the running wasm caller of a builtin, with no
/// reference to an object held anywhere but in the wasm frames, the
/// store's roots, and `alloc`'s captures that it does not use after
/// allocating.
unsafe fn allocating<T>(
    vmctx: *mut VMContext,
    size: usize,
    mut alloc: impl FnMut() -> Result<T, TrapCode>,
) -> Result<T, TrapCode> {
    // SAFETY: the caller's promise.
    let inst = unsafe { instance(vmctx) };
    // SAFETY: nothing else holds the heap while wasm runs a builtin.
    let due = unsafe { (*inst.gc_heap()).collection_due(size) };
    // SAFETY: the caller's promise.
    if due && unsafe { collect(vmctx) } {
        return alloc();
    }
    match alloc() {
        // SAFETY: the caller's promise.
        Err(TrapCode::GcHeapOutOfMemory) if unsafe { collect(vmctx) } => alloc(),
        r => r,
    }
}

/// Collects the store's heap with the embedder's hook, with the references
/// the wasm frames hold (read through their stack maps) as roots besides
/// the store's own. Returns whether a collection ran.
///
/// # Safety
/// As for [`allocating`].
unsafe fn collect(vmctx: *mut VMContext) -> bool {
    // SAFETY: the caller's promise.
    let store = unsafe { crate::builtins::store_context(vmctx) };
    let Some(hook) = store.gc_hook else {
        return false;
    };
    // SAFETY: called from a builtin that wasm called on this thread.
    unsafe {
        crate::stack_roots::with_gc_stack_roots(store, |roots| {
            // SAFETY: the hook was set by the embedder for this store, and no
            // wasm runs on the store while it does.
            hook(store.store, roots)
        })
    }
}

/// `struct.new` and `array.new_fixed`: a zeroed object of `size` bytes whose
/// header is `header`.
pub(crate) unsafe extern "C" fn gc_alloc(vmctx: *mut VMContext, header: u64, size: u32) -> *mut u8 {
    // SAFETY: called by compiled code with its vmctx; the operands of the
    // instruction stay in the wasm frame until the object is filled in.
    let r = unsafe {
        allocating(vmctx, size as usize, || {
            // SAFETY: nothing else holds the heap while wasm runs a builtin.
            (*instance(vmctx).gc_heap()).alloc(header, size as usize)
        })
    };
    check(r)
}

/// `array.new` and `array.new_default`: a zeroed array of module type
/// `ty` with `len` elements.
pub(crate) unsafe extern "C" fn gc_alloc_array(
    vmctx: *mut VMContext,
    ty: u32,
    len: u32,
) -> *mut u8 {
    // SAFETY: as in `gc_alloc`.
    let inst = unsafe { instance(vmctx) };
    let size = array_bytes(inst, ty, len);
    // SAFETY: as in `gc_alloc`.
    let r = unsafe { allocating(vmctx, size, || inst.new_array_default(TypeIndex(ty), len)) };
    check(r) as *mut u8
}

/// The size of an array of module type `ty` with `len` elements (saturated;
/// the allocation itself refuses what cannot be).
fn array_bytes(inst: &crate::Instance, ty: u32, len: u32) -> usize {
    let size = storage_size(element_storage(inst, ty));
    crate::GcHeap::array_size(len, size).unwrap_or(usize::MAX)
}

/// The element size of array type `ty` of the instance's module.
fn element_storage(inst: &crate::Instance, ty: u32) -> StorageType {
    inst.module().info.array_type_at(TypeIndex(ty)).0.storage
}

/// Bytes `offset..offset + len * size` of data segment `data`, or
/// `MemoryOutOfBounds` if they are not all there.
fn data_bytes(
    inst: &crate::Instance,
    data: u32,
    offset: u32,
    len: u32,
    size: u32,
) -> Result<&[u8], TrapCode> {
    let bytes = inst.data_segment(DataIndex(data));
    let n = u64::from(len) * u64::from(size);
    let end = u64::from(offset) + n;
    if end > bytes.len() as u64 {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    Ok(&bytes[offset as usize..end as usize])
}

/// Element `i` of an array being filled from the bytes of a data segment.
fn data_element(bytes: &[u8], size: u32, i: u32) -> u128 {
    let at = (i * size) as usize;
    let mut raw = [0u8; 16];
    raw[..size as usize].copy_from_slice(&bytes[at..at + size as usize]);
    u128::from_le_bytes(raw)
}

/// `array.new_data`: an array of module type `ty` with `len` elements read
/// from data segment `data` at byte `offset`.
pub(crate) unsafe extern "C" fn array_new_data(
    vmctx: *mut VMContext,
    ty: u32,
    data: u32,
    offset: u32,
    len: u32,
) -> *mut u8 {
    // SAFETY: as in `gc_alloc`.
    let inst = unsafe { instance(vmctx) };
    let size = storage_size(element_storage(inst, ty));
    let bytes = array_bytes(inst, ty, len);
    let r = data_bytes(inst, data, offset, len, size).and_then(|data| {
        // SAFETY: as in `gc_alloc`; a data segment is no GC object.
        unsafe {
            allocating(vmctx, bytes, || {
                inst.new_array(TypeIndex(ty), len, |i| data_element(data, size, i))
            })
        }
    });
    check(r) as *mut u8
}

/// `array.new_elem`: an array of module type `ty` with items
/// `offset..offset + len` of element segment `elem`.
pub(crate) unsafe extern "C" fn array_new_elem(
    vmctx: *mut VMContext,
    ty: u32,
    elem: u32,
    offset: u32,
    len: u32,
) -> *mut u8 {
    // SAFETY: as in `gc_alloc`.
    let inst = unsafe { instance(vmctx) };
    let bytes = array_bytes(inst, ty, len);
    let r = inst
        .element_items(ElemIndex(elem), offset, len)
        .and_then(|items| {
            // SAFETY: as in `gc_alloc`; the segment's items are roots of the
            // store, read only after allocating.
            unsafe {
                allocating(vmctx, bytes, || {
                    inst.new_array(TypeIndex(ty), len, |i| items.get(i as usize) as u128)
                })
            }
        });
    check(r) as *mut u8
}

/// `array.fill` after its bounds check: writes `len` elements of `size`
/// bytes from `dst`, each the low `size` bytes of `lo | hi << 64`.
pub(crate) unsafe extern "C" fn array_fill(
    _vmctx: *mut VMContext,
    dst: *mut u8,
    size: u32,
    lo: u64,
    hi: u64,
    len: u32,
) {
    let (size, total) = (size as usize, size as usize * len as usize);
    if total == 0 {
        return;
    }
    let value = (u128::from(hi) << 64 | u128::from(lo)).to_le_bytes();
    // SAFETY: compiled code checked that the `len` elements from `dst` are
    // inside the array. The first element is written, then what is written
    // so far is copied after itself until the range is full.
    unsafe {
        std::ptr::copy_nonoverlapping(value.as_ptr(), dst, size);
        let mut done = size;
        while done < total {
            let n = done.min(total - done);
            std::ptr::copy_nonoverlapping(dst, dst.add(done), n);
            done += n;
        }
    }
}

/// `array.copy` after its bounds checks: `bytes` bytes from `src` to `dst`
/// (which may overlap).
pub(crate) unsafe extern "C" fn array_copy(
    _vmctx: *mut VMContext,
    dst: *mut u8,
    src: *mut u8,
    bytes: u64,
) {
    // SAFETY: compiled code checked both ranges against their arrays.
    unsafe { std::ptr::copy(src, dst, bytes as usize) };
}

/// `array.init_data` after its array bounds check: `len` elements of `size`
/// bytes to `dst` from data segment `data` at byte `offset`.
pub(crate) unsafe extern "C" fn array_init_data(
    vmctx: *mut VMContext,
    dst: *mut u8,
    size: u32,
    data: u32,
    offset: u32,
    len: u32,
) {
    // SAFETY: as in `gc_alloc`.
    let inst = unsafe { instance(vmctx) };
    let bytes = check(data_bytes(inst, data, offset, len, size));
    // SAFETY: compiled code checked the destination range; a data segment
    // never aliases an object.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len()) };
}

/// `array.init_elem` after its array bounds check: items
/// `offset..offset + len` of element segment `elem` to the 8-byte elements
/// from `dst`.
pub(crate) unsafe extern "C" fn array_init_elem(
    vmctx: *mut VMContext,
    dst: *mut u8,
    elem: u32,
    offset: u32,
    len: u32,
) {
    // SAFETY: as in `gc_alloc`.
    let inst = unsafe { instance(vmctx) };
    let items = check(inst.element_items(ElemIndex(elem), offset, len));
    for i in 0..len as usize {
        // SAFETY: compiled code checked the destination range.
        unsafe {
            dst.cast::<usize>()
                .add(i)
                .write_unaligned(items.get(i) as usize)
        };
    }
}
