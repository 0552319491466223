//! `VMOffsets`: the one definition of where everything lives in a `VMContext`
//! and inside the `#[repr(C)]` records compiled code reads.
//!
//! The vmctx trailing an instance is laid out as these regions, in order:
//!
//! | region | element |
//! |---|---|
//! | store context | `*mut VMStoreContext` |
//! | builtins | `*const VMBuiltinFunctionsArray` |
//! | signature ids | `VMSharedSignatureIndex` per module type |
//! | imported functions | `VMFunctionImport` |
//! | imported tables | `VMTableImport` |
//! | imported memories | `VMMemoryImport` |
//! | imported globals | `VMGlobalImport` |
//! | defined memories | `*mut VMMemoryDefinition` |
//! | defined tables | `*mut VMTableDefinition` |
//! | defined globals | `VMGlobalDefinition` (16-byte aligned, inline) |
//! | anyfuncs | `VMCallerCheckedAnyfunc` per function (imports included) |
//!
//! Every Rust struct in `kiln_vm::vmcontext` has tests asserting that these
//! numbers equal `offset_of!`, `size_of` and `align_of`.

use crate::{
    BuiltinFunctionIndex, DefinedGlobalIndex, DefinedMemoryIndex, DefinedTableIndex, FuncIndex,
    GlobalIndex, MemoryIndex, ModuleInfo, TableIndex, TypeIndex,
};

fn align(offset: u32, to: u32) -> u32 {
    offset.div_ceil(to) * to
}

/// Offsets of the fields of `VMStoreContext`, the per-store record every vmctx points to.
#[derive(Copy, Clone, Debug)]
pub struct VMStoreContextOffsets;

impl VMStoreContextOffsets {
    /// `stack_limit: usize`: the lowest stack address wasm may use.
    pub const STACK_LIMIT: u32 = 0;
    /// `fuel_consumed: i64`: negative remaining fuel; traps when it becomes positive.
    pub const FUEL_CONSUMED: u32 = 8;
    /// `epoch_deadline: u64`.
    pub const EPOCH_DEADLINE: u32 = 16;
    /// `epoch_counter: *const AtomicU64`: the engine's epoch.
    pub const EPOCH_COUNTER: u32 = 24;
    /// `last_wasm_exit_fp: usize`: frame pointer of the wasm frame that
    /// last called out (host-function adapters write it).
    pub const LAST_WASM_EXIT_FP: u32 = 48;
    /// `last_wasm_exit_pc: usize`: the return address into that frame.
    pub const LAST_WASM_EXIT_PC: u32 = 56;
    /// The GC heap's allocation window: where compiled code puts the next
    /// object (`next: usize`).
    pub const GC_ALLOC_NEXT: u32 = 64;
    /// Where the window ends (`end: usize`).
    pub const GC_ALLOC_END: u32 = 72;
    /// The first byte of the window's chunk (`chunk: usize`).
    pub const GC_ALLOC_CHUNK: u32 = 80;
    /// The chunk's start bitmap (`starts: *mut u64`).
    pub const GC_ALLOC_STARTS: u32 = 88;
    /// Size of the record.
    pub const SIZE: u32 = 32;
}

/// The value a funcref table slot holds while its function reference is
/// not made yet (lazy table initialisation): an odd address, which no
/// reference has. Compiled code that reads a slot and finds it asks the
/// runtime for the reference instead.
pub const VM_LAZY_TABLE_ELEMENT: usize = 1;

/// Offsets within a module's `VMContext` and its records, for one pointer size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VMOffsets {
    /// Pointer size in bytes.
    pub ptr: u8,
    /// Number of module types (signature ids).
    pub num_signature_ids: u32,
    /// Number of imported functions.
    pub num_imported_functions: u32,
    /// Number of imported tables.
    pub num_imported_tables: u32,
    /// Number of imported memories.
    pub num_imported_memories: u32,
    /// Number of imported globals.
    pub num_imported_globals: u32,
    /// Number of defined memories.
    pub num_defined_memories: u32,
    /// Number of defined tables.
    pub num_defined_tables: u32,
    /// Number of defined globals.
    pub num_defined_globals: u32,
    /// Number of functions (each has an anyfunc).
    pub num_functions: u32,
    signature_ids: u32,
    imported_functions: u32,
    imported_tables: u32,
    imported_memories: u32,
    imported_globals: u32,
    defined_memories: u32,
    defined_tables: u32,
    defined_globals: u32,
    anyfuncs: u32,
    size: u32,
}

