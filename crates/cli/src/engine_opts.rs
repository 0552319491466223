//! Options that shape the [`Engine`]: optimisation level, wasm features,
//! fuel and stack limits, and the compilation cache. `kiln run` and `kiln compile` share them, because
//! a precompiled module only loads into an engine configured the same way.

use anyhow::{Context, Result, bail};
use clap::Args;
use kiln::{Cache, Config, Engine, OptLevel, ProfilingStrategy};
use std::path::PathBuf;
use std::time::Duration;

/// Engine options common to `kiln run` and `kiln compile`.
#[derive(Args, Clone, Debug, Default)]
pub struct EngineOptions {
    /// Optimisation level: `none`, `speed` (the default) or `size`.
    ///
    /// wasmtime's spellings `opt-level=0|1|2|s` are accepted too.
    #[arg(short = 'O', long = "opt-level", value_name = "LEVEL", value_parser = parse_opt_level)]
    pub opt_level: Option<OptLevel>,

    /// Turn a WebAssembly feature on or off: `FEATURE`, `FEATURE=y` or
    /// `FEATURE=n`; several may be joined by commas.
    ///
    /// Features: simd, relaxed-simd, threads, multi-memory, memory64,
    /// tail-call, function-references, reference-types, bulk-memory,
    /// multi-value, sign-extension, saturating-float-to-int, mutable-global,
    /// extended-const, wide-arithmetic, custom-page-sizes, exceptions. On by
    /// default, as in wasmtime: Wasm 2.0 plus exceptions,
    /// function-references, tail-call, multi-memory, memory64,
    /// extended-const and relaxed-simd. As in wasmtime, these are accepted
    /// here too: `fuel=N`, `max-wasm-stack=BYTES`, `timeout=DURATION` (trap
    /// once the program has run that long, e.g. `500ms`, `2s`, `1m`; with
    /// epoch interruption), `max-memory-size=BYTES` (no linear memory grows
    /// past it), `nan-canonicalization=y` (float operations produce only the
    /// canonical NaN), and `unknown-imports-trap=y` or
    /// `unknown-imports-default=y` (function imports nothing defines become
    /// functions that trap, or that return zeros and nulls). For testing
    /// Kiln itself: `gc-stress=y` collects the GC heap at every allocation
    /// and poisons what it frees (very slow; see `Config::gc_stress`).
    #[arg(short = 'W', long = "wasm", value_name = "FEATURE[=y|n]")]
    pub wasm: Vec<String>,

    /// Count executed operators and trap ("all fuel consumed") after N.
    ///
    /// A module compiled with `kiln compile --fuel` must be run with `--fuel`
    /// (the amount given to `compile` does not matter).
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,

    /// The most native stack, in bytes, wasm may use before it traps with
    /// "call stack exhausted".
    #[arg(long, value_name = "BYTES")]
    pub max_wasm_stack: Option<usize>,

    /// Code generation options: `cache=y|n`, `cache-dir=PATH`, `lazy=y|n`
    /// and `inlining=y|n`; several may be joined by commas.
    ///
    /// `lazy=y` compiles each function when it is first called (and the
    /// rest in the background) instead of the whole module before it runs.
    ///
    /// `inlining=n` stops small functions from being copied into their
    /// callers (on by default).
    ///
    /// `kiln run` keeps compiled modules in an on-disk cache (on by
    /// default; `-C cache=n` turns it off) and loads them from there the
    /// next time instead of compiling. The cache lives in `cache-dir`, else
    /// $KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln, else ~/.cache/kiln.
    /// `kiln compile` does not use it.
    #[arg(short = 'C', long = "codegen", value_name = "KEY[=VAL]")]
    pub codegen: Vec<String>,

    /// Profile the program: `perfmap` appends each wasm function to
    /// /tmp/perf-PID.map, so `perf report` names them;
    /// `guest[,FILE[,INTERVAL]]` samples the guest's wasm call stacks every
    /// INTERVAL (1ms) and writes them to FILE (kiln-guest-profile.svg) as
    /// an SVG flame graph.
    #[arg(long, value_name = "STRATEGY", value_parser = parse_profile)]
    pub profile: Option<Profile>,
}

/// A `--profile` choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Describe compiled code to an outside profiler.
    Code(ProfilingStrategy),
    /// Kiln's own sampling profiler of the guest.
    Guest(crate::guest_profile::GuestProfile),
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    match s {
        "perfmap" => Ok(Profile::Code(ProfilingStrategy::PerfMap)),
        "none" => Ok(Profile::Code(ProfilingStrategy::None)),
        _ => match s.strip_prefix("guest") {
            Some(rest) if rest.is_empty() || rest.starts_with(',') => {
                crate::guest_profile::GuestProfile::parse(rest)
                    .map(Profile::Guest)
                    .map_err(|e| format!("{e:#}"))
            }
            _ => Err(format!(
                "unknown profiler `{s}` (known: perfmap, guest[,FILE[,INTERVAL]], none)"
            )),
        },
    }
}

