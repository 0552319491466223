//! The collector finds the references wasm frames hold through the stack
//! maps compiled code comes with: exactly those live across each call, in
//! every wasm frame of the store on the thread, nested calls included.
//!
//! The liveness tests run in GC stress mode (`Config::gc_stress`): every
//! allocation collects and freed objects are poisoned, so a reference a
//! stack map missed reads back wrong (or faults) instead of surviving by
//! luck.

use kiln::{Caller, Config, Engine, ExternRef, Linker, Module, Rooted, Store};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use wasmparser::WasmFeatures;

fn engine(stress: bool, lazy: bool, inlining: bool) -> Engine {
    let mut config = Config::new();
    config
        .wasm_features(WasmFeatures::WASM3)
        .gc_stress(stress)
        .lazy_compilation(lazy)
        .compile_in_background(false)
        .compiler_inlining(inlining);
    Engine::new(&config).unwrap()
}

/// A host value that counts how many of its kind are alive.
struct Tracked(Arc<AtomicUsize>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}

/// A linker with the host functions the externref tests import: `make`
/// returns a new [`Tracked`] host value counted in `live`, `check` asserts
/// that its argument is one, and `collect` collects and records how many
/// are alive in the store's data.
fn tracking_linker(engine: &Engine, live: &Arc<AtomicUsize>) -> Linker<Vec<usize>> {
    let mut linker = Linker::<Vec<usize>>::new(engine);
    let made = live.clone();
    linker
        .func_wrap("", "make", move |mut c: Caller<'_, Vec<usize>>| {
            made.fetch_add(1, SeqCst);
            ExternRef::new(&mut c, Tracked(made.clone())).map(Some)
        })
        .unwrap();
    linker
        .func_wrap(
            "",
            "check",
            |c: Caller<'_, Vec<usize>>, x: Option<Rooted<ExternRef>>| {
                let data = x.unwrap().data(&c).unwrap().unwrap();
                assert!(data.downcast_ref::<Tracked>().is_some());
            },
        )
        .unwrap();
    let seen = live.clone();
    linker
        .func_wrap("", "collect", move |mut c: Caller<'_, Vec<usize>>| {
            c.gc();
            c.data_mut().push(seen.load(SeqCst));
        })
        .unwrap();
    linker
}

/// A reference a wasm frame no longer uses is not a root, even if its old
/// value is still somewhere in the frame: only the slots live across the
/// call are read. (Scanning the stack for anything that looks like an
/// object, as Kiln did before, keeps such values.)
#[test]
fn a_reference_a_frame_no_longer_uses_is_collected() {
    let engine = engine(false, false, true);
    let module = Module::new(
        &engine,
        r#"(module
          (import "" "make" (func $make (result externref)))
          (import "" "check" (func $check (param externref)))
          (import "" "collect" (func $collect))
          (func (export "run") (local $x externref)
            (local.set $x (call $make))
            (call $collect)
            (call $check (local.get $x))
            (local.set $x (ref.null extern))
            (call $collect)))"#,
    )
    .unwrap();
    let live = Arc::new(AtomicUsize::new(0));
    let linker = tracking_linker(&engine, &live);
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<(), ()>(&mut store, "run")
        .unwrap();
    for round in 1..=3 {
        run.call(&mut store, ()).unwrap();
        // Alive at the first collection (the local is used after it), gone
        // at the second.
        assert_eq!(store.data()[..], [1, 0], "round {round}");
        store.data_mut().clear();
    }
}

