//! Stopping runaway wasm: fuel, and epochs advanced from another thread.

use kiln::{Caller, Config, Engine, Instance, Linker, Module, Store, Trap};

const SPIN: &str = r#"(module
  (func (export "spin") (loop (br 0)))
  (func (export "count") (param i32) (result i32)
    (local i32)
    (loop
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if 0 (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))"#;

#[test]
fn fuel_runs_out_and_can_be_refilled() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, SPIN).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(10_000).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let spin = instance
        .get_typed_func::<(), ()>(&mut store, "spin")
        .unwrap();
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::OutOfFuel));
    assert_eq!(store.get_fuel().unwrap(), 0);

    // Fuel is charged per operator: a short count uses some, not all.
    store.set_fuel(1_000_000).unwrap();
    let count = instance
        .get_typed_func::<i32, i32>(&mut store, "count")
        .unwrap();
    assert_eq!(count.call(&mut store, 100).unwrap(), 100);
    let used = 1_000_000 - store.get_fuel().unwrap();
    assert!(
        (700..=2_000).contains(&used),
        "used {used} fuel for 100 iterations of ~9 operators"
    );
}

/// A loop whose every iteration runs exactly 10 operators, one of them a
/// host call, with a `memory.grow` (a builtin call) in between; `thrower`
/// runs 100 iterations of 8 operators and then throws.
const FUEL_PROBE: &str = r#"(module
  (import "host" "observe" (func $observe))
  (memory 1)
  (tag $e)
  (func (export "loop") (param i32)
    (loop $l
      (call $observe)
      (drop (memory.grow (i32.const 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0))))
  (func $thrower (local i32)
    (loop $l
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 0) (i32.const 100))))
    (throw $e))
  (func (export "catch")
    (call $observe)
    (block $caught
      (try_table (catch $e $caught) (call $thrower)))
    (call $observe)))"#;

/// An instance of [`FUEL_PROBE`] whose `observe` records the fuel left at
/// each call; at call `refill_at` (counting from 1) it sets the fuel to 0.
fn fuel_probe(refill_at: usize) -> (Store<Vec<u64>>, Instance) {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, FUEL_PROBE).unwrap();
    let mut linker = Linker::<Vec<u64>>::new(&engine);
    linker
        .func_wrap("host", "observe", move |mut c: Caller<'_, Vec<u64>>| {
            let left = c.get_fuel().unwrap();
            c.data_mut().push(left);
            if c.data().len() == refill_at {
                c.set_fuel(0).unwrap();
            }
        })
        .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    store.set_fuel(1_000_000).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn fuel_is_exact_at_every_call_out_of_wasm() {
    let (mut store, instance) = fuel_probe(usize::MAX);
    let run = instance
        .get_typed_func::<i32, ()>(&mut store, "loop")
        .unwrap();
    run.call(&mut store, 50).unwrap();
    let seen = store.data().clone();
    assert_eq!(seen.len(), 50);
    for pair in seen.windows(2) {
        assert_eq!(pair[0] - pair[1], 10, "fuel between host calls: {seen:?}");
    }

    // The thrower's 100 iterations are charged though its frame unwound.
    store.data_mut().clear();
    let catch = instance
        .get_typed_func::<(), ()>(&mut store, "catch")
        .unwrap();
    catch.call(&mut store, ()).unwrap();
    let seen = store.data().clone();
    let used = seen[0] - seen[1];
    assert!(
        (800..850).contains(&used),
        "fuel used by a call that threw: {used}"
    );
}

#[test]
fn fuel_set_by_the_host_takes_effect_when_the_call_returns() {
    let (mut store, instance) = fuel_probe(3);
    let run = instance
        .get_typed_func::<i32, ()>(&mut store, "loop")
        .unwrap();
    let err = run.call(&mut store, 1_000).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::OutOfFuel));
    assert_eq!(
        store.data().len(),
        3,
        "the loop ran on after its fuel was taken"
    );
    assert_eq!(store.get_fuel().unwrap(), 0);
}

#[test]
fn fuel_used_before_a_trap_is_charged() {
    // A guest that traps on purpose after looping must not get the fuel
    // back: else it could run loops for free, call after call.
    const BURN: &str = r#"(module
      (func (export "burn") (param i32) (result i32)
        (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
        (i32.div_u (local.get 1) (i32.const 0))))"#;
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, BURN).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(1_000_000).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let burn = instance
        .get_typed_func::<i32, i32>(&mut store, "burn")
        .unwrap();
    let err = burn.call(&mut store, 10_000).unwrap_err();
    assert_eq!(
        err.downcast_ref::<Trap>(),
        Some(&Trap::IntegerDivisionByZero)
    );
    // 8 operators per iteration.
    let used = 1_000_000 - store.get_fuel().unwrap();
    assert!(
        (79_990..80_100).contains(&used),
        "fuel used by 10,000 iterations before a trap: {used}"
    );
}

#[test]
fn fuel_needs_the_config_switch() {
    let mut store = Store::new(&Engine::default(), ());
    assert!(store.set_fuel(1).is_err());
    assert!(store.get_fuel().is_err());
}

