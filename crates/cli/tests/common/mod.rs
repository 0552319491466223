//! Helpers for the CLI tests: run the `kiln` binary as a user would, make
//! scratch directories, and build the C test programs in `tests-c/`.

#![allow(dead_code)] // each test binary uses a different part

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// What one run of `kiln` produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts a zero exit code and returns stdout.
    #[track_caller]
    pub fn success(&self) -> &str {
        assert_eq!(self.code, Some(0), "kiln failed: {self:#?}");
        &self.stdout
    }
}

/// A `kiln` command that runs in `cwd`. Its compilation cache (on by
/// default) is a scratch directory of this test process's, not the user's.
pub fn kiln(cwd: &Path) -> Command {
    static CACHE: OnceLock<PathBuf> = OnceLock::new();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kiln"));
    cmd.current_dir(cwd)
        .env("KILN_CACHE_DIR", CACHE.get_or_init(|| scratch("cache")));
    cmd
}

/// Runs `kiln ARGS` in `cwd` with `stdin` as its standard input.
pub fn run_with_stdin(cwd: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = kiln(cwd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to start kiln");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    // Feed stdin from another thread so a large input cannot deadlock
    // against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("failed to wait for kiln");
    writer.join().expect("stdin writer panicked");
    output.into()
}

/// Runs `kiln ARGS` in `cwd` with an empty stdin.
pub fn run(cwd: &Path, args: &[&str]) -> Run {
    kiln(cwd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("failed to start kiln")
        .into()
}

/// A fresh, empty directory under Cargo's per-test scratch space.
pub fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "kiln-cli-{}-{}-{name}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("cannot create a scratch directory");
    dir
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("cannot write a test file");
    path
}

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/cli sits two levels below the root")
        .to_path_buf()
}

/// The C compiler used for the WASI programs (`KILN_TEST_CC` overrides).
fn clang() -> String {
    std::env::var("KILN_TEST_CC").unwrap_or_else(|_| "clang-14".to_string())
}

const SETUP_HINT: &str = "the WASI C test programs are built with Debian's clang-14, lld-14, \
    wasi-libc and libclang-rt-14-dev-wasm32 (`.ci/run` installs them); without them the \
    programs checked in under tests-c/prebuilt/ are used";

/// The checked-in build of program `name`, used where the toolchain is
/// missing and compared with a fresh build where it is present.
fn prebuilt(name: &str) -> PathBuf {
    repo_root()
        .join("tests-c")
        .join("prebuilt")
        .join(format!("{name}.wasm"))
}

/// Compiles `tests-c/NAME.c` to wasm32-wasi once per test process and
/// returns the `.wasm` path (see [`compile_c`]).
pub fn c_program(name: &str) -> PathBuf {
    let source = repo_root().join("tests-c").join(format!("{name}.c"));
    compile_c(name, &[source], &["-Wall", "-Wextra", "-Werror"])
}

/// Compiles `sources` with `flags` to `NAME.wasm` (wasm32-wasi, -O2) once
/// per test process and returns its path.
///
/// With the toolchain present (the one `.ci/run` installs), the program is
/// built and must be byte for byte the checked-in `tests-c/prebuilt/NAME.wasm`
/// (the build does not depend on where the sources are); with
/// `KILN_UPDATE_PREBUILT=1` the build replaces it instead. Without the
/// toolchain, the checked-in build is used, so that the tests pass on a
/// machine with nothing but Rust.
pub fn compile_c(name: &str, sources: &[PathBuf], flags: &[&str]) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    static TOOLCHAIN: OnceLock<Result<String, String>> = OnceLock::new();
    let version = match TOOLCHAIN.get_or_init(check_toolchain) {
        Ok(version) => version,
        Err(e) => {
            assert!(
                std::env::var_os("KILN_UPDATE_PREBUILT").is_none(),
                "KILN_UPDATE_PREBUILT needs the toolchain: {e}"
            );
            check_prebuilt_sources();
            let path = prebuilt(name);
            assert!(path.exists(), "{e}; and {} is missing", path.display());
            return path;
        }
    };
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-c");
    std::fs::create_dir_all(&out_dir).expect("cannot create the C output directory");
    let out = out_dir.join(format!("{name}.wasm"));
    // Several test binaries may build the same program at once: each writes
    // its own file and renames it into place.
    let tmp = out_dir.join(format!("{name}.{}.tmp.wasm", std::process::id()));
    // Source paths (in `__FILE__`) must not make the build depend on where
    // the checkout is.
    let prefix_maps: Vec<String> = sources
        .iter()
        .filter_map(|s| s.parent())
        .map(|dir| format!("-fmacro-prefix-map={}/=", dir.display()))
        .collect();
    let result = Command::new(clang())
        .args(["--target=wasm32-wasi", "-O2"])
        .args(flags)
        .args(&prefix_maps)
        .arg("-o")
        .arg(&tmp)
        .args(sources)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {SETUP_HINT}", clang()));
    assert!(
        result.status.success(),
        "compiling {name} failed:\n{}\n({SETUP_HINT})",
        String::from_utf8_lossy(&result.stderr)
    );
    std::fs::rename(&tmp, &out).expect("cannot move the compiled program into place");
    check_prebuilt(name, &out, version);
    built.insert(name.to_string(), out.clone());
    out
}

