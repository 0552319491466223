//! Kiln's compiler: validates a module with wasmparser, translates each
//! function body to Cranelift IR with our own translator, compiles the
//! functions in parallel and links them into one relocatable code blob with
//! trap tables and host↔wasm trampolines.

mod inline;
mod isa;
mod lazy;
mod link;
mod module_env;
mod signatures;
mod trampolines;
mod translate;

pub use isa::{OptLevel, build_isa, host_has_flag};
pub use lazy::{FunctionBodies, LazyModule};
pub use link::{CompiledCode, CompiledModule, CompiledTrampolines, FunctionLoc};
pub use module_env::val_type;

use anyhow::{Context as _, Result};
use cranelift_codegen::Context;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_frontend::FunctionBuilderContext;
use kiln_types::{DefinedFuncIndex, FuncType, ModuleInfo, Tunables, VMOffsets};
use wasmparser::{
    FuncValidatorAllocations, Parser, ValidPayload, Validator, ValidatorResources, WasmFeatures,
};

/// Bytes of function bodies below which a module is compiled on the calling
/// thread even with parallel compilation: starting the thread pool (the
/// first time) and handing out the work cost more than compiling that much.
const PARALLEL_THRESHOLD: u64 = 16 * 1024;

/// A validated module's parts, as translation needs them.
struct Parsed<'b> {
    info: ModuleInfo,
    bodies: Vec<module_env::FunctionBodyInput<'b>>,
    offsets: VMOffsets,
    /// The validated types, if the module's functions may hold GC objects.
    resources: Option<ValidatorResources>,
}

/// Compiles modules for one target and configuration.
pub struct Compiler {
    isa: OwnedTargetIsa,
    tunables: Tunables,
    features: WasmFeatures,
    parallel: bool,
}

impl Compiler {
    /// A compiler for the host CPU.
    pub fn new(
        features: WasmFeatures,
        tunables: Tunables,
        opt: OptLevel,
        parallel: bool,
    ) -> Result<Self> {
        Ok(Self {
            isa: build_isa(opt, tunables.nan_canonicalization)?,
            tunables,
            features,
            parallel,
        })
    }

    /// The target ISA.
    pub fn isa(&self) -> &dyn cranelift_codegen::isa::TargetIsa {
        &*self.isa
    }

    /// The enabled wasm features.
    pub fn features(&self) -> WasmFeatures {
        self.features
    }

    /// The memory layout settings compiled code relies on.
    pub fn tunables(&self) -> &Tunables {
        &self.tunables
    }

    /// Everything that affects generated code, one readable item each
    /// (`target = …`, every Cranelift and CPU flag as `name = value`, each
    /// enabled wasm feature, each tunable as `name: value`). Two compilers
    /// produce interchangeable code only if their fingerprints are equal.
    pub fn fingerprint(&self) -> Vec<String> {
        let setting = |v: cranelift_codegen::settings::Value| {
            let text = v.to_string();
            match text.split_once('=') {
                Some((name, value)) => format!("{name} = {value}"),
                None => text,
            }
        };
        let mut items = vec![format!("target = {}", self.isa.triple())];
        items.extend(self.isa.flags().iter().map(setting));
        items.extend(self.isa.isa_flags().into_iter().map(setting));
        items.extend(
            self.features
                .iter_names()
                .map(|(name, _)| format!("wasm feature {name}")),
        );
        let t = &self.tunables;
        items.push(format!("memory_reservation: {}", t.memory_reservation));
        items.push(format!("memory_guard_size: {}", t.memory_guard_size));
        items.push(format!("consume_fuel: {}", t.consume_fuel));
        items.push(format!("epoch_interruption: {}", t.epoch_interruption));
        items.push(format!("spectre_guards: {}", t.spectre_guards));
        items.push(format!("inlining: {}", t.inlining));
        items
    }

    /// Validates `bytes` with this compiler's features.
    pub fn validate(&self, bytes: &[u8]) -> Result<()> {
        self.validate_with_types(bytes)?;
        Ok(())
    }

