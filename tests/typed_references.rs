//! The host cannot put a reference of the wrong type where wasm relies on a
//! precise one: tables, globals, arguments and host results of typed
//! function references are checked against canonical types.

use kiln::{
    Config, Engine, Extern, ExternRef, Func, FuncType, Global, GlobalType, HeapType, Instance,
    Module, Mutability, Ref, RefType, Store, Table, TableType, Val, ValType,
};

const MODULE: &str = r#"
(module
  (type $w (func))
  (type $v (func (param i32)))
  (func $w (export "w") (type $w))
  (func $v (export "v") (type $v))
  (table $tw (export "tw") 2 (ref null $w))
  (global $gw (export "gw") (mut (ref null $w)) (ref.null $w))
  (func (export "call-tw") (param i32) (call_ref $w (table.get $tw (local.get 0))))
  (func (export "call-gw") (call_ref $w (global.get $gw)))
  (func (export "call-arg") (param (ref null $w)) (call_ref $w (local.get 0)))
)
"#;

fn setup() -> (Store<()>, Instance) {
    let mut config = Config::new();
    config.wasm_function_references(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, MODULE).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

fn func(store: &mut Store<()>, instance: &Instance, name: &str) -> Func {
    instance.get_func(&mut *store, name).unwrap()
}

#[test]
fn typed_tables_refuse_functions_of_other_types() {
    let (mut store, instance) = setup();
    let table = instance.get_table(&mut store, "tw").unwrap();
    let w = func(&mut store, &instance, "w");
    let v = func(&mut store, &instance, "v");
    let host = Func::wrap(&mut store, |_: i32| {});
    let extern_ref = Ref::Extern(Some(ExternRef::new(&mut store, 5u32).unwrap()));
    for wrong in [Ref::Func(Some(v)), Ref::Func(Some(host)), extern_ref] {
        let err = table.set(&mut store, 0, wrong).unwrap_err();
        assert!(err.to_string().contains("not a"), "{err}");
        assert!(table.grow(&mut store, 1, wrong).is_err());
    }
    assert_eq!(table.size(&store), 2, "a refused grow must not grow");
    // An externref grown into a plain funcref table (issue 9, #3).
    let funcs = Table::new(
        &mut store,
        TableType::new(RefType::FUNCREF, 0, None),
        Ref::Func(None),
    )
    .unwrap();
    let thing = Ref::Extern(Some(ExternRef::new(&mut store, 1u8).unwrap()));
    let err = funcs.grow(&mut store, 1, thing).unwrap_err();
    assert!(err.to_string().contains("not a funcref"), "{err}");
    assert_eq!(funcs.size(&store), 0);
    table.set(&mut store, 0, Ref::Func(Some(w))).unwrap();
    table.set(&mut store, 1, Ref::Func(None)).unwrap();
    let call = func(&mut store, &instance, "call-tw");
    call.call(&mut store, &[Val::I32(0)], &mut []).unwrap();
    let err = call.call(&mut store, &[Val::I32(1)], &mut []).unwrap_err();
    assert!(format!("{err:?}").contains("null"), "{err:?}");
}

#[test]
fn typed_globals_and_arguments_refuse_functions_of_other_types() {
    let (mut store, instance) = setup();
    let global = instance.get_global(&mut store, "gw").unwrap();
    let v = func(&mut store, &instance, "v");
    let w = func(&mut store, &instance, "w");
    assert!(global.set(&mut store, Val::FuncRef(Some(v))).is_err());
    global.set(&mut store, Val::FuncRef(Some(w))).unwrap();
    func(&mut store, &instance, "call-gw")
        .call(&mut store, &[], &mut [])
        .unwrap();
    let call_arg = func(&mut store, &instance, "call-arg");
    let err = call_arg
        .call(&mut store, &[Val::FuncRef(Some(v))], &mut [])
        .unwrap_err();
    assert!(err.to_string().contains("argument 0"), "{err}");
    call_arg
        .call(&mut store, &[Val::FuncRef(Some(w))], &mut [])
        .unwrap();
}

#[test]
fn host_made_typed_tables_and_globals_check_their_contents() {
    let (mut store, instance) = setup();
    let w = func(&mut store, &instance, "w");
    let v = func(&mut store, &instance, "v");
    // The canonical type of `$w`, as the API sees it.
    let element = instance
        .get_table(&mut store, "tw")
        .unwrap()
        .ty(&store)
        .element;
    assert!(matches!(
        element.heap_type,
        HeapType::Engine(_, kiln::TypeKind::Func)
    ));
    let non_null = RefType::new(false, element.heap_type);
    // A non-nullable table needs a non-null initial value of its type.
    let ty = TableType::new(non_null, 1, None);
    assert!(Table::new(&mut store, ty, Ref::Func(None)).is_err());
    assert!(Table::new(&mut store, ty, Ref::Func(Some(v))).is_err());
    let table = Table::new(&mut store, ty, Ref::Func(Some(w))).unwrap();
    assert!(table.set(&mut store, 0, Ref::Func(None)).is_err());
    let gty = GlobalType::new(ValType::Ref(non_null), Mutability::Var);
    assert!(Global::new(&mut store, gty, Val::FuncRef(Some(v))).is_err());
    let g = Global::new(&mut store, gty, Val::FuncRef(Some(w))).unwrap();
    assert!(g.set(&mut store, Val::FuncRef(None)).is_err());
    // Module-relative or unknown type indices are not engine types.
    let module_relative = RefType::new(
        true,
        HeapType::Module(kiln::TypeIndex(0), kiln::TypeKind::Func),
    );
    assert!(
        Table::new(
            &mut store,
            TableType::new(module_relative, 1, None),
            Ref::Func(None)
        )
        .is_err()
    );
    let unknown = RefType::new(
        true,
        HeapType::Engine(kiln::EngineTypeIndex(99_999), kiln::TypeKind::Func),
    );
    assert!(
        Global::new(
            &mut store,
            GlobalType::new(ValType::Ref(unknown), Mutability::Const),
            Val::FuncRef(None)
        )
        .is_err()
    );
}

#[test]
fn host_functions_cannot_return_a_function_of_the_wrong_type() {
    let (mut store, instance) = setup();
    let w = func(&mut store, &instance, "w");
    let v = func(&mut store, &instance, "v");
    let w_ty = instance
        .get_table(&mut store, "tw")
        .unwrap()
        .ty(&store)
        .element;
    let ty = FuncType::from_parts([], [ValType::Ref(w_ty)]);
    let liar = Func::new(&mut store, ty, move |_, _, results| {
        results[0] = Val::FuncRef(Some(v));
        Ok(())
    });
    let mut out = [Val::FuncRef(None)];
    // Called from the host: the result check refuses the lie.
    let err = liar.call(&mut store, &[], &mut out).unwrap_err();
    assert!(err.to_string().contains("result 0"), "{err}");
    // Called from wasm: the same check stops it before wasm sees the value.
    let module = Module::new(
        store.engine(),
        r#"(module
             (type $w (func))
             (import "" "liar" (func $liar (result (ref null $w))))
             (func (export "run") (call_ref $w (call $liar))))"#,
    )
    .unwrap();
    let i = Instance::new(&mut store, &module, &[Extern::Func(liar)]).unwrap();
    let run = i.get_func(&mut store, "run").unwrap();
    let err = run.call(&mut store, &[], &mut []).unwrap_err();
    assert!(err.to_string().contains("result 0"), "{err}");
    // An honest host function works.
    let ty = FuncType::from_parts([], [ValType::Ref(w_ty)]);
    let honest = Func::new(&mut store, ty, move |_, _, results| {
        results[0] = Val::FuncRef(Some(w));
        Ok(())
    });
    let i = Instance::new(&mut store, &module, &[Extern::Func(honest)]).unwrap();
    let run = i.get_func(&mut store, "run").unwrap();
    run.call(&mut store, &[], &mut []).unwrap();
}

