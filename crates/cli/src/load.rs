//! Loading the module a command names: WebAssembly binary, text, or a
//! module precompiled by `kiln compile`.

use anyhow::{Context, Result, anyhow, bail};
use kiln::{Engine, Module};

/// The first bytes of a module written by `kiln::Module::serialize`.
///
/// `kiln` does not export its magic; a unit test checks that this copy
/// still matches what `serialize` writes.
pub const PRECOMPILED_MAGIC: &[u8] = b"\0kilnmod";

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
    } else if bytes.starts_with(PRECOMPILED_MAGIC) || path.ends_with(".cwasm") {
        ModuleKind::Precompiled
    } else {
        ModuleKind::Text
    }
}

/// Reads `path` and compiles it, or loads it without compiling if it is
/// precompiled (refused if it was made by another Kiln or configuration).
pub fn load_module(engine: &Engine, path: &str) -> Result<Module> {
    let bytes = std::fs::read(path).with_context(|| format!("failed to read `{path}`"))?;
    match module_kind(path, &bytes) {
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
    // A `.cwasm` is trusted like the `kiln` binary itself: `kiln compile`
    // wrote it and the user asked to run it. Kiln checks the magic, version
    // and engine configuration before mapping anything, so artifacts from
    // another Kiln or other flags are refused, not run.
    // SAFETY: the bytes are trusted to be Kiln's own output (see above).
    let module = unsafe { Module::deserialize(engine, bytes) };
    module.map_err(|e| {
        let what = format!("failed to load precompiled module `{path}`");
        match summarize_incompatibility(&e) {
            Some(summary) => anyhow!(
                "{what}: it is incompatible with this kiln, made by another version, for \
                 another CPU or with other options ({summary}); compile it again with \
                 `kiln compile` and the same -O/--wasm/--fuel options as `kiln run`"
            ),
            None => e.context(what),
        }
    })
}

/// Kiln refuses a mismatched artifact with both compatibility keys in the
/// message (version, target, every Cranelift flag, wasm features and
/// tunables: dozens of lines). This boils them down to what differs, e.g.
/// `the file has opt_level = none; this kiln has opt_level = speed`.
fn summarize_incompatibility(error: &anyhow::Error) -> Option<String> {
    let message = error.root_cause().to_string();
    let rest = message.split_once("it was built by `")?.1;
    let (built, rest) = rest.split_once("`, this engine is `")?;
    let expected = rest.strip_suffix('`')?;
    let items = |key: &str| -> Vec<String> {
        key.split(['\n', ',', '|', '[', ']', '(', ')', '{', '}'])
            .map(|s| s.replace('"', "").trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let (built, expected) = (items(built), items(expected));
    let only = |a: &[String], b: &[String]| -> String {
        let diff: Vec<&str> = a
            .iter()
            .filter(|x| !b.contains(x))
            .map(String::as_str)
            .collect();
        if diff.is_empty() {
            "nothing else".to_string()
        } else {
            diff.join(", ")
        }
    };
    Some(format!(
        "the file has {}; this kiln has {}",
        only(&built, &expected),
        only(&expected, &built)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(module_kind("x", b"\0asm\x01\0\0\0"), ModuleKind::Binary);
        assert_eq!(
            module_kind("x.wasm", b"\0kilnmod..."),
            ModuleKind::Precompiled
        );
        assert_eq!(module_kind("x.cwasm", b"junk"), ModuleKind::Precompiled);
        assert_eq!(module_kind("x.wat", b"(module)"), ModuleKind::Text);
    }

    #[test]
    fn the_magic_matches_what_kiln_writes() {
        let engine = Engine::default();
        let module = Module::new(&engine, "(module)").unwrap();
        assert!(module.serialize().unwrap().starts_with(PRECOMPILED_MAGIC));
    }

    #[test]
    fn incompatibilities_are_summarised() {
        let e = anyhow!(
            "the precompiled module is incompatible with this engine: it was built by \
             `kiln 0.1.0 | x86\nopt_level = \"none\"\n Tunables {{ consume_fuel: true }}`, \
             this engine is `kiln 0.1.0 | x86\nopt_level = \"speed\"\n Tunables {{ consume_fuel: false }}`"
        );
        assert_eq!(
            summarize_incompatibility(&e).unwrap(),
            "the file has opt_level = none, consume_fuel: true; \
             this kiln has opt_level = speed, consume_fuel: false"
        );
        assert!(summarize_incompatibility(&anyhow!("corrupt")).is_none());
    }
}
