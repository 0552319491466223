;; memory: the module's own memory (2 pages, at most 3), exported, and a
;; second memory that the host makes and the module imports (1 page, at
;; most 4). Memory indices: $scratch is 0 (imports come first), $mem is 1.
(module
  (import "host" "scratch" (memory $scratch 1 4))
  (memory $mem (export "memory") 2 3)

  ;; Bytes the host can find at a known place.
  (data (memory $mem) (i32.const 0x1000) "\01\02\03\04kiln")

  (func (export "size") (result i32) (memory.size $mem))
  (func (export "grow") (param i32) (result i32) (memory.grow $mem (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u $mem (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load $mem (local.get 0)))
  (func (export "store8") (param i32 i32) (i32.store8 $mem (local.get 0) (local.get 1)))
  (func (export "store64") (param i32 i64) (i64.store $mem (local.get 0) (local.get 1)))

  (func (export "scratch_size") (result i32) (memory.size $scratch))
  (func (export "scratch_load32") (param i32) (result i32) (i32.load $scratch (local.get 0)))
  (func (export "scratch_store32") (param i32 i32)
    (i32.store $scratch (local.get 0) (local.get 1))))