/// `Table::fill` and `Table::copy` check types like `set`: a fill value of
/// another type, or copying from a table whose element type is not a
/// subtype of the destination's, is refused and changes nothing.
#[test]
fn table_fill_and_copy_check_element_types() {
    let (mut store, instance) = setup();
    let typed = instance.get_table(&mut store, "tw").unwrap();
    let w = func(&mut store, &instance, "w");
    let v = func(&mut store, &instance, "v");
    assert!(typed.fill(&mut store, 0, Ref::Func(Some(v)), 2).is_err());
    assert!(typed.get(&mut store, 0).unwrap().unwrap_func().is_none());
    typed.fill(&mut store, 0, Ref::Func(Some(w)), 2).unwrap();
    assert!(typed.fill(&mut store, 1, Ref::Func(Some(w)), 2).is_err());

    let any = Table::new(
        &mut store,
        TableType::new(RefType::FUNCREF, 2, None),
        Ref::Func(Some(v)),
    )
    .unwrap();
    // funcref elements (here `v`) may not flow into a (ref null $w) table...
    let err = Table::copy(&mut store, &typed, 0, &any, 0, 1).unwrap_err();
    assert!(err.to_string().contains("cannot copy"), "{err}");
    let call = func(&mut store, &instance, "call-tw");
    call.call(&mut store, &[Val::I32(0)], &mut []).unwrap();
    // ...but (ref null $w) elements may flow into a funcref table.
    Table::copy(&mut store, &any, 0, &typed, 0, 2).unwrap();
    let got = *any.get(&mut store, 1).unwrap().unwrap_func().unwrap();
    assert_eq!(got, w);
    // Copies within one table may overlap; out of bounds is an error.
    Table::copy(&mut store, &any, 1, &any, 0, 1).unwrap();
    assert!(Table::copy(&mut store, &any, 1, &any, 0, 2).is_err());
}
