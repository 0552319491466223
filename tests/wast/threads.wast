;; Shared memories across threads: each (thread …) runs on its own OS
;; thread with a store of its own, sharing only $Mem's shared memory.

(module $Mem
  (memory (export "shared") 1 1 shared))

;; The code every thread instantiates over the shared memory:
;; 0: data, 4: flag, 8: what the reader saw, 16: counter, 32: wait word.
(module definition $Worker
  (memory (import "mem" "shared") 1 1 shared)
  (func (export "publish") (param $v i32)
    (i32.store (i32.const 0) (local.get $v))
    (i32.atomic.store (i32.const 4) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 4) (i32.const 1))))
  (func (export "consume")
    (block $done
      (loop $again
        (br_if $done (i32.atomic.load (i32.const 4)))
        ;; 0 (woken), 1 (flag already set) or 2 (timed out): look again.
        (drop (memory.atomic.wait32 (i32.const 4) (i32.const 0) (i64.const 1000000)))
        (br $again)))
    (i32.store (i32.const 8) (i32.load (i32.const 0))))
  (func (export "count") (param $n i32)
    (loop $more
      (drop (i32.atomic.rmw.add (i32.const 16) (i32.const 1)))
      (br_if $more (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "wait32") (result i32)
    (memory.atomic.wait32 (i32.const 32) (i32.const 0) (i64.const -1)))
  (func (export "notify_one") (result i32)
    (local $woken i32)
    ;; Until the waiter has arrived, a notify wakes nobody.
    (loop $again
      (br_if $again (i32.eqz (local.tee $woken
        (memory.atomic.notify (i32.const 32) (i32.const 1))))))
    (local.get $woken)))

(register "mem" $Mem)
(module instance $main $Worker)

;; Message passing: the reader sees the data written before the flag.
(thread $Reader (shared (module $Mem))
  (register "mem" $Mem)
  (module instance $w $Worker)
  (invoke "consume"))
(thread $Writer (shared (module $Mem))
  (register "mem" $Mem)
  (module instance $w $Worker)
  (invoke "publish" (i32.const 42)))
(wait $Writer)
(wait $Reader)
(assert_return (invoke $main "consume"))

;; No increment is lost.
(thread $A (shared (module $Mem))
  (register "mem" $Mem)
  (module instance $w $Worker)
  (invoke "count" (i32.const 100000)))
(thread $B (shared (module $Mem))
  (register "mem" $Mem)
  (module instance $w $Worker)
  (invoke "count" (i32.const 100000)))
(wait $A)
(wait $B)

(module $check
  (memory (import "mem" "shared") 1 1 shared)
  (func (export "at") (param i32) (result i32) (i32.atomic.load (local.get 0))))
(assert_return (invoke $check "at" (i32.const 8)) (i32.const 42))
(assert_return (invoke $check "at" (i32.const 16)) (i32.const 200000))

;; A notify wakes exactly the thread that waits.
(thread $Sleeper (shared (module $Mem))
  (register "mem" $Mem)
  (module instance $w $Worker)
  (assert_return (invoke "wait32") (i32.const 0)))
(thread $Waker (shared (module $Mem))
  (register "mem" $Mem)
  (module instance $w $Worker)
  (assert_return (invoke "notify_one") (i32.const 1)))
(wait $Sleeper)
(wait $Waker)

;; A timeout ends a wait; a different value does not wait at all.
(module
  (memory 1 1 shared)
  (func (export "timed") (result i32)
    (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 1000000)))
  (func (export "mismatch") (result i32)
    (memory.atomic.wait64 (i32.const 8) (i64.const 7) (i64.const -1)))
  ;; Nothing else holds this memory: an endless wait could never end.
  (func (export "forever") (result i32)
    (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
(assert_return (invoke "timed") (i32.const 2))
(assert_return (invoke "mismatch") (i32.const 1))
(assert_trap (invoke "forever") "atomic wait that no other thread can notify")
