;; memory.fill on a 64-bit memory: in bounds, at the end, and every way out of bounds.
(module
  (memory i64 1)
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0))))
(invoke "fill" (i64.const 10) (i32.const 0x1ab) (i64.const 5))
(assert_return (invoke "load" (i64.const 9)) (i32.const 0))
(assert_return (invoke "load" (i64.const 10)) (i32.const 0xab))
(assert_return (invoke "load" (i64.const 14)) (i32.const 0xab))
(assert_return (invoke "load" (i64.const 15)) (i32.const 0))
(invoke "fill" (i64.const 65536) (i32.const 1) (i64.const 0))
(assert_trap (invoke "fill" (i64.const 65535) (i32.const 1) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 0xffffffffffffffff) (i32.const 1) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 1) (i32.const 1) (i64.const 0xffffffffffffffff)) "out of bounds memory access")
