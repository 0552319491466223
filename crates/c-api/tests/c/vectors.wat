;; vectors: a module that gives the test something of every kind to put
;; in vectors: exports of each extern kind, and a function that traps two
;; calls deep (for frames).
(module
  (import "env" "f" (func (param i32) (result i32)))
  (func $boom (unreachable))
  (func (export "fail") (call $boom))
  (func (export "id") (param i64) (result i64) (local.get 0))
  (global (export "g") (mut i32) (i32.const 5))
  (table (export "t") 1 2 funcref)
  (memory (export "m") 1 2))
