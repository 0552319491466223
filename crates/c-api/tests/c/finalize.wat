;; finalize: a small module instantiated many times. It imports a host
;; function and keeps one externref in a mutable global the host can set.
(module
  (import "host" "ping" (func $ping (result i32)))
  (global (export "keep") (mut externref) (ref.null extern))
  (func (export "call_ping") (result i32) (call $ping)))
