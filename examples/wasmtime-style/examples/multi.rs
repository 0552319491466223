//! Functions with several results, both ways across the boundary.
use wasmtime::*;

fn main() -> Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module
            (func $f (import "" "f") (param i32 i64) (result i64 i32))
            (func (export "g") (param i32 i64) (result i64 i32)
              (call $f (local.get 0) (local.get 1)))
            (func (export "round_trip_many")
              (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
              (result i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
              local.get 0 local.get 1 local.get 2 local.get 3 local.get 4
              local.get 5 local.get 6 local.get 7 local.get 8 local.get 9))"#,
    )?;
    let callback_func = Func::wrap(&mut store, |a: i32, b: i64| -> (i64, i32) {
        (b + 1, a + 1)
    });
    let instance = Instance::new(&mut store, &module, &[callback_func.into()])?;
    let g = instance.get_typed_func::<(i32, i64), (i64, i32)>(&mut store, "g")?;
    let (a, b) = g.call(&mut store, (1, 3))?;
    println!("> {a} {b}");
    assert_eq!((a, b), (4, 2));

    let round_trip_many = instance.get_typed_func::<
        (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64),
        (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64),
    >(&mut store, "round_trip_many")?;
    let results = round_trip_many.call(&mut store, (0, 1, 2, 3, 4, 5, 6, 7, 8, 9))?;
    assert_eq!(results, (0, 1, 2, 3, 4, 5, 6, 7, 8, 9));

    // The same through untyped values.
    let g = instance.get_func(&mut store, "g").unwrap();
    let mut results = [Val::I64(0), Val::I32(0)];
    g.call(&mut store, &[Val::I32(5), Val::I64(7)], &mut results)?;
    assert_eq!(results[0].unwrap_i64(), 8);
    assert_eq!(results[1].unwrap_i32(), 6);
    Ok(())
}
