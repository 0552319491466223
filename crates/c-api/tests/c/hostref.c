// hostref: foreign objects travel through wasm as externrefs (globals,
// tables, parameters, results, and a host import in between) and come
// back as the same objects, with their host info. Funcrefs go out of wasm
// and back in. Null references work everywhere a reference does. Also
// covers wasm_ref_copy, wasm_ref_same, and the *_as_ref / wasm_ref_as_*
// conversions.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "hostref: " __VA_ARGS__);      \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

static int echo_calls = 0;

// host.echo: returns its argument. The result is owned by the caller, so
// it gets a copy.
static wasm_trap_t *echo(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  echo_calls++;
  if (args->data[0].kind != WASM_EXTERNREF) FAIL("echo got kind %d", args->data[0].kind);
  results->data[0].kind = WASM_EXTERNREF;
  results->data[0].of.ref = args->data[0].of.ref ? wasm_ref_copy(args->data[0].of.ref) : NULL;
  return NULL;
}

static wasm_trap_t *give_eleven(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 11;
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

static const wasm_module_t *the_module;
static wasm_extern_vec_t exports;

static wasm_extern_t *export_named(const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(the_module, &types);
  wasm_extern_t *found = NULL;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0)
      found = exports.data[i];
  }
  wasm_exporttype_vec_delete(&types);
  if (!found) FAIL("no export named %s", name);
  return found;
}

// Calls export `name`; arguments are borrowed. Returns the single result
// (owned by the caller) or a zero i32 for functions without one.
static wasm_val_t call(const char *name, wasm_val_t *argv, size_t argc) {
  const wasm_func_t *f = wasm_extern_as_func(export_named(name));
  if (!f) FAIL("%s is not a function", name);
  wasm_val_t out[1] = {WASM_I32_VAL(0)};
  wasm_val_vec_t args = {argc, argv};
  wasm_val_vec_t results = {wasm_func_result_arity(f), out};
  if (wasm_func_call(f, &args, &results)) FAIL("%s trapped", name);
  return out[0];
}

static wasm_val_t externref(wasm_ref_t *r) {
  wasm_val_t v = WASM_REF_VAL(r);
  return v;
}

// `got` (owned, may be NULL) must be the same object as `want` (or both
// null); deletes `got`.
static void expect_ref(const char *what, wasm_ref_t *got, const wasm_ref_t *want) {
  if (!want) {
    if (got) FAIL("%s: expected a null reference", what);
    return;
  }
  if (!got) FAIL("%s: got a null reference", what);
  if (!wasm_ref_same(got, want)) FAIL("%s: got another object", what);
  if (wasm_ref_get_host_info(got) != wasm_ref_get_host_info(want))
    FAIL("%s: the host info did not come along", what);
  wasm_ref_delete(got);
}

// Checks a returned externref value; takes ownership of it.
static void expect_val(const char *what, wasm_val_t got, const wasm_ref_t *want) {
  if (got.kind != WASM_EXTERNREF) FAIL("%s: kind %d, expected externref", what, got.kind);
  expect_ref(what, got.of.ref, want);
}

