//! Effective addresses never wrap: a large static offset cannot reach below
//! a memory, and `address + offset` of wait/notify on 64-bit memories traps
//! instead of wrapping around 2^64.

use kiln::{Config, Engine, Instance, Module, Store, Trap};

fn trap_of(err: &anyhow::Error) -> Option<Trap> {
    err.downcast_ref::<Trap>().copied()
}

/// With a guard region over 2 GiB the compiler elides the bounds check of
/// an access with offset 2^31; the offset used to become a negative 32-bit
/// immediate, so `0x8000_0010 + 0x8000_0000` (4 GiB + 16, out of bounds)
/// stored to byte 16 of the memory instead of trapping.
#[test]
fn offsets_past_two_gib_do_not_wrap_below_the_memory() {
    let mut config = Config::new();
    config.memory_guard_size(3 << 30);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(
        &engine,
        r#"(module (memory 1)
             (func (export "store") (param i32)
               (i32.store offset=0x80000000 (local.get 0) (i32.const 42)))
             (func (export "load") (param i32) (result i32)
               (i32.load offset=0x80000000 (local.get 0)))
             (func (export "peek") (result i32) (i32.load (i32.const 16))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let st = instance
        .get_typed_func::<u32, ()>(&mut store, "store")
        .unwrap();
    let ld = instance
        .get_typed_func::<u32, i32>(&mut store, "load")
        .unwrap();
    let peek = instance
        .get_typed_func::<(), i32>(&mut store, "peek")
        .unwrap();
    for index in [0x8000_0010u32, 0, 0xFFFF_FFF0] {
        let err = st.call(&mut store, index).unwrap_err();
        assert_eq!(trap_of(&err), Some(Trap::MemoryOutOfBounds), "{err:?}");
        let err = ld.call(&mut store, index).unwrap_err();
        assert_eq!(trap_of(&err), Some(Trap::MemoryOutOfBounds), "{err:?}");
    }
    assert_eq!(peek.call(&mut store, ()).unwrap(), 0);
}

/// `memory.atomic.wait32/64` and `notify` on a 64-bit memory: an address
/// near 2^64 plus a static offset traps out of bounds. It used to wrap to
/// a small in-bounds address (notify returned 0, wait reported the memory
/// as unshared).
#[test]
fn wait_and_notify_addresses_do_not_wrap() {
    let mut config = Config::new();
    config.wasm_memory64(true).wasm_threads(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(
        &engine,
        r#"(module (memory i64 1)
             (func (export "notify") (param i64) (result i32)
               (memory.atomic.notify offset=0x200 (local.get 0) (i32.const 1)))
             (func (export "wait32") (param i64) (result i32)
               (memory.atomic.wait32 offset=0x200 (local.get 0) (i32.const 0) (i64.const 0)))
             (func (export "wait64") (param i64) (result i32)
               (memory.atomic.wait64 offset=0x200 (local.get 0) (i64.const 0) (i64.const 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let wrapping = 0xFFFF_FFFF_FFFF_FF00u64;
    for name in ["notify", "wait32", "wait64"] {
        let f = instance
            .get_typed_func::<u64, i32>(&mut store, name)
            .unwrap();
        let err = f.call(&mut store, wrapping).unwrap_err();
        assert_eq!(
            trap_of(&err),
            Some(Trap::MemoryOutOfBounds),
            "{name}: {err:?}"
        );
    }
    // In bounds, the same calls behave as the spec says for unshared memory.
    let notify = instance
        .get_typed_func::<u64, i32>(&mut store, "notify")
        .unwrap();
    assert_eq!(notify.call(&mut store, 0).unwrap(), 0);
    let wait = instance
        .get_typed_func::<u64, i32>(&mut store, "wait32")
        .unwrap();
    let err = wait.call(&mut store, 0).unwrap_err();
    assert_eq!(trap_of(&err), Some(Trap::AtomicWaitNonSharedMemory));
}
