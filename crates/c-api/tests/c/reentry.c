// reentry: finalizers of foreign objects that call back into the C API on
// the same store. The objects are freed by collections that run in the
// middle of API calls (in wasm, in wasm called back from a host function,
// in wasm_foreign_new); each finalizer makes another foreign object with a
// finalizer, passes it through wasm, reads a global and runs wasm that
// collects again. A finalizer must never run in the middle of a wasm call
// (the store is in use then), and every finalizer must run exactly once.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "reentry: " __VA_ARGS__);      \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

// Foreign objects per batch, and batches: one freed by collections in
// wasm, one in wasm under a host function, one in wasm_foreign_new, one
// still alive when the store is deleted.
#define OBJECTS 200
#define BATCHES 4
// More foreign objects than fit between two collections (8 MiB of 24-byte
// objects), so making them runs one.
#define ENOUGH_FOREIGN (400 * 1000)

static wasm_store_t *store;
static bool store_deleted = false;
static wasm_module_t *module;
static wasm_extern_vec_t exports;
static wasm_global_t *busy;

// How many times each batch object was finalized.
static int finalized[BATCHES][OBJECTS];
// Objects made by finalizers, and how many of those were finalized.
static int inner_made = 0, inner_finalized = 0;
static int reentries = 0;

static void count_up(void *counter) { (*(int *)counter)++; }

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

static wasm_extern_t *export_named(const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_t *found = NULL;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) found = exports.data[i];
  }
  wasm_exporttype_vec_delete(&types);
  if (!found) FAIL("no export named %s", name);
  return found;
}

// Calls export `name` with `arg` (borrowed); returns its result (owned by
// the caller), or a zero i32 for a function without one.
static wasm_val_t call(const char *name, wasm_val_t arg) {
  const wasm_func_t *f = wasm_extern_as_func(export_named(name));
  if (!f) FAIL("%s is not a function", name);
  wasm_val_t in[1] = {arg};
  wasm_val_t out[1] = {WASM_I32_VAL(0)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(in);
  wasm_val_vec_t results = {wasm_func_result_arity(f), out};
  wasm_trap_t *trap = wasm_func_call(f, &args, &results);
  if (trap) {
    wasm_message_t msg;
    wasm_trap_message(trap, &msg);
    FAIL("%s trapped: %.*s", name, (int)msg.size, msg.data);
  }
  return out[0];
}

static void churn(int32_t mebibytes) {
  wasm_val_t n = WASM_I32_VAL(mebibytes);
  call("churn", n);
}

// How many export calls are running, by the module's count.
static int32_t busy_count(void) {
  wasm_val_t v;
  wasm_global_get(busy, &v);
  if (v.kind != WASM_I32) FAIL("busy has kind %d", v.kind);
  return v.of.i32;
}

// The finalizer of every batch object: counts, then (while the store is
// there) uses the store.
static void reenter(void *counter) {
  (*(int *)counter)++;
  if (store_deleted) return;  // finalized as the store went: nothing to call
  reentries++;
  int32_t running = busy_count();
  if (running != 0) FAIL("a finalizer ran in the middle of %d wasm call(s)", running);

  // A new foreign object with a finalizer, through wasm and back.
  wasm_foreign_t *f = wasm_foreign_new(store);
  if (!f) FAIL("wasm_foreign_new in a finalizer failed");
  inner_made++;
  wasm_foreign_set_host_info_with_finalizer(f, &inner_finalized, count_up);
  wasm_val_t arg = WASM_REF_VAL(wasm_foreign_as_ref(f));
  wasm_val_t back = call("echo", arg);
  if (back.kind != WASM_EXTERNREF || !back.of.ref) FAIL("echo lost the object");
  if (!wasm_ref_same(back.of.ref, wasm_foreign_as_ref(f))) FAIL("echo gave another object");
  if (wasm_ref_get_host_info(back.of.ref) != &inner_finalized) FAIL("echo lost the host info");
  wasm_val_delete(&back);
  wasm_foreign_delete(f);

  // Wasm that allocates: another collection may run, freeing more objects
  // whose finalizers call back in turn.
  if (reentries % 8 == 0) churn(2);
}

// host.nested: calls `churn` back with its argument.
static wasm_trap_t *nested(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)results;
  if (busy_count() != 1) FAIL("busy is %d in the host function", busy_count());
  churn(args->data[0].of.i32);
  return NULL;
}

