//! The GC heap of one store: where `struct.new` and `array.new` put their
//! objects, and the mark-sweep collector that frees them.
//!
//! Objects never move. They are bump-allocated, zeroed, in chunks of
//! [`CHUNK_BYTES`]; an object larger than half a chunk gets a chunk of its
//! own. Each chunk keeps a bitmap of where its objects start (so a word can
//! be checked for being an object's address) and one of marks.
//!
//! Compiled code bump-allocates structs and fixed arrays by itself from
//! the rest of the current chunk (the [`VMGcAllocWindow`], the heap's first
//! field): it advances `next`, writes the header and sets the start bit,
//! and calls the allocation builtin only when the object does not fit
//! before `end`. The window also ends where a collection falls due, so
//! allocation from wasm still triggers collections.
//!
//! A collection marks everything reachable from the roots it is given, then
//! sweeps: a dead object's cell goes on the free list of its size (and is
//! zeroed when reused), a chunk left with no live object is given back to
//! the allocator (and so to the OS), and a large object's chunk is freed
//! with it. What the objects' fields are is asked of the caller, by type id
//! ([`ObjectShape`]); the heap caches the answer.
//!
//! Host objects (kind `HostExtern`, what an `externref` from the host is in
//! compiled code) hold a payload word and the function that releases it;
//! when one dies, or the heap is dropped, that function runs.

use kiln_types::{GC_ARRAY_ELEMENTS, GC_ARRAY_LENGTH, GcKind, TrapCode};
use rustix::mm::{MapFlags, ProtFlags};
use std::collections::HashMap;
use std::ptr::NonNull;

/// The size of an ordinary chunk.
pub const CHUNK_BYTES: usize = 1 << 20;

/// The default cap on a heap's total size.
pub const DEFAULT_LIMIT: usize = 1 << 30;

/// Allocation since the last collection that makes the next one due, at
/// the least (it is also at least what survived the last one).
const MIN_COLLECTION_INTERVAL: usize = 8 << 20;

/// Releases the payload of a host object (see [`GcHeap::alloc_host`]).
pub type HostPayloadDrop = unsafe fn(usize);

/// The size of a host object: header, payload, release function.
const HOST_OBJECT_BYTES: usize = 24;

/// Emptied chunks kept mapped for reuse, at most: a collection interval's
/// worth, so a steady cycle of allocation and collection bump-allocates in
/// the same memory instead of mapping fresh pages.
const MAX_SPARE_CHUNKS: usize = MIN_COLLECTION_INTERVAL / CHUNK_BYTES;

/// Where the references of a type's objects are, and how large they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectShape {
    /// A struct of `size` bytes with a reference at each of `refs`.
    Struct {
        /// The object's size in bytes.
        size: u32,
        /// Offsets of the fields that may hold GC objects.
        refs: Box<[u32]>,
        /// Offsets of the fields that may hold exception objects (which
        /// live outside this heap, see [`GcHeap::for_each_exnref`]).
        exnrefs: Box<[u32]>,
    },
    /// An array with elements of `elem_size` bytes, which are references
    /// when `elem_is_ref`.
    Array {
        /// The size of one element.
        elem_size: u32,
        /// Whether the elements may hold GC objects.
        elem_is_ref: bool,
        /// Whether the elements may hold exception objects.
        elem_is_exnref: bool,
    },
}

/// A zeroed, page-aligned mapping that objects are carved from, with
/// one bit per 8 bytes saying where an object starts and one for its mark.
/// Only raw pointers reach into the block, so objects handed out stay valid
/// while the heap allocates more.
#[derive(Debug)]
struct Chunk {
    start: NonNull<u8>,
    bytes: usize,
    starts: Vec<u64>,
    marks: Vec<u64>,
}

impl Chunk {
    /// A zeroed chunk of `bytes` bytes (a non-zero multiple of 8), mapped
    /// from the OS so that freeing it gives the memory back at once, and
    /// aligned to [`CHUNK_BYTES`] so that an address finds its chunk by
    /// rounding down.
    fn new(bytes: usize) -> Result<Chunk, TrapCode> {
        let mapped = bytes.next_multiple_of(rustix::param::page_size());
        let reserve = mapped
            .checked_add(CHUNK_BYTES)
            .ok_or(TrapCode::GcHeapOutOfMemory)?;
        // SAFETY: a fresh anonymous private mapping aliases nothing.
        let raw = unsafe {
            rustix::mm::mmap_anonymous(
                std::ptr::null_mut(),
                reserve,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE,
            )
        }
        .map_err(|_| TrapCode::GcHeapOutOfMemory)? as usize;
        let start = raw.next_multiple_of(CHUNK_BYTES);
        // SAFETY: the head and the tail are parts of the mapping just made
        // that the chunk does not use; both are page-aligned.
        unsafe {
            if start > raw {
                let _ = rustix::mm::munmap(raw as *mut _, start - raw);
            }
            let tail = raw + reserve - (start + mapped);
            if tail > 0 {
                let _ = rustix::mm::munmap((start + mapped) as *mut _, tail);
            }
        }
        let start = NonNull::new(start as *mut u8).ok_or(TrapCode::GcHeapOutOfMemory)?;
        let words = (bytes / 8).div_ceil(64);
        Ok(Chunk {
            start,
            bytes,
            starts: vec![0; words],
            marks: vec![0; words],
        })
    }