/// Where compiled modules are cached, as `-C` chose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CacheChoice {
    /// The default directory ([`Cache::default_dir`]).
    #[default]
    Default,
    /// The directory `-C cache-dir=PATH` names.
    Dir(PathBuf),
    /// No cache (`-C cache=n`).
    Off,
}

/// The engine settings after every option has been applied.
#[derive(Clone, Debug)]
pub struct EngineSettings {
    /// The configuration to build the engine from.
    pub config: Config,
    /// Fuel to put in the store, if fuel is consumed.
    pub fuel: Option<u64>,
    /// The compilation cache `kiln run` uses.
    pub cache: CacheChoice,
    /// How long the program may run (`-W timeout`).
    pub timeout: Option<Duration>,
    /// The most bytes a linear memory may grow to (`-W max-memory-size`).
    pub max_memory_size: Option<usize>,
    /// What to do with function imports nothing defines
    /// (`-W unknown-imports-trap`, `-W unknown-imports-default`).
    pub unknown_imports: UnknownImports,
    /// Where and how often to sample the guest (`--profile=guest`).
    pub guest_profile: Option<crate::guest_profile::GuestProfile>,
}

/// What `kiln run` defines the function imports nothing else defines as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnknownImports {
    /// Nothing: instantiation fails (the default).
    #[default]
    Fail,
    /// Functions that trap when called.
    Trap,
    /// Functions that return zeros and nulls.
    Default,
}

impl EngineSettings {
    /// Builds the engine.
    pub fn engine(&self) -> Result<Engine> {
        Engine::new(&self.config).context("failed to create the engine")
    }

    /// Builds the engine with the compilation cache `-C` chose. A cache
    /// that cannot be opened only means compiling every time: it is not an
    /// error (an explicit `cache-dir` gets a warning on stderr).
    pub fn engine_with_cache(&self) -> Result<Engine> {
        let cache = match &self.cache {
            CacheChoice::Off => None,
            CacheChoice::Default => Cache::from_default_dir().ok(),
            CacheChoice::Dir(dir) => match Cache::new(dir) {
                Ok(cache) => Some(cache),
                Err(e) => {
                    eprintln!("warning: compiling without the cache: {e:#}");
                    None
                }
            },
        };
        let mut config = self.config.clone();
        config.cache(cache);
        Engine::new(&config).context("failed to create the engine")
    }
}

