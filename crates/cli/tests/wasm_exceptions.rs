//! Programs that use wasm exception handling, as toolchains emit it: C++
//! `throw`/`catch` (destructors run while unwinding) and C `setjmp`/
//! `longjmp`, built for wasm32-wasi with LLVM's `-fwasm-exceptions` (the
//! final form: `try_table` and `exnref`). `kiln run` must print what the
//! same sources print when compiled natively.
//!
//! The `.wasm` files are checked in (`tests-c/eh/`): no Debian package has
//! a wasm32 C++ runtime with exceptions, so `tests-c/eh/build.sh` builds
//! them with zig from PyPI. The native builds use the host's C and C++
//! compilers.

mod common;

use common::{repo_root, run, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;

fn eh_dir() -> PathBuf {
    repo_root().join("tests-c").join("eh")
}

/// Compiles `source` natively with `compiler` and returns what it prints.
fn native_output(compiler: &str, source: &Path, flags: &[&str]) -> String {
    let dir = scratch("native");
    let exe = dir.join("program");
    let built = Command::new(compiler)
        .args(["-O2", "-o"])
        .arg(&exe)
        .arg(source)
        .args(flags)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler} (the host's compiler): {e}"));
    assert!(
        built.status.success(),
        "{compiler} failed: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let out = Command::new(&exe)
        .output()
        .expect("the native program runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn kiln_output(wasm: &str) -> String {
    let dir = scratch("eh");
    let program = eh_dir().join(wasm);
    run(&dir, &["run", program.to_str().unwrap()])
        .success()
        .to_string()
}

#[test]
fn cpp_exceptions_run_as_natively() {
    let native = native_output("c++", &eh_dir().join("exceptions.cpp"), &[]);
    let kiln = kiln_output("exceptions.wasm");
    assert!(native.contains("caught runtime_error: reached the bottom"));
    assert_eq!(kiln, native);
}

#[test]
fn setjmp_and_longjmp_run_as_natively() {
    let native = native_output("cc", &eh_dir().join("setjmp.c"), &[]);
    let kiln = kiln_output("setjmp.wasm");
    assert!(native.contains("looped 10000 times"));
    assert_eq!(kiln, native);
}

/// The checked-in programs were built from the sources as they are: an
/// edit without `tests-c/eh/build.sh` fails here.
#[test]
fn the_programs_are_built_from_the_current_sources() {
    let out = Command::new("sha256sum")
        .arg("--check")
        .arg("SOURCES.sha256")
        .current_dir(eh_dir())
        .output()
        .expect("sha256sum runs");
    assert!(
        out.status.success(),
        "tests-c/eh changed since its programs were built; run tests-c/eh/build.sh:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
