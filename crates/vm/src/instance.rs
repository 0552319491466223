//! Instances: an [`Instance`] record immediately followed by its `VMContext`,
//! in one allocation, so runtime functions reach the instance from the vmctx
//! compiled code passes them.

use crate::memory::LinearMemory;
use crate::memory_image::MemoryImages;
use crate::store_context::VMStoreContext;
use crate::table::{FunctionReferences, NULL_FUNCTION, Table};
use crate::table_image::TableImages;
use crate::vmcontext::*;
use kiln_types::*;
use std::alloc::Layout;
use std::any::Any;
use std::ptr::NonNull;
use std::sync::{Arc, OnceLock};

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
    /// Host→wasm trampoline of each module type (`None` for struct and
    /// array types).
    pub trampolines: Box<[Option<VMTrampoline>]>,
    /// Keeps the code (and signature registrations) alive.
    pub keepalive: Box<dyn Any + Send + Sync>,
    /// Copy-on-write images of the defined memories, made at the first
    /// instantiation.
    pub memory_images: OnceLock<MemoryImages>,
    /// The function references of the defined functions, without their
    /// vmctx (the same for every instance), made at the first instantiation.
    pub anyfunc_template: OnceLock<Box<[VMCallerCheckedAnyfunc]>>,
    /// Element segments whose items are all `ref.func`/`ref.null`, as
    /// function indices ([`NULL_FUNCTION`] for null), made on first use.
    pub function_elements: OnceLock<Box<[Option<FunctionItems>]>>,
    /// What the active element segments put in the defined tables, made at
    /// the first instantiation.
    pub table_images: OnceLock<TableImages>,
    /// Allocations of dropped instances of this module, kept for the next
    /// instances (their defined function references stay valid).
    pub spare_allocations: SpareAllocations,
}

/// Instance allocations of one module kept for reuse (at most
/// [`SpareAllocations::CAPACITY`]), all of the module's instance layout;
/// the module frees them when it is dropped.
#[derive(Default)]
pub struct SpareAllocations {
    free: std::sync::Mutex<Vec<NonNull<u8>>>,
}

impl SpareAllocations {
    /// The most allocations kept per module.
    const CAPACITY: usize = 16;
}

// SAFETY: the pointers are unused allocations owned by the cache.
unsafe impl Send for SpareAllocations {}
// SAFETY: as above; the mutex serialises access.
unsafe impl Sync for SpareAllocations {}

impl Drop for ModuleRuntime {
    fn drop(&mut self) {
        let layout = instance_layout(&self.offsets);
        let free = self.spare_allocations.free.get_mut();
        for raw in free.unwrap_or_else(|e| e.into_inner()).drain(..) {
            // SAFETY: every kept allocation was made with this module's
            // instance layout and holds no instance any more.
            unsafe { std::alloc::dealloc(raw.as_ptr(), layout) };
        }
    }
}

/// An element segment's items as function indices.
pub type FunctionItems = Box<[u32]>;

impl ModuleRuntime {
    /// The module's memory images (made on first use).
    pub fn memory_images(&self) -> &MemoryImages {
        self.memory_images
            .get_or_init(|| MemoryImages::new(&self.info))
    }

    /// The images of the module's defined tables (made on first use).
    pub fn table_images(&self) -> &TableImages {
        self.table_images
            .get_or_init(|| TableImages::new(&self.info, |e| self.function_element(e)))
    }

    /// The items of element segment `e` as function indices, if they are
    /// all `ref.func` or `ref.null`.
    fn function_element(&self, e: ElemIndex) -> Option<&[u32]> {
        let all = self.function_elements.get_or_init(|| {
            self.info
                .elements
                .iter()
                .map(|seg| {
                    seg.items
                        .iter()
                        .map(|item| match item.ops.as_slice() {
                            [ConstOp::RefFunc(f)] => Some(f.0),
                            [ConstOp::RefNull] => Some(NULL_FUNCTION),
                            _ => None,
                        })
                        .collect()
                })
                .collect()
        });
        all[e.index()].as_deref()
    }

