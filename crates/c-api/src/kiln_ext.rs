//! Kiln's extensions to the standard API (`kiln.h`): errors, compile
//! options, fuel and epochs, WASI, linkers, and text-format modules.

use crate::engine::{wasm_config_t, wasm_engine_t};
use crate::externs::wasm_extern_t;
use crate::instance::wasm_instance_t;
use crate::module::wasm_module_t;
use crate::store::{StoreData, wasm_store_t};
use crate::trap::wasm_trap_t;
use crate::vec::{wasm_byte_vec_t, wasm_name_t};
use crate::{give, non_null, non_null_mut, take_box};
use anyhow::{Result, anyhow};
use kiln_api::{Linker, OptLevel};
use kiln_wasi::{WasiCtx, WasiCtxBuilder};
use std::ffi::{CStr, c_char, c_int};

/// `kiln_error_t`: an error of a Kiln function that is not a trap.
pub struct kiln_error_t {
    error: anyhow::Error,
}

/// Turns a result into a `kiln_error_t*`: null for success.
fn to_error(result: Result<()>) -> *mut kiln_error_t {
    match result {
        Ok(()) => std::ptr::null_mut(),
        Err(error) => give(kiln_error_t { error }),
    }
}

/// A C string argument.
fn c_str<'a>(s: *const c_char, what: &str) -> Result<&'a str> {
    let s = non_null(s, what);
    // SAFETY: the header requires a NUL-terminated string.
    unsafe { CStr::from_ptr(s) }
        .to_str()
        .map_err(|_| anyhow!("{what} is not valid UTF-8"))
}

/// Writes the error's message (with its causes) to `out`, owned by the
/// caller; not NUL-terminated.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_error_message(error: *const kiln_error_t, out: *mut wasm_name_t) {
    let error = non_null(error, "the error");
    wasm_name_t::write(out, format!("{:#}", error.error).into_bytes());
}

/// Deletes an error.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_error_delete(error: *mut kiln_error_t) {
    drop(take_box(error));
}

// ----- configuration -----

/// Whether compiled code counts fuel (see `kiln_store_set_fuel`).
#[unsafe(no_mangle)]
pub extern "C" fn kiln_config_consume_fuel_set(config: *mut wasm_config_t, enable: bool) {
    non_null_mut(config, "the config")
        .config
        .consume_fuel(enable);
}

/// Whether compiled code checks the epoch deadline (see
/// `kiln_store_set_epoch_deadline`).
#[unsafe(no_mangle)]
pub extern "C" fn kiln_config_epoch_interruption_set(config: *mut wasm_config_t, enable: bool) {
    non_null_mut(config, "the config")
        .config
        .epoch_interruption(enable);
}

/// The most native stack wasm may use, in bytes.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_config_max_wasm_stack_set(config: *mut wasm_config_t, bytes: usize) {
    non_null_mut(config, "the config")
        .config
        .max_wasm_stack(bytes);
}

/// Cranelift's optimisation level: 0 none, 1 speed (the default), 2
/// speed and size. Other values are ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_config_cranelift_opt_level_set(config: *mut wasm_config_t, level: u8) {
    let level = match level {
        0 => OptLevel::None,
        1 => OptLevel::Speed,
        2 => OptLevel::SpeedAndSize,
        _ => return,
    };
    non_null_mut(config, "the config")
        .config
        .cranelift_opt_level(level);
}

/// Whether functions are compiled on several threads.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_config_parallel_compilation_set(config: *mut wasm_config_t, enable: bool) {
    non_null_mut(config, "the config")
        .config
        .parallel_compilation(enable);
}

/// Turns a WebAssembly feature on or off by its name as `kiln run --wasm`
/// spells it (`simd`, `threads`, `tail-call`, `exceptions`, `memory64`, ...).
/// Returns an error for an unknown name.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_config_wasm_feature_set(
    config: *mut wasm_config_t,
    name: *const c_char,
    enable: bool,
) -> *mut kiln_error_t {
    let config = &mut non_null_mut(config, "the config").config;
    to_error(c_str(name, "the feature name").and_then(|name| {
        let set: fn(&mut kiln_api::Config, bool) -> &mut kiln_api::Config = match name {
            "simd" => kiln_api::Config::wasm_simd,
            "relaxed-simd" => kiln_api::Config::wasm_relaxed_simd,
            "reference-types" => kiln_api::Config::wasm_reference_types,
            "bulk-memory" => kiln_api::Config::wasm_bulk_memory,
            "multi-value" => kiln_api::Config::wasm_multi_value,
            "threads" => kiln_api::Config::wasm_threads,
            "multi-memory" => kiln_api::Config::wasm_multi_memory,
            "tail-call" => kiln_api::Config::wasm_tail_call,
            "extended-const" => kiln_api::Config::wasm_extended_const,
            "memory64" => kiln_api::Config::wasm_memory64,
            "function-references" => kiln_api::Config::wasm_function_references,
            "custom-page-sizes" => kiln_api::Config::wasm_custom_page_sizes,
            "wide-arithmetic" => kiln_api::Config::wasm_wide_arithmetic,
            "exceptions" => kiln_api::Config::wasm_exceptions,
            other => return Err(anyhow!("unknown wasm feature `{other}`")),
        };
        set(config, enable);
        Ok(())
    }))
}

