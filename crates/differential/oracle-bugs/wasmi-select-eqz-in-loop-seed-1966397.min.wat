(module
  (type (;0;) (func (param i32 i64) (result externref i64 f64)))
  (global (;0;) (mut i32) i32.const 0)
  (export "" (func 0))
  (export "6" (global 0))
  (func (;0;) (type 0) (param i32 i64) (result externref i64 f64)
    (local f32 f64 f64 f64 f64 f64 f32)
    loop ;; label = @1
      i32.const 0
      i32.const 1
      local.get 0
      i32.eqz
      select
      global.get 0
      i32.xor
      global.set 0
    end
    ref.null extern
    i64.const 1
    f64.const -0x1.6c7ded7258d97p+529 (;=-2502163172452225000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
  )
)
