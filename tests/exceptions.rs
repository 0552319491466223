//! Exceptions at the embedding boundary: what the embedder gets for an
//! uncaught exception, host functions that throw, exceptions passing
//! through host frames, and host errors that must stay uncatchable.

use anyhow::anyhow;
use kiln::{
    Caller, Config, Engine, ExnRef, Extern, Func, FuncType, Instance, Linker, Module, Store, Tag,
    TagType, ThrownException, Val, ValType, WasmBacktrace,
};

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_exceptions(true);
    Engine::new(&config).unwrap()
}

/// An instance, with no imports, of the module in `wat`.
fn instantiate(store: &mut Store<()>, wat: &str) -> Instance {
    let module = Module::new(store.engine(), wat).unwrap();
    Instance::new(store, &module, &[]).unwrap()
}

/// The trap code of a call's error, if it is a trap.
fn trap_code(err: &anyhow::Error) -> Option<kiln::Trap> {
    err.downcast_ref::<kiln::Trap>().copied()
}

fn tag_export(i: &Instance, store: &mut Store<()>, name: &str) -> Tag {
    match i.get_export(store, name) {
        Some(Extern::Tag(t)) => t,
        other => panic!("{name}: {other:?}"),
    }
}

const THROWER: &str = r#"
    (module
      (tag $e (export "e") (param i32 i64))
      (func $inner (param i32) (throw $e (local.get 0) (i64.const -5)))
      (func (export "throw") (param i32) (call $inner (local.get 0)))
      (func (export "ok") (result i32) (i32.const 1)))
"#;

#[test]
fn an_uncaught_exception_names_its_tag_and_carries_its_values() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let module = Module::new(&engine, THROWER).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let throw = instance.get_func(&mut store, "throw").unwrap();
    let err = throw.call(&mut store, &[Val::I32(7)], &mut []).unwrap_err();
    let thrown = err
        .downcast_ref::<ThrownException>()
        .expect("a ThrownException");
    let exn = thrown.exception();
    let tag = tag_export(&instance, &mut store, "e");
    assert!(Tag::eq(&exn.tag(&store).unwrap(), &tag, &store));
    let fields = exn.fields(&mut store).unwrap();
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[0].unwrap_i32(), 7);
    assert_eq!(fields[1].unwrap_i64(), -5);
    assert_eq!(exn.field(&mut store, 1).unwrap().unwrap_i64(), -5);
    assert!(exn.field(&mut store, 2).is_err());
    // The message says what was thrown; the backtrace says from where.
    let text = format!("{err:#}");
    assert!(text.contains("uncaught wasm exception"), "{text}");
    assert!(text.contains("I32(7)"), "{text}");
    let backtrace = err.downcast_ref::<WasmBacktrace>().expect("a backtrace");
    assert_eq!(backtrace.frames().len(), 2, "{backtrace}");
    // The store is healthy: calls and instantiation go on working.
    let ok = instance
        .get_typed_func::<(), i32>(&mut store, "ok")
        .unwrap();
    assert_eq!(ok.call(&mut store, ()).unwrap(), 1);
    Instance::new(&mut store, &module, &[]).unwrap();
}

const CATCHER: &str = r#"
    (module
      (tag $e (import "host" "tag") (param i32))
      (func $host (import "host" "f") (param i32))
      ;; Returns the value of a caught $e, -1 for any other exception,
      ;; and -2 if nothing was thrown.
      (func (export "catch") (param i32) (result i32)
        (block $other
          (block $caught (result i32)
            (try_table (catch $e $caught) (catch_all $other)
              (call $host (local.get 0)))
            (return (i32.const -2)))
          (return))
        (i32.const -1)))
"#;

