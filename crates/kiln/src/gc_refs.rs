//! `StructRef` and `ArrayRef`: reading and writing the fields of structs
//! and the elements of arrays from the host, with the checks wasm's
//! validator would make (index, mutability, value type) made at run time.

use crate::any_ref::Word;
use crate::rooting::{gc_ref_type, word_of};
use crate::store::StoreInner;
use crate::{AsContext, AsContextMut, SubType, Val, ValType};
use anyhow::{Result, bail};
use kiln_types::{FieldType, StructLayout, storage_size};
use kiln_vm::{RawValue, VMSharedSignatureIndex};

/// What [`object_type`] expects.
const STRUCT: bool = true;
const ARRAY: bool = false;

gc_ref_type!(
    /// A struct, held through [`crate::Rooted`].
    StructRef
);

gc_ref_type!(
    /// An array, held through [`crate::Rooted`].
    ArrayRef
);

/// The address and registered type of the object a handle names, after
/// resolving it in `store` and checking it is a struct (`want_struct`) or
/// an array. The kind comes from the object's header, never from the
/// handle's type.
fn object_type(
    store: &StoreInner,
    handle: &impl crate::GcRef,
    want_struct: bool,
) -> Result<(usize, SubType)> {
    let addr = match (Word::of(word_of(handle, store)?), want_struct) {
        (Word::Struct(a), true) | (Word::Array(a), false) => a,
        (_, true) => bail!("the reference is not a struct"),
        (_, false) => bail!("the reference is not an array"),
    };
    // SAFETY: a rooted object of this store is live.
    let id = unsafe { kiln_vm::object_type_id(addr) };
    let ty = store
        .engine
        .inner
        .types
        .lookup_type(VMSharedSignatureIndex::new(id))
        .expect("an object's type stays registered while its store lives");
    Ok((addr, ty))
}

/// Reads storage of `field`'s type at `at` as a `Val` (packed integers
/// zero-extended).
///
/// # Safety
/// `at` must be a field or element of that type in a live object of
/// `store`.
unsafe fn read(store: &mut StoreInner, at: *const u8, field: FieldType) -> Val {
    // SAFETY: guaranteed by the caller.
    let raw = unsafe { kiln_vm::read_storage(at, field.storage) };
    Val::from_raw(store, RawValue(raw), field.storage.unpacked())
}

/// Checks `value` against a field of type `field` and writes it at `at`.
///
/// # Safety
/// As for [`read`].
unsafe fn write(store: &mut StoreInner, at: *mut u8, field: FieldType, value: &Val) -> Result<()> {
    if !field.mutable {
        bail!("the field is immutable");
    }
    let ty: ValType = field.storage.unpacked();
    value.check_ty(store, ty, "the value")?;
    // SAFETY: guaranteed by the caller.
    unsafe { write_checked(store, at, field, value) }
}

/// Writes `value`, already checked against `field`'s type, at `at` (packed
/// storage keeps the low bits).
///
/// # Safety
/// As for [`read`].
pub(crate) unsafe fn write_checked(
    store: &mut StoreInner,
    at: *mut u8,
    field: FieldType,
    value: &Val,
) -> Result<()> {
    let raw = value.to_raw(store)?;
    // SAFETY: guaranteed by the caller.
    unsafe { kiln_vm::write_storage(at, field.storage, raw.0) };
    Ok(())
}

impl StructRef {
    /// The address of field `index`, and its type, after checking the
    /// store and the index.
    fn field_at(&self, store: &StoreInner, index: usize) -> Result<(*mut u8, FieldType)> {
        let (addr, ty) = object_type(store, self, STRUCT)?;
        let s = ty.as_struct().expect("a struct's type");
        let Some(field) = s.fields.get(index).copied() else {
            bail!(
                "the struct has {} fields, not {}",
                s.fields.len(),
                index + 1
            );
        };
        let offset = StructLayout::new(s).fields[index] as usize;
        Ok(((addr + offset) as *mut u8, field))
    }

    /// Field `index`, read as wasm's `struct.get_u` would (packed fields
    /// zero-extended); an error if there is no such field or the struct
    /// belongs to another store.
    pub fn field(&self, mut store: impl AsContextMut, index: usize) -> Result<Val> {
        let store = &mut store.as_context_mut().0.inner;
        let (at, field) = self.field_at(store, index)?;
        // SAFETY: `field_at` found the field inside the live struct.
        Ok(unsafe { read(store, at, field) })
    }