    /// An allocation of a dropped instance of this module, if one is kept.
    fn take_allocation(&self) -> Option<*mut u8> {
        let mut free = self.spare_allocations.free.lock().ok()?;
        free.pop().map(NonNull::as_ptr)
    }

    /// Keeps the allocation of a dropped instance of this module (made with
    /// this module's instance layout) for reuse; `false` if the cache is full.
    fn keep_allocation(&self, raw: *mut u8) -> bool {
        let Ok(mut free) = self.spare_allocations.free.lock() else {
            return false;
        };
        if free.len() >= SpareAllocations::CAPACITY {
            return false;
        }
        free.push(NonNull::new(raw).expect("instances are non-null"));
        true
    }

    /// The defined functions' references with a null vmctx.
    fn anyfunc_template(&self) -> &[VMCallerCheckedAnyfunc] {
        self.anyfunc_template.get_or_init(|| {
            self.function_bodies
                .iter()
                .enumerate()
                .map(|(i, body)| {
                    let f = self.info.func_index(DefinedFuncIndex::from_usize(i));
                    let ty = self.info.functions[f.index()];
                    VMCallerCheckedAnyfunc {
                        func_ptr: *body,
                        type_index: self.signature_ids[ty.index()],
                        vmctx: VMFunctionContext {
                            vmctx: std::ptr::null_mut(),
                        },
                        call_trampoline: self.trampolines[ty.index()]
                            .expect("a function's type is a function type"),
                    }
                })
                .collect()
        })
    }
}

// SAFETY: the raw pointers name immutable, executable code kept alive by `keepalive`.
unsafe impl Send for ModuleRuntime {}
// SAFETY: as above.
unsafe impl Sync for ModuleRuntime {}

/// The resolved imports of an instance, in import order per kind.
pub struct Imports<'a> {
    /// Function references for imported functions.
    pub functions: &'a [VMCallerCheckedAnyfunc],
    /// Imported globals' storage.
    pub globals: &'a [*mut VMGlobalDefinition],
}

/// The memories and tables of an instance, each in module index order
/// (the imported ones first, then the defined ones).
pub struct InstanceStorage {
    /// Every memory.
    pub memories: Box<[*mut LinearMemory]>,
    /// Every table.
    pub tables: Box<[*mut Table]>,
    /// The store's index of every tag (what exceptions are matched by).
    pub tags: Box<[u32]>,
}

/// A wasm instance. Always allocated by [`InstanceHandle`] with its vmctx after it.
#[repr(C)]
pub struct Instance {
    module: Arc<ModuleRuntime>,
    memories: Box<[*mut LinearMemory]>,
    tables: Box<[*mut Table]>,
    tags: Box<[u32]>,
    globals: Box<[*mut VMGlobalDefinition]>,
    /// Which segments were dropped: the element segments (applied active
    /// ones, declared ones, and `elem.drop`ped passive ones), then the data
    /// segments (applied active ones and `data.drop`ped ones).
    dropped: Vec<bool>,
    /// The items of each element segment that is not a plain list of
    /// functions, evaluated once at instantiation (`None` for function
    /// lists, whose references are made when used).
    element_values: Vec<Option<Box<[usize]>>>,
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

    /// The store's index of tag `t`.
    pub fn tag_id(&self, t: TagIndex) -> u32 {
        self.tags[t.index()]
    }

    /// The storage of global `g`.
    pub fn global(&self, g: GlobalIndex) -> *mut VMGlobalDefinition {
        self.globals[g.index()]
    }

    /// Where this instance's function references are.
    fn function_references(&self) -> FunctionReferences {
        FunctionReferences {
            anyfuncs: self.vmctx_plus(self.offsets().vmctx_anyfuncs_begin()),
            stride: self.offsets().size_of_vmcaller_checked_anyfunc() as usize,
        }
    }

