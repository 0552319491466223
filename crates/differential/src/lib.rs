//! Differential testing of Kiln against [wasmi], an independent interpreter
//! used as the oracle.
//!
//! Each seed names one module: [`generate`] turns the seed into bytes and
//! `wasm-smith` turns those into a valid module (Wasm 2.0 + SIMD plus the
//! post-2.0 features both engines implement, see [`smith_config`]).
//! [`Differ::check`] then compiles and instantiates it in both engines, calls
//! every exported function with arguments derived from the seed, and after
//! each call compares the results (or the trap), every exported global, the
//! size and bytes of every exported memory and the size and element
//! null-ness of every exported table. The first disagreement is returned as
//! a [`Divergence`].
//!
//! Comparison rules:
//! - `f32`/`f64` values (results, globals) compare bit for bit except that
//!   any NaN equals any NaN. `v128` values compare exactly: their lanes are
//!   untyped, and the generator is told to canonicalise every NaN that float
//!   arithmetic produces (`canonicalize_nans`), so a float lane that differs
//!   in a NaN payload is a real difference. The same setting makes memory
//!   contents comparable byte for byte.
//! - References compare by null-ness only.
//! - Traps: both engines trapping is the main bar; the trap codes are mapped
//!   onto one [`TrapKind`] and a different kind is reported as its own
//!   divergence class ([`DivergenceClass::TrapKind`]).
//! - Running out of fuel or stack (the engines count both differently), or a
//!   resource the oracle could not allocate, in either engine makes that call
//!   *inconclusive*: it is not compared, and both instances are thrown away
//!   and re-instantiated before the next export is called.
//!
//! Modules import nothing (`max_imports = 0`).

#![forbid(unsafe_code)]

mod values;

use anyhow::{Context, Result, bail};
use arbitrary::Unstructured;
use std::fmt;
pub use values::{TrapKind, Value};

/// How modules are made and run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Fuel given to each call (and to instantiation) in each engine.
    pub fuel: u64,
    /// Most random bytes wasm-smith gets per module (the module's size
    /// grows with it); each seed picks a length up to this.
    pub max_input_bytes: usize,
    /// Most bytes any memory may grow to (both engines' limiters).
    pub max_memory_bytes: usize,
    /// Most elements any table may grow to (both engines' limiters).
    pub max_table_elements: usize,
    /// Compile Kiln's modules lazily (`Config::lazy_compilation`, with no
    /// background thread, so every call path meets a compile stub).
    pub lazy: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fuel: 100_000,
            max_input_bytes: 4096,
            max_memory_bytes: 4 << 20,
            max_table_elements: 10_000,
            lazy: false,
        }
    }
}

/// A splitmix64 generator: every random choice here comes from a seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` and a stream number (different streams of one
    /// seed are independent).
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// The wasm-smith configuration: Wasm 2.0 (with SIMD) plus tail calls,
/// multi-memory, memory64 (memories below 4 GiB), extended constant
/// expressions, wide arithmetic and custom page sizes, which Kiln and wasmi
/// 2.0 both implement. Off: relaxed SIMD (nondeterministic), threads, GC
/// and typed function references (wasmi has neither), exceptions. No
/// imports; everything is exported; NaNs are canonicalised.
pub fn smith_config(options: &Options) -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: true,
        relaxed_simd_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        custom_descriptors_enabled: false,
        compact_imports_enabled: false,
        acquire_release_atomics_enabled: false,
        multibyte_array_access_enabled: false,
        memory64_enabled: true,
        tail_call_enabled: true,
        extended_const_enabled: true,
        wide_arithmetic_enabled: true,
        custom_page_sizes_enabled: true,
        canonicalize_nans: true,
        max_imports: 0,
        export_everything: true,
        max_memories: 2,
        max_tables: 2,
        max_memory32_bytes: options.max_memory_bytes as u64,
        max_memory64_bytes: options.max_memory_bytes as u128,
        max_table_elements: options.max_table_elements as u64 / 10,
        min_funcs: 3,
        max_funcs: 12,
        max_instructions: 120,
        max_globals: 8,
        max_data_segments: 8,
        max_element_segments: 8,
        max_elements: 20,
        max_types: 16,
        ..Default::default()
    }
}

