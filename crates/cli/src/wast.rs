//! `kiln wast`: run `.wast` spec scripts with the `kiln-wast` runner and
//! report every directive that did not pass.

use crate::engine_opts::{parse_switch, wasm_items};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use kiln::Config;
use kiln_wast::{Summary, feature_by_name, features_for_path, run_wast};
use wasmparser::WasmFeatures;

/// Which WebAssembly version's features a script runs with.
#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum SpecVersion {
    /// Pick from the file's path in the spec suite (wasm-v1, wasm-v2, proposals/NAME, ...).
    Auto,
    /// WebAssembly 1.0.
    #[value(name = "1")]
    V1,
    /// WebAssembly 2.0.
    #[value(name = "2")]
    V2,
    /// WebAssembly 3.0.
    #[value(name = "3")]
    V3,
}

/// `kiln wast [--spec V] [--wasm FEATURE[=y|n]]... FILE...`
#[derive(Args, Clone, Debug)]
pub struct WastCommand {
    /// Which WebAssembly version's features to enable.
    #[arg(long, value_enum, default_value = "auto")]
    pub spec: SpecVersion,

    /// Turn a WebAssembly feature on or off after --spec has chosen the
    /// base set: `FEATURE`, `FEATURE=y` or `FEATURE=n`; several may be joined
    /// by commas.
    ///
    /// Any wasmparser feature name in kebab case is accepted (gc,
    /// exceptions, function-references, tail-call, simd, threads, ...), so
    /// a script can be run with features Kiln does not implement (it then
    /// reports them as unsupported).
    #[arg(short = 'W', long = "wasm", value_name = "FEATURE[=y|n]")]
    pub wasm: Vec<String>,

    /// The scripts to run.
    #[arg(required = true)]
    pub files: Vec<String>,
}

impl WastCommand {
    /// The features `file` runs with.
    pub fn features(&self, file: &str) -> Result<WasmFeatures> {
        let mut features = match self.spec {
            SpecVersion::Auto => features_for_path(file),
            SpecVersion::V1 => WasmFeatures::WASM1,
            SpecVersion::V2 => WasmFeatures::WASM2,
            SpecVersion::V3 => WasmFeatures::WASM3,
        };
        for (name, value) in wasm_items(&self.wasm) {
            let enable = parse_switch(name, value)?;
            let Some(feature) = feature_by_name(name) else {
                bail!("unknown wasm feature `{name}`");
            };
            features.set(feature, enable);
        }
        Ok(features)
    }

    /// Runs every script, prints each failed (`FILE:LINE: message`) and
    /// skipped (`FILE:LINE: skipped: reason`) directive and a last line
    /// `wast: N passed, N failed, N skipped`; returns the exit code (1 if
    /// anything failed).
    pub fn execute(&self) -> Result<i32> {
        let mut total = Summary::default();
        for file in &self.files {
            let mut config = Config::new();
            config.wasm_features(self.features(file)?);
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("failed to read `{file}`"))?;
            let report = run_wast(file, &text, &config)?;
            for line in report.problems() {
                println!("{line}");
            }
            total.add(&report);
        }
        println!(
            "wast: {} passed, {} failed, {} skipped",
            total.passed, total.failed, total.skipped
        );
        Ok(if total.failed == 0 { 0 } else { 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(spec: SpecVersion, wasm: &[&str]) -> WastCommand {
        WastCommand {
            spec,
            wasm: wasm.iter().map(|s| s.to_string()).collect(),
            files: vec![],
        }
    }

    #[test]
    fn wasm_switches_override_the_path() {
        let f = command(SpecVersion::Auto, &["gc", "simd=n,tail_call=y"])
            .features("data/wasm-v2/x.wast")
            .unwrap();
        assert!(f.contains(WasmFeatures::GC | WasmFeatures::TAIL_CALL));
        assert!(!f.contains(WasmFeatures::SIMD));
        assert!(
            command(SpecVersion::V1, &["no-such"])
                .features("x")
                .is_err()
        );
        assert!(
            command(SpecVersion::V1, &["gc=maybe"])
                .features("x")
                .is_err()
        );
    }
}
