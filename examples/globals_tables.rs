//! Globals and tables created by the host and shared with wasm.
//!
//! Run with `cargo run --example globals_tables`.

use kiln::{
    Engine, Func, Global, GlobalType, Instance, Module, Mutability, Ref, RefType, Store, Table,
    TableType, Val, ValType,
};

fn main() -> kiln::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "host" "counter" (global $counter (mut i32)))
            (import "host" "callbacks" (table 2 funcref))
            (type $cb (func (result i32)))
            (func (export "bump") (result i32)
              (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
              (global.get $counter))
            (func (export "call") (param i32) (result i32)
              (call_indirect (type $cb) (local.get 0))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let counter = Global::new(
        &mut store,
        GlobalType::new(ValType::I32, Mutability::Var),
        Val::I32(10),
    )?;
    let callbacks = Table::new(
        &mut store,
        TableType::new(RefType::FUNCREF, 2, None),
        Ref::Func(None),
    )?;
    let seven = Func::wrap(&mut store, || 7i32);
    callbacks.set(&mut store, 1, Ref::Func(Some(seven)))?;
    let instance = Instance::new(&mut store, &module, &[counter.into(), callbacks.into()])?;

    let bump = instance.get_typed_func::<(), i32>(&mut store, "bump")?;
    assert_eq!(bump.call(&mut store, ())?, 11);
    counter.set(&mut store, Val::I32(100))?;
    assert_eq!(bump.call(&mut store, ())?, 101);
    println!("counter = {}", counter.get(&mut store).unwrap_i32());

    let call = instance.get_typed_func::<i32, i32>(&mut store, "call")?;
    assert_eq!(call.call(&mut store, 1)?, 7);
    let err = call.call(&mut store, 0).unwrap_err();
    println!(
        "calling the empty slot: {}",
        err.downcast_ref::<kiln::Trap>().unwrap()
    );
    assert_eq!(callbacks.grow(&mut store, 1, Ref::Func(Some(seven)))?, 2);
    assert_eq!(call.call(&mut store, 2)?, 7);
    Ok(())
}
