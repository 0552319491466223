//! Typed entity indices, so a function index can never be used as a table index.

macro_rules! entity_index {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub u32);

        impl $name {
            /// Creates the index from a `usize` position.
            #[inline]
            pub fn from_usize(i: usize) -> Self {
                Self(u32::try_from(i).expect("entity index exceeds u32"))
            }
            /// The index as a `usize`, for indexing vectors.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

entity_index! {
    /// A function in the module's function index space (imports first).
    FuncIndex;
    /// A function defined (not imported) by the module.
    DefinedFuncIndex;
    /// A function type in the module's type section.
    TypeIndex;
    /// A table in the module's table index space (imports first).
    TableIndex;
    /// A table defined by the module.
    DefinedTableIndex;
    /// A memory in the module's memory index space (imports first).
    MemoryIndex;
    /// A memory defined by the module.
    DefinedMemoryIndex;
    /// A global in the module's global index space (imports first).
    GlobalIndex;
    /// A global defined by the module.
    DefinedGlobalIndex;
    /// An exception tag in the module's tag index space (imports first).
    TagIndex;
    /// A data segment.
    DataIndex;
    /// An element segment.
    ElemIndex;
}