// ----- fuel and epochs -----

/// Sets the fuel the store's wasm may burn (needs
/// `kiln_config_consume_fuel_set`); running out traps.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_store_set_fuel(store: *mut wasm_store_t, fuel: u64) -> *mut kiln_error_t {
    let store = wasm_store_t::from_ptr(store);
    to_error(store.with(|mut ctx| ctx.set_fuel(fuel)))
}

/// Writes the fuel left to `*fuel`.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_store_get_fuel(
    store: *mut wasm_store_t,
    fuel: *mut u64,
) -> *mut kiln_error_t {
    let store = wasm_store_t::from_ptr(store);
    let out = non_null_mut(fuel, "the fuel output");
    to_error(store.with(|ctx| ctx.get_fuel()).map(|f| *out = f))
}

/// Sets the store's epoch deadline `ticks` epochs from now (needs
/// `kiln_config_epoch_interruption_set`); reaching it traps.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_store_set_epoch_deadline(store: *mut wasm_store_t, ticks: u64) {
    wasm_store_t::from_ptr(store).with(|mut ctx| ctx.set_epoch_deadline(ticks));
}

/// Advances the engine's epoch by one. Safe to call from any thread, for
/// example a timer thread.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_engine_increment_epoch(engine: *mut wasm_engine_t) {
    wasm_engine_t::from_ptr(engine).increment_epoch();
}

// ----- traps -----

/// The number `kiln.h` gives a trap code (`enum kiln_trap_code_enum`).
fn trap_code_number(code: kiln_api::Trap) -> u8 {
    use kiln_api::Trap as T;
    match code {
        T::StackOverflow => 0,
        T::MemoryOutOfBounds => 1,
        T::HeapMisaligned => 2,
        T::TableOutOfBounds => 3,
        T::IndirectCallToNull => 4,
        T::BadSignature => 5,
        T::IntegerOverflow => 6,
        T::IntegerDivisionByZero => 7,
        T::BadConversionToInteger => 8,
        T::UnreachableCodeReached => 9,
        T::Interrupt => 10,
        T::OutOfFuel => 11,
        T::AtomicWaitNonSharedMemory => 12,
        T::NullReference => 13,
        T::AtomicWaitDeadlock => 14,
        T::CastFailure => 15,
        T::ArrayOutOfBounds => 16,
        T::AllocationTooLarge => 17,
        T::GcHeapOutOfMemory => 18,
        // A code added to Kiln before kiln.h names it.
        _ => u8::MAX,
    }
}

/// If the trap is a wasm trap, writes its code (`enum
/// kiln_trap_code_enum`) to `*code` and returns true.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_trap_code(trap: *const wasm_trap_t, code: *mut u8) -> bool {
    match non_null(trap, "the trap").code() {
        Some(c) => {
            *non_null_mut(code, "the code output") = trap_code_number(c);
            true
        }
        None => false,
    }
}

/// If the trap is a WASI program's exit (`proc_exit`), writes its exit
/// status to `*status` and returns true.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_trap_exit_status(trap: *const wasm_trap_t, status: *mut c_int) -> bool {
    match non_null(trap, "the trap").exit_status() {
        Some(s) => {
            *non_null_mut(status, "the status output") = s;
            true
        }
        None => false,
    }
}

// ----- WASI -----

/// `kiln_wasi_config_t`: what a WASI program sees (arguments,
/// environment, standard streams, directories).
pub struct kiln_wasi_config_t {
    builder: WasiCtxBuilder,
}

/// A WASI configuration with nothing: no arguments, environment,
/// directories, and empty standard streams.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_new() -> *mut kiln_wasi_config_t {
    give(kiln_wasi_config_t {
        builder: WasiCtxBuilder::new(),
    })
}

