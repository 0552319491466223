//! The runtime functions behind `VMBuiltinFunctionsArray`. Compiled code calls
//! them with its own vmctx first; indices are module-wide. A builtin that
//! must trap calls [`raise`], which leaves wasm without unwinding, so each
//! builtin finishes with everything it owns before raising.

use crate::gc_builtins::*;
use crate::instance::Instance;
use crate::parking::WaitOutcome;
use crate::store_context::{EpochDecision, GrowthDecision, GrowthKind, VMStoreContext};
use crate::throw::throw;
use crate::traps::{raise, raise_recorded};
use crate::vmcontext::*;
use kiln_types::*;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// # Safety
/// `vmctx` must be the vmctx of a live instance that compiled code is running in.
pub(crate) unsafe fn instance<'a>(vmctx: *mut VMContext) -> &'a mut Instance {
    // SAFETY: guaranteed by the caller.
    unsafe { &mut *Instance::from_vmctx(vmctx) }
}

pub(crate) fn check<T>(r: Result<T, TrapCode>) -> T {
    match r {
        Ok(v) => v,
        // SAFETY: builtins call `check` last, with nothing owned alive.
        Err(code) => unsafe { raise(code) },
    }
}

/// Whether a growth builtin goes on after asking the embedder; if the
/// embedder failed, leaves wasm with the error it recorded.
fn proceed(decision: GrowthDecision) -> bool {
    match decision {
        GrowthDecision::Allow => true,
        GrowthDecision::Deny => false,
        // SAFETY: called before the builtin owns anything; the embedder
        // recorded its error or panic as the reason.
        GrowthDecision::Fail => unsafe { raise_recorded() },
    }
}

/// # Safety
/// As for [`instance`].
pub(crate) unsafe fn store_context<'a>(vmctx: *mut VMContext) -> &'a VMStoreContext {
    // SAFETY: the first vmctx field is the store context pointer, valid
    // while compiled code runs.
    unsafe { &**(vmctx as *const *const VMStoreContext) }
}

unsafe extern "C" fn memory_grow(vmctx: *mut VMContext, mem: u32, delta: u64) -> u64 {
    // SAFETY: called by compiled code with its vmctx; memories outlive it.
    let (m, store) = unsafe {
        (
            &*instance(vmctx).memory(MemoryIndex(mem)),
            store_context(vmctx),
        )
    };
    let current = m.byte_size();
    let desired = m
        .size_pages()
        .saturating_add(delta)
        .saturating_mul(m.page_size());
    let maximum = m.maximum_pages().saturating_mul(m.page_size());
    let desired = usize::try_from(desired).unwrap_or(usize::MAX);
    if delta > 0 {
        // SAFETY: the store context's hook matches its store.
        let decision = unsafe {
            store.allow_growth(
                GrowthKind::Memory,
                current,
                desired,
                usize::try_from(maximum).ok(),
            )
        };
        if !proceed(decision) {
            return u64::MAX;
        }
    }
    m.grow(delta).unwrap_or(u64::MAX)
}

unsafe extern "C" fn memory_copy(vmctx: *mut VMContext, mem: u32, dst: u32, src: u32, len: u32) {
    // SAFETY: as in `memory_grow`.
    let def = unsafe { &*(*instance(vmctx).memory(MemoryIndex(mem))).definition() };
    check(crate::vmcontext::memory_copy(def, dst, src, len));
}

unsafe extern "C" fn memory_copy_cross(
    vmctx: *mut VMContext,
    dst_mem: u32,
    dst: u64,
    src_mem: u32,
    src: u64,
    len: u64,
) {
    // SAFETY: as in `memory_grow`.
    let (d, s) = unsafe {
        let inst = instance(vmctx);
        (
            &*(*inst.memory(MemoryIndex(dst_mem))).definition(),
            &*(*inst.memory(MemoryIndex(src_mem))).definition(),
        )
    };
    check(s.check_range(src, len).and(d.check_range(dst, len)));
    // SAFETY: both ranges are in bounds; `copy` allows overlap.
    unsafe {
        std::ptr::copy(
            s.base.add(src as usize),
            d.base.add(dst as usize),
            len as usize,
        )
    };
}

