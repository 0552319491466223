;; trap: traps raised by the host and by wasm itself.
;; Function indices: 0 = host.fail, 1 = $divide, 2 = $inner, 3 = $outer,
;; 4 = $call_fail, 5 = $answer.
(module
  ;; Returns normally for 0; any other argument makes the host trap.
  (import "host" "fail" (func $fail (param i32)))

  (func $divide (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))

  (func $inner
    (nop)
    (unreachable))
  (func $outer (export "outer")
    (call $inner))

  (func $call_fail (export "call_fail") (param i32) (result i32)
    (call $fail (local.get 0))
    (i32.const 1))

  (func $answer (export "answer") (result i32) (i32.const 42)))
