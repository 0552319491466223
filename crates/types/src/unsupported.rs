//! The error for valid WebAssembly that Kiln does not implement.

use std::fmt;

/// A module (or operation) uses a WebAssembly feature that Kiln does not
/// implement, such as GC types or exception tags.
///
/// This is not a validation error: the module may be perfectly valid. Callers
/// tell the two apart with `err.downcast_ref::<Unsupported>()` (the spec
/// harness never accepts it as the answer to `assert_invalid` or
/// `assert_malformed`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    what: String,
}

impl Unsupported {
    /// An error saying that `what` is not supported (for example
    /// "exception tags are not supported").
    pub fn new(what: impl Into<String>) -> Self {
        Self { what: what.into() }
    }

    /// The description given to [`Unsupported::new`].
    pub fn what(&self) -> &str {
        &self.what
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unsupported feature: {}", self.what)
    }
}

impl std::error::Error for Unsupported {}
