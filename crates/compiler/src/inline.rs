//! Inlining: small functions are copied into their direct callers.
//!
//! Cranelift does the copying (`Context::inline`); Kiln chooses what to
//! copy and keeps backtraces exact. Every instruction of an inlinable
//! function carries two debug tags, its function index and its wasm
//! offset, and each direct call to one carries a single tag, the call's
//! wasm offset. Cranelift puts the call's tags in front of each copied
//! instruction's, so after inlining an instruction with three tags came
//! from a callee. Its source location then names an [`InlinedCode`] entry
//! (flagged with [`INLINED_CODE`]) from which the runtime rebuilds the
//! frame inlining removed, and all tags are dropped before code generation.
//!
//! Inlining is one level deep: a callee's own calls are not inlined into
//! the caller again, so recursion cannot blow a function up.
//!
//! A call is inlined only where that is likely to pay: the callee makes no
//! calls itself outside cold paths (a leaf), or the call is inside a loop,
//! or it is a direct recursive call. A call made once per run of its caller to a function
//! that calls on saves one call and return, and inlining it still costs
//! compile time and can cost the caller's loops registers.

use cranelift_codegen::Context;
use cranelift_codegen::dominator_tree::DominatorTree;
use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::inline::{Inline, InlineCommand};
use cranelift_codegen::ir::{self, DebugTag, Opcode};
use cranelift_codegen::loop_analysis::LoopAnalysis;
use kiln_types::{DefinedFuncIndex, FuncIndex, INLINED_CODE, InlinedCode, ModuleInfo};
use std::borrow::Cow;
use std::collections::HashMap;

/// Function bodies larger than this (in wasm bytes, locals included) are
/// never inlined: checked before translating, to keep the extra work small.
const MAX_CALLEE_BODY_BYTES: u64 = 160;

/// Inlinable functions have at most this many Cranelift instructions.
const MAX_CALLEE_INSTS: usize = 60;

/// How many Cranelift instructions inlining may add to one function.
const GROWTH_BUDGET: usize = 400;

/// Whether a function body of `bytes` wasm bytes is worth translating as a
/// possible callee.
pub(crate) fn may_inline(bytes: u64) -> bool {
    bytes <= MAX_CALLEE_BODY_BYTES
}

/// The number of instructions in `func`'s layout.
fn inst_count(func: &ir::Function) -> usize {
    func.layout
        .blocks()
        .map(|b| func.layout.block_insts(b).count())
        .sum()
}

/// An inlinable function's body, prepared by [`callee_body`].
pub(crate) struct Callee {
    func: ir::Function,
    /// Its number of instructions, what inlining it adds to a caller.
    insts: usize,
    /// Its function index.
    index: FuncIndex,
    /// Whether it makes no calls outside cold blocks (runtime builtins
    /// included).
    leaf: bool,
}

/// Prepares `func`, the translation of function `index`, as a callee:
/// `None` if it is too large or does something inlining would change
/// (a tail call, a call with exception handlers).
pub(crate) fn callee_body(mut func: ir::Function, index: FuncIndex) -> Option<Callee> {
    let insts = inst_count(&func);
    if insts > MAX_CALLEE_INSTS {
        return None;
    }
    let mut leaf = true;
    let blocks: Vec<ir::Block> = func.layout.blocks().collect();
    for block in blocks {
        let cold = func.layout.is_cold(block);
        let insts: Vec<ir::Inst> = func.layout.block_insts(block).collect();
        for inst in insts {
            match func.dfg.insts[inst].opcode() {
                Opcode::ReturnCall
                | Opcode::ReturnCallIndirect
                | Opcode::TryCall
                | Opcode::TryCallIndirect => return None,
                // Builtins called on cold paths (out of fuel, a lazy table
                // slot, a full allocation window) do not count.
                Opcode::Call | Opcode::CallIndirect if !cold => leaf = false,
                _ => {}
            }
            let offset = func.srcloc(inst).bits();
            func.debug_tags
                .set(inst, [DebugTag::User(index.0), DebugTag::User(offset)]);
        }
    }
    Some(Callee {
        func,
        insts,
        index,
        leaf,
    })
}

/// The inlinable functions of one module, by defined index.
pub(crate) struct Callees<'a> {
    info: &'a ModuleInfo,
    bodies: Vec<Option<Callee>>,
}

impl<'a> Callees<'a> {
    /// No function is inlined.
    pub(crate) fn none(info: &'a ModuleInfo) -> Self {
        Callees {
            info,
            bodies: Vec::new(),
        }
    }

    /// `bodies` holds each defined function's [`callee_body`], if any.
    pub(crate) fn new(info: &'a ModuleInfo, bodies: Vec<Option<Callee>>) -> Self {
        Callees { info, bodies }
    }

    /// The prepared body of defined function `def`, if it is inlinable.
    pub(crate) fn body(&self, def: DefinedFuncIndex) -> Option<&ir::Function> {
        self.callee(def).map(|c| &c.func)
    }

