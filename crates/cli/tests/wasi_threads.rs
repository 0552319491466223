//! `kiln run -S threads`: pthreads C programs built for
//! `wasm32-wasip1-threads` (checked in under `tests-c/threads/prebuilt/`;
//! `tests-c/threads/build.sh` says how they were built) print what their
//! native builds print, and `proc_exit` or a trap in any thread ends the
//! whole program.

mod common;

use common::{changed_sources, repo_root, run, scratch, write};
use std::path::PathBuf;
use std::process::Command;

fn threads_dir() -> PathBuf {
    repo_root().join("tests-c").join("threads")
}

fn prebuilt(name: &str) -> String {
    let dir = threads_dir();
    if let Some(changed) = changed_sources(&dir, "prebuilt/SOURCES.sha256") {
        panic!(
            "tests-c/threads changed since prebuilt/ was built; rebuild with build.sh:\n{changed}"
        );
    }
    dir.join("prebuilt")
        .join(format!("{name}.wasm"))
        .display()
        .to_string()
}

/// The output of the program's native build (the host's `cc -pthread`).
fn native_output(name: &str, args: &[&str]) -> String {
    let dir = scratch(&format!("native-{name}"));
    let exe = dir.join(name);
    let source = threads_dir().join(format!("{name}.c"));
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let built = Command::new(&cc)
        .args(["-O2", "-pthread", "-o"])
        .arg(&exe)
        .arg(&source)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the host C compiler `{cc}`: {e}"));
    assert!(built.success(), "the native build of {name} failed");
    let out = Command::new(&exe).args(args).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_parallel_sum_prints_what_its_native_build_prints() {
    let dir = scratch("psum");
    let wasm = prebuilt("psum");
    let expected = native_output("psum", &["2"]);
    for threads in ["1", "2", "4"] {
        let out = run(&dir, &["run", "-S", "threads", &wasm, threads]);
        assert_eq!(out.success(), expected, "{threads} threads");
    }
}

#[test]
fn producers_and_consumers_share_a_queue() {
    let dir = scratch("pcqueue");
    let out = run(&dir, &["run", "-S", "threads", &prebuilt("pcqueue")]);
    assert_eq!(out.success(), native_output("pcqueue", &[]));
    assert!(out.stdout.ends_with(" ok\n"));
}

#[test]
fn without_the_switch_kiln_says_to_use_it() {
    let dir = scratch("no-threads");
    let out = run(&dir, &["run", &prebuilt("psum"), "2"]);
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("run it with `-S threads`"), "{out:#?}");
}

/// A module whose `_start` spawns a thread running `$body`, then waits on
/// a word nothing ever notifies: only the thread can end the program.
fn spawner(body: &str) -> String {
    format!(
        r#"(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 7)) (i32.const 0)) (then unreachable))
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    {body}))"#
    )
}

#[test]
fn proc_exit_in_a_thread_ends_the_program_with_its_code() {
    let dir = scratch("thread-exit");
    let wat = write(&dir, "exit.wat", spawner("(call $exit (local.get $arg))"));
    let out = run(&dir, &["run", "-S", "threads", wat.to_str().unwrap()]);
    assert_eq!(out.code, Some(7), "{out:#?}");
}

#[test]
fn a_trap_in_a_thread_ends_the_program() {
    let dir = scratch("thread-trap");
    let wat = write(&dir, "trap.wat", spawner("unreachable"));
    let out = run(&dir, &["run", "-S", "threads", wat.to_str().unwrap()]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(out.stderr.contains("unreachable"), "{out:#?}");
}
