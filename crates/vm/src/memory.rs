//! Linear memories: a `PROT_NONE` reservation (4 GiB plus a guard for 32-bit
//! memories) of which the first `current_length` bytes are readable and
//! writable. Memories never move, so compiled code may keep their base.

use crate::memory_image::MemoryImage;
use crate::memory_pool::{MemoryPool, Reservation};
use crate::vmcontext::VMMemoryDefinition;
use kiln_types::{MemoryType, Tunables};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The size of a wasm page.
pub const WASM_PAGE_SIZE: u64 = 0x1_0000;

/// The largest page count of a 32-bit memory.
pub const MAX_PAGES_32: u64 = 0x1_0000;

/// The most address space one memory's reservation (guard included) may
/// take: 64 TiB, half of x86-64's user address space. Larger settings
/// make instantiation fail rather than wrap.
const MAX_RESERVATION: u64 = 1 << 46;

/// A memory could not be created.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    /// The address-space reservation failed.
    #[error("failed to reserve {size} bytes of address space for a linear memory: {source}")]
    Reserve {
        /// Bytes requested.
        size: u64,
        /// The OS error.
        source: std::io::Error,
    },
    /// The minimum size does not fit the reservation.
    #[error("memory minimum of {0} pages exceeds the reservation")]
    TooLarge(u64),
}

/// A linear memory owning its mapping and its `VMMemoryDefinition`.
#[derive(Debug)]
pub struct LinearMemory {
    /// Always `Some` until dropped.
    reservation: Option<Reservation>,
    /// Where the reservation goes when the memory is dropped.
    pool: Option<Arc<MemoryPool>>,
    base: *mut u8,
    /// Bytes that may ever become accessible (reservation minus guard).
    max_accessible: u64,
    definition: Box<VMMemoryDefinition>,
    ty: MemoryType,
}

// SAFETY: the memory owns its mapping exclusively; access through `&mut self`
// (or through compiled code of the owning store's thread) is serialised by the store.
unsafe impl Send for LinearMemory {}
// SAFETY: shared references only read the length atomically.
unsafe impl Sync for LinearMemory {}

impl LinearMemory {
    /// Reserves the memory's address space and makes its minimum size accessible.
    pub fn new(ty: MemoryType, tunables: &Tunables) -> Result<Self, MemoryError> {
        Self::with_pool(ty, tunables, None, None)
    }

    /// Like [`LinearMemory::new`], but takes the reservation from `pool`
    /// when it has one (preferring one with `image` mapped) and returns it
    /// there when dropped. The memory starts with `image`'s contents.
    pub fn with_pool(
        ty: MemoryType,
        tunables: &Tunables,
        pool: Option<&Arc<MemoryPool>>,
        image: Option<&Arc<MemoryImage>>,
    ) -> Result<Self, MemoryError> {
        let max_accessible = if ty.memory64 {
            // Explicit bounds checks make any size safe: reserve what the
            // memory can grow to, up to the configured limit, in whole OS
            // pages.
            let declared = ty
                .maximum
                .map_or(u64::MAX, |m| m.saturating_mul(ty.page_size()));
            let os_page = rustix::param::page_size() as u64;
            // Capped well inside the 47-bit user address space, so that
            // neither rounding nor adding the guard can overflow.
            declared
                .min(tunables.memory64_reservation)
                .min(MAX_RESERVATION / 2)
                .next_multiple_of(os_page)
        } else {
            tunables
                .memory_reservation
                .min(MAX_PAGES_32 * WASM_PAGE_SIZE)
        };
        let min_bytes = ty.minimum.saturating_mul(ty.page_size());
        if min_bytes > max_accessible {
            return Err(MemoryError::TooLarge(ty.minimum));
        }
        let total = max_accessible
            .checked_add(tunables.memory_guard_size)
            .filter(|t| *t <= MAX_RESERVATION)
            .ok_or(MemoryError::TooLarge(ty.minimum))?;
        let total_len = usize::try_from(total).map_err(|_| MemoryError::TooLarge(ty.minimum))?;
        let reserve_error = |e: std::io::Error| MemoryError::Reserve {
            size: total,
            source: e,
        };
        let reservation = match pool.and_then(|p| p.take(total_len, image)) {
            Some(r) => r,
            None => Reservation::new(total_len).map_err(reserve_error)?,
        };
        let base = reservation.base;
        let mut me = Self {
            reservation: Some(reservation),
            pool: pool.cloned(),
            base,
            max_accessible,
            definition: Box::new(VMMemoryDefinition {
                base,
                current_length: AtomicUsize::new(0),
            }),
            ty,
        };
        let open_error = |e: std::io::Error| MemoryError::Reserve {
            size: min_bytes,
            source: e,
        };
        // A reused reservation may have been larger: set, not just grow.
        me.set_accessible(min_bytes as usize).map_err(open_error)?;
        // SAFETY: nothing refers to the new memory's bytes yet.
        unsafe { me.reservation_mut().set_image(image) }.map_err(open_error)?;
        me.definition
            .current_length
            .store(min_bytes as usize, Ordering::Release);
        Ok(me)
    }