unsafe extern "C" fn memory_fill(vmctx: *mut VMContext, mem: u32, dst: u32, val: u32, len: u32) {
    // SAFETY: as in `memory_grow`.
    let def = unsafe { &*(*instance(vmctx).memory(MemoryIndex(mem))).definition() };
    check(crate::vmcontext::memory_fill(def, dst, val, len));
}

unsafe extern "C" fn memory_fill64(vmctx: *mut VMContext, mem: u32, dst: u64, val: u32, len: u64) {
    // SAFETY: as in `memory_grow`.
    let def = unsafe { &*(*instance(vmctx).memory(MemoryIndex(mem))).definition() };
    check(def.check_range(dst, len));
    // SAFETY: the range was checked to lie within the memory.
    unsafe { std::ptr::write_bytes(def.base.add(dst as usize), val as u8, len as usize) };
}

unsafe extern "C" fn memory_init(
    vmctx: *mut VMContext,
    mem: u32,
    data: u32,
    dst: u64,
    src: u32,
    len: u32,
) {
    // SAFETY: as in `memory_grow`.
    let inst = unsafe { instance(vmctx) };
    let bytes = inst.data_segment(DataIndex(data));
    // SAFETY: as in `memory_grow`.
    let def = unsafe { &*(*inst.memory(MemoryIndex(mem))).definition() };
    let src_ok = (src as usize)
        .checked_add(len as usize)
        .is_some_and(|e| e <= bytes.len());
    let dst_ok = def.check_range(dst, u64::from(len)).is_ok();
    if !src_ok || !dst_ok {
        check::<()>(Err(TrapCode::MemoryOutOfBounds));
    }
    // SAFETY: both ranges were checked; a segment never aliases linear memory.
    unsafe {
        std::ptr::copy_nonoverlapping(
            bytes.as_ptr().add(src as usize),
            def.base.add(dst as usize),
            len as usize,
        )
    };
}

unsafe extern "C" fn data_drop(vmctx: *mut VMContext, data: u32) {
    // SAFETY: as in `memory_grow`.
    unsafe { instance(vmctx).drop_data(DataIndex(data)) };
}

unsafe extern "C" fn table_grow(
    vmctx: *mut VMContext,
    table: u32,
    init: *mut u8,
    delta: u32,
) -> u32 {
    // SAFETY: as in `memory_grow`; tables outlive the instance.
    let (t, store) = unsafe {
        (
            &mut *instance(vmctx).table(TableIndex(table)),
            store_context(vmctx),
        )
    };
    let current = t.size() as usize;
    let maximum = t.declared_type().maximum.map(|m| m as usize);
    if delta > 0 {
        // `init` may be a GC reference that no stack map holds any more:
        // sound only because the growth hook (the embedder's limiter,
        // given just the store's data) cannot collect the GC heap.
        // SAFETY: the store context's hook matches its store.
        let decision = unsafe {
            store.allow_growth(
                GrowthKind::Table,
                current,
                current + delta as usize,
                maximum,
            )
        };
        if !proceed(decision) {
            return u32::MAX;
        }
    }
    t.grow(delta, init).unwrap_or(u32::MAX)
}

unsafe extern "C" fn table_fill(
    vmctx: *mut VMContext,
    table: u32,
    dst: u32,
    val: *mut u8,
    len: u32,
) {
    // SAFETY: as in `table_grow`.
    let t = unsafe { &mut *instance(vmctx).table(TableIndex(table)) };
    check(t.fill(dst, val, len));
}

unsafe extern "C" fn table_copy(
    vmctx: *mut VMContext,
    dst_t: u32,
    src_t: u32,
    dst: u32,
    src: u32,
    len: u32,
) {
    // SAFETY: as in `table_grow`.
    let inst = unsafe { instance(vmctx) };
    let (d, s) = (inst.table(TableIndex(dst_t)), inst.table(TableIndex(src_t)));
    let r = if d == s {
        // SAFETY: a single live table.
        unsafe { (*d).copy_within(dst, src, len) }
    } else {
        // SAFETY: two distinct live tables.
        unsafe { (*d).copy_from(&*s, dst, src, len) }
    };
    check(r);
}

