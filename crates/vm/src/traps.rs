//! Running wasm so that traps come back as values.
//!
//! Wasm runs on the caller's own stack. Entering it records a *landing*:
//! the callee-saved registers, stack pointer and a resume address, in
//! [`enter`]. A trap leaves wasm by restoring that landing, which makes
//! `enter` return 1, in one of two ways:
//! - a hardware fault (SIGSEGV/SIGBUS/SIGILL/SIGFPE) whose pc is a registered
//!   trap site and whose stack pointer is inside the running call: the
//!   signal handler rewrites the interrupted registers to the landing;
//! - a runtime function (builtin or host-call adapter) that decides to trap
//!   jumps to the landing with [`land`].
//!
//! Either way the frames skipped are JIT frames and runtime frames that own
//! nothing, so no destructor is missed and the process stays healthy.
//! Faults anywhere else are passed to the handler installed before ours.

use crate::code_registry::{self, FrameInfo};
use crate::exception::VMExceptionObject;
use crate::store_context::VMStoreContext;
use crate::vmcontext::{RawValue, VMFunctionBody, VMTrampoline};
use kiln_types::TrapCode;
use std::any::Any;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::sync::Once;

/// Native stack kept free below wasm's budget, at the end of the thread's
/// stack, for the host functions wasm calls at its deepest.
const HOST_RESERVE: usize = 256 << 10;
/// The least wasm stack an entry must have to start at all.
const MIN_WASM_STACK: usize = 16 << 10;
/// Most wasm frames a backtrace records.
const MAX_FRAMES: usize = 4096;

/// Why wasm stopped.
pub enum TrapReason {
    /// A wasm trap.
    Wasm(TrapCode),
    /// A host function returned an error (the embedder's error value).
    Host(Box<dyn Any + Send + Sync>),
    /// A host function panicked; the payload is resumed after wasm is left.
    Panic(Box<dyn Any + Send>),
    /// An exception no wasm handler caught (or, recorded by a host function,
    /// one to throw into the wasm that called it).
    Exception(ThrownObject),
    /// Wasm stopped without any reason having been recorded. This is a Kiln
    /// bug, never a wasm trap: the caller reports it as an internal error.
    Unrecorded,
}

impl std::fmt::Debug for TrapReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrapReason::Wasm(c) => write!(f, "Wasm({c:?})"),
            TrapReason::Host(_) => f.write_str("Host(..)"),
            TrapReason::Panic(_) => f.write_str("Panic(..)"),
            TrapReason::Exception(e) => write!(f, "Exception({:p})", e.0),
            TrapReason::Unrecorded => f.write_str("Unrecorded"),
        }
    }
}

/// An exception object of the store wasm ran in.
#[derive(Copy, Clone, Debug)]
pub struct ThrownObject(pub *mut VMExceptionObject);

// SAFETY: the object belongs to a store, which is used by one thread at a
// time; the pointer is only dereferenced by whoever holds that store.
unsafe impl Send for ThrownObject {}
// SAFETY: as above.
unsafe impl Sync for ThrownObject {}

/// A trap with the wasm frames that were live, innermost first.
#[derive(Debug)]
pub struct Trap {
    /// Why wasm stopped.
    pub reason: TrapReason,
    /// Wasm frames, innermost first.
    pub backtrace: Vec<FrameInfo>,
}

/// What a trap left behind, filled in without allocating (signal context).
struct Pending {
    reason: Option<TrapReason>,
    /// Raw pcs of wasm frames: the first `len` entries of this thread's
    /// frame buffer (`MAX_FRAMES` long).
    pcs: *mut usize,
    len: usize,
}

impl Pending {
    fn push(&mut self, pc: usize) {
        if self.len < MAX_FRAMES {
            // SAFETY: `pcs` is this thread's buffer of `MAX_FRAMES` entries.
            unsafe { *self.pcs.add(self.len) = pc };
            self.len += 1;
        }
    }
}

/// Where a trap resumes: the callee-saved registers and stack pointer
/// [`enter`] had, and the address that makes it return 1. The field order
/// is the offsets the assembly below uses.
#[repr(C)]
#[derive(Default)]
struct Landing {
    rsp: usize,
    rbp: usize,
    rbx: usize,
    r12: usize,
    r13: usize,
    r14: usize,
    r15: usize,
    rip: usize,
}

