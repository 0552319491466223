//! Kiln's integration tests live in this crate's test targets.
