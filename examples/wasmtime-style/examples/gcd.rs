//! Euclid's algorithm in wasm, called through a typed function.
use wasmtime::*;

fn main() -> Result<()> {
    let mut store = Store::<()>::default();
    let module = Module::new(
        store.engine(),
        r#"(module
            (func $gcd (export "gcd") (param i32 i32) (result i32)
              (if (result i32) (local.get 1)
                (then (call $gcd (local.get 1) (i32.rem_u (local.get 0) (local.get 1))))
                (else (local.get 0)))))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[])?;
    let gcd = instance.get_typed_func::<(i32, i32), i32>(&mut store, "gcd")?;
    let answer = gcd.call(&mut store, (6, 27))?;
    println!("gcd(6, 27) = {answer}");
    assert_eq!(answer, 3);
    Ok(())
}