    /// The function reference of function `f`.
    pub fn anyfunc(&self, f: FuncIndex) -> *mut VMCallerCheckedAnyfunc {
        self.vmctx_plus(self.offsets().vmctx_anyfunc(f))
    }

    /// The value of a constant operator that pushes one value (not the
    /// extended-const arithmetic).
    fn eval_push(&self, op: ConstOp) -> Option<u128> {
        Some(match op {
            ConstOp::I32Const(v) => u128::from(v as u32),
            ConstOp::I64Const(v) => u128::from(v as u64),
            ConstOp::F32Const(v) => u128::from(v),
            ConstOp::F64Const(v) => u128::from(v),
            ConstOp::V128Const(v) => v,
            // SAFETY: global storage lives as long as the instance.
            ConstOp::GlobalGet(g) => unsafe { (*self.global(g)).get().0 },
            ConstOp::RefNull => 0,
            ConstOp::RefFunc(f) => self.anyfunc(f) as usize as u128,
            _ => return None,
        })
    }

    /// The value of a constant expression; fails only if a GC object it
    /// makes cannot be allocated.
    fn eval_const(&self, expr: &ConstExpr) -> Result<RawValue, TrapCode> {
        // Almost every constant expression is a single operator.
        if let [op] = expr.ops.as_slice()
            && let Some(v) = self.eval_push(*op)
        {
            return Ok(RawValue(v));
        }
        let mut stack: Vec<u128> = Vec::with_capacity(2);
        for op in &expr.ops {
            let v = match *op {
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
                // The word compiled code uses for an i31 (see kiln-compiler's
                // `translate/gc.rs`).
                ConstOp::RefI31 => i31_word(stack.pop().unwrap() as u32) as u128,
                ConstOp::ConvertReference => stack.pop().unwrap(),
                ConstOp::StructNew(t) => {
                    let n = self.module.info.struct_type_at(t).fields.len();
                    let fields = stack.split_off(stack.len() - n);
                    self.new_struct(t, &fields)? as u128
                }
                ConstOp::StructNewDefault(t) => self.new_struct(t, &[])? as u128,
                ConstOp::ArrayNew(t) => {
                    let len = stack.pop().unwrap() as u32;
                    let init = stack.pop().unwrap();
                    self.new_array(t, len, |_| init)? as u128
                }
                ConstOp::ArrayNewDefault(t) => {
                    let len = stack.pop().unwrap() as u32;
                    self.new_array_default(t, len)? as u128
                }
                ConstOp::ArrayNewFixed(t, n) => {
                    let items = stack.split_off(stack.len() - n as usize);
                    self.new_array(t, n, |i| items[i as usize])? as u128
                }
                push => self.eval_push(push).unwrap_or_default(),
            };
            stack.push(v);
        }
        Ok(RawValue(stack.pop().unwrap_or(0)))
    }

    /// The store's GC heap (the store context outlives its instances).
    pub(crate) fn gc_heap(&self) -> *mut crate::GcHeap {
        let o = self.offsets();
        // SAFETY: the vmctx's store context pointer was set at creation and
        // the store context outlives the instance.
        unsafe {
            &raw mut (**self.vmctx_plus::<*mut VMStoreContext>(o.vmctx_store_context())).gc_heap
        }
    }

    /// A struct of module type `t` with `fields` (raw values, in order), or
    /// with zero fields if `fields` is empty.
    pub(crate) fn new_struct(&self, t: TypeIndex, fields: &[u128]) -> Result<usize, TrapCode> {
        let ty = self.module.info.struct_type_at(t);
        let layout = StructLayout::new(ty);
        let id = self.module.signature_ids[t.index()].bits();
        // SAFETY: allocation happens in a builtin or at instantiation, when
        // nothing else holds the heap.
        let object = unsafe { &mut *self.gc_heap() }
            .alloc(GcKind::Struct.header(id), layout.size as usize)?;
        for ((value, field), offset) in fields.iter().zip(ty.fields.iter()).zip(&layout.fields) {
            // SAFETY: the field lies inside the new object.
            unsafe { crate::write_storage(object.add(*offset as usize), field.storage, *value) };
        }
        Ok(object as usize)
    }

