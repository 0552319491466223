//! Host values passed to wasm as `externref`, kept in its tables and
//! globals, and given back; the handles are rooted in the store.
use wasmtime::*;

fn main() -> Result<()> {
    let mut config = Config::new();
    config.wasm_reference_types(true);
    let engine = Engine::new(&config)?;
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module
            (table $table (export "table") 10 externref)
            (global $global (export "global") (mut externref) (ref.null extern))
            (func (export "func") (param externref) (result externref) (local.get 0)))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[])?;

    let greeting = ExternRef::new(&mut store, "Hello, World!")?;
    let data = greeting.data(&store)?.expect("a host value");
    assert_eq!(data.downcast_ref::<&str>(), Some(&"Hello, World!"));

    let table = instance.get_table(&mut store, "table").unwrap();
    table.set(&mut store, 3, greeting.into())?;
    let slot = table.get(&mut store, 3).unwrap();
    let slot = slot.unwrap_extern().copied().expect("not null");
    assert!(Rooted::ref_eq(&store, &slot, &greeting)?);
    assert!(table.get(&mut store, 4).unwrap().is_null());
    assert_eq!(table.size(&store), 10);

    let global = instance.get_global(&mut store, "global").unwrap();
    global.set(&mut store, Some(greeting).into())?;
    let held = global.get(&mut store).unwrap_externref().copied().unwrap();
    assert!(Rooted::ref_eq(&store, &held, &greeting)?);

    // Through the typed and untyped call paths.
    let echo = instance.get_typed_func::<Option<Rooted<ExternRef>>, Option<Rooted<ExternRef>>>(
        &mut store, "func",
    )?;
    let back = echo.call(&mut store, Some(greeting))?.unwrap();
    assert!(Rooted::ref_eq(&store, &back, &greeting)?);
    let func = instance.get_func(&mut store, "func").unwrap();
    let mut results = [Val::null_extern_ref()];
    func.call(&mut store, &[greeting.into()], &mut results)?;
    let back = results[0].unwrap_externref().copied().unwrap();
    assert!(Rooted::ref_eq(&store, &back, &greeting)?);

    // A value made inside a scope is unrooted when the scope ends.
    let temporary = {
        let mut scope = RootScope::new(&mut store);
        ExternRef::new(&mut scope, 7u32)?
    };
    assert!(temporary.data(&store).is_err());

    store.gc();
    let data = greeting.data(&store)?.expect("still rooted");
    assert_eq!(data.downcast_ref::<&str>(), Some(&"Hello, World!"));
    println!("Done.");
    Ok(())
}
