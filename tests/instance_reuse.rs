//! Reused memory reservations and instance allocations must never show a
//! later instance anything an earlier one left behind: each instance starts
//! from its module's data (through the copy-on-write image) and zeros.

use kiln::{
    Config, Engine, Extern, Instance, InstanceAllocationStrategy, Memory, MemoryType, Module,
    PoolingAllocationConfig, Ref, RefType, Store, Table, TableType,
};

/// A module whose memory starts with data at 100 and 70,000 (two images
/// pages apart), which scribbles over all of its memory and grows it.
const SCRIBBLER: &str = r#"(module
  (memory (export "m") 2)
  (data (i32.const 100) "\01\02\03\04")
  (data (i32.const 70000) "\aa\bb")
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "scribble")
    (local $i i32)
    (loop
      (i32.store8 (local.get $i) (i32.const 0x5a))
      (local.set $i (i32.add (local.get $i) (i32.const 509)))
      (br_if 0 (i32.lt_u (local.get $i) (i32.const 131072))))
    (drop (memory.grow (i32.const 3)))
    (i32.store (i32.const 300000) (i32.const -1)))
)"#;

/// A module with a memory and no data: its memory must read zero everywhere.
const BLANK: &str = r#"(module
  (memory (export "m") 2)
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "size") (result i32) (memory.size)))"#;

fn engines() -> Vec<Engine> {
    let mut pooling = Config::new();
    let mut p = PoolingAllocationConfig::new();
    p.total_memories(4);
    pooling.allocation_strategy(InstanceAllocationStrategy::Pooling(p));
    vec![Engine::default(), Engine::new(&pooling).unwrap()]
}

fn load(store: &mut Store<()>, instance: Instance, at: i32) -> i32 {
    instance
        .get_typed_func::<i32, i32>(&mut *store, "load")
        .unwrap()
        .call(&mut *store, at)
        .unwrap()
}

#[test]
fn a_reused_memory_starts_from_the_modules_data_and_zeros() {
    for engine in engines() {
        let scribbler = Module::new(&engine, SCRIBBLER).unwrap();
        let blank = Module::new(&engine, BLANK).unwrap();
        for round in 0..4 {
            let mut store = Store::new(&engine, ());
            let i = Instance::new(&mut store, &scribbler, &[]).unwrap();
            assert_eq!(load(&mut store, i, 100), 1, "round {round}");
            assert_eq!(load(&mut store, i, 103), 4);
            assert_eq!(load(&mut store, i, 70001), 0xbb);
            assert_eq!(load(&mut store, i, 0), 0);
            assert_eq!(load(&mut store, i, 131071), 0);
            let m = i.get_memory(&mut store, "m").unwrap();
            assert_eq!(m.size(&store), 2, "a reused reservation keeps no growth");
            // Past the memory's size, even in a reservation that was grown
            // before, accesses trap.
            let past = i.get_typed_func::<i32, i32>(&mut store, "load").unwrap();
            assert!(past.call(&mut store, 131072).is_err());
            i.get_typed_func::<(), ()>(&mut store, "scribble")
                .unwrap()
                .call(&mut store, ())
                .unwrap();
            assert_eq!(load(&mut store, i, 100 + 409), 0x5a);
            drop(store);

            // Another module (or a host memory) gets the reservation next.
            let mut store = Store::new(&engine, ());
            let b = Instance::new(&mut store, &blank, &[]).unwrap();
            for at in [0, 100, 509, 70000, 70001, 131071] {
                assert_eq!(load(&mut store, b, at), 0, "blank memory at {at}");
            }
            let host = Memory::new(&mut store, MemoryType::new(2, None)).unwrap();
            assert!(host.data(&store).iter().all(|b| *b == 0));
        }
    }
}

