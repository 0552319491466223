//! Stack maps: for each call in compiled code at which a collection can
//! happen, where the calling frame keeps the GC references that are live
//! across it. The collector reads exactly those slots of each wasm frame.

/// The GC references a frame holds while one of its calls runs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StackMapSite {
    /// Code offset of the call's return address (the byte after the call
    /// instruction).
    pub ret: u32,
    /// The calling frame's frame pointer minus its stack pointer at the
    /// call: the slots are addressed from that stack pointer.
    pub frame_offset: u32,
    /// Offsets from the stack pointer at the call of the 8-byte slots that
    /// hold a live reference (null, an i31 or a GC object's address).
    pub slots: Vec<u32>,
}

impl StackMapSite {
    /// The addresses of the site's slots in the frame whose frame pointer
    /// is `fp`.
    pub fn slot_addresses(&self, fp: usize) -> impl Iterator<Item = usize> + '_ {
        let sp = fp.wrapping_sub(self.frame_offset as usize);
        self.slots.iter().map(move |&o| sp.wrapping_add(o as usize))
    }
}
