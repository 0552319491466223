//! Lazy compilation's runtime half: per-function stubs, the table of code
//! pointers compiled code calls through, and the entry that compiles a
//! function the first time it is called.
//!
//! Every defined function of a lazily compiled module has two stubs:
//!
//! - its *entry* (`movabs rax, &table[f]; jmp [rax]`), the function's
//!   address for everyone outside compiled code: function references,
//!   exports, the instance's `VMCallerCheckedAnyfunc`s;
//! - its *compile stub* (`mov eax, f; jmp tail`), where `table[f]` points
//!   until the function has code. The blob's one `tail` loads the module's
//!   context (`movabs r11, context`) and jumps to [`lazy_entry`].
//!
//! Compiled code calls other functions of its module through `table[f]`.
//! The first call of `f` lands in [`lazy_entry`], which saves the argument
//! registers, asks the module's [`LazyCompile`] for `f`'s code (compiling
//! it), points `table[f]` at it and jumps there with the arguments
//! restored, as if the caller had called the code directly. Later calls go
//! straight to the code.
//!
//! The stubs never read the arguments: which register holds the callee's
//! vmctx depends on the signature (a function with more results than
//! registers takes its return area's address first). `rax`, `r10` and
//! `r11` carry no argument in the wasm calling convention (Cranelift's
//! `tail`, whose arguments are in `rdi, rsi, rdx, rcx, r8, r9` and
//! `xmm0`–`xmm7`, and whose callee-saved registers are System V's), so the
//! stubs may use them.

use crate::code_memory::CodeMemory;
use crate::traps::{
    TrapReason, native_stack_left, raise_recorded, record_exit_frame, record_host_trap,
};
use crate::vmcontext::VMFunctionBody;
use kiln_types::DefinedFuncIndex;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, OnceLock, Weak};

/// Compiles a lazily compiled module's functions on demand.
pub trait LazyCompile: Send + Sync {
    /// The code of defined function `f`, compiled now unless it already is
    /// (then it is in the module's [`LazyStubs`] table).
    fn compile(&self, f: DefinedFuncIndex) -> anyhow::Result<*const VMFunctionBody>;
}

/// Bytes of one function's two stubs.
const STUB_SIZE: usize = 32;
/// Offset of the compile stub within a function's stubs (the entry takes
/// 12 bytes, the compile stub 10).
const COMPILE_STUB: usize = 16;

/// What the compile stubs hand to [`lazy_entry`]: the module's compiler,
/// set once it exists ([`LazyStubs::set_compiler`]).
type Context = OnceLock<Weak<dyn LazyCompile>>;

/// The stubs and function table of one lazily compiled module.
pub struct LazyStubs {
    /// Each defined function's current code (its compile stub until it has code).
    table: Box<[AtomicPtr<VMFunctionBody>]>,
    /// Where the stubs' tail finds the module's compiler (a stable address).
    context: Box<Context>,
    code: CodeMemory,
}

impl std::fmt::Debug for LazyStubs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyStubs")
            .field("functions", &self.table.len())
            .finish_non_exhaustive()
    }
}

impl LazyStubs {
    /// Stubs for `count` defined functions, none of them compiled. Their
    /// first calls ask the compiler given to [`LazyStubs::set_compiler`].
    pub fn new(count: usize) -> std::io::Result<LazyStubs> {
        let table: Box<[AtomicPtr<VMFunctionBody>]> = (0..count)
            .map(|_| AtomicPtr::new(std::ptr::null_mut()))
            .collect();
        let context: Box<Context> = Box::new(OnceLock::new());
        let tail = count * STUB_SIZE;
        let mut code = Vec::with_capacity(tail + 32);
        for (f, slot) in table.iter().enumerate() {
            // Entry: movabs rax, slot; jmp qword ptr [rax].
            code.extend_from_slice(&[0x48, 0xb8]);
            code.extend_from_slice(&(slot.as_ptr() as u64).to_le_bytes());
            code.extend_from_slice(&[0xff, 0x20]);
            code.resize(f * STUB_SIZE + COMPILE_STUB, 0xcc);
            // Compile stub: mov eax, f; jmp rel32 tail.
            code.push(0xb8);
            code.extend_from_slice(&(f as u32).to_le_bytes());
            code.push(0xe9);
            let next = (code.len() + 4) as i64;
            code.extend_from_slice(&((tail as i64 - next) as i32).to_le_bytes());
            assert!(code.len() <= (f + 1) * STUB_SIZE);
            code.resize((f + 1) * STUB_SIZE, 0xcc);
        }
        // Tail: movabs r11, context; movabs r10, lazy_entry; jmp r10.
        code.extend_from_slice(&[0x49, 0xbb]);
        code.extend_from_slice(&(&*context as *const Context as u64).to_le_bytes());
        code.extend_from_slice(&[0x49, 0xba]);
        code.extend_from_slice(&(lazy_entry as *const () as u64).to_le_bytes());
        code.extend_from_slice(&[0x41, 0xff, 0xe2]);
        let code = CodeMemory::new(&code, &[])?;
        let stubs = LazyStubs {
            table,
            context,
            code,
        };
        for (f, slot) in stubs.table.iter().enumerate() {
            slot.store(stubs.compile_stub(f).cast_mut(), Ordering::Relaxed);
        }
        Ok(stubs)
    }

    /// Sets what compiles the functions (once; later calls are ignored).
    pub fn set_compiler(&self, compiler: Weak<dyn LazyCompile>) {
        let _ = self.context.set(compiler);
    }

    fn compile_stub(&self, f: usize) -> *const VMFunctionBody {
        // SAFETY: inside the stub code, which has `STUB_SIZE` bytes per function.
        unsafe { self.code.base().add(f * STUB_SIZE + COMPILE_STUB).cast() }
    }