    fn addr(&self) -> usize {
        self.start.as_ptr() as usize
    }

    /// The bit of the 8-byte cell at `addr` (inside the chunk).
    fn bit(&self, addr: usize) -> (usize, u64) {
        let cell = (addr - self.addr()) / 8;
        (cell / 64, 1 << (cell % 64))
    }

    fn is_start(&self, addr: usize) -> bool {
        let (w, b) = self.bit(addr);
        self.starts[w] & b != 0
    }

    fn set_start(&mut self, addr: usize, on: bool) {
        let (w, b) = self.bit(addr);
        if on {
            self.starts[w] |= b;
        } else {
            self.starts[w] &= !b;
        }
    }

    /// Marks the object at `addr`; false if it already was.
    fn mark(&mut self, addr: usize) -> bool {
        let (w, b) = self.bit(addr);
        let fresh = self.marks[w] & b == 0;
        self.marks[w] |= b;
        fresh
    }

    /// The addresses of the chunk's objects, in order.
    fn objects(&self) -> impl Iterator<Item = usize> + '_ {
        let base = self.addr();
        self.starts.iter().enumerate().flat_map(move |(w, bits)| {
            let mut bits = *bits;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(base + (w * 64 + i) * 8)
            })
        })
    }

    fn is_marked(&self, addr: usize) -> bool {
        let (w, b) = self.bit(addr);
        self.marks[w] & b != 0
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        // SAFETY: mapped in `Chunk::new` with this length; the heap frees a
        // chunk only when no object in it is reachable.
        unsafe {
            let _ = rustix::mm::munmap(self.start.as_ptr().cast(), self.bytes);
        }
    }
}

// SAFETY: a chunk is plain memory owned by its heap.
unsafe impl Send for Chunk {}
// SAFETY: as above; shared access hands out no references into it.
unsafe impl Sync for Chunk {}

/// Free cells by size: a vector per size for small ones, a map for the
/// rest.
#[derive(Debug, Default)]
struct FreeLists {
    small: Vec<Vec<usize>>,
    large: HashMap<usize, Vec<usize>>,
}

/// Cells up to this many bytes have a list of their own.
const SMALL_CELL: usize = 4096;

impl FreeLists {
    fn pop(&mut self, size: usize) -> Option<usize> {
        if size <= SMALL_CELL {
            self.small.get_mut(size / 8)?.pop()
        } else {
            self.large.get_mut(&size)?.pop()
        }
    }

    fn push(&mut self, size: usize, cell: usize) {
        if size <= SMALL_CELL {
            if self.small.len() <= size / 8 {
                self.small.resize_with(size / 8 + 1, Vec::new);
            }
            self.small[size / 8].push(cell);
        } else {
            self.large.entry(size).or_default().push(cell);
        }
    }

    fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        for cells in self.small.iter_mut().chain(self.large.values_mut()) {
            cells.retain(|c| keep(*c));
        }
        self.large.retain(|_, cells| !cells.is_empty());
    }
}

/// The heap's chunks, by start address.
type Chunks = HashMap<usize, Chunk, rustc_hash::FxBuildHasher>;

/// The chunk of `chunks` holding `addr`, if any. A large object's chunk is
/// found only from its first [`CHUNK_BYTES`], which is where the object
/// starts: enough to tell objects from other words.
/// Overwrites `bytes` bytes (a multiple of 8) at `addr` with [`POISON`].
///
/// # Safety
/// The bytes must be mapped, 8-aligned, and used by no live object.
unsafe fn poison(addr: usize, bytes: usize) {
    for i in 0..bytes / 8 {
        // SAFETY: the caller's promise.
        unsafe { (addr as *mut u64).add(i).write(POISON) };
    }
}

fn containing(chunks: &Chunks, addr: usize) -> Option<&Chunk> {
    let c = chunks.get(&(addr & !(CHUNK_BYTES - 1)))?;
    (addr < c.addr() + c.bytes).then_some(c)
}

