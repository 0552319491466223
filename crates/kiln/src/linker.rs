//! Name-based import resolution.

use crate::context::{AsContext, AsContextMut};
use crate::func::{HostFn, StaticHost};
use crate::store::StoreBody;
use crate::{Caller, Extern, Func, FuncType, Instance, IntoFunc, Module, Val};
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::sync::Arc;

/// A host function defined in a linker: not yet in any store. Each store
/// that instantiates through the linker gets its own `Func` for it.
struct HostFuncDef<T> {
    ty: FuncType,
    func: Arc<HostFn<T>>,
    static_host: Option<StaticHost<T>>,
}

enum Definition<T> {
    Extern(Extern),
    HostFunc(Arc<HostFuncDef<T>>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(e.clone()),
            Definition::HostFunc(f) => Definition::HostFunc(f.clone()),
        }
    }
}

/// Resolves a module's imports by `(module, name)` and instantiates it.
/// Host functions defined with [`Linker::func_wrap`] or [`Linker::func_new`]
/// belong to no store, so one linker serves many stores.
pub struct Linker<T> {
    items: HashMap<(String, String), Definition<T>>,
    allow_shadowing: bool,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Self {
            items: self.items.clone(),
            allow_shadowing: self.allow_shadowing,
        }
    }
}

/// A module with its imports found in a [`Linker`], ready to be
/// instantiated in any number of stores ([`Linker::instantiate_pre`]).
pub struct InstancePre<T> {
    linker: Linker<T>,
    module: Module,
}

impl<T> Clone for InstancePre<T> {
    fn clone(&self) -> Self {
        Self {
            linker: self.linker.clone(),
            module: self.module.clone(),
        }
    }
}

impl<T: 'static> InstancePre<T> {
    /// The module.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Instantiates the module in `store` (imports of another type than
    /// the module declares fail here, as with [`Linker::instantiate`]).
    pub fn instantiate(&self, store: impl AsContextMut<Data = T>) -> Result<Instance> {
        self.linker.instantiate(store, &self.module)
    }
}

