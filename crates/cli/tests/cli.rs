//! `kiln` as a user meets it: help, flags, `run` on small `.wat` programs,
//! `--invoke`, exit codes, traps and every error path. (The C programs are
//! in `wasi_c.rs`; `compile` is in `aot.rs`.)

mod common;

use common::{Run, assert_one_line_error, run, scratch, write};

/// A WASI command: writes "hello from wat\n" to stdout, then calls
/// `proc_exit` with its first i32 global (`exit_code`).
const HELLO: &str = r#"
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wat\n")
  (func (export "_start")
    ;; iovec at 0: { buf = 16, len = 15 }
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 15))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 17))))
"#;

/// A named module whose `_start` divides by zero two calls deep.
const TRAP: &str = r#"
(module $trapper
  (func $divide (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $compute (result i32)
    (call $divide (i32.const 1) (i32.const 0)))
  (func $start (export "_start")
    (drop (call $compute))))
"#;

const FIB: &str = r#"
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
"#;

/// Runs `kiln ARGS` in a scratch directory holding `files`.
fn run_in(files: &[(&str, &str)], args: &[&str]) -> Run {
    let dir = scratch("cli");
    for (name, text) in files {
        write(&dir, name, text);
    }
    run(&dir, args)
}

#[test]
fn help_says_what_each_command_does() {
    let dir = scratch("help");
    let top = run(&dir, &["--help"]);
    let top = top.success();
    for line in [
        "run      Run a WebAssembly program (.wasm, .wat or .cwasm) with WASI",
        "compile  Compile a module ahead of time into a .cwasm file for `kiln run`",
        "wast     Run .wast test scripts",
    ] {
        assert!(top.contains(line), "{line:?} not in:\n{top}");
    }
    let help = run(&dir, &["run", "--help"]);
    let help = help.success();
    for flag in [
        "--dir <HOST[::GUEST]>",
        "--env <NAME[=VALUE]>",
        "--invoke <NAME>",
        "--fuel <N>",
        "--max-wasm-stack <BYTES>",
        "-O, --opt-level <LEVEL>",
        "-W, --wasm <FEATURE[=y|n]>",
        "-C, --codegen <KEY[=VAL]>",
        "--argv0 <NAME>",
        "Usage: kiln run [OPTIONS] <FILE> [ARGS]...",
        "exits with code 134",
    ] {
        assert!(help.contains(flag), "{flag:?} not in:\n{help}");
    }
    let help = run(&dir, &["compile", "--help"]);
    let help = help.success();
    assert!(help.contains("-o, --output <OUT>"), "{help}");
    assert!(
        help.contains("Usage: kiln compile [OPTIONS] <FILE>"),
        "{help}"
    );
    let version = run(&dir, &["--version"]);
    assert_eq!(
        version.success(),
        format!("kiln {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_command_runs_and_exits_with_its_proc_exit_code() {
    let out = run_in(&[("hello.wat", HELLO)], &["run", "hello.wat"]);
    assert_eq!(out.code, Some(17), "{out:#?}");
    assert_eq!(out.stdout, "hello from wat\n");
    assert_eq!(out.stderr, "");
}

#[test]
fn a_binary_module_runs_too() {
    let dir = scratch("binary");
    let bytes = wat::parse_str(HELLO).unwrap();
    std::fs::write(dir.join("hello.wasm"), bytes).unwrap();
    let out = run(&dir, &["run", "hello.wasm"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(17), "hello from wat\n")
    );
}

/// `wasmtime run trap.wat` prints this (Kiln too, give or take the code
/// offsets):
///
/// ```text
/// Error: failed to run main module `trap.wat`
///
/// Caused by:
///     0: failed to invoke command default
///     1: error while executing at wasm backtrace:
///            0:   0x2a - trapper!divide
///            1:   0x33 - trapper!compute
///            2:   0x3a - trapper!start
///     2: wasm trap: integer divide by zero
/// ```
///
/// and exits with 134 on Unix.
#[test]
fn a_trap_prints_the_trap_and_its_backtrace_and_exits_134() {
    let out = run_in(&[("trap.wat", TRAP)], &["run", "trap.wat"]);
    assert_eq!(out.code, Some(134), "{out:#?}");
    assert_eq!(out.stdout, "");
    let err = &out.stderr;
    assert!(
        err.starts_with(
            "Error: failed to run main module `trap.wat`\n\nCaused by:\n    \
             0: failed to invoke command default\n    \
             1: error while executing at wasm backtrace:\n"
        ),
        "{err}"
    );
    let frames: Vec<&str> = err.lines().skip(5).take(3).collect();
    assert_eq!(frames.len(), 3, "{err}");
    let names = ["trapper!divide", "trapper!compute", "trapper!start"];
    for (i, (frame, name)) in frames.iter().zip(names).enumerate() {
        let prefix = format!("           {i}:");
        assert!(frame.starts_with(&prefix), "frame {i} is {frame:?}:\n{err}");
        assert!(
            frame.ends_with(&format!(" - {name}")),
            "frame {i} is {frame:?}:\n{err}"
        );
    }
    assert!(
        err.ends_with("\n    2: wasm trap: integer divide by zero\n"),
        "{err}"
    );
}

#[test]
fn a_trap_in_the_start_function_is_reported_as_a_trap() {
    let wat = r#"(module (func $boom unreachable) (start $boom))"#;
    let out = run_in(&[("start.wat", wat)], &["run", "start.wat"]);
    assert_eq!(out.code, Some(134), "{out:#?}");
    assert!(
        out.stderr
            .starts_with("Error: failed to instantiate `start.wat`\n"),
        "{out:#?}"
    );
    assert!(out.stderr.ends_with("wasm trap: unreachable\n"), "{out:#?}");
}

#[test]
fn invoke_parses_arguments_and_prints_results() {
    let out = run_in(
        &[("fib.wat", FIB)],
        &["run", "--invoke", "fib", "fib.wat", "20"],
    );
    assert_eq!(out.success(), "6765\n");
    assert_eq!(out.stderr, "");
    // After FILE everything belongs to the program (as in wasmtime). A
    // module with no `_start` has no use for ARGS, so Kiln's first form,
    // `kiln run FILE --invoke NAME ARGS`, still invokes NAME there.
    let out = run_in(
        &[("fib.wat", FIB)],
        &["run", "fib.wat", "--invoke", "fib", "20"],
    );
    assert_eq!(out.success(), "6765\n");
    assert_eq!(out.stderr, "");
    // Anywhere else in ARGS, `--invoke` is the program's: nothing runs, and
    // Kiln hints at the right order.
    let out = run_in(
        &[("fib.wat", FIB)],
        &["run", "fib.wat", "20", "--invoke", "fib"],
    );
    assert_eq!(out.success(), "");
    assert!(
        out.stderr.starts_with("warning: `fib.wat` has no `_start`"),
        "{out:#?}"
    );

    let wat = r#"(module
      (func (export "mix") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
        local.get 3 local.get 2 local.get 1 local.get 0)
      (func (export "nothing")))"#;
    let out = run_in(
        &[("mix.wat", wat)],
        &[
            "run",
            "--invoke",
            "mix",
            "mix.wat",
            "0xff",
            "-9000000000",
            "1.5",
            "-0.25",
        ],
    );
    assert_eq!(out.success(), "-0.25\n1.5\n-9000000000\n255\n");
    let out = run_in(
        &[("mix.wat", wat)],
        &["run", "--invoke", "nothing", "mix.wat"],
    );
    assert_eq!(out.success(), "");
    // An unsigned i32 wraps like wasmtime's parser does not, but as the bits say.
    let out = run_in(
        &[("mix.wat", wat)],
        &[
            "run",
            "--invoke",
            "mix",
            "mix.wat",
            "4294967295",
            "0",
            "0",
            "0",
        ],
    );
    assert_eq!(out.success(), "0\n0\n0\n-1\n");
}

#[test]
fn invoke_errors_are_one_line() {
    let files = [("fib.wat", FIB)];
    let out = run_in(&files, &["run", "--invoke", "fib", "fib.wat", "ten"]);
    assert_one_line_error(&out, "`ten` is not an i32");
    let out = run_in(&files, &["run", "--invoke", "fib", "fib.wat"]);
    assert_one_line_error(
        &out,
        "not enough arguments for `fib`: it takes 1 but 0 were given",
    );
    let out = run_in(&files, &["run", "--invoke", "nope", "fib.wat"]);
    assert_one_line_error(&out, "no exported function named `nope`");
    let out = run_in(
        &files,
        &["run", "--invoke", "fib", "fib.wat", "99999999999"],
    );
    assert_one_line_error(&out, "`99999999999` is not an i32");
}

#[test]
fn a_reactor_is_initialised_before_invoke() {
    let wat = r#"(module
      (global $g (mut i32) (i32.const 0))
      (func (export "_initialize") (global.set $g (i32.const 41)))
      (func (export "get") (result i32) (i32.add (global.get $g) (i32.const 1))))"#;
    let out = run_in(&[("r.wat", wat)], &["run", "--invoke", "get", "r.wat"]);
    assert_eq!(out.success(), "42\n");
}

#[test]
fn a_module_without_start_is_only_instantiated() {
    let out = run_in(&[("fib.wat", FIB)], &["run", "fib.wat"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (Some(0), "", "")
    );
}

#[test]
fn missing_and_broken_files_are_one_line_errors() {
    let out = run_in(&[], &["run", "nope.wasm"]);
    assert_one_line_error(
        &out,
        "failed to read `nope.wasm`: No such file or directory",
    );

    let out = run_in(&[("bad.wasm", "\0asm\x01\0\0\0\x7f")], &["run", "bad.wasm"]);
    assert_one_line_error(&out, "failed to compile `bad.wasm`");

    // A directory is not a module.
    let dir = scratch("dir-as-module");
    std::fs::create_dir(dir.join("sub")).unwrap();
    let out = run(&dir, &["run", "sub"]);
    assert_one_line_error(&out, "failed to read `sub`");

    // Text that does not parse: the error starts with a clear line (the
    // `wat` crate then shows where).
    let out = run_in(
        &[("bad.wat", "(module (func (i32.bogus)))")],
        &["run", "bad.wat"],
    );
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(
        out.stderr
            .starts_with("Error: failed to compile `bad.wat`: "),
        "{out:#?}"
    );
    assert!(!out.stderr.contains("panicked"), "{out:#?}");
}

#[test]
fn a_missing_import_is_a_one_line_error() {
    let wat = r#"(module (import "env" "callback" (func (param i32))))"#;
    let out = run_in(&[("imp.wat", wat)], &["run", "imp.wat"]);
    assert_one_line_error(
        &out,
        "failed to instantiate `imp.wat`: unknown import: `env::callback` has not been defined",
    );
    // A WASI function with the wrong type is refused, not called.
    let wat = r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i64))))"#;
    let out = run_in(&[("imp.wat", wat)], &["run", "imp.wat"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(
        out.stderr
            .starts_with("Error: failed to instantiate `imp.wat`: "),
        "{out:#?}"
    );
}

#[test]
fn bad_flags_are_reported_by_the_parser() {
    let files = [("fib.wat", FIB)];
    let out = run_in(&files, &["run", "--bogus", "fib.wat"]);
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert!(
        out.stderr
            .starts_with("error: unexpected argument '--bogus' found\n"),
        "{out:#?}"
    );

    let out = run_in(&files, &["run", "-O", "fast", "fib.wat"]);
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert!(
        out.stderr
            .starts_with("error: invalid value 'fast' for '--opt-level <LEVEL>': "),
        "{out:#?}"
    );
    let out = run_in(&files, &["run", "--fuel", "lots", "fib.wat"]);
    assert_eq!(out.code, Some(2), "{out:#?}");
    let out = run_in(&files, &["run"]);
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert!(out.stderr.contains("<FILE>"), "{out:#?}");
    let out = run_in(&files, &["frobnicate"]);
    assert_eq!(out.code, Some(2), "{out:#?}");

    let out = run_in(&files, &["run", "--wasm", "gc", "fib.wat"]);
    assert_one_line_error(&out, "unknown wasm feature `gc`");
    let out = run_in(&files, &["run", "--wasm", "simd=maybe", "fib.wat"]);
    assert_one_line_error(&out, "expected `simd=y` or `simd=n`");
    let out = run_in(&files, &["run", "--env", "=x", "fib.wat"]);
    assert_one_line_error(&out, "expected NAME or NAME=VALUE");
    let out = run_in(&files, &["run", "--dir", "a::", "fib.wat"]);
    assert_one_line_error(&out, "expected HOST or HOST::GUEST");
    let out = run_in(&files, &["run", "--max-wasm-stack", "0", "fib.wat"]);
    assert_one_line_error(&out, "--max-wasm-stack must be more than 0 bytes");
    let out = run_in(&files, &["run", "-C", "cache=maybe", "fib.wat"]);
    assert_one_line_error(&out, "expected `cache=y` or `cache=n`");
    let out = run_in(&files, &["run", "-C", "cache-dir", "fib.wat"]);
    assert_one_line_error(&out, "`-C cache-dir` needs a directory");
    let out = run_in(&files, &["run", "-C", "inline=y", "fib.wat"]);
    assert_one_line_error(&out, "unknown codegen option `inline`");
}

#[test]
fn opt_levels_give_the_same_answer() {
    for level in [
        "none",
        "speed",
        "size",
        "opt-level=0",
        "opt-level=2",
        "opt-level=s",
    ] {
        let out = run_in(
            &[("fib.wat", FIB)],
            &["run", "-O", level, "--invoke", "fib", "fib.wat", "25"],
        );
        assert_eq!(out.success(), "75025\n", "-O {level}");
    }
}

/// Spins forever.
const LOOP: &str = r#"(module (func (export "_start") (loop (br 0))))"#;

#[test]
fn fuel_stops_a_runaway_program() {
    for flags in [&["--fuel", "100000"][..], &["-W", "fuel=100000"][..]] {
        let mut args = vec!["run"];
        args.extend_from_slice(flags);
        args.push("loop.wat");
        let out = run_in(&[("loop.wat", LOOP)], &args);
        assert_eq!(out.code, Some(134), "{out:#?}");
        assert!(
            out.stderr.ends_with("wasm trap: all fuel consumed\n"),
            "{out:#?}"
        );
    }
    // Enough fuel: the program finishes as without fuel.
    let out = run_in(
        &[("fib.wat", FIB)],
        &[
            "run",
            "--fuel",
            "100000000",
            "--invoke",
            "fib",
            "fib.wat",
            "20",
        ],
    );
    assert_eq!(out.success(), "6765\n");
}

#[test]
fn max_wasm_stack_limits_recursion() {
    let wat = r#"(module
      (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))"#;
    let files = [("deep.wat", wat)];
    let out = run_in(&files, &["run", "--invoke", "down", "deep.wat", "5000"]);
    assert_eq!(out.success(), "5000\n");
    for flags in [
        &["--max-wasm-stack", "16384"][..],
        &["-W", "max-wasm-stack=16384"][..],
    ] {
        let mut args = vec!["run"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["--invoke", "down", "deep.wat", "5000"]);
        let out = run_in(&files, &args);
        assert_eq!(out.code, Some(134), "{out:#?}");
        assert!(
            out.stderr.ends_with("wasm trap: call stack exhausted\n"),
            "{out:#?}"
        );
    }
}

