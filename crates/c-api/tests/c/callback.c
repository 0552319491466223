// callback: host functions with parameters and results of every number
// type, a closure made with wasm_func_new_with_env whose finalizer must
// run exactly once, and a host function that calls back into wasm.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "callback: " __VA_ARGS__);     \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

// ---- plain host functions -------------------------------------------------

static wasm_trap_t *add_i32(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  if (args->size != 2 || args->data[0].kind != WASM_I32 || args->data[1].kind != WASM_I32)
    FAIL("add_i32: bad arguments");
  if (results->size != 1) FAIL("add_i32: expected room for 1 result");
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

static wasm_trap_t *mul_i64(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  if (args->size != 2 || args->data[0].kind != WASM_I64 || args->data[1].kind != WASM_I64)
    FAIL("mul_i64: bad arguments");
  results->data[0].kind = WASM_I64;
  results->data[0].of.i64 = args->data[0].of.i64 * args->data[1].of.i64;
  return NULL;
}

static wasm_trap_t *half_f32(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  if (args->size != 1 || args->data[0].kind != WASM_F32) FAIL("half_f32: bad arguments");
  results->data[0].kind = WASM_F32;
  results->data[0].of.f32 = args->data[0].of.f32 / 2.0f;
  return NULL;
}

static wasm_trap_t *sum_f64(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  if (args->size != 3) FAIL("sum_f64: expected 3 arguments, got %zu", args->size);
  double total = 0;
  for (size_t i = 0; i < args->size; i++) {
    if (args->data[i].kind != WASM_F64) FAIL("sum_f64: argument %zu is not f64", i);
    total += args->data[i].of.f64;
  }
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = total;
  return NULL;
}

// ---- the closure -----------------------------------------------------------

// The closure's environment lives on the heap; its finalizer frees it.
struct accumulator {
  int64_t total;
  int calls;
};
static int accumulator_finalized = 0;

static void accumulator_finalize(void *env) {
  accumulator_finalized++;
  free(env);
}

static wasm_trap_t *accumulate(void *env, const wasm_val_vec_t *args,
                               wasm_val_vec_t *results) {
  struct accumulator *acc = env;
  if (args->size != 1 || args->data[0].kind != WASM_I64) FAIL("accumulate: bad arguments");
  acc->total += args->data[0].of.i64;
  acc->calls++;
  results->data[0].kind = WASM_I64;
  results->data[0].of.i64 = acc->total;
  return NULL;
}

// ---- calling back into wasm -----------------------------------------------

// Filled in once the instance exists: the export the host calls.
struct reentry {
  const wasm_func_t *cube;
  int calls;
};

static wasm_trap_t *via_host(void *env, const wasm_val_vec_t *args,
                             wasm_val_vec_t *results) {
  struct reentry *re = env;
  re->calls++;
  if (!re->cube) FAIL("via_host called before cube was known");
  wasm_val_t in[] = {WASM_I32_VAL(args->data[0].of.i32)};
  wasm_val_t out[] = {WASM_INIT_VAL};
  wasm_val_vec_t in_vec = WASM_ARRAY_VEC(in);
  wasm_val_vec_t out_vec = WASM_ARRAY_VEC(out);
  wasm_trap_t *trap = wasm_func_call(re->cube, &in_vec, &out_vec);
  if (trap) return trap;  // pass it on to the wasm caller
  results->data[0] = out[0];
  return NULL;
}

// ---- helpers -------------------------------------------------------------

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

// The instance's export called `name`, found through the module's export
// types (the instance's exports come in the same order).
static wasm_func_t *export_func(const wasm_module_t *module,
                                const wasm_extern_vec_t *exports, const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  if (types.size != exports->size) FAIL("module and instance disagree on export count");
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

// Calls `func` with the given arguments, expecting exactly one result.
static wasm_val_t call1(const wasm_func_t *func, wasm_val_t *argv, size_t argc) {
  wasm_val_vec_t args = {argc, argv};
  wasm_val_t out[] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(out);
  wasm_trap_t *trap = wasm_func_call(func, &args, &results);
  if (trap) {
    wasm_message_t msg;
    wasm_trap_message(trap, &msg);
    fprintf(stderr, "callback: unexpected trap: %.*s\n", (int)msg.size, msg.data);
    exit(1);
  }
  return out[0];
}

static wasm_func_t *host_func(wasm_store_t *store, wasm_functype_t *type,
                              wasm_func_callback_t cb) {
  wasm_func_t *f = wasm_func_new(store, type, cb);
  wasm_functype_delete(type);
  if (!f) FAIL("wasm_func_new failed");
  return f;
}

int main(void) {
  printf("callback: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("callback.wasm", &binary)) FAIL("cannot read callback.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("callback.wasm did not compile");

  wasm_func_t *f_add = host_func(store,
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                            wasm_valtype_new_i32()), add_i32);
  wasm_func_t *f_mul = host_func(store,
      wasm_functype_new_2_1(wasm_valtype_new_i64(), wasm_valtype_new_i64(),
                            wasm_valtype_new_i64()), mul_i64);
  wasm_func_t *f_half = host_func(store,
      wasm_functype_new_1_1(wasm_valtype_new_f32(), wasm_valtype_new_f32()), half_f32);
  wasm_func_t *f_sum = host_func(store,
      wasm_functype_new_3_1(wasm_valtype_new_f64(), wasm_valtype_new_f64(),
                            wasm_valtype_new_f64(), wasm_valtype_new_f64()), sum_f64);

  // The closure and its heap environment.
  struct accumulator *acc = calloc(1, sizeof *acc);
  if (!acc) FAIL("out of memory");
  wasm_functype_t *acc_type =
      wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_i64());
  wasm_func_t *f_acc =
      wasm_func_new_with_env(store, acc_type, accumulate, acc, accumulator_finalize);
  wasm_functype_delete(acc_type);
  if (!f_acc) FAIL("wasm_func_new_with_env failed");

  // The re-entering function; its environment is on our stack, so no finalizer.
  struct reentry re = {NULL, 0};
  wasm_functype_t *re_type =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t *f_via = wasm_func_new_with_env(store, re_type, via_host, &re, NULL);
  wasm_functype_delete(re_type);
  if (!f_via) FAIL("wasm_func_new_with_env without a finalizer failed");

  // The host functions' types must be the ones they were made with.
  wasm_functype_t *t = wasm_func_type(f_sum);
  if (wasm_functype_params(t)->size != 3 || wasm_functype_results(t)->size != 1 ||
      wasm_valtype_kind(wasm_functype_params(t)->data[2]) != WASM_F64)
    FAIL("wasm_func_type of sum_f64 is wrong");
  wasm_functype_delete(t);

  wasm_extern_t *import_list[] = {
      wasm_func_as_extern(f_add), wasm_func_as_extern(f_mul),
      wasm_func_as_extern(f_half), wasm_func_as_extern(f_sum),
      wasm_func_as_extern(f_acc), wasm_func_as_extern(f_via)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) FAIL("instantiation failed");

  // The handles are ours to drop; the instance keeps the functions alive.
  // (The closure's handle is kept a little longer, for a direct call.)
  wasm_func_delete(f_add);
  wasm_func_delete(f_mul);
  wasm_func_delete(f_half);
  wasm_func_delete(f_sum);
  wasm_func_delete(f_via);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  printf("callback: one host function per number type\n");
  wasm_val_t a[3];
  a[0] = (wasm_val_t)WASM_I32_VAL(40);
  a[1] = (wasm_val_t)WASM_I32_VAL(-3);
  wasm_val_t r = call1(export_func(module, &exports, "use_i32"), a, 2);
  if (r.kind != WASM_I32 || r.of.i32 != 38) FAIL("use_i32 gave %d, expected 38", r.of.i32);

  a[0] = (wasm_val_t)WASM_I64_VAL(3000000000LL);
  a[1] = (wasm_val_t)WASM_I64_VAL(7);
  r = call1(export_func(module, &exports, "use_i64"), a, 2);
  if (r.kind != WASM_I64 || r.of.i64 != 20999999999LL)
    FAIL("use_i64 gave %lld", (long long)r.of.i64);

  a[0] = (wasm_val_t)WASM_F32_VAL(5.0f);
  r = call1(export_func(module, &exports, "use_f32"), a, 1);
  if (r.kind != WASM_F32 || r.of.f32 != -2.5f) FAIL("use_f32 gave %f", (double)r.of.f32);

  a[0] = (wasm_val_t)WASM_F64_VAL(1.125);
  r = call1(export_func(module, &exports, "use_f64"), a, 1);
  if (r.kind != WASM_F64 || r.of.f64 != 1.875) FAIL("use_f64 gave %f", r.of.f64);

  printf("callback: the closure keeps its state between calls\n");
  wasm_func_t *acc_to = export_func(module, &exports, "accumulate_to");
  a[0] = (wasm_val_t)WASM_I32_VAL(10);
  r = call1(acc_to, a, 1);
  if (r.kind != WASM_I64 || r.of.i64 != 55) FAIL("accumulate_to(10) gave %lld", (long long)r.of.i64);
  a[0] = (wasm_val_t)WASM_I32_VAL(3);
  r = call1(acc_to, a, 1);
  if (r.of.i64 != 61 || acc->calls != 13) FAIL("closure state lost: %lld", (long long)r.of.i64);

  // The closure can be called straight from the host too.
  a[0] = (wasm_val_t)WASM_I64_VAL(1000);
  r = call1(f_acc, a, 1);
  if (r.kind != WASM_I64 || r.of.i64 != 1061) FAIL("direct closure call gave %lld", (long long)r.of.i64);
  // Dropping our handle must not finalize it: the instance still imports it.
  wasm_func_delete(f_acc);
  a[0] = (wasm_val_t)WASM_I32_VAL(1);
  r = call1(acc_to, a, 1);
  if (r.of.i64 != 1062 || acc->calls != 15) FAIL("closure state lost after its handle was deleted");
  if (accumulator_finalized != 0) FAIL("the finalizer ran while the closure was in use");

  printf("callback: host calls back into wasm\n");
  a[0] = (wasm_val_t)WASM_I32_VAL(7);
  r = call1(export_func(module, &exports, "cube"), a, 1);
  if (r.of.i32 != 343) FAIL("cube(7) gave %d", r.of.i32);
  re.cube = export_func(module, &exports, "cube");
  r = call1(export_func(module, &exports, "reenter"), a, 1);
  if (r.of.i32 != 1343 || re.calls != 1) FAIL("reenter(7) gave %d", r.of.i32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  // By now nothing refers to the closure, so its finalizer has run, once.
  if (accumulator_finalized != 1)
    FAIL("the closure's finalizer ran %d times, expected once", accumulator_finalized);
  printf("callback: ok\n");
  return 0;
}
