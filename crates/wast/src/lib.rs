//! Kiln's runner for WebAssembly `.wast` scripts (the official spec suite's
//! format), used by `kiln wast` and by the spec-suite tests.
//!
//! [`run_wast`] runs every top-level directive of a script and reports each
//! one's outcome ([`DirectiveReport`]): passed, failed (with a message) or
//! skipped (with a reason). Assertions are strict:
//! - `assert_invalid`/`assert_malformed` pass only if the module is rejected
//!   with the expected message (compared as [`messages`] describes), and
//!   never because Kiln does not support something ([`kiln::Unsupported`]);
//! - `assert_unlinkable` passes only on a link error, not on a trap while
//!   instantiating or a compile error;
//! - `assert_trap` needs a [`kiln::Trap`] with the expected message;
//! - a `ref.null` result matches only a null of the same type hierarchy.
//!
//! `(thread …)` and `(wait …)` are reported as skipped.

#![warn(missing_docs)]

pub mod messages;
mod runner;
pub mod spectest;
mod values;

pub use runner::run_wast;
use wasmparser::WasmFeatures;

/// What happened to one directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It behaved as the script says.
    Pass,
    /// It did not; the message says how.
    Fail(String),
    /// The runner does not run this kind of directive; the reason says why.
    Skip(String),
}

/// One top-level directive's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectiveReport {
    /// The 1-based line the directive starts on.
    pub line: usize,
    /// The directive's keyword (`assert_return`, `module`, ...), or `parse`
    /// for a script that does not parse.
    pub kind: &'static str,
    /// What happened.
    pub outcome: Outcome,
}

/// Every directive's outcome for one script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The script's name, as given to [`run_wast`].
    pub path: String,
    /// The top-level directives, in order.
    pub directives: Vec<DirectiveReport>,
}

impl FileReport {
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.directives.iter().filter(|d| f(&d.outcome)).count()
    }

    /// How many directives passed.
    pub fn passed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Pass))
    }

    /// How many directives failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Fail(_)))
    }

    /// How many directives were skipped.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skip(_)))
    }

    /// `PATH:LINE: message` for each failed directive and
    /// `PATH:LINE: skipped: reason` for each skipped one, in order.
    pub fn problems(&self) -> Vec<String> {
        self.directives
            .iter()
            .filter_map(|d| match &d.outcome {
                Outcome::Pass => None,
                Outcome::Fail(m) => Some(format!("{}:{}: {m}", self.path, d.line)),
                Outcome::Skip(r) => Some(format!("{}:{}: skipped: {r}", self.path, d.line)),
            })
            .collect()
    }
}

/// Directive counts over several scripts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Directives that passed.
    pub passed: usize,
    /// Directives that failed.
    pub failed: usize,
    /// Directives that were skipped.
    pub skipped: usize,
}

impl Summary {
    /// Adds one script's counts.
    pub fn add(&mut self, report: &FileReport) {
        self.passed += report.passed();
        self.failed += report.failed();
        self.skipped += report.skipped();
    }
}

