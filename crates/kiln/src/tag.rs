//! Exception tags: importable and exportable entities that name a kind of
//! exception and the values it carries. Each tag has its own identity: two
//! tags of the same type are different tags.
//!
//! Tags are defined, imported, exported and created by the host; throwing
//! and catching (`throw`, `try_table`) is not implemented yet, so a module
//! that uses those instructions is still rejected.

use crate::FuncType;
use crate::context::{AsContext, AsContextMut};
use anyhow::{Result, bail};
use kiln_vm::VMSharedSignatureIndex;
use std::fmt;

/// The type of an exception tag: the types of the values an exception with
/// the tag carries, as a function type with no results.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    ty: FuncType,
}

impl TagType {
    /// The tag type whose exceptions carry `ty`'s parameters (`ty` must have
    /// no results for a tag to be made of it).
    pub fn new(ty: FuncType) -> TagType {
        TagType { ty }
    }

    /// The function type: parameters are the carried values, no results.
    pub fn ty(&self) -> &FuncType {
        &self.ty
    }
}

impl fmt::Display for TagType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(tag {})", self.ty)
    }
}

/// An exception tag in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tag {
    pub(crate) store: u64,
    pub(crate) index: usize,
}

/// A tag's entry in its store.
pub(crate) struct TagData {
    /// Its type, with engine-wide type indices.
    pub(crate) ty: FuncType,
    /// The engine's canonical id of that type, which imports are matched by.
    pub(crate) signature: VMSharedSignatureIndex,
}

impl Tag {
    /// A new tag of type `ty`, distinct from every other tag.
    pub fn new<T>(mut store: impl AsContextMut<Data = T>, ty: &TagType) -> Result<Tag> {
        let store = store.as_context_mut().0;
        if !ty.ty.result_types().is_empty() {
            bail!("a tag's type has no results, but {} has", ty.ty);
        }
        for t in ty.ty.param_types() {
            store.engine().check_val_type(*t)?;
        }
        // Like host functions' types, it stays registered for the engine's life.
        let signature = store.engine().inner.types.register(&ty.ty)?;
        Ok(Tag::push(
            store,
            TagData {
                ty: ty.ty.clone(),
                signature,
            },
        ))
    }

    pub(crate) fn push<T>(store: &mut crate::store::StoreBody<T>, data: TagData) -> Tag {
        store.inner.tags.push(data);
        Tag {
            store: store.inner.id,
            index: store.inner.tags.len() - 1,
        }
    }

    /// The tag's type.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> TagType {
        let store = store.as_context().0;
        store.assert_owns(self.store, "tag");
        TagType::new(store.inner.tags[self.index].ty.clone())
    }

    /// Whether `a` and `b` are the same tag (not merely of the same type).
    pub fn eq<T>(a: &Tag, b: &Tag, store: impl AsContext<Data = T>) -> bool {
        let store = store.as_context().0;
        store.assert_owns(a.store, "tag");
        store.assert_owns(b.store, "tag");
        a.index == b.index
    }
}
