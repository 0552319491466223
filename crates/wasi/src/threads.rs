//! wasi-threads: `wasi::thread-spawn`, which programs built for
//! `wasm32-wasip1-threads` (pthreads in wasi-libc) call to start a thread.
//!
//! Each new thread is a new instance of the same module, in a store of its
//! own, on a new OS thread, sharing the module's imported shared memory;
//! it runs the module's export `wasi_thread_start(tid, start_arg)`. As in
//! wasmtime's implementation, `proc_exit` or a trap in any thread ends the
//! whole process: the thread's exit code, or 1 after printing the trap.

use anyhow::{Context, Result, bail};
use kiln::{Caller, Engine, ExternType, Linker, Module, SharedMemory, Store};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, OnceLock};

/// The largest thread id (wasi-threads reserves the top bits).
const MAX_TID: i32 = 0x1FFF_FFFF;

/// Makes a new thread's store from the spawning thread's data.
type NewStore<T> = Box<dyn Fn(&Engine, &T) -> Store<T> + Send + Sync>;

/// What `thread-spawn` needs: the module, a linker with every import, and
/// how to make a new thread's store data from the spawning thread's.
struct Spawner<T> {
    module: Module,
    linker: OnceLock<Linker<T>>,
    new_store: NewStore<T>,
    next_tid: AtomicI32,
}

/// Prepares `linker` to run `module` with threads: defines each shared
/// memory the module imports as a new [`SharedMemory`] (unless the linker
/// defines it already) and `wasi::thread-spawn`. Call it last, once the
/// linker holds every other import: new threads instantiate the module
/// with the linker as it is then. Every import must be store-independent
/// (host functions, shared memories): a store's own items cannot be used
/// by another thread's store. `new_store` makes a new thread's store
/// from the spawning thread's data, with whatever limits, fuel or
/// deadlines the embedder wants (a [`wasi_common::WasiCtx`] clone shares
/// the file table, as threads of one process do).
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    store: &mut Store<T>,
    module: &Module,
    new_store: impl Fn(&Engine, &T) -> Store<T> + Send + Sync + 'static,
) -> Result<()> {
    for import in module.imports() {
        if let ExternType::Memory(ty) = import.ty() {
            if !ty.shared {
                bail!(
                    "`{}::{}`: threads need the module to import a shared memory",
                    import.module(),
                    import.name()
                );
            }
            if linker
                .get(&mut *store, import.module(), import.name())
                .is_none()
            {
                let memory = SharedMemory::new(store.engine(), ty)
                    .context("creating the threads' shared memory")?;
                linker.define(&mut *store, import.module(), import.name(), memory)?;
            }
        }
    }
    let spawner = Arc::new(Spawner {
        module: module.clone(),
        linker: OnceLock::new(),
        new_store: Box::new(new_store),
        next_tid: AtomicI32::new(1),
    });
    let spawn = spawner.clone();
    linker.func_wrap(
        "wasi",
        "thread-spawn",
        move |caller: Caller<'_, T>, start_arg: i32| -> i32 { spawn.spawn(caller, start_arg) },
    )?;
    if spawner.linker.set(linker.clone()).is_err() {
        unreachable!("set once");
    }
    Ok(())
}

impl<T: Send + 'static> Spawner<T> {
    /// Starts a thread running `wasi_thread_start(tid, start_arg)`; returns
    /// its id, or a negative number if it could not be started.
    fn spawn(&self, caller: Caller<'_, T>, start_arg: i32) -> i32 {
        match self.try_spawn(caller, start_arg) {
            Ok(tid) => tid,
            Err(e) => {
                eprintln!("thread-spawn failed: {e:#}");
                -1
            }
        }
    }

    fn try_spawn(&self, caller: Caller<'_, T>, start_arg: i32) -> Result<i32> {
        let tid = self.next_tid.fetch_add(1, Ordering::Relaxed);
        if tid > MAX_TID {
            bail!("out of thread ids");
        }
        let linker = self.linker.get().context("thread-spawn before setup")?;
        let mut store = (self.new_store)(caller.engine(), caller.data());
        let instance = linker.instantiate(&mut store, &self.module)?;
        let start = instance
            .get_typed_func::<(i32, i32), ()>(&mut store, "wasi_thread_start")
            .context("the module exports no `wasi_thread_start(i32, i32)`")?;
        std::thread::Builder::new()
            .name(format!("wasi-thread-{tid}"))
            .spawn(move || {
                if let Err(e) = start.call(&mut store, (tid, start_arg)) {
                    end_process(e);
                }
            })?;
        Ok(tid)
    }
}

/// Ends the process for a thread that stopped with `e`: `proc_exit`'s
/// code, or 1 after printing the error.
fn end_process(e: anyhow::Error) -> ! {
    use std::io::Write;
    let code = match crate::exit_code(&e) {
        Some(code) => code,
        None => {
            eprintln!("Error: {e:?}");
            1
        }
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}

/// Whether `module` uses wasi-threads (imports `wasi::thread-spawn`).
pub fn uses_threads(module: &Module) -> bool {
    module.imports().any(|i| {
        i.module() == "wasi" && i.name() == "thread-spawn" && matches!(i.ty(), ExternType::Func(_))
    })
}
