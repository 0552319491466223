//! Compiling ahead of time for a named target, then loading the result.
use wasmtime::*;

fn main() -> Result<()> {
    let mut config = Config::new();
    // Kiln compiles for the host only; naming the host's triple is fine.
    config.target(&target_triple())?;
    config.debug_info(false);
    config.signals_based_traps(true);
    let engine = Engine::new(&config)?;
    let wat = r#"(module (func (export "add") (param i32 i32) (result i32)
        (i32.add (local.get 0) (local.get 1))))"#;
    let precompiled = engine.precompile_module(wat.as_bytes())?;
    assert!(Module::is_precompiled(&precompiled));

    // Another target is refused rather than compiled for nothing.
    assert!(Config::new().target("aarch64-apple-darwin").is_err());

    // SAFETY: the bytes were just made by this engine.
    let module = unsafe { Module::deserialize(&engine, &precompiled)? };
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let add = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add")?;
    assert_eq!(add.call(&mut store, (40, 2))?, 42);
    println!("Done.");
    Ok(())
}

fn target_triple() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}
