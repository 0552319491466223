//! Compiled modules.

use crate::cache::{self, Entry, Source};
use crate::lazy::LazyFunctions;
use crate::{Engine, ExportType, ExternType, ImportType};
use anyhow::{Context, Result};
use kiln_compiler::{CompiledModule, FunctionLoc};
use kiln_types::{EngineTypeIndex, EntityIndex, HeapType, ModuleInfo, TypeIndex, TypeKind};
use kiln_vm::{
    CodeMemory, CodeRegistration, FunctionSite, ModuleRuntime, RegisteredCode, TrapSite,
    VMFunctionBody, VMSharedSignatureIndex, VMTrampoline, register_code,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Keeps a module's code mapped and registered, and its rec groups' types alive.
struct ModuleCode {
    _registration: RegisteredCode,
    _code: CodeMemory,
    engine: Engine,
    /// One type id per registered rec group.
    groups: Vec<VMSharedSignatureIndex>,
}

impl Drop for ModuleCode {
    fn drop(&mut self) {
        for s in &self.groups {
            self.engine.inner.types.unregister(*s);
        }
    }
}

/// Registers the module's types with the engine, a rec group at a time,
/// and returns each type's canonical id plus one id per group (to
/// unregister). References to types of the same group become group
/// positions in the key, references to earlier types their engine ids.
fn register_types(
    engine: &Engine,
    info: &ModuleInfo,
) -> Result<(Vec<VMSharedSignatureIndex>, Vec<VMSharedSignatureIndex>)> {
    let registry = &engine.inner.types;
    let mut ids: Vec<VMSharedSignatureIndex> = Vec::with_capacity(info.types.len());
    let mut groups = Vec::with_capacity(info.rec_groups.len());
    let release = |groups: &[VMSharedSignatureIndex]| {
        for g in groups {
            registry.unregister(*g);
        }
    };
    for range in &info.rec_groups {
        let key = info.types[range.start as usize..range.end as usize]
            .iter()
            .map(|t| {
                t.map_module(&mut |TypeIndex(j), kind| {
                    if range.contains(&j) {
                        HeapType::RecGroup(j - range.start, kind)
                    } else {
                        ids.get(j as usize)
                            .map_or(HeapType::Module(TypeIndex(j), kind), |id| {
                                HeapType::Engine(EngineTypeIndex(id.bits()), kind)
                            })
                    }
                })
            })
            .collect();
        match registry.register_group(key) {
            Ok(group) => {
                groups.extend(group.first().copied());
                ids.extend(group);
            }
            Err(e) => {
                release(&groups);
                return Err(e.context("registering the module's types"));
            }
        }
    }
    if ids.len() != info.types.len() {
        release(&groups);
        anyhow::bail!("the module's rec groups do not cover its types");
    }
    Ok((ids, groups))
}

/// A compiled WebAssembly module, ready to instantiate. Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) engine: Engine,
    pub(crate) runtime: Arc<ModuleRuntime>,
    /// What [`Module::serialize`] writes.
    artifact: Arc<Artifact>,
    /// Exports by name, so finding one is not a scan of them all.
    exports_by_name: Arc<HashMap<String, EntityIndex>>,
}

/// What [`Module::serialize`] is made from.
enum Artifact {
    /// The compiler's output, less its `info` (moved to the runtime).
    Compiled(Box<CompiledModule>),
    /// The cache entry the module was loaded from, decoded again to
    /// serialize: keeping it costs no copy of the code and address map.
    Cached(Entry),
    /// The binary of a lazily compiled module, compiled in full to serialize.
    Lazy(Arc<[u8]>),
}

/// The first bytes of every serialized module.
const MAGIC: &[u8; 8] = b"\0kilnmod";

/// The version of [`CompiledModule`]'s layout, part of the compatibility
/// key of serialized modules and cache entries: bumped whenever a field
/// is added, removed or changed, or what it means (2: stack maps; 3:
/// exnrefs in them).
const ARTIFACT_FORMAT: u32 = 3;

