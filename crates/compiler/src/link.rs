//! Turning Cranelift output into one code blob: functions laid out back to
//! back, direct calls patched, libcall relocations and trap sites collected.

use crate::translate::kiln_trap;
use anyhow::{Result, bail};
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::{
    ExternalName, LibCall as ClifLibCall, UserExternalNameRef, UserStackMap, types,
};
use cranelift_codegen::{
    Context, ExceptionContextLoc, FinalizedMachCallSite, FinalizedMachExceptionHandler,
    FinalizedRelocTarget,
};
use kiln_types::{
    ExceptionCallSite, ExceptionHandler, FuncIndex, INLINED_CODE, InlinedCode, LibCall, ModuleInfo,
    Relocation, StackMapSite, TagIndex, TrapCode,
};

/// Where a function sits in the code blob.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FunctionLoc {
    /// Offset of its first byte.
    pub start: u32,
    /// Its length.
    pub len: u32,
}

#[derive(Debug)]
enum RelocTarget {
    Function(FuncIndex),
    LibCall(LibCall),
}

struct PendingReloc {
    offset: u32,
    kind: Reloc,
    target: RelocTarget,
    addend: i64,
}

/// One function's machine code and what the linker must do with it.
pub(crate) struct CompiledFunction {
    code: Vec<u8>,
    relocs: Vec<PendingReloc>,
    traps: Vec<(u32, TrapCode)>,
    /// (code offset, wasm module offset) at the start of each source range.
    address_map: Vec<(u32, u32)>,
    /// Calls made inside `try_table`, in code order.
    exception_sites: Vec<ExceptionCallSite>,
    /// Calls across which GC references are live, in code order.
    stack_maps: Vec<StackMapSite>,
    /// Where inlined code came from; `address_map` entries flagged with
    /// [`INLINED_CODE`] index this list.
    inlined: Vec<InlinedCode>,
}

/// What the unwinder needs of a call with exception handlers: compiled
/// code gives each such call the calling frame's vmctx as its first
/// (dynamic context) item, then its catch clauses.
fn exception_site(site: &FinalizedMachCallSite<'_>) -> Result<ExceptionCallSite> {
    let Some(frame_offset) = site.frame_offset else {
        bail!("a call with exception handlers has no frame offset");
    };
    let mut vmctx_offset = None;
    let mut handlers = Vec::new();
    for h in site.exception_handlers {
        match *h {
            FinalizedMachExceptionHandler::Context(ExceptionContextLoc::SPOffset(o)) => {
                if vmctx_offset.replace(o).is_some() {
                    bail!("a call has two exception contexts");
                }
            }
            FinalizedMachExceptionHandler::Context(ExceptionContextLoc::GPR(_)) => {
                bail!("an exception context was left in a register")
            }
            FinalizedMachExceptionHandler::Tag(tag, pc) => handlers.push(ExceptionHandler::Tag {
                tag: TagIndex(tag.as_u32()),
                pc,
            }),
            FinalizedMachExceptionHandler::Default(pc) => {
                handlers.push(ExceptionHandler::All { pc })
            }
        }
    }
    let Some(vmctx_offset) = vmctx_offset else {
        bail!("a call with exception handlers has no exception context");
    };
    Ok(ExceptionCallSite {
        ret: site.ret_addr,
        frame_offset,
        vmctx_offset,
        handlers,
    })
}

/// A call's stack map: the frame's offset and the slots of its live
/// references (all pointer-sized: Kiln's references are addresses).
fn stack_map_site(ret: u32, frame_offset: u32, map: &UserStackMap) -> Result<StackMapSite> {
    let slots = map
        .entries()
        .map(|(ty, offset)| {
            if ty != types::I64 {
                bail!("a stack map holds a value of type {ty}");
            }
            Ok(offset)
        })
        .collect::<Result<_>>()?;
    Ok(StackMapSite {
        ret,
        frame_offset,
        slots,
    })
}

