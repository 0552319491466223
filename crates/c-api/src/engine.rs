//! Configurations and engines.

use crate::{give, non_null, take_box};
use kiln_api::{Config, Engine};

/// `wasm_config_t`: compilation settings for a new engine (Kiln's
/// [`Config`]; `kiln.h` has setters).
pub struct wasm_config_t {
    pub(crate) config: Config,
}

/// `wasm_engine_t`: compiles modules; shared by the stores made from it.
pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

/// A default configuration.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_config_new() -> *mut wasm_config_t {
    give(wasm_config_t {
        config: Config::new(),
    })
}

/// Deletes a configuration that was not given to an engine.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_config_delete(config: *mut wasm_config_t) {
    drop(take_box(config));
}

/// An engine with the default configuration.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    give(wasm_engine_t {
        engine: Engine::default(),
    })
}

/// An engine with `config` (taken over), or null if the configuration is
/// not usable (the reason goes to stderr).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_engine_new_with_config(config: *mut wasm_config_t) -> *mut wasm_engine_t {
    let config = take_box(config).map(|c| c.config).unwrap_or_default();
    match Engine::new(&config) {
        Ok(engine) => give(wasm_engine_t { engine }),
        Err(e) => {
            eprintln!("kiln: cannot make an engine: {e:#}");
            std::ptr::null_mut()
        }
    }
}

/// Deletes an engine; stores and modules made from it keep what they need.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_engine_delete(engine: *mut wasm_engine_t) {
    drop(take_box(engine));
}

impl wasm_engine_t {
    pub(crate) fn from_ptr<'a>(engine: *const wasm_engine_t) -> &'a Engine {
        &non_null(engine, "the engine").engine
    }
}