/// The start of a cache entry's payload: the compatibility key, the lengths
/// of the parts stored raw after it, and the rest of the compiler output
/// (`C` is `&CompiledModule` when writing, `CompiledModule` when reading).
#[derive(serde::Serialize, serde::Deserialize)]
struct CacheMeta<C> {
    key: Vec<String>,
    code_len: u64,
    data_len: u64,
    address_map_len: u64,
    compiled: C,
}

/// A cache payload taken apart: the compiler output without its code, data
/// bytes and address map, and those three as stored.
struct CacheParts<'a> {
    compiled: CompiledModule,
    code: &'a [u8],
    data: &'a [u8],
    /// Little-endian `u32` pairs.
    address_map: &'a [u8],
}

impl<'a> CacheParts<'a> {
    /// Takes `payload` apart, checking that it was made for `engine` and
    /// that the parts' lengths add up.
    fn split(engine: &Engine, payload: &'a [u8]) -> Result<CacheParts<'a>> {
        let (meta, rest): (CacheMeta<CompiledModule>, &[u8]) =
            postcard::take_from_bytes(payload).context("corrupt cache entry")?;
        if meta.key != compatibility_key(engine) {
            anyhow::bail!("the cache entry was compiled for another configuration");
        }
        let len = |n: u64| usize::try_from(n).ok();
        let (Some(code_len), Some(data_len), Some(map_len)) = (
            len(meta.code_len),
            len(meta.data_len),
            len(meta.address_map_len).and_then(|n| n.checked_mul(8)),
        ) else {
            anyhow::bail!("corrupt cache entry: impossible lengths");
        };
        if Some(rest.len())
            != code_len
                .checked_add(data_len)
                .and_then(|n| n.checked_add(map_len))
        {
            anyhow::bail!("corrupt cache entry: the parts' lengths do not add up");
        }
        let (code, rest) = rest.split_at(code_len);
        let (data, address_map) = rest.split_at(data_len);
        Ok(CacheParts {
            compiled: meta.compiled,
            code,
            data,
            address_map,
        })
    }
}

/// The address map from its stored form, little-endian `u32` pairs.
fn decode_address_map(raw: &[u8]) -> Vec<(u32, u32)> {
    let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    raw.chunks_exact(8)
        .map(|pair| (word(&pair[..4]), word(&pair[4..])))
        .collect()
}

/// What a serialized module must match to be loaded by this engine: the
/// Kiln version and the compiler's fingerprint, one item each.
pub(crate) fn compatibility_key(engine: &Engine) -> Vec<String> {
    let mut key = vec![
        format!("kiln = {}", env!("CARGO_PKG_VERSION")),
        format!("artifact format = {ARTIFACT_FORMAT}"),
    ];
    key.extend(engine.inner.compiler.fingerprint());
    key
}

/// Names what differs between two compatibility keys, e.g.
/// `the file has opt_level = none; this kiln has opt_level = speed`.
fn describe_mismatch(file: &[String], ours: &[String]) -> String {
    let only = |a: &[String], b: &[String]| {
        let items: Vec<&str> = a
            .iter()
            .filter(|x| !b.contains(x))
            .map(String::as_str)
            .collect();
        if items.is_empty() {
            "nothing else".to_string()
        } else {
            items.join(", ")
        }
    };
    format!(
        "the file has {}; this kiln has {}",
        only(file, ours),
        only(ours, file)
    )
}

impl Module {
    /// Compiles a module from its binary or text form.
    ///
    /// With a [`crate::Config::cache`], a module compiled before from the
    /// same bytes is loaded from the cache instead (text without being
    /// parsed again).
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        if let Some(cache) = &engine.config().cache
            && !bytes.starts_with(b"\0asm")
            && !engine.config().lazy_compilation
        {
            let key = cache::key(engine, Source::Text, bytes);
            return cache.get_or_compile(engine, &key, || {
                engine
                    .inner
                    .compiler
                    .compile_module(&wat::parse_bytes(bytes)?)
            });
        }
        let bytes = wat::parse_bytes(bytes)?;
        Self::from_binary(engine, &bytes)
    }

