//! Lazy compilation: functions compiled on first call (inline, or on a
//! thread of their own when the stack is short) and in the background must
//! behave exactly like eagerly compiled ones: results, traps with
//! backtraces, calls through tables and imports, threads racing to compile
//! the same function, and serializing.

use kiln::{Config, Engine, Instance, Linker, Module, Store, Trap, Val, WasmBacktrace};

fn lazy_engine() -> Engine {
    let mut config = Config::new();
    config.lazy_compilation(true);
    Engine::new(&config).unwrap()
}

/// Compiles only what calls need, so every call path meets a stub.
fn on_demand_engine() -> Engine {
    let mut config = Config::new();
    config.lazy_compilation(true).compile_in_background(false);
    Engine::new(&config).unwrap()
}

/// Functions that call each other directly, through a table and through
/// `return_call`, with integer, float and vector arguments (every argument
/// register the compile stub must preserve), and a few ways to trap.
const PROGRAM: &str = r#"(module
  (type $bin (func (param i32 i32) (result i32)))
  (memory 1)
  (table funcref (elem $add $sub))
  (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $bin) (i32.sub (local.get 0) (local.get 1)))
  (func $many (param i32 i64 f32 f64 v128 i32 i64 f32 f64 v128 i32 i64 f32 f64 i32)
              (result f64)
    (f64.add
      (f64.add
        (f64.convert_i32_s (i32.add (i32.add (local.get 0) (local.get 5))
                                    (i32.add (local.get 10) (local.get 14))))
        (f64.convert_i64_s (i64.add (i64.add (local.get 1) (local.get 6)) (local.get 11))))
      (f64.add
        (f64.add (f64.promote_f32 (f32.add (f32.add (local.get 2) (local.get 7)) (local.get 12)))
                 (f64.add (f64.add (local.get 3) (local.get 8)) (local.get 13)))
        (f64.convert_i32_s (i32.add (i32x4.extract_lane 3 (local.get 4))
                                    (i32x4.extract_lane 0 (local.get 9)))))))
  (func (export "many") (result f64)
    (call $many (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4)
                (v128.const i32x4 0 0 0 5) (i32.const 6) (i64.const 7) (f32.const 8)
                (f64.const 9) (v128.const i32x4 10 0 0 0) (i32.const 11) (i64.const 12)
                (f32.const 13) (f64.const 14) (i32.const 15)))
  (func (export "indirect") (param i32 i32 i32) (result i32)
    (call_indirect (type $bin) (local.get 0) (local.get 1) (local.get 2)))
  (func $count (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call $count (i32.sub (local.get 0) (i32.const 1))
                                (call $add (local.get 1) (i32.const 2))))))
  (func (export "count") (param i32) (result i32) (call $count (local.get 0) (i32.const 0)))
  (func $oob (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load") (param i32) (result i32) (call $oob (local.get 0)))
  (func $deep (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (call $late (i32.const 5)))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))))
  (func $late (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "deep") (param i32) (result i32) (call $deep (local.get 0)))
)"#;

fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    args: &[Val],
) -> anyhow::Result<Val> {
    let f = instance.get_func(&mut *store, name).unwrap();
    let mut results = [Val::I32(0)];
    f.call(&mut *store, args, &mut results)?;
    Ok(results[0])
}

fn check_program(store: &mut Store<()>, instance: &Instance) {
    assert_eq!(
        call(store, instance, "many", &[]).unwrap().f64().unwrap(),
        120.0
    );
    let indirect = |store: &mut Store<()>, f: i32| {
        call(
            store,
            instance,
            "indirect",
            &[Val::I32(7), Val::I32(2), Val::I32(f)],
        )
    };
    assert_eq!(indirect(store, 0).unwrap().unwrap_i32(), 9);
    assert_eq!(indirect(store, 1).unwrap().unwrap_i32(), 5);
    let err = indirect(store, 2).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::TableOutOfBounds));
    assert_eq!(
        call(store, instance, "count", &[Val::I32(100_000)])
            .unwrap()
            .unwrap_i32(),
        200_000
    );
    assert_eq!(
        call(store, instance, "load", &[Val::I32(0)])
            .unwrap()
            .unwrap_i32(),
        0
    );
    // A trap inside lazily compiled code is a trap, with both frames.
    let err = call(store, instance, "load", &[Val::I32(65536)]).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::MemoryOutOfBounds));
    let bt = err.downcast_ref::<WasmBacktrace>().unwrap();
    let names: Vec<_> = bt
        .frames()
        .iter()
        .map(|f| f.func_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names[0], "oob", "{names:?}");
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn lazily_compiled_functions_behave_like_eager_ones() {
    for engine in [lazy_engine(), on_demand_engine(), Engine::default()] {
        let module = Module::new(&engine, PROGRAM).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        check_program(&mut store, &instance);
        // A second instance shares the compiled code.
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        check_program(&mut store, &instance);
    }
}

