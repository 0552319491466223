//! How `kiln` reports a failure on stderr, and which exit code it uses.

use kiln::Trap;

/// The exit code for a wasm trap: 134, as wasmtime uses on Unix (the status
/// of a process killed by `SIGABRT`, without dumping core).
pub const TRAP_EXIT_CODE: i32 = 134;

/// The exit code for every other error (bad file, missing import, ...).
pub const ERROR_EXIT_CODE: i32 = 1;

/// Prints `error` to stderr and returns the exit code to use.
///
/// A trap is printed like wasmtime does, with the context chain, the wasm
/// backtrace (as `kiln::WasmBacktrace` formats it) and the trap message:
///
/// ```text
/// Error: failed to run main module `trap.wasm`
///
/// Caused by:
///     0: failed to invoke command default
///     1: error while executing at wasm backtrace:
///            0:     0x33 - trapper!divide
///            1:     0x40 - trapper!start
///     2: wasm trap: integer divide by zero
/// ```
///
/// Any other error is one line: `Error: ` and its causes joined by `: `.
pub fn report(error: &anyhow::Error) -> i32 {
    use std::io::Write;
    // Keep the guest's output ahead of the error message.
    let _ = std::io::stdout().flush();
    if error.downcast_ref::<Trap>().is_some() {
        eprint!("{}", render_trap(error));
        TRAP_EXIT_CODE
    } else {
        eprintln!("Error: {error:#}");
        ERROR_EXIT_CODE
    }
}

/// The multi-line report for a trap (see [`report`]).
pub fn render_trap(error: &anyhow::Error) -> String {
    let mut chain: Vec<String> = error.chain().map(|e| e.to_string()).collect();
    if let (Some(last), Some(trap)) = (chain.last_mut(), error.downcast_ref::<Trap>())
        && !last.starts_with("wasm trap:")
    {
        *last = format!("wasm trap: {trap}");
    }
    let mut out = format!("Error: {}\n", chain[0].trim_end());
    if chain.len() > 1 {
        out.push_str("\nCaused by:\n");
        for (i, cause) in chain[1..].iter().enumerate() {
            let mut lines = cause.trim_end().lines();
            out.push_str(&format!("{i:>5}: {}\n", lines.next().unwrap_or("")));
            for line in lines {
                out.push_str(&format!("       {line}\n"));
            }
        }
    }
    out
}
