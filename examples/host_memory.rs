//! A host function reads a string out of the calling module's memory.
//!
//! Run with `cargo run --example host_memory`.

use kiln::{Caller, Engine, Linker, Module, Store};

fn main() -> kiln::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "env" "log" (func $log (param i32 i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "written by wasm")
            (func (export "run") (call $log (i32.const 16) (i32.const 15))))"#,
    )?;
    let mut store = Store::new(&engine, Vec::<String>::new());
    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "env",
        "log",
        |mut caller: Caller<'_, Vec<String>>, ptr: i32, len: i32| {
            // The caller's exports are reachable from inside the call.
            let memory = caller
                .get_export("memory")
                .and_then(|e| e.into_memory())
                .ok_or_else(|| anyhow::anyhow!("the module exports no memory"))?;
            let mut bytes = vec![0; len as usize];
            memory.read(&caller, ptr as usize, &mut bytes)?;
            let text = String::from_utf8(bytes)?;
            println!("guest says: {text}");
            caller.data_mut().push(text);
            Ok(())
        },
    )?;
    let instance = linker.instantiate(&mut store, &module)?;
    instance
        .get_typed_func::<(), ()>(&mut store, "run")?
        .call(&mut store, ())?;
    assert_eq!(store.data().as_slice(), ["written by wasm"]);
    Ok(())
}
