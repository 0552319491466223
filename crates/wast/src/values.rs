//! Script values: arguments turned into [`Val`]s, and results compared with
//! what the script expects.

use anyhow::{Result, bail};
use kiln::{AnyRef, ExternRef, Store, Val};
use wast::WastArg;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};

/// The type hierarchies of the reference types. A null reference belongs to
/// exactly one; `(ref.null func)` and `(ref.null extern)` are different
/// values.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Hierarchy {
    /// `func`, `nofunc` and concrete function types.
    Func,
    /// `extern`, `noextern`.
    Extern,
    /// GC's `any`, `eq`, `i31`, `struct`, `array`, `none`.
    Any,
    /// Exception references: `exn`, `noexn`.
    Exn,
    /// Stack switching's continuations: `cont`, `nocont`.
    Cont,
    /// Anything marked `shared` (shared-everything threads).
    Shared,
}

fn hierarchy(ty: &HeapType<'_>) -> Hierarchy {
    use AbstractHeapType as A;
    match ty {
        HeapType::Abstract { shared: true, .. } => Hierarchy::Shared,
        HeapType::Abstract { ty, .. } => match ty {
            A::Func | A::NoFunc => Hierarchy::Func,
            A::Extern | A::NoExtern => Hierarchy::Extern,
            A::Any | A::Eq | A::Struct | A::Array | A::I31 | A::None => Hierarchy::Any,
            A::Exn | A::NoExn => Hierarchy::Exn,
            A::Cont | A::NoCont => Hierarchy::Cont,
        },
        // Kiln compiles no GC types (a module with a struct or array type is
        // rejected as unsupported), so a concrete type that reaches a value
        // is a function type.
        HeapType::Concrete(_) | HeapType::Exact(_) => Hierarchy::Func,
    }
}

/// The [`Val`] for a script argument.
pub(crate) fn arg(store: &mut Store<()>, a: &WastArg<'_>) -> Result<Val> {
    let WastArg::Core(a) = a else {
        bail!("component-model arguments are not supported")
    };
    Ok(match a {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(f) => Val::F32(f.bits),
        WastArgCore::F64(f) => Val::F64(f.bits),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes()).into()),
        WastArgCore::RefNull(ty) => match hierarchy(ty) {
            Hierarchy::Func => Val::FuncRef(None),
            Hierarchy::Extern => Val::ExternRef(None),
            Hierarchy::Exn => Val::ExnRef(None),
            Hierarchy::Any => Val::AnyRef(None),
            h => bail!("Kiln has no values of the {h:?} reference hierarchy (argument {a:?})"),
        },
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(ExternRef::new(store, *n)?)),
        // A host value seen from the `any` hierarchy: what
        // `any.convert_extern` makes of `(ref.extern n)`.
        WastArgCore::RefHost(n) => {
            let host = ExternRef::new(&mut *store, *n)?;
            Val::AnyRef(Some(AnyRef::convert_extern(store, host)?))
        }
    })
}

/// Whether `actual`, a value of `store`, is a value `expected` allows;
/// `Err` says why not.
pub(crate) fn check(store: &mut Store<()>, actual: &Val, expected: &WastRetCore<'_>) -> Result<()> {
    if matches(store, actual, expected)? {
        return Ok(());
    }
    bail!(
        "expected {}, got {}",
        describe(expected),
        show(store, actual)
    )
}

/// The `u32` a host reference holds, if it is one (`(ref.extern n)` and
/// `(ref.host n)` values).
fn host_u32(store: &Store<()>, r: &ExternRef) -> Result<Option<u32>> {
    Ok(r.data(store)?
        .and_then(|d| d.downcast_ref::<u32>())
        .copied())
}

fn matches(store: &mut Store<()>, actual: &Val, expected: &WastRetCore<'_>) -> Result<bool> {
    Ok(match (actual, expected) {
        (_, WastRetCore::Either(alternatives)) => {
            for e in alternatives {
                if matches(&mut *store, actual, e)? {
                    return Ok(true);
                }
            }
            false
        }
        (Val::I32(a), WastRetCore::I32(e)) => a == e,
        (Val::I64(a), WastRetCore::I64(e)) => a == e,
        (Val::F32(a), WastRetCore::F32(e)) => f32_matches(*a, e),
        (Val::F64(a), WastRetCore::F64(e)) => f64_matches(*a, e),
        (Val::V128(a), WastRetCore::V128(e)) => v128_matches(a.as_u128(), e),
        // `(ref.null)` without a type accepts any null; with one, only a null
        // of the same hierarchy.
        (Val::FuncRef(None), WastRetCore::RefNull(ty)) => {
            ty.as_ref().is_none_or(|t| hierarchy(t) == Hierarchy::Func)
        }
        (Val::ExternRef(None), WastRetCore::RefNull(ty)) => ty
            .as_ref()
            .is_none_or(|t| hierarchy(t) == Hierarchy::Extern),
        (Val::ExnRef(None), WastRetCore::RefNull(ty)) => {
            ty.as_ref().is_none_or(|t| hierarchy(t) == Hierarchy::Exn)
        }
        (Val::AnyRef(None), WastRetCore::RefNull(ty)) => {
            ty.as_ref().is_none_or(|t| hierarchy(t) == Hierarchy::Any)
        }
        (Val::AnyRef(Some(_)), WastRetCore::RefAny) => true,
        (Val::AnyRef(Some(a)), WastRetCore::RefEq) => a.is_eqref(store)?,
        (Val::AnyRef(Some(a)), WastRetCore::RefI31) => a.is_i31(store)?,
        (Val::AnyRef(Some(a)), WastRetCore::RefStruct) => a.is_struct(store)?,
        (Val::AnyRef(Some(a)), WastRetCore::RefArray) => a.is_array(store)?,
        (Val::AnyRef(Some(a)), WastRetCore::RefHost(n)) => {
            // A host value seen as an `anyref` is the same object as the
            // `externref` it came from.
            let host = ExternRef::convert_any(&mut *store, *a)?;
            host_u32(store, &host)? == Some(*n)
        }
        // TODO: `(ref.func N)` names a function index, but a `kiln::Func`
        // does not expose which module function it is (there is no public
        // index or identity to compare with), so any non-null funcref
        // matches. Needs an API such as a function's defining instance and
        // index, or `Func` equality against an instance's export.
        (Val::FuncRef(Some(_)), WastRetCore::RefFunc(_)) => true,
        (Val::ExternRef(Some(r)), WastRetCore::RefExtern(e)) => match e {
            None => true,
            Some(n) => host_u32(store, r)? == Some(*n),
        },
        _ => false,
    })
}

