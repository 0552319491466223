//! Modules, and modules shared between threads.

use crate::externs::report;
use crate::host_info::HostInfoSlot;
use crate::refs::{CRef, RefObj, ref_type, wasm_ref_t};
use crate::store::wasm_store_t;
use crate::types::{wasm_exporttype_t, wasm_externtype_t, wasm_importtype_t};
use crate::vec::{wasm_byte_vec_t, wasm_exporttype_vec_t, wasm_importtype_vec_t};
use crate::{give, non_null, take_box};
use kiln_api::{Engine, Module};
use std::sync::{Arc, OnceLock};

/// A compiled module and the host info attached to it.
pub(crate) struct ModuleData {
    pub(crate) module: Module,
    pub(crate) host_info: HostInfoSlot,
}

/// `wasm_module_t`: compiled code, usable by every store of its engine.
pub struct wasm_module_t {
    pub(crate) data: Arc<ModuleData>,
    as_ref: OnceLock<Box<wasm_ref_t>>,
}

impl wasm_module_t {
    pub(crate) fn new(data: Arc<ModuleData>) -> wasm_module_t {
        wasm_module_t {
            data,
            as_ref: OnceLock::new(),
        }
    }

    fn from_module(module: Module) -> *mut wasm_module_t {
        give(wasm_module_t::new(Arc::new(ModuleData {
            module,
            host_info: HostInfoSlot::default(),
        })))
    }
}

impl Clone for wasm_module_t {
    fn clone(&self) -> wasm_module_t {
        wasm_module_t::new(self.data.clone())
    }
}

impl CRef for wasm_module_t {
    fn obj(&self) -> RefObj {
        RefObj::Module(self.data.clone())
    }
    fn as_ref(&self) -> &wasm_ref_t {
        self.as_ref
            .get_or_init(|| Box::new(wasm_ref_t::new(self.obj())))
    }
    fn from_ref(r: &wasm_ref_t) -> Option<&Self> {
        r.as_module()
    }
}

ref_type!(
    wasm_module_t,
    wasm_module_delete,
    wasm_module_copy,
    wasm_module_same,
    wasm_module_get_host_info,
    wasm_module_set_host_info,
    wasm_module_set_host_info_with_finalizer,
    wasm_module_as_ref,
    wasm_module_as_ref_const,
    wasm_ref_as_module,
    wasm_ref_as_module_const
);

fn store_engine(store: *mut wasm_store_t) -> Engine {
    wasm_store_t::from_ptr(store).engine()
}

/// Compiles a module from its binary form; null if it is not valid (the
/// reason goes to stderr).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    let engine = store_engine(store);
    match Module::from_binary(&engine, non_null(binary, "the binary").as_slice()) {
        Ok(m) => wasm_module_t::from_module(m),
        Err(e) => {
            report("cannot compile the module", &e);
            std::ptr::null_mut()
        }
    }
}

/// Whether `binary` is a valid module for the store's engine.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_validate(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> bool {
    let engine = store_engine(store);
    Module::validate(&engine, non_null(binary, "the binary").as_slice()).is_ok()
}

/// Writes the module's imports to `out` (owned by the caller), in order.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_imports(
    module: *const wasm_module_t,
    out: *mut wasm_importtype_vec_t,
) {
    let module = &non_null(module, "the module").data.module;
    let imports = module
        .imports()
        .map(|i| {
            let ty = wasm_externtype_t::new(i.ty());
            Some(Box::new(wasm_importtype_t::new(i.module(), i.name(), ty)))
        })
        .collect();
    wasm_importtype_vec_t::write(out, imports);
}

/// Writes the module's exports to `out` (owned by the caller), in order.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_exports(
    module: *const wasm_module_t,
    out: *mut wasm_exporttype_vec_t,
) {
    let module = &non_null(module, "the module").data.module;
    let exports = module
        .exports()
        .map(|e| {
            let ty = wasm_externtype_t::new(e.ty());
            Some(Box::new(wasm_exporttype_t::new(e.name(), ty)))
        })
        .collect();
    wasm_exporttype_vec_t::write(out, exports);
}

/// Writes the module's compiled form to `out` (owned by the caller), for
/// `wasm_module_deserialize`; empty if it cannot be serialized.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_serialize(module: *const wasm_module_t, out: *mut wasm_byte_vec_t) {
    let module = &non_null(module, "the module").data.module;
    let bytes = module.serialize().unwrap_or_else(|e| {
        report("cannot serialize the module", &e);
        Vec::new()
    });
    wasm_byte_vec_t::write(out, bytes);
}

/// A module from bytes made by `wasm_module_serialize` with the same
/// Kiln version and configuration; null if they are not (the checksum
/// rejects damaged bytes). The bytes are native code: only pass bytes this
/// library serialized.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_deserialize(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    let engine = store_engine(store);
    let bytes = non_null(bytes, "the bytes").as_slice();
    // SAFETY: the standard's contract for this function: the bytes come
    // from `wasm_module_serialize`. Kiln checks the format, version,
    // configuration and a checksum before it maps any code.
    match unsafe { Module::deserialize(&engine, bytes) } {
        Ok(m) => wasm_module_t::from_module(m),
        Err(e) => {
            report("cannot deserialize the module", &e);
            std::ptr::null_mut()
        }
    }
}

/// `wasm_shared_module_t`: a module handed to another thread.
pub struct wasm_shared_module_t {
    data: Arc<ModuleData>,
}

/// A handle to the module that another thread can `wasm_module_obtain`.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_share(module: *const wasm_module_t) -> *mut wasm_shared_module_t {
    give(wasm_shared_module_t {
        data: non_null(module, "the module").data.clone(),
    })
}

/// The shared module, for use in `store` (null if the store has another engine).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_obtain(
    store: *mut wasm_store_t,
    shared: *const wasm_shared_module_t,
) -> *mut wasm_module_t {
    let engine = store_engine(store);
    let shared = non_null(shared, "the shared module");
    if !Engine::same(&engine, shared.data.module.engine()) {
        eprintln!("kiln: the shared module belongs to another engine");
        return std::ptr::null_mut();
    }
    give(wasm_module_t::new(shared.data.clone()))
}

/// Deletes a shared-module handle.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_shared_module_delete(shared: *mut wasm_shared_module_t) {
    drop(take_box(shared));
}
