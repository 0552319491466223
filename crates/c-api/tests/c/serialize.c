// serialize: a compiled module saved with wasm_module_serialize and loaded
// back with wasm_module_deserialize (after the original is gone) must
// describe the same imports and exports and run the same. Bytes that are
// not a serialized module must be refused with NULL, not crash.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "serialize: " __VA_ARGS__);    \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

static int base_calls = 0;

static wasm_trap_t *base(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  base_calls++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 1000;
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

// Instantiates `module`, calls `run` twice and checks both results.
static void instantiate_and_run(wasm_store_t *store, const wasm_module_t *module,
                                const char *label) {
  wasm_functype_t *type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t *host = wasm_func_new(store, type, base);
  wasm_functype_delete(type);
  wasm_extern_t *import_list[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance || trap) FAIL("%s: instantiation failed", label);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  if (exports.size != 2) FAIL("%s: %zu exports, expected 2", label, exports.size);
  wasm_memory_t *mem = wasm_extern_as_memory(exports.data[0]);
  wasm_func_t *run = wasm_extern_as_func(exports.data[1]);
  if (!mem || !run) FAIL("%s: exports have the wrong kinds", label);
  if (wasm_memory_data(mem)[16] != 42) FAIL("%s: the data segment is missing", label);

  int before = base_calls;
  for (int round = 1; round <= 2; round++) {
    wasm_val_vec_t args = WASM_EMPTY_VEC;
    wasm_val_t out[] = {WASM_INIT_VAL};
    wasm_val_vec_t results = WASM_ARRAY_VEC(out);
    if (wasm_func_call(run, &args, &results)) FAIL("%s: run trapped", label);
    // The global gains 42 per call: 142 + 7 + 1000, then 184 + 7 + 1000.
    int32_t want = 100 + 42 * round + 7 + 1000;
    if (out[0].kind != WASM_I32 || out[0].of.i32 != want)
      FAIL("%s: run returned %d, expected %d", label, out[0].of.i32, want);
  }
  if (base_calls - before != 2) FAIL("%s: the import was called %d times", label, base_calls - before);
  printf("  %s: ran correctly\n", label);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
}

// A short description of a module's imports and exports, for comparing.
static void signature(const wasm_module_t *module, char *buf, size_t cap) {
  wasm_importtype_vec_t imports;
  wasm_exporttype_vec_t exports;
  wasm_module_imports(module, &imports);
  wasm_module_exports(module, &exports);
  size_t len = 0;
  for (size_t i = 0; i < imports.size && len < cap; i++) {
    const wasm_name_t *m = wasm_importtype_module(imports.data[i]);
    const wasm_name_t *n = wasm_importtype_name(imports.data[i]);
    len += snprintf(buf + len, cap - len, "import %.*s.%.*s kind %d; ", (int)m->size, m->data,
                    (int)n->size, n->data, wasm_externtype_kind(wasm_importtype_type(imports.data[i])));
  }
  for (size_t i = 0; i < exports.size && len < cap; i++) {
    const wasm_name_t *n = wasm_exporttype_name(exports.data[i]);
    len += snprintf(buf + len, cap - len, "export %.*s kind %d; ", (int)n->size, n->data,
                    wasm_externtype_kind(wasm_exporttype_type(exports.data[i])));
  }
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_delete(&exports);
}

static void expect_refused(wasm_store_t *store, const char *what, const wasm_byte_vec_t *bytes) {
  wasm_module_t *m = wasm_module_deserialize(store, bytes);
  if (m) FAIL("deserializing %s gave a module", what);
  printf("  %s: refused\n", what);
}

int main(void) {
  printf("serialize: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("serialize.wasm", &binary)) FAIL("cannot read serialize.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("serialize.wasm did not compile");

  printf("serialize: the original module\n");
  instantiate_and_run(store, module, "original");
  char sig_before[512], sig_after[512];
  signature(module, sig_before, sizeof sig_before);

  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  if (serialized.size == 0) FAIL("serialization produced no bytes");
  printf("serialize: %zu bytes serialized\n", serialized.size);
  wasm_module_delete(module);

  printf("serialize: the deserialized module\n");
  wasm_module_t *loaded = wasm_module_deserialize(store, &serialized);
  if (!loaded) FAIL("deserialization failed");
  signature(loaded, sig_after, sizeof sig_after);
  if (strcmp(sig_before, sig_after) != 0)
    FAIL("imports/exports changed:\n  before: %s\n  after:  %s", sig_before, sig_after);
  instantiate_and_run(store, loaded, "deserialized");

  // The same bytes load into another store of the same engine too.
  wasm_store_t *store2 = wasm_store_new(engine);
  wasm_module_t *loaded2 = wasm_module_deserialize(store2, &serialized);
  if (!loaded2) FAIL("deserialization into a second store failed");
  instantiate_and_run(store2, loaded2, "deserialized in another store");
  wasm_module_delete(loaded2);
  wasm_store_delete(store2);

  // Serializing the deserialized module gives a module that works as well.
  wasm_byte_vec_t again;
  wasm_module_serialize(loaded, &again);
  wasm_module_t *reloaded = wasm_module_deserialize(store, &again);
  if (!reloaded) FAIL("a second round of serialization failed");
  instantiate_and_run(store, reloaded, "serialized twice");
  wasm_module_delete(reloaded);
  wasm_byte_vec_delete(&again);
  wasm_module_delete(loaded);

  printf("serialize: bytes that are not a serialized module\n");
  wasm_byte_vec_t empty;
  wasm_byte_vec_new_empty(&empty);
  expect_refused(store, "an empty vector", &empty);
  wasm_byte_vec_delete(&empty);

  wasm_byte_vec_t garbage;
  wasm_byte_vec_new_uninitialized(&garbage, 4096);
  unsigned state = 12345;
  for (size_t i = 0; i < garbage.size; i++) {
    state = state * 1103515245u + 12345u;
    garbage.data[i] = (byte_t)(state >> 16);
  }
  expect_refused(store, "4096 pseudo-random bytes", &garbage);
  wasm_byte_vec_delete(&garbage);

  // The first byte changed: whatever format marker it starts with is broken.
  wasm_byte_vec_t damaged;
  wasm_byte_vec_copy(&damaged, &serialized);
  damaged.data[0] ^= 0x55;
  expect_refused(store, "a serialization with its first byte changed", &damaged);
  wasm_byte_vec_delete(&damaged);

  // Cut short: every prefix of the real serialization must be refused.
  // (Checked at a spread of lengths, to keep the run short.)
  size_t step = serialized.size / 64 + 1;
  size_t refused = 0;
  for (size_t len = 0; len < serialized.size; len += step) {
    wasm_byte_vec_t cut;
    wasm_byte_vec_new(&cut, len, serialized.data);
    wasm_module_t *m = wasm_module_deserialize(store, &cut);
    if (m) FAIL("a serialization cut to %zu of %zu bytes was accepted", len, serialized.size);
    wasm_byte_vec_delete(&cut);
    refused++;
  }
  printf("  %zu truncated copies: all refused\n", refused);

  // The store still works after all that.
  wasm_module_t *last = wasm_module_deserialize(store, &serialized);
  if (!last) FAIL("deserialization failed after the refusals");
  instantiate_and_run(store, last, "deserialized at the end");
  wasm_module_delete(last);

  wasm_byte_vec_delete(&serialized);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("serialize: ok\n");
  return 0;
}
