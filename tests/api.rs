//! The first embedding API: host functions in both styles, imports by name,
//! memories and globals from the host, and misuse reported as errors.

use kiln::{
    Caller, Engine, Extern, Func, FuncType, Instance, Linker, Module, Store, VMFunctionKind, Val,
    ValType,
};

#[test]
fn host_functions_static_and_dynamic() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, 0i32);
    let add = Func::wrap(&mut store, |mut c: Caller<'_, i32>, a: i32, b: i32| {
        *c.data_mut() += 1;
        a + b
    });
    let neg = Func::new(
        &mut store,
        FuncType::from_parts([ValType::I64], [ValType::I64]),
        |_, p, r| {
            r[0] = Val::I64(-p[0].unwrap_i64());
            Ok(())
        },
    );
    assert_eq!(add.kind(&store), Some(VMFunctionKind::Static));
    assert_eq!(neg.kind(&store), Some(VMFunctionKind::Dynamic));
    let module = Module::new(
        &engine,
        r#"(module
            (import "env" "add" (func $add (param i32 i32) (result i32)))
            (import "env" "neg" (func $neg (param i64) (result i64)))
            (func (export "run") (param i32) (result i32)
              (call $add (local.get 0) (i32.wrap_i64 (call $neg (i64.const 5))))))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .define(&store, "env", "add", add)
        .unwrap()
        .define(&store, "env", "neg", neg)
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, 7).unwrap(), 2);
    assert_eq!(*store.data(), 1);
    assert_eq!(
        instance.get_func(&mut store, "run").unwrap().kind(&store),
        None
    );
}

#[test]
fn host_errors_become_call_errors_and_the_store_stays_usable() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let fail = Func::new(&mut store, FuncType::from_parts([], []), |_, _, _| {
        anyhow::bail!("host says no")
    });
    let module = Module::new(
        &engine,
        r#"(module (import "" "f" (func $f)) (func (export "run") (call $f)) (func (export "ok") (result i32) i32.const 1))"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[Extern::Func(fail)]).unwrap();
    let run = instance.get_func(&mut store, "run").unwrap();
    let err = run.call(&mut store, &[], &mut []).unwrap_err();
    assert!(err.to_string().contains("host says no"), "{err:#}");
    let ok = instance
        .get_typed_func::<(), i32>(&mut store, "ok")
        .unwrap();
    assert_eq!(ok.call(&mut store, ()).unwrap(), 1);
}

#[test]
fn memory_and_globals_from_the_host() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module (memory (export "mem") 1 3) (global (export "g") (mut i32) (i32.const 4))
            (data (i32.const 8) "kiln")
            (func (export "grow") (result i32) (memory.grow (i32.const 1)))
            (func (export "get") (result i32) (i32.load8_u (i32.const 65536))))"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let mem = instance.get_memory(&mut store, "mem").unwrap();
    assert_eq!(&mem.data(&store)[8..12], b"kiln");
    assert_eq!(mem.size(&store), 1);
    let grow = instance
        .get_typed_func::<(), i32>(&mut store, "grow")
        .unwrap();
    assert_eq!(grow.call(&mut store, ()).unwrap(), 1);
    mem.data_mut(&mut store)[65536] = 9;
    let get = instance
        .get_typed_func::<(), i32>(&mut store, "get")
        .unwrap();
    assert_eq!(get.call(&mut store, ()).unwrap(), 9);
    assert_eq!(mem.grow(&mut store, 1).unwrap(), 2);
    assert!(mem.grow(&mut store, 1).is_err());
    let g = instance.get_global(&mut store, "g").unwrap();
    assert_eq!(g.get(&mut store).unwrap_i32(), 4);
    g.set(&mut store, Val::I32(5)).unwrap();
    assert_eq!(g.get(&mut store).unwrap_i32(), 5);
    assert!(g.set(&mut store, Val::I64(5)).is_err());
}

