//! Traps are values: each kind of trap comes back as a `Trap` error, ten
//! thousand of them leave the process able to run wasm, and faults in host
//! code are not mistaken for wasm traps.

use kiln::{Engine, Instance, Module, Store, Trap, Val, WasmBacktrace};

const TRAPS: &str = r#"
(module
  (type $i (func (result i32)))
  (type $f (func (param f32) (result i32)))
  (memory 1)
  (table 3 funcref)
  (elem (i32.const 1) $ret7 $conv)
  (func $ret7 (type $i) (i32.const 7))
  (func $conv (type $f) (i32.trunc_f32_s (local.get 0)))
  (func (export "oob_load") (result i32) (i32.load (i32.const 65534)))
  (func (export "oob_store") (i32.store (i32.const 0x7fffffff) (i32.const 1)))
  (func (export "div_zero") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func (export "overflow") (param i32) (result i32) (i32.div_s (i32.const 0x80000000) (local.get 0)))
  (func (export "bad_conv") (param f32) (result i32) (call $conv (local.get 0)))
  (func (export "unreachable") (unreachable))
  (func (export "call_null") (result i32) (call_indirect (type $i) (i32.const 0)))
  (func (export "call_mismatch") (result i32) (call_indirect (type $i) (i32.const 2)))
  (func (export "call_oob") (result i32) (call_indirect (type $i) (i32.const 3)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "ok") (result i32) (call_indirect (type $i) (i32.const 1)))
)
"#;

const FIB: &str = r#"
(module (func $fib (export "fib") (param i32) (result i32)
  (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
    (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                   (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
"#;

fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    args: &[Val],
) -> kiln::Result<Vec<Val>> {
    let f = instance.get_func(&mut *store, name).expect("export exists");
    let mut results = vec![Val::I32(0); f.ty(&*store).results().len()];
    f.call(store, args, &mut results)?;
    Ok(results)
}

#[test]
fn every_kind_of_trap_ten_thousand_times_then_still_runs() {
    let engine = Engine::default();
    let module = Module::new(&engine, TRAPS).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let cases: [(&str, Vec<Val>, Trap); 10] = [
        ("oob_load", vec![], Trap::MemoryOutOfBounds),
        ("oob_store", vec![], Trap::MemoryOutOfBounds),
        ("div_zero", vec![Val::I32(0)], Trap::IntegerDivisionByZero),
        ("overflow", vec![Val::I32(-1)], Trap::IntegerOverflow),
        (
            "bad_conv",
            vec![Val::F32(f32::NAN.to_bits())],
            Trap::BadConversionToInteger,
        ),
        ("unreachable", vec![], Trap::UnreachableCodeReached),
        ("call_null", vec![], Trap::IndirectCallToNull),
        ("call_mismatch", vec![], Trap::BadSignature),
        ("call_oob", vec![], Trap::TableOutOfBounds),
        ("recurse", vec![Val::I32(0)], Trap::StackOverflow),
    ];
    for i in 0..10_000 {
        let (name, args, expected) = &cases[i % cases.len()];
        let err = call(&mut store, &instance, name, args).expect_err(name);
        assert_eq!(
            err.downcast_ref::<Trap>(),
            Some(expected),
            "{name}: {err:?}"
        );
        let bt = err
            .downcast_ref::<WasmBacktrace>()
            .expect("trap errors carry a backtrace");
        assert!(!bt.frames().is_empty(), "{name}: empty backtrace");
    }
    // The same instance and a fresh one both still work.
    assert_eq!(
        call(&mut store, &instance, "ok", &[]).unwrap()[0].unwrap_i32(),
        7
    );
    assert_eq!(
        call(&mut store, &instance, "div_zero", &[Val::I32(1)]).unwrap()[0].unwrap_i32(),
        1
    );
    let fib = Module::new(&engine, FIB).unwrap();
    let fib = Instance::new(&mut store, &fib, &[]).unwrap();
    let f = fib.get_typed_func::<i32, i32>(&mut store, "fib").unwrap();
    assert_eq!(f.call(&mut store, 20).unwrap(), 6765);
}

/// The name of each frame's function, innermost first ("" if unnamed).
fn frame_names(bt: &WasmBacktrace) -> Vec<String> {
    bt.frames()
        .iter()
        .map(|f| f.func_name.clone().unwrap_or_default())
        .collect()
}

#[test]
fn backtrace_names_the_trapping_functions() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func $inner (unreachable)) (func $outer (export "run") (call $inner)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let err = call(&mut store, &instance, "run", &[]).unwrap_err();
    let bt = err.downcast_ref::<WasmBacktrace>().unwrap();
    assert_eq!(frame_names(bt), ["inner", "outer"]);
    assert_eq!(bt.frames()[0].func_index, 0);
}

const CHILD_ENV: &str = "KILN_HOST_FAULT_CHILD";

extern "C" fn embedder_handler(_: libc::c_int) {
    // SAFETY: `_exit` is async-signal-safe.
    unsafe { libc::_exit(42) }
}

/// Runs inside the child process: install the embedder's handler, let Kiln
/// install its own (by trapping once), then fault in host code.
fn host_fault_child(mode: &str) {
    if mode == "chained" {
        // SAFETY: installing a plain handler for SIGSEGV in this child process.
        unsafe {
            libc::signal(
                libc::SIGSEGV,
                embedder_handler as *const () as libc::sighandler_t,
            )
        };
    }
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (func (export "t") unreachable))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    assert!(call(&mut store, &instance, "t", &[]).is_err());
    // SAFETY: deliberately faulting in host code; the handler ends the process.
    unsafe { std::ptr::write_volatile(16 as *mut u8, 1) };
    std::process::exit(0);
}

fn run_child(mode: &str) -> std::process::ExitStatus {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "host_faults_reach_the_previous_handler",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, mode)
        .status()
        .unwrap()
}

#[test]
fn host_faults_reach_the_previous_handler() {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        host_fault_child(&mode);
        return;
    }
    use std::os::unix::process::ExitStatusExt;
    // An embedder's own SIGSEGV handler still sees host faults.
    assert_eq!(run_child("chained").code(), Some(42));
    // With no handler before Kiln's, the default action kills the process.
    assert_eq!(run_child("default").signal(), Some(libc::SIGSEGV));
}

