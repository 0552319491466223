//! What the guest sees of the host through WASI: arguments, environment
//! variables and preopened directories (`--dir`, `--env`).

use crate::engine_opts::{parse_switch, wasm_items};
use anyhow::{Context, Result, bail};
use clap::Args;
use kiln_wasi::{WasiCtx, WasiCtxBuilder};
use std::path::Path;

/// WASI options of `kiln run`.
#[derive(Args, Clone, Debug, Default)]
pub struct WasiOptions {
    /// Give the guest the host directory HOST, visible as GUEST (default:
    /// HOST as written). Nothing outside it can be reached: `..`, absolute
    /// paths and symlinks that lead out are refused.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,

    /// Set an environment variable for the guest; `--env NAME` alone passes
    /// the host's value of NAME (nothing if it is unset).
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    pub envs: Vec<String>,

    /// The guest's `argv[0]` (default: FILE's base name, as wasmtime does).
    #[arg(long, value_name = "NAME")]
    pub argv0: Option<String>,

    /// A WASI setting, `KEY[=y|n]`; several may be joined by commas:
    /// `inherit-env` (pass the host's whole environment; default n),
    /// `inherit-stdin`, `inherit-stdout`, `inherit-stderr` (give the guest
    /// the host's stream; default y, with `n` it reads nothing and its
    /// output is discarded), `threads` (wasi-threads: `wasi::thread-spawn`
    /// starts each thread as a new instance on the module's shared memory;
    /// default n).
    #[arg(short = 'S', long = "wasi", value_name = "KEY[=y|n]")]
    pub wasi: Vec<String>,
}

/// The `-S` settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WasiSettings {
    inherit_env: bool,
    inherit_stdin: bool,
    inherit_stdout: bool,
    inherit_stderr: bool,
    threads: bool,
}

impl WasiSettings {
    fn parse(items: &[String]) -> Result<WasiSettings> {
        let mut s = WasiSettings {
            inherit_env: false,
            inherit_stdin: true,
            inherit_stdout: true,
            inherit_stderr: true,
            threads: false,
        };
        // Spelled as `-W`'s switches are.
        for (key, value) in wasm_items(items) {
            let on = parse_switch(key, value)?;
            match key {
                "inherit-env" => s.inherit_env = on,
                "inherit-stdin" => s.inherit_stdin = on,
                "inherit-stdout" => s.inherit_stdout = on,
                "inherit-stderr" => s.inherit_stderr = on,
                "threads" => s.threads = on,
                _ => bail!(
                    "unknown WASI setting `{key}` (known: inherit-env, inherit-stdin, \
                     inherit-stdout, inherit-stderr, threads)"
                ),
            }
        }
        Ok(s)
    }
}

/// One `--dir`: a host directory and the name the guest opens it by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preopen {
    /// The directory on the host.
    pub host: String,
    /// Its name in the guest.
    pub guest: String,
}

/// Parses `HOST[::GUEST]`.
pub fn parse_dir(spec: &str) -> Result<Preopen> {
    let (host, guest) = match spec.split_once("::") {
        Some((h, g)) => (h, g),
        None => (spec, spec),
    };
    if host.is_empty() || guest.is_empty() {
        bail!("`--dir {spec}`: expected HOST or HOST::GUEST");
    }
    Ok(Preopen {
        host: host.to_string(),
        guest: guest.to_string(),
    })
}

/// Parses `NAME[=VALUE]`; a bare NAME takes the host's value, or is left
/// out (`None`) if the host has none.
pub fn parse_env(spec: &str) -> Result<Option<(String, String)>> {
    let (name, value) = match spec.split_once('=') {
        Some((n, v)) => (n, Some(v.to_string())),
        None => (spec, None),
    };
    if name.is_empty() {
        bail!("`--env {spec}`: expected NAME or NAME=VALUE");
    }
    let value = match value {
        Some(v) => v,
        None => match std::env::var(name) {
            Ok(v) => v,
            Err(_) => return Ok(None),
        },
    };
    Ok(Some((name.to_string(), value)))
}

