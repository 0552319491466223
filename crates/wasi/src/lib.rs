//! WASI preview 1 (`wasi_snapshot_preview1`) for Kiln.
//!
//! The system interface itself — file descriptors, preopened directories
//! sandboxed by `cap-std`, clocks, randomness, `poll_oneoff` — is
//! [`wasi-common`](wasi_common)'s synchronous implementation. This crate adds
//! the glue that Kiln needs:
//!
//! * [`WasiCtxBuilder`] configures a [`WasiCtx`]: arguments, environment,
//!   stdio and preopened directories (writable or read-only);
//! * [`add_to_linker`] defines all 46 `wasi_snapshot_preview1` functions in a
//!   [`kiln::Linker`], each reaching the context through the store's data.
//!
//! ```no_run
//! use kiln::{Engine, Linker, Module, Store};
//! use kiln_wasi::{WasiCtx, WasiCtxBuilder};
//!
//! # fn main() -> anyhow::Result<()> {
//! let engine = Engine::default();
//! let module = Module::new(&engine, std::fs::read("hello.wasm")?)?;
//! let wasi = WasiCtxBuilder::new()
//!     .inherit_stdio()
//!     .args(&["hello".to_string()])?
//!     .preopened_dir("/tmp/sandbox", "/sandbox")?
//!     .build();
//! let mut store = Store::new(&engine, wasi);
//! let mut linker = Linker::new(&engine);
//! kiln_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
//! match start.call(&mut store, ()) {
//!     Ok(()) => {}
//!     // `proc_exit(n)` stops the program with an error carrying `n`.
//!     Err(e) => match kiln_wasi::exit_code(&e) {
//!         Some(code) => std::process::exit(code),
//!         None => return Err(e),
//!     },
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Exiting
//!
//! `proc_exit(code)` never returns to the guest: the host function fails with
//! an [`I32Exit`]`(code)` error, which unwinds the wasm stack and becomes the
//! error returned by the embedder's `Func::call` / `TypedFunc::call`. Recover
//! the code with `err.downcast_ref::<I32Exit>()` or [`exit_code`]. Codes of
//! 126 and above are rejected by wasi-common with a plain error instead.
//!
//! # Memory
//!
//! WASI functions read and write the calling instance's exported `memory`.
//! A pointer argument that is out of bounds or misaligned traps (as the witx
//! conventions require) rather than returning an errno. An instance that
//! exports no memory may still call functions that take no pointers
//! (`proc_exit`, `sched_yield`, `fd_close`, …); any pointer it passes is out
//! of bounds.

#![warn(missing_docs)]

mod builder;
mod imports;
mod memory;
mod readonly;
pub mod threads;

use anyhow::Result;
use kiln::{FuncType, Linker};

pub use builder::WasiCtxBuilder;
pub use readonly::{ReadOnlyDir, ReadOnlyFile};
pub use wasi_common::pipe::{ReadPipe, WritePipe};
pub use wasi_common::{I32Exit, WasiCtx, WasiDir, WasiFile};

/// The import module name all WASI preview 1 functions are defined under.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Defines every `wasi_snapshot_preview1` function in `linker`.
///
/// The functions find their [`WasiCtx`] by applying `get_cx` to the store's
/// data on every call, so one linker serves any number of stores. Fails if
/// any of the names is already defined and the linker does not allow
/// shadowing.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_cx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<()> {
    for import in imports::IMPORTS {
        let call = import.call;
        linker.func_new(
            MODULE,
            import.name,
            import.ty(),
            move |mut caller, params, results| {
                memory::with_guest_memory(&mut caller, get_cx, |cx, memory| {
                    call(cx, memory, params, results)
                })
            },
        )?;
    }
    Ok(())
}

/// The names and core wasm types of all `wasi_snapshot_preview1` functions
/// that [`add_to_linker`] defines, in the order the witx lists them.
pub fn functions() -> impl Iterator<Item = (&'static str, FuncType)> {
    imports::IMPORTS.iter().map(|i| (i.name, i.ty()))
}

/// The exit code if `error` came from the guest calling `proc_exit`.
///
/// Shorthand for `error.downcast_ref::<I32Exit>().map(|e| e.0)`.
pub fn exit_code(error: &anyhow::Error) -> Option<i32> {
    error.downcast_ref::<I32Exit>().map(|e| e.0)
}
