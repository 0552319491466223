// multi: multi-value functions. The host calls wasm functions that take
// and return several values of mixed types, and wasm calls host functions
// that do the same, including one with twelve parameters and results
// (more than fit in registers).

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "multi: " __VA_ARGS__);        \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

static const wasm_valkind_t cycle[4] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
static int reverse_calls = 0, rotate_calls = 0;

// (a: i32, b: i64, c: f32, d: f64) -> (d + 1, c * 2, b - 3, a ^ 0xff)
static wasm_trap_t *reverse(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  reverse_calls++;
  if (args->size != 4 || results->size != 4) FAIL("reverse: %zu args, %zu results", args->size, results->size);
  for (size_t i = 0; i < 4; i++)
    if (args->data[i].kind != cycle[i]) FAIL("reverse: argument %zu has kind %d", i, args->data[i].kind);
  wasm_val_t out[4] = {
      WASM_F64_VAL(args->data[3].of.f64 + 1),
      WASM_F32_VAL(args->data[2].of.f32 * 2),
      WASM_I64_VAL(args->data[1].of.i64 - 3),
      WASM_I32_VAL(args->data[0].of.i32 ^ 0xff),
  };
  memcpy(results->data, out, sizeof out);
  return NULL;
}

// Twelve values (i32 i64 f32 f64, three times) rotated left by one place.
static wasm_trap_t *rotate(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  rotate_calls++;
  if (args->size != 12 || results->size != 12) FAIL("rotate: wrong arity");
  for (size_t i = 0; i < 12; i++) {
    if (args->data[i].kind != cycle[i % 4]) FAIL("rotate: argument %zu has kind %d", i, args->data[i].kind);
    results->data[i] = args->data[(i + 1) % 12];
  }
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

// Calls `f` and compares every result with `want`.
static void call_expect(const char *what, const wasm_func_t *f, wasm_val_t *in, size_t nin,
                        const wasm_val_t *want, size_t nout) {
  if (wasm_func_param_arity(f) != nin || wasm_func_result_arity(f) != nout)
    FAIL("%s: arity %zu -> %zu, expected %zu -> %zu", what, wasm_func_param_arity(f),
         wasm_func_result_arity(f), nin, nout);
  wasm_val_t got[12];
  for (size_t i = 0; i < 12; i++) got[i] = (wasm_val_t)WASM_INIT_VAL;
  wasm_val_vec_t args = {nin, in};
  wasm_val_vec_t results = {nout, got};
  wasm_trap_t *trap = wasm_func_call(f, &args, &results);
  if (trap) FAIL("%s trapped", what);
  for (size_t i = 0; i < nout; i++)
    if (!same_val(&got[i], &want[i])) FAIL("%s: result %zu is wrong (kind %d)", what, i, got[i].kind);
  printf("  %s: %zu results ok\n", what, nout);
}

static wasm_func_t *export_func(const wasm_module_t *module, const wasm_extern_vec_t *exports,
                                const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_func_t *found = NULL;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0)
      found = wasm_extern_as_func(exports->data[i]);
  }
  wasm_exporttype_vec_delete(&types);
  if (!found) FAIL("no exported function %s", name);
  return found;
}

// A value vector of the given kinds, for building function types.
static void kinds_vec(wasm_valtype_vec_t *out, const wasm_valkind_t *kinds, size_t n) {
  wasm_valtype_vec_new_uninitialized(out, n);
  for (size_t i = 0; i < n; i++) out->data[i] = wasm_valtype_new(kinds[i]);
}

// The twelve test values v0..v11, typed i32 i64 f32 f64 three times.
static wasm_val_t twelve(size_t i) {
  switch (i % 4) {
    case 0: return (wasm_val_t)WASM_I32_VAL((int32_t)(i * 1000 + 7));
    case 1: return (wasm_val_t)WASM_I64_VAL((int64_t)i << 40);
    case 2: return (wasm_val_t)WASM_F32_VAL((float)i + 0.5f);
    default: return (wasm_val_t)WASM_F64_VAL((double)i * -1.25);
  }
}

