//! Running wasm so that traps come back as values.
//!
//! Wasm runs on its own stack, a `corosensei` coroutine. A trap ends the
//! coroutine in one of two ways:
//! - a hardware fault (SIGSEGV/SIGBUS/SIGILL/SIGFPE) whose pc is a registered
//!   trap site: the signal handler rewrites the interrupted registers so the
//!   coroutine returns `false`;
//! - a runtime function (builtin or host-call adapter) that decides to trap:
//!   it suspends the coroutine, which is then reset.
//!
//! Either way no Rust frame is unwound and nothing owned is live on the wasm
//! stack, so the process stays healthy. Faults anywhere else are passed to
//! the handler that was installed before ours.

use crate::code_registry::{self, FrameInfo};
use crate::store_context::VMStoreContext;
use corosensei::stack::{DefaultStack, Stack};
use corosensei::trap::CoroutineTrapHandler;
use corosensei::{Coroutine, CoroutineResult, Yielder};
use kiln_types::TrapCode;
use std::any::Any;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::mem::MaybeUninit;
use std::sync::Once;

/// Stack space kept below the wasm budget for host functions wasm calls:
/// as much as a main thread gets by default. It is address space, not
/// memory: only the pages host code actually touches are ever committed.
const HOST_STACK_HEADROOM: usize = 8 << 20;
/// The least wasm stack a nested entry must have left to start at all.
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
    /// Wasm stopped without any reason having been recorded: a bug in Kiln
    /// (never reported as a wasm trap such as `unreachable`).
    Unrecorded,
}

impl std::fmt::Debug for TrapReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrapReason::Wasm(c) => write!(f, "Wasm({c:?})"),
            TrapReason::Host(_) => f.write_str("Host(..)"),
            TrapReason::Panic(_) => f.write_str("Panic(..)"),
            TrapReason::Unrecorded => f.write_str("Unrecorded"),
        }
    }
}

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
    /// Raw pcs of wasm frames (capacity reserved up front).
    pcs: Vec<usize>,
}

/// The work an executor runs: the caller's closure, its lifetime erased
/// (it is only called while the caller waits in `catch_traps`).
type Task = *mut dyn FnMut();

/// How an executor's task ended without the coroutine returning.
enum Yielded {
    /// The task finished; the executor is ready for the next one.
    Done,
    /// A runtime function raised a trap; the executor must be reset.
    Trapped,
}

type ExecutorCoroutine = Coroutine<Task, Yielded, bool, DefaultStack>;

/// A wasm stack with a coroutine parked on it, reused across calls so a
/// call costs two stack switches and no set-up.
struct Executor {
    co: ExecutorCoroutine,
    /// Highest address of the stack (it grows down).
    base: usize,
    /// Usable bytes below `base`.
    size: usize,
}

impl Executor {
    fn new(stack: DefaultStack) -> Executor {
        let base = stack.base().get();
        let size = base - stack.limit().get();
        let co = Coroutine::with_stack(
            stack,
            |y: &Yielder<Task, Yielded>, mut task: Task| -> bool {
                loop {
                    let st = CURRENT.with(|c| c.get());
                    // SAFETY: `st` is the state of the call that resumed us and
                    // `task` its closure; both live until we yield back to it.
                    unsafe {
                        (*st).yielder.set(y as *const _);
                        (*task)();
                    }
                    task = y.suspend(Yielded::Done);
                }
            },
        );
        Executor { co, base, size }
    }

    /// Replaces a coroutine that a trap ended with a fresh one on the same stack.
    fn reset(self) -> Executor {
        Executor::new(self.co.into_stack())
    }
}

/// State of one host→wasm call on this thread.
struct CallState {
    handler: CoroutineTrapHandler<bool>,
    /// The store context wasm runs with (its exit frame starts backtraces
    /// of traps raised by builtins).
    store: *const VMStoreContext,
    /// The lowest stack address wasm may use in this call.
    stack_limit: usize,
    /// The lowest usable address of the executor's stack; its guard page
    /// lies just below.
    stack_bottom: usize,
    yielder: Cell<*const Yielder<Task, Yielded>>,
    pending: UnsafeCell<Pending>,
    prev: *const CallState,
}

thread_local! {
    static CURRENT: Cell<*const CallState> = const { Cell::new(std::ptr::null()) };
    static EXECUTORS: RefCell<Vec<Executor>> = const { RefCell::new(Vec::new()) };
    static PCS: RefCell<Vec<Vec<usize>>> = const { RefCell::new(Vec::new()) };
    static ALT_STACK: RefCell<Option<AltStack>> = const { RefCell::new(None) };
}

/// An executor with at least `size` usable bytes of stack, from this
/// thread's pool or new (nested calls each need their own).
fn take_executor(size: usize) -> std::io::Result<Executor> {
    let cached = EXECUTORS.with(|e| {
        let mut e = e.borrow_mut();
        let i = e.iter().position(|x| x.size >= size)?;
        Some(e.swap_remove(i))
    });
    match cached {
        Some(x) => Ok(x),
        None => Ok(Executor::new(DefaultStack::new(size)?)),
    }
}

