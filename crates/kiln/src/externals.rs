//! Memories, tables and globals, and the `Extern` union of importable things.

use crate::context::{AsContext, AsContextMut, StoreContext, StoreContextMut};
use crate::store::{GlobalData, StoreBody};
use crate::{Func, GlobalType, MemoryType, Ref, TableType, Val, ValType};
use anyhow::{Result, bail};
use kiln_vm::{LinearMemory, Table as VmTable, TableElement, VMGlobalDefinition};

/// Anything a module can import or export.
#[derive(Clone, Debug)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A global.
    Global(Global),
    /// A memory.
    Memory(Memory),
    /// A table.
    Table(Table),
    /// An exception tag.
    Tag(crate::Tag),
    /// A memory declared `shared`, usable by several threads.
    SharedMemory(crate::SharedMemory),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }
    /// The tag, if this is one.
    pub fn into_tag(self) -> Option<crate::Tag> {
        match self {
            Extern::Tag(t) => Some(t),
            _ => None,
        }
    }
    /// The shared memory, if this is one.
    pub fn into_shared_memory(self) -> Option<crate::SharedMemory> {
        match self {
            Extern::SharedMemory(m) => Some(m),
            _ => None,
        }
    }
}

impl From<crate::SharedMemory> for Extern {
    fn from(m: crate::SharedMemory) -> Extern {
        Extern::SharedMemory(m)
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<crate::Tag> for Extern {
    fn from(t: crate::Tag) -> Extern {
        Extern::Tag(t)
    }
}

/// A linear memory in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store: u64,
    pub(crate) index: usize,
}

impl Memory {
    /// Creates a memory of type `ty` (not `shared`: that is a
    /// [`crate::SharedMemory`]).
    pub fn new<T>(mut store: impl AsContextMut<Data = T>, ty: MemoryType) -> Result<Memory> {
        if ty.shared {
            bail!("a shared memory is a SharedMemory: create it with SharedMemory::new");
        }
        let store = store.as_context_mut().0;
        store.check_counts(0, 1, 0)?;
        store.admit_memory(&ty)?;
        let m = store.engine().new_memory(ty)?;
        Ok(Self::push(store, m))
    }

    pub(crate) fn push<T>(store: &mut StoreBody<T>, m: LinearMemory) -> Memory {
        store.inner.memories.push(Box::new(m));
        Memory {
            store: store.inner.id,
            index: store.inner.memories.len() - 1,
        }
    }

    fn get<'a, T>(&self, store: &'a StoreBody<T>) -> &'a LinearMemory {
        assert_eq!(
            self.store, store.inner.id,
            "memory used with a different store"
        );
        &store.inner.memories[self.index]
    }

    /// The memory's current type.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> MemoryType {
        let store = store.as_context().0;
        self.get(store).ty()
    }
    /// Size in pages.
    pub fn size<T>(&self, store: impl AsContext<Data = T>) -> u64 {
        let store = store.as_context().0;
        self.get(store).size_pages()
    }
    /// Size in bytes.
    pub fn data_size<T>(&self, store: impl AsContext<Data = T>) -> usize {
        let store = store.as_context().0;
        self.get(store).byte_size()
    }
    /// The memory's bytes.
    pub fn data<'a, T: 'a>(&self, store: impl Into<StoreContext<'a, T>>) -> &'a [u8] {
        let store = store.into().0;
        self.get(store).data()
    }
    /// The memory's bytes, mutably.
    pub fn data_mut<'a, T: 'a>(&self, store: impl Into<StoreContextMut<'a, T>>) -> &'a mut [u8] {
        let store = store.into().0;
        assert_eq!(
            self.store, store.inner.id,
            "memory used with a different store"
        );
        store.inner.memories[self.index].data_mut()
    }
    /// Grows by `delta` pages, returning the old size.
    pub fn grow<T>(&self, mut store: impl AsContextMut<Data = T>, delta: u64) -> Result<u64> {
        let store = store.as_context_mut().0;
        store.check(self.store, "memory")?;
        let m = &store.inner.memories[self.index];
        let current = m.byte_size();
        let desired = m
            .size_pages()
            .saturating_add(delta)
            .saturating_mul(m.page_size()) as usize;
        let max = m.maximum_pages().saturating_mul(m.page_size()) as usize;
        if !store.allow_growth(kiln_vm::GrowthKind::Memory, current, desired, Some(max))? {
            bail!("memory growth by {delta} pages exceeds the store's limits");
        }
        match store.inner.memories[self.index].grow(delta) {
            Some(old) => Ok(old),
            None => bail!("failed to grow memory by {delta} pages"),
        }
    }
    pub(crate) fn raw<T>(&self, store: &mut StoreBody<T>) -> *mut LinearMemory {
        &mut *store.inner.memories[self.index]
    }
}

/// A table in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store: u64,
    pub(crate) index: usize,
}

