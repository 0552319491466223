//! `VMStoreContext`: per-store state that compiled code reaches from any
//! vmctx (stack limit, fuel, epoch deadline).

use crate::TypeRegistry;
use crate::exception::ExceptionHeap;
use crate::gc_heap::{GcHeap, VMGcAllocWindow};
use kiln_types::VMStoreContextOffsets;
use std::ffi::c_void;
use std::sync::atomic::AtomicU64;

/// Per-store execution state, pointed to by every vmctx of the store.
#[derive(Debug)]
#[repr(C)]
pub struct VMStoreContext {
    /// Lowest stack address wasm may use; function prologues trap below it.
    pub stack_limit: usize,
    /// Fuel consumed minus fuel granted: negative while fuel remains.
    pub fuel_consumed: i64,
    /// The epoch at which wasm is interrupted.
    pub epoch_deadline: u64,
    /// The engine's epoch counter.
    pub epoch_counter: *const AtomicU64,
    /// The embedder's store, for host functions (not read by compiled code).
    pub store: *mut c_void,
    /// Asked before a memory or table grows (not read by compiled code).
    pub growth_hook: Option<GrowthHook>,
    /// Frame pointer of the wasm frame that last called out of wasm (into a
    /// builtin), written by the builtin's entry stub; the start of the
    /// backtrace when that builtin traps.
    pub last_wasm_exit_fp: usize,
    /// Return address into that frame (the pc after its call instruction).
    pub last_wasm_exit_pc: usize,
    /// The store's GC objects. Compiled code allocates from the heap's
    /// first field, its allocation window, so the heap comes right after
    /// the fields above, at a fixed offset.
    pub gc_heap: GcHeap,
    /// The store's exception objects (not read by compiled code).
    pub exceptions: ExceptionHeap,
    /// Collects the store's unreachable exception objects (not read by
    /// compiled code).
    pub exception_hook: Option<ExceptionHook>,
    /// Decides what happens when wasm reaches the epoch deadline; without
    /// one it traps (not read by compiled code).
    pub epoch_hook: Option<EpochHook>,
    /// The engine's type registry, which answers subtype questions
    /// (not read by compiled code).
    pub types: *const TypeRegistry,
    /// Collects the store's GC heap (not read by compiled code); without
    /// one, nothing is collected.
    pub gc_hook: Option<GcHook>,
}

/// The embedder's GC: `(store, stack roots)`. It gathers the store's
/// other roots (globals, tables, host handles, …) and collects the heap
/// with them and the given words: the references the running wasm frames
/// hold, read through their stack maps. It must not unwind.
pub type GcHook = unsafe fn(*mut c_void, &[usize]);

/// What wasm does at its epoch deadline, as the embedder's hook decides.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EpochDecision {
    /// Go on, with the deadline this many ticks past the current epoch.
    Continue(u64),
    /// Trap with [`kiln_types::TrapCode::Interrupt`].
    Interrupt,
    /// The embedder failed (returned an error or panicked). It recorded the
    /// reason with [`crate::record_host_trap`]; the builtin traps with it.
    Fail,
}

/// The embedder's epoch-deadline hook: `(store) -> decision`. It runs on
/// the wasm call's stack, inside the builtin the deadline check calls, and
/// must not unwind.
pub type EpochHook = unsafe fn(*mut c_void) -> EpochDecision;

/// The embedder's exception collector: `(store, stack roots)`. It frees
/// the objects of the store's heap that neither its own roots nor any of
/// the given words (the running wasm frames' stack-map slots and the
/// payload being thrown; words that are no object are ignored) can reach.
/// It must not unwind.
pub type ExceptionHook = unsafe fn(*mut c_void, &[&[usize]]);

/// What is about to grow.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum GrowthKind {
    /// A linear memory (sizes in bytes).
    Memory,
    /// A table (sizes in elements).
    Table,
}

/// The embedder's answer to a growth request.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum GrowthDecision {
    /// Grow.
    Allow,
    /// Do not grow; the wasm instruction reports failure (-1).
    Deny,
    /// The embedder failed (returned an error or panicked). It recorded the
    /// reason with [`crate::record_host_trap`]; the builtin traps with it.
    Fail,
}

/// The embedder's veto on growth: `(store, kind, current, desired, maximum)`.
/// It must not unwind.
pub type GrowthHook =
    unsafe fn(*mut c_void, GrowthKind, usize, usize, Option<usize>) -> GrowthDecision;

