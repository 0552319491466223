//! What users feel: compile time, instantiation, host→wasm call overhead and
//! wasm run time. Run with `cargo bench -p kiln-benches`.

use criterion::{Criterion, criterion_group, criterion_main};
use kiln::{Engine, Instance, Module, Store};
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

criterion_group!(benches, compile, instantiate, calls);
criterion_main!(benches);
