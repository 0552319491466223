//! `memory.atomic.wait32/64` and `notify` through compiled code: the paths
//! that use the seed's `memory32_atomic_check32/64`.

use kiln::{Config, Engine, Instance, Module, Store, Trap};

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_threads(true);
    Engine::new(&config).unwrap()
}

const WAT: &str = r#"(module
  (memory (export "m") 1 1 shared)
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1))))"#;

#[test]
fn wait_compares_times_out_and_checks_alignment_and_bounds() {
    let engine = engine();
    let module = Module::new(&engine, WAT).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let m = instance.get_shared_memory(&mut store, "m").unwrap();
    m.write(8, &7u32.to_le_bytes()).unwrap();
    let wait32 = instance
        .get_typed_func::<(i32, i32, i64), i32>(&mut store, "wait32")
        .unwrap();
    let wait64 = instance
        .get_typed_func::<(i32, i64, i64), i32>(&mut store, "wait64")
        .unwrap();
    let notify = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "notify")
        .unwrap();
    assert_eq!(
        wait32.call(&mut store, (8, 6, 0)).unwrap(),
        1,
        "value differs: not-equal"
    );
    assert_eq!(
        wait32.call(&mut store, (8, 7, 1_000)).unwrap(),
        2,
        "value equal: times out"
    );
    assert_eq!(wait64.call(&mut store, (8, 7, 0)).unwrap(), 2);
    assert_eq!(wait64.call(&mut store, (8, 8, 0)).unwrap(), 1);
    let trap = |r: kiln::Result<i32>| *r.unwrap_err().downcast_ref::<Trap>().unwrap();
    assert_eq!(
        trap(wait32.call(&mut store, (9, 0, 0))),
        Trap::HeapMisaligned
    );
    assert_eq!(
        trap(wait64.call(&mut store, (4, 0, 0))),
        Trap::HeapMisaligned
    );
    assert_eq!(
        trap(wait32.call(&mut store, (65536, 0, 0))),
        Trap::MemoryOutOfBounds
    );
    assert_eq!(
        trap(wait64.call(&mut store, (65528 + 8, 0, 0))),
        Trap::MemoryOutOfBounds
    );
    assert_eq!(notify.call(&mut store, (8, 1)).unwrap(), 0, "nobody waits");
    assert_eq!(
        trap(notify.call(&mut store, (65536, 1))),
        Trap::MemoryOutOfBounds
    );
}

#[test]
fn wait_on_unshared_memory_traps() {
    let engine = engine();
    let wat = WAT.replace("1 1 shared", "1 1");
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let wait32 = instance
        .get_typed_func::<(i32, i32, i64), i32>(&mut store, "wait32")
        .unwrap();
    let err = wait32.call(&mut store, (0, 0, 0)).unwrap_err();
    assert_eq!(
        err.downcast_ref::<Trap>(),
        Some(&Trap::AtomicWaitNonSharedMemory)
    );
    let notify = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "notify")
        .unwrap();
    assert_eq!(notify.call(&mut store, (0, 1)).unwrap(), 0);
}
