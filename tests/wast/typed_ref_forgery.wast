;; A module that tries to turn an integer into a function reference by
;; calling functions through look-alike signatures: `$g1` and `$g2` differ
;; only in which function type their result points to. Before function
;; types were canonicalised precisely, both were `(func (result funcref))`,
;; `call_indirect` accepted the look-alike, `call_ref $t2` ran the identity
;; function `$id` and `call_ref $w` jumped to 0x4141414141.
(module
  (type $w (func))
  (type $t1 (func (param i64) (result i64)))
  (type $t2 (func (param i64) (result (ref null $w))))
  (type $g1 (func (result (ref null $t1))))
  (type $g2 (func (result (ref null $t2))))
  (func $id (type $t1) (local.get 0))
  (func $get (type $g1) (ref.func $id))
  (table funcref (elem $get))
  (elem declare func $id)
  (func (export "forge")
    (call_ref $w
      (call_ref $t2 (i64.const 0x4141414141)
        (call_indirect (type $g2) (i32.const 0)))))
  ;; The reverse direction: read a function reference back as an i64.
  (type $h1 (func (param (ref null $w)) (result (ref null $w))))
  (type $h2 (func (param (ref null $w)) (result i64)))
  (func $pass (type $h1) (local.get 0))
  (func $nop (type $w))
  (elem declare func $nop)
  (table $leak funcref (elem $pass))
  (func (export "leak") (result i64)
    (call_indirect $leak (type $h2) (ref.func $nop) (i32.const 0)))
  ;; The honest calls still work.
  (func (export "honest") (result i64)
    (call_ref $t1 (i64.const 7) (call_indirect (type $g1) (i32.const 0))))
)
(assert_trap (invoke "forge") "indirect call type mismatch")
(assert_trap (invoke "leak") "indirect call type mismatch")
(assert_return (invoke "honest") (i64.const 7))

;; Nullability is part of the type: a function returning (ref $w) is not a
;; function returning (ref null $w), so the look-alike call traps too.
(module
  (type $w (func))
  (type $nn (func (result (ref $w))))
  (type $n (func (result (ref null $w))))
  (func $f (type $w))
  (elem declare func $f)
  (func $get (type $nn) (ref.func $f))
  (table funcref (elem $get))
  (func (export "call-nullable") (result i32)
    (ref.is_null (call_indirect (type $n) (i32.const 0))))
)
(assert_trap (invoke "call-nullable") "indirect call type mismatch")

;; Imports are checked by canonical type: an import of a function taking
;; (ref $a) is not satisfied by one taking (ref $b), nor by one taking
;; funcref, and a (ref null $t) global import is not satisfied by funcref.
(module $exporter
  (type $a (func (param i32)))
  (type $b (func (param i64)))
  (type $takes-a (func (param (ref null $a))))
  (type $takes-b (func (param (ref null $b))))
  (func (export "takes-a") (type $takes-a))
  (func (export "takes-b") (type $takes-b))
  (func (export "takes-funcref") (param funcref))
  (func $fa (type $a))
  (global (export "g-a") (ref null $a) (ref.func $fa))
  (global (export "g-funcref") funcref (ref.null func))
  (table (export "t-a") 1 (ref null $a))
)
(register "exporter" $exporter)
(module
  (type $a (func (param i32)))
  (import "exporter" "takes-a" (func (param (ref null $a))))
  (import "exporter" "g-a" (global (ref null $a)))
  (import "exporter" "g-a" (global funcref))
  (import "exporter" "t-a" (table 1 (ref null $a)))
)
(assert_unlinkable
  (module
    (type $a (func (param i32)))
    (import "exporter" "takes-b" (func (param (ref null $a)))))
  "incompatible import type")
(assert_unlinkable
  (module
    (type $a (func (param i32)))
    (import "exporter" "takes-funcref" (func (param (ref null $a)))))
  "incompatible import type")
(assert_unlinkable
  (module
    (type $a (func (param i32)))
    (import "exporter" "g-funcref" (global (ref null $a))))
  "incompatible import type")
(assert_unlinkable
  (module (import "exporter" "t-a" (table 1 funcref)))
  "incompatible import type")