    /// The struct's type.
    pub fn ty(&self, store: impl AsContext) -> Result<crate::StructType> {
        let (_, ty) = object_type(&store.as_context().0.inner, self, STRUCT)?;
        Ok(ty.as_struct().expect("a struct's type").clone())
    }

    /// Every field, in order, read as [`StructRef::field`] reads one.
    pub fn fields(&self, mut store: impl AsContextMut) -> Result<Vec<Val>> {
        let store = &mut store.as_context_mut().0.inner;
        let (addr, ty) = object_type(store, self, STRUCT)?;
        let s = ty.as_struct().expect("a struct's type");
        let layout = StructLayout::new(s);
        Ok(s.fields
            .iter()
            .zip(&layout.fields)
            // SAFETY: each field lies inside the live struct.
            .map(|(f, off)| unsafe { read(store, (addr + *off as usize) as *const u8, *f) })
            .collect())
    }

    /// Sets field `index` to `value` (an error if the field does not exist,
    /// is immutable, or `value` is not of its type).
    pub fn set_field(&self, mut store: impl AsContextMut, index: usize, value: Val) -> Result<()> {
        let store = &mut store.as_context_mut().0.inner;
        let (at, field) = self.field_at(store, index)?;
        // SAFETY: `field_at` found the field inside the live struct.
        unsafe { write(store, at, field, &value) }
    }
}

impl ArrayRef {
    /// The number of elements.
    pub fn len(&self, store: impl AsContext) -> Result<u32> {
        let (addr, _) = object_type(&store.as_context().0.inner, self, ARRAY)?;
        // SAFETY: the array belongs to this store and is rooted by `self`.
        Ok(unsafe { kiln_vm::array_len(addr) })
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self, store: impl AsContext) -> Result<bool> {
        Ok(self.len(store)? == 0)
    }

    /// The address of element `index`, and the element type, after the
    /// checks.
    fn element(&self, store: &StoreInner, index: u32) -> Result<(*mut u8, FieldType)> {
        let (addr, ty) = object_type(store, self, ARRAY)?;
        let field = ty.as_array().expect("an array's type").0;
        // SAFETY: the array is live and rooted.
        let len = unsafe { kiln_vm::array_len(addr) };
        if index >= len {
            bail!("element {index} is out of bounds of an array of {len}");
        }
        // SAFETY: `index` is in bounds of the live array.
        let at = unsafe { kiln_vm::array_element(addr, storage_size(field.storage), index) };
        Ok((at, field))
    }

    /// Element `index`, read as `array.get_u` would.
    pub fn get(&self, mut store: impl AsContextMut, index: u32) -> Result<Val> {
        let store = &mut store.as_context_mut().0.inner;
        let (at, field) = self.element(store, index)?;
        // SAFETY: `element` checked the index against the live array.
        Ok(unsafe { read(store, at, field) })
    }

    /// The array's type.
    pub fn ty(&self, store: impl AsContext) -> Result<crate::ArrayType> {
        let (_, ty) = object_type(&store.as_context().0.inner, self, ARRAY)?;
        Ok(*ty.as_array().expect("an array's type"))
    }

    /// Every element, in order, read as [`ArrayRef::get`] reads one.
    pub fn elems(&self, mut store: impl AsContextMut) -> Result<Vec<Val>> {
        let store = &mut store.as_context_mut().0.inner;
        let (addr, ty) = object_type(store, self, ARRAY)?;
        let field = ty.as_array().expect("an array's type").0;
        let size = storage_size(field.storage);
        // SAFETY: the array belongs to this store and is rooted by `self`.
        let len = unsafe { kiln_vm::array_len(addr) };
        Ok((0..len)
            // SAFETY: element `i` lies inside the live array.
            .map(|i| unsafe { read(store, kiln_vm::array_element(addr, size, i), field) })
            .collect())
    }

    /// Sets element `index` to `value` (an error if out of bounds, the
    /// elements are immutable, or `value` is not of their type).
    pub fn set(&self, mut store: impl AsContextMut, index: u32, value: Val) -> Result<()> {
        let store = &mut store.as_context_mut().0.inner;
        let (at, field) = self.element(store, index)?;
        // SAFETY: `element` checked the index against the live array.
        unsafe { write(store, at, field, &value) }
    }
}
