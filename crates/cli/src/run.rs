//! `kiln run`: instantiate a module with WASI and run it as a command
//! (`_start`), or call one of its exports (`--invoke`).

use crate::engine_opts::{EngineOptions, UnknownImports};
use crate::load::load_module;
use crate::wasi_opts::WasiOptions;
use anyhow::{Context, Result, bail};
use clap::Args;
use kiln::{
    Engine, Func, Instance, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, Val, ValType,
};
use kiln_wasi::WasiCtx;

/// What a `kiln run` store holds: the guest's WASI context and the limits
/// `-W max-memory-size` sets.
pub struct Host {
    wasi: WasiCtx,
    limits: StoreLimits,
}

/// `kiln run [OPTIONS] FILE [ARGS]...`
#[derive(Args, Clone, Debug)]
pub struct RunCommand {
    #[command(flatten)]
    /// Engine options.
    pub engine: EngineOptions,

    #[command(flatten)]
    /// WASI options.
    pub wasi: WasiOptions,

    /// Call this export instead of `_start`; its parameters are parsed from
    /// ARGS and its results printed one per line.
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,

    /// Run a module precompiled by `kiln compile` (`.cwasm`). It is native
    /// code that Kiln cannot validate, so only pass this for files you trust.
    #[arg(long)]
    pub allow_precompiled: bool,

    /// Instantiate module FILE first and let the main module import its
    /// exports as NAME (as wasmtime's `--preload`); may be repeated.
    #[arg(long, value_name = "NAME=FILE")]
    pub preload: Vec<String>,

    /// The module (`.wasm`, `.wat`, or with `--allow-precompiled` a `.cwasm`
    /// from `kiln compile`),
    /// then the program's arguments (`argv[1..]`, and with `--invoke` the
    /// function's arguments). As in wasmtime, everything after FILE goes to
    /// the program, even `--help` or `--invoke`: kiln's options go first.
    /// (For a module without `_start`, `FILE --invoke NAME ARGS` also works.)
    #[arg(value_name = "FILE", required = true, trailing_var_arg = true)]
    pub module_and_args: Vec<String>,
}

impl RunCommand {
    /// Runs the program. Returns the process exit code: the guest's
    /// `proc_exit` code, or 0 if it returned normally. Errors (including
    /// traps) are returned for [`crate::report`] to print.
    pub fn execute(&self) -> Result<i32> {
        let (file, args) = self.file_and_args();
        let settings = self.engine.settings()?;
        let engine = settings.engine_with_cache()?;
        let module = load_module(&engine, file, self.allow_precompiled)?;
        let wasi = self.wasi.build(file, args)?;
        let mut limits = StoreLimitsBuilder::new();
        if let Some(bytes) = settings.max_memory_size {
            limits = limits.memory_size(bytes);
        }
        let host = Host {
            wasi,
            limits: limits.build(),
        };
        let mut store = Store::new(&engine, host);
        store.limiter(|host: &mut Host| &mut host.limits);
        if let Some(fuel) = settings.fuel {
            store.set_fuel(fuel)?;
        }
        let samples = settings
            .guest_profile
            .as_ref()
            .map(|profile| profile.start(&engine, &mut store, settings.timeout));
        if let (Some(timeout), None) = (settings.timeout, &samples) {
            // The epoch starts at 0 and the deadline is 1: one tick ends
            // the program, wherever it is.
            store.set_epoch_deadline(1);
            let engine = engine.clone();
            std::thread::spawn(move || {
                std::thread::sleep(timeout);
                engine.increment_epoch();
            });
        }
        let outcome =
            self.instantiate_and_call(&engine, &mut store, &module, settings.unknown_imports);
        if let (Some(samples), Some(profile)) = (&samples, &settings.guest_profile) {
            samples.write(profile)?;
        }
        // The process exits next: freeing the store and the module an
        // allocation at a time would only cost time (about 1 ms for a
        // module with 1 MB of code, its names and its address map).
        std::mem::forget(store);
        std::mem::forget(module);
        match outcome {
            Ok(lines) => {
                for line in lines {
                    println!("{line}");
                }
                Ok(0)
            }
            Err(e) => match kiln_wasi::exit_code(&e) {
                Some(code) => Ok(code),
                None => Err(e),
            },
        }
    }

    /// FILE and the guest's arguments.
    pub fn file_and_args(&self) -> (&str, &[String]) {
        match self.module_and_args.split_first() {
            Some((file, args)) => (file, args),
            // clap requires FILE; an empty list only comes from a caller
            // that built the command by hand.
            None => ("", &[]),
        }
    }