    /// The address everyone outside compiled code uses for function `f`.
    pub fn entry(&self, f: DefinedFuncIndex) -> *const VMFunctionBody {
        assert!(f.index() < self.table.len());
        // SAFETY: inside the stub code (checked above).
        unsafe { self.code.base().add(f.index() * STUB_SIZE).cast() }
    }

    /// The address of the function table compiled code calls through.
    pub fn table_address(&self) -> usize {
        self.table.as_ptr() as usize
    }

    /// `f`'s code, if it has been compiled.
    pub fn compiled(&self, f: DefinedFuncIndex) -> Option<*const VMFunctionBody> {
        let p = self.table[f.index()].load(Ordering::Acquire);
        (p.cast_const() != self.compile_stub(f.index())).then_some(p.cast_const())
    }

    /// Makes calls of `f` go to `code` from now on; keeps the code installed
    /// first if there is one (so every caller sees one address).
    ///
    /// # Safety
    /// `code` must be `f`'s compiled code, executable, registered with the
    /// code registry and alive as long as these stubs.
    pub unsafe fn install(
        &self,
        f: DefinedFuncIndex,
        code: *const VMFunctionBody,
    ) -> *const VMFunctionBody {
        let stub = self.compile_stub(f.index()).cast_mut();
        match self.table[f.index()].compare_exchange(
            stub,
            code.cast_mut(),
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => code,
            Err(earlier) => earlier,
        }
    }
}

/// Native stack a compilation may need; with less left, it runs on a new
/// thread.
const COMPILE_STACK: usize = 1 << 20;

/// Where the compile stubs' tail jumps: `eax` is the defined function's
/// index, `r11` the module's [`Context`], every argument register as the
/// caller set it, `rbp` the caller's frame pointer and `[rsp]` the return
/// address into the caller.
#[unsafe(naked)]
unsafe extern "C" fn lazy_entry() {
    core::arch::naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        // Six integer and eight vector argument registers: 176 bytes keeps
        // the stack 16-byte aligned.
        "sub rsp, 176",
        "mov [rsp], rdi",
        "mov [rsp + 8], rsi",
        "mov [rsp + 16], rdx",
        "mov [rsp + 24], rcx",
        "mov [rsp + 32], r8",
        "mov [rsp + 40], r9",
        "movdqu [rsp + 48], xmm0",
        "movdqu [rsp + 64], xmm1",
        "movdqu [rsp + 80], xmm2",
        "movdqu [rsp + 96], xmm3",
        "movdqu [rsp + 112], xmm4",
        "movdqu [rsp + 128], xmm5",
        "movdqu [rsp + 144], xmm6",
        "movdqu [rsp + 160], xmm7",
        // compile_on_first_call(context, f, caller's fp, return address)
        "mov rdi, r11",
        "mov esi, eax",
        "mov rdx, [rbp]",
        "mov rcx, [rbp + 8]",
        "call {compile}",
        "mov rdi, [rsp]",
        "mov rsi, [rsp + 8]",
        "mov rdx, [rsp + 16]",
        "mov rcx, [rsp + 24]",
        "mov r8, [rsp + 32]",
        "mov r9, [rsp + 40]",
        "movdqu xmm0, [rsp + 48]",
        "movdqu xmm1, [rsp + 64]",
        "movdqu xmm2, [rsp + 80]",
        "movdqu xmm3, [rsp + 96]",
        "movdqu xmm4, [rsp + 112]",
        "movdqu xmm5, [rsp + 128]",
        "movdqu xmm6, [rsp + 144]",
        "movdqu xmm7, [rsp + 160]",
        "mov rsp, rbp",
        "pop rbp",
        "jmp rax",
        compile = sym compile_on_first_call,
    )
}

/// Compiles defined function `f` of `context`'s module (or finds it
/// compiled) and returns its code; a failure becomes a trap of the calling
/// wasm, whose frame is `fp` and return address `pc`.
unsafe extern "C" fn compile_on_first_call(
    context: *const Context,
    f: u32,
    fp: usize,
    pc: usize,
) -> *const VMFunctionBody {
    // A trap raised below starts its backtrace at the calling frame.
    record_exit_frame(fp, pc);
    // SAFETY: `context` is the `LazyStubs::context` of the stubs that called
    // us, which live as long as their module's code, which is running.
    let compiler: Option<Arc<dyn LazyCompile>> =
        unsafe { (*context).get() }.and_then(Weak::upgrade);
    let f = DefinedFuncIndex(f);
    // The code's address as an integer, so that it can cross threads.
    let compile = move || match compiler {
        Some(c) => c.compile(f).map(|code| code as usize),
        None => Err(anyhow::anyhow!("the module has no compiler")),
    };
    let result = if native_stack_left() >= COMPILE_STACK {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(compile))
    } else {
        // Too deep in the stack to compile here: compile on a thread of
        // its own and wait for it.
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("kiln-lazy-compile".into())
                .stack_size(4 * COMPILE_STACK)
                .spawn_scoped(s, compile)
                .map_err(|e| Box::new(e) as Box<dyn std::any::Any + Send>)
                .and_then(|t| t.join())
        })
    };
    let error = match result {
        Ok(Ok(code)) => return code as *const VMFunctionBody,
        Ok(Err(e)) => e.context(format!(
            "lazy compilation of defined function {} failed",
            f.0
        )),
        Err(_) => anyhow::anyhow!("lazy compilation of defined function {} panicked", f.0),
    };
    record_host_trap(TrapReason::Host(Box::new(error)));
    // SAFETY: called from wasm through `lazy_entry`, whose calling frame is
    // recorded above; nothing on our stack owns anything.
    unsafe { raise_recorded() }
}