#[test]
fn epoch_deadline_stops_an_infinite_loop_from_another_thread() {
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, SPIN).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_epoch_deadline(1);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let spin = instance
        .get_typed_func::<(), ()>(&mut store, "spin")
        .unwrap();
    let ticker = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            engine.increment_epoch();
        })
    };
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::Interrupt));
    ticker.join().unwrap();
    // With a fresh deadline the same store runs again.
    store.set_epoch_deadline(1);
    let count = instance
        .get_typed_func::<i32, i32>(&mut store, "count")
        .unwrap();
    assert_eq!(count.call(&mut store, 5).unwrap(), 5);
}

/// The epoch advanced on this thread, so the test needs no timing.
const NESTED: &str = r#"(module
  (import "host" "tick" (func $tick))
  (func $inner (export "inner") (param i32)
    (loop
      (call $tick)
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if 0 (local.get 0))))
  (func $outer (export "outer") (param i32) (call $inner (local.get 0))))"#;

fn nested_instance(store: &mut Store<Vec<Vec<String>>>, engine: &Engine) -> Instance {
    let module = Module::new(engine, NESTED).unwrap();
    let tick = {
        let engine = engine.clone();
        kiln::Func::wrap(&mut *store, move || engine.increment_epoch())
    };
    Instance::new(&mut *store, &module, &[tick.into()]).unwrap()
}

#[test]
fn epoch_callback_continues_and_sees_the_wasm_stack() {
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config).unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = nested_instance(&mut store, &engine);
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|mut cx| {
        let frames = kiln::WasmBacktrace::capture(&cx)
            .frames()
            .iter()
            .map(|f| f.func_name.clone().unwrap_or_default())
            .collect();
        cx.data_mut().push(frames);
        Ok(kiln::UpdateDeadline::Continue(1))
    });
    let outer = instance
        .get_typed_func::<i32, ()>(&mut store, "outer")
        .unwrap();
    outer.call(&mut store, 10).unwrap();
    // Each tick passes the deadline, which the loop header of `inner`
    // notices: once per iteration after the first.
    let samples = store.data();
    assert_eq!(samples.len(), 9, "{samples:?}");
    for frames in samples {
        assert_eq!(frames, &["inner", "outer"]);
    }
}

#[test]
fn epoch_callback_can_interrupt_fail_and_be_removed() {
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config).unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = nested_instance(&mut store, &engine);
    let outer = instance
        .get_typed_func::<i32, ()>(&mut store, "outer")
        .unwrap();

    // Interrupt after three calls.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|mut cx| {
        cx.data_mut().push(Vec::new());
        Ok(if cx.data().len() < 3 {
            kiln::UpdateDeadline::Continue(1)
        } else {
            kiln::UpdateDeadline::Interrupt
        })
    });
    let err = outer.call(&mut store, 100).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::Interrupt));
    assert_eq!(store.data().len(), 3);

    // An error of the callback is the call's error, and the store still works.
    store.epoch_deadline_callback(|_| Err(kiln::format_err!("deadline callback says no")));
    store.set_epoch_deadline(1);
    let err = outer.call(&mut store, 100).unwrap_err();
    assert!(
        format!("{err:#}").contains("deadline callback says no"),
        "{err:#}"
    );

    // A panic of the callback comes back as a panic of the call.
    store.epoch_deadline_callback(|_| panic!("callback panic"));
    store.set_epoch_deadline(1);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = outer.call(&mut store, 100);
    }));
    assert!(panicked.is_err());

    // Back to trapping at the deadline.
    store.epoch_deadline_trap();
    store.set_epoch_deadline(1);
    let err = outer.call(&mut store, 100).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::Interrupt));
    store.set_epoch_deadline(u64::MAX / 2);
    outer.call(&mut store, 100).unwrap();
}

#[test]
fn backtrace_capture_in_a_host_function_names_its_wasm_callers() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (import "host" "look" (func $look))
          (func $inner (call $look))
          (func $outer (export "outer") (call $inner)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let look = kiln::Func::wrap(&mut store, |mut caller: kiln::Caller<'_, Vec<String>>| {
        *caller.data_mut() = wasm_callers(&caller);
    });
    let instance = Instance::new(&mut store, &module, &[look.into()]).unwrap();
    let outer = instance
        .get_typed_func::<(), ()>(&mut store, "outer")
        .unwrap();
    outer.call(&mut store, ()).unwrap();
    assert_eq!(store.data(), &["inner", "outer"]);

    // The same through an untyped host function.
    let look = kiln::Func::new(
        &mut store,
        kiln::FuncType::new(&engine, [], []),
        |mut caller: kiln::Caller<'_, Vec<String>>, _, _| {
            *caller.data_mut() = wasm_callers(&caller);
            Ok(())
        },
    );
    store.data_mut().clear();
    let instance = Instance::new(&mut store, &module, &[look.into()]).unwrap();
    let outer = instance
        .get_typed_func::<(), ()>(&mut store, "outer")
        .unwrap();
    outer.call(&mut store, ()).unwrap();
    assert_eq!(store.data(), &["inner", "outer"]);
}

/// The names of the wasm functions running, innermost first.
fn wasm_callers(caller: &kiln::Caller<'_, Vec<String>>) -> Vec<String> {
    kiln::WasmBacktrace::capture(caller)
        .frames()
        .iter()
        .map(|f| f.func_name.clone().unwrap_or_default())
        .collect()
}
