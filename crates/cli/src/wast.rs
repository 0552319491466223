//! Runs `.wast` scripts: every top-level directive is executed and counted
//! once as passed, failed or skipped.

use crate::spectest;
use anyhow::{Context, Result, anyhow, bail};
use kiln::{Config, Engine, ExternRef, Instance, Linker, Module, Store, Trap, Val};
use std::collections::HashMap;
use wasmparser::WasmFeatures;
use wast::core::{HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::token::{F32, F64};
use wast::{
    QuoteWat, QuoteWatTest, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet,
};

/// The outcome of running one or more scripts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Directives that behaved as the script says.
    pub passed: usize,
    /// Directives that did not.
    pub failed: usize,
    /// Directives Kiln does not run (threads, exceptions, components).
    pub skipped: usize,
    /// One `FILE:LINE: message` per failure.
    pub failures: Vec<String>,
}

impl Summary {
    /// Adds another summary's counts and failures.
    pub fn merge(&mut self, other: Summary) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.failures.extend(other.failures);
    }
}

/// The wasm features a spec-suite file assumes, from where it sits:
/// `wasm-v1` → 1.0, `wasm-v2` → 2.0, `wasm-v3` → 3.0, `proposals/NAME` → 2.0
/// plus NAME. A file named for multiple memories (`*memory-multi*`, taken
/// from wasmtime's multi-memory tests) also gets multi-memory.
pub fn features_for_path(path: &str) -> WasmFeatures {
    let path = path.replace('\\', "/");
    let file = path.rsplit('/').next().unwrap_or("");
    if file.contains("memory-multi") || file.contains("multi-memory") {
        let base = features_for_path(&path[..path.len() - file.len()]);
        return base | WasmFeatures::MULTI_MEMORY;
    }
    if path.contains("wasm-v1/") {
        return WasmFeatures::WASM1;
    }
    if path.contains("wasm-v3/") || path.contains("wasm-latest/") {
        return WasmFeatures::WASM3;
    }
    if let Some(rest) = path.split("proposals/").nth(1) {
        let name = rest.split('/').next().unwrap_or("");
        let extra = match name {
            "simd" => WasmFeatures::SIMD,
            "threads" => WasmFeatures::THREADS,
            "multi-memory" => WasmFeatures::MULTI_MEMORY,
            "memory64" => WasmFeatures::MEMORY64,
            "tail-call" => WasmFeatures::TAIL_CALL,
            "extended-const" => WasmFeatures::EXTENDED_CONST,
            "relaxed-simd" => WasmFeatures::RELAXED_SIMD,
            "exception-handling" => WasmFeatures::EXCEPTIONS,
            // `return_call_ref` is part of function references.
            "function-references" => WasmFeatures::FUNCTION_REFERENCES | WasmFeatures::TAIL_CALL,
            "gc" => WasmFeatures::GC | WasmFeatures::FUNCTION_REFERENCES | WasmFeatures::TAIL_CALL,
            // Its tests use several memories, some 64-bit.
            "custom-page-sizes" => {
                WasmFeatures::CUSTOM_PAGE_SIZES
                    | WasmFeatures::MULTI_MEMORY
                    | WasmFeatures::MEMORY64
            }
            "wide-arithmetic" => WasmFeatures::WIDE_ARITHMETIC,
            _ => WasmFeatures::empty(),
        };
        return WasmFeatures::WASM2 | extra;
    }
    WasmFeatures::WASM2
}

/// Runs the script `text` (named `path` in messages) with `config`.
pub fn run_wast(path: &str, text: &str, config: &Config) -> Result<Summary> {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).map_err(|e| anyhow!("{path}: {e}"))?;
    let script: Wast<'_> = parser::parse(&buf).map_err(|mut e| {
        e.set_path(path.as_ref());
        e.set_text(text);
        anyhow!("{e}")
    })?;
    let engine = Engine::new(config)?;
    let mut runner = Runner::new(&engine)?;
    let mut summary = Summary::default();
    for directive in script.directives {
        let (line, _) = directive.span().linecol_in(text);
        match runner.run(directive) {
            Ok(Outcome::Pass) => summary.passed += 1,
            Ok(Outcome::Skip) => summary.skipped += 1,
            Err(e) => {
                summary.failed += 1;
                summary.failures.push(format!("{path}:{}: {e:#}", line + 1));
            }
        }
    }
    Ok(summary)
}

enum Outcome {
    Pass,
    Skip,
}

struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    current: Option<Instance>,
    instances: HashMap<String, Instance>,
    definitions: HashMap<String, Module>,
}