/// Compares a fresh build with the checked-in one, or replaces the
/// checked-in one with `KILN_UPDATE_PREBUILT=1`. The checked-in builds were
/// made by the compiler named in `tests-c/prebuilt/TOOLCHAIN`; another
/// compiler's output is not compared.
fn check_prebuilt(name: &str, fresh: &Path, version: &str) {
    let dir = prebuilt(name).parent().unwrap().to_path_buf();
    let toolchain = dir.join("TOOLCHAIN");
    if std::env::var_os("KILN_UPDATE_PREBUILT").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(fresh, prebuilt(name)).expect("cannot update the checked-in build");
        std::fs::write(&toolchain, format!("{version}\n")).unwrap();
        let sums = Command::new("sha256sum")
            .args(PREBUILT_SOURCES)
            .current_dir(repo_root().join("tests-c"))
            .output()
            .expect("sha256sum runs");
        std::fs::write(dir.join("SOURCES.sha256"), sums.stdout).unwrap();
        return;
    }
    let recorded = std::fs::read_to_string(&toolchain).unwrap_or_default();
    if recorded.trim() != version {
        return;
    }
    let fresh = std::fs::read(fresh).unwrap();
    let checked_in = std::fs::read(prebuilt(name)).unwrap_or_default();
    assert!(
        fresh == checked_in,
        "tests-c/prebuilt/{name}.wasm is not what its sources build to; rebuild the checked-in \
         programs with `KILN_UPDATE_PREBUILT=1 cargo test --release -p kiln-cli --test wasi_c \
         --test real_programs`"
    );
}

/// The sources of the checked-in programs, relative to `tests-c/` (bzip2's
/// are fixed by the `bzip2-sys` version in Cargo.lock).
const PREBUILT_SOURCES: &[&str] = &[
    "args_env.c",
    "clocks_random.c",
    "common.h",
    "escape.c",
    "exit.c",
    "files.c",
    "stdio.c",
];

/// Without the toolchain: fails if a source changed since the checked-in
/// programs were built (`tests-c/prebuilt/SOURCES.sha256`), which would
/// otherwise go on testing the old program.
fn check_prebuilt_sources() {
    let changed = changed_sources(&repo_root().join("tests-c"), "prebuilt/SOURCES.sha256");
    assert!(
        changed.is_none(),
        "tests-c changed since tests-c/prebuilt was built, and there is no toolchain to \
         rebuild it here ({SETUP_HINT}):\n{}",
        changed.unwrap_or_default()
    );
}

/// `None` if the files `sums` (a `sha256sum` listing, relative to `dir`)
/// names are unchanged; otherwise `sha256sum --check`'s report.
pub fn changed_sources(dir: &Path, sums: &str) -> Option<String> {
    let out = Command::new("sha256sum")
        .args(["--check", sums])
        .current_dir(dir)
        .output()
        .expect("sha256sum runs");
    (!out.status.success()).then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The compiler's version line, or why it cannot be run.
fn check_toolchain() -> Result<String, String> {
    match Command::new(clang()).arg("--version").output() {
        Ok(o) if o.status.success() => {
            // The compiler alone is not enough: the sysroot and linker must
            // be there too.
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-c");
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let probe = dir.join(format!("probe.{}.c", std::process::id()));
            std::fs::write(&probe, "int main(void) { return 0; }\n").map_err(|e| e.to_string())?;
            let built = Command::new(clang())
                .args(["--target=wasm32-wasi", "-o"])
                .arg(probe.with_extension("wasm"))
                .arg(&probe)
                .output()
                .map_err(|e| e.to_string())?;
            if !built.status.success() {
                return Err(format!(
                    "{} cannot build for wasm32-wasi: {}; {SETUP_HINT}",
                    clang(),
                    String::from_utf8_lossy(&built.stderr)
                ));
            }
            Ok(String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string())
        }
        Ok(o) => Err(format!(
            "`{} --version` failed: {}; {SETUP_HINT}",
            clang(),
            String::from_utf8_lossy(&o.stderr)
        )),
        Err(e) => Err(format!("`{}` not found ({e}); {SETUP_HINT}", clang())),
    }
}

/// Asserts a one-line `Error: ...` report with exit code 1 that contains
/// `needle` (and no panic).
#[track_caller]
pub fn assert_one_line_error(out: &Run, needle: &str) {
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(out.stderr.starts_with("Error: "), "{out:#?}");
    assert!(out.stderr.contains(needle), "{needle:?} not in {out:#?}");
    assert_eq!(out.stderr.lines().count(), 1, "{out:#?}");
    assert!(!out.stderr.contains("panicked"), "{out:#?}");
}