impl VMOffsets {
    /// Computes the layout for `module` with pointers of `ptr` bytes.
    #[inline]
    pub fn new(ptr: u8, module: &ModuleInfo) -> Self {
        let n = |x: usize| u32::try_from(x).expect("entity count fits in u32");
        Self::from_counts(
            ptr,
            [
                n(module.types.len()),
                n(module.num_imported_funcs),
                n(module.num_imported_tables),
                n(module.num_imported_memories),
                n(module.num_imported_globals),
                n(module.memories.len() - module.num_imported_memories),
                n(module.tables.len() - module.num_imported_tables),
                n(module.globals.len() - module.num_imported_globals),
                n(module.functions.len()),
            ],
        )
    }

    /// Computes the layout from entity counts, in the order of the struct's count fields.
    #[inline]
    pub fn from_counts(ptr: u8, counts: [u32; 9]) -> Self {
        let p = u32::from(ptr);
        let mut me = Self {
            ptr,
            num_signature_ids: counts[0],
            num_imported_functions: counts[1],
            num_imported_tables: counts[2],
            num_imported_memories: counts[3],
            num_imported_globals: counts[4],
            num_defined_memories: counts[5],
            num_defined_tables: counts[6],
            num_defined_globals: counts[7],
            num_functions: counts[8],
            signature_ids: 0,
            imported_functions: 0,
            imported_tables: 0,
            imported_memories: 0,
            imported_globals: 0,
            defined_memories: 0,
            defined_tables: 0,
            defined_globals: 0,
            anyfuncs: 0,
            size: 0,
        };
        let mut at = 2 * p; // store context pointer, builtins pointer
        let mut region = |count: u32, elem: u32, alignment: u32| {
            let start = align(at, alignment);
            at = count
                .checked_mul(elem)
                .and_then(|len| start.checked_add(len))
                .expect("vmctx size overflows u32");
            start
        };
        me.signature_ids = region(me.num_signature_ids, 4, 4);
        me.imported_functions =
            region(me.num_imported_functions, me.size_of_vmfunction_import(), p);
        me.imported_tables = region(me.num_imported_tables, me.size_of_vmtable_import(), p);
        me.imported_memories = region(me.num_imported_memories, me.size_of_vmmemory_import(), p);
        me.imported_globals = region(me.num_imported_globals, me.size_of_vmglobal_import(), p);
        me.defined_memories = region(me.num_defined_memories, p, p);
        me.defined_tables = region(me.num_defined_tables, p, p);
        me.defined_globals = region(me.num_defined_globals, 16, 16);
        me.anyfuncs = region(me.num_functions, me.size_of_vmcaller_checked_anyfunc(), p);
        me.size = align(at, 16);
        me
    }

    fn p(&self) -> u32 {
        u32::from(self.ptr)
    }

    // ---- records ----

