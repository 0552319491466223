//! Stopping runaway wasm: with fuel, and with an epoch advanced from
//! another thread.
//!
//! Run with `cargo run --example interrupt`.

use kiln::{Config, Engine, Instance, Module, Store, Trap};
use std::time::Duration;

const SPIN: &str = r#"(module (func (export "spin") (loop (br 0))))"#;

fn main() -> kiln::Result<()> {
    // Fuel: every operator costs one unit.
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config)?;
    let module = Module::new(&engine, SPIN)?;
    let mut store = Store::new(&engine, ());
    store.set_fuel(1_000_000)?;
    let instance = Instance::new(&mut store, &module, &[])?;
    let spin = instance.get_typed_func::<(), ()>(&mut store, "spin")?;
    let err = spin.call(&mut store, ()).unwrap_err();
    println!("fuel: {}", err.downcast_ref::<Trap>().unwrap());
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::OutOfFuel));

    // Epochs: another thread advances the engine's epoch after 100 ms.
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config)?;
    let module = Module::new(&engine, SPIN)?;
    let mut store = Store::new(&engine, ());
    store.set_epoch_deadline(1);
    let instance = Instance::new(&mut store, &module, &[])?;
    let spin = instance.get_typed_func::<(), ()>(&mut store, "spin")?;
    let ticker = std::thread::spawn({
        let engine = engine.clone();
        move || {
            std::thread::sleep(Duration::from_millis(100));
            engine.increment_epoch();
        }
    });
    let err = spin.call(&mut store, ()).unwrap_err();
    ticker.join().unwrap();
    println!("epoch: {}", err.downcast_ref::<Trap>().unwrap());
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::Interrupt));
    Ok(())
}