// Makes batch `b`'s objects with the reentering finalizer, and deletes
// them: only the collector can free them now.
static void make_batch(int b) {
  for (int i = 0; i < OBJECTS; i++) {
    wasm_foreign_t *f = wasm_foreign_new(store);
    if (!f) FAIL("wasm_foreign_new failed");
    wasm_foreign_set_host_info_with_finalizer(f, &finalized[b][i], reenter);
    wasm_foreign_delete(f);
  }
}

static int finalized_in(int b) {
  int n = 0;
  for (int i = 0; i < OBJECTS; i++) {
    if (finalized[b][i] > 1) FAIL("batch %d object %d finalized %d times", b, i, finalized[b][i]);
    n += finalized[b][i];
  }
  return n;
}

// A collection ran during the last call, so batch `b` must be finalized,
// and by the time the call returned.
static void expect_finalized(int b, const char *how) {
  int n = finalized_in(b);
  if (n != OBJECTS) FAIL("%s: %d of %d objects finalized", how, n, OBJECTS);
  if (busy_count() != 0) FAIL("%s: busy is %d", how, busy_count());
  printf("reentry: %s: %d objects finalized, %d objects made by finalizers\n", how, n,
         inner_made);
}

int main(void) {
  printf("reentry: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("reentry.wasm", &binary)) FAIL("cannot read reentry.wasm");
  module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("reentry.wasm did not compile");
  wasm_functype_t *nested_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t *nested_func = wasm_func_new(store, nested_type, nested);
  wasm_functype_delete(nested_type);
  wasm_extern_t *import_list[] = {wasm_func_as_extern(nested_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) FAIL("instantiation failed");
  wasm_func_delete(nested_func);
  wasm_instance_exports(instance, &exports);
  busy = wasm_extern_as_global(export_named("busy"));
  if (!busy) FAIL("busy is not a global");

  // 1. Collections in wasm (more than 8 MiB allocated: one at least).
  make_batch(0);
  churn(24);
  expect_finalized(0, "collections in wasm");

  // 2. Collections in wasm called back by a host function.
  make_batch(1);
  wasm_val_t n = WASM_I32_VAL(24);
  call("via_host", n);
  expect_finalized(1, "collections under a host function");

  // 3. A collection in wasm_foreign_new.
  make_batch(2);
  for (int i = 0; i < ENOUGH_FOREIGN && finalized_in(2) == 0; i += 1000) {
    for (int j = 0; j < 1000; j++) {
      wasm_foreign_t *f = wasm_foreign_new(store);
      if (!f) FAIL("wasm_foreign_new failed");
      wasm_foreign_delete(f);
    }
  }
  expect_finalized(2, "a collection in wasm_foreign_new");

  // 4. Objects left for the store's deletion to finalize.
  make_batch(3);
  if (finalized_in(3) != 0) FAIL("batch 3 finalized early");

  printf("reentry: deleting the store (%d finalizers called back)\n", reentries);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  store_deleted = true;
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  for (int b = 0; b < BATCHES; b++)
    if (finalized_in(b) != OBJECTS) FAIL("batch %d: %d objects finalized", b, finalized_in(b));
  if (inner_made != inner_finalized)
    FAIL("%d objects made by finalizers, %d finalized", inner_made, inner_finalized);
  if (reentries != 3 * OBJECTS) FAIL("%d finalizers called back", reentries);
  printf("reentry: ok\n");
  return 0;
}
