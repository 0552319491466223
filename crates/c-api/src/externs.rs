//! Externals: functions, globals, tables and memories, each a
//! `wasm_extern_t` of its kind (`wasm_func_t` etc. wrap it at the same
//! address, so the `_as_extern` conversions are casts).

use crate::refs::{CRef, RefObj, ref_type, wasm_ref_t};
use crate::store::{StoreData, StoreRef, wasm_store_t};
use crate::types::{
    wasm_externkind_t, wasm_externtype_t, wasm_globaltype_t, wasm_memorytype_t, wasm_tabletype_t,
};
use crate::val::wasm_val_t;
use crate::{give, non_null};
use kiln_api::{AsContextMut, Extern, Global, Memory, Ref, RootScope, Table};
use std::sync::OnceLock;

/// `wasm_extern_t`: a function, global, table or memory of a store.
pub struct wasm_extern_t {
    pub(crate) store: StoreRef,
    pub(crate) which: Extern,
    as_ref: OnceLock<Box<wasm_ref_t>>,
}

impl wasm_extern_t {
    pub(crate) fn new(store: StoreRef, which: Extern) -> wasm_extern_t {
        wasm_extern_t {
            store,
            which,
            as_ref: OnceLock::new(),
        }
    }

    fn kind(&self) -> wasm_externkind_t {
        match self.which {
            Extern::Func(_) => 0,
            Extern::Global(_) => 1,
            Extern::Table(_) => 2,
            Extern::Memory(_) | Extern::SharedMemory(_) => 3,
            Extern::Tag(_) => 4,
        }
    }
}

impl Clone for wasm_extern_t {
    fn clone(&self) -> wasm_extern_t {
        wasm_extern_t::new(self.store.clone(), self.which.clone())
    }
}

impl CRef for wasm_extern_t {
    fn obj(&self) -> RefObj {
        let s = self.store.clone();
        match &self.which {
            Extern::Func(f) => RefObj::Func(s, *f),
            Extern::Global(g) => RefObj::Global(s, *g),
            Extern::Table(t) => RefObj::Table(s, *t),
            Extern::Memory(m) => RefObj::Memory(s, *m),
            Extern::Tag(t) => RefObj::Tag(s, *t),
            Extern::SharedMemory(m) => RefObj::SharedMemory(s, m.clone()),
        }
    }
    fn as_ref(&self) -> &wasm_ref_t {
        self.as_ref
            .get_or_init(|| Box::new(wasm_ref_t::new(self.obj())))
    }
    fn from_ref(r: &wasm_ref_t) -> Option<&Self> {
        r.as_extern()
    }
}

ref_type!(
    wasm_extern_t,
    wasm_extern_delete,
    wasm_extern_copy,
    wasm_extern_same,
    wasm_extern_get_host_info,
    wasm_extern_set_host_info,
    wasm_extern_set_host_info_with_finalizer,
    wasm_extern_as_ref,
    wasm_extern_as_ref_const,
    wasm_ref_as_extern,
    wasm_ref_as_extern_const
);

/// The kind of an external: func (0), global (1), table (2), memory (3),
/// tag (4).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_extern_kind(e: *const wasm_extern_t) -> wasm_externkind_t {
    non_null(e, "the extern").kind()
}

/// The external's type (owned by the caller).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_extern_type(e: *const wasm_extern_t) -> *mut wasm_externtype_t {
    let e = non_null(e, "the extern");
    let ty = e.store.with(|ctx| match &e.which {
        Extern::Func(f) => kiln_api::ExternType::Func(f.ty(&ctx)),
        Extern::Global(g) => kiln_api::ExternType::Global(g.ty(&ctx)),
        Extern::Table(t) => kiln_api::ExternType::Table(t.ty(&ctx)),
        Extern::Memory(m) => kiln_api::ExternType::Memory(m.ty(&ctx)),
        Extern::Tag(t) => kiln_api::ExternType::Tag(t.ty(&ctx)),
        Extern::SharedMemory(m) => kiln_api::ExternType::Memory(m.ty()),
    });
    give(wasm_externtype_t::new(ty))
}