/// References on the operand stack, in locals, block and loop parameters,
/// call results (inside `try_table` too), casts, typed `select`, fields,
/// elements, globals and tables, and in small callees inlined into loops,
/// all live across allocations that collect: the sum reads back intact.
const LIVENESS: &str = r#"(module
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (type $nodes (array (mut (ref null $node))))
  (tag $boom (param (ref null $node)))
  (import "" "collect" (func $collect))
  (global $g (mut (ref null $node)) (ref.null $node))
  (table $t 4 anyref)

  ;; Small enough to be inlined into the loops below.
  (func $cons (param $next (ref null $node)) (param $v i32) (result (ref $node))
    (struct.new $node (local.get $v) (local.get $next)))
  (func $value (param $n (ref null $node)) (result i32)
    (struct.get $node $v (local.get $n)))

  ;; Builds a list of 1..n, each link made while the list so far is only
  ;; on the operand stack, in a loop parameter, or in a block result.
  (func $build (param $n i32) (result (ref null $node))
    (local $i i32)
    (ref.null $node)
    (loop $l (param (ref null $node)) (result (ref null $node))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (block $b (param (ref null $node)) (result (ref $node))
        ;; The list is an operand under the allocation of a dead array and
        ;; the call that collects.
        (drop (array.new_default $nodes (i32.const 3)))
        (call $collect)
        (call $cons (local.get $i)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))

  (func $sum (param $list (ref null $node)) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (br_if $done (ref.is_null (local.get $list)))
        (local.set $s (i32.add (local.get $s) (call $value (local.get $list))))
        (local.set $list (struct.get $node $next (local.get $list)))
        (br $l)))
    (local.get $s))

  (func $thrower (param $list (ref null $node))
    (throw $boom (local.get $list)))

  (func (export "run") (param $n i32) (result i32)
    (local $a (ref null $node)) (local $arr (ref null $nodes)) (local $any anyref)
    (local $acc i32)
    (local.set $a (call $build (local.get $n)))
    ;; Into a global, a table (as anyref), an array, and back.
    (global.set $g (call $build (local.get $n)))
    (table.set $t (i32.const 0) (call $build (local.get $n)))
    (local.set $arr (array.new $nodes (call $build (local.get $n)) (i32.const 2)))
    (drop (call $build (i32.const 50)))
    ;; A cast and a typed select whose results live across allocations.
    (local.set $any (table.get $t (i32.const 0)))
    (ref.cast (ref $node) (local.get $any))
    (select (result (ref null $node))
      (global.get $g) (array.get $nodes (local.get $arr) (i32.const 1))
      (i32.const 1))
    (drop (call $build (i32.const 50)))
    ;; A value caught from a throw, living across an allocation.
    (block $caught (result (ref null $node))
      (try_table (catch $boom $caught)
        (call $thrower (call $build (local.get $n))))
      (ref.null $node))
    (drop (call $build (i32.const 50)))
    ;; Sums the three on the stack, each in turn over the others.
    call $sum
    local.set $acc
    call $sum
    local.get $acc
    i32.add
    local.set $acc
    call $sum
    local.get $acc
    i32.add
    (i32.add (call $sum (local.get $a)))
    (i32.add (call $sum (array.get $nodes (local.get $arr) (i32.const 0))))
    (i32.add (call $sum (global.get $g)))))"#;

fn liveness(lazy: bool, inlining: bool) {
    let engine = engine(true, lazy, inlining);
    let module = Module::new(&engine, LIVENESS).unwrap();
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .func_wrap("", "collect", |mut c: Caller<'_, u32>| {
            c.gc();
            *c.data_mut() += 1;
        })
        .unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    for n in [1, 7, 40] {
        // Six lists of 1..n are summed: the one caught, the one cast from the
        // table, the one selected from the global, the local's, the array's,
        // and the global's again.
        assert_eq!(run.call(&mut store, n).unwrap(), 6 * n * (n + 1) / 2);
    }
    assert!(*store.data() > 0);
}

#[test]
fn references_live_across_collections_survive() {
    liveness(false, true);
}

#[test]
fn references_live_across_collections_survive_without_inlining() {
    liveness(false, false);
}

#[test]
fn references_live_across_collections_survive_lazily_compiled() {
    liveness(true, false);
}

/// Wasm calls the host, which calls wasm on the same store again: the
/// outer frames' references are roots while the inner call collects, also
/// after an inner call trapped.
#[test]
fn outer_frames_of_nested_calls_are_roots() {
    let engine = engine(true, false, true);
    let module = Module::new(
        &engine,
        r#"(module
          (type $box (struct (field i32)))
          (import "" "reenter" (func $reenter (param i32)))
          (func (export "inner") (param $trap i32)
            (local $i i32)
            (loop $l
              (drop (struct.new $box (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 20))))
            (if (local.get $trap) (then unreachable)))
          (func (export "outer") (param $v i32) (result i32)
            (local $b (ref null $box))
            (local.set $b (struct.new $box (local.get $v)))
            (call $reenter (i32.const 1))
            ;; After the inner call trapped, this allocation collects with
            ;; the outer frame as the one that last called out.
            (drop (struct.new $box (i32.const 0)))
            (call $reenter (i32.const 0))
            (drop (struct.new $box (i32.const 0)))
            (struct.get $box 0 (local.get $b))))"#,
    )
    .unwrap();
    let mut linker = Linker::<Option<kiln::Func>>::new(&engine);
    linker
        .func_wrap(
            "",
            "reenter",
            |mut c: Caller<'_, Option<kiln::Func>>, trap: i32| {
                let inner = c.data().unwrap();
                let r = inner.call(&mut c, &[kiln::Val::I32(trap)], &mut []);
                assert_eq!(r.is_err(), trap != 0);
                // The outer frame is where wasm last called out again.
                c.gc();
            },
        )
        .unwrap();
    let mut store = Store::new(&engine, None);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let inner = instance.get_func(&mut store, "inner").unwrap();
    *store.data_mut() = Some(inner);
    let outer = instance
        .get_typed_func::<i32, i32>(&mut store, "outer")
        .unwrap();
    for v in [5, 6, 7] {
        assert_eq!(outer.call(&mut store, v).unwrap(), v);
    }
}

