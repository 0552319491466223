//! Everything about a module except its code: the result of parsing its sections.

use crate::*;
use std::collections::HashMap;
use std::ops::Range;

/// A reference to one entity in its index space.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum EntityIndex {
    /// A function.
    Function(FuncIndex),
    /// A table.
    Table(TableIndex),
    /// A memory.
    Memory(MemoryIndex),
    /// A global.
    Global(GlobalIndex),
    /// An exception tag.
    Tag(TagIndex),
}

/// One import of a module.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Import {
    /// The module name.
    pub module: String,
    /// The field name.
    pub name: String,
    /// The entity the import fills.
    pub index: EntityIndex,
    /// For a function, whether only its exact type matches, not a
    /// subtype (custom descriptors' `(exact (type $t))`).
    pub exact: bool,
}

/// One export of a module.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Export {
    /// The export name.
    pub name: String,
    /// The exported entity.
    pub index: EntityIndex,
}

/// Where an element segment goes.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum ElementSegmentKind {
    /// Copied into a table at instantiation.
    Active {
        /// Destination table.
        table: TableIndex,
        /// Offset expression.
        offset: ConstExpr,
    },
    /// Available to `table.init`.
    Passive,
    /// Only declares functions as referenceable; dropped at instantiation.
    Declared,
}

/// An element segment.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ElementSegment {
    /// Active, passive or declared.
    pub kind: ElementSegmentKind,
    /// The element type.
    pub ty: RefType,
    /// One constant expression per element.
    pub items: Vec<ConstExpr>,
}

/// Where a data segment goes.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum DataSegmentKind {
    /// Copied into a memory at instantiation.
    Active {
        /// Destination memory.
        memory: MemoryIndex,
        /// Offset expression.
        offset: ConstExpr,
    },
    /// Available to `memory.init`.
    Passive,
}

/// A data segment.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct DataSegment {
    /// Active or passive.
    pub kind: DataSegmentKind,
    /// The bytes' range within [`ModuleInfo::data_bytes`].
    pub range: Range<usize>,
}

/// The parsed, validated description of a module.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ModuleInfo {
    /// The name from the name section, if any.
    pub name: Option<String>,
    /// The type section's types, by [`TypeIndex`]; references to other
    /// types use [`HeapType::Module`].
    pub types: Vec<SubType>,
    /// The type section's rec groups, as ranges of type indices, in order.
    pub rec_groups: Vec<Range<u32>>,
    /// Every function's type, imports first.
    pub functions: Vec<TypeIndex>,
    /// Every table, imports first.
    pub tables: Vec<TableType>,
    /// Every memory, imports first.
    pub memories: Vec<MemoryType>,
    /// Every global, imports first.
    pub globals: Vec<GlobalType>,
    /// Every exception tag's type (a function type with no results),
    /// imports first.
    pub tags: Vec<TypeIndex>,
    /// Initialisers of the defined globals.
    pub global_inits: Vec<ConstExpr>,
    /// Initial element of each defined table (`None`: null).
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Imports in declaration order.
    pub imports: Vec<Import>,
    /// Exports in declaration order.
    pub exports: Vec<Export>,
    /// Number of imported functions.
    pub num_imported_funcs: usize,
    /// Number of imported tables.
    pub num_imported_tables: usize,
    /// Number of imported memories.
    pub num_imported_memories: usize,
    /// Number of imported globals.
    pub num_imported_globals: usize,
    /// Number of imported tags.
    pub num_imported_tags: usize,
    /// The start function.
    pub start: Option<FuncIndex>,
    /// Element segments.
    pub elements: Vec<ElementSegment>,
    /// Data segments.
    pub data: Vec<DataSegment>,
    /// All data segment bytes, concatenated.
    pub data_bytes: Vec<u8>,
    /// Function names from the name section.
    pub func_names: HashMap<FuncIndex, String>,
    /// Where each defined function's body starts in the module's bytes
    /// (its locals declaration), in definition order.
    pub func_body_offsets: Vec<u32>,
}

