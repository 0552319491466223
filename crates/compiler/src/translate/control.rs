//! Structured control flow: blocks, loops, ifs, branches, calls and returns.

use super::FuncTranslator;
use crate::signatures::clif_type;
use anyhow::Result;
use cranelift_codegen::ir::{self, BlockArg, InstBuilder, JumpTableData, condcodes::IntCC};
use kiln_types::*;
use wasmparser::{BlockType, Operator};

/// What kind of construct a control frame is.
#[derive(Debug)]
enum FrameKind {
    Block,
    Loop {
        header: ir::Block,
    },
    /// `else_block` is `Some` until the `else` is reached.
    If {
        else_block: Option<ir::Block>,
    },
    /// A `try_table`; `handlers_before` is how many catch clauses were
    /// open outside it.
    TryTable {
        handlers_before: usize,
    },
}

/// One open block, loop or if.
#[derive(Debug)]
pub struct Frame {
    kind: FrameKind,
    /// The block after `end`; its parameters are the construct's results.
    dest: ir::Block,
    /// Operand stack height below the construct's parameters.
    height: usize,
    params: usize,
    results: usize,
    /// Whether any edge reaches `dest`.
    dest_reached: bool,
}

impl Frame {
    /// The frame of the function body itself, ending in `ret`.
    pub fn function(ret: ir::Block, results: usize) -> Self {
        Frame {
            kind: FrameKind::Block,
            dest: ret,
            height: 0,
            params: 0,
            results,
            dest_reached: false,
        }
    }

    /// Records that a branch reaches this frame's label (a loop's header
    /// always has its own edges).
    pub(super) fn mark_reached(&mut self) {
        if !matches!(self.kind, FrameKind::Loop { .. }) {
            self.dest_reached = true;
        }
    }

    /// The block a branch to this frame jumps to, and how many values it carries.
    pub(super) fn branch_target(&self) -> (ir::Block, usize) {
        match self.kind {
            FrameKind::Loop { header } => (header, self.params),
            _ => (self.dest, self.results),
        }
    }
}

fn bargs(vals: &[ir::Value]) -> Vec<BlockArg> {
    vals.iter().map(|v| BlockArg::Value(*v)).collect()
}

