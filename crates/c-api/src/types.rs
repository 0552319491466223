//! Type objects: value, function, global, table, memory, extern, import
//! and export types. A function (global, table, memory) type *is* an
//! extern type of that kind: `wasm_functype_t` wraps `wasm_externtype_t`
//! with the same address, so the `_as_externtype` conversions are casts.

use crate::vec::{wasm_name_t, wasm_valtype_vec_t};
use crate::{give, non_null, take_box};
use kiln_api::{
    ExternType, FuncType, GlobalType, MemoryType, Mutability, RefHierarchy, RefType, TableType,
    ValType,
};

/// `wasm_valkind_t`: a value type's kind.
pub type wasm_valkind_t = u8;
/// `WASM_I32`.
pub const WASM_I32: wasm_valkind_t = 0;
/// `WASM_I64`.
pub const WASM_I64: wasm_valkind_t = 1;
/// `WASM_F32`.
pub const WASM_F32: wasm_valkind_t = 2;
/// `WASM_F64`.
pub const WASM_F64: wasm_valkind_t = 3;
/// `v128` (not in the standard; only reported, e.g. by reflection).
pub const WASM_V128: wasm_valkind_t = 4;
/// `WASM_EXTERNREF`.
pub const WASM_EXTERNREF: wasm_valkind_t = 128;
/// `WASM_FUNCREF`.
pub const WASM_FUNCREF: wasm_valkind_t = 129;
/// `exnref` (not in the standard; only reported).
pub const WASM_EXNREF: wasm_valkind_t = 130;
/// `anyref` and the rest of the GC hierarchy (not in the standard; only
/// reported).
pub const WASM_ANYREF: wasm_valkind_t = 131;

/// `wasm_mutability_t`: `WASM_CONST` (0) or `WASM_VAR` (1).
pub type wasm_mutability_t = u8;
/// `wasm_externkind_t`: func (0), global (1), table (2), memory (3).
pub type wasm_externkind_t = u8;

/// The kind of a value type.
pub(crate) fn valkind(ty: ValType) -> wasm_valkind_t {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::V128 => WASM_V128,
        ValType::Ref(r) => match r.heap_type.hierarchy() {
            RefHierarchy::Extern => WASM_EXTERNREF,
            RefHierarchy::Exn => WASM_EXNREF,
            RefHierarchy::Func => WASM_FUNCREF,
            RefHierarchy::Any => WASM_ANYREF,
        },
    }
}

/// The value type of a kind, if the kind is one.
pub(crate) fn valtype_of_kind(kind: wasm_valkind_t) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        WASM_V128 => ValType::V128,
        WASM_EXTERNREF => ValType::Ref(RefType::EXTERNREF),
        WASM_FUNCREF => ValType::Ref(RefType::FUNCREF),
        WASM_EXNREF => ValType::Ref(RefType::EXNREF),
        _ => return None,
    })
}

/// `wasm_limits_t`: a table's or memory's minimum and maximum size
/// (`0xffffffff` for no maximum).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasm_limits_t {
    /// The minimum.
    pub min: u32,
    /// The maximum, or `u32::MAX` for none.
    pub max: u32,
}

impl wasm_limits_t {
    fn new(min: u64, max: Option<u64>) -> wasm_limits_t {
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        wasm_limits_t {
            min: clamp(min),
            max: max.map_or(u32::MAX, clamp),
        }
    }

    fn max(&self) -> Option<u32> {
        (self.max != u32::MAX).then_some(self.max)
    }
}

/// `wasm_valtype_t`.
#[derive(Clone)]
pub struct wasm_valtype_t {
    pub(crate) ty: ValType,
}

/// A function type with its parameter and result vectors, which
/// `wasm_functype_params`/`_results` lend out.
#[derive(Clone)]
pub(crate) struct CFuncType {
    pub(crate) ty: FuncType,
    params: wasm_valtype_vec_t,
    results: wasm_valtype_vec_t,
}

impl CFuncType {
    pub(crate) fn new(ty: FuncType) -> CFuncType {
        let vec = |tys: &[ValType]| {
            wasm_valtype_vec_t::from_vec(
                tys.iter()
                    .map(|&ty| Some(Box::new(wasm_valtype_t { ty })))
                    .collect(),
            )
        };
        CFuncType {
            params: vec(ty.param_types()),
            results: vec(ty.result_types()),
            ty,
        }
    }
}

/// A global type with its content type, which `wasm_globaltype_content` lends.
#[derive(Clone)]
pub(crate) struct CGlobalType {
    pub(crate) ty: GlobalType,
    content: wasm_valtype_t,
}

/// A table type with the element type and limits it lends out.
#[derive(Clone)]
pub(crate) struct CTableType {
    pub(crate) ty: TableType,
    element: wasm_valtype_t,
    limits: wasm_limits_t,
}

