//! Values and traps of both engines, in one comparable form, and argument
//! generation.

use crate::Rng;
use std::fmt;

/// A wasm value as the comparison sees it. References keep only whether
/// they are null.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// An `i32`.
    I32(u32),
    /// An `i64`.
    I64(u64),
    /// An `f32`, as bits.
    F32(u32),
    /// An `f64`, as bits.
    F64(u64),
    /// A `v128`, lane 0 in the low bits.
    V128(u128),
    /// A function reference: is it null?
    FuncRef {
        /// Whether the reference is null.
        null: bool,
    },
    /// An external reference: is it null?
    ExternRef {
        /// Whether the reference is null.
        null: bool,
    },
    /// An exception reference (Kiln only: wasmi has no exceptions): is it null?
    ExnRef {
        /// Whether the reference is null.
        null: bool,
    },
    /// A reference of the `any` hierarchy (Kiln only: wasmi has no GC):
    /// is it null?
    AnyRef {
        /// Whether the reference is null.
        null: bool,
    },
}

impl Value {
    /// Kiln's value.
    pub fn from_kiln(v: &kiln::Val) -> Value {
        match v {
            kiln::Val::I32(x) => Value::I32(*x as u32),
            kiln::Val::I64(x) => Value::I64(*x as u64),
            kiln::Val::F32(b) => Value::F32(*b),
            kiln::Val::F64(b) => Value::F64(*b),
            kiln::Val::V128(b) => Value::V128(b.as_u128()),
            kiln::Val::FuncRef(f) => Value::FuncRef { null: f.is_none() },
            kiln::Val::ExternRef(e) => Value::ExternRef { null: e.is_none() },
            kiln::Val::ExnRef(e) => Value::ExnRef { null: e.is_none() },
            kiln::Val::AnyRef(a) => Value::AnyRef { null: a.is_none() },
        }
    }

    /// wasmi's value.
    pub fn from_wasmi(v: &wasmi::Val) -> Value {
        match v {
            wasmi::Val::I32(x) => Value::I32(*x as u32),
            wasmi::Val::I64(x) => Value::I64(*x as u64),
            wasmi::Val::F32(f) => Value::F32(f.to_bits()),
            wasmi::Val::F64(f) => Value::F64(f.to_bits()),
            wasmi::Val::V128(v) => Value::V128(v.as_u128()),
            wasmi::Val::FuncRef(f) => Value::FuncRef { null: f.is_null() },
            wasmi::Val::ExternRef(e) => Value::ExternRef { null: e.is_null() },
        }
    }

    /// Equal bit for bit, except that any NaN equals any NaN (scalar floats
    /// only; see the crate documentation for `v128`).
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::F32(a), Value::F32(b)) => {
                a == b || (f32::from_bits(*a).is_nan() && f32::from_bits(*b).is_nan())
            }
            (Value::F64(a), Value::F64(b)) => {
                a == b || (f64::from_bits(*a).is_nan() && f64::from_bits(*b).is_nan())
            }
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::I32(x) => write!(f, "i32:{x:#x}"),
            Value::I64(x) => write!(f, "i64:{x:#x}"),
            Value::F32(b) => write!(f, "f32:{:?}({b:#x})", f32::from_bits(*b)),
            Value::F64(b) => write!(f, "f64:{:?}({b:#x})", f64::from_bits(*b)),
            Value::V128(b) => write!(f, "v128:{b:#034x}"),
            Value::FuncRef { null } => write!(f, "funcref:{}", crate::null_word(*null)),
            Value::ExternRef { null } => write!(f, "externref:{}", crate::null_word(*null)),
            Value::ExnRef { null } => write!(f, "exnref:{}", crate::null_word(*null)),
            Value::AnyRef { null } => write!(f, "anyref:{}", crate::null_word(*null)),
        }
    }
}

/// Why a call (or instantiation) failed, in terms both engines map onto.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrapKind {
    /// A wasm trap, named by Kiln's [`kiln::Trap`] code (wasmi's codes are
    /// mapped onto it). Stack overflow and running out of fuel are
    /// inconclusive: the engines' limits and fuel counts differ.
    Code(kiln::Trap),
    /// A resource the engine could not get (inconclusive).
    Resource(String),
    /// An error that is not a trap (compared only as "failed").
    Other(String),
}

