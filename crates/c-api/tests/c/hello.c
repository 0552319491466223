// hello: a host function imported by a module and called back from the
// module's exported function.
//
// The module's `run(n)` calls the import `greet` with n, n-1, ..., 1 and
// returns the number of calls. The host records every argument it sees
// and checks them against what `run` should have passed.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "hello: " __VA_ARGS__);        \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

// What the host saw: the arguments of each call to `greet`, in order.
static int32_t seen[16];
static size_t seen_count = 0;

static wasm_trap_t *greet(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)results;
  if (args->size != 1 || args->data[0].kind != WASM_I32)
    FAIL("greet was given %zu arguments, expected one i32", args->size);
  if (seen_count < sizeof(seen) / sizeof(seen[0]))
    seen[seen_count] = args->data[0].of.i32;
  seen_count++;
  printf("  hello from the host, call %zu with %d\n", seen_count,
         args->data[0].of.i32);
  return NULL;
}

// Loads a whole file into a new byte vector.
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

int main(void) {
  printf("hello: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  if (!engine) FAIL("wasm_engine_new failed");
  wasm_store_t *store = wasm_store_new(engine);
  if (!store) FAIL("wasm_store_new failed");

  wasm_byte_vec_t binary;
  if (!load_file("hello.wasm", &binary)) FAIL("cannot read hello.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("hello.wasm did not compile");

  // The import: (func (param i32)).
  wasm_functype_t *greet_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t *greet_func = wasm_func_new(store, greet_type, greet);
  wasm_functype_delete(greet_type);
  if (!greet_func) FAIL("wasm_func_new failed");

  wasm_extern_t *import_list[] = {wasm_func_as_extern(greet_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) FAIL("instantiation failed");
  if (trap) FAIL("instantiation succeeded but also gave a trap");

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  if (exports.size != 1) FAIL("expected 1 export, got %zu", exports.size);
  if (wasm_extern_kind(exports.data[0]) != WASM_EXTERN_FUNC)
    FAIL("the export is not a function");
  wasm_func_t *run = wasm_extern_as_func(exports.data[0]);
  if (!run) FAIL("wasm_extern_as_func returned NULL for a function");
  if (wasm_func_param_arity(run) != 1 || wasm_func_result_arity(run) != 1)
    FAIL("run should take 1 parameter and return 1 result");

  printf("hello: calling run(3)\n");
  wasm_val_t arg_vals[] = {WASM_I32_VAL(3)};
  wasm_val_t result_vals[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_vals);
  wasm_val_vec_t results = WASM_ARRAY_VEC(result_vals);
  trap = wasm_func_call(run, &args, &results);
  if (trap) FAIL("run(3) trapped");
  if (result_vals[0].kind != WASM_I32 || result_vals[0].of.i32 != 3)
    FAIL("run(3) returned %d, expected 3", result_vals[0].of.i32);
  if (seen_count != 3 || seen[0] != 3 || seen[1] != 2 || seen[2] != 1)
    FAIL("greet saw the wrong calls (%zu of them)", seen_count);

  // Zero iterations: the host must not be called at all.
  printf("hello: calling run(0)\n");
  arg_vals[0].of.i32 = 0;
  trap = wasm_func_call(run, &args, &results);
  if (trap) FAIL("run(0) trapped");
  if (result_vals[0].of.i32 != 0 || seen_count != 3)
    FAIL("run(0) should make no calls");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(greet_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("hello: ok\n");
  return 0;
}