/// A linker with tag `host.tag` (i32) and host function `host.f`, which
/// throws it for a positive argument, fails with a plain error for 0, and
/// returns for a negative one.
fn catcher(store: &mut Store<()>) -> (Instance, Tag) {
    let engine = store.engine().clone();
    let tag = Tag::new(
        &mut *store,
        &TagType::new(FuncType::from_parts([ValType::I32], [])),
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "host", "tag", tag).unwrap();
    linker
        .func_wrap(
            "host",
            "f",
            move |mut caller: Caller<'_, ()>, x: i32| -> anyhow::Result<()> {
                if x > 0 {
                    let exn = ExnRef::new(&mut caller, &tag, &[Val::I32(x * 10)])?;
                    return Ok(caller.throw(exn)?);
                }
                if x == 0 {
                    return Err(anyhow!("the host failed"));
                }
                Ok(())
            },
        )
        .unwrap();
    let module = Module::new(&engine, CATCHER).unwrap();
    (linker.instantiate(&mut *store, &module).unwrap(), tag)
}

#[test]
fn a_host_function_throws_into_its_caller() {
    let mut store = Store::new(&engine(), ());
    let (instance, _) = catcher(&mut store);
    let f = instance
        .get_typed_func::<i32, i32>(&mut store, "catch")
        .unwrap();
    assert_eq!(f.call(&mut store, 4).unwrap(), 40);
    assert_eq!(f.call(&mut store, -1).unwrap(), -2);
    for i in 1..1000 {
        assert_eq!(f.call(&mut store, i).unwrap(), i * 10);
    }
}

#[test]
fn host_errors_are_not_exceptions() {
    let mut store = Store::new(&engine(), ());
    let (instance, _) = catcher(&mut store);
    let f = instance
        .get_typed_func::<i32, i32>(&mut store, "catch")
        .unwrap();
    // `catch_all` does not see a host function's error...
    let err = f.call(&mut store, 0).unwrap_err();
    assert_eq!(err.to_string(), "the host failed");
    assert!(err.downcast_ref::<ThrownException>().is_none());
    // ... nor a trap.
    let i = instantiate(
        &mut store,
        r#"(module
             (func (export "f") (result i32)
               (block $h (try_table (catch_all $h) (unreachable)))
               (i32.const 1)))"#,
    );
    let f = i.get_typed_func::<(), i32>(&mut store, "f").unwrap();
    let err = f.call(&mut store, ()).unwrap_err();
    assert_eq!(trap_code(&err), Some(kiln::Trap::UnreachableCodeReached));
}

/// wasm (with a handler) → host → wasm that throws: the inner call ends
/// with the exception (the outer handler is not consulted from the inner
/// frames); the host passing the error on throws it into the outer wasm,
/// which catches it; the host turning it into another error does not.
#[test]
fn exceptions_pass_through_host_frames_only_when_the_host_passes_them_on() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let inner = Module::new(&engine, THROWER).unwrap();
    let inner = Instance::new(&mut store, &inner, &[]).unwrap();
    let tag = tag_export(&inner, &mut store, "e");
    let throw = inner.get_func(&mut store, "throw").unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "inner", "e", tag).unwrap();
    linker
        .func_wrap(
            "host",
            "f",
            move |mut caller: Caller<'_, ()>, pass_on: i32| -> anyhow::Result<()> {
                let err = throw
                    .call(&mut caller, &[Val::I32(3)], &mut [])
                    .unwrap_err();
                assert!(err.downcast_ref::<ThrownException>().is_some());
                if pass_on != 0 {
                    Err(err)
                } else {
                    Err(anyhow!("converted: {err}"))
                }
            },
        )
        .unwrap();
    let outer = Module::new(
        &engine,
        r#"(module
             (tag $e (import "inner" "e") (param i32 i64))
             (func $host (import "host" "f") (param i32))
             (func (export "f") (param i32) (result i64)
               (local $y i64)
               (block $h (result i32 i64)
                 (try_table (catch $e $h) (call $host (local.get 0)))
                 (return (i64.const -1)))
               (local.set $y)
               (i64.extend_i32_s)
               (i64.add (local.get $y))))"#,
    )
    .unwrap();
    let outer = linker.instantiate(&mut store, &outer).unwrap();
    let f = outer.get_typed_func::<i32, i64>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, 1).unwrap(), 3 - 5);
    let err = f.call(&mut store, 0).unwrap_err();
    assert!(err.to_string().starts_with("converted: "), "{err:#}");
    assert!(err.downcast_ref::<ThrownException>().is_none());
}

