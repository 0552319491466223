//! References in statically typed calls: `TypedFunc` and `Func::wrap` with
//! `Option<Rooted<ExternRef>>`, `Option<Func>`, `Option<Rooted<AnyRef>>`,
//! `I31`, `Rooted<EqRef>`, `Rooted<StructRef>`, `Rooted<ArrayRef>` and
//! their non-null forms, checked by subtyping, store and rooting.

use kiln::{
    AnyRef, ArrayRef, Caller, Engine, EqRef, ExternRef, Func, I31, Instance, Linker, Module,
    RootScope, Rooted, Store, StructRef,
};

const MODULE: &str = r#"
(module
  (type $s (struct (field i32)))
  (type $a (array i8))
  (type $t (func (param i32) (result i32)))
  (import "host" "keep" (func $keep (param externref) (result externref)))
  (import "host" "field" (func $field (param anyref) (result i32)))
  (func $double (export "double") (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (elem declare func $double)
  (func (export "echo") (param externref) (result externref)
    (call $keep (local.get 0)))
  (func (export "double-ref") (result funcref) (ref.func $double))
  (func (export "call-it") (param funcref) (param i32) (result i32)
    (call_ref $t (local.get 1) (ref.cast (ref $t) (local.get 0))))
  (func (export "make") (param i32) (result (ref $s)) (struct.new $s (local.get 0)))
  (func (export "read") (param (ref null $s)) (result i32) (struct.get $s 0 (local.get 0)))
  (func (export "field-via-host") (param i32) (result i32)
    (call $field (struct.new $s (local.get 0))))
  (func (export "make-array") (param i32) (result (ref $a)) (array.new_default $a (local.get 0)))
  (func (export "is-s") (param eqref) (result i32) (ref.test (ref $s) (local.get 0)))
  (func (export "small") (param i32) (result (ref i31)) (ref.i31 (local.get 0)))
)
"#;

fn setup() -> (Store<u32>, Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, MODULE).unwrap();
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .func_wrap(
            "host",
            "keep",
            |mut c: Caller<'_, u32>, r: Option<Rooted<ExternRef>>| -> Option<Rooted<ExternRef>> {
                *c.data_mut() += 1;
                r
            },
        )
        .unwrap();
    linker
        .func_wrap(
            "host",
            "field",
            |mut c: Caller<'_, u32>, r: Option<Rooted<AnyRef>>| -> anyhow::Result<i32> {
                // Enough host values to make the heap collect several times:
                // the struct must survive, held only by `r`. Each value is
                // made in a scope of its own, so it can be collected.
                for i in 0..200_000u32 {
                    let mut scope = RootScope::new(&mut c);
                    ExternRef::new(&mut scope, i)?;
                }
                let s = r.expect("a struct").unwrap_struct(&c)?;
                Ok(s.field(&mut c, 0)?.unwrap_i32())
            },
        )
        .unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn externrefs_pass_through_typed_calls_and_host_closures() {
    let (mut store, instance) = setup();
    let echo = instance
        .get_typed_func::<Option<Rooted<ExternRef>>, Option<Rooted<ExternRef>>>(&mut store, "echo")
        .unwrap();
    let value = ExternRef::new(&mut store, String::from("kiln")).unwrap();
    let back = echo.call(&mut store, Some(value)).unwrap().unwrap();
    assert!(Rooted::ref_eq(&store, &back, &value).unwrap());
    let data = back.data(&store).unwrap().unwrap();
    assert_eq!(data.downcast_ref::<String>().unwrap(), "kiln");
    assert!(echo.call(&mut store, None).unwrap().is_none());
    assert_eq!(*store.data(), 2, "the host closure ran for each call");

    // A non-null argument fits the `externref` parameter; a non-null
    // result does not fit the function's `externref` result.
    let echo_some = instance
        .get_typed_func::<Rooted<ExternRef>, Option<Rooted<ExternRef>>>(&mut store, "echo")
        .unwrap();
    assert!(echo_some.call(&mut store, value).unwrap().is_some());
    assert!(
        instance
            .get_typed_func::<Option<Rooted<ExternRef>>, Rooted<ExternRef>>(&mut store, "echo")
            .is_err()
    );
}

#[test]
fn funcrefs_come_out_and_go_back_in() {
    let (mut store, instance) = setup();
    let get = instance
        .get_typed_func::<(), Option<Func>>(&mut store, "double-ref")
        .unwrap();
    let double = get.call(&mut store, ()).unwrap().unwrap();
    let typed = double.typed::<i32, i32>(&store).unwrap();
    assert_eq!(typed.call(&mut store, 21).unwrap(), 42);

    let call_it = instance
        .get_typed_func::<(Option<Func>, i32), i32>(&mut store, "call-it")
        .unwrap();
    assert_eq!(call_it.call(&mut store, (Some(double), 5)).unwrap(), 10);
    // `Func` is `(ref func)`, a subtype of the parameter's `funcref`.
    let call_it = instance
        .get_typed_func::<(Func, i32), i32>(&mut store, "call-it")
        .unwrap();
    assert_eq!(call_it.call(&mut store, (double, 7)).unwrap(), 14);

    // A function of another store is refused, not passed.
    let (mut other, other_instance) = setup();
    let foreign = other_instance.get_func(&mut other, "double").unwrap();
    let err = call_it.call(&mut store, (foreign, 1)).unwrap_err();
    assert!(err.to_string().contains("different store"), "{err}");
}