/// The module for `seed` (64-bit tables included: wasm-smith makes them
/// whenever memory64 is on).
pub fn generate(seed: u64, options: &Options) -> Result<Vec<u8>> {
    let mut rng = Rng::new(seed, 0);
    let max = options.max_input_bytes.max(32) as u64;
    let len = (max / 2 + rng.below(max / 2)) as usize;
    let data: Vec<u8> = (0..len.div_ceil(8))
        .flat_map(|_| rng.next_u64().to_le_bytes())
        .take(len)
        .collect();
    let module = wasm_smith::Module::new(smith_config(options), &mut Unstructured::new(&data))
        .context("wasm-smith")?;
    Ok(module.to_bytes())
}

/// What kind of disagreement a divergence is. Shrinking keeps a candidate
/// only if it diverges with the same [`Divergence::signature`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DivergenceClass {
    /// One engine accepted the module, the other rejected it.
    Compile,
    /// Instantiation succeeded in one engine and failed in the other.
    Instantiate,
    /// One engine trapped (or failed) where the other returned.
    TrapVsValue,
    /// Both trapped, with different trap kinds.
    TrapKind,
    /// Both returned, with different values.
    Results,
    /// An exported global differs after a call.
    Global,
    /// An exported memory differs (size or bytes) after a call.
    Memory,
    /// An exported table differs (size or element null-ness) after a call.
    Table,
    /// Kiln's process died (signal or abort) on this module.
    Crash,
}

impl fmt::Display for DivergenceClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DivergenceClass::Compile => "compile",
            DivergenceClass::Instantiate => "instantiate",
            DivergenceClass::TrapVsValue => "trap-vs-value",
            DivergenceClass::TrapKind => "trap-kind",
            DivergenceClass::Results => "results",
            DivergenceClass::Global => "global",
            DivergenceClass::Memory => "memory",
            DivergenceClass::Table => "table",
            DivergenceClass::Crash => "crash",
        })
    }
}

/// A disagreement between Kiln and the oracle.
#[derive(Clone, Debug)]
pub struct Divergence {
    /// The kind of disagreement.
    pub class: DivergenceClass,
    /// A short, stable key for "diverges the same way" (class plus, where it
    /// matters, which side trapped and with what).
    pub key: String,
    /// What happened, for people.
    pub detail: String,
}

impl Divergence {
    fn new(class: DivergenceClass, key: impl Into<String>, detail: impl Into<String>) -> Self {
        Divergence {
            class,
            key: key.into(),
            detail: detail.into(),
        }
    }

    /// `class:key`: what the shrinking predicate compares.
    pub fn signature(&self) -> String {
        if self.key.is_empty() {
            self.class.to_string()
        } else {
            format!("{}:{}", self.class, self.key)
        }
    }
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.signature(), self.detail)
    }
}

/// Counts from one module's run.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Calls whose outcomes were compared.
    pub calls: u64,
    /// Calls that trapped in both engines (a subset of `calls`).
    pub traps: u64,
    /// Calls not compared because an engine ran out of fuel or stack.
    pub inconclusive: u64,
    /// Whether instantiation itself was inconclusive (start function out of
    /// fuel or stack) so nothing was called.
    pub instantiate_inconclusive: bool,
    /// Whether instantiation failed in both engines.
    pub instantiate_failed: bool,
}

/// The result of checking one module.
#[derive(Debug)]
pub enum Verdict {
    /// The engines agreed on everything that was compared.
    Agree(Stats),
    /// They did not.
    Diverge(Divergence),
    /// They did not, in a module with the shape of a known oracle bug
    /// (see [`known_oracle_bug_shape`]); not counted against Kiln.
    OracleBug(String),
}

/// Both engines, set up once and reused for every module.
pub struct Differ {
    options: Options,
    kiln: kiln::Engine,
    wasmi: wasmi::Engine,
}