#[test]
fn exnrefs_cross_the_boundary_as_values() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let instance = instantiate(
        &mut store,
        r#"(module
             (tag $e (export "e") (param f64))
             (func (export "catch") (param f64) (result exnref)
               (block $h (result exnref)
                 (try_table (catch_all_ref $h) (throw $e (local.get 0)))
                 (unreachable)))
             (func (export "rethrow") (param exnref) (throw_ref (local.get 0))))"#,
    );
    let catch = instance.get_func(&mut store, "catch").unwrap();
    let mut out = [Val::ExnRef(None)];
    catch
        .call(&mut store, &[Val::F64(2.5f64.to_bits())], &mut out)
        .unwrap();
    let exn = *out[0].unwrap_exnref().expect("non-null");
    assert_eq!(exn.field(&mut store, 0).unwrap().f64(), Some(2.5));
    let tag = tag_export(&instance, &mut store, "e");
    assert!(Tag::eq(&exn.tag(&store).unwrap(), &tag, &store));

    // Thrown again, it is the same exception.
    let rethrow = instance.get_func(&mut store, "rethrow").unwrap();
    let err = rethrow
        .call(&mut store, &[Val::ExnRef(Some(exn))], &mut [])
        .unwrap_err();
    assert_eq!(
        err.downcast_ref::<ThrownException>().unwrap().exception(),
        exn
    );
    // A host-made exception can be thrown by wasm too.
    let made = ExnRef::new(&mut store, &tag, &[Val::F64(1.0f64.to_bits())]).unwrap();
    let err = rethrow
        .call(&mut store, &[Val::ExnRef(Some(made))], &mut [])
        .unwrap_err();
    let thrown = err.downcast_ref::<ThrownException>().unwrap().exception();
    assert_eq!(thrown.field(&mut store, 0).unwrap().f64(), Some(1.0));
    // Null traps.
    let err = rethrow
        .call(&mut store, &[Val::ExnRef(None)], &mut [])
        .unwrap_err();
    assert_eq!(trap_code(&err), Some(kiln::Trap::NullReference));
}

#[test]
fn exceptions_and_tags_of_another_store_are_refused() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let mut other = Store::new(&engine, ());
    let ty = TagType::new(FuncType::from_parts([ValType::I32], []));
    let tag = Tag::new(&mut store, &ty).unwrap();
    let foreign_tag = Tag::new(&mut other, &ty).unwrap();
    assert!(ExnRef::new(&mut store, &foreign_tag, &[Val::I32(1)]).is_err());
    // Wrong arity and wrong types.
    assert!(ExnRef::new(&mut store, &tag, &[]).is_err());
    assert!(ExnRef::new(&mut store, &tag, &[Val::I64(1)]).is_err());

    let foreign = ExnRef::new(&mut other, &foreign_tag, &[Val::I32(1)]).unwrap();
    assert!(foreign.tag(&store).is_err());
    assert!(foreign.fields(&mut store).is_err());
    let instance = instantiate(
        &mut store,
        r#"(module (func (export "rethrow") (param exnref) (throw_ref (local.get 0))))"#,
    );
    let rethrow = instance.get_func(&mut store, "rethrow").unwrap();
    let err = rethrow
        .call(&mut store, &[Val::ExnRef(Some(foreign))], &mut [])
        .unwrap_err();
    assert!(err.downcast_ref::<ThrownException>().is_none(), "{err:#}");

    // A host function cannot throw another store's exception into wasm:
    // its error ends the call, past the `catch_all`.
    let f = Func::wrap(
        &mut store,
        move |mut caller: Caller<'_, ()>| -> anyhow::Result<()> { Ok(caller.throw(foreign)?) },
    );
    let module = Module::new(
        &engine,
        r#"(module
             (func $f (import "" "f"))
             (func (export "g") (result i32)
               (block $h (try_table (catch_all $h) (call $f)))
               (i32.const 1)))"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[f.into()]).unwrap();
    let g = instance.get_typed_func::<(), i32>(&mut store, "g").unwrap();
    let err = g.call(&mut store, ()).unwrap_err();
    assert!(err.downcast_ref::<ThrownException>().is_some(), "{err:#}");
}