    /// An array of module type `t` with `len` zero (or null) elements.
    pub(crate) fn new_array_default(&self, t: TypeIndex, len: u32) -> Result<usize, TrapCode> {
        let storage = self.module.info.array_type_at(t).0.storage;
        let id = self.module.signature_ids[t.index()].bits();
        // SAFETY: as in `new_struct`; the heap hands out zeroed objects.
        let heap = unsafe { &mut *self.gc_heap() };
        Ok(heap.alloc_array(id, len, storage_size(storage))? as usize)
    }

    /// An array of module type `t` with `len` elements, element `i` being
    /// `item(i)` (a raw value).
    pub(crate) fn new_array(
        &self,
        t: TypeIndex,
        len: u32,
        mut item: impl FnMut(u32) -> u128,
    ) -> Result<usize, TrapCode> {
        let object = self.new_array_default(t, len)?;
        let storage = self.module.info.array_type_at(t).0.storage;
        let size = storage_size(storage);
        for i in 0..len {
            let value = item(i);
            if value != 0 {
                // SAFETY: the array has `len` elements.
                unsafe {
                    crate::write_storage(crate::array_element(object, size, i), storage, value)
                };
            }
        }
        Ok(object)
    }

    /// Copies active element and data segments into their tables and
    /// memories, in order, and keeps passive ones for `table.init` and
    /// `memory.init`. The first segment that does not fit traps; segments
    /// before it stay written (the current spec's semantics, which the
    /// suite's 1.0 and 2.0 tests both use).
    pub fn initialize(&mut self) -> Result<(), TrapCode> {
        let r = self.initialize_segments();
        if r.is_err() {
            // A memory may have been created with its image already mapped
            // (see `LinearMemory::with_pool`); data segments were not
            // applied, so it must read as zeros.
            let info = self.module.info.clone();
            for m in &self.memories[info.num_imported_memories..] {
                // SAFETY: memories outlive the instance; no code ran on it.
                unsafe {
                    let _ = (**m).map_image(None);
                }
            }
        }
        r
    }