    /// Validates `bytes` as [`Validator::validate_all`] does, and returns
    /// the module's validated types (`None` if it defines no function).
    fn validate_with_types(&self, bytes: &[u8]) -> Result<Option<ValidatorResources>> {
        let mut validator = Validator::new_with_features(self.features);
        let mut parser = Parser::new(0);
        parser.set_features(self.features);
        let mut functions = Vec::new();
        for payload in parser.parse_all(bytes) {
            if let ValidPayload::Func(func, body) = validator.payload(&payload?)? {
                functions.push((func, body));
            }
        }
        let resources = functions.first().map(|(f, _)| f.resources.clone());
        let mut allocations = FuncValidatorAllocations::default();
        for (func, body) in functions {
            let mut v = func.into_validator(allocations);
            v.validate(&body)?;
            allocations = v.into_allocations();
        }
        Ok(resources)
    }

    /// Validates `bytes` and reads its sections and vmctx layout; also
    /// returns the module's validated types (with which translation puts
    /// references in stack maps).
    fn parse<'b>(&self, bytes: &'b [u8]) -> Result<Parsed<'b>> {
        let resources = self.validate_with_types(bytes)?;
        let (info, bodies) = module_env::parse_module(bytes)?;
        let offsets = VMOffsets::new(self.isa.pointer_type().bytes() as u8, &info);
        Ok(Parsed {
            info,
            bodies,
            offsets,
            resources,
        })
    }

    /// What translating `info`'s functions needs; `resources` are the
    /// module's validated types.
    fn env<'a>(
        &'a self,
        info: &'a ModuleInfo,
        offsets: &'a VMOffsets,
        resources: Option<&'a ValidatorResources>,
    ) -> translate::ModuleEnv<'a> {
        translate::ModuleEnv {
            info,
            offsets,
            tunables: &self.tunables,
            isa: &*self.isa,
            function_table: None,
            operand_types: resources.map(|resources| translate::OperandTypes {
                resources,
                features: self.features,
                module_may_hold_objects: translate::module_may_hold_collected_objects(info),
            }),
        }
    }

    /// Validates and compiles a binary module.
    pub fn compile_module(&self, bytes: &[u8]) -> Result<CompiledModule> {
        let Parsed {
            info,
            bodies,
            offsets,
            resources,
        } = self.parse(bytes)?;
        let env = self.env(&info, &offsets, resources.as_ref());
        let init = || (Context::new(), FunctionBuilderContext::new());
        // A small module compiles faster than the thread pool starts.
        let code_bytes: u64 = bodies.iter().map(|b| body_len(&b.body)).sum();
        let parallel = self.parallel && code_bytes >= PARALLEL_THRESHOLD;
        let callees = self.inline_callees(&env, &bodies, parallel, bytes.len())?;
        let compile =
            |state: &mut (Context, FunctionBuilderContext),
             (i, body): (usize, &module_env::FunctionBodyInput<'_>)| {
                let def = DefinedFuncIndex::from_usize(i);
                self.compile_function(&env, &callees, state, def, &body.body)
            };
        let functions = map_bodies(&bodies, parallel, init, compile)?;
        let trampolines = self.module_trampolines(&info)?;
        link::link_module(info, functions, trampolines)
    }

    /// The functions of a module that are small enough to inline, already
    /// translated (none without [`Tunables::inlining`]).
    fn inline_callees<'a>(
        &self,
        env: &translate::ModuleEnv<'a>,
        bodies: &[module_env::FunctionBodyInput<'_>],
        parallel: bool,
        module_len: usize,
    ) -> Result<inline::Callees<'a>> {
        // Inlined code's source locations use the top bit as a flag.
        if !self.tunables.inlining || module_len >= kiln_types::INLINED_CODE as usize {
            return Ok(inline::Callees::none(env.info));
        }
        let translate = |fctx: &mut FunctionBuilderContext,
                         (i, body): (usize, &module_env::FunctionBodyInput<'_>)|
         -> Result<Option<inline::Callee>> {
            if !inline::may_inline(body_len(&body.body)) {
                return Ok(None);
            }
            let index = env.info.func_index(DefinedFuncIndex::from_usize(i));
            let mut func = cranelift_codegen::ir::Function::new();
            translate::translate_function(env, index, &body.body, &mut func, fctx)
                .with_context(|| format!("translating function {}", index.0))?;
            Ok(inline::callee_body(func, index))
        };
        let callees = map_bodies(bodies, parallel, FunctionBuilderContext::new, translate)?;
        Ok(inline::Callees::new(env.info, callees))
    }

    /// Translates and compiles defined function `def`, whose body is `body`,
    /// inlining `callees` into it and reusing `state`'s contexts.
    fn compile_function(
        &self,
        env: &translate::ModuleEnv<'_>,
        callees: &inline::Callees<'_>,
        (ctx, fctx): &mut (Context, FunctionBuilderContext),
        def: DefinedFuncIndex,
        body: &wasmparser::FunctionBody<'_>,
    ) -> Result<link::CompiledFunction> {
        let index = env.info.func_index(def);
        let inlined = self
            .translate_and_inline(env, callees, ctx, fctx, def, body)
            .with_context(|| format!("translating function {}", index.0))?;
        link::CompiledFunction::compile(ctx, &*self.isa, inlined)
            .with_context(|| format!("compiling function {}", index.0))
    }

    /// Puts defined function `def`'s Cranelift IR, with `callees` inlined,
    /// into `ctx`, and returns where its inlined code came from.
    fn translate_and_inline(
        &self,
        env: &translate::ModuleEnv<'_>,
        callees: &inline::Callees<'_>,
        ctx: &mut Context,
        fctx: &mut FunctionBuilderContext,
        def: DefinedFuncIndex,
        body: &wasmparser::FunctionBody<'_>,
    ) -> Result<Vec<kiln_types::InlinedCode>> {
        ctx.clear();
        match callees.body(def) {
            Some(func) => ctx.func = func.clone(),
            None => translate::translate_function(
                env,
                env.info.func_index(def),
                body,
                &mut ctx.func,
                fctx,
            )?,
        }
        callees.inline_into(ctx, env.info.func_index(def))
    }

    /// The host→wasm trampoline of each of `info`'s function types (`None`
    /// for struct and array types).
    fn module_trampolines(&self, info: &ModuleInfo) -> Result<Vec<Option<link::CompiledFunction>>> {
        let mut ctx = Context::new();
        let mut fctx = FunctionBuilderContext::new();
        info.types
            .iter()
            .map(|ty| {
                ty.as_func()
                    .map(|f| trampolines::host_to_wasm(&mut ctx, &mut fctx, &*self.isa, f))
                    .transpose()
            })
            .collect()
    }

    /// Compiles `bytes` and returns each defined function's machine code as
    /// text (Cranelift's disassembly), in function order. For tests and
    /// tools that check what code is generated.
    pub fn disassemble(&self, bytes: &[u8]) -> Result<Vec<String>> {
        let Parsed {
            info,
            bodies,
            offsets,
            resources,
        } = self.parse(bytes)?;
        let env = self.env(&info, &offsets, resources.as_ref());
        let callees = self.inline_callees(&env, &bodies, false, bytes.len())?;
        let mut ctx = Context::new();
        let mut fctx = FunctionBuilderContext::new();
        let mut out = Vec::new();
        for (i, body) in bodies.iter().enumerate() {
            let def = DefinedFuncIndex::from_usize(i);
            self.translate_and_inline(&env, &callees, &mut ctx, &mut fctx, def, &body.body)?;
            ctx.set_disasm(true);
            let compiled = compile_ctx(&mut ctx, &*self.isa)?;
            out.push(compiled.vcode.clone().unwrap_or_default());
        }
        Ok(out)
    }

    /// Compiles the two trampolines a host function of type `ty` needs.
    /// With `native`, also the register-passing adapter for static host
    /// functions, if `ty` allows it.
    pub fn compile_host_trampolines(
        &self,
        ty: &FuncType,
        native: bool,
    ) -> Result<CompiledTrampolines> {
        let mut ctx = Context::new();
        let mut fctx = FunctionBuilderContext::new();
        let to_wasm = trampolines::host_to_wasm(&mut ctx, &mut fctx, &*self.isa, ty)?;
        let to_host = trampolines::wasm_to_host(&mut ctx, &mut fctx, &*self.isa, ty)?;
        let to_host_native = if native && trampolines::has_native_host_abi(ty) {
            Some(trampolines::wasm_to_host_native(
                &mut ctx, &mut fctx, &*self.isa, ty,
            )?)
        } else {
            None
        };
        link::link_trampolines(to_wasm, to_host, to_host_native)
    }
}