impl TrapKind {
    /// Whether this outcome says nothing about the wasm semantics.
    pub fn is_inconclusive(&self) -> bool {
        matches!(
            self,
            TrapKind::Code(kiln::Trap::StackOverflow | kiln::Trap::OutOfFuel)
                | TrapKind::Resource(_)
        )
    }

    /// Whether the kind is a real trap code that can be compared.
    pub fn comparable(&self) -> bool {
        !matches!(self, TrapKind::Other(_)) && !self.is_inconclusive()
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrapKind::Code(c) => write!(f, "{c:?}"),
            TrapKind::Resource(s) => write!(f, "resource({s})"),
            TrapKind::Other(s) => write!(f, "error({s})"),
        }
    }
}

/// Kiln's error as a [`TrapKind`]. Traps wasmi has no counterpart for
/// (epoch interruption, wait on unshared memory) are not comparable.
pub(crate) fn kiln_trap(e: &kiln::Error) -> TrapKind {
    use kiln::Trap as T;
    match e.downcast_ref::<kiln::Trap>() {
        Some(t @ (T::Interrupt | T::AtomicWaitNonSharedMemory)) => {
            TrapKind::Other(format!("{t:?}"))
        }
        Some(t) => TrapKind::Code(*t),
        None => TrapKind::Other(format!("{e:#}")),
    }
}

/// wasmi's error as a [`TrapKind`], in Kiln's trap vocabulary.
pub(crate) fn wasmi_trap(e: &wasmi::Error) -> TrapKind {
    use kiln::Trap as K;
    use wasmi::TrapCode as T;
    let code = match e.as_trap_code() {
        Some(t) => match t {
            T::UnreachableCodeReached => K::UnreachableCodeReached,
            T::MemoryOutOfBounds => K::MemoryOutOfBounds,
            T::TableOutOfBounds => K::TableOutOfBounds,
            T::IndirectCallToNull => K::IndirectCallToNull,
            T::IntegerDivisionByZero => K::IntegerDivisionByZero,
            T::IntegerOverflow => K::IntegerOverflow,
            T::BadConversionToInteger => K::BadConversionToInteger,
            T::StackOverflow => K::StackOverflow,
            T::BadSignature => K::BadSignature,
            T::OutOfFuel => K::OutOfFuel,
            T::GrowthOperationLimited | T::OutOfSystemMemory => {
                return TrapKind::Resource(format!("{t:?}"));
            }
        },
        None => return TrapKind::Other(e.to_string()),
    };
    TrapKind::Code(code)
}

/// wasmi's default value for a Kiln type.
pub(crate) fn wasmi_default(ty: kiln::ValType) -> wasmi::Val {
    match ty {
        kiln::ValType::I32 => wasmi::Val::I32(0),
        kiln::ValType::I64 => wasmi::Val::I64(0),
        kiln::ValType::F32 => wasmi::Val::F32(0f32.into()),
        kiln::ValType::F64 => wasmi::Val::F64(0f64.into()),
        kiln::ValType::V128 => wasmi::Val::V128(0u128.into()),
        kiln::ValType::Ref(r) if is_func(r) => wasmi::Val::FuncRef(wasmi::Nullable::Null),
        kiln::ValType::Ref(_) => wasmi::Val::ExternRef(wasmi::Nullable::Null),
    }
}

fn is_func(r: kiln::RefType) -> bool {
    !matches!(
        r.heap_type,
        kiln::HeapType::Extern | kiln::HeapType::NoExtern
    )
}

const I32_EDGES: [u32; 10] = [
    0,
    1,
    2,
    0xffff_ffff,
    0x8000_0000,
    0x7fff_ffff,
    0xffff,
    0x1_0000,
    0x8000,
    0xff,
];
const I64_EDGES: [u64; 10] = [
    0,
    1,
    2,
    u64::MAX,
    1 << 63,
    (1 << 63) - 1,
    0xffff_ffff,
    1 << 32,
    0x1_0000,
    0x8000_0000,
];
const F32_EDGES: [u32; 12] = [
    0x0000_0000, // 0
    0x8000_0000, // -0
    0x3f80_0000, // 1
    0xbf80_0000, // -1
    0x7fc0_0000, // canonical NaN
    0xffc0_0000, // negative canonical NaN
    0x7fa0_0001, // signalling NaN with a payload
    0x7f80_0000, // inf
    0xff80_0000, // -inf
    0x0000_0001, // smallest subnormal
    0x4f00_0000, // 2^31
    0x3f00_0000, // 0.5
];
const F64_EDGES: [u64; 12] = [
    0,
    1 << 63,
    0x3ff0_0000_0000_0000,
    0xbff0_0000_0000_0000,
    0x7ff8_0000_0000_0000,
    0xfff8_0000_0000_0000,
    0x7ff4_0000_0000_0001,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    1,
    0x41e0_0000_0000_0000, // 2^31
    0x43e0_0000_0000_0000, // 2^63
];

