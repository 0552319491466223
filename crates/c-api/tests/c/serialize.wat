;; serialize: a module with a bit of everything that has to survive being
;; serialized: an import, a memory with data, a table with an element
;; segment, a global, and code that uses them all.
(module
  (type $to_i32 (func (result i32)))
  (import "host" "base" (func $base (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\2a\00\00\00")
  (table 2 funcref)
  (elem (i32.const 0) $seven $base)
  (global $bias (mut i32) (i32.const 100))

  (func $seven (type $to_i32) (i32.const 7))

  ;; bias + mem[16] + table[0]() + table[1]() = 100 + 42 + 7 + base()
  (func (export "run") (result i32)
    (global.set $bias (i32.add (global.get $bias) (i32.load (i32.const 16))))
    (i32.add
      (global.get $bias)
      (i32.add
        (call_indirect (type $to_i32) (i32.const 0))
        (call_indirect (type $to_i32) (i32.const 1))))))