#[test]
fn misuse_is_an_error() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (import "m" "f" (func (param i32))) (func (export "id") (param i32) (result i32) local.get 0))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let wrong = Func::wrap(&mut store, |_: i64| ());
    let err = Instance::new(&mut store, &module, &[Extern::Func(wrong)])
        .err()
        .unwrap();
    assert!(format!("{err}").contains("m::f"), "{err}");
    assert!(Instance::new(&mut store, &module, &[]).is_err());
    let right = Func::wrap(&mut store, |_: i32| ());
    let instance = Instance::new(&mut store, &module, &[Extern::Func(right)]).unwrap();
    let id = instance.get_func(&mut store, "id").unwrap();
    assert!(id.typed::<i64, i32>(&store).is_err());
    let mut out = [Val::I32(0)];
    assert!(id.call(&mut store, &[Val::I64(1)], &mut out).is_err());
    assert!(id.call(&mut store, &[], &mut out).is_err());
    let mut other = Store::new(&engine, ());
    assert!(id.call(&mut other, &[Val::I32(1)], &mut out).is_err());
    assert!(Module::new(&engine, b"\0asm\x02\0\0\0").is_err());
    assert!(Module::new(&engine, "(module (func (result i32)))").is_err());
}

#[test]
fn serialized_modules_load_without_compiling_and_refuse_other_configs() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#,
    )
    .unwrap();
    let bytes = module.serialize().unwrap();
    // SAFETY: the bytes were just produced by `serialize` for this engine.
    let loaded = unsafe { Module::deserialize(&engine, &bytes) }.unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &loaded, &[]).unwrap();
    let fib = instance
        .get_typed_func::<i32, i32>(&mut store, "fib")
        .unwrap();
    assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);

    let mut config = kiln::Config::new();
    config.consume_fuel(true);
    let other = Engine::new(&config).unwrap();
    // SAFETY: as above; the load must be refused before any code is used.
    let err = unsafe { Module::deserialize(&other, &bytes) }
        .err()
        .unwrap();
    assert!(err.to_string().contains("incompatible"), "{err}");
    // SAFETY: garbage is rejected before anything is mapped.
    assert!(unsafe { Module::deserialize(&engine, b"\0asm\x01\0\0\0") }.is_err());
    let mut truncated = bytes.clone();
    truncated.truncate(bytes.len() / 2);
    // SAFETY: as above.
    assert!(unsafe { Module::deserialize(&engine, &truncated) }.is_err());
}

#[test]
fn one_linker_serves_many_stores() {
    let engine = Engine::default();
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .func_wrap("env", "bump", |mut c: Caller<'_, u32>| {
            *c.data_mut() += 1;
            *c.data()
        })
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "bump" (func $b (result i32))) (func (export "run") (result i32) (call $b)))"#,
    )
    .unwrap();
    for start in [0u32, 10] {
        let mut store = Store::new(&engine, start);
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance
            .get_typed_func::<(), i32>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, ()).unwrap() as u32, start + 1);
    }
}

#[test]
fn items_from_another_store_are_errors() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "" "f" (func)) (func (export "g") (param funcref)))"#,
    )
    .unwrap();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let fa = Func::wrap(&mut a, || ());
    let fb = Func::wrap(&mut b, || ());
    assert!(Instance::new(&mut b, &module, &[Extern::Func(fa)]).is_err());
    let instance = Instance::new(&mut b, &module, &[Extern::Func(fb)]).unwrap();
    let g = instance.get_func(&mut b, "g").unwrap();
    let err = g
        .call(&mut b, &[Val::FuncRef(Some(fa))], &mut [])
        .unwrap_err();
    assert!(err.to_string().contains("different store"), "{err}");
    let global = kiln::Global::new(
        &mut a,
        kiln::GlobalType::new(ValType::I32, kiln::Mutability::Var),
        Val::I32(1),
    )
    .unwrap();
    assert!(global.set(&mut b, Val::I32(2)).is_err());
}

#[test]
fn handles_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    assert_send_sync::<Module>();
    assert_send_sync::<Store<()>>();
    assert_send_sync::<Func>();
    assert_send_sync::<Linker<()>>();
}

