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
            match &fr.func_name {
                Some(n) => writeln!(
                    f,
                    "  {i:>3}: {module}!{n} (function {}) +{:#x}",
                    fr.func_index, fr.code_offset
                )?,
                None => writeln!(
                    f,
                    "  {i:>3}: {module}!<wasm function {}> +{:#x}",
                    fr.func_index, fr.code_offset
                )?,
            }
        }
        Ok(())
    }
}