fn libcall(l: ClifLibCall) -> Result<LibCall> {
    Ok(match l {
        ClifLibCall::FloorF32 => LibCall::FloorF32,
        ClifLibCall::FloorF64 => LibCall::FloorF64,
        ClifLibCall::CeilF32 => LibCall::CeilF32,
        ClifLibCall::CeilF64 => LibCall::CeilF64,
        ClifLibCall::TruncF32 => LibCall::TruncF32,
        ClifLibCall::TruncF64 => LibCall::TruncF64,
        ClifLibCall::NearestF32 => LibCall::NearestF32,
        ClifLibCall::NearestF64 => LibCall::NearestF64,
        ClifLibCall::FmaF32 => LibCall::FmaF32,
        ClifLibCall::FmaF64 => LibCall::FmaF64,
        other => bail!("unsupported libcall {other:?}"),
    })
}

impl CompiledFunction {
    /// Compiles `ctx.func` and collects its relocations and trap sites;
    /// `inlined` says where the code with flagged source locations came
    /// from.
    pub(crate) fn compile(
        ctx: &mut Context,
        isa: &dyn cranelift_codegen::isa::TargetIsa,
        inlined: Vec<InlinedCode>,
    ) -> Result<Self> {
        crate::compile_ctx(ctx, isa)?;
        let compiled = ctx.compiled_code().expect("just compiled");
        let names = ctx.func.params.user_named_funcs();
        let mut relocs = Vec::new();
        for r in compiled.buffer.relocs() {
            let target = match &r.target {
                FinalizedRelocTarget::ExternalName(ExternalName::User(n)) => {
                    let n: &UserExternalNameRef = n;
                    RelocTarget::Function(FuncIndex(names[*n].index))
                }
                FinalizedRelocTarget::ExternalName(ExternalName::LibCall(l)) => {
                    RelocTarget::LibCall(libcall(*l)?)
                }
                other => bail!("unsupported relocation target {other:?}"),
            };
            relocs.push(PendingReloc {
                offset: r.offset,
                kind: r.kind,
                target,
                addend: r.addend,
            });
        }
        let mut traps = Vec::new();
        for t in compiled.buffer.traps() {
            let Some(code) = kiln_trap(t.code) else {
                bail!("unexpected trap code {}", t.code)
            };
            traps.push((t.offset, code));
        }
        let address_map = compiled
            .buffer
            .get_srclocs_sorted()
            .iter()
            .filter(|l| !l.loc.is_default())
            .map(|l| (l.start, l.loc.bits()))
            .collect();
        let exception_sites = compiled
            .buffer
            .call_sites()
            .filter(|s| !s.exception_handlers.is_empty())
            .map(|s| exception_site(&s))
            .collect::<Result<_>>()?;
        let stack_maps = compiled
            .buffer
            .user_stack_maps()
            .iter()
            .map(|(ret, frame_offset, map)| stack_map_site(*ret, *frame_offset, map))
            .collect::<Result<_>>()?;
        Ok(Self {
            code: compiled.code_buffer().to_vec(),
            relocs,
            traps,
            address_map,
            exception_sites,
            stack_maps,
            inlined,
        })
    }
}

/// A module's compiled code, ready to load (and to serialize).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct CompiledModule {
    /// The module's metadata.
    pub info: ModuleInfo,
    /// Machine code of all functions and trampolines.
    pub code: Vec<u8>,
    /// Each defined function's location.
    pub functions: Vec<FunctionLoc>,
    /// Each module type's host→wasm trampoline offset (`None` for struct
    /// and array types).
    pub trampolines: Vec<Option<u32>>,
    /// Trap sites, sorted by offset.
    pub traps: Vec<(u32, TrapCode)>,
    /// (code offset, wasm module offset) pairs, sorted by code offset.
    pub address_map: Vec<(u32, u32)>,
    /// Calls made inside `try_table`, sorted by return address.
    pub exception_sites: Vec<ExceptionCallSite>,
    /// Stack maps of the calls across which GC references are live,
    /// sorted by return address.
    pub stack_maps: Vec<StackMapSite>,
    /// Where inlined code came from: `address_map` entries whose wasm
    /// offset has [`INLINED_CODE`] set index this list.
    pub inlined: Vec<InlinedCode>,
    /// Absolute relocations the loader resolves.
    pub relocs: Vec<Relocation>,
}