/// Functions both collection tests use, over tag `$e` (an i32): `$churn`
/// throws and catches n exceptions and returns the sum of their values,
/// `$make` returns a new exception carrying its argument, `$value` the
/// value of one.
const EXN_HELPERS: &str = r#"
  (tag $e (param i32))
  (func $churn (export "churn") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (throw $e (local.get $i)))
        (unreachable))
      (local.set $s (i32.add (local.get $s)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))
    (local.get $s))
  (func $make (param i32) (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $e (local.get 0)))
      (unreachable)))
  (func $value (param exnref) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (local.get 0)))
      (unreachable)))
"#;

/// Exceptions nothing can reach are freed between calls; those in exnref
/// globals and tables, in other live exceptions, or given to the host stay
/// intact through many collections.
#[test]
fn dead_exceptions_are_freed_and_live_ones_kept() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let wat = format!(
        r#"(module {EXN_HELPERS}
             (tag $wrap (param exnref))
             (global $g (mut exnref) (ref.null exn))
             (table $t 2 exnref)
             ;; Keeps an exception carrying v in the global, one in the table,
             ;; and one wrapped inside another exception in table slot 0.
             (func (export "keep") (param i32)
               (global.set $g (call $make (local.get 0)))
               (table.set $t (i32.const 1) (call $make (i32.add (local.get 0) (i32.const 1))))
               (table.set $t (i32.const 0)
                 (block $h (result exnref)
                   (try_table (catch_all_ref $h)
                     (throw $wrap (call $make (i32.add (local.get 0) (i32.const 2)))))
                   (unreachable))))
             (func (export "read") (result i32)
               (i32.add
                 (i32.add (call $value (global.get $g))
                          (call $value (table.get $t (i32.const 1))))
                 (block $h (result exnref)
                   (try_table (catch $wrap $h) (throw_ref (table.get $t (i32.const 0))))
                   (unreachable))
                 (call $value))))"#
    );
    let instance = instantiate(&mut store, &wat);
    let churn = instance
        .get_typed_func::<i32, i32>(&mut store, "churn")
        .unwrap();
    let keep = instance
        .get_typed_func::<i32, ()>(&mut store, "keep")
        .unwrap();
    let read = instance
        .get_typed_func::<(), i32>(&mut store, "read")
        .unwrap();
    keep.call(&mut store, 100).unwrap();
    // A host-held exception, which must survive too.
    let tag = Tag::new(
        &mut store,
        &TagType::new(FuncType::from_parts([ValType::I32], [])),
    )
    .unwrap();
    let held = ExnRef::new(&mut store, &tag, &[Val::I32(5)]).unwrap();
    let mut most = 0;
    for _ in 0..200 {
        assert_eq!(churn.call(&mut store, 1000).unwrap(), 499_500);
        most = most.max(store.exception_objects());
        assert_eq!(read.call(&mut store, ()).unwrap(), 100 + 101 + 102);
    }
    // 200,000 exceptions were thrown; the heap never held more than a few
    // thousand.
    assert!(most < 5000, "{most} exception objects");
    assert_eq!(held.field(&mut store, 0).unwrap().unwrap_i32(), 5);
    // Replacing the kept ones lets the old ones go, and the new ones read.
    keep.call(&mut store, 7).unwrap();
    for _ in 0..10 {
        churn.call(&mut store, 1000).unwrap();
    }
    assert_eq!(read.call(&mut store, ()).unwrap(), 7 + 8 + 9);
}