/// Deletes a WASI configuration that was not given to a store.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_delete(config: *mut kiln_wasi_config_t) {
    drop(take_box(config));
}

fn wasi_builder<'a>(config: *mut kiln_wasi_config_t) -> &'a mut WasiCtxBuilder {
    &mut non_null_mut(config, "the WASI config").builder
}

/// Adds `arg` to the program's arguments (the first is the program name).
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_push_arg(
    config: *mut kiln_wasi_config_t,
    arg: *const c_char,
) -> *mut kiln_error_t {
    let builder = wasi_builder(config);
    to_error(c_str(arg, "the argument").and_then(|a| builder.arg(a).map(drop)))
}

/// Gives the program this process's arguments.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_inherit_argv(
    config: *mut kiln_wasi_config_t,
) -> *mut kiln_error_t {
    to_error(wasi_builder(config).inherit_args().map(drop))
}

/// Sets the environment variable `name` to `value`.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_set_env(
    config: *mut kiln_wasi_config_t,
    name: *const c_char,
    value: *const c_char,
) -> *mut kiln_error_t {
    let builder = wasi_builder(config);
    to_error((|| {
        let name = c_str(name, "the variable's name")?;
        let value = c_str(value, "the variable's value")?;
        builder.env(name, value).map(drop)
    })())
}

/// Gives the program this process's environment.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_inherit_env(
    config: *mut kiln_wasi_config_t,
) -> *mut kiln_error_t {
    to_error(wasi_builder(config).inherit_env().map(drop))
}

/// Gives the program this process's standard input.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_inherit_stdin(config: *mut kiln_wasi_config_t) {
    wasi_builder(config).inherit_stdin();
}

/// Gives the program this process's standard output.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_inherit_stdout(config: *mut kiln_wasi_config_t) {
    wasi_builder(config).inherit_stdout();
}

/// Gives the program this process's standard error.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_inherit_stderr(config: *mut kiln_wasi_config_t) {
    wasi_builder(config).inherit_stderr();
}

/// Gives the program the host directory `host_path` as `guest_path`,
/// read-only if `read_only`; an error if the directory cannot be opened.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wasi_config_preopen_dir(
    config: *mut kiln_wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
    read_only: bool,
) -> *mut kiln_error_t {
    let builder = wasi_builder(config);
    to_error((|| {
        let host = c_str(host_path, "the host path")?;
        let guest = c_str(guest_path, "the guest path")?;
        if read_only {
            builder.preopened_dir_readonly(host, guest)?;
        } else {
            builder.preopened_dir(host, guest)?;
        }
        Ok(())
    })())
}

/// Gives `config` (taken over) to the store: the WASI functions of a
/// linker with `kiln_linker_define_wasi` use it for this store's instances.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_store_set_wasi(store: *mut wasm_store_t, config: *mut kiln_wasi_config_t) {
    let store = wasm_store_t::from_ptr(store);
    let Some(mut config) = take_box(config) else {
        return;
    };
    let cx = config.builder.build();
    store.with(|mut ctx| ctx.data_mut().wasi = Some(cx));
}

/// The store's WASI context: an empty one if none was set.
fn wasi_of(data: &mut StoreData) -> &mut WasiCtx {
    data.wasi
        .get_or_insert_with(|| WasiCtxBuilder::new().build())
}

// ----- linkers -----

/// `kiln_linker_t`: imports by name, for instantiating modules.
pub struct kiln_linker_t {
    linker: Linker<StoreData>,
}

/// A linker for modules of `engine`.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_linker_new(engine: *mut wasm_engine_t) -> *mut kiln_linker_t {
    give(kiln_linker_t {
        linker: Linker::new(wasm_engine_t::from_ptr(engine)),
    })
}

/// Deletes a linker.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_linker_delete(linker: *mut kiln_linker_t) {
    drop(take_box(linker));
}

fn linker_of<'a>(linker: *mut kiln_linker_t) -> &'a mut Linker<StoreData> {
    &mut non_null_mut(linker, "the linker").linker
}

/// Whether a later definition of a name replaces an earlier one (by
/// default it is an error).
#[unsafe(no_mangle)]
pub extern "C" fn kiln_linker_allow_shadowing(linker: *mut kiln_linker_t, allow: bool) {
    linker_of(linker).allow_shadowing(allow);
}

