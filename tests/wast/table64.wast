;; 64-bit tables (memory64 proposal): every table operator takes and
;; returns i64 indices and sizes, and no index wraps onto an element: index
;; 2^32 + 1 is not index 1, and 2^64 - 1 is out of bounds everywhere.

(module
  (type $t (func (result i32)))
  (table $t64 i64 4 funcref)
  (table $t32 4 funcref)
  (table $big i64 2 (ref null func))
  (elem (table $t64) (i64.const 1) func $one $two)
  (elem $passive func $one $two)
  (func $one (type $t) (i32.const 1))
  (func $two (type $t) (i32.const 2))
  (func (export "call") (param i64) (result i32)
    (call_indirect $t64 (type $t) (local.get 0)))
  (func (export "call32") (param i32) (result i32)
    (call_indirect $t32 (type $t) (local.get 0)))
  (func (export "tail") (param i64) (result i32)
    (return_call_indirect $t64 (type $t) (local.get 0)))
  (func (export "is_null") (param i64) (result i32)
    (ref.is_null (table.get $t64 (local.get 0))))
  (func (export "set_null") (param i64)
    (table.set $t64 (local.get 0) (ref.null func)))
  (func (export "size") (result i64) (table.size $t64))
  (func (export "grow") (param i64) (result i64)
    (table.grow $t64 (ref.func $two) (local.get 0)))
  (func (export "fill") (param i64 i64)
    (table.fill $t64 (local.get 0) (ref.func $one) (local.get 1)))
  (func (export "copy64") (param i64 i64 i64)
    (table.copy $t64 $t64 (local.get 0) (local.get 1) (local.get 2)))
  ;; Between a 64-bit and a 32-bit table the length is an i32.
  (func (export "copy_to32") (param i32 i64 i32)
    (table.copy $t32 $t64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_from32") (param i64 i32 i32)
    (table.copy $t64 $t32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i64 i32 i32)
    (table.init $t64 $passive (local.get 0) (local.get 1) (local.get 2)))
  (func (export "big_size") (result i64) (table.size $big))
)

(assert_return (invoke "size") (i64.const 4))
(assert_return (invoke "call" (i64.const 1)) (i32.const 1))
(assert_return (invoke "call" (i64.const 2)) (i32.const 2))
(assert_trap (invoke "call" (i64.const 0)) "uninitialized element")
(assert_trap (invoke "call" (i64.const 4)) "undefined element")
;; 2^32 + 1 and 2^32 + 2 do not wrap onto elements 1 and 2.
(assert_trap (invoke "call" (i64.const 0x1_0000_0001)) "undefined element")
(assert_trap (invoke "tail" (i64.const 0x1_0000_0002)) "undefined element")
(assert_trap (invoke "call" (i64.const -1)) "undefined element")
(assert_return (invoke "tail" (i64.const 2)) (i32.const 2))
(assert_return (invoke "is_null" (i64.const 0)) (i32.const 1))
(assert_return (invoke "is_null" (i64.const 1)) (i32.const 0))
(assert_trap (invoke "is_null" (i64.const 0x1_0000_0001)) "out of bounds table access")
(assert_trap (invoke "set_null" (i64.const 0x1_0000_0001)) "out of bounds table access")
(assert_trap (invoke "set_null" (i64.const -1)) "out of bounds table access")
(assert_return (invoke "call" (i64.const 1)) (i32.const 1))

;; Growing: the old size as an i64, -1 when it cannot grow.
(assert_return (invoke "grow" (i64.const 2)) (i64.const 4))
(assert_return (invoke "size") (i64.const 6))
(assert_return (invoke "call" (i64.const 5)) (i32.const 2))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "size") (i64.const 6))

;; Bulk operations: out of bounds at 2^32 + k and at 2^64 - 1, nothing
;; written when they trap.
(assert_trap (invoke "fill" (i64.const 0x1_0000_0000) (i64.const 0)) "out of bounds table access")
(assert_trap (invoke "fill" (i64.const 0) (i64.const 0x1_0000_0001)) "out of bounds table access")
(assert_trap (invoke "fill" (i64.const -1) (i64.const 1)) "out of bounds table access")
(assert_return (invoke "is_null" (i64.const 0)) (i32.const 1))
(invoke "fill" (i64.const 6) (i64.const 0))
(invoke "fill" (i64.const 0) (i64.const 1))
(assert_return (invoke "call" (i64.const 0)) (i32.const 1))
(assert_trap (invoke "copy64" (i64.const 0) (i64.const 1) (i64.const -1)) "out of bounds table access")
(assert_trap (invoke "copy64" (i64.const 0x1_0000_0000) (i64.const 1) (i64.const 1)) "out of bounds table access")
(assert_trap (invoke "copy64" (i64.const 0) (i64.const 0x1_0000_0001) (i64.const 1)) "out of bounds table access")
(invoke "copy64" (i64.const 3) (i64.const 5) (i64.const 1))
(assert_return (invoke "call" (i64.const 3)) (i32.const 2))
(invoke "copy_to32" (i32.const 0) (i64.const 1) (i32.const 3))
(assert_return (invoke "call32" (i32.const 0)) (i32.const 1))
(assert_return (invoke "call32" (i32.const 1)) (i32.const 2))
(assert_return (invoke "call32" (i32.const 2)) (i32.const 2))
(assert_trap (invoke "copy_to32" (i32.const 0) (i64.const 0x1_0000_0001) (i32.const 1)) "out of bounds table access")
(invoke "set_null" (i64.const 4))
(invoke "copy_from32" (i64.const 4) (i32.const 0) (i32.const 1))
(assert_return (invoke "call" (i64.const 4)) (i32.const 1))
(assert_trap (invoke "copy_from32" (i64.const -1) (i32.const 0) (i32.const 1)) "out of bounds table access")
(invoke "init" (i64.const 4) (i32.const 1) (i32.const 1))
(assert_return (invoke "call" (i64.const 4)) (i32.const 2))
(assert_trap (invoke "init" (i64.const 0x1_0000_0004) (i32.const 0) (i32.const 1)) "out of bounds table access")
(assert_return (invoke "big_size") (i64.const 2))

;; An active segment's i64 offset past 2^32 is out of bounds, not wrapped.
(assert_trap
  (module
    (table i64 4 funcref)
    (elem (table 0) (i64.const 0x1_0000_0001) func $f)
    (func $f))
  "out of bounds table access")

;; A 64-bit table and a 32-bit one are not interchangeable imports.
(module $exporter
  (table (export "t64") i64 2 funcref)
  (table (export "t32") 2 funcref))
(register "exporter" $exporter)
(module (import "exporter" "t64" (table i64 2 funcref)))
(assert_unlinkable
  (module (import "exporter" "t32" (table i64 2 funcref)))
  "incompatible import type")
(assert_unlinkable
  (module (import "exporter" "t64" (table 2 funcref)))
  "incompatible import type")

;; Declared sizes past 2^32 are kept apart from the index type: a maximum
;; above u32::MAX validates and means "unbounded".
(module
  (table i64 1 0x1_0000_0000_0000 funcref)
  (func (export "grow") (result i64) (table.grow (ref.null func) (i64.const 3))))
(assert_return (invoke "grow") (i64.const 1))