/// Declares an extern kind: its type, the reference functions and the
/// conversions to and from `wasm_extern_t`.
macro_rules! extern_kind {
    ($t:ident, $variant:ident, $what:literal,
     [$($ref_fns:ident),*],
     $as_extern:ident, $as_extern_const:ident, $extern_as:ident, $extern_as_const:ident) => {
        #[doc = concat!("`", stringify!($t), "`: a ", $what, " of a store.")]
        #[repr(transparent)]
        #[derive(Clone)]
        pub struct $t {
            pub(crate) ext: wasm_extern_t,
        }

        impl $t {
            pub(crate) fn new(store: StoreRef, x: kiln_api::$variant) -> $t {
                $t {
                    ext: wasm_extern_t::new(store, Extern::$variant(x)),
                }
            }
            #[allow(dead_code, reason = "not every kind needs it")]
            pub(crate) fn get(&self) -> kiln_api::$variant {
                match &self.ext.which {
                    Extern::$variant(x) => *x,
                    _ => unreachable!("a {} always holds its kind", stringify!($t)),
                }
            }
            fn from_extern(e: &wasm_extern_t) -> Option<&$t> {
                match e.which {
                    // SAFETY: `$t` is a transparent wrapper of `wasm_extern_t`.
                    Extern::$variant(_) => Some(unsafe { &*(e as *const wasm_extern_t as *const $t) }),
                    _ => None,
                }
            }
        }

        impl CRef for $t {
            fn obj(&self) -> RefObj {
                self.ext.obj()
            }
            fn as_ref(&self) -> &wasm_ref_t {
                self.ext.as_ref()
            }
            fn from_ref(r: &wasm_ref_t) -> Option<&Self> {
                r.as_extern().and_then($t::from_extern)
            }
        }

        ref_type!($t, $($ref_fns),*);

        #[doc = "The object as an extern (same object)."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_extern(x: *mut $t) -> *mut wasm_extern_t {
            x.cast()
        }

        #[doc = "The object as an extern (same object)."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_extern_const(x: *const $t) -> *const wasm_extern_t {
            x.cast()
        }

        #[doc = "The extern as this kind of object, or null if it is another kind."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $extern_as(e: *mut wasm_extern_t) -> *mut $t {
            $extern_as_const(e).cast_mut()
        }

        #[doc = "The extern as this kind of object, or null if it is another kind."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $extern_as_const(e: *const wasm_extern_t) -> *const $t {
            match crate::refs::unsafe_ref(e).and_then($t::from_extern) {
                Some(x) => x,
                None => std::ptr::null(),
            }
        }
    };
}

extern_kind!(
    wasm_func_t,
    Func,
    "function",
    [
        wasm_func_delete,
        wasm_func_copy,
        wasm_func_same,
        wasm_func_get_host_info,
        wasm_func_set_host_info,
        wasm_func_set_host_info_with_finalizer,
        wasm_func_as_ref,
        wasm_func_as_ref_const,
        wasm_ref_as_func,
        wasm_ref_as_func_const
    ],
    wasm_func_as_extern,
    wasm_func_as_extern_const,
    wasm_extern_as_func,
    wasm_extern_as_func_const
);
extern_kind!(
    wasm_global_t,
    Global,
    "global",
    [
        wasm_global_delete,
        wasm_global_copy,
        wasm_global_same,
        wasm_global_get_host_info,
        wasm_global_set_host_info,
        wasm_global_set_host_info_with_finalizer,
        wasm_global_as_ref,
        wasm_global_as_ref_const,
        wasm_ref_as_global,
        wasm_ref_as_global_const
    ],
    wasm_global_as_extern,
    wasm_global_as_extern_const,
    wasm_extern_as_global,
    wasm_extern_as_global_const
);
extern_kind!(
    wasm_table_t,
    Table,
    "table",
    [
        wasm_table_delete,
        wasm_table_copy,
        wasm_table_same,
        wasm_table_get_host_info,
        wasm_table_set_host_info,
        wasm_table_set_host_info_with_finalizer,
        wasm_table_as_ref,
        wasm_table_as_ref_const,
        wasm_ref_as_table,
        wasm_ref_as_table_const
    ],
    wasm_table_as_extern,
    wasm_table_as_extern_const,
    wasm_extern_as_table,
    wasm_extern_as_table_const
);
extern_kind!(
    wasm_memory_t,
    Memory,
    "memory",
    [
        wasm_memory_delete,
        wasm_memory_copy,
        wasm_memory_same,
        wasm_memory_get_host_info,
        wasm_memory_set_host_info,
        wasm_memory_set_host_info_with_finalizer,
        wasm_memory_as_ref,
        wasm_memory_as_ref_const,
        wasm_ref_as_memory,
        wasm_ref_as_memory_const
    ],
    wasm_memory_as_extern,
    wasm_memory_as_extern_const,
    wasm_extern_as_memory,
    wasm_extern_as_memory_const
);

