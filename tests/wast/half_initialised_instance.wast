;; An instance whose instantiation traps on a segment stays reachable: its
;; active element segment already put `$f` into an imported table. `$f`
;; then uses every segment instruction. The spec keeps the segments that
;; were not applied yet (data segment 1 trapped, so it was never dropped).
;; On 60d82d4 the segment bookkeeping was never sized and the first
;; `memory.init` aborted the process inside a builtin.
(module $A
  (table (export "t") 1 funcref)
  (func (export "call") (param i32) (result i32)
    (call_indirect (result i32) (local.get 0))))
(register "A" $A)

(assert_trap
  (module
    (import "A" "t" (table 1 funcref))
    (memory 1)
    (table $own 1 funcref)
    (func $f (result i32)
      (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 2))
      (memory.init 1 (i32.const 1) (i32.const 0) (i32.const 1))
      (table.init $own 1 (i32.const 0) (i32.const 0) (i32.const 1))
      (data.drop 0)
      (data.drop 1)
      (elem.drop 0)
      (elem.drop 1)
      (i32.load16_u (i32.const 0)))
    (elem (table 0) (i32.const 0) func $f)
    (elem func $f)
    (data "ab")
    (data (i32.const 0x10000) "x"))
  "out of bounds memory access")

;; 'a' + ('x' << 8)
(assert_return (invoke $A "call" (i32.const 0)) (i32.const 30817))
;; Everything is dropped now: a second call traps on the first memory.init.
(assert_trap (invoke $A "call" (i32.const 0)) "out of bounds memory access")
