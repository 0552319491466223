//! Instances.

use crate::externs::wasm_extern_t;
use crate::module::wasm_module_t;
use crate::refs::{CRef, RefObj, ref_type, wasm_ref_t};
use crate::store::{StoreRef, wasm_store_t};
use crate::trap::wasm_trap_t;
use crate::vec::wasm_extern_vec_t;
use crate::{give, non_null};
use anyhow::{Result, anyhow};
use kiln_api::{Extern, Instance};
use std::sync::OnceLock;

/// `wasm_instance_t`: a module instantiated in a store.
pub struct wasm_instance_t {
    pub(crate) store: StoreRef,
    pub(crate) instance: Instance,
    as_ref: OnceLock<Box<wasm_ref_t>>,
}

impl wasm_instance_t {
    pub(crate) fn new(store: StoreRef, instance: Instance) -> wasm_instance_t {
        wasm_instance_t {
            store,
            instance,
            as_ref: OnceLock::new(),
        }
    }
}

impl Clone for wasm_instance_t {
    fn clone(&self) -> wasm_instance_t {
        wasm_instance_t::new(self.store.clone(), self.instance)
    }
}

impl CRef for wasm_instance_t {
    fn obj(&self) -> RefObj {
        RefObj::Instance(self.store.clone(), self.instance)
    }
    fn as_ref(&self) -> &wasm_ref_t {
        self.as_ref
            .get_or_init(|| Box::new(wasm_ref_t::new(self.obj())))
    }
    fn from_ref(r: &wasm_ref_t) -> Option<&Self> {
        r.as_instance()
    }
}

ref_type!(
    wasm_instance_t,
    wasm_instance_delete,
    wasm_instance_copy,
    wasm_instance_same,
    wasm_instance_get_host_info,
    wasm_instance_set_host_info,
    wasm_instance_set_host_info_with_finalizer,
    wasm_instance_as_ref,
    wasm_instance_as_ref_const,
    wasm_ref_as_instance,
    wasm_ref_as_instance_const
);

fn instantiate(
    store: &StoreRef,
    module: &wasm_module_t,
    imports: &[Option<Box<wasm_extern_t>>],
) -> Result<Instance> {
    let externs = imports
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let e = e.as_ref().ok_or_else(|| anyhow!("import {i} is null"))?;
            if !std::sync::Arc::ptr_eq(&e.store, store) {
                anyhow::bail!("import {i} belongs to another store");
            }
            Ok(e.which.clone())
        })
        .collect::<Result<Vec<Extern>>>()?;
    store.with(|ctx| Instance::new(ctx, &module.data.module, &externs))
}

/// Instantiates `module` with `imports` (one per import, in the module's
/// order; borrowed). On failure returns null and, if `trap` is not null,
/// stores there a trap (owned by the caller) saying why: the start
/// function's trap, or the instantiation error.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    imports: *const wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    let store = wasm_store_t::from_ptr(store);
    let module = non_null(module, "the module");
    let imports = crate::refs::unsafe_ref(imports).map_or(&[][..], wasm_extern_vec_t::as_slice);
    let mut trap = crate::vec::opt_mut(trap);
    if let Some(slot) = trap.as_deref_mut() {
        *slot = std::ptr::null_mut();
    }
    match instantiate(store, module, imports) {
        Ok(instance) => give(wasm_instance_t::new(store.clone(), instance)),
        Err(e) => {
            match trap {
                Some(slot) => *slot = give(wasm_trap_t::from_error(e)),
                None => crate::externs::report("cannot instantiate the module", &e),
            }
            std::ptr::null_mut()
        }
    }
}

/// Writes the instance's exports, in the module's order, to `out` (owned
/// by the caller).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_instance_exports(
    instance: *const wasm_instance_t,
    out: *mut wasm_extern_vec_t,
) {
    let instance = non_null(instance, "the instance");
    let exports = instance.store.with(|ctx| instance.instance.exports(ctx));
    let externs = exports
        .into_iter()
        .map(|(_, e)| Some(Box::new(wasm_extern_t::new(instance.store.clone(), e))))
        .collect();
    wasm_extern_vec_t::write(out, externs);
}