/// Exception tags are entities: the host creates them, modules define,
/// import and export them, imports match by exact type, and every tag has
/// its own identity (throwing and catching are not built yet).
#[test]
fn tags_are_importable_exportable_entities_with_identity() {
    use kiln::{Config, Extern, ExternType, FuncType, Linker, Tag, TagType, ValType};
    let mut config = Config::new();
    config.wasm_exceptions(true);
    let engine = Engine::new(&config).unwrap();
    let mut store = Store::new(&engine, ());
    let i32_tag = TagType::new(FuncType::from_parts([ValType::I32], []));
    let host = Tag::new(&mut store, &i32_tag).unwrap();
    assert_eq!(host.ty(&store), i32_tag);
    assert!(
        Tag::new(
            &mut store,
            &TagType::new(FuncType::from_parts([], [ValType::I32]))
        )
        .is_err()
    );

    let module = Module::new(
        &engine,
        r#"(module
          (tag $in (import "host" "tag") (param i32))
          (tag $own (export "own") (param i32))
          (export "reexported" (tag $in)))"#,
    )
    .unwrap();
    let kinds: Vec<_> = module.imports().map(|i| i.ty()).collect();
    assert_eq!(kinds, [ExternType::Tag(i32_tag.clone())]);
    assert!(
        module
            .exports()
            .all(|e| e.ty() == ExternType::Tag(i32_tag.clone()))
    );

    let mut linker = Linker::new(&engine);
    linker.define(&store, "host", "tag", host).unwrap();
    let a = linker.instantiate(&mut store, &module).unwrap();
    let b = linker.instantiate(&mut store, &module).unwrap();
    let tag = |i: &Instance, store: &mut Store<()>, name: &str| match i.get_export(store, name) {
        Some(Extern::Tag(t)) => t,
        other => panic!("{name}: {other:?}"),
    };
    let (a_own, b_own) = (tag(&a, &mut store, "own"), tag(&b, &mut store, "own"));
    let a_re = tag(&a, &mut store, "reexported");
    assert!(
        Tag::eq(&a_re, &host, &store),
        "an import keeps its identity"
    );
    assert!(
        !Tag::eq(&a_own, &b_own, &store),
        "each instance defines its own"
    );
    assert!(!Tag::eq(&a_own, &host, &store));
    assert_eq!(a_own.ty(&store), i32_tag);

    // Imports must match exactly: another type, or not a tag, is rejected.
    let mut linker = Linker::new(&engine);
    let f32_tag = Tag::new(
        &mut store,
        &TagType::new(FuncType::from_parts([ValType::F32], [])),
    )
    .unwrap();
    linker.define(&store, "host", "tag", f32_tag).unwrap();
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(
        format!("{err:#}").contains("incompatible import type"),
        "{err:#}"
    );
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "tag", |_: i32| {}).unwrap();
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(
        format!("{err:#}").contains("incompatible import type"),
        "{err:#}"
    );

    // A tag from another store is refused when defined, and when
    // instantiated in a store it does not belong to.
    let mut other = Store::new(&engine, ());
    let foreign = Tag::new(&mut other, &i32_tag).unwrap();
    let mut linker = Linker::new(&engine);
    let err = linker.define(&store, "host", "tag", foreign).err().unwrap();
    assert!(err.to_string().contains("different store"), "{err}");
    linker.define(&other, "host", "tag", foreign).unwrap();
    assert!(linker.instantiate(&mut store, &module).is_err());
}

/// Pieces of wasmtime's API a program ported by renaming the crate uses.
#[test]
fn wasmtime_style_api_pieces() {
    use kiln::{Config, Engine, Instance, Module, Store, Strategy};
    // `Store::default` and the re-exported error macros.
    let mut store: Store<u32> = Store::default();
    assert_eq!(*store.data(), 0);
    let engine = store.engine().clone();
    let module = Module::new(
        &engine,
        r#"(module (func (export "f") (result i32) i32.const 9))"#,
    )
    .unwrap();
    let f = || -> kiln::Result<i32> {
        kiln::ensure!(1 + 1 == 2, "arithmetic");
        let e = kiln::format_err!("made with {}", "format_err");
        assert_eq!(e.to_string(), "made with format_err");
        kiln::bail!("bailed")
    };
    assert_eq!(f().unwrap_err().to_string(), "bailed");
    // `Strategy`: Cranelift is what there is.
    let mut config = Config::new();
    config.strategy(Strategy::Cranelift);
    assert!(Engine::new(&config).is_ok());
    config.strategy(Strategy::Winch);
    assert!(Engine::new(&config).is_err());
    // `epoch_deadline_trap` is the behaviour anyway.
    store.epoch_deadline_trap();
    let i = Instance::new(&mut store, &module, &[]).unwrap();
    let f = i.get_typed_func::<(), i32>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 9);
    // `Module::deserialize_file`.
    let path = std::env::temp_dir().join(format!("kiln-api-{}.cwasm", std::process::id()));
    std::fs::write(&path, module.serialize().unwrap()).unwrap();
    // SAFETY: the file was just written by `serialize`.
    let loaded = unsafe { Module::deserialize_file(&engine, &path) }.unwrap();
    std::fs::remove_file(&path).unwrap();
    let i = Instance::new(&mut store, &loaded, &[]).unwrap();
    let f = i.get_typed_func::<(), i32>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 9);
}

