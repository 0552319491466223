// reflect: what a module says about its imports and exports. Every
// importtype and exporttype is checked field by field (names, extern
// kinds, function signatures, global content and mutability, table
// element types and limits, memory limits). The imports are then made
// from the reflected types themselves, and the instance's exports must
// have the kinds and types the module declared.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "reflect: " __VA_ARGS__);      \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

#define NO_MAX 0xffffffffu

// One expected import or export, described as text so it is easy to read:
// "func i32,f64 -> i64", "global var f32", "table externref 1 10",
// "memory 1 -" (a dash for no maximum).
struct expected {
  const char *module;  // NULL for exports
  const char *name;
  const char *type;
};

static const struct expected want_imports[] = {
    {"env", "callback", "func i32,f64 -> i64"},
    {"env", "counter", "global var f32"},
    {"env", "refs", "table externref 1 10"},
    {"other module", "heap", "memory 1 -"},
};
static const struct expected want_exports[] = {
    {NULL, "pairs", "func i64,f32 -> i32,f64,i64"},
    {NULL, "nothing", "func  -> "},
    {NULL, "answer", "global const i64"},
    {NULL, "knob", "global var f64"},
    {NULL, "funcs", "table funcref 2 -"},
    {NULL, "mem", "memory 1 5"},
};

static const char *kind_name(wasm_valkind_t k) {
  switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_EXTERNREF: return "externref";
    case WASM_FUNCREF: return "funcref";
    default: return "?";
  }
}

static void append_kinds(char *buf, size_t cap, const wasm_valtype_vec_t *v) {
  for (size_t i = 0; i < v->size; i++) {
    if (i) strncat(buf, ",", cap - strlen(buf) - 1);
    strncat(buf, kind_name(wasm_valtype_kind(v->data[i])), cap - strlen(buf) - 1);
  }
}

static void append_limits(char *buf, size_t cap, const wasm_limits_t *lim) {
  char tmp[32];
  if (lim->max == NO_MAX)
    snprintf(tmp, sizeof tmp, " %u -", lim->min);
  else
    snprintf(tmp, sizeof tmp, " %u %u", lim->min, lim->max);
  strncat(buf, tmp, cap - strlen(buf) - 1);
}

// Describes an extern type in the format of `struct expected`, going
// through the checked conversions (which must refuse the wrong kinds).
static void describe(const wasm_externtype_t *t, char *buf, size_t cap) {
  buf[0] = '\0';
  const wasm_functype_t *ft = wasm_externtype_as_functype_const(t);
  const wasm_globaltype_t *gt = wasm_externtype_as_globaltype_const(t);
  const wasm_tabletype_t *tt = wasm_externtype_as_tabletype_const(t);
  const wasm_memorytype_t *mt = wasm_externtype_as_memorytype_const(t);
  int views = (ft != NULL) + (gt != NULL) + (tt != NULL) + (mt != NULL);
  if (views != 1) FAIL("an extern type converts to %d kinds of type", views);
  switch (wasm_externtype_kind(t)) {
    case WASM_EXTERN_FUNC:
      if (!ft) FAIL("a func extern type is not a functype");
      if (wasm_functype_as_externtype_const(ft) == NULL) FAIL("functype back to externtype");
      strncat(buf, "func ", cap - 1);
      append_kinds(buf, cap, wasm_functype_params(ft));
      strncat(buf, " -> ", cap - strlen(buf) - 1);
      append_kinds(buf, cap, wasm_functype_results(ft));
      break;
    case WASM_EXTERN_GLOBAL:
      if (!gt) FAIL("a global extern type is not a globaltype");
      if (wasm_globaltype_as_externtype_const(gt) == NULL) FAIL("globaltype back to externtype");
      snprintf(buf, cap, "global %s %s",
               wasm_globaltype_mutability(gt) == WASM_VAR ? "var" : "const",
               kind_name(wasm_valtype_kind(wasm_globaltype_content(gt))));
      break;
    case WASM_EXTERN_TABLE:
      if (!tt) FAIL("a table extern type is not a tabletype");
      if (wasm_tabletype_as_externtype_const(tt) == NULL) FAIL("tabletype back to externtype");
      snprintf(buf, cap, "table %s", kind_name(wasm_valtype_kind(wasm_tabletype_element(tt))));
      append_limits(buf, cap, wasm_tabletype_limits(tt));
      break;
    case WASM_EXTERN_MEMORY:
      if (!mt) FAIL("a memory extern type is not a memorytype");
      if (wasm_memorytype_as_externtype_const(mt) == NULL) FAIL("memorytype back to externtype");
      snprintf(buf, cap, "memory");
      append_limits(buf, cap, wasm_memorytype_limits(mt));
      break;
    default:
      FAIL("unknown extern kind %d", wasm_externtype_kind(t));
  }
}

