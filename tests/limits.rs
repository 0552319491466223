//! Store limits, host panics, and resource use over many stores.

use kiln::{
    Engine, Extern, Func, Instance, Memory, MemoryType, Module, RefType, ResourceLimiter, Store,
    StoreLimits, StoreLimitsBuilder, Table, TableType, Val,
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
    let err = Table::new(&mut store, big, Val::FuncRef(None)).unwrap_err();
    assert!(
        err.to_string().contains("exceeds the store's limits"),
        "{err}"
    );
    let ok = TableType::new(RefType::FUNCREF, 10, None);
    Table::new(&mut store, ok, Val::FuncRef(None)).unwrap();
    let err = Table::new(&mut store, ok, Val::FuncRef(None)).unwrap_err();
    assert!(err.to_string().contains("table limit"), "{err}");
}

/// A 64-bit memory grows past 4 GiB (up to `Config::memory64_reservation`,
/// 16 GiB by default), its last byte is reachable, and every access past
/// its end traps, however large the address or offset.
#[test]
fn a_64_bit_memory_grows_past_4_gib() {
    const GIB: u64 = 1 << 30;
    const PAGE: u64 = 1 << 16;
    let wat = r#"(module
      (memory (export "m") i64 1)
      (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
      (func (export "size") (result i64) (memory.size))
      (func (export "store") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
      (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
      (func (export "load_far") (param i64) (result i32)
        (i32.load8_u offset=0xffff_ffff_ffff_fff0 (local.get 0))))"#;
    for (limit, expect_max) in [(None, 16 * GIB), (Some(6 * GIB), 6 * GIB)] {
        let mut config = kiln::Config::new();
        if let Some(bytes) = limit {
            config.memory64_reservation(bytes);
        }
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let grow = instance
            .get_typed_func::<i64, i64>(&mut store, "grow")
            .unwrap();
        let size = instance
            .get_typed_func::<(), i64>(&mut store, "size")
            .unwrap();
        let store8 = instance
            .get_typed_func::<(i64, i32), ()>(&mut store, "store")
            .unwrap();
        let load = instance
            .get_typed_func::<i64, i32>(&mut store, "load")
            .unwrap();
        let load_far = instance
            .get_typed_func::<i64, i32>(&mut store, "load_far")
            .unwrap();
        let oob = |r: kiln::Result<i32>| {
            let e = r.unwrap_err();
            assert_eq!(
                e.downcast_ref::<kiln::Trap>(),
                Some(&kiln::Trap::MemoryOutOfBounds)
            );
        };

        let five = (5 * GIB / PAGE) as i64;
        assert_eq!(grow.call(&mut store, five - 1).unwrap(), 1);
        assert_eq!(size.call(&mut store, ()).unwrap(), five);
        let last = (5 * GIB - 1) as i64;
        store8.call(&mut store, (last, 0x5a)).unwrap();
        assert_eq!(load.call(&mut store, last).unwrap(), 0x5a);
        assert_eq!(load.call(&mut store, (4 * GIB + 7) as i64).unwrap(), 0);
        // Past the end: right after it, near 2^64, and with an offset that
        // would wrap.
        oob(load.call(&mut store, last + 1));
        assert!(store8.call(&mut store, (last + 1, 1)).is_err());
        oob(load.call(&mut store, -1));
        oob(load_far.call(&mut store, 0x20));
        oob(load_far.call(&mut store, 0));
        // The host sees the same bytes.
        let memory = instance.get_memory(&mut store, "m").unwrap();
        assert_eq!(memory.data(&store)[last as usize], 0x5a);

        // Growing stops at the configured limit.
        let max_pages = (expect_max / PAGE) as i64;
        assert_eq!(grow.call(&mut store, max_pages - five + 1).unwrap(), -1);
        assert_eq!(grow.call(&mut store, max_pages - five).unwrap(), five);
        assert_eq!(size.call(&mut store, ()).unwrap(), max_pages);
        assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
        assert_eq!(grow.call(&mut store, i64::MAX).unwrap(), -1);
    }

    // A memory declared larger than 4 GiB instantiates; one larger than the
    // limit does not.
    let engine = Engine::default();
    let pages = 5 * GIB / PAGE + 1;
    let big = Module::new(
        &engine,
        format!("(module (memory (export \"m\") i64 {pages}))"),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &big, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "m").unwrap();
    assert_eq!(memory.size(&store), pages);
    let too_big = Module::new(
        &engine,
        format!("(module (memory i64 {}))", 16 * GIB / PAGE + 1),
    )
    .unwrap();
    assert!(Instance::new(&mut store, &too_big, &[]).is_err());
}

/// Reservation settings too large for the address space make
/// instantiation fail cleanly; they never wrap into a small reservation
/// whose growth would open someone else's pages.
#[test]
fn absurd_reservation_settings_fail_or_cap_instead_of_wrapping() {
    const PAGE: i64 = 1 << 16;
    let wat = r#"(module
      (memory (export "m") i64 1)
      (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
      (func (export "store") (param i64) (i32.store8 (local.get 0) (i32.const 7))))"#;
    // "Unlimited" 64-bit memories: capped, and growth works.
    let mut config = kiln::Config::new();
    config.memory64_reservation(u64::MAX);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = instance
        .get_typed_func::<i64, i64>(&mut store, "grow")
        .unwrap();
    let store8 = instance
        .get_typed_func::<i64, ()>(&mut store, "store")
        .unwrap();
    assert_eq!(grow.call(&mut store, 1024).unwrap(), 1);
    store8.call(&mut store, 1025 * PAGE - 1).unwrap();
    assert!(store8.call(&mut store, 1025 * PAGE).is_err());
    // A guard that cannot be added to the reservation: an error, for 32-
    // and 64-bit memories alike.
    for wat in [wat, "(module (memory 1))"] {
        let mut config = kiln::Config::new();
        config.memory_guard_size(u64::MAX);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        assert!(Instance::new(&mut store, &module, &[]).is_err());
    }
}