/// Collections run while wasm throws, with exnrefs live in wasm locals and
/// on the operand stack, and in the results a call returns to the host:
/// none of them may be freed.
#[test]
fn exceptions_held_by_running_wasm_survive_collections() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let wat = format!(
        r#"(module {EXN_HELPERS}
             ;; Keeps exnrefs in locals and on the operand stack while 20,000
             ;; others come and go, then reads them.
             (func (export "hold") (result i32)
               (local $a exnref) (local $b exnref)
               (local.set $a (call $make (i32.const 11)))
               (local.set $b (call $make (i32.const 22)))
               (call $make (i32.const 33))
               (drop (call $churn (i32.const 20000)))
               (call $value)
               (i32.add (call $value (local.get $a)))
               (i32.add (call $value (local.get $b))))
             ;; Throws 3,000 exceptions, then returns a fresh one.
             (func (export "fresh") (param i32) (result exnref)
               (drop (call $churn (i32.const 3000)))
               (call $make (local.get 0))))"#
    );
    let instance = instantiate(&mut store, &wat);
    let hold = instance
        .get_typed_func::<(), i32>(&mut store, "hold")
        .unwrap();
    let fresh = instance.get_func(&mut store, "fresh").unwrap();
    for _ in 0..5 {
        assert_eq!(hold.call(&mut store, ()).unwrap(), 66);
    }
    let mut kept = Vec::new();
    for i in 0..5 {
        let mut out = [Val::ExnRef(None)];
        fresh.call(&mut store, &[Val::I32(i)], &mut out).unwrap();
        kept.push(*out[0].unwrap_exnref().unwrap());
    }
    assert!(store.exception_objects() < 10_000);
    for (i, exn) in kept.iter().enumerate() {
        assert_eq!(exn.field(&mut store, 0).unwrap().unwrap_i32(), i as i32);
    }
}

/// Exceptions that only a GC struct's field or an array's element holds
/// stay alive through exception collections; the rest of the heap's
/// objects (i32 fields, host values) are not taken for exnrefs.
#[test]
fn exceptions_held_by_gc_objects_survive_collections() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let wat = format!(
        r#"(module {EXN_HELPERS}
             (type $box (struct (field exnref)))
             (type $list (array (mut exnref)))
             (global $b (mut (ref null $box)) (ref.null $box))
             (global $l (mut (ref null $list)) (ref.null $list))
             (func (export "keep") (param i32)
               (global.set $b (struct.new $box (call $make (local.get 0))))
               (global.set $l (array.new $list (ref.null exn) (i32.const 3)))
               (array.set $list (global.get $l) (i32.const 2)
                 (call $make (i32.add (local.get 0) (i32.const 1)))))
             (func (export "read") (result i32)
               (i32.add
                 (call $value (struct.get $box 0 (global.get $b)))
                 (call $value (array.get $list (global.get $l) (i32.const 2))))))"#
    );
    let instance = instantiate(&mut store, &wat);
    let churn = instance
        .get_typed_func::<i32, i32>(&mut store, "churn")
        .unwrap();
    let keep = instance
        .get_typed_func::<i32, ()>(&mut store, "keep")
        .unwrap();
    let read = instance
        .get_typed_func::<(), i32>(&mut store, "read")
        .unwrap();
    keep.call(&mut store, 40).unwrap();
    let mut most = 0;
    for _ in 0..100 {
        assert_eq!(churn.call(&mut store, 1000).unwrap(), 499_500);
        most = most.max(store.exception_objects());
        assert_eq!(read.call(&mut store, ()).unwrap(), 40 + 41);
    }
    assert!(most < 5000, "{most} exception objects");
}