/// As [`containing`], for changing the chunk.
fn containing_mut(chunks: &mut Chunks, addr: usize) -> Option<&mut Chunk> {
    let c = chunks.get_mut(&(addr & !(CHUNK_BYTES - 1)))?;
    (addr < c.addr() + c.bytes).then_some(c)
}

/// Marks the object at `w`, if it is one not marked yet, and pushes it on
/// `stack` to have its references marked.
fn mark_object(chunks: &mut Chunks, w: usize, stack: &mut Vec<usize>) {
    if w == 0 || !w.is_multiple_of(8) {
        return;
    }
    if let Some(chunk) = containing_mut(chunks, w)
        && chunk.is_start(w)
        && chunk.mark(w)
    {
        stack.push(w);
    }
}

/// Which references of an object [`visit_reference_words`] visits.
#[derive(Copy, Clone)]
enum RefKind {
    /// Fields and elements that may hold GC objects.
    Gc,
    /// Fields and elements that may hold exception objects.
    Exn,
}

/// Calls `f` with each word of `object` that may hold a reference of
/// `kind`, as its type's shape says (host objects hold none).
///
/// # Safety
/// `object` must be an allocated object of the heap `shapes` belongs to.
unsafe fn visit_reference_words(
    object: usize,
    shapes: &mut Vec<Option<ObjectShape>>,
    shape_of: &mut dyn FnMut(u32) -> ObjectShape,
    kind: RefKind,
    mut f: impl FnMut(usize),
) {
    // SAFETY: the caller's promise: the object has a header.
    if unsafe { crate::object_kind(object) } == Some(GcKind::HostExtern) {
        return;
    }
    // SAFETY: as above.
    let id = unsafe { crate::object_type_id(object) };
    match shape_in(shapes, id, shape_of) {
        ObjectShape::Struct { refs, exnrefs, .. } => {
            let offsets = match kind {
                RefKind::Gc => refs,
                RefKind::Exn => exnrefs,
            };
            for off in offsets.iter() {
                // SAFETY: a reference field inside the struct.
                f(unsafe { ((object + *off as usize) as *const usize).read_unaligned() });
            }
        }
        ObjectShape::Array {
            elem_is_ref,
            elem_is_exnref,
            ..
        } => {
            let holds = match kind {
                RefKind::Gc => *elem_is_ref,
                RefKind::Exn => *elem_is_exnref,
            };
            if !holds {
                return;
            }
            // SAFETY: an array of references.
            let len = unsafe { crate::array_len(object) };
            for i in 0..len {
                // SAFETY: element `i` of the array.
                f(
                    unsafe {
                        (crate::array_element(object, 8, i) as *const usize).read_unaligned()
                    },
                );
            }
        }
    }
}

/// The shape of type `id`, asking `shape_of` if it is not cached yet.
fn shape_in<'s>(
    shapes: &'s mut Vec<Option<ObjectShape>>,
    id: u32,
    shape_of: &mut dyn FnMut(u32) -> ObjectShape,
) -> &'s ObjectShape {
    let i = id as usize;
    if shapes.len() <= i {
        shapes.resize(i + 1, None);
    }
    shapes[i].get_or_insert_with(|| shape_of(id))
}

/// What a collection did.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectionStats {
    /// Objects that survived.
    pub live_objects: usize,
    /// Their bytes.
    pub live_bytes: usize,
    /// Objects freed.
    pub freed_objects: usize,
    /// Chunks emptied (given back, or kept mapped for reuse).
    pub freed_chunks: usize,
}

/// The part of the current chunk compiled code allocates from by itself.
/// All zero while there is no current chunk (nothing fits then).
#[derive(Debug)]
#[repr(C)]
pub struct VMGcAllocWindow {
    /// Where the next object goes.
    pub next: usize,
    /// Objects must end at or before this address.
    pub end: usize,
    /// The current chunk's first byte, from which start bits are counted.
    pub chunk: usize,
    /// The current chunk's start bitmap (one bit per 8 bytes).
    pub starts: *mut u64,
}

// SAFETY: the window's bitmap pointer points into a chunk its heap owns;
// it is only used by the store's own thread, as the rest of the heap is.
unsafe impl Send for VMGcAllocWindow {}
// SAFETY: as above; shared access reads no bitmap through it.
unsafe impl Sync for VMGcAllocWindow {}