/// The functions [`enter`] calls: three pointer-sized arguments, System V
/// (the shape of a host→wasm trampoline).
type EntryFn = unsafe extern "C" fn(usize, usize, usize);

/// Records a landing in `landing`, then calls `f(a, b, c)`. Returns 0 when
/// `f` returns, 1 when something below it resumed the landing.
///
/// # Safety
/// `landing` must stay valid and unmoved until this returns; `f` must not
/// unwind.
#[unsafe(naked)]
unsafe extern "C" fn enter(landing: *mut Landing, f: EntryFn, a: usize, b: usize, c: usize) -> u32 {
    core::arch::naked_asm!(
        "mov [rdi + 8], rbp",
        "mov [rdi + 16], rbx",
        "mov [rdi + 24], r12",
        "mov [rdi + 32], r13",
        "mov [rdi + 40], r14",
        "mov [rdi + 48], r15",
        // Keep the caller's frame pointer (which also aligns the stack for
        // the call), and remember the stack pointer as the landing's.
        "push rbp",
        "mov [rdi], rsp",
        "lea rax, [rip + 2f]",
        "mov [rdi + 56], rax",
        "mov rax, rsi",
        "mov rdi, rdx",
        "mov rsi, rcx",
        "mov rdx, r8",
        // A zero frame pointer ends every walk of wasm's frame chain here,
        // before the host's frames (which need not keep frame pointers).
        "xor ebp, ebp",
        "call rax",
        "pop rbp",
        "xor eax, eax",
        "ret",
        // The landing: registers were restored by `land` or the handler.
        "2:",
        "pop rbp",
        "mov eax, 1",
        "ret",
    )
}

/// Resumes `landing`: the [`enter`] that recorded it returns 1.
///
/// # Safety
/// `landing` must belong to an [`enter`] that has not returned, on this
/// thread's stack, and every frame between must own nothing.
#[unsafe(naked)]
unsafe extern "C" fn land(landing: *const Landing) -> ! {
    core::arch::naked_asm!(
        "mov rbp, [rdi + 8]",
        "mov rbx, [rdi + 16]",
        "mov r12, [rdi + 24]",
        "mov r13, [rdi + 32]",
        "mov r14, [rdi + 40]",
        "mov r15, [rdi + 48]",
        "mov rsp, [rdi]",
        "jmp [rdi + 56]",
    )
}

/// State of one host→wasm call on this thread.
pub(crate) struct CallState {
    landing: UnsafeCell<Landing>,
    /// The store context wasm runs with (its exit frame starts backtraces
    /// of traps raised by builtins).
    store: *const VMStoreContext,
    /// The lowest stack address wasm may use in this call.
    stack_limit: usize,
    /// The stack pointer when the call entered; wasm's frames are below it.
    entry_sp: usize,
    pending: UnsafeCell<Pending>,
    prev: *const CallState,
    /// Where wasm had last called out of the store when this call entered
    /// (the exit of an enclosing call on the same store, if any): put back
    /// when the call returns, and where that enclosing call's wasm frames
    /// start meanwhile.
    outer_exit: (usize, usize),
}

impl CallState {
    /// Whether `sp` is a stack address of this call's wasm or runtime frames.
    pub(crate) fn owns_stack_address(&self, sp: usize) -> bool {
        sp < self.entry_sp && sp >= self.stack_limit.saturating_sub(HOST_RESERVE)
    }
}

/// What every call on a thread needs, set up by the thread's first call.
#[derive(Copy, Clone)]
struct ThreadInfo {
    /// The lowest usable address of the thread's stack (0 until set up).
    stack_low: usize,
    /// The thread's backtrace buffer, `MAX_FRAMES` long (owned by `FRAMES`).
    frames: *mut usize,
}

