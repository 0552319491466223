//! The process-wide map from machine-code addresses to what they are: which
//! wasm function, and which instructions may trap with which code. The signal
//! handler consults it to decide whether a fault is a wasm trap.

use kiln_types::{
    ExceptionCallSite, FuncIndex, INLINED_CODE, InlinedCode, ModuleInfo, StackMapSite, TrapCode,
};
use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

/// A compiled wasm function's place in its code blob.
#[derive(Copy, Clone, Debug)]
pub struct FunctionSite {
    /// Offset of the first instruction.
    pub start: u32,
    /// Offset just past the last instruction.
    pub end: u32,
    /// The function's module-wide index.
    pub index: FuncIndex,
}

/// An instruction that may trap.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TrapSite {
    /// Offset of the trapping instruction.
    pub offset: u32,
    /// What the trap means.
    pub code: TrapCode,
}

/// What the registry knows about one code blob.
#[derive(Debug)]
pub struct CodeRegistration {
    /// Address of the blob's first byte.
    pub start: usize,
    /// Length of the blob.
    pub len: usize,
    /// Wasm functions, sorted by `start`.
    pub functions: Vec<FunctionSite>,
    /// Trap sites, sorted by `offset`.
    pub traps: Vec<TrapSite>,
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
    /// The module the functions belong to (names for backtraces).
    pub module: Arc<ModuleInfo>,
}

/// One wasm frame of a backtrace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// The function's module-wide index.
    pub func_index: u32,
    /// The function's name from the name section.
    pub func_name: Option<String>,
    /// The module's name from the name section.
    pub module_name: Option<String>,
    /// Offset of the pc from the start of the function's machine code.
    pub code_offset: u32,
    /// Offset of the wasm instruction in the module's bytes, if known.
    pub module_offset: Option<u32>,
    /// Offset of the wasm instruction from the start of its function's
    /// body (the locals declaration), if known.
    pub func_offset: Option<u32>,
}

static REGISTRY: RwLock<BTreeMap<usize, Arc<CodeRegistration>>> = RwLock::new(BTreeMap::new());

/// Keeps a blob registered; unregisters it when dropped.
#[derive(Debug)]
pub struct RegisteredCode {
    /// The registration this handle added (`None` for an empty blob,
    /// which holds no code and is never registered).
    entry: Option<Arc<CodeRegistration>>,
}

/// Registers a blob so faults in it are recognised as wasm traps.
///
/// The map is keyed by each blob's end. An empty blob is not registered:
/// its end is its start, which may be the end of the live blob mapped just
/// below it, and it must neither replace nor (when dropped) remove that
/// blob's registration.
pub fn register_code(reg: CodeRegistration) -> RegisteredCode {
    if reg.len == 0 {
        return RegisteredCode { entry: None };
    }
    let end = reg.start + reg.len;
    let entry = Arc::new(reg);
    let mut map = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
    map.insert(end, entry.clone());
    RegisteredCode { entry: Some(entry) }
}

impl Drop for RegisteredCode {
    fn drop(&mut self) {
        let Some(entry) = self.entry.take() else {
            return;
        };
        let end = entry.start + entry.len;
        let mut map = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
        // Only our own registration: never one a later blob made.
        if map.get(&end).is_some_and(|r| Arc::ptr_eq(r, &entry)) {
            map.remove(&end);
        }
    }
}

fn with_blob<R>(pc: usize, f: impl FnOnce(&CodeRegistration, u32) -> Option<R>) -> Option<R> {
    let map = REGISTRY.read().unwrap_or_else(PoisonError::into_inner);
    let (_, reg) = map.range(pc + 1..).next()?;
    if pc < reg.start {
        return None;
    }
    f(reg, (pc - reg.start) as u32)
}

/// The trap code of the instruction at `pc`, if `pc` is a registered trap site.
pub fn lookup_trap(pc: usize) -> Option<TrapCode> {
    with_blob(pc, |reg, off| {
        let i = reg.traps.binary_search_by_key(&off, |t| t.offset).ok()?;
        Some(reg.traps[i].code)
    })
}

