//! Inlining (`Config::compiler_inlining`) changes how fast code runs, never
//! what it does: results, traps, backtraces (frame by frame, with the
//! offsets of the instructions) and fuel are the same with it on and off.

use kiln::{Config, Engine, Func, Instance, Module, Store, Val, WasmBacktrace};

/// Small functions that trap in every way compiled code can (a fault, an
/// explicit check, a builtin, a host error, a trap in a function the
/// inlined callee calls), each called from a larger caller. The calls are
/// inside a loop (which never repeats), so that the callees that call on
/// are inlined too.
const TRAPPING: &str = r#"
(module
  (import "" "fail" (func $fail))
  (type $v (func))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 1) $nothing)
  (func $nothing)
  (func $load (param i32) (result i32) (i32.load (local.get 0)))
  (func $div (param i32) (result i32) (i32.div_u (i32.const 7) (local.get 0)))
  (func $unreachable (unreachable))
  (func $fill (param i32) (memory.fill (local.get 0) (i32.const 0) (i32.const 100)))
  (func $indirect (param i32) (call_indirect (type $v) (local.get 0)))
  (func $host (call $fail))
  (func $deeper (param i32) (result i32) (call $div (local.get 0)))
  (func $conv (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "run") (param $which i32) (param $arg i32) (result i32)
    (local $sum i32)
    (local.set $sum (i32.const 1))
    (loop $again
    (block $done
      (if (i32.eq (local.get $which) (i32.const 0))
        (then (local.set $sum (call $load (local.get $arg))) (br $done)))
      (if (i32.eq (local.get $which) (i32.const 1))
        (then (local.set $sum (call $div (local.get $arg))) (br $done)))
      (if (i32.eq (local.get $which) (i32.const 2))
        (then (call $unreachable) (br $done)))
      (if (i32.eq (local.get $which) (i32.const 3))
        (then (call $fill (local.get $arg)) (br $done)))
      (if (i32.eq (local.get $which) (i32.const 4))
        (then (call $indirect (local.get $arg)) (br $done)))
      (if (i32.eq (local.get $which) (i32.const 5))
        (then (call $host) (br $done)))
      (if (i32.eq (local.get $which) (i32.const 6))
        (then (local.set $sum (call $deeper (local.get $arg))) (br $done)))
      (if (i32.eq (local.get $which) (i32.const 7))
        (then (local.set $sum
          (call $conv (f64.convert_i32_s (local.get $arg)))) (br $done))))
    (br_if $again (i32.eq (local.get $which) (i32.const 99))))
    (i32.add (local.get $sum) (local.get $which)))
)
"#;

fn engine(inlining: bool) -> Engine {
    let mut config = Config::new();
    config.compiler_inlining(inlining).consume_fuel(true);
    Engine::new(&config).unwrap()
}

/// What one call did: its result, or its error with each backtrace frame
/// as (function index, module offset); and the fuel it used.
type Outcome = (Result<i32, (String, Vec<(u32, Option<u32>)>)>, u64);

fn run_all(inlining: bool, wat: &str, calls: &[(i32, i32)]) -> Vec<Outcome> {
    let engine = engine(inlining);
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let fail = Func::wrap(&mut store, || -> anyhow::Result<()> {
        anyhow::bail!("the host says no")
    });
    let instance = Instance::new(&mut store, &module, &[fail.into()]).unwrap();
    let run = instance.get_func(&mut store, "run").unwrap();
    calls
        .iter()
        .map(|&(which, arg)| {
            store.set_fuel(1_000_000).unwrap();
            let mut out = [Val::I32(0)];
            let result = run
                .call(&mut store, &[Val::I32(which), Val::I32(arg)], &mut out)
                .map(|()| out[0].unwrap_i32())
                .map_err(|e| {
                    let frames = e
                        .downcast_ref::<WasmBacktrace>()
                        .map(|bt| {
                            bt.frames()
                                .iter()
                                .map(|f| (f.func_index, f.module_offset))
                                .collect()
                        })
                        .unwrap_or_default();
                    (format!("{e}"), frames)
                });
            (result, 1_000_000 - store.get_fuel().unwrap())
        })
        .collect()
}

#[test]
fn traps_backtraces_and_fuel_are_the_same_with_inlining() {
    let calls = [
        (0, 16),
        (0, 65533),
        (1, 2),
        (1, 0),
        (2, 0),
        (3, 100),
        (3, 65500),
        (4, 1),
        (4, 0),
        (4, 9),
        (5, 0),
        (6, 3),
        (6, 0),
        (7, 12),
        (8, 0),
    ];
    let on = run_all(true, TRAPPING, &calls);
    let off = run_all(false, TRAPPING, &calls);
    for ((call, on), off) in calls.iter().zip(&on).zip(&off) {
        assert_eq!(on, off, "call {call:?}");
    }
    // The trapping calls' backtraces have a frame per wasm function, the
    // inlined callee's included: `$load` (function 2), then `run`.
    let (Err((_, frames)), _) = &on[1] else {
        panic!("an out-of-bounds load did not trap: {:?}", on[1]);
    };
    assert_eq!(
        frames.iter().map(|f| f.0).collect::<Vec<_>>(),
        [2, 10],
        "{frames:?}"
    );
    // `$deeper` calls `$div`: three frames.
    let (Err((_, frames)), _) = &on[12] else {
        panic!("a division by zero did not trap: {:?}", on[12]);
    };
    assert_eq!(
        frames.iter().map(|f| f.0).collect::<Vec<_>>(),
        [3, 8, 10],
        "{frames:?}"
    );
    let bytes = wat::parse_str(TRAPPING).unwrap();
    // Offsets name the instructions: `i32.load`, `call`, `i32.div_u`.
    let at = |call: usize, frame: usize| {
        let (Err((_, frames)), _) = &on[call] else {
            unreachable!()
        };
        bytes[frames[frame].1.unwrap() as usize]
    };
    assert_eq!(at(1, 0), 0x28);
    assert_eq!(at(1, 1), 0x10);
    assert_eq!(at(12, 0), 0x6e);
    assert_eq!(at(12, 1), 0x10);
    assert_eq!(at(12, 2), 0x10);
}

/// A recursive function is inlined into itself once: the answers and the
/// depth at which the stack runs out stay right.
#[test]
fn recursion_through_inlined_calls() {
    let wat = r#"(module
      (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
      (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))"#;
    for inlining in [true, false] {
        let engine = engine(inlining);
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        store.set_fuel(u64::MAX).unwrap();
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let fib = instance
            .get_typed_func::<i32, i32>(&mut store, "fib")
            .unwrap();
        assert_eq!(fib.call(&mut store, 25).unwrap(), 75025);
        let down = instance
            .get_typed_func::<i32, i32>(&mut store, "down")
            .unwrap();
        assert_eq!(down.call(&mut store, 10_000).unwrap(), 10_000);
        let err = down.call(&mut store, i32::MAX).unwrap_err();
        assert_eq!(
            err.downcast_ref::<kiln::Trap>(),
            Some(&kiln::Trap::StackOverflow),
            "{err:?}"
        );
        // The store is still usable.
        assert_eq!(fib.call(&mut store, 10).unwrap(), 55);
    }
}
