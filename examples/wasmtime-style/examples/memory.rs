//! Reading, writing and growing a module's memory from the host, and
//! wasm's out-of-bounds accesses trapping.
use wasmtime::*;

fn main() -> Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module
            (memory (export "memory") 2 3)
            (func (export "size") (result i32) (memory.size))
            (func (export "load") (param i32) (result i32) (i32.load8_s (local.get 0)))
            (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
            (data (i32.const 0x1000) "\01\02\03\04"))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[])?;
    let memory = instance
        .get_memory(&mut store, "memory")
        .ok_or_else(|| format_err!("failed to find `memory` export"))?;
    let size = instance.get_typed_func::<(), i32>(&mut store, "size")?;
    let load = instance.get_typed_func::<i32, i32>(&mut store, "load")?;
    let store_fn = instance.get_typed_func::<(i32, i32), ()>(&mut store, "store")?;

    assert_eq!(memory.size(&store), 2);
    assert_eq!(memory.data_size(&store), 0x20000);
    assert_eq!(memory.data_mut(&mut store)[0], 0);
    assert_eq!(memory.data_mut(&mut store)[0x1000], 1);
    assert_eq!(size.call(&mut store, ())?, 2);
    assert_eq!(load.call(&mut store, 0x1002)?, 3);
    assert!(load.call(&mut store, 0x20000).is_err(), "out of bounds");

    memory.data_mut(&mut store)[0x1003] = 5;
    store_fn.call(&mut store, (0x1002, 6))?;
    assert_eq!(memory.data(&store)[0x1002], 6);
    assert_eq!(load.call(&mut store, 0x1003)?, 5);
    let mut buf = [0u8; 4];
    memory.read(&store, 0x1000, &mut buf)?;
    assert_eq!(buf, [1, 2, 6, 5]);

    assert_eq!(memory.grow(&mut store, 1)?, 2);
    assert_eq!(memory.size(&store), 3);
    assert!(memory.grow(&mut store, 1).is_err(), "past the maximum");
    memory.write(&mut store, 0x2ffff, &[7])?;
    assert_eq!(load.call(&mut store, 0x2ffff)?, 7);

    // A memory made by the host, with a maximum.
    let memorytype = MemoryType::new(5, Some(5));
    let memory2 = Memory::new(&mut store, memorytype)?;
    assert_eq!(memory2.size(&store), 5);
    assert!(memory2.grow(&mut store, 1).is_err());
    println!("Done.");
    Ok(())
}
