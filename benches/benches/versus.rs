//! Kiln and wasmtime side by side, in one process and one run: the same wasm,
//! measured the same way, so machine noise hits both alike.
//!
//! Every benchmark belongs to a criterion group named `versus/...` and is
//! identified as `RUNTIME/VARIANT` (`kiln/default`, `wasmtime/pooling`, ...),
//! so the reports put each pair next to each other, and
//! `python3 benches/compare-cli.py --criterion target/criterion` turns the
//! results into a table of kiln/wasmtime ratios (a Kiln variant is compared
//! with the wasmtime variant of the same name).
//!
//! Run with `cargo bench -p kiln-benches --bench versus`; add a filter to run
//! one group, e.g. `-- versus/instantiate`.

use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group,
    criterion_main, measurement::WallTime,
};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

// ---------------------------------------------------------------------------
// The wasm under test
// ---------------------------------------------------------------------------

/// One exported `i32 -> i32` function: `add1(x) = x + 1`.
const ADD1: &str = r#"(module
  (func (export "add1") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1))))"#;

/// Calls the imported `host::add` 1,000 times and returns the running sum.
const HOST_LOOP: &str = r#"(module
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (func (export "run") (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (call $add (local.get $s) (local.get $i)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (i32.const 1000))))
    (local.get $s)))"#;

/// What `run` in [`HOST_LOOP`] returns: the sum of 0..1000.
const HOST_LOOP_RESULT: i32 = 499_500;

/// Size of the active data segment in [`instantiation_module`].
const DATA_BYTES: usize = 64 * 1024;
/// Number of defined functions, and table entries, in [`instantiation_module`].
const TABLE_FUNCTIONS: usize = 1000;

/// The byte at `offset` of the data segment in [`instantiation_module`]
/// (never zero, so an implementation cannot skip it as "already zeroed").
fn data_byte(offset: usize) -> u8 {
    (offset % 251) as u8 + 1
}

/// A module whose instantiation has real work to do: a 1 MiB memory (16
/// pages) with a 64 KiB active data segment of non-zero bytes, and a
/// 1,000-entry funcref table filled by an active element segment with 1,000
/// small defined functions. Exports `call(x, i)` (`table[i](x)`) and
/// `load(addr)` (the byte at `addr`), which the benchmark uses once to check
/// that both runtimes instantiated the same thing.
fn instantiation_module() -> String {
    let mut wat = String::from("(module\n  (type $t (func (param i32) (result i32)))\n");
    wat.push_str("  (memory 16)\n  (data (i32.const 0) \"");
    for offset in 0..DATA_BYTES {
        write!(wat, "\\{:02x}", data_byte(offset)).unwrap();
    }
    wat.push_str("\")\n");
    writeln!(wat, "  (table {TABLE_FUNCTIONS} funcref)").unwrap();
    wat.push_str("  (elem (i32.const 0) func");
    for i in 0..TABLE_FUNCTIONS {
        write!(wat, " $f{i}").unwrap();
    }
    wat.push_str(")\n");
    for i in 0..TABLE_FUNCTIONS {
        writeln!(
            wat,
            "  (func $f{i} (type $t) (i32.add (local.get 0) (i32.const {i})))"
        )
        .unwrap();
    }
    wat.push_str(
        r#"  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32)
    (i32.load8_u (local.get 0))))"#,
    );
    wat
}

/// Functions in [`compile_module`].
const COMPILE_FUNCTIONS: usize = 2000;
/// Statements per function in [`compile_module`].
const COMPILE_STATEMENTS: usize = 24;

