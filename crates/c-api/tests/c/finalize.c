// finalize: host info with finalizers on many objects (instances, exported
// functions, host functions' environments, foreign objects kept alive by
// a wasm global, modules whose host info is replaced), in two stores.
// Every finalizer must run exactly once: those of a store's objects by
// the time that store is deleted, all of them by the end.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "finalize: " __VA_ARGS__);     \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

#define STORES 2
#define INSTANCES 150

// One counter per finalizer; each finalizer adds one to its own.
static int fin_instance[STORES][INSTANCES];
static int fin_export[STORES][INSTANCES];
static int fin_env[STORES][INSTANCES];
static int fin_foreign[STORES][INSTANCES];
static int fin_loose[STORES][INSTANCES];
static int fin_module_old[STORES], fin_module[STORES];
static int pings = 0;

static void count_up(void *counter) { (*(int *)counter)++; }

static wasm_trap_t *ping(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  if (*(int *)env != 0) FAIL("a host function ran after its environment was finalized");
  pings++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 1;
  return NULL;
}

static bool load_file(const char *path, wasm_byte_vec_t *out) {
  FILE *file = fopen(path, "rb");
  if (!file) return false;
  fseek(file, 0, SEEK_END);
  long len = ftell(file);
  fseek(file, 0, SEEK_SET);
  if (len <= 0) {
    fclose(file);
    return false;
  }
  wasm_byte_vec_new_uninitialized(out, (size_t)len);
  size_t got = fread(out->data, 1, (size_t)len, file);
  fclose(file);
  if (got != (size_t)len) {
    wasm_byte_vec_delete(out);
    return false;
  }
  return true;
}

// Checks that every counter of store `s` is exactly one.
static void check_store(int s) {
  for (int i = 0; i < INSTANCES; i++) {
    if (fin_instance[s][i] != 1) FAIL("store %d instance %d: finalized %d times", s, i, fin_instance[s][i]);
    if (fin_export[s][i] != 1) FAIL("store %d export %d: finalized %d times", s, i, fin_export[s][i]);
    if (fin_env[s][i] != 1) FAIL("store %d host env %d: finalized %d times", s, i, fin_env[s][i]);
    if (fin_foreign[s][i] != 1) FAIL("store %d foreign %d: finalized %d times", s, i, fin_foreign[s][i]);
    if (fin_loose[s][i] != 1) FAIL("store %d loose foreign %d: finalized %d times", s, i, fin_loose[s][i]);
  }
  if (fin_module_old[s] != 1 || fin_module[s] != 1)
    FAIL("store %d module: finalized %d and %d times", s, fin_module_old[s], fin_module[s]);
}

static void run_in_store(wasm_store_t *store, int s) {
  wasm_byte_vec_t binary;
  if (!load_file("finalize.wasm", &binary)) FAIL("cannot read finalize.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("finalize.wasm did not compile");

  // Replacing host info: the first finalizer still runs, once.
  wasm_module_set_host_info_with_finalizer(module, &fin_module_old[s], count_up);
  wasm_module_set_host_info_with_finalizer(module, &fin_module[s], count_up);
  if (wasm_module_get_host_info(module) != &fin_module[s]) FAIL("module host info");

  wasm_functype_t *ping_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  for (int i = 0; i < INSTANCES; i++) {
    wasm_func_t *host = wasm_func_new_with_env(store, ping_type, ping, &fin_env[s][i], count_up);
    wasm_extern_t *import_list[] = {wasm_func_as_extern(host)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance) FAIL("instantiation %d failed", i);
    wasm_func_delete(host);

    wasm_instance_set_host_info_with_finalizer(instance, &fin_instance[s][i], count_up);
    if (wasm_instance_get_host_info(instance) != &fin_instance[s][i]) FAIL("instance host info");

    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_global_t *keep = wasm_extern_as_global(exports.data[0]);
    wasm_func_t *call_ping = wasm_extern_as_func(exports.data[1]);
    if (!keep || !call_ping) FAIL("unexpected exports");
    wasm_func_set_host_info_with_finalizer(call_ping, &fin_export[s][i], count_up);

    // Host info belongs to the function, not to one handle of it.
    wasm_extern_vec_t again;
    wasm_instance_exports(instance, &again);
    if (wasm_func_get_host_info(wasm_extern_as_func(again.data[1])) != &fin_export[s][i])
      FAIL("another handle to the same export has other host info");
    wasm_extern_vec_delete(&again);

    wasm_val_vec_t no_args = WASM_EMPTY_VEC;
    wasm_val_t out[] = {WASM_INIT_VAL};
    wasm_val_vec_t results = WASM_ARRAY_VEC(out);
    if (wasm_func_call(call_ping, &no_args, &results) || out[0].of.i32 != 1) FAIL("call_ping");

    // A foreign object that only the wasm global keeps alive.
    wasm_foreign_t *foreign = wasm_foreign_new(store);
    wasm_foreign_set_host_info_with_finalizer(foreign, &fin_foreign[s][i], count_up);
    wasm_val_t val = WASM_REF_VAL(wasm_foreign_as_ref(foreign));
    wasm_global_set(keep, &val);
    wasm_foreign_delete(foreign);
    wasm_val_t held;
    wasm_global_get(keep, &held);
    if (held.kind != WASM_EXTERNREF || !held.of.ref) FAIL("the global lost the foreign object");
    if (wasm_ref_get_host_info(held.of.ref) != &fin_foreign[s][i]) FAIL("foreign host info");
    if (fin_foreign[s][i] != 0) FAIL("a foreign object was finalized while still referenced");
    wasm_val_delete(&held);

    // A foreign object with a copy: host info set through the copy; both go.
    wasm_foreign_t *loose = wasm_foreign_new(store);
    wasm_foreign_t *loose_copy = wasm_foreign_copy(loose);
    wasm_foreign_set_host_info_with_finalizer(loose_copy, &fin_loose[s][i], count_up);
    if (wasm_foreign_get_host_info(loose) != &fin_loose[s][i]) FAIL("a copy has its own host info");
    wasm_foreign_delete(loose);
    wasm_foreign_delete(loose_copy);

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }
  wasm_functype_delete(ping_type);
  wasm_module_delete(module);
}

int main(void) {
  printf("finalize: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store_a = wasm_store_new(engine);
  wasm_store_t *store_b = wasm_store_new(engine);

  printf("finalize: %d instances in store A\n", INSTANCES);
  run_in_store(store_a, 0);
  printf("finalize: %d instances in store B\n", INSTANCES);
  run_in_store(store_b, 1);
  if (pings != STORES * INSTANCES) FAIL("%d pings", pings);

  printf("finalize: deleting store B\n");
  wasm_store_delete(store_b);
  check_store(1);
  // Store A's objects may or may not be finalized yet (nothing refers to
  // them from the host any more), but never more than once.
  for (int i = 0; i < INSTANCES; i++)
    if (fin_foreign[0][i] > 1 || fin_env[0][i] > 1 || fin_instance[0][i] > 1)
      FAIL("store A object %d finalized more than once", i);

  printf("finalize: deleting store A and the engine\n");
  wasm_store_delete(store_a);
  wasm_engine_delete(engine);
  check_store(0);
  check_store(1);
  printf("finalize: ok\n");
  return 0;
}
