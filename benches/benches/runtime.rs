//! What users feel: compile time, instantiation, host→wasm call overhead and
//! wasm run time. Run with `cargo bench -p kiln-benches`.

use criterion::{Criterion, criterion_group, criterion_main};
use kiln::{Config, Engine, Instance, Module, Store};
use std::hint::black_box;

const FIB: &str = include_str!("../../examples/fib.wat");

/// A module with many small functions, to measure compile throughput.
fn big_module(functions: usize) -> String {
    let mut wat = String::from("(module (memory 1)\n");
    for i in 0..functions {
        wat.push_str(&format!(
            "(func (export \"f{i}\") (param i32) (result i32)
               (local i32)
               (loop (local.set 1 (i32.add (local.get 1) (i32.load (local.get 0))))
                 (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
               (local.get 1))\n"
        ));
    }
    wat.push(')');
    wat
}

fn compile(c: &mut Criterion) {
    let engine = Engine::default();
    let bytes = wat::parse_str(big_module(500)).unwrap();
    c.bench_function("compile 500 functions", |b| {
        b.iter(|| Module::from_binary(&engine, black_box(&bytes)).unwrap())
    });
}

/// Loading a precompiled module against compiling it (500 functions).
fn deserialize(c: &mut Criterion) {
    let engine = Engine::default();
    let bytes = wat::parse_str(big_module(500)).unwrap();
    let artifact = Module::from_binary(&engine, &bytes)
        .unwrap()
        .serialize()
        .unwrap();
    c.bench_function("deserialize 500 functions", |b| {
        // SAFETY: the artifact was just produced by this engine.
        b.iter(|| unsafe { Module::deserialize(&engine, black_box(&artifact)) }.unwrap())
    });
}

fn instantiate(c: &mut Criterion) {
    let engine = Engine::default();
    let module = Module::new(&engine, "(module (memory 16) (table 10 funcref) (global (mut i32) (i32.const 0)) (func (export \"f\")))").unwrap();
    c.bench_function("instantiate (store + 1 MiB memory + table)", |b| {
        b.iter(|| {
            let mut store = Store::new(&engine, ());
            black_box(Instance::new(&mut store, &module, &[]).unwrap());
        })
    });
}

fn calls(c: &mut Criterion) {
    let engine = Engine::default();
    let module = Module::new(&engine, FIB).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let fib = instance
        .get_typed_func::<i32, i32>(&mut store, "fib")
        .unwrap();
    c.bench_function("host->wasm call (fib 1)", |b| {
        b.iter(|| fib.call(&mut store, black_box(1)).unwrap())
    });
    c.bench_function("fib 25", |b| {
        b.iter(|| fib.call(&mut store, black_box(25)).unwrap())
    });
}

/// wasm -> host calls of a `Func::wrap` closure: 1,000 per iteration.
fn host_calls(c: &mut Criterion) {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "" "add" (func $add (param i32 i32) (result i32)))
             (func (export "run") (result i32) (local $i i32) (local $s i32)
               (loop $l
                 (local.set $s (call $add (local.get $s) (local.get $i)))
                 (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                   (i32.const 1000))))
               (local.get $s)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let add = kiln::Func::wrap(&mut store, |a: i32, b: i32| a.wrapping_add(b));
    let instance = Instance::new(&mut store, &module, &[add.into()]).unwrap();
    let run = instance
        .get_typed_func::<(), i32>(&mut store, "run")
        .unwrap();
    c.bench_function("wasm->host call x1000 (func_wrap)", |b| {
        b.iter(|| run.call(&mut store, ()).unwrap())
    });
}

/// Throwing and catching against the alternative a host has without
/// exceptions: a host function that fails. One iteration of
/// `throw+catch x1000` throws 1,000 exceptions (one frame deep, each caught
/// by the caller); one iteration of `host error` is one call into wasm
/// whose host function returns an error, which the embedder gets back.
fn exceptions(c: &mut Criterion) {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "" "fail" (func $fail))
             (tag $e (param i32))
             (func $thrower (param i32) (throw $e (local.get 0)))
             (func (export "throw-catch") (result i32) (local $i i32) (local $s i32)
               (loop $l
                 (block $h (result i32)
                   (try_table (catch $e $h) (call $thrower (local.get $i)))
                   (unreachable))
                 (local.set $s (i32.add (local.get $s)))
                 (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                   (i32.const 1000))))
               (local.get $s))
             (func (export "host-error") (call $fail)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let fail = kiln::Func::wrap(&mut store, || -> anyhow::Result<()> {
        Err(anyhow::anyhow!("the host function failed"))
    });
    let instance = Instance::new(&mut store, &module, &[fail.into()]).unwrap();
    let throw_catch = instance
        .get_typed_func::<(), i32>(&mut store, "throw-catch")
        .unwrap();
    assert_eq!(throw_catch.call(&mut store, ()).unwrap(), 499_500);
    c.bench_function("throw+catch x1000", |b| {
        b.iter(|| throw_catch.call(&mut store, ()).unwrap())
    });
    let host_error = instance
        .get_typed_func::<(), ()>(&mut store, "host-error")
        .unwrap();
    assert!(host_error.call(&mut store, ()).is_err());
    c.bench_function("host error", |b| {
        b.iter(|| host_error.call(&mut store, ()).unwrap_err())
    });
}