    fn initialize_segments(&mut self) -> Result<(), TrapCode> {
        let info = self.module.info.clone();
        // Every segment exists before any is applied, as in the spec: if an
        // active segment traps, the instance's functions may already be
        // reachable (through an imported table), and their
        // `table.init`/`elem.drop`/`memory.init`/`data.drop` must find the
        // segments that were not applied yet still there. Element items are
        // evaluated when written: their constant expressions only read
        // immutable globals and function addresses, so the value is the
        // same whenever it is computed.
        self.dropped = vec![false; info.elements.len() + info.data.len()];
        for (i, init) in info.global_inits.iter().enumerate() {
            let v = self.eval_const(init)?;
            let g = GlobalIndex::from_usize(info.num_imported_globals + i);
            // SAFETY: the global's storage is inside this vmctx.
            unsafe { (*self.global(g)).set(v) };
        }
        // Element items that are not plain functions are evaluated once,
        // here: a `struct.new` item must be the same object every time the
        // segment is used.
        let mut element_values = Vec::with_capacity(info.elements.len());
        for (i, seg) in info.elements.iter().enumerate() {
            element_values.push(
                match self.module.function_element(ElemIndex::from_usize(i)) {
                    Some(_) => None,
                    None => Some(
                        seg.items
                            .iter()
                            .map(|item| Ok(self.eval_const(item)?.ptr() as usize))
                            .collect::<Result<Box<[usize]>, TrapCode>>()?,
                    ),
                },
            );
        }
        self.element_values = element_values;
        for (i, init) in info.table_inits.iter().enumerate() {
            if let Some(init) = init {
                let value = self.eval_const(init)?.ptr().cast();
                let t = TableIndex::from_usize(info.num_imported_tables + i);
                // SAFETY: tables outlive the instance.
                let table = unsafe { &mut *self.table(t) };
                table.fill(0, value, table.size())?;
            }
        }
        let lazy_tables = self.module.table_images().covers_all_elements();
        if lazy_tables {
            // The tables were made from the images (see
            // `Table::with_lazy_functions`); give them their references.
            let references = self.function_references();
            for t in &self.tables[info.num_imported_tables..] {
                // SAFETY: tables outlive the instance, and every function
                // index of an image names a reference in this vmctx.
                unsafe { (**t).attach_functions(references) };
            }
        }
        for (i, seg) in info.elements.iter().enumerate() {
            let e = ElemIndex::from_usize(i);
            match &seg.kind {
                ElementSegmentKind::Active { table, offset } => {
                    if !lazy_tables {
                        let at = self.eval_const(offset)?.u64();
                        // A 64-bit table's offset past 2^32 is past its end.
                        let at = if info.tables[table.index()].table64 {
                            u32::try_from(at).map_err(|_| TrapCode::TableOutOfBounds)?
                        } else {
                            at as u32
                        };
                        self.table_init(*table, e, at, 0, seg.items.len() as u32)?;
                    }
                    self.drop_element(e);
                }
                ElementSegmentKind::Passive => {}
                ElementSegmentKind::Declared => self.drop_element(e),
            }
        }
        let images = self.module.memory_images();
        if images.covers_all_data() {
            // No segment can trap: mapping each memory's image at once is
            // the same as copying the segments in order.
            for (i, m) in self.memories[info.num_imported_memories..]
                .iter()
                .enumerate()
            {
                if let Some(image) = images.get(DefinedMemoryIndex::from_usize(i)) {
                    // SAFETY: memories outlive the instance; this one was
                    // made for it and nothing has touched it yet.
                    unsafe { (**m).map_image(Some(image)) }
                        .map_err(|_| TrapCode::MemoryOutOfBounds)?;
                }
            }
            for (i, seg) in info.data.iter().enumerate() {
                if let DataSegmentKind::Active { .. } = seg.kind {
                    self.drop_data(DataIndex::from_usize(i));
                }
            }
            return Ok(());
        }
        for (i, seg) in info.data.iter().enumerate() {
            if let DataSegmentKind::Active { memory, offset } = &seg.kind {
                let at = self.eval_const(offset)?.u64();
                let at = if info.memories[memory.index()].memory64 {
                    at
                } else {
                    at as u32 as u64
                };
                let bytes = info.data_segment_bytes(DataIndex::from_usize(i));
                // SAFETY: memories outlive the instance; an imported shared
                // memory may be in use by other threads, so only `&`.
                let m = unsafe { &*self.memory(*memory) };
                m.write_at(at, bytes).ok_or(TrapCode::MemoryOutOfBounds)?;
                self.drop_data(DataIndex::from_usize(i));
            }
        }
        Ok(())
    }

    /// `table.init`: writes items `src..src + len` of element segment `e`
    /// (empty once dropped) into `table` at `dst`, or nothing if either
    /// range is out of bounds.
    pub(crate) fn table_init(
        &self,
        table: TableIndex,
        e: ElemIndex,
        dst: u32,
        src: u32,
        len: u32,
    ) -> Result<(), TrapCode> {
        let items = self.element_items(e, src, len)?;
        // SAFETY: tables outlive the instance and are not part of it.
        let table = unsafe { &mut *self.table(table) };
        table.init_with(dst, len, |i| items.get(i).cast())
    }

