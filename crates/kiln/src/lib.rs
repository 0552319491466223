//! Kiln: run WebAssembly compiled to native code by Cranelift.
//!
//! ```
//! use kiln::{Engine, Store, Module, Instance};
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

mod config;
mod context;
mod engine;
mod extern_types;
mod externals;
mod func;
mod instance;
mod into_func;
mod limits;
mod linker;
mod module;
mod store;
mod trap;
mod typed;
mod values;

pub use config::{Config, OptLevel};
pub use context::{AsContext, AsContextMut, StoreContext, StoreContextMut};
pub use engine::Engine;
pub use extern_types::{ExportType, ExternType, ImportType};
pub use externals::{Extern, Global, Memory, MemoryAccessError, Table};
pub use func::{Caller, Func};
pub use instance::Instance;
pub use into_func::{IntoFunc, WasmRet};
pub use kiln_types::{FuncType, GlobalType, MemoryType, Mutability, TableType, ValType};
pub use kiln_vm::VMFunctionKind;
pub use limits::{ResourceLimiter, StoreLimits, StoreLimitsBuilder};
pub use linker::Linker;
pub use module::Module;
pub use store::Store;
pub use trap::{FrameInfo, Trap, WasmBacktrace};
pub use typed::{TypedFunc, WasmParams, WasmResults, WasmTy};
pub use values::{ExternRef, Val};

/// Kiln's error type (an `anyhow::Error`; traps downcast to [`Trap`]).
pub type Error = anyhow::Error;
/// `Result` with Kiln's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
