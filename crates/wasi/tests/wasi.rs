//! WASI preview 1 through Kiln, driven by hand-written `.wat` modules.

use anyhow::Result;
use kiln::{Engine, Instance, Linker, Module, Store};
use kiln_wasi::{I32Exit, ReadPipe, WasiCtx, WasiCtxBuilder, WritePipe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

// WASI errnos.
const SUCCESS: i32 = 0;
const BADF: i32 = 8;
const NOENT: i32 = 44;
const PERM: i32 = 63;
const ROFS: i32 = 69;

/// Instantiates `wat` with WASI in a fresh store holding `wasi`.
fn instantiate(wat: &str, wasi: WasiCtx) -> Result<(Store<WasiCtx>, Instance)> {
    let engine = Engine::default();
    let module = Module::new(&engine, wat)?;
    let mut store = Store::new(&engine, wasi);
    let mut linker = Linker::new(&engine);
    kiln_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
    let instance = linker.instantiate(&mut store, &module)?;
    Ok((store, instance))
}

/// Calls the export `name`, which takes nothing and returns an i32.
fn call_i32(store: &mut Store<WasiCtx>, instance: &Instance, name: &str) -> Result<i32> {
    let f = instance.get_typed_func::<(), i32>(&mut *store, name)?;
    f.call(&mut *store, ())
}

/// `len` bytes of the instance's memory at `at`.
fn read_memory(store: &mut Store<WasiCtx>, instance: &Instance, at: usize, len: usize) -> Vec<u8> {
    let memory = instance.get_memory(&mut *store, "memory").unwrap();
    memory.data(&*store)[at..at + len].to_vec()
}

fn read_u32(store: &mut Store<WasiCtx>, instance: &Instance, at: usize) -> u32 {
    u32::from_le_bytes(read_memory(store, instance, at, 4).try_into().unwrap())
}

/// The NUL-terminated string at `at`.
fn read_cstr(store: &mut Store<WasiCtx>, instance: &Instance, at: usize) -> String {
    let memory = instance.get_memory(&mut *store, "memory").unwrap();
    let bytes = &memory.data(&*store)[at..];
    let end = bytes.iter().position(|b| *b == 0).unwrap();
    String::from_utf8(bytes[..end].to_vec()).unwrap()
}

/// A stdout that keeps what the guest writes.
fn captured() -> (WritePipe<Vec<u8>>, Arc<RwLock<Vec<u8>>>) {
    let buffer = Arc::new(RwLock::new(Vec::new()));
    (WritePipe::from_shared(buffer.clone()), buffer)
}

/// A fresh, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("kiln-wasi-test-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn defines_all_46_functions() -> Result<()> {
    let functions: Vec<_> = kiln_wasi::functions().collect();
    assert_eq!(functions.len(), 46);
    let mut names: Vec<_> = functions.iter().map(|(n, _)| *n).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 46);

    // A module importing every function with the type the table gives
    // instantiates, so each is defined under that name with that type.
    let mut wat = String::from("(module\n");
    for (name, ty) in &functions {
        let params: Vec<String> = ty.param_types().iter().map(|t| t.to_string()).collect();
        let results: Vec<String> = ty.result_types().iter().map(|t| t.to_string()).collect();
        wat.push_str(&format!(
            "  (import \"wasi_snapshot_preview1\" \"{name}\" (func (param {}) (result {})))\n",
            params.join(" "),
            results.join(" ")
        ));
    }
    wat.push_str("  (memory (export \"memory\") 1))\n");
    instantiate(&wat, WasiCtxBuilder::new().build())?;

    // Spot-check signatures with 64-bit parameters against the witx.
    let ty = |n: &str| {
        functions
            .iter()
            .find(|(name, _)| *name == n)
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(
        ty("path_open").to_string(),
        ty_of("(param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)")
    );
    assert_eq!(
        ty("fd_seek").to_string(),
        ty_of("(param i32 i64 i32 i32) (result i32)")
    );
    assert_eq!(ty("proc_exit").to_string(), ty_of("(param i32)"));
    Ok(())
}