thread_local! {
    static CURRENT: Cell<*const CallState> = const { Cell::new(std::ptr::null()) };
    static THREAD: Cell<ThreadInfo> = const {
        Cell::new(ThreadInfo { stack_low: 0, frames: std::ptr::null_mut() })
    };
    /// Owns the buffer `THREAD.frames` points at (freed when the thread exits).
    static FRAMES: RefCell<FrameBuffer> = const { RefCell::new(FrameBuffer(Vec::new())) };
    static ALT_STACK: RefCell<Option<AltStack>> = const { RefCell::new(None) };
}

/// The storage behind `ThreadInfo::frames`.
struct FrameBuffer(Vec<usize>);

impl Drop for FrameBuffer {
    fn drop(&mut self) {
        // The buffer is going away with the thread: a call from a later
        // thread-local destructor sets the thread up again.
        let _ = THREAD.try_with(|c| {
            c.set(ThreadInfo {
                stack_low: 0,
                frames: std::ptr::null_mut(),
            })
        });
    }
}

/// This thread's stack bound and frame buffer. The first call on a thread
/// also installs the signal handlers (once per process), the thread's
/// alternate signal stack and its frame buffer, so later calls pay one
/// thread-local read.
#[inline]
fn thread_info() -> ThreadInfo {
    let info = THREAD.with(|c| c.get());
    if info.stack_low != 0 {
        return info;
    }
    init_thread()
}

#[cold]
fn init_thread() -> ThreadInfo {
    init_signal_handlers();
    init_alt_stack();
    let frames = FRAMES
        .try_with(|f| {
            let mut f = f.borrow_mut();
            f.0.resize(MAX_FRAMES, 0);
            f.0.as_mut_ptr()
        })
        // The thread is exiting and its buffer is gone: use one that is
        // never freed (this happens at most once per such thread).
        .unwrap_or_else(|_| Box::leak(vec![0; MAX_FRAMES].into_boxed_slice()).as_mut_ptr());
    // 1 (not 0) if the bounds cannot be found: initialised, no clamp.
    let mut low = 1;
    // SAFETY: querying this thread's attributes into zeroed structs, which
    // are destroyed after use.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) == 0 {
            let mut addr: *mut c_void = std::ptr::null_mut();
            let mut size = 0;
            if libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0 {
                // Leave the guard page region alone.
                low = addr as usize + rustix::param::page_size() * 4;
            }
            libc::pthread_attr_destroy(&mut attr);
        }
    }
    let info = ThreadInfo {
        stack_low: low,
        frames,
    };
    THREAD.with(|c| c.set(info));
    info
}

/// Runs `f` (which calls into wasm) with a budget of `max_wasm_stack` bytes
/// of this thread's stack, returning the trap if wasm trapped.
///
/// The outermost entry on a thread may use `max_wasm_stack` below its stack
/// pointer, and never the last 256 KiB of the thread's
/// stack. A nested entry (wasm called a host function that called wasm
/// again) keeps the enclosing limit, so recursion through the host is
/// bounded by one budget in total; with less than 16 KiB left it
/// traps at once.
///
/// # Safety
/// `store` must be valid for the whole call. `f` must not unwind, and must
/// not leave owned values on its stack across calls into wasm or runtime
/// functions that may trap (they are discarded, not dropped, when a trap
/// leaves wasm).
pub unsafe fn catch_traps<F: FnOnce()>(
    store: *mut VMStoreContext,
    max_wasm_stack: usize,
    f: F,
) -> Result<(), Box<Trap>> {
    /// Runs the caller's closure; `arg` is its `Option<F>`.
    unsafe extern "C" fn run<F: FnOnce()>(arg: usize, _: usize, _: usize) {
        // SAFETY: `arg` is the `Option<F>` below, alive during `enter`.
        let f = unsafe { &mut *(arg as *mut Option<F>) };
        (f.take().expect("a task runs once"))()
    }
    let mut f = Some(f);
    let arg = &mut f as *mut Option<F> as usize;
    // SAFETY: forwarded from the caller; `run` does not unwind (the
    // caller's guarantee for `f`).
    unsafe { call_entry(store, max_wasm_stack, run::<F>, arg, 0, 0) }
}