#[test]
fn wasm_features_can_be_switched() {
    let multi = r#"(module (memory 1) (memory $b 1)
      (func (export "f") (result i32) (i32.load $b (i32.const 0))))"#;
    let files = [("multi.wat", multi)];
    // Multi-memory is on by default, as in wasmtime.
    let out = run_in(&files, &["run", "--invoke", "f", "multi.wat"]);
    assert_eq!(out.success(), "0\n");
    let out = run_in(
        &files,
        &[
            "run",
            "--wasm",
            "multi-memory=n",
            "--invoke",
            "f",
            "multi.wat",
        ],
    );
    assert_one_line_error(&out, "failed to compile `multi.wat`");
    let out = run_in(
        &files,
        &["run", "-W", "multi_memory=y", "--invoke", "f", "multi.wat"],
    );
    assert_eq!(out.success(), "0\n");

    let simd = r#"(module (func (export "f") (result i32)
      (i32x4.extract_lane 1 (i32x4.splat (i32.const 7)))))"#;
    let files = [("simd.wat", simd)];
    let out = run_in(&files, &["run", "--invoke", "f", "simd.wat"]);
    assert_eq!(out.success(), "7\n");
    let out = run_in(
        &files,
        &["run", "--wasm", "simd=n", "--invoke", "f", "simd.wat"],
    );
    assert_one_line_error(&out, "failed to compile `simd.wat`");
}

