//! Reference types: nullability plus a heap type.
//!
//! A concrete heap type (a reference to a function, struct or array of one
//! particular type) names its type in one of three index spaces, because the
//! same type is seen from a module, from a type-section rec group being
//! canonicalised, and from the engine:
//!
//! - [`HeapType::Module`]: an index into the defining module's type section
//!   (what the compiler and [`crate::ModuleInfo`] use);
//! - [`HeapType::RecGroup`]: an index relative to the start of the rec group
//!   being canonicalised (only inside the type registry's keys);
//! - [`HeapType::Engine`]: the engine-wide canonical id of the type (what
//!   the embedding API, `call_indirect` and every runtime check compare).
//!
//! Each also carries the type's [`TypeKind`], so a reference's hierarchy
//! (and so its runtime representation) is known without a look-up. Two
//! types are the same type exactly when their canonical ids are equal.
//!
//! Subtyping between abstract heap types is fixed; between concrete types it
//! follows declared supertypes, which only the module or the engine knows:
//! [`HeapType::matches_in`] asks a caller-supplied function for those pairs.

use crate::{TypeIndex, TypeKind};
use std::fmt;

/// The engine-wide canonical id of a type (the value of a
/// `VMSharedSignatureIndex`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct EngineTypeIndex(pub u32);

/// What a reference points to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum HeapType {
    /// Any function (`func`).
    Func,
    /// No function: the bottom of the function hierarchy (`nofunc`).
    NoFunc,
    /// Any host value (`extern`).
    Extern,
    /// No host value: the bottom of the extern hierarchy (`noextern`).
    NoExtern,
    /// Any exception (`exn`).
    Exn,
    /// No exception: the bottom of the exception hierarchy (`noexn`).
    NoExn,
    /// Any GC value: the top of the `any` hierarchy (`any`).
    Any,
    /// Any value `ref.eq` can compare: i31s, structs and arrays (`eq`).
    Eq,
    /// An unboxed 31-bit integer (`i31`).
    I31,
    /// Any struct (`struct`).
    Struct,
    /// Any array (`array`).
    Array,
    /// No GC value: the bottom of the `any` hierarchy (`none`).
    None,
    /// A value of the type at this index of the module's type section.
    Module(TypeIndex, TypeKind),
    /// A value of the type at this position of the rec group being
    /// canonicalised (type-registry keys only).
    RecGroup(u32, TypeKind),
    /// A value of the type with this engine-wide canonical id.
    Engine(EngineTypeIndex, TypeKind),
}

/// The reference hierarchies: values of different hierarchies never mix,
/// and each has its own runtime representation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RefHierarchy {
    /// Function references (`func`, `nofunc`, concrete function types).
    Func,
    /// Host references (`extern`, `noextern`).
    Extern,
    /// Exception references (`exn`, `noexn`).
    Exn,
    /// GC values (`any`, `eq`, `i31`, `struct`, `array`, `none`, concrete
    /// struct and array types).
    Any,
}

impl HeapType {
    /// The hierarchy the heap type belongs to; it decides the runtime
    /// representation (a `VMCallerCheckedAnyfunc` pointer, a host pointer,
    /// an exception object pointer or a GC reference).
    pub fn hierarchy(self) -> RefHierarchy {
        match self {
            HeapType::Func | HeapType::NoFunc => RefHierarchy::Func,
            HeapType::Extern | HeapType::NoExtern => RefHierarchy::Extern,
            HeapType::Exn | HeapType::NoExn => RefHierarchy::Exn,
            HeapType::Any
            | HeapType::Eq
            | HeapType::I31
            | HeapType::Struct
            | HeapType::Array
            | HeapType::None => RefHierarchy::Any,
            HeapType::Module(_, k) | HeapType::RecGroup(_, k) | HeapType::Engine(_, k) => match k {
                TypeKind::Func => RefHierarchy::Func,
                TypeKind::Struct | TypeKind::Array => RefHierarchy::Any,
            },
        }
    }

    /// Whether a value of this type may be the address of an object on a
    /// store's GC heap (a struct, an array or a host value): what the
    /// collector must find wherever such a value is kept. Not for i31s and
    /// the bottom types, whose values are never objects.
    pub fn may_be_gc_object(self) -> bool {
        match self {
            HeapType::I31 | HeapType::None | HeapType::NoExtern => false,
            h => matches!(h.hierarchy(), RefHierarchy::Any | RefHierarchy::Extern),
        }
    }

    /// Whether a value of this type may be the address of something a
    /// collector frees — a GC object or an exception object — and so must
    /// be in a stack map wherever compiled code keeps it across a call.
    pub fn needs_stack_map(self) -> bool {
        self.may_be_gc_object() || self == HeapType::Exn
    }

    /// The kind of a concrete type (in any index space); `None` for an
    /// abstract heap type.
    pub fn concrete_kind(self) -> Option<TypeKind> {
        match self {
            HeapType::Module(_, k) | HeapType::RecGroup(_, k) | HeapType::Engine(_, k) => Some(k),
            _ => Option::None,
        }
    }

    /// Whether this is a concrete type (in any index space).
    pub fn is_concrete(self) -> bool {
        self.concrete_kind().is_some()
    }

