//! Instantiation: resolving imports, creating memories and tables, applying
//! segments and running the start function.

use crate::context::AsContextMut;
use crate::func::invoke;
use crate::store::{GlobalData, InstanceData, MemorySlot, StoreBody};
use crate::tag::TagData;
use crate::{
    Extern, Func, Global, Memory, Module, SharedMemory, Table, Tag, TypedFunc, WasmParams,
    WasmResults,
};
use anyhow::{Context, Result, bail};
use kiln_types::{EntityIndex, FuncIndex, GlobalIndex, MemoryIndex, TableIndex};
use kiln_vm::{
    Imports, InstanceHandle, InstanceStorage, LinearMemory, RawValue, Table as VmTable,
    VMCallerCheckedAnyfunc,
};

/// An instantiated module in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store: u64,
    pub(crate) index: usize,
}

fn limits_match(actual_min: u64, actual_max: Option<u64>, min: u64, max: Option<u64>) -> bool {
    actual_min >= min
        && match max {
            None => true,
            Some(max) => actual_max.is_some_and(|a| a <= max),
        }
}

impl Instance {
    /// Instantiates `module` with `imports`, given in the module's import order.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance> {
        let store = store.as_context_mut().0;
        if !crate::Engine::same(store.engine(), module.engine()) {
            bail!("the module was compiled for a different engine than the store's");
        }
        let info = module.info().clone();
        if imports.len() != info.imports.len() {
            bail!(
                "expected {} imports, found {}",
                info.imports.len(),
                imports.len()
            );
        }
        let mut funcs: Vec<VMCallerCheckedAnyfunc> = Vec::new();
        let mut imported_funcs: Vec<Func> = Vec::new();
        let mut tables = Vec::with_capacity(info.tables.len());
        let mut memories = Vec::with_capacity(info.memories.len());
        let mut globals = Vec::new();
        let mut table_ids = Vec::with_capacity(info.tables.len());
        let mut memory_ids = Vec::with_capacity(info.memories.len());
        let mut global_ids = Vec::with_capacity(info.globals.len());
        let mut tag_ids = Vec::with_capacity(info.tags.len());
        for (import, ext) in info.imports.iter().zip(imports) {
            let what = || format!("import `{}::{}`", import.module, import.name);
            match (import.index, ext) {
                (EntityIndex::Function(f), Extern::Func(func)) => {
                    store.check(func.store, "imported function")?;
                    // A function of the expected type or (unless the import
                    // is exact) of a declared subtype of it matches.
                    let expected_id = module.signature(info.functions[f.index()]);
                    // SAFETY: the anyfunc is owned by the store.
                    let anyfunc = unsafe { *func.anyfunc(&store.inner) };
                    let types = &store.engine().inner.types;
                    let matches = if import.exact {
                        anyfunc.type_index == expected_id
                    } else {
                        types.is_subtype(anyfunc.type_index, expected_id)
                    };
                    if !matches {
                        let expected = module.func_type(f);
                        let actual = func.ty(&mut *store);
                        bail!(
                            "incompatible import type for {}: expected {expected}, found {actual}",
                            what()
                        );
                    }
                    funcs.push(anyfunc);
                    imported_funcs.push(*func);
                }
                (EntityIndex::Table(t), Extern::Table(table)) => {
                    store.check(table.store, "imported table")?;
                    let expected = module.table_type(t);
                    let actual = table.ty(&mut *store);
                    if actual.element != expected.element
                        || actual.table64 != expected.table64
                        || !limits_match(
                            actual.minimum.into(),
                            actual.maximum.map(Into::into),
                            expected.minimum.into(),
                            expected.maximum.map(Into::into),
                        )
                    {
                        bail!(
                            "incompatible import type for {}: expected {expected}, found {actual}",
                            what()
                        );
                    }
                    tables.push(table.raw(store));
                    table_ids.push(table.index);
                }
                (EntityIndex::Memory(m), Extern::Memory(mem)) => {
                    store.check(mem.store, "imported memory")?;
                    let expected = info.memories[m.index()];
                    let actual = mem.ty(&mut *store);
                    if !memory_type_matches(&actual, &expected) {
                        bail!(
                            "incompatible import type for {}: expected {expected}, found {actual}",
                            what()
                        );
                    }
                    memories.push(mem.raw(store));
                    memory_ids.push(MemorySlot::Own(mem.index));
                }
                (EntityIndex::Memory(m), Extern::SharedMemory(mem)) => {
                    if !crate::Engine::same(mem.engine(), store.engine()) {
                        bail!("{}: the shared memory belongs to another engine", what());
                    }
                    let expected = info.memories[m.index()];
                    let actual = mem.ty();
                    if !memory_type_matches(&actual, &expected) {
                        bail!(
                            "incompatible import type for {}: expected {expected}, found {actual}",
                            what()
                        );
                    }
                    let (vm, slot) = store.inner.hold_shared_memory(mem.clone());
                    memories.push(vm);
                    memory_ids.push(slot);
                }
                (EntityIndex::Tag(t), Extern::Tag(tag)) => {
                    store.check(tag.store, "imported tag")?;
                    // Tag types match like function types: exactly.
                    let expected = module.signature(info.tags[t.index()]);
                    if store.inner.tags[tag.index].signature != expected {
                        let expected = module.tag_type(t);
                        let actual = tag.ty(&mut *store);
                        bail!(
                            "incompatible import type for {}: expected {expected}, found {actual}",
                            what()
                        );
                    }
                    tag_ids.push(tag.index);
                }
                (EntityIndex::Global(g), Extern::Global(global)) => {
                    store.check(global.store, "imported global")?;
                    let expected = module.global_type(g);
                    let actual = global.ty(&mut *store);
                    // Mutable globals are invariant, immutable ones covariant.
                    let matches = actual.mutable == expected.mutable
                        && if expected.mutable {
                            actual.ty == expected.ty
                        } else {
                            store
                                .engine()
                                .inner
                                .types
                                .val_type_matches(actual.ty, expected.ty)
                        };
                    if !matches {
                        bail!(
                            "incompatible import type for {}: expected {expected}, found {actual}",
                            what()
                        );
                    }
                    globals.push(global.raw(store));
                    global_ids.push(global.index);
                }
                (_, ext) => bail!(
                    "incompatible import type for {}: found {}",
                    what(),
                    kind_name(ext)
                ),
            }
        }