    /// Compiles a module from its binary form.
    ///
    /// With a [`crate::Config::cache`], a module compiled before from the
    /// same bytes is loaded from the cache instead.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        if engine.config().lazy_compilation {
            // A module compiled before loads faster than it compiles lazily.
            if let Some(cache) = &engine.config().cache {
                let key = cache::key(engine, Source::Binary, bytes);
                if let Some(module) = cache.get(engine, &key) {
                    return Ok(module);
                }
            }
            return Self::lazily(engine, bytes);
        }
        let compile = || engine.inner.compiler.compile_module(bytes);
        match &engine.config().cache {
            Some(cache) => {
                let key = cache::key(engine, Source::Binary, bytes);
                cache.get_or_compile(engine, &key, compile)
            }
            None => Self::from_compiled(engine, compile()?),
        }
    }

    /// `compiled` in the compilation cache's form, as parts to be stored one
    /// after the other: postcard of [`CacheMeta`], then the code, the data
    /// bytes and the address map (little-endian `u32` pairs). Those three
    /// are kept out of postcard, which decodes them an element at a time
    /// (4 ms for 1.2 MB of code), so loading a cached module is mostly
    /// copying.
    pub(crate) fn cache_parts(
        engine: &Engine,
        compiled: &mut CompiledModule,
    ) -> Result<[Vec<u8>; 4]> {
        let code = std::mem::take(&mut compiled.code);
        let data = std::mem::take(&mut compiled.info.data_bytes);
        let address_map = std::mem::take(&mut compiled.address_map);
        let meta = postcard::to_stdvec(&CacheMeta {
            key: compatibility_key(engine),
            code_len: code.len() as u64,
            data_len: data.len() as u64,
            address_map_len: address_map.len() as u64,
            compiled: &*compiled,
        });
        let raw_map = address_map
            .iter()
            .flat_map(|(code, wasm)| [code.to_le_bytes(), wasm.to_le_bytes()])
            .flatten()
            .collect();
        compiled.code = code;
        compiled.info.data_bytes = data;
        compiled.address_map = address_map;
        Ok([
            meta?,
            compiled.code.clone(),
            compiled.info.data_bytes.clone(),
            raw_map,
        ])
    }

    /// Loads a module from a cache entry holding its
    /// [`Module::cache_parts`]; the module keeps the entry.
    ///
    /// # Safety
    /// As for [`Module::deserialize`]: the payload is trusted to be what
    /// `cache_parts` wrote.
    pub(crate) unsafe fn from_cache_entry(engine: &Engine, entry: Entry) -> Result<Module> {
        let parts = CacheParts::split(engine, entry.payload())?;
        let mut compiled = parts.compiled;
        compiled.info.data_bytes = parts.data.to_vec();
        let info = std::mem::take(&mut compiled.info);
        let address_map = decode_address_map(parts.address_map);
        let (runtime, exports_by_name) =
            Self::load(engine, info, &compiled, parts.code, address_map)?;
        Ok(Module {
            engine: engine.clone(),
            runtime: Arc::new(runtime),
            artifact: Arc::new(Artifact::Cached(entry)),
            exports_by_name: Arc::new(exports_by_name),
        })
    }

    /// The module in Kiln's precompiled format, for [`Module::deserialize`].
    pub fn serialize(&self) -> Result<Vec<u8>> {
        // Either way the `info` is the runtime's.
        let info = (**self.info()).clone();
        let compiled = match &*self.artifact {
            Artifact::Compiled(a) => CompiledModule {
                info,
                code: a.code.clone(),
                functions: a.functions.clone(),
                trampolines: a.trampolines.clone(),
                traps: a.traps.clone(),
                address_map: a.address_map.clone(),
                exception_sites: a.exception_sites.clone(),
                stack_maps: a.stack_maps.clone(),
                inlined: a.inlined.clone(),
                relocs: a.relocs.clone(),
            },
            Artifact::Cached(entry) => {
                let parts = CacheParts::split(&self.engine, entry.payload())?;
                CompiledModule {
                    info,
                    code: parts.code.to_vec(),
                    address_map: decode_address_map(parts.address_map),
                    ..parts.compiled
                }
            }
            Artifact::Lazy(bytes) => CompiledModule {
                info,
                ..self.engine.inner.compiler.compile_module(bytes)?
            },
        };
        let mut out = MAGIC.to_vec();
        out.extend(postcard::to_stdvec(&(
            compatibility_key(&self.engine),
            &compiled,
        ))?);
        Ok(out)
    }

    /// Loads a module produced by [`Module::serialize`] without compiling it.
    /// Fails if it was made by another Kiln version or for another
    /// configuration or CPU.
    ///
    /// # Safety
    /// The bytes are trusted to be machine code Kiln produced: an artifact
    /// that was tampered with can run arbitrary code.
    pub unsafe fn deserialize(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        let Some(body) = bytes.strip_prefix(MAGIC.as_slice()) else {
            anyhow::bail!("not a precompiled Kiln module");
        };
        // The key first, so that a module of another format is refused by
        // it before its body is decoded.
        let (key, body): (Vec<String>, &[u8]) =
            postcard::take_from_bytes(body).context("corrupt precompiled module")?;
        let expected = compatibility_key(engine);
        if key != expected {
            anyhow::bail!(
                "the precompiled module is incompatible with this engine: {}",
                describe_mismatch(&key, &expected)
            );
        }
        let compiled: CompiledModule =
            postcard::from_bytes(body).context("corrupt precompiled module")?;
        Self::from_compiled(engine, compiled)
    }

    /// Whether `bytes` start like the output of [`Module::serialize`].
    pub fn is_precompiled(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// Loads a file written from [`Module::serialize`].
    ///
    /// # Safety
    /// As for [`Module::deserialize`].
    pub unsafe fn deserialize_file(
        engine: &Engine,
        path: impl AsRef<std::path::Path>,
    ) -> Result<Module> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        // SAFETY: forwarded to the caller.
        unsafe { Self::deserialize(engine, bytes) }
    }

    /// Validates `bytes` and compiles only its trampolines; each function
    /// is compiled when first called (see [`crate::Config::lazy_compilation`]).
    fn lazily(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let lazy = engine.inner.compiler.compile_module_lazily(bytes)?;
        let mut compiled = lazy.compiled;
        let info = std::mem::take(&mut compiled.info);
        let (mut runtime, exports_by_name) =
            Self::load(engine, info, &compiled, &compiled.code, Vec::new())?;
        let bytes: Arc<[u8]> = Arc::from(bytes);
        let functions = LazyFunctions::new(
            engine,
            bytes.clone(),
            lazy.bodies,
            lazy.types,
            runtime.info.clone(),
            runtime.offsets.clone(),
        )?;
        runtime.function_bodies = (0..runtime.info.num_defined_funcs())
            .map(|i| functions.entry(kiln_types::DefinedFuncIndex::from_usize(i)))
            .collect();
        // The module's trampolines and types, and now its functions too.
        let code = std::mem::replace(&mut runtime.keepalive, Box::new(()));
        runtime.keepalive = Box::new((code, functions.clone()));
        if engine.config().compile_in_background {
            functions.compile_rest_in_background();
        }
        Ok(Module {
            engine: engine.clone(),
            runtime: Arc::new(runtime),
            artifact: Arc::new(Artifact::Lazy(bytes)),
            exports_by_name: Arc::new(exports_by_name),
        })
    }

    /// Loads the compiler's output.
    pub(crate) fn from_compiled(engine: &Engine, mut compiled: CompiledModule) -> Result<Module> {
        // Moved, not cloned (names and exports make it large): `serialize`
        // takes it from the runtime.
        let info = std::mem::take(&mut compiled.info);
        let address_map = compiled.address_map.clone();
        let (runtime, exports_by_name) =
            Self::load(engine, info, &compiled, &compiled.code, address_map)?;
        Ok(Module {
            engine: engine.clone(),
            runtime: Arc::new(runtime),
            artifact: Arc::new(Artifact::Compiled(Box::new(compiled))),
            exports_by_name: Arc::new(exports_by_name),
        })
    }

    /// Maps `code` (with `compiled`'s relocations), registers it and the
    /// module's types, and builds the runtime and the export map.
    /// `compiled`'s own `info`, `code` and `address_map` are not used.
    fn load(
        engine: &Engine,
        info: ModuleInfo,
        compiled: &CompiledModule,
        code: &[u8],
        address_map: Vec<(u32, u32)>,
    ) -> Result<(ModuleRuntime, HashMap<String, EntityIndex>)> {
        let code = CodeMemory::new(code, &compiled.relocs).context("loading compiled code")?;
        let base = code.base();
        let info = Arc::new(info);
        let exports_by_name = info
            .exports
            .iter()
            .rev() // the first export of a name wins, as in a scan
            .map(|e| (e.name.clone(), e.index))
            .collect();
        let defined = (0..compiled.functions.len()).map(kiln_types::DefinedFuncIndex::from_usize);
        let registration = register_functions(
            engine,
            &info,
            &code,
            defined.zip(compiled.functions.iter().copied()),
            CodeMaps {
                traps: &compiled.traps,
                address_map,
                exception_sites: compiled.exception_sites.clone(),
                stack_maps: compiled.stack_maps.clone(),
                inlined: compiled.inlined.clone(),
            },
        );
        let (signatures, groups) = register_types(engine, &info)?;
        // SAFETY: every offset is the start of a function in the mapped code.
        let (function_bodies, trampolines) = unsafe {
            (
                compiled
                    .functions
                    .iter()
                    .map(|f| base.add(f.start as usize) as *const VMFunctionBody)
                    .collect(),
                compiled
                    .trampolines
                    .iter()
                    .map(|t| {
                        t.map(|t| {
                            std::mem::transmute::<*const u8, VMTrampoline>(base.add(t as usize))
                        })
                    })
                    .collect(),
            )
        };
        let offsets = kiln_types::VMOffsets::new(std::mem::size_of::<usize>() as u8, &info);
        let runtime = ModuleRuntime {
            info,
            offsets,
            signature_ids: signatures.clone().into_boxed_slice(),
            function_bodies,
            trampolines,
            keepalive: Box::new(ModuleCode {
                _registration: registration,
                _code: code,
                engine: engine.clone(),
                groups,
            }),
            memory_images: Default::default(),
            anyfunc_template: Default::default(),
            function_elements: Default::default(),
            table_images: Default::default(),
            spare_allocations: Default::default(),
        };
        Ok((runtime, exports_by_name))
    }

    /// Checks that `bytes` is a valid module for `engine`, without compiling it.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        engine.inner.compiler.validate(bytes)
    }

    /// The engine the module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.info().name.as_deref()
    }

    pub(crate) fn info(&self) -> &Arc<ModuleInfo> {
        &self.runtime.info
    }

    /// The entity exported as `name`.
    pub(crate) fn export_index(&self, name: &str) -> Option<EntityIndex> {
        self.exports_by_name.get(name).copied()
    }

    /// The canonical id of the module's type `t`.
    pub(crate) fn signature(&self, t: TypeIndex) -> VMSharedSignatureIndex {
        self.runtime.signature_ids[t.index()]
    }

    /// Maps module type indices to engine ids, giving the engine-wide form
    /// of a type that the API and every runtime check use.
    pub(crate) fn to_engine(&self) -> impl FnMut(TypeIndex, TypeKind) -> HeapType + '_ {
        |t, kind| HeapType::Engine(EngineTypeIndex(self.signature(t).bits()), kind)
    }

    /// The engine-wide type of function `f`.
    pub(crate) fn func_type(&self, f: kiln_types::FuncIndex) -> crate::FuncType {
        let info = self.info();
        info.func_type(f).map_module(&mut self.to_engine())
    }

    /// The engine-wide type of table `t`.
    pub(crate) fn table_type(&self, t: kiln_types::TableIndex) -> crate::TableType {
        self.info().tables[t.index()].map_module(&mut self.to_engine())
    }

    /// The engine-wide type of global `g`.
    pub(crate) fn global_type(&self, g: kiln_types::GlobalIndex) -> crate::GlobalType {
        self.info().globals[g.index()].map_module(&mut self.to_engine())
    }

    /// The engine-wide type of tag `t`.
    pub(crate) fn tag_type(&self, t: kiln_types::TagIndex) -> crate::TagType {
        let info = self.info();
        crate::TagType::new(
            info.func_type_at(info.tags[t.index()])
                .map_module(&mut self.to_engine()),
        )
    }

    fn entity_type(&self, e: EntityIndex) -> ExternType {
        match e {
            EntityIndex::Function(f) => ExternType::Func(self.func_type(f)),
            EntityIndex::Table(t) => ExternType::Table(self.table_type(t)),
            EntityIndex::Memory(m) => ExternType::Memory(self.info().memories[m.index()]),
            EntityIndex::Global(g) => ExternType::Global(self.global_type(g)),
            EntityIndex::Tag(t) => ExternType::Tag(self.tag_type(t)),
        }
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType<'_>> {
        self.info().exports.iter().map(|e| ExportType {
            name: &e.name,
            ty: self.entity_type(e.index),
        })
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType<'_>> {
        self.info().imports.iter().map(|i| ImportType {
            module: &i.module,
            name: &i.name,
            ty: self.entity_type(i.index),
        })
    }

    /// The export called `name`, if any.
    pub fn get_export(&self, name: &str) -> Option<ExternType> {
        self.export_index(name).map(|e| self.entity_type(e))
    }

    /// Compiles the module in the file at `path` (binary or text).
    pub fn from_file(engine: &Engine, path: impl AsRef<std::path::Path>) -> Result<Module> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        Self::new(engine, bytes).with_context(|| format!("failed to compile `{}`", path.display()))
    }
}

