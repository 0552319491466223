//! The records compiled wasm code reads and writes directly, and the
//! `VMContext` they hang off. Names and meanings follow wasmer's
//! `wasmer_vm::vmcontext`; offsets come from [`kiln_types::VMOffsets`] and are
//! checked against these definitions by the tests at the bottom of this file.

use crate::builtins;
use crate::instance::Instance;
use kiln_types::{BuiltinFunctionIndex, TrapCode};
use std::ffi::c_void;
use std::marker::PhantomPinned;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// Opaque type standing for the first byte of a compiled function's machine code.
#[repr(C)]
pub struct VMFunctionBody(u8);

/// An untyped 16-byte value slot: how arguments, results and globals are passed
/// between the host and compiled code. Integers and float bits are stored
/// little-endian from offset 0; references as a pointer at offset 0.
#[derive(Copy, Clone, Default, PartialEq, Eq, Debug)]
#[repr(C, align(16))]
pub struct RawValue(pub u128);

impl RawValue {
    /// A slot holding a 32-bit value.
    pub fn from_u32(v: u32) -> Self {
        Self(u128::from(v))
    }
    /// A slot holding a 64-bit value.
    pub fn from_u64(v: u64) -> Self {
        Self(u128::from(v))
    }
    /// A slot holding a pointer (a reference value).
    pub fn from_ptr(p: *mut c_void) -> Self {
        Self(p as usize as u128)
    }
    /// The low 32 bits.
    pub fn u32(self) -> u32 {
        self.0 as u32
    }
    /// The low 64 bits.
    pub fn u64(self) -> u64 {
        self.0 as u64
    }
    /// The slot as a pointer.
    pub fn ptr(self) -> *mut c_void {
        self.0 as usize as *mut c_void
    }
}

/// The first parameter passed when calling a function: the callee instance's
/// `VMContext` for wasm functions, the host function's own environment for
/// host functions.
#[derive(Copy, Clone)]
#[repr(C)]
pub union VMFunctionContext {
    /// A wasm function's instance context.
    pub vmctx: *mut VMContext,
    /// A host function's environment (a `VMDynamicFunctionContext`).
    pub host_env: *mut c_void,
}

impl VMFunctionContext {
    /// The context as an untyped pointer.
    pub fn as_ptr(self) -> *mut c_void {
        // SAFETY: both variants are raw pointers of the same size; reading
        // either as `*mut c_void` is a plain reinterpretation.
        unsafe { self.host_env }
    }
    /// Whether the context is null.
    pub fn is_null(self) -> bool {
        self.as_ptr().is_null()
    }
}

impl std::fmt::Debug for VMFunctionContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VMFunctionContext({:p})", self.as_ptr())
    }
}

impl PartialEq for VMFunctionContext {
    fn eq(&self, other: &Self) -> bool {
        self.as_ptr() == other.as_ptr()
    }
}

/// An imported function, as compiled code calls it: `body(environment, caller_vmctx, args…)`.
#[derive(Debug, Copy, Clone)]
#[repr(C)]
pub struct VMFunctionImport {
    /// The function's machine code (wasm calling convention).
    pub body: *const VMFunctionBody,
    /// The callee's first argument.
    pub environment: VMFunctionContext,
}

/// How a host function's wasm-callable `body` was produced.
#[derive(Debug, Copy, Clone, PartialEq, Eq)]
#[repr(C)]
pub enum VMFunctionKind {
    /// Built from a statically typed Rust closure; its arguments are decoded
    /// by code generated for those Rust types.
    Static,
    /// Built from a closure over a slice of values whose signature is only
    /// known at run time.
    Dynamic,
}

/// The signature of the host entry that a `VMDynamicFunctionContext::address`
/// points to: `(env, caller_vmctx, values, len) -> ok`. Arguments arrive in
/// `values[..params]`, results are written to `values[..results]`. Returning
/// `false` means a trap or error has been recorded with [`crate::record_host_trap`].
pub type VMArrayCallFunction =
    unsafe extern "C" fn(*mut c_void, *mut VMContext, *mut RawValue, usize) -> bool;

/// The context a host function receives instead of a vmctx. Compiled
/// wasm-to-host adapters load `address` and call it with a pointer to this
/// record, so `ctx` carries the host closure and its state.
#[repr(C)]
pub struct VMDynamicFunctionContext<T> {
    /// The host entry point, a [`VMArrayCallFunction`].
    pub address: *const VMFunctionBody,
    /// The host's data (the closure and whatever it needs).
    pub ctx: T,
}

