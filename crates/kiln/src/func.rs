//! Functions: wasm exports and host functions, callable from both sides.

use crate::context::{AsContext, AsContextMut};
use crate::into_func::IntoFunc;
use crate::store::{StoreBody, StoreInner};
use crate::trap::WasmBacktrace;
use crate::{Extern, FuncType, Val};
use anyhow::{Result, bail};
use kiln_vm::{
    Instance as VmInstance, RawValue, ThrownObject, TrapReason, VMCallerCheckedAnyfunc, VMContext,
    VMDynamicFunctionContext, VMFunctionBody, VMFunctionContext, VMFunctionKind,
};
use std::any::Any;
use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

/// A host closure over untyped values.
pub(crate) type HostFn<T> = dyn Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync;

/// A host closure over the adapter's raw slots (arguments in, results
/// out), for closures whose Rust types fix their wasm types.
pub(crate) type RawHostFn<T> = dyn Fn(Caller<'_, T>, &mut [RawValue]) -> Result<()> + Send + Sync;

/// The statically typed forms of a closure made into a host function by
/// [`Func::wrap`]: the slot-based one, and a monomorphised entry that
/// takes the arguments in registers (`IntoFunc`'s `native_entry`), with the
/// closure it calls.
#[doc(hidden)]
pub struct StaticHost<T> {
    /// Reads arguments from and writes results to the adapter's slots.
    pub(crate) raw: std::sync::Arc<RawHostFn<T>>,
    /// `unsafe extern "C" fn(env, caller_vmctx, params…, results) -> bool`.
    pub(crate) entry: *const VMFunctionBody,
    /// The closure `entry` calls, kept alive by `raw` (which owns it too).
    pub(crate) closure: *const (),
}

impl<T> Clone for StaticHost<T> {
    fn clone(&self) -> Self {
        StaticHost {
            raw: self.raw.clone(),
            entry: self.entry,
            closure: self.closure,
        }
    }
}

// SAFETY: `entry` is code and `closure` points at a `Send + Sync` closure
// owned by `raw`.
unsafe impl<T> Send for StaticHost<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for StaticHost<T> {}

/// What a host function's `VMDynamicFunctionContext` carries.
pub(crate) struct HostState<T> {
    func: Box<HostFn<T>>,
    /// The raw form wasm calls, if the closure's types are static.
    raw: Option<std::sync::Arc<RawHostFn<T>>>,
    /// The closure a static entry calls (null for other functions).
    closure: *const (),
    ty: FuncType,
    kind: VMFunctionKind,
    anyfunc: VMCallerCheckedAnyfunc,
    _trampolines: std::sync::Arc<crate::engine::HostTrampolines>,
}

pub(crate) enum FuncKind {
    Wasm,
    /// A `Box<VMDynamicFunctionContext<HostState<T>>>`, type-erased.
    Host(Box<dyn Any + Send + Sync>),
}

/// The store's record of one function.
pub(crate) struct FuncData {
    pub(crate) ty: FuncType,
    pub(crate) anyfunc: *const VMCallerCheckedAnyfunc,
    pub(crate) kind: FuncKind,
}

impl FuncData {
    pub(crate) fn wasm(ty: FuncType, anyfunc: *const VMCallerCheckedAnyfunc) -> Self {
        FuncData {
            ty,
            anyfunc,
            kind: FuncKind::Wasm,
        }
    }
}

/// A function in a [`Store`](crate::Store): a wasm export or a host function.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: u64,
    pub(crate) index: usize,
}

/// The view of the store a host function gets while wasm calls it.
///
/// A `Caller` lends the store only as a context ([`AsContext`],
/// [`AsContextMut`]), never as a `Store`, so host code cannot replace or
/// drop the store wasm is running on:
///
/// ```compile_fail
/// # use kiln::{Caller, Engine, Store};
/// fn swap_the_store(mut caller: Caller<'_, ()>, other: &mut Store<()>) {
///     // There is no way to reach `&mut Store<()>` from a `Caller`.
///     std::mem::swap(caller.store(), other);
/// }
/// ```
///
/// ```compile_fail
/// # use kiln::{AsContextMut, Caller, Engine, Store};
/// fn swap_the_store(mut caller: Caller<'_, ()>, other: &mut Store<()>) {
///     // A context is not a store either.
///     let cx = caller.as_context_mut();
///     let store: &mut Store<()> = cx.0;
///     std::mem::swap(store, other);
/// }
/// ```
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut StoreBody<T>,
    pub(crate) instance: Option<usize>,
}

