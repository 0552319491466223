//! One shared memory, four threads, four stores: each thread runs its own
//! instance of a module that imports the memory and adds its share of a
//! sum into it atomically, then wakes the host, which waits on the memory
//! until every worker has reported.
//!
//! Run with `cargo run --example shared_memory`.

use kiln::{Config, Engine, Linker, MemoryType, Module, SharedMemory, Store, WaitResult};
use std::time::Duration;

const WORKERS: u32 = 4;

const WAT: &str = r#"(module
  (memory (import "env" "memory") 1 1 shared)
  ;; Adds first..first+count-1 into the i64 at 8, then counts itself done
  ;; in the i32 at 0 and wakes whoever waits there.
  (func (export "sum") (param $first i64) (param $count i64)
    (local $acc i64)
    (loop $next
      (local.set $acc (i64.add (local.get $acc) (local.get $first)))
      (local.set $first (i64.add (local.get $first) (i64.const 1)))
      (br_if $next (i64.ne
        (local.tee $count (i64.sub (local.get $count) (i64.const 1)))
        (i64.const 0))))
    (drop (i64.atomic.rmw.add (i32.const 8) (local.get $acc)))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))))"#;

fn main() -> anyhow::Result<()> {
    let mut config = Config::new();
    config.wasm_threads(true);
    let engine = Engine::new(&config)?;
    let module = Module::new(&engine, WAT)?;
    // `SharedMemory` is `Send + Sync`; clones are the same memory.
    let memory = SharedMemory::new(&engine, MemoryType::shared(1, 1))?;

    let per_worker: u64 = 1_000_000;
    let workers: Vec<_> = (0..u64::from(WORKERS))
        .map(|w| {
            let (engine, module, memory) = (engine.clone(), module.clone(), memory.clone());
            std::thread::spawn(move || -> anyhow::Result<()> {
                // A store belongs to one thread; the memory does not.
                let mut store = Store::new(&engine, ());
                let mut linker = Linker::new(&engine);
                linker.define(&store, "env", "memory", memory)?;
                let instance = linker.instantiate(&mut store, &module)?;
                let sum = instance.get_typed_func::<(i64, i64), ()>(&mut store, "sum")?;
                let first = (w * per_worker + 1) as i64;
                sum.call(&mut store, (first, per_worker as i64))
            })
        })
        .collect();

    // The host waits on the same memory: until the done-count at 0 is
    // WORKERS, wait for it to change (or look again after a second).
    loop {
        let mut done = [0; 4];
        memory.read(0, &mut done)?;
        let done = u32::from_le_bytes(done);
        if done == WORKERS {
            break;
        }
        // Woken, changed meanwhile, or timed out: look again either way.
        let _: WaitResult = memory.atomic_wait32(0, done, Some(Duration::from_secs(1)))?;
    }
    for w in workers {
        w.join().expect("worker panicked")?;
    }

    let mut sum = [0; 8];
    memory.read(8, &mut sum)?;
    let sum = u64::from_le_bytes(sum);
    let n = u64::from(WORKERS) * per_worker;
    assert_eq!(sum, n * (n + 1) / 2);
    println!("{WORKERS} threads summed 1..={n}: {sum}");
    Ok(())
}
