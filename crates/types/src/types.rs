//! WebAssembly value and entity types, independent of any parser.

use crate::{HeapType, RefType, TypeIndex, TypeKind};
use std::fmt;

/// The type of a WebAssembly value.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// 128-bit vector.
    V128,
    /// A reference.
    Ref(RefType),
}

impl ValType {
    /// `funcref`.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);
    /// `anyref`.
    pub const ANYREF: ValType = ValType::Ref(RefType::ANYREF);
    /// `exnref`.
    pub const EXNREF: ValType = ValType::Ref(RefType::EXNREF);

    /// Whether the type is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// The reference type, if this is one.
    pub fn as_ref(self) -> Option<RefType> {
        match self {
            ValType::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// Whether every value of `self` is a value of `other` (subtyping; the
    /// two must be in the same index space, and distinct concrete types
    /// match only when equal, see [`HeapType::matches`]).
    pub fn matches(self, other: ValType) -> bool {
        self.matches_in(other, &mut |a, b| a == b)
    }

    /// Whether every value of `self` is a value of `other`, with
    /// `concrete` deciding between concrete types (see
    /// [`HeapType::matches_in`]).
    pub fn matches_in(
        self,
        other: ValType,
        concrete: &mut impl FnMut(HeapType, HeapType) -> bool,
    ) -> bool {
        match (self, other) {
            (ValType::Ref(a), ValType::Ref(b)) => a.matches_in(b, concrete),
            (a, b) => a == b,
        }
    }

    /// Replaces module type indices by what `f` maps them to.
    pub fn map_module(self, f: &mut impl FnMut(TypeIndex, TypeKind) -> HeapType) -> ValType {
        self.map_heap_types(&mut |h| h.map_module(f))
    }

    /// Replaces a reference's heap type by what `f` maps it to.
    pub fn map_heap_types(self, f: &mut impl FnMut(HeapType) -> HeapType) -> ValType {
        match self {
            ValType::Ref(r) => ValType::Ref(RefType::new(r.nullable, f(r.heap_type))),
            other => other,
        }
    }
}

impl From<RefType> for ValType {
    fn from(r: RefType) -> ValType {
        ValType::Ref(r)
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::Ref(r) => return r.fmt(f),
        })
    }
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

/// Implemented by the embedding API's engine, which [`FuncType::new`]
/// takes as wasmtime's does (Kiln's types do not depend on an engine).
pub trait TypeEngine {}

impl FuncType {
    /// A function type of `params` to `results`, for use with `engine`
    /// (wasmtime's signature; [`FuncType::from_parts`] needs no engine).
    pub fn new(
        engine: &impl TypeEngine,
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        let _ = engine;
        Self::from_parts(params, results)
    }