/// One store's GC objects.
#[derive(Debug)]
#[repr(C)]
pub struct GcHeap {
    /// The ordinary chunk being bump-filled. First, at the offset compiled
    /// code uses (`VMStoreContextOffsets::GC_ALLOC_*`).
    pub(crate) window: VMGcAllocWindow,
    /// `window.next` when the bytes allocated from the window were last
    /// added to `since_collection`.
    counted: usize,
    /// Every chunk, by start address.
    chunks: Chunks,
    /// Ordinary chunks a collection emptied, kept for reuse (not in
    /// `chunks`, but counted in `bytes`); their bytes are not zeroed yet.
    spare: Vec<Chunk>,
    /// Free cells by size in bytes.
    free: FreeLists,
    /// Bytes taken by all chunks.
    bytes: usize,
    /// The most `bytes` may reach.
    limit: usize,
    /// Bytes allocated since the last collection.
    since_collection: usize,
    /// Bytes that survived the last collection.
    live_after_collection: usize,
    /// Shapes by type id, as the collector was told them.
    shapes: Vec<Option<ObjectShape>>,
    /// The live host objects.
    host_objects: Vec<usize>,
    /// Collections so far.
    collections: u64,
    /// Stress mode (see [`GcHeap::set_stress`]).
    stress: bool,
}

/// What a stress-mode collection writes over every dead object: an even
/// word that is no object's address, so a reference to a freed object that
/// is still used reads as garbage and faults when followed.
const POISON: u64 = 0x5a5a_5a5a_5a5a_5a5a;

impl Default for GcHeap {
    fn default() -> Self {
        Self::new(DEFAULT_LIMIT)
    }
}

impl GcHeap {
    /// An empty heap that will hold at most `limit` bytes.
    pub fn new(limit: usize) -> Self {
        GcHeap {
            window: VMGcAllocWindow {
                next: 0,
                end: 0,
                chunk: 0,
                starts: std::ptr::null_mut(),
            },
            counted: 0,
            chunks: Chunks::default(),
            spare: Vec::new(),
            free: FreeLists::default(),
            bytes: 0,
            limit,
            since_collection: 0,
            live_after_collection: 0,
            shapes: Vec::new(),
            host_objects: Vec::new(),
            collections: 0,
            stress: false,
        }
    }

    /// Stress mode, for testing the collector and what finds its roots:
    /// every allocation collects first (compiled code's inline allocation
    /// always falls through to the runtime), and every object a collection
    /// frees is overwritten with a poison pattern, so that one still in use
    /// shows. Very slow.
    pub fn set_stress(&mut self, stress: bool) {
        self.stress = stress;
        self.refresh_window_end();
    }

    /// Whether stress mode is on.
    pub fn stress(&self) -> bool {
        self.stress
    }

    /// The most bytes the heap may hold.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Changes the most bytes the heap may hold (chunks already taken
    /// stay).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// Bytes taken by the heap's chunks.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Collections run so far.
    pub fn collections(&self) -> u64 {
        self.collections
    }

    /// Whether a collection should run before allocating `size` more bytes:
    /// enough was allocated since the last one. (When the heap is full, the
    /// allocation fails and its caller collects then; an object that could
    /// never fit is no reason to collect.)
    pub fn collection_due(&self, size: usize) -> bool {
        if self.stress {
            return size <= self.limit;
        }
        let since = self.since_collection + (self.window.next - self.counted);
        size <= self.limit && since + size > self.collection_interval()
    }

    /// Allocation since the last collection that makes the next one due.
    fn collection_interval(&self) -> usize {
        MIN_COLLECTION_INTERVAL.max(self.live_after_collection)
    }

    /// Adds what compiled code allocated from the window since the last
    /// call to the bytes allocated since the last collection.
    fn count_window(&mut self) {
        self.since_collection += self.window.next - self.counted;
        self.counted = self.window.next;
    }

    /// Ends the window at the current chunk's end or where the next
    /// collection falls due, whichever comes first.
    fn refresh_window_end(&mut self) {
        if self.window.chunk == 0 {
            return;
        }
        if self.stress {
            self.window.end = self.window.next;
            return;
        }
        let budget = self
            .collection_interval()
            .saturating_sub(self.since_collection);
        self.window.end = (self.window.chunk + CHUNK_BYTES).min(self.window.next + budget);
    }

