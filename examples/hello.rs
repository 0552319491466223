//! Hello: a wasm module calls a host function.
//!
//! Run with `cargo run --example hello`.

use kiln::{Caller, Engine, Func, Instance, Module, Store};

fn main() -> kiln::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "host" "hello" (func $hello (param i32)))
            (func (export "run") (call $hello (i32.const 42))))"#,
    )?;
    // The store holds everything instances create, plus our own data: here,
    // the greetings the host function has printed.
    let mut store = Store::new(&engine, Vec::<String>::new());
    let hello = Func::wrap(&mut store, |mut caller: Caller<'_, Vec<String>>, n: i32| {
        let line = format!("Hello, world! (wasm says {n})");
        println!("{line}");
        caller.data_mut().push(line);
    });
    let instance = Instance::new(&mut store, &module, &[hello.into()])?;
    let run = instance.get_typed_func::<(), ()>(&mut store, "run")?;
    run.call(&mut store, ())?;
    assert_eq!(store.data().as_slice(), ["Hello, world! (wasm says 42)"]);
    Ok(())
}
