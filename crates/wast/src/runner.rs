//! Runs one script, directive by directive.

use crate::messages::{Assertion, message_matches};
use crate::{DirectiveReport, FileReport, Outcome, spectest, values};
use anyhow::{Context, Result, anyhow, bail};
use kiln::{Config, Engine, Extern, Instance, Linker, Module, Store, Trap, Unsupported, Val};
use std::collections::HashMap;
use wast::parser::{self, ParseBuffer};
use wast::token::{Id, Span};
use wast::{
    QuoteWat, QuoteWatTest, Wast, WastDirective, WastExecute, WastInvoke, WastRet, WastThread, Wat,
};

/// Runs the script `text` (named `path` in reports) with `config`.
///
/// Every top-level directive is run and reported, in order; a directive that
/// fails never stops the ones after it. A module that fails to compile or
/// instantiate leaves no instance behind: later directives that use it fail
/// with a message naming its line (they never fall back to an earlier
/// module). A script that does not parse is reported as one failed
/// directive at the line of the parse error.
///
/// Returns `Err` only if no engine can be built from `config`.
pub fn run_wast(path: &str, text: &str, config: &Config) -> Result<FileReport> {
    let engine = Engine::new(config)?;
    let mut report = FileReport {
        path: path.to_string(),
        directives: Vec::new(),
    };
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let parse_failure = |e: wast::Error| DirectiveReport {
        line: line_of(e.span(), text),
        kind: "parse",
        outcome: Outcome::Fail(format!("the script does not parse: {}", e.message())),
    };
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buf) => buf,
        Err(e) => {
            report.directives.push(parse_failure(e));
            return Ok(report);
        }
    };
    let script = match parser::parse::<Wast<'_>>(&buf) {
        Ok(script) => script,
        Err(e) => {
            report.directives.push(parse_failure(e));
            return Ok(report);
        }
    };
    let mut runner = Runner::new(&engine)?;
    std::thread::scope(|scope| {
        run_directives(
            &mut runner,
            script.directives,
            text,
            scope,
            &mut report.directives,
        )
    });
    Ok(report)
}

/// Runs `directives` in order on `runner`, reporting each to `out`.
/// `(thread $T …)` starts its directives on a new OS thread, with a store
/// of its own, inside `scope`; `(wait $T)` joins it and reports the
/// thread's directives, failing if any of them failed.
fn run_directives<'scope, 'a: 'scope>(
    runner: &mut Runner,
    directives: Vec<WastDirective<'a>>,
    text: &'a str,
    scope: &'scope std::thread::Scope<'scope, '_>,
    out: &mut Vec<DirectiveReport>,
) {
    let mut threads: HashMap<String, std::thread::ScopedJoinHandle<'scope, Vec<DirectiveReport>>> =
        HashMap::new();
    for directive in directives {
        let line = line_of(directive.span(), text);
        let kind = kind(&directive);
        let outcome = match directive {
            WastDirective::Thread(thread) => match runner.spawn(thread, text, scope) {
                Ok((name, handle)) => {
                    threads.insert(name, handle);
                    Outcome::Pass
                }
                Err(e) => Outcome::Fail(one_line(&format!("{e:#}"))),
            },
            WastDirective::Wait { thread, .. } => match threads.remove(thread.name()) {
                None => Outcome::Fail(format!("no running thread ${}", thread.name())),
                Some(handle) => join(handle, thread.name(), out),
            },
            directive => match runner.run(directive, line) {
                Ok(Done::Pass) => Outcome::Pass,
                Ok(Done::Skip(why)) => Outcome::Skip(why),
                Err(e) => Outcome::Fail(one_line(&format!("{e:#}"))),
            },
        };
        out.push(DirectiveReport {
            line,
            kind,
            outcome,
        });
    }
    // A thread the script never waits for still runs to its end.
    for (name, handle) in threads {
        let _ = join(handle, &name, out);
    }
}

/// Waits for thread `name`, adds its directives' reports to `out`, and
/// passes if all of them passed.
fn join(
    handle: std::thread::ScopedJoinHandle<'_, Vec<DirectiveReport>>,
    name: &str,
    out: &mut Vec<DirectiveReport>,
) -> Outcome {
    match handle.join() {
        Ok(reports) => {
            let failed = reports
                .iter()
                .filter(|r| matches!(r.outcome, Outcome::Fail(_)))
                .count();
            out.extend(reports);
            if failed == 0 {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("{failed} directive(s) of thread ${name} failed"))
            }
        }
        Err(_) => Outcome::Fail(format!("thread ${name} panicked")),
    }
}

