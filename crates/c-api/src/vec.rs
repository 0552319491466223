//! The standard's vectors: `wasm_X_vec_t` is a size and a pointer to a
//! buffer this library allocated (or, for vectors the caller only lends,
//! any buffer of the caller's). Each has `_new_empty`, `_new_uninitialized`,
//! `_new` (taking over the given elements), `_copy` (deep) and `_delete`
//! (deleting the elements too).
//!
//! Vectors of objects hold `Option<Box<T>>`, which has the layout of a
//! nullable `T*`, so dropping the buffer deletes the objects.

use crate::externs::wasm_extern_t;
use crate::trap::wasm_frame_t;
use crate::types::{
    wasm_exporttype_t, wasm_externtype_t, wasm_functype_t, wasm_globaltype_t, wasm_importtype_t,
    wasm_memorytype_t, wasm_tabletype_t, wasm_tagtype_t, wasm_valtype_t,
};
use crate::val::wasm_val_t;
use std::ptr;

/// An element the vectors can hold: how to make a blank one.
pub(crate) trait Blank {
    fn blank() -> Self;
}

impl Blank for u8 {
    fn blank() -> u8 {
        0
    }
}

impl<T> Blank for Option<Box<T>> {
    fn blank() -> Self {
        None
    }
}

macro_rules! declare_vec {
    ($vec:ident, $elem:ty, $new_empty:ident, $new_uninit:ident, $new:ident, $copy:ident, $delete:ident) => {
        #[doc = concat!("A vector of `", stringify!($elem), "`, as the C API lays it out.")]
        #[repr(C)]
        pub struct $vec {
            /// Number of elements.
            pub size: usize,
            /// The elements (null when `size` is 0).
            pub data: *mut $elem,
        }

        impl $vec {
            /// A vector owning `items`.
            pub(crate) fn from_vec(items: Vec<$elem>) -> $vec {
                if items.is_empty() {
                    return $vec { size: 0, data: ptr::null_mut() };
                }
                let items = items.into_boxed_slice();
                let size = items.len();
                $vec { size, data: Box::into_raw(items) as *mut $elem }
            }

            /// The elements, borrowed.
            pub(crate) fn as_slice(&self) -> &[$elem] {
                if self.size == 0 || self.data.is_null() {
                    &[]
                } else {
                    // SAFETY: `data` points at `size` initialised elements
                    // (the C API's contract for a vector).
                    unsafe { std::slice::from_raw_parts(self.data, self.size) }
                }
            }

            /// The elements, mutably (for results the library fills in).
            #[allow(dead_code, reason = "not every vector type is filled in place")]
            pub(crate) fn as_mut_slice(&mut self) -> &mut [$elem] {
                if self.size == 0 || self.data.is_null() {
                    &mut []
                } else {
                    // SAFETY: as in `as_slice`; the caller lends the buffer.
                    unsafe { std::slice::from_raw_parts_mut(self.data, self.size) }
                }
            }

            /// Takes the buffer back, leaving the vector empty. Only for
            /// vectors this library allocated (they come from `from_vec`).
            pub(crate) fn take(&mut self) -> Vec<$elem> {
                if self.data.is_null() {
                    self.size = 0;
                    return Vec::new();
                }
                let slice = ptr::slice_from_raw_parts_mut(self.data, self.size);
                self.size = 0;
                self.data = ptr::null_mut();
                // SAFETY: the buffer was made by `from_vec` as a boxed slice
                // of exactly this length; the vector no longer refers to it.
                unsafe { Box::from_raw(slice) }.into_vec()
            }

            /// Writes `items` to `out` as a new vector, without reading what
            /// `out` held (C passes uninitialised output vectors).
            pub(crate) fn write(out: *mut $vec, items: Vec<$elem>) {
                let out = crate::non_null_mut(out, "the output vector");
                // SAFETY: `out` is valid for writes; its old contents are
                // not owned by us, so they are overwritten, not dropped.
                unsafe { ptr::write(out, $vec::from_vec(items)) };
            }
        }

        impl Clone for $vec {
            fn clone(&self) -> Self {
                $vec::from_vec(self.as_slice().to_vec())
            }
        }

        impl Drop for $vec {
            fn drop(&mut self) {
                drop(self.take());
            }
        }

        #[doc = concat!("Makes `out` an empty `", stringify!($vec), "`.")]
        #[unsafe(no_mangle)]
        pub extern "C" fn $new_empty(out: *mut $vec) {
            $vec::write(out, Vec::new());
        }

        #[doc = concat!("Makes `out` a `", stringify!($vec), "` of `size` blank elements.")]
        #[unsafe(no_mangle)]
        pub extern "C" fn $new_uninit(out: *mut $vec, size: usize) {
            $vec::write(out, (0..size).map(|_| <$elem as Blank>::blank()).collect());
        }

        #[doc = concat!("Makes `out` a `", stringify!($vec), "` taking over `size` elements from `data`.")]
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $new(out: *mut $vec, size: usize, data: *const $elem) {
            let items = if size == 0 {
                Vec::new()
            } else {
                let data = crate::non_null(data, "the vector's elements") as *const $elem;
                // SAFETY: the caller passes `size` elements and gives up
                // their ownership, so moving them out bit for bit is right.
                (0..size).map(|i| unsafe { ptr::read(data.add(i)) }).collect()
            };
            $vec::write(out, items);
        }

        #[doc = concat!("Makes `out` a deep copy of `src`.")]
        #[unsafe(no_mangle)]
        pub extern "C" fn $copy(out: *mut $vec, src: *const $vec) {
            let src = crate::non_null(src, "the vector to copy");
            $vec::write(out, src.as_slice().to_vec());
        }

        #[doc = concat!("Deletes a `", stringify!($vec), "` and its elements.")]
        #[unsafe(no_mangle)]
        pub extern "C" fn $delete(v: *mut $vec) {
            if let Some(v) = opt_mut(v) {
                drop(v.take());
            }
        }
    };
}

