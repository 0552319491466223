//! Example programs in wasmtime's style: each uses `wasmtime::…` names and
//! compiles against Kiln only because this package renames the `kiln`
//! crate to `wasmtime` (see Cargo.toml). `cargo test` runs every one;
//! they check their own results. When one stops compiling, Kiln's API has
//! drifted from wasmtime's (docs/wasmtime-differences.md lists the known
//! differences).