/// A module of about 1 MB of varied code for compile throughput:
/// [`COMPILE_FUNCTIONS`] functions of [`COMPILE_STATEMENTS`] statements each,
/// drawn by a fixed pseudo-random sequence from memory accesses, i32/i64/f64
/// arithmetic, `if`s, counted loops, `br_table`s and direct calls to earlier
/// functions. It is only compiled, never run.
fn compile_module() -> Vec<u8> {
    let mut rng = 0x2545_f491_u32;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        rng
    };
    let mut wat = String::from("(module (memory 1)\n");
    for f in 0..COMPILE_FUNCTIONS {
        writeln!(
            wat,
            "(func $f{f} (export \"f{f}\") (param $a i32) (param $b i32) (result i32)
               (local $i i32) (local $s i32) (local $t i64) (local $x f64)"
        )
        .unwrap();
        for _ in 0..COMPILE_STATEMENTS {
            let c = next() % 4096;
            let statement = match next() % 8 {
                0 => format!(
                    "(local.set $s (i32.add (local.get $s)
                       (i32.load offset={c} (i32.and (local.get $a) (i32.const 0xfffc)))))"
                ),
                1 => format!(
                    "(i32.store offset={c} (i32.and (local.get $b) (i32.const 0xfffc))
                       (i32.xor (local.get $s) (i32.const {c})))"
                ),
                2 => format!(
                    "(local.set $t (i64.add (i64.mul (local.get $t) (i64.const {c}))
                       (i64.extend_i32_u (local.get $s))))"
                ),
                3 => "(local.set $x (f64.add (f64.mul (local.get $x) (f64.const 1.0001))
                       (f64.convert_i32_s (local.get $s))))"
                    .to_string(),
                4 => format!(
                    "(if (i32.and (local.get $s) (i32.const {c}))
                       (then (local.set $a (i32.rotl (local.get $a) (i32.const 3))))
                       (else (local.set $b (i32.sub (local.get $b) (local.get $s)))))"
                ),
                5 => format!(
                    "(local.set $i (i32.const {}))
                     (loop $l
                       (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $a))))
                       (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))",
                    c % 8 + 1
                ),
                6 if f > 0 => format!(
                    "(local.set $s (i32.add (local.get $s)
                       (call $f{} (local.get $a) (local.get $s))))",
                    next() as usize % f
                ),
                _ => format!(
                    "(block $b0 (block $b1 (block $b2
                       (br_table $b0 $b1 $b2 (i32.and (local.get $s) (i32.const 3))))
                       (local.set $s (i32.const {c})))
                       (local.set $a (local.get $s)))"
                ),
            };
            wat.push_str(&statement);
            wat.push('\n');
        }
        wat.push_str(
            "(i32.xor (local.get $s) (i32.xor (i32.wrap_i64 (local.get $t))
               (i32.trunc_sat_f64_s (local.get $x)))))\n",
        );
    }
    wat.push(')');
    wat::parse_str(&wat).expect("the generated compile module is valid")
}

// ---------------------------------------------------------------------------
// Engines
// ---------------------------------------------------------------------------

/// A Kiln engine with default settings except parallel compilation.
fn kiln_engine(parallel: bool) -> kiln::Engine {
    let mut config = kiln::Config::new();
    config.parallel_compilation(parallel);
    kiln::Engine::new(&config).unwrap()
}

/// A wasmtime engine with default settings except parallel compilation.
fn wasmtime_engine(parallel: bool) -> wasmtime::Engine {
    let mut config = wasmtime::Config::new();
    config.parallel_compilation(parallel);
    wasmtime::Engine::new(&config).unwrap()
}

/// A wasmtime engine with the pooling instance allocator. The pool is
/// smaller than wasmtime's default (1,000 of everything) so that this
/// benchmark does not reserve terabytes of address space on a shared
/// machine; each slot is as wasmtime configures it by default, and the pool
/// size does not enter the per-instance cost.
fn wasmtime_pooling_engine() -> wasmtime::Engine {
    let mut pool = wasmtime::PoolingAllocationConfig::default();
    pool.total_core_instances(100)
        .total_memories(100)
        .total_tables(100);
    let mut config = wasmtime::Config::new();
    config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
    wasmtime::Engine::new(&config).unwrap()
}

/// Kiln with its pooling strategy, configured like
/// [`wasmtime_pooling_engine`]. [`instantiate`] measures it as
/// `kiln/pooling`, which the report pairs with `wasmtime/pooling`.
fn kiln_pooling_engine() -> Option<kiln::Engine> {
    let mut pool = kiln::PoolingAllocationConfig::new();
    pool.total_memories(100);
    let mut config = kiln::Config::new();
    config.allocation_strategy(kiln::InstanceAllocationStrategy::Pooling(pool));
    Some(kiln::Engine::new(&config).unwrap())
}

/// A criterion group named `versus/NAME`.
fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    c.benchmark_group(format!("versus/{name}"))
}

