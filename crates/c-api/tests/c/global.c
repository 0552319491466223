// global: host-made globals imported by a module, the module's own
// exported globals, constant and mutable, for i32, i64, f32 and f64.
// Each value written on one side must be read back on the other, and
// every global's type must report its content kind and mutability.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "global: " __VA_ARGS__);       \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

// The values used for one number type.
struct kind_case {
  const char *name;       // "i32", ...: the suffix of the module's names
  wasm_valkind_t kind;
  wasm_val_t host_const;  // host.const_T
  wasm_val_t host_var;    // host.var_T's first value
  wasm_val_t wasm_const;  // the module's const_T (see global.wat)
  wasm_val_t wasm_var;    // the module's var_T's first value
  wasm_val_t by_host;     // written by the host
  wasm_val_t by_wasm;     // written by wasm
};

static const struct kind_case cases[] = {
    {"i32", WASM_I32, WASM_I32_VAL(11), WASM_I32_VAL(21), WASM_I32_VAL(31),
     WASM_I32_VAL(41), WASM_I32_VAL(-51), WASM_I32_VAL(0x7fffffff)},
    {"i64", WASM_I64, WASM_I64_VAL(0x100000011LL), WASM_I64_VAL(-21),
     WASM_I64_VAL(0x7ffffffffffffff1LL), WASM_I64_VAL(-41000000000LL),
     WASM_I64_VAL(INT64_MIN), WASM_I64_VAL(0x123456789abcLL)},
    {"f32", WASM_F32, WASM_F32_VAL(1.5f), WASM_F32_VAL(-3.5f), WASM_F32_VAL(6.25f),
     WASM_F32_VAL(8.5f), WASM_F32_VAL(1e30f), WASM_F32_VAL(-0.125f)},
    {"f64", WASM_F64, WASM_F64_VAL(2.25), WASM_F64_VAL(1e100), WASM_F64_VAL(-7.125),
     WASM_F64_VAL(9.75), WASM_F64_VAL(-1e-300), WASM_F64_VAL(3.0625)},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static bool same_val(const wasm_val_t *a, const wasm_val_t *b) {
  if (a->kind != b->kind) return false;
  switch (a->kind) {
    case WASM_I32: return a->of.i32 == b->of.i32;
    case WASM_I64: return a->of.i64 == b->of.i64;
    case WASM_F32: return a->of.f32 == b->of.f32;
    case WASM_F64: return a->of.f64 == b->of.f64;
    default: return false;
  }
}

static void expect_val(const char *what, const wasm_val_t *got, const wasm_val_t *want) {
  if (!same_val(got, want))
    FAIL("%s: got kind %d value %g, expected kind %d value %g", what, got->kind,
         got->kind == WASM_I32 ? (double)got->of.i32 : got->kind == WASM_I64 ? (double)got->of.i64
         : got->kind == WASM_F32 ? (double)got->of.f32 : got->of.f64,
         want->kind,
         want->kind == WASM_I32 ? (double)want->of.i32 : want->kind == WASM_I64 ? (double)want->of.i64
         : want->kind == WASM_F32 ? (double)want->of.f32 : want->of.f64);
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

// The instance's export called `prefix` + `suffix` (the instance's exports
// come in the order of the module's export types).
static wasm_extern_t *find_export(const wasm_exporttype_vec_t *types,
                                  const wasm_extern_vec_t *exports,
                                  const char *prefix, const char *suffix) {
  char name[64];
  snprintf(name, sizeof name, "%s%s", prefix, suffix);
  for (size_t i = 0; i < types->size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types->data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0)
      return exports->data[i];
  }
  FAIL("no export named %s", name);
}

static void check_type(const char *what, const wasm_global_t *g, wasm_valkind_t kind,
                       wasm_mutability_t mut) {
  wasm_globaltype_t *type = wasm_global_type(g);
  if (!type) FAIL("%s: wasm_global_type returned NULL", what);
  if (wasm_valtype_kind(wasm_globaltype_content(type)) != kind)
    FAIL("%s: content kind is %d, expected %d", what,
         wasm_valtype_kind(wasm_globaltype_content(type)), kind);
  if (wasm_globaltype_mutability(type) != mut)
    FAIL("%s: mutability is %d, expected %d", what, wasm_globaltype_mutability(type), mut);
  wasm_globaltype_delete(type);
}

static wasm_global_t *new_global(wasm_store_t *store, wasm_valkind_t kind,
                                 wasm_mutability_t mut, const wasm_val_t *init) {
  wasm_globaltype_t *type = wasm_globaltype_new(wasm_valtype_new(kind), mut);
  wasm_global_t *g = wasm_global_new(store, type, init);
  wasm_globaltype_delete(type);
  if (!g) FAIL("wasm_global_new failed for kind %d", kind);
  return g;
}

static wasm_val_t wasm_get(const wasm_func_t *f) {
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_t out[] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(out);
  if (wasm_func_call(f, &args, &results)) FAIL("a getter trapped");
  return out[0];
}

static void wasm_set(const wasm_func_t *f, wasm_val_t v) {
  wasm_val_t in[] = {v};
  wasm_val_vec_t args = WASM_ARRAY_VEC(in);
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  if (wasm_func_call(f, &args, &results)) FAIL("a setter trapped");
}

static wasm_val_t host_get(const wasm_global_t *g) {
  wasm_val_t v;
  wasm_global_get(g, &v);
  return v;  // a number: nothing to delete
}

int main(void) {
  printf("global: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("global.wasm", &binary)) FAIL("cannot read global.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("global.wasm did not compile");

  // The host's globals, in the module's import order: const_T, var_T per T.
  wasm_global_t *host_const[NCASES], *host_var[NCASES];
  wasm_extern_t *import_list[2 * NCASES];
  for (size_t i = 0; i < NCASES; i++) {
    host_const[i] = new_global(store, cases[i].kind, WASM_CONST, &cases[i].host_const);
    host_var[i] = new_global(store, cases[i].kind, WASM_VAR, &cases[i].host_var);
    check_type("host const", host_const[i], cases[i].kind, WASM_CONST);
    check_type("host var", host_var[i], cases[i].kind, WASM_VAR);
    wasm_val_t v = host_get(host_const[i]);
    expect_val("host const read back", &v, &cases[i].host_const);
    import_list[2 * i] = wasm_global_as_extern(host_const[i]);
    import_list[2 * i + 1] = wasm_global_as_extern(host_var[i]);
  }
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance || trap) FAIL("instantiation failed");

  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  if (types.size != exports.size) FAIL("export counts differ");

  for (size_t i = 0; i < NCASES; i++) {
    const struct kind_case *c = &cases[i];
    printf("global: %s\n", c->name);
    wasm_global_t *wconst = wasm_extern_as_global(find_export(&types, &exports, "const_", c->name));
    wasm_global_t *wvar = wasm_extern_as_global(find_export(&types, &exports, "var_", c->name));
    wasm_global_t *reexp =
        wasm_extern_as_global(find_export(&types, &exports, "imported_var_", c->name));
    if (!wconst || !wvar || !reexp) FAIL("a global export is not a global");
    check_type("exported const", wconst, c->kind, WASM_CONST);
    check_type("exported var", wvar, c->kind, WASM_VAR);
    check_type("re-exported var", reexp, c->kind, WASM_VAR);
    if (!wasm_global_same(reexp, host_var[i]))
      FAIL("the re-exported import is not the host's global");

#define FN(prefix) wasm_extern_as_func(find_export(&types, &exports, prefix, c->name))
    const wasm_func_t *get_ci = FN("get_ci_"), *get_vi = FN("get_vi_"),
                      *set_vi = FN("set_vi_"), *get_ce = FN("get_ce_"),
                      *get_ve = FN("get_ve_"), *set_ve = FN("set_ve_");
#undef FN

    // Starting values, seen from both sides.
    wasm_val_t v;
    v = host_get(wconst); expect_val("host reads const_T", &v, &c->wasm_const);
    v = wasm_get(get_ce); expect_val("wasm reads const_T", &v, &c->wasm_const);
    v = host_get(wvar); expect_val("host reads var_T", &v, &c->wasm_var);
    v = wasm_get(get_ve); expect_val("wasm reads var_T", &v, &c->wasm_var);
    v = wasm_get(get_ci); expect_val("wasm reads host const", &v, &c->host_const);
    v = wasm_get(get_vi); expect_val("wasm reads host var", &v, &c->host_var);
    v = host_get(reexp); expect_val("host reads re-export", &v, &c->host_var);

    // The host writes its own global; wasm sees it.
    wasm_global_set(host_var[i], &c->by_host);
    v = wasm_get(get_vi); expect_val("wasm sees host's write to host var", &v, &c->by_host);
    v = host_get(reexp); expect_val("re-export sees host's write", &v, &c->by_host);
    // Wasm writes the host's global; the host sees it.
    wasm_set(set_vi, c->by_wasm);
    v = host_get(host_var[i]); expect_val("host sees wasm's write to host var", &v, &c->by_wasm);

    // The same with the module's own mutable global.
    wasm_global_set(wvar, &c->by_host);
    v = wasm_get(get_ve); expect_val("wasm sees host's write to var_T", &v, &c->by_host);
    wasm_set(set_ve, c->by_wasm);
    v = host_get(wvar); expect_val("host sees wasm's write to var_T", &v, &c->by_wasm);

    // Writing through the re-export reaches the host's own handle.
    wasm_global_set(reexp, &c->host_var);
    v = host_get(host_var[i]); expect_val("write via re-export", &v, &c->host_var);

    // Constants never moved.
    v = host_get(host_const[i]); expect_val("host const unchanged", &v, &c->host_const);
    v = wasm_get(get_ce); expect_val("const_T unchanged", &v, &c->wasm_const);
  }

  // A constant initialised by another (imported) constant.
  wasm_global_t *derived = wasm_extern_as_global(find_export(&types, &exports, "derived_", "i32"));
  if (!derived) FAIL("derived_i32 is not a global");
  wasm_val_t v = host_get(derived);
  expect_val("derived_i32", &v, &cases[0].host_const);

  // Extern views of a global agree with the global.
  const wasm_extern_t *as_ext = wasm_global_as_extern_const(derived);
  if (wasm_extern_kind(as_ext) != WASM_EXTERN_GLOBAL) FAIL("extern kind of a global");
  if (wasm_extern_as_global_const(as_ext) == NULL) FAIL("extern back to global");
  if (wasm_extern_as_func_const(as_ext) != NULL) FAIL("a global's extern became a func");

  wasm_extern_vec_delete(&exports);
  wasm_exporttype_vec_delete(&types);
  wasm_instance_delete(instance);
  for (size_t i = 0; i < NCASES; i++) {
    wasm_global_delete(host_const[i]);
    wasm_global_delete(host_var[i]);
  }
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("global: ok\n");
  return 0;
}
