//! Turning Rust closures into host functions: [`IntoFunc`] is implemented
//! for closures over wasm value types, with or without a leading
//! [`Caller`], returning `()`, a value, a tuple, or a `Result` of those.

use crate::func::{HostFn, StaticHost, static_host_call};
use crate::store::StoreInner;
use crate::typed::{WasmTy, sealed};
use crate::{Caller, FuncType, Val, ValType};
use anyhow::Result;
use kiln_vm::{RawValue, VMContext, VMFunctionBody};
use std::ffi::c_void;
use std::sync::Arc;

/// What a host function may return. Sealed: its raw form goes straight
/// to compiled code.
pub trait WasmRet: sealed::Ret {
    /// How many results.
    #[doc(hidden)]
    const COUNT: usize;
    /// The wasm result types.
    fn types() -> Vec<ValType>;
    /// Writes the results as values of `store`, or passes on the
    /// closure's error.
    #[doc(hidden)]
    fn into_results(self, store: &mut StoreInner, out: &mut [Val]) -> Result<()>;
}

impl sealed::Ret for () {
    fn into_raw_results(self, _: &mut StoreInner, _: &mut [RawValue]) -> Result<()> {
        Ok(())
    }
}
impl WasmRet for () {
    const COUNT: usize = 0;
    fn types() -> Vec<ValType> {
        Vec::new()
    }
    fn into_results(self, _: &mut StoreInner, _: &mut [Val]) -> Result<()> {
        Ok(())
    }
}

impl<A: WasmTy> sealed::Ret for A {
    #[inline(always)]
    fn into_raw_results(self, store: &mut StoreInner, out: &mut [RawValue]) -> Result<()> {
        sealed::List::store(&self, store, out)
    }
}
impl<A: WasmTy> WasmRet for A {
    const COUNT: usize = 1;
    fn types() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn into_results(self, store: &mut StoreInner, out: &mut [Val]) -> Result<()> {
        out[0] = self.into_val(store);
        Ok(())
    }
}

impl<R: WasmRet> sealed::Ret for Result<R> {
    #[inline(always)]
    fn into_raw_results(self, store: &mut StoreInner, out: &mut [RawValue]) -> Result<()> {
        self?.into_raw_results(store, out)
    }
}
impl<R: WasmRet> WasmRet for Result<R> {
    const COUNT: usize = R::COUNT;
    fn types() -> Vec<ValType> {
        R::types()
    }
    fn into_results(self, store: &mut StoreInner, out: &mut [Val]) -> Result<()> {
        self?.into_results(store, out)
    }
}

macro_rules! tuple_ret {
    ($($n:ident)+) => {
        impl<$($n: WasmTy),+> sealed::Ret for ($($n,)+) {
            fn into_raw_results(self, store: &mut StoreInner, out: &mut [RawValue]) -> Result<()> {
                // Converted from a borrow, as parameters are: each reference
                // stays rooted until all are written.
                sealed::List::store(&self, store, out)
            }
        }
        #[allow(non_snake_case)]
        impl<$($n: WasmTy),+> WasmRet for ($($n,)+) {
            const COUNT: usize = <[&str]>::len(&[$(stringify!($n)),+]);
            fn types() -> Vec<ValType> {
                vec![$($n::valtype()),+]
            }
            fn into_results(self, store: &mut StoreInner, out: &mut [Val]) -> Result<()> {
                let ($($n,)+) = self;
                let mut slots = out.iter_mut();
                $(*slots.next().expect("one slot per result") = $n.into_val(store);)+
                Ok(())
            }
        }
    };
}

tuple_ret!(A1 A2);
tuple_ret!(A1 A2 A3);
tuple_ret!(A1 A2 A3 A4);
tuple_ret!(A1 A2 A3 A4 A5);
tuple_ret!(A1 A2 A3 A4 A5 A6);
tuple_ret!(A1 A2 A3 A4 A5 A6 A7);
tuple_ret!(A1 A2 A3 A4 A5 A6 A7 A8);

/// A Rust closure usable as a host function; see [`crate::Func::wrap`].
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    /// The function's wasm type, its form over [`Val`]s (for calls from
    /// the host) and its raw form (for calls from wasm: arguments read from
    /// and results written to the adapter's slots, no conversion and no
    /// per-call type check, the types being fixed by the closure's).
    #[doc(hidden)]
    fn into_host(self) -> (FuncType, Box<HostFn<T>>, StaticHost<T>);
}

