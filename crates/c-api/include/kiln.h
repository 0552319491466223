/*
 * kiln.h: Kiln's additions to the standard WebAssembly C API.
 *
 * Include this after (or instead of) wasm.h, which it includes. It adds
 * what the standard leaves out: error values, compile options, fuel and
 * epoch interruption, WASI, linking by name, and the text format.
 *
 * Ownership follows wasm.h: a parameter or result marked `own` passes
 * ownership, `out` parameters receive owned values, and everything else
 * is borrowed for the duration of the call. A `kiln_error_t*` result is
 * null on success; otherwise the caller owns it and deletes it with
 * kiln_error_delete.
 *
 * Link with -lkiln (libkiln.so or libkiln.a, built by
 * `cargo build --release -p kiln-c-api`).
 */

#ifndef KILN_H
#define KILN_H

#include "wasm.h"

/* wasm.h's ownership marker, which it undefines at its end. */
#define own

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------- */

/** An error of a Kiln function that is not a trap. */
typedef struct kiln_error_t kiln_error_t;

/** Writes the error's message, with its causes, to `out` (owned by the
 *  caller; not NUL-terminated: use out->size). */
void kiln_error_message(const kiln_error_t *error, own wasm_name_t *out);

/** Deletes an error. */
void kiln_error_delete(own kiln_error_t *error);

/* ---------------------------------------------------------------------
 * Configuration (before wasm_engine_new_with_config)
 * ------------------------------------------------------------------- */

/** Makes compiled code count fuel; see kiln_store_set_fuel. */
void kiln_config_consume_fuel_set(wasm_config_t *config, bool enable);

/** Makes compiled code check the store's epoch deadline; see
 *  kiln_store_set_epoch_deadline. */
void kiln_config_epoch_interruption_set(wasm_config_t *config, bool enable);

/** The most native stack wasm may use, in bytes (default 512 KiB);
 *  deeper recursion traps with a stack overflow. */
void kiln_config_max_wasm_stack_set(wasm_config_t *config, size_t bytes);

/** Cranelift's optimisation level: 0 none, 1 speed (the default), 2 speed
 *  and size. Other values are ignored. */
void kiln_config_cranelift_opt_level_set(wasm_config_t *config, uint8_t level);

/** Whether a module's functions are compiled on several threads (the
 *  default). */
void kiln_config_parallel_compilation_set(wasm_config_t *config, bool enable);

/** Turns a WebAssembly feature on or off, named as `kiln run --wasm`
 *  names it: "simd", "relaxed-simd", "reference-types", "bulk-memory",
 *  "multi-value", "threads", "multi-memory", "tail-call",
 *  "extended-const", "memory64", "function-references",
 *  "custom-page-sizes", "wide-arithmetic", "exceptions". An unknown name
 *  is an error. */
own kiln_error_t *kiln_config_wasm_feature_set(wasm_config_t *config, const char *name,
                                               bool enable);

/* ---------------------------------------------------------------------
 * Fuel and epochs
 * ------------------------------------------------------------------- */

/** Sets how much fuel the store's wasm may burn (one unit per
 *  instruction, roughly). Running out traps. An error unless the engine
 *  was configured with kiln_config_consume_fuel_set. */
own kiln_error_t *kiln_store_set_fuel(wasm_store_t *store, uint64_t fuel);

/** Writes the fuel left to `*fuel`. An error unless fuel is on. */
own kiln_error_t *kiln_store_get_fuel(wasm_store_t *store, uint64_t *fuel);

/** Sets the store's deadline `ticks` epochs after the engine's current
 *  epoch. Wasm running when the epoch reaches it traps (needs
 *  kiln_config_epoch_interruption_set). */
void kiln_store_set_epoch_deadline(wasm_store_t *store, uint64_t ticks);

/** Advances the engine's epoch by one. Callable from any thread, for
 *  example a timer thread that bounds how long wasm may run. */
void kiln_engine_increment_epoch(wasm_engine_t *engine);

/* ---------------------------------------------------------------------
 * Value kinds
 * ------------------------------------------------------------------- */

/** Value kinds beyond the standard's, in a `wasm_val_t`'s `kind`: an
 *  `exnref` (it crosses as a null reference) and an `anyref` (an i31, a
 *  struct or an array, as a `wasm_ref_t` that C can copy, compare with
 *  `wasm_ref_same`, put in tables and hand back to wasm). */
enum kiln_valkind_enum {
    KILN_EXNREF = 130,
    KILN_ANYREF = 131,
};

/* ---------------------------------------------------------------------
 * Traps
 * ------------------------------------------------------------------- */

/** Wasm trap codes, as kiln_trap_code reports them. */
enum kiln_trap_code_enum {
    KILN_TRAP_STACK_OVERFLOW = 0,
    KILN_TRAP_MEMORY_OUT_OF_BOUNDS = 1,
    KILN_TRAP_HEAP_MISALIGNED = 2,
    KILN_TRAP_TABLE_OUT_OF_BOUNDS = 3,
    KILN_TRAP_INDIRECT_CALL_TO_NULL = 4,
    KILN_TRAP_BAD_SIGNATURE = 5,
    KILN_TRAP_INTEGER_OVERFLOW = 6,
    KILN_TRAP_INTEGER_DIVISION_BY_ZERO = 7,
    KILN_TRAP_BAD_CONVERSION_TO_INTEGER = 8,
    KILN_TRAP_UNREACHABLE_CODE_REACHED = 9,
    KILN_TRAP_INTERRUPT = 10,
    KILN_TRAP_OUT_OF_FUEL = 11,
    KILN_TRAP_ATOMIC_WAIT_NON_SHARED_MEMORY = 12,
    KILN_TRAP_NULL_REFERENCE = 13,
    /** `memory.atomic.wait` that no other thread could ever notify. */
    KILN_TRAP_ATOMIC_WAIT_DEADLOCK = 14,
    /** A `ref.cast` found a value of another type. */
    KILN_TRAP_CAST_FAILURE = 15,
    /** An array access out of bounds. */
    KILN_TRAP_ARRAY_OUT_OF_BOUNDS = 16,
    /** A GC object too large ever to be allocated. */
    KILN_TRAP_ALLOCATION_TOO_LARGE = 17,
    /** The store's GC heap is full. */
    KILN_TRAP_GC_HEAP_OUT_OF_MEMORY = 18,
};