impl Differ {
    /// Engines for `options`: Kiln with fuel and the generated features
    /// (compiling on one thread: the tester runs modules in parallel), and
    /// wasmi with fuel and the same features.
    pub fn new(options: Options) -> Result<Differ> {
        let mut kc = kiln::Config::new();
        kc.consume_fuel(true)
            .parallel_compilation(false)
            .wasm_simd(true)
            .wasm_relaxed_simd(false)
            .wasm_tail_call(true)
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .wasm_extended_const(true)
            .wasm_wide_arithmetic(true)
            .wasm_custom_page_sizes(true)
            .lazy_compilation(options.lazy)
            .compile_in_background(false);
        let kiln = kiln::Engine::new(&kc)?;
        let mut wc = wasmi::Config::default();
        wc.consume_fuel(true)
            .wasm_simd(true)
            .wasm_relaxed_simd(false)
            .wasm_tail_call(true)
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .wasm_extended_const(true)
            .wasm_wide_arithmetic(true)
            .wasm_custom_page_sizes(true);
        let wasmi = wasmi::Engine::new(&wc);
        Ok(Differ {
            options,
            kiln,
            wasmi,
        })
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Generates the module for `seed` and checks it. `Err` only when
    /// wasm-smith could not make a module from the seed's bytes.
    pub fn check_seed(&self, seed: u64) -> Result<(Vec<u8>, Verdict)> {
        let wasm = generate(seed, &self.options)?;
        let verdict = self.check(&wasm, seed);
        Ok((wasm, verdict))
    }

    /// Runs `wasm` in both engines and compares everything observable.
    /// `seed` chooses the call arguments.
    pub fn check(&self, wasm: &[u8], seed: u64) -> Verdict {
        install_panic_hook();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.check_inner(wasm, seed)
        }));
        let result = match result {
            Ok(result) => result,
            Err(payload) => match LAST_PANIC.with(|p| p.borrow_mut().take()) {
                // A panic inside the oracle is the oracle's bug. Anything
                // else (Kiln, this crate) goes on unwinding.
                Some(at) if at.contains("/wasmi") => {
                    return Verdict::OracleBug(format!("wasmi panicked: {at}"));
                }
                _ => std::panic::resume_unwind(payload),
            },
        };
        match result {
            Ok(stats) => Verdict::Agree(stats),
            Err(d)
                if !matches!(d.class, DivergenceClass::Compile | DivergenceClass::Crash)
                    && known_oracle_bug_shape(wasm).is_some() =>
            {
                Verdict::OracleBug(format!(
                    "known wasmi bug (oracle-bugs/{}.md): {d}",
                    known_oracle_bug_shape(wasm).unwrap_or_default()
                ))
            }
            Err(d) => Verdict::Diverge(d),
        }
    }

    fn check_inner(&self, wasm: &[u8], seed: u64) -> Result<Stats, Divergence> {
        let mut stats = Stats::default();
        let kmod = kiln::Module::from_binary(&self.kiln, wasm);
        let wmod = wasmi::Module::new(&self.wasmi, wasm);
        let (kmod, wmod) = match (kmod, wmod) {
            (Ok(k), Ok(w)) => (k, w),
            (Err(_), Err(_)) => return Ok(stats),
            (Err(e), Ok(_)) => {
                return Err(Divergence::new(
                    DivergenceClass::Compile,
                    "kiln-rejects",
                    format!("Kiln rejects the module, wasmi accepts it: {e:#}"),
                ));
            }
            (Ok(_), Err(e)) => {
                return Err(Divergence::new(
                    DivergenceClass::Compile,
                    "wasmi-rejects",
                    format!("wasmi rejects the module, Kiln accepts it: {e}"),
                ));
            }
        };
        let funcs: Vec<(String, kiln::FuncType)> = kmod
            .exports()
            .filter_map(|e| Some((e.name().to_string(), e.ty().func()?.clone())))
            .collect();
        let mut current = match self.instantiate(&kmod, &wmod)? {
            Some(Some(pair)) => pair,
            Some(None) => {
                stats.instantiate_failed = true;
                return Ok(stats);
            }
            None => {
                stats.instantiate_inconclusive = true;
                return Ok(stats);
            }
        };
        for (index, (name, ty)) in funcs.iter().enumerate() {
            let mut rng = Rng::new(seed, 1 + index as u64);
            let outcome = current.call(name, ty, &mut rng, self.options.fuel);
            let (k, w) = match outcome {
                CallPair::Inconclusive => {
                    stats.inconclusive += 1;
                    // The two instances may now differ in ways nobody
                    // compared; start again from fresh ones.
                    current = match self.instantiate(&kmod, &wmod)? {
                        Some(Some(fresh)) => fresh,
                        _ => {
                            return Err(Divergence::new(
                                DivergenceClass::Instantiate,
                                "not-repeatable",
                                "instantiating again did not succeed in both engines",
                            ));
                        }
                    };
                    continue;
                }
                CallPair::Done(k, w) => (k, w),
            };
            stats.calls += 1;
            compare_outcomes(name, &k, &w, &mut stats)?;
            current.compare_state(&format!("after calling `{name}`"))?;
        }
        Ok(stats)
    }

    /// `Ok(None)`: inconclusive; `Ok(Some(None))`: failed in both;
    /// `Ok(Some(Some(pair)))`: instantiated in both.
    #[allow(clippy::type_complexity)]
    fn instantiate(
        &self,
        kmod: &kiln::Module,
        wmod: &wasmi::Module,
    ) -> Result<Option<Option<Instances>>, Divergence> {
        let o = &self.options;
        let mut kstore = kiln::Store::new(
            &self.kiln,
            kiln::StoreLimitsBuilder::new()
                .memory_size(o.max_memory_bytes)
                .table_elements(o.max_table_elements)
                .build(),
        );
        kstore.limiter(|l| l as &mut dyn kiln::ResourceLimiter);
        kstore.set_fuel(o.fuel).expect("fuel is on");
        let mut wstore = wasmi::Store::new(
            &self.wasmi,
            wasmi::StoreLimitsBuilder::new()
                .memory_size(o.max_memory_bytes)
                .table_elements(o.max_table_elements)
                .build(),
        );
        wstore.limiter(|l| l as &mut dyn wasmi::ResourceLimiter);
        wstore.set_fuel(o.fuel).expect("fuel is on");
        let k = kiln::Instance::new(&mut kstore, kmod, &[]);
        let w = wasmi::Instance::new(&mut wstore, wmod, &[]);
        let (kinst, winst) = match (k, w) {
            (Ok(k), Ok(w)) => (k, w),
            (k, w) => {
                let kt = k.as_ref().err().map(values::kiln_trap);
                let wt = w.as_ref().err().map(values::wasmi_trap);
                if kt.as_ref().is_some_and(TrapKind::is_inconclusive)
                    || wt.as_ref().is_some_and(TrapKind::is_inconclusive)
                {
                    return Ok(None);
                }
                return match (kt, wt) {
                    (Some(kt), Some(wt)) => {
                        if kt.comparable() && wt.comparable() && kt != wt {
                            Err(Divergence::new(
                                DivergenceClass::TrapKind,
                                format!("instantiate:kiln={kt},wasmi={wt}"),
                                format!(
                                    "instantiation failed in both with different traps: Kiln {kt}, wasmi {wt}"
                                ),
                            ))
                        } else {
                            Ok(Some(None))
                        }
                    }
                    (Some(kt), None) => Err(Divergence::new(
                        DivergenceClass::Instantiate,
                        format!("kiln-fails:{kt}"),
                        format!(
                            "instantiation fails in Kiln ({kt}: {:#}) and succeeds in wasmi",
                            k.err().unwrap()
                        ),
                    )),
                    (None, Some(wt)) => Err(Divergence::new(
                        DivergenceClass::Instantiate,
                        format!("wasmi-fails:{wt}"),
                        format!(
                            "instantiation fails in wasmi ({wt}: {}) and succeeds in Kiln",
                            w.err().unwrap()
                        ),
                    )),
                    (None, None) => unreachable!(),
                };
            }
        };
        let mut inst = Instances {
            kstore,
            wstore,
            kinst,
            winst,
            kexports: Vec::new(),
        };
        inst.kexports = inst.kinst.exports(&mut inst.kstore);
        inst.compare_state("after instantiation")?;
        Ok(Some(Some(inst)))
    }
}

