//! Kiln's VM layer: the records compiled code reads (`vmcontext`), instances
//! with a trailing `VMContext`, linear memories, tables, the signature
//! registry, the static builtins array, code memory and trap handling.
//!
//! This crate knows nothing about Cranelift; offsets come from
//! [`kiln_types::VMOffsets`].

// Trap handling reads x86-64 registers from Linux signal contexts, the
// builtin entry stubs are x86-64 assembly, and the compiler emits x86-64.
#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
compile_error!("Kiln runs WebAssembly only on x86-64 Linux for now");

mod builtins;
mod code_memory;
mod code_registry;
mod exception;
mod gc_builtins;
mod gc_heap;
mod gc_object;
mod instance;
mod lazy;
mod libcalls;
mod memory;
mod memory_image;
mod memory_pool;
mod parking;
mod stack_roots;
mod store_context;
mod table;
mod table_image;
mod throw;
mod traps;
mod type_registry;
pub mod vmcontext;

pub use code_memory::CodeMemory;
pub use code_registry::{
    CodeRegistration, FrameInfo, FunctionSite, RegisteredCode, TrapSite, lookup_frames,
    lookup_trap, register_code,
};
pub use exception::{ExceptionHeap, VMExceptionObject};
pub use gc_heap::DEFAULT_LIMIT as DEFAULT_GC_HEAP_LIMIT;
pub use gc_heap::{CollectionStats, GcHeap, ObjectShape, VMGcAllocWindow};
pub use gc_object::{
    array_element, array_len, object_kind, object_type_id, read_storage, write_storage,
};
pub use instance::{Imports, Instance, InstanceHandle, InstanceStorage, ModuleRuntime};
pub use lazy::{LazyCompile, LazyStubs};
pub use memory::{LinearMemory, MAX_PAGES_32, MemoryError, WASM_PAGE_SIZE};
pub use memory_image::{MemoryImage, MemoryImages};
pub use memory_pool::MemoryPool;
pub use parking::{ParkingTable, WaitOutcome};
pub use stack_roots::with_gc_stack_roots;
pub use store_context::{
    EpochDecision, EpochHook, ExceptionHook, GcHook, GrowthDecision, GrowthHook, GrowthKind,
    VMStoreContext,
};
pub use table::{NULL_FUNCTION, Table, TableElement};
pub use table_image::TableImages;
pub use traps::{
    ThrownObject, Trap, TrapReason, call_wasm, catch_traps, current_backtrace, record_host_trap,
};
pub use type_registry::TypeRegistry;
pub use vmcontext::*;
