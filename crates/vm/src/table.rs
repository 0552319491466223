//! Tables: growable arrays of pointer-sized references (null = null ref).
//!
//! A funcref table that a module's element segments fill with function
//! references can be made *lazily*: its slots start as
//! [`VM_LAZY_TABLE_ELEMENT`] and each gets its reference when first read,
//! from the function index the module's table image gives it (see
//! [`LazyFunctions`]). Every read goes through [`Table::get`] or
//! [`Table::get_and_fill`] (compiled code calls the latter when it finds the
//! marker), and copies fill the slots they read first, so the marker never
//! leaves the table.

use crate::vmcontext::VMTableDefinition;
use kiln_types::{TableType, TrapCode, VM_LAZY_TABLE_ELEMENT};
use std::sync::Arc;

/// A raw table element: a `*const VMCallerCheckedAnyfunc` or an extern-ref pointer.
pub type TableElement = *mut u8;

/// The stored value of a slot whose reference is not made yet.
const LAZY: TableElement = std::ptr::without_provenance_mut(VM_LAZY_TABLE_ELEMENT);

/// A function index in a table image that stands for a null reference.
pub const NULL_FUNCTION: u32 = u32::MAX;

/// Where an instance's function references are: function `f`'s at
/// `anyfuncs + f * stride`.
#[derive(Copy, Clone, Debug)]
pub struct FunctionReferences {
    /// The first function reference.
    pub anyfuncs: *mut u8,
    /// The size of one function reference.
    pub stride: usize,
}

impl FunctionReferences {
    /// The table element for function index `f` (null for [`NULL_FUNCTION`]).
    ///
    /// # Safety
    /// `f` must be [`NULL_FUNCTION`] or a function of the instance.
    pub unsafe fn element(&self, f: u32) -> TableElement {
        match f {
            NULL_FUNCTION => std::ptr::null_mut(),
            // SAFETY: the caller's guarantee: the reference lies in the
            // instance's vmctx.
            f => unsafe { self.anyfuncs.add(f as usize * self.stride) },
        }
    }
}

/// Where the lazy slots of a table get their references.
#[derive(Debug)]
struct LazyFunctions {
    /// The function index of each slot from 0 ([`NULL_FUNCTION`] for null).
    items: Arc<[u32]>,
    /// The owning instance's function references, once attached.
    references: Option<FunctionReferences>,
}

/// A table owning its elements and its `VMTableDefinition`.
#[derive(Debug)]
pub struct Table {
    elements: Vec<TableElement>,
    definition: Box<VMTableDefinition>,
    ty: TableType,
    lazy: Option<LazyFunctions>,
}

// SAFETY: elements are plain addresses of store-owned objects; the store
// serialises all access.
unsafe impl Send for Table {}
// SAFETY: as above.
unsafe impl Sync for Table {}

impl Table {
    /// A table of `ty.minimum` copies of `init`.
    pub fn new(ty: TableType, init: TableElement) -> Self {
        Self::with_elements(ty, vec![init; ty.minimum as usize], None)
    }

    fn with_elements(
        ty: TableType,
        elements: Vec<TableElement>,
        lazy: Option<LazyFunctions>,
    ) -> Self {
        let mut me = Self {
            elements,
            definition: Box::new(VMTableDefinition {
                base: std::ptr::null_mut(),
                current_elements: 0,
            }),
            ty,
            lazy,
        };
        me.sync_definition();
        me
    }

    /// A table of `ty.minimum` slots whose first `items.len()` get the
    /// references to those functions when first read, and the rest null.
    /// [`Table::attach_functions`] must be called before any slot is read.
    ///
    /// # Panics
    /// If `items` is longer than the table.
    pub fn with_lazy_functions(ty: TableType, items: Arc<[u32]>) -> Self {
        assert!(items.len() <= ty.minimum as usize);
        let mut elements = vec![LAZY; items.len()];
        elements.resize(ty.minimum as usize, std::ptr::null_mut());
        let lazy = LazyFunctions {
            items,
            references: None,
        };
        Self::with_elements(ty, elements, Some(lazy))
    }

    /// Gives a table made by [`Table::with_lazy_functions`] its owning
    /// instance's function references.
    ///
    /// # Safety
    /// Every function index of the table's items must name a function
    /// reference in `references` that lives as long as the table.
    pub unsafe fn attach_functions(&mut self, references: FunctionReferences) {
        if let Some(lazy) = &mut self.lazy {
            lazy.references = Some(references);
        }
    }

    /// The reference slot `i` holds, given its stored value `raw`.
    fn resolve(&self, i: usize, raw: TableElement) -> TableElement {
        // Only a lazy funcref table holds the marker: in an anyref table
        // the same word is `ref.i31 0`.
        let Some(lazy) = self.lazy.as_ref() else {
            return raw;
        };
        if raw != LAZY {
            return raw;
        }
        let references = lazy
            .references
            .expect("functions are attached before any slot is read");
        // SAFETY: `attach_functions`'s contract: every item names a
        // reference of the owning instance.
        unsafe { references.element(lazy.items[i]) }
    }

    /// Makes the references of the lazy slots in `range`.
    fn fill_lazy(&mut self, range: std::ops::Range<usize>) {
        if self.lazy.is_none() {
            return;
        }
        for i in range {
            let v = self.resolve(i, self.elements[i]);
            self.elements[i] = v;
        }
    }

    fn sync_definition(&mut self) {
        self.definition.base = self.elements.as_mut_ptr().cast();
        self.definition.current_elements = self.elements.len() as u32;
    }

