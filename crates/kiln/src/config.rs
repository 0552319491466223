//! Engine configuration.

use crate::Cache;
pub use kiln_compiler::OptLevel;
use kiln_types::Tunables;
use wasmparser::WasmFeatures;

/// Settings for an [`crate::Engine`].
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) features: WasmFeatures,
    pub(crate) tunables: Tunables,
    pub(crate) opt_level: OptLevel,
    pub(crate) strategy: Strategy,
    pub(crate) max_wasm_stack: usize,
    pub(crate) parallel_compilation: bool,
    pub(crate) lazy_compilation: bool,
    pub(crate) compile_in_background: bool,
    pub(crate) allocation_strategy: InstanceAllocationStrategy,
    pub(crate) cache: Option<Cache>,
    pub(crate) gc_heap_limit: usize,
    pub(crate) gc_stress: bool,
    pub(crate) profiler: crate::ProfilingStrategy,
    pub(crate) signals_based_traps: bool,
    pub(crate) cranelift_flags: Vec<String>,
}

/// Which compiler turns wasm into machine code ([`Config::strategy`]).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// The best one there is: Cranelift.
    #[default]
    Auto,
    /// Cranelift, an optimising compiler.
    Cranelift,
    /// wasmtime's baseline compiler, which Kiln does not have: an engine
    /// configured with it cannot be created.
    Winch,
}

/// How instances get their linear memories' address space.
#[derive(Clone, Debug, Default)]
pub enum InstanceAllocationStrategy {
    /// Memories are reserved when created. The reservations of up to 16
    /// dropped memories are kept (reset to their initial contents) for the
    /// next memories of the same size, which saves the system calls of
    /// reserving and releasing address space.
    #[default]
    OnDemand,
    /// Like `OnDemand`, but keeps the reservations of as many dropped
    /// memories as the configuration says, so a steady stream of
    /// short-lived instances reuses them all.
    Pooling(PoolingAllocationConfig),
}

impl InstanceAllocationStrategy {
    /// The pooling strategy with its default configuration.
    pub fn pooling() -> Self {
        Self::Pooling(PoolingAllocationConfig::default())
    }
}

/// Settings of [`InstanceAllocationStrategy::Pooling`].
#[derive(Clone, Debug)]
pub struct PoolingAllocationConfig {
    pub(crate) total_memories: u32,
}

impl Default for PoolingAllocationConfig {
    fn default() -> Self {
        Self {
            total_memories: 1000,
        }
    }
}

impl PoolingAllocationConfig {
    /// A pooling configuration with the defaults (1,000 memories).
    pub fn new() -> Self {
        Self::default()
    }

    /// How many dropped memories' reservations are kept for reuse. Each
    /// costs address space (about 4 GiB for a 32-bit memory), not memory.
    pub fn total_memories(&mut self, count: u32) -> &mut Self {
        self.total_memories = count;
        self
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            features: default_features(),
            tunables: Tunables::default(),
            opt_level: OptLevel::Speed,
            strategy: Strategy::Auto,
            max_wasm_stack: 1 << 20,
            parallel_compilation: true,
            lazy_compilation: false,
            compile_in_background: true,
            allocation_strategy: InstanceAllocationStrategy::OnDemand,
            cache: None,
            gc_heap_limit: kiln_vm::DEFAULT_GC_HEAP_LIMIT,
            gc_stress: false,
            profiler: crate::ProfilingStrategy::None,
            signals_based_traps: true,
            cranelift_flags: Vec::new(),
        }
    }
}

/// The features on by default: Wasm 2.0 plus the Wasm 3.0 features Kiln
/// implements that wasmtime also enables by default.
fn default_features() -> WasmFeatures {
    WasmFeatures::WASM2
        | WasmFeatures::GC
        | WasmFeatures::THREADS
        | WasmFeatures::EXCEPTIONS
        | WasmFeatures::FUNCTION_REFERENCES
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::MEMORY64
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::RELAXED_SIMD
}

macro_rules! feature_switches {
    ($($(#[$doc:meta])* $name:ident => $flag:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&mut self, enable: bool) -> &mut Self {
            self.features.set(WasmFeatures::$flag, enable);
            self
        }
    )*};
}

impl Config {
    /// The default configuration: Wasm 2.0 plus function references, tail
    /// calls, multi-memory, memory64, extended constants and relaxed SIMD;
    /// optimised code.
    pub fn new() -> Self {
        Self::default()
    }

