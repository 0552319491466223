//! `kiln compile` and running its `.cwasm` output: same behaviour as the
//! source module, loads without compiling (much faster), and refuses
//! artifacts that were tampered with or built for another configuration.

mod common;

use common::{Run, assert_one_line_error, run, scratch, write};
use std::path::Path;

/// A WASI command that prints its arguments (one `fd_write` per argument,
/// straight out of `args_get`'s buffer) and exits with `proc_exit(argc)`.
const ECHO: &str = r#"
(module $echo
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $n))
  (func (export "_start") (local $argc i32) (local $i i32) (local $p i32) (local $len i32)
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (local.set $argc (i32.load (i32.const 0)))
    ;; argv pointers at 1024, strings at 2048
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $argc)))
      (local.set $p (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $len (call $strlen (local.get $p)))
      ;; print the string with '\n' in place of its NUL
      (i32.store8 (i32.add (local.get $p) (local.get $len)) (i32.const 10))
      (i32.store (i32.const 16) (local.get $p))
      (i32.store (i32.const 20) (i32.add (local.get $len) (i32.const 1)))
      (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (call $proc_exit (local.get $argc))))
"#;

const TRAP: &str = r#"
(module $trapper
  (func $inner (unreachable))
  (func $outer (call $inner))
  (func (export "_start") (call $outer)))
"#;

fn outcome(r: &Run) -> (Option<i32>, &str, &str) {
    (r.code, &r.stdout, &r.stderr)
}

