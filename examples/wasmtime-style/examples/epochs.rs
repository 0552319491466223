//! Epoch interruption: a timer thread ends a runaway loop, and a deadline
//! callback can let wasm go on for a while first.
use std::sync::Arc;
use std::time::Duration;
use wasmtime::*;

fn main() -> Result<()> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Arc::new(Engine::new(&config)?);
    let mut store = Store::new(&engine, 0u32);
    let module = Module::new(
        &engine,
        r#"(module (func (export "spin") (loop $l (br $l))))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[])?;
    let spin = instance.get_typed_func::<(), ()>(&mut store, "spin")?;

    // Let the loop survive three ticks, then stop it.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|mut cx| {
        *cx.data_mut() += 1;
        if *cx.data() < 3 {
            Ok(UpdateDeadline::Continue(1))
        } else {
            Ok(UpdateDeadline::Interrupt)
        }
    });
    let engine_clone = engine.clone();
    let ticker = std::thread::spawn(move || {
        for _ in 0..100 {
            std::thread::sleep(Duration::from_millis(5));
            engine_clone.increment_epoch();
        }
    });
    let trap = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(trap.downcast::<Trap>()?, Trap::Interrupt);
    assert_eq!(*store.data(), 3);

    // Without a callback the first tick past the deadline interrupts.
    store.epoch_deadline_trap();
    store.set_epoch_deadline(1);
    let trap = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(trap.downcast::<Trap>()?, Trap::Interrupt);
    ticker.join().unwrap();
    println!("Done.");
    Ok(())
}
