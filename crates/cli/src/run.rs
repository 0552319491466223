//! `kiln run`: instantiate a module and call one of its exports.

use anyhow::{Context, Result, bail};
use kiln::{Engine, Instance, Module, Store, Val, ValType};

/// Parses a command-line argument as a value of type `ty`.
pub fn parse_arg(ty: ValType, s: &str) -> Result<Val> {
    Ok(match ty {
        ValType::I32 => Val::I32(
            s.parse::<i64>()
                .with_context(|| format!("`{s}` is not an i32"))? as i32,
        ),
        ValType::I64 => Val::I64(
            s.parse::<i128>()
                .with_context(|| format!("`{s}` is not an i64"))? as i64,
        ),
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

/// Formats a result the way `wasmtime run --invoke` prints it.
pub fn format_val(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::V128(x) => format!("{x:#034x}"),
        Val::FuncRef(f) => {
            if f.is_some() {
                "<funcref>".into()
            } else {
                "null".into()
            }
        }
        Val::ExternRef(r) => {
            if r.is_some() {
                "<externref>".into()
            } else {
                "null".into()
            }
        }
    }
}

/// Loads `path` (`.wasm` or `.wat`), calls export `name` with `args`, and
/// returns the printed results.
pub fn run_invoke(engine: &Engine, path: &str, name: &str, args: &[String]) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).with_context(|| format!("failed to read `{path}`"))?;
    let module =
        Module::new(engine, &bytes).with_context(|| format!("failed to compile `{path}`"))?;
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).context("failed to instantiate")?;
    let func = instance
        .get_func(&mut store, name)
        .with_context(|| format!("`{path}` has no exported function `{name}`"))?;
    let ty = func.ty(&store);
    if args.len() != ty.params().len() {
        bail!(
            "`{name}` takes {} arguments but {} were given",
            ty.params().len(),
            args.len()
        );
    }
    let params = ty
        .params()
        .iter()
        .zip(args)
        .map(|(t, a)| parse_arg(*t, a))
        .collect::<Result<Vec<_>>>()?;
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    func.call(&mut store, &params, &mut results)?;
    Ok(results.iter().map(format_val).collect())
}