/// The two engines' outcomes of one call.
enum CallPair {
    Inconclusive,
    Done(Outcome, Outcome),
}

/// One engine's outcome of one call.
#[derive(Clone, Debug)]
enum Outcome {
    Values(Vec<Value>),
    Trap(TrapKind),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Values(v) => {
                f.write_str("[")?;
                for (i, v) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Outcome::Trap(t) => write!(f, "trap {t}"),
        }
    }
}

fn compare_outcomes(
    name: &str,
    k: &Outcome,
    w: &Outcome,
    stats: &mut Stats,
) -> Result<(), Divergence> {
    match (k, w) {
        (Outcome::Values(kv), Outcome::Values(wv)) => {
            if kv.len() != wv.len() || kv.iter().zip(wv).any(|(a, b)| !a.same(b)) {
                return Err(Divergence::new(
                    DivergenceClass::Results,
                    "",
                    format!("`{name}` returned {k} in Kiln and {w} in wasmi"),
                ));
            }
        }
        (Outcome::Trap(kt), Outcome::Trap(wt)) => {
            stats.traps += 1;
            if kt.comparable() && wt.comparable() && kt != wt {
                return Err(Divergence::new(
                    DivergenceClass::TrapKind,
                    format!("kiln={kt},wasmi={wt}"),
                    format!("`{name}` trapped with {kt} in Kiln and {wt} in wasmi"),
                ));
            }
        }
        (Outcome::Trap(kt), Outcome::Values(_)) => {
            return Err(Divergence::new(
                DivergenceClass::TrapVsValue,
                format!("kiln-traps:{kt}"),
                format!("`{name}`: Kiln {k}, wasmi returned {w}"),
            ));
        }
        (Outcome::Values(_), Outcome::Trap(wt)) => {
            return Err(Divergence::new(
                DivergenceClass::TrapVsValue,
                format!("wasmi-traps:{wt}"),
                format!("`{name}`: Kiln returned {k}, wasmi {w}"),
            ));
        }
    }
    Ok(())
}

