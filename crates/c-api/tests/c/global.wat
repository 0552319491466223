;; global: imported and exported globals, constant and mutable, of each
;; number type. For every type T the module has:
;;   - imports host.const_T (constant) and host.var_T (mutable),
;;   - exports its own const_T and var_T,
;;   - re-exports the imported mutable one as imported_var_T,
;;   - get_*/set_* functions so the host can see what wasm sees.
(module
  (import "host" "const_i32" (global $ci_i32 i32))
  (import "host" "var_i32" (global $vi_i32 (mut i32)))
  (import "host" "const_i64" (global $ci_i64 i64))
  (import "host" "var_i64" (global $vi_i64 (mut i64)))
  (import "host" "const_f32" (global $ci_f32 f32))
  (import "host" "var_f32" (global $vi_f32 (mut f32)))
  (import "host" "const_f64" (global $ci_f64 f64))
  (import "host" "var_f64" (global $vi_f64 (mut f64)))

  (global $ce_i32 (export "const_i32") i32 (i32.const 31))
  (global $ve_i32 (export "var_i32") (mut i32) (i32.const 41))
  (export "imported_var_i32" (global $vi_i32))
  (global $ce_i64 (export "const_i64") i64 (i64.const 0x7ffffffffffffff1))
  (global $ve_i64 (export "var_i64") (mut i64) (i64.const -41000000000))
  (export "imported_var_i64" (global $vi_i64))
  (global $ce_f32 (export "const_f32") f32 (f32.const 6.25))
  (global $ve_f32 (export "var_f32") (mut f32) (f32.const 8.5))
  (export "imported_var_f32" (global $vi_f32))
  (global $ce_f64 (export "const_f64") f64 (f64.const -7.125))
  (global $ve_f64 (export "var_f64") (mut f64) (f64.const 9.75))
  (export "imported_var_f64" (global $vi_f64))

  ;; A constant initialised from an imported constant.
  (global (export "derived_i32") i32 (global.get $ci_i32))

  (func (export "get_ci_i32") (result i32) (global.get $ci_i32))
  (func (export "get_vi_i32") (result i32) (global.get $vi_i32))
  (func (export "set_vi_i32") (param i32) (global.set $vi_i32 (local.get 0)))
  (func (export "get_ce_i32") (result i32) (global.get $ce_i32))
  (func (export "get_ve_i32") (result i32) (global.get $ve_i32))
  (func (export "set_ve_i32") (param i32) (global.set $ve_i32 (local.get 0)))

  (func (export "get_ci_i64") (result i64) (global.get $ci_i64))
  (func (export "get_vi_i64") (result i64) (global.get $vi_i64))
  (func (export "set_vi_i64") (param i64) (global.set $vi_i64 (local.get 0)))
  (func (export "get_ce_i64") (result i64) (global.get $ce_i64))
  (func (export "get_ve_i64") (result i64) (global.get $ve_i64))
  (func (export "set_ve_i64") (param i64) (global.set $ve_i64 (local.get 0)))

  (func (export "get_ci_f32") (result f32) (global.get $ci_f32))
  (func (export "get_vi_f32") (result f32) (global.get $vi_f32))
  (func (export "set_vi_f32") (param f32) (global.set $vi_f32 (local.get 0)))
  (func (export "get_ce_f32") (result f32) (global.get $ce_f32))
  (func (export "get_ve_f32") (result f32) (global.get $ve_f32))
  (func (export "set_ve_f32") (param f32) (global.set $ve_f32 (local.get 0)))

  (func (export "get_ci_f64") (result f64) (global.get $ci_f64))
  (func (export "get_vi_f64") (result f64) (global.get $vi_f64))
  (func (export "set_vi_f64") (param f64) (global.set $vi_f64 (local.get 0)))
  (func (export "get_ce_f64") (result f64) (global.get $ce_f64))
  (func (export "get_ve_f64") (result f64) (global.get $ve_f64))
  (func (export "set_ve_f64") (param f64) (global.set $ve_f64 (local.get 0))))
