//! Shared linear memories (the threads proposal): one memory that
//! instances in different stores, running on different threads, use at
//! the same time.

use crate::{Engine, MemoryAccessError, MemoryType};
use anyhow::{Result, bail};
use kiln_types::TrapCode;
use kiln_vm::{LinearMemory, VMMemoryDefinition, WaitOutcome};
use std::cell::UnsafeCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A memory declared `shared`: `Send + Sync`, cheap to clone (clones are
/// the same memory), importable into instances of any store of its engine.
///
/// Memories a module defines as `shared` are `SharedMemory`s too: such an
/// export is [`crate::Extern::SharedMemory`], found with
/// [`crate::Instance::get_shared_memory`]. Their bytes are only reachable
/// as cells ([`SharedMemory::data`]), because other threads may write them
/// at any time.
pub struct SharedMemory {
    memory: Arc<LinearMemory>,
    engine: Engine,
}

/// How [`SharedMemory::atomic_wait32`]/[`atomic_wait64`](SharedMemory::atomic_wait64) ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum WaitResult {
    /// Woken by a notify.
    Ok,
    /// The value was not the expected one, so the thread did not wait.
    Mismatch,
    /// The timeout passed first.
    TimedOut,
}

impl SharedMemory {
    /// Creates a shared memory of type `ty`, which must be `shared` and
    /// have a maximum.
    pub fn new(engine: &Engine, ty: MemoryType) -> Result<SharedMemory> {
        if !ty.shared {
            bail!("a SharedMemory needs a memory type declared `shared`");
        }
        if ty.maximum.is_none() {
            bail!("a shared memory must have a maximum size");
        }
        Ok(Self::from_memory(engine, engine.new_memory(ty)?))
    }

    /// Wraps a memory created for a module's `shared` memory definition.
    pub(crate) fn from_memory(engine: &Engine, memory: LinearMemory) -> SharedMemory {
        let memory = Arc::new(memory);
        parking(&memory).add_handle();
        SharedMemory {
            memory,
            engine: engine.clone(),
        }
    }

    /// The memory's current type (`minimum` is the current size).
    pub fn ty(&self) -> MemoryType {
        self.memory.ty()
    }

    /// Size in pages.
    pub fn size(&self) -> u64 {
        self.memory.size_pages()
    }

    /// Size in bytes.
    pub fn data_size(&self) -> usize {
        self.memory.byte_size()
    }

    /// The bytes, as cells: other threads may change them at any time, so
    /// read and write them with care (atomically, or under a lock the wasm
    /// program also respects).
    pub fn data(&self) -> &[UnsafeCell<u8>] {
        self.memory.shared_data()
    }

    /// Copies `buf.len()` bytes at `offset` into `buf` (not atomically:
    /// other threads may be writing them).
    pub fn read(&self, offset: usize, buf: &mut [u8]) -> Result<(), MemoryAccessError> {
        self.memory
            .read_at(offset as u64, buf)
            .ok_or_else(|| self.access_error(offset, buf.len()))
    }

    /// Copies `buf` into memory at `offset` (not atomically).
    pub fn write(&self, offset: usize, buf: &[u8]) -> Result<(), MemoryAccessError> {
        self.memory
            .write_at(offset as u64, buf)
            .ok_or_else(|| self.access_error(offset, buf.len()))
    }

    fn access_error(&self, offset: usize, len: usize) -> MemoryAccessError {
        MemoryAccessError {
            offset,
            len,
            size: self.data_size(),
        }
    }

    /// Grows by `delta` pages, returning the old size in pages. Safe
    /// while other threads run wasm on the memory: it never moves.
    pub fn grow(&self, delta: u64) -> Result<u64> {
        match self.memory.grow(delta) {
            Some(old) => Ok(old),
            None => bail!("failed to grow shared memory by {delta} pages"),
        }
    }

