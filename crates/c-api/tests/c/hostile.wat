;; hostile: a module to misuse. Its imports give the test several ways to
;; pass wrong ones; its exports include a function with no recursion
;; limit, and one that recurses through the host.
(module
  (import "host" "inc" (func $inc (param i32) (result i32)))
  (import "host" "limit" (global $limit i32))
  (import "host" "memory" (memory 1 2))
  (import "host" "bounce" (func $bounce (param i32) (result i32)))

  (table (export "table") 2 4 funcref)
  (global (export "fixed") i32 (i32.const 3))
  (global (export "var") (mut i32) (i32.const 0))
  (export "memory" (memory 0))

  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "inc_limit") (result i32)
    (call $inc (global.get $limit)))
  (func (export "is_null") (param externref) (result i32)
    (ref.is_null (local.get 0)))

  ;; Never stops by itself: only the stack limit ends it.
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))

  ;; wasm -> host -> wasm -> host ...: the host calls this again, deeper.
  (func (export "bounce_wasm") (param i32) (result i32)
    (call $bounce (i32.add (local.get 0) (i32.const 1)))))