    /// `VMFunctionImport::body`.
    #[inline]
    pub fn vmfunction_import_body(&self) -> u32 {
        0
    }
    /// `VMFunctionImport::environment`.
    #[inline]
    pub fn vmfunction_import_environment(&self) -> u32 {
        self.p()
    }
    /// `size_of::<VMFunctionImport>()`.
    #[inline]
    pub fn size_of_vmfunction_import(&self) -> u32 {
        2 * self.p()
    }
    /// `VMTableImport::definition`.
    #[inline]
    pub fn vmtable_import_definition(&self) -> u32 {
        0
    }
    /// `size_of::<VMTableImport>()`.
    #[inline]
    pub fn size_of_vmtable_import(&self) -> u32 {
        self.p()
    }
    /// `VMMemoryImport::definition`.
    #[inline]
    pub fn vmmemory_import_definition(&self) -> u32 {
        0
    }
    /// `size_of::<VMMemoryImport>()`.
    #[inline]
    pub fn size_of_vmmemory_import(&self) -> u32 {
        self.p()
    }
    /// `VMGlobalImport::definition`.
    #[inline]
    pub fn vmglobal_import_definition(&self) -> u32 {
        0
    }
    /// `size_of::<VMGlobalImport>()`.
    #[inline]
    pub fn size_of_vmglobal_import(&self) -> u32 {
        self.p()
    }
    /// `VMMemoryDefinition::base`.
    #[inline]
    pub fn vmmemory_definition_base(&self) -> u32 {
        0
    }
    /// `VMMemoryDefinition::current_length`.
    #[inline]
    pub fn vmmemory_definition_current_length(&self) -> u32 {
        self.p()
    }
    /// `size_of::<VMMemoryDefinition>()`.
    #[inline]
    pub fn size_of_vmmemory_definition(&self) -> u32 {
        2 * self.p()
    }
    /// `VMTableDefinition::base`.
    #[inline]
    pub fn vmtable_definition_base(&self) -> u32 {
        0
    }
    /// `VMTableDefinition::current_elements`.
    #[inline]
    pub fn vmtable_definition_current_elements(&self) -> u32 {
        self.p()
    }
    /// `size_of::<VMTableDefinition>()`.
    #[inline]
    pub fn size_of_vmtable_definition(&self) -> u32 {
        2 * self.p()
    }
    /// `size_of::<VMGlobalDefinition>()` (and its alignment).
    #[inline]
    pub fn size_of_vmglobal_definition(&self) -> u32 {
        16
    }
    /// `size_of::<VMSharedSignatureIndex>()`.
    #[inline]
    pub fn size_of_vmshared_signature_index(&self) -> u32 {
        4
    }
    /// `VMCallerCheckedAnyfunc::func_ptr`.
    #[inline]
    pub fn vmcaller_checked_anyfunc_func_ptr(&self) -> u32 {
        0
    }
    /// `VMCallerCheckedAnyfunc::type_index`.
    #[inline]
    pub fn vmcaller_checked_anyfunc_type_index(&self) -> u32 {
        self.p()
    }
    /// `VMCallerCheckedAnyfunc::vmctx`.
    #[inline]
    pub fn vmcaller_checked_anyfunc_vmctx(&self) -> u32 {
        2 * self.p()
    }
    /// `VMCallerCheckedAnyfunc::call_trampoline`.
    #[inline]
    pub fn vmcaller_checked_anyfunc_call_trampoline(&self) -> u32 {
        3 * self.p()
    }
    /// `size_of::<VMCallerCheckedAnyfunc>()`.
    #[inline]
    pub fn size_of_vmcaller_checked_anyfunc(&self) -> u32 {
        4 * self.p()
    }
    /// `VMDynamicFunctionContext::address`.
    #[inline]
    pub fn vmdynamic_function_context_address(&self) -> u32 {
        0
    }
    /// `VMDynamicFunctionContext::ctx`.
    #[inline]
    pub fn vmdynamic_function_context_ctx(&self) -> u32 {
        self.p()
    }
    /// Offset of a builtin's pointer in the `VMBuiltinFunctionsArray`.
    #[inline]
    pub fn builtin_function(&self, b: BuiltinFunctionIndex) -> u32 {
        b.index() * self.p()
    }
    /// `size_of::<VMBuiltinFunctionsArray>()`.
    #[inline]
    pub fn size_of_builtin_functions_array(&self) -> u32 {
        BuiltinFunctionIndex::COUNT as u32 * self.p()
    }

    // ---- vmctx regions ----

    /// The store context pointer.
    #[inline]
    pub fn vmctx_store_context(&self) -> u32 {
        0
    }
    /// The builtins array pointer.
    #[inline]
    pub fn vmctx_builtin_functions(&self) -> u32 {
        self.p()
    }
    /// Start of the signature id region.
    #[inline]
    pub fn vmctx_signature_ids_begin(&self) -> u32 {
        self.signature_ids
    }
    /// Start of the imported functions region.
    #[inline]
    pub fn vmctx_imported_functions_begin(&self) -> u32 {
        self.imported_functions
    }
    /// Start of the imported tables region.
    #[inline]
    pub fn vmctx_imported_tables_begin(&self) -> u32 {
        self.imported_tables
    }
    /// Start of the imported memories region.
    #[inline]
    pub fn vmctx_imported_memories_begin(&self) -> u32 {
        self.imported_memories
    }
    /// Start of the imported globals region.
    #[inline]
    pub fn vmctx_imported_globals_begin(&self) -> u32 {
        self.imported_globals
    }
    /// Start of the defined memory pointers region.
    #[inline]
    pub fn vmctx_memories_begin(&self) -> u32 {
        self.defined_memories
    }
    /// Start of the defined table pointers region.
    #[inline]
    pub fn vmctx_tables_begin(&self) -> u32 {
        self.defined_tables
    }
    /// Start of the defined globals region.
    #[inline]
    pub fn vmctx_globals_begin(&self) -> u32 {
        self.defined_globals
    }
    /// Start of the anyfuncs region.
    #[inline]
    pub fn vmctx_anyfuncs_begin(&self) -> u32 {
        self.anyfuncs
    }
    /// Total size of the vmctx, last region included.
    #[inline]
    pub fn size_of_vmctx(&self) -> u32 {
        self.size
    }

