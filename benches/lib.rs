//! Benchmarks live in `benches/`: `runtime` (Kiln alone) and `versus` (Kiln
//! against wasmtime in the same run). Run them with `cargo bench -p
//! kiln-benches`; `compare-cli.py` compares the command-line runtimes.
