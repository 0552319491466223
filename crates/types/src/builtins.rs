//! The runtime functions compiled code calls through the static
//! `VMBuiltinFunctionsArray`. [`foreach_builtin!`] is the one list of them,
//! with their signatures: this crate turns it into [`BuiltinFunctionIndex`]
//! (which the compiler reads signatures from) and the VM turns it into the
//! array and a type check of each Rust function, so a builtin whose Rust
//! signature differs from the one compiled code calls does not compile.

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

/// Calls `$mac!` with the list of builtins, in array order: for each, its
/// doc, its [`BuiltinFunctionIndex`] name, the name of the Rust function that
/// implements it in the VM, and its signature after the leading vmctx
/// ([`BuiltinParam`] names).
#[macro_export]
macro_rules! foreach_builtin {
    ($mac:ident) => {
        $mac! {
            /// `memory.grow`: (memory, delta pages) -> old size in pages or -1.
            MemoryGrow memory_grow(I32, I64) -> I64;
            /// `memory.copy` within one 32-bit memory: (memory, dst, src, len).
            MemoryCopy memory_copy(I32, I32, I32, I32);
            /// `memory.copy` between two memories: (dst memory, dst, src memory, src, len), 64-bit operands.
            MemoryCopyCross memory_copy_cross(I32, I64, I32, I64, I64);
            /// `memory.fill` on a 32-bit memory: (memory, dst, byte, len).
            MemoryFill memory_fill(I32, I32, I32, I32);
            /// `memory.fill` on a 64-bit memory: (memory, dst, byte, len).
            MemoryFill64 memory_fill64(I32, I64, I32, I64);
            /// `memory.init`: (memory, data segment, dst, src, len).
            MemoryInit memory_init(I32, I32, I64, I32, I32);
            /// `data.drop`: (data segment).
            DataDrop data_drop(I32);
            /// `table.grow`: (table, init element, delta) -> old size or -1.
            TableGrow table_grow(I32, Pointer, I32) -> I32;
            /// `table.fill`: (table, dst, element, len).
            TableFill table_fill(I32, I32, Pointer, I32);
            /// `table.copy`: (dst table, src table, dst, src, len).
            TableCopy table_copy(I32, I32, I32, I32, I32);
            /// `table.init`: (table, element segment, dst, src, len).
            TableInit table_init(I32, I32, I32, I32, I32);
            /// A funcref table slot still holding the lazy marker: (table, index in bounds) -> its element.
            TableGetLazy table_get_lazy(I32, I32) -> Pointer;
            /// `elem.drop`: (element segment).
            ElemDrop elem_drop(I32);
            /// Leave wasm with the trap a host function recorded (never returns).
            Raise raise_pending();
            /// `memory.atomic.wait32`: (memory, addr, expected, timeout ns) -> 0 ok, 1 not-equal, 2 timed out.
            MemoryAtomicWait32 memory_atomic_wait32(I32, I64, I32, I64) -> I32;
            /// `memory.atomic.wait64`: (memory, addr, expected, timeout ns) -> 0 ok, 1 not-equal, 2 timed out.
            MemoryAtomicWait64 memory_atomic_wait64(I32, I64, I64, I64) -> I32;
            /// `memory.atomic.notify`: (memory, addr, count) -> number of waiters woken.
            MemoryAtomicNotify memory_atomic_notify(I32, I64, I32) -> I32;
            /// `throw`: (tag, the values, one 16-byte slot each) (never returns).
            Throw throw_exception(I32, Pointer);
            /// `throw_ref`: (exception or null) (never returns).
            ThrowRef throw_ref(Pointer);
            /// Whether engine type `a` is engine type `b` or a declared subtype of it: (a, b) -> 0 or 1.
            TypeIsSubtype type_is_subtype(I32, I32) -> I32;
            /// `struct.new`, `array.new_fixed`: (header, size in bytes) -> a zeroed object.
            GcAlloc gc_alloc(I64, I32) -> Pointer;
            /// `array.new(_default)`: (module array type, length) -> a zeroed array.
            GcAllocArray gc_alloc_array(I32, I32) -> Pointer;
            /// `array.new_data`: (module array type, data segment, byte offset, length) -> the array.
            ArrayNewData array_new_data(I32, I32, I32, I32) -> Pointer;
            /// `array.new_elem`: (module array type, element segment, offset, length) -> the array.
            ArrayNewElem array_new_elem(I32, I32, I32, I32) -> Pointer;
            /// `array.fill`, checked: (first element, element size, value low, value high, count).
            ArrayFill array_fill(Pointer, I32, I64, I64, I32);
            /// `array.copy`, checked: (destination, source, bytes).
            ArrayCopy array_copy(Pointer, Pointer, I64);
            /// `array.init_data`, array range checked: (first element, element size, data segment, byte offset, count).
            ArrayInitData array_init_data(Pointer, I32, I32, I32, I32);
            /// `array.init_elem`, array range checked: (first element, element segment, offset, count).
            ArrayInitElem array_init_elem(Pointer, I32, I32, I32);
            /// Fuel ran out: trap (never returns).
            OutOfFuel out_of_fuel();
            /// The epoch deadline passed: trap (never returns).
            EpochInterrupt epoch_interrupt();
        }
    };
}

macro_rules! builtins {
    ($($(#[$doc:meta])* $name:ident $func:ident($($p:ident),*) $(-> $r:ident)?;)*) => {
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

            /// Whether the builtin throws: compiled code calls it with the
            /// `tail` convention (as wasm functions), so that a handler in
            /// the calling frame assumes every register clobbered.
            pub fn throws(self) -> bool {
                matches!(self, BuiltinFunctionIndex::Throw | BuiltinFunctionIndex::ThrowRef)
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

foreach_builtin!(builtins);