impl<T> Caller<'_, T> {
    /// The store's data.
    pub fn data(&self) -> &T {
        self.store.data()
    }
    /// The store's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }
    /// The engine.
    pub fn engine(&self) -> &crate::Engine {
        self.store.engine()
    }
    /// An export of the calling instance (e.g. its `memory`, which is
    /// found without a name lookup).
    pub fn get_export(&mut self, name: &str) -> Option<Extern> {
        let i = self.instance?;
        if name == "memory"
            && let Some(m) = self.store.inner.instances[i].memory_export
        {
            return Some(Extern::Memory(crate::Memory {
                store: self.store.inner.id,
                index: m,
            }));
        }
        crate::Instance {
            store: self.store.inner.id,
            index: i,
        }
        .get_export(&mut *self.store, name)
    }
    /// The fuel left (needs [`crate::Config::consume_fuel`]).
    pub fn get_fuel(&self) -> Result<u64> {
        self.store.get_fuel()
    }
    /// Sets the fuel left (needs [`crate::Config::consume_fuel`]).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.store.set_fuel(fuel)
    }
    /// Moves the epoch deadline to `ticks` past the engine's current epoch.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        self.store.set_epoch_deadline(ticks)
    }
    /// Collects the store's GC heap now, as [`crate::Store::gc`] does; what
    /// the wasm frames below this call hold survives.
    pub fn gc(&mut self) {
        self.store.gc()
    }
    /// Bytes the store's GC heap takes, as [`crate::Store::gc_heap_bytes`].
    pub fn gc_heap_bytes(&self) -> usize {
        self.store.gc_heap_bytes()
    }
}

/// The host entry compiled adapters call: decodes arguments, runs the
/// closure (catching panics), encodes results. Returns `false` after
/// recording an error or panic for the adapter to raise.
unsafe extern "C" fn host_entry<T: 'static>(
    env: *mut c_void,
    caller_vmctx: *mut VMContext,
    values: *mut RawValue,
    len: usize,
) -> bool {
    // SAFETY: forwarded from the adapter, as `host_call` requires.
    let (ctx, store, instance) = unsafe { host_call::<T>(env, caller_vmctx) };
    let store_id = store.inner.id;
    // SAFETY: the adapter passes `len` slots.
    let values = unsafe { std::slice::from_raw_parts_mut(values, len) };
    // The call is a root scope: what it roots goes when it returns (its
    // results are raw words by then, and unrooting never collects).
    let scope = store.inner.roots.enter();
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<()> {
        let state = &ctx.ctx;
        if let Some(raw) = &state.raw {
            // Types fixed when the closure was wrapped: the values need
            // no checking, and only references need decoding.
            return raw(
                Caller {
                    store: &mut *store,
                    instance: Some(instance),
                },
                values,
            );
        }
        let params: Vec<Val> = state
            .ty
            .param_types()
            .iter()
            .zip(values.iter())
            .map(|(t, v)| Val::from_raw(&mut store.inner, *v, *t))
            .collect();
        let mut results: Vec<Val> = state
            .ty
            .result_types()
            .iter()
            .map(|t| Val::default_for(*t))
            .collect();
        (state.func)(
            Caller {
                store: &mut *store,
                instance: Some(instance),
            },
            &params,
            &mut results,
        )?;
        for (i, (r, t)) in results.iter().zip(state.ty.result_types()).enumerate() {
            r.check_ty(&store.inner, *t, &format!("the host function's result {i}"))?;
            values[i] = r.to_raw(&mut store.inner)?;
        }
        Ok(())
    }));
    store.inner.roots.exit(scope);
    host_outcome(store_id, outcome)
}