// ---------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------

/// Host → wasm: one `TypedFunc::call` of an `i32 -> i32` function.
fn host_to_wasm(c: &mut Criterion) {
    let mut g = group(c, "call host->wasm (i32 -> i32)");

    // The two runtimes' APIs agree here, so one text measures both.
    macro_rules! measure {
        ($rt:ident) => {{
            let engine = $rt::Engine::default();
            let module = $rt::Module::new(&engine, ADD1).unwrap();
            let mut store = $rt::Store::new(&engine, ());
            let instance = $rt::Instance::new(&mut store, &module, &[]).unwrap();
            let add1 = instance
                .get_typed_func::<i32, i32>(&mut store, "add1")
                .unwrap();
            assert_eq!(add1.call(&mut store, 41).unwrap(), 42);
            g.bench_function(BenchmarkId::new(stringify!($rt), "default"), |b| {
                b.iter(|| add1.call(&mut store, black_box(41)).unwrap())
            });
        }};
    }
    measure!(kiln);
    measure!(wasmtime);

    g.finish();
}

/// Wasm → host: one call of a wasm loop that calls a `Linker::func_wrap`
/// closure `(i32, i32) -> i32` 1,000 times.
fn wasm_to_host(c: &mut Criterion) {
    let mut g = group(c, "call wasm->host x1000 (func_wrap)");

    // The two runtimes' APIs agree here, so one text measures both.
    macro_rules! measure {
        ($rt:ident) => {{
            let engine = $rt::Engine::default();
            let module = $rt::Module::new(&engine, HOST_LOOP).unwrap();
            let mut linker = $rt::Linker::new(&engine);
            linker
                .func_wrap("host", "add", |a: i32, b: i32| a.wrapping_add(b))
                .unwrap();
            let mut store = $rt::Store::new(&engine, ());
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let run = instance
                .get_typed_func::<(), i32>(&mut store, "run")
                .unwrap();
            assert_eq!(run.call(&mut store, ()).unwrap(), HOST_LOOP_RESULT);
            g.bench_function(BenchmarkId::new(stringify!($rt), "default"), |b| {
                b.iter(|| run.call(&mut store, ()).unwrap())
            });
        }};
    }
    measure!(kiln);
    measure!(wasmtime);

    g.finish();
}

/// Checks, once and outside any measurement, that an instance of
/// [`instantiation_module`] has its data segment and table in place.
fn check_instance(call: impl Fn(i32, i32) -> i32, load: impl Fn(i32) -> i32) {
    assert_eq!(call(5, 0), 5);
    assert_eq!(
        call(5, TABLE_FUNCTIONS as i32 - 1),
        5 + TABLE_FUNCTIONS as i32 - 1
    );
    for offset in [0, 1, 250, 251, DATA_BYTES - 1] {
        assert_eq!(load(offset as i32), i32::from(data_byte(offset)));
    }
    assert_eq!(load(DATA_BYTES as i32), 0);
}

/// Defines `$name`, which checks an instance of `module` made by runtime
/// `$rt` (the two runtimes' APIs agree here).
macro_rules! instance_check {
    ($name:ident, $rt:ident) => {
        /// Checks an instance of `module` (see [`check_instance`]).
        fn $name(engine: &$rt::Engine, module: &$rt::Module) {
            let mut store = $rt::Store::new(engine, ());
            let instance = $rt::Instance::new(&mut store, module, &[]).unwrap();
            let call = instance
                .get_typed_func::<(i32, i32), i32>(&mut store, "call")
                .unwrap();
            let load = instance
                .get_typed_func::<i32, i32>(&mut store, "load")
                .unwrap();
            let store = std::cell::RefCell::new(store);
            check_instance(
                |x, i| call.call(&mut *store.borrow_mut(), (x, i)).unwrap(),
                |a| load.call(&mut *store.borrow_mut(), a).unwrap(),
            );
        }
    };
}
instance_check!(check_kiln, kiln);
instance_check!(check_wasmtime, wasmtime);