    /// The top of the heap type's hierarchy (`func`, `extern`, `exn` or
    /// `any`).
    pub fn top(self) -> HeapType {
        match self.hierarchy() {
            RefHierarchy::Func => HeapType::Func,
            RefHierarchy::Extern => HeapType::Extern,
            RefHierarchy::Exn => HeapType::Exn,
            RefHierarchy::Any => HeapType::Any,
        }
    }

    /// The bottom of the heap type's hierarchy (`nofunc`, `noextern`,
    /// `noexn` or `none`).
    pub fn bottom(self) -> HeapType {
        match self.hierarchy() {
            RefHierarchy::Func => HeapType::NoFunc,
            RefHierarchy::Extern => HeapType::NoExtern,
            RefHierarchy::Exn => HeapType::NoExn,
            RefHierarchy::Any => HeapType::None,
        }
    }

    /// Whether every value of `self` is a value of `other`, with two
    /// distinct concrete types matching only when they are equal (true
    /// where no declared supertypes are involved). Both must be in the same
    /// index space.
    pub fn matches(self, other: HeapType) -> bool {
        self.matches_in(other, &mut |a, b| a == b)
    }

    /// Whether every value of `self` is a value of `other`, where
    /// `concrete(a, b)` decides whether concrete type `a` is a subtype of
    /// concrete type `b` (following declared supertypes in the index space
    /// both are in).
    pub fn matches_in(
        self,
        other: HeapType,
        concrete: &mut impl FnMut(HeapType, HeapType) -> bool,
    ) -> bool {
        if self == other {
            return true;
        }
        if self.hierarchy() != other.hierarchy() {
            return false;
        }
        if self == self.bottom() {
            return true;
        }
        match other {
            HeapType::Func | HeapType::Extern | HeapType::Exn | HeapType::Any => true,
            HeapType::Eq => {
                matches!(self, HeapType::I31 | HeapType::Struct | HeapType::Array)
                    || self.is_concrete()
            }
            HeapType::Struct => self.concrete_kind() == Some(TypeKind::Struct),
            HeapType::Array => self.concrete_kind() == Some(TypeKind::Array),
            _ if other.is_concrete() && self.is_concrete() => concrete(self, other),
            _ => false,
        }
    }

    /// Replaces a module type index by what `f` maps it (and its kind) to.
    pub fn map_module(self, f: &mut impl FnMut(TypeIndex, TypeKind) -> HeapType) -> HeapType {
        match self {
            HeapType::Module(t, k) => f(t, k),
            other => other,
        }
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeapType::Func => f.write_str("func"),
            HeapType::NoFunc => f.write_str("nofunc"),
            HeapType::Extern => f.write_str("extern"),
            HeapType::NoExtern => f.write_str("noextern"),
            HeapType::Exn => f.write_str("exn"),
            HeapType::NoExn => f.write_str("noexn"),
            HeapType::Any => f.write_str("any"),
            HeapType::Eq => f.write_str("eq"),
            HeapType::I31 => f.write_str("i31"),
            HeapType::Struct => f.write_str("struct"),
            HeapType::Array => f.write_str("array"),
            HeapType::None => f.write_str("none"),
            HeapType::Module(t, _) => write!(f, "{}", t.0),
            HeapType::RecGroup(i, _) => write!(f, "(rec {i})"),
            HeapType::Engine(id, _) => write!(f, "(type #{})", id.0),
        }
    }
}

/// A reference type: whether null is allowed, and what it points to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct RefType {
    /// Whether the reference may be null.
    pub nullable: bool,
    /// What it points to.
    pub heap_type: HeapType,
}

impl RefType {
    /// `funcref`: a nullable reference to any function.
    pub const FUNCREF: RefType = RefType::new(true, HeapType::Func);
    /// `externref`: a nullable reference to any host value.
    pub const EXTERNREF: RefType = RefType::new(true, HeapType::Extern);
    /// `nullfuncref`: only the null function reference.
    pub const NULLFUNCREF: RefType = RefType::new(true, HeapType::NoFunc);
    /// `nullexternref`: only the null host reference.
    pub const NULLEXTERNREF: RefType = RefType::new(true, HeapType::NoExtern);
    /// `exnref`: a nullable reference to any exception.
    pub const EXNREF: RefType = RefType::new(true, HeapType::Exn);
    /// `nullexnref`: only the null exception reference.
    pub const NULLEXNREF: RefType = RefType::new(true, HeapType::NoExn);
    /// `anyref`: a nullable reference to any GC value.
    pub const ANYREF: RefType = RefType::new(true, HeapType::Any);
    /// `eqref`: a nullable reference to a value `ref.eq` can compare.
    pub const EQREF: RefType = RefType::new(true, HeapType::Eq);
    /// `i31ref`: a nullable unboxed 31-bit integer.
    pub const I31REF: RefType = RefType::new(true, HeapType::I31);
    /// `structref`: a nullable reference to any struct.
    pub const STRUCTREF: RefType = RefType::new(true, HeapType::Struct);
    /// `arrayref`: a nullable reference to any array.
    pub const ARRAYREF: RefType = RefType::new(true, HeapType::Array);
    /// `nullref`: only the null GC reference.
    pub const NULLREF: RefType = RefType::new(true, HeapType::None);

