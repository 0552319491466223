//! Settings that both code generation and the runtime must agree on.

/// Settings that generated code bakes in: memory layout and interruption checks.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Tunables {
    /// Bytes of address space reserved for each 32-bit linear memory (its
    /// growth limit; at most 4 GiB are ever accessible).
    pub memory_reservation: u64,
    /// The most bytes a 64-bit memory may grow to: its reservation, unless
    /// its declared maximum is smaller. Memories never move, so this is
    /// address space set aside (not memory used) for each one.
    pub memory64_reservation: u64,
    /// Inaccessible bytes after the reservation, so constant offsets up to
    /// this size need no explicit bounds check.
    pub memory_guard_size: u64,
    /// Count fuel at every operator and trap when it runs out.
    pub consume_fuel: bool,
    /// Check the engine's epoch against the store's deadline.
    pub epoch_interruption: bool,
    /// Guard every explicit memory and table bounds check against
    /// speculation: the address an access uses is replaced by null when the
    /// check fails, so a mispredicted check cannot feed an out-of-bounds
    /// address to a speculative load, store or indirect call.
    pub spectre_guards: bool,
    /// Replace every NaN a float operation produces by the canonical NaN,
    /// so results do not depend on the host's NaN bits.
    pub nan_canonicalization: bool,
    /// Copy small functions into their direct callers.
    pub inlining: bool,
}

impl Default for Tunables {
    fn default() -> Self {
        Self {
            memory_reservation: 1 << 32,
            memory64_reservation: 16 << 30,
            memory_guard_size: 32 << 20,
            consume_fuel: false,
            epoch_interruption: false,
            spectre_guards: true,
            nan_canonicalization: false,
            inlining: true,
        }
    }
}

impl Tunables {
    /// Whether a 32-bit access at `index + offset` of `size` bytes needs no
    /// explicit check: the largest address reachable stays in reservation + guard.
    pub fn elides_bounds_check(&self, offset: u64, size: u64) -> bool {
        self.memory_reservation >= 1 << 32 && offset.saturating_add(size) <= self.memory_guard_size
    }
}