impl EngineOptions {
    /// Applies the options to a default [`Config`].
    pub fn settings(&self) -> Result<EngineSettings> {
        let mut config = Config::new();
        let mut fuel = self.fuel;
        let mut max_stack = self.max_wasm_stack;
        let mut timeout = None;
        let mut max_memory_size = None;
        let mut unknown_imports = UnknownImports::Fail;
        if let Some(level) = self.opt_level {
            config.cranelift_opt_level(level);
        }
        let mut guest_profile = None;
        match &self.profile {
            Some(Profile::Code(strategy)) => {
                config.profiler(*strategy);
            }
            Some(Profile::Guest(profile)) => {
                config.epoch_interruption(true);
                guest_profile = Some(profile.clone());
            }
            None => {}
        }
        for (name, value) in wasm_items(&self.wasm) {
            let key = name.replace('_', "-");
            match key.as_str() {
                "fuel" => {
                    let v = value.with_context(|| "`--wasm fuel` needs a value: `fuel=N`")?;
                    fuel = Some(
                        v.parse()
                            .with_context(|| format!("`{v}` is not a fuel amount"))?,
                    );
                }
                "max-wasm-stack" => {
                    let v = value.with_context(|| "`--wasm max-wasm-stack` needs `=BYTES`")?;
                    max_stack = Some(
                        v.parse()
                            .with_context(|| format!("`{v}` is not a number of bytes"))?,
                    );
                }
                "timeout" => {
                    let v = value.with_context(|| "`--wasm timeout` needs `=DURATION`")?;
                    timeout = Some(parse_duration(v)?);
                }
                "nan-canonicalization" => {
                    config.cranelift_nan_canonicalization(parse_switch(name, value)?);
                }
                "gc-stress" => {
                    config.gc_stress(parse_switch(name, value)?);
                }
                "unknown-imports-trap" | "unknown-imports-default" => {
                    let rule = if key == "unknown-imports-trap" {
                        UnknownImports::Trap
                    } else {
                        UnknownImports::Default
                    };
                    if parse_switch(name, value)? {
                        unknown_imports = rule;
                    } else if unknown_imports == rule {
                        unknown_imports = UnknownImports::Fail;
                    }
                }
                "max-memory-size" => {
                    let v = value.with_context(|| "`--wasm max-memory-size` needs `=BYTES`")?;
                    max_memory_size = Some(
                        v.parse()
                            .with_context(|| format!("`{v}` is not a number of bytes"))?,
                    );
                }
                _ => {
                    let enable = parse_switch(name, value)?;
                    set_feature(&mut config, &key, enable)?;
                }
            }
        }
        let mut cache = CacheChoice::Default;
        let mut cache_on = true;
        for (name, value) in wasm_items(&self.codegen) {
            match name.replace('_', "-").as_str() {
                "cache" => cache_on = parse_switch(name, value)?,
                "cache-dir" => match value {
                    Some(dir) if !dir.is_empty() => cache = CacheChoice::Dir(dir.into()),
                    _ => bail!("`-C cache-dir` needs a directory: `cache-dir=PATH`"),
                },
                "lazy" => {
                    config.lazy_compilation(parse_switch(name, value)?);
                }
                "inlining" => {
                    config.compiler_inlining(parse_switch(name, value)?);
                }
                _ => bail!(
                    "unknown codegen option `{name}` (known: cache=y|n, cache-dir=PATH, lazy=y|n, inlining=y|n)"
                ),
            }
        }
        if !cache_on {
            cache = CacheChoice::Off;
        }
        if fuel.is_some() {
            config.consume_fuel(true);
        }
        if timeout.is_some() {
            config.epoch_interruption(true);
        }
        if let Some(bytes) = max_stack {
            if bytes == 0 {
                bail!("--max-wasm-stack must be more than 0 bytes");
            }
            config.max_wasm_stack(bytes);
        }
        Ok(EngineSettings {
            config,
            fuel,
            cache,
            timeout,
            max_memory_size,
            unknown_imports,
            guest_profile,
        })
    }
}

/// Parses a duration such as `500ms`, `2s`, `1.5s`, `1m` or `1h` (also
/// `ns` and `us`); a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .with_context(|| format!("`{s}` is not a duration (e.g. 500ms, 2s, 1m)"))?;
    let seconds_per_unit = match unit {
        "" | "s" => 1.0,
        "ms" => 1e-3,
        "us" => 1e-6,
        "ns" => 1e-9,
        "m" => 60.0,
        "h" => 3600.0,
        _ => bail!("`{s}`: unknown unit `{unit}` (known: ns, us, ms, s, m, h)"),
    };
    Duration::try_from_secs_f64(value * seconds_per_unit)
        .with_context(|| format!("`{s}` is not a duration"))
}

/// Every feature name `--wasm` knows, in the order of the help text.
pub const FEATURES: &[&str] = &[
    "simd",
    "relaxed-simd",
    "threads",
    "multi-memory",
    "memory64",
    "tail-call",
    "function-references",
    "reference-types",
    "bulk-memory",
    "multi-value",
    "sign-extension",
    "saturating-float-to-int",
    "mutable-global",
    "extended-const",
    "wide-arithmetic",
    "custom-page-sizes",
    "exceptions",
];

fn set_feature(config: &mut Config, key: &str, enable: bool) -> Result<()> {
    match key {
        "simd" => config.wasm_simd(enable),
        "threads" => config.wasm_threads(enable),
        "multi-memory" => config.wasm_multi_memory(enable),
        "memory64" => config.wasm_memory64(enable),
        "tail-call" => config.wasm_tail_call(enable),
        "reference-types" => config.wasm_reference_types(enable),
        "bulk-memory" => config.wasm_bulk_memory(enable),
        "multi-value" => config.wasm_multi_value(enable),
        "sign-extension" => config.wasm_sign_extension(enable),
        "saturating-float-to-int" | "nontrapping-float-to-int" => {
            config.wasm_saturating_float_to_int(enable)
        }
        "mutable-global" | "mutable-globals" => config.wasm_mutable_global(enable),
        "extended-const" => config.wasm_extended_const(enable),
        "function-references" => config.wasm_function_references(enable),
        "relaxed-simd" => config.wasm_relaxed_simd(enable),
        "wide-arithmetic" => config.wasm_wide_arithmetic(enable),
        "custom-page-sizes" => config.wasm_custom_page_sizes(enable),
        "exceptions" | "exception-handling" => config.wasm_exceptions(enable),
        _ => bail!(
            "unknown wasm feature `{key}` (known: {}, fuel=N, max-wasm-stack=BYTES, \
             timeout=DURATION, max-memory-size=BYTES, nan-canonicalization=y|n, \
             unknown-imports-trap=y|n, unknown-imports-default=y|n)",
            FEATURES.join(", ")
        ),
    };
    Ok(())
}

