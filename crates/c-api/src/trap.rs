//! Traps and their frames.

use crate::host_info::HostInfoSlot;
use crate::instance::wasm_instance_t;
use crate::refs::{CRef, RefObj, ref_type, wasm_ref_t};
use crate::store::wasm_store_t;
use crate::vec::{wasm_frame_vec_t, wasm_message_t};
use crate::{give, non_null};
use kiln_api::{FrameInfo, WasmBacktrace};
use std::sync::{Arc, OnceLock};

/// What a trap says: its message and the wasm frames, innermost first.
pub(crate) struct TrapData {
    message: String,
    frames: Vec<FrameInfo>,
    /// The wasm trap code, for a wasm trap.
    code: Option<kiln_api::Trap>,
    /// The exit status, for a WASI program's `proc_exit`.
    exit_status: Option<i32>,
    pub(crate) host_info: HostInfoSlot,
}

/// The error a host function returns when its C callback returns a trap:
/// a caller further out gets the same trap back.
#[derive(Debug)]
struct HostTrap(Arc<TrapData>);

impl std::fmt::Display for HostTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for HostTrap {}

impl std::fmt::Debug for TrapData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// `wasm_trap_t`: why a call or instantiation failed.
pub struct wasm_trap_t {
    data: Arc<TrapData>,
    as_ref: OnceLock<Box<wasm_ref_t>>,
}

impl Clone for wasm_trap_t {
    fn clone(&self) -> wasm_trap_t {
        wasm_trap_t::new(self.data.clone())
    }
}

impl wasm_trap_t {
    pub(crate) fn new(data: Arc<TrapData>) -> wasm_trap_t {
        wasm_trap_t {
            data,
            as_ref: OnceLock::new(),
        }
    }

    fn with_message(message: String, frames: Vec<FrameInfo>) -> wasm_trap_t {
        wasm_trap_t::new(Arc::new(TrapData {
            message,
            frames,
            code: None,
            exit_status: None,
            host_info: HostInfoSlot::default(),
        }))
    }

    /// The trap for an error of a call or instantiation.
    pub(crate) fn from_error(error: anyhow::Error) -> wasm_trap_t {
        if let Some(HostTrap(data)) = error.downcast_ref::<HostTrap>() {
            return wasm_trap_t::new(data.clone());
        }
        let backtrace = error.downcast_ref::<WasmBacktrace>();
        let frames = backtrace.map(|bt| bt.frames().to_vec()).unwrap_or_default();
        // The message is the error and its causes, without the backtrace
        // (which the frames carry), which Kiln attaches as a context.
        let backtrace_text = backtrace.map(ToString::to_string);
        let message = error
            .chain()
            .map(ToString::to_string)
            .filter(|cause| Some(cause) != backtrace_text.as_ref())
            .collect::<Vec<_>>()
            .join(": ");
        wasm_trap_t::new(Arc::new(TrapData {
            message,
            frames,
            code: error.downcast_ref::<kiln_api::Trap>().copied(),
            exit_status: kiln_wasi::exit_code(&error),
            host_info: HostInfoSlot::default(),
        }))
    }

    /// Whether `error` is a trap (of wasm, or of a host function), rather
    /// than an error of the API call itself.
    pub(crate) fn is_trap(error: &anyhow::Error) -> bool {
        error.downcast_ref::<kiln_api::Trap>().is_some()
            || error.downcast_ref::<HostTrap>().is_some()
            || error.downcast_ref::<kiln_api::ThrownException>().is_some()
            || kiln_wasi::exit_code(error).is_some()
    }

    /// The wasm trap code, for a wasm trap.
    pub(crate) fn code(&self) -> Option<kiln_api::Trap> {
        self.data.code
    }

    /// The exit status, for a WASI program's `proc_exit`.
    pub(crate) fn exit_status(&self) -> Option<i32> {
        self.data.exit_status
    }

    /// The error a host function returns for this trap; a trap without
    /// frames (made by `wasm_trap_new`) gets `frames`, the wasm frames
    /// that called the host function.
    pub(crate) fn into_error(self, frames: Vec<FrameInfo>) -> anyhow::Error {
        let data = if self.data.frames.is_empty() && !frames.is_empty() {
            Arc::new(TrapData {
                message: self.data.message.clone(),
                frames,
                code: self.data.code,
                exit_status: self.data.exit_status,
                host_info: HostInfoSlot::default(),
            })
        } else {
            self.data
        };
        anyhow::Error::new(HostTrap(data))
    }
}