impl ModuleInfo {
    /// The type of a function.
    pub fn func_type(&self, f: FuncIndex) -> &FuncType {
        self.func_type_at(self.functions[f.index()])
    }
    /// The function type at index `t` of the type section. Validation
    /// guarantees that every place that names a function type names one,
    /// so anything else is a bug in Kiln.
    pub fn func_type_at(&self, t: TypeIndex) -> &FuncType {
        self.types[t.index()]
            .as_func()
            .expect("a validated module names a function type here")
    }
    /// The struct type at index `t` (which validation guarantees, as for
    /// [`Self::func_type_at`]).
    pub fn struct_type_at(&self, t: TypeIndex) -> &StructType {
        self.types[t.index()]
            .as_struct()
            .expect("a validated module names a struct type here")
    }
    /// The array type at index `t` (which validation guarantees, as for
    /// [`Self::func_type_at`]).
    pub fn array_type_at(&self, t: TypeIndex) -> &ArrayType {
        self.types[t.index()]
            .as_array()
            .expect("a validated module names an array type here")
    }
    /// Whether type `a` is type `b` or declares it as a (transitive)
    /// supertype.
    pub fn is_subtype(&self, a: TypeIndex, b: TypeIndex) -> bool {
        let mut t = Some(a);
        // A validated module's supertypes come earlier, so the walk ends.
        while let Some(x) = t {
            if x == b {
                return true;
            }
            t = match self.types[x.index()].supertype {
                Some(HeapType::Module(s, _)) => Some(s),
                _ => None,
            };
        }
        false
    }
    /// [`Self::is_subtype`] for two concrete heap types in the module's
    /// index space (what [`HeapType::matches_in`] asks).
    pub fn concrete_matches(&self, a: HeapType, b: HeapType) -> bool {
        match (a, b) {
            (HeapType::Module(a, _), HeapType::Module(b, _)) => self.is_subtype(a, b),
            _ => a == b,
        }
    }
    /// Number of functions defined by the module.
    pub fn num_defined_funcs(&self) -> usize {
        self.functions.len() - self.num_imported_funcs
    }
    /// Whether the function is imported.
    pub fn is_imported_func(&self, f: FuncIndex) -> bool {
        f.index() < self.num_imported_funcs
    }
    /// The module-wide index of a defined function.
    #[inline]
    pub fn func_index(&self, d: DefinedFuncIndex) -> FuncIndex {
        FuncIndex::from_usize(d.index() + self.num_imported_funcs)
    }
    /// The defined index of a function, if it is not imported.
    #[inline]
    pub fn defined_func(&self, f: FuncIndex) -> Option<DefinedFuncIndex> {
        f.index()
            .checked_sub(self.num_imported_funcs)
            .map(DefinedFuncIndex::from_usize)
    }
    /// The defined index of a table, if it is not imported.
    pub fn defined_table(&self, t: TableIndex) -> Option<DefinedTableIndex> {
        t.index()
            .checked_sub(self.num_imported_tables)
            .map(DefinedTableIndex::from_usize)
    }
    /// The defined index of a memory, if it is not imported.
    #[inline]
    pub fn defined_memory(&self, m: MemoryIndex) -> Option<DefinedMemoryIndex> {
        m.index()
            .checked_sub(self.num_imported_memories)
            .map(DefinedMemoryIndex::from_usize)
    }
    /// The defined index of a global, if it is not imported.
    pub fn defined_global(&self, g: GlobalIndex) -> Option<DefinedGlobalIndex> {
        g.index()
            .checked_sub(self.num_imported_globals)
            .map(DefinedGlobalIndex::from_usize)
    }
    /// The bytes of a data segment.
    #[inline]
    pub fn data_segment_bytes(&self, d: DataIndex) -> &[u8] {
        &self.data_bytes[self.data[d.index()].range.clone()]
    }
    /// Looks up an export by name.
    pub fn export(&self, name: &str) -> Option<EntityIndex> {
        self.exports
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.index)
    }
}