fn pick_u32(rng: &mut Rng, edges: &[u32]) -> u32 {
    match rng.below(4) {
        0 => rng.next_u64() as u32,
        1 => rng.below(256) as u32,
        _ => edges[rng.below(edges.len() as u64) as usize],
    }
}

fn pick_u64(rng: &mut Rng, edges: &[u64]) -> u64 {
    match rng.below(4) {
        0 => rng.next_u64(),
        1 => rng.below(256),
        _ => edges[rng.below(edges.len() as u64) as usize],
    }
}

/// One argument of type `ty`, the same for both engines. A function
/// reference is null or one of the exported functions (the same export in
/// both); an external reference is null or a fresh host value.
pub(crate) fn arg(
    rng: &mut Rng,
    ty: kiln::ValType,
    kstore: &mut kiln::Store<kiln::StoreLimits>,
    wstore: &mut wasmi::Store<wasmi::StoreLimits>,
    kfuncs: &[kiln::Func],
    wfuncs: &[wasmi::Func],
) -> (kiln::Val, wasmi::Val) {
    match ty {
        kiln::ValType::I32 => {
            let x = pick_u32(rng, &I32_EDGES);
            (kiln::Val::I32(x as i32), wasmi::Val::I32(x as i32))
        }
        kiln::ValType::I64 => {
            let x = pick_u64(rng, &I64_EDGES);
            (kiln::Val::I64(x as i64), wasmi::Val::I64(x as i64))
        }
        kiln::ValType::F32 => {
            let x = match rng.below(3) {
                0 => (rng.below(200) as f32 - 100.0).to_bits(),
                _ => pick_u32(rng, &F32_EDGES),
            };
            (kiln::Val::F32(x), wasmi::Val::F32(wasmi::F32::from_bits(x)))
        }
        kiln::ValType::F64 => {
            let x = match rng.below(3) {
                0 => (rng.below(200) as f64 - 100.0).to_bits(),
                _ => pick_u64(rng, &F64_EDGES),
            };
            (kiln::Val::F64(x), wasmi::Val::F64(wasmi::F64::from_bits(x)))
        }
        kiln::ValType::V128 => {
            let x = match rng.below(4) {
                0 => 0,
                1 => u128::MAX,
                2 => {
                    // Small lanes, as i32x4.
                    (0..4).fold(0u128, |acc, i| {
                        acc | (u128::from(rng.below(8) as u32) << (32 * i))
                    })
                }
                _ => u128::from(rng.next_u64()) | (u128::from(rng.next_u64()) << 64),
            };
            (kiln::Val::V128(x.into()), wasmi::Val::V128(x.into()))
        }
        kiln::ValType::Ref(r) if is_func(r) => {
            if kfuncs.is_empty() || rng.below(2) == 0 {
                (
                    kiln::Val::FuncRef(None),
                    wasmi::Val::FuncRef(wasmi::Nullable::Null),
                )
            } else {
                let i = rng.below(kfuncs.len() as u64) as usize;
                (
                    kiln::Val::FuncRef(Some(kfuncs[i])),
                    wasmi::Val::FuncRef(wasmi::Nullable::Val(wfuncs[i])),
                )
            }
        }
        kiln::ValType::Ref(_) => {
            let null = (
                kiln::Val::ExternRef(None),
                wasmi::Val::ExternRef(wasmi::Nullable::Null),
            );
            if rng.below(2) == 0 {
                null
            } else {
                let v = rng.next_u64();
                // A GC heap too full for one more object gets null.
                let Ok(host) = kiln::ExternRef::new(&mut *kstore, v) else {
                    return null;
                };
                (
                    kiln::Val::ExternRef(Some(host)),
                    wasmi::Val::ExternRef(wasmi::Nullable::Val(wasmi::ExternRef::new(
                        &mut *wstore,
                        v,
                    ))),
                )
            }
        }
    }
}
