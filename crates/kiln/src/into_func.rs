//! Turning Rust closures into host functions: [`IntoFunc`] is implemented
//! for closures over wasm value types, with or without a leading
//! [`Caller`], returning `()`, a value, a tuple, or a `Result` of those.

use crate::func::HostFn;
use crate::typed::WasmTy;
use crate::{Caller, FuncType, Val, ValType};
use anyhow::Result;

/// What a host function may return.
pub trait WasmRet {
    /// The wasm result types.
    fn types() -> Vec<ValType>;
    /// Writes the results, or passes on the closure's error.
    fn into_results(self, out: &mut [Val]) -> Result<()>;
}

impl WasmRet for () {
    fn types() -> Vec<ValType> {
        Vec::new()
    }
    fn into_results(self, _: &mut [Val]) -> Result<()> {
        Ok(())
    }
}

impl<A: WasmTy> WasmRet for A {
    fn types() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn into_results(self, out: &mut [Val]) -> Result<()> {
        out[0] = self.into_val();
        Ok(())
    }
}

impl<R: WasmRet> WasmRet for Result<R> {
    fn types() -> Vec<ValType> {
        R::types()
    }
    fn into_results(self, out: &mut [Val]) -> Result<()> {
        self?.into_results(out)
    }
}

macro_rules! tuple_ret {
    ($($n:ident)+) => {
        #[allow(non_snake_case)]
        impl<$($n: WasmTy),+> WasmRet for ($($n,)+) {
            fn types() -> Vec<ValType> {
                vec![$($n::valtype()),+]
            }
            fn into_results(self, out: &mut [Val]) -> Result<()> {
                let ($($n,)+) = self;
                let mut slots = out.iter_mut();
                $(*slots.next().expect("one slot per result") = $n.into_val();)+
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
    /// The function's wasm type and its untyped form.
    #[doc(hidden)]
    fn into_host(self) -> (FuncType, Box<HostFn<T>>);
}

macro_rules! into_func {
    ($($n:ident)*) => {
        #[allow(non_snake_case, unused_mut, unused_variables)]
        impl<T: 'static, F, R, $($n,)*> IntoFunc<T, ($($n,)*), R> for F
        where
            F: Fn($($n),*) -> R + Send + Sync + 'static,
            R: WasmRet,
            $($n: WasmTy,)*
        {
            fn into_host(self) -> (FuncType, Box<HostFn<T>>) {
                let ty = FuncType::new([$($n::valtype()),*], R::types());
                (ty, Box::new(move |_caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                    let mut args = params.iter();
                    $(let $n = $n::from_val(args.next().expect("one value per parameter"));)*
                    (self)($($n),*).into_results(results)
                }))
            }
        }

        #[allow(non_snake_case, unused_mut, unused_variables)]
        impl<T: 'static, F, R, $($n,)*> IntoFunc<T, (Caller<'_, T>, $($n,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($n),*) -> R + Send + Sync + 'static,
            R: WasmRet,
            $($n: WasmTy,)*
        {
            fn into_host(self) -> (FuncType, Box<HostFn<T>>) {
                let ty = FuncType::new([$($n::valtype()),*], R::types());
                (ty, Box::new(move |caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                    let mut args = params.iter();
                    $(let $n = $n::from_val(args.next().expect("one value per parameter"));)*
                    (self)(caller, $($n),*).into_results(results)
                }))
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