// SAFETY: `address` is a code pointer to a plain function; sharing or sending
// it is safe whenever the context itself may be shared or sent.
unsafe impl<T: Send> Send for VMDynamicFunctionContext<T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Sync for VMDynamicFunctionContext<T> {}

/// An imported table: compiled code loads `definition`, then base and length through it.
#[derive(Debug, Copy, Clone)]
#[repr(C)]
pub struct VMTableImport {
    /// The exporting table's record.
    pub definition: *mut VMTableDefinition,
}

/// An imported memory: compiled code loads `definition`, then base and length through it.
#[derive(Debug, Copy, Clone)]
#[repr(C)]
pub struct VMMemoryImport {
    /// The exporting memory's record.
    pub definition: *mut VMMemoryDefinition,
}

/// An imported global: compiled code loads `definition`, then the value through it.
#[derive(Debug, Copy, Clone)]
#[repr(C)]
pub struct VMGlobalImport {
    /// The exporting global's storage.
    pub definition: *mut VMGlobalDefinition,
}

/// A linear memory as compiled code sees it: start address and size in bytes.
/// The record is owned by the memory object, so its address is stable even
/// when the memory is shared or exported.
#[derive(Debug)]
#[repr(C)]
pub struct VMMemoryDefinition {
    /// Start of the memory's bytes.
    pub base: *mut u8,
    /// Accessible size in bytes (read atomically: shared memories grow concurrently).
    pub current_length: AtomicUsize,
}

// SAFETY: the record is only a pointer and a length; the memory it describes
// is synchronised by its owner.
unsafe impl Send for VMMemoryDefinition {}
// SAFETY: as above; `current_length` is atomic.
unsafe impl Sync for VMMemoryDefinition {}

impl VMMemoryDefinition {
    /// The current length in bytes.
    pub fn len(&self) -> usize {
        self.current_length.load(Ordering::Acquire)
    }
    /// Whether the memory has no accessible bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Checks that `[addr, addr + len)` lies inside the memory, with no overflow.
    pub(crate) fn check_range(&self, addr: u64, len: u64) -> Result<usize, TrapCode> {
        match addr.checked_add(len) {
            Some(end) if end <= self.len() as u64 => Ok(addr as usize),
            _ => Err(TrapCode::MemoryOutOfBounds),
        }
    }
}

/// A table as compiled code sees it: the element array and its length.
/// Elements are pointer-sized (`*const VMCallerCheckedAnyfunc` for funcref,
/// an extern-ref pointer for externref); null is the null reference.
#[derive(Debug)]
#[repr(C)]
pub struct VMTableDefinition {
    /// Start of the element array.
    pub base: *mut u8,
    /// Number of elements.
    pub current_elements: u32,
}

/// Storage for a wasm global: 16 bytes, 16-byte aligned, read and written by
/// compiled code with the global's own type at offset 0.
#[derive(Debug, Copy, Clone, Default)]
#[repr(C, align(16))]
pub struct VMGlobalDefinition {
    storage: [u8; 16],
}

impl VMGlobalDefinition {
    /// A zeroed global.
    pub fn new() -> Self {
        Self::default()
    }
    /// Reads the slot as raw bits.
    pub fn get(&self) -> RawValue {
        RawValue(u128::from_le_bytes(self.storage))
    }
    /// Writes raw bits.
    pub fn set(&mut self, v: RawValue) {
        self.storage = v.0.to_le_bytes();
    }
}

/// A signature id, canonical across an Engine: two functions have the same
/// type iff their ids are equal. `call_indirect` compares two of these.
#[derive(Debug, Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(C)]
pub struct VMSharedSignatureIndex(u32);

impl VMSharedSignatureIndex {
    /// Wraps a registry slot number.
    pub fn new(i: u32) -> Self {
        Self(i)
    }
    /// The registry slot number.
    pub fn bits(self) -> u32 {
        self.0
    }
}

impl Default for VMSharedSignatureIndex {
    /// The invalid id, matching no signature.
    fn default() -> Self {
        Self(u32::MAX)
    }
}

