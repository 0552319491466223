//! Instances: an [`Instance`] record immediately followed by its `VMContext`,
//! in one allocation, so runtime functions reach the instance from the vmctx
//! compiled code passes them.

use crate::memory::LinearMemory;
use crate::store_context::VMStoreContext;
use crate::table::{Table, TableElement};
use crate::vmcontext::*;
use kiln_types::*;
use std::alloc::Layout;
use std::any::Any;
use std::ptr::NonNull;
use std::sync::Arc;

/// What an instance needs from its compiled module.
pub struct ModuleRuntime {
    /// The module's metadata.
    pub info: Arc<ModuleInfo>,
    /// Its vmctx layout.
    pub offsets: VMOffsets,
    /// Engine signature id of each module type.
    pub signature_ids: Box<[VMSharedSignatureIndex]>,
    /// Machine code of each defined function.
    pub function_bodies: Box<[*const VMFunctionBody]>,
    /// Host→wasm trampoline of each module type.
    pub trampolines: Box<[VMTrampoline]>,
    /// Keeps the code (and signature registrations) alive.
    pub keepalive: Box<dyn Any + Send + Sync>,
}

// SAFETY: the raw pointers name immutable, executable code kept alive by `keepalive`.
unsafe impl Send for ModuleRuntime {}
// SAFETY: as above.
unsafe impl Sync for ModuleRuntime {}

/// The resolved imports of an instance, in import order per kind.
pub struct Imports<'a> {
    /// Function references for imported functions.
    pub functions: &'a [VMCallerCheckedAnyfunc],
    /// Imported tables.
    pub tables: &'a [*mut Table],
    /// Imported memories.
    pub memories: &'a [*mut LinearMemory],
    /// Imported globals' storage.
    pub globals: &'a [*mut VMGlobalDefinition],
}

/// A wasm instance. Always allocated by [`InstanceHandle`] with its vmctx after it.
#[repr(C)]
pub struct Instance {
    module: Arc<ModuleRuntime>,
    memories: Box<[*mut LinearMemory]>,
    tables: Box<[*mut Table]>,
    globals: Box<[*mut VMGlobalDefinition]>,
    passive_elements: Vec<Box<[TableElement]>>,
    dropped_data: Vec<bool>,
    /// Free for the embedder (the kiln crate stores the store slot here).
    pub host_data: usize,
    vmctx: VMContext,
}

impl Instance {
    /// The instance owning `vmctx`.
    ///
    /// # Safety
    /// `vmctx` must be the vmctx of a live instance.
    pub unsafe fn from_vmctx(vmctx: *mut VMContext) -> *mut Instance {
        // SAFETY: the vmctx is the last field of the instance allocation.
        unsafe {
            vmctx
                .cast::<u8>()
                .sub(std::mem::offset_of!(Instance, vmctx))
                .cast()
        }
    }

    /// The vmctx pointer compiled code receives.
    pub fn vmctx_ptr(&self) -> *mut VMContext {
        &self.vmctx as *const VMContext as *mut VMContext
    }

    /// The compiled module.
    pub fn module(&self) -> &Arc<ModuleRuntime> {
        &self.module
    }

    fn offsets(&self) -> &VMOffsets {
        &self.module.offsets
    }

    fn vmctx_plus<T>(&self, offset: u32) -> *mut T {
        // SAFETY: `offset` comes from `VMOffsets` for this module and lies in
        // the vmctx area allocated after the instance.
        unsafe { self.vmctx_ptr().cast::<u8>().add(offset as usize).cast() }
    }

    /// The memory with module-wide index `m`.
    pub fn memory(&self, m: MemoryIndex) -> *mut LinearMemory {
        self.memories[m.index()]
    }

    /// The table with module-wide index `t`.
    pub fn table(&self, t: TableIndex) -> *mut Table {
        self.tables[t.index()]
    }

    /// The storage of global `g`.
    pub fn global(&self, g: GlobalIndex) -> *mut VMGlobalDefinition {
        self.globals[g.index()]
    }

    /// The function reference of function `f`.
    pub fn anyfunc(&self, f: FuncIndex) -> *mut VMCallerCheckedAnyfunc {
        self.vmctx_plus(self.offsets().vmctx_anyfunc(f))
    }

