//! Programs that use wasm exception handling, as toolchains emit it: C++
//! `throw`/`catch` (destructors run while unwinding) and C `setjmp`/
//! `longjmp`, built for wasm32-wasi with LLVM's `-fwasm-exceptions` (the
//! final form: `try_table` and `exnref`). `kiln run` must print what the
//! same sources print when compiled natively.
//!
//! The `.wasm` files are checked in (`tests-c/eh/`): no Debian package has
//! a wasm32 C++ runtime with exceptions, so `tests-c/eh/build.sh` builds
//! them with zig from PyPI. So are the native builds' outputs
//! (`NAME.expected`), which kiln's must equal; where the host has a C and
//! C++ compiler the native programs are built and run too, and must print
//! exactly that.

mod common;

use common::{repo_root, run, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;

fn eh_dir() -> PathBuf {
    repo_root().join("tests-c").join("eh")
}

/// What `source` prints when compiled natively with `compiler`, or `None`
/// if the host has no such compiler.
fn native_output(compiler: &str, source: &Path) -> Option<String> {
    let dir = scratch("native");
    let exe = dir.join("program");
    let built = Command::new(compiler)
        .args(["-O2", "-o"])
        .arg(&exe)
        .arg(source)
        .output()
        .ok()?;
    assert!(
        built.status.success(),
        "{compiler} failed: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let out = Command::new(&exe)
        .output()
        .expect("the native program runs");
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Checks that `NAME.wasm` under kiln prints `NAME.expected`, and that a
/// native build of `source`, if the host can make one, prints it too.
fn runs_as_natively(name: &str, source: &str, compiler: &str) {
    let expected = std::fs::read_to_string(eh_dir().join(format!("{name}.expected"))).unwrap();
    if let Some(native) = native_output(compiler, &eh_dir().join(source)) {
        assert_eq!(native, expected, "the native build prints something else");
    }
    assert_eq!(kiln_output(&format!("{name}.wasm")), expected);
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
    runs_as_natively("exceptions", "exceptions.cpp", "c++");
}

#[test]
fn setjmp_and_longjmp_run_as_natively() {
    runs_as_natively("setjmp", "setjmp.c", "cc");
}

/// The checked-in programs were built from the sources as they are: an
/// edit without `tests-c/eh/build.sh` fails here.
#[test]
fn the_programs_are_built_from_the_current_sources() {
    let changed = common::changed_sources(&eh_dir(), "SOURCES.sha256");
    assert!(
        changed.is_none(),
        "tests-c/eh changed since its programs were built; run tests-c/eh/build.sh:\n{}",
        changed.unwrap_or_default()
    );
}