/// Calls a host→wasm trampoline, `trampoline(vmctx, body, values)`, as
/// [`catch_traps`] runs its closure: the fast path of every call into wasm.
///
/// # Safety
/// As for [`catch_traps`]; the trampoline must have `body`'s signature and
/// `values` room for its parameters and results.
#[inline]
pub unsafe fn call_wasm(
    store: *mut VMStoreContext,
    max_wasm_stack: usize,
    trampoline: VMTrampoline,
    vmctx: *mut c_void,
    body: *const VMFunctionBody,
    values: *mut RawValue,
) -> Result<(), Box<Trap>> {
    // SAFETY: a trampoline takes three pointers, as `EntryFn` does.
    let f = unsafe { std::mem::transmute::<VMTrampoline, EntryFn>(trampoline) };
    // SAFETY: forwarded from the caller.
    unsafe {
        call_entry(
            store,
            max_wasm_stack,
            f,
            vmctx as usize,
            body as usize,
            values as usize,
        )
    }
}

/// The body of [`catch_traps`] and [`call_wasm`]: runs `f(a, b, c)` with
/// the stack budget and landing set up.
#[inline]
unsafe fn call_entry(
    store: *mut VMStoreContext,
    max_wasm_stack: usize,
    f: EntryFn,
    a: usize,
    b: usize,
    c: usize,
) -> Result<(), Box<Trap>> {
    let thread = thread_info();
    let entry_sp = current_sp();
    let prev = CURRENT.with(|c| c.get());
    let mut stack_limit = entry_sp
        .saturating_sub(max_wasm_stack)
        .max(thread.stack_low.saturating_add(HOST_RESERVE));
    if !prev.is_null() {
        // SAFETY: `prev` is the live state of the enclosing call.
        stack_limit = stack_limit.max(unsafe { (*prev).stack_limit });
    }
    if entry_sp < stack_limit.saturating_add(MIN_WASM_STACK) {
        return Err(out_of_stack());
    }
    // SAFETY: the caller guarantees `store` is valid.
    let outer_exit = unsafe { ((*store).last_wasm_exit_fp, (*store).last_wasm_exit_pc) };
    let state = CallState {
        landing: UnsafeCell::new(Landing::default()),
        store,
        stack_limit,
        entry_sp,
        pending: UnsafeCell::new(Pending {
            reason: None,
            pcs: thread.frames,
            len: 0,
        }),
        prev,
        outer_exit,
    };
    // SAFETY: as above.
    let saved_limit = unsafe { (*store).stack_limit };
    // SAFETY: as above.
    unsafe { (*store).stack_limit = stack_limit };
    CURRENT.with(|c| c.set(&state));
    // SAFETY: the landing lives in `state` until `enter` returns; `f` does
    // not unwind (the caller's guarantee).
    let trapped = unsafe { enter(state.landing.get(), f, a, b, c) } != 0;
    CURRENT.with(|c| c.set(state.prev));
    // SAFETY: as above.
    unsafe {
        (*store).stack_limit = saved_limit;
        (*store).last_wasm_exit_fp = outer_exit.0;
        (*store).last_wasm_exit_pc = outer_exit.1;
    }
    if trapped {
        return Err(collect_trap(state.pending.into_inner()));
    }
    Ok(())
}

#[cold]
fn out_of_stack() -> Box<Trap> {
    Box::new(Trap {
        reason: TrapReason::Wasm(TrapCode::StackOverflow),
        backtrace: Vec::new(),
    })
}

/// The trap a call that landed recorded.
#[cold]
fn collect_trap(pending: Pending) -> Box<Trap> {
    let Pending { reason, pcs, len } = pending;
    // SAFETY: the trap recorded `len` pcs into this thread's buffer, which
    // nothing writes again until the next trap.
    let pcs = unsafe { std::slice::from_raw_parts(pcs, len) };
    let backtrace = pcs
        .iter()
        .flat_map(|pc| code_registry::lookup_frames(*pc))
        .collect();
    Box::new(Trap {
        reason: reason.unwrap_or(TrapReason::Unrecorded),
        backtrace,
    })
}

