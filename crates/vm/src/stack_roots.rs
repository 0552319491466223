//! The GC references held by running wasm frames, read through the stack
//! maps compiled code comes with.
//!
//! Every wasm frame on the stack during a collection is stopped at a call
//! (to a builtin, a host function or another wasm function), and the call's
//! stack map lists the slots of the frame's live references. The frames of
//! one call into wasm are walked along the frame-pointer chain from where
//! wasm last called out; a store's calls nested through host functions
//! each keep where the enclosing one had called out. Runtime and host
//! frames hold no references the collector needs: builtins take none that
//! they use after allocating, and host code holds rooted handles.

use crate::code_registry;
use crate::store_context::VMStoreContext;
use crate::traps::{CallState, current_sp, with_current_call};

/// The values of every stack-map slot of the wasm frames that run on
/// `store`, innermost first: empty if none does. `None` when those frames
/// cannot all be read, and then nothing may be freed:
/// - wasm of the store runs on another thread (a host function handed its
///   `Caller` to a thread that collects, or calls wasm again from there);
/// - this thread runs wasm, but the current stack is not its (a host
///   function moved to another stack);
/// - a stack map names a slot outside its call's stack (a bug; in stress
///   mode it panics).
///
/// # Safety
/// `store` must be a live store context. If wasm runs on this thread, the
/// caller must be runtime or host code it called (directly or through
/// host code), so that the stack below the recorded exits is intact.
pub(crate) unsafe fn wasm_stack_roots(store: *const VMStoreContext) -> Option<Vec<usize>> {
    // SAFETY: the caller's promise.
    let store_ref = unsafe { &*store };
    let mut roots = Vec::new();
    // Where the next enclosing call on the store, from here out, last
    // called out of wasm. Exits are restored as calls return, so this is 0
    // exactly when no wasm of the store runs outside the calls walked.
    let mut exit = (store_ref.last_wasm_exit_fp, store_ref.last_wasm_exit_pc);
    let walked = with_current_call(|innermost| {
        if !innermost.owns_stack_address(current_sp()) {
            return false;
        }
        let mut call = Some(innermost);
        while let Some(st) = call {
            if std::ptr::eq(st.store(), store) {
                // SAFETY: the caller's promise; `exit` is where this call's
                // wasm last called out.
                if !unsafe { frame_roots(st, exit, store_ref, &mut roots) } {
                    return false;
                }
                exit = st.outer_exit();
            }
            call = st.outer();
        }
        true
    });
    (walked != Some(false) && exit.0 == 0).then_some(roots)
}

/// Pushes onto `roots` the live references of the wasm frames of call
/// `st` of `store`, starting at the frame that called out at `exit` (frame
/// pointer and return address). Returns `false` if a stack map names a
/// slot outside the call's stack.
///
/// # Safety
/// `st` must be a live call on this thread whose wasm last called out at
/// `exit` and is stopped there.
unsafe fn frame_roots(
    st: &CallState,
    (fp, ret): (usize, usize),
    store: &VMStoreContext,
    roots: &mut Vec<usize>,
) -> bool {
    if fp == 0 {
        return true;
    }
    let mut visit = |fp: usize, ret: usize| {
        code_registry::with_stack_map(ret, |site| {
            for slot in site.slot_addresses(fp) {
                if !slot.is_multiple_of(8) || !st.owns_stack_address(slot) {
                    assert!(
                        !store.gc_heap.stress(),
                        "a stack map names slot {slot:#x}, outside its frame's stack"
                    );
                    return false;
                }
                // SAFETY: a slot of a frame of this call, which is stopped
                // at the call the map describes: mapped, aligned, and
                // holding the reference the map says it does.
                roots.push(unsafe { std::ptr::read_volatile(slot as *const usize) });
            }
            true
        })
        .unwrap_or(true)
    };
    if !visit(fp, ret) {
        return false;
    }
    // SAFETY: the caller's promise.
    unsafe { st.callers(fp) }.all(|(fp, ret)| visit(fp, ret))
}

/// Calls `f` with the references the wasm frames running on `store` on
/// this thread hold (see [`wasm_stack_roots`]); returns whether `f` ran. It
/// does not when the frames cannot be read, and then nothing may be freed.
///
/// # Safety
/// As for [`wasm_stack_roots`].
pub unsafe fn with_gc_stack_roots(store: *const VMStoreContext, f: impl FnOnce(&[usize])) -> bool {
    // SAFETY: the caller's promise.
    match unsafe { wasm_stack_roots(store) } {
        Some(roots) => {
            f(&roots);
            true
        }
        None => false,
    }
}