/// An instance whose element segment traps must not show its data, even
/// when its memory comes from a reservation that holds the module's image
/// already; the function that escaped through the imported table reads it.
#[test]
fn a_failed_instantiation_shows_no_data_even_with_a_warm_image() {
    let wat = r#"(module
      (import "" "t" (table 2 funcref))
      (memory 1)
      (data (i32.const 0) "\07")
      (func $peek (result i32) (i32.load8_u (i32.const 0)))
      (elem (i32.const 0) $peek)
      (elem (i32.const 5) $peek))"#; // out of bounds: traps
    let caller = r#"(module
      (import "" "t" (table 2 funcref))
      (type $r (func (result i32)))
      (func (export "peek") (result i32) (call_indirect (type $r) (i32.const 0))))"#;
    for engine in engines() {
        let module = Module::new(&engine, wat).unwrap();
        let caller = Module::new(&engine, caller).unwrap();
        for _ in 0..3 {
            let mut store = Store::new(&engine, ());
            let ty = TableType::new(RefType::FUNCREF, 2, None);
            let table = Table::new(&mut store, ty, Ref::Func(None)).unwrap();
            let err = Instance::new(&mut store, &module, &[Extern::Table(table)]).unwrap_err();
            assert!(format!("{err:?}").contains("out of bounds"), "{err:?}");
            let c = Instance::new(&mut store, &caller, &[Extern::Table(table)]).unwrap();
            let peek = c.get_typed_func::<(), i32>(&mut store, "peek").unwrap();
            assert_eq!(peek.call(&mut store, ()).unwrap(), 0);
        }
    }
}

/// Instances of one module that live at the same time each get their own
/// memory and function references, and reused instance allocations call
/// the right functions.
#[test]
fn instances_alive_together_stay_apart() {
    let wat = r#"(module
      (memory (export "m") 1)
      (data (i32.const 0) "\01")
      (table 2 funcref)
      (elem (i32.const 0) $one $two)
      (func $one (result i32) (i32.load8_u (i32.const 0)))
      (func $two (result i32) (i32.const 2))
      (type $r (func (result i32)))
      (func (export "pick") (param i32) (result i32) (call_indirect (type $r) (local.get 0)))
      (func (export "bump") (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))))"#;
    for engine in engines() {
        let module = Module::new(&engine, wat).unwrap();
        for _ in 0..3 {
            let mut store = Store::new(&engine, ());
            let instances: Vec<Instance> = (0..6)
                .map(|_| Instance::new(&mut store, &module, &[]).unwrap())
                .collect();
            for (n, i) in instances.iter().enumerate() {
                let bump = i.get_typed_func::<(), ()>(&mut store, "bump").unwrap();
                for _ in 0..n {
                    bump.call(&mut store, ()).unwrap();
                }
            }
            for (n, i) in instances.iter().enumerate() {
                let pick = i.get_typed_func::<i32, i32>(&mut store, "pick").unwrap();
                assert_eq!(pick.call(&mut store, 0).unwrap(), 1 + n as i32);
                assert_eq!(pick.call(&mut store, 1).unwrap(), 2);
            }
        }
    }
}

/// A table the element segments fill is made lazily; the host reading a
/// slot first must get the same function as wasm would, in every instance
/// (also one that reuses an earlier instance's allocation after that one
/// overwrote its table).
#[test]
fn lazily_made_table_slots_read_from_the_host() {
    const TABLE: &str = r#"(module
      (type $t (func (result i32)))
      (table (export "tab") 4 funcref)
      (elem (i32.const 1) func $one $two)
      (func $one (type $t) (i32.const 1))
      (func $two (type $t) (i32.const 2))
      (func (export "clobber") (table.fill (i32.const 0) (ref.null func) (i32.const 4))))"#;
    for engine in engines() {
        let module = Module::new(&engine, TABLE).unwrap();
        for _ in 0..3 {
            let mut store = Store::new(&engine, ());
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let table = instance.get_table(&mut store, "tab").unwrap();
            let call = |store: &mut Store<()>, i: u32| -> Option<i32> {
                match table.get(&mut *store, i.into()).unwrap() {
                    Ref::Func(Some(f)) => Some(
                        f.typed::<(), i32>(&*store)
                            .unwrap()
                            .call(&mut *store, ())
                            .unwrap(),
                    ),
                    Ref::Func(None) => None,
                    other => panic!("not a funcref: {other:?}"),
                }
            };
            assert_eq!(call(&mut store, 0), None);
            assert_eq!(call(&mut store, 2), Some(2));
            assert_eq!(call(&mut store, 1), Some(1));
            assert_eq!(call(&mut store, 3), None);
            instance
                .get_typed_func::<(), ()>(&mut store, "clobber")
                .unwrap()
                .call(&mut store, ())
                .unwrap();
            assert_eq!(call(&mut store, 1), None);
        }
    }
}
