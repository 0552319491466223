//! `anyref`s from the host: an `i31` through a table, a global and typed
//! calls, a struct the host allocates, and an owned root that outlives
//! its scope.
use wasmtime::*;

fn main() -> Result<()> {
    let mut config = Config::new();
    config.wasm_reference_types(true);
    config.wasm_function_references(true);
    config.wasm_gc(true);
    let engine = Engine::new(&config)?;
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module
            (type $point (struct (field $x (mut i32)) (field $y i32)))
            (table $table (export "table") 10 anyref)
            (global $global (export "global") (mut anyref) (ref.null any))
            (func (export "is_point") (param anyref) (result i32)
                (ref.test (ref $point) (local.get 0)))
            (func (export "make_point") (param i32 i32) (result (ref any))
                (struct.new $point (local.get 0) (local.get 1)))
            (func (export "answer") (result anyref) (ref.i31 (i32.const 42))))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[])?;

    let i31 = I31::wrapping_u32(1234);
    let number = AnyRef::from_i31(&mut store, i31);
    assert!(number.is_i31(&store)?);
    assert_eq!(number.as_i31(&store)?, Some(i31));
    assert!(number.as_struct(&store)?.is_none());

    let table = instance.get_table(&mut store, "table").unwrap();
    table.set(&mut store, 3, number.into())?;
    let slot = table
        .get(&mut store, 3)
        .unwrap()
        .unwrap_any()
        .copied()
        .unwrap();
    assert!(Rooted::ref_eq(&store, &slot, &number)?);

    let global = instance.get_global(&mut store, "global").unwrap();
    global.set(&mut store, Some(number).into())?;
    let held = global.get(&mut store).unwrap_anyref().copied().unwrap();
    assert!(Rooted::ref_eq(&store, &held, &number)?);

    let answer = instance.get_typed_func::<(), Option<Rooted<AnyRef>>>(&mut store, "answer")?;
    let answer = answer.call(&mut store, ())?.unwrap();
    assert_eq!(answer.unwrap_i31(&store)?, I31::wrapping_u32(42));

    // A struct made by wasm, read and written by the host.
    let make = instance.get_typed_func::<(i32, i32), Rooted<AnyRef>>(&mut store, "make_point")?;
    let point = make.call(&mut store, (3, 4))?.unwrap_struct(&store)?;
    point.set_field(&mut store, 0, Val::I32(30))?;
    assert_eq!(point.field(&mut store, 0)?.unwrap_i32(), 30);
    assert_eq!(point.field(&mut store, 1)?.unwrap_i32(), 4);
    let is_point =
        instance.get_typed_func::<Option<Rooted<AnyRef>>, i32>(&mut store, "is_point")?;
    assert_eq!(is_point.call(&mut store, Some(point.to_anyref()))?, 1);
    assert_eq!(is_point.call(&mut store, Some(number))?, 0);

    // An owned root outlives the scope it was made in, and collections.
    let owned = {
        let mut scope = RootScope::new(&mut store);
        let p = make.call(&mut scope, (5, 6))?;
        p.to_owned_rooted(&mut scope)?
    };
    store.gc();
    let again = owned.to_rooted(&mut store).unwrap_struct(&store)?;
    assert_eq!(again.field(&mut store, 1)?.unwrap_i32(), 6);
    println!("Done.");
    Ok(())
}
