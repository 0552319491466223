//! Shared vocabulary of Kiln: entity indices, wasm types, the compiled module's
//! metadata ([`ModuleInfo`]) and [`VMOffsets`], the single source of every
//! offset that compiled code uses to reach into a `VMContext`.
//!
//! Both the compiler and the VM read this crate; neither reads the other.

mod builtins;
mod const_expr;
mod exceptions;
mod gc_layout;
mod indices;
mod inlining;
mod module;
mod ref_types;
mod reloc;
mod stack_maps;
mod sub_types;
mod trap;
mod tunables;
mod types;
mod unsupported;
mod vmoffsets;

pub use builtins::{BuiltinFunctionIndex, BuiltinParam, BuiltinSignature};
pub use const_expr::{ConstExpr, ConstOp};
pub use exceptions::{ExceptionCallSite, ExceptionHandler, VMExceptionOffsets};
pub use gc_layout::{
    GC_ARRAY_ELEMENTS, GC_ARRAY_LENGTH, GC_HEADER_KIND, GC_HEADER_TYPE_ID, GC_STRUCT_FIELDS,
    GcKind, StructLayout, i31_word, storage_size,
};
pub use indices::*;
pub use inlining::{INLINED_CODE, InlinedCode};
pub use module::{
    DataSegment, DataSegmentKind, ElementSegment, ElementSegmentKind, EntityIndex, Export, Import,
    ModuleInfo,
};
pub use ref_types::{EngineTypeIndex, HeapType, RefHierarchy, RefType};
pub use reloc::{LibCall, Relocation};
pub use stack_maps::StackMapSite;
pub use sub_types::{
    ArrayType, CompositeType, FieldType, StorageType, StructType, SubType, TypeKind,
};
pub use trap::TrapCode;
pub use tunables::Tunables;
pub use types::{FuncType, GlobalType, MemoryType, Mutability, TableType, TypeEngine, ValType};
pub use unsupported::Unsupported;
pub use vmoffsets::{VM_LAZY_TABLE_ELEMENT, VMOffsets, VMStoreContextOffsets};