impl FuncTranslator<'_, '_> {
    fn block_type(&self, bt: BlockType) -> (Vec<ValType>, Vec<ValType>) {
        match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(t) => (
                vec![],
                vec![crate::module_env::val_type(t, self.env.info).expect("validated")],
            ),
            BlockType::FuncType(i) => {
                let f = self.env.info.func_type_at(TypeIndex(i));
                (f.param_types().to_vec(), f.result_types().to_vec())
            }
        }
    }

    fn block_with_params(&mut self, tys: &[ValType]) -> ir::Block {
        let block = self.b.create_block();
        for t in tys {
            self.b.append_block_param(block, clif_type(*t, self.ptr));
        }
        block
    }

    /// Opens a construct whose parameters (the top `params` operands) are
    /// on the stack and whose results arrive at `dest`.
    fn push_frame(&mut self, kind: FrameKind, dest: ir::Block, params: usize, results: usize) {
        self.control.push(Frame {
            kind,
            dest,
            height: self.stack.len() - params,
            params,
            results,
            dest_reached: false,
        });
    }

    fn jump(&mut self, target: ir::Block, args: &[ir::Value]) {
        self.b.ins().jump(target, &bargs(args));
    }

    /// Skips operators in dead code, tracking nesting to find the matching `else`/`end`.
    pub(super) fn translate_unreachable(&mut self, op: &Operator<'_>) -> Result<()> {
        // Whatever was counted on the path that ended is not carried into
        // the code that follows it.
        self.fuel_pending = 0;
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. } => self.unreachable_depth += 1,
            Operator::Else if self.unreachable_depth == 0 => self.translate_else(),
            Operator::End if self.unreachable_depth == 0 => self.translate_end(),
            Operator::End => self.unreachable_depth -= 1,
            _ => {}
        }
        Ok(())
    }

    fn translate_else(&mut self) {
        let frame = self.control.last_mut().expect("validated: else inside if");
        let FrameKind::If { else_block } = &mut frame.kind else {
            unreachable!("validated")
        };
        let else_block = else_block.take().expect("validated: one else");
        let (dest, results, height) = (frame.dest, frame.results, frame.height);
        if self.reachable {
            frame.dest_reached = true;
            let args = self.popn(results);
            self.jump(dest, &args);
        }
        self.stack.truncate(height);
        self.b.switch_to_block(else_block);
        let params = self.b.block_params(else_block).to_vec();
        self.stack.extend(params);
        self.reachable = true;
    }

    fn translate_end(&mut self) {
        let mut frame = self.control.pop().expect("validated: end matches a block");
        if self.reachable {
            frame.dest_reached = true;
            let args = self.popn(frame.results);
            self.jump(frame.dest, &args);
        }
        match frame.kind {
            FrameKind::If {
                else_block: Some(else_block),
            } => {
                // No `else`: the false edge passes the parameters through.
                self.b.switch_to_block(else_block);
                let params = self.b.block_params(else_block).to_vec();
                self.jump(frame.dest, &params);
                frame.dest_reached = true;
            }
            FrameKind::Loop { header } => self.b.seal_block(header),
            FrameKind::TryTable { handlers_before } => self.close_handlers(handlers_before),
            _ => {}
        }
        self.stack.truncate(frame.height);
        self.b.switch_to_block(frame.dest);
        self.b.seal_block(frame.dest);
        let results = self.b.block_params(frame.dest).to_vec();
        self.reachable = frame.dest_reached;
        if self.control.is_empty() {
            // The function's end: `dest` is the return block.
            if self.reachable {
                self.fuel_write_back();
                self.b.ins().return_(&results);
            } else {
                self.trap(TrapCode::UnreachableCodeReached);
            }
            return;
        }
        self.stack.extend(results);
        if !self.reachable {
            // Nothing reaches the code after this `end`; keep the block well formed.
            self.trap(TrapCode::UnreachableCodeReached);
        }
    }

    fn branch(&mut self, depth: u32) {
        let i = self.control.len() - 1 - depth as usize;
        let (target, n) = self.control[i].branch_target();
        self.control[i].mark_reached();
        let args = self.peekn(n).to_vec();
        self.jump(target, &args);
        self.reachable = false;
    }

    /// Control operators; returns `false` if `op` is not one.
    pub(super) fn translate_control(&mut self, op: &Operator<'_>) -> Result<bool> {
        match op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.trap(TrapCode::UnreachableCodeReached);
                self.reachable = false;
            }
            Operator::Block { blockty } => {
                let (params, results) = self.block_type(*blockty);
                let dest = self.block_with_params(&results);
                self.push_frame(FrameKind::Block, dest, params.len(), results.len());
            }
            Operator::Loop { blockty } => {
                let (params, results) = self.block_type(*blockty);
                let header = self.block_with_params(&params);
                let dest = self.block_with_params(&results);
                let args = self.popn(params.len());
                self.jump(header, &args);
                self.b.switch_to_block(header);
                let header_params = self.b.block_params(header).to_vec();
                self.stack.extend(header_params);
                self.push_frame(
                    FrameKind::Loop { header },
                    dest,
                    params.len(),
                    results.len(),
                );
                self.interruption_checks(super::fuel::CheckSite::LoopHeader);
            }
            Operator::If { blockty } => {
                let cond = self.pop();
                let (params, results) = self.block_type(*blockty);
                let then_block = self.b.create_block();
                let else_block = self.block_with_params(&params);
                let dest = self.block_with_params(&results);
                let args = bargs(self.peekn(params.len()));
                self.b.ins().brif(cond, then_block, &[], else_block, &args);
                self.b.seal_block(then_block);
                self.b.seal_block(else_block);
                self.b.switch_to_block(then_block);
                self.push_frame(
                    FrameKind::If {
                        else_block: Some(else_block),
                    },
                    dest,
                    params.len(),
                    results.len(),
                );
            }
            Operator::TryTable { try_table } => {
                let (params, results) = self.block_type(try_table.ty);
                let handlers_before = self.open_handlers(&try_table.catches);
                let dest = self.block_with_params(&results);
                self.push_frame(
                    FrameKind::TryTable { handlers_before },
                    dest,
                    params.len(),
                    results.len(),
                );
            }
            Operator::Throw { tag_index } => self.translate_throw(TagIndex(*tag_index)),
            Operator::ThrowRef => self.translate_throw_ref(),
            Operator::Else => self.translate_else(),
            Operator::End => self.translate_end(),
            Operator::Br { relative_depth } => self.branch(*relative_depth),
            Operator::Return => self.branch(self.control.len() as u32 - 1),
            Operator::BrIf { relative_depth } => {
                let cond = self.pop();
                let i = self.control.len() - 1 - *relative_depth as usize;
                let (target, n) = self.control[i].branch_target();
                self.control[i].mark_reached();
                let args = bargs(self.peekn(n));
                let next = self.b.create_block();
                self.b.ins().brif(cond, target, &args, next, &[]);
                self.b.seal_block(next);
                self.b.switch_to_block(next);
            }
            Operator::BrOnNull { relative_depth } | Operator::BrOnNonNull { relative_depth } => {
                let on_null = matches!(op, Operator::BrOnNull { .. });
                let r = self.pop();
                let i = self.control.len() - 1 - *relative_depth as usize;
                let (target, n) = self.control[i].branch_target();
                self.control[i].mark_reached();
                // `br_on_non_null` passes the reference as the last branch value.
                let mut args = self.peekn(if on_null { n } else { n - 1 }).to_vec();
                if !on_null {
                    args.push(r);
                }
                let cc = if on_null {
                    IntCC::Equal
                } else {
                    IntCC::NotEqual
                };
                let cond = self.b.ins().icmp_imm_s(cc, r, 0);
                let next = self.b.create_block();
                self.b.ins().brif(cond, target, &bargs(&args), next, &[]);
                self.b.seal_block(next);
                self.b.switch_to_block(next);
                if on_null {
                    self.push(r);
                }
            }
            Operator::BrTable { targets } => {
                let index = self.pop();
                let default = targets.default();
                let depths: Vec<u32> = targets.targets().collect::<Result<_, _>>()?;
                let n = {
                    let i = self.control.len() - 1 - default as usize;
                    self.control[i].branch_target().1
                };
                let args = bargs(self.peekn(n));
                let call = |t: &mut Self, depth: u32| {
                    let i = t.control.len() - 1 - depth as usize;
                    let (target, _) = t.control[i].branch_target();
                    t.control[i].mark_reached();
                    t.b.func.dfg.block_call(target, &args)
                };
                let default_call = call(self, default);
                let calls: Vec<_> = depths.iter().map(|d| call(self, *d)).collect();
                let jt = self
                    .b
                    .create_jump_table(JumpTableData::new(default_call, &calls));
                self.b.ins().br_table(index, jt);
                self.reachable = false;
            }
            Operator::Call { function_index } | Operator::ReturnCall { function_index } => {
                let f = FuncIndex(*function_index);
                let tail = matches!(op, Operator::ReturnCall { .. });
                let n = self.env.info.func_type(f).params().len();
                let args = self.popn(n);
                let results = self.call_function(f, &args, tail);
                self.stack.extend(results);
                if tail {
                    self.reachable = false;
                }
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            }
            | Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let tail = matches!(op, Operator::ReturnCallIndirect { .. });
                let ty = TypeIndex(*type_index);
                let index = self.pop();
                let n = self.env.info.func_type_at(ty).params().len();
                let args = self.popn(n);
                let results = self.call_indirect(TableIndex(*table_index), ty, index, &args, tail);
                self.stack.extend(results);
                if tail {
                    self.reachable = false;
                }
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } | Operator::TypedSelectMulti { .. } => {
                let (a, b, c) = self.pop3();
                let v = self.b.ins().select(c, a, b);
                self.push(v);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