    feature_switches! {
        /// Enables 128-bit SIMD.
        wasm_simd => SIMD;
        /// Enables reference types.
        wasm_reference_types => REFERENCE_TYPES;
        /// Enables bulk memory operations.
        wasm_bulk_memory => BULK_MEMORY;
        /// Enables multi-value blocks and functions.
        wasm_multi_value => MULTI_VALUE;
        /// Enables sign-extension operators.
        wasm_sign_extension => SIGN_EXTENSION;
        /// Enables non-trapping float-to-int conversions.
        wasm_saturating_float_to_int => SATURATING_FLOAT_TO_INT;
        /// Enables mutable global imports and exports.
        wasm_mutable_global => MUTABLE_GLOBAL;
        /// Enables shared memories and atomics.
        wasm_threads => THREADS;
        /// Enables multiple memories.
        wasm_multi_memory => MULTI_MEMORY;
        /// Enables tail calls.
        wasm_tail_call => TAIL_CALL;
        /// Enables extended constant expressions.
        wasm_extended_const => EXTENDED_CONST;
        /// Enables 64-bit memories.
        wasm_memory64 => MEMORY64;
        /// Enables relaxed SIMD.
        wasm_relaxed_simd => RELAXED_SIMD;
        /// Enables 128-bit wide arithmetic.
        wasm_wide_arithmetic => WIDE_ARITHMETIC;
        /// Enables typed function references.
        wasm_function_references => FUNCTION_REFERENCES;
        /// Enables custom page sizes (1-byte pages).
        wasm_custom_page_sizes => CUSTOM_PAGE_SIZES;
        /// Enables exception handling (on by default): tags, `throw`,
        /// `throw_ref`, `try_table` and `exnref` ([`crate::Tag`],
        /// [`crate::ExnRef`]).
        wasm_exceptions => EXCEPTIONS;
        /// Enables garbage collection (on by default): struct and array
        /// types, `i31`, the `any` hierarchy, casts and subtyping
        /// ([`crate::AnyRef`], [`crate::Config::gc_heap_limit`]).
        wasm_gc => GC;
    }

    /// The target to compile for. Kiln compiles for the host only: a triple
    /// (or bare architecture) naming another architecture or operating
    /// system than the host's is an error (wasmtime cross-compiles; Kiln has no use for code it cannot run).
    pub fn target(&mut self, target: &str) -> anyhow::Result<&mut Self> {
        let wanted: target_lexicon::Triple = target
            .parse()
            .map_err(|e| anyhow::anyhow!("invalid target `{target}`: {e}"))?;
        let host = target_lexicon::Triple::host();
        let os_fits = wanted.operating_system == host.operating_system
            || wanted.operating_system == target_lexicon::OperatingSystem::Unknown;
        if wanted.architecture != host.architecture || !os_fits {
            anyhow::bail!("Kiln compiles only for the host ({host}), not for `{target}`");
        }
        Ok(self)
    }

    /// Whether traps are detected with signal handlers (guard pages, and
    /// faulting instructions). Kiln always uses them: `false` makes
    /// [`crate::Engine::new`] fail.
    pub fn signals_based_traps(&mut self, enable: bool) -> &mut Self {
        self.signals_based_traps = enable;
        self
    }

    /// Asks for a Cranelift flag. Kiln compiles with every feature of the
    /// host CPU already, so the flags it accepts are the host's CPU
    /// features (`has_avx2`, ...); anything else makes
    /// [`crate::Engine::new`] fail, rather than change how Kiln's safety
    /// checks are compiled.
    ///
    /// # Safety
    /// As in wasmtime, where a flag can make compiled code use
    /// instructions the CPU lacks; Kiln refuses those.
    pub unsafe fn cranelift_flag_enable(&mut self, flag: &str) -> &mut Self {
        self.cranelift_flags.push(flag.to_string());
        self
    }

    /// Whether to describe compiled code to debuggers with DWARF. Kiln
    /// emits none; the setting is accepted for wasmtime's API and has no
    /// effect (`--profile perfmap` names functions for `perf`).
    pub fn debug_info(&mut self, enable: bool) -> &mut Self {
        let _ = enable;
        self
    }

    /// Whether explicit memory and table bounds checks are hardened against
    /// speculative execution (on by default): when a check fails, the
    /// address is replaced by null before any access, so a mispredicted
    /// branch cannot read out of bounds or call through a forged pointer.
    pub fn spectre_guards(&mut self, enable: bool) -> &mut Self {
        self.tunables.spectre_guards = enable;
        self
    }

    /// Describes compiled code to a profiler (see [`crate::ProfilingStrategy`]).
    pub fn profiler(&mut self, strategy: crate::ProfilingStrategy) -> &mut Self {
        self.profiler = strategy;
        self
    }

    /// How memories are allocated (see [`InstanceAllocationStrategy`]).
    pub fn allocation_strategy(&mut self, strategy: InstanceAllocationStrategy) -> &mut Self {
        self.allocation_strategy = strategy;
        self
    }

    /// How many dropped memories' reservations the engine keeps.
    pub(crate) fn kept_memory_reservations(&self) -> usize {
        match &self.allocation_strategy {
            InstanceAllocationStrategy::OnDemand => 16,
            InstanceAllocationStrategy::Pooling(p) => p.total_memories as usize,
        }
    }

    /// Replaces the whole feature set.
    pub fn wasm_features(&mut self, features: WasmFeatures) -> &mut Self {
        self.features = features;
        self
    }

