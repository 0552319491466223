// anyref: GC values (structs and i31s) come out of wasm as KILN_ANYREF
// references, and go back in as parameters, through a table and a global,
// still the same values; collections in between do not free what C holds.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln.h"
#include "wasm.h"

#define FAIL(...)                             \
  do {                                        \
    fprintf(stderr, "anyref: " __VA_ARGS__);  \
    fputc('\n', stderr);                      \
    exit(1);                                  \
  } while (0)

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

static wasm_extern_vec_t exports;

static wasm_func_t *export_func(size_t i) {
  wasm_func_t *f = wasm_extern_as_func(exports.data[i]);
  if (!f) FAIL("export %zu is not a function", i);
  return f;
}

// Calls a one-parameter, one-result export; `result` is the caller's.
static void call1(size_t i, wasm_val_t arg, wasm_val_t *result) {
  wasm_val_t args[1] = {arg};
  wasm_val_vec_t params = WASM_ARRAY_VEC(args);
  wasm_val_vec_t results = {1, result};
  wasm_trap_t *trap = wasm_func_call(export_func(i), &params, &results);
  if (trap) {
    wasm_message_t msg;
    wasm_trap_message(trap, &msg);
    FAIL("export %zu trapped: %.*s", i, (int)msg.size, msg.data);
  }
}

// What `read` says of an anyref (borrowed).
static int32_t read_any(wasm_ref_t *r) {
  wasm_val_t arg = {.kind = KILN_ANYREF, .of = {.ref = r}};
  wasm_val_t result;
  call1(4, arg, &result);
  if (result.kind != WASM_I32) FAIL("read gave kind %d", result.kind);
  return result.of.i32;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("anyref.wasm", &binary)) FAIL("cannot read anyref.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("cannot compile the module");
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) FAIL("cannot instantiate");
  wasm_instance_exports(instance, &exports);
  if (exports.size != 6) FAIL("%zu exports", exports.size);
  // 0 objs, 1 held, 2 make, 3 small, 4 read, 5 churn

  wasm_val_t box;
  call1(2, (wasm_val_t)WASM_I32_VAL(41), &box);
  if (box.kind != KILN_ANYREF || !box.of.ref) FAIL("make gave kind %d", box.kind);
  wasm_val_t small;
  call1(3, (wasm_val_t)WASM_I32_VAL(-7), &small);
  if (small.kind != KILN_ANYREF || !small.of.ref) FAIL("small gave kind %d", small.kind);

  // Allocate many boxes, so collections run while C holds `box`.
  wasm_val_vec_t no_results = WASM_EMPTY_VEC;
  wasm_val_t count[1] = {WASM_I32_VAL(1000000)};
  wasm_val_vec_t churn_args = WASM_ARRAY_VEC(count);
  wasm_trap_t *trap = wasm_func_call(export_func(5), &churn_args, &no_results);
  if (trap) FAIL("churn trapped");

  if (read_any(box.of.ref) != 41) FAIL("the box reads %d", read_any(box.of.ref));
  if (read_any(small.of.ref) != -7) FAIL("the i31 reads %d", read_any(small.of.ref));
  if (read_any(NULL) != -1) FAIL("null reads %d", read_any(NULL));

  wasm_ref_t *copy = wasm_ref_copy(box.of.ref);
  if (!wasm_ref_same(copy, box.of.ref)) FAIL("a copy is not the same reference");
  if (wasm_ref_same(copy, small.of.ref)) FAIL("a box is the same as an i31");

  // Through a table.
  wasm_table_t *objs = wasm_extern_as_table(exports.data[0]);
  if (!objs) FAIL("objs is not a table");
  if (!wasm_table_set(objs, 1, copy)) FAIL("cannot put the box in the table");
  wasm_ref_delete(copy);
  wasm_ref_t *back = wasm_table_get(objs, 1);
  if (!back || !wasm_ref_same(back, box.of.ref)) FAIL("the table gave another reference");
  if (read_any(back) != 41) FAIL("the box from the table reads %d", read_any(back));
  wasm_ref_delete(back);
  if (wasm_table_get(objs, 0) != NULL) FAIL("an empty slot is not null");

  // Through a global.
  wasm_global_t *held = wasm_extern_as_global(exports.data[1]);
  if (!held) FAIL("held is not a global");
  wasm_global_set(held, &small);
  wasm_val_t got;
  wasm_global_get(held, &got);
  if (got.kind != KILN_ANYREF || !got.of.ref) FAIL("the global gave kind %d", got.kind);
  if (read_any(got.of.ref) != -7) FAIL("the i31 from the global reads %d", read_any(got.of.ref));
  wasm_val_delete(&got);

  // A foreign object is not an anyref.
  wasm_foreign_t *foreign = wasm_foreign_new(store);
  wasm_val_t wrong = {.kind = KILN_ANYREF, .of = {.ref = wasm_foreign_as_ref(foreign)}};
  wasm_val_t ignored = WASM_I32_VAL(0);
  wasm_val_t wrong_args[1] = {wrong};
  wasm_val_vec_t wrong_params = WASM_ARRAY_VEC(wrong_args);
  wasm_val_vec_t one_result = {1, &ignored};
  trap = wasm_func_call(export_func(4), &wrong_params, &one_result);
  if (!trap) FAIL("a foreign object passed as an anyref");
  wasm_trap_delete(trap);
  wasm_foreign_delete(foreign);

  wasm_val_delete(&box);
  wasm_val_delete(&small);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("anyref: ok\n");
  return 0;
}
