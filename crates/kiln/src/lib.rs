//! Kiln runs WebAssembly compiled to native code by Cranelift, in a sandbox.
//! The API follows wasmtime's, so moving an embedding over is mostly a
//! change of crate name.
//!
//! # Hello
//!
//! An [`Engine`] compiles; a [`Module`] is compiled code; a [`Store`] owns
//! everything that running it creates (instances, memories, tables, globals,
//! host functions) plus a value of your own; an [`Instance`] is a module
//! brought to life in a store.
//!
//! ```
//! use kiln::{Engine, Instance, Module, Store};
//! # fn main() -> kiln::Result<()> {
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     local.get 0 local.get 1 i32.add))"#)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[])?;
//! let add = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add")?;
//! assert_eq!(add.call(&mut store, (2, 3))?, 5);
//! # Ok(())
//! # }
//! ```
//!
//! # Host functions
//!
//! Wasm imports what the host provides. [`Func::wrap`] turns a closure into a
//! host function; a [`Caller`] first argument gives it the store's data and
//! the calling instance's exports, such as its memory. A [`Linker`] supplies
//! imports by name.
//!
//! ```
//! use kiln::{Caller, Engine, Linker, Module, Store};
//! # fn main() -> kiln::Result<()> {
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module
//!     (import "env" "print" (func $print (param i32 i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 0) "hi!")
//!     (func (export "main") (call $print (i32.const 0) (i32.const 3))))"#)?;
//! let mut store = Store::new(&engine, String::new());
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap("env", "print", |mut caller: Caller<'_, String>, ptr: i32, len: i32| {
//!     let memory = caller.get_export("memory").and_then(|e| e.into_memory()).unwrap();
//!     let mut buf = vec![0; len as usize];
//!     memory.read(&caller, ptr as usize, &mut buf)?;
//!     caller.data_mut().push_str(std::str::from_utf8(&buf)?);
//!     Ok(())
//! })?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! instance.get_typed_func::<(), ()>(&mut store, "main")?.call(&mut store, ())?;
//! assert_eq!(store.data(), "hi!");
//! # Ok(())
//! # }
//! ```
//!
//! # Traps and errors
//!
//! Everything that can fail returns [`Result`]. A wasm trap is an error that
//! `downcast_ref::<Trap>()` turns into the [`Trap`] code and
//! `downcast_ref::<WasmBacktrace>()` into the wasm frames. A host function's
//! `Err` comes back unchanged, and a host function's panic is resumed in the
//! caller after wasm has been left; the store stays usable either way.
//!
//! # GC references
//!
//! References to GC objects and host values ([`AnyRef`], [`EqRef`],
//! [`StructRef`], [`ArrayRef`], [`ExternRef`]) are held through [`Rooted`]
//! handles: `Copy` indices into the store's roots, valid until the
//! innermost [`RootScope`] (or host call) that made them ends, and an
//! `Err`, never a dangling pointer, after that. [`OwnedRooted`] lives
//! until dropped.
//!
//! ```
//! use kiln::{ExternRef, RootScope, Store};
//! # fn main() -> kiln::Result<()> {
//! let mut store = Store::<()>::default();
//! let stale = {
//!     let mut scope = RootScope::new(&mut store);
//!     let name = ExternRef::new(&mut scope, String::from("config"))?;
//!     let value = name.data(&scope)?.unwrap().downcast_ref::<String>().unwrap();
//!     assert_eq!(value, "config");
//!     name
//! };
//! assert!(stale.data(&store).is_err());
//! # Ok(())
//! # }
//! ```
//!
//! # Limits and interruption
//!
//! [`Config::consume_fuel`] with [`Store::set_fuel`], and
//! [`Config::epoch_interruption`] with [`Store::set_epoch_deadline`] and
//! [`Engine::increment_epoch`], stop runaway code; [`Store::limiter`] bounds
//! memories, tables and instances. [`Module::serialize`] and
//! [`Module::deserialize`] save compiled code for later; [`Config::cache`]
//! does so by itself, in an on-disk [`Cache`] of compiled modules.
//!
//! More: `examples/` in the repository (each runs under `cargo test`).

mod any_ref;
mod cache;
mod config;
mod context;
mod engine;
mod eq_ref;
mod exn;
mod extern_types;
mod externals;
mod func;
mod gc;
mod gc_alloc;
mod gc_refs;
mod instance;
mod into_func;
mod lazy;
mod limits;
mod linker;
mod module;
mod profiling;
mod reference;
mod rooting;
mod shared_memory;
mod store;
mod tag;
mod trap;
mod typed;
mod values;

pub use any_ref::{AnyRef, I31};
pub use cache::Cache;
pub use config::{Config, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig, Strategy};
pub use context::{AsContext, AsContextMut, StoreContext, StoreContextMut};
pub use engine::Engine;
pub use eq_ref::EqRef;
pub use exn::{ExnRef, ThrownException};
pub use extern_types::{ExportType, ExternType, ImportType};
pub use externals::{Extern, Global, Memory, MemoryAccessError, Table};
pub use func::{Caller, Func};
pub use gc_alloc::{ArrayRefPre, StructRefPre};
pub use gc_refs::{ArrayRef, StructRef};
pub use instance::Instance;
pub use into_func::{IntoFunc, WasmRet};
pub use kiln_types::Unsupported;
pub use kiln_types::{
    ArrayType, CompositeType, EngineTypeIndex, FieldType, FuncType, GlobalType, HeapType,
    MemoryType, Mutability, RefHierarchy, RefType, StorageType, StructType, SubType, TableType,
    TypeIndex, TypeKind, ValType,
};
pub use kiln_vm::VMFunctionKind;
pub use limits::{ResourceLimiter, StoreLimits, StoreLimitsBuilder};
pub use linker::{InstancePre, Linker};
pub use module::Module;
pub use profiling::ProfilingStrategy;
pub use reference::Ref;
pub use rooting::{GcRef, GcRootIndex, OwnedRooted, RootScope, Rooted, RootedGcRef};
pub use shared_memory::{SharedMemory, WaitResult};
pub use store::{Store, UpdateDeadline};
pub use tag::{Tag, TagType};
pub use trap::{FrameInfo, Trap, WasmBacktrace};
pub use typed::{TypedFunc, WasmParams, WasmResults, WasmTy};
pub use values::{ExternRef, V128, Val};

/// Kiln's error type (an `anyhow::Error`; traps downcast to [`Trap`]).
pub type Error = anyhow::Error;
/// Macros that make an [`Error`] (`format_err!`, also `anyhow!`), return
/// one (`bail!`) or return one unless a condition holds (`ensure!`), as
/// wasmtime re-exports them.
pub use anyhow::{anyhow, bail, ensure, format_err};
/// `Result` with Kiln's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