/// A memory type with the limits it lends out.
#[derive(Clone)]
pub(crate) struct CMemoryType {
    pub(crate) ty: MemoryType,
    limits: wasm_limits_t,
}

/// A tag type with the function type it lends out.
#[derive(Clone)]
pub(crate) struct CTagType {
    functype: Box<wasm_functype_t>,
}

/// What an extern type describes.
#[derive(Clone)]
pub(crate) enum CExternType {
    Func(CFuncType),
    Global(CGlobalType),
    Table(CTableType),
    Memory(CMemoryType),
    Tag(CTagType),
}

/// `wasm_externtype_t`.
#[repr(C)]
#[derive(Clone)]
pub struct wasm_externtype_t {
    pub(crate) which: CExternType,
}

impl wasm_externtype_t {
    /// The C form of a Kiln extern type.
    pub(crate) fn new(ty: ExternType) -> wasm_externtype_t {
        let which = match ty {
            ExternType::Func(f) => CExternType::Func(CFuncType::new(f)),
            ExternType::Global(g) => CExternType::Global(CGlobalType {
                content: wasm_valtype_t { ty: g.content() },
                ty: g,
            }),
            ExternType::Table(t) => CExternType::Table(CTableType {
                element: wasm_valtype_t {
                    ty: ValType::Ref(t.element),
                },
                limits: wasm_limits_t::new(t.minimum.into(), t.maximum.map(Into::into)),
                ty: t,
            }),
            ExternType::Memory(m) => CExternType::Memory(CMemoryType {
                limits: wasm_limits_t::new(m.minimum, m.maximum),
                ty: m,
            }),
            ExternType::Tag(t) => CExternType::Tag(CTagType {
                functype: Box::new(wasm_functype_t::wrap(CFuncType::new(t.ty().clone()))),
            }),
        };
        wasm_externtype_t { which }
    }

    fn kind(&self) -> wasm_externkind_t {
        match self.which {
            CExternType::Func(_) => 0,
            CExternType::Global(_) => 1,
            CExternType::Table(_) => 2,
            CExternType::Memory(_) => 3,
            CExternType::Tag(_) => 4,
        }
    }
}

/// Declares a type object wrapping an extern type: `wasm_functype_t` etc.
macro_rules! extern_type_kind {
    ($name:ident, $variant:ident, $inner:ident, $as_ext:ident, $as_ext_const:ident, $from_ext:ident, $from_ext_const:ident) => {
        #[doc = concat!("`", stringify!($name), "`: an extern type of this kind.")]
        #[repr(transparent)]
        #[derive(Clone)]
        pub struct $name {
            pub(crate) ext: wasm_externtype_t,
        }

        impl $name {
            pub(crate) fn inner(&self) -> &$inner {
                match &self.ext.which {
                    CExternType::$variant(t) => t,
                    _ => unreachable!("a {} always holds its kind", stringify!($name)),
                }
            }
            pub(crate) fn wrap(t: $inner) -> $name {
                $name {
                    ext: wasm_externtype_t {
                        which: CExternType::$variant(t),
                    },
                }
            }
        }

        #[doc = "Views the type as an extern type (same object)."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ext(t: *mut $name) -> *mut wasm_externtype_t {
            t.cast()
        }

        #[doc = "Views the type as an extern type (same object)."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ext_const(t: *const $name) -> *const wasm_externtype_t {
            t.cast()
        }

        #[doc = "The extern type as this kind of type, or null if it is another kind."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $from_ext(t: *mut wasm_externtype_t) -> *mut $name {
            $from_ext_const(t).cast_mut()
        }

        #[doc = "The extern type as this kind of type, or null if it is another kind."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $from_ext_const(t: *const wasm_externtype_t) -> *const $name {
            match non_null(t, "the extern type").which {
                // `$name` is a transparent wrapper of the extern type.
                CExternType::$variant(_) => t.cast(),
                _ => std::ptr::null(),
            }
        }
    };
}

extern_type_kind!(
    wasm_functype_t,
    Func,
    CFuncType,
    wasm_functype_as_externtype,
    wasm_functype_as_externtype_const,
    wasm_externtype_as_functype,
    wasm_externtype_as_functype_const
);
extern_type_kind!(
    wasm_globaltype_t,
    Global,
    CGlobalType,
    wasm_globaltype_as_externtype,
    wasm_globaltype_as_externtype_const,
    wasm_externtype_as_globaltype,
    wasm_externtype_as_globaltype_const
);
extern_type_kind!(
    wasm_tabletype_t,
    Table,
    CTableType,
    wasm_tabletype_as_externtype,
    wasm_tabletype_as_externtype_const,
    wasm_externtype_as_tabletype,
    wasm_externtype_as_tabletype_const
);
extern_type_kind!(
    wasm_tagtype_t,
    Tag,
    CTagType,
    wasm_tagtype_as_externtype,
    wasm_tagtype_as_externtype_const,
    wasm_externtype_as_tagtype,
    wasm_externtype_as_tagtype_const
);
extern_type_kind!(
    wasm_memorytype_t,
    Memory,
    CMemoryType,
    wasm_memorytype_as_externtype,
    wasm_memorytype_as_externtype_const,
    wasm_externtype_as_memorytype,
    wasm_externtype_as_memorytype_const
);