/// The trampolines of one host-function signature, in one blob.
#[derive(Debug)]
pub struct CompiledTrampolines {
    /// Machine code.
    pub code: Vec<u8>,
    /// Offset of the host→wasm `VMTrampoline`.
    pub host_to_wasm: u32,
    /// Offset of the wasm→host adapter (wasm calling convention).
    pub wasm_to_host: u32,
    /// Offset of the wasm→host adapter that passes arguments in registers
    /// (see `trampolines::wasm_to_host_native`), for types it supports.
    pub wasm_to_host_native: Option<u32>,
    /// Absolute relocations the loader resolves.
    pub relocs: Vec<Relocation>,
}

/// Where each function starts in its blob: a 64-byte cache line.
const FUNCTION_ALIGNMENT: usize = 64;

#[derive(Default)]
struct Blob {
    code: Vec<u8>,
    traps: Vec<(u32, TrapCode)>,
    address_map: Vec<(u32, u32)>,
    exception_sites: Vec<ExceptionCallSite>,
    stack_maps: Vec<StackMapSite>,
    inlined: Vec<InlinedCode>,
    relocs: Vec<Relocation>,
    calls: Vec<(u32, FuncIndex, i64)>,
}

impl Blob {
    fn append(&mut self, f: CompiledFunction) -> Result<FunctionLoc> {
        // Cache-line aligned, so that where a function's loops fall does
        // not depend on the sizes of the functions before it.
        while !self.code.len().is_multiple_of(FUNCTION_ALIGNMENT) {
            self.code.push(0xcc);
        }
        let start = self.code.len() as u32;
        self.code.extend_from_slice(&f.code);
        self.traps
            .extend(f.traps.iter().map(|(o, c)| (start + o, *c)));
        // Inlined-code entries index the function's list; make them index
        // the blob's.
        let first_inlined = self.inlined.len() as u32;
        self.address_map.extend(f.address_map.iter().map(|&(o, w)| {
            let w = if w & INLINED_CODE != 0 {
                INLINED_CODE | ((w & !INLINED_CODE) + first_inlined)
            } else {
                w
            };
            (start + o, w)
        }));
        self.inlined.extend(f.inlined);
        self.exception_sites
            .extend(f.exception_sites.into_iter().map(|mut site| {
                site.ret += start;
                for h in &mut site.handlers {
                    match h {
                        ExceptionHandler::Tag { pc, .. } | ExceptionHandler::All { pc } => {
                            *pc += start
                        }
                    }
                }
                site
            }));
        self.stack_maps
            .extend(f.stack_maps.into_iter().map(|mut site| {
                site.ret += start;
                site
            }));
        for r in f.relocs {
            match (r.kind, r.target) {
                (Reloc::X86CallPCRel4, RelocTarget::Function(f)) => {
                    self.calls.push((start + r.offset, f, r.addend))
                }
                (Reloc::Abs8, RelocTarget::LibCall(l)) => self.relocs.push(Relocation {
                    offset: start + r.offset,
                    target: l,
                    addend: r.addend,
                }),
                (kind, target) => {
                    bail!("cannot link a relocation of kind {kind:?} to {target:?}")
                }
            }
        }
        Ok(FunctionLoc {
            start,
            len: f.code.len() as u32,
        })
    }
}

