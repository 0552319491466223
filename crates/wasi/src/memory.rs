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
    let memory = match caller.get_export("memory") {
        Some(Extern::Memory(m)) => m,
        Some(Extern::SharedMemory(m)) => {
            // Other threads may access a shared memory concurrently, so it
            // is exposed only as `UnsafeCell`s, which wiggle accesses
            // without assuming exclusivity. `m` (a handle held until `f`
            // returns) keeps the memory alive, and it never shrinks.
            let cells: &[UnsafeCell<u8>] = m.data();
            return f(get_cx(caller.data_mut()), &mut GuestMemory::Shared(cells));
        }
        // No memory: every guest pointer is out of bounds (a trap).
        _ => {
            return f(
                get_cx(caller.data_mut()),
                &mut GuestMemory::Unshared(&mut []),
            );
        }
    };
    let bytes: &mut [u8] = memory.data_mut(&mut *caller);
    let bytes: *mut [u8] = bytes;
    let cx = get_cx(caller.data_mut());
    // SAFETY: `bytes` is valid for the whole call and disjoint from `cx`
    // (see the function's docs), and nothing else touches it until `f`
    // returns: `caller` is not used again, and an unshared memory is only
    // accessed by the thread running its store, which is running `f`.
    let bytes = unsafe { &mut *bytes };
    f(cx, &mut GuestMemory::Unshared(bytes))
}
