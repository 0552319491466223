//! The `kiln` command line.

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use kiln::Config;
use kiln_cli::compile::CompileCommand;
use kiln_cli::report::report;
use kiln_cli::run::RunCommand;
use kiln_cli::wast::{Summary, features_for_path, run_wast};
use std::process::ExitCode;
use wasmparser::WasmFeatures;

/// Kiln: a WebAssembly runtime that compiles with Cranelift.
///
/// `kiln run` runs WASI programs (from C, Rust, Zig, Go, ...) like
/// `wasmtime run`; `kiln compile` precompiles a module for faster start-up;
/// `kiln wast` runs WebAssembly spec test scripts.
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
    /// Run a WebAssembly program (.wasm, .wat or .cwasm) with WASI.
    ///
    /// Without --invoke the module's `_start` runs (a WASI command) and
    /// kiln exits with the code the program passes to `proc_exit` (0 if
    /// `_start` returns). The guest gets FILE's base name and ARGS as its
    /// arguments, this process's stdin/stdout/stderr, the --env variables and
    /// the --dir directories, nothing else. Options go before FILE;
    /// everything after FILE is passed to the program.
    ///
    /// A trap prints the trap and its wasm backtrace to stderr and exits with
    /// code 134 (as wasmtime does on Unix); any other failure prints one
    /// `Error: ...` line and exits with code 1.
    ///
    /// Where wasmtime spells options differently, both spellings work:
    /// `-O opt-level=2` = `-O speed`, `-W fuel=N` = `--fuel N`.
    #[command(
        override_usage = "kiln run [OPTIONS] <FILE> [ARGS]...",
        after_help = "Examples:\n  kiln run hello.wasm\n  kiln run --dir data::/data --env HOME=/data prog.wasm -v input.txt\n  kiln run --invoke fib examples/fib.wat 30"
    )]
    Run(RunCommand),
    /// Compile a module ahead of time into a .cwasm file for `kiln run`.
    ///
    /// `kiln run OUT.cwasm` then starts without compiling. The file only
    /// loads into the same Kiln version, on a CPU with the same features, and
    /// with the same -O/--wasm/--fuel options; otherwise `kiln run` refuses
    /// it with an error. Only run .cwasm files you (or Kiln) made: they
    /// contain machine code that is trusted as is.
    Compile(CompileCommand),
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
    let code = match real_main() {
        Ok(code) => code,
        Err(e) => report(&e),
    };
    // Exit codes are 0..=255 on Unix; WASI's `proc_exit` allows 0..126.
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn real_main() -> Result<i32> {
    match Cli::parse().command {
        Command::Run(cmd) => cmd.execute(),
        Command::Compile(cmd) => {
            cmd.execute()?;
            Ok(0)
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
            Ok(if total.failed == 0 { 0 } else { 1 })
        }
    }
}