    /// A reference type.
    pub const fn new(nullable: bool, heap_type: HeapType) -> RefType {
        RefType {
            nullable,
            heap_type,
        }
    }

    /// Whether every value of `self` is a value of `other` (subtyping,
    /// with concrete types as [`HeapType::matches`] treats them).
    pub fn matches(self, other: RefType) -> bool {
        self.matches_in(other, &mut |a, b| a == b)
    }

    /// Whether every value of `self` is a value of `other`, with
    /// `concrete` deciding between concrete types (see
    /// [`HeapType::matches_in`]).
    pub fn matches_in(
        self,
        other: RefType,
        concrete: &mut impl FnMut(HeapType, HeapType) -> bool,
    ) -> bool {
        (other.nullable || !self.nullable) && self.heap_type.matches_in(other.heap_type, concrete)
    }

    /// Replaces module type indices by what `f` maps them to.
    pub fn map_module(self, f: &mut impl FnMut(TypeIndex, TypeKind) -> HeapType) -> RefType {
        RefType::new(self.nullable, self.heap_type.map_module(f))
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, self.heap_type) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (true, HeapType::NoFunc) => f.write_str("nullfuncref"),
            (true, HeapType::NoExtern) => f.write_str("nullexternref"),
            (true, HeapType::Exn) => f.write_str("exnref"),
            (true, HeapType::NoExn) => f.write_str("nullexnref"),
            (true, HeapType::Any) => f.write_str("anyref"),
            (true, HeapType::Eq) => f.write_str("eqref"),
            (true, HeapType::I31) => f.write_str("i31ref"),
            (true, HeapType::Struct) => f.write_str("structref"),
            (true, HeapType::Array) => f.write_str("arrayref"),
            (true, HeapType::None) => f.write_str("nullref"),
            (true, h) => write!(f, "(ref null {h})"),
            (false, h) => write!(f, "(ref {h})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concrete(i: u32) -> HeapType {
        HeapType::Engine(EngineTypeIndex(i), TypeKind::Func)
    }

    #[test]
    fn the_any_hierarchy_is_a_lattice_of_its_own() {
        let s = HeapType::Engine(EngineTypeIndex(1), TypeKind::Struct);
        let a = HeapType::Engine(EngineTypeIndex(2), TypeKind::Array);
        for (sub, sup) in [
            (HeapType::None, HeapType::I31),
            (HeapType::None, s),
            (HeapType::I31, HeapType::Eq),
            (HeapType::Struct, HeapType::Eq),
            (s, HeapType::Struct),
            (s, HeapType::Eq),
            (s, HeapType::Any),
            (a, HeapType::Array),
            (HeapType::Eq, HeapType::Any),
        ] {
            assert!(sub.matches(sup), "{sub} <: {sup}");
            assert!(!sup.matches(sub), "not {sup} <: {sub}");
        }
        assert!(!s.matches(HeapType::Array));
        assert!(!a.matches(s));
        assert!(!HeapType::Any.matches(HeapType::Extern));
        assert!(!HeapType::None.matches(HeapType::Func));
        assert!(!concrete(1).matches(HeapType::Any));
        assert_eq!(RefType::new(true, HeapType::None).to_string(), "nullref");
    }

    #[test]
    fn concrete_pairs_are_decided_by_the_caller() {
        let (a, b) = (concrete(1), concrete(2));
        assert!(a.matches_in(b, &mut |x, y| x == a && y == b));
        assert!(!b.matches_in(a, &mut |x, y| x == a && y == b));
    }

    #[test]
    fn nullability_is_covariant() {
        let t = concrete(3);
        assert!(RefType::new(false, t).matches(RefType::new(true, t)));
        assert!(!RefType::new(true, t).matches(RefType::new(false, t)));
    }

    #[test]
    fn concrete_types_match_only_themselves_and_their_tops() {
        let (a, b) = (concrete(1), concrete(2));
        assert!(a.matches(a));
        assert!(!a.matches(b));
        assert!(a.matches(HeapType::Func));
        assert!(!HeapType::Func.matches(a));
        assert!(HeapType::NoFunc.matches(a));
        assert!(!a.matches(HeapType::NoFunc));
        assert!(!a.matches(HeapType::Extern));
        assert!(HeapType::NoExtern.matches(HeapType::Extern));
        assert!(!HeapType::NoExtern.matches(HeapType::Func));
        assert!(!HeapType::NoFunc.matches(HeapType::Extern));
    }

    #[test]
    fn prints_like_the_text_format() {
        assert_eq!(RefType::FUNCREF.to_string(), "funcref");
        assert_eq!(RefType::NULLEXTERNREF.to_string(), "nullexternref");
        assert_eq!(
            RefType::new(false, HeapType::Module(TypeIndex(2), TypeKind::Func)).to_string(),
            "(ref 2)"
        );
        assert_eq!(
            RefType::new(false, HeapType::Func).to_string(),
            "(ref func)"
        );
    }
}