/// A module instantiated in both engines.
struct Instances {
    kstore: kiln::Store<kiln::StoreLimits>,
    wstore: wasmi::Store<wasmi::StoreLimits>,
    kinst: kiln::Instance,
    winst: wasmi::Instance,
    kexports: Vec<(String, kiln::Extern)>,
}

impl Instances {
    /// Calls export `name` of type `ty` in both engines with arguments from
    /// `rng`.
    fn call(&mut self, name: &str, ty: &kiln::FuncType, rng: &mut Rng, fuel: u64) -> CallPair {
        let kf = self
            .kinst
            .get_func(&mut self.kstore, name)
            .expect("exported function");
        let wf = self
            .winst
            .get_func(&self.wstore, name)
            .expect("exported function");
        // Function references passed as arguments name the same export in
        // both engines.
        let kfuncs: Vec<kiln::Func> = self
            .kexports
            .iter()
            .filter_map(|(_, e)| e.clone().into_func())
            .collect();
        let wfuncs: Vec<wasmi::Func> = self
            .kexports
            .iter()
            .filter(|(_, e)| matches!(e, kiln::Extern::Func(_)))
            .map(|(n, _)| self.winst.get_func(&self.wstore, n).expect("same exports"))
            .collect();
        let mut kargs = Vec::new();
        let mut wargs = Vec::new();
        for p in ty.params() {
            let (k, w) = values::arg(rng, p, &mut self.kstore, &mut self.wstore, &kfuncs, &wfuncs);
            kargs.push(k);
            wargs.push(w);
        }
        let mut kres: Vec<kiln::Val> = ty
            .result_types()
            .iter()
            .map(|t| kiln::Val::default_for(*t))
            .collect();
        let mut wres: Vec<wasmi::Val> = ty
            .result_types()
            .iter()
            .map(|t| values::wasmi_default(*t))
            .collect();
        self.kstore.set_fuel(fuel).expect("fuel is on");
        self.wstore.set_fuel(fuel).expect("fuel is on");
        let k = match kf.call(&mut self.kstore, &kargs, &mut kres) {
            Ok(()) => Outcome::Values(kres.iter().map(Value::from_kiln).collect()),
            Err(e) => Outcome::Trap(values::kiln_trap(&e)),
        };
        let w = match wf.call(&mut self.wstore, &wargs, &mut wres) {
            Ok(()) => Outcome::Values(wres.iter().map(Value::from_wasmi).collect()),
            Err(e) => Outcome::Trap(values::wasmi_trap(&e)),
        };
        let inconclusive = |o: &Outcome| matches!(o, Outcome::Trap(t) if t.is_inconclusive());
        if inconclusive(&k) || inconclusive(&w) {
            CallPair::Inconclusive
        } else {
            CallPair::Done(k, w)
        }
    }

