//! Compiled modules.

use crate::Engine;
use anyhow::{Context, Result};
use kiln_types::{EntityIndex, ModuleInfo};
use kiln_vm::{
    CodeMemory, CodeRegistration, FunctionSite, ModuleRuntime, RegisteredCode, TrapSite,
    VMFunctionBody, VMSharedSignatureIndex, VMTrampoline, register_code,
};
use std::sync::Arc;

/// Keeps a module's code mapped and registered, and its signatures alive.
struct ModuleCode {
    _registration: RegisteredCode,
    _code: CodeMemory,
    engine: Engine,
    signatures: Vec<VMSharedSignatureIndex>,
}

impl Drop for ModuleCode {
    fn drop(&mut self) {
        for s in &self.signatures {
            self.engine.inner.signatures.unregister(*s);
        }
    }
}

/// A compiled WebAssembly module, ready to instantiate. Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) engine: Engine,
    pub(crate) runtime: Arc<ModuleRuntime>,
}

impl Module {
    /// Compiles a module from its binary or text form.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = wat::parse_bytes(bytes.as_ref())?;
        Self::from_binary(engine, &bytes)
    }

    /// Compiles a module from its binary form.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let compiled = engine.inner.compiler.compile_module(bytes)?;
        let code =
            CodeMemory::new(&compiled.code, &compiled.relocs).context("loading compiled code")?;
        let base = code.base();
        let info = Arc::new(compiled.info);
        let functions = compiled
            .functions
            .iter()
            .enumerate()
            .map(|(i, loc)| FunctionSite {
                start: loc.start,
                end: loc.start + loc.len,
                index: info.func_index(kiln_types::DefinedFuncIndex::from_usize(i)),
            })
            .collect();
        let traps = compiled
            .traps
            .iter()
            .map(|(offset, code)| TrapSite {
                offset: *offset,
                code: *code,
            })
            .collect();
        let registration = register_code(CodeRegistration {
            start: base as usize,
            len: code.len(),
            functions,
            traps,
            module: info.clone(),
        });
        let signatures: Vec<_> = info
            .types
            .iter()
            .map(|t| engine.inner.signatures.register(t))
            .collect();
        // SAFETY: every offset is the start of a function in the mapped code.
        let (function_bodies, trampolines) = unsafe {
            (
                compiled
                    .functions
                    .iter()
                    .map(|f| base.add(f.start as usize) as *const VMFunctionBody)
                    .collect(),
                compiled
                    .trampolines
                    .iter()
                    .map(|t| std::mem::transmute::<*const u8, VMTrampoline>(base.add(*t as usize)))
                    .collect(),
            )
        };
        let offsets = kiln_types::VMOffsets::new(std::mem::size_of::<usize>() as u8, &info);
        let runtime = ModuleRuntime {
            info,
            offsets,
            signature_ids: signatures.clone().into_boxed_slice(),
            function_bodies,
            trampolines,
            keepalive: Box::new(ModuleCode {
                _registration: registration,
                _code: code,
                engine: engine.clone(),
                signatures,
            }),
        };
        Ok(Module {
            engine: engine.clone(),
            runtime: Arc::new(runtime),
        })
    }

    /// Checks that `bytes` is a valid module for `engine`, without compiling it.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        engine.inner.compiler.validate(bytes)
    }

    /// The engine the module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.info().name.as_deref()
    }

    pub(crate) fn info(&self) -> &Arc<ModuleInfo> {
        &self.runtime.info
    }

    /// The module's exports, by name and kind.
    pub fn exports(&self) -> impl Iterator<Item = (&str, EntityIndex)> {
        self.info()
            .exports
            .iter()
            .map(|e| (e.name.as_str(), e.index))
    }

    /// The module's imports: (module, name, kind).
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, EntityIndex)> {
        self.info()
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.name.as_str(), i.index))
    }
}
