//! Functions: host functions from C callbacks, and calls into wasm.

use crate::externs::wasm_func_t;
use crate::store::{StoreData, wasm_store_t};
use crate::trap::wasm_trap_t;
use crate::types::{CFuncType, wasm_functype_t};
use crate::val::wasm_val_t;
use crate::vec::wasm_val_vec_t;
use crate::{give, non_null, take_box};
use anyhow::{Result, anyhow};
use kiln_api::{Caller, Func, FuncType, RootScope, Val, ValType};
use std::ffi::c_void;

/// `wasm_func_callback_t`: a host function without environment.
pub type wasm_func_callback_t = Option<
    unsafe extern "C" fn(
        args: *const wasm_val_vec_t,
        results: *mut wasm_val_vec_t,
    ) -> *mut wasm_trap_t,
>;

/// `wasm_func_callback_with_env_t`: a host function with an environment pointer.
pub type wasm_func_callback_with_env_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        args: *const wasm_val_vec_t,
        results: *mut wasm_val_vec_t,
    ) -> *mut wasm_trap_t,
>;

/// A C host function: the callback, its environment and the
/// environment's finalizer (run when the function is dropped with its store).
struct Callback {
    plain: wasm_func_callback_t,
    with_env: wasm_func_callback_with_env_t,
    env: *mut c_void,
    finalizer: crate::host_info::wasm_finalizer_t,
}

// SAFETY: a store, and so its host functions, is used by one thread at a
// time; the environment pointer is the embedder's, which the standard
// leaves to it.
unsafe impl Send for Callback {}
// SAFETY: as above.
unsafe impl Sync for Callback {}

impl Drop for Callback {
    fn drop(&mut self) {
        if let Some(finalize) = self.finalizer {
            // SAFETY: the embedder's finalizer for its environment, run once.
            unsafe { finalize(self.env) };
        }
    }
}

impl Callback {
    /// Calls the C function with `params`, filling `results`.
    fn call(
        &self,
        mut caller: Caller<'_, StoreData>,
        result_types: &[ValType],
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let store = caller
            .data()
            .me
            .upgrade()
            .ok_or_else(|| anyhow!("the store is being deleted"))?;
        // The caller is a root scope: the parameters are rooted in it, and
        // so are the results made below, until the host function returns.
        let args = wasm_val_vec_t::from_vec(
            params
                .iter()
                .map(|&p| wasm_val_t::from_kiln(p, &store, &mut caller))
                .collect::<Result<_>>()?,
        );
        let mut out = wasm_val_vec_t::from_vec(
            result_types
                .iter()
                .map(|&t| wasm_val_t::zero_of(t))
                .collect(),
        );
        let trap = store.in_host_call(&mut caller, || match (self.plain, self.with_env) {
            // SAFETY: the embedder's callback, given vectors valid for the call.
            (Some(f), _) => unsafe { f(&args, &mut out) },
            // SAFETY: as above, with the environment it registered.
            (None, Some(f)) => unsafe { f(self.env, &args, &mut out) },
            (None, None) => std::ptr::null_mut(),
        });
        if let Some(trap) = take_box(trap) {
            let frames = kiln_api::WasmBacktrace::capture(&caller).frames().to_vec();
            return Err(trap.into_error(frames));
        }
        if out.size != results.len() {
            return Err(anyhow!(
                "the host function changed its results vector to {} values, expected {}",
                out.size,
                results.len()
            ));
        }
        for (slot, val) in results.iter_mut().zip(out.as_slice()) {
            *slot = val.to_kiln(&store, &mut caller)?;
        }
        Ok(())
    }
}

fn new_func(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Callback,
) -> *mut wasm_func_t {
    let store = wasm_store_t::from_ptr(store);
    let ty: FuncType = non_null(ty, "the function type").inner().ty.clone();
    let result_types = ty.result_types().to_vec();
    let func = store.with(|ctx| {
        Func::new(ctx, ty, move |caller, params, results| {
            callback.call(caller, &result_types, params, results)
        })
    });
    give(wasm_func_t::new(store.clone(), func))
}

/// A host function of type `ty` that runs `callback`.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_new(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: wasm_func_callback_t,
) -> *mut wasm_func_t {
    new_func(
        store,
        ty,
        Callback {
            plain: callback,
            with_env: None,
            env: std::ptr::null_mut(),
            finalizer: None,
        },
    )
}

/// A host function of type `ty` that runs `callback` with `env`; the
/// store calls `finalizer(env)` (if not null) when it drops the function.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_new_with_env(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: wasm_func_callback_with_env_t,
    env: *mut c_void,
    finalizer: crate::host_info::wasm_finalizer_t,
) -> *mut wasm_func_t {
    new_func(
        store,
        ty,
        Callback {
            plain: None,
            with_env: callback,
            env,
            finalizer,
        },
    )
}

fn func_type(f: &wasm_func_t) -> FuncType {
    f.ext.store.with(|ctx| f.get().ty(ctx))
}

/// The function's type (owned by the caller).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_type(f: *const wasm_func_t) -> *mut wasm_functype_t {
    give(wasm_functype_t::wrap(CFuncType::new(func_type(non_null(
        f,
        "the function",
    )))))
}

/// The number of parameters.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_param_arity(f: *const wasm_func_t) -> usize {
    func_type(non_null(f, "the function")).params().len()
}

/// The number of results.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_result_arity(f: *const wasm_func_t) -> usize {
    func_type(non_null(f, "the function")).results().len()
}

/// Calls the function with `args`, writing its results into `results`
/// (which must have one slot per result). Returns null, or the trap
/// (owned by the caller) if the call trapped or the arguments are wrong.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_call(
    f: *const wasm_func_t,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    let f = non_null(f, "the function");
    let args = crate::refs::unsafe_ref(args).map_or(&[][..], wasm_val_vec_t::as_slice);
    let results = crate::non_null_mut(results, "the results vector");
    match call(f, args, results) {
        Ok(()) => std::ptr::null_mut(),
        Err(e) => give(wasm_trap_t::from_error(e)),
    }
}

fn call(f: &wasm_func_t, args: &[wasm_val_t], results: &mut wasm_val_vec_t) -> Result<()> {
    let store = &f.ext.store;
    let ty = func_type(f);
    if results.size != ty.results().len() {
        anyhow::bail!(
            "the results vector has {} slots, but the function returns {} values",
            results.size,
            ty.results().len()
        );
    }
    let out = store.with(|ctx| -> Result<Vec<wasm_val_t>> {
        // The references made for the call go when it is over.
        let mut scope = RootScope::new(ctx);
        let params = args
            .iter()
            .map(|a| a.to_kiln(store, &mut scope))
            .collect::<Result<Vec<_>>>()?;
        let mut out: Vec<Val> = ty
            .result_types()
            .iter()
            .map(|&t| Val::default_for(t))
            .collect();
        f.get().call(&mut scope, &params, &mut out)?;
        out.into_iter()
            .map(|val| wasm_val_t::from_kiln(val, store, &mut scope))
            .collect()
    })?;
    for (slot, val) in results.as_mut_slice().iter_mut().zip(out) {
        // SAFETY: the caller's result slots are not initialised values we
        // own, so they are overwritten without being dropped.
        unsafe { std::ptr::write(slot, val) };
    }
    Ok(())
}
