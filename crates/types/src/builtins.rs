//! The runtime functions compiled code calls through the static
//! `VMBuiltinFunctionsArray`. The compiler reads the signatures from here and
//! the VM fills the array in the same order, so both sides agree by construction.

/// A parameter or result kind of a builtin's native (System V) signature.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BuiltinParam {
    /// A pointer-sized value (the vmctx, or a table element).
    Pointer,
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
}

/// A builtin's native signature; the first parameter is always the caller's vmctx.
#[derive(Copy, Clone, Debug)]
pub struct BuiltinSignature {
    /// Parameters after the vmctx.
    pub params: &'static [BuiltinParam],
    /// The result, if any.
    pub result: Option<BuiltinParam>,
}

macro_rules! builtins {
    ($($(#[$doc:meta])* $name:ident($($p:ident),*) $(-> $r:ident)?;)*) => {
        /// Index of a builtin function in the `VMBuiltinFunctionsArray`.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        #[repr(u32)]
        pub enum BuiltinFunctionIndex {
            $($(#[$doc])* $name,)*
        }

        impl BuiltinFunctionIndex {
            /// Every builtin, in array order.
            pub const ALL: &'static [BuiltinFunctionIndex] = &[$(BuiltinFunctionIndex::$name,)*];
            /// Number of builtins (the array's length).
            pub const COUNT: usize = Self::ALL.len();

            /// The slot of this builtin in the array.
            pub fn index(self) -> u32 {
                self as u32
            }

            /// The builtin's native signature (after the leading vmctx).
            pub fn signature(self) -> BuiltinSignature {
                use BuiltinParam::*;
                match self {
                    $(BuiltinFunctionIndex::$name => BuiltinSignature {
                        params: &[$($p),*],
                        result: builtins!(@ret $($r)?),
                    },)*
                }
            }
        }
    };
    (@ret) => { None };
    (@ret $r:ident) => { Some($r) };
}

builtins! {
    /// `memory.grow`: (memory, delta pages) -> old size in pages or -1.
    MemoryGrow(I32, I64) -> I64;
    /// `memory.copy` within one 32-bit memory: (memory, dst, src, len).
    MemoryCopy(I32, I32, I32, I32);
    /// `memory.copy` between two memories: (dst memory, dst, src memory, src, len), 64-bit operands.
    MemoryCopyCross(I32, I64, I32, I64, I64);
    /// `memory.fill` on a 32-bit memory: (memory, dst, byte, len).
    MemoryFill(I32, I32, I32, I32);
    /// `memory.fill` on a 64-bit memory: (memory, dst, byte, len).
    MemoryFill64(I32, I64, I32, I64);
    /// `memory.init`: (memory, data segment, dst, src, len).
    MemoryInit(I32, I32, I64, I32, I32);
    /// `data.drop`: (data segment).
    DataDrop(I32);
    /// `table.grow`: (table, init element, delta) -> old size or -1.
    TableGrow(I32, Pointer, I32) -> I32;
    /// `table.fill`: (table, dst, element, len).
    TableFill(I32, I32, Pointer, I32);
    /// `table.copy`: (dst table, src table, dst, src, len).
    TableCopy(I32, I32, I32, I32, I32);
    /// `table.init`: (table, element segment, dst, src, len).
    TableInit(I32, I32, I32, I32, I32);
    /// `elem.drop`: (element segment).
    ElemDrop(I32);
    /// Leave wasm with the trap a host function recorded (never returns).
    Raise();
    /// `memory.atomic.wait32`: (memory, addr, expected, timeout ns) -> 0 ok, 1 not-equal, 2 timed out.
    MemoryAtomicWait32(I32, I64, I32, I64) -> I32;
    /// `memory.atomic.wait64`: (memory, addr, expected, timeout ns) -> 0 ok, 1 not-equal, 2 timed out.
    MemoryAtomicWait64(I32, I64, I64, I64) -> I32;
    /// `memory.atomic.notify`: (memory, addr, count) -> number of waiters woken.
    MemoryAtomicNotify(I32, I64, I32) -> I32;
    /// Fuel ran out: trap (never returns).
    OutOfFuel();
    /// The epoch deadline passed: trap (never returns).
    EpochInterrupt();
}