    /// A zeroed object of `size` bytes (a multiple of 8, at least 8) whose
    /// first word is `header`. Fails with `AllocationTooLarge` if the
    /// object could never fit, and `GcHeapOutOfMemory` if the heap is full.
    pub fn alloc(&mut self, header: u64, size: usize) -> Result<*mut u8, TrapCode> {
        debug_assert!(size >= 8 && size.is_multiple_of(8));
        if size > self.limit {
            return Err(TrapCode::AllocationTooLarge);
        }
        self.count_window();
        let object = match self.free.pop(size) {
            Some(cell) => {
                // SAFETY: a free cell is `size` bytes of a live chunk that no
                // object uses.
                unsafe { std::ptr::write_bytes(cell as *mut u8, 0, size) };
                cell
            }
            None if size > CHUNK_BYTES / 2 => {
                let chunk = self.new_chunk(size)?;
                let at = chunk.addr();
                self.chunks.insert(at, chunk);
                at
            }
            None => {
                let w = &self.window;
                if w.chunk == 0 || w.next + size > w.chunk + CHUNK_BYTES {
                    let mut chunk = match self.spare.pop() {
                        Some(chunk) => {
                            // SAFETY: a spare chunk is mapped, `bytes` long,
                            // and holds no object.
                            unsafe { std::ptr::write_bytes(chunk.start.as_ptr(), 0, chunk.bytes) };
                            chunk
                        }
                        None => self.new_chunk(CHUNK_BYTES)?,
                    };
                    let at = chunk.addr();
                    let starts = chunk.starts.as_mut_ptr();
                    self.chunks.insert(at, chunk);
                    // The bitmap's buffer stays where it is while the chunk
                    // lives (it is never resized), wherever the map moves
                    // the `Chunk`.
                    self.window = VMGcAllocWindow {
                        next: at,
                        end: at,
                        chunk: at,
                        starts,
                    };
                }
                let at = self.window.next;
                self.window.next += size;
                self.counted = self.window.next;
                at
            }
        };
        self.chunk_of_mut(object)
            .expect("an object of the heap")
            .set_start(object, true);
        self.since_collection += size;
        self.refresh_window_end();
        // SAFETY: `object` starts `size` zeroed, 8-aligned bytes inside a
        // live chunk that nothing else uses.
        unsafe { (object as *mut u64).write(header) };
        Ok(object as *mut u8)
    }

    /// A zeroed array of `len` elements of `elem_size` bytes, with its
    /// header and length written.
    pub fn alloc_array(
        &mut self,
        type_id: u32,
        len: u32,
        elem_size: u32,
    ) -> Result<*mut u8, TrapCode> {
        let size = Self::array_size(len, elem_size).ok_or(TrapCode::AllocationTooLarge)?;
        let object = self.alloc(GcKind::Array.header(type_id), size)?;
        // SAFETY: the object is at least `GC_ARRAY_ELEMENTS` bytes long.
        unsafe {
            object
                .add(GC_ARRAY_LENGTH as usize)
                .cast::<u32>()
                .write(len)
        };
        Ok(object)
    }

    /// A host object holding `payload`, which `release` is called with
    /// once the object is dead (or the heap dropped). On failure `payload`
    /// is not taken: releasing it is the caller's business.
    pub fn alloc_host(
        &mut self,
        payload: usize,
        release: HostPayloadDrop,
    ) -> Result<usize, TrapCode> {
        let header = GcKind::HostExtern.header(u32::MAX);
        let object = self.alloc(header, HOST_OBJECT_BYTES)? as usize;
        // SAFETY: a fresh object of `HOST_OBJECT_BYTES` bytes.
        unsafe {
            ((object + 8) as *mut usize).write(payload);
            ((object + 16) as *mut usize).write(release as usize);
        }
        self.host_objects.push(object);
        Ok(object)
    }

    /// The payload of host object `addr`.
    ///
    /// # Safety
    /// `addr` must be a live host object of this heap.
    pub unsafe fn host_payload(&self, addr: usize) -> usize {
        // SAFETY: the caller's promise.
        unsafe { *((addr + 8) as *const usize) }
    }

    /// The release function and payload of host object `addr`.
    ///
    /// # Safety
    /// `addr` must be a host object of this heap, still mapped.
    unsafe fn host_release_of(addr: usize) -> (HostPayloadDrop, usize) {
        // SAFETY: the object was made by `alloc_host`, which stored the
        // payload at offset 8 and a `HostPayloadDrop` at offset 16.
        unsafe {
            let payload = *((addr + 8) as *const usize);
            let release: HostPayloadDrop = std::mem::transmute(*((addr + 16) as *const usize));
            (release, payload)
        }
    }

    /// The size of an array object, if it is addressable.
    pub fn array_size(len: u32, elem_size: u32) -> Option<usize> {
        let bytes = u64::from(len) * u64::from(elem_size) + u64::from(GC_ARRAY_ELEMENTS);
        usize::try_from(bytes.next_multiple_of(8)).ok()
    }

