;; table: the module's own funcref table (3 entries, at most 5), exported,
;; and a table the host makes and the module imports (at least 2, at most
;; 10). Slot 1 of the module's table starts out holding $double.
(module
  (type $unary (func (param i32) (result i32)))
  (import "host" "table" (table $host 2 10 funcref))
  (table $own (export "table") 3 5 funcref)
  (elem (table $own) (i32.const 1) func $double)

  (func $double (export "double") (type $unary)
    (i32.mul (local.get 0) (i32.const 2)))
  (func $negate (export "negate") (type $unary)
    (i32.sub (i32.const 0) (local.get 0)))
  ;; Not $unary: calling it through call_indirect $unary must trap.
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))

  ;; call_indirect through each table: (argument, slot) -> result.
  (func (export "call_own") (param i32 i32) (result i32)
    (call_indirect $own (type $unary) (local.get 0) (local.get 1)))
  (func (export "call_host") (param i32 i32) (result i32)
    (call_indirect $host (type $unary) (local.get 0) (local.get 1)))

  (func (export "size_own") (result i32) (table.size $own))
  (func (export "size_host") (result i32) (table.size $host))
  (func (export "is_null_own") (param i32) (result i32)
    (ref.is_null (table.get $own (local.get 0)))))
