;; anyref: GC values (structs, i31s) going out to C and back into wasm,
;; through results, parameters, a table and a global.
(module
  (type $box (struct (field i32)))
  (table $objs (export "objs") 2 anyref)
  (global $held (export "held") (mut anyref) (ref.null any))
  (func (export "make") (param i32) (result anyref)
    (struct.new $box (local.get 0)))
  (func (export "small") (param i32) (result anyref)
    (ref.i31 (local.get 0)))
  ;; A box's field, an i31's value, or -1 for null.
  (func (export "read") (param anyref) (result i32)
    (if (ref.is_null (local.get 0)) (then (return (i32.const -1))))
    (if (ref.test (ref i31) (local.get 0))
      (then (return (i31.get_s (ref.cast (ref i31) (local.get 0))))))
    (struct.get $box 0 (ref.cast (ref $box) (local.get 0))))
  (func (export "churn") (param i32)
    (loop $again
      (drop (struct.new $box (local.get 0)))
      (br_if $again (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))