    fn reservation_mut(&mut self) -> &mut Reservation {
        self.reservation
            .as_mut()
            .expect("a live memory has its reservation")
    }

    /// Makes exactly the first `bytes`, widened to whole OS pages, readable
    /// and writable. (With 1-byte wasm pages the OS page past the end is
    /// accessible too; compiled code then checks every access explicitly.)
    fn set_accessible(&mut self, bytes: usize) -> std::io::Result<()> {
        let page = rustix::param::page_size();
        self.reservation_mut()
            .set_accessible(bytes.div_ceil(page) * page)
    }

    /// The memory's type, with `minimum` the current size.
    pub fn ty(&self) -> MemoryType {
        MemoryType {
            minimum: self.size_pages(),
            ..self.ty
        }
    }

    /// The declared type.
    pub fn declared_type(&self) -> MemoryType {
        self.ty
    }

    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        self.ty.page_size()
    }

    /// The largest page count this memory may reach (for 32-bit memories,
    /// at most `u32::MAX`, so `memory.grow`'s -1 stays unambiguous).
    pub fn maximum_pages(&self) -> u64 {
        let mut limit = self.max_accessible / self.page_size();
        if !self.ty.memory64 {
            limit = limit.min(u64::from(u32::MAX));
        }
        self.ty.maximum.map_or(limit, |m| m.min(limit))
    }

    /// Current size in pages.
    pub fn size_pages(&self) -> u64 {
        self.byte_size() as u64 / self.page_size()
    }

    /// Current size in bytes.
    pub fn byte_size(&self) -> usize {
        self.definition.len()
    }

    /// Grows by `delta` pages, returning the old size in pages, or `None` if
    /// the maximum would be exceeded or the OS refuses.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.size_pages();
        let new = old.checked_add(delta)?;
        if new > self.maximum_pages() {
            return None;
        }
        let to = (new * self.page_size()) as usize;
        self.set_accessible(to).ok()?;
        self.definition.current_length.store(to, Ordering::Release);
        Some(old)
    }

    /// Maps `image` copy-on-write over its range of this memory, replacing
    /// the image that was there (or, for `None`, only removing it), unless
    /// it is there already.
    ///
    /// # Safety
    /// Nothing may hold a reference into the memory's bytes.
    pub unsafe fn map_image(&mut self, image: Option<&Arc<MemoryImage>>) -> std::io::Result<()> {
        // SAFETY: forwarded from the caller.
        unsafe { self.reservation_mut().set_image(image) }
    }

    /// The record compiled code reads (stable for the memory's lifetime).
    pub fn definition(&self) -> *mut VMMemoryDefinition {
        &*self.definition as *const VMMemoryDefinition as *mut VMMemoryDefinition
    }

    /// The accessible bytes.
    pub fn data(&self) -> &[u8] {
        // SAFETY: the first `byte_size` bytes of the reservation are mapped
        // readable and writable for as long as `self` lives.
        unsafe { std::slice::from_raw_parts(self.base, self.byte_size()) }
    }

    /// The accessible bytes, mutably.
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`, and `&mut self` gives exclusive access.
        unsafe { std::slice::from_raw_parts_mut(self.base, self.byte_size()) }
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        // Without a pool the reservation unmaps itself.
        if let (Some(r), Some(pool)) = (self.reservation.take(), &self.pool) {
            pool.give_back(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(min: u64, max: Option<u64>) -> MemoryType {
        MemoryType {
            minimum: min,
            maximum: max,
            ..MemoryType::new(0, None)
        }
    }

    #[test]
    fn grows_up_to_its_maximum() {
        let mut m = LinearMemory::new(ty(1, Some(3)), &Tunables::default()).unwrap();
        assert_eq!(m.byte_size(), 65536);
        m.data_mut()[65535] = 9;
        assert_eq!(m.grow(2), Some(1));
        assert_eq!(m.data()[65535], 9);
        m.data_mut()[3 * 65536 - 1] = 1;
        assert_eq!(m.grow(1), None);
        assert_eq!(m.grow(0), Some(3));
        assert_eq!(m.size_pages(), 3);
    }

    #[test]
    fn definition_tracks_growth() {
        let mut m = LinearMemory::new(ty(0, None), &Tunables::default()).unwrap();
        // SAFETY: the definition lives as long as `m`.
        let def = unsafe { &*m.definition() };
        assert_eq!(def.len(), 0);
        m.grow(1).unwrap();
        assert_eq!(def.len(), 65536);
        assert_eq!(m.maximum_pages(), MAX_PAGES_32);
        assert_eq!(m.grow(MAX_PAGES_32), None);
    }
}