    fn eval_const(&self, expr: &ConstExpr) -> RawValue {
        let mut stack: Vec<u128> = Vec::with_capacity(2);
        for op in &expr.ops {
            let v = match *op {
                ConstOp::I32Const(v) => u128::from(v as u32),
                ConstOp::I64Const(v) => u128::from(v as u64),
                ConstOp::F32Const(v) => u128::from(v),
                ConstOp::F64Const(v) => u128::from(v),
                ConstOp::V128Const(v) => v,
                // SAFETY: global storage lives as long as the instance.
                ConstOp::GlobalGet(g) => unsafe { (*self.global(g)).get().0 },
                ConstOp::RefNull => 0,
                ConstOp::RefFunc(f) => self.anyfunc(f) as usize as u128,
                ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                    let (b, a) = (stack.pop().unwrap() as u32, stack.pop().unwrap() as u32);
                    u128::from(match op {
                        ConstOp::I32Add => a.wrapping_add(b),
                        ConstOp::I32Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    })
                }
                ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                    let (b, a) = (stack.pop().unwrap() as u64, stack.pop().unwrap() as u64);
                    u128::from(match op {
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    })
                }
            };
            stack.push(v);
        }
        RawValue(stack.pop().unwrap_or(0))
    }

    /// Copies active element and data segments into their tables and
    /// memories, in order, and keeps passive ones for `table.init` and
    /// `memory.init`. The first segment that does not fit traps; segments
    /// before it stay written (the current spec's semantics, which the
    /// suite's 1.0 and 2.0 tests both use).
    pub fn initialize(&mut self) -> Result<(), TrapCode> {
        let info = self.module.info.clone();
        // Every segment exists before any is applied, as in the spec: if an
        // active segment traps, the instance's functions may already be
        // reachable (through an imported table), and their
        // `table.init`/`elem.drop`/`memory.init`/`data.drop` must find the
        // segments that were not applied yet still there.
        self.passive_elements = info
            .elements
            .iter()
            .map(|seg| {
                seg.items
                    .iter()
                    .map(|e| self.eval_const(e).ptr().cast())
                    .collect()
            })
            .collect();
        self.dropped_data = vec![false; info.data.len()];
        for (i, init) in info.table_inits.iter().enumerate() {
            if let Some(init) = init {
                let value = self.eval_const(init).ptr().cast();
                let t = TableIndex::from_usize(info.num_imported_tables + i);
                // SAFETY: tables outlive the instance.
                let table = unsafe { &mut *self.table(t) };
                table.fill(0, value, table.size())?;
            }
        }
        for (i, seg) in info.elements.iter().enumerate() {
            match &seg.kind {
                ElementSegmentKind::Active { table, offset } => {
                    let at = self.eval_const(offset).u32();
                    // SAFETY: tables outlive the instance.
                    let t = unsafe { &mut *self.table(*table) };
                    t.init(at, &self.passive_elements[i])?;
                    self.drop_element(ElemIndex::from_usize(i));
                }
                ElementSegmentKind::Passive => {}
                ElementSegmentKind::Declared => self.drop_element(ElemIndex::from_usize(i)),
            }
        }
        for (i, seg) in info.data.iter().enumerate() {
            if let DataSegmentKind::Active { memory, offset } = &seg.kind {
                let at = self.eval_const(offset).u64();
                let at = if info.memories[memory.index()].memory64 {
                    at
                } else {
                    at as u32 as u64
                };
                let bytes = info.data_segment_bytes(DataIndex::from_usize(i));
                // SAFETY: memories outlive the instance.
                let m = unsafe { &mut *self.memory(*memory) };
                let data = m.data_mut();
                let dst = usize::try_from(at)
                    .ok()
                    .and_then(|a| data.get_mut(a..a.checked_add(bytes.len())?))
                    .ok_or(TrapCode::MemoryOutOfBounds)?;
                dst.copy_from_slice(bytes);
                self.drop_data(DataIndex::from_usize(i));
            }
        }
        Ok(())
    }

    /// The elements of passive segment `e` (empty once dropped).
    pub(crate) fn passive_element(&self, e: ElemIndex) -> &[TableElement] {
        &self.passive_elements[e.index()]
    }

    /// `elem.drop`.
    pub(crate) fn drop_element(&mut self, e: ElemIndex) {
        self.passive_elements[e.index()] = Box::new([]);
    }

    /// The bytes of data segment `d` (empty once dropped).
    pub(crate) fn data_segment(&self, d: DataIndex) -> &[u8] {
        if self.dropped_data[d.index()] {
            &[]
        } else {
            self.module.info.data_segment_bytes(d)
        }
    }

    /// `data.drop`.
    pub(crate) fn drop_data(&mut self, d: DataIndex) {
        self.dropped_data[d.index()] = true;
    }
}

/// Owns an [`Instance`] allocation (instance record plus vmctx).
pub struct InstanceHandle {
    ptr: NonNull<Instance>,
    layout: Layout,
}

// SAFETY: the instance is only touched through its owning store, which
// serialises access.
unsafe impl Send for InstanceHandle {}
// SAFETY: as above.
unsafe impl Sync for InstanceHandle {}

