//! Statically typed function calls.

use crate::context::AsContextMut;
use crate::func::invoke;
use crate::store::StoreBody;
use crate::{Func, Val, ValType};
use anyhow::{Result, bail};
use kiln_vm::RawValue;
use std::marker::PhantomData;

/// The typed-call traits hand raw values straight to compiled code, so only
/// Kiln may implement them: an outside implementation could claim to be a
/// `funcref` and pass any address.
pub(crate) mod sealed {
    /// Implemented only for Kiln's own [`super::WasmTy`] types.
    pub trait Ty {}
    /// Implemented only for Kiln's own parameter and result lists.
    pub trait List {}
    /// Implemented only for Kiln's own host-function return types.
    pub trait Ret {}
}

/// A Rust type that is a wasm value type (`i32`, `u32`, `i64`, `u64`,
/// `f32`, `f64`, and [`V128`](crate::V128) or `u128` for v128). Sealed: the typed-call path trusts its
/// raw values, so no other crate can implement it.
///
/// ```compile_fail
/// // A forged "function reference" cannot be passed to wasm this way.
/// #[derive(Copy, Clone)]
/// struct Forged(usize);
/// impl kiln::WasmTy for Forged {
///     fn valtype() -> kiln::ValType { kiln::ValType::FUNCREF }
///     fn into_raw(self) -> kiln_vm::RawValue { kiln_vm::RawValue::from_u64(self.0 as u64) }
///     fn from_raw(raw: kiln_vm::RawValue) -> Self { Forged(raw.u64() as usize) }
/// }
/// ```
pub trait WasmTy: Copy + 'static + sealed::Ty {
    /// The wasm type.
    fn valtype() -> ValType;
    /// Encodes the value.
    fn into_raw(self) -> RawValue;
    /// Decodes the value.
    fn from_raw(raw: RawValue) -> Self;
    /// Converts from a [`Val`] of the right type.
    fn from_val(v: &Val) -> Self {
        Self::from_raw(match v {
            Val::I32(x) => RawValue::from_u32(*x as u32),
            Val::I64(x) => RawValue::from_u64(*x as u64),
            Val::F32(x) => RawValue::from_u32(*x),
            Val::F64(x) => RawValue::from_u64(*x),
            Val::V128(x) => RawValue(x.as_u128()),
            _ => RawValue::default(),
        })
    }
    /// Converts to a [`Val`].
    fn into_val(self) -> Val {
        let raw = self.into_raw();
        match Self::valtype() {
            ValType::I32 => Val::I32(raw.u32() as i32),
            ValType::I64 => Val::I64(raw.u64() as i64),
            ValType::F32 => Val::F32(raw.u32()),
            ValType::F64 => Val::F64(raw.u64()),
            _ => Val::V128(raw.0.into()),
        }
    }
}

macro_rules! wasm_ty {
    ($($t:ty => $vt:ident, |$v:ident| $to:expr, |$r:ident| $from:expr;)*) => {$(
        impl sealed::Ty for $t {}
        impl WasmTy for $t {
            fn valtype() -> ValType { ValType::$vt }
            fn into_raw(self) -> RawValue { let $v = self; $to }
            fn from_raw($r: RawValue) -> Self { $from }
        }
    )*};
}

wasm_ty! {
    i32 => I32, |v| RawValue::from_u32(v as u32), |r| r.u32() as i32;
    u32 => I32, |v| RawValue::from_u32(v), |r| r.u32();
    i64 => I64, |v| RawValue::from_u64(v as u64), |r| r.u64() as i64;
    u64 => I64, |v| RawValue::from_u64(v), |r| r.u64();
    f32 => F32, |v| RawValue::from_u32(v.to_bits()), |r| f32::from_bits(r.u32());
    f64 => F64, |v| RawValue::from_u64(v.to_bits()), |r| f64::from_bits(r.u64());
    u128 => V128, |v| RawValue(v), |r| r.0;
    crate::V128 => V128, |v| RawValue(v.as_u128()), |r| r.0.into();
}

/// Function parameters: `()`, a single [`WasmTy`], or a tuple of them.
/// Sealed, like [`WasmTy`].
pub trait WasmParams: Sized + sealed::List {
    /// The parameter types.
    fn types() -> Vec<ValType>;
    /// How many values (without allocating).
    const COUNT: usize;
    /// Writes the values into `out`.
    fn store(self, out: &mut [RawValue]);
}

/// Function results: `()`, a single [`WasmTy`], or a tuple of them.
/// Sealed, like [`WasmTy`].
pub trait WasmResults: Sized + sealed::List {
    /// The result types.
    fn types() -> Vec<ValType>;
    /// How many values (without allocating).
    const COUNT: usize;
    /// Reads the values from `raw`.
    fn load(raw: &[RawValue]) -> Self;
}

impl<A: WasmTy> sealed::List for A {}

impl<A: WasmTy> WasmParams for A {
    fn types() -> Vec<ValType> {
        vec![A::valtype()]
    }
    const COUNT: usize = 1;
    fn store(self, out: &mut [RawValue]) {
        out[0] = self.into_raw();
    }
}

