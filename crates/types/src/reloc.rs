//! Relocations left in compiled code for the loader to resolve.

/// Runtime helpers compiled code may call by absolute address (when the host
/// CPU lacks an instruction for the operation).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LibCall {
    /// `f32.floor`.
    FloorF32,
    /// `f64.floor`.
    FloorF64,
    /// `f32.ceil`.
    CeilF32,
    /// `f64.ceil`.
    CeilF64,
    /// `f32.trunc`.
    TruncF32,
    /// `f64.trunc`.
    TruncF64,
    /// `f32.nearest`.
    NearestF32,
    /// `f64.nearest`.
    NearestF64,
    /// Fused multiply-add, f32.
    FmaF32,
    /// Fused multiply-add, f64.
    FmaF64,
}

/// An 8-byte absolute address of `target` to write at `offset` (plus `addend`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Relocation {
    /// Offset in the code blob.
    pub offset: u32,
    /// What to point at.
    pub target: LibCall,
    /// Added to the target's address.
    pub addend: i64,
}
