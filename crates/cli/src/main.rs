//! The `kiln` command line.

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use kiln::{Config, Engine};
use kiln_cli::wast::{Summary, features_for_path, run_wast};
use std::process::ExitCode;
use wasmparser::WasmFeatures;

/// Kiln: a WebAssembly runtime that compiles with Cranelift.
#[derive(Parser)]
#[command(name = "kiln", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Copy, Clone, ValueEnum)]
enum SpecVersion {
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

#[derive(Subcommand)]
enum Command {
    /// Run a WebAssembly module (.wasm or .wat) and call one of its exports.
    Run {
        /// The module to run.
        file: String,
        /// The exported function to call.
        #[arg(long)]
        invoke: String,
        /// Arguments for the function, parsed by its parameter types.
        args: Vec<String>,
    },
    /// Run .wast test scripts and report every directive's outcome.
    Wast {
        /// Which WebAssembly version's features to enable.
        #[arg(long, value_enum, default_value = "auto")]
        spec: SpecVersion,
        /// The scripts to run.
        #[arg(required = true)]
        files: Vec<String>,
    },
}

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn real_main() -> Result<ExitCode> {
    match Cli::parse().command {
        Command::Run { file, invoke, args } => {
            let engine = Engine::default();
            for line in kiln_cli::run::run_invoke(&engine, &file, &invoke, &args)? {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Wast { spec, files } => {
            let mut total = Summary::default();
            for file in &files {
                let features = match spec {
                    SpecVersion::Auto => features_for_path(file),
                    SpecVersion::V1 => WasmFeatures::WASM1,
                    SpecVersion::V2 => WasmFeatures::WASM2,
                    SpecVersion::V3 => WasmFeatures::WASM3,
                };
                let text = std::fs::read_to_string(file)?;
                let mut config = Config::new();
                config.wasm_features(features);
                match run_wast(file, &text, &config) {
                    Ok(s) => total.merge(s),
                    Err(e) => {
                        total.failed += 1;
                        total.failures.push(format!("{file}:1: {e:#}"));
                    }
                }
            }
            for f in &total.failures {
                println!("{f}");
            }
            println!(
                "wast: {} passed, {} failed, {} skipped",
                total.passed, total.failed, total.skipped
            );
            Ok(if total.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
