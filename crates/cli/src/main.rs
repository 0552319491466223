//! The `kiln` command line.

use anyhow::Result;
use clap::{Parser, Subcommand};
use kiln_cli::compile::CompileCommand;
use kiln_cli::report::report;
use kiln_cli::run::RunCommand;
use kiln_cli::wast::WastCommand;
use std::process::ExitCode;

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
    /// Run .wast test scripts and report every directive that did not pass.
    ///
    /// Features come from the file's place in the spec suite (wasm-v1 →
    /// 1.0, wasm-v2 → 2.0, wasm-v3 → 3.0, proposals/NAME → 2.0 plus NAME)
    /// unless --spec says otherwise; --wasm then turns single features on or
    /// off. Each failed directive prints as `FILE:LINE: message`; the exit
    /// code is 1 if any failed.
    Wast(WastCommand),
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
        Command::Wast(cmd) => cmd.execute(),
    }
}