impl<T: 'static> Default for Linker<T> {
    fn default() -> Self {
        Self {
            items: HashMap::new(),
            allow_shadowing: false,
        }
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker.
    pub fn new(_engine: &crate::Engine) -> Self {
        Self::default()
    }

    /// Whether later definitions may replace earlier ones.
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.items.contains_key(&key) {
            bail!("`{module}::{name}` is already defined");
        }
        self.items.insert(key, def);
        Ok(self)
    }

    /// Defines `module::name` as an existing function, memory, table,
    /// global or tag of `store` (an error if it belongs to another store).
    pub fn define(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        let item = item.into();
        let inner = &store.as_context().0.inner;
        let (id, what) = match &item {
            Extern::SharedMemory(m) => {
                if !crate::Engine::same(m.engine(), store.as_context().engine()) {
                    anyhow::bail!("the shared memory belongs to another engine");
                }
                return self.insert(module, name, Definition::Extern(item));
            }
            Extern::Func(f) => (f.store, "function"),
            Extern::Global(g) => (g.store, "global"),
            Extern::Memory(m) => (m.store, "memory"),
            Extern::Table(t) => (t.store, "table"),
            Extern::Tag(t) => (t.store, "tag"),
        };
        inner.check(id, what)?;
        self.insert(module, name, Definition::Extern(item))
    }

    /// Defines `module::name` as a host function of type `ty` over untyped
    /// values (see [`Func::new`]).
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let def = HostFuncDef {
            ty,
            func: Arc::new(f),
            static_host: None,
        };
        self.insert(module, name, Definition::HostFunc(Arc::new(def)))
    }

    /// Defines `module::name` as a host function made from a Rust closure
    /// (see [`Func::wrap`]).
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let (ty, func, static_host) = f.into_host();
        let def = HostFuncDef {
            ty,
            func: Arc::from(func),
            static_host: Some(static_host),
        };
        self.insert(module, name, Definition::HostFunc(Arc::new(def)))
    }

    /// Defines each function `module` imports that this linker does not
    /// define as a host function that fails (a trap-like error naming the
    /// import) when called, so the module can be instantiated and run as
    /// far as it does not call them. Other kinds of imports are left alone.
    pub fn define_unknown_imports_as_traps(&mut self, module: &Module) -> Result<()> {
        for (module_name, name, ty) in self.unknown_function_imports(module) {
            let what = format!("{module_name}::{name}");
            self.func_new(&module_name, &name, ty, move |_, _, _| {
                bail!("called the unknown import `{what}`, which was defined to trap")
            })?;
        }
        Ok(())
    }

    /// Defines each function `module` imports that this linker does not
    /// define as a host function that returns its results' default values
    /// (zeros and nulls). Other kinds of imports are left alone.
    pub fn define_unknown_imports_as_default_values(&mut self, module: &Module) -> Result<()> {
        for (module_name, name, ty) in self.unknown_function_imports(module) {
            // A host function's results start out as their defaults.
            self.func_new(&module_name, &name, ty, |_, _, _| Ok(()))?;
        }
        Ok(())
    }

    /// `(module, name, type)` of each function import of `module` the
    /// linker does not define, once each (a module may import a name twice).
    fn unknown_function_imports(&self, module: &Module) -> Vec<(String, String, FuncType)> {
        let mut seen = std::collections::HashSet::new();
        module
            .imports()
            .filter(|i| {
                let key = (i.module().to_string(), i.name().to_string());
                !self.items.contains_key(&key) && seen.insert(key)
            })
            .filter_map(|i| match i.ty() {
                crate::ExternType::Func(ty) => {
                    Some((i.module().to_string(), i.name().to_string(), ty))
                }
                _ => None,
            })
            .collect()
    }

    /// Instantiates `module`, runs its `_initialize` if it exports one (a
    /// WASI reactor's setup), and defines its exports under `name`.
    pub fn module(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        name: &str,
        module: &Module,
    ) -> Result<&mut Self> {
        let store = store.as_context_mut().0;
        let instance = self.instantiate(&mut *store, module)?;
        if let Some(init) = instance.get_func(&mut *store, "_initialize") {
            init.call(&mut *store, &[], &mut [])
                .context("failed to run `_initialize`")?;
        }
        self.instance(store, name, instance)
    }

    /// Defines every export of `instance` under `module`.
    pub fn instance(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        let store = store.as_context_mut().0;
        for (name, ext) in instance.exports(&mut *store) {
            self.define(&*store, module, &name, ext)?;
        }
        Ok(self)
    }

    /// The definition as an `Extern` of `store` (host functions are created in it).
    fn materialize(store: &mut StoreBody<T>, def: &Definition<T>) -> Extern {
        match def {
            Definition::Extern(e) => e.clone(),
            Definition::HostFunc(h) => {
                let f = h.func.clone();
                let func: Box<HostFn<T>> =
                    Box::new(move |caller, params, results| f(caller, params, results));
                Extern::Func(Func::new_host(
                    store,
                    h.ty.clone(),
                    func,
                    h.static_host.clone(),
                ))
            }
        }
    }

    /// The definition of `module::name`, as an item of `store`.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let def = self.items.get(&(module.to_string(), name.to_string()))?;
        Some(Self::materialize(store.as_context_mut().0, def))
    }

    /// What the linker defines for import `i`.
    fn definition(&self, i: &crate::ImportType<'_>) -> Result<&Definition<T>> {
        match self
            .items
            .get(&(i.module().to_string(), i.name().to_string()))
        {
            Some(def) => Ok(def),
            None => bail!(
                "unknown import: `{}::{}` has not been defined (expected {})",
                i.module(),
                i.name(),
                i.ty()
            ),
        }
    }

    /// Finds every import of `module` now (failing if one is not defined),
    /// for instantiating it later, in as many stores as wanted.
    pub fn instantiate_pre(&self, module: &Module) -> Result<InstancePre<T>> {
        for i in module.imports() {
            self.definition(&i)?;
        }
        Ok(InstancePre {
            linker: self.clone(),
            module: module.clone(),
        })
    }

    /// Instantiates `module`, resolving each import by name.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance> {
        let store = store.as_context_mut().0;
        let mut imports = Vec::new();
        for i in module.imports() {
            let def = self.definition(&i)?;
            imports.push(Self::materialize(&mut *store, def));
        }
        Instance::new(&mut *store, module, &imports)
    }
}
