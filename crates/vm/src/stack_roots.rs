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
/// `store` on this thread, innermost first: empty if none does. `None`
/// when wasm runs on this thread but the current stack is not its (a host
/// function moved to another stack): then the frames cannot be read, and
/// nothing may be freed.
///
/// # Safety
/// If wasm runs on this thread, the caller must be runtime or host code
/// it called (directly or through host code), so that the stack below the
/// recorded exits is intact.
pub(crate) unsafe fn wasm_stack_roots(store: *const VMStoreContext) -> Option<Vec<usize>> {
    with_current_call(|innermost| {
        if !innermost.owns_stack_address(current_sp()) {
            return None;
        }
        let mut roots = Vec::new();
        // SAFETY: `store` is live while wasm runs on it (and is only
        // compared below otherwise).
        let mut exit = unsafe { ((*store).last_wasm_exit_fp, (*store).last_wasm_exit_pc) };
        let mut call = Some(innermost);
        while let Some(st) = call {
            if std::ptr::eq(st.store(), store) {
                // SAFETY: the caller's promise; `exit` is where this call's
                // wasm last called out.
                unsafe { frame_roots(st, exit, &mut roots) };
                exit = st.outer_exit();
            }
            call = st.outer();
        }
        Some(roots)
    })
    .unwrap_or(Some(Vec::new()))
}

/// Pushes onto `roots` the live references of the wasm frames of call
/// `st`, starting at the frame that called out at `exit` (frame pointer
/// and return address).
///
/// # Safety
/// `st` must be a live call on this thread whose wasm last called out at
/// `exit` and is stopped there.
unsafe fn frame_roots(st: &CallState, (fp, ret): (usize, usize), roots: &mut Vec<usize>) {
    if fp == 0 {
        return;
    }
    let mut visit = |fp: usize, ret: usize| {
        code_registry::with_stack_map(ret, |site| {
            for slot in site.slot_addresses(fp) {
                if slot.is_multiple_of(8) && st.owns_stack_address(slot) {
                    // SAFETY: a slot of a frame of this call, which is
                    // stopped at the call the map describes: mapped, aligned,
                    // and holding the reference the map says it does.
                    roots.push(unsafe { std::ptr::read_volatile(slot as *const usize) });
                }
            }
        });
    };
    visit(fp, ret);
    // SAFETY: the caller's promise.
    for (fp, ret) in unsafe { st.callers(fp) } {
        visit(fp, ret);
    }
}

/// Calls `f` with the references the wasm frames running on `store` on
/// this thread hold (see [`wasm_stack_roots`]); returns whether `f` ran. It
/// does not when the frames cannot be read, and then nothing may be freed.
///
/// # Safety
/// `store` must be a live store context. If wasm runs on this thread, the
/// caller must be a host function or runtime function it called (directly
/// or through host code).
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
