//! Explicit bounds checks carry a Spectre guard: the address an access uses
//! is chosen by a conditional move on the check's result (so a mispredicted
//! branch still sees null), and turning the guard off removes it.

use kiln_compiler::{Compiler, OptLevel};
use kiln_types::Tunables;
use wasmparser::WasmFeatures;

/// A table access, a `call_indirect` and a 64-bit memory load: each has an
/// explicit bounds check.
const CHECKED: &str = r#"
(module
  (type $t (func (result i32)))
  (table 4 funcref)
  (memory i64 1)
  (func (param i32) (result funcref) (table.get (local.get 0)))
  (func (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
  (func (param i64) (result i32) (i32.load (local.get 0))))
"#;

fn disassemble(spectre_guards: bool) -> Vec<String> {
    let tunables = Tunables {
        spectre_guards,
        ..Tunables::default()
    };
    let compiler = Compiler::new(WasmFeatures::WASM3, tunables, OptLevel::Speed, false).unwrap();
    compiler
        .disassemble(&wat::parse_str(CHECKED).unwrap())
        .unwrap()
}

#[test]
fn explicit_bounds_checks_are_guarded_by_a_conditional_move() {
    let guarded = disassemble(true);
    let unguarded = disassemble(false);
    assert_eq!(guarded.len(), 3);
    for (g, u) in guarded.iter().zip(&unguarded) {
        assert!(
            g.contains("cmov"),
            "no conditional move guards the access:\n{g}"
        );
        assert!(
            !u.contains("cmov"),
            "guard emitted although turned off:\n{u}"
        );
    }
}

#[test]
fn guarded_is_the_default() {
    assert!(Tunables::default().spectre_guards);
}
