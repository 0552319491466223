//! Linear memories: a `PROT_NONE` reservation (4 GiB plus a guard for 32-bit
//! memories) of which the first `current_length` bytes are readable and
//! writable. Memories never move, so compiled code may keep their base.

use crate::memory_image::MemoryImage;
use crate::memory_pool::{MemoryPool, Reservation};
use crate::parking::ParkingTable;
use crate::vmcontext::VMMemoryDefinition;
use kiln_types::{MemoryType, TrapCode, Tunables};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

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
///
/// A memory declared `shared` may be used by several threads at once (each
/// running its own store): it only ever grows through `&self`, under the
/// reservation's lock, and its length is read atomically. Its bytes are
/// then handed out only as `UnsafeCell`s ([`LinearMemory::shared_data`]).
#[derive(Debug)]
pub struct LinearMemory {
    /// Always `Some` until dropped; locked while the memory grows.
    reservation: Mutex<Option<Reservation>>,
    /// Where the reservation goes when the memory is dropped.
    pool: Option<Arc<MemoryPool>>,
    base: *mut u8,
    /// Bytes that may ever become accessible (reservation minus guard).
    max_accessible: u64,
    definition: Box<VMMemoryDefinition>,
    ty: MemoryType,
    /// Threads blocked in `memory.atomic.wait` (shared memories only).
    parking: Option<ParkingTable>,
}

// SAFETY: the memory owns its mapping exclusively; access through `&mut self`
// (or through compiled code of the owning store's thread) is serialised by
// the store, and a shared memory's growth by its lock.
unsafe impl Send for LinearMemory {}
// SAFETY: through `&self` the length is read atomically, growth takes the
// reservation's lock, and bytes are reached only through raw pointers or
// `UnsafeCell`s (`data` is safe only for unshared memories, whose `&self`
// comes from their one store).
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
            reservation: Mutex::new(Some(reservation)),
            pool: pool.cloned(),
            base,
            max_accessible,
            definition: Box::new(VMMemoryDefinition {
                base,
                current_length: AtomicUsize::new(0),
            }),
            ty,
            parking: ty.shared.then(ParkingTable::default),
        };
        let open_error = |e: std::io::Error| MemoryError::Reserve {
            size: min_bytes,
            source: e,
        };
        // A reused reservation may have been larger: set, not just grow.
        set_accessible(me.reservation_mut(), min_bytes as usize).map_err(open_error)?;
        // SAFETY: nothing refers to the new memory's bytes yet.
        unsafe { me.reservation_mut().set_image(image) }.map_err(open_error)?;
        me.definition
            .current_length
            .store(min_bytes as usize, Ordering::Release);
        Ok(me)
    }

    fn reservation_mut(&mut self) -> &mut Reservation {
        self.reservation
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
            .expect("a live memory has its reservation")
    }

    fn lock_reservation(&self) -> MutexGuard<'_, Option<Reservation>> {
        self.reservation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
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
    /// the maximum would be exceeded or the OS refuses. Concurrent growers
    /// of a shared memory take turns; the mapping never moves, and the new
    /// length is published only once its pages are accessible.
    pub fn grow(&self, delta: u64) -> Option<u64> {
        let mut reservation = self.lock_reservation();
        let old = self.size_pages();
        let new = old.checked_add(delta)?;
        if new > self.maximum_pages() {
            return None;
        }
        let to = (new * self.page_size()) as usize;
        let reservation = reservation
            .as_mut()
            .expect("a live memory has its reservation");
        set_accessible(reservation, to).ok()?;
        self.definition.current_length.store(to, Ordering::SeqCst);
        Some(old)
    }

    /// `memory.atomic.notify`: after the spec's alignment and bounds checks
    /// of the 4-byte word at `addr`, wakes up to `count` threads waiting
    /// on it and returns how many it woke (none for an unshared memory).
    pub fn atomic_notify(&self, addr: u64, count: u32) -> Result<u32, TrapCode> {
        let addr = u32::try_from(addr).map_err(|_| TrapCode::MemoryOutOfBounds)?;
        crate::vmcontext::atomic_address(&self.definition, addr, 4)?;
        Ok(self
            .parking
            .as_ref()
            .map_or(0, |p| p.notify(u64::from(addr), count)))
    }

    /// The parking table of a shared memory (`None` if unshared).
    pub fn parking(&self) -> Option<&ParkingTable> {
        self.parking.as_ref()
    }

    /// The accessible bytes as cells, which other threads may change at
    /// any time (for shared memories; the length is read once).
    pub fn shared_data(&self) -> &[UnsafeCell<u8>] {
        // SAFETY: the first `byte_size` bytes stay mapped readable and
        // writable while `self` lives (memories never shrink), and
        // `UnsafeCell<u8>` has `u8`'s layout and promises no exclusivity.
        unsafe { std::slice::from_raw_parts(self.base as *const UnsafeCell<u8>, self.byte_size()) }
    }

    /// Copies the bytes at `at` into `buf`, or returns `None`, reading
    /// nothing, if they are out of bounds.
    pub fn read_at(&self, at: u64, buf: &mut [u8]) -> Option<()> {
        let at = usize::try_from(at).ok()?;
        if at.checked_add(buf.len())? > self.byte_size() {
            return None;
        }
        // SAFETY: `at..at + len` lies in the accessible bytes (checked
        // above), which `buf` (host memory) cannot overlap; other threads
        // of a shared memory may race on these bytes as wasm allows.
        unsafe {
            std::ptr::copy_nonoverlapping(self.base.add(at), buf.as_mut_ptr(), buf.len());
        }
        Some(())
    }

    /// Copies `bytes` into the memory at `at` (a data segment), or returns
    /// `None`, writing nothing, if they do not fit.
    pub fn write_at(&self, at: u64, bytes: &[u8]) -> Option<()> {
        let at = usize::try_from(at).ok()?;
        if at.checked_add(bytes.len())? > self.byte_size() {
            return None;
        }
        // SAFETY: `at..at + len` lies in the accessible bytes (checked
        // above), which `bytes` (host memory) cannot overlap; other threads
        // of a shared memory may race on these bytes as wasm allows.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.base.add(at), bytes.len());
        }
        Some(())
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

    /// The accessible bytes (of an unshared memory: a shared one may change
    /// under the slice; use [`LinearMemory::shared_data`]).
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
        let reservation = self
            .reservation
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // Without a pool the reservation unmaps itself.
        if let (Some(r), Some(pool)) = (reservation, &self.pool) {
            pool.give_back(r);
        }
    }
}

/// Makes exactly the first `bytes` of `reservation`, widened to whole OS
/// pages, readable and writable. (With 1-byte wasm pages the OS page past
/// the end is accessible too; compiled code then checks every access
/// explicitly.)
fn set_accessible(reservation: &mut Reservation, bytes: usize) -> std::io::Result<()> {
    let page = rustix::param::page_size();
    reservation.set_accessible(bytes.div_ceil(page) * page)
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
        let m = LinearMemory::new(ty(0, None), &Tunables::default()).unwrap();
        // SAFETY: the definition lives as long as `m`.
        let def = unsafe { &*m.definition() };
        assert_eq!(def.len(), 0);
        m.grow(1).unwrap();
        assert_eq!(def.len(), 65536);
        assert_eq!(m.maximum_pages(), MAX_PAGES_32);
        assert_eq!(m.grow(MAX_PAGES_32), None);
    }
}
