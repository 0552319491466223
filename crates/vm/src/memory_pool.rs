//! Reuse of linear-memory reservations.
//!
//! Reserving a memory's address space (4 GiB plus a guard for a 32-bit
//! memory), opening its first pages and unmapping it all again afterwards
//! are system calls that cost more than the rest of an instantiation. A
//! [`MemoryPool`] keeps the reservations of dropped memories instead: a
//! returned reservation is reset with one `madvise(MADV_DONTNEED)` over the
//! pages that were accessible, which gives back zero pages, or the image's
//! pages where a copy-on-write image is mapped. Its accessible size and its
//! image stay as they were, so the next memory of the same shape (typically
//! the next instance of the same module) needs no further system call.

use crate::memory_image::MemoryImage;
use rustix::mm::{MapFlags, MprotectFlags, ProtFlags};
use std::sync::{Arc, Mutex};

/// An address-space reservation for one linear memory: `len` bytes at
/// `base`, of which the first `accessible` are readable and writable, with
/// `image` mapped copy-on-write over its range (inside `accessible`).
#[derive(Debug)]
pub(crate) struct Reservation {
    pub(crate) base: *mut u8,
    pub(crate) len: usize,
    pub(crate) accessible: usize,
    pub(crate) image: Option<Arc<MemoryImage>>,
}

// SAFETY: a reservation is owned by one memory (or the pool) at a time.
unsafe impl Send for Reservation {}

impl Reservation {
    /// Reserves `len` bytes of inaccessible address space.
    pub(crate) fn new(len: usize) -> std::io::Result<Reservation> {
        // SAFETY: an anonymous, private, inaccessible mapping at an address
        // the kernel chooses aliases nothing.
        let base = unsafe {
            rustix::mm::mmap_anonymous(
                std::ptr::null_mut(),
                len,
                ProtFlags::empty(),
                MapFlags::PRIVATE | MapFlags::NORESERVE,
            )
        }?;
        Ok(Reservation {
            base: base.cast(),
            len,
            accessible: 0,
            image: None,
        })
    }

    /// Makes exactly the first `bytes` (a multiple of the OS page size)
    /// accessible.
    pub(crate) fn set_accessible(&mut self, bytes: usize) -> std::io::Result<()> {
        // Never open anything past the reservation (someone else's pages).
        if bytes > self.len {
            return Err(std::io::Error::other("beyond the memory's reservation"));
        }
        if bytes > self.accessible {
            // SAFETY: the range lies inside our own reservation.
            unsafe {
                rustix::mm::mprotect(
                    self.base.add(self.accessible).cast(),
                    bytes - self.accessible,
                    MprotectFlags::READ | MprotectFlags::WRITE,
                )?;
            }
        } else if bytes < self.accessible {
            // SAFETY: as above; the pages were zeroed by `reset` before.
            unsafe {
                rustix::mm::mprotect(
                    self.base.add(bytes).cast(),
                    self.accessible - bytes,
                    MprotectFlags::empty(),
                )?;
            }
        }
        self.accessible = bytes;
        Ok(())
    }

    /// Puts `image` (or, for `None`, zero pages) at its place, unless it is
    /// there already.
    ///
    /// # Safety
    /// Nothing may hold a reference into the reservation.
    pub(crate) unsafe fn set_image(
        &mut self,
        image: Option<&Arc<MemoryImage>>,
    ) -> std::io::Result<()> {
        if self.image.as_ref().map(Arc::as_ptr) == image.map(Arc::as_ptr) {
            return Ok(());
        }
        if let Some(old) = self.image.take() {
            // Replace the old image with fresh zero pages, with the
            // protection the range has now.
            let prot = if old.offset() < self.accessible {
                ProtFlags::READ | ProtFlags::WRITE
            } else {
                ProtFlags::empty()
            };
            // SAFETY: the range is inside our reservation (images are only
            // mapped inside it) and nothing refers to it.
            unsafe {
                rustix::mm::mmap_anonymous(
                    self.base.add(old.offset()).cast(),
                    old.len(),
                    prot,
                    MapFlags::PRIVATE | MapFlags::FIXED | MapFlags::NORESERVE,
                )?;
            }
            if old.offset() < self.accessible && old.offset() + old.len() > self.accessible {
                // The image straddled the accessible end: close the rest.
                // SAFETY: inside our reservation.
                unsafe {
                    rustix::mm::mprotect(
                        self.base.add(self.accessible).cast(),
                        old.offset() + old.len() - self.accessible,
                        MprotectFlags::empty(),
                    )?;
                }
            }
        }
        if let Some(image) = image {
            if image.offset() + image.len() > self.accessible {
                return Err(std::io::Error::other("the image does not fit the memory"));
            }
            // SAFETY: inside the accessible part of our reservation, which
            // nothing refers to (the caller's guarantee).
            unsafe { image.map_at(self.base)? };
            self.image = Some(image.clone());
        }
        Ok(())
    }

    /// Returns every accessible page to its initial contents (zero, or the
    /// image's).
    fn reset(&mut self) -> std::io::Result<()> {
        if self.accessible > 0 {
            // SAFETY: the range is our own accessible reservation, which no
            // one refers to any more (its memory was dropped).
            unsafe {
                rustix::mm::madvise(
                    self.base.cast(),
                    self.accessible,
                    rustix::mm::Advice::LinuxDontNeed,
                )?;
            }
        }
        Ok(())
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: we own the whole reservation and nothing refers to it.
        unsafe {
            let _ = rustix::mm::munmap(self.base.cast(), self.len);
        }
    }
}

/// Reservations of dropped memories, kept for reuse (see the module docs).
#[derive(Debug)]
pub struct MemoryPool {
    free: Mutex<Vec<Reservation>>,
    /// The most reservations kept.
    capacity: usize,
}

impl MemoryPool {
    /// A pool that keeps up to `capacity` unused reservations.
    pub fn new(capacity: usize) -> MemoryPool {
        MemoryPool {
            free: Mutex::new(Vec::new()),
            capacity,
        }
    }

    /// A reservation of `len` bytes, preferring one that already has
    /// `image` mapped.
    pub(crate) fn take(&self, len: usize, image: Option<&Arc<MemoryImage>>) -> Option<Reservation> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let same_image = |r: &Reservation| {
            r.len == len && r.image.as_ref().map(Arc::as_ptr) == image.map(Arc::as_ptr)
        };
        let i = free
            .iter()
            .rposition(same_image)
            .or_else(|| free.iter().rposition(|r| r.len == len))?;
        Some(free.swap_remove(i))
    }

    /// Takes back a reservation whose memory was dropped; unmaps it if the
    /// pool is full or it cannot be reset.
    pub(crate) fn give_back(&self, mut r: Reservation) {
        if r.reset().is_err() {
            return;
        }
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.len() < self.capacity {
            free.push(r);
        }
    }
}