impl<A: WasmTy> WasmResults for A {
    fn types() -> Vec<ValType> {
        vec![A::valtype()]
    }
    const COUNT: usize = 1;
    fn load(raw: &[RawValue]) -> Self {
        A::from_raw(raw[0])
    }
}

macro_rules! tuples {
    ($($n:ident)*) => {
        impl<$($n: WasmTy),*> sealed::List for ($($n,)*) {}
        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments, clippy::unused_unit)]
        impl<$($n: WasmTy),*> WasmParams for ($($n,)*) {
            fn types() -> Vec<ValType> { vec![$($n::valtype()),*] }
            const COUNT: usize = <[&str]>::len(&[$(stringify!($n)),*]);
            fn store(self, out: &mut [RawValue]) {
                let ($($n,)*) = self;
                let mut i = 0;
                $( out[i] = $n.into_raw(); i += 1; )*
            }
        }
        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments, clippy::unused_unit)]
        impl<$($n: WasmTy),*> WasmResults for ($($n,)*) {
            fn types() -> Vec<ValType> { vec![$($n::valtype()),*] }
            const COUNT: usize = <[&str]>::len(&[$(stringify!($n)),*]);
            fn load(raw: &[RawValue]) -> Self {
                let mut i = 0;
                ($({ let v = $n::from_raw(raw[i]); i += 1; v },)*)
            }
        }
    };
}

tuples!();
tuples!(A1 A2);
tuples!(A1 A2 A3);
tuples!(A1 A2 A3 A4);
tuples!(A1 A2 A3 A4 A5);
tuples!(A1 A2 A3 A4 A5 A6);
tuples!(A1 A2 A3 A4 A5 A6 A7);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16);

/// A function whose parameter and result types were checked once, so calls
/// skip per-value type checks.
pub struct TypedFunc<P, R> {
    func: Func,
    /// The function's reference, owned by the function's store (checked
    /// on every call before use); null for host functions.
    wasm_anyfunc: *const kiln_vm::VMCallerCheckedAnyfunc,
    _marker: PhantomData<fn(P) -> R>,
}

// SAFETY: the pointer is only dereferenced with the owning store at hand
// (whose id is checked first), like the `Func` it caches.
unsafe impl<P, R> Send for TypedFunc<P, R> {}
// SAFETY: as above.
unsafe impl<P, R> Sync for TypedFunc<P, R> {}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    pub(crate) fn new<T>(func: Func, store: &StoreBody<T>) -> Result<Self> {
        store.check(func.store, "function")?;
        let ty = func.ty(store);
        if ty.param_types() != P::types().as_slice() || ty.result_types() != R::types().as_slice() {
            bail!(
                "type mismatch: the function is {ty} but the typed view is {}",
                kiln_types::FuncType::from_parts(P::types(), R::types())
            );
        }
        let data = &store.inner.funcs[func.index];
        let wasm_anyfunc = match data.kind {
            crate::func::FuncKind::Host(_) => std::ptr::null(),
            crate::func::FuncKind::Wasm => data.anyfunc,
        };
        Ok(Self {
            func,
            wasm_anyfunc,
            _marker: PhantomData,
        })
    }

    /// The untyped function.
    pub fn func(&self) -> &Func {
        &self.func
    }

    /// Calls the function.
    #[inline]
    pub fn call<T: 'static>(&self, mut store: impl AsContextMut<Data = T>, params: P) -> Result<R> {
        let store = store.as_context_mut().0;
        store.check(self.func.store, "function")?;
        if self.wasm_anyfunc.is_null() {
            return self.call_host(store, params);
        }
        // SAFETY: the anyfunc belongs to this store (checked above), which
        // keeps it alive.
        let anyfunc = unsafe { *self.wasm_anyfunc };
        // Arguments in, results out, through one small buffer on the stack.
        let n = P::COUNT.max(R::COUNT);
        if n <= 4 {
            let mut values = [RawValue::default(); 4];
            params.store(&mut values);
            invoke(store, anyfunc, &mut values)?;
            Ok(R::load(&values))
        } else {
            let mut values = vec![RawValue::default(); n];
            params.store(&mut values);
            invoke(store, anyfunc, &mut values)?;
            Ok(R::load(&values))
        }
    }

    /// Calls a host function through its untyped form.
    #[cold]
    fn call_host<T: 'static>(&self, store: &mut StoreBody<T>, params: P) -> Result<R> {
        let ty = self.func.ty(&mut *store);
        let mut raw = vec![RawValue::default(); ty.params().len().max(1)];
        params.store(&mut raw);
        let args: Vec<_> = ty
            .param_types()
            .iter()
            .zip(&raw)
            .map(|(t, r)| crate::Val::from_raw(&mut store.inner, *r, *t))
            .collect();
        let mut results: Vec<_> = ty
            .result_types()
            .iter()
            .map(|t| crate::Val::default_for(*t))
            .collect();
        self.func.call(&mut *store, &args, &mut results)?;
        let raw: Vec<RawValue> = results
            .iter()
            .map(|v| v.to_raw(&mut store.inner))
            .collect::<Result<_>>()?;
        Ok(R::load(&raw))
    }
}