/// What the runtime looks up by code offset in one blob of compiled code.
pub(crate) struct CodeMaps<'a> {
    /// Trap sites, sorted by offset.
    pub traps: &'a [(u32, kiln_types::TrapCode)],
    /// (code offset, wasm module offset) pairs, sorted by code offset.
    pub address_map: Vec<(u32, u32)>,
    /// Calls made inside `try_table`, sorted by return address.
    pub exception_sites: Vec<kiln_types::ExceptionCallSite>,
    /// Stack maps of the calls across which GC references are live,
    /// sorted by return address.
    pub stack_maps: Vec<kiln_types::StackMapSite>,
    /// Where inlined code came from.
    pub inlined: Vec<kiln_types::InlinedCode>,
}

/// Registers `code`, holding `functions` (each defined function's index
/// and place) described by `maps`, so that faults in it are traps,
/// backtraces name its functions (inlined ones too) and throws find its
/// handlers; with the perf-map profiler, also describes the functions to
/// it.
pub(crate) fn register_functions(
    engine: &Engine,
    info: &Arc<ModuleInfo>,
    code: &CodeMemory,
    functions: impl Iterator<Item = (kiln_types::DefinedFuncIndex, FunctionLoc)>,
    maps: CodeMaps<'_>,
) -> RegisteredCode {
    let CodeMaps {
        traps,
        address_map,
        exception_sites,
        stack_maps,
        inlined,
    } = maps;
    let base = code.base() as usize;
    let functions: Vec<FunctionSite> = functions
        .map(|(f, loc)| FunctionSite {
            start: loc.start,
            end: loc.start + loc.len,
            index: info.func_index(f),
        })
        .collect();
    if engine.config().profiler == crate::ProfilingStrategy::PerfMap {
        crate::profiling::write_perf_map(functions.iter().map(|f| {
            (
                base + f.start as usize,
                (f.end - f.start) as usize,
                crate::profiling::function_name(info, f.index),
            )
        }));
    }
    register_code(CodeRegistration {
        start: base,
        len: code.len(),
        functions,
        traps: traps
            .iter()
            .map(|(offset, code)| TrapSite {
                offset: *offset,
                code: *code,
            })
            .collect(),
        address_map,
        exception_sites,
        stack_maps,
        inlined,
        module: info.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::describe_mismatch;

    #[test]
    fn mismatches_name_only_what_differs() {
        let file = [
            "kiln = 0.1.0".to_string(),
            "opt_level = none".into(),
            "consume_fuel: true".into(),
        ];
        let ours = [
            "kiln = 0.1.0".to_string(),
            "opt_level = speed".into(),
            "consume_fuel: true".into(),
        ];
        assert_eq!(
            describe_mismatch(&file, &ours),
            "the file has opt_level = none; this kiln has opt_level = speed"
        );
        assert_eq!(
            describe_mismatch(&file[..2], &file),
            "the file has nothing else; this kiln has consume_fuel: true"
        );
    }
}