    /// Creates a signature from parameter and result types.
    pub fn from_parts(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        Self {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }
    /// The parameter types, in order (as wasmtime's API gives them).
    pub fn params(&self) -> impl ExactSizeIterator<Item = ValType> + '_ {
        self.params.iter().copied()
    }
    /// The result types, in order (as wasmtime's API gives them).
    pub fn results(&self) -> impl ExactSizeIterator<Item = ValType> + '_ {
        self.results.iter().copied()
    }
    /// The parameter types, as a slice.
    pub fn param_types(&self) -> &[ValType] {
        &self.params
    }
    /// The result types, as a slice.
    pub fn result_types(&self) -> &[ValType] {
        &self.results
    }
    /// The `i`th parameter type.
    pub fn param(&self, i: usize) -> Option<ValType> {
        self.params.get(i).copied()
    }
    /// The `i`th result type.
    pub fn result(&self, i: usize) -> Option<ValType> {
        self.results.get(i).copied()
    }
    /// Whether a function of type `self` may stand where one of type
    /// `other` is expected: parameters are contravariant and results
    /// covariant, with `concrete` deciding between concrete types (see
    /// [`HeapType::matches_in`]).
    pub fn matches_in(
        &self,
        other: &FuncType,
        concrete: &mut impl FnMut(HeapType, HeapType) -> bool,
    ) -> bool {
        self.params.len() == other.params.len()
            && self.results.len() == other.results.len()
            && other
                .params()
                .zip(self.params())
                .all(|(x, y)| x.matches_in(y, concrete))
            && self
                .results()
                .zip(other.results())
                .all(|(x, y)| x.matches_in(y, concrete))
    }
    /// Replaces module type indices by what `f` maps them to.
    pub fn map_module(&self, f: &mut impl FnMut(TypeIndex, TypeKind) -> HeapType) -> FuncType {
        self.map_heap_types(&mut |h| h.map_module(f))
    }
    /// Replaces every reference's heap type by what `f` maps it to.
    pub fn map_heap_types(&self, f: &mut impl FnMut(HeapType) -> HeapType) -> FuncType {
        FuncType {
            params: self.params.iter().map(|t| t.map_heap_types(f)).collect(),
            results: self.results.iter().map(|t| t.map_heap_types(f)).collect(),
        }
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        for (group, types) in [("param", &self.params), ("result", &self.results)] {
            if !types.is_empty() {
                write!(f, " ({group}")?;
                for t in types.iter() {
                    write!(f, " {t}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn func_types_print_like_the_text_format() {
        assert_eq!(FuncType::from_parts([], []).to_string(), "(func)");
        assert_eq!(
            FuncType::from_parts([ValType::I32], []).to_string(),
            "(func (param i32))"
        );
        assert_eq!(
            FuncType::from_parts([ValType::I32, ValType::F64], [ValType::I64]).to_string(),
            "(func (param i32 f64) (result i64))"
        );
    }
}

/// A linear memory's type; sizes are in 64 KiB pages.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct MemoryType {
    /// Initial size in pages.
    pub minimum: u64,
    /// Largest size in pages, if bounded.
    pub maximum: Option<u64>,
    /// Whether the memory may be shared between threads.
    pub shared: bool,
    /// Whether addresses are 64-bit.
    pub memory64: bool,
    /// log2 of the page size: 16 (64 KiB) unless the module chose 0 (1 byte).
    pub page_size_log2: u8,
}

impl MemoryType {
    /// A 32-bit, unshared memory of `minimum` pages, at most `maximum`.
    pub fn new(minimum: u32, maximum: Option<u32>) -> Self {
        Self {
            minimum: minimum.into(),
            maximum: maximum.map(Into::into),
            shared: false,
            memory64: false,
            page_size_log2: 16,
        }
    }

    /// A 32-bit memory declared `shared`, of `minimum` pages, at most
    /// `maximum` (shared memories always have one).
    pub fn shared(minimum: u32, maximum: u32) -> Self {
        Self {
            shared: true,
            ..Self::new(minimum, Some(maximum))
        }
    }
}

impl MemoryType {
    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(memory {}", self.minimum)?;
        if let Some(m) = self.maximum {
            write!(f, " {m}")?;
        }
        if self.shared {
            f.write_str(" shared")?;
        }
        if self.page_size_log2 != 16 {
            write!(f, " (pagesize {})", self.page_size())?;
        }
        f.write_str(")")
    }
}

/// A table's type.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TableType {
    /// The element type.
    pub element: RefType,
    /// Initial number of elements.
    pub minimum: u32,
    /// Largest number of elements, if bounded. A 64-bit table's larger
    /// maximum is kept as `u32::MAX`, which no table can reach.
    pub maximum: Option<u32>,
    /// Whether the table is indexed with `i64` (the memory64 proposal's
    /// 64-bit tables) rather than `i32`.
    pub table64: bool,
}

impl TableType {
    /// A table of `element` references, `minimum` long, at most `maximum`
    /// (indexed with `i32`).
    pub fn new(element: RefType, minimum: u32, maximum: Option<u32>) -> Self {
        Self {
            element,
            minimum,
            maximum,
            table64: false,
        }
    }

    /// The type of the table's indices and sizes: `i64` for a 64-bit table.
    pub fn index_type(&self) -> ValType {
        if self.table64 {
            ValType::I64
        } else {
            ValType::I32
        }
    }
    /// Replaces module type indices by what `f` maps them to.
    pub fn map_module(self, f: &mut impl FnMut(TypeIndex, TypeKind) -> HeapType) -> TableType {
        TableType {
            element: self.element.map_module(f),
            ..self
        }
    }
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(table ")?;
        if self.table64 {
            f.write_str("i64 ")?;
        }
        write!(f, "{}", self.minimum)?;
        if let Some(m) = self.maximum {
            write!(f, " {m}")?;
        }
        write!(f, " {})", self.element)
    }
}

/// A global's type.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct GlobalType {
    /// The value type.
    pub ty: ValType,
    /// Whether `global.set` is allowed.
    pub mutable: bool,
}

/// Whether a global can be written.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Mutability {
    /// Immutable (`global`).
    Const,
    /// Mutable (`global (mut ..)`).
    Var,
}

impl GlobalType {
    /// A global of value type `ty`.
    pub fn new(ty: ValType, mutability: Mutability) -> Self {
        Self {
            ty,
            mutable: mutability == Mutability::Var,
        }
    }
    /// Replaces module type indices by what `f` maps them to.
    pub fn map_module(self, f: &mut impl FnMut(TypeIndex, TypeKind) -> HeapType) -> GlobalType {
        GlobalType {
            ty: self.ty.map_module(f),
            ..self
        }
    }
    /// The global's value type.
    pub fn content(&self) -> ValType {
        self.ty
    }
    /// Whether the global is mutable.
    pub fn mutability(&self) -> Mutability {
        if self.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        }
    }
}

impl fmt::Display for GlobalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mutable {
            write!(f, "(global (mut {}))", self.ty)
        } else {
            write!(f, "(global {})", self.ty)
        }
    }
}