/// Reports an API error the standard has no way to return, on stderr.
pub(crate) fn report(what: &str, error: &anyhow::Error) {
    eprintln!("kiln: {what}: {error:#}");
}

// ----- globals -----

/// A global of type `ty` holding `val`, or null if the value does not fit
/// the type.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_global_new(
    store: *mut wasm_store_t,
    ty: *const wasm_globaltype_t,
    val: *const wasm_val_t,
) -> *mut wasm_global_t {
    let store = wasm_store_t::from_ptr(store);
    let ty = non_null(ty, "the global type").inner().ty;
    let val = non_null(val, "the value");
    let made = store.with(|ctx| {
        let mut scope = RootScope::new(ctx);
        let val = val.to_kiln(store, &mut scope)?;
        Global::new(&mut scope, ty, val)
    });
    match made {
        Ok(g) => give(wasm_global_t::new(store.clone(), g)),
        Err(e) => {
            report("cannot make the global", &e);
            std::ptr::null_mut()
        }
    }
}

/// The global's type (owned by the caller).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_global_type(g: *const wasm_global_t) -> *mut wasm_globaltype_t {
    wasm_extern_type(g.cast()).cast()
}

/// Writes the global's value to `out` (owned by the caller).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_global_get(g: *const wasm_global_t, out: *mut wasm_val_t) {
    let g = non_null(g, "the global");
    let val = g.ext.store.with(|ctx| {
        let mut scope = RootScope::new(ctx);
        let val = g.get().get(&mut scope);
        wasm_val_t::from_kiln(val, &g.ext.store, &mut scope).unwrap_or_else(|e| {
            report("cannot read the global", &e);
            wasm_val_t::zero_of(val.ty())
        })
    });
    // SAFETY: `out` is valid for writes; it is not read (it may be uninitialised).
    unsafe { std::ptr::write(crate::non_null_mut(out, "the output value"), val) };
}

/// Sets a mutable global's value (an error is reported on stderr).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_global_set(g: *mut wasm_global_t, val: *const wasm_val_t) {
    let g = non_null(g, "the global");
    let val = non_null(val, "the value");
    let set = g.ext.store.with(|ctx| {
        let mut scope = RootScope::new(ctx);
        let val = val.to_kiln(&g.ext.store, &mut scope)?;
        g.get().set(&mut scope, val)
    });
    if let Err(e) = set {
        report("cannot set the global", &e);
    }
}

// ----- tables -----

/// The Kiln reference for `r` (null for null) as an element of a table
/// of `element` type in `store` (whose context is `ctx`), rooted in `ctx`'s
/// innermost scope.
fn to_ref(
    r: *const wasm_ref_t,
    element: kiln_api::RefType,
    store: &StoreRef,
    ctx: impl AsContextMut,
) -> anyhow::Result<Ref> {
    match crate::refs::unsafe_ref(r) {
        None => Ok(Ref::null(&element.heap_type)),
        Some(r) => r
            .obj
            .to_kiln(store, ctx)?
            .ok_or_else(|| anyhow::anyhow!("a {} cannot be a table element", r.obj.describe())),
    }
}

/// The reference for `r` as an element of `table`, rooted in the
/// innermost scope of `ctx` (the context of the table's store).
fn element(
    table: &wasm_table_t,
    r: *const wasm_ref_t,
    ctx: impl AsContextMut<Data = StoreData>,
) -> anyhow::Result<Ref> {
    let ty = table.get().ty(&ctx).element;
    to_ref(r, ty, &table.ext.store, ctx)
}

/// A table of type `ty` with every element `init` (null for null).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_new(
    store: *mut wasm_store_t,
    ty: *const wasm_tabletype_t,
    init: *mut wasm_ref_t,
) -> *mut wasm_table_t {
    let store = wasm_store_t::from_ptr(store);
    let ty = non_null(ty, "the table type").inner().ty;
    let made = store.with(|ctx| {
        let mut scope = RootScope::new(ctx);
        let init = to_ref(init, ty.element, store, &mut scope)?;
        Table::new(&mut scope, ty, init)
    });
    match made {
        Ok(t) => give(wasm_table_t::new(store.clone(), t)),
        Err(e) => {
            report("cannot make the table", &e);
            std::ptr::null_mut()
        }
    }
}