static bool name_is(const wasm_name_t *n, const char *s) {
  return n->size == strlen(s) && memcmp(n->data, s, n->size) == 0;
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

static wasm_trap_t *callback(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  results->data[0].kind = WASM_I64;
  results->data[0].of.i64 = 0;
  return NULL;
}

// A host object made for an import: its extern view, and the object
// itself (the pointer that wasm_*_new returned, which is what we delete).
struct made {
  wasm_extern_t *ext;
  wasm_func_t *func;
  wasm_global_t *global;
  wasm_table_t *table;
  wasm_memory_t *memory;
};

// Makes a host object matching an import's type, built from the type itself.
static struct made make_import(wasm_store_t *store, const wasm_externtype_t *t) {
  struct made m = {0};
  switch (wasm_externtype_kind(t)) {
    case WASM_EXTERN_FUNC:
      m.func = wasm_func_new(store, wasm_externtype_as_functype_const(t), callback);
      if (m.func) m.ext = wasm_func_as_extern(m.func);
      break;
    case WASM_EXTERN_GLOBAL: {
      wasm_val_t zero = WASM_F32_VAL(0.0f);
      m.global = wasm_global_new(store, wasm_externtype_as_globaltype_const(t), &zero);
      if (m.global) m.ext = wasm_global_as_extern(m.global);
      break;
    }
    case WASM_EXTERN_TABLE:
      m.table = wasm_table_new(store, wasm_externtype_as_tabletype_const(t), NULL);
      if (m.table) m.ext = wasm_table_as_extern(m.table);
      break;
    case WASM_EXTERN_MEMORY:
      m.memory = wasm_memory_new(store, wasm_externtype_as_memorytype_const(t));
      if (m.memory) m.ext = wasm_memory_as_extern(m.memory);
      break;
    default:
      FAIL("cannot make an import of kind %d", wasm_externtype_kind(t));
  }
  if (!m.ext) FAIL("could not make an import of kind %d", wasm_externtype_kind(t));
  return m;
}

static void delete_made(struct made *m) {
  if (m->func) wasm_func_delete(m->func);
  if (m->global) wasm_global_delete(m->global);
  if (m->table) wasm_table_delete(m->table);
  if (m->memory) wasm_memory_delete(m->memory);
}

int main(void) {
  printf("reflect: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("reflect.wasm", &binary)) FAIL("cannot read reflect.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("reflect.wasm did not compile");
  char desc[128];

  printf("reflect: imports\n");
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  size_t nimports = sizeof want_imports / sizeof want_imports[0];
  if (imports.size != nimports) FAIL("%zu imports, expected %zu", imports.size, nimports);
  for (size_t i = 0; i < imports.size; i++) {
    const wasm_importtype_t *it = imports.data[i];
    if (!name_is(wasm_importtype_module(it), want_imports[i].module) ||
        !name_is(wasm_importtype_name(it), want_imports[i].name))
      FAIL("import %zu is not %s.%s", i, want_imports[i].module, want_imports[i].name);
    describe(wasm_importtype_type(it), desc, sizeof desc);
    if (strcmp(desc, want_imports[i].type) != 0)
      FAIL("import %s: type \"%s\", expected \"%s\"", want_imports[i].name, desc, want_imports[i].type);
    printf("  import %s.%s: %s\n", want_imports[i].module, want_imports[i].name, desc);
  }

  printf("reflect: exports\n");
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  size_t nexports = sizeof want_exports / sizeof want_exports[0];
  if (exports.size != nexports) FAIL("%zu exports, expected %zu", exports.size, nexports);
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_exporttype_t *et = exports.data[i];
    if (!name_is(wasm_exporttype_name(et), want_exports[i].name))
      FAIL("export %zu is not %s", i, want_exports[i].name);
    describe(wasm_exporttype_type(et), desc, sizeof desc);
    if (strcmp(desc, want_exports[i].type) != 0)
      FAIL("export %s: type \"%s\", expected \"%s\"", want_exports[i].name, desc, want_exports[i].type);
    printf("  export %s: %s\n", want_exports[i].name, desc);
  }

  printf("reflect: instantiating with imports made from the import types\n");
  struct made made[4];
  wasm_extern_t *made_ext[4];
  for (size_t i = 0; i < nimports; i++) {
    made[i] = make_import(store, wasm_importtype_type(imports.data[i]));
    made_ext[i] = made[i].ext;
    if (wasm_extern_kind(made_ext[i]) != wasm_externtype_kind(wasm_importtype_type(imports.data[i])))
      FAIL("import %zu: the host object has another kind", i);
    // The object's own type must describe the same as the import's.
    wasm_externtype_t *own_type = wasm_extern_type(made_ext[i]);
    char own_desc[128];
    describe(own_type, own_desc, sizeof own_desc);
    describe(wasm_importtype_type(imports.data[i]), desc, sizeof desc);
    if (strcmp(own_desc, desc) != 0) FAIL("host object type \"%s\" vs import \"%s\"", own_desc, desc);
    wasm_externtype_delete(own_type);
  }
  wasm_extern_vec_t import_vec = {nimports, made_ext};
  wasm_instance_t *instance = wasm_instance_new(store, module, &import_vec, NULL);
  if (!instance) FAIL("instantiation failed");

  printf("reflect: the instance's exports agree with the module\n");
  wasm_extern_vec_t externs;
  wasm_instance_exports(instance, &externs);
  if (externs.size != exports.size) FAIL("instance has %zu exports", externs.size);
  for (size_t i = 0; i < externs.size; i++) {
    wasm_extern_t *e = externs.data[i];
    const wasm_externtype_t *declared = wasm_exporttype_type(exports.data[i]);
    if (wasm_extern_kind(e) != wasm_externtype_kind(declared))
      FAIL("export %zu: extern kind %d, declared %d", i, wasm_extern_kind(e), wasm_externtype_kind(declared));
    wasm_externtype_t *actual = wasm_extern_type(e);
    if (wasm_externtype_kind(actual) != wasm_extern_kind(e)) FAIL("extern type kind mismatch");
    char got[128];
    describe(actual, got, sizeof got);
    if (strcmp(got, want_exports[i].type) != 0)
      FAIL("export %s is \"%s\", expected \"%s\"", want_exports[i].name, got, want_exports[i].type);
    wasm_externtype_delete(actual);
    // Exactly one of the typed views of the extern exists.
    int views = (wasm_extern_as_func(e) != NULL) + (wasm_extern_as_global(e) != NULL) +
                (wasm_extern_as_table(e) != NULL) + (wasm_extern_as_memory(e) != NULL);
    if (views != 1) FAIL("export %zu converts to %d kinds of object", i, views);
  }

  // The per-object type accessors agree with the export types too.
  wasm_func_t *pairs = wasm_extern_as_func(externs.data[0]);
  if (wasm_func_param_arity(pairs) != 2 || wasm_func_result_arity(pairs) != 3) FAIL("pairs arity");
  wasm_functype_t *ft = wasm_func_type(pairs);
  describe(wasm_functype_as_externtype(ft), desc, sizeof desc);
  if (strcmp(desc, want_exports[0].type) != 0) FAIL("wasm_func_type: %s", desc);
  wasm_functype_delete(ft);
  wasm_globaltype_t *gt = wasm_global_type(wasm_extern_as_global(externs.data[2]));
  describe(wasm_globaltype_as_externtype(gt), desc, sizeof desc);
  if (strcmp(desc, want_exports[2].type) != 0) FAIL("wasm_global_type: %s", desc);
  wasm_globaltype_delete(gt);
  wasm_tabletype_t *tt = wasm_table_type(wasm_extern_as_table(externs.data[4]));
  describe(wasm_tabletype_as_externtype(tt), desc, sizeof desc);
  if (strcmp(desc, want_exports[4].type) != 0) FAIL("wasm_table_type: %s", desc);
  wasm_tabletype_delete(tt);
  wasm_memorytype_t *mt = wasm_memory_type(wasm_extern_as_memory(externs.data[5]));
  describe(wasm_memorytype_as_externtype(mt), desc, sizeof desc);
  if (strcmp(desc, want_exports[5].type) != 0) FAIL("wasm_memory_type: %s", desc);
  wasm_memorytype_delete(mt);

  // Mutable conversions of an owned externtype go both ways, and the
  // wrong ones give NULL.
  wasm_externtype_t *et = wasm_extern_type(externs.data[3]);  // knob: global var f64
  if (wasm_externtype_as_functype(et) || wasm_externtype_as_tabletype(et) ||
      wasm_externtype_as_memorytype(et))
    FAIL("a global type converted to another kind");
  wasm_globaltype_t *knob = wasm_externtype_as_globaltype(et);
  if (!knob || wasm_globaltype_as_externtype(knob) == NULL) FAIL("global type conversions");
  if (wasm_globaltype_mutability(knob) != WASM_VAR) FAIL("knob is not mutable");
  wasm_externtype_delete(et);

  wasm_extern_vec_delete(&externs);
  wasm_instance_delete(instance);
  for (size_t i = 0; i < nimports; i++) delete_made(&made[i]);
  wasm_exporttype_vec_delete(&exports);
  wasm_importtype_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("reflect: ok\n");
  return 0;
}
