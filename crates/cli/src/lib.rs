//! The library behind the `kiln` command: the `.wast` script runner (also
//! used by the spec-suite tests) and helpers for `kiln run`.

pub mod run;
pub mod spectest;
pub mod wast;
