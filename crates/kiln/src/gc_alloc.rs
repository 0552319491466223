//! Structs and arrays the host allocates: `StructRefPre`/`ArrayRefPre`
//! register a type with the engine for a store, and `StructRef::new`,
//! `ArrayRef::new` and `ArrayRef::new_fixed` allocate objects of it in the
//! store's GC heap (wasmtime's shapes).

use crate::rooting::Rooted;
use crate::store::StoreInner;
use crate::{
    ArrayRef, ArrayType, AsContextMut, CompositeType, FieldType, StorageType, StructRef,
    StructType, SubType, Val,
};
use anyhow::{Context as _, Result, bail};
use kiln_types::{GcKind, StructLayout, storage_size};
use kiln_vm::VMSharedSignatureIndex;

/// What allocates structs of one type in one store (wasmtime's
/// `StructRefPre`): the type, registered with the engine while the store
/// lives, and its layout.
#[derive(Clone, Debug)]
pub struct StructRefPre {
    store: u64,
    id: VMSharedSignatureIndex,
    ty: StructType,
    layout: StructLayout,
}

/// What allocates arrays of one type in one store (wasmtime's
/// `ArrayRefPre`).
#[derive(Clone, Debug)]
pub struct ArrayRefPre {
    store: u64,
    id: VMSharedSignatureIndex,
    ty: ArrayType,
}

/// Registers `composite` as a final type with no supertype (what a module's
/// `(type (struct …))` or `(type (array …))` is), for as long as `store`
/// lives. Its reference fields may name only abstract heap types and
/// types of the engine.
fn register(store: &mut StoreInner, composite: CompositeType) -> Result<VMSharedSignatureIndex> {
    let fields: Vec<FieldType> = match &composite {
        CompositeType::Struct(s) => s.fields.to_vec(),
        CompositeType::Array(a) => vec![a.0],
        CompositeType::Func(_) => unreachable!("only structs and arrays are allocated"),
    };
    let types = &store.engine.inner.types;
    for f in &fields {
        if let StorageType::Val(t) = f.storage {
            types.check_engine_type(t)?;
        }
    }
    let group = types.register_group(vec![SubType {
        is_final: true,
        supertype: None,
        composite,
    }])?;
    let id = group[0];
    store.hold_type(id);
    Ok(id)
}

/// Checks that `value` may be stored in a field of type `field`.
fn check_value(store: &StoreInner, field: FieldType, value: &Val, what: &str) -> Result<()> {
    value.check_ty(store, field.storage.unpacked(), what)
}

impl StructRefPre {
    /// An allocator of structs of type `ty` in `store`. An error if a
    /// field names a type that is not the engine's.
    pub fn new(mut store: impl AsContextMut, ty: StructType) -> Result<StructRefPre> {
        let store = &mut store.as_context_mut().0.inner;
        let id = register(store, CompositeType::Struct(ty.clone()))?;
        Ok(StructRefPre {
            store: store.id,
            id,
            layout: StructLayout::new(&ty),
            ty,
        })
    }

    /// The struct type.
    pub fn ty(&self) -> &StructType {
        &self.ty
    }
}

impl ArrayRefPre {
    /// An allocator of arrays of type `ty` in `store`. An error if the
    /// element type names a type that is not the engine's.
    pub fn new(mut store: impl AsContextMut, ty: ArrayType) -> Result<ArrayRefPre> {
        let store = &mut store.as_context_mut().0.inner;
        let id = register(store, CompositeType::Array(ty))?;
        Ok(ArrayRefPre {
            store: store.id,
            id,
            ty,
        })
    }

    /// The array type.
    pub fn ty(&self) -> &ArrayType {
        &self.ty
    }
}

impl StructRef {
    /// A new struct of `allocator`'s type in `store`, with `fields` as its
    /// field values (in order; packed fields take the low bits). May
    /// collect the store's heap first.
    pub fn new(
        mut store: impl AsContextMut,
        allocator: &StructRefPre,
        fields: &[Val],
    ) -> Result<Rooted<StructRef>> {
        let store = &mut store.as_context_mut().0.inner;
        store.check(allocator.store, "struct allocator")?;
        let types = &allocator.ty.fields;
        if fields.len() != types.len() {
            bail!(
                "the struct has {} fields, but {} values were given",
                types.len(),
                fields.len()
            );
        }
        for (i, (f, v)) in types.iter().zip(fields).enumerate() {
            check_value(store, *f, v, &format!("the value of field {i}"))?;
        }
        let header = GcKind::Struct.header(allocator.id.bits());
        let addr = store.alloc_gc_object(|heap| {
            heap.alloc(header, allocator.layout.size as usize)
                .map(|p| p as usize)
        })?;
        for ((f, offset), v) in types.iter().zip(&allocator.layout.fields).zip(fields) {
            let at = (addr + *offset as usize) as *mut u8;
            // SAFETY: the field lies inside the struct just allocated.
            unsafe { crate::gc_refs::write_checked(store, at, *f, v)? };
        }
        Ok(Rooted::new(store, addr))
    }
}

impl ArrayRef {
    /// A new array of `allocator`'s type in `store`, of `len` elements all
    /// `elem`. May collect the store's heap first.
    pub fn new(
        store: impl AsContextMut,
        allocator: &ArrayRefPre,
        elem: &Val,
        len: u32,
    ) -> Result<Rooted<ArrayRef>> {
        Self::allocate(store, allocator, std::slice::from_ref(elem), len, |_| 0)
    }

    /// A new array of `allocator`'s type in `store` holding `elems`. May
    /// collect the store's heap first.
    pub fn new_fixed(
        store: impl AsContextMut,
        allocator: &ArrayRefPre,
        elems: &[Val],
    ) -> Result<Rooted<ArrayRef>> {
        let len = u32::try_from(elems.len()).context("too many elements for an array")?;
        Self::allocate(store, allocator, elems, len, |i| i as usize)
    }

    /// An array of `len` elements, element `i` being `values[which(i)]`.
    fn allocate(
        mut store: impl AsContextMut,
        allocator: &ArrayRefPre,
        values: &[Val],
        len: u32,
        which: impl Fn(u32) -> usize,
    ) -> Result<Rooted<ArrayRef>> {
        let store = &mut store.as_context_mut().0.inner;
        store.check(allocator.store, "array allocator")?;
        let field = allocator.ty.0;
        for (i, v) in values.iter().enumerate() {
            check_value(store, field, v, &format!("element {i}"))?;
        }
        let size = storage_size(field.storage);
        let id = allocator.id.bits();
        let addr =
            store.alloc_gc_object(|heap| heap.alloc_array(id, len, size).map(|p| p as usize))?;
        // Each value is converted once (after the allocation, which may
        // collect; converting never does).
        let raws = values
            .iter()
            .map(|v| v.to_raw(store))
            .collect::<Result<Vec<_>>>()?;
        for i in 0..len {
            // SAFETY: element `i` lies inside the array just allocated.
            unsafe {
                let at = kiln_vm::array_element(addr, size, i);
                kiln_vm::write_storage(at, field.storage, raws[which(i)].0)
            };
        }
        Ok(Rooted::new(store, addr))
    }
}