    /// The most bytes each store's GC heap (its structs and arrays) may
    /// take, 1 GiB by default. An allocation that does not fit after a
    /// collection traps with [`crate::Trap::GcHeapOutOfMemory`].
    pub fn gc_heap_limit(&mut self, bytes: usize) -> &mut Self {
        self.gc_heap_limit = bytes;
        self
    }

    /// GC stress mode, off by default; for testing Kiln's collector and
    /// the stack maps it reads, not for production. Every allocation
    /// collects first, and the objects a collection frees are overwritten
    /// with a poison pattern, so that a reference the collector missed
    /// shows as wrong results or a crash instead of going unnoticed; a
    /// stack map slot that holds anything but a reference aborts the
    /// process. Programs that allocate run orders of magnitude slower.
    pub fn gc_stress(&mut self, enable: bool) -> &mut Self {
        self.gc_stress = enable;
        self
    }

    /// The most stack, in bytes, wasm may use before it traps with
    /// [`crate::Trap::StackOverflow`].
    pub fn max_wasm_stack(&mut self, bytes: usize) -> &mut Self {
        self.max_wasm_stack = bytes;
        self
    }

    /// Whether float operations produce only the canonical NaN, so that
    /// results do not depend on the host's NaN bits (off by default).
    pub fn cranelift_nan_canonicalization(&mut self, enable: bool) -> &mut Self {
        self.tunables.nan_canonicalization = enable;
        self
    }

    /// Which compiler to use (as in wasmtime; Kiln compiles with Cranelift,
    /// and [`Engine::new`](crate::Engine::new) fails for [`Strategy::Winch`]).
    pub fn strategy(&mut self, strategy: Strategy) -> &mut Self {
        self.strategy = strategy;
        self
    }

    /// How hard Cranelift optimises.
    pub fn cranelift_opt_level(&mut self, level: OptLevel) -> &mut Self {
        self.opt_level = level;
        self
    }

    /// Address space reserved per 32-bit linear memory, in bytes (4 GiB by
    /// default, which lets accesses within the guard go unchecked).
    pub fn memory_reservation(&mut self, bytes: u64) -> &mut Self {
        self.tunables.memory_reservation = bytes;
        self
    }

    /// The most a 64-bit memory may grow to, in bytes (16 GiB by default):
    /// the address space each one reserves, unless its declared maximum is
    /// smaller. Memories never move, so `memory.grow` past it fails (-1).
    pub fn memory64_reservation(&mut self, bytes: u64) -> &mut Self {
        self.tunables.memory64_reservation = bytes;
        self
    }

    /// Inaccessible guard bytes after each linear memory.
    pub fn memory_guard_size(&mut self, bytes: u64) -> &mut Self {
        self.tunables.memory_guard_size = bytes;
        self
    }

    /// Whether wasm consumes fuel (one unit per operator) and traps with
    /// [`crate::Trap::OutOfFuel`] when the store's fuel runs out.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.tunables.consume_fuel = enable;
        self
    }

    /// Whether wasm checks the engine's epoch against the store's deadline
    /// at function entry and loop headers, trapping with
    /// [`crate::Trap::Interrupt`] once it is reached.
    pub fn epoch_interruption(&mut self, enable: bool) -> &mut Self {
        self.tunables.epoch_interruption = enable;
        self
    }

    /// Whether small functions are copied into their direct callers (on by
    /// default). Backtraces still show the inlined functions' frames.
    pub fn compiler_inlining(&mut self, enable: bool) -> &mut Self {
        self.tunables.inlining = enable;
        self
    }

    /// Whether functions are compiled on several threads.
    pub fn parallel_compilation(&mut self, enable: bool) -> &mut Self {
        self.parallel_compilation = enable;
        self
    }

    /// Whether functions are compiled when first called instead of when
    /// the module is (off by default). [`crate::Module::new`] then only
    /// validates the module and compiles its trampolines; a background
    /// thread compiles the functions no call has needed yet (see
    /// [`Config::compile_in_background`]). Calls between
    /// a module's functions go through a table of code pointers, which
    /// costs a little run time; a cached module (see [`Config::cache`]) is
    /// loaded whole instead, and lazily compiled modules are not cached.
    pub fn lazy_compilation(&mut self, enable: bool) -> &mut Self {
        self.lazy_compilation = enable;
        self
    }

    /// With [`Config::lazy_compilation`], whether a background thread per
    /// module compiles the functions no call has needed yet (on by
    /// default). Off, a function is compiled only when first called, so
    /// functions never called cost nothing.
    pub fn compile_in_background(&mut self, enable: bool) -> &mut Self {
        self.compile_in_background = enable;
        self
    }

    /// Where compiled modules are saved and looked up (off by default):
    /// with a cache, [`crate::Module::new`] and
    /// [`crate::Module::from_binary`] load a module compiled before by the
    /// same Kiln build with the same configuration instead of compiling it,
    /// and save each module they do compile. See [`Cache`].
    pub fn cache(&mut self, cache: Option<Cache>) -> &mut Self {
        self.cache = cache;
        self
    }
}
