//! One module compiled once, instantiated by several threads, each in a
//! store of its own, with a linker shared between them.
use std::sync::Arc;
use wasmtime::*;

const N_THREADS: i32 = 4;
const N_REPS: i32 = 3;

fn main() -> Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "global" "hello" (func $hello (result i32)))
            (func (export "run") (result i32) (i32.mul (call $hello) (i32.const 2))))"#,
    )?;
    let mut linker = Linker::new(&engine);
    linker.func_wrap("global", "hello", |caller: Caller<'_, i32>| *caller.data())?;
    let linker = Arc::new(linker);

    let children = (0..N_THREADS)
        .map(|id| {
            let engine = engine.clone();
            let module = module.clone();
            let linker = linker.clone();
            std::thread::spawn(move || -> Result<i32> {
                let mut sum = 0;
                for _ in 0..N_REPS {
                    let mut store = Store::new(&engine, id);
                    let instance = linker.instantiate(&mut store, &module)?;
                    let run = instance.get_typed_func::<(), i32>(&mut store, "run")?;
                    sum += run.call(&mut store, ())?;
                }
                Ok(sum)
            })
        })
        .collect::<Vec<_>>();
    let mut total = 0;
    for child in children {
        total += child.join().unwrap()?;
    }
    // Each thread's id, doubled, N_REPS times.
    let expected: i32 = (0..N_THREADS).map(|id| id * 2 * N_REPS).sum();
    assert_eq!(total, expected);
    println!("Done: {total}.");
    Ok(())
}