/// Lays out a module's functions and trampolines and patches direct calls.
pub(crate) fn link_module(
    info: ModuleInfo,
    functions: Vec<CompiledFunction>,
    trampolines: Vec<Option<CompiledFunction>>,
) -> Result<CompiledModule> {
    let mut blob = Blob::default();
    let functions: Vec<FunctionLoc> = functions
        .into_iter()
        .map(|f| blob.append(f))
        .collect::<Result<_>>()?;
    let trampolines = trampolines
        .into_iter()
        .map(|t| t.map(|t| Ok(blob.append(t)?.start)).transpose())
        .collect::<Result<_>>()?;
    for (at, callee, addend) in std::mem::take(&mut blob.calls) {
        let Some(def) = info.defined_func(callee) else {
            bail!(
                "a direct call targets function {}, which is imported",
                callee.0
            );
        };
        let target = i64::from(functions[def.index()].start);
        let rel = (target - i64::from(at) + addend) as i32;
        blob.code[at as usize..at as usize + 4].copy_from_slice(&rel.to_le_bytes());
    }
    blob.traps.sort_by_key(|t| t.0);
    blob.exception_sites.sort_by_key(|s| s.ret);
    blob.stack_maps.sort_by_key(|s| s.ret);
    Ok(CompiledModule {
        info,
        code: blob.code,
        functions,
        trampolines,
        traps: blob.traps,
        address_map: blob.address_map,
        exception_sites: blob.exception_sites,
        stack_maps: blob.stack_maps,
        inlined: blob.inlined,
        relocs: blob.relocs,
    })
}

/// Machine code for some of a module's functions, compiled lazily (see
/// [`crate::LazyModule`]): no direct calls between them to patch.
#[derive(Debug)]
pub struct CompiledCode {
    /// Machine code of the functions, back to back.
    pub code: Vec<u8>,
    /// Each function's location, in the order they were given.
    pub functions: Vec<FunctionLoc>,
    /// Trap sites, sorted by offset.
    pub traps: Vec<(u32, TrapCode)>,
    /// (code offset, wasm module offset) pairs, sorted by code offset.
    pub address_map: Vec<(u32, u32)>,
    /// Calls made inside `try_table`, sorted by return address.
    pub exception_sites: Vec<ExceptionCallSite>,
    /// Stack maps of the calls across which GC references are live,
    /// sorted by return address.
    pub stack_maps: Vec<StackMapSite>,
    /// Absolute relocations the loader resolves.
    pub relocs: Vec<Relocation>,
}

/// Lays out functions that make no direct calls (lazily compiled ones call
/// through the module's function table).
pub(crate) fn link_functions(functions: Vec<CompiledFunction>) -> Result<CompiledCode> {
    let mut blob = Blob::default();
    let functions = functions
        .into_iter()
        .map(|f| blob.append(f))
        .collect::<Result<_>>()?;
    if !blob.calls.is_empty() {
        bail!("a lazily compiled function makes a direct call");
    }
    if !blob.inlined.is_empty() {
        bail!("a lazily compiled function has inlined code");
    }
    blob.traps.sort_by_key(|t| t.0);
    blob.exception_sites.sort_by_key(|s| s.ret);
    blob.stack_maps.sort_by_key(|s| s.ret);
    Ok(CompiledCode {
        code: blob.code,
        functions,
        traps: blob.traps,
        address_map: blob.address_map,
        exception_sites: blob.exception_sites,
        stack_maps: blob.stack_maps,
        relocs: blob.relocs,
    })
}

/// Lays out a host function's two trampolines.
pub(crate) fn link_trampolines(
    to_wasm: CompiledFunction,
    to_host: CompiledFunction,
    to_host_native: Option<CompiledFunction>,
) -> Result<CompiledTrampolines> {
    let mut blob = Blob::default();
    let host_to_wasm = blob.append(to_wasm)?.start;
    let wasm_to_host = blob.append(to_host)?.start;
    let wasm_to_host_native = match to_host_native {
        Some(f) => Some(blob.append(f)?.start),
        None => None,
    };
    Ok(CompiledTrampolines {
        code: blob.code,
        host_to_wasm,
        wasm_to_host,
        wasm_to_host_native,
        relocs: blob.relocs,
    })
}