#[test]
fn typed_function_references_and_tail_calls_are_on_by_default() {
    let typed = r#"(module
      (type $t (func (param i32) (result i32)))
      (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
      (elem declare func $double)
      (func $via-ref (param i32) (result i32)
        (call_ref $t (local.get 0) (ref.func $double)))
      (func (export "run") (param i32) (result i32)
        (return_call $via-ref (local.get 0))))"#;
    let files = [("typed.wat", typed)];
    let out = run_in(&files, &["run", "--invoke", "run", "typed.wat", "21"]);
    assert_eq!(out.success(), "42\n");
    for off in ["function-references=n", "tail-call=n"] {
        let out = run_in(
            &files,
            &["run", "-W", off, "--invoke", "run", "typed.wat", "21"],
        );
        assert_one_line_error(&out, "failed to compile `typed.wat`");
    }
}

#[test]
fn guest_arguments_may_look_like_flags() {
    // Everything after FILE is the guest's, `--help` included.
    let out = run_in(
        &[("hello.wat", HELLO)],
        &["run", "hello.wat", "--help", "-x", "--invoke"],
    );
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(17), "hello from wat\n")
    );
}

#[test]
fn the_readme_example_works() {
    let root = common::repo_root();
    let out = run(&root, &["run", "--invoke", "fib", "examples/fib.wat", "30"]);
    assert_eq!(out.success(), "832040\n");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("run --invoke fib examples/fib.wat 30"));
}

