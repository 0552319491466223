//! Lazy compilation ([`crate::Config::lazy_compilation`]): a module is
//! validated and its trampolines compiled, and each function is compiled
//! the first time it is called (through the stubs of
//! [`kiln_vm::LazyStubs`]), while a background thread compiles the rest in
//! index order. Compiled code calls the module's other functions through
//! the stubs' function table, so a function compiled later is picked up by
//! every caller.

use crate::Engine;
use anyhow::{Context, Result};
use kiln_compiler::FunctionBodies;
use kiln_types::{DefinedFuncIndex, ModuleInfo, VMOffsets};
use kiln_vm::{CodeMemory, LazyCompile, LazyStubs, RegisteredCode, VMFunctionBody};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Functions the background thread compiles into one blob.
const BATCH: usize = 16;

/// A lazily compiled module's functions: what compiling one needs, and
/// the code compiled so far.
pub(crate) struct LazyFunctions {
    engine: Engine,
    /// The module's binary, which the function bodies lie in.
    bytes: Arc<[u8]>,
    bodies: FunctionBodies,
    /// The module's validated types (for stack maps).
    types: Option<wasmparser::ValidatorResources>,
    info: Arc<ModuleInfo>,
    offsets: VMOffsets,
    stubs: LazyStubs,
    /// Every blob compiled so far (a function may be compiled twice when
    /// a call and the background thread race; the first installed wins).
    blobs: Mutex<Vec<Blob>>,
    /// The next function the background thread looks at.
    next: AtomicUsize,
}

/// A blob of lazily compiled functions, registered for trap handling.
struct Blob {
    // Unregistered before it is unmapped: fields drop in order.
    _registration: RegisteredCode,
    _code: CodeMemory,
}

impl LazyFunctions {
    /// The functions of `info` (whose bodies lie in `bytes`), none compiled.
    pub(crate) fn new(
        engine: &Engine,
        bytes: Arc<[u8]>,
        bodies: FunctionBodies,
        types: Option<wasmparser::ValidatorResources>,
        info: Arc<ModuleInfo>,
        offsets: VMOffsets,
    ) -> Result<Arc<LazyFunctions>> {
        let stubs = LazyStubs::new(bodies.len()).context("mapping lazy-compilation stubs")?;
        let functions = Arc::new(LazyFunctions {
            engine: engine.clone(),
            bytes,
            bodies,
            types,
            info,
            offsets,
            stubs,
            blobs: Mutex::new(Vec::new()),
            next: AtomicUsize::new(0),
        });
        // The stubs ask this very value to compile.
        let compiler: Arc<dyn LazyCompile> = functions.clone();
        functions.stubs.set_compiler(Arc::downgrade(&compiler));
        Ok(functions)
    }

    /// The address of defined function `f` for function references.
    pub(crate) fn entry(&self, f: DefinedFuncIndex) -> *const VMFunctionBody {
        self.stubs.entry(f)
    }

    /// Compiles `which` into one blob, registers it and makes calls of each
    /// go to its code (unless the function got code meanwhile).
    fn compile_and_install(&self, which: &[DefinedFuncIndex]) -> Result<()> {
        let compiled = self.engine.inner.compiler.compile_functions(
            &self.info,
            &self.offsets,
            &self.bytes,
            &self.bodies,
            self.types.as_ref(),
            which,
            self.stubs.table_address(),
        )?;
        let code = CodeMemory::new(&compiled.code, &compiled.relocs)
            .context("loading lazily compiled code")?;
        let base = code.base();
        let registration = crate::module::register_functions(
            &self.engine,
            &self.info,
            &code,
            which
                .iter()
                .copied()
                .zip(compiled.functions.iter().copied()),
            crate::module::CodeMaps {
                traps: &compiled.traps,
                address_map: compiled.address_map,
                exception_sites: compiled.exception_sites,
                stack_maps: compiled.stack_maps,
                inlined: Vec::new(),
            },
        );
        let mut blobs = self.blobs.lock().unwrap_or_else(|e| e.into_inner());
        for (f, loc) in which.iter().zip(&compiled.functions) {
            // SAFETY: the function's code, mapped executable and registered
            // above, is kept (in `blobs`) as long as the stubs.
            unsafe {
                self.stubs.install(*f, base.add(loc.start as usize).cast());
            }
        }
        blobs.push(Blob {
            _registration: registration,
            _code: code,
        });
        Ok(())
    }

    /// Compiles the next few functions nothing has compiled yet; `false`
    /// once there are none left. A function that fails to compile is
    /// skipped (its error surfaces when it is called); the others still
    /// get compiled.
    fn compile_next_batch(&self) -> bool {
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.bodies.len() {
                break;
            }
            let f = DefinedFuncIndex::from_usize(i);
            if self.stubs.compiled(f).is_none() {
                batch.push(f);
            }
        }
        if batch.is_empty() {
            return false;
        }
        if self.compile_and_install(&batch).is_err() {
            for f in batch {
                let _ = self.compile_and_install(&[f]);
            }
        }
        true
    }

    /// Starts the thread that compiles the functions no call has compiled
    /// yet. It stops when all are compiled or the module is dropped.
    pub(crate) fn compile_rest_in_background(self: &Arc<Self>) {
        let weak: Weak<LazyFunctions> = Arc::downgrade(self);
        // Without a thread every function is still compiled when called.
        let _ = std::thread::Builder::new()
            .name("kiln-lazy-compile".into())
            .spawn(move || {
                while let Some(lazy) = weak.upgrade() {
                    if !lazy.compile_next_batch() {
                        break;
                    }
                }
            });
    }
}

impl LazyCompile for LazyFunctions {
    fn compile(&self, f: DefinedFuncIndex) -> Result<*const VMFunctionBody> {
        if let Some(code) = self.stubs.compiled(f) {
            return Ok(code);
        }
        self.compile_and_install(&[f])?;
        Ok(self
            .stubs
            .compiled(f)
            .expect("installed by compile_and_install"))
    }
}
