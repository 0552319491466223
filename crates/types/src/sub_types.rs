//! The entries of a type section under Wasm GC: a function, struct or array
//! type, whether it is final, and its declared supertype.
//!
//! References inside these types (field and parameter types, the supertype)
//! use [`HeapType`]'s index spaces exactly as [`FuncType`] does, so the same
//! mapping functions move a type from module indices to a rec-group key and
//! to engine ids.

use crate::{FuncType, HeapType, TypeIndex, ValType};
use std::fmt;

/// What kind of composite type a concrete heap type names. It fixes the
/// reference's hierarchy (functions, or the `any` hierarchy of GC objects)
/// without looking the type up.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TypeKind {
    /// A function type.
    Func,
    /// A struct type.
    Struct,
    /// An array type.
    Array,
}

/// How a struct field or array element is stored.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum StorageType {
    /// A packed 8-bit integer (read as `i32`).
    I8,
    /// A packed 16-bit integer (read as `i32`).
    I16,
    /// A full value.
    Val(ValType),
}

impl StorageType {
    /// The type of the value read from or written to the storage (`i32`
    /// for the packed types).
    pub fn unpacked(self) -> ValType {
        match self {
            StorageType::I8 | StorageType::I16 => ValType::I32,
            StorageType::Val(t) => t,
        }
    }

    /// Whether this is a packed integer type.
    pub fn is_packed(self) -> bool {
        !matches!(self, StorageType::Val(_))
    }

    /// Whether a field of type `self` may hold what a field of type
    /// `other` holds when `self` belongs to a subtype (`concrete` decides
    /// between concrete heap types).
    fn matches(
        self,
        other: StorageType,
        concrete: &mut impl FnMut(HeapType, HeapType) -> bool,
    ) -> bool {
        match (self, other) {
            (StorageType::Val(a), StorageType::Val(b)) => a.matches_in(b, concrete),
            (a, b) => a == b,
        }
    }

    fn map_heap_types(self, f: &mut impl FnMut(HeapType) -> HeapType) -> StorageType {
        match self {
            StorageType::Val(t) => StorageType::Val(t.map_heap_types(f)),
            packed => packed,
        }
    }
}

impl fmt::Display for StorageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageType::I8 => f.write_str("i8"),
            StorageType::I16 => f.write_str("i16"),
            StorageType::Val(t) => t.fmt(f),
        }
    }
}

/// A struct field or the element of an array.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FieldType {
    /// How the value is stored.
    pub storage: StorageType,
    /// Whether `struct.set`/`array.set` may change it.
    pub mutable: bool,
}

impl FieldType {
    /// A field of `storage` type.
    pub fn new(mutable: bool, storage: StorageType) -> Self {
        Self { storage, mutable }
    }

    /// Field subtyping: immutable fields are covariant, mutable ones
    /// invariant.
    fn matches(
        self,
        other: FieldType,
        concrete: &mut impl FnMut(HeapType, HeapType) -> bool,
    ) -> bool {
        if self.mutable != other.mutable {
            return false;
        }
        if self.mutable {
            self.storage.matches(other.storage, concrete)
                && other.storage.matches(self.storage, concrete)
        } else {
            self.storage.matches(other.storage, concrete)
        }
    }

    fn map_heap_types(self, f: &mut impl FnMut(HeapType) -> HeapType) -> FieldType {
        FieldType::new(self.mutable, self.storage.map_heap_types(f))
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mutable {
            write!(f, "(mut {})", self.storage)
        } else {
            self.storage.fmt(f)
        }
    }
}

/// A struct type: its fields in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct StructType {
    /// The fields, in declaration order.
    pub fields: Box<[FieldType]>,
}

/// An array type: the type of its elements.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ArrayType(pub FieldType);

/// A function, struct or array type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CompositeType {
    /// A function type.
    Func(FuncType),
    /// A struct type.
    Struct(StructType),
    /// An array type.
    Array(ArrayType),
}

impl CompositeType {
    /// Which kind of type this is.
    pub fn kind(&self) -> TypeKind {
        match self {
            CompositeType::Func(_) => TypeKind::Func,
            CompositeType::Struct(_) => TypeKind::Struct,
            CompositeType::Array(_) => TypeKind::Array,
        }
    }

    /// Whether `self`, declared as a subtype of `other`, is a valid one:
    /// function parameters are contravariant and results covariant; a
    /// struct may add fields after its supertype's; fields follow
    /// [`FieldType`]'s rule.
    pub fn matches(
        &self,
        other: &CompositeType,
        concrete: &mut impl FnMut(HeapType, HeapType) -> bool,
    ) -> bool {
        match (self, other) {
            (CompositeType::Func(a), CompositeType::Func(b)) => a.matches_in(b, concrete),
            (CompositeType::Struct(a), CompositeType::Struct(b)) => {
                a.fields.len() >= b.fields.len()
                    && a.fields
                        .iter()
                        .zip(b.fields.iter())
                        .all(|(x, y)| x.matches(*y, concrete))
            }
            (CompositeType::Array(a), CompositeType::Array(b)) => a.0.matches(b.0, concrete),
            _ => false,
        }
    }

    /// Replaces every reference's heap type by what `f` maps it to.
    pub fn map_heap_types(&self, f: &mut impl FnMut(HeapType) -> HeapType) -> CompositeType {
        match self {
            CompositeType::Func(t) => CompositeType::Func(t.map_heap_types(f)),
            CompositeType::Struct(s) => CompositeType::Struct(StructType {
                fields: s.fields.iter().map(|x| x.map_heap_types(f)).collect(),
            }),
            CompositeType::Array(a) => CompositeType::Array(ArrayType(a.0.map_heap_types(f))),
        }
    }

