//! What the compiler records about the calls it inlined, so that a
//! backtrace through inlined code still shows the callee's frame.

use crate::FuncIndex;

/// Set in the wasm offset of an address-map entry whose code was copied
/// from an inlined callee; the other bits then index the module's
/// [`InlinedCode`] list instead of being a module offset.
pub const INLINED_CODE: u32 = 1 << 31;

/// Where code inlined into a caller came from: which call it replaced and
/// which instruction of the callee it is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct InlinedCode {
    /// Module offset of the caller's `call` instruction.
    pub call_offset: u32,
    /// The function whose body was inlined.
    pub callee: FuncIndex,
    /// Module offset of the callee's instruction (`u32::MAX` if unknown).
    pub offset: u32,
}