impl Table {
    /// Creates a table of type `ty` filled with `init`.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: TableType,
        init: Ref,
    ) -> Result<Table> {
        let store = store.as_context_mut().0;
        let init = Val::from(init);
        store.engine().check_val_type(ValType::Ref(ty.element))?;
        init.check_ty(
            &store.inner,
            ValType::Ref(ty.element),
            "the table's initial value",
        )?;
        store.check_counts(0, 0, 1)?;
        store.admit_table(&ty)?;
        let raw = init.to_raw(&mut store.inner)?;
        Ok(Self::push(store, VmTable::new(ty, raw.ptr().cast())))
    }

    pub(crate) fn push<T>(store: &mut StoreBody<T>, t: VmTable) -> Table {
        store.inner.tables.push(Box::new(t));
        Table {
            store: store.inner.id,
            index: store.inner.tables.len() - 1,
        }
    }

    /// The table's current type.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> TableType {
        let store = store.as_context().0;
        store.assert_owns(self.store, "table");
        store.inner.tables[self.index].ty()
    }
    /// Number of elements.
    pub fn size<T>(&self, store: impl AsContext<Data = T>) -> u64 {
        let store = store.as_context().0;
        store.assert_owns(self.store, "table");
        store.inner.tables[self.index].size().into()
    }
    /// The element at `index`, or `None` if `index` is out of bounds.
    pub fn get<T>(&self, mut store: impl AsContextMut<Data = T>, index: u64) -> Option<Ref> {
        let store = store.as_context_mut().0;
        store.assert_owns(self.store, "table");
        let t = &store.inner.tables[self.index];
        let raw = t.get(u32::try_from(index).ok()?)?;
        let ty = t.ty().element;
        Val::from_raw(
            &mut store.inner,
            kiln_vm::RawValue::from_ptr(raw.cast()),
            ValType::Ref(ty),
        )
        .ref_()
    }
    /// Sets the element at `index`.
    pub fn set<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        index: u64,
        val: Ref,
    ) -> Result<()> {
        let store = store.as_context_mut().0;
        let element = self.element(store, val, "the table element")?;
        store.inner.tables[self.index]
            .set(clamp(index), element)
            .map_err(anyhow::Error::new)
    }
    /// Grows by `delta` elements set to `init`, returning the old size.
    pub fn grow<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        delta: u64,
        init: Ref,
    ) -> Result<u64> {
        let store = store.as_context_mut().0;
        let element = self.element(store, init, "the table's growth value")?;
        let t = &store.inner.tables[self.index];
        let current = t.size() as usize;
        let max = t.declared_type().maximum.map(|m| m as usize);
        let Ok(delta32) = u32::try_from(delta) else {
            bail!("failed to grow table by {delta} elements");
        };
        if !store.allow_growth(
            kiln_vm::GrowthKind::Table,
            current,
            current + delta32 as usize,
            max,
        )? {
            bail!("table growth by {delta} elements exceeds the store's limits");
        }
        match store.inner.tables[self.index].grow(delta32, element) {
            Some(old) => Ok(old.into()),
            None => bail!("failed to grow table by {delta} elements"),
        }
    }
    /// Sets `len` elements from `dst` to `val`.
    pub fn fill<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        dst: u64,
        val: Ref,
        len: u64,
    ) -> Result<()> {
        let store = store.as_context_mut().0;
        let element = self.element(store, val, "the fill value")?;
        store.inner.tables[self.index]
            .fill(clamp(dst), element, clamp(len))
            .map_err(anyhow::Error::new)
    }

    /// Copies `len` elements of `src_table` from `src_index` to
    /// `dst_table` at `dst_index` (the ranges may overlap). The source's
    /// element type must be a subtype of the destination's.
    pub fn copy<T>(
        mut store: impl AsContextMut<Data = T>,
        dst_table: &Table,
        dst_index: u64,
        src_table: &Table,
        src_index: u64,
        len: u64,
    ) -> Result<()> {
        let store = store.as_context_mut().0;
        store.check(dst_table.store, "destination table")?;
        store.check(src_table.store, "source table")?;
        let dst_ty = store.inner.tables[dst_table.index].ty().element;
        let src_ty = store.inner.tables[src_table.index].ty().element;
        let types = &store.engine().inner.types;
        if !types.val_type_matches(ValType::Ref(src_ty), ValType::Ref(dst_ty)) {
            bail!("cannot copy elements of type {src_ty} into a table of {dst_ty}");
        }
        let (dst_index, src_index, len) = (clamp(dst_index), clamp(src_index), clamp(len));
        let r = if dst_table.index == src_table.index {
            store.inner.tables[dst_table.index].copy_within(dst_index, src_index, len)
        } else {
            let (d, s) = (dst_table.index, src_table.index);
            let tables = &mut store.inner.tables;
            let (dst, src) = if d < s {
                let (low, high) = tables.split_at_mut(s);
                (&mut low[d], &high[0])
            } else {
                let (low, high) = tables.split_at_mut(d);
                (&mut high[0], &low[s])
            };
            dst.copy_from(src, dst_index, src_index, len)
        };
        r.map_err(anyhow::Error::new)
    }

    /// `val` as an element of this table: fails unless the table belongs
    /// to `store` and `val` is a value of its element type (`what` names
    /// `val` in the error).
    fn element<T>(&self, store: &mut StoreBody<T>, val: Ref, what: &str) -> Result<TableElement> {
        store.check(self.store, "table")?;
        let val = Val::from(val);
        let ty = store.inner.tables[self.index].ty().element;
        val.check_ty(&store.inner, ValType::Ref(ty), what)?;
        Ok(val.to_raw(&mut store.inner)?.ptr().cast())
    }

    pub(crate) fn raw<T>(&self, store: &mut StoreBody<T>) -> *mut VmTable {
        &mut *store.inner.tables[self.index]
    }
}