/// `f` of each function body, with its index, in order: on the thread pool
/// when `parallel` (each worker with its own `init()` state), else on this
/// thread.
fn map_bodies<'b, S, T: Send>(
    bodies: &[module_env::FunctionBodyInput<'b>],
    parallel: bool,
    init: impl Fn() -> S + Send + Sync,
    f: impl Fn(&mut S, (usize, &module_env::FunctionBodyInput<'b>)) -> Result<T> + Send + Sync,
) -> Result<Vec<T>> {
    if parallel {
        return map_largest_first(bodies, init, f);
    }
    let mut state = init();
    bodies
        .iter()
        .enumerate()
        .map(|x| f(&mut state, x))
        .collect()
}

/// [`map_bodies`] on the thread pool: one worker per thread, each with its
/// own `init()` state, takes the next body from a queue sorted largest
/// first, so that no big function is left for one thread to compile alone
/// at the end while the others idle. Results come back in body order. After
/// a failure no new body is started, and the lowest-numbered failure of
/// those tried is returned.
fn map_largest_first<'b, S, T: Send>(
    bodies: &[module_env::FunctionBodyInput<'b>],
    init: impl Fn() -> S + Send + Sync,
    f: impl Fn(&mut S, (usize, &module_env::FunctionBodyInput<'b>)) -> Result<T> + Send + Sync,
) -> Result<Vec<T>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut order: Vec<usize> = (0..bodies.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(body_len(&bodies[i].body)));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Result<T>)>> = Mutex::new(Vec::with_capacity(bodies.len()));
    let workers = rayon::current_num_threads().min(bodies.len());
    rayon::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                let mut state = init();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = order.get(k) else { break };
                    let result = f(&mut state, (i, &bodies[i]));
                    if result.is_err() {
                        // Nothing after a failure is needed.
                        next.store(order.len(), Ordering::Relaxed);
                    }
                    done.lock().unwrap().push((i, result));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap();
    done.sort_unstable_by_key(|(i, _)| *i);
    // In body order, so the first error is the lowest-numbered one.
    let results: Result<Vec<T>> = done.into_iter().map(|(_, r)| r).collect();
    if let Ok(all) = &results {
        debug_assert_eq!(all.len(), bodies.len());
    }
    results
}

/// The length of a function body in bytes, locals included.
fn body_len(body: &wasmparser::FunctionBody<'_>) -> u64 {
    body.range().end - body.range().start
}

/// Compiles `ctx.func` into a finished `CompiledCode` (a helper shared by functions and trampolines).
pub(crate) fn compile_ctx<'a>(
    ctx: &'a mut Context,
    isa: &dyn cranelift_codegen::isa::TargetIsa,
) -> Result<&'a cranelift_codegen::CompiledCode> {
    ctx.compile(isa, &mut ControlPlane::default())
        .map_err(|e| anyhow::anyhow!("cranelift: {:?}", e.inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module of `n` functions whose bodies grow with their index, so
    /// that largest-first order is the reverse of index order.
    fn bodies_module(n: usize) -> Vec<u8> {
        let mut text = String::from("(module");
        for i in 0..n {
            text.push_str(&format!(
                "(func (result i32) {} (i32.const {i}))",
                "(nop)".repeat(i)
            ));
        }
        text.push(')');
        wat::parse_str(&text).unwrap()
    }

    fn compiler() -> Compiler {
        let features = wasmparser::WasmFeatures::default();
        Compiler::new(
            features,
            kiln_types::Tunables::default(),
            OptLevel::Speed,
            false,
        )
        .unwrap()
    }

    #[test]
    fn parallel_mapping_returns_results_in_body_order() {
        let bytes = bodies_module(64);
        let c = compiler();
        let bodies = c.parse(&bytes).unwrap().bodies;
        let seen = map_bodies(
            &bodies,
            true,
            || 0usize,
            |count, (i, _)| {
                *count += 1;
                Ok(i)
            },
        )
        .unwrap();
        assert_eq!(seen, (0..64).collect::<Vec<_>>());
        assert!(
            map_bodies(&[], true, || (), |_, (i, _)| Ok(i))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn parallel_mapping_returns_an_error() {
        let bytes = bodies_module(16);
        let c = compiler();
        let bodies = c.parse(&bytes).unwrap().bodies;
        let err = map_bodies(
            &bodies,
            true,
            || (),
            |_, (i, _)| {
                if i == 15 {
                    anyhow::bail!("body {i} failed")
                }
                Ok(i)
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "body 15 failed");
    }
}
