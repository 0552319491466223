;; The benchmarks game's binary-trees, written for Wasm GC and WASI: build
;; and check perfect binary trees of many depths, keeping one long-lived
;; tree while short-lived ones come and go. It prints what the reference
;; programs print. The depth is the first argument (default 16).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)

  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))

  ;; 0..63: scratch for fd_write and numbers; 64..: the texts.
  (data (i32.const 64) "stretch tree of depth ")       ;; 22 bytes
  (data (i32.const 96) "\t check: ")                   ;; 9 bytes
  (data (i32.const 112) "\t trees of depth ")          ;; 17 bytes
  (data (i32.const 144) "long lived tree of depth ")   ;; 25 bytes
  (data (i32.const 176) "\n")

  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  ;; Writes `n` in decimal (digits built backwards at 16..47).
  (func $write_u32 (param $n i32) (local $p i32)
    (local.set $p (i32.const 48))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (br_if $digit (local.tee $n (i32.div_u (local.get $n) (i32.const 10)))))
    (call $write (local.get $p) (i32.sub (i32.const 48) (local.get $p))))

  (func $bottom_up (param $depth i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $depth))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else
        (struct.new $node
          (call $bottom_up (i32.sub (local.get $depth) (i32.const 1)))
          (call $bottom_up (i32.sub (local.get $depth) (i32.const 1)))))))

  (func $check (param $t (ref $node)) (result i32)
    (local $l (ref null $node))
    (local.set $l (struct.get $node $left (local.get $t)))
    (if (result i32) (ref.is_null (local.get $l))
      (then (i32.const 1))
      (else
        (i32.add (i32.const 1)
          (i32.add
            (call $check (ref.as_non_null (local.get $l)))
            (call $check (ref.as_non_null (struct.get $node $right (local.get $t)))))))))

  ;; The first argument as a number, or 16.
  (func $depth_arg (result i32) (local $argc i32) (local $n i32) (local $p i32) (local $c i32)
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (local.set $argc (i32.load (i32.const 0)))
    (if (i32.lt_u (local.get $argc) (i32.const 2)) (then (return (i32.const 16))))
    ;; argv pointers at 1024, strings after them.
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (local.set $p (i32.load (i32.const 1028)))
    (block $end
      (loop $digits
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $end (i32.ge_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10))
                               (i32.sub (local.get $c) (i32.const 48))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digits)))
    (local.get $n))

  (func (export "_start")
    (local $max i32) (local $d i32) (local $iters i32) (local $i i32) (local $sum i32)
    (local $long (ref null $node))
    (local.set $max (call $depth_arg))
    (if (i32.lt_u (local.get $max) (i32.const 6)) (then (local.set $max (i32.const 6))))
    ;; The stretch tree.
    (call $write (i32.const 64) (i32.const 22))
    (call $write_u32 (i32.add (local.get $max) (i32.const 1)))
    (call $write (i32.const 96) (i32.const 9))
    (call $write_u32 (call $check (call $bottom_up (i32.add (local.get $max) (i32.const 1)))))
    (call $write (i32.const 176) (i32.const 1))
    (local.set $long (call $bottom_up (local.get $max)))
    (local.set $d (i32.const 4))
    (loop $depths
      (local.set $iters (i32.shl (i32.const 1)
        (i32.add (i32.sub (local.get $max) (local.get $d)) (i32.const 4))))
      (local.set $sum (i32.const 0))
      (local.set $i (i32.const 0))
      (loop $trees
        (local.set $sum (i32.add (local.get $sum) (call $check (call $bottom_up (local.get $d)))))
        (br_if $trees (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                (local.get $iters))))
      (call $write_u32 (local.get $iters))
      (call $write (i32.const 112) (i32.const 17))
      (call $write_u32 (local.get $d))
      (call $write (i32.const 96) (i32.const 9))
      (call $write_u32 (local.get $sum))
      (call $write (i32.const 176) (i32.const 1))
      (br_if $depths (i32.le_u (local.tee $d (i32.add (local.get $d) (i32.const 2)))
                               (local.get $max))))
    (call $write (i32.const 144) (i32.const 25))
    (call $write_u32 (local.get $max))
    (call $write (i32.const 96) (i32.const 9))
    (call $write_u32 (call $check (ref.as_non_null (local.get $long))))
    (call $write (i32.const 176) (i32.const 1)))
)