/// The wasm features a spec-suite file assumes, from where it sits:
/// `wasm-v1` → 1.0, `wasm-v2` → 2.0, `wasm-v3` → 3.0, `proposals/NAME` → 2.0
/// plus NAME (the proposals whose tests are written against 3.0,
/// `exceptions` and `custom-descriptors`, get 3.0 plus NAME, and
/// `threads`, which forked from 1.0, gets 1.0 plus threads). A file named for multiple memories (`*memory-multi*`, taken from
/// wasmtime's multi-memory tests) also gets multi-memory.
pub fn features_for_path(path: &str) -> WasmFeatures {
    let path = path.replace('\\', "/");
    let file = path.rsplit('/').next().unwrap_or("");
    if file.contains("memory-multi") || file.contains("multi-memory") {
        let base = features_for_path(&path[..path.len() - file.len()]);
        return base | WasmFeatures::MULTI_MEMORY;
    }
    if path.contains("wasm-v1/") {
        return WasmFeatures::WASM1;
    }
    if path.contains("wasm-v3/") || path.contains("wasm-latest/") {
        return WasmFeatures::WASM3;
    }
    if let Some(rest) = path.split("proposals/").nth(1) {
        let name = rest.split('/').next().unwrap_or("");
        let extra = match name {
            "simd" => WasmFeatures::SIMD,
            // The threads proposal forked from 1.0 (its tests expect a
            // second table to be invalid).
            "threads" => return WasmFeatures::WASM1 | WasmFeatures::THREADS,
            "multi-memory" => WasmFeatures::MULTI_MEMORY,
            "memory64" => WasmFeatures::MEMORY64,
            "tail-call" => WasmFeatures::TAIL_CALL,
            "extended-const" => WasmFeatures::EXTENDED_CONST,
            "relaxed-simd" => WasmFeatures::RELAXED_SIMD,
            // The suite's folder is `exceptions`; its tests are written
            // against 3.0 (rec groups, typed references, tail calls).
            "exceptions" | "exception-handling" => WasmFeatures::WASM3,
            // `return_call_ref` is part of function references.
            "function-references" => WasmFeatures::FUNCTION_REFERENCES | WasmFeatures::TAIL_CALL,
            "gc" => WasmFeatures::GC | WasmFeatures::FUNCTION_REFERENCES | WasmFeatures::TAIL_CALL,
            // Built on Wasm 3.0 (GC).
            "custom-descriptors" => WasmFeatures::WASM3 | WasmFeatures::CUSTOM_DESCRIPTORS,
            // Its tests use several memories, some 64-bit.
            "custom-page-sizes" => {
                WasmFeatures::CUSTOM_PAGE_SIZES
                    | WasmFeatures::MULTI_MEMORY
                    | WasmFeatures::MEMORY64
            }
            "wide-arithmetic" => WasmFeatures::WIDE_ARITHMETIC,
            _ => WasmFeatures::empty(),
        };
        return WasmFeatures::WASM2 | extra;
    }
    WasmFeatures::WASM2
}

/// The wasmparser feature for a `--wasm` name: any of wasmparser's features
/// in kebab case (`function-references`, `gc`, `exceptions`, ...), plus the
/// spellings `kiln run` accepts (`nontrapping-float-to-int`,
/// `mutable-globals`, `exception-handling`).
pub fn feature_by_name(name: &str) -> Option<WasmFeatures> {
    let name = name.trim().replace('_', "-").to_ascii_lowercase();
    let canonical = match name.as_str() {
        "nontrapping-float-to-int" | "nontrapping-float-to-int-conversions" => {
            "saturating-float-to-int"
        }
        "mutable-globals" => "mutable-global",
        "exception-handling" => "exceptions",
        "sign-extension-ops" => "sign-extension",
        other => other,
    };
    WasmFeatures::from_name(&canonical.replace('-', "_").to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_come_from_the_folder() {
        assert_eq!(features_for_path("x/wasm-v1/a.wast"), WasmFeatures::WASM1);
        assert_eq!(features_for_path("x/wasm-v3/a.wast"), WasmFeatures::WASM3);
        assert!(
            features_for_path("proposals/exceptions/throw.wast").contains(WasmFeatures::EXCEPTIONS)
        );
        assert!(features_for_path("proposals/simd/a.wast").contains(WasmFeatures::SIMD));
        let threads = features_for_path("proposals/threads/atomic.wast");
        assert!(threads.contains(WasmFeatures::THREADS));
        assert!(!threads.contains(WasmFeatures::REFERENCE_TYPES));
        assert!(!features_for_path("proposals/simd/a.wast").contains(WasmFeatures::GC));
    }

    #[test]
    fn feature_names() {
        assert_eq!(feature_by_name("gc"), Some(WasmFeatures::GC));
        assert_eq!(
            feature_by_name("function_references"),
            Some(WasmFeatures::FUNCTION_REFERENCES)
        );
        assert_eq!(
            feature_by_name("nontrapping-float-to-int"),
            Some(WasmFeatures::SATURATING_FLOAT_TO_INT)
        );
        assert_eq!(
            feature_by_name("exception-handling"),
            Some(WasmFeatures::EXCEPTIONS)
        );
        assert_eq!(feature_by_name("no-such-thing"), None);
    }
}