/// A nullable `&mut` from a C pointer.
pub(crate) fn opt_mut<'a, T>(ptr: *mut T) -> Option<&'a mut T> {
    // SAFETY: a non-null pointer from C points at a live object (the C
    // API's contract).
    unsafe { ptr.as_mut() }
}

declare_vec!(
    wasm_byte_vec_t,
    u8,
    wasm_byte_vec_new_empty,
    wasm_byte_vec_new_uninitialized,
    wasm_byte_vec_new,
    wasm_byte_vec_copy,
    wasm_byte_vec_delete
);
declare_vec!(
    wasm_valtype_vec_t,
    Option<Box<wasm_valtype_t>>,
    wasm_valtype_vec_new_empty,
    wasm_valtype_vec_new_uninitialized,
    wasm_valtype_vec_new,
    wasm_valtype_vec_copy,
    wasm_valtype_vec_delete
);
declare_vec!(
    wasm_functype_vec_t,
    Option<Box<wasm_functype_t>>,
    wasm_functype_vec_new_empty,
    wasm_functype_vec_new_uninitialized,
    wasm_functype_vec_new,
    wasm_functype_vec_copy,
    wasm_functype_vec_delete
);
declare_vec!(
    wasm_globaltype_vec_t,
    Option<Box<wasm_globaltype_t>>,
    wasm_globaltype_vec_new_empty,
    wasm_globaltype_vec_new_uninitialized,
    wasm_globaltype_vec_new,
    wasm_globaltype_vec_copy,
    wasm_globaltype_vec_delete
);
declare_vec!(
    wasm_tabletype_vec_t,
    Option<Box<wasm_tabletype_t>>,
    wasm_tabletype_vec_new_empty,
    wasm_tabletype_vec_new_uninitialized,
    wasm_tabletype_vec_new,
    wasm_tabletype_vec_copy,
    wasm_tabletype_vec_delete
);
declare_vec!(
    wasm_memorytype_vec_t,
    Option<Box<wasm_memorytype_t>>,
    wasm_memorytype_vec_new_empty,
    wasm_memorytype_vec_new_uninitialized,
    wasm_memorytype_vec_new,
    wasm_memorytype_vec_copy,
    wasm_memorytype_vec_delete
);
declare_vec!(
    wasm_tagtype_vec_t,
    Option<Box<wasm_tagtype_t>>,
    wasm_tagtype_vec_new_empty,
    wasm_tagtype_vec_new_uninitialized,
    wasm_tagtype_vec_new,
    wasm_tagtype_vec_copy,
    wasm_tagtype_vec_delete
);
declare_vec!(
    wasm_externtype_vec_t,
    Option<Box<wasm_externtype_t>>,
    wasm_externtype_vec_new_empty,
    wasm_externtype_vec_new_uninitialized,
    wasm_externtype_vec_new,
    wasm_externtype_vec_copy,
    wasm_externtype_vec_delete
);
declare_vec!(
    wasm_importtype_vec_t,
    Option<Box<wasm_importtype_t>>,
    wasm_importtype_vec_new_empty,
    wasm_importtype_vec_new_uninitialized,
    wasm_importtype_vec_new,
    wasm_importtype_vec_copy,
    wasm_importtype_vec_delete
);
declare_vec!(
    wasm_exporttype_vec_t,
    Option<Box<wasm_exporttype_t>>,
    wasm_exporttype_vec_new_empty,
    wasm_exporttype_vec_new_uninitialized,
    wasm_exporttype_vec_new,
    wasm_exporttype_vec_copy,
    wasm_exporttype_vec_delete
);
declare_vec!(
    wasm_val_vec_t,
    wasm_val_t,
    wasm_val_vec_new_empty,
    wasm_val_vec_new_uninitialized,
    wasm_val_vec_new,
    wasm_val_vec_copy,
    wasm_val_vec_delete
);
declare_vec!(
    wasm_frame_vec_t,
    Option<Box<wasm_frame_t>>,
    wasm_frame_vec_new_empty,
    wasm_frame_vec_new_uninitialized,
    wasm_frame_vec_new,
    wasm_frame_vec_copy,
    wasm_frame_vec_delete
);
declare_vec!(
    wasm_extern_vec_t,
    Option<Box<wasm_extern_t>>,
    wasm_extern_vec_new_empty,
    wasm_extern_vec_new_uninitialized,
    wasm_extern_vec_new,
    wasm_extern_vec_copy,
    wasm_extern_vec_delete
);

/// A name or message: a byte vector.
pub type wasm_name_t = wasm_byte_vec_t;
/// A trap's message: a byte vector.
pub type wasm_message_t = wasm_byte_vec_t;

impl wasm_byte_vec_t {
    /// Takes over an `own` name argument, leaving the caller's vector empty.
    pub(crate) fn take_from(ptr: *mut wasm_byte_vec_t) -> wasm_byte_vec_t {
        let name = crate::non_null_mut(ptr, "the name");
        wasm_byte_vec_t::from_vec(name.take())
    }

    /// A name holding `text`.
    pub(crate) fn from_str(text: &str) -> wasm_byte_vec_t {
        wasm_byte_vec_t::from_vec(text.as_bytes().to_vec())
    }
}