    /// Every heap type the composite type mentions.
    fn heap_types(&self) -> Vec<HeapType> {
        let vals: Vec<ValType> = match self {
            CompositeType::Func(t) => t.params().chain(t.results()).collect(),
            CompositeType::Struct(s) => s.fields.iter().map(|x| x.storage.unpacked()).collect(),
            CompositeType::Array(a) => vec![a.0.storage.unpacked()],
        };
        vals.into_iter()
            .filter_map(|v| Some(v.as_ref()?.heap_type))
            .collect()
    }
}

impl fmt::Display for CompositeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompositeType::Func(t) => t.fmt(f),
            CompositeType::Struct(s) => {
                f.write_str("(struct")?;
                for field in s.fields.iter() {
                    write!(f, " (field {field})")?;
                }
                f.write_str(")")
            }
            CompositeType::Array(a) => write!(f, "(array {})", a.0),
        }
    }
}

/// One entry of the type section.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SubType {
    /// Whether no type may declare this one as its supertype.
    pub is_final: bool,
    /// The declared supertype (a concrete heap type), if any.
    pub supertype: Option<HeapType>,
    /// The function, struct or array type itself.
    pub composite: CompositeType,
}

impl SubType {
    /// A final function type with no supertype: what every type is
    /// without GC.
    pub fn func(ty: FuncType) -> Self {
        Self {
            is_final: true,
            supertype: None,
            composite: CompositeType::Func(ty),
        }
    }

    /// Which kind of type this is.
    pub fn kind(&self) -> TypeKind {
        self.composite.kind()
    }

    /// The function type, if this is one.
    pub fn as_func(&self) -> Option<&FuncType> {
        match &self.composite {
            CompositeType::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The struct type, if this is one.
    pub fn as_struct(&self) -> Option<&StructType> {
        match &self.composite {
            CompositeType::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// The array type, if this is one.
    pub fn as_array(&self) -> Option<&ArrayType> {
        match &self.composite {
            CompositeType::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Replaces every heap type it mentions (the supertype included) by
    /// what `f` maps it to.
    pub fn map_heap_types(&self, f: &mut impl FnMut(HeapType) -> HeapType) -> SubType {
        SubType {
            is_final: self.is_final,
            supertype: self.supertype.map(&mut *f),
            composite: self.composite.map_heap_types(f),
        }
    }

    /// Replaces module type indices by what `f` maps them to.
    pub fn map_module(&self, f: &mut impl FnMut(TypeIndex, TypeKind) -> HeapType) -> SubType {
        self.map_heap_types(&mut |h| h.map_module(f))
    }

    /// Every heap type it mentions, the supertype included.
    pub fn heap_types(&self) -> impl Iterator<Item = HeapType> {
        self.supertype
            .into_iter()
            .chain(self.composite.heap_types())
    }
}

impl fmt::Display for SubType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_final && self.supertype.is_none() {
            return self.composite.fmt(f);
        }
        f.write_str("(sub ")?;
        if self.is_final {
            f.write_str("final ")?;
        }
        if let Some(s) = self.supertype {
            write!(f, "{s} ")?;
        }
        write!(f, "{})", self.composite)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RefType;

    fn field(mutable: bool, t: ValType) -> FieldType {
        FieldType::new(mutable, StorageType::Val(t))
    }

    fn eq(a: HeapType, b: HeapType) -> bool {
        a == b
    }

    #[test]
    fn structs_extend_their_supertypes_by_width_and_depth() {
        let anyref = ValType::Ref(RefType::new(true, HeapType::Any));
        let eqref = ValType::Ref(RefType::new(true, HeapType::Eq));
        let sup = CompositeType::Struct(StructType {
            fields: Box::new([field(false, anyref)]),
        });
        let narrower = CompositeType::Struct(StructType {
            fields: Box::new([field(false, eqref), field(true, ValType::I32)]),
        });
        assert!(narrower.matches(&sup, &mut eq));
        assert!(!sup.matches(&narrower, &mut eq));
        // A mutable field is invariant.
        let mutable_sup = CompositeType::Struct(StructType {
            fields: Box::new([field(true, anyref)]),
        });
        let mutable_narrower = CompositeType::Struct(StructType {
            fields: Box::new([field(true, eqref)]),
        });
        assert!(!mutable_narrower.matches(&mutable_sup, &mut eq));
        assert!(mutable_sup.matches(&mutable_sup, &mut eq));
    }

    #[test]
    fn functions_are_contravariant_in_params_and_covariant_in_results() {
        let anyref = ValType::Ref(RefType::new(true, HeapType::Any));
        let eqref = ValType::Ref(RefType::new(true, HeapType::Eq));
        let sup = CompositeType::Func(FuncType::from_parts([eqref], [anyref]));
        let sub = CompositeType::Func(FuncType::from_parts([anyref], [eqref]));
        assert!(sub.matches(&sup, &mut eq));
        assert!(!sup.matches(&sub, &mut eq));
    }

    #[test]
    fn packed_storage_reads_as_i32_and_matches_only_itself() {
        assert_eq!(StorageType::I8.unpacked(), ValType::I32);
        let a = CompositeType::Array(ArrayType(FieldType::new(false, StorageType::I8)));
        let b = CompositeType::Array(ArrayType(FieldType::new(false, StorageType::I16)));
        assert!(!a.matches(&b, &mut eq));
        assert!(a.matches(&a, &mut eq));
        assert_eq!(a.to_string(), "(array i8)");
    }
}
