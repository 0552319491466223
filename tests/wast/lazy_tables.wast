;; A table that constant element segments fill is made lazily: each slot
;; gets its function reference the first time anything reads it. Every way
;; of reading a slot (call_indirect, table.get, table.copy within and across
;; tables, an importing instance) must see exactly what the segments wrote,
;; whichever reads first. Each scenario starts from a fresh instance.

(module definition $M
  (type $t (func (result i32)))
  (table $tab (export "tab") 8 funcref)
  (table $other 8 funcref)
  ;; Slots 1..3 get f1 f2 f3; the second segment then overwrites slot 2
  ;; with null and slot 3 with f4. Slots 0 and 4..7 stay null.
  (elem (table $tab) (i32.const 1) func $f1 $f2 $f3)
  (elem (table $tab) (i32.const 2) funcref (ref.null func) (ref.func $f4))
  (func $f1 (type $t) (i32.const 1))
  (func $f2 (type $t) (i32.const 2))
  (func $f3 (type $t) (i32.const 3))
  (func $f4 (type $t) (i32.const 4))
  (func (export "call") (param i32) (result i32)
    (call_indirect $tab (type $t) (local.get 0)))
  (func (export "call_other") (param i32) (result i32)
    (call_indirect $other (type $t) (local.get 0)))
  (func (export "is_null") (param i32) (result i32)
    (ref.is_null (table.get $tab (local.get 0))))
  (func (export "get_to_other") (param i32 i32)
    (table.set $other (local.get 1) (table.get $tab (local.get 0))))
  (func (export "copy_within") (param i32 i32 i32)
    (table.copy $tab $tab (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_to_other") (param i32 i32 i32)
    (table.copy $other $tab (local.get 0) (local.get 1) (local.get 2)))
  (func (export "grow") (param i32) (result i32)
    (table.grow $tab (ref.null func) (local.get 0)))
  (func (export "fill_null") (param i32 i32)
    (table.fill $tab (local.get 0) (ref.null func) (local.get 1)))
)

;; call_indirect reads first.
(module instance $calls $M)
(assert_trap (invoke $calls "call" (i32.const 0)) "uninitialized element")
(assert_return (invoke $calls "call" (i32.const 1)) (i32.const 1))
(assert_trap (invoke $calls "call" (i32.const 2)) "uninitialized element")
(assert_return (invoke $calls "call" (i32.const 3)) (i32.const 4))
(assert_trap (invoke $calls "call" (i32.const 4)) "uninitialized element")
(assert_trap (invoke $calls "call" (i32.const 8)) "undefined element")
;; Again, now that the slots hold their references.
(assert_return (invoke $calls "call" (i32.const 1)) (i32.const 1))
(assert_return (invoke $calls "call" (i32.const 3)) (i32.const 4))
(assert_trap (invoke $calls "call" (i32.const 2)) "uninitialized element")

;; table.get reads first.
(module instance $gets $M)
(assert_return (invoke $gets "is_null" (i32.const 0)) (i32.const 1))
(assert_return (invoke $gets "is_null" (i32.const 1)) (i32.const 0))
(assert_return (invoke $gets "is_null" (i32.const 2)) (i32.const 1))
(assert_return (invoke $gets "is_null" (i32.const 3)) (i32.const 0))
(invoke $gets "get_to_other" (i32.const 1) (i32.const 5))
(invoke $gets "get_to_other" (i32.const 3) (i32.const 6))
(invoke $gets "get_to_other" (i32.const 2) (i32.const 7))
(assert_return (invoke $gets "call_other" (i32.const 5)) (i32.const 1))
(assert_return (invoke $gets "call_other" (i32.const 6)) (i32.const 4))
(assert_trap (invoke $gets "call_other" (i32.const 7)) "uninitialized element")

;; table.copy within the table moves slots nobody has read, overlapping.
(module instance $within $M)
(invoke $within "copy_within" (i32.const 2) (i32.const 1) (i32.const 3))
(assert_return (invoke $within "call" (i32.const 1)) (i32.const 1))
(assert_return (invoke $within "call" (i32.const 2)) (i32.const 1))
(assert_trap (invoke $within "call" (i32.const 3)) "uninitialized element")
(assert_return (invoke $within "call" (i32.const 4)) (i32.const 4))
(invoke $within "copy_within" (i32.const 4) (i32.const 1) (i32.const 4))
(assert_return (invoke $within "call" (i32.const 4)) (i32.const 1))
(assert_return (invoke $within "call" (i32.const 5)) (i32.const 1))
(assert_trap (invoke $within "call" (i32.const 6)) "uninitialized element")
(assert_return (invoke $within "call" (i32.const 7)) (i32.const 4))

;; table.copy to another table, and out-of-bounds copies change nothing.
(module instance $across $M)
(assert_trap (invoke $across "copy_to_other" (i32.const 0) (i32.const 1) (i32.const 8)) "out of bounds table access")
(assert_trap (invoke $across "call_other" (i32.const 0)) "uninitialized element")
(invoke $across "copy_to_other" (i32.const 0) (i32.const 0) (i32.const 8))
(assert_trap (invoke $across "call_other" (i32.const 0)) "uninitialized element")
(assert_return (invoke $across "call_other" (i32.const 1)) (i32.const 1))
(assert_trap (invoke $across "call_other" (i32.const 2)) "uninitialized element")
(assert_return (invoke $across "call_other" (i32.const 3)) (i32.const 4))

;; Growing moves the slots nobody has read; filling overwrites them.
(module instance $grows $M)
(assert_return (invoke $grows "grow" (i32.const 1000)) (i32.const 8))
(assert_return (invoke $grows "call" (i32.const 3)) (i32.const 4))
(assert_trap (invoke $grows "call" (i32.const 1007)) "uninitialized element")
(invoke $grows "fill_null" (i32.const 1) (i32.const 1))
(assert_trap (invoke $grows "call" (i32.const 1)) "uninitialized element")
(assert_return (invoke $grows "is_null" (i32.const 3)) (i32.const 0))

;; Another instance reads the table through an import first: it gets the
;; exporting instance's functions.
(module instance $exporter $M)
(register "exporter" $exporter)
(module
  (type $t (func (result i32)))
  (import "exporter" "tab" (table $tab 8 funcref))
  (func (export "call") (param i32) (result i32)
    (call_indirect $tab (type $t) (local.get 0)))
  (func (export "is_null") (param i32) (result i32)
    (ref.is_null (table.get $tab (local.get 0))))
)
(assert_return (invoke "call" (i32.const 3)) (i32.const 4))
(assert_return (invoke "is_null" (i32.const 2)) (i32.const 1))
(assert_return (invoke "call" (i32.const 1)) (i32.const 1))
(assert_return (invoke $exporter "call" (i32.const 3)) (i32.const 4))

;; A segment that does not fit makes instantiation fail as before (and no
;; table is made lazily for that module).
(assert_trap
  (module
    (type $t (func (result i32)))
    (table 2 funcref)
    (elem (i32.const 1) func $f $f)
    (func $f (type $t) (i32.const 1)))
  "out of bounds table access")

;; An externref table is never made lazily, even when its only segment is
;; empty (found by the differential tester: slots below the segment read as
;; non-null).
(module
  (table 56 externref)
  (elem (table 0) (i32.const 50) externref)
  (func (export "is_null") (param i32) (result i32)
    (ref.is_null (table.get 0 (local.get 0)))))
(assert_return (invoke "is_null" (i32.const 0)) (i32.const 1))
(assert_return (invoke "is_null" (i32.const 49)) (i32.const 1))
(assert_return (invoke "is_null" (i32.const 55)) (i32.const 1))

;; A funcref table with a mix of empty and non-empty segments.
(module
  (type $t (func (result i32)))
  (table 8 funcref)
  (elem (table 0) (i32.const 6) func)
  (elem (table 0) (i32.const 2) func $f)
  (elem (table 0) (i32.const 8) func)
  (func $f (type $t) (i32.const 7))
  (func (export "call") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0)))
  (func (export "is_null") (param i32) (result i32)
    (ref.is_null (table.get 0 (local.get 0)))))
(assert_return (invoke "is_null" (i32.const 0)) (i32.const 1))
(assert_return (invoke "call" (i32.const 2)) (i32.const 7))
(assert_return (invoke "is_null" (i32.const 5)) (i32.const 1))
(assert_trap (invoke "call" (i32.const 6)) "uninitialized element")
