#define _POSIX_C_SOURCE 200809L
/*
 * kiln.h: text-format modules, errors, fuel, epoch interruption, WASI
 * through a linker, and linker definitions.
 */
#include <kiln.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                    \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

/* Fails with the error's message if there is one. */
static void no_error(kiln_error_t *error, const char *what) {
    if (error) {
        wasm_name_t message;
        kiln_error_message(error, &message);
        fprintf(stderr, "%s: %.*s\n", what, (int)message.size, message.data);
        wasm_name_delete(&message);
        kiln_error_delete(error);
        exit(1);
    }
}

/* Whether the error's message mentions `needle`; deletes the error. */
static int error_mentions(kiln_error_t *error, const char *needle) {
    CHECK(error != NULL);
    wasm_name_t message;
    kiln_error_message(error, &message);
    char *text = strndup(message.data, message.size);
    int found = strstr(text, needle) != NULL;
    free(text);
    wasm_name_delete(&message);
    kiln_error_delete(error);
    return found;
}

static wasm_module_t *compile(wasm_store_t *store, const char *wat) {
    wasm_byte_vec_t binary;
    no_error(kiln_wat2wasm(wat, strlen(wat), &binary), "wat2wasm");
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    CHECK(module != NULL);
    return module;
}

/* Calls export `index` of `instance`, which takes and returns nothing. */
static wasm_trap_t *call_export(wasm_instance_t *instance, size_t index) {
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    CHECK(exports.size > index);
    const wasm_func_t *f = wasm_extern_as_func(exports.data[index]);
    CHECK(f != NULL);
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
    wasm_trap_t *trap = wasm_func_call(f, &args, &results);
    wasm_extern_vec_delete(&exports);
    return trap;
}

static const char *LOOP = "(module (func (export \"spin\") (loop (br 0))))";

static void *tick(void *engine) {
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    kiln_engine_increment_epoch(engine);
    return NULL;
}

static void fuel_and_epochs(void) {
    wasm_config_t *config = wasm_config_new();
    kiln_config_consume_fuel_set(config, true);
    kiln_config_epoch_interruption_set(config, true);
    CHECK(error_mentions(kiln_config_wasm_feature_set(config, "no-such-feature", true),
                         "no-such-feature"));
    no_error(kiln_config_wasm_feature_set(config, "simd", true), "feature");
    wasm_engine_t *engine = wasm_engine_new_with_config(config);
    CHECK(engine != NULL);
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = compile(store, LOOP);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    kiln_store_set_epoch_deadline(store, 1000000);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    CHECK(instance != NULL);

    /* Out of fuel. */
    no_error(kiln_store_set_fuel(store, 10000), "set fuel");
    wasm_trap_t *trap = call_export(instance, 0);
    CHECK(trap != NULL);
    uint8_t code = 255;
    CHECK(kiln_trap_code(trap, &code));
    CHECK(code == KILN_TRAP_OUT_OF_FUEL);
    wasm_trap_delete(trap);
    uint64_t fuel = 1;
    no_error(kiln_store_get_fuel(store, &fuel), "get fuel");
    CHECK(fuel == 0);
    printf("fuel: trapped when it ran out\n");

    /* An epoch deadline reached while wasm spins. */
    no_error(kiln_store_set_fuel(store, UINT64_MAX), "set fuel");
    kiln_store_set_epoch_deadline(store, 1);
    pthread_t ticker;
    CHECK(pthread_create(&ticker, NULL, tick, engine) == 0);
    trap = call_export(instance, 0);
    pthread_join(ticker, NULL);
    CHECK(trap != NULL);
    CHECK(kiln_trap_code(trap, &code));
    CHECK(code == KILN_TRAP_INTERRUPT);
    int status;
    CHECK(!kiln_trap_exit_status(trap, &status));
    wasm_trap_delete(trap);
    printf("epochs: interrupted by another thread\n");

    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
}

/* `_start` exits with the number of arguments plus 10 * the number of
 * environment variables. */
static const char *WASI_PROGRAM =
    "(module\n"
    "  (import \"wasi_snapshot_preview1\" \"args_sizes_get\"\n"
    "    (func $args (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"environ_sizes_get\"\n"
    "    (func $env (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (func (export \"_start\")\n"
    "    (drop (call $args (i32.const 0) (i32.const 4)))\n"
    "    (drop (call $env (i32.const 8) (i32.const 12)))\n"
    "    (call $exit (i32.add (i32.load (i32.const 0))\n"
    "                         (i32.mul (i32.load (i32.const 8)) (i32.const 10))))))";