    /// `memory.atomic.notify` from the host: wakes up to `count` threads
    /// waiting on `addr` and returns how many it woke. Traps as wasm would
    /// if `addr` is out of bounds or not 4-byte aligned.
    pub fn atomic_notify(&self, addr: u64, count: u32) -> Result<u32, TrapCode> {
        self.memory.atomic_notify(addr, count)
    }

    /// `memory.atomic.wait32` from the host: blocks this thread until a
    /// notify on `addr` or the timeout (`None`: forever), unless the `u32`
    /// at `addr` is not `expected`.
    pub fn atomic_wait32(
        &self,
        addr: u64,
        expected: u32,
        timeout: Option<Duration>,
    ) -> Result<WaitResult, TrapCode> {
        let addr = wait_address(addr)?;
        let def = self.definition();
        self.wait(addr, timeout, || {
            kiln_vm::memory32_atomic_check32(def, addr, expected)
        })
    }

    /// The 64-bit twin of [`SharedMemory::atomic_wait32`].
    pub fn atomic_wait64(
        &self,
        addr: u64,
        expected: u64,
        timeout: Option<Duration>,
    ) -> Result<WaitResult, TrapCode> {
        let addr = wait_address(addr)?;
        let def = self.definition();
        self.wait(addr, timeout, || {
            kiln_vm::memory32_atomic_check64(def, addr, expected)
        })
    }

    /// How many threads wait on `addr` now.
    pub fn waiters(&self, addr: u64) -> usize {
        parking(&self.memory).waiters(addr)
    }

    fn definition(&self) -> &VMMemoryDefinition {
        // SAFETY: the definition lives as long as the memory.
        unsafe { &*self.memory.definition() }
    }

    fn wait(
        &self,
        addr: u32,
        timeout: Option<Duration>,
        mismatch: impl FnOnce() -> Result<u32, TrapCode>,
    ) -> Result<WaitResult, TrapCode> {
        let until = timeout.and_then(|t| Instant::now().checked_add(t));
        let outcome = parking(&self.memory).wait(
            u64::from(addr),
            || Ok(mismatch()? == 0),
            until,
            false,
            || false,
        )?;
        Ok(match outcome {
            WaitOutcome::Woken => WaitResult::Ok,
            WaitOutcome::NotEqual => WaitResult::Mismatch,
            WaitOutcome::TimedOut | WaitOutcome::Interrupted => WaitResult::TimedOut,
        })
    }

    /// The engine the memory belongs to.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The VM memory, for instances importing it.
    pub(crate) fn vm_memory(&self) -> *mut LinearMemory {
        Arc::as_ptr(&self.memory).cast_mut()
    }

    /// Whether `a` and `b` are the same memory.
    pub fn same(a: &SharedMemory, b: &SharedMemory) -> bool {
        Arc::ptr_eq(&a.memory, &b.memory)
    }
}

/// A wait's address as the 32-bit offset the value checks take (which
/// then check its alignment and bounds, under the parking table's lock).
fn wait_address(addr: u64) -> Result<u32, TrapCode> {
    u32::try_from(addr).map_err(|_| TrapCode::MemoryOutOfBounds)
}

fn parking(m: &LinearMemory) -> &kiln_vm::ParkingTable {
    m.parking().expect("a shared memory has a parking table")
}

impl Clone for SharedMemory {
    fn clone(&self) -> SharedMemory {
        parking(&self.memory).add_handle();
        SharedMemory {
            memory: self.memory.clone(),
            engine: self.engine.clone(),
        }
    }
}

impl Drop for SharedMemory {
    fn drop(&mut self) {
        // Waiters that only this handle could have notified now trap
        // instead of blocking forever.
        parking(&self.memory).drop_handle();
    }
}

impl PartialEq for SharedMemory {
    fn eq(&self, other: &SharedMemory) -> bool {
        SharedMemory::same(self, other)
    }
}

impl Eq for SharedMemory {}

impl std::hash::Hash for SharedMemory {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.memory).hash(state)
    }
}

impl std::fmt::Debug for SharedMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedMemory")
            .field("ty", &self.ty())
            .finish()
    }
}