    /// The signature id of module type `t`.
    #[inline]
    pub fn vmctx_signature_id(&self, t: TypeIndex) -> u32 {
        assert!(t.0 < self.num_signature_ids);
        self.signature_ids + t.0 * 4
    }
    /// The `VMFunctionImport` of imported function `f`.
    #[inline]
    pub fn vmctx_vmfunction_import(&self, f: FuncIndex) -> u32 {
        assert!(f.0 < self.num_imported_functions);
        self.imported_functions + f.0 * self.size_of_vmfunction_import()
    }
    /// The `VMTableImport` of imported table `t`.
    #[inline]
    pub fn vmctx_vmtable_import(&self, t: TableIndex) -> u32 {
        assert!(t.0 < self.num_imported_tables);
        self.imported_tables + t.0 * self.size_of_vmtable_import()
    }
    /// The `VMMemoryImport` of imported memory `m`.
    #[inline]
    pub fn vmctx_vmmemory_import(&self, m: MemoryIndex) -> u32 {
        assert!(m.0 < self.num_imported_memories);
        self.imported_memories + m.0 * self.size_of_vmmemory_import()
    }
    /// The `VMGlobalImport` of imported global `g`.
    #[inline]
    pub fn vmctx_vmglobal_import(&self, g: GlobalIndex) -> u32 {
        assert!(g.0 < self.num_imported_globals);
        self.imported_globals + g.0 * self.size_of_vmglobal_import()
    }
    /// The pointer to defined memory `m`'s `VMMemoryDefinition`.
    #[inline]
    pub fn vmctx_vmmemory_pointer(&self, m: DefinedMemoryIndex) -> u32 {
        assert!(m.0 < self.num_defined_memories);
        self.defined_memories + m.0 * self.p()
    }
    /// The pointer to defined table `t`'s `VMTableDefinition`.
    #[inline]
    pub fn vmctx_vmtable_pointer(&self, t: DefinedTableIndex) -> u32 {
        assert!(t.0 < self.num_defined_tables);
        self.defined_tables + t.0 * self.p()
    }
    /// The inline `VMGlobalDefinition` of defined global `g`.
    #[inline]
    pub fn vmctx_vmglobal_definition(&self, g: DefinedGlobalIndex) -> u32 {
        assert!(g.0 < self.num_defined_globals);
        self.defined_globals + g.0 * 16
    }
    /// The `VMCallerCheckedAnyfunc` of function `f`.
    #[inline]
    pub fn vmctx_anyfunc(&self, f: FuncIndex) -> u32 {
        assert!(f.0 < self.num_functions);
        self.anyfuncs + f.0 * self.size_of_vmcaller_checked_anyfunc()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_ordered_aligned_and_cover_the_last_one() {
        let o = VMOffsets::from_counts(8, [3, 2, 1, 1, 1, 1, 1, 3, 5]);
        assert_eq!(o.vmctx_signature_ids_begin(), 16);
        assert_eq!(o.vmctx_imported_functions_begin(), 32); // 16 + 12 rounded to 8
        assert_eq!(o.vmctx_imported_tables_begin(), 64);
        assert_eq!(o.vmctx_imported_memories_begin(), 72);
        assert_eq!(o.vmctx_imported_globals_begin(), 80);
        assert_eq!(o.vmctx_memories_begin(), 88);
        assert_eq!(o.vmctx_tables_begin(), 96);
        assert_eq!(o.vmctx_globals_begin(), 112); // 104 rounded to 16
        assert_eq!(o.vmctx_anyfuncs_begin(), 160);
        assert_eq!(o.size_of_vmctx(), 160 + 5 * 32);
        assert_eq!(o.vmctx_anyfunc(FuncIndex(4)), 160 + 4 * 32);
        assert_eq!(o.vmctx_vmglobal_definition(DefinedGlobalIndex(2)), 144);
    }

    #[test]
    fn empty_module_has_just_the_two_pointers() {
        let o = VMOffsets::from_counts(8, [0; 9]);
        assert_eq!(o.size_of_vmctx(), 16);
    }

    #[test]
    #[should_panic]
    fn out_of_range_index_is_rejected() {
        let o = VMOffsets::from_counts(8, [0, 1, 0, 0, 0, 0, 0, 0, 1]);
        o.vmctx_vmfunction_import(FuncIndex(1));
    }
}
