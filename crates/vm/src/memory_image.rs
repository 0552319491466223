//! Copy-on-write memory images: a defined memory's initial contents (its
//! active data segments) written once per module into a memfd, which each
//! instance maps privately over the start of its memory instead of copying
//! the bytes. Pages the instance never writes stay shared with the page
//! cache; pages it writes are copied by the kernel on first write.

use crate::memory::WASM_PAGE_SIZE;
use kiln_types::{ConstOp, DataIndex, DataSegmentKind, DefinedMemoryIndex, ModuleInfo};
use rustix::fd::OwnedFd;
use rustix::mm::{MapFlags, ProtFlags};
use std::sync::Arc;

/// The initial contents of one memory, `len` bytes at byte `offset` of the
/// memory, both multiples of the OS page size.
#[derive(Debug)]
pub struct MemoryImage {
    fd: OwnedFd,
    offset: usize,
    len: usize,
}

impl MemoryImage {
    /// An image holding `bytes` at byte `offset` of a memory (`offset` a
    /// multiple of the OS page size).
    fn new(offset: usize, bytes: &[u8]) -> std::io::Result<MemoryImage> {
        let page = rustix::param::page_size();
        debug_assert!(offset.is_multiple_of(page));
        let len = bytes.len().div_ceil(page) * page;
        let fd = rustix::fs::memfd_create(
            "kiln-memory-image",
            rustix::fs::MemfdFlags::CLOEXEC | rustix::fs::MemfdFlags::ALLOW_SEALING,
        )?;
        rustix::fs::ftruncate(&fd, len as u64)?;
        let mut written = 0;
        while written < bytes.len() {
            written += rustix::io::pwrite(&fd, &bytes[written..], written as u64)?;
        }
        // Nobody may change the contents every instance shares.
        rustix::fs::fcntl_add_seals(
            &fd,
            rustix::fs::SealFlags::WRITE
                | rustix::fs::SealFlags::GROW
                | rustix::fs::SealFlags::SHRINK
                | rustix::fs::SealFlags::SEAL,
        )?;
        Ok(MemoryImage { fd, offset, len })
    }

    /// Where the image starts in the memory, in bytes.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The image's length in bytes (a multiple of the OS page size).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the image is empty (never: empty images are not made).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Maps the image privately, readable and writable, at `base + offset`.
    ///
    /// # Safety
    /// `[base + offset, base + offset + len)` must be part of a reservation
    /// the caller owns, with no references into it.
    pub(crate) unsafe fn map_at(&self, base: *mut u8) -> std::io::Result<()> {
        // SAFETY: the caller owns the range; `MAP_FIXED` replaces only it.
        unsafe {
            rustix::mm::mmap(
                base.add(self.offset).cast(),
                self.len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE | MapFlags::FIXED,
                &self.fd,
                0,
            )?;
        }
        Ok(())
    }
}

/// The images of a module's defined memories, decided once per module.
#[derive(Debug, Default)]
pub struct MemoryImages {
    /// One per defined memory; `None` where it starts all zeros.
    images: Box<[Option<Arc<MemoryImage>>]>,
    /// Whether the images hold every active data segment, so instantiation
    /// maps them instead of applying segments. False when any segment could
    /// trap or depends on an imported value: then segments are copied in
    /// order, as the spec describes, and no image is used.
    covers_all_data: bool,
}

/// Images larger than this are not made (the bytes would be duplicated in
/// the memfd for little gain over a one-time copy).
const MAX_IMAGE_LEN: usize = 1 << 30;

impl MemoryImages {
    /// Decides the images for `info`. Returns no images (segments will be
    /// copied) when some active data segment targets an imported memory,
    /// has an offset that is not a constant, does not fit the memory's
    /// minimum size, or targets a shared memory or one with custom pages.
    pub fn new(info: &ModuleInfo) -> MemoryImages {
        let none = MemoryImages::default();
        let page = rustix::param::page_size();
        let defined = info.memories.len() - info.num_imported_memories;
        // Each non-empty active segment's memory, byte offset and index.
        let mut placed: Vec<(DefinedMemoryIndex, usize, DataIndex)> = Vec::new();
        for (i, seg) in info.data.iter().enumerate() {
            let DataSegmentKind::Active { memory, offset } = &seg.kind else {
                continue;
            };
            let Some(d) = info.defined_memory(*memory) else {
                return none;
            };
            let ty = &info.memories[memory.index()];
            if ty.shared || ty.page_size() != WASM_PAGE_SIZE {
                return none;
            }
            let at = match offset.ops.as_slice() {
                [ConstOp::I32Const(v)] if !ty.memory64 => u64::from(*v as u32),
                [ConstOp::I64Const(v)] if ty.memory64 => *v as u64,
                _ => return none,
            };
            let len = seg.range.len() as u64;
            let min_bytes = ty.minimum.saturating_mul(WASM_PAGE_SIZE);
            if at.checked_add(len).is_none_or(|end| end > min_bytes) {
                return none;
            }
            if len > 0 {
                placed.push((d, at as usize, DataIndex::from_usize(i)));
            }
        }
        let mut images = Vec::with_capacity(defined);
        for d in (0..defined).map(DefinedMemoryIndex::from_usize) {
            let segments = || placed.iter().filter(move |(m, ..)| *m == d);
            let bytes_of = |i: DataIndex| info.data_segment_bytes(i);
            let Some(lo) = segments().map(|(_, at, _)| *at).min() else {
                images.push(None);
                continue;
            };
            let hi = segments()
                .map(|(_, at, i)| at + bytes_of(*i).len())
                .max()
                .unwrap_or(lo);
            let start = lo / page * page;
            let len = hi - start;
            if len > MAX_IMAGE_LEN {
                return none;
            }
            let mut bytes = vec![0u8; len];
            // In segment order, so later segments overwrite earlier ones.
            for (_, at, i) in segments() {
                let src = bytes_of(*i);
                bytes[at - start..at - start + src.len()].copy_from_slice(src);
            }
            match MemoryImage::new(start, &bytes) {
                Ok(image) => images.push(Some(Arc::new(image))),
                // No memfd (e.g. a sandbox without it): copy segments instead.
                Err(_) => return none,
            }
        }
        MemoryImages {
            images: images.into_boxed_slice(),
            covers_all_data: true,
        }
    }

    /// Whether instantiation maps these images instead of copying segments.
    pub fn covers_all_data(&self) -> bool {
        self.covers_all_data
    }

    /// The image of defined memory `d`, if it starts with data.
    pub fn get(&self, d: DefinedMemoryIndex) -> Option<&Arc<MemoryImage>> {
        self.images.get(d.index())?.as_ref()
    }
}
