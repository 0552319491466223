//! The runner's judgement, directive by directive: what must fail does.

use kiln::Config;
use kiln_wast::{FileReport, Outcome, run_wast};
use wasmparser::WasmFeatures;

fn run(features: WasmFeatures, script: &str) -> FileReport {
    let mut config = Config::new();
    config.wasm_features(features);
    run_wast("test.wast", script, &config).unwrap()
}

/// Each directive's outcome as `(line, "pass" | "fail: …" | "skip: …")`.
fn outcomes(report: &FileReport) -> Vec<(usize, String)> {
    report
        .directives
        .iter()
        .map(|d| {
            let o = match &d.outcome {
                Outcome::Pass => "pass".to_string(),
                Outcome::Fail(m) => format!("fail: {m}"),
                Outcome::Skip(r) => format!("skip: {r}"),
            };
            (d.line, o)
        })
        .collect()
}

fn assert_outcome(report: &FileReport, line: usize, starts_with: &str) {
    let all = outcomes(report);
    let (_, o) = all
        .iter()
        .find(|(l, _)| *l == line)
        .unwrap_or_else(|| panic!("no directive on line {line}: {all:?}"));
    assert!(
        o.starts_with(starts_with),
        "line {line}: expected `{starts_with}…`, got `{o}`"
    );
}

#[test]
fn unsupported_never_answers_assert_invalid_or_malformed() {
    // A valid module Kiln does not implement (a continuation type of stack
    // switching), and valid 3.0 modules.
    let r = run(
        WasmFeatures::WASM3 | WasmFeatures::STACK_SWITCHING,
        r#"
(assert_invalid (module (type $f (func)) (type (cont $f))) "type mismatch")
(assert_malformed (module (func (drop (ref.null any)))) "unexpected end")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
"#,
    );
    assert_outcome(
        &r,
        2,
        "fail: expected an invalid module (type mismatch), but Kiln rejected it as unsupported",
    );
    assert_outcome(&r, 3, "fail: expected a malformed module");
    assert_outcome(&r, 4, "pass");
}

#[test]
fn messages_must_match() {
    let r = run(
        WasmFeatures::WASM2,
        r#"
(assert_invalid (module (func (result i32) (i64.const 0))) "unknown global")
(assert_trap (module (func $f unreachable) (start $f)) "unreachable")
(assert_trap (module (func $f unreachable) (start $f)) "integer overflow")
(module (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))
(assert_trap (invoke "div" (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 0)) "integer overflow")
"#,
    );
    assert_outcome(
        &r,
        2,
        "fail: expected an invalid module (unknown global), got: type mismatch",
    );
    assert_outcome(&r, 3, "pass");
    assert_outcome(
        &r,
        4,
        "fail: expected trap `integer overflow`, got `unreachable`",
    );
    assert_outcome(&r, 6, "pass");
    assert_outcome(&r, 7, "fail: expected trap `integer overflow`");
}

