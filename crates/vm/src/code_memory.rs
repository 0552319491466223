//! Executable memory for compiled code: mapped writable, filled and
//! relocated, then switched to read+execute.

use crate::libcalls;
use kiln_types::Relocation;
use rustix::mm::{MapFlags, MprotectFlags, ProtFlags};

/// A block of executable machine code.
#[derive(Debug)]
pub struct CodeMemory {
    ptr: *mut u8,
    len: usize,
    mapped: usize,
}

// SAFETY: the mapping is immutable (read+execute) after construction.
unsafe impl Send for CodeMemory {}
// SAFETY: as above.
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Copies `code` into fresh memory, resolves `relocs`, and makes it executable.
    pub fn new(code: &[u8], relocs: &[Relocation]) -> std::io::Result<Self> {
        let page = rustix::param::page_size();
        let mapped = code.len().max(1).div_ceil(page) * page;
        // SAFETY: a fresh anonymous private mapping aliases nothing.
        let ptr = unsafe {
            rustix::mm::mmap_anonymous(
                std::ptr::null_mut(),
                mapped,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE,
            )?
        } as *mut u8;
        let me = Self {
            ptr,
            len: code.len(),
            mapped,
        };
        // SAFETY: the mapping is `mapped >= code.len()` bytes and writable.
        let buf = unsafe { std::slice::from_raw_parts_mut(ptr, code.len()) };
        buf.copy_from_slice(code);
        for r in relocs {
            let at = r.offset as usize;
            let target = (libcalls::address(r.target) as i64).wrapping_add(r.addend) as u64;
            let slot = buf.get_mut(at..at + 8).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "relocation out of range")
            })?;
            slot.copy_from_slice(&target.to_le_bytes());
        }
        // SAFETY: switching our own mapping to read+execute; no other
        // reference to it is live.
        unsafe {
            rustix::mm::mprotect(
                ptr.cast(),
                mapped,
                MprotectFlags::READ | MprotectFlags::EXEC,
            )?
        };
        Ok(me)
    }

    /// Address of the first byte.
    pub fn base(&self) -> *const u8 {
        self.ptr
    }

    /// Length of the code.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the block is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: we own the mapping and no code in it can still run (owners
        // drop code only after every instance using it is gone).
        unsafe {
            let _ = rustix::mm::munmap(self.ptr.cast(), self.mapped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_types::LibCall;

    #[test]
    fn runs_code_and_patches_absolute_addresses() {
        // mov eax, 42; ret
        let code = [0xb8, 42, 0, 0, 0, 0xc3];
        let m = CodeMemory::new(&code, &[]).unwrap();
        // SAFETY: the bytes are a complete function returning an i32.
        let f: extern "C" fn() -> i32 = unsafe { std::mem::transmute(m.base()) };
        assert_eq!(f(), 42);

        // movabs rax, imm64; jmp rax  -- the imm64 is relocated to the
        // floor libcall, so calling the blob calls floor.
        let mut code = vec![0x48, 0xb8];
        code.extend_from_slice(&[0; 8]);
        code.extend_from_slice(&[0xff, 0xe0]);
        let reloc = Relocation {
            offset: 2,
            target: LibCall::FloorF64,
            addend: 0,
        };
        let m = CodeMemory::new(&code, &[reloc]).unwrap();
        // SAFETY: the blob tail-jumps to `floor_f64`, an `extern "C" fn(f64) -> f64`.
        let f: extern "C" fn(f64) -> f64 = unsafe { std::mem::transmute(m.base()) };
        assert_eq!(f(2.7), 2.0);
        assert_eq!(f(-0.5), -1.0);
    }

    #[test]
    fn rejects_out_of_range_relocations() {
        let reloc = Relocation {
            offset: 2,
            target: LibCall::FloorF64,
            addend: 0,
        };
        assert!(CodeMemory::new(&[0xc3], &[reloc]).is_err());
    }
}