/// How `FuncType` displays the type with these params and results (so the
/// test does not depend on the exact display format).
fn ty_of(sig: &str) -> String {
    let engine = Engine::default();
    let wat = format!("(module (func (export \"f\") {sig} unreachable))");
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    instance
        .get_func(&mut store, "f")
        .unwrap()
        .ty(&store)
        .to_string()
}

#[test]
fn fd_write_to_captured_stdout() -> Result<()> {
    let (stdout, buffer) = captured();
    let (stderr, errors) = captured();
    let wasi = WasiCtxBuilder::new().stdout(stdout).stderr(stderr).build();
    let (mut store, instance) = instantiate(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write"
                (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            ;; two iovecs: "hello, " and "world\n"
            (data (i32.const 0) "\10\00\00\00\07\00\00\00\20\00\00\00\06\00\00\00")
            (data (i32.const 16) "hello, ")
            (data (i32.const 32) "world\n")
            (data (i32.const 48) "\38\00\00\00\04\00\00\00")
            (data (i32.const 56) "oops")
            (func (export "stdout") (result i32)
                (call $fd_write (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 100)))
            (func (export "stderr") (result i32)
                (call $fd_write (i32.const 2) (i32.const 48) (i32.const 1) (i32.const 104)))
            (func (export "bad_fd") (result i32)
                (call $fd_write (i32.const 77) (i32.const 0) (i32.const 2) (i32.const 100)))
            (func (export "out_of_bounds") (result i32)
                ;; the iovec array lies past the end of memory
                (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 2) (i32.const 100))))"#,
        wasi,
    )?;
    assert_eq!(call_i32(&mut store, &instance, "stdout")?, SUCCESS);
    assert_eq!(read_u32(&mut store, &instance, 100), 13, "bytes written");
    assert_eq!(&*buffer.read().unwrap(), b"hello, world\n");

    assert_eq!(call_i32(&mut store, &instance, "stderr")?, SUCCESS);
    assert_eq!(&*errors.read().unwrap(), b"oops");

    assert_eq!(call_i32(&mut store, &instance, "bad_fd")?, BADF);
    // Out-of-bounds pointers trap, as the witx conventions require.
    let err = call_i32(&mut store, &instance, "out_of_bounds").unwrap_err();
    assert!(format!("{err:?}").contains("out of bounds"), "{err:?}");
    assert_eq!(kiln_wasi::exit_code(&err), None);
    assert_eq!(&*buffer.read().unwrap(), b"hello, world\n");
    Ok(())
}

