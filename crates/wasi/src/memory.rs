//! Memory glue: lends a WASI call the context and the caller's linear memory
//! at the same time.

use kiln::{Caller, Extern};
use std::cell::UnsafeCell;
use wasi_common::WasiCtx;
use wiggle::GuestMemory;

/// Runs `f` with the [`WasiCtx`] found by `get_cx` in the store's data and
/// the calling instance's exported `memory` (empty if it exports none).
///
/// Both live in the store, so both are reached through `caller`, and
/// handing out both at once takes a raw pointer. It is sound because they
/// are disjoint: the memory's bytes live in the linear memory's own mapping
/// (owned through the store's list of memories), while the context borrows
/// into the store's data `T`, a separate field of the store. The mapping is
/// neither moved nor freed during the call: only growth remaps it, growth
/// needs the store, and neither `f` nor wasi-common can reach the store.
pub(crate) fn with_guest_memory<T, R>(
    caller: &mut Caller<'_, T>,
    get_cx: impl Fn(&mut T) -> &mut WasiCtx,
    f: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>) -> R,
) -> R {
    let Some(memory) = caller.get_export("memory").and_then(Extern::into_memory) else {
        // No memory: every guest pointer is out of bounds (a trap).
        return f(
            get_cx(caller.data_mut()),
            &mut GuestMemory::Unshared(&mut []),
        );
    };
    let shared = memory.ty(&*caller).shared;
    let bytes: *mut [u8] = memory.data_mut(&mut *caller);
    let cx = get_cx(caller.data_mut());
    if shared {
        let len = bytes.len();
        // SAFETY: `bytes` is valid for `len` bytes for the whole call (see
        // the function's docs). Other threads may access a shared memory
        // concurrently, so it is exposed only as `UnsafeCell`s, which wiggle
        // accesses without assuming exclusivity; `UnsafeCell<u8>` has the
        // layout of `u8`.
        let cells = unsafe { std::slice::from_raw_parts(bytes as *const UnsafeCell<u8>, len) };
        f(cx, &mut GuestMemory::Shared(cells))
    } else {
        // SAFETY: `bytes` is valid for the whole call and disjoint from `cx`
        // (see the function's docs), and nothing else touches it until `f`
        // returns: `caller` is not used again, and an unshared memory is only
        // accessed by the thread running its store, which is running `f`.
        let bytes = unsafe { &mut *bytes };
        f(cx, &mut GuestMemory::Unshared(bytes))
    }
}
