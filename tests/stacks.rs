//! Stack budgets: recursion through host functions shares one wasm stack
//! budget, host functions called from wasm run on the caller's stack, and a
//! budget beyond the thread's stack is clamped to it.

use kiln::{Caller, Config, Engine, Extern, Func, Instance, Module, Store, Trap};
use std::hint::black_box;

const PING_PONG: &str = r#"
(module
  (import "" "host" (func $host (param i32) (result i32)))
  (func (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $host (i32.sub (local.get 0) (i32.const 1))))))))
"#;

fn ping_pong(engine: &Engine) -> (Store<()>, kiln::TypedFunc<i32, i32>) {
    let module = Module::new(engine, PING_PONG).unwrap();
    let mut store = Store::new(engine, ());
    // The host function calls back into the instance's `down`.
    let host = Func::wrap(&mut store, |mut caller: Caller<'_, ()>, n: i32| {
        let down = caller
            .get_export("down")
            .and_then(Extern::into_func)
            .expect("down is exported");
        let down = down.typed::<i32, i32>(&caller)?;
        down.call(&mut caller, n)
    });
    let instance = Instance::new(&mut store, &module, &[host.into()]).unwrap();
    let down = instance
        .get_typed_func::<i32, i32>(&mut store, "down")
        .unwrap();
    (store, down)
}

/// wasm → host → wasm → … used to take a fresh stack per level, bounded
/// only by mmap failing. Now every level draws on one budget, so deep
/// recursion through the host ends in a stack-overflow trap, and the store
/// keeps working.
#[test]
fn recursion_through_the_host_shares_one_stack_budget() {
    let mut config = Config::new();
    config.max_wasm_stack(256 << 10);
    let engine = Engine::new(&config).unwrap();
    let (mut store, down) = ping_pong(&engine);
    assert_eq!(down.call(&mut store, 20).unwrap(), 20);
    let err = down.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(
        err.downcast_ref::<Trap>(),
        Some(&Trap::StackOverflow),
        "{err:?}"
    );
    assert_eq!(down.call(&mut store, 20).unwrap(), 20);
}

/// Uses about `kib` KiB of stack.
#[inline(never)]
fn use_stack(kib: usize) -> u8 {
    let buf = black_box([kib as u8; 1024]);
    if kib == 0 {
        buf[0]
    } else {
        use_stack(kib - 1).wrapping_add(buf[1023])
    }
}

/// Runs `f` on a thread with a 16 MiB stack.
fn on_big_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Wasm runs on the caller's stack, so a host function called from wasm
/// has what the calling thread has left: here 4 MiB of a 16 MiB thread (it
/// used to be confined to 1 MiB of a separate wasm stack, and more was a
/// guard-page crash).
#[test]
fn host_functions_called_from_wasm_use_the_callers_stack() {
    let expected = on_big_stack(|| use_stack(4 << 10) as i32);
    let got = on_big_stack(|| {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (import "" "deep" (func $deep (result i32)))
                 (func (export "run") (result i32) (call $deep)))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let deep = Func::wrap(&mut store, || use_stack(4 << 10) as i32);
        let instance = Instance::new(&mut store, &module, &[deep.into()]).unwrap();
        let run = instance
            .get_typed_func::<(), i32>(&mut store, "run")
            .unwrap();
        run.call(&mut store, ()).unwrap()
    });
    assert_eq!(got, expected);
}

/// A wasm stack budget larger than the thread's stack is clamped to the
/// thread's stack (minus room for host functions): runaway recursion still
/// ends in a stack-overflow trap, never in a crash on the guard page.
#[test]
fn a_budget_beyond_the_threads_stack_is_clamped_to_it() {
    let mut config = Config::new();
    config.max_wasm_stack(1 << 40);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(
        &engine,
        r#"(module (func $f (export "f") (param i64) (result i64)
             (i64.add (i64.const 1) (call $f (local.get 0)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f = instance
        .get_typed_func::<i64, i64>(&mut store, "f")
        .unwrap();
    for _ in 0..3 {
        let err = f.call(&mut store, 0).unwrap_err();
        assert_eq!(
            err.downcast_ref::<Trap>(),
            Some(&Trap::StackOverflow),
            "{err:?}"
        );
    }
}