#[test]
fn args_get_and_sizes() -> Result<()> {
    let args = ["prog".to_string(), "hello".to_string(), "wörld".to_string()];
    let wasi = WasiCtxBuilder::new().args(&args)?.build();
    let (mut store, instance) = instantiate(
        r#"(module
            (import "wasi_snapshot_preview1" "args_sizes_get"
                (func $args_sizes_get (param i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "args_get"
                (func $args_get (param i32 i32) (result i32)))
            (memory (export "memory") 1)
            (func (export "sizes") (result i32)
                (call $args_sizes_get (i32.const 0) (i32.const 4)))
            (func (export "get") (result i32)
                (call $args_get (i32.const 16) (i32.const 64))))"#,
        wasi,
    )?;
    assert_eq!(call_i32(&mut store, &instance, "sizes")?, SUCCESS);
    assert_eq!(read_u32(&mut store, &instance, 0), 3, "argc");
    // Each argument plus its NUL; "ö" is two bytes.
    assert_eq!(read_u32(&mut store, &instance, 4), 5 + 6 + 7, "buffer size");

    assert_eq!(call_i32(&mut store, &instance, "get")?, SUCCESS);
    for (i, arg) in args.iter().enumerate() {
        let ptr = read_u32(&mut store, &instance, 16 + 4 * i) as usize;
        assert!((64..64 + 18).contains(&ptr));
        assert_eq!(&read_cstr(&mut store, &instance, ptr), arg);
    }
    Ok(())
}

#[test]
fn environ_get_and_sizes() -> Result<()> {
    let wasi = WasiCtxBuilder::new()
        .env("GREETING", "hi there")?
        .env("EMPTY", "")?
        .build();
    let (mut store, instance) = instantiate(
        r#"(module
            (import "wasi_snapshot_preview1" "environ_sizes_get"
                (func $environ_sizes_get (param i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "environ_get"
                (func $environ_get (param i32 i32) (result i32)))
            (memory (export "memory") 1)
            (func (export "sizes") (result i32)
                (call $environ_sizes_get (i32.const 0) (i32.const 4)))
            (func (export "get") (result i32)
                (call $environ_get (i32.const 16) (i32.const 64))))"#,
        wasi,
    )?;
    assert_eq!(call_i32(&mut store, &instance, "sizes")?, SUCCESS);
    assert_eq!(read_u32(&mut store, &instance, 0), 2);
    let expected = ["GREETING=hi there", "EMPTY="];
    let size: usize = expected.iter().map(|s| s.len() + 1).sum();
    assert_eq!(read_u32(&mut store, &instance, 4) as usize, size);

    assert_eq!(call_i32(&mut store, &instance, "get")?, SUCCESS);
    for (i, var) in expected.iter().enumerate() {
        let ptr = read_u32(&mut store, &instance, 16 + 4 * i) as usize;
        assert_eq!(&read_cstr(&mut store, &instance, ptr), var);
    }
    Ok(())
}

#[test]
fn proc_exit_reaches_the_embedder() -> Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module
            (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
            (memory (export "memory") 1)
            (func (export "_start")
                (call $proc_exit (i32.const 3))
                ;; never reached: proc_exit does not return
                (i32.store (i32.const 0) (i32.const 1))
                unreachable))"#,
        WasiCtxBuilder::new().build(),
    )?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    let err = start.call(&mut store, ()).unwrap_err();
    assert_eq!(
        err.downcast_ref::<I32Exit>().map(|e| e.0),
        Some(3),
        "{err:?}"
    );
    assert_eq!(kiln_wasi::exit_code(&err), Some(3));
    assert_eq!(read_u32(&mut store, &instance, 0), 0);

    // The store is still usable afterwards.
    let err = start.call(&mut store, ()).unwrap_err();
    assert_eq!(kiln_wasi::exit_code(&err), Some(3));
    Ok(())
}

#[test]
fn proc_exit_through_untyped_call() -> Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module
            (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
            (func (export "exit") (param i32) (call $proc_exit (local.get 0))))"#,
        WasiCtxBuilder::new().build(),
    )?;
    let exit = instance.get_func(&mut store, "exit").unwrap();
    let err = exit
        .call(&mut store, &[kiln::Val::I32(0)], &mut [])
        .unwrap_err();
    assert_eq!(kiln_wasi::exit_code(&err), Some(0));
    // Out-of-range codes are a plain error, not an exit.
    let err = exit
        .call(&mut store, &[kiln::Val::I32(200)], &mut [])
        .unwrap_err();
    assert_eq!(kiln_wasi::exit_code(&err), None);
    Ok(())
}

#[test]
fn module_without_memory() -> Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module
            (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
            (import "wasi_snapshot_preview1" "args_sizes_get"
                (func $args_sizes_get (param i32 i32) (result i32)))
            (func (export "yield") (result i32) (call $sched_yield))
            (func (export "sizes") (result i32)
                (call $args_sizes_get (i32.const 0) (i32.const 4))))"#,
        WasiCtxBuilder::new().build(),
    )?;
    assert_eq!(call_i32(&mut store, &instance, "yield")?, SUCCESS);
    // Without a memory every pointer is out of bounds: a trap.
    let err = call_i32(&mut store, &instance, "sizes").unwrap_err();
    assert!(format!("{err:?}").contains("out of bounds"), "{err:?}");
    Ok(())
}

#[test]
fn clock_and_random() -> Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module
            (import "wasi_snapshot_preview1" "clock_time_get"
                (func $clock_time_get (param i32 i64 i32) (result i32)))
            (import "wasi_snapshot_preview1" "random_get"
                (func $random_get (param i32 i32) (result i32)))
            (memory (export "memory") 1)
            (func (export "realtime") (result i32)
                (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 0)))
            (func (export "random") (result i32)
                (call $random_get (i32.const 16) (i32.const 32))))"#,
        WasiCtxBuilder::new().build(),
    )?;
    assert_eq!(call_i32(&mut store, &instance, "realtime")?, SUCCESS);
    let nanos = u64::from_le_bytes(read_memory(&mut store, &instance, 0, 8).try_into().unwrap());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64;
    assert!(nanos.abs_diff(now) < 60_000_000_000, "{nanos} vs {now}");

    assert_eq!(call_i32(&mut store, &instance, "random")?, SUCCESS);
    assert!(
        read_memory(&mut store, &instance, 16, 32)
            .iter()
            .any(|b| *b != 0)
    );
    Ok(())
}