static void wasi_through_a_linker(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    kiln_wasi_config_t *wasi = kiln_wasi_config_new();
    no_error(kiln_wasi_config_push_arg(wasi, "prog"), "arg");
    no_error(kiln_wasi_config_push_arg(wasi, "one"), "arg");
    no_error(kiln_wasi_config_push_arg(wasi, "two"), "arg");
    no_error(kiln_wasi_config_set_env(wasi, "A", "1"), "env");
    no_error(kiln_wasi_config_set_env(wasi, "B", "2"), "env");
    kiln_error_t *missing =
        kiln_wasi_config_preopen_dir(wasi, "/no/such/directory/here", "/x", true);
    CHECK(missing != NULL);
    kiln_error_delete(missing);
    no_error(kiln_wasi_config_preopen_dir(wasi, ".", "/", true), "preopen");
    kiln_store_set_wasi(store, wasi);

    kiln_linker_t *linker = kiln_linker_new(engine);
    no_error(kiln_linker_define_wasi(linker), "define wasi");
    wasm_module_t *module = compile(store, WASI_PROGRAM);
    wasm_instance_t *instance = NULL;
    wasm_trap_t *trap = NULL;
    no_error(kiln_linker_instantiate(linker, store, module, &instance, &trap), "instantiate");
    CHECK(instance != NULL && trap == NULL);
    trap = call_export(instance, 1);
    CHECK(trap != NULL);
    int status = -1;
    CHECK(kiln_trap_exit_status(trap, &status));
    CHECK(status == 23);
    uint8_t code;
    CHECK(!kiln_trap_code(trap, &code));
    wasm_trap_delete(trap);
    printf("wasi: exit status %d\n", status);

    wasm_instance_delete(instance);
    wasm_module_delete(module);
    kiln_linker_delete(linker);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
}

static wasm_trap_t *double_it(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = args->data[0].of.i32 * 2;
    return NULL;
}

static void linker_definitions(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    kiln_linker_t *linker = kiln_linker_new(engine);
    wasm_functype_t *type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *f = wasm_func_new(store, type, double_it);
    wasm_functype_delete(type);
    no_error(kiln_linker_define(linker, "env", "double", wasm_func_as_extern(f)), "define");
    CHECK(error_mentions(kiln_linker_define(linker, "env", "double", wasm_func_as_extern(f)),
                         "double"));
    kiln_linker_allow_shadowing(linker, true);
    no_error(kiln_linker_define(linker, "env", "double", wasm_func_as_extern(f)), "redefine");

    wasm_extern_t *found = kiln_linker_get(linker, store, "env", "double");
    CHECK(found != NULL && wasm_extern_kind(found) == WASM_EXTERN_FUNC);
    CHECK(wasm_func_same(wasm_extern_as_func(found), f));
    wasm_extern_delete(found);
    CHECK(kiln_linker_get(linker, store, "env", "missing") == NULL);

    wasm_module_t *module = compile(
        store,
        "(module (import \"env\" \"double\" (func $d (param i32) (result i32)))\n"
        "  (func (export \"quad\") (param i32) (result i32) (call $d (call $d (local.get 0)))))");
    wasm_instance_t *instance = NULL;
    wasm_trap_t *trap = NULL;
    no_error(kiln_linker_instantiate(linker, store, module, &instance, &trap), "instantiate");
    no_error(kiln_linker_define_instance(linker, store, "quadder", instance), "define instance");
    wasm_extern_t *quad = kiln_linker_get(linker, store, "quadder", "quad");
    CHECK(quad != NULL);
    wasm_val_t arg_vals[1] = {WASM_I32_VAL(5)};
    wasm_val_t result_vals[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(arg_vals);
    wasm_val_vec_t results = WASM_ARRAY_VEC(result_vals);
    CHECK(wasm_func_call(wasm_extern_as_func(quad), &args, &results) == NULL);
    CHECK(result_vals[0].kind == WASM_I32 && result_vals[0].of.i32 == 20);
    wasm_extern_delete(quad);
    printf("linker: quad(5) = %d\n", result_vals[0].of.i32);

    /* A module whose import the linker lacks is an error, not a trap. */
    wasm_module_t *needy = compile(store, "(module (import \"env\" \"nothing\" (func)))");
    wasm_instance_t *none = NULL;
    CHECK(error_mentions(kiln_linker_instantiate(linker, store, needy, &none, &trap), "nothing"));
    CHECK(none == NULL && trap == NULL);

    /* A bad text module is an error with a message. */
    wasm_byte_vec_t binary;
    CHECK(error_mentions(kiln_wat2wasm("(module (func (i32.bogus)))", 27, &binary), "bogus"));
    CHECK(binary.size == 0);
    wasm_byte_vec_delete(&binary);

    wasm_module_delete(needy);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_func_delete(f);
    kiln_linker_delete(linker);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
}

int main(void) {
    fuel_and_epochs();
    wasi_through_a_linker();
    linker_definitions();
    printf("done\n");
    return 0;
}