/// A host function may hand its `Caller` to another thread, which may
/// collect or call wasm on the store from there. That thread cannot read
/// the suspended wasm frames of the first, so nothing is freed from it;
/// the frames' references stay intact.
#[test]
fn a_collection_from_another_thread_frees_nothing_wasm_holds() {
    let engine = engine(true, false, true);
    let module = Module::new(
        &engine,
        r#"(module
          (type $box (struct (field i32)))
          (import "" "elsewhere" (func $elsewhere))
          (func (export "inner")
            (drop (struct.new $box (i32.const 1)))
            (drop (struct.new $box (i32.const 2))))
          (func (export "outer") (param $v i32) (result i32)
            (local $b (ref null $box))
            (local.set $b (struct.new $box (local.get $v)))
            (call $elsewhere)
            (drop (struct.new $box (i32.const 0)))
            (struct.get $box 0 (local.get $b))))"#,
    )
    .unwrap();
    let mut linker = Linker::<Option<kiln::Func>>::new(&engine);
    linker
        .func_wrap("", "elsewhere", |mut c: Caller<'_, Option<kiln::Func>>| {
            let inner = c.data().unwrap();
            std::thread::scope(|s| {
                s.spawn(|| {
                    c.gc();
                    inner.call(&mut c, &[], &mut []).unwrap();
                    c.gc();
                });
            });
        })
        .unwrap();
    let mut store = Store::new(&engine, None);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let inner = instance.get_func(&mut store, "inner").unwrap();
    *store.data_mut() = Some(inner);
    let outer = instance
        .get_typed_func::<i32, i32>(&mut store, "outer")
        .unwrap();
    for v in [42, 43] {
        assert_eq!(outer.call(&mut store, v).unwrap(), v);
    }
}

