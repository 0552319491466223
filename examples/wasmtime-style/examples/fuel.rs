//! Fuel: a bounded budget of work, refilled between calls.
use wasmtime::*;

fn main() -> Result<()> {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config)?;
    let mut store = Store::new(&engine, ());
    store.set_fuel(10_000)?;
    let module = Module::new(
        &engine,
        r#"(module
            (func $fib (export "fibonacci") (param $n i32) (result i32)
              (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
                (then (local.get $n))
                (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                               (call $fib (i32.sub (local.get $n) (i32.const 2))))))))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[])?;
    let fibonacci = instance.get_typed_func::<i32, i32>(&mut store, "fibonacci")?;
    let mut last = 0;
    for n in 1.. {
        let fuel_before = store.get_fuel()?;
        let output = match fibonacci.call(&mut store, n) {
            Ok(v) => v,
            Err(e) => {
                assert_eq!(e.downcast::<Trap>()?, Trap::OutOfFuel);
                println!("Exhausted fuel computing fib({n})");
                break;
            }
        };
        let fuel_consumed = fuel_before - store.get_fuel()?;
        println!("fib({n}) = {output} [consumed {fuel_consumed} fuel]");
        store.set_fuel(10_000)?;
        last = n;
    }
    assert!(last > 5, "some calls fit the budget");
    Ok(())
}
