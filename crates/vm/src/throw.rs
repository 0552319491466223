//! Throwing: finding the handler of an exception and resuming there.
//!
//! Compiled code makes every call inside a `try_table` a Cranelift
//! `try_call`, whose callee is always of the `tail` convention, so that on
//! the exceptional edge the catching frame assumes every register
//! clobbered. Cranelift records each such call site: its return address,
//! its frame's stack pointer as an offset below the frame pointer, where
//! the frame saved its vmctx, and its handlers in the order to try them
//! (see [`kiln_types::ExceptionCallSite`]).
//!
//! A throw (the `Throw`/`ThrowRef` builtins, or a host function's
//! exception raised by its adapter) walks the frame-pointer chain from the
//! wasm frame that called out, within the current call into wasm only.
//! At the first call site with a matching handler it resumes there with
//! the frame's frame pointer and stack pointer restored and the exception
//! in `rax`; the frames skipped are wasm and runtime frames that own
//! nothing. With no handler, wasm is left as for a trap, and the caller of
//! wasm gets the exception.

use crate::code_registry;
use crate::exception::VMExceptionObject;
use crate::instance::Instance;
use crate::store_context::VMStoreContext;
use crate::traps::{CallState, ThrownObject, TrapReason, raise_recorded, with_current_call};
use crate::vmcontext::{RawValue, VMContext};
use kiln_types::ExceptionHandler;

/// Where a handler resumes.
struct Resume {
    pc: usize,
    sp: usize,
    fp: usize,
}

/// Throws `exn` from the runtime function wasm called.
///
/// # Safety
/// Must be called from a runtime function that wasm called on this thread
/// (so the store's last exit frame is that call's), with nothing owned live
/// on the stack below the entry into wasm; `exn` must be an object of the
/// store wasm runs in.
pub(crate) unsafe fn throw(exn: *mut VMExceptionObject) -> ! {
    // SAFETY: the caller guarantees `exn` is a live object of this store.
    let tag = unsafe { (*exn).tag() };
    let target = with_current_call(|call| find_handler(call, tag)).flatten();
    match target {
        // SAFETY: the handler's frame is live below the entry into wasm and
        // expects exactly this state; everything above it owns nothing.
        Some(r) => unsafe { resume(r.pc, r.sp, r.fp, exn) },
        None => {
            crate::traps::record_host_trap(TrapReason::Exception(ThrownObject(exn)));
            // SAFETY: as required of our caller.
            unsafe { raise_recorded() }
        }
    }
}

/// The innermost handler for an exception with store tag `tag`, among the
/// wasm frames of `call`.
fn find_handler(call: &CallState, tag: u32) -> Option<Resume> {
    let (fp, ret) = call.last_exit();
    // SAFETY: we run on `call`'s thread, inside its wasm call chain.
    let callers = unsafe { call.callers(fp) };
    std::iter::once((fp, ret))
        .chain(callers)
        .find_map(|(fp, ret)| handler_at(call, fp, ret, tag))
}

/// The handler for an exception with store tag `tag` at the call whose
/// return address is `ret`, made by the frame whose frame pointer is `fp`.
fn handler_at(call: &CallState, fp: usize, ret: usize, tag: u32) -> Option<Resume> {
    code_registry::with_exception_site(ret, |site, start| {
        let sp = fp.checked_sub(site.frame_offset as usize)?;
        let slot = sp.checked_add(site.vmctx_offset as usize)?;
        if !call.owns_stack_address(slot) || !slot.is_multiple_of(8) {
            return None;
        }
        // SAFETY: the slot lies in this call's stack, in the live frame of
        // the call site, where compiled code saved its vmctx.
        let vmctx = unsafe { *(slot as *const *mut VMContext) };
        site.handlers.iter().find_map(|h| {
            let pc = match *h {
                ExceptionHandler::All { pc } => pc,
                ExceptionHandler::Tag { tag: t, pc } => {
                    // SAFETY: the frame's vmctx is a live instance's.
                    let inst = unsafe { &*Instance::from_vmctx(vmctx) };
                    if inst.tag_id(t) != tag {
                        return None;
                    }
                    pc
                }
            };
            Some(Resume {
                pc: start + pc as usize,
                sp,
                fp,
            })
        })
    })
}

/// Has the store's exception objects collected if enough have been made
/// since the last collection. Called by the `Throw` builtin before it
/// allocates, with `payload` the values it is about to throw (in a buffer
/// no stack map lists). The roots on the stack are the
/// references the running wasm frames hold, read through their stack maps
/// (see `stack_roots`), and `payload`; if the frames cannot be read,
/// nothing is collected.
///
/// # Safety
/// Must be called from a runtime function that wasm running on `store`
/// called on this thread, holding no exception object's address but in
/// the wasm frames' stack-map slots and `payload`.
pub(crate) unsafe fn collect_if_due(store: &VMStoreContext, payload: &[RawValue]) {
    if !store.exceptions.collection_due() {
        return;
    }
    let Some(hook) = store.exception_hook else {
        return;
    };
    // SAFETY: the caller's promise, passed on.
    let Some(frames) = (unsafe { crate::stack_roots::wasm_stack_roots(store) }) else {
        // Not now (wasm of the store runs on another thread, say); not at
        // every throw from here on either.
        store.exceptions.postpone_collection();
        return;
    };
    let payload: Vec<usize> = payload.iter().map(|v| v.ptr() as usize).collect();
    // SAFETY: the hook matches the store (set by the embedder with it), and
    // no wasm runs on the store while the hook runs.
    unsafe { hook(store.store, &[&frames, &payload]) }
}

/// Jumps to a handler: `rbp = fp`, `rsp = sp`, the exception in `rax`
/// (Cranelift's first exception payload register) and 0 in `rdx` (the
/// second, unused).
///
/// # Safety
/// `pc`, `sp` and `fp` must be a handler of a live frame on this stack and
/// that frame's stack and frame pointers.
#[unsafe(naked)]
unsafe extern "C" fn resume(pc: usize, sp: usize, fp: usize, exn: *mut VMExceptionObject) -> ! {
    core::arch::naked_asm!(
        "mov rbp, rdx",
        "mov rsp, rsi",
        "mov rax, rcx",
        "xor edx, edx",
        "jmp rdi",
    )
}
