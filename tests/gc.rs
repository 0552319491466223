//! Wasm GC through the embedding API: `anyref` values, `i31`, and host
//! values crossing between the `extern` and `any` hierarchies.

use kiln::{AnyRef, Config, Engine, ExternRef, I31, Instance, Module, Ref, Store, Val};
use wasmparser::WasmFeatures;

fn gc_engine() -> Engine {
    let mut config = Config::new();
    config.wasm_features(WasmFeatures::WASM3);
    Engine::new(&config).unwrap()
}

const MODULE: &str = r#"
(module
  (table (export "t") 2 anyref)
  (func (export "i31") (param i32) (result anyref) (ref.i31 (local.get 0)))
  (func (export "get_s") (param anyref) (result i32)
    (i31.get_s (ref.cast i31ref (local.get 0))))
  (func (export "internalize") (param externref) (result anyref)
    (any.convert_extern (local.get 0)))
  (func (export "externalize") (param anyref) (result externref)
    (extern.convert_any (local.get 0)))
  (func (export "store0") (param i32)
    (table.set (i32.const 0) (ref.i31 (local.get 0))))
)"#;

fn instance() -> (Store<()>, Instance) {
    let engine = gc_engine();
    let module = Module::new(&engine, MODULE).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

#[test]
fn i31_values_cross_the_boundary_both_ways() {
    let (mut store, instance) = instance();
    let i31 = instance.get_func(&mut store, "i31").unwrap();
    let mut out = [Val::I32(0)];
    i31.call(&mut store, &[Val::I32(-5)], &mut out).unwrap();
    let any = out[0].unwrap_anyref().unwrap().clone();
    assert_eq!(any.unwrap_i31().get_i32(), -5);
    assert_eq!(any.unwrap_i31().get_u32(), 0x7fff_fffb);

    let get_s = instance.get_func(&mut store, "get_s").unwrap();
    let host_made = AnyRef::from_i31(&mut store, I31::wrapping_i32(-0x4000_0000));
    get_s
        .call(&mut store, &[Val::AnyRef(Some(host_made))], &mut out)
        .unwrap();
    assert_eq!(out[0].unwrap_i32(), -0x4000_0000);
}

#[test]
fn an_anyref_table_hands_back_i31_zero() {
    // `ref.i31 0` is the word lazy funcref tables use as their marker.
    let (mut store, instance) = instance();
    let store0 = instance.get_func(&mut store, "store0").unwrap();
    store0.call(&mut store, &[Val::I32(0)], &mut []).unwrap();
    let table = instance.get_table(&mut store, "t").unwrap();
    let r = table.get(&mut store, 0).unwrap();
    assert_eq!(r.unwrap_any().unwrap().as_i31(), Some(I31::wrapping_u32(0)));
    assert!(table.get(&mut store, 1).unwrap().is_null());
    let seven = AnyRef::from_i31(&mut store, I31::new_u32(7).unwrap());
    table.set(&mut store, 1, Ref::Any(Some(seven))).unwrap();
    let r = table.get(&mut store, 1).unwrap();
    assert_eq!(r.unwrap_any().unwrap().unwrap_i31().get_u32(), 7);
}

#[test]
fn host_values_keep_their_identity_through_both_conversions() {
    let (mut store, instance) = instance();
    let internalize = instance.get_func(&mut store, "internalize").unwrap();
    let externalize = instance.get_func(&mut store, "externalize").unwrap();
    let host = ExternRef::new(&mut store, String::from("hello"));
    let mut out = [Val::I32(0)];
    internalize
        .call(&mut store, &[Val::ExternRef(Some(host.clone()))], &mut out)
        .unwrap();
    let any = out[0].unwrap_anyref().unwrap().clone();
    assert!(!any.is_i31() && !any.is_eqref());
    assert_eq!(
        any.host_downcast_ref::<String>().map(String::as_str),
        Some("hello")
    );
    externalize
        .call(&mut store, &[Val::AnyRef(Some(any))], &mut out)
        .unwrap();
    let back = out[0].unwrap_externref().unwrap();
    assert!(ExternRef::ptr_eq(back, &host));

    // An i31 made extern and back is the same i31.
    let i31 = AnyRef::from_i31(&mut store, I31::new_u32(42).unwrap());
    externalize
        .call(&mut store, &[Val::AnyRef(Some(i31))], &mut out)
        .unwrap();
    let ext = out[0].unwrap_externref().unwrap().clone();
    assert!(ext.downcast_ref::<u32>().is_none());
    internalize
        .call(&mut store, &[Val::ExternRef(Some(ext))], &mut out)
        .unwrap();
    assert_eq!(out[0].unwrap_anyref().unwrap().unwrap_i31().get_u32(), 42);
}

#[test]
fn a_host_value_is_not_an_i31_to_a_cast() {
    let (mut store, instance) = instance();
    let get_s = instance.get_func(&mut store, "get_s").unwrap();
    let host = ExternRef::new(&mut store, 1u32);
    let any = AnyRef::convert_extern(&mut store, &host).unwrap();
    let err = get_s
        .call(&mut store, &[Val::AnyRef(Some(any))], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(
        err.downcast_ref::<kiln::Trap>(),
        Some(&kiln::Trap::CastFailure)
    );
}

#[test]
fn values_are_checked_against_gc_types() {
    let (mut store, instance) = instance();
    let get_s = instance.get_func(&mut store, "get_s").unwrap();
    // A funcref is not an anyref.
    let err = get_s
        .call(&mut store, &[Val::FuncRef(None)], &mut [Val::I32(0)])
        .unwrap_err();
    assert!(err.to_string().contains("anyref"), "{err}");
}
