//! Small functions are inlined into their direct callers, once, where it
//! pays (a leaf callee, a call in a loop, a recursive call), and only when
//! `Tunables::inlining` is on.

use kiln_compiler::{Compiler, OptLevel};
use kiln_types::Tunables;
use wasmparser::WasmFeatures;

const MODULE: &str = r#"(module
  (memory 1)
  (func $add3 (param i32) (result i32) (i32.add (local.get 0) (i32.const 3)))
  (func $sum (param i32) (result i32)
    (i32.add (call $add3 (local.get 0)) (call $add3 (i32.load (local.get 0)))))
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $twice (param i32) (result i32) (call $add3 (call $add3 (local.get 0))))
  (func $once (param i32) (result i32) (call $twice (local.get 0)))
  (func $looped (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (call $twice (local.get 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))"#;

fn disassemble(inlining: bool) -> Vec<String> {
    disassemble_with(Tunables {
        inlining,
        ..Tunables::default()
    })
}

fn disassemble_with(tunables: Tunables) -> Vec<String> {
    let compiler = Compiler::new(WasmFeatures::WASM2, tunables, OptLevel::Speed, false).unwrap();
    compiler
        .disassemble(&wat::parse_str(MODULE).unwrap())
        .unwrap()
}

/// The number of call instructions in a function's disassembly.
fn calls(code: &str) -> usize {
    code.lines()
        .filter(|l| l.trim_start().starts_with("call"))
        .count()
}

#[test]
fn small_callees_are_inlined_once() {
    let on = disassemble(true);
    let off = disassemble(false);
    assert_eq!(calls(&off[1]), 2, "{}", off[1]);
    assert_eq!(calls(&on[1]), 0, "{}", on[1]);
    // `fib` calls itself twice; each call gets a copy of the body, whose
    // own two calls stay calls.
    assert_eq!(calls(&off[2]), 2, "{}", off[2]);
    assert_eq!(calls(&on[2]), 4, "{}", on[2]);
}

#[test]
fn a_callee_that_calls_is_inlined_only_into_loops() {
    let on = disassemble(true);
    let off = disassemble(false);
    // `$once` calls `$twice` (which calls `$add3` twice) outside any loop:
    // it stays a call.
    assert_eq!(calls(&off[4]), 1, "{}", off[4]);
    assert_eq!(calls(&on[4]), 1, "{}", on[4]);
    // In `$looped` the call is inside a loop: `$twice` is copied in, and
    // its own two calls stay calls.
    assert_eq!(calls(&off[5]), 1, "{}", off[5]);
    assert_eq!(calls(&on[5]), 2, "{}", on[5]);
}

#[test]
fn builtin_calls_on_cold_paths_leave_a_callee_a_leaf() {
    // With fuel, every function calls the out-of-fuel builtin in a cold
    // block; `$add3` is still a leaf and still inlined outside loops.
    let on = disassemble_with(Tunables {
        inlining: true,
        consume_fuel: true,
        ..Tunables::default()
    });
    let off = disassemble_with(Tunables {
        inlining: false,
        consume_fuel: true,
        ..Tunables::default()
    });
    // Direct calls of wasm functions (the builtins are called through a
    // register).
    let direct = |code: &str| code.lines().filter(|l| l.contains("call    User(")).count();
    assert_eq!(direct(&off[1]), 2, "{}", off[1]);
    assert_eq!(direct(&on[1]), 0, "{}", on[1]);
}