/// The items of `--wasm` values: `NAME` or `NAME=VALUE`, several per value
/// when joined by commas; names and values are trimmed, empty items dropped.
pub fn wasm_items(wasm: &[String]) -> impl Iterator<Item = (&str, Option<&str>)> {
    wasm.iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (item, None),
        })
}

/// `y`/`n` and their usual synonyms; no value means on.
pub fn parse_switch(name: &str, value: Option<&str>) -> Result<bool> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("y" | "yes" | "true" | "on" | "1") => Ok(true),
        Some("n" | "no" | "false" | "off" | "0") => Ok(false),
        Some(other) => bail!("`{name}={other}`: expected `{name}=y` or `{name}=n`"),
    }
}

/// Parses `-O`'s value: `none|speed|size`, or wasmtime's
/// `opt-level=0|1|2|s`.
pub fn parse_opt_level(s: &str) -> Result<OptLevel, String> {
    let level = s.strip_prefix("opt-level=").unwrap_or(s);
    match level {
        "none" | "0" => Ok(OptLevel::None),
        "speed" | "1" | "2" => Ok(OptLevel::Speed),
        "size" | "s" | "speed-and-size" => Ok(OptLevel::SpeedAndSize),
        _ => Err(format!(
            "unknown optimisation level `{s}` (expected none, speed or size)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(wasm: &[&str]) -> EngineOptions {
        EngineOptions {
            wasm: wasm.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert!(parse_duration("5 days").is_err());
        assert!(parse_duration("ms").is_err());
        let s = opts(&["timeout=10ms,max-memory-size=65536"])
            .settings()
            .unwrap();
        assert_eq!(s.timeout, Some(Duration::from_millis(10)));
        assert_eq!(s.max_memory_size, Some(65536));
        assert!(opts(&["timeout"]).settings().is_err());
    }

    #[test]
    fn opt_levels() {
        assert!(matches!(parse_opt_level("none"), Ok(OptLevel::None)));
        assert!(matches!(
            parse_opt_level("opt-level=2"),
            Ok(OptLevel::Speed)
        ));
        assert!(matches!(
            parse_opt_level("size"),
            Ok(OptLevel::SpeedAndSize)
        ));
        assert!(parse_opt_level("fast").is_err());
    }

    #[test]
    fn features_and_aliases() {
        let s = opts(&["threads", "simd=n,tail_call=y", "fuel=10"])
            .settings()
            .unwrap();
        assert_eq!(s.fuel, Some(10));
        assert!(opts(&["gc"]).settings().is_err());
        // Every listed name is accepted, on and off.
        for name in FEATURES {
            opts(&[&format!("{name}=y")]).settings().unwrap();
            opts(&[&format!("{name}=n")]).settings().unwrap();
        }
        assert!(opts(&["simd=maybe"]).settings().is_err());
        assert!(opts(&["fuel"]).settings().is_err());
    }

    #[test]
    fn cache_options() {
        let codegen = |c: &[&str]| {
            EngineOptions {
                codegen: c.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            }
            .settings()
            .map(|s| s.cache)
        };
        assert_eq!(codegen(&[]).unwrap(), CacheChoice::Default);
        assert_eq!(codegen(&["cache=n"]).unwrap(), CacheChoice::Off);
        assert_eq!(codegen(&["cache=y"]).unwrap(), CacheChoice::Default);
        assert_eq!(
            codegen(&["cache-dir=/tmp/x"]).unwrap(),
            CacheChoice::Dir("/tmp/x".into())
        );
        // Off wins, wherever it is written.
        assert_eq!(
            codegen(&["cache=n,cache-dir=/tmp/x"]).unwrap(),
            CacheChoice::Off
        );
        assert!(codegen(&["cache=maybe"]).is_err());
        assert!(codegen(&["cache-dir"]).is_err());
        assert!(codegen(&["opt-level=2"]).is_err());
        assert_eq!(codegen(&["lazy=y,cache=n"]).unwrap(), CacheChoice::Off);
        assert!(codegen(&["lazy=maybe"]).is_err());
        assert_eq!(codegen(&["inlining=n"]).unwrap(), CacheChoice::Default);
        assert!(codegen(&["inlining=maybe"]).is_err());
    }
}