/// Defines `module`.`name` as `item` (borrowed), an object of one store:
/// only instances of that store can use it.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_linker_define(
    linker: *mut kiln_linker_t,
    module: *const c_char,
    name: *const c_char,
    item: *const wasm_extern_t,
) -> *mut kiln_error_t {
    let linker = linker_of(linker);
    let item = non_null(item, "the item");
    to_error((|| {
        let module = c_str(module, "the module name")?;
        let name = c_str(name, "the name")?;
        item.store
            .with(|ctx| linker.define(ctx, module, name, item.which.clone()))?;
        Ok(())
    })())
}

/// Defines every WASI preview 1 function (`wasi_snapshot_preview1`),
/// working on the WASI context of the calling store (`kiln_store_set_wasi`).
#[unsafe(no_mangle)]
pub extern "C" fn kiln_linker_define_wasi(linker: *mut kiln_linker_t) -> *mut kiln_error_t {
    to_error(kiln_wasi::add_to_linker(linker_of(linker), wasi_of))
}

/// Defines every export of `instance` (borrowed) as `module`.`export name`.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_linker_define_instance(
    linker: *mut kiln_linker_t,
    store: *mut wasm_store_t,
    module: *const c_char,
    instance: *const wasm_instance_t,
) -> *mut kiln_error_t {
    let linker = linker_of(linker);
    let store = wasm_store_t::from_ptr(store);
    let instance = non_null(instance, "the instance").instance;
    to_error((|| {
        let module = c_str(module, "the module name")?;
        store.with(|ctx| linker.instance(ctx, module, instance))?;
        Ok(())
    })())
}

/// Instantiates `module` in `store` with the linker's definitions. On
/// success writes the instance to `*instance` (owned by the caller) and
/// returns null with `*trap` null. If the start function traps, `*trap`
/// gets the trap; any other failure is returned as an error.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_linker_instantiate(
    linker: *const kiln_linker_t,
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    instance: *mut *mut wasm_instance_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut kiln_error_t {
    let linker = &non_null(linker, "the linker").linker;
    let store_ref = wasm_store_t::from_ptr(store);
    let module = &non_null(module, "the module").data.module;
    let instance = non_null_mut(instance, "the instance output");
    let trap = non_null_mut(trap, "the trap output");
    *instance = std::ptr::null_mut();
    *trap = std::ptr::null_mut();
    match store_ref.with(|ctx| linker.instantiate(ctx, module)) {
        Ok(i) => {
            *instance = give(wasm_instance_t::new(store_ref.clone(), i));
            std::ptr::null_mut()
        }
        Err(e) if wasm_trap_t::is_trap(&e) => {
            *trap = give(wasm_trap_t::from_error(e));
            std::ptr::null_mut()
        }
        Err(error) => give(kiln_error_t { error }),
    }
}

/// The linker's definition of `module`.`name` (owned by the caller), or
/// null if there is none.
#[unsafe(no_mangle)]
pub extern "C" fn kiln_linker_get(
    linker: *const kiln_linker_t,
    store: *mut wasm_store_t,
    module: *const c_char,
    name: *const c_char,
) -> *mut wasm_extern_t {
    let linker = &non_null(linker, "the linker").linker;
    let store = wasm_store_t::from_ptr(store);
    let (Ok(module), Ok(name)) = (c_str(module, "the module name"), c_str(name, "the name")) else {
        return std::ptr::null_mut();
    };
    match store.with(|ctx| linker.get(ctx, module, name)) {
        Some(e) => give(wasm_extern_t::new(store.clone(), e)),
        None => std::ptr::null_mut(),
    }
}

// ----- text format -----

/// Converts a module in the text format (`len` bytes at `wat`) to binary,
/// written to `out` (owned by the caller).
#[unsafe(no_mangle)]
pub extern "C" fn kiln_wat2wasm(
    wat: *const c_char,
    len: usize,
    out: *mut wasm_byte_vec_t,
) -> *mut kiln_error_t {
    let text = if len == 0 {
        &[][..]
    } else {
        // SAFETY: the caller passes `len` readable bytes.
        unsafe {
            std::slice::from_raw_parts(
                (non_null(wat, "the text") as *const c_char).cast::<u8>(),
                len,
            )
        }
    };
    let result = std::str::from_utf8(text)
        .map_err(|_| anyhow!("the text is not valid UTF-8"))
        .and_then(|t| wat::parse_str(t).map_err(anyhow::Error::from));
    match result {
        Ok(bytes) => {
            wasm_byte_vec_t::write(out, bytes);
            std::ptr::null_mut()
        }
        Err(e) => {
            wasm_byte_vec_t::write(out, Vec::new());
            give(kiln_error_t { error: e })
        }
    }
}
