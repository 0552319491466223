//! Two modules linked by name: one exports a memory and a function, the
//! other imports them.
//!
//! Run with `cargo run --example linking`.

use kiln::{Engine, Linker, Module, Store};

fn main() -> kiln::Result<()> {
    let engine = Engine::default();
    let library = Module::new(
        &engine,
        r#"(module
            (memory (export "memory") 1)
            (func (export "double") (param i32) (result i32)
              (i32.mul (local.get 0) (i32.const 2))))"#,
    )?;
    let app = Module::new(
        &engine,
        r#"(module
            (import "lib" "memory" (memory 1))
            (import "lib" "double" (func $double (param i32) (result i32)))
            (func (export "run") (param i32) (result i32)
              (i32.store (i32.const 0) (call $double (local.get 0)))
              (i32.load (i32.const 0))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.module(&mut store, "lib", &library)?;
    let instance = linker.instantiate(&mut store, &app)?;
    let run = instance.get_typed_func::<i32, i32>(&mut store, "run")?;
    let result = run.call(&mut store, 21)?;
    println!("double(21) = {result}");
    assert_eq!(result, 42);
    // The library's memory saw the store the app made.
    let memory = linker
        .get(&mut store, "lib", "memory")
        .and_then(|e| e.into_memory())
        .unwrap();
    assert_eq!(&memory.data(&store)[..4], &42i32.to_le_bytes());
    Ok(())
}
