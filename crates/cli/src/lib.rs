//! The library behind the `kiln` command: one module per subcommand
//! (`run`, `compile`, `wast`), the options they share, and error reporting.
//! The `.wast` runner itself is the `kiln-wast` crate.

#![warn(missing_docs)]

pub mod compile;
pub mod engine_opts;
pub mod guest_profile;
pub mod load;
pub mod report;
pub mod run;
pub mod wasi_opts;
pub mod wast;