/// `$late` is first called at the bottom of a recursion as deep as the
/// stack allows, where too little native stack is left to compile there:
/// it is compiled on a thread of its own. Deeper recursions trap as usual.
#[test]
fn a_function_first_called_deep_in_the_stack_compiles() {
    let mut config = Config::new();
    config.lazy_compilation(true);
    // Only calls compile: `$late` must still need compiling at the bottom.
    config.compile_in_background(false);
    config.max_wasm_stack(4 << 20);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, PROGRAM).unwrap();
    // A thread whose stack is smaller than wasm's budget: wasm may use all
    // of it but the host's reserve.
    std::thread::Builder::new()
        .stack_size(3 << 19)
        .spawn(move || {
            let mut store = Store::new(&engine, ());
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let mut depth = 200_000;
            let reached = loop {
                match call(&mut store, &instance, "deep", &[Val::I32(depth)]) {
                    Ok(v) => break v.unwrap_i32(),
                    Err(e) => {
                        assert_eq!(e.downcast_ref::<Trap>(), Some(&Trap::StackOverflow));
                        depth -= 500;
                        assert!(depth > 0);
                    }
                }
            };
            assert_eq!(reached, depth + 15);
            assert_eq!(
                call(&mut store, &instance, "deep", &[Val::I32(3)])
                    .unwrap()
                    .unwrap_i32(),
                18
            );
        })
        .unwrap()
        .join()
        .unwrap();
}

/// A function with more results than registers takes its return area's
/// address as its first argument, ahead of its vmctx: the compile stub
/// must not take the first argument for the vmctx (found by kiln-diff
/// --lazy, seed 7007378, which crashed).
#[test]
fn functions_with_many_results_compile_on_first_call() {
    let engine = on_demand_engine();
    let module = Module::new(
        &engine,
        r#"(module
          (func $many (param i64) (result i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 f64)
            (local.get 0) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6)
            (i64.const 7) (i64.const 8) (i64.const 9) (i64.const 10) (i64.const 11) (f64.const 0.5))
          (func (export "many") (param i64) (result i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 f64)
            (call $many (local.get 0)))
          (func (export "sum") (param i64) (result i64)
            (call $many (local.get 0))
            (drop)
            (i64.add) (i64.add) (i64.add) (i64.add) (i64.add)
            (i64.add) (i64.add) (i64.add) (i64.add) (i64.add))
          (func (export "trap") (result i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
            (unreachable)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let sum = instance
        .get_typed_func::<i64, i64>(&mut store, "sum")
        .unwrap();
    assert_eq!(sum.call(&mut store, 1).unwrap(), 66);
    let many = instance.get_func(&mut store, "many").unwrap();
    let mut results = vec![Val::I64(0); 11];
    results.push(Val::F64(0));
    many.call(&mut store, &[Val::I64(100)], &mut results)
        .unwrap();
    assert_eq!(results[0].unwrap_i64(), 100);
    assert_eq!(results[10].unwrap_i64(), 11);
    assert_eq!(results[11].f64(), Some(0.5));
    let trap = instance.get_func(&mut store, "trap").unwrap();
    let mut results = vec![Val::I64(0); 12];
    let err = trap.call(&mut store, &[], &mut results).unwrap_err();
    assert_eq!(
        err.downcast_ref::<Trap>(),
        Some(&Trap::UnreachableCodeReached)
    );
}

#[test]
fn threads_racing_to_compile_the_same_functions_agree() {
    let engine = on_demand_engine();
    for _ in 0..5 {
        let module = Module::new(&engine, PROGRAM).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (engine, module) = (engine.clone(), module.clone());
                std::thread::spawn(move || {
                    let mut store = Store::new(&engine, ());
                    let instance = Instance::new(&mut store, &module, &[]).unwrap();
                    check_program(&mut store, &instance);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
}

/// An instance of one lazily compiled module calls another's functions
/// through an import and a shared table before either is compiled.
#[test]
fn imports_and_shared_tables_reach_uncompiled_functions() {
    let engine = on_demand_engine();
    let lib = Module::new(
        &engine,
        r#"(module
          (table (export "t") 2 funcref)
          (elem (i32.const 0) $double $square)
          (func $double (export "double") (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
          (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))"#,
    )
    .unwrap();
    let app = Module::new(
        &engine,
        r#"(module
          (import "lib" "double" (func $double (param i32) (result i32)))
          (import "lib" "t" (table 2 funcref))
          (func (export "run") (param i32) (result i32)
            (i32.add (call $double (local.get 0))
                     (call_indirect (param i32) (result i32) (local.get 0) (i32.const 1)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let lib = linker.instantiate(&mut store, &lib).unwrap();
    linker.instance(&mut store, "lib", lib).unwrap();
    let app = linker.instantiate(&mut store, &app).unwrap();
    let run = app.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
    assert_eq!(run.call(&mut store, 7).unwrap(), 14 + 49);
}

#[test]
fn a_lazily_compiled_module_serializes_in_full() {
    let engine = lazy_engine();
    let module = Module::new(&engine, PROGRAM).unwrap();
    let bytes = module.serialize().unwrap();
    // SAFETY: the bytes were just made by `serialize`.
    let loaded = unsafe { Module::deserialize(&engine, &bytes) }.unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &loaded, &[]).unwrap();
    check_program(&mut store, &instance);
}

/// A module eager compilation rejects (here: it uses the legacy exception
/// instructions, which validation accepts with their feature on and the
/// translator does not build) is rejected when it is loaded lazily too,
/// not at its first call.
#[test]
fn lazily_loaded_modules_are_rejected_like_eager_ones() {
    let wat = r#"(module (tag $e) (func (export "f") try throw $e catch $e end))"#;
    for lazy in [false, true] {
        let mut config = Config::new();
        use wasmparser::WasmFeatures as F;
        let features = F::WASM2 | F::EXCEPTIONS | F::LEGACY_EXCEPTIONS;
        config.lazy_compilation(lazy).wasm_features(features);
        let engine = Engine::new(&config).unwrap();
        let Err(err) = Module::new(&engine, wat) else {
            panic!("lazy={lazy}: a module with `try` was accepted");
        };
        assert!(
            err.downcast_ref::<kiln::Unsupported>().is_some(),
            "lazy={lazy}: {err:#}"
        );
    }
}