/// `argv[0]` for `file`: its last path component, as wasmtime passes it
/// (so the host path does not leak into the guest).
pub fn program_name(file: &str) -> String {
    Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string())
}

impl WasiOptions {
    /// Whether `-S threads` asks for wasi-threads.
    pub fn threads(&self) -> Result<bool> {
        Ok(WasiSettings::parse(&self.wasi)?.threads)
    }

    /// A context with the process's stdio (unless `-S` says otherwise),
    /// `argv` = program name + `args`, the host's environment with `-S
    /// inherit-env`, the `--env` variables and the `--dir` preopens.
    pub fn build(&self, file: &str, args: &[String]) -> Result<WasiCtx> {
        let settings = WasiSettings::parse(&self.wasi)?;
        let mut builder = WasiCtxBuilder::new();
        if settings.inherit_stdin {
            builder.inherit_stdin();
        }
        if settings.inherit_stdout {
            builder.inherit_stdout();
        }
        if settings.inherit_stderr {
            builder.inherit_stderr();
        }
        let argv0 = self.argv0.clone().unwrap_or_else(|| program_name(file));
        builder.arg(&argv0)?;
        builder.args(args)?;
        let mut envs = Vec::new();
        for spec in &self.envs {
            if let Some(var) = parse_env(spec)? {
                envs.push(var);
            }
        }
        if settings.inherit_env {
            // The host's variables first, except those `--env` sets.
            // (Variables that are not text cannot be passed through WASI's
            // UTF-8 strings, and are left out.)
            for (name, value) in std::env::vars_os() {
                let (Some(name), Some(value)) = (name.to_str(), value.to_str()) else {
                    continue;
                };
                if !envs.iter().any(|(n, _)| n == name) {
                    builder.env(name, value)?;
                }
            }
        }
        for (name, value) in &envs {
            builder.env(name, value)?;
        }
        for spec in &self.dirs {
            let dir = parse_dir(spec)?;
            builder
                .preopened_dir(&dir.host, &dir.guest)
                .with_context(|| format!("`--dir {spec}`"))?;
        }
        Ok(builder.build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs() {
        let d = parse_dir("a/b::/data").unwrap();
        assert_eq!((d.host.as_str(), d.guest.as_str()), ("a/b", "/data"));
        let d = parse_dir(".").unwrap();
        assert_eq!((d.host.as_str(), d.guest.as_str()), (".", "."));
        assert!(parse_dir("::x").is_err());
        assert!(parse_dir("x::").is_err());
    }

    #[test]
    fn envs() {
        assert_eq!(
            parse_env("A=b=c").unwrap(),
            Some(("A".into(), "b=c".into()))
        );
        assert_eq!(parse_env("E=").unwrap(), Some(("E".into(), "".into())));
        assert_eq!(parse_env("KILN_SURELY_UNSET_VARIABLE").unwrap(), None);
        assert!(parse_env("=x").is_err());
    }

    #[test]
    fn wasi_settings() {
        let s = |items: &[&str]| {
            WasiSettings::parse(&items.iter().map(|i| i.to_string()).collect::<Vec<_>>())
        };
        let d = s(&[]).unwrap();
        assert!(!d.inherit_env && d.inherit_stdin && d.inherit_stdout && d.inherit_stderr);
        let t = s(&["inherit-env", "inherit-stdin=n,inherit-stdout=no"]).unwrap();
        assert!(t.inherit_env && !t.inherit_stdin && !t.inherit_stdout && t.inherit_stderr);
        assert!(s(&["inherit-env=maybe"]).is_err());
        assert!(s(&["network"]).is_err());
    }

    #[test]
    fn argv0() {
        assert_eq!(program_name("/a/b/prog.wasm"), "prog.wasm");
        assert_eq!(program_name("prog.wasm"), "prog.wasm");
    }
}
