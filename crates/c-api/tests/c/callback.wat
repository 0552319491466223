;; callback: host functions of every number type, a host closure with its
;; own state, and a host function that calls back into this module.
(module
  (import "host" "add_i32" (func $add_i32 (param i32 i32) (result i32)))
  (import "host" "mul_i64" (func $mul_i64 (param i64 i64) (result i64)))
  (import "host" "half_f32" (func $half_f32 (param f32) (result f32)))
  (import "host" "sum_f64" (func $sum_f64 (param f64 f64 f64) (result f64)))
  ;; A closure: each call adds its argument to a running total kept on the
  ;; host side and returns the new total.
  (import "host" "accumulate" (func $accumulate (param i64) (result i64)))
  ;; Calls this module's export `cube` from the host and returns its result.
  (import "host" "via_host" (func $via_host (param i32) (result i32)))

  ;; Each of these calls its host import and adjusts the result, so the
  ;; test sees that values went both ways.
  (func (export "use_i32") (param i32 i32) (result i32)
    (i32.add (call $add_i32 (local.get 0) (local.get 1)) (i32.const 1)))
  (func (export "use_i64") (param i64 i64) (result i64)
    (i64.sub (call $mul_i64 (local.get 0) (local.get 1)) (i64.const 1)))
  (func (export "use_f32") (param f32) (result f32)
    (f32.neg (call $half_f32 (local.get 0))))
  (func (export "use_f64") (param f64) (result f64)
    (call $sum_f64 (local.get 0) (f64.const 0.5) (f64.const 0.25)))

  ;; Adds 1, 2, ..., n to the closure's total; returns the last total.
  (func (export "accumulate_to") (param $n i32) (result i64)
    (local $i i32) (local $last i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $last (call $accumulate (i64.extend_i32_u (local.get $i))))
        (br $next)))
    (local.get $last))

  (func $cube (export "cube") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.mul (local.get 0) (local.get 0))))

  ;; wasm -> host -> wasm: cube(x) through the host, plus 1000.
  (func (export "reenter") (param i32) (result i32)
    (i32.add (call $via_host (local.get 0)) (i32.const 1000))))