    /// Items `src..src + len` of element segment `e` (which has none once
    /// dropped), or `TableOutOfBounds` if they are not all there.
    pub(crate) fn element_items(
        &self,
        e: ElemIndex,
        src: u32,
        len: u32,
    ) -> Result<ElementItems<'_>, TrapCode> {
        let available = if self.dropped[e.index()] {
            0
        } else {
            self.module.info.elements[e.index()].items.len()
        };
        let range = src as usize
            ..(src as usize)
                .checked_add(len as usize)
                .filter(|end| *end <= available)
                .ok_or(TrapCode::TableOutOfBounds)?;
        Ok(match &self.element_values[e.index()] {
            Some(values) => ElementItems::Values(&values[range]),
            None => ElementItems::Functions(
                &self.module.function_element(e).expect("a function list")[range],
                self.function_references(),
            ),
        })
    }

    /// Calls `f` with the evaluated items of every element segment not yet
    /// dropped: GC roots.
    pub fn element_roots(&self, mut f: impl FnMut(&[usize])) {
        for (i, values) in self.element_values.iter().enumerate() {
            if let Some(values) = values
                && !self.dropped[i]
            {
                f(values);
            }
        }
    }

    /// `elem.drop`.
    pub(crate) fn drop_element(&mut self, e: ElemIndex) {
        self.dropped[e.index()] = true;
    }

    /// The bytes of data segment `d` (empty once dropped).
    pub(crate) fn data_segment(&self, d: DataIndex) -> &[u8] {
        if self.dropped[self.module.info.elements.len() + d.index()] {
            &[]
        } else {
            self.module.info.data_segment_bytes(d)
        }
    }

    /// `data.drop`.
    pub(crate) fn drop_data(&mut self, d: DataIndex) {
        let i = self.module.info.elements.len() + d.index();
        self.dropped[i] = true;
    }
}

/// Some items of an element segment, as table elements.
pub(crate) enum ElementItems<'a> {
    /// Function indices of the instance (or `NULL_FUNCTION`), whose
    /// references are made when read.
    Functions(&'a [u32], FunctionReferences),
    /// Values evaluated at instantiation.
    Values(&'a [usize]),
}

impl ElementItems<'_> {
    /// Item `i` (of those selected).
    pub(crate) fn get(&self, i: usize) -> *mut u8 {
        match self {
            // SAFETY: validation guarantees each item is a function of the
            // instance (or null), so its reference lies in its vmctx.
            ElementItems::Functions(funcs, references) => unsafe { references.element(funcs[i]) },
            ElementItems::Values(values) => values[i] as *mut u8,
        }
    }
}