/// `Linker::instantiate_pre`: imports found once, instances in many stores.
#[test]
fn instance_pre_instantiates_in_many_stores() {
    use kiln::{Engine, Linker, Module, Store};
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "double" (func $d (param i32) (result i32)))
             (func (export "f") (param i32) (result i32) (call $d (local.get 0))))"#,
    )
    .unwrap();
    let mut linker: Linker<()> = Linker::new(&engine);
    assert!(linker.instantiate_pre(&module).is_err());
    linker.func_wrap("host", "double", |x: i32| x * 2).unwrap();
    let pre = linker.instantiate_pre(&module).unwrap();
    for x in 0..3 {
        let mut store = Store::new(&engine, ());
        let i = pre.instantiate(&mut store).unwrap();
        let f = i.get_typed_func::<i32, i32>(&mut store, "f").unwrap();
        assert_eq!(f.call(&mut store, x).unwrap(), 2 * x);
    }
    assert_eq!(pre.module().imports().len(), 1);
}

/// Static host functions called from wasm (through the register-passing
/// adapter) hand back every scalar type exactly: all 32 or 64 bits, a
/// NaN's payload, no result, two results, and an error as a trap.
#[test]
fn static_host_functions_return_every_scalar_type_to_wasm() {
    let engine = Engine::default();
    let mut linker = Linker::<Vec<i32>>::new(&engine);
    linker
        .func_wrap("h", "i32", |x: i32| x.wrapping_mul(3))
        .unwrap()
        .func_wrap("h", "i64", |x: i64| x ^ 0x00ff)
        .unwrap()
        .func_wrap("h", "f32", |x: f32| {
            if x.is_nan() {
                f32::from_bits(0x7fc0_1234)
            } else {
                x * 2.0
            }
        })
        .unwrap()
        .func_wrap("h", "f64", |x: f64| x + 1.0)
        .unwrap()
        .func_wrap("h", "none", |mut c: Caller<'_, Vec<i32>>, x: i32| {
            c.data_mut().push(x)
        })
        .unwrap()
        .func_wrap("h", "two", |x: i32| (x + 1, i64::from(x) << 40))
        .unwrap()
        .func_wrap("h", "fail", |x: i32| -> kiln::Result<i32> {
            kiln::bail!("refused {x}")
        })
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module
          (import "h" "i32" (func $i32 (param i32) (result i32)))
          (import "h" "i64" (func $i64 (param i64) (result i64)))
          (import "h" "f32" (func $f32 (param f32) (result f32)))
          (import "h" "f64" (func $f64 (param f64) (result f64)))
          (import "h" "none" (func $none (param i32)))
          (import "h" "two" (func $two (param i32) (result i32 i64)))
          (import "h" "fail" (func $fail (param i32) (result i32)))
          (func (export "run") (result i32 i64 f32 f64 i32 i32 i64)
            (call $i32 (i32.const -7))
            (call $i64 (i64.const 0x123456789abcdef0))
            (call $f32 (f32.const -1.5))
            (call $f64 (f64.const 3.25))
            (i32.reinterpret_f32 (call $f32 (f32.const nan)))
            (call $none (i32.const 9))
            (call $two (i32.const 5)))
          (func (export "fail") (result i32) (call $fail (i32.const 4))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<(), (i32, i64, f32, f64, i32, i32, i64)>(&mut store, "run")
        .unwrap();
    let (a, b, c, d, e, f, g) = run.call(&mut store, ()).unwrap();
    assert_eq!((a, b), (-21, 0x1234_5678_9abc_de0f));
    assert_eq!((c, d), (-3.0, 4.25));
    assert_eq!(e as u32, 0x7fc0_1234);
    assert_eq!((f, g), (6, 5 << 40));
    assert_eq!(store.data()[..], [9]);
    let fail = instance
        .get_typed_func::<(), i32>(&mut store, "fail")
        .unwrap();
    let err = fail.call(&mut store, ()).unwrap_err();
    assert!(format!("{err:#}").contains("refused 4"), "{err:#}");
}