/// Measures a Kiln engine's `Store::new` + `Instance::new` (+ drop) as
/// `kiln/VARIANT`.
fn bench_kiln_instantiate(
    g: &mut BenchmarkGroup<'_, WallTime>,
    variant: &str,
    engine: &kiln::Engine,
    wasm: &[u8],
) {
    let module = kiln::Module::new(engine, wasm).unwrap();
    check_kiln(engine, &module);
    g.bench_function(BenchmarkId::new("kiln", variant), |b| {
        b.iter(|| {
            let mut store = kiln::Store::new(engine, ());
            black_box(kiln::Instance::new(&mut store, &module, &[]).unwrap());
        })
    });
}

/// Measures a wasmtime engine's `Store::new` + `Instance::new` (+ drop) as
/// `wasmtime/VARIANT`, and `Store::new` + `InstancePre::instantiate`
/// (+ drop) as `wasmtime/VARIANT+InstancePre`.
fn bench_wasmtime_instantiate(
    g: &mut BenchmarkGroup<'_, WallTime>,
    variant: &str,
    engine: &wasmtime::Engine,
    wasm: &[u8],
) {
    let module = wasmtime::Module::new(engine, wasm).unwrap();
    check_wasmtime(engine, &module);
    g.bench_function(BenchmarkId::new("wasmtime", variant), |b| {
        b.iter(|| {
            let mut store = wasmtime::Store::new(engine, ());
            black_box(wasmtime::Instance::new(&mut store, &module, &[]).unwrap());
        })
    });
    let pre = wasmtime::Linker::<()>::new(engine)
        .instantiate_pre(&module)
        .unwrap();
    g.bench_function(
        BenchmarkId::new("wasmtime", format!("{variant}+InstancePre")),
        |b| {
            b.iter(|| {
                let mut store = wasmtime::Store::new(engine, ());
                black_box(pre.instantiate(&mut store).unwrap());
            })
        },
    );
}

/// Instantiation of [`instantiation_module`]: a new store, a new instance,
/// and dropping both (dropping is where a pooling allocator resets its slot,
/// so it is part of the cost in steady state).
///
/// Kiln has one allocator (`kiln/on-demand`); wasmtime runs with its default
/// on-demand allocator and with its pooling allocator, each also through
/// `InstancePre` (imports resolved and type-checked once, ahead of time),
/// wasmtime's idiomatic fast path. Both runtimes use their defaults
/// otherwise, which for wasmtime includes copy-on-write memory images and
/// lazily initialised tables.
fn instantiate(c: &mut Criterion) {
    let wasm = wat::parse_str(instantiation_module()).unwrap();
    let mut g = group(
        c,
        "instantiate (1 MiB memory, 64 KiB data, 1000-entry table)",
    );

    bench_kiln_instantiate(&mut g, "on-demand", &kiln::Engine::default(), &wasm);
    if let Some(engine) = kiln_pooling_engine() {
        bench_kiln_instantiate(&mut g, "pooling", &engine, &wasm);
    }

    bench_wasmtime_instantiate(&mut g, "on-demand", &wasmtime::Engine::default(), &wasm);
    bench_wasmtime_instantiate(&mut g, "pooling", &wasmtime_pooling_engine(), &wasm);

    g.finish();
}

/// Compile throughput: `Module::new` on about 1 MB of wasm
/// ([`compile_module`]), with parallel compilation (both runtimes' default)
/// and without it.
fn compile(c: &mut Criterion) {
    let wasm = compile_module();
    let name = format!("compile ({:.2} MB of wasm)", wasm.len() as f64 / 1e6);
    let mut g = group(c, &name);
    // Each compilation takes a second or more: ten samples of one
    // iteration each.
    g.throughput(Throughput::Bytes(wasm.len() as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));

    for (variant, parallel) in [("parallel", true), ("sequential", false)] {
        let engine = kiln_engine(parallel);
        g.bench_function(BenchmarkId::new("kiln", variant), |b| {
            b.iter(|| kiln::Module::new(&engine, black_box(&wasm)).unwrap())
        });
        let engine = wasmtime_engine(parallel);
        g.bench_function(BenchmarkId::new("wasmtime", variant), |b| {
            b.iter(|| wasmtime::Module::new(&engine, black_box(&wasm)).unwrap())
        });
    }

    g.finish();
}

criterion_group!(versus, host_to_wasm, wasm_to_host, instantiate, compile);
criterion_main!(versus);
