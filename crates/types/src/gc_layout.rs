//! Where things are inside a GC object: the header, struct fields and array
//! elements. Compiled code and the runtime both read this, as they read
//! [`crate::VMOffsets`].
//!
//! Every object starts with an 8-byte header: the engine id of its type in
//! the low 32 bits and its [`GcKind`] in the high 32. Struct fields follow
//! in declaration order, each aligned to its size (at most 8), so a
//! subtype's fields sit where its supertype's do. An array has its `u32`
//! length at offset 8 and its elements from offset 16.

use crate::{StorageType, StructType, ValType};

/// What an object of the `any` (or `extern`) hierarchy is; the high half of
/// its header.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum GcKind {
    /// A struct.
    Struct = 1,
    /// An array.
    Array = 2,
    /// A host value (`externref`), which `any.convert_extern` can bring
    /// into the `any` hierarchy.
    HostExtern = 3,
}

impl GcKind {
    /// The kind a header's high half names, if any.
    pub fn from_u32(v: u32) -> Option<GcKind> {
        match v {
            1 => Some(GcKind::Struct),
            2 => Some(GcKind::Array),
            3 => Some(GcKind::HostExtern),
            _ => None,
        }
    }

    /// The header of an object of this kind whose type has engine id
    /// `type_id`.
    pub fn header(self, type_id: u32) -> u64 {
        u64::from(type_id) | (u64::from(self as u32) << 32)
    }
}

/// The word that stands for `ref.i31 x` (the low 31 bits of `x`): odd, so
/// that it is never an object's address or null. Compiled code makes the
/// same word inline.
pub fn i31_word(x: u32) -> usize {
    (((x & 0x7fff_ffff) as usize) << 1) | 1
}

/// Offset of the header's type id (a `u32`).
pub const GC_HEADER_TYPE_ID: u32 = 0;
/// Offset of the header's kind (a `u32`).
pub const GC_HEADER_KIND: u32 = 4;
/// Offset of the first struct field (after the header).
pub const GC_STRUCT_FIELDS: u32 = 8;
/// Offset of an array's length (a `u32`).
pub const GC_ARRAY_LENGTH: u32 = 8;
/// Offset of an array's first element.
pub const GC_ARRAY_ELEMENTS: u32 = 16;

/// The bytes a value of `storage` type takes in a field or element
/// (references are pointer-sized; Kiln targets 64-bit hosts).
pub fn storage_size(storage: StorageType) -> u32 {
    match storage {
        StorageType::I8 => 1,
        StorageType::I16 => 2,
        StorageType::Val(ValType::I32 | ValType::F32) => 4,
        StorageType::Val(ValType::I64 | ValType::F64 | ValType::Ref(_)) => 8,
        StorageType::Val(ValType::V128) => 16,
    }
}

/// The size of a struct type's objects and the offset of each field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructLayout {
    /// The object's size in bytes, header included, a multiple of 8.
    pub size: u32,
    /// Each field's offset from the start of the object.
    pub fields: Vec<u32>,
}

impl StructLayout {
    /// The layout of `ty`'s objects.
    pub fn new(ty: &StructType) -> StructLayout {
        let mut end = GC_STRUCT_FIELDS;
        let fields = ty
            .fields
            .iter()
            .map(|f| {
                let size = storage_size(f.storage);
                let align = size.min(8);
                let offset = end.next_multiple_of(align);
                end = offset + size;
                offset
            })
            .collect();
        StructLayout {
            size: end.next_multiple_of(8),
            fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FieldType;

    fn layout(storage: &[StorageType]) -> StructLayout {
        StructLayout::new(&StructType {
            fields: storage.iter().map(|s| FieldType::new(true, *s)).collect(),
        })
    }

    #[test]
    fn fields_are_aligned_in_declaration_order() {
        let l = layout(&[
            StorageType::I8,
            StorageType::Val(ValType::I64),
            StorageType::I16,
            StorageType::I8,
            StorageType::Val(ValType::V128),
        ]);
        assert_eq!(l.fields, vec![8, 16, 24, 26, 32]);
        assert_eq!(l.size, 48);
        assert_eq!(layout(&[]).size, 8);
    }

    #[test]
    fn a_subtype_keeps_its_supertypes_offsets() {
        let sup = [StorageType::I8, StorageType::Val(ValType::F64)];
        let sub = [
            StorageType::I8,
            StorageType::Val(ValType::F64),
            StorageType::I16,
        ];
        assert_eq!(layout(&sup).fields[..], layout(&sub).fields[..2]);
    }

    #[test]
    fn headers_hold_the_type_id_and_the_kind() {
        let h = GcKind::Array.header(7);
        assert_eq!(h as u32, 7);
        assert_eq!(GcKind::from_u32((h >> 32) as u32), Some(GcKind::Array));
        assert_eq!(GcKind::from_u32(0), None);
    }
}