#[test]
fn gc_references_are_read_by_subtyping_and_checked_on_the_way_in() {
    let (mut store, instance) = setup();
    // `(ref $s)` results read as `AnyRef` or `Option<AnyRef>`.
    let make = instance
        .get_typed_func::<i32, Rooted<AnyRef>>(&mut store, "make")
        .unwrap();
    let s = make
        .call(&mut store, 7)
        .unwrap()
        .unwrap_struct(&store)
        .unwrap();
    assert_eq!(s.field(&mut store, 0).unwrap().unwrap_i32(), 7);
    let make_opt = instance
        .get_typed_func::<i32, Option<Rooted<AnyRef>>>(&mut store, "make")
        .unwrap();
    assert!(make_opt.call(&mut store, 1).unwrap().is_some());

    // An `anyref` argument cannot stand for the parameter's `(ref null $s)`:
    // wasm would read any struct or an i31 as an `$s`.
    assert!(
        instance
            .get_typed_func::<Option<Rooted<AnyRef>>, i32>(&mut store, "read")
            .is_err()
    );

    // i31 references, both ways.
    let small = instance
        .get_typed_func::<i32, I31>(&mut store, "small")
        .unwrap();
    assert_eq!(small.call(&mut store, -5).unwrap().get_i32(), -5);
    let small = instance
        .get_typed_func::<i32, Option<I31>>(&mut store, "small")
        .unwrap();
    assert_eq!(small.call(&mut store, 9).unwrap().unwrap().get_u32(), 9);
}

#[test]
fn eq_struct_and_array_views_are_typed_call_types() {
    let (mut store, instance) = setup();
    let s = instance
        .get_typed_func::<i32, Rooted<StructRef>>(&mut store, "make")
        .unwrap()
        .call(&mut store, 3)
        .unwrap();
    assert_eq!(s.field(&mut store, 0).unwrap().unwrap_i32(), 3);

    let is_s = instance
        .get_typed_func::<Option<Rooted<EqRef>>, i32>(&mut store, "is-s")
        .unwrap();
    assert_eq!(is_s.call(&mut store, Some(s.to_eqref())).unwrap(), 1);
    let small = EqRef::from_i31(&mut store, I31::wrapping_u32(4));
    assert_eq!(is_s.call(&mut store, Some(small)).unwrap(), 0);
    assert_eq!(is_s.call(&mut store, None).unwrap(), 0);

    // An array result is no struct.
    assert!(
        instance
            .get_typed_func::<i32, Rooted<StructRef>>(&mut store, "make-array")
            .is_err()
    );
    let a = instance
        .get_typed_func::<i32, Option<Rooted<ArrayRef>>>(&mut store, "make-array")
        .unwrap()
        .call(&mut store, 5)
        .unwrap()
        .unwrap();
    assert_eq!(a.len(&store).unwrap(), 5);
}

#[test]
fn a_host_closure_keeps_its_reference_arguments_alive() {
    let (mut store, instance) = setup();
    let via_host = instance
        .get_typed_func::<i32, i32>(&mut store, "field-via-host")
        .unwrap();
    for v in [11, 12, 13] {
        assert_eq!(via_host.call(&mut store, v).unwrap(), v);
    }
}

#[test]
fn host_functions_with_references_are_callable_from_the_host() {
    let mut store = Store::new(&Engine::default(), ());
    let f = Func::wrap(
        &mut store,
        |r: Option<Rooted<ExternRef>>| -> Option<Rooted<ExternRef>> { r },
    );
    let typed = f
        .typed::<Option<Rooted<ExternRef>>, Option<Rooted<ExternRef>>>(&store)
        .unwrap();
    let value = ExternRef::new(&mut store, 5u64).unwrap();
    let back = typed.call(&mut store, Some(value)).unwrap().unwrap();
    assert!(Rooted::ref_eq(&store, &back, &value).unwrap());
    // Host to host, each call roots only its result in the caller's scope.
    let roots = store.gc_root_count();
    for i in 0..1_000u32 {
        let mut scope = RootScope::new(&mut store);
        let v = ExternRef::new(&mut scope, i).unwrap();
        let back = typed.call(&mut scope, Some(v)).unwrap().unwrap();
        assert!(Rooted::ref_eq(&scope, &back, &v).unwrap());
    }
    assert_eq!(store.gc_root_count(), roots);
    let mut results = [kiln::Val::I32(0)];
    f.call(&mut store, &[kiln::Val::ExternRef(None)], &mut results)
        .unwrap();
    assert!(matches!(results[0], kiln::Val::ExternRef(None)));
}