/// What a host entry needs from its arguments: the function's state, the
/// store and the calling instance's slot.
///
/// # Safety
/// `env` must be the context of a host function of a `Store<T>`, and
/// `caller_vmctx` the vmctx of the calling instance, whose store context
/// points at the `StoreBody<T>` that entered wasm (set by `Store::enter`).
#[inline(always)]
unsafe fn host_call<'a, T: 'static>(
    env: *mut c_void,
    caller_vmctx: *mut VMContext,
) -> (
    &'a VMDynamicFunctionContext<HostState<T>>,
    &'a mut StoreBody<T>,
    usize,
) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let ctx = &*(env as *const VMDynamicFunctionContext<HostState<T>>);
        let store_ctx = *(caller_vmctx as *const *mut kiln_vm::VMStoreContext);
        let store = &mut *((*store_ctx).store as *mut StoreBody<T>);
        let instance = (*VmInstance::from_vmctx(caller_vmctx)).host_data;
        (ctx, store, instance)
    }
}

/// Turns a host closure's outcome into the entry's answer, recording an
/// error or panic for the adapter to raise.
#[inline(always)]
fn host_outcome(store_id: u64, outcome: std::thread::Result<Result<()>>) -> bool {
    let reason = match outcome {
        Ok(Ok(())) => return true,
        Ok(Err(e)) => match e.downcast_ref::<crate::ThrownException>() {
            // Thrown into the caller, if it is an exception of this store.
            Some(t) if t.exception().store == store_id => {
                TrapReason::Exception(ThrownObject(t.exception().object as *mut _))
            }
            _ => TrapReason::Host(Box::new(e)),
        },
        Err(panic) => TrapReason::Panic(panic),
    };
    kiln_vm::record_host_trap(reason);
    false
}

/// The body of every static entry (`IntoFunc`'s `native_entry`): runs
/// `call` with the closure and the caller, catching panics, and writes the
/// results into the adapter's `results` slots.
///
/// # Safety
/// As for [`host_call`]; `closure` of the function's state must be an `F`,
/// and `results` must have a slot per result.
#[inline(always)]
pub(crate) unsafe fn static_host_call<T: 'static, F, R: crate::WasmRet>(
    env: *mut c_void,
    caller_vmctx: *mut VMContext,
    results: *mut RawValue,
    call: impl FnOnce(&F, Caller<'_, T>) -> R,
) -> bool {
    // SAFETY: guaranteed by the caller.
    let (ctx, store, instance) = unsafe { host_call::<T>(env, caller_vmctx) };
    let store_id = store.inner.id;
    // SAFETY: the closure is an `F` (the caller's guarantee), kept alive by
    // the function's state.
    let f = unsafe { &*(ctx.ctx.closure as *const F) };
    // A root scope, as in `host_entry`.
    let scope = store.inner.roots.enter();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let caller = Caller {
            store: &mut *store,
            instance: Some(instance),
        };
        let values = call(f, caller);
        // SAFETY: the adapter passes a slot per result.
        let out = unsafe { std::slice::from_raw_parts_mut(results, R::COUNT) };
        crate::typed::sealed::Ret::into_raw_results(values, &mut store.inner, out)
    }));
    store.inner.roots.exit(scope);
    host_outcome(store_id, outcome)
}