fn return_executor(x: Executor) {
    EXECUTORS.with(|e| {
        let mut e = e.borrow_mut();
        if e.len() < 4 {
            e.push(x);
        }
    });
}

/// Runs `f` (which calls into wasm) on a fresh wasm stack with a budget of
/// `max_wasm_stack` bytes, returning the trap if wasm trapped.
///
/// # Safety
/// `store` must be valid for the whole call. `f` must not leave owned values
/// on its stack across calls into wasm or runtime functions that may trap
/// (they are discarded, not dropped, when a trap ends the coroutine).
pub unsafe fn catch_traps<F: FnOnce()>(
    store: *mut VMStoreContext,
    max_wasm_stack: usize,
    f: F,
) -> Result<(), Box<Trap>> {
    init_signal_handlers();
    init_alt_stack();
    let budget = wasm_stack_budget(max_wasm_stack);
    if budget < MIN_WASM_STACK {
        return Err(Box::new(Trap {
            reason: TrapReason::Wasm(TrapCode::StackOverflow),
            backtrace: Vec::new(),
        }));
    }
    let size = max_wasm_stack + HOST_STACK_HEADROOM;
    let mut executor = take_executor(size).map_err(|e| {
        let error = anyhow::anyhow!("failed to allocate a wasm stack of {size} bytes: {e}");
        Box::new(Trap {
            reason: TrapReason::Host(Box::new(error)),
            backtrace: Vec::new(),
        })
    })?;
    let mut pcs = PCS.with(|p| p.borrow_mut().pop()).unwrap_or_default();
    pcs.clear();
    pcs.reserve(MAX_FRAMES);

    let mut f = Some(f);
    let mut run = || (f.take().expect("a task runs once"))();
    let task: *mut (dyn FnMut() + '_) = &mut run;
    // SAFETY: only the lifetime is erased; the executor calls the task
    // before `resume` below returns, while `run` is alive.
    let task: Task = unsafe { std::mem::transmute(task) };
    let stack_limit = executor.base - budget;
    let state = CallState {
        handler: executor.co.trap_handler(),
        store,
        stack_limit,
        stack_bottom: executor.base - executor.size,
        yielder: Cell::new(std::ptr::null()),
        pending: UnsafeCell::new(Pending { reason: None, pcs }),
        prev: CURRENT.with(|c| c.get()),
    };
    // SAFETY: the caller guarantees `store` is valid.
    let saved_limit = unsafe { (*store).stack_limit };
    // SAFETY: as above.
    unsafe { (*store).stack_limit = stack_limit };
    CURRENT.with(|c| c.set(&state));
    let result = executor.co.resume(task);
    CURRENT.with(|c| c.set(state.prev));
    // SAFETY: as above.
    unsafe { (*store).stack_limit = saved_limit };

    let finished = match result {
        CoroutineResult::Yield(Yielded::Done) => {
            return_executor(executor);
            true
        }
        CoroutineResult::Yield(Yielded::Trapped) => {
            // A runtime function suspended to raise a trap. The wasm stack
            // holds only JIT frames and runtime frames with nothing to drop.
            // SAFETY: see above.
            unsafe { executor.co.force_reset() };
            return_executor(executor.reset());
            false
        }
        // The signal handler ended the coroutine.
        CoroutineResult::Return(_) => {
            return_executor(executor.reset());
            false
        }
    };
    let Pending { reason, pcs } = state.pending.into_inner();
    let out = if finished {
        Ok(())
    } else {
        let backtrace = pcs
            .iter()
            .filter_map(|pc| code_registry::lookup_frame(*pc))
            .collect();
        Err(Box::new(Trap {
            reason: reason.unwrap_or(TrapReason::Unrecorded),
            backtrace,
        }))
    };
    PCS.with(|p| p.borrow_mut().push(pcs));
    out
}

/// The wasm stack a new entry may use. The outermost entry on a thread gets
/// `max_wasm_stack`. A nested one (wasm called a host function that called
/// wasm again) gets only what the enclosing call had left where the host
/// function runs, so recursion through the host is bounded by one budget
/// in total, as if every level ran on one stack.
fn wasm_stack_budget(max_wasm_stack: usize) -> usize {
    let outer = CURRENT.with(|c| c.get());
    if outer.is_null() {
        return max_wasm_stack;
    }
    // SAFETY: `outer` is the live state of the enclosing call on this thread.
    let outer = unsafe { &*outer };
    let sp = current_sp();
    if outer.handler.stack_ptr_in_bounds(sp) {
        sp.saturating_sub(outer.stack_limit).min(max_wasm_stack)
    } else {
        // The host function left the enclosing call's stack on purpose
        // (e.g. its own coroutine); only that call's own budget applies.
        max_wasm_stack
    }
}

fn current_sp() -> usize {
    let sp: usize;
    // SAFETY: reads the stack-pointer register.
    unsafe {
        std::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    sp
}

/// Walks the frame-pointer chain from `fp`, recording wasm return addresses.
/// Only reads memory inside the current coroutine stack.
///
/// # Safety
/// Must run on the thread of `st`, while its coroutine stack is intact.
unsafe fn record_frames(st: &CallState, pc: Option<usize>, mut fp: usize) {
    // SAFETY: only this thread touches `pending` while wasm runs.
    let pending = unsafe { &mut *st.pending.get() };
    if let Some(pc) = pc {
        pending.pcs.push(pc);
    }
    while fp != 0
        && fp.is_multiple_of(8)
        && st.handler.stack_ptr_in_bounds(fp)
        && pending.pcs.len() < MAX_FRAMES
    {
        // SAFETY: `fp` and `fp + 8` lie in the coroutine stack (checked above,
        // and the stack base is above any frame record).
        let (next, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        if code_registry::is_wasm_pc(ret.wrapping_sub(1)) {
            pending.pcs.push(ret - 1);
        }
        if next <= fp {
            break;
        }
        fp = next;
    }
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
/// with nothing owned live on the wasm stack.
pub(crate) unsafe fn raise(code: TrapCode) -> ! {
    let st = CURRENT.with(|c| c.get());
    assert!(!st.is_null(), "raise outside of wasm");
    {
        // SAFETY: `st` is live (we are inside its coroutine) and only this
        // thread touches `pending`.
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
    // SAFETY: `st` is live (we are inside its coroutine).
    let st = unsafe { &*st };
    // The builtin's entry stub recorded the wasm frame that called it: start
    // the backtrace there (Rust frames need no frame pointers). Its return
    // address is in a wasm function, unless the caller was a host-call
    // adapter, whose frame chain leads on into wasm.
    // SAFETY: the store context is valid while wasm runs on it.
    let (fp, ret) = unsafe { ((*st.store).last_wasm_exit_fp, (*st.store).last_wasm_exit_pc) };
    let pc = Some(ret.wrapping_sub(1)).filter(|pc| code_registry::is_wasm_pc(*pc));
    // SAFETY: we are on the coroutine's stack, inside wasm's call chain.
    unsafe { record_frames(st, pc, fp) };
    let y = st.yielder.get();
    // SAFETY: the yielder belongs to the running coroutine; it never resumes
    // us again (the caller resets it).
    unsafe { (*y).suspend(Yielded::Trapped) };
    unreachable!("a trapped coroutine was resumed")
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
        if st.handler.stack_ptr_in_bounds(sp)
            && let Some(code) = code_registry::lookup_trap(pc)
        {
            {
                // SAFETY: only this thread touches `pending`; the push stays
                // within reserved capacity, so nothing allocates.
                unsafe {
                    (*st.pending.get()).reason = Some(TrapReason::Wasm(code));
                    record_frames(st, Some(pc), fp);
                }
                // SAFETY: the fault happened in JIT code on the coroutine
                // stack (checked above); we update the registers as told.
                let regs = unsafe { st.handler.setup_trap_handler(|| false) };
                gregs[libc::REG_RIP as usize] = regs.rip as i64;
                gregs[libc::REG_RSP as usize] = regs.rsp as i64;
                gregs[libc::REG_RBP as usize] = regs.rbp as i64;
                gregs[libc::REG_RDI as usize] = regs.rdi as i64;
                gregs[libc::REG_RSI as usize] = regs.rsi as i64;
                return;
            }
        }
    }
    if !st.is_null() {
        // SAFETY: as above; the kernel fills `si_addr` for these signals.
        let (st, addr) = unsafe { (&*st, (*info).si_addr() as usize) };
        if addr < st.stack_bottom && st.stack_bottom - addr <= GUARD_REACH {
            // Host code that wasm called ran off the end of the wasm stack's
            // host headroom: it cannot be unwound, so say what happened and
            // abort, as Rust does when a thread overflows its own stack.
            const MSG: &[u8] =
                b"kiln: a host function called from wasm overflowed its stack (8 MiB)\n";
            // SAFETY: `write` and `abort` are async-signal-safe.
            unsafe {
                libc::write(2, MSG.as_ptr().cast(), MSG.len());
                libc::abort();
            }
        }
    }
    // SAFETY: not ours: hand the signal to whoever was installed before.
    unsafe { chain(sig, info, ctx) }
}

/// How far below a wasm stack a fault still counts as hitting its guard.
const GUARD_REACH: usize = 64 << 10;

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

    fn run(f: impl FnOnce()) -> Result<(), Box<Trap>> {
        let epoch = AtomicU64::new(0);
        let mut store = VMStoreContext::new(&epoch);
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