fn module_bytes(module: &mut QuoteWat<'_>) -> Result<Vec<u8>> {
    Ok(match module.to_test()? {
        QuoteWatTest::Binary(b) => b,
        QuoteWatTest::Text(t) => wat::parse_bytes(&t)?.into_owned(),
    })
}

impl Runner {
    fn new(engine: &Engine) -> Result<Self> {
        let mut store = Store::new(engine, ());
        let mut linker = Linker::new(engine);
        linker.allow_shadowing(true);
        spectest::define(&mut linker, &mut store)?;
        Ok(Self {
            engine: engine.clone(),
            store,
            linker,
            current: None,
            instances: HashMap::new(),
            definitions: HashMap::new(),
        })
    }

    fn instance(&self, name: Option<wast::token::Id<'_>>) -> Result<Instance> {
        match name {
            Some(id) => self
                .instances
                .get(id.name())
                .copied()
                .with_context(|| format!("unknown module ${}", id.name())),
            None => self.current.context("no module has been instantiated"),
        }
    }

    fn instantiate(&mut self, module: &Module, name: Option<&str>) -> Result<()> {
        let instance = self.linker.instantiate(&mut self.store, module)?;
        self.current = Some(instance);
        if let Some(n) = name {
            self.instances.insert(n.to_string(), instance);
        }
        Ok(())
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>> {
        let instance = self.instance(invoke.module)?;
        let func = instance
            .get_func(&mut self.store, invoke.name)
            .with_context(|| format!("no exported function `{}`", invoke.name))?;
        let args = invoke
            .args
            .iter()
            .map(|a| arg(&mut self.store, a))
            .collect::<Result<Vec<_>>>()?;
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        func.call(&mut self.store, &args, &mut results)?;
        Ok(results)
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>> {
        match exec {
            WastExecute::Invoke(i) => self.invoke(&i),
            WastExecute::Wat(mut wat) => {
                let bytes = wat.encode()?;
                let module = Module::new(&self.engine, bytes)?;
                self.instantiate(&module, None)?;
                Ok(vec![])
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                let g = instance
                    .get_global(&mut self.store, global)
                    .with_context(|| format!("no exported global `{global}`"))?;
                Ok(vec![g.get(&mut self.store)])
            }
        }
    }

    fn run(&mut self, directive: WastDirective<'_>) -> Result<Outcome> {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|n| n.name().to_string());
                let bytes = module_bytes(&mut module)?;
                let module = Module::new(&self.engine, bytes)?;
                self.instantiate(&module, name.as_deref())?;
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|n| n.name().to_string());
                let bytes = module_bytes(&mut module)?;
                let module = Module::new(&self.engine, bytes)?;
                if let Some(n) = name {
                    self.definitions.insert(n, module);
                }
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = module.context("module instance without a definition")?;
                let m = self
                    .definitions
                    .get(def.name())
                    .cloned()
                    .context("unknown module definition")?;
                self.instantiate(&m, instance.map(|i| i.name()))?;
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker.instance(&mut self.store, name, instance)?;
            }
            WastDirective::Invoke(i) => {
                self.invoke(&i)?;
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let actual = self.execute(exec)?;
                if actual.len() != results.len() {
                    bail!("expected {} results, got {}", results.len(), actual.len());
                }
                for (i, (a, e)) in actual.iter().zip(&results).enumerate() {
                    if !self.matches(a, e)? {
                        bail!("result {i}: expected {e:?}, got {a:?}");
                    }
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(v) => bail!("expected trap `{message}`, got {v:?}"),
                Err(e) => check_trap(&e, message)?,
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(v) => bail!("expected exhaustion `{message}`, got {v:?}"),
                Err(e) => match e.downcast_ref::<Trap>() {
                    Some(Trap::StackOverflow) => {}
                    _ => bail!("expected `{message}`, got: {e:#}"),
                },
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => self.expect_rejected(&mut module, "an invalid", message)?,
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => self.expect_rejected(&mut module, "a malformed", message)?,
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let bytes = module.encode()?;
                let module = Module::new(&self.engine, bytes)?;
                if self.linker.instantiate(&mut self.store, &module).is_ok() {
                    bail!("expected a link error ({message}), but instantiation succeeded");
                }
            }
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. }
            | WastDirective::AssertException { .. }
            | WastDirective::AssertSuspension { .. }
            | WastDirective::Thread(_)
            | WastDirective::Wait { .. } => return Ok(Outcome::Skip),
        }
        Ok(Outcome::Pass)
    }

    /// Passes if the module does not encode or does not compile.
    fn expect_rejected(&self, module: &mut QuoteWat<'_>, what: &str, message: &str) -> Result<()> {
        let Ok(bytes) = module_bytes(module) else {
            return Ok(());
        };
        if Module::new(&self.engine, bytes).is_ok() {
            bail!("expected {what} module ({message}), but it compiled");
        }
        Ok(())
    }

    fn matches(&mut self, actual: &Val, expected: &WastRet<'_>) -> Result<bool> {
        let WastRet::Core(expected) = expected else {
            bail!("component values are not supported")
        };
        Ok(core_matches(actual, expected))
    }
}