/// The host → wasm entry for one signature: `(callee context, body, values)`.
/// It reads the arguments from `values`, calls `body` with the wasm calling
/// convention, and writes the results back to `values`.
pub type VMTrampoline = unsafe extern "C" fn(*mut c_void, *const VMFunctionBody, *mut RawValue);

/// A function reference: what funcref table elements and globals point to,
/// and what `call_indirect` checks (`type_index`) before calling `func_ptr`
/// with `vmctx`.
#[derive(Debug, Copy, Clone)]
#[repr(C)]
pub struct VMCallerCheckedAnyfunc {
    /// The function's machine code, wasm calling convention.
    pub func_ptr: *const VMFunctionBody,
    /// The function's signature id.
    pub type_index: VMSharedSignatureIndex,
    /// The callee's first argument.
    pub vmctx: VMFunctionContext,
    /// How the host calls this function.
    pub call_trampoline: VMTrampoline,
}

// SAFETY: an anyfunc is immutable once built and only names code and a context
// whose owners keep them alive for as long as the anyfunc is reachable.
unsafe impl Send for VMCallerCheckedAnyfunc {}
// SAFETY: as above.
unsafe impl Sync for VMCallerCheckedAnyfunc {}

/// The addresses of the runtime's builtin functions, in
/// [`BuiltinFunctionIndex`] order. There is exactly one, static, array; each
/// vmctx points at it, and compiled code calls through it, so code is never
/// patched per instance.
#[derive(Debug)]
#[repr(C)]
pub struct VMBuiltinFunctionsArray {
    ptrs: [*const VMFunctionBody; BuiltinFunctionIndex::COUNT],
}

// SAFETY: the array is immutable and holds only addresses of functions.
unsafe impl Sync for VMBuiltinFunctionsArray {}

impl VMBuiltinFunctionsArray {
    /// The process-wide array.
    pub fn get() -> &'static VMBuiltinFunctionsArray {
        static ARRAY: VMBuiltinFunctionsArray = VMBuiltinFunctionsArray {
            ptrs: builtins::addresses(),
        };
        &ARRAY
    }
    /// The address stored for `b`.
    pub fn address(&self, b: BuiltinFunctionIndex) -> usize {
        self.ptrs[b.index() as usize] as usize
    }
}

/// The per-instance context compiled code receives as its first argument. It is
/// a zero-sized marker: the real data is the region `VMOffsets` describes,
/// allocated right after the owning [`Instance`].
#[derive(Debug)]
#[repr(C, align(16))]
pub struct VMContext {
    pub(crate) _pin: PhantomPinned,
}

impl VMContext {
    /// The instance this context trails.
    ///
    /// # Safety
    /// `self` must be the vmctx of a live [`Instance`].
    pub unsafe fn instance(&self) -> &Instance {
        // SAFETY: the caller guarantees this vmctx trails a live instance.
        unsafe { &*Instance::from_vmctx(self as *const _ as *mut VMContext) }
    }
}

/// `memory.copy` within one memory, unsynchronised and non-atomic: checks
/// both ranges (trapping `MemoryOutOfBounds`, also when `addr + len`
/// overflows), then copies with overlap-safe `memmove` semantics.
pub(crate) fn memory_copy(
    mem: &VMMemoryDefinition,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let src = mem.check_range(u64::from(src), u64::from(len))?;
    let dst = mem.check_range(u64::from(dst), u64::from(len))?;
    // SAFETY: both ranges were checked to lie within the memory's accessible
    // bytes, and `ptr::copy` permits overlap.
    unsafe { std::ptr::copy(mem.base.add(src), mem.base.add(dst), len as usize) };
    Ok(())
}

/// `memory.fill` on one memory, unsynchronised and non-atomic: checks the
/// range, then writes the low byte of `val` `len` times.
pub(crate) fn memory_fill(
    mem: &VMMemoryDefinition,
    dst: u32,
    val: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let dst = mem.check_range(u64::from(dst), u64::from(len))?;
    // SAFETY: the range was checked to lie within the memory.
    unsafe { std::ptr::write_bytes(mem.base.add(dst), val as u8, len as usize) };
    Ok(())
}

