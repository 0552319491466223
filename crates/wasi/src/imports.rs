//! The `wasi_snapshot_preview1` import table.
//!
//! One row per witx function: its name, its core wasm signature and a host
//! entry that unpacks the arguments and runs wasi-common's implementation.
//! wiggle generates each implementation as
//! `async fn(&mut WasiCtx, &mut GuestMemory, i32/i64 …) -> anyhow::Result<i32 or ()>`;
//! the row's parameter and result types are passed straight to it, so a row
//! that disagrees with the witx does not compile.

use anyhow::{Context as _, Result};
use kiln::{FuncType, Val, ValType};
use wasi_common::WasiCtx;
use wiggle::GuestMemory;

/// A host entry: runs one WASI function on the given context and memory,
/// reading its arguments from `params` and writing its result (the errno,
/// except for `proc_exit`) to `results`. An `Err` is a trap.
pub(crate) type HostCall = fn(&mut WasiCtx, &mut GuestMemory<'_>, &[Val], &mut [Val]) -> Result<()>;

/// One `wasi_snapshot_preview1` function.
pub(crate) struct Import {
    /// The function's name within the module.
    pub(crate) name: &'static str,
    /// Core wasm parameter types.
    pub(crate) params: &'static [ValType],
    /// Core wasm result types: `[i32]` (an errno), or `[]` for `proc_exit`.
    pub(crate) results: &'static [ValType],
    /// The host entry.
    pub(crate) call: HostCall,
}

impl Import {
    /// The function's core wasm type.
    pub(crate) fn ty(&self) -> FuncType {
        FuncType::from_parts(self.params.iter().copied(), self.results.iter().copied())
    }
}

/// A Rust type a core wasm parameter is passed to wiggle as.
trait Param: Sized {
    /// The matching wasm type.
    const TYPE: ValType;
    /// Takes the next argument.
    fn take(params: &mut std::slice::Iter<'_, Val>) -> Result<Self>;
}

impl Param for i32 {
    const TYPE: ValType = ValType::I32;
    fn take(params: &mut std::slice::Iter<'_, Val>) -> Result<Self> {
        params
            .next()
            .and_then(Val::i32)
            .context("WASI call: expected an i32 argument")
    }
}

impl Param for i64 {
    const TYPE: ValType = ValType::I64;
    fn take(params: &mut std::slice::Iter<'_, Val>) -> Result<Self> {
        params
            .next()
            .and_then(Val::i64)
            .context("WASI call: expected an i64 argument")
    }
}

/// What a wiggle entry point returns on success.
trait Ret {
    /// The matching wasm result types.
    const TYPES: &'static [ValType];
    /// Stores the value as the host function's results.
    fn store(self, results: &mut [Val]);
}

/// An errno.
impl Ret for i32 {
    const TYPES: &'static [ValType] = &[ValType::I32];
    fn store(self, results: &mut [Val]) {
        results[0] = Val::I32(self);
    }
}

/// Nothing: `proc_exit` only ever returns an error.
impl Ret for () {
    const TYPES: &'static [ValType] = &[];
    fn store(self, _results: &mut [Val]) {}
}

/// Builds [`IMPORTS`] and one host entry per function from
/// `name(param types) -> result type;` rows.
macro_rules! imports {
    ($($name:ident($($param:ident),*) -> $ret:ty;)*) => {
        /// Host entries, one per function, named after it.
        mod entries {
            use super::*;
            use wasi_common::snapshots::preview_1::wasi_snapshot_preview1 as p1;
            $(
                pub(super) fn $name(
                    cx: &mut WasiCtx,
                    memory: &mut GuestMemory<'_>,
                    params: &[Val],
                    results: &mut [Val],
                ) -> Result<()> {
                    let mut params = params.iter();
                    let future = p1::$name(cx, memory, $(<$param as Param>::take(&mut params)?),*);
                    anyhow::ensure!(params.next().is_none(), "WASI call: too many arguments");
                    // wasi-common's sync implementation never awaits anything
                    // that can be pending, so one poll completes the call.
                    let value: $ret = wiggle::run_in_dummy_executor(future)??;
                    value.store(results);
                    Ok(())
                }
            )*
        }

        /// Every `wasi_snapshot_preview1` function, in witx order.
        pub(crate) const IMPORTS: &[Import] = &[$(
            Import {
                name: stringify!($name),
                params: &[$(<$param as Param>::TYPE),*],
                results: <$ret as Ret>::TYPES,
                call: entries::$name,
            },
        )*];
    };
}

// Core wasm signatures from `wasi_snapshot_preview1.witx`: handles, `u32`s,
// pointers, flags up to 32 bits and enums are i32; `u64`s (`filesize`,
// `timestamp`, `filedelta`, `dircookie`, `rights`) are i64; a `string` or
// array is a (pointer, length) pair of i32s; each value in an `expected` is
// returned through a trailing i32 out-pointer, and the errno is the result.
imports! {
    args_get(i32, i32) -> i32;
    args_sizes_get(i32, i32) -> i32;
    environ_get(i32, i32) -> i32;
    environ_sizes_get(i32, i32) -> i32;
    clock_res_get(i32, i32) -> i32;
    clock_time_get(i32, i64, i32) -> i32;
    fd_advise(i32, i64, i64, i32) -> i32;
    fd_allocate(i32, i64, i64) -> i32;
    fd_close(i32) -> i32;
    fd_datasync(i32) -> i32;
    fd_fdstat_get(i32, i32) -> i32;
    fd_fdstat_set_flags(i32, i32) -> i32;
    fd_fdstat_set_rights(i32, i64, i64) -> i32;
    fd_filestat_get(i32, i32) -> i32;
    fd_filestat_set_size(i32, i64) -> i32;
    fd_filestat_set_times(i32, i64, i64, i32) -> i32;
    fd_pread(i32, i32, i32, i64, i32) -> i32;
    fd_prestat_get(i32, i32) -> i32;
    fd_prestat_dir_name(i32, i32, i32) -> i32;
    fd_pwrite(i32, i32, i32, i64, i32) -> i32;
    fd_read(i32, i32, i32, i32) -> i32;
    fd_readdir(i32, i32, i32, i64, i32) -> i32;
    fd_renumber(i32, i32) -> i32;
    fd_seek(i32, i64, i32, i32) -> i32;
    fd_sync(i32) -> i32;
    fd_tell(i32, i32) -> i32;
    fd_write(i32, i32, i32, i32) -> i32;
    path_create_directory(i32, i32, i32) -> i32;
    path_filestat_get(i32, i32, i32, i32, i32) -> i32;
    path_filestat_set_times(i32, i32, i32, i32, i64, i64, i32) -> i32;
    path_link(i32, i32, i32, i32, i32, i32, i32) -> i32;
    path_open(i32, i32, i32, i32, i32, i64, i64, i32, i32) -> i32;
    path_readlink(i32, i32, i32, i32, i32, i32) -> i32;
    path_remove_directory(i32, i32, i32) -> i32;
    path_rename(i32, i32, i32, i32, i32, i32) -> i32;
    path_symlink(i32, i32, i32, i32, i32) -> i32;
    path_unlink_file(i32, i32, i32) -> i32;
    poll_oneoff(i32, i32, i32, i32) -> i32;
    proc_exit(i32) -> ();
    proc_raise(i32) -> i32;
    sched_yield() -> i32;
    random_get(i32, i32) -> i32;
    sock_accept(i32, i32, i32) -> i32;
    sock_recv(i32, i32, i32, i32, i32, i32) -> i32;
    sock_send(i32, i32, i32, i32, i32) -> i32;
    sock_shutdown(i32, i32) -> i32;
}
