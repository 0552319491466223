//! Store limits, host panics, and resource use over many stores.

use kiln::{
    Engine, Extern, Func, Instance, Memory, MemoryType, Module, Ref, RefType, ResourceLimiter,
    Store, StoreLimits, StoreLimitsBuilder, Table, TableType,
};

#[test]
fn limits_stop_memory_and_table_growth_and_instances() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "m") 1) (table 1 funcref)
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
            (func (export "tgrow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(
        &engine,
        StoreLimitsBuilder::new()
            .memory_size(3 << 16)
            .table_elements(5)
            .instances(1)
            .build(),
    );
    store.limiter(|l: &mut StoreLimits| l);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow")
        .unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    let tgrow = instance
        .get_typed_func::<i32, i32>(&mut store, "tgrow")
        .unwrap();
    assert_eq!(tgrow.call(&mut store, 4).unwrap(), 1);
    assert_eq!(tgrow.call(&mut store, 1).unwrap(), -1);
    let memory = instance.get_memory(&mut store, "m").unwrap();
    assert!(memory.grow(&mut store, 1).is_err());
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert!(err.to_string().contains("instance limit"), "{err}");
}

#[test]
fn host_panics_come_back_as_panics_and_the_store_survives() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let boom = Func::wrap(&mut store, |x: i32| -> i32 {
        if x == 0 {
            panic!("boom");
        }
        x
    });
    let module = Module::new(
        &engine,
        r#"(module (import "" "f" (func $f (param i32) (result i32)))
            (func (export "run") (param i32) (result i32) (call $f (local.get 0))))"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[Extern::Func(boom)]).unwrap();
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run.call(&mut store, 0)));
    let payload = caught.expect_err("the panic reaches the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    assert_eq!(run.call(&mut store, 7).unwrap(), 7);
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn mappings() -> usize {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap()
        .lines()
        .count()
}

#[test]
fn a_hundred_thousand_stores_leak_nothing() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "m") 16) (table 10 funcref) (func $f)
            (elem (i32.const 0) $f) (data (i32.const 65536) "data")
            (func (export "touch") (i32.store (i32.const 1000000) (i32.const 1))))"#,
    )
    .unwrap();
    let run = |n: usize| {
        for _ in 0..n {
            let mut store = Store::new(&engine, ());
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let touch = instance
                .get_typed_func::<(), ()>(&mut store, "touch")
                .unwrap();
            touch.call(&mut store, ()).unwrap();
        }
    };
    run(1_000); // warm up pools and allocator
    let (rss, vm, maps) = (status_kib("VmRSS:"), status_kib("VmSize:"), mappings());
    run(100_000);
    let (rss2, vm2, maps2) = (status_kib("VmRSS:"), status_kib("VmSize:"), mappings());
    assert!(
        rss2 < rss + 64 * 1024,
        "resident memory grew from {rss} KiB to {rss2} KiB"
    );
    assert!(
        vm2 < vm + 1024 * 1024,
        "address space grew from {vm} KiB to {vm2} KiB"
    );
    assert!(maps2 < maps + 64, "mappings grew from {maps} to {maps2}");
}

/// A limiter that fails in the way the test asks: by panicking, by
/// returning an error, or by denying.
#[derive(Default)]
struct Faulty {
    mode: &'static str,
}

impl ResourceLimiter for Faulty {
    fn memory_growing(
        &mut self,
        _: usize,
        desired: usize,
        _: Option<usize>,
    ) -> anyhow::Result<bool> {
        self.decide(desired > 1 << 16)
    }
    fn table_growing(
        &mut self,
        _: usize,
        desired: usize,
        _: Option<usize>,
    ) -> anyhow::Result<bool> {
        self.decide(desired > 1)
    }
}

impl Faulty {
    fn decide(&self, growing: bool) -> anyhow::Result<bool> {
        if !growing {
            return Ok(true);
        }
        match self.mode {
            "panic" => panic!("limiter panicked"),
            "error" => anyhow::bail!("limiter refused with an error"),
            _ => Ok(false),
        }
    }
}

/// A limiter's panic or error inside `memory.grow`/`table.grow` (called
/// from a builtin, on the wasm stack) reaches the caller of the wasm
/// function as that panic or error; it neither aborts the process nor turns
/// into a silent "grow failed". The store keeps working.
#[test]
fn limiter_faults_inside_wasm_reach_the_caller() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory 1) (table 1 funcref)
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
            (func (export "tgrow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Faulty::default());
    store.limiter(|l: &mut Faulty| l);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    for name in ["grow", "tgrow"] {
        let f = instance
            .get_typed_func::<i32, i32>(&mut store, name)
            .unwrap();
        store.data_mut().mode = "panic";
        let caught =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f.call(&mut store, 1)));
        let payload = caught.expect_err("the limiter's panic reaches the caller");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"limiter panicked"));

        store.data_mut().mode = "error";
        let err = f.call(&mut store, 1).unwrap_err();
        assert_eq!(err.to_string(), "limiter refused with an error");

        store.data_mut().mode = "deny";
        assert_eq!(f.call(&mut store, 1).unwrap(), -1);
        assert_eq!(f.call(&mut store, 0).unwrap(), 1);
    }
}

/// Memories and tables the host creates count against the limiter too.
#[test]
fn host_created_memories_and_tables_ask_the_limiter() {
    let engine = Engine::default();
    let mut store = Store::new(
        &engine,
        StoreLimitsBuilder::new()
            .memory_size(2 << 16)
            .table_elements(10)
            .memories(2)
            .tables(1)
            .build(),
    );
    store.limiter(|l: &mut StoreLimits| l);
    let err = Memory::new(&mut store, MemoryType::new(3, None)).unwrap_err();
    assert!(
        err.to_string().contains("exceeds the store's limits"),
        "{err}"
    );
    Memory::new(&mut store, MemoryType::new(2, None)).unwrap();
    Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let err = Memory::new(&mut store, MemoryType::new(1, None)).unwrap_err();
    assert!(err.to_string().contains("memory limit"), "{err}");
    let big = TableType::new(RefType::FUNCREF, 11, None);
    let err = Table::new(&mut store, big, Ref::Func(None)).unwrap_err();
    assert!(
        err.to_string().contains("exceeds the store's limits"),
        "{err}"
    );
    let ok = TableType::new(RefType::FUNCREF, 10, None);
    Table::new(&mut store, ok, Ref::Func(None)).unwrap();
    let err = Table::new(&mut store, ok, Ref::Func(None)).unwrap_err();
    assert!(err.to_string().contains("table limit"), "{err}");
}