/// Whether `actual` is what `expected` allows (any alternative of an `either`).
fn core_matches(actual: &Val, expected: &WastRetCore<'_>) -> bool {
    match (actual, expected) {
        (_, WastRetCore::Either(alternatives)) => {
            alternatives.iter().any(|e| core_matches(actual, e))
        }
        (Val::I32(a), WastRetCore::I32(e)) => a == e,
        (Val::I64(a), WastRetCore::I64(e)) => a == e,
        (Val::F32(a), WastRetCore::F32(e)) => f32_matches(*a, e),
        (Val::F64(a), WastRetCore::F64(e)) => f64_matches(*a, e),
        (Val::V128(a), WastRetCore::V128(e)) => v128_matches(*a, e),
        (Val::FuncRef(a), WastRetCore::RefNull(_)) => a.is_none(),
        (Val::ExternRef(a), WastRetCore::RefNull(_)) => a.is_none(),
        (Val::FuncRef(a), WastRetCore::RefFunc(_)) => a.is_some(),
        (Val::ExternRef(a), WastRetCore::RefExtern(e)) => match (a, e) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(r), Some(n)) => r.downcast_ref::<u32>() == Some(n),
        },
        _ => false,
    }
}

fn arg(store: &mut Store<()>, a: &WastArg<'_>) -> Result<Val> {
    let WastArg::Core(a) = a else {
        bail!("component arguments are not supported")
    };
    Ok(match a {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(f) => Val::F32(f.bits),
        WastArgCore::F64(f) => Val::F64(f.bits),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: wast::core::AbstractHeapType::Extern,
            ..
        }) => Val::ExternRef(None),
        WastArgCore::RefNull(_) => Val::FuncRef(None),
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(ExternRef::new(store, *n))),
        WastArgCore::RefHost(_) => bail!("host references are not supported"),
    })
}

fn f32_matches(bits: u32, e: &NanPattern<F32>) -> bool {
    match e {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn f64_matches(bits: u64, e: &NanPattern<F64>) -> bool {
    match e {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn v128_matches(v: u128, e: &V128Pattern) -> bool {
    let b = v.to_le_bytes();
    let lane = |i: usize, n: usize| -> u64 {
        let mut x = [0u8; 8];
        x[..n].copy_from_slice(&b[i * n..i * n + n]);
        u64::from_le_bytes(x)
    };
    match e {
        V128Pattern::I8x16(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 1) as u8 == *x as u8),
        V128Pattern::I16x8(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 2) as u16 == *x as u16),
        V128Pattern::I32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 4) as u32 == *x as u32),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(i, 8) == *x as u64),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f32_matches(lane(i, 4) as u32, p)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f64_matches(lane(i, 8), p)),
    }
}

/// Other spellings the spec uses for the same trap.
fn trap_aliases(t: Trap) -> &'static [&'static str] {
    match t {
        Trap::TableOutOfBounds => &[
            "undefined element",
            "out of bounds table access",
            "table index is out of bounds",
        ],
        Trap::IndirectCallToNull => &["uninitialized element", "uninitialized"],
        Trap::MemoryOutOfBounds => &["out of bounds memory access", "memory access out of bounds"],
        Trap::NullReference => &[
            "null reference",
            "null function reference",
            "null structure reference",
        ],
        Trap::IntegerDivisionByZero => &["integer divide by zero"],
        _ => &[],
    }
}

fn check_trap(e: &anyhow::Error, expected: &str) -> Result<()> {
    let Some(trap) = e.downcast_ref::<Trap>() else {
        bail!("expected trap `{expected}`, got error: {e:#}");
    };
    let ok = trap.message().contains(expected)
        || expected.contains(trap.message())
        || trap_aliases(*trap)
            .iter()
            .any(|a| a.contains(expected) || expected.contains(a));
    if !ok {
        bail!("expected trap `{expected}`, got `{}`", trap.message());
    }
    Ok(())
}