/// The table's type (owned by the caller).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_type(t: *const wasm_table_t) -> *mut wasm_tabletype_t {
    wasm_extern_type(t.cast()).cast()
}

/// The element at `index` (owned by the caller), or null if it is null or
/// `index` is out of bounds.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_get(t: *const wasm_table_t, index: u32) -> *mut wasm_ref_t {
    let t = non_null(t, "the table");
    let obj = t.ext.store.with(|ctx| {
        let mut scope = RootScope::new(ctx);
        match t.get().get(&mut scope, index.into()) {
            Some(r) => RefObj::from_kiln(r, &t.ext.store, &mut scope),
            None => Ok(None),
        }
    });
    match obj {
        Ok(Some(obj)) => give(wasm_ref_t::new(obj)),
        Ok(None) => std::ptr::null_mut(),
        Err(e) => {
            report("cannot read the table", &e);
            std::ptr::null_mut()
        }
    }
}

/// Sets the element at `index` (borrowing `r`; null for null); false if
/// `index` is out of bounds or the reference does not fit the table.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_set(t: *mut wasm_table_t, index: u32, r: *mut wasm_ref_t) -> bool {
    let t = non_null(t, "the table");
    t.ext
        .store
        .with(|ctx| {
            let mut scope = RootScope::new(ctx);
            let val = element(t, r, &mut scope)?;
            t.get().set(&mut scope, index.into(), val)
        })
        .is_ok()
}

/// The number of elements.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_size(t: *const wasm_table_t) -> u32 {
    let t = non_null(t, "the table");
    let size = t.ext.store.with(|ctx| t.get().size(ctx));
    u32::try_from(size).unwrap_or(u32::MAX)
}

/// Grows the table by `delta` elements set to `init` (borrowed; null for
/// null); false if it cannot grow that much.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_grow(t: *mut wasm_table_t, delta: u32, init: *mut wasm_ref_t) -> bool {
    let t = non_null(t, "the table");
    t.ext
        .store
        .with(|ctx| {
            let mut scope = RootScope::new(ctx);
            let val = element(t, init, &mut scope)?;
            t.get().grow(&mut scope, delta.into(), val)
        })
        .is_ok()
}

// ----- memories -----

/// A memory of type `ty`, or null if it cannot be made.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_new(
    store: *mut wasm_store_t,
    ty: *const wasm_memorytype_t,
) -> *mut wasm_memory_t {
    let store = wasm_store_t::from_ptr(store);
    let ty = non_null(ty, "the memory type").inner().ty;
    match store.with(|ctx| Memory::new(ctx, ty)) {
        Ok(m) => give(wasm_memory_t::new(store.clone(), m)),
        Err(e) => {
            report("cannot make the memory", &e);
            std::ptr::null_mut()
        }
    }
}

/// The memory's type (owned by the caller).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_type(m: *const wasm_memory_t) -> *mut wasm_memorytype_t {
    wasm_extern_type(m.cast()).cast()
}

/// The memory's bytes; valid until the memory grows.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_data(m: *mut wasm_memory_t) -> *mut u8 {
    let m = non_null(m, "the memory");
    m.ext.store.with(|ctx| m.get().data_mut(ctx).as_mut_ptr())
}

/// The memory's size in bytes.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_data_size(m: *const wasm_memory_t) -> usize {
    let m = non_null(m, "the memory");
    m.ext.store.with(|ctx| m.get().data_size(ctx))
}

/// The memory's size in pages.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_size(m: *const wasm_memory_t) -> u32 {
    let m = non_null(m, "the memory");
    let pages = m.ext.store.with(|ctx| m.get().size(ctx));
    u32::try_from(pages).unwrap_or(u32::MAX)
}

/// Grows the memory by `delta` pages; false if it cannot.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_grow(m: *mut wasm_memory_t, delta: u32) -> bool {
    let m = non_null(m, "the memory");
    m.ext
        .store
        .with(|ctx| m.get().grow(ctx, delta.into()))
        .is_ok()
}