fn line_of(span: Span, text: &str) -> usize {
    span.linecol_in(text).0 + 1
}

/// Joins a multi-line message into one line, so that each report line is
/// `FILE:LINE: message`.
fn one_line(s: &str) -> String {
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The directive's keyword.
fn kind(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// How a directive that did not fail ended.
enum Done {
    Pass,
    Skip(String),
}

/// An instance, or why the module meant to produce it has none.
type Slot = Result<Instance, String>;

struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// The most recent module's instance (`None` before the first module).
    current: Option<Slot>,
    instances: HashMap<String, Slot>,
    definitions: HashMap<String, Result<Module, String>>,
    last_definition: Option<Result<Module, String>>,
    /// In a `(thread …)`: the exports of the `shared` module that can cross
    /// stores (its shared memories), by the module's name.
    shared: HashMap<String, Vec<(String, Extern)>>,
}

/// Where an error that rejected a module came from.
enum Rejection {
    /// The text format did not parse or encode (the `wast` crate).
    Text(String),
    /// `Module::from_binary` refused it.
    Compile(anyhow::Error),
}

impl Rejection {
    fn into_error(self) -> anyhow::Error {
        match self {
            Rejection::Text(m) => anyhow!("text format: {m}"),
            Rejection::Compile(e) => e,
        }
    }
}

/// Encodes a text module (`module quote`) the way `wat` does.
fn encode_text(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let buf = ParseBuffer::new(text).map_err(|e| e.message())?;
    let mut wat: Wat<'_> = parser::parse(&buf).map_err(|e| e.message())?;
    wat.encode().map_err(|e| e.message())
}

/// Whether Kiln said "not implemented" rather than "invalid".
fn unsupported(e: &anyhow::Error) -> Option<&Unsupported> {
    e.chain().find_map(|c| c.downcast_ref::<Unsupported>())
}

/// The wasm trap in `e`'s chain, if any.
fn trap(e: &anyhow::Error) -> Option<Trap> {
    e.downcast_ref::<Trap>()
        .or_else(|| e.chain().find_map(|c| c.downcast_ref::<Trap>()))
        .copied()
}

impl Runner {
    fn new(engine: &Engine) -> Result<Self> {
        let mut store = Store::new(engine, ());
        // With fuel metering on, scripts run with as much fuel as there is
        // (without it there is nothing to set).
        let _ = store.set_fuel(u64::MAX);
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
            last_definition: None,
            shared: HashMap::new(),
        })
    }

    /// Starts `(thread $T (shared (module $M)) …)` on a new OS thread with
    /// a runner of its own, which sees `$M`'s shared memories (all that
    /// can cross stores) under `$M`.
    fn spawn<'scope, 'a: 'scope>(
        &mut self,
        thread: WastThread<'a>,
        text: &'a str,
        scope: &'scope std::thread::Scope<'scope, '_>,
    ) -> Result<(
        String,
        std::thread::ScopedJoinHandle<'scope, Vec<DirectiveReport>>,
    )> {
        let mut shared = HashMap::new();
        if let Some(m) = thread.shared_module {
            let exports = match self.shared.get(m.name()) {
                Some(exports) => exports.clone(),
                None => self
                    .instance(Some(m))?
                    .exports(&mut self.store)
                    .into_iter()
                    .filter(|(_, e)| matches!(e, Extern::SharedMemory(_)))
                    .collect(),
            };
            shared.insert(m.name().to_string(), exports);
        }
        let engine = self.engine.clone();
        // Module definitions are not store objects: a thread may
        // instantiate the ones made before it.
        let definitions = self.definitions.clone();
        let last_definition = self.last_definition.clone();
        let name = thread.name.name().to_string();
        let handle = std::thread::Builder::new()
            .name(format!("wast thread ${name}"))
            .spawn_scoped(scope, move || {
                let mut reports = Vec::new();
                match Runner::new(&engine) {
                    Ok(mut runner) => {
                        runner.shared = shared;
                        runner.definitions = definitions;
                        runner.last_definition = last_definition;
                        std::thread::scope(|inner| {
                            run_directives(
                                &mut runner,
                                thread.directives,
                                text,
                                inner,
                                &mut reports,
                            )
                        });
                    }
                    Err(e) => reports.push(DirectiveReport {
                        line: line_of(thread.span, text),
                        kind: "thread",
                        outcome: Outcome::Fail(format!("{e:#}")),
                    }),
                }
                reports
            })?;
        Ok((name, handle))
    }

    /// Compiles a module given in the script.
    fn compile(&self, module: &mut QuoteWat<'_>) -> Result<Module, Rejection> {
        let bytes = match module.to_test().map_err(|e| Rejection::Text(e.message()))? {
            QuoteWatTest::Binary(b) => b,
            QuoteWatTest::Text(t) => encode_text(&t).map_err(Rejection::Text)?,
        };
        // Binary only: `Module::new` would read bytes without the wasm magic
        // as text.
        Module::from_binary(&self.engine, &bytes).map_err(Rejection::Compile)
    }

    fn instance(&self, name: Option<Id<'_>>) -> Result<Instance> {
        let slot = match name {
            Some(id) => self
                .instances
                .get(id.name())
                .with_context(|| format!("unknown module ${}", id.name()))?,
            None => self
                .current
                .as_ref()
                .context("no module has been instantiated")?,
        };
        slot.clone().map_err(|e| anyhow!("{e}"))
    }

    /// Records the outcome of instantiating a module as the current one (and
    /// as `name`'s).
    fn set_current(&mut self, slot: Slot, name: Option<&str>) {
        if let Some(n) = name {
            self.instances.insert(n.to_string(), slot.clone());
        }
        self.current = Some(slot);
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>> {
        let instance = self.instance(invoke.module)?;
        let func = instance
            .get_func(&mut self.store, invoke.name)
            .with_context(|| format!("no exported function `{}`", invoke.name))?;
        let args = invoke
            .args
            .iter()
            .map(|a| values::arg(&mut self.store, a))
            .collect::<Result<Vec<_>>>()?;
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty
            .result_types()
            .iter()
            .map(|t| Val::default_for(*t))
            .collect();
        func.call(&mut self.store, &args, &mut results)?;
        Ok(results)
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>> {
        match exec {
            WastExecute::Invoke(i) => self.invoke(&i),
            WastExecute::Wat(mut wat) => {
                let bytes = wat
                    .encode()
                    .map_err(|e| anyhow!("text format: {}", e.message()))?;
                let module = Module::from_binary(&self.engine, &bytes)?;
                let instance = self.linker.instantiate(&mut self.store, &module)?;
                self.set_current(Ok(instance), None);
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

    fn run(&mut self, directive: WastDirective<'_>, line: usize) -> Result<Done> {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|n| n.name().to_string());
                let result = self
                    .compile(&mut module)
                    .map_err(Rejection::into_error)
                    .and_then(|m| self.linker.instantiate(&mut self.store, &m));
                let slot = match &result {
                    Ok(i) => Ok(*i),
                    Err(e) => Err(format!("the module at line {line} failed ({e:#})")),
                };
                self.set_current(slot, name.as_deref());
                result?;
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|n| n.name().to_string());
                let result = self.compile(&mut module).map_err(Rejection::into_error);
                let def = match &result {
                    Ok(m) => Ok(m.clone()),
                    Err(e) => Err(format!(
                        "the module definition at line {line} failed ({e:#})"
                    )),
                };
                if let Some(n) = name {
                    self.definitions.insert(n, def.clone());
                }
                self.last_definition = Some(def);
                result?;
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = match module {
                    Some(m) => self
                        .definitions
                        .get(m.name())
                        .with_context(|| format!("unknown module definition ${}", m.name()))?,
                    None => self
                        .last_definition
                        .as_ref()
                        .context("no module has been defined")?,
                };
                let result = def
                    .clone()
                    .map_err(|e| anyhow!("{e}"))
                    .and_then(|m| self.linker.instantiate(&mut self.store, &m));
                let slot = match &result {
                    Ok(i) => Ok(*i),
                    Err(e) => Err(format!("the module instance at line {line} failed ({e:#})")),
                };
                self.set_current(slot, instance.map(|i| i.name()));
                result?;
            }
            WastDirective::Register {
                name,
                module: Some(m),
                ..
            } if self.shared.contains_key(m.name()) => {
                for (export, item) in self.shared[m.name()].clone() {
                    self.linker.define(&self.store, name, &export, item)?;
                }
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
                    let WastRet::Core(e) = e else {
                        bail!("component-model results are not supported")
                    };
                    values::check(&mut self.store, a, e).with_context(|| format!("result {i}"))?;
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(v) => bail!("expected trap `{message}`, got {v:?}"),
                Err(e) => check_trap(&e, message)?,
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(v) => bail!("expected exhaustion `{message}`, got {v:?}"),
                Err(e) => {
                    if trap(&e) != Some(Trap::StackOverflow) {
                        bail!("expected stack exhaustion `{message}`, got: {e:#}");
                    }
                    check_trap(&e, message)?;
                }
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => self.expect_rejected(&mut module, Assertion::Invalid, message)?,
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => self.expect_rejected(&mut module, Assertion::Malformed, message)?,
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let bytes = module
                    .encode()
                    .map_err(|e| anyhow!("text format: {}", e.message()))?;
                let module = Module::from_binary(&self.engine, &bytes)
                    .context("expected a link error, but the module does not compile")?;
                let e = match self.linker.instantiate(&mut self.store, &module) {
                    Ok(_) => {
                        bail!("expected a link error ({message}), but instantiation succeeded")
                    }
                    Err(e) => e,
                };
                // Imports are resolved and checked before anything runs, so a
                // trap means linking succeeded and instantiation trapped.
                if let Some(t) = trap(&e) {
                    bail!("expected a link error ({message}), got the trap `{t}`: {e:#}");
                }
                let text = format!("{e:#}");
                if !message_matches(Assertion::Unlinkable, message, &text) {
                    bail!("expected link error `{message}`, got: {text}");
                }
            }
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Ok(v) => bail!("expected an exception, got {v:?}"),
                Err(e) if e.downcast_ref::<kiln::ThrownException>().is_some() => {}
                Err(e) => bail!("expected an uncaught exception, got: {e:#}"),
            },
            WastDirective::AssertSuspension { exec, message, .. } => match self.execute(exec) {
                Ok(v) => bail!("expected suspension `{message}`, got {v:?}"),
                Err(e) => bail!(
                    "expected suspension `{message}` (Kiln has no stack switching), got: {e:#}"
                ),
            },
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => {
                return Ok(Done::Skip(
                    "custom-section assertions: Kiln does not interpret custom sections".into(),
                ));
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                unreachable!("run_directives runs threads")
            }
        }
        Ok(Done::Pass)
    }

    /// Passes if the module is rejected with the expected message, for a
    /// reason other than Kiln not supporting something it uses.
    fn expect_rejected(
        &self,
        module: &mut QuoteWat<'_>,
        assertion: Assertion,
        message: &str,
    ) -> Result<()> {
        let what = match assertion {
            Assertion::Malformed => "a malformed",
            _ => "an invalid",
        };
        let text = match self.compile(module) {
            Ok(_) => bail!("expected {what} module ({message}), but it compiled"),
            // See `messages`: any text-format error answers assert_malformed.
            Err(Rejection::Text(_)) if assertion == Assertion::Malformed => return Ok(()),
            Err(Rejection::Text(m)) => format!("text format: {m}"),
            Err(Rejection::Compile(e)) => {
                if let Some(u) = unsupported(&e) {
                    bail!(
                        "expected {what} module ({message}), but Kiln rejected it as unsupported: {u}"
                    );
                }
                format!("{e:#}")
            }
        };
        if !message_matches(assertion, message, &text) {
            bail!("expected {what} module ({message}), got: {text}");
        }
        Ok(())
    }
}

fn check_trap(e: &anyhow::Error, expected: &str) -> Result<()> {
    let Some(trap) = trap(e) else {
        bail!("expected trap `{expected}`, got error: {e:#}");
    };
    if !message_matches(Assertion::Trap, expected, trap.message()) {
        bail!("expected trap `{expected}`, got `{}`", trap.message());
    }
    Ok(())
}
