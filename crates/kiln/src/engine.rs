//! The Engine: compiler, configuration and signature registry shared by modules and stores.

use crate::Config;
use anyhow::Result;
use kiln_compiler::Compiler;
use kiln_types::{FuncType, ValType};
use kiln_vm::{
    CodeMemory, MemoryPool, TypeRegistry, VMFunctionBody, VMSharedSignatureIndex, VMTrampoline,
};
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

/// Compiled trampolines for host functions of one signature.
pub(crate) struct HostTrampolines {
    _code: CodeMemory,
    pub(crate) host_to_wasm: VMTrampoline,
    pub(crate) wasm_to_host: *const VMFunctionBody,
    /// The adapter for static entries taking arguments in registers, if
    /// the signature allows it.
    pub(crate) wasm_to_host_native: Option<*const VMFunctionBody>,
    pub(crate) signature: VMSharedSignatureIndex,
}

// SAFETY: the trampolines are immutable executable code owned by `_code`.
unsafe impl Send for HostTrampolines {}
// SAFETY: as above.
unsafe impl Sync for HostTrampolines {}

pub(crate) struct EngineInner {
    pub(crate) config: Config,
    pub(crate) compiler: Compiler,
    pub(crate) types: TypeRegistry,
    pub(crate) epoch: AtomicU64,
    /// Reservations of dropped memories, for reuse.
    pub(crate) memory_pool: Arc<MemoryPool>,
    /// By type, and whether the register-passing adapter was asked for.
    host_trampolines: Mutex<HashMap<(FuncType, bool), Arc<HostTrampolines>>>,
}

/// Compiles modules and owns what they share. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

impl kiln_types::TypeEngine for Engine {}

impl Engine {
    /// An engine with `config`.
    pub fn new(config: &Config) -> Result<Engine> {
        if config.strategy == crate::Strategy::Winch {
            anyhow::bail!("Kiln has no Winch compiler: use Strategy::Cranelift or Strategy::Auto");
        }
        if !config.signals_based_traps {
            anyhow::bail!("Kiln detects traps with signal handlers; they cannot be turned off");
        }
        for flag in &config.cranelift_flags {
            if !kiln_compiler::host_has_flag(flag)? {
                anyhow::bail!(
                    "Cranelift flag `{flag}` is not a CPU feature of this host; Kiln compiles with the host's features only"
                );
            }
        }
        let compiler = Compiler::new(
            config.features,
            config.tunables.clone(),
            config.opt_level,
            config.parallel_compilation,
        )?;
        Ok(Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                compiler,
                types: TypeRegistry::new(),
                epoch: AtomicU64::new(0),
                memory_pool: Arc::new(MemoryPool::new(config.kept_memory_reservations())),
                host_trampolines: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Compiles `bytes` (binary or text) ahead of time, returning what
    /// [`crate::Module::deserialize`] loads (as `kiln compile` writes).
    pub fn precompile_module(&self, bytes: &[u8]) -> Result<Vec<u8>> {
        crate::Module::new(self, bytes)?.serialize()
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Advances the epoch counter (for epoch interruption).
    pub fn increment_epoch(&self) {
        self.inner
            .epoch
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether two handles are the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// A new linear memory of type `ty`, empty, from the engine's pool of
    /// reservations.
    pub(crate) fn new_memory(
        &self,
        ty: crate::MemoryType,
    ) -> Result<kiln_vm::LinearMemory, kiln_vm::MemoryError> {
        kiln_vm::LinearMemory::with_pool(
            ty,
            &self.config().tunables,
            Some(&self.inner.memory_pool),
            None,
        )
    }

    /// Fails unless every reference in `ty` names a function type live in
    /// this engine (API types never use module-relative indices).
    pub(crate) fn check_val_type(&self, ty: ValType) -> Result<()> {
        self.inner.types.check_engine_type(ty)
    }

    /// The trampolines host functions of type `ty` use, compiled once per engine.
    pub(crate) fn host_trampolines(
        &self,
        ty: &FuncType,
        native: bool,
    ) -> Result<Arc<HostTrampolines>> {
        let mut cache = self.inner.host_trampolines.lock().unwrap();
        let key = (ty.clone(), native);
        if let Some(t) = cache.get(&key) {
            return Ok(t.clone());
        }
        let compiled = self.inner.compiler.compile_host_trampolines(ty, native)?;
        let code = CodeMemory::new(&compiled.code, &compiled.relocs)?;
        // SAFETY: the offsets point at the compiled trampolines, whose
        // signatures match `VMTrampoline` and the wasm ABI respectively.
        let (host_to_wasm, wasm_to_host, wasm_to_host_native) = unsafe {
            (
                std::mem::transmute::<*const u8, VMTrampoline>(
                    code.base().add(compiled.host_to_wasm as usize),
                ),
                code.base().add(compiled.wasm_to_host as usize) as *const VMFunctionBody,
                compiled
                    .wasm_to_host_native
                    .map(|o| code.base().add(o as usize) as *const VMFunctionBody),
            )
        };
        // Host-function signatures stay registered for the engine's lifetime.
        let signature = self.inner.types.register(ty)?;
        let t = Arc::new(HostTrampolines {
            _code: code,
            host_to_wasm,
            wasm_to_host,
            wasm_to_host_native,
            signature,
        });
        cache.insert(key, t.clone());
        Ok(t)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(&Config::default()).expect("the default configuration is valid")
    }
}