/// The allocation of an instance record followed by a vmctx of `offsets`.
fn instance_layout(offsets: &VMOffsets) -> Layout {
    Layout::new::<Instance>()
        .extend(Layout::from_size_align(offsets.size_of_vmctx() as usize, 16).unwrap())
        .unwrap()
        .0
        .pad_to_align()
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
    /// signature ids, imports, memory/table records and anyfuncs. Globals
    /// get their values, and segments are applied, by
    /// [`Instance::initialize`].
    ///
    /// # Safety
    /// `store`, every import and every memory/table must outlive the
    /// instance; the imports must match the module's declared import types.
    pub unsafe fn new(
        module: Arc<ModuleRuntime>,
        store: *mut VMStoreContext,
        imports: Imports<'_>,
        storage: InstanceStorage,
    ) -> InstanceHandle {
        let info = module.info.clone();
        let offsets = module.offsets.clone();
        let layout = instance_layout(&offsets);
        // Zero everything but the defined functions' references, the last
        // region of the vmctx, which is written in full below unless this
        // allocation held an instance of the same module before (then they
        // are already right: they name the allocation's own vmctx).
        let vmctx_start = std::mem::offset_of!(Instance, vmctx);
        let defined_start = vmctx_start
            + offsets.vmctx_anyfuncs_begin() as usize
            + info.num_imported_funcs * offsets.size_of_vmcaller_checked_anyfunc() as usize;
        let defined_end = defined_start
            + module.function_bodies.len() * offsets.size_of_vmcaller_checked_anyfunc() as usize;
        let (raw, reused) = match module.take_allocation() {
            Some(raw) => (raw, true),
            None => {
                // SAFETY: the layout is non-zero-sized (the instance record).
                let raw = unsafe { std::alloc::alloc(layout) };
                if raw.is_null() {
                    std::alloc::handle_alloc_error(layout)
                }
                (raw, false)
            }
        };
        // SAFETY: both ranges lie inside the allocation.
        unsafe {
            raw.write_bytes(0, defined_start);
            raw.add(defined_end)
                .write_bytes(0, layout.size() - defined_end);
        }
        let ptr = NonNull::new(raw.cast::<Instance>()).expect("checked above");
        let InstanceStorage {
            memories,
            tables,
            tags,
        } = storage;
        debug_assert_eq!(memories.len(), info.memories.len());
        debug_assert_eq!(tables.len(), info.tables.len());
        debug_assert_eq!(tags.len(), info.tags.len());
        // SAFETY: `ptr` is a fresh allocation of the right layout.
        unsafe {
            ptr.as_ptr().write(Instance {
                module: module.clone(),
                memories,
                tables,
                tags,
                globals: Box::new([]),
                dropped: Vec::new(),
                element_values: Vec::new(),
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
            let (imported_tables, defined_tables) = inst.tables.split_at(info.num_imported_tables);
            for (i, t) in imported_tables.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmtable_import(TableIndex::from_usize(i))) =
                    VMTableImport {
                        definition: (**t).definition(),
                    };
            }
            for (i, t) in defined_tables.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmtable_pointer(DefinedTableIndex::from_usize(i))) =
                    (**t).definition();
            }
            let (imported_memories, defined_memories) =
                inst.memories.split_at(info.num_imported_memories);
            for (i, m) in imported_memories.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmmemory_import(MemoryIndex::from_usize(i))) =
                    VMMemoryImport {
                        definition: (**m).definition(),
                    };
            }
            for (i, m) in defined_memories.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmmemory_pointer(DefinedMemoryIndex::from_usize(i))) =
                    (**m).definition();
            }
            for (i, g) in imports.globals.iter().enumerate() {
                *inst.vmctx_plus(o.vmctx_vmglobal_import(GlobalIndex::from_usize(i))) =
                    VMGlobalImport { definition: *g };
            }
            let vmctx = inst.vmctx_ptr();
            let template = module.anyfunc_template();
            if !reused && !template.is_empty() {
                // The defined functions' references are consecutive.
                let first = inst.anyfunc(info.func_index(DefinedFuncIndex::from_usize(0)));
                let defined = std::slice::from_raw_parts_mut(first, template.len());
                for (slot, t) in defined.iter_mut().zip(template) {
                    *slot = VMCallerCheckedAnyfunc {
                        vmctx: VMFunctionContext { vmctx },
                        ..*t
                    };
                }
            }
        }
        let mut globals: Vec<*mut VMGlobalDefinition> = imports.globals.to_vec();
        for i in 0..info.global_inits.len() {
            globals.push(
                inst.vmctx_plus(o.vmctx_vmglobal_definition(DefinedGlobalIndex::from_usize(i))),
            );
        }
        inst.globals = globals.into_boxed_slice();
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
        let module = self.instance().module.clone();
        // SAFETY: we own the allocation and its initialised instance.
        unsafe { std::ptr::drop_in_place(self.ptr.as_ptr()) };
        let raw = self.ptr.as_ptr().cast::<u8>();
        if !module.keep_allocation(raw) {
            // SAFETY: allocated with `self.layout`; the instance is gone.
            unsafe { std::alloc::dealloc(raw, self.layout) };
        }
    }
}