/// `wasm_importtype_t`: a module's import.
#[derive(Clone)]
pub struct wasm_importtype_t {
    module: wasm_name_t,
    name: wasm_name_t,
    ty: Box<wasm_externtype_t>,
}

impl wasm_importtype_t {
    pub(crate) fn new(module: &str, name: &str, ty: wasm_externtype_t) -> wasm_importtype_t {
        wasm_importtype_t {
            module: wasm_name_t::from_str(module),
            name: wasm_name_t::from_str(name),
            ty: Box::new(ty),
        }
    }
}

/// `wasm_exporttype_t`: a module's export.
#[derive(Clone)]
pub struct wasm_exporttype_t {
    name: wasm_name_t,
    ty: Box<wasm_externtype_t>,
}

impl wasm_exporttype_t {
    pub(crate) fn new(name: &str, ty: wasm_externtype_t) -> wasm_exporttype_t {
        wasm_exporttype_t {
            name: wasm_name_t::from_str(name),
            ty: Box::new(ty),
        }
    }
}

/// Declares `wasm_X_delete` and `wasm_X_copy` for a type object.
macro_rules! delete_and_copy {
    ($($name:ident $delete:ident $copy:ident;)*) => {$(
        #[doc = "Deletes the object (null is ignored)."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $delete(t: *mut $name) {
            drop(take_box(t));
        }

        #[doc = "A new, independent copy of the object."]
        #[unsafe(no_mangle)]
        pub extern "C" fn $copy(t: *const $name) -> *mut $name {
            give(non_null(t, stringify!($name)).clone())
        }
    )*};
}

delete_and_copy! {
    wasm_valtype_t wasm_valtype_delete wasm_valtype_copy;
    wasm_functype_t wasm_functype_delete wasm_functype_copy;
    wasm_globaltype_t wasm_globaltype_delete wasm_globaltype_copy;
    wasm_tabletype_t wasm_tabletype_delete wasm_tabletype_copy;
    wasm_memorytype_t wasm_memorytype_delete wasm_memorytype_copy;
    wasm_tagtype_t wasm_tagtype_delete wasm_tagtype_copy;
    wasm_externtype_t wasm_externtype_delete wasm_externtype_copy;
    wasm_importtype_t wasm_importtype_delete wasm_importtype_copy;
    wasm_exporttype_t wasm_exporttype_delete wasm_exporttype_copy;
}

/// A value type of `kind`, or null for an unknown kind.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> *mut wasm_valtype_t {
    match valtype_of_kind(kind) {
        Some(ty) => give(wasm_valtype_t { ty }),
        None => std::ptr::null_mut(),
    }
}

/// The kind of a value type.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_valtype_kind(t: *const wasm_valtype_t) -> wasm_valkind_t {
    valkind(non_null(t, "the value type").ty)
}

/// Takes the value types out of an `own` vector, `None` if one is null.
fn take_valtypes(v: *mut wasm_valtype_vec_t) -> Option<Vec<ValType>> {
    let items = crate::non_null_mut(v, "the value type vector").take();
    items.into_iter().map(|t| t.map(|t| t.ty)).collect()
}

/// A function type taking over `params` and `results` (null if one of
/// their elements is null).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> *mut wasm_functype_t {
    let params = take_valtypes(params);
    let results = take_valtypes(results);
    match (params, results) {
        (Some(p), Some(r)) => give(wasm_functype_t::wrap(CFuncType::new(FuncType::from_parts(
            p, r,
        )))),
        _ => std::ptr::null_mut(),
    }
}

/// The parameter types (owned by the function type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_functype_params(t: *const wasm_functype_t) -> *const wasm_valtype_vec_t {
    &non_null(t, "the function type").inner().params
}

/// The result types (owned by the function type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_functype_results(t: *const wasm_functype_t) -> *const wasm_valtype_vec_t {
    &non_null(t, "the function type").inner().results
}

