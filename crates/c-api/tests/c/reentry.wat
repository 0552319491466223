;; reentry: exports whose calls make the store's collector run (in wasm,
;; and in wasm called back from a host function), for finalizers of
;; foreign objects that call back into the C API on the same store.
(module
  (import "host" "nested" (func $nested (param i32)))
  (type $bytes (array (mut i8)))
  ;; How many calls of the exports below are running: the host reads it
  ;; from finalizers, which must never run in the middle of one.
  (global $busy (export "busy") (mut i32) (i32.const 0))
  ;; The last reference `echo` saw, kept alive until the store goes.
  (global $keep (export "keep") (mut externref) (ref.null extern))
  ;; Allocates and drops `n` arrays of 1 MiB, so collections fall due.
  (func $churn (export "churn") (param $n i32)
    (global.set $busy (i32.add (global.get $busy) (i32.const 1)))
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (drop (array.new_default $bytes (i32.const 1048576)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (global.set $busy (i32.sub (global.get $busy) (i32.const 1))))
  ;; Calls the host, which calls `churn` with `n` back.
  (func (export "via_host") (param $n i32)
    (global.set $busy (i32.add (global.get $busy) (i32.const 1)))
    (call $nested (local.get $n))
    (global.set $busy (i32.sub (global.get $busy) (i32.const 1))))
  ;; Returns its argument, and keeps it.
  (func (export "echo") (param externref) (result externref)
    (global.set $keep (local.get 0))
    (global.get $keep)))