fn describe(e: &WastRetCore<'_>) -> String {
    match e {
        WastRetCore::I32(v) => format!("i32 {v} ({:#x})", *v as u32),
        WastRetCore::I64(v) => format!("i64 {v} ({:#x})", *v as u64),
        WastRetCore::F32(NanPattern::Value(v)) => format!("f32 {:#010x}", v.bits),
        WastRetCore::F64(NanPattern::Value(v)) => format!("f64 {:#018x}", v.bits),
        WastRetCore::RefNull(None) => "(ref.null)".into(),
        WastRetCore::RefNull(Some(ty)) => format!("(ref.null {})", heap_type(ty)),
        WastRetCore::RefExtern(None) => "(ref.extern)".into(),
        WastRetCore::RefExtern(Some(n)) => format!("(ref.extern {n})"),
        WastRetCore::RefFunc(None) => "(ref.func)".into(),
        WastRetCore::RefFunc(Some(i)) => format!("(ref.func {i:?})"),
        WastRetCore::Either(alts) => {
            let alts: Vec<String> = alts.iter().map(describe).collect();
            format!("one of [{}]", alts.join(", "))
        }
        other => format!("{other:?}"),
    }
}

fn heap_type(ty: &HeapType<'_>) -> String {
    use AbstractHeapType as A;
    match ty {
        HeapType::Abstract { shared, ty } => {
            let name = match ty {
                A::Func => "func",
                A::Extern => "extern",
                A::Exn => "exn",
                A::Cont => "cont",
                A::Any => "any",
                A::Eq => "eq",
                A::Struct => "struct",
                A::Array => "array",
                A::I31 => "i31",
                A::NoFunc => "nofunc",
                A::NoExtern => "noextern",
                A::None => "none",
                A::NoExn => "noexn",
                A::NoCont => "nocont",
            };
            if *shared {
                format!("(shared {name})")
            } else {
                name.to_string()
            }
        }
        HeapType::Concrete(i) => format!("{i:?}"),
        HeapType::Exact(i) => format!("(exact {i:?})"),
    }
}

fn show(store: &Store<()>, v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32 {x} ({:#x})", *x as u32),
        Val::I64(x) => format!("i64 {x} ({:#x})", *x as u64),
        Val::F32(b) => format!("f32 {b:#010x} ({})", f32::from_bits(*b)),
        Val::F64(b) => format!("f64 {b:#018x} ({})", f64::from_bits(*b)),
        Val::V128(b) => format!("v128 {:#034x}", b.as_u128()),
        Val::FuncRef(None) => "(ref.null func)".into(),
        Val::FuncRef(Some(_)) => "a non-null funcref".into(),
        Val::ExternRef(None) => "(ref.null extern)".into(),
        Val::ExternRef(Some(r)) => match host_u32(store, r) {
            Ok(Some(n)) => format!("(ref.extern {n})"),
            _ => "a host externref".into(),
        },
        Val::ExnRef(None) => "(ref.null exn)".into(),
        Val::ExnRef(Some(_)) => "a non-null exnref".into(),
        Val::AnyRef(None) => "(ref.null any)".into(),
        Val::AnyRef(Some(a)) => match a.ty(store) {
            Ok(ty) => format!("a reference of type (ref {ty})"),
            Err(e) => format!("an unusable anyref ({e})"),
        },
    }
}

fn f32_matches(bits: u32, e: &NanPattern<F32>) -> bool {
    match e {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn f64_matches(bits: u64, e: &NanPattern<F64>) -> bool {
    match e {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn v128_matches(v: u128, e: &V128Pattern) -> bool {
    let b = v.to_le_bytes();
    let lane = |i: usize, n: usize| -> u64 {
        let mut x = [0u8; 8];
        x[..n].copy_from_slice(&b[i * n..i * n + n]);
        u64::from_le_bytes(x)
    };
    match e {
        V128Pattern::I8x16(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 1) as u8 == *x as u8),
        V128Pattern::I16x8(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 2) as u16 == *x as u16),
        V128Pattern::I32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 4) as u32 == *x as u32),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(i, 8) == *x as u64),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f32_matches(lane(i, 4) as u32, p)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f64_matches(lane(i, 8), p)),
    }
}