/// Records `fp` and `pc` (a wasm frame's frame pointer and a return address
/// into it) as where wasm last called out, so that a trap raised now has a
/// backtrace that starts there: what builtins' entry stubs do, for runtime
/// code that cannot reach the store context from its arguments.
pub(crate) fn record_exit_frame(fp: usize, pc: usize) {
    let st = CURRENT.with(|c| c.get());
    if st.is_null() {
        return;
    }
    // SAFETY: `st` is the live state of the innermost call on this thread,
    // whose store context is valid while wasm runs on it.
    unsafe {
        (*(*st).store.cast_mut()).last_wasm_exit_fp = fp;
        (*(*st).store.cast_mut()).last_wasm_exit_pc = pc;
    }
}

/// How much of this thread's native stack is left below the current frame
/// (0 if the thread never entered wasm).
pub(crate) fn native_stack_left() -> usize {
    let low = THREAD.with(|t| t.get().stack_low);
    if low == 0 {
        return 0;
    }
    current_sp().saturating_sub(low)
}

pub(crate) fn current_sp() -> usize {
    let sp: usize;
    // SAFETY: reads the stack-pointer register.
    unsafe {
        std::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    sp
}

/// Walks the frame-pointer chain from `fp`, recording wasm return addresses.
/// Only reads memory inside the current call's stack.
///
/// # Safety
/// Must run on the thread of `st`, while its stack is intact.
unsafe fn record_frames(st: &CallState, pc: Option<usize>, fp: usize) {
    // SAFETY: only this thread touches `pending` while wasm runs.
    let pending = unsafe { &mut *st.pending.get() };
    if let Some(pc) = pc {
        pending.push(pc);
    }
    // SAFETY: forwarded from the caller.
    for (_, ret) in unsafe { st.callers(fp) } {
        if pending.len >= MAX_FRAMES {
            break;
        }
        if code_registry::is_wasm_pc(ret.wrapping_sub(1)) {
            pending.push(ret - 1);
        }
    }
}

/// The wasm frames of this thread's innermost call into wasm, innermost
/// first, as seen from the runtime code wasm last called (a builtin or a
/// host function); empty outside wasm.
pub fn current_backtrace() -> Vec<FrameInfo> {
    with_current_call(|st| {
        let (fp, ret) = st.last_exit();
        let mut pcs = Vec::new();
        let pc = ret.wrapping_sub(1);
        if code_registry::is_wasm_pc(pc) {
            pcs.push(pc);
        }
        // SAFETY: wasm is running on this thread below `st`'s entry, and
        // the recorded exit frame belongs to it.
        for (_, ret) in unsafe { st.callers(fp) } {
            if pcs.len() >= MAX_FRAMES {
                break;
            }
            if code_registry::is_wasm_pc(ret.wrapping_sub(1)) {
                pcs.push(ret - 1);
            }
        }
        pcs.into_iter()
            .flat_map(code_registry::lookup_frames)
            .collect()
    })
    .unwrap_or_default()
}

/// Runs `f` on the state of the innermost call into wasm on this thread.
pub(crate) fn with_current_call<R>(f: impl FnOnce(&CallState) -> R) -> Option<R> {
    let st = CURRENT.with(|c| c.get());
    // SAFETY: a non-null `CURRENT` is the live state of this thread's
    // innermost call.
    (!st.is_null()).then(|| f(unsafe { &*st }))
}

impl CallState {
    /// The frames above the one whose frame pointer is `fp`, innermost
    /// first: each caller's frame pointer and the return address into it.
    /// Only reads memory inside this call's stack, and ends where the chain
    /// leaves it or stops growing (at the entry, whose frame pointer is 0).
    /// Allocates nothing (the signal handler uses it).
    ///
    /// # Safety
    /// Must run on this call's thread, while its stack is intact.
    pub(crate) unsafe fn callers(&self, mut fp: usize) -> impl Iterator<Item = (usize, usize)> {
        std::iter::from_fn(move || {
            if fp == 0
                || !fp.is_multiple_of(8)
                || !self.owns_stack_address(fp)
                || !self.owns_stack_address(fp + 8)
            {
                return None;
            }
            // SAFETY: `fp` and `fp + 8` lie in this call's stack (checked
            // above): a saved frame pointer and a return address.
            let (next, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
            if next <= fp {
                return None;
            }
            fp = next;
            Some((next, ret))
        })
    }

    /// The store context this call runs wasm with.
    pub(crate) fn store(&self) -> *const VMStoreContext {
        self.store
    }

    /// The call this one is nested in, if any.
    pub(crate) fn outer(&self) -> Option<&CallState> {
        // SAFETY: the chain links the live states of enclosing calls.
        (!self.prev.is_null()).then(|| unsafe { &*self.prev })
    }

    /// Where the store's wasm had last called out when this call entered
    /// (see the field).
    pub(crate) fn outer_exit(&self) -> (usize, usize) {
        self.outer_exit
    }

    /// Where wasm last called out: the frame pointer and return address
    /// the builtins' entry stubs recorded.
    pub(crate) fn last_exit(&self) -> (usize, usize) {
        // SAFETY: the store context is valid while wasm runs on it.
        unsafe {
            (
                (*self.store).last_wasm_exit_fp,
                (*self.store).last_wasm_exit_pc,
            )
        }
    }
}

/// Takes the exception a host function recorded to be thrown, if that is
/// what the innermost call recorded.
pub(crate) fn take_recorded_exception() -> Option<ThrownObject> {
    with_current_call(|st| {
        // SAFETY: only this thread touches `pending` while wasm runs.
        let pending = unsafe { &mut *st.pending.get() };
        match pending.reason {
            Some(TrapReason::Exception(e)) => {
                pending.reason = None;
                Some(e)
            }
            _ => None,
        }
    })
    .flatten()
}

/// Records why the current host call failed; the adapter then calls the
/// `Raise` builtin. Returns `false` if no wasm call is active on this thread.
pub fn record_host_trap(reason: TrapReason) -> bool {
    let st = CURRENT.with(|c| c.get());
    if st.is_null() {
        return false;
    }
    // SAFETY: `st` is the live state of the innermost call on this thread.
    unsafe { (*(*st).pending.get()).reason = Some(reason) };
    true
}

/// Leaves wasm with the trap already recorded (or `code` if none was).
///
/// # Safety
/// Must be called from a runtime function that wasm called on this thread,
/// with nothing owned live on the stack below the entry into wasm.
pub(crate) unsafe fn raise(code: TrapCode) -> ! {
    let st = CURRENT.with(|c| c.get());
    assert!(!st.is_null(), "raise outside of wasm");
    {
        // SAFETY: `st` is live; only this thread touches `pending`.
        let pending = unsafe { &mut *(*st).pending.get() };
        if pending.reason.is_none() {
            pending.reason = Some(TrapReason::Wasm(code));
        }
    }
    // SAFETY: as required of our caller.
    unsafe { raise_recorded() }
}

/// Leaves wasm with whatever trap reason has been recorded; if none was,
/// the caller of wasm gets [`TrapReason::Unrecorded`].
///
/// # Safety
/// As for [`raise`].
pub(crate) unsafe fn raise_recorded() -> ! {
    let st = CURRENT.with(|c| c.get());
    assert!(!st.is_null(), "raise outside of wasm");
    // SAFETY: `st` is live (we are below its entry).
    let st = unsafe { &*st };
    // The builtin's entry stub recorded the wasm frame that called it: start
    // the backtrace there (Rust frames need no frame pointers). Its return
    // address is in a wasm function, unless the caller was a host-call
    // adapter, whose frame chain leads on into wasm.
    // SAFETY: the store context is valid while wasm runs on it.
    let (fp, ret) = unsafe { ((*st.store).last_wasm_exit_fp, (*st.store).last_wasm_exit_pc) };
    let pc = Some(ret.wrapping_sub(1)).filter(|pc| code_registry::is_wasm_pc(*pc));
    // SAFETY: we are on this call's stack, inside wasm's call chain.
    unsafe { record_frames(st, pc, fp) };
    // SAFETY: the landing belongs to the live `enter` of this call, and the
    // frames in between are wasm and runtime frames that own nothing.
    unsafe { land(st.landing.get()) }
}

// ---- signals ----

const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];
static mut PREV: [MaybeUninit<libc::sigaction>; 4] = [const { MaybeUninit::uninit() }; 4];

fn init_signal_handlers() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        for (i, sig) in SIGNALS.iter().enumerate() {
            // SAFETY: installing a handler with a zeroed, fully initialised
            // `sigaction`; the previous one is saved for chaining before any
            // fault can reach ours (`Once` orders the writes).
            unsafe {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = handler as *const () as usize;
                sa.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER | libc::SA_ONSTACK;
                libc::sigemptyset(&mut sa.sa_mask);
                let prev = &raw mut PREV[i];
                if libc::sigaction(*sig, &sa, (*prev).as_mut_ptr()) != 0 {
                    panic!("failed to install the wasm trap handler");
                }
            }
        }
    });
}