unsafe extern "C" fn table_init(
    vmctx: *mut VMContext,
    table: u32,
    elem: u32,
    dst: u32,
    src: u32,
    len: u32,
) {
    // SAFETY: as in `table_grow`.
    let inst = unsafe { instance(vmctx) };
    check(inst.table_init(TableIndex(table), ElemIndex(elem), dst, src, len));
}

unsafe extern "C" fn table_get_lazy(vmctx: *mut VMContext, table: u32, index: u32) -> *mut u8 {
    // SAFETY: as in `table_grow`.
    let t = unsafe { &mut *instance(vmctx).table(TableIndex(table)) };
    // Compiled code checked the index against the table's size.
    t.get_and_fill(index).unwrap_or(std::ptr::null_mut())
}

unsafe extern "C" fn elem_drop(vmctx: *mut VMContext, elem: u32) {
    // SAFETY: as in `memory_grow`.
    unsafe { instance(vmctx).drop_element(ElemIndex(elem)) };
}

unsafe extern "C" fn raise_pending(_vmctx: *mut VMContext) {
    // SAFETY: called by a compiled host-call adapter after the host
    // recorded a trap, or an exception to throw into its caller.
    unsafe {
        match crate::traps::take_recorded_exception() {
            Some(exn) => throw(exn.0),
            None => raise_recorded(),
        }
    }
}

unsafe extern "C" fn throw_exception(vmctx: *mut VMContext, tag: u32, values: *mut u8) {
    // SAFETY: as in `memory_grow`.
    let (inst, store) = unsafe { (instance(vmctx), store_context(vmctx)) };
    let tag = TagIndex(tag);
    let info = &inst.module().info;
    let count = info.func_type_at(info.tags[tag.index()]).params().len();
    // SAFETY: compiled code passes one slot per value of the tag's type.
    let values = unsafe { std::slice::from_raw_parts(values as *const RawValue, count) };
    // SAFETY: called by compiled code of this store, holding no exception
    // but in its frames' stack maps and the values to throw.
    unsafe { crate::throw::collect_if_due(store, values) };
    let exn = store.exceptions.allocate(inst.tag_id(tag), values.into());
    // SAFETY: called by compiled code; the object belongs to its store.
    unsafe { throw(exn) }
}

unsafe extern "C" fn throw_ref(_vmctx: *mut VMContext, exn: *mut u8) {
    if exn.is_null() {
        // SAFETY: called by compiled code, owning nothing.
        unsafe { raise(TrapCode::NullReference) }
    }
    // SAFETY: called by compiled code; a non-null exnref is an object of
    // the store it runs in.
    unsafe { throw(exn.cast()) }
}

unsafe extern "C" fn type_is_subtype(vmctx: *mut VMContext, a: u32, b: u32) -> u32 {
    // SAFETY: called by compiled code with its vmctx; the store's engine,
    // and so its registry, outlives every call into wasm.
    let types = unsafe { &*store_context(vmctx).types };
    u32::from(types.is_subtype(
        VMSharedSignatureIndex::new(a),
        VMSharedSignatureIndex::new(b),
    ))
}

unsafe extern "C" fn out_of_fuel(_vmctx: *mut VMContext) {
    // SAFETY: called by compiled code at a fuel check.
    unsafe { raise(TrapCode::OutOfFuel) }
}

/// Called by compiled code whose epoch check found the deadline reached:
/// asks the store's hook, and either moves the deadline and returns (wasm
/// goes on) or traps.
unsafe extern "C" fn epoch_interrupt(vmctx: *mut VMContext) {
    // SAFETY: called by compiled code with its vmctx, whose store context
    // lives while it runs; only this thread touches it meanwhile.
    let store = unsafe { &mut *(*(vmctx as *const *mut VMStoreContext)) };
    let decision = match store.epoch_hook {
        // SAFETY: the hook was installed for this store's `store` pointer.
        Some(hook) => unsafe { hook(store.store) },
        None => EpochDecision::Interrupt,
    };
    match decision {
        EpochDecision::Continue(ticks) => {
            // SAFETY: the engine's epoch counter outlives its stores.
            let now = unsafe { (*store.epoch_counter).load(Ordering::SeqCst) };
            store.epoch_deadline = now.saturating_add(ticks);
        }
        // SAFETY: called by compiled code at an epoch check.
        EpochDecision::Interrupt => unsafe { raise(TrapCode::Interrupt) },
        // SAFETY: as above; the hook recorded why.
        EpochDecision::Fail => unsafe { raise_recorded() },
    }
}