int main(void) {
  printf("hostref: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("hostref.wasm", &binary)) FAIL("cannot read hostref.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("hostref.wasm did not compile");
  the_module = module;

  wasm_functype_t *echo_type =
      wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
  wasm_func_t *echo_func = wasm_func_new(store, echo_type, echo);
  wasm_functype_delete(echo_type);
  wasm_extern_t *import_list[] = {wasm_func_as_extern(echo_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) FAIL("instantiation failed");
  wasm_instance_exports(instance, &exports);

  printf("hostref: foreign objects and their references\n");
  static int tag1, tag2;  // host info: just distinct addresses
  wasm_foreign_t *f1 = wasm_foreign_new(store);
  wasm_foreign_t *f2 = wasm_foreign_new(store);
  if (!f1 || !f2) FAIL("wasm_foreign_new failed");
  wasm_foreign_set_host_info(f1, &tag1);
  wasm_ref_set_host_info(wasm_foreign_as_ref(f2), &tag2);  // through the ref view
  if (wasm_foreign_get_host_info(f2) != &tag2) FAIL("host info set via the ref view is lost");
  const wasm_ref_t *r1 = wasm_foreign_as_ref_const(f1);
  wasm_ref_t *r2 = wasm_foreign_as_ref(f2);
  if (wasm_ref_get_host_info(r1) != &tag1) FAIL("host info via the ref view");
  if (wasm_ref_same(r1, r2)) FAIL("two foreign objects are the same");
  if (!wasm_ref_same(r1, r1)) FAIL("a reference is not the same as itself");
  if (!wasm_foreign_same(wasm_ref_as_foreign_const(r1), f1)) FAIL("ref back to foreign");
  if (!wasm_foreign_same(wasm_ref_as_foreign(r2), f2)) FAIL("mutable ref back to foreign");

  // Copies are the same object, and share the object's host info.
  wasm_ref_t *c1 = wasm_ref_copy(r1);
  if (!c1 || !wasm_ref_same(c1, r1)) FAIL("a copied ref is another object");
  if (wasm_ref_get_host_info(c1) != &tag1) FAIL("a copied ref has other host info");
  wasm_foreign_t *fc = wasm_ref_as_foreign(c1);
  if (!fc || !wasm_foreign_same(fc, f1)) FAIL("a copied ref's foreign view");
  wasm_ref_delete(c1);  // the original is unaffected
  if (wasm_foreign_get_host_info(f1) != &tag1) FAIL("deleting a copy touched the original");

  // A value holding a ref: wasm_val_copy copies the ref; wasm_val_delete drops it.
  wasm_val_t v = externref(wasm_ref_copy(r2)), v2;
  wasm_val_copy(&v2, &v);
  wasm_val_delete(&v);
  if (v2.kind != WASM_EXTERNREF || !wasm_ref_same(v2.of.ref, r2)) FAIL("wasm_val_copy of a ref");
  wasm_val_delete(&v2);

  printf("hostref: through a parameter and result, and the host import\n");
  wasm_val_t a[2];
  a[0] = externref(wasm_foreign_as_ref(f1));
  if (call("is_null", a, 1).of.i32 != 0) FAIL("a foreign object looks null to wasm");
  expect_val("via_host(f1)", call("via_host", a, 1), r1);
  a[0] = externref(NULL);
  if (call("is_null", a, 1).of.i32 != 1) FAIL("null does not look null to wasm");
  expect_val("via_host(null)", call("via_host", a, 1), NULL);
  if (echo_calls != 2) FAIL("echo called %d times", echo_calls);

  printf("hostref: through a global\n");
  wasm_global_t *slot = wasm_extern_as_global(export_named("slot"));
  expect_val("global at start", call("global_get", NULL, 0), NULL);
  a[0] = externref(r2);
  call("global_set", a, 1);
  expect_val("global set by wasm", call("global_get", NULL, 0), r2);
  wasm_val_t g;
  wasm_global_get(slot, &g);
  expect_val("global read by the host", g, r2);  // deletes g's ref
  wasm_val_t set = externref(wasm_foreign_as_ref(f1));
  wasm_global_set(slot, &set);
  expect_val("global set by the host", call("global_get", NULL, 0), r1);
  set = (wasm_val_t)WASM_REF_VAL(NULL);
  wasm_global_set(slot, &set);
  expect_val("global set to null", call("global_get", NULL, 0), NULL);
  wasm_global_get(slot, &g);
  if (g.kind != WASM_EXTERNREF || g.of.ref) FAIL("host reads a null global wrongly");
  wasm_val_delete(&g);  // harmless for a null reference

  printf("hostref: through a table\n");
  wasm_table_t *refs = wasm_extern_as_table(export_named("refs"));
  for (int32_t i = 0; i < 3; i++) {
    a[0] = (wasm_val_t)WASM_I32_VAL(i);
    expect_val("empty table slot", call("table_get", a, 1), NULL);
    expect_ref("empty slot read by the host", wasm_table_get(refs, (uint32_t)i), NULL);
  }
  a[0] = (wasm_val_t)WASM_I32_VAL(0);
  a[1] = externref(wasm_foreign_as_ref(f1));
  call("table_set", a, 2);
  a[0] = (wasm_val_t)WASM_I32_VAL(1);
  a[1] = externref(r2);
  call("table_set", a, 2);
  expect_ref("slot 0 read by the host", wasm_table_get(refs, 0), r1);
  expect_ref("slot 1 read by the host", wasm_table_get(refs, 1), r2);
  if (!wasm_table_set(refs, 2, wasm_foreign_as_ref(f2))) FAIL("host table_set");
  if (!wasm_table_set(refs, 0, NULL)) FAIL("host table_set null");
  a[0] = (wasm_val_t)WASM_I32_VAL(2);
  expect_val("slot 2 set by the host", call("table_get", a, 1), r2);
  a[0] = (wasm_val_t)WASM_I32_VAL(0);
  expect_val("slot 0 nulled by the host", call("table_get", a, 1), NULL);
  if (!wasm_table_grow(refs, 2, wasm_foreign_as_ref(f1))) FAIL("host table_grow with a ref");
  expect_ref("grown slot", wasm_table_get(refs, 4), r1);

  // Our handles can go now: wasm keeps the objects (and their host info).
  wasm_foreign_delete(f1);
  wasm_foreign_delete(f2);
  a[0] = (wasm_val_t)WASM_I32_VAL(4);
  wasm_val_t kept = call("table_get", a, 1);
  if (kept.kind != WASM_EXTERNREF || !kept.of.ref) FAIL("the table lost a foreign object");
  if (wasm_ref_get_host_info(kept.of.ref) != &tag1) FAIL("host info lost with the handle");
  wasm_foreign_t *back = wasm_ref_as_foreign(kept.of.ref);
  if (!back || wasm_foreign_get_host_info(back) != &tag1) FAIL("a ref from wasm as a foreign");
  wasm_val_delete(&kept);

  printf("hostref: function references\n");
  const wasm_func_t *seven = wasm_extern_as_func(export_named("seven"));
  wasm_val_t fr = call("get_seven", NULL, 0);
  if (fr.kind != WASM_FUNCREF || !fr.of.ref) FAIL("get_seven returned kind %d", fr.kind);
  if (!wasm_ref_same(fr.of.ref, wasm_func_as_ref_const(seven))) FAIL("funcref is not seven");
  wasm_func_t *as_func = wasm_ref_as_func(fr.of.ref);
  if (!as_func) FAIL("wasm_ref_as_func returned NULL");
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_t out[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(out);
  if (wasm_func_call(as_func, &none, &results) || out[0].of.i32 != 7) FAIL("calling the funcref");
  // Back into wasm: call_funcref(seven) and call_funcref(a host function).
  wasm_val_t fa[1] = {{.kind = WASM_FUNCREF, .of = {.ref = fr.of.ref}}};
  if (call("call_funcref", fa, 1).of.i32 != 7) FAIL("call_funcref(seven)");
  wasm_val_delete(&fr);
  wasm_functype_t *give_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t *eleven = wasm_func_new(store, give_type, give_eleven);
  wasm_functype_delete(give_type);
  fa[0].of.ref = wasm_func_as_ref(eleven);
  if (call("call_funcref", fa, 1).of.i32 != 11) FAIL("call_funcref(host function)");
  if (wasm_func_same(wasm_ref_as_func(wasm_func_as_ref(eleven)), eleven) == false)
    FAIL("func -> ref -> func is another function");

  wasm_func_delete(eleven);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(echo_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("hostref: ok\n");
  return 0;
}