/// The address of an aligned `size`-byte atomic access at `dst`: traps
/// `HeapMisaligned`, then `MemoryOutOfBounds` (counting the access's size).
pub(crate) fn atomic_address(
    mem: &VMMemoryDefinition,
    dst: u32,
    size: u32,
) -> Result<*mut u8, TrapCode> {
    if !dst.is_multiple_of(size) {
        return Err(TrapCode::HeapMisaligned);
    }
    let at = mem.check_range(u64::from(dst), u64::from(size))?;
    // SAFETY: `at + size <= len`, so the pointer is in bounds.
    Ok(unsafe { mem.base.add(at) })
}

/// The check behind `memory.atomic.wait32`: `Ok(0)` if the aligned u32 at
/// `dst` equals `val`, `Ok(1)` if not. Traps `HeapMisaligned` if `dst` is not
/// 4-aligned and `MemoryOutOfBounds` if `dst + 4` exceeds the memory. The value
/// is read with an atomic load.
pub fn memory32_atomic_check32(
    mem: &VMMemoryDefinition,
    dst: u32,
    val: u32,
) -> Result<u32, TrapCode> {
    let p = atomic_address(mem, dst, 4)?;
    // SAFETY: `p` is in bounds and 4-aligned (the base is page-aligned), so it
    // is a valid `AtomicU32` location for the duration of this call.
    let now = unsafe { (*(p as *const AtomicU32)).load(Ordering::SeqCst) };
    Ok(u32::from(now != val))
}

