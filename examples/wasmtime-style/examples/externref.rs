//! Host values passed to wasm as `externref`, kept in its tables and
//! globals, and given back.
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

    let externref = ExternRef::new(&mut store, "Hello, World!");
    assert_eq!(externref.downcast_ref::<&str>(), Some(&"Hello, World!"));

    let table = instance.get_table(&mut store, "table").unwrap();
    table.set(&mut store, 3, Ref::Extern(Some(externref.clone())))?;
    let elem = table.get(&mut store, 3).unwrap();
    let elem = elem.unwrap_extern().expect("not null");
    assert!(ExternRef::ptr_eq(elem, &externref));
    assert!(table.get(&mut store, 4).unwrap().is_null());
    assert_eq!(table.size(&store), 10);

    let global = instance.get_global(&mut store, "global").unwrap();
    global.set(&mut store, Val::ExternRef(Some(externref.clone())))?;
    let value = global.get(&mut store);
    assert!(ExternRef::ptr_eq(
        value.unwrap_externref().unwrap(),
        &externref
    ));

    let func = instance.get_func(&mut store, "func").unwrap();
    let mut results = [Val::null_extern_ref()];
    func.call(
        &mut store,
        &[Val::ExternRef(Some(externref.clone()))],
        &mut results,
    )?;
    assert!(ExternRef::ptr_eq(
        results[0].unwrap_externref().unwrap(),
        &externref
    ));
    println!("Done.");
    Ok(())
}