/// Imports and helpers for the filesystem tests. Memory layout: the path
/// strings at 200.., scratch at 0..100, data at 300.., buffers at 400...
const FS_MODULE_HEAD: &str = r#"
    (import "wasi_snapshot_preview1" "path_open"
        (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write"
        (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_read"
        (func $fd_read (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_close"
        (func $fd_close (param i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_prestat_get"
        (func $fd_prestat_get (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_prestat_dir_name"
        (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_create_directory"
        (func $path_create_directory (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_unlink_file"
        (func $path_unlink_file (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_filestat_set_times"
        (func $fd_filestat_set_times (param i32 i64 i64 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 200) "hello.txt")      ;; 9 bytes
    (data (i32.const 220) "../escape.txt")  ;; 13 bytes
    (data (i32.const 240) "newdir")         ;; 6 bytes
    (data (i32.const 300) "kiln wasi\n")    ;; 10 bytes
    ;; iovec for writing the data, iovec for reading into 400..
    (data (i32.const 80) "\2c\01\00\00\0a\00\00\00")
    (data (i32.const 88) "\90\01\00\00\40\00\00\00")

    ;; path_open(fd 3, path at $ptr/$len, oflags, rights) -> errno; the new fd at 0
    (func $open (param $ptr i32) (param $len i32) (param $oflags i32) (param $rights i64) (result i32)
        (call $path_open (i32.const 3) (i32.const 0) (local.get $ptr) (local.get $len)
            (local.get $oflags) (local.get $rights) (i64.const 0) (i32.const 0) (i32.const 0)))

    ;; fd_prestat_get(3): errno; the tag at 8, the name length at 12;
    ;; fd_prestat_dir_name into 500..
    (func (export "prestat") (result i32)
        (local $e i32)
        (local.set $e (call $fd_prestat_get (i32.const 3) (i32.const 8)))
        (if (local.get $e) (then (return (local.get $e))))
        (call $fd_prestat_dir_name (i32.const 3) (i32.const 500) (i32.load (i32.const 12))))

    ;; reads hello.txt (up to 64 bytes) into 400..; the count at 20
    (func (export "read") (result i32)
        (local $e i32)
        ;; rights: FD_READ
        (local.set $e (call $open (i32.const 200) (i32.const 9) (i32.const 0) (i64.const 2)))
        (if (local.get $e) (then (return (local.get $e))))
        (local.set $e (call $fd_read (i32.load (i32.const 0)) (i32.const 88) (i32.const 1) (i32.const 20)))
        (if (local.get $e) (then (return (local.get $e))))
        (call $fd_close (i32.load (i32.const 0))))
"#;

fn fs_module(body: &str) -> String {
    format!("(module {FS_MODULE_HEAD} {body})")
}

/// Creates and writes hello.txt; the count written at 16.
const WRITE_FUNC: &str = r#"
    (func (export "write") (result i32)
        (local $e i32)
        ;; oflags: CREAT | TRUNC; rights: FD_READ | FD_WRITE
        (local.set $e (call $open (i32.const 200) (i32.const 9) (i32.const 9) (i64.const 66)))
        (if (local.get $e) (then (return (local.get $e))))
        (local.set $e (call $fd_write (i32.load (i32.const 0)) (i32.const 80) (i32.const 1) (i32.const 16)))
        (if (local.get $e) (then (return (local.get $e))))
        (call $fd_close (i32.load (i32.const 0))))
    ;; opens ../escape.txt with CREAT
    (func (export "escape") (result i32)
        (call $open (i32.const 220) (i32.const 13) (i32.const 1) (i64.const 66)))
    (func (export "mkdir") (result i32)
        (call $path_create_directory (i32.const 3) (i32.const 240) (i32.const 6)))
    (func (export "unlink") (result i32)
        (call $path_unlink_file (i32.const 3) (i32.const 200) (i32.const 9)))
    ;; sets hello.txt's times to "now" through a read-only descriptor
    (func (export "touch") (result i32)
        (local $e i32)
        (local.set $e (call $open (i32.const 200) (i32.const 9) (i32.const 0) (i64.const 2)))
        (if (local.get $e) (then (return (local.get $e))))
        ;; fst_flags: ATIM_NOW | MTIM_NOW
        (local.set $e (call $fd_filestat_set_times (i32.load (i32.const 0))
            (i64.const 0) (i64.const 0) (i32.const 10)))
        (drop (call $fd_close (i32.load (i32.const 0))))
        (local.get $e))
"#;

#[test]
fn file_created_and_read_back_in_preopened_dir() -> Result<()> {
    let dir = TempDir::new("rw");
    let wasi = WasiCtxBuilder::new()
        .preopened_dir(dir.path(), "/guest")?
        .build();
    let (mut store, instance) = instantiate(&fs_module(WRITE_FUNC), wasi)?;

    assert_eq!(call_i32(&mut store, &instance, "prestat")?, SUCCESS);
    assert_eq!(
        read_memory(&mut store, &instance, 8, 1),
        [0],
        "prestat tag: dir"
    );
    assert_eq!(read_u32(&mut store, &instance, 12), 6);
    assert_eq!(read_memory(&mut store, &instance, 500, 6), b"/guest");

    assert_eq!(call_i32(&mut store, &instance, "write")?, SUCCESS);
    assert_eq!(read_u32(&mut store, &instance, 16), 10);
    assert_eq!(std::fs::read(dir.path().join("hello.txt"))?, b"kiln wasi\n");

    assert_eq!(call_i32(&mut store, &instance, "read")?, SUCCESS);
    assert_eq!(read_u32(&mut store, &instance, 20), 10);
    assert_eq!(read_memory(&mut store, &instance, 400, 10), b"kiln wasi\n");

    assert_eq!(call_i32(&mut store, &instance, "mkdir")?, SUCCESS);
    assert!(dir.path().join("newdir").is_dir());
    assert_eq!(call_i32(&mut store, &instance, "unlink")?, SUCCESS);
    assert!(!dir.path().join("hello.txt").exists());
    assert_eq!(call_i32(&mut store, &instance, "read")?, NOENT);
    Ok(())
}

#[test]
fn path_open_cannot_escape_the_preopen() -> Result<()> {
    let outer = TempDir::new("escape");
    let sandbox = outer.path().join("sandbox");
    std::fs::create_dir(&sandbox)?;
    let wasi = WasiCtxBuilder::new()
        .preopened_dir(&sandbox, "/guest")?
        .build();
    let (mut store, instance) = instantiate(&fs_module(WRITE_FUNC), wasi)?;

    assert_eq!(call_i32(&mut store, &instance, "escape")?, PERM);
    assert!(!outer.path().join("escape.txt").exists());
    let entries: Vec<_> = std::fs::read_dir(outer.path())?.collect::<Result<_, _>>()?;
    assert_eq!(entries.len(), 1, "only the sandbox: {entries:?}");
    assert_eq!(std::fs::read_dir(&sandbox)?.count(), 0);
    Ok(())
}

#[test]
fn no_preopen_no_filesystem() -> Result<()> {
    let (mut store, instance) = instantiate(&fs_module(WRITE_FUNC), WasiCtxBuilder::new().build())?;
    assert_eq!(call_i32(&mut store, &instance, "prestat")?, BADF);
    assert_eq!(call_i32(&mut store, &instance, "write")?, BADF);
    Ok(())
}

#[test]
fn readonly_preopen() -> Result<()> {
    let dir = TempDir::new("ro");
    let file = dir.path().join("hello.txt");
    std::fs::write(&file, "read me\n")?;
    let mtime = std::fs::metadata(&file)?.modified()?;
    let wasi = WasiCtxBuilder::new()
        .preopened_dir_readonly(dir.path(), "/ro")?
        .build();
    let (mut store, instance) = instantiate(&fs_module(WRITE_FUNC), wasi)?;

    assert_eq!(call_i32(&mut store, &instance, "prestat")?, SUCCESS);
    assert_eq!(read_memory(&mut store, &instance, 500, 3), b"/ro");
    assert_eq!(call_i32(&mut store, &instance, "read")?, SUCCESS);
    assert_eq!(read_u32(&mut store, &instance, 20), 8);
    assert_eq!(read_memory(&mut store, &instance, 400, 8), b"read me\n");

    assert_eq!(call_i32(&mut store, &instance, "write")?, ROFS);
    assert_eq!(call_i32(&mut store, &instance, "mkdir")?, ROFS);
    assert_eq!(call_i32(&mut store, &instance, "unlink")?, ROFS);
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(call_i32(&mut store, &instance, "touch")?, ROFS);
    assert_eq!(call_i32(&mut store, &instance, "escape")?, ROFS);

    assert_eq!(std::fs::read(&file)?, b"read me\n");
    assert_eq!(std::fs::metadata(&file)?.modified()?, mtime);
    assert!(!dir.path().join("newdir").exists());
    assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
    Ok(())
}

#[test]
fn preopens_are_numbered_in_order() -> Result<()> {
    let a = TempDir::new("order-a");
    let b = TempDir::new("order-b");
    let wasi = WasiCtxBuilder::new()
        .preopened_dir_readonly(a.path(), "/first")?
        .preopened_dir(b.path(), "/second")?
        .build();
    let (mut store, instance) = instantiate(&fs_module(WRITE_FUNC), wasi)?;
    // fd 3 is the first (read-only) preopen.
    assert_eq!(call_i32(&mut store, &instance, "prestat")?, SUCCESS);
    assert_eq!(read_memory(&mut store, &instance, 500, 6), b"/first");
    assert_eq!(call_i32(&mut store, &instance, "write")?, ROFS);
    Ok(())
}

#[test]
fn missing_host_dir_is_an_error() {
    let dir = TempDir::new("missing");
    let err = WasiCtxBuilder::new()
        .preopened_dir(dir.path().join("nope"), "/x")
        .err()
        .expect("opening a missing directory fails");
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn wasi_ctx_inside_embedder_data() -> Result<()> {
    struct Host {
        calls: u32,
        wasi: WasiCtx,
    }
    let (stdout, buffer) = captured();
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write"
                (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (import "host" "count" (func $count))
            (memory (export "memory") 1)
            (data (i32.const 0) "\08\00\00\00\02\00\00\00ok")
            (func (export "_start")
                (call $count)
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))"#,
    )?;
    let host = Host {
        calls: 0,
        wasi: WasiCtxBuilder::new().stdout(stdout).build(),
    };
    let mut store = Store::new(&engine, host);
    let mut linker = Linker::new(&engine);
    kiln_wasi::add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi)?;
    linker.func_new(
        "host",
        "count",
        kiln::FuncType::from_parts([], []),
        |mut caller, _, _| {
            caller.data_mut().calls += 1;
            Ok(())
        },
    )?;
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    start.call(&mut store, ())?;
    assert_eq!(store.data().calls, 1);
    assert_eq!(&*buffer.read().unwrap(), b"ok");
    Ok(())
}

#[test]
fn fd_read_from_stdin_pipe() -> Result<()> {
    let wasi = WasiCtxBuilder::new()
        .stdin(ReadPipe::from("typed input"))
        .build();
    let (mut store, instance) = instantiate(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_read"
                (func $fd_read (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            ;; one iovec: 5 bytes at 32
            (data (i32.const 0) "\20\00\00\00\05\00\00\00")
            (func (export "read") (result i32)
                (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16))))"#,
        wasi,
    )?;
    assert_eq!(call_i32(&mut store, &instance, "read")?, SUCCESS);
    assert_eq!(read_u32(&mut store, &instance, 16), 5);
    assert_eq!(read_memory(&mut store, &instance, 32, 5), b"typed");
    assert_eq!(call_i32(&mut store, &instance, "read")?, SUCCESS);
    assert_eq!(read_memory(&mut store, &instance, 32, 5), b" inpu");
    Ok(())
}
