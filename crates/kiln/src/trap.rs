//! Traps as errors.

use std::fmt;

pub use kiln_vm::FrameInfo;

/// Why wasm trapped. Traps are returned as `kiln::Error`s that
/// `downcast_ref::<Trap>()` turns back into this enum.
pub type Trap = kiln_types::TrapCode;

/// The wasm frames live when a trap happened, innermost first. Attached to
/// trap errors as context: `err.downcast_ref::<WasmBacktrace>()`.
#[derive(Clone, Debug, Default)]
pub struct WasmBacktrace {
    frames: Vec<FrameInfo>,
}

impl WasmBacktrace {
    pub(crate) fn new(frames: Vec<FrameInfo>) -> Self {
        Self { frames }
    }

    /// The wasm frames running now on the store's behalf, innermost first:
    /// from inside a host function or an epoch-deadline callback, the wasm
    /// code that (directly or not) called it; empty when no wasm runs.
    pub fn capture(store: impl crate::AsContext) -> WasmBacktrace {
        let _ = store;
        WasmBacktrace::new(kiln_vm::current_backtrace())
    }

    /// The frames, innermost first.
    pub fn frames(&self) -> &[FrameInfo] {
        &self.frames
    }
}

impl fmt::Display for WasmBacktrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error while executing at wasm backtrace:")?;
        for (i, fr) in self.frames.iter().enumerate() {
            let module = fr.module_name.as_deref().unwrap_or("<unknown>");
            write!(f, "  {i:>3}: ")?;
            if let Some(offset) = fr.module_offset {
                write!(f, "{offset:#8x} - ")?;
            }
            match &fr.func_name {
                Some(n) => writeln!(f, "{module}!{n}")?,
                None => writeln!(f, "{module}!<wasm function {}>", fr.func_index)?,
            }
        }
        Ok(())
    }
}