impl CRef for wasm_trap_t {
    fn obj(&self) -> RefObj {
        RefObj::Trap(self.data.clone())
    }
    fn as_ref(&self) -> &wasm_ref_t {
        self.as_ref
            .get_or_init(|| Box::new(wasm_ref_t::new(self.obj())))
    }
    fn from_ref(r: &wasm_ref_t) -> Option<&Self> {
        r.as_trap()
    }
}

ref_type!(
    wasm_trap_t,
    wasm_trap_delete,
    wasm_trap_copy,
    wasm_trap_same,
    wasm_trap_get_host_info,
    wasm_trap_set_host_info,
    wasm_trap_set_host_info_with_finalizer,
    wasm_trap_as_ref,
    wasm_trap_as_ref_const,
    wasm_ref_as_trap,
    wasm_ref_as_trap_const
);

/// A trap with `message` (whose last byte, if it is a NUL, is not part of
/// the text), for a host function to return.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_trap_new(
    store: *mut wasm_store_t,
    message: *const wasm_message_t,
) -> *mut wasm_trap_t {
    let _ = wasm_store_t::from_ptr(store);
    let bytes = non_null(message, "the message").as_slice();
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    give(wasm_trap_t::with_message(
        String::from_utf8_lossy(bytes).into_owned(),
        Vec::new(),
    ))
}

/// Writes the trap's message to `out` (owned by the caller), ending in a NUL.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_trap_message(trap: *const wasm_trap_t, out: *mut wasm_message_t) {
    let trap = non_null(trap, "the trap");
    let mut bytes = trap.data.message.as_bytes().to_vec();
    bytes.push(0);
    wasm_message_t::write(out, bytes);
}

/// The innermost wasm frame (owned by the caller), or null if the trap
/// has none (a trap made by the host).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_trap_origin(trap: *const wasm_trap_t) -> *mut wasm_frame_t {
    let trap = non_null(trap, "the trap");
    trap.data
        .frames
        .first()
        .map_or(std::ptr::null_mut(), |f| give(wasm_frame_t::new(f)))
}

/// Writes the wasm frames, innermost first, to `out` (owned by the caller).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_trap_trace(trap: *const wasm_trap_t, out: *mut wasm_frame_vec_t) {
    let trap = non_null(trap, "the trap");
    let frames = trap
        .data
        .frames
        .iter()
        .map(|f| Some(Box::new(wasm_frame_t::new(f))))
        .collect();
    wasm_frame_vec_t::write(out, frames);
}

/// `wasm_frame_t`: one wasm frame of a trap.
#[derive(Clone)]
pub struct wasm_frame_t {
    func_index: u32,
    func_offset: usize,
    module_offset: usize,
}

impl wasm_frame_t {
    fn new(frame: &FrameInfo) -> wasm_frame_t {
        wasm_frame_t {
            func_index: frame.func_index,
            func_offset: frame.func_offset.map_or(0, |o| o as usize),
            module_offset: frame.module_offset.map_or(0, |o| o as usize),
        }
    }
}

/// Deletes a frame.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_delete(frame: *mut wasm_frame_t) {
    drop(crate::take_box(frame));
}

/// A copy of a frame.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_copy(frame: *const wasm_frame_t) -> *mut wasm_frame_t {
    give(non_null(frame, "the frame").clone())
}

/// The frame's instance: Kiln does not record it in traps, so always null.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_instance(frame: *const wasm_frame_t) -> *mut wasm_instance_t {
    let _ = non_null(frame, "the frame");
    std::ptr::null_mut()
}

/// The index of the frame's function in its module.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_func_index(frame: *const wasm_frame_t) -> u32 {
    non_null(frame, "the frame").func_index
}

/// The offset of the frame's instruction from the start of its
/// function's body (0 if unknown).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_func_offset(frame: *const wasm_frame_t) -> usize {
    non_null(frame, "the frame").func_offset
}

/// The offset of the frame's instruction in the module's bytes.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_module_offset(frame: *const wasm_frame_t) -> usize {
    non_null(frame, "the frame").module_offset
}
