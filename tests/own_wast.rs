//! Kiln's own `.wast` scripts (`tests/wast/`), for behaviour the official
//! suite does not cover. They run with Wasm 3.0 features, and every
//! directive must pass (none may be skipped).

use kiln::Config;
use kiln_wast::run_wast;
use wasmparser::WasmFeatures;

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
        let mut config = Config::new();
        config.wasm_features(WasmFeatures::WASM3);
        let report = run_wast(&path.display().to_string(), &text, &config).unwrap();
        let problems = report.problems();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(report.passed() > 0);
        ran += 1;
    }
    assert!(ran > 0, "no scripts in {}", dir.display());
}