    /// Calls `f` with every field and element of the heap's objects that
    /// may hold an exception object (dead objects not yet swept included):
    /// what the exception collector counts as roots.
    pub fn for_each_exnref(
        &mut self,
        shape_of: &mut dyn FnMut(u32) -> ObjectShape,
        mut f: impl FnMut(usize),
    ) {
        let objects: Vec<usize> = self.chunks.values().flat_map(Chunk::objects).collect();
        for object in objects {
            // SAFETY: an allocated object of this heap.
            unsafe {
                visit_reference_words(object, &mut self.shapes, shape_of, RefKind::Exn, &mut f)
            };
        }
    }

    /// Whether `addr` is the address of one of the heap's live objects.
    pub fn is_object(&self, addr: usize) -> bool {
        if addr == 0 || !addr.is_multiple_of(8) {
            return false;
        }
        self.chunk_of(addr).is_some_and(|c| c.is_start(addr))
    }

    fn chunk_of(&self, addr: usize) -> Option<&Chunk> {
        containing(&self.chunks, addr)
    }

    fn chunk_of_mut(&mut self, addr: usize) -> Option<&mut Chunk> {
        containing_mut(&mut self.chunks, addr)
    }

    /// A chunk of `bytes` bytes, counted against the limit.
    fn new_chunk(&mut self, bytes: usize) -> Result<Chunk, TrapCode> {
        // Spare chunks count against the limit; give them back before
        // refusing (a large object cannot use one).
        while self.bytes + bytes > self.limit {
            let Some(spare) = self.spare.pop() else {
                return Err(TrapCode::GcHeapOutOfMemory);
            };
            self.bytes -= spare.bytes;
        }
        let chunk = Chunk::new(bytes)?;
        self.bytes += bytes;
        Ok(chunk)
    }

    /// The size in bytes of the object at `addr`, asking `shape_of` for
    /// its type's shape if it is not cached yet.
    fn object_size(&mut self, addr: usize, shape_of: &mut dyn FnMut(u32) -> ObjectShape) -> usize {
        // SAFETY: `addr` is a live object of this heap.
        if unsafe { crate::object_kind(addr) } == Some(GcKind::HostExtern) {
            return HOST_OBJECT_BYTES;
        }
        // SAFETY: as above.
        let id = unsafe { crate::object_type_id(addr) };
        match shape_in(&mut self.shapes, id, shape_of) {
            ObjectShape::Struct { size, .. } => *size as usize,
            ObjectShape::Array { elem_size, .. } => {
                // SAFETY: `addr` is a live array of this heap.
                let len = unsafe { crate::array_len(addr) };
                Self::array_size(len, *elem_size).expect("allocated, so addressable")
            }
        }
    }

    /// Frees every object that no root reaches. `roots` are references
    /// known to be exact (`0`, odd words and other non-objects are
    /// skipped); `conservative` words count only if they are exactly an
    /// object's address. `shape_of` tells where a type's references are.
    pub fn collect(
        &mut self,
        roots: &[usize],
        conservative: &[&[usize]],
        shape_of: &mut dyn FnMut(u32) -> ObjectShape,
    ) -> CollectionStats {
        let mut stack: Vec<usize> = Vec::new();
        let all = roots
            .iter()
            .chain(conservative.iter().flat_map(|w| w.iter()));
        for &w in all {
            mark_object(&mut self.chunks, w, &mut stack);
        }
        let GcHeap { chunks, shapes, .. } = self;
        while let Some(object) = stack.pop() {
            // SAFETY: a marked object of this heap.
            unsafe {
                visit_reference_words(object, shapes, shape_of, RefKind::Gc, |w| {
                    mark_object(chunks, w, &mut stack)
                })
            };
        }
        // Take the dead host objects' payloads before the sweep may unmap
        // their chunks; release them once the heap is consistent again.
        let mut dead = Vec::new();
        let chunks = &self.chunks;
        self.host_objects.retain(|&o| {
            let live = containing(chunks, o).is_some_and(|c| c.is_marked(o));
            if !live {
                // SAFETY: a host object of this heap, still mapped.
                dead.push(unsafe { Self::host_release_of(o) });
            }
            live
        });
        let stats = self.sweep(shape_of);
        for (release, payload) in dead {
            // SAFETY: nothing reached the object, so nothing uses its
            // payload any more.
            unsafe { release(payload) };
        }
        stats
    }

