;; hostref: references going in and out of wasm. Externrefs through a
;; global, a table, parameters and results (also via a host import);
;; funcrefs returned to the host and taken from it.
(module
  (type $give_i32 (func (result i32)))
  (import "host" "echo" (func $echo (param externref) (result externref)))

  (global $slot (export "slot") (mut externref) (ref.null extern))
  (table $refs (export "refs") 3 externref)
  (table $funcs 1 funcref)

  (func (export "global_set") (param externref) (global.set $slot (local.get 0)))
  (func (export "global_get") (result externref) (global.get $slot))
  (func (export "table_set") (param i32 externref)
    (table.set $refs (local.get 0) (local.get 1)))
  (func (export "table_get") (param i32) (result externref)
    (table.get $refs (local.get 0)))
  (func (export "is_null") (param externref) (result i32)
    (ref.is_null (local.get 0)))
  ;; wasm -> host -> wasm -> caller.
  (func (export "via_host") (param externref) (result externref)
    (call $echo (local.get 0)))

  (func $seven (export "seven") (type $give_i32) (i32.const 7))
  (func (export "get_seven") (result funcref) (ref.func $seven))
  ;; Stores a funcref from the host and calls it.
  (func (export "call_funcref") (param funcref) (result i32)
    (table.set $funcs (i32.const 0) (local.get 0))
    (call_indirect $funcs (type $give_i32) (i32.const 0))))
