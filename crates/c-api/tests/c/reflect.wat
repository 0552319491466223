;; reflect: one import and one export of every kind, with types chosen so
;; that each detail (parameter and result kinds, mutability, element
;; type, limits with and without a maximum) has a value to check.
(module
  (import "env" "callback" (func (param i32 f64) (result i64)))
  (import "env" "counter" (global (mut f32)))
  (import "env" "refs" (table 1 10 externref))
  (import "other module" "heap" (memory 1))

  (func (export "pairs") (param i64 f32) (result i32 f64 i64)
    (i32.const 1) (f64.const 2) (local.get 0))
  (func (export "nothing"))
  (global (export "answer") i64 (i64.const 42))
  (global (export "knob") (mut f64) (f64.const 0))
  (table (export "funcs") 2 funcref)
  (memory (export "mem") 1 5))