/// A script whose second module needs tail calls (off in 2.0).
const WAST: &str = r#"(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 1))
(module (func $f) (func (export "g") (return_call $f)))
(assert_return (invoke "g"))
"#;

#[test]
fn wast_reports_each_failed_directive_and_takes_wasm_switches() {
    let out = run_in(&[("t.wast", WAST)], &["wast", "--spec", "2", "t.wast"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{out:#?}");
    assert!(lines[0].starts_with("t.wast:3: "), "{out:#?}");
    assert!(
        lines[1].starts_with("t.wast:4: the module at line 3 failed"),
        "{out:#?}"
    );
    assert_eq!(lines[2], "wast: 2 passed, 2 failed, 0 skipped");

    let out = run_in(
        &[("t.wast", WAST)],
        &["wast", "--spec", "2", "--wasm", "tail-call=y", "t.wast"],
    );
    assert_eq!(out.success(), "wast: 4 passed, 0 failed, 0 skipped\n");

    let out = run_in(
        &[("t.wast", WAST)],
        &["wast", "-W", "no-such-feature", "t.wast"],
    );
    assert_one_line_error(&out, "unknown wasm feature `no-such-feature`");
}

#[test]
fn lazy_compilation_runs_commands_and_invocations_alike() {
    let dir = scratch("lazy");
    write(&dir, "fib.wat", FIB);
    write(&dir, "hello.wat", HELLO);
    for lazy in ["lazy=y", "lazy=y,cache=n", "cache=n,lazy=n"] {
        let out = run(
            &dir,
            &["run", "-C", lazy, "--invoke", "fib", "fib.wat", "20"],
        );
        assert_eq!(out.success(), "6765\n", "{lazy}");
        let out = run(&dir, &["run", "-C", lazy, "hello.wat"]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (Some(17), "hello from wat\n", ""),
            "{lazy}"
        );
    }
    // A lazily compiled module is not written to the cache...
    run(&dir, &["run", "-C", "lazy=y,cache-dir=c1", "hello.wat"]);
    assert!(cache_entries(&dir.join("c1")).is_empty());
    // ...but one compiled before is loaded from it.
    run(&dir, &["run", "-C", "cache-dir=c2", "hello.wat"]);
    let out = run(&dir, &["run", "-C", "lazy=y,cache-dir=c2", "hello.wat"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(17), "hello from wat\n")
    );
    assert_eq!(cache_entries(&dir.join("c2")).len(), 1);
    let out = run(&dir, &["run", "-C", "lazy=maybe", "hello.wat"]);
    assert_one_line_error(&out, "expected `lazy=y` or `lazy=n`");
}

/// The cache entries (not temporary files) in `dir`, if it exists.
fn cache_entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    read.map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "entry"))
        .collect()
}