/// Defines `native_entry`, the entry the register-passing adapter calls
/// for a closure bound by `$bound` over parameters `$n`, which runs `$call`
/// with the closure as `$f` and the [`Caller`] as `$caller`.
macro_rules! native_entry {
    (($($n:ident)*), [$($bound:tt)*], |$f:ident, $caller:ident| $call:expr) => {
        /// Called by the register-passing adapter.
        unsafe extern "C" fn native_entry<T: 'static, F, R: WasmRet, $($n: WasmTy,)*>(
            env: *mut c_void,
            caller: *mut VMContext,
            $($n: $n,)*
            results: *mut RawValue,
        ) -> bool
        where
            F: $($bound)*,
        {
            // SAFETY: the adapter of this function's type passes its
            // context, and its closure is an `F`.
            unsafe { static_host_call::<T, F, R>(env, caller, results, |$f, $caller| $call) }
        }
    };
}

macro_rules! into_func {
    ($($n:ident)*) => {
        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments)]
        impl<T: 'static, F, R, $($n,)*> IntoFunc<T, ($($n,)*), R> for F
        where
            F: Fn($($n),*) -> R + Send + Sync + 'static,
            R: WasmRet,
            $($n: WasmTy,)*
        {
            fn into_host(self) -> (FuncType, Box<HostFn<T>>, StaticHost<T>) {
                native_entry!(($($n)*), [Fn($($n),*) -> R], |f, _caller| f($($n),*));
                let ty = FuncType::from_parts([$($n::valtype()),*], R::types());
                let f = Arc::new(self);
                let g = f.clone();
                let closure = Arc::as_ptr(&f) as *const ();
                let vals = Box::new(move |caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                    let store = &mut caller.store.inner;
                    let mut args = params.iter();
                    $(let $n = $n::from_val(store, args.next().expect("one value per parameter"));)*
                    (f)($($n),*).into_results(store, results)
                });
                let raw = Arc::new(move |caller: Caller<'_, T>, slots: &mut [RawValue]| {
                    let store = &mut caller.store.inner;
                    let mut i = 0;
                    $(let $n = $n::from_raw(store, slots[i]); i += 1;)*
                    (g)($($n),*).into_raw_results(store, slots)
                });
                let entry = native_entry::<T, F, R, $($n,)*> as *const () as *const VMFunctionBody;
                (ty, vals, StaticHost { raw, entry, closure })
            }
        }

        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments)]
        impl<T: 'static, F, R, $($n,)*> IntoFunc<T, (Caller<'_, T>, $($n,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($n),*) -> R + Send + Sync + 'static,
            R: WasmRet,
            $($n: WasmTy,)*
        {
            fn into_host(self) -> (FuncType, Box<HostFn<T>>, StaticHost<T>) {
                native_entry!(
                    ($($n)*),
                    [Fn(Caller<'_, T>, $($n),*) -> R],
                    |f, caller| f(caller, $($n),*)
                );
                let ty = FuncType::from_parts([$($n::valtype()),*], R::types());
                let f = Arc::new(self);
                let g = f.clone();
                let closure = Arc::as_ptr(&f) as *const ();
                let vals = Box::new(move |caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                    let Caller { store, instance } = caller;
                    let mut args = params.iter();
                    $(let $n = $n::from_val(&store.inner, args.next().expect("one value per parameter"));)*
                    let r = (f)(Caller { store: &mut *store, instance }, $($n),*);
                    r.into_results(&mut store.inner, results)
                });
                let raw = Arc::new(move |caller: Caller<'_, T>, slots: &mut [RawValue]| {
                    let Caller { store, instance } = caller;
                    let mut i = 0;
                    $(let $n = $n::from_raw(&mut store.inner, slots[i]); i += 1;)*
                    let results = (g)(Caller { store: &mut *store, instance }, $($n),*);
                    results.into_raw_results(&mut store.inner, slots)
                });
                let entry = native_entry::<T, F, R, $($n,)*> as *const () as *const VMFunctionBody;
                (ty, vals, StaticHost { raw, entry, closure })
            }
        }
    };
}

into_func!();
into_func!(A1);
into_func!(A1 A2);
into_func!(A1 A2 A3);
into_func!(A1 A2 A3 A4);
into_func!(A1 A2 A3 A4 A5);
into_func!(A1 A2 A3 A4 A5 A6);
into_func!(A1 A2 A3 A4 A5 A6 A7);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16);
