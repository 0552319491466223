//! What the unwinder needs to know about the calls compiled code makes
//! inside `try_table`: for each such call, where its handlers are and how
//! to rebuild the catching frame's stack pointer.

use crate::TagIndex;

/// One catch clause of a call site, in the order they are tried (innermost
/// `try_table` first, clauses left to right).
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExceptionHandler {
    /// Catches exceptions whose tag is the calling instance's tag `tag`.
    Tag {
        /// The module-level tag index (resolved through the instance).
        tag: TagIndex,
        /// Code offset of the handler.
        pc: u32,
    },
    /// Catches every exception (`catch_all`, `catch_all_ref`).
    All {
        /// Code offset of the handler.
        pc: u32,
    },
}

/// A call made inside at least one `try_table`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExceptionCallSite {
    /// Code offset of the call's return address (exactly: the byte after
    /// the call instruction).
    pub ret: u32,
    /// The calling frame's frame pointer minus its stack pointer at the
    /// call; the stack pointer a handler runs with.
    pub frame_offset: u32,
    /// Where the calling frame saved its vmctx, as an offset from that
    /// stack pointer (tag handlers resolve their tag through it).
    pub vmctx_offset: u32,
    /// The handlers, in the order they are tried.
    pub handlers: Vec<ExceptionHandler>,
}

/// Layout of `VMExceptionObject`, the object an `exnref` points at.
pub struct VMExceptionOffsets;

impl VMExceptionOffsets {
    /// Offset of the pointer to the exception's values (one 16-byte slot
    /// each, in the tag type's parameter order).
    pub const VALUES: u32 = 0;
    /// Size of one value slot.
    pub const VALUE_SIZE: u32 = 16;
}