    /// Instantiates and runs; returns the lines to print (the results of
    /// `--invoke`).
    fn instantiate_and_call(
        &self,
        engine: &Engine,
        store: &mut Store<Host>,
        module: &Module,
        unknown_imports: UnknownImports,
    ) -> Result<Vec<String>> {
        let (file, _) = self.file_and_args();
        let mut linker = Linker::new(engine);
        kiln_wasi::add_to_linker(&mut linker, |host: &mut Host| &mut host.wasi)?;
        for spec in &self.preload {
            let Some((name, path)) = spec.split_once('=') else {
                bail!("`--preload {spec}`: expected NAME=FILE");
            };
            let preloaded = load_module(engine, path, self.allow_precompiled)?;
            linker
                .module(&mut *store, name, &preloaded)
                .with_context(|| format!("failed to instantiate the preloaded `{path}`"))?;
        }
        match unknown_imports {
            UnknownImports::Fail => {}
            UnknownImports::Trap => linker.define_unknown_imports_as_traps(module)?,
            UnknownImports::Default => linker.define_unknown_imports_as_default_values(module)?,
        }
        let threads = self.wasi.threads()?;
        if !threads
            && unknown_imports == UnknownImports::Fail
            && kiln_wasi::threads::uses_threads(module)
        {
            bail!(
                "`{file}` uses wasi-threads (it imports `wasi::thread-spawn`): run it with `-S threads`"
            );
        }
        if threads {
            if !self.preload.is_empty() {
                bail!(
                    "`-S threads` cannot be combined with `--preload`: a preloaded instance belongs to the main thread's store"
                );
            }
            // Last: new threads instantiate with the linker as it is now.
            // They share the WASI context (its file table) and get the
            // same limits and fuel.
            let fuel = store.get_fuel().ok();
            kiln_wasi::threads::add_to_linker(&mut linker, store, module, move |engine, host| {
                let mut store = Store::new(
                    engine,
                    Host {
                        wasi: host.wasi.clone(),
                        limits: host.limits.clone(),
                    },
                );
                store.limiter(|host: &mut Host| &mut host.limits);
                if let Some(fuel) = fuel {
                    let _ = store.set_fuel(fuel);
                }
                store
            })?;
        }
        let instance = linker
            .instantiate(&mut *store, module)
            .with_context(|| format!("failed to instantiate `{file}`"))?;
        self.run_instance(store, &instance)
            .with_context(|| format!("failed to run main module `{file}`"))
    }

    fn run_instance(&self, store: &mut Store<Host>, instance: &Instance) -> Result<Vec<String>> {
        // A reactor initialises itself before any export is called.
        if let Some(init) = instance.get_func(&mut *store, "_initialize") {
            init.call(&mut *store, &[], &mut [])
                .context("failed to run `_initialize`")?;
        }
        let (_, args) = self.file_and_args();
        let has_start = instance.get_func(&mut *store, "_start").is_some();
        // Kiln's first form, `kiln run FILE --invoke NAME ARGS`, still works for
        // a module that is not a command: it has no `_start` to give ARGS to.
        let (invoke, args) = match (&self.invoke, args) {
            (Some(name), args) => (Some(name.as_str()), args),
            (None, [flag, name, rest @ ..]) if !has_start && flag == "--invoke" => {
                (Some(name.as_str()), rest)
            }
            (None, args) => (None, args),
        };
        let (func, what) = match invoke {
            Some(name) => {
                let func = instance
                    .get_func(&mut *store, name)
                    .with_context(|| format!("no exported function named `{name}`"))?;
                (func, format!("`{name}`"))
            }
            None => match instance.get_func(&mut *store, "_start") {
                Some(func) => (func, "command default".to_string()),
                // Like wasmtime: a module without `_start` is only instantiated.
                None => {
                    self.warn_about_misplaced_options();
                    return Ok(Vec::new());
                }
            },
        };
        let results =
            call(store, func, args, &what).with_context(|| format!("failed to invoke {what}"))?;
        Ok(results.iter().map(|v| format_val(&*store, v)).collect())
    }

    /// Nothing ran. If that is because kiln's own options were written after
    /// FILE (where they belong to the program), say so on stderr.
    fn warn_about_misplaced_options(&self) {
        let (file, args) = self.file_and_args();
        if let Some(pos) = args.iter().position(|a| a == "--invoke") {
            let mut fixed = vec!["kiln run".to_string()];
            fixed.extend(args[pos..].iter().take(2).cloned());
            fixed.push(file.to_string());
            fixed.extend(
                args[..pos]
                    .iter()
                    .chain(args[pos..].iter().skip(2))
                    .cloned(),
            );
            eprintln!(
                "warning: `{file}` has no `_start` and `--invoke` came after FILE, where it is \
                 an argument for the program; kiln's options go before FILE: `{}`",
                fixed.join(" ")
            );
        }
    }
}