/// A global type taking over `content`.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_globaltype_new(
    content: *mut wasm_valtype_t,
    mutability: wasm_mutability_t,
) -> *mut wasm_globaltype_t {
    let Some(content) = take_box(content) else {
        return std::ptr::null_mut();
    };
    let mutability = match mutability {
        0 => Mutability::Const,
        1 => Mutability::Var,
        _ => return std::ptr::null_mut(),
    };
    give(wasm_globaltype_t::wrap(CGlobalType {
        ty: GlobalType::new(content.ty, mutability),
        content: *content,
    }))
}

/// The type of the global's value (owned by the global type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_globaltype_content(t: *const wasm_globaltype_t) -> *const wasm_valtype_t {
    &non_null(t, "the global type").inner().content
}

/// `WASM_CONST` (0) or `WASM_VAR` (1).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_globaltype_mutability(t: *const wasm_globaltype_t) -> wasm_mutability_t {
    match non_null(t, "the global type").inner().ty.mutability() {
        Mutability::Const => 0,
        Mutability::Var => 1,
    }
}

/// A table type taking over `element` (a reference type), or null if it
/// is not one.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_tabletype_new(
    element: *mut wasm_valtype_t,
    limits: *const wasm_limits_t,
) -> *mut wasm_tabletype_t {
    let Some(element) = take_box(element) else {
        return std::ptr::null_mut();
    };
    let Some(elem) = element.ty.as_ref() else {
        return std::ptr::null_mut();
    };
    let limits = *non_null(limits, "the limits");
    give(wasm_tabletype_t::wrap(CTableType {
        ty: TableType::new(elem, limits.min, limits.max()),
        element: *element,
        limits,
    }))
}

/// The element type (owned by the table type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_tabletype_element(t: *const wasm_tabletype_t) -> *const wasm_valtype_t {
    &non_null(t, "the table type").inner().element
}

/// The size limits (owned by the table type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_tabletype_limits(t: *const wasm_tabletype_t) -> *const wasm_limits_t {
    &non_null(t, "the table type").inner().limits
}

/// A 32-bit memory type with these limits, in 64 KiB pages.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memorytype_new(limits: *const wasm_limits_t) -> *mut wasm_memorytype_t {
    let limits = *non_null(limits, "the limits");
    give(wasm_memorytype_t::wrap(CMemoryType {
        ty: MemoryType::new(limits.min, limits.max()),
        limits,
    }))
}

/// The size limits in pages (owned by the memory type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memorytype_limits(t: *const wasm_memorytype_t) -> *const wasm_limits_t {
    &non_null(t, "the memory type").inner().limits
}

/// The type of an exception tag whose payload is `functype`'s parameters
/// (taken over; it must have no results), or null if it has results.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_tagtype_new(functype: *mut wasm_functype_t) -> *mut wasm_tagtype_t {
    let Some(functype) = take_box(functype) else {
        return std::ptr::null_mut();
    };
    if !functype.inner().ty.result_types().is_empty() {
        return std::ptr::null_mut();
    }
    give(wasm_tagtype_t::wrap(CTagType { functype }))
}

/// The tag's function type (owned by the tag type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_tagtype_functype(t: *const wasm_tagtype_t) -> *const wasm_functype_t {
    &*non_null(t, "the tag type").inner().functype
}

/// The kind of an extern type.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_externtype_kind(t: *const wasm_externtype_t) -> wasm_externkind_t {
    non_null(t, "the extern type").kind()
}

/// An import type taking over `module`, `name` and `ty`.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_new(
    module: *mut wasm_name_t,
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_importtype_t {
    let module = wasm_name_t::take_from(module);
    let name = wasm_name_t::take_from(name);
    match take_box(ty) {
        Some(ty) => give(wasm_importtype_t { module, name, ty }),
        None => std::ptr::null_mut(),
    }
}

/// The module name of the import (owned by the import type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_module(t: *const wasm_importtype_t) -> *const wasm_name_t {
    &non_null(t, "the import type").module
}

/// The name of the import (owned by the import type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_name(t: *const wasm_importtype_t) -> *const wasm_name_t {
    &non_null(t, "the import type").name
}

/// The type of the import (owned by the import type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_type(t: *const wasm_importtype_t) -> *const wasm_externtype_t {
    &*non_null(t, "the import type").ty
}

/// An export type taking over `name` and `ty`.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_exporttype_new(
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_exporttype_t {
    let name = wasm_name_t::take_from(name);
    match take_box(ty) {
        Some(ty) => give(wasm_exporttype_t { name, ty }),
        None => std::ptr::null_mut(),
    }
}

/// The name of the export (owned by the export type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_exporttype_name(t: *const wasm_exporttype_t) -> *const wasm_name_t {
    &non_null(t, "the export type").name
}

/// The type of the export (owned by the export type).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_exporttype_type(t: *const wasm_exporttype_t) -> *const wasm_externtype_t {
    &*non_null(t, "the export type").ty
}
