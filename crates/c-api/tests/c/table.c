// table: a funcref table exported by a module and one made by the host
// (wasm_table_new) and imported. The host reads, writes and grows both;
// wasm calls through them with call_indirect. Null entries, entries of
// the wrong type and indices past the end must trap; host accesses past
// the end must fail.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "table: " __VA_ARGS__);        \
    fputc('\n', stderr);                           \
    exit(1);                                       \
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

static const wasm_module_t *the_module;
static const wasm_extern_vec_t *the_exports;

static wasm_extern_t *export_named(const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(the_module, &types);
  wasm_extern_t *found = NULL;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0)
      found = the_exports->data[i];
  }
  wasm_exporttype_vec_delete(&types);
  if (!found) FAIL("no export named %s", name);
  return found;
}

static wasm_func_t *export_func(const char *name) {
  wasm_func_t *f = wasm_extern_as_func(export_named(name));
  if (!f) FAIL("%s is not a function", name);
  return f;
}

// Calls `f` with i32 arguments; returns a trap or stores the i32 result.
static wasm_trap_t *call(const wasm_func_t *f, size_t argc, int32_t a0, int32_t a1,
                         int32_t *out) {
  wasm_val_t in[2] = {WASM_I32_VAL(a0), WASM_I32_VAL(a1)};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {argc, in};
  wasm_val_vec_t results = {wasm_func_result_arity(f), res};
  wasm_trap_t *trap = wasm_func_call(f, &args, &results);
  if (!trap && out) *out = res[0].of.i32;
  return trap;
}

static int32_t call_ok(const char *name, size_t argc, int32_t a0, int32_t a1) {
  int32_t r = 0;
  wasm_trap_t *trap = call(export_func(name), argc, a0, a1, &r);
  if (trap) FAIL("%s(%d, %d) trapped", name, a0, a1);
  return r;
}

// A call that must trap; `expect` (if not NULL) must be in its message.
static void call_traps(const char *name, int32_t a0, int32_t a1, const char *expect) {
  wasm_trap_t *trap = call(export_func(name), 2, a0, a1, NULL);
  if (!trap) FAIL("%s(%d, %d) did not trap", name, a0, a1);
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  if (msg.size == 0 || msg.data[msg.size - 1] != '\0') FAIL("trap message not NUL-terminated");
  if (expect && !strstr(msg.data, expect))
    FAIL("%s(%d, %d): message \"%s\" lacks \"%s\"", name, a0, a1, msg.data, expect);
  printf("  %s(%d, %d) trapped: %s\n", name, a0, a1, msg.data);
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(trap);
}

// Checks that slot `i` of `t` holds `f` (or a null reference if f is NULL).
static void expect_slot(const wasm_table_t *t, uint32_t i, const wasm_func_t *f) {
  wasm_ref_t *r = wasm_table_get(t, i);
  if (!f) {
    if (r) FAIL("slot %u should be null", i);
    return;
  }
  if (!r) FAIL("slot %u is null", i);
  if (!wasm_ref_same(r, wasm_func_as_ref_const(f))) FAIL("slot %u holds another function", i);
  // A funcref read from a table can be called as a function.
  const wasm_func_t *g = wasm_ref_as_func_const(r);
  if (!g) FAIL("wasm_ref_as_func of slot %u returned NULL", i);
  wasm_ref_delete(r);
}

static wasm_trap_t *plus_hundred(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 100;
  return NULL;
}

static void check_type(const wasm_table_t *t, uint32_t min, uint32_t max) {
  wasm_tabletype_t *type = wasm_table_type(t);
  if (wasm_valtype_kind(wasm_tabletype_element(type)) != WASM_FUNCREF)
    FAIL("table element is not funcref");
  const wasm_limits_t *lim = wasm_tabletype_limits(type);
  if (lim->min != min || lim->max != max)
    FAIL("table limits %u..%u, expected %u..%u", lim->min, lim->max, min, max);
  wasm_tabletype_delete(type);
}

