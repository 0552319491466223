(module
  (type (;0;) (func (result f32)))
  (memory (;0;) i64 53 62)
  (global (;0;) (mut f32) f32.const -0x1.619042p-3 (;=-0.17263843;))
  (export "" (func 0))
  (func (;0;) (type 0) (result f32)
    (local i64 v128 f32)
    global.get 0
    memory.size
    local.tee 0
    local.get 0
    i64.store32 offset=3626004
    ref.null func
    loop ;; label = @1
    end
    drop
  )
)