#[test]
fn assert_unlinkable_accepts_only_link_errors() {
    let r = run(
        WasmFeatures::WASM2,
        r#"
(assert_unlinkable (module (import "spectest" "nope" (func))) "unknown import")
(assert_unlinkable (module (import "spectest" "print_i32" (func (param i64)))) "incompatible import type")
(assert_unlinkable (module (memory 1) (data (i32.const 70000) "x")) "data segment does not fit")
(assert_unlinkable (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_unlinkable (module (import "spectest" "nope" (func))) "incompatible import type")
"#,
    );
    assert_outcome(&r, 2, "pass");
    assert_outcome(&r, 3, "pass");
    assert_outcome(
        &r,
        4,
        "fail: expected a link error (data segment does not fit), got the trap `out of bounds memory access`",
    );
    assert_outcome(
        &r,
        5,
        "fail: expected a link error, but the module does not compile",
    );
    assert_outcome(
        &r,
        6,
        "fail: expected link error `incompatible import type`, got: unknown import",
    );
}

#[test]
fn null_references_keep_their_hierarchy() {
    let r = run(
        WasmFeatures::WASM2,
        r#"
(module
  (func (export "nf") (result funcref) (ref.null func))
  (func (export "ne") (result externref) (ref.null extern))
  (func (export "id") (param externref) (result externref) (local.get 0)))
(assert_return (invoke "nf") (ref.null func))
(assert_return (invoke "nf") (ref.null extern))
(assert_return (invoke "ne") (ref.null extern))
(assert_return (invoke "ne") (ref.null func))
(assert_return (invoke "id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "id" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke "id" (ref.extern 7)) (ref.extern 8))
(assert_return (invoke "id" (ref.null func)) (ref.null func))
"#,
    );
    assert_outcome(&r, 6, "pass");
    assert_outcome(
        &r,
        7,
        "fail: result 0: expected (ref.null extern), got (ref.null func)",
    );
    assert_outcome(&r, 8, "pass");
    assert_outcome(
        &r,
        9,
        "fail: result 0: expected (ref.null func), got (ref.null extern)",
    );
    assert_outcome(&r, 10, "pass");
    assert_outcome(&r, 11, "pass");
    assert_outcome(
        &r,
        12,
        "fail: result 0: expected (ref.extern 8), got (ref.extern 7)",
    );
    // A null funcref passed where an externref is expected is a type error.
    assert_outcome(&r, 13, "fail:");
}

#[test]
fn a_failed_module_leaves_no_instance_behind() {
    // Without the rule, line 5 would call the first module's "f".
    let r = run(
        WasmFeatures::WASM2,
        r#"
(module (func (export "f") (result i32) (i32.const 1)))
(module (func (export "f") (result i32) (i64.const 2)))
(assert_return (invoke "f") (i32.const 1))
(module $M (func (export "g")))
(module $M (func (export "g") (result i32) (i64.const 0)))
(invoke $M "g")
(register "m" $M)
(module (func (export "h")))
(assert_return (invoke "h"))
"#,
    );
    assert_outcome(&r, 3, "fail: type mismatch");
    assert_outcome(&r, 4, "fail: the module at line 3 failed (type mismatch");
    assert_outcome(&r, 6, "fail:");
    assert_outcome(&r, 7, "fail: the module at line 6 failed");
    assert_outcome(&r, 8, "fail: the module at line 6 failed");
    // Later directives run as usual.
    assert_outcome(&r, 10, "pass");
    assert_eq!(r.passed(), 4);
    assert_eq!(r.failed(), 5);
}

#[test]
fn threads_run_and_report_their_directives_at_wait() {
    let r = run(
        WasmFeatures::WASM2 | WasmFeatures::THREADS,
        r#"
(module $Mem (memory (export "shared") 1 1 shared))
(thread $T1 (shared (module $Mem))
  (register "mem" $Mem)
  (module (memory (import "mem" "shared") 1 1 shared)
    (func (export "put") (i32.atomic.store (i32.const 0) (i32.const 7)))
    (func (export "get") (result i32) (i32.atomic.load (i32.const 0))))
  (invoke "put")
  (assert_return (invoke "get") (i32.const 8)))
(wait $T1)
(register "mem" $Mem)
(module (memory (import "mem" "shared") 1 1 shared)
  (func (export "get") (result i32) (i32.atomic.load (i32.const 0))))
(assert_return (invoke "get") (i32.const 7))
(wait $T2)
"#,
    );
    assert_outcome(&r, 2, "pass");
    assert_outcome(&r, 3, "pass");
    // The thread's own directives, reported when it is waited for.
    assert_outcome(&r, 4, "pass");
    assert_outcome(&r, 8, "pass");
    assert_outcome(&r, 9, "fail: result 0");
    assert_outcome(&r, 10, "fail: 1 directive(s) of thread $T1 failed");
    // The main thread sees what the thread stored.
    assert_outcome(&r, 11, "pass");
    assert_outcome(&r, 14, "pass");
    assert_outcome(&r, 15, "fail: no running thread $T2");
    assert_eq!(r.skipped(), 0);
}

#[test]
fn a_script_that_does_not_parse_is_one_failure_at_its_line() {
    let r = run(
        WasmFeatures::WASM2,
        "(module)\n\n(assert_return (invoke \"f\") (i32.const)\n",
    );
    assert_eq!(r.directives.len(), 1);
    assert_outcome(&r, 3, "fail: the script does not parse");
}

#[test]
fn binary_modules_are_never_read_as_text() {
    // Without the magic number, the bytes `(module)` must be malformed
    // binary, not a text module.
    let r = run(
        WasmFeatures::WASM2,
        r#"(assert_malformed (module binary "(module)") "magic header not detected")"#,
    );
    assert_outcome(&r, 1, "pass");
}
