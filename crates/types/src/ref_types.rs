//! Reference types: nullability plus a heap type.
//!
//! A concrete heap type (a reference to a function of one particular type)
//! names its function type in one of three index spaces, because the same
//! type is seen from a module, from a type-section rec group being
//! canonicalised, and from the engine:
//!
//! - [`HeapType::Module`]: an index into the defining module's type section
//!   (what the compiler and [`crate::ModuleInfo`] use);
//! - [`HeapType::RecGroup`]: an index relative to the start of the rec group
//!   being canonicalised (only inside the signature registry's keys);
//! - [`HeapType::Engine`]: the engine-wide canonical id of the type (what
//!   the embedding API, `call_indirect` and every runtime check compare).
//!
//! Two function types are the same type exactly when their canonical ids are
//! equal; a type that differs in any reference is a different type.

use crate::TypeIndex;
use std::fmt;

/// The engine-wide canonical id of a function type (the value of a
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
    /// A function of the type at this index of the module's type section.
    Module(TypeIndex),
    /// A function of the type at this position of the rec group being
    /// canonicalised (signature-registry keys only).
    RecGroup(u32),
    /// A function of the type with this engine-wide canonical id.
    Engine(EngineTypeIndex),
}

/// The reference hierarchies Kiln implements.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RefHierarchy {
    /// Function references (`func`, `nofunc`, concrete function types).
    Func,
    /// Host references (`extern`, `noextern`).
    Extern,
    /// Exception references (`exn`, `noexn`).
    Exn,
}

impl HeapType {
    /// The hierarchy the heap type belongs to; it decides the runtime
    /// representation (a `VMCallerCheckedAnyfunc` pointer, a host pointer or
    /// an exception object pointer).
    pub fn hierarchy(self) -> RefHierarchy {
        match self {
            HeapType::Extern | HeapType::NoExtern => RefHierarchy::Extern,
            HeapType::Exn | HeapType::NoExn => RefHierarchy::Exn,
            _ => RefHierarchy::Func,
        }
    }

    /// Whether this is a concrete function type (in any index space).
    pub fn is_concrete(self) -> bool {
        matches!(
            self,
            HeapType::Module(_) | HeapType::RecGroup(_) | HeapType::Engine(_)
        )
    }

    /// Whether every value of `self` is a value of `other`. Both must be in
    /// the same index space; concrete function types are final and have no
    /// declared supertypes, so two of them match only when they are equal.
    pub fn matches(self, other: HeapType) -> bool {
        if self == other {
            return true;
        }
        match (self, other) {
            (HeapType::NoFunc, HeapType::Func) => true,
            (HeapType::NoFunc, o) => o.is_concrete(),
            (s, HeapType::Func) => s.is_concrete(),
            (HeapType::NoExtern, HeapType::Extern) => true,
            (HeapType::NoExn, HeapType::Exn) => true,
            _ => false,
        }
    }

    /// Replaces a module type index by what `f` maps it to.
    pub fn map_module(self, f: &mut impl FnMut(TypeIndex) -> HeapType) -> HeapType {
        match self {
            HeapType::Module(t) => f(t),
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
            HeapType::Module(t) => write!(f, "{}", t.0),
            HeapType::RecGroup(i) => write!(f, "(rec {i})"),
            HeapType::Engine(id) => write!(f, "(type #{})", id.0),
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

    /// A reference type.
    pub const fn new(nullable: bool, heap_type: HeapType) -> RefType {
        RefType {
            nullable,
            heap_type,
        }
    }

    /// Whether every value of `self` is a value of `other` (subtyping).
    pub fn matches(self, other: RefType) -> bool {
        (other.nullable || !self.nullable) && self.heap_type.matches(other.heap_type)
    }

    /// Replaces module type indices by what `f` maps them to.
    pub fn map_module(self, f: &mut impl FnMut(TypeIndex) -> HeapType) -> RefType {
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
            (true, h) => write!(f, "(ref null {h})"),
            (false, h) => write!(f, "(ref {h})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concrete(i: u32) -> HeapType {
        HeapType::Engine(EngineTypeIndex(i))
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
            RefType::new(false, HeapType::Module(TypeIndex(2))).to_string(),
            "(ref 2)"
        );
        assert_eq!(
            RefType::new(false, HeapType::Func).to_string(),
            "(ref func)"
        );
    }
}