impl VMStoreContext {
    /// Asks the growth hook, if any, whether `kind` may grow from `current` to `desired`.
    ///
    /// # Safety
    /// `self.store` must be the store the hook expects.
    pub unsafe fn allow_growth(
        &self,
        kind: GrowthKind,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> GrowthDecision {
        match self.growth_hook {
            // SAFETY: guaranteed by the caller.
            Some(hook) => unsafe { hook(self.store, kind, current, desired, maximum) },
            None => GrowthDecision::Allow,
        }
    }
}

impl VMStoreContext {
    /// A context with no stack limit set yet (nothing can run until
    /// [`crate::catch_traps`] sets one).
    pub fn new(epoch_counter: *const AtomicU64, types: *const TypeRegistry) -> Self {
        Self {
            stack_limit: usize::MAX,
            fuel_consumed: 0,
            epoch_deadline: u64::MAX,
            epoch_counter,
            store: std::ptr::null_mut(),
            growth_hook: None,
            last_wasm_exit_fp: 0,
            last_wasm_exit_pc: 0,
            exceptions: ExceptionHeap::default(),
            exception_hook: None,
            epoch_hook: None,
            types,
            gc_heap: GcHeap::default(),
            gc_hook: None,
        }
    }
}

// The offsets compiled code uses must match this struct.
const _: () = {
    use std::mem::offset_of;
    assert!(offset_of!(VMStoreContext, stack_limit) == VMStoreContextOffsets::STACK_LIMIT as usize);
    assert!(
        offset_of!(VMStoreContext, fuel_consumed) == VMStoreContextOffsets::FUEL_CONSUMED as usize
    );
    assert!(
        offset_of!(VMStoreContext, epoch_deadline)
            == VMStoreContextOffsets::EPOCH_DEADLINE as usize
    );
    assert!(
        offset_of!(VMStoreContext, epoch_counter) == VMStoreContextOffsets::EPOCH_COUNTER as usize
    );
    assert!(
        offset_of!(VMStoreContext, last_wasm_exit_fp)
            == VMStoreContextOffsets::LAST_WASM_EXIT_FP as usize
    );
    assert!(
        offset_of!(VMStoreContext, last_wasm_exit_pc)
            == VMStoreContextOffsets::LAST_WASM_EXIT_PC as usize
    );
    let window = offset_of!(VMStoreContext, gc_heap) + offset_of!(GcHeap, window);
    assert!(
        window + offset_of!(VMGcAllocWindow, next) == VMStoreContextOffsets::GC_ALLOC_NEXT as usize
    );
    assert!(
        window + offset_of!(VMGcAllocWindow, end) == VMStoreContextOffsets::GC_ALLOC_END as usize
    );
    assert!(
        window + offset_of!(VMGcAllocWindow, chunk)
            == VMStoreContextOffsets::GC_ALLOC_CHUNK as usize
    );
    assert!(
        window + offset_of!(VMGcAllocWindow, starts)
            == VMStoreContextOffsets::GC_ALLOC_STARTS as usize
    );
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    #[test]
    fn layout_matches_offsets() {
        assert_eq!(
            offset_of!(VMStoreContext, stack_limit),
            VMStoreContextOffsets::STACK_LIMIT as usize
        );
        assert_eq!(
            offset_of!(VMStoreContext, fuel_consumed),
            VMStoreContextOffsets::FUEL_CONSUMED as usize
        );
        assert_eq!(
            offset_of!(VMStoreContext, epoch_deadline),
            VMStoreContextOffsets::EPOCH_DEADLINE as usize
        );
        assert_eq!(
            offset_of!(VMStoreContext, epoch_counter),
            VMStoreContextOffsets::EPOCH_COUNTER as usize
        );
        assert_eq!(
            offset_of!(VMStoreContext, last_wasm_exit_fp),
            VMStoreContextOffsets::LAST_WASM_EXIT_FP as usize
        );
        assert_eq!(
            offset_of!(VMStoreContext, last_wasm_exit_pc),
            VMStoreContextOffsets::LAST_WASM_EXIT_PC as usize
        );
        let window = offset_of!(VMStoreContext, gc_heap) + offset_of!(GcHeap, window);
        assert_eq!(
            window + offset_of!(VMGcAllocWindow, next),
            VMStoreContextOffsets::GC_ALLOC_NEXT as usize
        );
        assert_eq!(
            window + offset_of!(VMGcAllocWindow, end),
            VMStoreContextOffsets::GC_ALLOC_END as usize
        );
        assert_eq!(
            window + offset_of!(VMGcAllocWindow, chunk),
            VMStoreContextOffsets::GC_ALLOC_CHUNK as usize
        );
        assert_eq!(
            window + offset_of!(VMGcAllocWindow, starts),
            VMStoreContextOffsets::GC_ALLOC_STARTS as usize
        );
        assert!(size_of::<VMStoreContext>() >= VMStoreContextOffsets::SIZE as usize);
        assert_eq!(align_of::<VMStoreContext>(), 8);
    }
}
