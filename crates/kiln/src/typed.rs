//! Statically typed function calls.

use crate::any_ref::Word;
use crate::context::AsContextMut;
use crate::func::invoke;
use crate::store::{StoreBody, StoreInner};
use crate::{
    AnyRef, ArrayRef, EqRef, ExnRef, ExternRef, Func, I31, Rooted, StructRef, Val, ValType,
};
use anyhow::{Result, bail};
use kiln_types::{HeapType, RefType};
use kiln_vm::RawValue;
use std::marker::PhantomData;

/// The typed-call traits hand raw values straight to compiled code, so only
/// Kiln may implement them: an outside implementation could claim to be a
/// `funcref` and pass any address.
pub(crate) mod sealed {
    use crate::Val;
    use crate::store::StoreInner;
    use anyhow::Result;
    use kiln_vm::RawValue;

    /// Implemented only for Kiln's own [`super::WasmTy`] types: their
    /// encodings for compiled code and as [`Val`]s.
    pub trait Ty: Sized {
        /// Encodes the value for compiled code of `store`. A reference is
        /// checked to belong to `store` (an error if not) and stays rooted
        /// only while `self` lives, so callers keep it until wasm has it.
        fn to_raw(&self, store: &mut StoreInner) -> Result<RawValue>;
        /// Decodes a value of this type that compiled code of `store` made
        /// (rooting a GC reference in the store's innermost scope).
        fn from_raw(store: &mut StoreInner, raw: RawValue) -> Self;
        /// The value of a [`Val`] of `store` already checked to have this
        /// type.
        fn from_val(store: &StoreInner, v: &Val) -> Self;
        /// The value as a [`Val`] of `store`.
        fn into_val(self, store: &mut StoreInner) -> Val;
    }
    /// Implemented only for Kiln's own parameter and result lists.
    pub trait List: Sized {
        /// Writes the values into `out`; an error for a reference of
        /// another store. References stay rooted while `self` lives.
        fn store(&self, store: &mut StoreInner, out: &mut [RawValue]) -> Result<()>;
        /// Reads the values from `raw`, which compiled code of `store` wrote.
        fn load(store: &mut StoreInner, raw: &[RawValue]) -> Self;
        /// The values as [`Val`]s of `store`.
        fn into_vals(self, store: &mut StoreInner) -> Vec<Val>;
        /// The values of `vals`, of `store` and already checked to have
        /// these types.
        fn from_vals(store: &StoreInner, vals: &[Val]) -> Self;
    }
    /// Implemented only for Kiln's own host-function return types.
    pub trait Ret {
        /// Writes the results as raw values for compiled code of `store`,
        /// or passes on the closure's error.
        fn into_raw_results(self, store: &mut StoreInner, out: &mut [RawValue]) -> Result<()>;
    }
}

/// A Rust type that is a wasm value type: `i32`, `u32`, `i64`, `u64`,
/// `f32`, `f64`, [`V128`](crate::V128) or `u128` for v128, and the
/// references `Option<Func>` (`funcref`), `Option<Rooted<ExternRef>>`
/// (`externref`), `Option<Rooted<AnyRef>>` (`anyref`), `Option<ExnRef>`
/// (`exnref`), `Option<I31>` (`i31ref`), `Option<Rooted<EqRef>>`
/// (`eqref`), `Option<Rooted<StructRef>>` (`structref`),
/// `Option<Rooted<ArrayRef>>` (`arrayref`), and without the `Option`
/// their non-null forms (`(ref func)` and so on). Sealed: the typed-call path trusts its raw
/// values, so no other crate can implement it.
///
/// ```compile_fail
/// // A forged "function reference" cannot be passed to wasm this way.
/// #[derive(Copy, Clone)]
/// struct Forged(usize);
/// impl kiln::WasmTy for Forged {
///     fn valtype() -> kiln::ValType { kiln::ValType::FUNCREF }
/// }
/// ```
pub trait WasmTy: 'static + sealed::Ty {
    /// The wasm type.
    fn valtype() -> ValType;
}

