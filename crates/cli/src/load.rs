//! Loading the module a command names: WebAssembly binary, text, or a
//! module precompiled by `kiln compile`.

use anyhow::{Context, Result, anyhow, bail};
use kiln::{Engine, Module};

/// The first bytes of a WebAssembly binary.
const WASM_MAGIC: &[u8] = b"\0asm";

/// What a file holds, judged by its first bytes (and, for a file too
/// damaged to tell, its extension).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ModuleKind {
    /// A WebAssembly binary.
    Binary,
    /// WebAssembly text.
    Text,
    /// A module precompiled by `kiln compile`.
    Precompiled,
}

/// Classifies a module file from its contents and name.
pub fn module_kind(path: &str, bytes: &[u8]) -> ModuleKind {
    if bytes.starts_with(WASM_MAGIC) {
        ModuleKind::Binary
    } else if Module::is_precompiled(bytes) || path.ends_with(".cwasm") {
        ModuleKind::Precompiled
    } else {
        ModuleKind::Text
    }
}

/// Reads `path` and compiles it, or loads it without compiling if it is
/// precompiled. A precompiled module is native code, so it is refused
/// unless `allow_precompiled` (the user passed `--allow-precompiled`), and
/// also if it was made by another Kiln or configuration.
pub fn load_module(engine: &Engine, path: &str, allow_precompiled: bool) -> Result<Module> {
    let bytes = std::fs::read(path).with_context(|| format!("failed to read `{path}`"))?;
    match module_kind(path, &bytes) {
        ModuleKind::Precompiled if !allow_precompiled => bail!(
            "`{path}` is a precompiled module (native code); pass --allow-precompiled to run it"
        ),
        ModuleKind::Precompiled => load_precompiled(engine, path, &bytes),
        ModuleKind::Binary | ModuleKind::Text => {
            Module::new(engine, &bytes).with_context(|| format!("failed to compile `{path}`"))
        }
    }
}

/// Compiles a binary or text module; refuses one that is already
/// precompiled.
pub fn compile_module(engine: &Engine, path: &str) -> Result<Module> {
    let bytes = std::fs::read(path).with_context(|| format!("failed to read `{path}`"))?;
    if module_kind(path, &bytes) == ModuleKind::Precompiled {
        bail!("`{path}` is already precompiled");
    }
    Module::new(engine, &bytes).with_context(|| format!("failed to compile `{path}`"))
}

fn load_precompiled(engine: &Engine, path: &str, bytes: &[u8]) -> Result<Module> {
    // A `.cwasm` is trusted like the `kiln` binary itself: the user said so
    // with `--allow-precompiled`. Kiln checks the magic, version
    // and engine configuration before mapping anything, so artifacts from
    // another Kiln or other flags are refused, not run.
    // SAFETY: the bytes are trusted to be Kiln's own output (see above).
    let module = unsafe { Module::deserialize(engine, bytes) };
    module.map_err(|e| {
        let what = format!("failed to load precompiled module `{path}`");
        if e.to_string().contains("incompatible") {
            anyhow!(
                "{what}: {e}; compile it again with `kiln compile` and the same \
                 -O/--wasm/--fuel options as `kiln run`"
            )
        } else {
            e.context(what)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(module_kind("x", b"\0asm\x01\0\0\0"), ModuleKind::Binary);
        let engine = Engine::default();
        let serialized = Module::new(&engine, "(module)")
            .unwrap()
            .serialize()
            .unwrap();
        assert_eq!(module_kind("x.wasm", &serialized), ModuleKind::Precompiled);
        assert_eq!(module_kind("x.cwasm", b"junk"), ModuleKind::Precompiled);
        assert_eq!(module_kind("x.wat", b"(module)"), ModuleKind::Text);
    }
}
