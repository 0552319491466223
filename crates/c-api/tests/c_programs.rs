//! Runs the C programs in `tests/c/`: each is compiled with the system's
//! C compiler against `include/wasm.h` (and `kiln.h`) and linked with this
//! package's `libkiln.so`, then run in a directory holding every
//! `tests/c/*.wat` converted to `.wasm`. A program checks its own results
//! and exits with 0 when all were right.
//!
//! Each program also runs built with `-fsanitize=address` (which includes
//! LeakSanitizer), and must run with no report. A `wasm-functions` test
//! links a program that takes the address of every function the headers
//! declare, so a declared but missing function fails the build.
//!
//! The C compiler is `$CC`, else the first of `clang-14`, `clang`, `cc`
//! found. Without a compiler that has AddressSanitizer's runtime the
//! sanitizer runs are reported as ignored, unless `KILN_REQUIRE_ASAN=1`
//! (as `.ci/run` sets) makes that a failure.

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where cargo put `libkiln.so`: the `deps` directory this test runs from.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    exe.parent().expect("the deps directory").to_path_buf()
}

fn compiler() -> String {
    if let Ok(cc) = std::env::var("CC") {
        return cc;
    }
    for cc in ["clang-14", "clang", "cc"] {
        if Command::new(cc)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return cc.to_string();
        }
    }
    "cc".to_string()
}

/// Whether the compiler can build and run a sanitized program here.
fn asan_works() -> bool {
    static WORKS: OnceLock<bool> = OnceLock::new();
    *WORKS.get_or_init(|| {
        let dir = scratch("asan-probe");
        let src = dir.join("probe.c");
        std::fs::write(&src, "int main(void) { return 0; }\n").unwrap();
        let exe = dir.join("probe");
        let built = Command::new(compiler())
            .args(["-fsanitize=address", "-o"])
            .arg(&exe)
            .arg(&src)
            .output()
            .is_ok_and(|o| o.status.success());
        built && Command::new(&exe).status().is_ok_and(|s| s.success())
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("c-api")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Converts every `tests/c/*.wat` into `dir/NAME.wasm`.
fn write_modules(dir: &Path) -> Result<(), Failed> {
    for entry in std::fs::read_dir(package_dir().join("tests/c")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "wat") {
            let wasm = wat::parse_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path.file_stem().unwrap();
            std::fs::write(dir.join(name).with_extension("wasm"), wasm).unwrap();
        }
    }
    Ok(())
}

/// Compiles `source` into `dir`, returning the executable.
fn build(source: &Path, dir: &Path, sanitize: bool) -> Result<PathBuf, Failed> {
    let exe = dir.join(source.file_stem().unwrap());
    let lib = library_dir();
    let mut cc = Command::new(compiler());
    cc.args(["-std=c11", "-g", "-Wall", "-Wextra", "-Werror", "-pthread"])
        .arg("-I")
        .arg(package_dir().join("include"))
        .arg("-o")
        .arg(&exe)
        .arg(source)
        .arg(format!("-L{}", lib.display()))
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-lkiln");
    if sanitize {
        cc.args(["-fsanitize=address", "-fno-omit-frame-pointer"]);
    }
    let out = cc
        .output()
        .map_err(|e| format!("cannot run the C compiler: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "compiling {} failed:\n{}",
            source.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(exe)
}

fn run_program(source: &Path, sanitize: bool) -> Result<(), Failed> {
    let name = source.file_stem().unwrap().to_string_lossy();
    let dir = scratch(&format!("{name}{}", if sanitize { "-asan" } else { "" }));
    write_modules(&dir)?;
    let exe = build(source, &dir, sanitize)?;
    let out = Command::new(&exe)
        .current_dir(&dir)
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:allow_user_segv_handler=1",
        )
        .env("LSAN_OPTIONS", "report_objects=1")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "{name} exited with {}\n--- stdout\n{}--- stderr\n{stderr}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        )
        .into());
    }
    if stderr.contains("Sanitizer") {
        return Err(format!("{name}: sanitizer report\n{stderr}").into());
    }
    Ok(())
}

/// Links a program that takes the address of every function `wasm.h` and
/// `kiln.h` declare (listed in `include/*-functions.txt`).
fn every_function_links() -> Result<(), Failed> {
    let include = package_dir().join("include");
    let mut names = Vec::new();
    for list in ["wasm-functions.txt", "kiln-functions.txt"] {
        let text =
            std::fs::read_to_string(include.join(list)).map_err(|e| format!("{list}: {e}"))?;
        names.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    }
    let mut src = String::from(
        "#include <wasm.h>\n#include <kiln.h>\n#include <stdio.h>\nvoid *functions[] = {\n",
    );
    for n in &names {
        src.push_str(&format!("    (void *)&{n},\n"));
    }
    src.push_str("};\nint main(void) {\n    size_t n = sizeof functions / sizeof functions[0];\n    for (size_t i = 0; i < n; i++) if (!functions[i]) return 1;\n    printf(\"%zu functions\\n\", n);\n    return 0;\n}\n");
    let dir = scratch("every-function");
    let source = dir.join("every_function.c");
    std::fs::write(&source, src).unwrap();
    let exe = build(&source, &dir, false)?;
    let out = Command::new(&exe).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err("the program failed".into());
    }
    let printed = String::from_utf8_lossy(&out.stdout);
    if printed.trim() != format!("{} functions", names.len()) {
        return Err(format!("unexpected output: {printed}").into());
    }
    Ok(())
}

/// Builds `libkiln.so` for this profile: `cargo test` builds only what
/// tests link against, and nothing links this library's Rust side.
fn build_library() {
    let release = library_dir()
        .parent()
        .is_some_and(|p| p.ends_with("release"));
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["build", "--lib", "-p", "kiln-c-api"]);
    if release {
        cargo.arg("--release");
    }
    let status = cargo.status().expect("cargo runs");
    assert!(status.success(), "building libkiln failed");
}

fn main() {
    build_library();
    let args = Arguments::from_args();
    let require_asan = std::env::var("KILN_REQUIRE_ASAN").is_ok_and(|v| v == "1");
    let skip_asan = !require_asan && !asan_works();
    if skip_asan {
        eprintln!(
            "the C compiler cannot build sanitized programs here: the -asan tests are ignored"
        );
    }
    let mut sources: Vec<PathBuf> = std::fs::read_dir(package_dir().join("tests/c"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    sources.sort();
    let mut trials = vec![Trial::test("every-function-links", every_function_links)];
    for source in sources {
        let name = source.file_stem().unwrap().to_string_lossy().into_owned();
        let plain = source.clone();
        trials.push(Trial::test(name.clone(), move || {
            run_program(&plain, false)
        }));
        trials.push(
            Trial::test(format!("{name}-asan"), move || {
                if !asan_works() {
                    return Err("no AddressSanitizer here, and KILN_REQUIRE_ASAN=1".into());
                }
                run_program(&source, true)
            })
            .with_ignored_flag(skip_asan),
        );
    }
    libtest_mimic::run(&args, trials).exit();
}