    /// Compares every exported global, memory and table.
    fn compare_state(&mut self, when: &str) -> Result<(), Divergence> {
        for (name, ext) in &self.kexports {
            match ext {
                kiln::Extern::Global(g) => {
                    let k = Value::from_kiln(&g.get(&mut self.kstore));
                    let wg = self
                        .winst
                        .get_global(&self.wstore, name)
                        .expect("same exports");
                    let w = Value::from_wasmi(&wg.get(&self.wstore));
                    if !k.same(&w) {
                        return Err(Divergence::new(
                            DivergenceClass::Global,
                            "",
                            format!("{when}: global `{name}` is {k} in Kiln and {w} in wasmi"),
                        ));
                    }
                }
                kiln::Extern::Memory(_) | kiln::Extern::SharedMemory(_) => {
                    let wm = self
                        .winst
                        .get_memory(&self.wstore, name)
                        .expect("same exports");
                    let k = match ext {
                        kiln::Extern::Memory(m) => m.data(&self.kstore).to_vec(),
                        kiln::Extern::SharedMemory(m) => {
                            let mut bytes = vec![0; m.data_size()];
                            m.read(0, &mut bytes).expect("in bounds");
                            bytes
                        }
                        _ => unreachable!(),
                    };
                    let k = &k[..];
                    let w = wm.data(&self.wstore);
                    if k.len() != w.len() {
                        return Err(Divergence::new(
                            DivergenceClass::Memory,
                            "size",
                            format!(
                                "{when}: memory `{name}` has {} bytes in Kiln and {} in wasmi",
                                k.len(),
                                w.len()
                            ),
                        ));
                    }
                    if k != w {
                        let at = k.iter().zip(w).position(|(a, b)| a != b).unwrap();
                        let end = (at + 16).min(k.len());
                        return Err(Divergence::new(
                            DivergenceClass::Memory,
                            "bytes",
                            format!(
                                "{when}: memory `{name}` differs first at byte {at:#x}: Kiln {:02x?}, wasmi {:02x?}",
                                &k[at..end],
                                &w[at..end]
                            ),
                        ));
                    }
                }
                kiln::Extern::Table(t) => {
                    let wt = self
                        .winst
                        .get_table(&self.wstore, name)
                        .expect("same exports");
                    let (ks, ws) = (t.size(&self.kstore), wt.size(&self.wstore));
                    if ks != ws {
                        return Err(Divergence::new(
                            DivergenceClass::Table,
                            "size",
                            format!(
                                "{when}: table `{name}` has {ks} elements in Kiln and {ws} in wasmi"
                            ),
                        ));
                    }
                    for i in 0..ks {
                        let kn = t.get(&mut self.kstore, i).expect("in bounds").is_null();
                        let wn = wt.get(&self.wstore, i).expect("in bounds").is_null();
                        if kn != wn {
                            return Err(Divergence::new(
                                DivergenceClass::Table,
                                "element",
                                format!(
                                    "{when}: table `{name}` element {i} is {} in Kiln and {} in wasmi",
                                    null_word(kn),
                                    null_word(wn)
                                ),
                            ));
                        }
                    }
                }
                kiln::Extern::Func(_) | kiln::Extern::Tag(_) => {}
            }
        }
        Ok(())
    }
}

fn null_word(null: bool) -> &'static str {
    if null { "null" } else { "non-null" }
}

/// Shrinks a divergent module with `wasm-shrink`, keeping candidates that
/// still diverge with the same [`Divergence::signature`] (checked by
/// `still_diverges`, which the caller may run out of process). Returns the
/// smallest module found.
pub fn shrink(
    wasm: &[u8],
    seed: u64,
    attempts: u32,
    mut still_diverges: impl FnMut(&[u8]) -> Result<bool>,
) -> Result<Vec<u8>> {
    let info = wasm_shrink::WasmShrink::default()
        .attempts(attempts)
        .seed(seed)
        .run(wasm.to_vec(), |candidate| still_diverges(candidate))?;
    Ok(info.output)
}

/// The in-process predicate for [`shrink`]: `candidate` diverges with the
/// signature `signature` (argument values derived from `seed`).
/// Tried up to three times, so a divergence that only shows sometimes (an
/// engine reading uninitialised state) still shrinks.
pub fn diverges_same_way(differ: &Differ, candidate: &[u8], seed: u64, signature: &str) -> bool {
    (0..3).any(|_| match differ.check(candidate, seed) {
        Verdict::Diverge(d) => d.signature() == signature,
        Verdict::Agree(_) | Verdict::OracleBug(_) => false,
    })
}

