//! Wasm 2.0 values through the API: v128, funcref and externref values,
//! and tables of both reference types made and changed by the host.

use kiln::{
    Engine, Extern, ExternRef, Func, Instance, Module, Ref, RefType, Rooted, Store, Table,
    TableType, Val,
};

const MODULE: &str = r#"
(module
  (import "host" "funcs" (table $funcs 2 funcref))
  (import "host" "things" (table $things 1 externref))
  (global $last (mut externref) (ref.null extern))
  (func (export "keep") (param externref) (result externref)
    (global.set $last (local.get 0))
    (global.get $last))
  (func (export "thing") (param i32) (result externref) (table.get $things (local.get 0)))
  (func (export "call") (param i32) (result i32) (call_indirect $funcs (result i32) (local.get 0)))
  (func (export "func") (param i32) (result funcref) (table.get $funcs (local.get 0)))
  (func (export "store_thing") (param i32 externref) (table.set $things (local.get 0) (local.get 1)))
  (func (export "swap") (param v128) (result v128)
    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get 0) (local.get 0)))
)
"#;

fn setup() -> (Store<()>, Instance, Table, Table, Func) {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let funcs = Table::new(
        &mut store,
        TableType::new(RefType::FUNCREF, 2, None),
        Ref::Func(None),
    )
    .unwrap();
    let things = Table::new(
        &mut store,
        TableType::new(RefType::EXTERNREF, 1, Some(4)),
        Ref::Extern(None),
    )
    .unwrap();
    let seven = Func::wrap(&mut store, || 7i32);
    funcs.set(&mut store, 1, Ref::Func(Some(seven))).unwrap();
    let module = Module::new(&engine, MODULE).unwrap();
    let instance = Instance::new(
        &mut store,
        &module,
        &[Extern::Table(funcs), Extern::Table(things)],
    )
    .unwrap();
    (store, instance, funcs, things, seven)
}

fn call1(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    args: &[Val],
) -> kiln::Result<Val> {
    let f = instance.get_func(&mut *store, name).unwrap();
    let mut out = [Val::I32(0)];
    f.call(store, args, &mut out)?;
    Ok(out[0])
}

#[test]
fn externref_round_trips_through_wasm() {
    let (mut store, instance, ..) = setup();
    let r = ExternRef::new(&mut store, String::from("kiln")).unwrap();
    let back = call1(&mut store, &instance, "keep", &[r.into()]).unwrap();
    let back = back.unwrap_externref().unwrap();
    let data = back.data(&store).unwrap().unwrap();
    assert_eq!(
        data.downcast_ref::<String>().map(String::as_str),
        Some("kiln")
    );
    assert!(data.downcast_ref::<u32>().is_none());
    assert!(Rooted::ref_eq(&store, &r, back).unwrap());
    let null = call1(&mut store, &instance, "keep", &[Val::ExternRef(None)]).unwrap();
    assert!(null.unwrap_externref().is_none());
}

#[test]
fn externref_tables_from_the_host() {
    let (mut store, instance, _, things, _) = setup();
    let a = ExternRef::new(&mut store, 41u64).unwrap();
    things.set(&mut store, 0, Ref::Extern(Some(a))).unwrap();
    let got = call1(&mut store, &instance, "thing", &[Val::I32(0)]).unwrap();
    let data = got.unwrap_externref().unwrap().data(&store).unwrap();
    assert_eq!(data.unwrap().downcast_ref::<u64>(), Some(&41));
    assert_eq!(things.grow(&mut store, 2, Ref::Extern(None)).unwrap(), 1);
    assert_eq!(things.size(&store), 3);
    let b = ExternRef::new(&mut store, 'x').unwrap();
    let f = instance.get_func(&mut store, "store_thing").unwrap();
    f.call(&mut store, &[Val::I32(2), Val::ExternRef(Some(b))], &mut [])
        .unwrap();
    let read = things.get(&mut store, 2).unwrap();
    let read = read.unwrap_extern().unwrap().data(&store).unwrap().unwrap();
    assert_eq!(read.downcast_ref::<char>(), Some(&'x'));
    assert!(things.grow(&mut store, 2, Ref::Extern(None)).is_err());
    assert!(things.set(&mut store, 0, Ref::Func(None)).is_err());
    assert!(things.get(&mut store, 3).is_none());
}

#[test]
fn funcref_tables_from_the_host() {
    let (mut store, instance, funcs, _, seven) = setup();
    assert_eq!(
        call1(&mut store, &instance, "call", &[Val::I32(1)])
            .unwrap()
            .unwrap_i32(),
        7
    );
    let err = call1(&mut store, &instance, "call", &[Val::I32(0)]).unwrap_err();
    assert_eq!(
        err.downcast_ref::<kiln::Trap>(),
        Some(&kiln::Trap::IndirectCallToNull)
    );
    // The function comes back out of wasm as the same handle.
    let back = call1(&mut store, &instance, "func", &[Val::I32(1)]).unwrap();
    assert_eq!(back.unwrap_funcref(), Some(&seven));
    let eight = Func::wrap(&mut store, || 8i32);
    assert_eq!(
        funcs.grow(&mut store, 1, Ref::Func(Some(eight))).unwrap(),
        2
    );
    assert_eq!(
        call1(&mut store, &instance, "call", &[Val::I32(2)])
            .unwrap()
            .unwrap_i32(),
        8
    );
    let table_seven = *funcs.get(&mut store, 1).unwrap().unwrap_func().unwrap();
    let mut out = [Val::I32(0)];
    table_seven.call(&mut store, &[], &mut out).unwrap();
    assert_eq!(out[0].unwrap_i32(), 7);
}

#[test]
fn v128_values_round_trip() {
    let (mut store, instance, ..) = setup();
    let v = 0x0011_2233_4455_6677_8899_aabb_ccdd_eeffu128;
    let out = call1(&mut store, &instance, "swap", &[Val::V128(v.into())]).unwrap();
    assert_eq!(out.unwrap_v128().as_u128(), v.rotate_left(64));
    let typed = instance
        .get_typed_func::<u128, u128>(&mut store, "swap")
        .unwrap();
    assert_eq!(typed.call(&mut store, v).unwrap(), v.rotate_left(64));
    // wasmtime's spelling: `V128`.
    let typed = instance
        .get_typed_func::<kiln::V128, kiln::V128>(&mut store, "swap")
        .unwrap();
    let out = typed.call(&mut store, v.into()).unwrap();
    assert_eq!(u128::from(out), v.rotate_left(64));
}