    fn sweep(&mut self, shape_of: &mut dyn FnMut(u32) -> ObjectShape) -> CollectionStats {
        let mut stats = CollectionStats::default();
        let mut empty = Vec::new();
        let starts: Vec<usize> = self.chunks.keys().copied().collect();
        for at in starts {
            let chunk = &self.chunks[&at];
            if chunk.marks.iter().all(|w| *w == 0) && self.window.chunk != at {
                // Nothing in it survived: no need to look at its objects.
                let objects: u32 = chunk.starts.iter().map(|w| w.count_ones()).sum();
                stats.freed_objects += objects as usize;
                empty.push(at);
                continue;
            }
            let objects: Vec<usize> = chunk.objects().collect();
            for object in objects {
                let size = self.object_size(object, shape_of);
                if self.chunks[&at].is_marked(object) {
                    stats.live_objects += 1;
                    stats.live_bytes += size;
                } else {
                    let chunk = self.chunks.get_mut(&at).expect("a chunk of the heap");
                    chunk.set_start(object, false);
                    if self.stress {
                        // SAFETY: a dead object's `size` bytes, in a live
                        // chunk; a cell is zeroed again when reused.
                        unsafe { poison(object, size) };
                    }
                    self.free.push(size, object);
                    stats.freed_objects += 1;
                }
            }
            let chunk = self.chunks.get_mut(&at).expect("a chunk of the heap");
            chunk.marks.fill(0);
        }
        if !empty.is_empty() {
            for at in &empty {
                let mut chunk = self.chunks.remove(at).expect("a chunk of the heap");
                if self.stress {
                    // SAFETY: the chunk is mapped, `bytes` long, and every
                    // object in it is dead.
                    unsafe { poison(chunk.start.as_ptr() as usize, chunk.bytes) };
                }
                if chunk.bytes == CHUNK_BYTES && self.spare.len() < MAX_SPARE_CHUNKS {
                    chunk.starts.fill(0);
                    self.spare.push(chunk);
                } else {
                    self.bytes -= chunk.bytes;
                }
            }
            // Free cells in the chunks emptied are gone.
            let chunks = &self.chunks;
            self.free.retain(|c| containing(chunks, c).is_some());
        }
        stats.freed_chunks = empty.len();
        self.since_collection = 0;
        self.counted = self.window.next;
        self.live_after_collection = stats.live_bytes;
        self.collections += 1;
        self.refresh_window_end();
        stats
    }

    /// Gives the emptied chunks kept for reuse back to the OS.
    pub fn release_spare_chunks(&mut self) {
        for chunk in self.spare.drain(..) {
            self.bytes -= chunk.bytes;
        }
    }
}

