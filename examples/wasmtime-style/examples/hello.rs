//! A host function imported by a module and called back by its export.
use wasmtime::*;

struct MyState {
    name: String,
    count: usize,
}

fn main() -> Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "host" "hello" (func $hello (param i32)))
            (func (export "run") (call $hello (i32.const 3)) (call $hello (i32.const 4))))"#,
    )?;
    let mut store = Store::new(
        &engine,
        MyState {
            name: "hello, world!".to_string(),
            count: 0,
        },
    );
    let hello = Func::wrap(&mut store, |mut caller: Caller<'_, MyState>, param: i32| {
        println!("Calling back... > {} ({param})", caller.data().name);
        caller.data_mut().count += param as usize;
    });
    let imports = [hello.into()];
    let instance = Instance::new(&mut store, &module, &imports)?;
    let run = instance.get_typed_func::<(), ()>(&mut store, "run")?;
    run.call(&mut store, ())?;
    assert_eq!(store.data().count, 7);
    println!("Done.");
    Ok(())
}
