//! Target ISA construction: the host CPU's features, with the flags Kiln relies on.

use anyhow::{Result, anyhow};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};

/// How hard Cranelift optimises.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum OptLevel {
    /// No optimisation.
    None,
    /// Optimise for speed (the default).
    #[default]
    Speed,
    /// Optimise for speed and size.
    SpeedAndSize,
}

/// Builds the ISA for the host CPU; with `nan_canonicalization`, float
/// operations produce only the canonical NaN.
pub fn build_isa(opt: OptLevel, nan_canonicalization: bool) -> Result<OwnedTargetIsa> {
    let mut flags = settings::builder();
    let set =
        |f: &mut settings::Builder, k: &str, v: &str| f.set(k, v).map_err(|e| anyhow!("{k}: {e}"));
    set(
        &mut flags,
        "opt_level",
        match opt {
            OptLevel::None => "none",
            OptLevel::Speed => "speed",
            OptLevel::SpeedAndSize => "speed_and_size",
        },
    )?;
    // Trap handling and backtraces walk frame pointers.
    set(&mut flags, "preserve_frame_pointers", "true")?;
    set(
        &mut flags,
        "enable_verifier",
        if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        },
    )?;
    set(&mut flags, "is_pic", "false")?;
    set(&mut flags, "enable_probestack", "true")?;
    set(&mut flags, "probestack_strategy", "inline")?;
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    set(&mut flags, "unwind_info", "false")?;
    set(
        &mut flags,
        "enable_nan_canonicalization",
        if nan_canonicalization {
            "true"
        } else {
            "false"
        },
    )?;
    let isa = cranelift_native::builder().map_err(|e| anyhow!("unsupported host: {e}"))?;
    isa.finish(settings::Flags::new(flags))
        .map_err(|e| anyhow!("building the ISA: {e}"))
}

/// Whether `flag` names a feature of the host CPU that Cranelift's host
/// ISA has on (an error if Cranelift knows no such flag).
pub fn host_has_flag(flag: &str) -> Result<bool> {
    let isa = build_isa(OptLevel::None, false)?;
    isa.isa_flags()
        .into_iter()
        .find(|v| v.name == flag)
        .map(|v| v.as_bool().unwrap_or(false))
        .ok_or_else(|| anyhow!("Cranelift has no flag `{flag}` for this host"))
}