#[test]
fn backtrace_frames_carry_module_offsets_and_print_like_wasmtime() {
    let engine = Engine::default();
    let wat = r#"(module (func $inner (unreachable)) (func $outer (export "run") (call $inner)))"#;
    let bytes = wat::parse_str(wat).unwrap();
    let module = Module::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let err = call(&mut store, &instance, "run", &[]).unwrap_err();
    let bt = err.downcast_ref::<WasmBacktrace>().unwrap();
    // The innermost frame points at the `unreachable` opcode (0x00), the
    // outer one at the `call` opcode (0x10).
    let inner = bt.frames()[0].module_offset.unwrap() as usize;
    let outer = bt.frames()[1].module_offset.unwrap() as usize;
    assert_eq!(bytes[inner], 0x00);
    assert_eq!(bytes[outer], 0x10);
    let shown = format!("{err:?}");
    assert!(shown.contains("wasm backtrace"), "{shown}");
    assert!(
        shown.contains("!inner") && shown.contains("!outer"),
        "{shown}"
    );
    assert!(shown.contains("unreachable"), "{shown}");
}

#[test]
fn threads_run_wasm_trap_and_exit_cleanly() {
    let engine = Engine::default();
    let module = Module::new(&engine, TRAPS).unwrap();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (engine, module) = (engine.clone(), module.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, ());
                let instance = Instance::new(&mut store, &module, &[]).unwrap();
                for _ in 0..100 {
                    let err = call(&mut store, &instance, "recurse", &[Val::I32(0)]).unwrap_err();
                    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::StackOverflow));
                    assert_eq!(
                        call(&mut store, &instance, "ok", &[]).unwrap()[0].unwrap_i32(),
                        7
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a wasm thread panicked");
    }
}

/// Traps raised inside builtins (and host errors, which leave wasm through
/// the `Raise` builtin) are walked from the wasm frame that called out, as
/// the builtin's entry stub recorded it, so the backtrace is exact even
/// though Rust code is built without frame pointers.
#[test]
fn backtraces_of_traps_raised_by_builtins_start_at_the_calling_wasm_frame() {
    let engine = Engine::default();
    let wat = r#"(module
      (import "" "fail" (func $fail))
      (memory 1)
      (table 1 funcref)
      (elem func $run)
      (func $fill (memory.fill (i32.const 65530) (i32.const 0) (i32.const 100)))
      (func $tinit (table.init 0 (i32.const 0) (i32.const 0) (i32.const 5)))
      (func $host (call $fail))
      (func $middle (param i32)
        (if (i32.eqz (local.get 0)) (then (call $fill)))
        (if (i32.eq (local.get 0) (i32.const 1)) (then (call $tinit)))
        (if (i32.eq (local.get 0) (i32.const 2)) (then (call $host))))
      (func $run (export "run") (param i32) (call $middle (local.get 0))))"#;
    let bytes = wat::parse_str(wat).unwrap();
    let module = Module::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let fail = kiln::Func::wrap(&mut store, || -> anyhow::Result<()> {
        anyhow::bail!("the host says no")
    });
    let instance = Instance::new(&mut store, &module, &[fail.into()]).unwrap();
    for (arg, inner, opcode, trap) in [
        (0, "fill", 0xFC, Some(Trap::MemoryOutOfBounds)),
        (1, "tinit", 0xFC, Some(Trap::TableOutOfBounds)),
        (2, "host", 0x10, None),
    ] {
        let err = call(&mut store, &instance, "run", &[Val::I32(arg)]).unwrap_err();
        assert_eq!(err.downcast_ref::<Trap>().copied(), trap, "{err:?}");
        if trap.is_none() {
            assert_eq!(err.to_string(), "the host says no");
            continue;
        }
        let bt = err.downcast_ref::<WasmBacktrace>().unwrap();
        assert_eq!(frame_names(bt), [inner, "middle", "run"], "{err:?}");
        let at = bt.frames()[0].module_offset.unwrap() as usize;
        assert_eq!(bytes[at], opcode, "{inner}: offset {at}");
        let call_at = bt.frames()[1].module_offset.unwrap() as usize;
        assert_eq!(bytes[call_at], 0x10, "middle: offset {call_at}");
    }
}
