//! Compile once, save the machine code, load it later without compiling.
//!
//! Run with `cargo run --example serialize`.

use kiln::{Engine, Instance, Module, Store};

fn main() -> kiln::Result<()> {
    let engine = Engine::default();
    let module = Module::new(&engine, include_bytes!("fib.wat"))?;
    let path = std::env::temp_dir().join(format!("kiln-example-{}.cwasm", std::process::id()));
    std::fs::write(&path, module.serialize()?)?;

    // SAFETY: the file was written just above by `Module::serialize`.
    let loaded = unsafe { Module::deserialize_file(&engine, &path) }?;
    std::fs::remove_file(&path)?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &loaded, &[])?;
    let fib = instance.get_typed_func::<i32, i32>(&mut store, "fib")?;
    let n = fib.call(&mut store, 25)?;
    println!("fib(25) = {n}");
    assert_eq!(n, 75025);
    Ok(())
}