    /// The record compiled code reads (stable for the table's lifetime).
    pub fn definition(&self) -> *mut VMTableDefinition {
        &*self.definition as *const VMTableDefinition as *mut VMTableDefinition
    }

    /// The type, with `minimum` the current size.
    pub fn ty(&self) -> TableType {
        TableType {
            minimum: self.size(),
            ..self.ty
        }
    }

    /// The declared type.
    pub fn declared_type(&self) -> TableType {
        self.ty
    }

    /// Number of elements.
    pub fn size(&self) -> u32 {
        self.elements.len() as u32
    }

    /// Grows by `delta` elements set to `init`; returns the old size or `None`.
    pub fn grow(&mut self, delta: u32, init: TableElement) -> Option<u32> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new > self.ty.maximum.unwrap_or(u32::MAX) || new > 10_000_000 {
            return None;
        }
        self.elements.resize(new as usize, init);
        self.sync_definition();
        Some(old)
    }

    /// The element at `i`.
    pub fn get(&self, i: u32) -> Option<TableElement> {
        let raw = *self.elements.get(i as usize)?;
        Some(self.resolve(i as usize, raw))
    }

    /// The element at `i`, stored back if it was made just now (what
    /// compiled code calls when it reads the lazy marker).
    pub fn get_and_fill(&mut self, i: u32) -> Option<TableElement> {
        let v = self.get(i)?;
        self.elements[i as usize] = v;
        Some(v)
    }

    /// Sets the element at `i`.
    pub fn set(&mut self, i: u32, v: TableElement) -> Result<(), TrapCode> {
        *self
            .elements
            .get_mut(i as usize)
            .ok_or(TrapCode::TableOutOfBounds)? = v;
        Ok(())
    }

    fn range(&self, start: u32, len: u32) -> Result<std::ops::Range<usize>, TrapCode> {
        match start.checked_add(len) {
            Some(end) if end <= self.size() => Ok(start as usize..end as usize),
            _ => Err(TrapCode::TableOutOfBounds),
        }
    }

    /// `table.fill`.
    pub fn fill(&mut self, dst: u32, v: TableElement, len: u32) -> Result<(), TrapCode> {
        let r = self.range(dst, len)?;
        self.elements[r].fill(v);
        Ok(())
    }

    /// Writes `items` at `dst` (`table.init` and active segments).
    pub fn init(&mut self, dst: u32, items: &[TableElement]) -> Result<(), TrapCode> {
        let len = u32::try_from(items.len()).map_err(|_| TrapCode::TableOutOfBounds)?;
        self.init_with(dst, len, |i| items[i])
    }

    /// Writes `item(0..len)` at `dst`, after checking that all of it fits
    /// (so nothing is written when it does not).
    pub fn init_with(
        &mut self,
        dst: u32,
        len: u32,
        mut item: impl FnMut(usize) -> TableElement,
    ) -> Result<(), TrapCode> {
        let r = self.range(dst, len)?;
        for (i, slot) in self.elements[r].iter_mut().enumerate() {
            *slot = item(i);
        }
        Ok(())
    }

    /// `table.copy` within this table (overlap-safe).
    pub fn copy_within(&mut self, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        let s = self.range(src, len)?;
        self.range(dst, len)?;
        self.fill_lazy(s.clone());
        self.elements.copy_within(s, dst as usize);
        Ok(())
    }

    /// `table.copy` from another table.
    pub fn copy_from(
        &mut self,
        src_table: &Table,
        dst: u32,
        src: u32,
        len: u32,
    ) -> Result<(), TrapCode> {
        let s = src_table.range(src, len)?;
        let d = self.range(dst, len)?;
        for (i, slot) in s.zip(&mut self.elements[d]) {
            *slot = src_table.resolve(i, src_table.elements[i]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_types::RefType;

    fn ty(min: u32, max: Option<u32>) -> TableType {
        TableType::new(RefType::FUNCREF, min, max)
    }

    #[test]
    fn grow_updates_definition() {
        let mut t = Table::new(ty(1, Some(4)), std::ptr::null_mut());
        let p = 8 as TableElement;
        assert_eq!(t.grow(2, p), Some(1));
        // SAFETY: the definition lives as long as `t`.
        let def = unsafe { &*t.definition() };
        assert_eq!(def.current_elements, 3);
        assert_eq!(def.base, t.elements.as_mut_ptr().cast());
        assert_eq!(t.get(2), Some(p));
        assert_eq!(t.grow(2, p), None);
        assert_eq!(t.get(3), None);
    }

    #[test]
    fn bulk_ops_check_bounds_and_overlap() {
        let mut t = Table::new(ty(4, None), std::ptr::null_mut());
        let e = |n: usize| n as TableElement;
        t.init(0, &[e(1), e(2), e(3), e(4)]).unwrap();
        t.copy_within(1, 0, 3).unwrap();
        assert_eq!(t.elements, vec![e(1), e(1), e(2), e(3)]);
        t.copy_within(0, 1, 3).unwrap();
        assert_eq!(t.elements, vec![e(1), e(2), e(3), e(3)]);
        assert_eq!(t.fill(3, e(9), 2), Err(TrapCode::TableOutOfBounds));
        assert_eq!(t.init(u32::MAX, &[e(1)]), Err(TrapCode::TableOutOfBounds));
        t.fill(4, e(9), 0).unwrap();
        assert_eq!(t.set(4, e(1)), Err(TrapCode::TableOutOfBounds));
    }
}
