//! Kiln's own `.wast` scripts (`tests/wast/`), for behaviour the official
//! suite does not cover. They run with Wasm 3.0 features and threads, compiled four
//! ways (plainly, lazily, with fuel metering and with epoch checks), and
//! every directive must pass (none may be skipped).

use kiln::Config;
use kiln_wast::run_wast;
use wasmparser::WasmFeatures;

/// Adjusts the configuration a script runs with.
type Setting = fn(&mut Config);

/// The ways each script is compiled and run.
const CONFIGS: &[(&str, Setting)] = &[
    ("default", |_| {}),
    ("lazy", |c| {
        c.lazy_compilation(true).compile_in_background(false);
    }),
    ("fuel", |c| {
        c.consume_fuel(true);
    }),
    ("epochs", |c| {
        c.epoch_interruption(true);
    }),
];

#[test]
fn own_wast_scripts_pass() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("wast");
    let mut ran = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "wast") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (how, set) in CONFIGS {
            let mut config = Config::new();
            config.wasm_features(WasmFeatures::WASM3 | WasmFeatures::THREADS);
            set(&mut config);
            let report = run_wast(&path.display().to_string(), &text, &config).unwrap();
            let problems = report.problems();
            assert!(problems.is_empty(), "{how}: {}", problems.join("\n"));
            assert!(report.passed() > 0);
        }
        ran += 1;
    }
    assert!(ran > 0, "no scripts in {}", dir.display());
}
