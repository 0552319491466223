;; wasmi 2.0.0 returns garbage where Kiln returns i64x2 5 6. Run with
;;   kiln-diff --check-file crates/differential/oracle-bugs/wasmi-br-table-v128.wat
(module
  (global $z (mut i32) (i32.const 0))
  (func (export "f") (result v128)
    block (result v128)
      block (result v128)
        i32.const 1              ;; a value below the branch value
        v128.const i64x2 5 6     ;; carried by br_table
        global.get $z            ;; 0: to the inner block
        br_table 0 1 0
      end
    end))
