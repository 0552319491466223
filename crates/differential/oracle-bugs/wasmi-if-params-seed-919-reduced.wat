(module
  (type (;0;) (func (param i32)))
  (global (;0;) (mut i64) i64.const 0)
  (global (;1;) (mut i32) i32.const 0)
  (global (;2;) (mut i32) i32.const 0)
  (global (;3;) (mut i64) i64.const 0)
  (global (;4;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (export "3" (func 1))
  (export "" (global 4))
  (func (;0;) (type 0) (param i32))
  (func (;1;) (type 0) (param i32)
    (local v128 v128 f64 v128 f32)
    i64.const 274877906943
    loop (result funcref) ;; label = @1
      ref.null func
      f32.const 0x1.6f9572p-25
      f64.const 0x1.cp-1072
      i32.trunc_sat_f64_u
      ref.null extern
      local.get 1
      f64.const -0x1.d05d2a36afa51p-172 (;=-0.00000000000000000000000000000000000000000000000000030301159970508793;)
      i32.trunc_f64_u
      local.get 2
      i16x8.extend_low_i8x16_u
      i32x4.all_true
      if (type 0) (param i32) ;; label = @2
        i32.clz
        i64.extend_i32_s
        v128.const i32x4 0xa31bf192 0x970dc44e 0x588b7299 0xd35912b7
        loop ;; label = @3
          i32.const 0
          return_call 2
          block (result i64) ;; label = @4
            block ;; label = @5
              v128.const i32x4 0xbaafff47 0x85c1b11b 0x177d04cb 0x141629f2
              loop ;; label = @6
                ref.null func
                f32.const 0x1.262c3ap-116
                i32.trunc_f32_u
                i32.const 1406942178
                i32.and
                i64.extend_i32_s
                i64.const 0
                f64.reinterpret_i64
                i32.trunc_f64_s
                i64.extend_i32_s
                i64.eq
                i32.const 0
                if (type 0) (param i32) ;; label = @7
                  return_call 1
                  block ;; label = @8
                    loop ;; label = @9
                      i32.const 0
                      f64.const 0x1.31cb70789de2ep-373
                      i64.reinterpret_f64
                      global.get 0
                      i64.xor
                      global.set 0
                      global.get 2
                      i32.xor
                      global.set 2
                    end
                  end
                else
                  global.get 2
                  i32.xor
                  global.set 2
                end
                drop
              end
              global.get 4
              v128.xor
              global.set 4
            end
            i64.const 0
          end
          global.set 3
        end
        global.get 4
        v128.xor
        global.set 4
        global.get 3
        i64.xor
        global.set 3
      else
        global.get 2
        i32.xor
        global.set 2
      end
      global.get 4
      v128.xor
      global.set 4
      drop
      global.get 2
      i32.xor
      global.set 2
      i32.reinterpret_f32
      global.get 1
      i32.xor
      global.set 1
    end
    drop
    global.get 3
    i64.xor
    global.set 3
  )
  (func (;2;) (type 0) (param i32))
)