impl Drop for GcHeap {
    fn drop(&mut self) {
        for object in std::mem::take(&mut self.host_objects) {
            // SAFETY: the heap and every object in it go away now; the
            // chunks are unmapped only after this.
            unsafe {
                let (release, payload) = Self::host_release_of(object);
                release(payload);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(id: u32) -> ObjectShape {
        match id {
            // A pair: [header][ref a][ref b].
            1 => ObjectShape::Struct {
                size: 24,
                refs: Box::new([8, 16]),
                exnrefs: Box::new([]),
            },
            // An array of references.
            2 => ObjectShape::Array {
                elem_size: 8,
                elem_is_ref: true,
                elem_is_exnref: false,
            },
            // An array of bytes.
            _ => ObjectShape::Array {
                elem_size: 1,
                elem_is_ref: false,
                elem_is_exnref: false,
            },
        }
    }

    fn pair(heap: &mut GcHeap, a: usize, b: usize) -> usize {
        let p = heap.alloc(GcKind::Struct.header(1), 24).unwrap();
        // SAFETY: the pair is live and 24 bytes long.
        unsafe {
            p.add(8).cast::<usize>().write(a);
            p.add(16).cast::<usize>().write(b);
        }
        p as usize
    }

    #[test]
    fn objects_are_zeroed_aligned_and_distinct() {
        let mut heap = GcHeap::new(64 << 20);
        let a = heap.alloc(GcKind::Struct.header(1), 24).unwrap();
        let b = heap.alloc(GcKind::Struct.header(2), 8).unwrap();
        assert_ne!(a, b);
        assert_eq!(a as usize % 8, 0);
        // SAFETY: both objects are live and as long as read.
        unsafe {
            assert_eq!(*a.cast::<u64>(), GcKind::Struct.header(1));
            assert_eq!(*a.add(8).cast::<u64>(), 0);
        }
        let big = heap.alloc_array(3, 1 << 20, 4).unwrap();
        // SAFETY: the array is live.
        unsafe { assert_eq!(*big.add(8).cast::<u32>(), 1 << 20) };
        assert!(heap.is_object(a as usize) && heap.is_object(big as usize));
        assert!(!heap.is_object(a as usize + 8));
        // Small objects keep filling the chunk they were in.
        let c = heap.alloc(GcKind::Struct.header(1), 8).unwrap();
        assert_eq!(c as usize, b as usize + 8);
    }

    #[test]
    fn the_limit_is_kept() {
        let mut heap = GcHeap::new(4 << 20);
        assert_eq!(
            heap.alloc_array(1, u32::MAX, 16),
            Err(TrapCode::AllocationTooLarge)
        );
        let mut n = 0;
        while heap.alloc(GcKind::Struct.header(1), 4096).is_ok() {
            n += 1;
        }
        assert_eq!(n * 4096, 4 << 20);
        assert!(heap.bytes() <= heap.limit());
    }

    #[test]
    fn reachable_objects_survive_and_the_rest_is_reused() {
        let mut heap = GcHeap::new(64 << 20);
        let leaf = pair(&mut heap, 0, 0);
        let cycle_a = pair(&mut heap, 0, 0);
        let cycle_b = pair(&mut heap, cycle_a, leaf);
        // SAFETY: `cycle_a` is a live pair.
        unsafe { ((cycle_a + 8) as *mut usize).write(cycle_b) };
        let garbage = pair(&mut heap, cycle_a, 0);
        let refs = heap.alloc_array(2, 1, 8).unwrap() as usize;
        // SAFETY: element 0 of the one-element array.
        unsafe { (crate::array_element(refs, 8, 0) as *mut usize).write(cycle_b) };
        let stats = heap.collect(&[refs], &[], &mut shapes);
        assert_eq!(stats.freed_objects, 1);
        assert_eq!(stats.live_objects, 4);
        assert!(!heap.is_object(garbage));
        for o in [leaf, cycle_a, cycle_b, refs] {
            assert!(heap.is_object(o));
        }
        // The freed cell is reused, zeroed.
        let again = pair(&mut heap, 0, 0);
        assert_eq!(again, garbage);
        // An unrooted cycle is freed too; a conservative word keeps `leaf`.
        let words = [leaf + 8, leaf, 12345];
        let stats = heap.collect(&[], &[&words], &mut shapes);
        assert_eq!(stats.live_objects, 1);
        assert!(heap.is_object(leaf) && !heap.is_object(cycle_a));
    }

    /// Spare chunks make way for a large object when the heap is at its
    /// limit.
    #[test]
    fn spare_chunks_yield_to_a_large_object_at_the_limit() {
        let mut heap = GcHeap::new(4 * CHUNK_BYTES);
        while heap.alloc(GcKind::Struct.header(1), 24).is_ok() {}
        heap.collect(&[], &[], &mut shapes);
        assert_eq!(heap.bytes(), 4 * CHUNK_BYTES, "three spares and the window");
        let big = heap.alloc_array(3, 700_000, 1).map(|p| p as usize);
        assert!(big.is_ok_and(|b| heap.is_object(b)), "{big:?}");
        assert!(heap.bytes() <= 4 * CHUNK_BYTES);
    }

    #[test]
    fn chunks_with_nothing_live_are_given_back() {
        let mut heap = GcHeap::new(64 << 20);
        for _ in 0..3 * CHUNK_BYTES / 24 {
            pair(&mut heap, 3, 5);
        }
        let big = heap.alloc_array(3, CHUNK_BYTES as u32, 1).unwrap() as usize;
        let before = heap.bytes();
        assert!(before >= 4 * CHUNK_BYTES);
        let stats = heap.collect(&[], &[], &mut shapes);
        // Everything but the chunk being filled is emptied: the large
        // object's chunk goes back, ordinary ones are kept for reuse.
        assert!(stats.freed_chunks >= 3, "{stats:?}");
        let after = heap.bytes();
        assert!(after <= before - CHUNK_BYTES, "{before} -> {after}");
        assert!(!heap.is_object(big));
        // The free cells of the emptied chunks are not handed out; a spare
        // chunk comes back zeroed.
        for _ in 0..2 * CHUNK_BYTES / 24 {
            let p = heap.alloc(GcKind::Struct.header(1), 24).unwrap() as usize;
            assert!(heap.is_object(p));
            // SAFETY: a fresh object's two fields.
            assert_eq!(
                unsafe { [*((p + 8) as *const u64), *((p + 16) as *const u64)] },
                [0, 0]
            );
        }
        // ... from the spare chunks, without mapping more.
        assert_eq!(heap.bytes(), after);
        heap.collect(&[], &[], &mut shapes);
        heap.release_spare_chunks();
        assert_eq!(heap.bytes(), CHUNK_BYTES);
    }
}
