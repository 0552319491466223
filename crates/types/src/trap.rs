//! Trap codes shared by the compiler (which emits them) and the VM (which reports them).

use std::fmt;

/// Why wasm execution stopped abnormally.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum TrapCode {
    /// The wasm call stack exceeded its budget.
    StackOverflow,
    /// A load, store or bulk operation touched memory out of bounds.
    MemoryOutOfBounds,
    /// An atomic access was not naturally aligned.
    HeapMisaligned,
    /// A table access was out of bounds.
    TableOutOfBounds,
    /// `call_indirect` reached a null table element.
    IndirectCallToNull,
    /// `call_indirect` reached a function of the wrong type.
    BadSignature,
    /// Integer overflow (`INT_MIN / -1`, or a float too large to convert).
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Conversion of NaN to an integer.
    BadConversionToInteger,
    /// The `unreachable` instruction ran.
    UnreachableCodeReached,
    /// Execution was interrupted by an epoch deadline.
    Interrupt,
    /// The store ran out of fuel.
    OutOfFuel,
    /// `memory.atomic.wait` on a memory that is not shared.
    AtomicWaitNonSharedMemory,
    /// A null reference was dereferenced.
    NullReference,
    /// `memory.atomic.wait` with no timeout on a shared memory that no
    /// other thread or host handle holds, so nothing could ever notify it.
    AtomicWaitDeadlock,
    /// `ref.cast` (or a cast in `call_indirect`'s sense) found a value of
    /// another type.
    CastFailure,
    /// An array access (or bulk array operation) was out of bounds.
    ArrayOutOfBounds,
    /// A GC object was too large ever to be allocated.
    AllocationTooLarge,
    /// The store's GC heap is full.
    GcHeapOutOfMemory,
}

impl TrapCode {
    /// Every trap code, in the order of [`TrapCode::to_u8`].
    pub const ALL: [TrapCode; 19] = [
        TrapCode::StackOverflow,
        TrapCode::MemoryOutOfBounds,
        TrapCode::HeapMisaligned,
        TrapCode::TableOutOfBounds,
        TrapCode::IndirectCallToNull,
        TrapCode::BadSignature,
        TrapCode::IntegerOverflow,
        TrapCode::IntegerDivisionByZero,
        TrapCode::BadConversionToInteger,
        TrapCode::UnreachableCodeReached,
        TrapCode::Interrupt,
        TrapCode::OutOfFuel,
        TrapCode::AtomicWaitNonSharedMemory,
        TrapCode::NullReference,
        TrapCode::AtomicWaitDeadlock,
        TrapCode::CastFailure,
        TrapCode::ArrayOutOfBounds,
        TrapCode::AllocationTooLarge,
        TrapCode::GcHeapOutOfMemory,
    ];

    /// A small stable number for the code (used across the builtin ABI).
    pub fn to_u8(self) -> u8 {
        Self::ALL.iter().position(|c| *c == self).unwrap() as u8 + 1
    }

    /// The inverse of [`TrapCode::to_u8`].
    pub fn from_u8(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// The message the WebAssembly spec uses for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::HeapMisaligned => "unaligned atomic",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::UnreachableCodeReached => "unreachable",
            TrapCode::Interrupt => "interrupt",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::AtomicWaitNonSharedMemory => "atomic wait on non-shared memory",
            TrapCode::NullReference => "null reference",
            TrapCode::AtomicWaitDeadlock => "atomic wait that no other thread can notify",
            TrapCode::CastFailure => "cast failure",
            TrapCode::ArrayOutOfBounds => "out of bounds array access",
            TrapCode::AllocationTooLarge => "allocation size too large",
            TrapCode::GcHeapOutOfMemory => "out of GC heap memory",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for TrapCode {}
