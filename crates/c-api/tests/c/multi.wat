;; multi: functions with several parameters and several results of mixed
;; types, in both directions.
(module
  ;; The host reverses its four arguments and changes each a little:
  ;; (a, b, c, d) -> (d + 1, c * 2, b - 3, a xor 0xff).
  (import "host" "reverse" (func $reverse (param i32 i64 f32 f64) (result f64 f32 i64 i32)))
  ;; The host rotates twelve values left by one: (v0, ..., v11) -> (v1, ..., v11, v0).
  (import "host" "rotate"
    (func $rotate (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)
                  (result i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64 i32)))

  ;; Pure wasm: quotient and remainder.
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))

  ;; Pure wasm: returns its three parameters in reverse order.
  (func (export "swap3") (param i32 i64 f64) (result f64 i64 i32)
    (local.get 2) (local.get 1) (local.get 0))

  ;; Calls the host's reverse twice, putting the values back in order in
  ;; between: (a, b, c, d) -> (d + 2, c * 4, b - 6, a).
  (func (export "reverse_twice") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
    (call $reverse (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    ;; The stack now holds f64 f32 i64 i32: feed them through a block
    ;; with parameters (multi-value blocks) and swap back in wasm.
    (block (param f64 f32 i64 i32) (result i32 i64 f32 f64)
      (call $reverse_back))
    (call $reverse))

  ;; Helper: (f64 f32 i64 i32) -> (i32 i64 f32 f64), order reversed.
  (func $reverse_back (param f64 f32 i64 i32) (result i32 i64 f32 f64)
    (local.get 3) (local.get 2) (local.get 1) (local.get 0))

  ;; Passes twelve values through the host's rotate six times. Each
  ;; (rotate, rotate_back) pair moves every value four places on, so six
  ;; pairs (24 places) bring all of them back where they started.
  (func (export "rotate_round") (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)
                                (result i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)
    (local.get 0) (local.get 1) (local.get 2) (local.get 3)
    (local.get 4) (local.get 5) (local.get 6) (local.get 7)
    (local.get 8) (local.get 9) (local.get 10) (local.get 11)
    (call $rotate) (call $rotate_back) (call $rotate) (call $rotate_back)
    (call $rotate) (call $rotate_back) (call $rotate) (call $rotate_back)
    (call $rotate) (call $rotate_back) (call $rotate) (call $rotate_back))

  ;; Takes the host's rotated output (typed i64 f32 f64 i32, ...) and
  ;; rotates it three more places left, which makes the types start with
  ;; i32 again as the host's rotate expects.
  (func $rotate_back (param i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64 i32)
                     (result i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)
    (local.get 3) (local.get 4) (local.get 5) (local.get 6)
    (local.get 7) (local.get 8) (local.get 9) (local.get 10)
    (local.get 11) (local.get 0) (local.get 1) (local.get 2)))