/// The wasm frames at `pc`, innermost first: the function containing it,
/// preceded by the callee whose inlined code `pc` is in, if any. Empty if
/// `pc` is not in wasm code.
pub fn lookup_frames(pc: usize) -> Vec<FrameInfo> {
    with_blob(pc, |reg, off| {
        let i = reg
            .functions
            .partition_point(|f| f.start <= off)
            .checked_sub(1)?;
        let f = reg.functions[i];
        if off >= f.end {
            return None;
        }
        let m = reg.address_map.partition_point(|(code, _)| *code <= off);
        let wasm = m
            .checked_sub(1)
            .map(|m| reg.address_map[m])
            .filter(|(code, _)| *code >= f.start)
            .map(|(_, wasm)| wasm);
        let frame = |index: FuncIndex, module_offset: Option<u32>| {
            let func_start = reg
                .module
                .defined_func(index)
                .and_then(|d| reg.module.func_body_offsets.get(d.index()))
                .copied();
            FrameInfo {
                func_index: index.0,
                func_name: reg.module.func_names.get(&index).cloned(),
                module_name: reg.module.name.clone(),
                code_offset: off - f.start,
                module_offset,
                func_offset: module_offset
                    .zip(func_start)
                    .map(|(at, start)| at.saturating_sub(start)),
            }
        };
        let inlined = wasm
            .filter(|w| w & INLINED_CODE != 0)
            .and_then(|w| reg.inlined.get((w & !INLINED_CODE) as usize));
        Some(match inlined {
            Some(site) => vec![
                frame(site.callee, Some(site.offset).filter(|o| *o != u32::MAX)),
                frame(f.index, Some(site.call_offset)),
            ],
            None => vec![frame(f.index, wasm.filter(|w| w & INLINED_CODE == 0))],
        })
    })
    .unwrap_or_default()
}

/// Runs `f` on the call site whose return address is exactly `ret`, if
/// `ret` is the return address of a call made inside `try_table`, with the
/// address of the site's code blob (handler offsets are relative to it).
/// The registry stays locked while `f` runs.
pub fn with_exception_site<R>(
    ret: usize,
    f: impl FnOnce(&ExceptionCallSite, usize) -> Option<R>,
) -> Option<R> {
    // A return address may be the blob's end (a call that never returns
    // ends the blob), so look it up as the byte before it.
    let pc = ret.checked_sub(1)?;
    with_blob(pc, |reg, off| {
        let i = reg
            .exception_sites
            .binary_search_by_key(&(off + 1), |s| s.ret)
            .ok()?;
        f(&reg.exception_sites[i], reg.start)
    })
}

/// Runs `f` on the stack map of the call whose return address is exactly
/// `ret`, if `ret` is the return address of a call in compiled code across
/// which GC references are live. The registry stays locked while `f` runs.
pub fn with_stack_map<R>(ret: usize, f: impl FnOnce(&StackMapSite) -> R) -> Option<R> {
    let pc = ret.checked_sub(1)?;
    with_blob(pc, |reg, off| {
        let i = reg
            .stack_maps
            .binary_search_by_key(&(off + 1), |s| s.ret)
            .ok()?;
        Some(f(&reg.stack_maps[i]))
    })
}

