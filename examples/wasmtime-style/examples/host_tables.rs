//! Host functions built from a `FuncType`, put in a table the host made,
//! and called indirectly by wasm; a linker resolving the imports.
use wasmtime::*;

fn main() -> Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = FuncType::new(&engine, [ValType::I32], [ValType::I32]);
    assert_eq!(ty.params().len(), 1);
    assert!(ty.results().all(|t| matches!(t, ValType::I32)));
    let double = Func::new(&mut store, ty.clone(), |_caller, params, results| {
        results[0] = Val::I32(params[0].unwrap_i32() * 2);
        Ok(())
    });
    let square = Func::new(&mut store, ty, |_caller, params, results| {
        let x = params[0].unwrap_i32();
        results[0] = Val::I32(x * x);
        Ok(())
    });
    let table = Table::new(
        &mut store,
        TableType::new(RefType::FUNCREF, 2, None),
        Ref::Func(None),
    )?;
    table.set(&mut store, 0, double.into())?;
    table.set(&mut store, 1, Ref::Func(Some(square)))?;
    assert_eq!(table.grow(&mut store, 1, Ref::Func(None))?, 2);
    assert_eq!(table.size(&store), 3);

    let mut linker = Linker::new(&engine);
    linker.define(&store, "host", "table", table)?;
    let module = Module::new(
        &engine,
        r#"(module
            (import "host" "table" (table 3 funcref))
            (type $t (func (param i32) (result i32)))
            (func (export "apply") (param i32 i32) (result i32)
              (call_indirect (type $t) (local.get 1) (local.get 0))))"#,
    )?;
    let instance = linker.instantiate(&mut store, &module)?;
    let apply = instance.get_typed_func::<(i32, i32), i32>(&mut store, "apply")?;
    assert_eq!(apply.call(&mut store, (0, 21))?, 42);
    assert_eq!(apply.call(&mut store, (1, 9))?, 81);
    let err = apply.call(&mut store, (2, 1)).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::IndirectCallToNull));
    println!("Done.");
    Ok(())
}
