//! Kiln's own `.wast` scripts (`tests/wast/`), for behaviour the official
//! suite does not cover. They run with Wasm 3.0 features.

use kiln::Config;
use kiln_cli::wast::run_wast;
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
        let summary = run_wast(&path.display().to_string(), &text, &config).unwrap();
        assert_eq!(summary.failed, 0, "{}", summary.failures.join("\n"));
        assert!(summary.passed > 0);
        ran += 1;
    }
    assert!(ran > 0, "no scripts in {}", dir.display());
}