/// Parses `A..B` (or a single number `A`, meaning `A..A+1`).
pub fn parse_range(s: &str) -> Result<std::ops::Range<u64>> {
    if let Some((a, b)) = s.split_once("..") {
        let (a, b): (u64, u64) = (a.trim().parse()?, b.trim().parse()?);
        if b < a {
            bail!("empty range {s}");
        }
        Ok(a..b)
    } else {
        let a: u64 = s.trim().parse()?;
        Ok(a..a + 1)
    }
}

/// The module as text (for the files saved next to divergent modules).
pub fn to_wat(wasm: &[u8]) -> String {
    wasmprinter::print_bytes(wasm).unwrap_or_else(|e| format!(";; cannot print: {e:#}\n"))
}

/// Which known wasmi 2.0.0 bug's shape the module has, if any (the name of
/// its note in `oracle-bugs/`):
/// - `wasmi-if-params-stale-local`: an `if` whose block type has
///   parameters and whose `then` arm contains a nested `block`, `loop` or
///   `if`. When the `else` arm runs, wasmi reads a value that `local.get`
///   pushed below the `if`'s parameters from a stale slot.
/// - `wasmi-br-table-v128`: a `br_table` whose targets take a `v128`. When
///   other values lie below it on the stack, wasmi moves garbage.
///
/// A divergence in a module with either shape is reported as
/// [`Verdict::OracleBug`], not as Kiln's; such modules are still run and
/// compared, and agree as usual when the bug does not bite.
pub fn known_oracle_bug_shape(wasm: &[u8]) -> Option<&'static str> {
    scan_shapes(wasm).ok().flatten()
}

/// Whether the module has the `wasmi-if-params-stale-local` shape.
pub fn has_if_with_params_around_a_block(wasm: &[u8]) -> bool {
    known_oracle_bug_shape(wasm) == Some("wasmi-if-params-stale-local")
}

fn scan_shapes(wasm: &[u8]) -> Result<Option<&'static str>> {
    use wasmparser::{Operator as O, ValType};
    let mut types: Vec<(Vec<ValType>, Vec<ValType>)> = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload? {
            wasmparser::Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty?;
                    types.push((ty.params().to_vec(), ty.results().to_vec()));
                }
            }
            wasmparser::Payload::CodeSectionEntry(body) => {
                // Per open construct: its label's types, and whether it is
                // the `then` arm of an `if` with parameters.
                let mut stack: Vec<(Vec<ValType>, bool)> = Vec::new();
                let mut reader = body.get_operators_reader()?;
                while !reader.eof() {
                    let op = reader.read()?;
                    let nested = matches!(op, O::Block { .. } | O::Loop { .. } | O::If { .. });
                    if nested && stack.iter().any(|(_, then_with_params)| *then_with_params) {
                        return Ok(Some("wasmi-if-params-stale-local"));
                    }
                    match op {
                        O::If { blockty } => {
                            let (p, r) = block_types(&types, blockty);
                            stack.push((r, !p.is_empty()));
                        }
                        O::Block { blockty } => stack.push((block_types(&types, blockty).1, false)),
                        O::Loop { blockty } => stack.push((block_types(&types, blockty).0, false)),
                        O::Else => {
                            if let Some(top) = stack.last_mut() {
                                top.1 = false;
                            }
                        }
                        O::End => {
                            stack.pop();
                        }
                        O::BrTable { targets } => {
                            let depth = targets.default() as usize;
                            let label = stack.len().checked_sub(depth + 1).map(|i| &stack[i].0);
                            if label.is_some_and(|tys| tys.contains(&ValType::V128)) {
                                return Ok(Some("wasmi-br-table-v128"));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(None)
}

/// A block type's parameters and results.
fn block_types(
    types: &[(Vec<wasmparser::ValType>, Vec<wasmparser::ValType>)],
    bt: wasmparser::BlockType,
) -> (Vec<wasmparser::ValType>, Vec<wasmparser::ValType>) {
    match bt {
        wasmparser::BlockType::Empty => (vec![], vec![]),
        wasmparser::BlockType::Type(t) => (vec![], vec![t]),
        wasmparser::BlockType::FuncType(i) => types.get(i as usize).cloned().unwrap_or_default(),
    }
}

thread_local! {
    /// Where (and why) the last panic on this thread happened.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Records each panic's location for [`Differ::check`], and keeps panics
/// inside wasmi quiet (they are reported as oracle bugs); others print as
/// usual.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let in_wasmi = at.contains("/wasmi");
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{at}: {msg}")));
            if !in_wasmi {
                default(info);
            }
        }));
    });
}