impl Func {
    /// A host function of type `ty` implemented by `f` over untyped values.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Func {
        let store = store.as_context_mut().0;
        Self::new_host(store, ty, Box::new(f), None)
    }

    pub(crate) fn new_host<T: 'static>(
        store: &mut StoreBody<T>,
        ty: FuncType,
        func: Box<HostFn<T>>,
        static_host: Option<StaticHost<T>>,
    ) -> Func {
        let trampolines = store
            .engine()
            .host_trampolines(&ty, static_host.is_some())
            .unwrap_or_else(|e| panic!("cannot make a host function of type {ty}: {e:#}"));
        // Static functions of scalar types are called with their arguments
        // in registers; the rest through slots.
        let (kind, address, func_ptr, closure) =
            match (&static_host, trampolines.wasm_to_host_native) {
                (Some(s), Some(native)) => (VMFunctionKind::Static, s.entry, native, s.closure),
                (Some(_), None) => (
                    VMFunctionKind::Static,
                    host_entry::<T> as *const () as *const VMFunctionBody,
                    trampolines.wasm_to_host,
                    std::ptr::null(),
                ),
                (None, _) => (
                    VMFunctionKind::Dynamic,
                    host_entry::<T> as *const () as *const VMFunctionBody,
                    trampolines.wasm_to_host,
                    std::ptr::null(),
                ),
            };
        let mut ctx = Box::new(VMDynamicFunctionContext {
            address,
            ctx: HostState {
                func,
                raw: static_host.map(|s| s.raw),
                closure,
                ty: ty.clone(),
                kind,
                anyfunc: VMCallerCheckedAnyfunc {
                    func_ptr,
                    type_index: trampolines.signature,
                    vmctx: VMFunctionContext {
                        host_env: std::ptr::null_mut(),
                    },
                    call_trampoline: trampolines.host_to_wasm,
                },
                _trampolines: trampolines.clone(),
            },
        });
        let env = &mut *ctx as *mut VMDynamicFunctionContext<HostState<T>> as *mut c_void;
        ctx.ctx.anyfunc.vmctx = VMFunctionContext { host_env: env };
        let anyfunc = &ctx.ctx.anyfunc as *const VMCallerCheckedAnyfunc;
        store.inner.push_func(FuncData {
            ty,
            anyfunc,
            kind: FuncKind::Host(Box::new(SendBox(ctx))),
        })
    }

    /// How a host function was created: [`VMFunctionKind::Static`] by
    /// [`Func::wrap`], [`VMFunctionKind::Dynamic`] by [`Func::new`]; `None`
    /// for wasm functions.
    pub fn kind<T: 'static>(&self, store: impl AsContext<Data = T>) -> Option<VMFunctionKind> {
        let store = store.as_context().0;
        store.assert_owns(self.store, "function");
        match &store.inner.funcs[self.index].kind {
            FuncKind::Wasm => None,
            FuncKind::Host(state) => state
                .downcast_ref::<SendBox<VMDynamicFunctionContext<HostState<T>>>>()
                .map(|s| s.0.ctx.kind),
        }
    }

    /// A host function from a Rust closure over wasm value types
    /// (`i32`, `i64`, `f32`, `f64`, `u128` for v128), optionally taking a
    /// [`Caller`] first, and returning `()`, a value, a tuple, or a
    /// `Result` of those (an `Err` becomes the error of the wasm call).
    ///
    /// ```
    /// # use kiln::{Caller, Engine, Func, Store};
    /// let mut store = Store::new(&Engine::default(), 0u32);
    /// let add = Func::wrap(&mut store, |a: i32, b: i32| a + b);
    /// let count = Func::wrap(&mut store, |mut caller: Caller<'_, u32>| *caller.data_mut() += 1);
    /// ```
    pub fn wrap<T: 'static, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let store = store.as_context_mut().0;
        let (ty, func, static_host) = f.into_host();
        Self::new_host(store, ty, func, Some(static_host))
    }

    /// The function's type.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> FuncType {
        let store = store.as_context().0;
        store.assert_owns(self.store, "function");
        store.inner.funcs[self.index].ty.clone()
    }

    pub(crate) fn anyfunc(&self, store: &StoreInner) -> *const VMCallerCheckedAnyfunc {
        store.funcs[self.index].anyfunc
    }

    /// Calls the function with `params`, writing `results`.
    pub fn call<T: 'static>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let store = store.as_context_mut().0;
        store.check(self.store, "function")?;
        let ty = store.inner.funcs[self.index].ty.clone();
        if params.len() != ty.params().len() || results.len() != ty.results().len() {
            bail!(
                "wrong number of values for {ty}: {} params and {} results given",
                params.len(),
                results.len()
            );
        }
        for (i, (p, t)) in params.iter().zip(ty.param_types()).enumerate() {
            p.check_ty(&store.inner, *t, &format!("argument {i}"))?;
        }
        if let FuncKind::Host(state) = &store.inner.funcs[self.index].kind {
            let state = state.downcast_ref::<SendBox<VMDynamicFunctionContext<HostState<T>>>>();
            let Some(state) = state else {
                bail!("host function belongs to a store of another type")
            };
            let f = &state.0.ctx.func as *const Box<HostFn<T>>;
            // The call is a root scope, as a call from wasm is: the results
            // leave it as raw words and are rooted again in the caller's.
            let scope = store.inner.roots.enter();
            let raw = (|| -> Result<Vec<RawValue>> {
                // SAFETY: the closure is owned by the store and is not
                // removed while the store lives; the call only borrows the
                // store mutably.
                unsafe {
                    (*f)(
                        Caller {
                            store: &mut *store,
                            instance: None,
                        },
                        params,
                        results,
                    )?
                };
                let mut raw = Vec::with_capacity(results.len());
                for (i, (r, t)) in results.iter().zip(ty.result_types()).enumerate() {
                    r.check_ty(&store.inner, *t, &format!("the host function's result {i}"))?;
                    raw.push(r.to_raw(&mut store.inner)?);
                }
                Ok(raw)
            })();
            store.inner.roots.exit(scope);
            for ((r, raw), t) in results.iter_mut().zip(raw?).zip(ty.result_types()) {
                *r = Val::from_raw(&mut store.inner, raw, *t);
            }
            return Ok(());
        }
        let mut values = vec![RawValue::default(); params.len().max(results.len()).max(1)];
        for (v, p) in values.iter_mut().zip(params) {
            *v = p.to_raw(&mut store.inner)?;
        }
        // SAFETY: the anyfunc belongs to this store and stays alive with it.
        let anyfunc = unsafe { *self.anyfunc(&store.inner) };
        invoke(store, anyfunc, &mut values)?;
        for (i, t) in ty.result_types().iter().enumerate() {
            results[i] = Val::from_raw(&mut store.inner, values[i], *t);
        }
        Ok(())
    }

    /// A typed view of the function; fails if the types differ.
    pub fn typed<P: crate::WasmParams, R: crate::WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<crate::TypedFunc<P, R>> {
        let store = store.as_context().0;
        crate::TypedFunc::new(*self, store)
    }
}