    fn callee(&self, def: DefinedFuncIndex) -> Option<&Callee> {
        self.bodies.get(def.index())?.as_ref()
    }

    /// The inlinable function `callee` of `func` calls, if any.
    fn callee_of(&self, func: &ir::Function, callee: ir::FuncRef) -> Option<&Callee> {
        let ir::ExternalName::User(name) = func.dfg.ext_funcs[callee].name else {
            return None;
        };
        let index = FuncIndex(func.params.user_named_funcs()[name].index);
        self.callee(self.info.defined_func(index)?)
    }

    /// Inlines what is worth inlining into `ctx.func`, the translation of
    /// function `caller`, and returns where the copied code came from; its
    /// source locations index that list.
    pub(crate) fn inline_into(
        &self,
        ctx: &mut Context,
        caller: FuncIndex,
    ) -> anyhow::Result<Vec<InlinedCode>> {
        if self.bodies.is_empty() {
            return Ok(Vec::new());
        }
        let func = &mut ctx.func;
        let mut loops: Option<LoopAnalysis> = None;
        let mut chosen = HashMap::new();
        let blocks: Vec<ir::Block> = func.layout.blocks().collect();
        for block in blocks {
            let insts: Vec<ir::Inst> = func.layout.block_insts(block).collect();
            for inst in insts {
                let ir::InstructionData::Call {
                    opcode: Opcode::Call,
                    func_ref,
                    ..
                } = func.dfg.insts[inst]
                else {
                    continue;
                };
                let Some(callee) = self.callee_of(func, func_ref) else {
                    continue;
                };
                let pays = callee.leaf
                    || callee.index == caller
                    || loops
                        .get_or_insert_with(|| loop_analysis(func))
                        .innermost_loop(block)
                        .is_some();
                if pays {
                    let at = func.srcloc(inst).bits();
                    func.debug_tags.set(inst, [DebugTag::User(at)]);
                    chosen.insert(inst, callee);
                }
            }
        }
        if chosen.is_empty() {
            func.debug_tags.clear();
            return Ok(Vec::new());
        }
        ctx.inline(Chooser {
            chosen,
            budget: GROWTH_BUDGET,
        })
        .map_err(|e| anyhow::anyhow!("cranelift inlining: {e:?}"))?;
        Ok(mark_inlined_code(&mut ctx.func))
    }
}

/// Gives each instruction copied from a callee a source location naming
/// its origin, returns the origins, and drops every debug tag.
fn mark_inlined_code(func: &mut ir::Function) -> Vec<InlinedCode> {
    let mut origins = Vec::new();
    let mut ids: HashMap<InlinedCode, u32> = HashMap::new();
    let blocks: Vec<ir::Block> = func.layout.blocks().collect();
    for block in blocks {
        let insts: Vec<ir::Inst> = func.layout.block_insts(block).collect();
        for inst in insts {
            let &[
                DebugTag::User(call_offset),
                DebugTag::User(callee),
                DebugTag::User(offset),
            ] = func.debug_tags.get(inst)
            else {
                continue;
            };
            let origin = InlinedCode {
                call_offset,
                callee: FuncIndex(callee),
                offset,
            };
            let id = *ids.entry(origin).or_insert_with(|| {
                origins.push(origin);
                origins.len() as u32 - 1
            });
            func.set_srcloc(inst, ir::SourceLoc::new(INLINED_CODE | id));
        }
    }
    func.debug_tags.clear();
    origins
}

/// The loops of `func`.
fn loop_analysis(func: &ir::Function) -> LoopAnalysis {
    let cfg = ControlFlowGraph::with_function(func);
    let domtree = DominatorTree::with_function(func, &cfg);
    let mut loops = LoopAnalysis::new();
    loops.compute(func, &cfg, &domtree);
    loops
}

/// Inlines the calls chosen, within a budget of added instructions.
struct Chooser<'c> {
    /// The calls worth inlining (plain `call`s only: a tail call's frame is
    /// gone in the callee, so inlining it would leave the caller in
    /// backtraces, and calls with handlers stay calls), with their callees.
    chosen: HashMap<ir::Inst, &'c Callee>,
    budget: usize,
}

impl Inline for Chooser<'_> {
    fn inline(
        &mut self,
        _caller: &ir::Function,
        call: ir::Inst,
        _opcode: Opcode,
        _callee: ir::FuncRef,
        _args: &[ir::Value],
    ) -> InlineCommand<'_> {
        let Some(&body) = self.chosen.get(&call) else {
            return InlineCommand::KeepCall;
        };
        if body.insts > self.budget {
            return InlineCommand::KeepCall;
        }
        self.budget -= body.insts;
        InlineCommand::Inline {
            callee: Cow::Borrowed(&body.func),
            visit_callee: false,
        }
    }
}
