//! Constant expressions (global initialisers, segment offsets and items).

use crate::{FuncIndex, GlobalIndex, TypeIndex};

/// One operator of a constant expression.
#[derive(Copy, Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ConstOp {
    /// Push an i32.
    I32Const(i32),
    /// Push an i64.
    I64Const(i64),
    /// Push an f32 (bits).
    F32Const(u32),
    /// Push an f64 (bits).
    F64Const(u64),
    /// Push a v128.
    V128Const(u128),
    /// Push the value of a global.
    GlobalGet(GlobalIndex),
    /// Push a null reference.
    RefNull,
    /// Push a reference to a function.
    RefFunc(FuncIndex),
    /// Extended-const arithmetic.
    I32Add,
    /// Extended-const arithmetic.
    I32Sub,
    /// Extended-const arithmetic.
    I32Mul,
    /// Extended-const arithmetic.
    I64Add,
    /// Extended-const arithmetic.
    I64Sub,
    /// Extended-const arithmetic.
    I64Mul,
    /// `ref.i31`: the i32 on top becomes an `i31ref`.
    RefI31,
    /// `any.convert_extern` or `extern.convert_any`: the same word in the
    /// other hierarchy, so nothing to do.
    ConvertReference,
    /// `struct.new`: the fields on top (in order) become a struct of the
    /// type.
    StructNew(TypeIndex),
    /// `struct.new_default`: a struct of the type with zero or null fields.
    StructNewDefault(TypeIndex),
    /// `array.new`: (initial value, length) become an array of the type.
    ArrayNew(TypeIndex),
    /// `array.new_default`: (length) becomes an array of zero or null
    /// elements.
    ArrayNewDefault(TypeIndex),
    /// `array.new_fixed`: the top `n` values (in order) become an array.
    ArrayNewFixed(TypeIndex, u32),
}

/// A validated constant expression: a short stack program producing one value.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ConstExpr {
    /// The operators, in order (without the final `end`).
    pub ops: Vec<ConstOp>,
}

impl ConstExpr {
    /// An expression made of a single operator.
    pub fn single(op: ConstOp) -> Self {
        Self { ops: vec![op] }
    }
}
