//! Descriptions of a module's imports and exports.

use crate::{FuncType, GlobalType, MemoryType, TableType, TagType};
use std::fmt;

/// The type of something importable or exportable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    /// A function of this type.
    Func(FuncType),
    /// A global of this type.
    Global(GlobalType),
    /// A memory of this type.
    Memory(MemoryType),
    /// A table of this type.
    Table(TableType),
    /// An exception tag of this type.
    Tag(TagType),
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => t.fmt(f),
            ExternType::Global(t) => t.fmt(f),
            ExternType::Memory(t) => t.fmt(f),
            ExternType::Table(t) => t.fmt(f),
            ExternType::Tag(t) => t.fmt(f),
        }
    }
}

impl ExternType {
    /// The function type, if this is one.
    pub fn func(&self) -> Option<&FuncType> {
        match self {
            ExternType::Func(t) => Some(t),
            _ => None,
        }
    }
    /// The memory type, if this is one.
    pub fn memory(&self) -> Option<&MemoryType> {
        match self {
            ExternType::Memory(t) => Some(t),
            _ => None,
        }
    }
    /// The global type, if this is one.
    pub fn global(&self) -> Option<&GlobalType> {
        match self {
            ExternType::Global(t) => Some(t),
            _ => None,
        }
    }
    /// The table type, if this is one.
    pub fn table(&self) -> Option<&TableType> {
        match self {
            ExternType::Table(t) => Some(t),
            _ => None,
        }
    }
    /// The tag type, if this is one.
    pub fn tag(&self) -> Option<&TagType> {
        match self {
            ExternType::Tag(t) => Some(t),
            _ => None,
        }
    }
}

/// One import of a module.
#[derive(Clone, Debug)]
pub struct ImportType<'module> {
    pub(crate) module: &'module str,
    pub(crate) name: &'module str,
    pub(crate) ty: ExternType,
}

impl<'module> ImportType<'module> {
    /// The module name it is imported from.
    pub fn module(&self) -> &'module str {
        self.module
    }
    /// The field name.
    pub fn name(&self) -> &'module str {
        self.name
    }
    /// The expected type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

/// One export of a module.
#[derive(Clone, Debug)]
pub struct ExportType<'module> {
    pub(crate) name: &'module str,
    pub(crate) ty: ExternType,
}

impl<'module> ExportType<'module> {
    /// The export name.
    pub fn name(&self) -> &'module str {
        self.name
    }
    /// The exported type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}
