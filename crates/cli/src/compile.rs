//! `kiln compile`: compile a module ahead of time into a `.cwasm` file that
//! `kiln run` loads without compiling.

use crate::engine_opts::EngineOptions;
use crate::load::compile_module;
use anyhow::{Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};

/// `kiln compile [OPTIONS] FILE [-o OUT]`
#[derive(Args, Clone, Debug)]
pub struct CompileCommand {
    #[command(flatten)]
    /// Engine options; `kiln run` must be given the same ones.
    pub engine: EngineOptions,

    /// Where to write the precompiled module (default: FILE with the
    /// extension `.cwasm`).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// The module to compile: `.wasm` or `.wat`.
    #[arg(value_name = "FILE")]
    pub file: String,
}

impl CompileCommand {
    /// Compiles FILE and writes the artifact; returns where it was written.
    pub fn execute(&self) -> Result<PathBuf> {
        let engine = self.engine.settings()?.engine()?;
        let module = compile_module(&engine, &self.file)?;
        let bytes = module
            .serialize()
            .with_context(|| format!("failed to serialize `{}`", self.file))?;
        let out = self
            .output
            .clone()
            .unwrap_or_else(|| default_output(&self.file));
        std::fs::write(&out, bytes)
            .with_context(|| format!("failed to write `{}`", out.display()))?;
        Ok(out)
    }
}

/// `dir/name.wasm` → `dir/name.cwasm` (wasmtime's default too).
pub fn default_output(file: &str) -> PathBuf {
    Path::new(file).with_extension("cwasm")
}
