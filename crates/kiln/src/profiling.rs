//! Telling profilers where compiled code is.
//!
//! With [`ProfilingStrategy::PerfMap`], every module's functions are
//! appended to `/tmp/perf-PID.map` as they are loaded, in the format Linux
//! `perf` reads for JIT code (`START SIZE NAME`, hexadecimal), so `perf
//! report` names wasm functions instead of showing bare addresses.

use std::io::Write;
use std::sync::Mutex;

/// Which profiler to describe compiled code to (see [`crate::Config::profiler`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProfilingStrategy {
    /// None (the default).
    #[default]
    None,
    /// Append each function to `/tmp/perf-PID.map` for Linux `perf`.
    PerfMap,
}

/// The process's perf map, opened on first use.
static PERF_MAP: Mutex<Option<std::fs::File>> = Mutex::new(None);

/// The name a profiler shows for function `f` of `info`.
pub(crate) fn function_name(info: &kiln_types::ModuleInfo, f: kiln_types::FuncIndex) -> String {
    match info.func_names.get(&f) {
        Some(name) => format!("wasm::{name}"),
        None => format!("wasm-function[{}]", f.0),
    }
}

/// Appends `functions` (address, length, name) to the perf map. Failures
/// are ignored: profiling must never make loading a module fail.
pub(crate) fn write_perf_map(functions: impl Iterator<Item = (usize, usize, String)>) {
    let Ok(mut map) = PERF_MAP.lock() else {
        return;
    };
    if map.is_none() {
        let path = format!("/tmp/perf-{}.map", std::process::id());
        *map = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok();
    }
    let Some(file) = map.as_mut() else {
        return;
    };
    let mut lines = String::new();
    for (start, len, name) in functions {
        // Names are one token per line for perf: no line breaks.
        let name = name.replace(['\n', '\r'], " ");
        lines.push_str(&format!("{start:x} {len:x} {name}\n"));
    }
    let _ = file.write_all(lines.as_bytes());
}