/// Work dominated by explicit bounds checks: a 64-bit-memory sum and a
/// `call_indirect` loop, each 100,000 iterations.
const CHECKED_LOOPS: &str = r#"
(module
  (type $t (func (result i32)))
  (memory i64 1)
  (table 2 funcref)
  (elem (i32.const 0) $one $two)
  (func $one (type $t) (i32.const 1))
  (func $two (type $t) (i32.const 2))
  (func (export "sum64") (result i32)
    (local $i i64) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.load (i64.and (local.get $i) (i64.const 0xfffc)))))
      (br_if $l (i64.ne (local.tee $i (i64.add (local.get $i) (i64.const 4)))
                        (i64.const 400000))))
    (local.get $s))
  (func (export "indirect") (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (call_indirect (type $t) (i32.and (local.get $i) (i32.const 1)))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (i32.const 100000))))
    (local.get $s)))
"#;

/// What the Spectre guards on explicit bounds checks cost.
fn spectre_guards(c: &mut Criterion) {
    for guards in [true, false] {
        let mut config = Config::new();
        config.wasm_memory64(true).spectre_guards(guards);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, CHECKED_LOOPS).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let label = if guards { "guarded" } else { "unguarded" };
        for name in ["sum64", "indirect"] {
            let f = instance
                .get_typed_func::<(), i32>(&mut store, name)
                .unwrap();
            c.bench_function(&format!("{name} x100000 ({label})"), |b| {
                b.iter(|| f.call(&mut store, ()).unwrap())
            });
        }
    }
}

/// The benchmarks game's binary-trees on Wasm GC: every tree of depths
/// 4, 6, … 16 built and checked (the long-lived tree and the stretch tree
/// of `tests-gc/binary_trees.wat` included), about 5.6 million structs.
const BINARY_TREES: &str = r#"
(module
  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))
  (func $bottom_up (param $d i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $d))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else (struct.new $node
        (call $bottom_up (i32.sub (local.get $d) (i32.const 1)))
        (call $bottom_up (i32.sub (local.get $d) (i32.const 1)))))))
  (func $check (param $t (ref $node)) (result i32) (local $l (ref null $node))
    (local.set $l (struct.get $node $left (local.get $t)))
    (if (result i32) (ref.is_null (local.get $l))
      (then (i32.const 1))
      (else (i32.add (i32.const 1) (i32.add
        (call $check (ref.as_non_null (local.get $l)))
        (call $check (ref.as_non_null (struct.get $node $right (local.get $t)))))))))
  (func (export "run") (param $max i32) (result i32)
    (local $long (ref null $node)) (local $d i32) (local $i i32) (local $n i32) (local $sum i32)
    (local.set $sum (call $check (call $bottom_up (i32.add (local.get $max) (i32.const 1)))))
    (local.set $long (call $bottom_up (local.get $max)))
    (local.set $d (i32.const 4))
    (loop $depths
      (local.set $n (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $max) (local.get $d)) (i32.const 4))))
      (local.set $i (i32.const 0))
      (loop $trees
        (local.set $sum (i32.add (local.get $sum) (call $check (call $bottom_up (local.get $d)))))
        (br_if $trees (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (br_if $depths (i32.le_u (local.tee $d (i32.add (local.get $d) (i32.const 2))) (local.get $max))))
    (i32.add (local.get $sum) (call $check (ref.as_non_null (local.get $long))))))
"#;

fn gc_binary_trees(c: &mut Criterion) {
    let engine = Engine::default();
    let module = Module::new(&engine, BINARY_TREES).unwrap();
    let mut group = c.benchmark_group("gc");
    group.sample_size(10);
    group.bench_function("binary trees, depth 16", |b| {
        b.iter(|| {
            let mut store = Store::new(&engine, ());
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let run = instance
                .get_typed_func::<i32, i32>(&mut store, "run")
                .unwrap();
            black_box(run.call(&mut store, black_box(16)).unwrap())
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    gc_binary_trees,
    compile,
    deserialize,
    instantiate,
    calls,
    host_calls,
    exceptions,
    spectre_guards
);
criterion_main!(benches);
