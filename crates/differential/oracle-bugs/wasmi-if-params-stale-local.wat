;; wasmi 2.0.0 returns a stale value (it looks like a host pointer) where
;; Kiln returns the argument. Run with
;;   kiln-diff --check-file crates/differential/oracle-bugs/wasmi-if-params-stale-local.wat
(module
  (global $z (mut i32) (i32.const 0))
  (func (export "f") (param f64) (result f64)
    local.get 0          ;; the value that comes back wrong
    f64.const 1          ;; the `if`'s parameter
    global.get $z        ;; 0: the `else` arm runs
    if (param f64) (result f64)
      block end          ;; any nested block, loop or if here triggers it
    else
      drop
      f64.const 2
    end
    drop))               ;; leaves `local.get 0`: must be the argument