unsafe extern "C" fn handler(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
    let uc = unsafe { &mut *(ctx as *mut libc::ucontext_t) };
    let gregs = &mut uc.uc_mcontext.gregs;
    let pc = gregs[libc::REG_RIP as usize] as usize;
    let sp = gregs[libc::REG_RSP as usize] as usize;
    let fp = gregs[libc::REG_RBP as usize] as usize;
    let st = CURRENT.with(|c| c.get());
    if !st.is_null() {
        // SAFETY: `st` is the live state of this thread's innermost call.
        let st = unsafe { &*st };
        if st.owns_stack_address(sp)
            && let Some(code) = code_registry::lookup_trap(pc)
        {
            // SAFETY: only this thread touches `pending`; the push stays
            // within reserved capacity, so nothing allocates.
            unsafe {
                (*st.pending.get()).reason = Some(TrapReason::Wasm(code));
                record_frames(st, Some(pc), fp);
            }
            // Resume at the call's landing when the handler returns.
            // SAFETY: the landing was written by `enter` before wasm ran.
            let l = unsafe { &*st.landing.get() };
            gregs[libc::REG_RIP as usize] = l.rip as i64;
            gregs[libc::REG_RSP as usize] = l.rsp as i64;
            gregs[libc::REG_RBP as usize] = l.rbp as i64;
            gregs[libc::REG_RBX as usize] = l.rbx as i64;
            gregs[libc::REG_R12 as usize] = l.r12 as i64;
            gregs[libc::REG_R13 as usize] = l.r13 as i64;
            gregs[libc::REG_R14 as usize] = l.r14 as i64;
            gregs[libc::REG_R15 as usize] = l.r15 as i64;
            return;
        }
    }
    // SAFETY: not ours: hand the signal to whoever was installed before.
    unsafe { chain(sig, info, ctx) }
}

unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let i = SIGNALS.iter().position(|s| *s == sig).unwrap();
    // SAFETY: `PREV[i]` was initialised before our handler was installed.
    let prev = unsafe { (&raw const PREV[i]).as_ref().unwrap().assume_init_ref() };
    let h = prev.sa_sigaction;
    if h == libc::SIG_DFL || h == libc::SIG_IGN {
        // Restore the default and return: the faulting instruction runs again
        // and the default action (core dump) happens, as without Kiln.
        // SAFETY: resetting a signal disposition is always allowed.
        unsafe { libc::signal(sig, libc::SIG_DFL) };
    } else if prev.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: the previous handler asked for the three-argument form.
        let f: unsafe extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { std::mem::transmute(h) };
        // SAFETY: forwarding exactly what the kernel gave us.
        unsafe { f(sig, info, ctx) }
    } else {
        // SAFETY: the previous handler uses the one-argument form.
        let f: unsafe extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(h) };
        // SAFETY: as above.
        unsafe { f(sig) }
    }
}

/// A per-thread alternate signal stack, so faults are handled even when the
/// thread's own stack is exhausted.
struct AltStack {
    base: *mut libc::c_void,
    len: usize,
}

const ALT_STACK_SIZE: usize = 256 * 1024;

fn init_alt_stack() {
    ALT_STACK.with(|a| {
        let mut a = a.borrow_mut();
        if a.is_some() {
            return;
        }
        // SAFETY: querying the current alternate stack into a zeroed struct.
        let mut old: libc::stack_t = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        unsafe { libc::sigaltstack(std::ptr::null(), &mut old) };
        if old.ss_flags & libc::SS_DISABLE == 0 && old.ss_size >= ALT_STACK_SIZE {
            return;
        }
        let page = rustix::param::page_size();
        let len = ALT_STACK_SIZE + page;
        // SAFETY: a fresh private mapping; the first page stays a guard.
        let Ok(base) = (unsafe {
            rustix::mm::mmap_anonymous(
                std::ptr::null_mut(),
                len,
                rustix::mm::ProtFlags::READ | rustix::mm::ProtFlags::WRITE,
                rustix::mm::MapFlags::PRIVATE,
            )
        }) else {
            return;
        };
        // SAFETY: protecting the first page of our own mapping.
        unsafe {
            let _ = rustix::mm::mprotect(base, page, rustix::mm::MprotectFlags::empty());
        }
        let st = libc::stack_t {
            // SAFETY: `page < len`.
            ss_sp: unsafe { base.cast::<u8>().add(page).cast() },
            ss_flags: 0,
            ss_size: ALT_STACK_SIZE,
        };
        // SAFETY: `st` describes memory we own until the thread exits.
        if unsafe { libc::sigaltstack(&st, std::ptr::null_mut()) } == 0 {
            *a = Some(AltStack { base, len });
        }
    });
}