// ---- wait / notify ----

/// When a wait with `timeout` nanoseconds (negative: forever) ends.
fn deadline(timeout: i64) -> Option<Instant> {
    let timeout = u64::try_from(timeout).ok()?;
    Instant::now().checked_add(Duration::from_nanos(timeout))
}

/// One wait: `compare` says whether to check the value first (not when
/// going back to waiting after an epoch callback let the wait go on).
///
/// # Safety
/// As for [`instance`].
unsafe fn wait(
    vmctx: *mut VMContext,
    mem: u32,
    addr: u64,
    until: Option<Instant>,
    compare: bool,
    check_value: impl Fn(&VMMemoryDefinition, u32) -> Result<u32, TrapCode>,
) -> Result<WaitOutcome, TrapCode> {
    // SAFETY: forwarded from the caller; memories outlive the call, and a
    // shared one is only used through `&` (other threads hold it too).
    let (m, store) = unsafe {
        (
            &*instance(vmctx).memory(MemoryIndex(mem)),
            store_context(vmctx),
        )
    };
    let addr = u32::try_from(addr).map_err(|_| TrapCode::MemoryOutOfBounds)?;
    // SAFETY: the definition lives as long as the memory.
    let def = unsafe { &*m.definition() };
    let Some(parking) = m.parking() else {
        // Bounds and alignment are checked before sharedness.
        check_value(def, addr)?;
        return Err(TrapCode::AtomicWaitNonSharedMemory);
    };
    let epoch = store.epoch_counter;
    let epoch_deadline = store.epoch_deadline;
    // SAFETY: the engine's epoch counter outlives its stores.
    let epoch_due = || unsafe { (*epoch).load(Ordering::Relaxed) } >= epoch_deadline;
    // Only this thread's store holds the memory: nothing can notify, and
    // a wait with no timeout would never end.
    let deadlocked = || until.is_none() && parking.handles() <= 1;
    let outcome = parking.wait(
        u64::from(addr),
        || Ok(!compare || check_value(def, addr)? == 0),
        until,
        epoch_deadline != u64::MAX,
        || deadlocked() || epoch_due(),
    )?;
    if outcome == WaitOutcome::Interrupted && !epoch_due() {
        return Err(TrapCode::AtomicWaitDeadlock);
    }
    Ok(outcome)
}

/// The body of both waits: waits, and at an epoch deadline runs the
/// epoch check (which traps, or lets the wait go on).
///
/// # Safety
/// As for [`instance`]; called by compiled code (it may raise a trap).
unsafe fn wait_builtin(
    vmctx: *mut VMContext,
    mem: u32,
    addr: u64,
    timeout: u64,
    check_value: impl Fn(&VMMemoryDefinition, u32) -> Result<u32, TrapCode>,
) -> u32 {
    // The timeout is an i64 in nanoseconds, passed in a 64-bit register.
    let until = deadline(timeout as i64);
    let mut compare = true;
    loop {
        // SAFETY: forwarded from the caller.
        let r = unsafe { wait(vmctx, mem, addr, until, compare, &check_value) };
        match check(r) {
            // SAFETY: nothing owned is alive here, and this is an epoch
            // check of the calling wasm code.
            WaitOutcome::Interrupted => unsafe { epoch_interrupt(vmctx) },
            outcome => return outcome.wasm_result(),
        }
        compare = false;
    }
}

