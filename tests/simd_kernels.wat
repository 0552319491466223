;; SIMD kernels and a scalar reference, used by tests/simd.rs.
(module
  (memory (export "memory") 1)
  (func (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $acc v128) (local $i i32)
    (loop $l
      (local.set $acc (f32x4.add (local.get $acc)
        (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $n))))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
             (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
  (func (export "count_eq") (param $p i32) (param $n i32) (param $v i32) (result i32)
    (local $acc v128) (local $needle v128) (local $end i32)
    (local.set $needle (i8x16.splat (local.get $v)))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (loop $l
      (local.set $acc (i32x4.add (local.get $acc)
        (i32x4.extadd_pairwise_i16x8_s (i16x8.extadd_pairwise_i8x16_s
          (i8x16.neg (i8x16.eq (v128.load (local.get $p)) (local.get $needle)))))))
      (br_if $l (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $end))))
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
             (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
  (func (export "dot_scalar") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $acc f32) (local $i i32)
    (loop $l
      (local.set $acc (f32.add (local.get $acc)
        (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc)))