/// The 64-bit twin of [`memory32_atomic_check32`]: 8-byte alignment and size.
pub fn memory32_atomic_check64(
    mem: &VMMemoryDefinition,
    dst: u32,
    val: u64,
) -> Result<u32, TrapCode> {
    let p = atomic_address(mem, dst, 8)?;
    // SAFETY: `p` is in bounds and 8-aligned, a valid `AtomicU64` location.
    let now = unsafe { (*(p as *const AtomicU64)).load(Ordering::SeqCst) };
    Ok(u32::from(now != val))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_types::{ModuleInfo, VMOffsets};
    use std::mem::{align_of, offset_of, size_of};

    fn offsets() -> VMOffsets {
        VMOffsets::new(size_of::<usize>() as u8, &ModuleInfo::default())
    }

    #[test]
    fn function_import_layout() {
        let o = offsets();
        assert_eq!(
            offset_of!(VMFunctionImport, body),
            o.vmfunction_import_body() as usize
        );
        assert_eq!(
            offset_of!(VMFunctionImport, environment),
            o.vmfunction_import_environment() as usize
        );
        assert_eq!(
            size_of::<VMFunctionImport>(),
            o.size_of_vmfunction_import() as usize
        );
        assert_eq!(align_of::<VMFunctionImport>(), usize::from(o.ptr));
        assert_eq!(size_of::<VMFunctionContext>(), usize::from(o.ptr));
    }

    #[test]
    fn dynamic_function_context_layout() {
        let o = offsets();
        type Ctx = VMDynamicFunctionContext<[u64; 3]>;
        assert_eq!(
            offset_of!(Ctx, address),
            o.vmdynamic_function_context_address() as usize
        );
        assert_eq!(
            offset_of!(Ctx, ctx),
            o.vmdynamic_function_context_ctx() as usize
        );
    }

    #[test]
    fn import_records_layout() {
        let o = offsets();
        assert_eq!(
            offset_of!(VMTableImport, definition),
            o.vmtable_import_definition() as usize
        );
        assert_eq!(
            size_of::<VMTableImport>(),
            o.size_of_vmtable_import() as usize
        );
        assert_eq!(
            offset_of!(VMMemoryImport, definition),
            o.vmmemory_import_definition() as usize
        );
        assert_eq!(
            size_of::<VMMemoryImport>(),
            o.size_of_vmmemory_import() as usize
        );
        assert_eq!(
            offset_of!(VMGlobalImport, definition),
            o.vmglobal_import_definition() as usize
        );
        assert_eq!(
            size_of::<VMGlobalImport>(),
            o.size_of_vmglobal_import() as usize
        );
        for a in [
            align_of::<VMTableImport>(),
            align_of::<VMMemoryImport>(),
            align_of::<VMGlobalImport>(),
        ] {
            assert_eq!(a, usize::from(o.ptr));
        }
    }

    #[test]
    fn definition_records_layout() {
        let o = offsets();
        assert_eq!(
            offset_of!(VMMemoryDefinition, base),
            o.vmmemory_definition_base() as usize
        );
        assert_eq!(
            offset_of!(VMMemoryDefinition, current_length),
            o.vmmemory_definition_current_length() as usize
        );
        assert_eq!(
            size_of::<VMMemoryDefinition>(),
            o.size_of_vmmemory_definition() as usize
        );
        assert_eq!(
            offset_of!(VMTableDefinition, base),
            o.vmtable_definition_base() as usize
        );
        assert_eq!(
            offset_of!(VMTableDefinition, current_elements),
            o.vmtable_definition_current_elements() as usize
        );
        assert_eq!(
            size_of::<VMTableDefinition>(),
            o.size_of_vmtable_definition() as usize
        );
        assert_eq!(
            size_of::<VMGlobalDefinition>(),
            o.size_of_vmglobal_definition() as usize
        );
        assert_eq!(align_of::<VMGlobalDefinition>(), 16);
        assert_eq!(size_of::<RawValue>(), 16);
        assert_eq!(
            size_of::<VMSharedSignatureIndex>(),
            o.size_of_vmshared_signature_index() as usize
        );
    }

    #[test]
    fn anyfunc_layout() {
        let o = offsets();
        assert_eq!(
            offset_of!(VMCallerCheckedAnyfunc, func_ptr),
            o.vmcaller_checked_anyfunc_func_ptr() as usize
        );
        assert_eq!(
            offset_of!(VMCallerCheckedAnyfunc, type_index),
            o.vmcaller_checked_anyfunc_type_index() as usize
        );
        assert_eq!(
            offset_of!(VMCallerCheckedAnyfunc, vmctx),
            o.vmcaller_checked_anyfunc_vmctx() as usize
        );
        assert_eq!(
            offset_of!(VMCallerCheckedAnyfunc, call_trampoline),
            o.vmcaller_checked_anyfunc_call_trampoline() as usize
        );
        assert_eq!(
            size_of::<VMCallerCheckedAnyfunc>(),
            o.size_of_vmcaller_checked_anyfunc() as usize
        );
    }

    #[test]
    fn builtins_array_layout_and_contents() {
        let o = offsets();
        assert_eq!(
            size_of::<VMBuiltinFunctionsArray>(),
            o.size_of_builtin_functions_array() as usize
        );
        let a = VMBuiltinFunctionsArray::get();
        for b in BuiltinFunctionIndex::ALL {
            assert_ne!(a.address(*b), 0, "{b:?} has no address");
        }
        assert_eq!(align_of::<VMContext>(), 16);
        assert_eq!(size_of::<VMContext>(), 0);
    }

    #[test]
    fn signature_index_default_is_invalid() {
        assert_eq!(VMSharedSignatureIndex::default().bits(), u32::MAX);
        assert_ne!(
            VMSharedSignatureIndex::default(),
            VMSharedSignatureIndex::new(0)
        );
    }

    #[test]
    fn function_context_equality_and_null() {
        let a = VMFunctionContext {
            host_env: std::ptr::null_mut(),
        };
        assert!(a.is_null());
        let mut x = 0u8;
        let b = VMFunctionContext {
            host_env: &mut x as *mut u8 as *mut c_void,
        };
        assert!(!b.is_null());
        assert!(a != b);
        assert_eq!(VMFunctionKind::Static, VMFunctionKind::Static);
    }

    #[test]
    fn global_definition_round_trips() {
        let mut g = VMGlobalDefinition::new();
        g.set(RawValue(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210));
        assert_eq!(g.get().0, 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210);
        g.set(RawValue::from_u32(7));
        assert_eq!(g.get().u32(), 7);
        assert_eq!(g.get().u64(), 7);
    }

    /// A test memory backed by a `Vec`, 8-aligned.
    struct TestMem {
        _buf: Vec<u64>,
        def: VMMemoryDefinition,
    }

    fn mem(len: usize) -> TestMem {
        let mut buf = vec![0u64; len.div_ceil(8)];
        let def = VMMemoryDefinition {
            base: buf.as_mut_ptr() as *mut u8,
            current_length: AtomicUsize::new(len),
        };
        TestMem { _buf: buf, def }
    }

    fn bytes(m: &TestMem) -> &[u8] {
        // SAFETY: the test memory owns `len` initialised bytes at `base`.
        unsafe { std::slice::from_raw_parts(m.def.base, m.def.len()) }
    }

    fn set(m: &TestMem, at: usize, data: &[u8]) {
        // SAFETY: callers stay within the test memory's length.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), m.def.base.add(at), data.len()) };
    }

    #[test]
    fn memory_copy_edges() {
        let m = mem(16);
        set(
            &m,
            0,
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
        );
        // Last valid byte, and a zero-length copy exactly at the end.
        memory_copy(&m.def, 15, 0, 1).unwrap();
        assert_eq!(bytes(&m)[15], 1);
        memory_copy(&m.def, 16, 16, 0).unwrap();
        // Straddling the end, on either side.
        assert_eq!(
            memory_copy(&m.def, 15, 0, 2),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            memory_copy(&m.def, 0, 15, 2),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            memory_copy(&m.def, 17, 0, 0),
            Err(TrapCode::MemoryOutOfBounds)
        );
        // addr + len overflows u32.
        assert_eq!(
            memory_copy(&m.def, u32::MAX, 0, 2),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            memory_copy(&m.def, 0, 1, u32::MAX),
            Err(TrapCode::MemoryOutOfBounds)
        );
        // Nothing was written by the failed copies.
        assert_eq!(&bytes(&m)[..3], &[1, 2, 3]);
        // Overlapping forwards (dst > src) and backwards (dst < src).
        set(&m, 0, &[1, 2, 3, 4, 5, 6, 7, 8]);
        memory_copy(&m.def, 2, 0, 6).unwrap();
        assert_eq!(&bytes(&m)[..8], &[1, 2, 1, 2, 3, 4, 5, 6]);
        set(&m, 0, &[1, 2, 3, 4, 5, 6, 7, 8]);
        memory_copy(&m.def, 0, 2, 6).unwrap();
        assert_eq!(&bytes(&m)[..8], &[3, 4, 5, 6, 7, 8, 7, 8]);
    }

    #[test]
    fn memory_fill_edges() {
        let m = mem(16);
        memory_fill(&m.def, 15, 0x1ab, 1).unwrap();
        assert_eq!(bytes(&m)[15], 0xab);
        memory_fill(&m.def, 16, 0, 0).unwrap();
        assert_eq!(
            memory_fill(&m.def, 15, 1, 2),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            memory_fill(&m.def, 17, 1, 0),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            memory_fill(&m.def, u32::MAX, 1, 1),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            memory_fill(&m.def, 1, 1, u32::MAX),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(bytes(&m)[14], 0);
        memory_fill(&m.def, 0, 7, 16).unwrap();
        assert!(bytes(&m).iter().all(|b| *b == 7));
    }

    #[test]
    fn atomic_check32_edges() {
        let m = mem(16);
        set(&m, 12, &42u32.to_le_bytes());
        assert_eq!(memory32_atomic_check32(&m.def, 12, 42), Ok(0)); // last valid address
        assert_eq!(memory32_atomic_check32(&m.def, 12, 41), Ok(1));
        assert_eq!(
            memory32_atomic_check32(&m.def, 16, 0),
            Err(TrapCode::MemoryOutOfBounds)
        );
        // Straddles the end only when counted with its size.
        let m15 = mem(15);
        assert_eq!(
            memory32_atomic_check32(&m15.def, 12, 0),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            memory32_atomic_check32(&m.def, 13, 0),
            Err(TrapCode::HeapMisaligned)
        );
        assert_eq!(
            memory32_atomic_check32(&m.def, u32::MAX - 3, 0),
            Err(TrapCode::MemoryOutOfBounds)
        );
    }

    #[test]
    fn atomic_check64_edges() {
        let m = mem(16);
        set(&m, 8, &(-5i64).to_le_bytes());
        assert_eq!(memory32_atomic_check64(&m.def, 8, (-5i64) as u64), Ok(0));
        assert_eq!(memory32_atomic_check64(&m.def, 8, 5), Ok(1));
        assert_eq!(
            memory32_atomic_check64(&m.def, 4, 0),
            Err(TrapCode::HeapMisaligned)
        );
        let m12 = mem(12);
        assert_eq!(
            memory32_atomic_check64(&m12.def, 8, 0),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            memory32_atomic_check64(&m.def, 16, 0),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            memory32_atomic_check64(&m.def, u32::MAX - 7, 0),
            Err(TrapCode::MemoryOutOfBounds)
        );
    }
}