int main(void) {
  printf("table: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("table.wasm", &binary)) FAIL("cannot read table.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("table.wasm did not compile");

  // A host function of the table's type, (i32) -> i32.
  wasm_functype_t *unary = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t *host_fn = wasm_func_new(store, unary, plus_hundred);

  // The host's table: 2 slots (at most 10), all starting as host_fn.
  wasm_limits_t host_limits = {2, 10};
  wasm_tabletype_t *host_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &host_limits);
  wasm_table_t *host_table = wasm_table_new(store, host_type, wasm_func_as_ref(host_fn));
  wasm_tabletype_delete(host_type);
  if (!host_table) FAIL("wasm_table_new failed");
  check_type(host_table, 2, 10);
  if (wasm_table_size(host_table) != 2) FAIL("new host table has the wrong size");
  expect_slot(host_table, 0, host_fn);
  expect_slot(host_table, 1, host_fn);

  wasm_extern_t *import_list[] = {wasm_table_as_extern(host_table)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) FAIL("instantiation failed");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  the_module = module;
  the_exports = &exports;

  wasm_table_t *table = wasm_extern_as_table(export_named("table"));
  if (!table) FAIL("the table export is not a table");
  wasm_func_t *dbl = export_func("double"), *neg = export_func("negate"),
              *add = export_func("add");

  printf("table: the module's table as instantiated\n");
  check_type(table, 3, 5);
  if (wasm_table_size(table) != 3) FAIL("table size %u", wasm_table_size(table));
  expect_slot(table, 0, NULL);
  expect_slot(table, 1, dbl);
  expect_slot(table, 2, NULL);
  if (call_ok("call_own", 2, 21, 1) != 42) FAIL("call_indirect through slot 1");
  call_traps("call_own", 1, 0, "uninitialized");  // null entry
  call_traps("call_own", 1, 3, NULL);             // past the end
  call_traps("call_own", 1, -1, NULL);

  // Call the funcref taken from the table directly.
  wasm_ref_t *r = wasm_table_get(table, 1);
  int32_t out = 0;
  if (call(wasm_ref_as_func(r), 1, 8, 0, &out) || out != 16) FAIL("calling a table's funcref");
  wasm_ref_delete(r);

  printf("table: the host writes entries\n");
  if (!wasm_table_set(table, 0, wasm_func_as_ref(neg))) FAIL("table set failed");
  expect_slot(table, 0, neg);
  if (call_ok("call_own", 2, 7, 0) != -7) FAIL("call through a host-set entry");
  if (!wasm_table_set(table, 2, wasm_func_as_ref(host_fn))) FAIL("setting a host function");
  if (call_ok("call_own", 2, 5, 2) != 105) FAIL("call_indirect to a host function");
  // The wrong signature: stored fine, but calling it as $unary traps.
  if (!wasm_table_set(table, 2, wasm_func_as_ref(add))) FAIL("setting add failed");
  call_traps("call_own", 5, 2, "mismatch");
  // Back to null.
  if (!wasm_table_set(table, 0, NULL)) FAIL("setting null failed");
  expect_slot(table, 0, NULL);
  if (call_ok("is_null_own", 1, 0, 0) != 1 || call_ok("is_null_own", 1, 1, 0) != 0)
    FAIL("wasm sees the wrong null entries");
  // Past the end: refused, and nothing returned.
  if (wasm_table_set(table, 3, wasm_func_as_ref(dbl))) FAIL("set past the end succeeded");
  if (wasm_table_get(table, 3) != NULL) FAIL("get past the end returned a ref");

  printf("table: growing\n");
  if (!wasm_table_grow(table, 2, wasm_func_as_ref(dbl))) FAIL("growing to the maximum failed");
  if (wasm_table_size(table) != 5 || call_ok("size_own", 0, 0, 0) != 5) FAIL("size after growing");
  expect_slot(table, 3, dbl);
  expect_slot(table, 4, dbl);
  if (call_ok("call_own", 2, 4, 4) != 8) FAIL("calling a grown slot");
  if (wasm_table_grow(table, 1, NULL)) FAIL("growing past the maximum succeeded");
  if (wasm_table_size(table) != 5) FAIL("a failed grow changed the size");
  if (!wasm_table_grow(table, 0, NULL)) FAIL("growing by 0 failed");

  printf("table: the host-made table, imported\n");
  if (call_ok("size_host", 0, 0, 0) != 2) FAIL("wasm sees the wrong host table size");
  if (call_ok("call_host", 2, 1, 1) != 101) FAIL("call_indirect through the host table");
  if (!wasm_table_set(host_table, 0, wasm_func_as_ref(neg))) FAIL("set in host table");
  if (call_ok("call_host", 2, 9, 0) != -9) FAIL("call after setting the host table");
  // Grow with null entries: wasm sees the new size, and the new slots trap.
  if (!wasm_table_grow(host_table, 3, NULL)) FAIL("growing the host table");
  if (call_ok("size_host", 0, 0, 0) != 5) FAIL("wasm missed the host table's growth");
  expect_slot(host_table, 4, NULL);
  call_traps("call_host", 1, 4, "uninitialized");
  call_traps("call_host", 1, 5, NULL);
  if (wasm_table_grow(host_table, 6, NULL)) FAIL("host table grew past its maximum");
  if (wasm_table_same(table, host_table)) FAIL("the two tables are the same object");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  // The host table keeps its entries (and host_fn) alive without the instance.
  expect_slot(host_table, 1, host_fn);
  wasm_table_delete(host_table);
  wasm_func_delete(host_fn);
  wasm_functype_delete(unary);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("table: ok\n");
  return 0;
}
