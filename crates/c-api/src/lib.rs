//! `libkiln`: the standard WebAssembly C API (`wasm.h`, from
//! WebAssembly/wasm-c-api) over Kiln's embedding API, plus Kiln's own
//! extensions (`kiln.h`).
//!
//! Every C object is a Rust value behind a pointer handed to C by
//! `Box::into_raw` and taken back by the matching `*_delete`, so the
//! standard's `own` rules map onto Rust ownership: an `own` argument is a
//! `Box` taken over, an `own` result a `Box` given away, and a borrowed
//! pointer a `&`. Objects that live in a store (functions, globals,
//! tables, memories, instances, and references to its GC values: foreign
//! objects and anyrefs) hold a counted reference to it
//! ([`store::StoreRef`]), so the store lives until its last object is
//! deleted, as the standard allows. A GC value C holds is rooted by an
//! owned root ([`kiln_api::OwnedRooted`]), valid whatever scopes end.
//!
//! The headers are `include/wasm.h` and `include/kiln.h`.

#![allow(
    non_camel_case_types,
    reason = "the C API's type names are fixed by the standard"
)]
#![allow(
    clippy::missing_safety_doc,
    reason = "the safety contract of every function is the C header's"
)]

mod engine;
mod externs;
mod func;
mod host_info;
mod instance;
mod kiln_ext;
mod module;
mod refs;
mod store;
mod trap;
mod types;
mod val;
mod vec;

pub use engine::*;
pub use externs::*;
pub use func::*;
pub use instance::*;
pub use kiln_ext::*;
pub use module::*;
pub use refs::*;
pub use store::*;
pub use trap::*;
pub use types::*;
pub use val::*;
pub use vec::*;

/// Turns a C pointer argument that the header says is never null into a
/// reference, or stops the process with a message when it is null: a
/// null where the standard requires an object is a bug in the caller, and
/// continuing would dereference it.
pub(crate) fn non_null<'a, T>(ptr: *const T, what: &str) -> &'a T {
    if ptr.is_null() {
        eprintln!("kiln: {what} must not be null");
        std::process::abort();
    }
    // SAFETY: the C caller passes a pointer to a live object of this type
    // (the header's contract); null was ruled out above.
    unsafe { &*ptr }
}

/// Like [`non_null`], for an argument the function changes.
pub(crate) fn non_null_mut<'a, T>(ptr: *mut T, what: &str) -> &'a mut T {
    if ptr.is_null() {
        eprintln!("kiln: {what} must not be null");
        std::process::abort();
    }
    // SAFETY: as in `non_null`; the caller gives us the object for the call.
    unsafe { &mut *ptr }
}

/// Takes over an `own` pointer argument (null stays `None`).
pub(crate) fn take_box<T>(ptr: *mut T) -> Option<Box<T>> {
    if ptr.is_null() {
        None
    } else {
        // SAFETY: `own` pointers were made by `Box::into_raw` in this
        // library, and the caller hands over its ownership.
        Some(unsafe { Box::from_raw(ptr) })
    }
}

/// Hands an owned object to C.
pub(crate) fn give<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}