impl InstanceHandle {
    /// Allocates an instance and fills its vmctx: store context, builtins,
    /// signature ids, imports, memory/table records, globals and anyfuncs.
    /// Segments are applied separately by [`Instance::initialize`].
    ///
    /// # Safety
    /// `store`, every import and every defined memory/table must outlive the
    /// instance; the imports must match the module's declared import types.
    pub unsafe fn new(
        module: Arc<ModuleRuntime>,
        store: *mut VMStoreContext,
        imports: Imports<'_>,
        defined_memories: &[*mut LinearMemory],
        defined_tables: &[*mut Table],
    ) -> InstanceHandle {
        let info = module.info.clone();
        let offsets = module.offsets.clone();
        let layout = Layout::new::<Instance>()
            .extend(Layout::from_size_align(offsets.size_of_vmctx() as usize, 16).unwrap())
            .unwrap()
            .0
            .pad_to_align();
        // SAFETY: the layout is non-zero-sized (the instance record).
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) } as *mut Instance;
        let Some(ptr) = NonNull::new(ptr) else {
            std::alloc::handle_alloc_error(layout)
        };
        let memories: Box<[_]> = imports
            .memories
            .iter()
            .chain(defined_memories)
            .copied()
            .collect();
        let tables: Box<[_]> = imports
            .tables
            .iter()
            .chain(defined_tables)
            .copied()
            .collect();
        // SAFETY: `ptr` is a fresh allocation of the right layout.
        unsafe {
            ptr.as_ptr().write(Instance {
                module: module.clone(),
                memories,
                tables,
                globals: Box::new([]),
                passive_elements: Vec::new(),
                dropped_data: Vec::new(),
                host_data: 0,
                vmctx: VMContext {
                    _pin: std::marker::PhantomPinned,
                },
            });
        }
        // SAFETY: just initialised; we hold the only pointer.
        let inst = unsafe { &mut *ptr.as_ptr() };
        let o = &offsets;
        // SAFETY: each write below targets a vmctx field whose offset comes
        // from this module's `VMOffsets`, within the allocation.
        unsafe {
            *inst.vmctx_plus::<*mut VMStoreContext>(o.vmctx_store_context()) = store;
            *inst.vmctx_plus::<*const VMBuiltinFunctionsArray>(o.vmctx_builtin_functions()) =
                VMBuiltinFunctionsArray::get();
            for (i, id) in module.signature_ids.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_signature_id(TypeIndex::from_usize(i))) = *id;
            }
            for (i, f) in imports.functions.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmfunction_import(FuncIndex::from_usize(i))) =
                    VMFunctionImport {
                        body: f.func_ptr,
                        environment: f.vmctx,
                    };
                *inst.anyfunc(FuncIndex::from_usize(i)) = *f;
            }
            for (i, t) in imports.tables.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmtable_import(TableIndex::from_usize(i))) =
                    VMTableImport {
                        definition: (**t).definition(),
                    };
            }
            for (i, m) in imports.memories.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmmemory_import(MemoryIndex::from_usize(i))) =
                    VMMemoryImport {
                        definition: (**m).definition(),
                    };
            }
            for (i, g) in imports.globals.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmglobal_import(GlobalIndex::from_usize(i))) =
                    VMGlobalImport { definition: *g };
            }
            for (i, m) in defined_memories.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmmemory_pointer(DefinedMemoryIndex::from_usize(i))) =
                    (**m).definition();
            }
            for (i, t) in defined_tables.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmtable_pointer(DefinedTableIndex::from_usize(i))) =
                    (**t).definition();
            }
            let vmctx = inst.vmctx_ptr();
            for (i, body) in module.function_bodies.iter().enumerate() {
                let f = info.func_index(DefinedFuncIndex::from_usize(i));
                let ty = info.functions[f.index()];
                *inst.anyfunc(f) = VMCallerCheckedAnyfunc {
                    func_ptr: *body,
                    type_index: module.signature_ids[ty.index()],
                    vmctx: VMFunctionContext { vmctx },
                    call_trampoline: module.trampolines[ty.index()],
                };
            }
        }
        let mut globals: Vec<*mut VMGlobalDefinition> = imports.globals.to_vec();
        for i in 0..info.global_inits.len() {
            globals.push(
                inst.vmctx_plus(o.vmctx_vmglobal_definition(DefinedGlobalIndex::from_usize(i))),
            );
        }
        inst.globals = globals.into_boxed_slice();
        for (i, init) in info.global_inits.iter().enumerate() {
            let v = inst.eval_const(init);
            let g = GlobalIndex::from_usize(info.num_imported_globals + i);
            // SAFETY: the global's storage is inside this vmctx.
            unsafe { (*inst.global(g)).set(v) };
        }
        InstanceHandle { ptr, layout }
    }

    /// The instance.
    pub fn instance(&self) -> &Instance {
        // SAFETY: the handle owns a live instance.
        unsafe { self.ptr.as_ref() }
    }

    /// The instance, mutably.
    pub fn instance_mut(&mut self) -> &mut Instance {
        // SAFETY: the handle owns a live instance; `&mut self` is exclusive.
        unsafe { self.ptr.as_mut() }
    }
}

impl Drop for InstanceHandle {
    fn drop(&mut self) {
        // SAFETY: we own the allocation and its initialised instance.
        unsafe {
            std::ptr::drop_in_place(self.ptr.as_ptr());
            std::alloc::dealloc(self.ptr.as_ptr().cast(), self.layout);
        }
    }
}