/// The inode of `path`: a rewritten entry is a new file renamed into place.
fn inode(path: &std::path::Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[test]
fn the_compilation_cache_is_used_by_default_and_can_be_turned_off() {
    let dir = scratch("cache");
    write(&dir, "fib.wat", FIB);
    write(&dir, "hello.wat", HELLO);
    let cache = dir.join("cache");
    let fib = |extra: &[&str]| {
        let mut args = vec!["run"];
        args.extend_from_slice(extra);
        args.extend(["--invoke", "fib", "fib.wat", "20"]);
        let out = run(&dir, &args);
        assert_eq!(out.success(), "6765\n", "{extra:?}");
        assert_eq!(out.stderr, "", "{extra:?}");
    };

    // The first run writes an entry; the second loads it (the file is not
    // replaced) and gives the same answer.
    fib(&["-C", "cache-dir=cache"]);
    let entries = cache_entries(&cache);
    assert_eq!(entries.len(), 1, "{entries:?}");
    let first = inode(&entries[0]);
    fib(&["-C", "cache-dir=cache"]);
    assert_eq!(cache_entries(&cache), entries);
    assert_eq!(
        inode(&entries[0]),
        first,
        "a hit does not rewrite the entry"
    );

    // A damaged entry is compiled again, and rewritten.
    let bytes = std::fs::read(&entries[0]).unwrap();
    std::fs::write(&entries[0], &bytes[..bytes.len() / 3]).unwrap();
    fib(&["-C", "cache-dir=cache"]);
    assert_eq!(cache_entries(&cache), entries);
    assert_ne!(inode(&entries[0]), first);
    assert_eq!(std::fs::read(&entries[0]).unwrap().len(), bytes.len());

    // Other options that change the code get entries of their own; `-C`
    // items may be joined by commas.
    fib(&["-O", "none", "-C", "cache=y,cache-dir=cache"]);
    assert_eq!(cache_entries(&cache).len(), 2);

    // WASI commands run from the cache just the same (exit code, output).
    for _ in 0..2 {
        let out = run(&dir, &["run", "-C", "cache-dir=cache", "hello.wat"]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (Some(17), "hello from wat\n", "")
        );
    }
    assert_eq!(cache_entries(&cache).len(), 3);

    // `-C cache=n` neither reads nor writes a cache, wherever it is.
    fib(&["-C", "cache=n", "-C", "cache-dir=off"]);
    fib(&["-C", "cache-dir=off,cache=n"]);
    assert!(!dir.join("off").exists());

    // Without `cache-dir`, the cache is $KILN_CACHE_DIR (else
    // $XDG_CACHE_HOME/kiln, else ~/.cache/kiln).
    let out = common::kiln(&dir)
        .env("KILN_CACHE_DIR", dir.join("from-env"))
        .args(["run", "--invoke", "fib", "fib.wat", "20"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "6765\n");
    assert_eq!(cache_entries(&dir.join("from-env")).len(), 1);
    let out = common::kiln(&dir)
        .env_remove("KILN_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.join("xdg"))
        .args(["run", "--invoke", "fib", "fib.wat", "20"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "6765\n");
    assert_eq!(cache_entries(&dir.join("xdg/kiln")).len(), 1);

    // A cache directory that cannot be created only means compiling.
    write(&dir, "a-file", "");
    let out = run(
        &dir,
        &[
            "run",
            "-C",
            "cache-dir=a-file/sub",
            "--invoke",
            "fib",
            "fib.wat",
            "20",
        ],
    );
    assert_eq!(out.code, Some(0), "{out:#?}");
    assert_eq!(out.stdout, "6765\n");
    assert!(
        out.stderr
            .starts_with("warning: compiling without the cache: "),
        "{out:#?}"
    );
    let out = common::kiln(&dir)
        .env("KILN_CACHE_DIR", dir.join("a-file/sub"))
        .args(["run", "--invoke", "fib", "fib.wat", "20"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "6765\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "the default cache is quiet"
    );
}

#[test]
fn precompiled_modules_and_kiln_compile_bypass_the_cache() {
    let dir = scratch("cache-aot");
    write(&dir, "fib.wat", FIB);
    let out = run(&dir, &["compile", "-C", "cache-dir=cache", "fib.wat"]);
    out.success();
    assert!(cache_entries(&dir.join("cache")).is_empty());
    let out = run(
        &dir,
        &[
            "run",
            "-C",
            "cache-dir=cache",
            "--allow-precompiled",
            "--invoke",
            "fib",
            "fib.cwasm",
            "20",
        ],
    );
    assert_eq!(out.success(), "6765\n");
    assert!(cache_entries(&dir.join("cache")).is_empty());
}

#[test]
fn profile_perfmap_names_each_wasm_function_for_perf() {
    let dir = scratch("perfmap");
    write(&dir, "trap.wat", TRAP);
    let child = common::kiln(&dir)
        .args(["run", "-C", "cache=n", "--profile", "perfmap", "trap.wat"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("kiln starts");
    let map = std::path::PathBuf::from(format!("/tmp/perf-{}.map", child.id()));
    let status = child.wait_with_output().unwrap().status;
    assert_eq!(status.code(), Some(134), "the module traps");
    let text = std::fs::read_to_string(&map).expect("kiln wrote its perf map");
    std::fs::remove_file(&map).unwrap();
    for name in ["wasm::divide", "wasm::compute", "wasm::start"] {
        let line = text
            .lines()
            .find(|l| l.ends_with(name))
            .unwrap_or_else(|| panic!("{name} missing from the perf map:\n{text}"));
        let mut fields = line.split(' ');
        let start = u64::from_str_radix(fields.next().unwrap(), 16).unwrap();
        let len = u64::from_str_radix(fields.next().unwrap(), 16).unwrap();
        assert!(start > 0 && len > 0, "{line}");
    }
    let bad = run(&dir, &["run", "--profile", "vtune", "trap.wat"]);
    assert!(
        bad.code != Some(0) && bad.stderr.contains("unknown profiler"),
        "{}",
        bad.stderr
    );
}

/// wasmtime's `-W timeout=DURATION`: a program that never ends is stopped
/// by an epoch interrupt, as a trap.
#[test]
fn a_timeout_stops_a_program_that_never_ends() {
    let forever = r#"(module (func (export "_start") (loop $l (br $l))))"#;
    let out = run_in(
        &[("forever.wat", forever)],
        &["run", "-W", "timeout=200ms", "forever.wat"],
    );
    assert_eq!(out.code, Some(134), "{out:#?}");
    assert!(out.stderr.contains("interrupt"), "{out:#?}");
    assert!(
        run_in(
            &[("f.wat", forever)],
            &["run", "-W", "timeout=soon", "f.wat"]
        )
        .code
            == Some(1)
    );
}

/// wasmtime's `-W max-memory-size=BYTES`: `memory.grow` past it fails.
#[test]
fn max_memory_size_limits_memory_growth() {
    let grow = r#"(module (memory 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let files = [("grow.wat", grow)];
    let limited = [
        "run",
        "-W",
        "max-memory-size=131072",
        "--invoke",
        "grow",
        "grow.wat",
    ];
    // One page more fits in 128 KiB, two do not.
    assert_eq!(
        run_in(&files, &[&limited[..], &["1"]].concat()).success(),
        "1\n"
    );
    assert_eq!(
        run_in(&files, &[&limited[..], &["2"]].concat()).success(),
        "-1\n"
    );
    let free = ["run", "--invoke", "grow", "grow.wat", "2"];
    assert_eq!(run_in(&files, &free).success(), "1\n");
}

/// `-S inherit-env` passes the host's environment (`--env` still wins), and
/// `-S inherit-stdout=n` discards the guest's output.
#[test]
fn wasi_settings_choose_what_the_guest_inherits() {
    let prog = common::c_program("args_env");
    let prog = prog.to_str().unwrap();
    let dir = scratch("inherit");
    let out = common::kiln(&dir)
        .env("KILN_TEST_INHERITED", "from the host")
        .env("KILN_TEST_OVERRIDDEN", "host value")
        .args([
            "run",
            "-S",
            "inherit-env",
            "--env",
            "KILN_TEST_OVERRIDDEN=flag value",
            prog,
        ])
        .output()
        .unwrap();
    let out = Run::from(out);
    let text = out.success();
    assert!(
        text.contains("=KILN_TEST_INHERITED=from the host\n"),
        "{text}"
    );
    assert!(
        text.contains("=KILN_TEST_OVERRIDDEN=flag value\n"),
        "{text}"
    );
    assert!(!text.contains("host value"), "{text}");
    let out = common::kiln(&dir)
        .env("KILN_TEST_INHERITED", "from the host")
        .args(["run", prog])
        .output()
        .unwrap();
    assert!(!Run::from(out).success().contains("KILN_TEST_INHERITED"));
    let out = run(&dir, &["run", "-S", "inherit-stdout=n", prog]);
    assert_eq!(out.success(), "");
    assert_eq!(run(&dir, &["run", "-S", "network", prog]).code, Some(1));
}

/// wasmtime's `--preload NAME=FILE` and `-W unknown-imports-trap|default`.
#[test]
fn preloaded_modules_and_unknown_imports() {
    let lib = r#"(module (func (export "twice") (param i32) (result i32)
        (i32.mul (local.get 0) (i32.const 2))))"#;
    let app = r#"(module
        (import "lib" "twice" (func $twice (param i32) (result i32)))
        (import "missing" "f" (func $missing (result i32)))
        (import "missing" "f" (func $again (result i32)))
        (func (export "run") (param i32) (result i32) (call $twice (local.get 0)))
        (func (export "call-missing") (result i32) (call $missing)))"#;
    let files = [("lib.wat", lib), ("app.wat", app)];
    let base = ["run", "--preload", "lib=lib.wat"];
    // Without a rule for `missing::f`, instantiation fails.
    let out = run_in(
        &files,
        &[&base[..], &["--invoke", "run", "app.wat", "21"]].concat(),
    );
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(out.stderr.contains("missing::f"), "{out:#?}");
    let trap = [&base[..], &["-W", "unknown-imports-trap=y", "--invoke"]].concat();
    let out = run_in(&files, &[&trap[..], &["run", "app.wat", "21"]].concat());
    assert_eq!(out.success(), "42\n");
    let out = run_in(&files, &[&trap[..], &["call-missing", "app.wat"]].concat());
    assert_ne!(out.code, Some(0), "{out:#?}");
    assert!(out.stderr.contains("missing::f"), "{out:#?}");
    let default = [&base[..], &["-W", "unknown-imports-default=y", "--invoke"]].concat();
    let out = run_in(
        &files,
        &[&default[..], &["call-missing", "app.wat"]].concat(),
    );
    assert_eq!(out.success(), "0\n");
}

/// `-W nan-canonicalization=y`: a NaN with payload bits comes out canonical.
#[test]
fn nan_canonicalization_makes_nans_canonical() {
    let nan = r#"(module (func (export "f") (result i32)
        (i32.reinterpret_f32 (f32.add (f32.const nan:0x200001) (f32.const 1)))))"#;
    let files = [("nan.wat", nan)];
    let plain = run_in(&files, &["run", "--invoke", "f", "nan.wat"]);
    let canonical = run_in(
        &files,
        &[
            "run",
            "-W",
            "nan-canonicalization=y",
            "--invoke",
            "f",
            "nan.wat",
        ],
    );
    assert_eq!(canonical.success(), format!("{}\n", 0x7fc0_0000));
    assert_ne!(plain.success(), canonical.success());
}