int main(void) {
  printf("multi: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("multi.wasm", &binary)) FAIL("cannot read multi.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("multi.wasm did not compile");

  wasm_valtype_vec_t params, results;
  const wasm_valkind_t rev_out[4] = {WASM_F64, WASM_F32, WASM_I64, WASM_I32};
  kinds_vec(&params, cycle, 4);
  kinds_vec(&results, rev_out, 4);
  wasm_functype_t *rev_type = wasm_functype_new(&params, &results);
  wasm_func_t *rev = wasm_func_new(store, rev_type, reverse);
  wasm_functype_delete(rev_type);

  wasm_valkind_t rot_in[12], rot_out[12];
  for (size_t i = 0; i < 12; i++) {
    rot_in[i] = cycle[i % 4];
    rot_out[i] = cycle[(i + 1) % 4];
  }
  kinds_vec(&params, rot_in, 12);
  kinds_vec(&results, rot_out, 12);
  wasm_functype_t *rot_type = wasm_functype_new(&params, &results);
  wasm_func_t *rot = wasm_func_new(store, rot_type, rotate);
  wasm_functype_delete(rot_type);
  if (!rev || !rot) FAIL("wasm_func_new failed");

  wasm_extern_t *import_list[] = {wasm_func_as_extern(rev), wasm_func_as_extern(rot)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) FAIL("instantiation failed");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  printf("multi: wasm functions with several results\n");
  {
    wasm_val_t in[] = {WASM_I32_VAL(47), WASM_I32_VAL(5)};
    wasm_val_t want[] = {WASM_I32_VAL(9), WASM_I32_VAL(2)};
    call_expect("divmod", export_func(module, &exports, "divmod"), in, 2, want, 2);
  }
  {
    wasm_val_t in[] = {WASM_I32_VAL(-1), WASM_I64_VAL(1LL << 50), WASM_F64_VAL(0.1)};
    wasm_val_t want[] = {WASM_F64_VAL(0.1), WASM_I64_VAL(1LL << 50), WASM_I32_VAL(-1)};
    call_expect("swap3", export_func(module, &exports, "swap3"), in, 3, want, 3);
  }

  printf("multi: host functions with several results, called by wasm\n");
  {
    wasm_val_t in[] = {WASM_I32_VAL(0x1234), WASM_I64_VAL(100), WASM_F32_VAL(1.5f),
                       WASM_F64_VAL(-8.0)};
    wasm_val_t want[] = {WASM_F64_VAL(-6.0), WASM_F32_VAL(6.0f), WASM_I64_VAL(94),
                         WASM_I32_VAL(0x1234)};
    call_expect("reverse_twice", export_func(module, &exports, "reverse_twice"), in, 4, want, 4);
    if (reverse_calls != 2) FAIL("reverse was called %d times, expected 2", reverse_calls);
  }
  {
    wasm_val_t in[12];
    for (size_t i = 0; i < 12; i++) in[i] = twelve(i);
    call_expect("rotate_round", export_func(module, &exports, "rotate_round"), in, 12, in, 12);
    if (rotate_calls != 6) FAIL("rotate was called %d times, expected 6", rotate_calls);
  }

  printf("multi: host functions called straight from the host\n");
  {
    wasm_val_t in[] = {WASM_I32_VAL(0xff), WASM_I64_VAL(3), WASM_F32_VAL(-2.0f),
                       WASM_F64_VAL(0.5)};
    wasm_val_t want[] = {WASM_F64_VAL(1.5), WASM_F32_VAL(-4.0f), WASM_I64_VAL(0),
                         WASM_I32_VAL(0)};
    call_expect("reverse", rev, in, 4, want, 4);
  }
  {
    wasm_val_t in[12], want[12];
    for (size_t i = 0; i < 12; i++) in[i] = twelve(i);
    for (size_t i = 0; i < 12; i++) want[i] = twelve((i + 1) % 12);
    call_expect("rotate", rot, in, 12, want, 12);
  }

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(rev);
  wasm_func_delete(rot);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("multi: ok\n");
  return 0;
}