impl Drop for AltStack {
    fn drop(&mut self) {
        let off = libc::stack_t {
            ss_sp: std::ptr::null_mut(),
            ss_flags: libc::SS_DISABLE,
            ss_size: 0,
        };
        // SAFETY: disabling our alternate stack before unmapping it; the
        // thread is exiting and handles no more signals on it.
        unsafe {
            libc::sigaltstack(&off, std::ptr::null_mut());
            let _ = rustix::mm::munmap(self.base, self.len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    /// `enter` zeroes `rbp` for wasm's frame walks; its caller must get
    /// its own back, which Rust code may use as its frame pointer or as any
    /// callee-saved register.
    #[test]
    fn enter_gives_its_caller_back_its_frame_pointer() {
        unsafe extern "C" fn callee(_: usize, _: usize, _: usize) {}
        let mut landing = Landing::default();
        let after: usize;
        // SAFETY: calls `enter` with a landing that outlives it and a callee
        // that returns; rbp and rbx are saved and restored around it, and
        // the stack is aligned for the call.
        unsafe {
            core::arch::asm!(
                "push rbp",
                "push rbx",
                "mov rbx, rsp",
                "and rsp, -16",
                "mov rbp, 0x1234567",
                "call {enter}",
                "mov rax, rbp",
                "mov rsp, rbx",
                "pop rbx",
                "pop rbp",
                enter = sym enter,
                lateout("rax") after,
                in("rdi") &mut landing as *mut Landing,
                in("rsi") callee as EntryFn,
                in("rdx") 0usize,
                in("rcx") 0usize,
                in("r8") 0usize,
                clobber_abi("C"),
            );
        }
        assert_eq!(after, 0x1234567);
    }

    fn run(f: impl FnOnce()) -> Result<(), Box<Trap>> {
        let epoch = AtomicU64::new(0);
        let mut store = VMStoreContext::new(&epoch, std::ptr::null());
        // SAFETY: `store` outlives the call; `f` owns nothing on the wasm stack.
        unsafe { catch_traps(&mut store, 1 << 20, f) }
    }

    #[test]
    fn a_trap_without_a_reason_is_not_unreachable() {
        // SAFETY: called inside `catch_traps`, with nothing owned live.
        let trap = run(|| unsafe { raise_recorded() }).unwrap_err();
        assert!(
            matches!(trap.reason, TrapReason::Unrecorded),
            "{:?}",
            trap.reason
        );
    }

    #[test]
    fn raise_records_its_code_unless_one_was_recorded() {
        // SAFETY: as above.
        let trap = run(|| unsafe { raise(TrapCode::IntegerOverflow) }).unwrap_err();
        assert!(matches!(
            trap.reason,
            TrapReason::Wasm(TrapCode::IntegerOverflow)
        ));
        let trap = run(|| {
            assert!(record_host_trap(TrapReason::Wasm(TrapCode::NullReference)));
            // SAFETY: as above.
            unsafe { raise(TrapCode::IntegerOverflow) }
        })
        .unwrap_err();
        assert!(matches!(
            trap.reason,
            TrapReason::Wasm(TrapCode::NullReference)
        ));
        assert!(run(|| {}).is_ok());
    }
}
