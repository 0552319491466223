//! Table images: what a module's active element segments put in its
//! tables, as function indices, so that instantiation can make the tables
//! lazily (see [`crate::Table::with_lazy_functions`]) instead of writing
//! every reference.
//!
//! A module gets images only when none of its active element segments can
//! trap or depends on an import: each has a constant offset, fits in its
//! table's minimum size, targets a funcref table the module defines without
//! an initialiser expression, and holds only `ref.func` and `ref.null` items.
//! Then applying the segments in order at instantiation is the same as
//! giving each table the combined image, and nobody can observe when a slot
//! gets its reference.

use crate::table::NULL_FUNCTION;
use kiln_types::{
    ConstOp, DefinedTableIndex, ElemIndex, ElementSegmentKind, ModuleInfo, RefHierarchy,
};
use std::sync::Arc;

/// The images of a module's defined tables.
#[derive(Debug, Default)]
pub struct TableImages {
    /// Per defined table, the function index of each slot from 0 that some
    /// segment writes; `None` for tables no segment writes. Empty when the
    /// module has no images.
    tables: Box<[Option<Arc<[u32]>>]>,
}

impl TableImages {
    /// The images of `info`'s tables, if every active element segment
    /// qualifies (see the module docs). `functions(e)` gives segment `e`'s
    /// items as function indices when they are all `ref.func`/`ref.null`
    /// (null as [`NULL_FUNCTION`]).
    pub fn new<'a>(info: &ModuleInfo, functions: impl Fn(ElemIndex) -> Option<&'a [u32]>) -> Self {
        Self::build(info, functions).unwrap_or_default()
    }

    fn build<'a>(
        info: &ModuleInfo,
        functions: impl Fn(ElemIndex) -> Option<&'a [u32]>,
    ) -> Option<Self> {
        let defined = info.tables.len() - info.num_imported_tables;
        let mut tables: Vec<Option<Vec<u32>>> = vec![None; defined];
        let mut any = false;
        for (i, seg) in info.elements.iter().enumerate() {
            let ElementSegmentKind::Active { table, offset } = &seg.kind else {
                continue;
            };
            let dt = info.defined_table(*table)?;
            let element = info.tables[table.index()].element;
            // Only funcref tables may hold the lazy marker: compiled code
            // checks for it only there.
            if element.heap_type.hierarchy() != RefHierarchy::Func
                || info.table_inits[dt.index()].is_some()
            {
                return None;
            }
            let [ConstOp::I32Const(at)] = offset.ops.as_slice() else {
                return None;
            };
            let items = functions(ElemIndex::from_usize(i))?;
            let start = *at as u32 as usize;
            let end = start.checked_add(items.len())?;
            if end > info.tables[table.index()].minimum as usize {
                return None;
            }
            if items.is_empty() {
                continue;
            }
            let image = tables[dt.index()].get_or_insert_with(Vec::new);
            if image.len() < end {
                image.resize(end, NULL_FUNCTION);
            }
            image[start..end].copy_from_slice(items);
            any = true;
        }
        any.then(|| TableImages {
            tables: tables.into_iter().map(|t| t.map(Arc::from)).collect(),
        })
    }

    /// Whether the images stand for all of the module's active element
    /// segments (which instantiation then does not apply).
    pub fn covers_all_elements(&self) -> bool {
        !self.tables.is_empty()
    }

    /// The image of defined table `t`, if a segment writes it.
    pub fn get(&self, t: DefinedTableIndex) -> Option<&Arc<[u32]>> {
        self.tables.get(t.index())?.as_ref()
    }
}