/// A number's raw form, from a [`Val`] checked to be of its type.
fn number_to_raw(v: &Val) -> RawValue {
    match v {
        Val::I32(x) => RawValue::from_u32(*x as u32),
        Val::I64(x) => RawValue::from_u64(*x as u64),
        Val::F32(x) => RawValue::from_u32(*x),
        Val::F64(x) => RawValue::from_u64(*x),
        Val::V128(x) => RawValue(x.as_u128()),
        _ => RawValue::default(),
    }
}

/// A number of type `ty` as a [`Val`].
fn number_from_raw(raw: RawValue, ty: ValType) -> Val {
    match ty {
        ValType::I32 => Val::I32(raw.u32() as i32),
        ValType::I64 => Val::I64(raw.u64() as i64),
        ValType::F32 => Val::F32(raw.u32()),
        ValType::F64 => Val::F64(raw.u64()),
        _ => Val::V128(raw.0.into()),
    }
}

macro_rules! wasm_ty {
    ($($t:ty => $vt:ident, |$v:ident| $to:expr, |$r:ident| $from:expr;)*) => {$(
        impl sealed::Ty for $t {
            #[inline(always)]
            fn to_raw(&self, _: &mut StoreInner) -> Result<RawValue> { let $v = *self; Ok($to) }
            #[inline(always)]
            fn from_raw(_: &mut StoreInner, $r: RawValue) -> Self { $from }
            fn from_val(_: &StoreInner, v: &Val) -> Self { let $r = number_to_raw(v); $from }
            fn into_val(self, _: &mut StoreInner) -> Val { let $v = self; number_from_raw($to, ValType::$vt) }
        }
        impl WasmTy for $t {
            fn valtype() -> ValType { ValType::$vt }
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

/// The non-null reference type `$t` (`(ref $heap)`), encoded as the
/// nullable `Option<$t>` is.
macro_rules! non_null_ty {
    ($($t:ty => $heap:ident;)*) => {$(
        impl sealed::Ty for $t {
            fn to_raw(&self, store: &mut StoreInner) -> Result<RawValue> {
                Some(*self).to_raw(store)
            }
            fn from_raw(store: &mut StoreInner, raw: RawValue) -> Self {
                <Option<$t> as sealed::Ty>::from_raw(store, raw)
                    .expect("validated: a value of a non-null type is not null")
            }
            fn from_val(store: &StoreInner, v: &Val) -> Self {
                <Option<$t> as sealed::Ty>::from_val(store, v)
                    .expect("checked: a value of a non-null type is not null")
            }
            fn into_val(self, store: &mut StoreInner) -> Val {
                Some(self).into_val(store)
            }
        }
        impl WasmTy for $t {
            fn valtype() -> ValType {
                ValType::Ref(RefType::new(false, HeapType::$heap))
            }
        }
    )*};
}

/// `Option<Func>` (`funcref`) and `Option<ExnRef>` (`exnref`): handles
/// that are a [`Val`] variant's payload, and their non-null forms. They
/// encode through [`Val`], whose conversions check the store.
macro_rules! handle_ty {
    ($($t:ty => $variant:ident, $heap:ident;)*) => {$(
        impl sealed::Ty for Option<$t> {
            fn to_raw(&self, store: &mut StoreInner) -> Result<RawValue> {
                Val::$variant(*self).to_raw(store)
            }
            fn from_raw(store: &mut StoreInner, raw: RawValue) -> Self {
                match Val::from_raw(store, raw, <Self as WasmTy>::valtype()) {
                    Val::$variant(r) => r,
                    _ => None,
                }
            }
            fn from_val(_: &StoreInner, v: &Val) -> Self {
                match v {
                    Val::$variant(r) => *r,
                    _ => None,
                }
            }
            fn into_val(self, _: &mut StoreInner) -> Val {
                Val::$variant(self)
            }
        }
        impl WasmTy for Option<$t> {
            fn valtype() -> ValType {
                ValType::Ref(RefType::new(true, HeapType::$heap))
            }
        }
        non_null_ty!($t => $heap;);
    )*};
}

handle_ty! {
    Func => FuncRef, Func;
    ExnRef => ExnRef, Exn;
}

/// Rooted GC references: `Option<Rooted<$t>>` is `(ref null $heap)`, a
/// [`Val::$variant`] payload seen as a `$t`. Encoding resolves the root
/// and checks the object is a `$t` (`$is`), so a handle can never hand
/// wasm a value of another type; decoding roots the word.
macro_rules! rooted_ty {
    ($($t:ty => $variant:ident, $heap:ident, $is:expr;)*) => {$(
        impl sealed::Ty for Option<Rooted<$t>> {
            fn to_raw(&self, store: &mut StoreInner) -> Result<RawValue> {
                let Some(r) = self else { return Ok(RawValue(0)) };
                let word = r.word(store)?;
                let is: fn(Word) -> bool = $is;
                if !is(Word::of(word)) {
                    bail!("the reference is not a {}", HeapType::$heap);
                }
                Ok(RawValue::from_ptr(word as *mut std::ffi::c_void))
            }
            fn from_raw(store: &mut StoreInner, raw: RawValue) -> Self {
                let word = raw.ptr() as usize;
                (word != 0).then(|| Rooted::new(store, word))
            }
            fn from_val(_: &StoreInner, v: &Val) -> Self {
                match v {
                    Val::$variant(r) => r.map(Rooted::cast),
                    _ => None,
                }
            }
            fn into_val(self, _: &mut StoreInner) -> Val {
                Val::$variant(self.map(Rooted::cast))
            }
        }
        impl WasmTy for Option<Rooted<$t>> {
            fn valtype() -> ValType {
                ValType::Ref(RefType::new(true, HeapType::$heap))
            }
        }
        non_null_ty!(Rooted<$t> => $heap;);
    )*};
}

rooted_ty! {
    ExternRef => ExternRef, Extern, |_| true;
    AnyRef => AnyRef, Any, |_| true;
    EqRef => AnyRef, Eq, Word::is_eq;
    StructRef => AnyRef, Struct, |w| matches!(w, Word::Struct(_));
    ArrayRef => AnyRef, Array, |w| matches!(w, Word::Array(_));
}

/// `Option<I31>` is `(ref null i31)`: the value itself, needing no root
/// in compiled code.
impl sealed::Ty for Option<I31> {
    fn to_raw(&self, _: &mut StoreInner) -> Result<RawValue> {
        let word = self.map_or(0, I31::to_raw);
        Ok(RawValue::from_ptr(word as *mut std::ffi::c_void))
    }
    fn from_raw(_: &mut StoreInner, raw: RawValue) -> Self {
        let word = raw.ptr() as usize;
        (word != 0).then(|| I31::from_raw(word))
    }
    fn from_val(store: &StoreInner, v: &Val) -> Self {
        match v {
            Val::AnyRef(Some(a)) => match a.kind(store) {
                Ok(Word::I31(i)) => Some(i),
                _ => None,
            },
            _ => None,
        }
    }
    fn into_val(self, store: &mut StoreInner) -> Val {
        Val::AnyRef(self.map(|i| Rooted::new(store, i.to_raw())))
    }
}
impl WasmTy for Option<I31> {
    fn valtype() -> ValType {
        ValType::Ref(RefType::new(true, HeapType::I31))
    }
}
non_null_ty!(I31 => I31;);

/// Function parameters: `()`, a single [`WasmTy`], or a tuple of them.
/// Sealed, like [`WasmTy`].
pub trait WasmParams: sealed::List {
    /// The parameter types.
    fn types() -> Vec<ValType>;
    /// How many values (without allocating).
    const COUNT: usize;
}

/// Function results: `()`, a single [`WasmTy`], or a tuple of them.
/// Sealed, like [`WasmTy`].
pub trait WasmResults: sealed::List {
    /// The result types.
    fn types() -> Vec<ValType>;
    /// How many values (without allocating).
    const COUNT: usize;
}

impl<A: WasmTy> sealed::List for A {
    #[inline(always)]
    fn store(&self, store: &mut StoreInner, out: &mut [RawValue]) -> Result<()> {
        out[0] = self.to_raw(store)?;
        Ok(())
    }
    #[inline(always)]
    fn load(store: &mut StoreInner, raw: &[RawValue]) -> Self {
        A::from_raw(store, raw[0])
    }
    fn into_vals(self, store: &mut StoreInner) -> Vec<Val> {
        vec![self.into_val(store)]
    }
    fn from_vals(store: &StoreInner, vals: &[Val]) -> Self {
        A::from_val(store, &vals[0])
    }
}

impl<A: WasmTy> WasmParams for A {
    fn types() -> Vec<ValType> {
        vec![A::valtype()]
    }
    const COUNT: usize = 1;
}

impl<A: WasmTy> WasmResults for A {
    fn types() -> Vec<ValType> {
        vec![A::valtype()]
    }
    const COUNT: usize = 1;
}

macro_rules! tuples {
    ($($n:ident)*) => {
        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments, clippy::unused_unit)]
        impl<$($n: WasmTy),*> sealed::List for ($($n,)*) {
            #[inline(always)]
            fn store(&self, store: &mut StoreInner, out: &mut [RawValue]) -> Result<()> {
                let ($($n,)*) = self;
                let mut i = 0;
                $( out[i] = $n.to_raw(store)?; i += 1; )*
                Ok(())
            }
            #[inline(always)]
            fn load(store: &mut StoreInner, raw: &[RawValue]) -> Self {
                let mut i = 0;
                ($({ let v = $n::from_raw(store, raw[i]); i += 1; v },)*)
            }
            fn into_vals(self, store: &mut StoreInner) -> Vec<Val> {
                let ($($n,)*) = self;
                vec![$($n.into_val(store)),*]
            }
            fn from_vals(store: &StoreInner, vals: &[Val]) -> Self {
                let mut i = 0;
                ($({ let v = $n::from_val(store, &vals[i]); i += 1; v },)*)
            }
        }
        impl<$($n: WasmTy),*> WasmParams for ($($n,)*) {
            fn types() -> Vec<ValType> { vec![$($n::valtype()),*] }
            const COUNT: usize = <[&str]>::len(&[$(stringify!($n)),*]);
        }
        impl<$($n: WasmTy),*> WasmResults for ($($n,)*) {
            fn types() -> Vec<ValType> { vec![$($n::valtype()),*] }
            const COUNT: usize = <[&str]>::len(&[$(stringify!($n)),*]);
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
        // The function must be a subtype of the typed view, as of an
        // expected import: a `(ref $s)` result may be read as an `anyref`.
        let view = kiln_types::FuncType::from_parts(P::types(), R::types());
        if !store.inner.engine.inner.types.func_type_matches(&ty, &view) {
            bail!("type mismatch: the function is {ty} but the typed view is {view}");
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
        // `params` keeps any references rooted until the call returns.
        if n <= 4 {
            let mut values = [RawValue::default(); 4];
            params.store(&mut store.inner, &mut values)?;
            invoke(store, anyfunc, &mut values)?;
            Ok(R::load(&mut store.inner, &values))
        } else {
            let mut values = vec![RawValue::default(); n];
            params.store(&mut store.inner, &mut values)?;
            invoke(store, anyfunc, &mut values)?;
            Ok(R::load(&mut store.inner, &values))
        }
    }

    /// Calls a host function through its untyped form: the values go over
    /// as [`Val`]s, never through raw words (which would make the store
    /// wrap host values for no compiled code). The conversions' roots go
    /// with a scope of their own; only the results are rooted in the
    /// caller's.
    #[cold]
    fn call_host<T: 'static>(&self, store: &mut StoreBody<T>, params: P) -> Result<R> {
        let ty = self.func.ty(&mut *store);
        let at = store.inner.roots.enter();
        let raw = (|| {
            let args = params.into_vals(&mut store.inner);
            let mut results: Vec<_> = ty
                .result_types()
                .iter()
                .map(|t| crate::Val::default_for(*t))
                .collect();
            self.func.call(&mut *store, &args, &mut results)?;
            results
                .iter()
                .map(|v| v.to_raw(&mut store.inner))
                .collect::<Result<Vec<_>>>()
        })();
        store.inner.roots.exit(at);
        Ok(R::load(&mut store.inner, &raw?))
    }
}
