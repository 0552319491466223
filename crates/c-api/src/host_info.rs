//! Host info: a pointer the embedder attaches to an object, with an
//! optional finalizer run when the object goes away (or the info is
//! replaced).

use std::ffi::c_void;

/// A C finalizer: `void (*)(void*)`.
pub type wasm_finalizer_t = Option<unsafe extern "C" fn(*mut c_void)>;

/// One object's host info.
pub(crate) struct HostInfo {
    data: *mut c_void,
    finalizer: wasm_finalizer_t,
}

impl HostInfo {
    pub(crate) fn new(data: *mut c_void, finalizer: wasm_finalizer_t) -> HostInfo {
        HostInfo { data, finalizer }
    }

    pub(crate) fn data(&self) -> *mut c_void {
        self.data
    }

    /// Whether dropping the info runs a finalizer.
    pub(crate) fn has_finalizer(&self) -> bool {
        self.finalizer.is_some()
    }
}

impl Drop for HostInfo {
    fn drop(&mut self) {
        if let Some(finalize) = self.finalizer {
            // SAFETY: the embedder gave this finalizer for this pointer; it
            // runs once, when the info is dropped.
            unsafe { finalize(self.data) };
        }
    }
}

// SAFETY: the pointer is the embedder's; the library never dereferences
// it, only hands it back and passes it to the embedder's finalizer. The
// standard leaves thread use of host data to the embedder.
unsafe impl Send for HostInfo {}
// SAFETY: as above.
unsafe impl Sync for HostInfo {}

/// Where an object keeps its host info: behind a lock, for objects that
/// several threads may reach (modules, foreign objects).
#[derive(Default)]
pub(crate) struct HostInfoSlot(std::sync::Mutex<Option<HostInfo>>);

impl HostInfoSlot {
    pub(crate) fn get(&self) -> *mut c_void {
        let slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        slot.as_ref().map_or(std::ptr::null_mut(), HostInfo::data)
    }

    /// Puts `info` in the slot, giving back the info it replaces. The
    /// caller drops that (running its finalizer) once it no longer holds
    /// the lock or the store, in case the finalizer calls back into the API.
    pub(crate) fn replace(&self, info: HostInfo) -> Option<HostInfo> {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        slot.replace(info)
    }

    /// Takes the info out of the slot of an object that is going away.
    pub(crate) fn take(&mut self) -> Option<HostInfo> {
        self.0.get_mut().unwrap_or_else(|e| e.into_inner()).take()
    }
}
