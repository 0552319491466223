//! Lazy compilation: a module is validated and its host→wasm trampolines
//! compiled up front, and each function body is compiled only when it is
//! first needed ([`Compiler::compile_functions`]). Direct calls in such code
//! go through the module's function table (see
//! [`crate::translate::ModuleEnv::function_table`]), whose slots the runtime
//! points at each function's code once it exists.

use crate::link::{self, CompiledCode, CompiledModule};
use crate::{Compiler, translate};
use anyhow::{Context as _, Result, bail};
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use kiln_types::Unsupported;
use kiln_types::{DefinedFuncIndex, ModuleInfo, VMOffsets};
use std::ops::Range;
use wasmparser::{BinaryReader, FunctionBody, Operator, ValidatorResources, WasmFeatures};

/// Where each defined function's body lies in the module's bytes.
pub type FunctionBodies = Box<[Range<u64>]>;

/// A validated module whose functions are not compiled yet.
#[derive(Debug)]
pub struct LazyModule {
    /// The module's metadata, and its trampolines (no functions) as code.
    pub compiled: CompiledModule,
    /// Each defined function's body.
    pub bodies: FunctionBodies,
    /// The module's validated types: what [`Compiler::compile_functions`]
    /// needs to give its functions stack maps.
    pub types: Option<ValidatorResources>,
}

/// The name of `op` if the translator rejects it although validation may
/// accept it (the legacy exception-handling instructions).
fn untranslatable(op: &Operator<'_>) -> Option<&'static str> {
    Some(match op {
        Operator::Try { .. } => "try",
        Operator::Catch { .. } => "catch",
        Operator::CatchAll => "catch_all",
        Operator::Rethrow { .. } => "rethrow",
        Operator::Delegate { .. } => "delegate",
        _ => return None,
    })
}

impl Compiler {
    /// Validates `bytes` and compiles only its trampolines.
    pub fn compile_module_lazily(&self, bytes: &[u8]) -> Result<LazyModule> {
        let crate::Parsed {
            info,
            bodies,
            resources,
            ..
        } = self.parse(bytes)?;
        // What eager compilation would reject on translating a body, a lazy
        // one rejects now rather than at the function's first call. Without
        // the legacy exception feature validation has rejected those operators.
        if self.features.contains(WasmFeatures::LEGACY_EXCEPTIONS) {
            for body in &bodies {
                for op in body.body.get_operators_reader()? {
                    if let Some(name) = untranslatable(&op?) {
                        bail!(Unsupported::new(format!("operator {name}")));
                    }
                }
            }
        }
        let bodies = bodies.iter().map(|b| b.body.range()).collect();
        let trampolines = self.module_trampolines(&info)?;
        Ok(LazyModule {
            compiled: link::link_module(info, Vec::new(), trampolines)?,
            bodies,
            types: resources,
        })
    }

    /// Compiles the defined functions `which` of a module made by
    /// [`Compiler::compile_module_lazily`] from `bytes`, into one blob.
    /// Their direct calls load the callee's code from the table at
    /// `function_table` (one pointer per defined function). `types` are
    /// the [`LazyModule::types`].
    #[allow(clippy::too_many_arguments)]
    pub fn compile_functions(
        &self,
        info: &ModuleInfo,
        offsets: &VMOffsets,
        bytes: &[u8],
        bodies: &[Range<u64>],
        types: Option<&ValidatorResources>,
        which: &[DefinedFuncIndex],
        function_table: usize,
    ) -> Result<CompiledCode> {
        let env = translate::ModuleEnv {
            function_table: Some(function_table),
            ..self.env(info, offsets, types)
        };
        let mut state = (Context::new(), FunctionBuilderContext::new());
        let functions = which
            .iter()
            .map(|&def| {
                let index = info.func_index(def);
                let Some(range) = bodies.get(def.index()) else {
                    bail!("no function {}", index.0);
                };
                let body = usize::try_from(range.start)
                    .ok()
                    .zip(usize::try_from(range.end).ok())
                    .and_then(|(start, end)| bytes.get(start..end))
                    .context("the function body lies outside the module")?;
                let body = FunctionBody::new(BinaryReader::new(body, range.start));
                self.compile_function(
                    &env,
                    &crate::inline::Callees::none(info),
                    &mut state,
                    def,
                    &body,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        link::link_functions(functions)
    }
}