/** If `trap` is a wasm trap, writes its code (enum kiln_trap_code_enum)
 *  to `*code` and returns true; false for traps made by host functions,
 *  WASI exits and other failures. */
bool kiln_trap_code(const wasm_trap_t *trap, uint8_t *code);

/** If `trap` is a WASI program's exit (proc_exit), writes the exit status
 *  to `*status` and returns true. */
bool kiln_trap_exit_status(const wasm_trap_t *trap, int *status);

/* ---------------------------------------------------------------------
 * WASI (preview 1)
 * ------------------------------------------------------------------- */

/** What a WASI program sees: arguments, environment, standard streams
 *  and directories. */
typedef struct kiln_wasi_config_t kiln_wasi_config_t;

/** A configuration with no arguments, no environment, no directories, and
 *  empty standard streams. */
own kiln_wasi_config_t *kiln_wasi_config_new(void);

/** Deletes a configuration not given to a store. */
void kiln_wasi_config_delete(own kiln_wasi_config_t *config);

/** Appends `arg` to the program's arguments; the first is its name. */
own kiln_error_t *kiln_wasi_config_push_arg(kiln_wasi_config_t *config, const char *arg);

/** Gives the program this process's arguments. */
own kiln_error_t *kiln_wasi_config_inherit_argv(kiln_wasi_config_t *config);

/** Sets the environment variable `name` to `value`. */
own kiln_error_t *kiln_wasi_config_set_env(kiln_wasi_config_t *config, const char *name,
                                           const char *value);

/** Gives the program this process's environment. */
own kiln_error_t *kiln_wasi_config_inherit_env(kiln_wasi_config_t *config);

/** Gives the program this process's standard input. */
void kiln_wasi_config_inherit_stdin(kiln_wasi_config_t *config);

/** Gives the program this process's standard output. */
void kiln_wasi_config_inherit_stdout(kiln_wasi_config_t *config);

/** Gives the program this process's standard error. */
void kiln_wasi_config_inherit_stderr(kiln_wasi_config_t *config);

/** Gives the program the host directory `host_path`, which it sees as
 *  `guest_path`; read-only if `read_only`. Paths leading out of the
 *  directory are refused. An error if the directory cannot be opened. */
own kiln_error_t *kiln_wasi_config_preopen_dir(kiln_wasi_config_t *config, const char *host_path,
                                               const char *guest_path, bool read_only);

/** Gives `config` to the store: the WASI functions a linker defines with
 *  kiln_linker_define_wasi act on it for this store's instances. A store
 *  without one gets an empty configuration. */
void kiln_store_set_wasi(wasm_store_t *store, own kiln_wasi_config_t *config);

/* ---------------------------------------------------------------------
 * Linkers: imports by name
 * ------------------------------------------------------------------- */

/** Definitions of imports by module and name. */
typedef struct kiln_linker_t kiln_linker_t;

/** A linker for modules of `engine`. */
own kiln_linker_t *kiln_linker_new(wasm_engine_t *engine);

/** Deletes a linker. */
void kiln_linker_delete(own kiln_linker_t *linker);

/** Whether defining a name twice replaces the first definition (by
 *  default it is an error). */
void kiln_linker_allow_shadowing(kiln_linker_t *linker, bool allow);

/** Defines `module`.`name` as `item`, which belongs to one store: only
 *  instantiations in that store can use it. */
own kiln_error_t *kiln_linker_define(kiln_linker_t *linker, const char *module, const char *name,
                                     const wasm_extern_t *item);

/** Defines all of WASI preview 1 (module "wasi_snapshot_preview1"). */
own kiln_error_t *kiln_linker_define_wasi(kiln_linker_t *linker);

/** Defines each export of `instance` as `module`.`export name`. */
own kiln_error_t *kiln_linker_define_instance(kiln_linker_t *linker, wasm_store_t *store,
                                              const char *module, const wasm_instance_t *instance);

/** Instantiates `module` in `store`, taking each import from the linker.
 *  On success `*instance` receives the instance and `*trap` null. If the
 *  start function traps, `*instance` is null and `*trap` receives the
 *  trap (a WASI `_start` is not run here: call its export). Any other
 *  failure (a missing import, a type mismatch) is returned as an error. */
own kiln_error_t *kiln_linker_instantiate(const kiln_linker_t *linker, wasm_store_t *store,
                                          const wasm_module_t *module,
                                          own wasm_instance_t **instance, own wasm_trap_t **trap);

/** The definition of `module`.`name`, or null if the linker has none. */
own wasm_extern_t *kiln_linker_get(const kiln_linker_t *linker, wasm_store_t *store,
                                   const char *module, const char *name);

/* ---------------------------------------------------------------------
 * The text format
 * ------------------------------------------------------------------- */

/** Converts `len` bytes of WebAssembly text (a module in .wat form) to
 *  the binary form, written to `out` (owned by the caller; empty on
 *  error). */
own kiln_error_t *kiln_wat2wasm(const char *wat, size_t len, own wasm_byte_vec_t *out);

#ifdef __cplusplus
}
#endif

#undef own

#endif /* KILN_H */