        let tunables = store.engine().config().tunables.clone();
        let new_memories = &info.memories[info.num_imported_memories..];
        let new_tables = || {
            (info.num_imported_tables..info.tables.len())
                .map(|t| module.table_type(TableIndex::from_usize(t)))
        };
        store.check_counts(1, new_memories.len(), new_tables().len())?;
        for ty in new_memories {
            store.admit_memory(ty)?;
        }
        for ty in new_tables() {
            store.admit_table(&ty)?;
        }
        let pool = store.engine().inner.memory_pool.clone();
        let images = module.runtime.memory_images();
        for (i, ty) in new_memories.iter().enumerate() {
            // Start with the image mapped: instantiation maps it anyway
            // once the element segments succeed (and clears it if not), and
            // a reservation of an earlier instance may already hold it.
            let image = images
                .covers_all_data()
                .then(|| images.get(kiln_types::DefinedMemoryIndex::from_usize(i)))
                .flatten();
            let m = LinearMemory::with_pool(*ty, &tunables, Some(&pool), image)?;
            if ty.shared {
                let m = SharedMemory::from_memory(store.engine(), m);
                let (vm, slot) = store.inner.hold_shared_memory(m);
                memories.push(vm);
                memory_ids.push(slot);
            } else {
                let m = Memory::push(store, m);
                memories.push(m.raw(store));
                memory_ids.push(MemorySlot::Own(m.index));
            }
        }
        let table_images = module.runtime.table_images();
        for (i, ty) in new_tables().enumerate() {
            let t = match table_images.get(kiln_types::DefinedTableIndex::from_usize(i)) {
                Some(image) => VmTable::with_lazy_functions(ty, image.clone()),
                None => VmTable::new(ty, std::ptr::null_mut()),
            };
            let t = Table::push(store, t);
            tables.push(t.raw(store));
            table_ids.push(t.index);
        }
        // Each defined tag is a new tag, whatever its type.
        for t in info.num_imported_tags..info.tags.len() {
            let data = TagData {
                ty: module
                    .tag_type(kiln_types::TagIndex::from_usize(t))
                    .ty()
                    .clone(),
                signature: module.signature(info.tags[t]),
            };
            tag_ids.push(Tag::push(store, data).index);
        }
        let vm = store.enter();
        // SAFETY: every import was type-checked above and, like the new
        // memories and tables, is owned by the store, which outlives the instance.
        let mut handle = unsafe {
            InstanceHandle::new(
                module.runtime.clone(),
                vm,
                Imports {
                    functions: &funcs,
                    globals: &globals,
                },
                InstanceStorage {
                    memories: memories.into_boxed_slice(),
                    tables: tables.into_boxed_slice(),
                    tags: tag_ids.iter().map(|t| *t as u32).collect(),
                },
            )
        };
        let index = store.inner.instances.len();
        handle.instance_mut().host_data = index;
        // Imported functions keep their identity when read back from tables.
        for (i, f) in imported_funcs.iter().enumerate() {
            let copy = handle.instance().anyfunc(FuncIndex::from_usize(i)) as usize;
            store.inner.func_by_anyfunc.insert(copy, f.index);
        }
        for i in info.num_imported_globals..info.globals.len() {
            let ty = module.global_type(GlobalIndex::from_usize(i));
            let definition = handle.instance().global(GlobalIndex::from_usize(i));
            global_ids.push(Global::push(store, GlobalData { ty, definition }).index);
        }
        let init = handle.instance_mut().initialize();
        let memory_export = match module.export_index("memory") {
            Some(EntityIndex::Memory(m)) => match memory_ids[m.index()] {
                MemorySlot::Own(i) => Some(i),
                MemorySlot::Shared(_) => None,
            },
            _ => None,
        };
        store.inner.instances.push(InstanceData {
            handle,
            module: module.clone(),
            memories: memory_ids,
            tables: table_ids,
            globals: global_ids,
            tags: tag_ids,
            imported_funcs,
            memory_export,
        });
        init.map_err(anyhow::Error::new)?;
        let instance = Instance {
            store: store.inner.id,
            index,
        };
        if let Some(start) = info.start {
            let result = if info.is_imported_func(start) {
                // Possibly a host function, which must be called as one
                // (there is no calling instance).
                let f = store.inner.instances[index].imported_funcs[start.index()];
                f.call(&mut *store, &[], &mut [])
            } else {
                let anyfunc = instance.anyfunc(store, start);
                let mut values = vec![RawValue::default(); 1];
                invoke(store, anyfunc, &mut values)
            };
            result.context("running the start function")?;
        }
        Ok(instance)
    }

    fn anyfunc<T>(&self, store: &StoreBody<T>, f: FuncIndex) -> VMCallerCheckedAnyfunc {
        // SAFETY: the anyfunc lives in the instance's vmctx.
        unsafe {
            *store.inner.instances[self.index]
                .handle
                .instance()
                .anyfunc(f)
        }
    }

    /// The export called `name`.
    pub fn get_export<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        name: &str,
    ) -> Option<Extern> {
        let store = store.as_context_mut().0;
        assert_eq!(
            self.store, store.inner.id,
            "instance used with a different store"
        );
        let entity = store.inner.instances[self.index]
            .module
            .export_index(name)?;
        Some(self.extern_for(store, entity))
    }

    /// The item `entity` of this instance, as an [`Extern`] of the store.
    fn extern_for<T>(&self, store: &mut StoreBody<T>, entity: EntityIndex) -> Extern {
        let data = &store.inner.instances[self.index];
        let id = store.inner.id;
        match entity {
            EntityIndex::Function(f) => {
                if let Some(func) = data.imported_funcs.get(f.index()) {
                    Extern::Func(*func)
                } else {
                    let anyfunc = data.handle.instance().anyfunc(f);
                    Extern::Func(store.inner.func_for_anyfunc(anyfunc))
                }
            }
            EntityIndex::Table(TableIndex(t)) => Extern::Table(Table {
                store: id,
                index: data.tables[t as usize],
            }),
            EntityIndex::Memory(MemoryIndex(m)) => match data.memories[m as usize] {
                MemorySlot::Own(index) => Extern::Memory(Memory { store: id, index }),
                MemorySlot::Shared(i) => {
                    Extern::SharedMemory(store.inner.shared_memories[i].clone())
                }
            },
            EntityIndex::Global(GlobalIndex(g)) => Extern::Global(Global {
                store: id,
                index: data.globals[g as usize],
            }),
            EntityIndex::Tag(t) => Extern::Tag(Tag {
                store: id,
                index: data.tags[t.index()],
            }),
        }
    }

    /// All exports, by name, in the module's order.
    pub fn exports<T>(&self, mut store: impl AsContextMut<Data = T>) -> Vec<(String, Extern)> {
        let store = store.as_context_mut().0;
        assert_eq!(
            self.store, store.inner.id,
            "instance used with a different store"
        );
        let info = store.inner.instances[self.index].module.info().clone();
        info.exports
            .iter()
            .map(|e| (e.name.clone(), self.extern_for(store, e.index)))
            .collect()
    }

    /// The exported function `name`.
    pub fn get_func<T>(&self, mut store: impl AsContextMut<Data = T>, name: &str) -> Option<Func> {
        let store = store.as_context_mut().0;
        self.get_export(&mut *store, name)?.into_func()
    }

    /// The exported function `name`, typed.
    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        mut store: impl AsContextMut,
        name: &str,
    ) -> Result<TypedFunc<P, R>> {
        let store = store.as_context_mut().0;
        let f = self
            .get_func(&mut *store, name)
            .with_context(|| format!("no exported function `{name}`"))?;
        f.typed(&mut *store)
    }

    /// The exported memory `name`.
    pub fn get_memory<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        name: &str,
    ) -> Option<Memory> {
        let store = store.as_context_mut().0;
        self.get_export(&mut *store, name)?.into_memory()
    }

    /// The exported shared memory `name` (a memory declared `shared`).
    pub fn get_shared_memory<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        name: &str,
    ) -> Option<SharedMemory> {
        let store = store.as_context_mut().0;
        self.get_export(&mut *store, name)?.into_shared_memory()
    }

    /// The exported global `name`.
    pub fn get_global<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        name: &str,
    ) -> Option<Global> {
        let store = store.as_context_mut().0;
        self.get_export(&mut *store, name)?.into_global()
    }

    /// The exported table `name`.
    pub fn get_table<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        name: &str,
    ) -> Option<Table> {
        let store = store.as_context_mut().0;
        self.get_export(&mut *store, name)?.into_table()
    }
}

fn kind_name(e: &Extern) -> &'static str {
    match e {
        Extern::Func(_) => "a function",
        Extern::Global(_) => "a global",
        Extern::Memory(_) => "a memory",
        Extern::Table(_) => "a table",
        Extern::Tag(_) => "a tag",
        Extern::SharedMemory(_) => "a shared memory",
    }
}

/// Whether a memory of type `actual` may be imported where `expected` is
/// declared.
fn memory_type_matches(actual: &crate::MemoryType, expected: &crate::MemoryType) -> bool {
    actual.shared == expected.shared
        && actual.memory64 == expected.memory64
        && actual.page_size_log2 == expected.page_size_log2
        && limits_match(
            actual.minimum,
            actual.maximum,
            expected.minimum,
            expected.maximum,
        )
}