/// Calls `func` with its parameters parsed from the leading `args` (any
/// further arguments are only the guest's `argv`, as in wasmtime).
fn call(store: &mut Store<Host>, func: Func, args: &[String], what: &str) -> Result<Vec<Val>> {
    let ty = func.ty(&*store);
    if args.len() < ty.params().len() {
        bail!(
            "not enough arguments for {what}: it takes {} but {} were given",
            ty.params().len(),
            args.len()
        );
    }
    let params = ty
        .param_types()
        .iter()
        .zip(args)
        .map(|(t, a)| parse_arg(*t, a))
        .collect::<Result<Vec<_>>>()?;
    let mut results: Vec<Val> = ty
        .result_types()
        .iter()
        .map(|t| Val::default_for(*t))
        .collect();
    func.call(&mut *store, &params, &mut results)?;
    Ok(results)
}

/// Parses a command-line argument as a value of type `ty`. Integers may be
/// decimal (signed or unsigned range) or `0x` hexadecimal.
pub fn parse_arg(ty: ValType, s: &str) -> Result<Val> {
    Ok(match ty {
        ValType::I32 => {
            let v = parse_int(s, 32).with_context(|| format!("`{s}` is not an i32"))?;
            Val::I32(v as i32)
        }
        ValType::I64 => {
            let v = parse_int(s, 64).with_context(|| format!("`{s}` is not an i64"))?;
            Val::I64(v as i64)
        }
        ValType::F32 => Val::F32(
            s.parse::<f32>()
                .with_context(|| format!("`{s}` is not an f32"))?
                .to_bits(),
        ),
        ValType::F64 => Val::F64(
            s.parse::<f64>()
                .with_context(|| format!("`{s}` is not an f64"))?
                .to_bits(),
        ),
        other => bail!("cannot pass a {other} on the command line"),
    })
}

/// Parses an integer that fits in `bits` bits as signed or unsigned.
fn parse_int(s: &str, bits: u32) -> Result<i128> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16)?,
        None => digits.parse::<i128>()?,
    };
    let value = if negative { -magnitude } else { magnitude };
    let min = -(1i128 << (bits - 1));
    let max = (1i128 << bits) - 1;
    if value < min || value > max {
        bail!("out of range");
    }
    Ok(value)
}

/// Formats a result of `store` the way `wasmtime run --invoke` prints it.
pub fn format_val(store: impl kiln::AsContext, v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::V128(x) => x.as_u128().to_string(),
        Val::FuncRef(f) => match f {
            Some(_) => "<funcref>".into(),
            None => "<null funcref>".into(),
        },
        Val::ExternRef(r) => match r {
            Some(_) => "<externref>".into(),
            None => "<null externref>".into(),
        },
        Val::ExnRef(r) => match r {
            Some(_) => "<exnref>".into(),
            None => "<null exnref>".into(),
        },
        Val::AnyRef(r) => match r.as_ref().map(|a| a.as_i31(store)) {
            Some(Ok(Some(i))) => format!("<i31 {}>", i.get_i32()),
            Some(_) => "<anyref>".into(),
            None => "<null anyref>".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert!(matches!(parse_arg(ValType::I32, "-1"), Ok(Val::I32(-1))));
        assert!(matches!(
            parse_arg(ValType::I32, "4294967295"),
            Ok(Val::I32(-1))
        ));
        assert!(matches!(parse_arg(ValType::I32, "0x10"), Ok(Val::I32(16))));
        assert!(parse_arg(ValType::I32, "4294967296").is_err());
        assert!(parse_arg(ValType::I32, "ten").is_err());
        assert!(matches!(
            parse_arg(ValType::I64, "-9223372036854775808"),
            Ok(Val::I64(i64::MIN))
        ));
    }

    #[test]
    fn floats() {
        let store = kiln::Store::new(&kiln::Engine::default(), ());
        assert_eq!(
            format_val(&store, &parse_arg(ValType::F64, "1.5").unwrap()),
            "1.5"
        );
        assert_eq!(
            format_val(&store, &parse_arg(ValType::F32, "nan").unwrap()),
            "NaN"
        );
    }
}