/// An index or count past `u32::MAX` as the largest 32-bit one, which no
/// table reaches: an access there is out of bounds as the original would be.
fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A global in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store: u64,
    pub(crate) index: usize,
}

impl Global {
    /// Creates a global of type `ty` holding `val`.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: GlobalType,
        val: Val,
    ) -> Result<Global> {
        let store = store.as_context_mut().0;
        store.engine().check_val_type(ty.ty)?;
        val.check_ty(&store.inner, ty.ty, "the global's initial value")?;
        let mut def = Box::new(VMGlobalDefinition::new());
        def.set(val.to_raw(&mut store.inner)?);
        let definition = &mut *def as *mut VMGlobalDefinition;
        store.inner.host_globals.push(def);
        Ok(Self::push(store, GlobalData { ty, definition }))
    }

    pub(crate) fn push<T>(store: &mut StoreBody<T>, data: GlobalData) -> Global {
        store.inner.globals.push(data);
        Global {
            store: store.inner.id,
            index: store.inner.globals.len() - 1,
        }
    }

    /// The global's type.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> GlobalType {
        let store = store.as_context().0;
        store.assert_owns(self.store, "global");
        store.inner.globals[self.index].ty
    }
    /// The current value.
    pub fn get<T>(&self, mut store: impl AsContextMut<Data = T>) -> Val {
        let store = store.as_context_mut().0;
        store.assert_owns(self.store, "global");
        let g = &store.inner.globals[self.index];
        // SAFETY: global storage lives as long as the store.
        let raw = unsafe { (*g.definition).get() };
        let ty: ValType = g.ty.ty;
        Val::from_raw(&mut store.inner, raw, ty)
    }
    /// Sets the value of a mutable global.
    pub fn set<T>(&self, mut store: impl AsContextMut<Data = T>, val: Val) -> Result<()> {
        let store = store.as_context_mut().0;
        store.check(self.store, "global")?;
        let ty = store.inner.globals[self.index].ty;
        if !ty.mutable {
            bail!("cannot set an immutable global");
        }
        val.check_ty(&store.inner, ty.ty, "the global's new value")?;
        let raw = val.to_raw(&mut store.inner)?;
        // SAFETY: as in `get`.
        unsafe { (*store.inner.globals[self.index].definition).set(raw) };
        Ok(())
    }
    pub(crate) fn raw<T>(&self, store: &StoreBody<T>) -> *mut VMGlobalDefinition {
        store.inner.globals[self.index].definition
    }
}

/// A host read or write of linear memory went out of bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("out of bounds memory access: {len} bytes at offset {offset} in a memory of {size} bytes")]
pub struct MemoryAccessError {
    /// Where the access started.
    pub offset: usize,
    /// How many bytes it covered.
    pub len: usize,
    /// The memory's size in bytes.
    pub size: usize,
}

impl Memory {
    /// Copies `buf.len()` bytes at `offset` into `buf`.
    pub fn read<T>(
        &self,
        store: impl AsContext<Data = T>,
        offset: usize,
        buf: &mut [u8],
    ) -> Result<(), MemoryAccessError> {
        let data = self.data(store.as_context());
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| data.get(offset..end))
            .ok_or(MemoryAccessError {
                offset,
                len: buf.len(),
                size: data.len(),
            })?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies `buf` into memory at `offset`.
    pub fn write<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        offset: usize,
        buf: &[u8],
    ) -> Result<(), MemoryAccessError> {
        let data = self.data_mut(store.as_context_mut());
        let size = data.len();
        let dst = offset
            .checked_add(buf.len())
            .and_then(|end| data.get_mut(offset..end))
            .ok_or(MemoryAccessError {
                offset,
                len: buf.len(),
                size,
            })?;
        dst.copy_from_slice(buf);
        Ok(())
    }
}
