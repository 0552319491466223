(module
  (type (;0;) (func (param i32)))
  (type (;1;) (func (param f64) (result i64 v128)))
  (memory (;0;) i64 46 (pagesize 0x10000))
  (memory (;1;) 40 51 (pagesize 0x10000))
  (global (;0;) (mut v128) v128.const i32x4 0xb9c0010b 0x2c523497 0x90ebb7ea 0xd7ba34ea)
  (global (;1;) (mut i32) i32.const 0)
  (global (;2;) (mut i32) i32.const 0)
  (global (;3;) (mut i64) i64.const 0)
  (global (;4;) (mut i64) i64.const 0)
  (global (;5;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (export "2" (func 0))
  (export "" (global 3))
  (func (;0;) (type 1) (param f64) (result i64 v128)
    (local v128 f64 v128 f64 v128)
    local.get 0
    local.tee 0
    memory.size 1
    block (type 0) (param i32) ;; label = @1
      i16x8.splat
      i32x4.extract_lane 2
      br_if 0 (;@1;)
      i64.const 0
      ref.null func
      i32.const 1
      v128.load8x8_s 1 offset=933554 align=2
      i16x8.extract_lane_u 6
      block (result v128) ;; label = @2
        block (result externref) ;; label = @3
          local.get 1
          i16x8.all_true
          block ;; label = @4
            v128.const i32x4 0x500598e7 0x046ae586 0xefc21826 0xd113978b
            v128.const i32x4 0x4a0d990f 0x36ffb16f 0xb174bafe 0x285f351b
            i8x16.bitmask
            memory.size
            ref.null extern
            local.get 0
            loop (type 1) (param f64) (result i64 v128) ;; label = @5
              f64.trunc
              local.tee 2
              f64.const nan (;=NaN;)
              i32.const 0
              select
              i64.trunc_f64_u
              v128.load8x8_u offset=2675292
              i16x8.extract_lane_u 2
              f32.convert_i32_s
              local.get 0
              call 0
              v128.const i32x4 0xc8acfa88 0xa7570de0 0x6378510f 0x69abbd52
              f64x2.add
              local.tee 3
              v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
              local.get 3
              local.get 3
              f64x2.eq
              v128.bitselect
              i64x2.extend_low_i32x4_s
              f64x2.extract_lane 0
              i32.trunc_f64_u
              i32.eqz
              f32.const -0x1.a2aeb6p+98 (;=-518303800000000000000000000000;)
              i64.trunc_f32_u
              br 4 (;@1;)
              f64.const -0x0p+0 (;=-0;)
              i32.const -1362786045
              br 4 (;@1;)
              i8x16.splat
              f32.const 0x1.139358p-52 (;=0.0000000000000002390237;)
              block ;; label = @6
                block ;; label = @7
                  local.get 5
                  global.set 5
                  br 1 (;@6;)
                end
                loop ;; label = @7
                  local.get 5
                  global.set 5
                end
              end
              i32.reinterpret_f32
              global.get 2
              i32.xor
              global.set 2
              global.get 5
              v128.xor
              global.set 5
              i64.reinterpret_f64
              global.get 3
              i64.xor
              global.set 3
              global.get 4
              i64.xor
              global.set 4
              global.get 1
              i32.xor
              global.set 1
              global.get 4
              i64.xor
              global.set 4
              i32.reinterpret_f32
              global.get 2
              i32.xor
              global.set 2
              i64.const 934743264116428244
              v128.const i32x4 0x4109d060 0xa50a537e 0x07fb0890 0x44ac8e4f
            end
            global.get 5
            v128.xor
            global.set 5
            drop
            drop
            global.get 4
            i64.xor
            global.set 4
            global.get 1
            i32.xor
            global.set 1
            global.get 5
            v128.xor
            global.set 5
          end
          global.get 1
          i32.xor
          global.set 1
          ref.null extern
        end
        drop
        v128.const i32x4 0xb4000000 0x00000000 0xffefffff 0xffffffff
      end
      global.get 5
      v128.xor
      global.set 5
      global.get 1
      i32.xor
      global.set 1
      drop
      global.get 4
      i64.xor
      global.set 4
    end
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    i64.const 0
    v128.const i32x4 0x75f551ae 0x0054a376 0x57db22f9 0x872ddc29
  )
)
