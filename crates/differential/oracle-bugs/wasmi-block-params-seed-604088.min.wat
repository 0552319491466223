(module
  (type (;0;) (func (param i32)))
  (table (;0;) 524 funcref)
  (global (;0;) (mut i64) i64.const 0)
  (global (;1;) funcref ref.func 1)
  (global (;2;) f32 f32.const -0x1.e0eb6ap+67 (;=-277231270000000000000;))
  (global (;3;) (mut i32) i32.const 0)
  (global (;4;) (mut i32) i32.const 0)
  (global (;5;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;6;) (mut i64) i64.const 0)
  (global (;7;) (mut i64) i64.const 0)
  (export "" (func 3))
  (export "9" (global 0))
  (export "\u{22}" (global 4))
  (export "1" (global 7))
  (func (;0;) (type 0) (param i32))
  (func (;1;) (type 0) (param i32))
  (func (;2;) (type 0) (param i32))
  (func (;3;) (type 0) (param i32)
    (local v128)
    i32.const 0
    loop (type 0) (param i32) ;; label = @1
      block (result v128) ;; label = @2
        block (result f64) ;; label = @3
          i64.const 1
          loop ;; label = @4
            local.get 0
            ref.null extern
            table.size 0
            block (type 0) (param i32) ;; label = @5
              br_if 0 (;@5;)
              i32.const 0
              f32.convert_i32_s
              block ;; label = @6
                block ;; label = @7
                  ref.func 1
                  local.get 0
                  f32.const 0x1.1346acp-13 (;=0.00013126186;)
                  ref.null extern
                  local.get 0
                  i64.const 0
                  f64.convert_i64_u
                  i32.trunc_f64_u
                  i32.ge_s
                  br_table 0 (;@7;) 1 (;@6;) 2 (;@5;) 3 (;@4;) 7 3 (;@4;)
                  ref.func 1
                  i64.const 1282046397557025373
                  loop (result f64) ;; label = @8
                    i64.const 1
                    ref.func 1
                    v128.const i32x4 0xe15b0e39 0xaa2a78ff 0x13f4e91e 0x5e024ee7
                    i16x8.extend_low_i8x16_u
                    i8x16.bitmask
                    local.tee 0
                    call 2
                    loop (result f64) ;; label = @9
                      nop
                      br 3 (;@6;)
                      ref.func 1
                      global.get 0
                      br 3 (;@6;)
                      global.get 6
                      i64.xor
                      global.set 6
                      drop
                      f64.const 0x1.p-1057 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000064758;)
                    end
                    i64.reinterpret_f64
                    global.get 7
                    i64.xor
                    global.set 7
                    drop
                    global.get 6
                    i64.xor
                    global.set 6
                    f64.const 0x1.p-1059 (;=0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000161895;)
                  end
                  i64.reinterpret_f64
                  global.get 7
                  i64.xor
                  global.set 7
                  global.get 6
                  i64.xor
                  global.set 6
                  drop
                  drop
                  i32.reinterpret_f32
                  global.get 3
                  i32.xor
                  global.set 3
                  global.get 4
                  i32.xor
                  global.set 4
                  drop
                end
              end
              i32.reinterpret_f32
              i32.const 1
              i32.xor
              global.set 3
            end
            drop
            global.get 4
            i32.xor
            global.set 4
          end
          global.get 6
          i64.xor
          global.set 6
          f64.const -0x1.7c463ad4c3e68p+376 (;=-228631160149348670000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
        end
        i64.reinterpret_f64
        global.get 7
        i64.xor
        global.set 7
        v128.const i32x4 0x956e904e 0xf5fc2d3d 0x69d2bdf3 0x9a08cace
      end
      global.get 5
      v128.xor
      global.set 5
      global.get 4
      i32.xor
      global.set 4
    end
  )
)