unsafe extern "C" fn memory_atomic_wait32(
    vmctx: *mut VMContext,
    mem: u32,
    addr: u64,
    expected: u32,
    timeout: u64,
) -> u32 {
    // SAFETY: called by compiled code with its vmctx.
    unsafe {
        wait_builtin(vmctx, mem, addr, timeout, |d, a| {
            memory32_atomic_check32(d, a, expected)
        })
    }
}

unsafe extern "C" fn memory_atomic_wait64(
    vmctx: *mut VMContext,
    mem: u32,
    addr: u64,
    expected: u64,
    timeout: u64,
) -> u32 {
    // SAFETY: called by compiled code with its vmctx.
    unsafe {
        wait_builtin(vmctx, mem, addr, timeout, |d, a| {
            memory32_atomic_check64(d, a, expected)
        })
    }
}

unsafe extern "C" fn memory_atomic_notify(
    vmctx: *mut VMContext,
    mem: u32,
    addr: u64,
    count: u32,
) -> u32 {
    // SAFETY: called by compiled code with its vmctx; memories outlive it
    // (a shared one is only used through `&`).
    let m = unsafe { &*instance(vmctx).memory(MemoryIndex(mem)) };
    let r = m.atomic_notify(addr, count);
    check(r)
}

/// The Rust type of a [`BuiltinParam`] name.
macro_rules! builtin_rust_type {
    (I32) => { u32 };
    (I64) => { u64 };
    (Pointer) => { *mut u8 };
}

/// From the one list of builtins ([`kiln_types::foreach_builtin!`]): an entry
/// stub per builtin, a compile-time check that each Rust function has the
/// signature compiled code calls it with, and the array's addresses.
macro_rules! define_builtins {
    ($($(#[$doc:meta])* $name:ident $func:ident($($p:ident),*) $(-> $r:ident)?;)*) => {
        /// Entry stubs: compiled code calls these, which record the calling
        /// wasm frame (frame pointer and return address) in the store
        /// context and jump to the builtin with every argument untouched.
        /// A trap raised by the builtin then walks the wasm frames from
        /// there, without needing frame pointers in Rust code.
        mod entry_stubs {
            use super::*;
            $(
                #[unsafe(naked)]
                pub(super) unsafe extern "C" fn $func() {
                    // At entry `rdi` is the caller's vmctx (whose first
                    // field is the store context pointer), `rbp` the wasm
                    // caller's frame pointer and `[rsp]` the return address
                    // into it. `rax` and `r11` carry no arguments.
                    core::arch::naked_asm!(
                        "mov rax, [rdi]",
                        "mov [rax + {fp}], rbp",
                        "mov r11, [rsp]",
                        "mov [rax + {pc}], r11",
                        "jmp {target}",
                        fp = const std::mem::offset_of!(VMStoreContext, last_wasm_exit_fp),
                        pc = const std::mem::offset_of!(VMStoreContext, last_wasm_exit_pc),
                        target = sym super::$func,
                    )
                }
            )*
        }

        // Each builtin has exactly the signature compiled code calls it with.
        $(
            const _: unsafe extern "C" fn(
                *mut VMContext $(, builtin_rust_type!($p))*
            ) $(-> builtin_rust_type!($r))? = $func;
        )*

        const fn address(b: BuiltinFunctionIndex) -> *const VMFunctionBody {
            let p: *const () = match b {
                $(BuiltinFunctionIndex::$name => entry_stubs::$func as *const (),)*
            };
            p.cast()
        }
    };
}

kiln_types::foreach_builtin!(define_builtins);

/// The builtin addresses, in [`BuiltinFunctionIndex`] order.
pub(crate) const fn addresses() -> [*const VMFunctionBody; BuiltinFunctionIndex::COUNT] {
    let mut out = [std::ptr::null(); BuiltinFunctionIndex::COUNT];
    let mut i = 0;
    while i < BuiltinFunctionIndex::COUNT {
        out[i] = address(BuiltinFunctionIndex::ALL[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use kiln_types::{ModuleInfo, VMOffsets};

    #[test]
    fn entry_stubs_find_the_store_context_first_in_the_vmctx() {
        let offsets = VMOffsets::new(8, &ModuleInfo::default());
        assert_eq!(offsets.vmctx_store_context(), 0);
    }
}
