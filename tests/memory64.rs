//! Linear memories past 4 GiB and reservation limits. A test binary of its
//! own: these tests touch gigabytes of address space, which would disturb
//! the resource-use measurements in `limits.rs` if they ran alongside.

use kiln::{Engine, Instance, Module, Store};

/// An instance of `wat` in a new store, with `Config::memory64_reservation`
/// set to `reservation` if given.
fn instantiate(wat: &str, reservation: Option<u64>) -> (Store<()>, Instance) {
    let mut config = kiln::Config::new();
    if let Some(bytes) = reservation {
        config.memory64_reservation(bytes);
    }
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
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
        let (mut store, instance) = instantiate(wat, limit);
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
    let (mut store, instance) = instantiate(wat, Some(u64::MAX));
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
