;; threads: `work(id, n)` calls the host's `tick(id)` n times and returns
;; the sum of what tick returned plus the instance's own running count in
;; a global (each instance has its own copy, so it starts from 0).
(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (global $count (mut i32) (i32.const 0))

  (func (export "work") (param $id i32) (param $n i32) (result i64)
    (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum
          (i64.add (local.get $sum) (i64.extend_i32_u (call $tick (local.get $id)))))
        (global.set $count (i32.add (global.get $count) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i64.add (local.get $sum) (i64.extend_i32_u (global.get $count)))))