/// Runs a wasm function through its host→wasm trampoline, turning traps into errors.
#[inline]
pub(crate) fn invoke<T>(
    store: &mut StoreBody<T>,
    anyfunc: VMCallerCheckedAnyfunc,
    values: &mut [RawValue],
) -> Result<()> {
    let max_stack = store.inner.max_wasm_stack;
    let vm = store.enter();
    // SAFETY: the store context is valid for the call; the trampoline has the
    // anyfunc's signature and `values` has room for its params and results.
    let r = unsafe {
        kiln_vm::call_wasm(
            vm,
            max_stack,
            anyfunc.call_trampoline,
            anyfunc.vmctx.as_ptr(),
            anyfunc.func_ptr,
            values.as_mut_ptr(),
        )
    };
    match r {
        Ok(()) => Ok(()),
        Err(trap) => Err(trap_to_error(&mut store.inner, *trap)),
    }
}

/// Converts a VM trap to the error the embedder sees (resuming panics).
#[cold]
pub(crate) fn trap_to_error(store: &mut StoreInner, trap: kiln_vm::Trap) -> anyhow::Error {
    let backtrace = WasmBacktrace::new(trap.backtrace);
    match trap.reason {
        TrapReason::Exception(object) => {
            let exn = crate::ExnRef::from_object(store, object.0);
            anyhow::Error::new(crate::ThrownException::new(store, exn)).context(backtrace)
        }
        TrapReason::Wasm(code) => anyhow::Error::new(code).context(backtrace),
        TrapReason::Host(e) => match e.downcast::<anyhow::Error>() {
            Ok(e) => *e,
            Err(_) => anyhow::anyhow!("host function failed"),
        },
        TrapReason::Panic(p) => resume_unwind(p),
        TrapReason::Unrecorded => anyhow::anyhow!(
            "internal error: wasm stopped without a recorded trap reason (a Kiln bug)"
        )
        .context(backtrace),
    }
}

/// Marks a host-function context as sendable: it is only touched by the
/// thread that owns the store.
struct SendBox<T>(Box<T>);
// SAFETY: see the type's doc; the closure inside is `Send + Sync` already.
unsafe impl<T> Send for SendBox<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for SendBox<T> {}