/// `kiln compile FILE -o OUT` and checks that it said nothing.
fn compile(dir: &Path, args: &[&str]) {
    let mut all = vec!["compile"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert_eq!(outcome(&out), (Some(0), "", ""), "kiln compile {args:?}");
}

#[test]
fn a_precompiled_module_runs_like_its_source() {
    let dir = scratch("roundtrip");
    write(&dir, "echo.wat", ECHO);
    compile(&dir, &["echo.wat", "-o", "echo.cwasm"]);
    let src = run(&dir, &["run", "echo.wat", "one", "-two", "--three"]);
    let pre = run(
        &dir,
        &[
            "run",
            "--allow-precompiled",
            "echo.cwasm",
            "one",
            "-two",
            "--three",
        ],
    );
    assert_eq!(
        outcome(&src),
        (Some(4), "echo.wat\none\n-two\n--three\n", "")
    );
    // argv[0] is the name of the file that was run.
    assert_eq!(
        outcome(&pre),
        (Some(4), "echo.cwasm\none\n-two\n--three\n", "")
    );

    write(&dir, "trap.wat", TRAP);
    compile(&dir, &["trap.wat", "-o", "trap.cwasm"]);
    let src = run(&dir, &["run", "trap.wat"]);
    let pre = run(&dir, &["run", "--allow-precompiled", "trap.cwasm"]);
    assert_eq!(src.code, Some(134), "{src:#?}");
    // The backtrace (names included) survives precompilation.
    assert_eq!(
        outcome(&pre),
        (
            Some(134),
            "",
            src.stderr.replace("trap.wat", "trap.cwasm").as_str()
        )
    );
    assert!(pre.stderr.contains("trapper!inner"), "{pre:#?}");
}

#[test]
fn the_output_defaults_to_file_dot_cwasm() {
    let dir = scratch("default-out");
    write(&dir, "echo.wat", ECHO);
    compile(&dir, &["echo.wat"]);
    assert!(dir.join("echo.cwasm").is_file());
    let out = run(&dir, &["run", "--allow-precompiled", "echo.cwasm"]);
    assert_eq!(outcome(&out), (Some(1), "echo.cwasm\n", ""));
}

#[test]
fn precompiled_modules_are_recognised_by_content() {
    let dir = scratch("magic");
    write(&dir, "echo.wat", ECHO);
    compile(&dir, &["echo.wat", "-o", "echo.cwasm"]);
    std::fs::copy(dir.join("echo.cwasm"), dir.join("renamed.wasm")).unwrap();
    std::fs::copy(dir.join("echo.cwasm"), dir.join("no-extension")).unwrap();
    for name in ["renamed.wasm", "no-extension", "echo.cwasm"] {
        // Native code never runs unless the user asks for it, whatever the
        // file is called.
        let out = run(&dir, &["run", name, "x"]);
        assert_one_line_error(
            &out,
            &format!("`{name}` is a precompiled module (native code); pass --allow-precompiled"),
        );
        let out = run(&dir, &["run", "--allow-precompiled", name, "x"]);
        assert_eq!(
            outcome(&out),
            (Some(2), format!("{name}\nx\n").as_str(), "")
        );
    }
    // Compiling an artifact again is refused.
    let out = run(&dir, &["compile", "renamed.wasm", "-o", "again.cwasm"]);
    assert_one_line_error(&out, "`renamed.wasm` is already precompiled");
}

#[test]
fn tampered_artifacts_are_refused() {
    let dir = scratch("tampered");
    write(&dir, "echo.wat", ECHO);
    compile(&dir, &["echo.wat", "-o", "echo.cwasm"]);
    let good = std::fs::read(dir.join("echo.cwasm")).unwrap();

    // Claims to come from another Kiln version.
    let version = format!("kiln = {}", env!("CARGO_PKG_VERSION"));
    let other = format!("kiln = {}", "9".repeat(env!("CARGO_PKG_VERSION").len()));
    let at = good
        .windows(version.len())
        .position(|w| w == version.as_bytes())
        .expect("the artifact names the Kiln version that built it");
    let mut forged = good.clone();
    forged[at..at + other.len()].copy_from_slice(other.as_bytes());
    std::fs::write(dir.join("forged.cwasm"), forged).unwrap();
    let out = run(&dir, &["run", "--allow-precompiled", "forged.cwasm"]);
    assert_one_line_error(&out, "failed to load precompiled module `forged.cwasm`");
    assert!(out.stderr.contains("incompatible"), "{out:#?}");

    // Cut short.
    std::fs::write(dir.join("short.cwasm"), &good[..good.len() / 2]).unwrap();
    let out = run(&dir, &["run", "--allow-precompiled", "short.cwasm"]);
    assert_one_line_error(&out, "failed to load precompiled module `short.cwasm`");

    // Not an artifact at all, but named like one.
    write(&dir, "junk.cwasm", "definitely not machine code");
    let out = run(&dir, &["run", "--allow-precompiled", "junk.cwasm"]);
    assert_one_line_error(&out, "not a precompiled Kiln module");
}

#[test]
fn artifacts_for_another_configuration_are_refused() {
    let dir = scratch("mismatch");
    write(&dir, "echo.wat", ECHO);
    compile(&dir, &["-O", "none", "echo.wat", "-o", "unoptimised.cwasm"]);
    compile(&dir, &["echo.wat", "-o", "default.cwasm"]);
    compile(&dir, &["--fuel", "1", "echo.wat", "-o", "fuel.cwasm"]);
    compile(
        &dir,
        &["--wasm", "wide-arithmetic", "echo.wat", "-o", "wide.cwasm"],
    );

    for (flags, file, difference) in [
        (
            &[][..],
            "unoptimised.cwasm",
            "the file has opt_level = none; this kiln has opt_level = speed",
        ),
        (
            &["--fuel", "1000000"][..],
            "default.cwasm",
            "the file has consume_fuel: false; this kiln has consume_fuel: true",
        ),
        (
            &[][..],
            "fuel.cwasm",
            "the file has consume_fuel: true; this kiln has consume_fuel: false",
        ),
        (
            &[][..],
            "wide.cwasm",
            "the file has wasm feature WIDE_ARITHMETIC",
        ),
        (
            &["-O", "size"][..],
            "default.cwasm",
            "opt_level = speed_and_size",
        ),
    ] {
        let mut args = vec!["run", "--allow-precompiled"];
        args.extend_from_slice(flags);
        args.push(file);
        let out = run(&dir, &args);
        assert_one_line_error(&out, "incompatible");
        assert!(
            out.stderr.contains(difference),
            "{difference:?} not in {out:#?}"
        );
        assert!(
            out.stderr.contains("compile it again with `kiln compile`"),
            "{out:#?}"
        );
    }
    // With matching flags they run.
    for (flags, file) in [
        (&["-O", "none"][..], "unoptimised.cwasm"),
        (&["--fuel", "1000000"][..], "fuel.cwasm"),
        (&["-W", "wide-arithmetic=y"][..], "wide.cwasm"),
    ] {
        let mut args = vec!["run", "--allow-precompiled"];
        args.extend_from_slice(flags);
        args.push(file);
        let out = run(&dir, &args);
        assert_eq!(outcome(&out), (Some(1), format!("{file}\n").as_str(), ""));
    }
}

#[test]
fn compile_errors_are_one_line() {
    let dir = scratch("compile-errors");
    let out = run(&dir, &["compile", "missing.wasm"]);
    assert_one_line_error(&out, "failed to read `missing.wasm`");
    write(&dir, "bad.wasm", b"\0asm\x01\0\0\0\x01");
    let out = run(&dir, &["compile", "bad.wasm"]);
    assert_one_line_error(&out, "failed to compile `bad.wasm`");
    write(&dir, "echo.wat", ECHO);
    let out = run(
        &dir,
        &["compile", "echo.wat", "-o", "no/such/dir/echo.cwasm"],
    );
    assert_one_line_error(&out, "failed to write `no/such/dir/echo.cwasm`");
    let out = run(&dir, &["compile"]);
    assert_eq!(out.code, Some(2), "{out:#?}");
}

/// A module with `n` exported functions of straight-line arithmetic that
/// call each other in chains of ten.
fn big_module(n: usize) -> Vec<u8> {
    let mut wat = String::from("(module\n");
    for i in 0..n {
        wat.push_str(&format!(
            "(func (export \"f{i}\") (param i32) (result i32) (local i32)\n"
        ));
        for k in 0..12 {
            wat.push_str(&format!(
                "(local.set 1 (i32.add (i32.mul (local.get 1) (i32.const {})) \
                 (i32.xor (local.get 0) (i32.const {k}))))\n",
                i * 7 + k
            ));
        }
        if i + 1 < n && i % 10 != 9 {
            wat.push_str(&format!("(drop (call {} (local.get 0)))\n", i + 1));
        }
        wat.push_str("(local.get 1))\n");
    }
    wat.push(')');
    wat::parse_str(&wat).expect("the generated module parses")
}

/// A large precompiled module (3,000 functions calling each other) gives
/// the same answer as its source. How much faster loading is than
/// compiling is measured in `benches/` ("deserialize"), not asserted here.
#[test]
fn a_large_precompiled_module_runs_like_its_source() {
    let dir = scratch("large");
    std::fs::write(dir.join("big.wasm"), big_module(3000)).unwrap();
    compile(&dir, &["big.wasm", "-o", "big.cwasm"]);
    for f in ["f0", "f1234", "f2999"] {
        let args = |file| ["run", "--allow-precompiled", "--invoke", f, file, "3"];
        let source = run(&dir, &args("big.wasm")).success().to_string();
        let precompiled = run(&dir, &args("big.cwasm")).success().to_string();
        assert_eq!(source, precompiled, "{f}");
        assert!(!source.trim().is_empty());
    }
}
