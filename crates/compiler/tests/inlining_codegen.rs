//! Small functions are inlined into their direct callers, once, and only
//! when `Tunables::inlining` is on.

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
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#;

fn disassemble(inlining: bool) -> Vec<String> {
    let tunables = Tunables {
        inlining,
        ..Tunables::default()
    };
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