/// Whether `pc` lies in a registered wasm function (cheap; no allocation).
pub fn is_wasm_pc(pc: usize) -> bool {
    with_blob(pc, |reg, off| {
        let i = reg
            .functions
            .partition_point(|f| f.start <= off)
            .checked_sub(1)?;
        (off < reg.functions[i].end).then_some(())
    })
    .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_find_functions_and_trap_sites() {
        let base = 0x7000_0000_0000usize;
        let _reg = register_code(CodeRegistration {
            start: base,
            len: 100,
            functions: vec![
                FunctionSite {
                    start: 0,
                    end: 40,
                    index: FuncIndex(3),
                },
                FunctionSite {
                    start: 48,
                    end: 100,
                    index: FuncIndex(4),
                },
            ],
            traps: vec![
                TrapSite {
                    offset: 10,
                    code: TrapCode::UnreachableCodeReached,
                },
                TrapSite {
                    offset: 60,
                    code: TrapCode::MemoryOutOfBounds,
                },
            ],
            address_map: vec![(0, 100), (52, 140), (70, INLINED_CODE | 1), (80, 150)],
            exception_sites: vec![ExceptionCallSite {
                ret: 20,
                frame_offset: 16,
                vmctx_offset: 0,
                handlers: vec![kiln_types::ExceptionHandler::All { pc: 30 }],
            }],
            stack_maps: vec![StackMapSite {
                ret: 56,
                frame_offset: 32,
                slots: vec![0, 16],
            }],
            inlined: vec![
                InlinedCode {
                    call_offset: 1,
                    callee: FuncIndex(1),
                    offset: 2,
                },
                InlinedCode {
                    call_offset: 144,
                    callee: FuncIndex(7),
                    offset: 30,
                },
            ],
            module: Arc::new(ModuleInfo::default()),
        });
        let frame = |pc: usize| {
            let frames = lookup_frames(pc);
            assert!(frames.len() <= 1, "{frames:?}");
            frames.into_iter().next()
        };
        assert_eq!(
            lookup_trap(base + 10),
            Some(TrapCode::UnreachableCodeReached)
        );
        assert_eq!(lookup_trap(base + 60), Some(TrapCode::MemoryOutOfBounds));
        assert_eq!(lookup_trap(base + 11), None);
        assert_eq!(lookup_trap(base + 100), None);
        assert_eq!(frame(base + 50).unwrap().func_index, 4);
        assert_eq!(frame(base + 50).unwrap().code_offset, 2);
        assert_eq!(frame(base + 50).unwrap().module_offset, None);
        assert_eq!(frame(base + 60).unwrap().module_offset, Some(140));
        assert_eq!(frame(base + 39).unwrap().module_offset, Some(100));
        assert!(frame(base + 44).is_none());
        assert_eq!(frame(base + 85).unwrap().module_offset, Some(150));
        // Code inlined from function 7 at the call at offset 144.
        let inlined: Vec<_> = lookup_frames(base + 75)
            .iter()
            .map(|f| (f.func_index, f.module_offset, f.code_offset))
            .collect();
        assert_eq!(inlined, [(7, Some(30), 27), (4, Some(144), 27)]);
        let site = |ret| with_exception_site(ret, |s, start| Some((s.frame_offset, start)));
        assert_eq!(site(base + 20), Some((16, base)));
        assert_eq!(site(base + 21), None);
        assert_eq!(site(base + 19), None);
        let slots = |ret| with_stack_map(ret, |s| s.slot_addresses(1000).collect::<Vec<_>>());
        assert_eq!(slots(base + 56), Some(vec![968, 984]));
        assert_eq!(slots(base + 55), None);
        assert_eq!(slots(base + 20), None);
        assert!(is_wasm_pc(base));
        assert!(!is_wasm_pc(base - 1));
    }

    fn blob(start: usize, len: usize, trap_at: u32) -> CodeRegistration {
        CodeRegistration {
            start,
            len,
            functions: vec![FunctionSite {
                start: 0,
                end: len as u32,
                index: FuncIndex(0),
            }],
            traps: vec![TrapSite {
                offset: trap_at,
                code: TrapCode::MemoryOutOfBounds,
            }],
            address_map: Vec::new(),
            exception_sites: Vec::new(),
            stack_maps: Vec::new(),
            inlined: Vec::new(),
            module: Arc::new(ModuleInfo::default()),
        }
    }

    /// A blob whose code ends on a page boundary and an empty blob mapped
    /// right after it share an end address: registering and dropping the
    /// empty one must leave the first registered (this once unregistered
    /// live code, so its traps became crashes).
    #[test]
    fn an_empty_neighbour_does_not_unregister_a_blob() {
        let base = 0x7100_0000_0000usize;
        let live = register_code(blob(base, 0x1000, 0xff0));
        let mut empty = blob(base + 0x1000, 0, 0);
        empty.functions.clear();
        empty.traps.clear();
        drop(register_code(empty));
        assert_eq!(lookup_trap(base + 0xff0), Some(TrapCode::MemoryOutOfBounds));
        drop(live);
        assert_eq!(lookup_trap(base + 0xff0), None);
    }

    /// A handle only ever removes its own registration.
    #[test]
    fn a_stale_handle_does_not_remove_a_newer_registration() {
        let base = 0x7200_0000_0000usize;
        let old = register_code(blob(base, 0x800, 0x10));
        let new = register_code(blob(base, 0x800, 0x20));
        drop(old);
        assert_eq!(lookup_trap(base + 0x20), Some(TrapCode::MemoryOutOfBounds));
        drop(new);
        assert_eq!(lookup_trap(base + 0x20), None);
    }
}
