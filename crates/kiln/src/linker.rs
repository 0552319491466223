//! Name-based import resolution.

use crate::context::{AsContext, AsContextMut};
use crate::{Caller, Extern, Func, FuncType, Instance, Module, Val};
use anyhow::{Result, bail};
use std::collections::HashMap;
use std::marker::PhantomData;

/// Resolves a module's imports by `(module, name)` and instantiates it.
pub struct Linker<T> {
    items: HashMap<(String, String), Extern>,
    allow_shadowing: bool,
    _marker: PhantomData<fn(T)>,
}

impl<T: 'static> Default for Linker<T> {
    fn default() -> Self {
        Self {
            items: HashMap::new(),
            allow_shadowing: false,
            _marker: PhantomData,
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

    /// Defines `module::name`.
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.items.contains_key(&key) {
            bail!("`{module}::{name}` is already defined");
        }
        self.items.insert(key, item.into());
        Ok(self)
    }

    /// Defines `module::name` as a host function over untyped values.
    pub fn func_new(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let store = store.as_context_mut().0;
        let func = Func::new(&mut *store, ty, f);
        self.define(module, name, func)
    }

    /// Defines `module::name` as a host function made from a Rust closure
    /// (see [`Func::wrap`]).
    pub fn func_wrap<Params, Results>(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
        f: impl crate::IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let func = Func::wrap(store.as_context_mut().0, f);
        self.define(module, name, func)
    }

    /// Instantiates `module` and defines its exports under `name`.
    pub fn module(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        name: &str,
        module: &Module,
    ) -> Result<&mut Self> {
        let store = store.as_context_mut().0;
        let instance = self.instantiate(&mut *store, module)?;
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
            self.define(module, &name, ext)?;
        }
        Ok(self)
    }

    /// The definition of `module::name`.
    pub fn get(
        &self,
        _store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        self.items
            .get(&(module.to_string(), name.to_string()))
            .cloned()
    }

    /// Instantiates `module`, resolving each import by name.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance> {
        let store = store.as_context_mut().0;
        let imports = module
            .imports()
            .map(|i| {
                match self
                    .items
                    .get(&(i.module().to_string(), i.name().to_string()))
                {
                    Some(e) => Ok(e.clone()),
                    None => bail!(
                        "unknown import: `{}::{}` has not been defined (expected {})",
                        i.module(),
                        i.name(),
                        i.ty()
                    ),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Instance::new(&mut *store, module, &imports)
    }
}