/// Exception references are in the stack maps too: an exception a frame
/// still uses survives exception collections (and what it carries stays
/// reachable; this fails without exnrefs in the maps), and one it no
/// longer uses is freed by the next collection, and then what it carried
/// by the GC. (The old conservative scan also passed the second part: the
/// stale word happened not to stay in the frame.)
#[test]
fn exceptions_are_roots_exactly_while_a_frame_uses_them() {
    let engine = engine(false, false, true);
    let module = Module::new(
        &engine,
        r#"(module
          (type $box (struct (field externref)))
          (tag $t (param (ref null $box)))
          (tag $noise)
          (import "" "make" (func $make (result externref)))
          (import "" "check" (func $check (param externref)))
          (import "" "collect" (func $report))
          (func $catch_one (result exnref)
            (block $h (result exnref)
              (try_table (catch_all_ref $h)
                (throw $t (struct.new $box (call $make))))
              unreachable))
          (func $churn (param $n i32)
            (local $i i32)
            (loop $l
              (block $h (try_table (catch_all $h) (throw $noise)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
          (func (export "keep") (param $n i32)
            (local $e exnref)
            (local.set $e (call $catch_one))
            (call $churn (local.get $n))
            (block $h (result (ref null $box))
              (try_table (catch $t $h) (throw_ref (local.get $e)))
              unreachable)
            (call $check (struct.get $box 0)))
          (func (export "forget") (param $n i32)
            (local $e exnref)
            (local.set $e (call $catch_one))
            ;; Live across a call, so kept in the frame.
            (call $report)
            (drop (ref.is_null (local.get $e)))
            (local.set $e (ref.null exn))
            (call $churn (local.get $n))
            (call $report)))"#,
    )
    .unwrap();
    let live = Arc::new(AtomicUsize::new(0));
    let linker = tracking_linker(&engine, &live);
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let keep = instance
        .get_typed_func::<i32, ()>(&mut store, "keep")
        .unwrap();
    let forget = instance
        .get_typed_func::<i32, ()>(&mut store, "forget")
        .unwrap();
    // `forget`'s exception is dead during its throws (its old value may
    // still sit in the frame, but no stack map lists it): it is freed, and
    // the GC then frees its host value.
    forget.call(&mut store, 5000).unwrap();
    assert_eq!(store.data()[..], [1, 0]);
    // Enough throws for several exception collections while the exception
    // is held: it and its host value stay intact.
    keep.call(&mut store, 5000).unwrap();
    store.gc();
    // The last `keep`'s exception (not collected yet: nothing threw since)
    // still holds its host value.
    assert_eq!(live.load(SeqCst), 1);
}

/// A GC collection finds exnrefs in the stack maps too, next to GC
/// references: they are accepted as exception objects (not taken for a
/// broken map), and both kinds stay intact.
#[test]
fn gc_collections_see_exnrefs_in_frames() {
    let engine = engine(true, false, true);
    let module = Module::new(
        &engine,
        r#"(module
          (type $box (struct (field i32)))
          (tag $t (param i32))
          (func (export "run") (param $v i32) (result i32)
            (local $e exnref) (local $b (ref null $box)) (local $i i32)
            (local.set $e
              (block $h (result exnref)
                (try_table (catch_all_ref $h) (throw $t (local.get $v)))
                unreachable))
            (local.set $b (struct.new $box (local.get $v)))
            (loop $l
              (drop (struct.new $box (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 50))))
            (block $h (result i32)
              (try_table (catch $t $h) (throw_ref (local.get $e)))
              unreachable)
            (i32.add (struct.get $box 0 (local.get $b)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    for v in [3, 4] {
        assert_eq!(run.call(&mut store, v).unwrap(), 2 * v);
    }
}

/// An exnref that no type of its module names — a `catch_all_ref` result
/// kept on the operand stack — is in the stack maps too: 5,000 throws of
/// another tag (several exception collections) later it is still the
/// exception, and `throw_ref` finds the handler for its tag and payload. (A function that catches with
/// `catch_ref`/`catch_all_ref` is tracked even when nothing in the
/// module's types, globals and tables mentions a reference.)
#[test]
fn an_exnref_no_type_names_is_in_the_stack_maps() {
    let engine = engine(false, false, true);
    let module = Module::new(
        &engine,
        r#"(module
          (tag $t)
          (tag $p (param i32))
          (func $churn (param $n i32)
            (loop $l
              (block $c (try_table (catch $t $c) (throw $t)))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
          (func (export "run") (result i32)
            (block $ok (result i32)
              (try_table (catch $p $ok)
                (block $h (result exnref)
                  (try_table (catch_all_ref $h) (throw $p (i32.const 42)))
                  unreachable)
                (call $churn (i32.const 5000))
                (throw_ref))
              unreachable)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = instance
        .get_typed_func::<(), i32>(&mut store, "run")
        .unwrap();
    for _ in 0..3 {
        assert_eq!(run.call(&mut store, ()).unwrap(), 42);
    }
}

/// Throws on another thread (a host function handed its `Caller` to one
/// that calls wasm) cannot collect exceptions: the first thread's frames,
/// which hold one, cannot be read from there. The held exception stays
/// intact, and the heap waits until it has doubled before trying again.
#[test]
fn exceptions_thrown_on_another_thread_free_nothing_wasm_holds() {
    let engine = engine(false, false, true);
    let module = Module::new(
        &engine,
        r#"(module
          (tag $t)
          (tag $p (param i32))
          (import "" "elsewhere" (func $elsewhere))
          (func (export "churn") (param $n i32)
            (loop $l
              (block $c (try_table (catch $t $c) (throw $t)))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
          (func (export "run") (result i32)
            (local $e exnref)
            (local.set $e
              (block $h (result exnref)
                (try_table (catch_all_ref $h) (throw $p (i32.const 42)))
                unreachable))
            (call $elsewhere)
            (block $ok (result i32)
              (try_table (catch $p $ok) (throw_ref (local.get $e)))
              unreachable)))"#,
    )
    .unwrap();
    let mut linker = Linker::<Option<kiln::Func>>::new(&engine);
    linker
        .func_wrap("", "elsewhere", |mut c: Caller<'_, Option<kiln::Func>>| {
            let churn = c.data().unwrap();
            std::thread::scope(|s| {
                s.spawn(|| {
                    churn
                        .call(&mut c, &[kiln::Val::I32(5000)], &mut [])
                        .unwrap();
                });
            });
        })
        .unwrap();
    let mut store = Store::new(&engine, None);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let churn = instance.get_func(&mut store, "churn").unwrap();
    *store.data_mut() = Some(churn);
    let run = instance
        .get_typed_func::<(), i32>(&mut store, "run")
        .unwrap();
    for _ in 0..2 {
        assert_eq!(run.call(&mut store, ()).unwrap(), 42);
    }
    // Back on one thread, collections run again once the heap has doubled
    // since the last one that could not.
    let churn = store.data().unwrap();
    let before = store.exception_objects();
    churn
        .call(&mut store, &[kiln::Val::I32(2 * before as i32)], &mut [])
        .unwrap();
    assert!(
        store.exception_objects() < before,
        "{} exception objects, {before} before",
        store.exception_objects()
    );
}
