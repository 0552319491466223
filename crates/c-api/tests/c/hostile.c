// hostile: what careless or malicious input does. Broken module bytes are
// refused (wasm_module_new gives NULL, wasm_module_validate false, never a
// crash); wrong arguments to wasm_func_call give a trap; missing or
// mistyped imports make wasm_instance_new fail with a trap; out-of-range
// table and memory operations fail; runaway recursion, in wasm alone or
// through the host, ends in a trap; and the store works after all of it.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "hostile: " __VA_ARGS__);      \
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

static wasm_store_t *store;

// ---- host functions -----------------------------------------------------

static wasm_trap_t *inc(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1;
  return NULL;
}

// host.bounce calls the module's bounce_wasm, which calls host.bounce...
static const wasm_func_t *bounce_wasm;
static int bounce_depth = 0, bounce_max = 0;

static wasm_trap_t *bounce(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  if (++bounce_depth > bounce_max) bounce_max = bounce_depth;
  wasm_trap_t *trap = NULL;
  if (bounce_depth > 100000) {
    // Only reached if nothing stopped the recursion; the test then fails.
    wasm_message_t msg;
    wasm_name_new_from_string_nt(&msg, "hostile: recursion was never stopped");
    trap = wasm_trap_new(store, &msg);
    wasm_byte_vec_delete(&msg);
  } else {
    wasm_val_t in[] = {WASM_I32_VAL(args->data[0].of.i32)};
    wasm_val_vec_t in_vec = WASM_ARRAY_VEC(in);
    trap = wasm_func_call(bounce_wasm, &in_vec, results);
  }
  bounce_depth--;
  return trap;  // a trap from deeper down goes back up unchanged
}

// ---- helpers -------------------------------------------------------------

// Puts the first line of the trap's message (checked for its NUL) in `buf`
// and deletes the trap. Returns whether the whole message contains `part`.
static bool take_message(wasm_trap_t *trap, const char *part, char *buf, size_t cap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  if (msg.size == 0 || msg.data[msg.size - 1] != '\0') FAIL("a trap message lacks its NUL");
  bool found = part && strstr(msg.data, part) != NULL;
  snprintf(buf, cap, "%.*s", (int)strcspn(msg.data, "\n"), msg.data);
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(trap);
  return found;
}

// Checks that `binary` is refused by both wasm_module_validate and wasm_module_new.
static void expect_invalid(const char *what, const wasm_byte_vec_t *binary) {
  if (wasm_module_validate(store, binary)) FAIL("%s: validated", what);
  wasm_module_t *m = wasm_module_new(store, binary);
  if (m) FAIL("%s: compiled", what);
  printf("  refused: %s\n", what);
}

static void expect_invalid_bytes(const char *what, const char *bytes, size_t len) {
  wasm_byte_vec_t v;
  wasm_byte_vec_new(&v, len, bytes);
  expect_invalid(what, &v);
  wasm_byte_vec_delete(&v);
}

// For any bytes: validation and compilation must agree (and not crash).
static bool agree(const wasm_byte_vec_t *binary) {
  bool valid = wasm_module_validate(store, binary);
  wasm_module_t *m = wasm_module_new(store, binary);
  if (valid != (m != NULL)) FAIL("validate says %d but wasm_module_new says %d", valid, m != NULL);
  if (m) wasm_module_delete(m);
  return valid;
}

// Instantiation that must fail; checks both with and without a trap pointer.
static void expect_no_instance(const char *what, const wasm_module_t *module,
                               wasm_extern_t **list, size_t n) {
  wasm_extern_vec_t imports = {n, list};
  wasm_trap_t *trap = NULL;
  wasm_instance_t *inst = wasm_instance_new(store, module, &imports, &trap);
  if (inst) FAIL("%s: instantiation succeeded", what);
  if (!trap) FAIL("%s: no trap explains the failure", what);
  char text[512];
  take_message(trap, NULL, text, sizeof text);
  if (text[0] == '\0') FAIL("%s: the trap message is empty", what);
  printf("  %s: %s\n", what, text);
  if (wasm_instance_new(store, module, &imports, NULL)) FAIL("%s: succeeded without a trap pointer", what);
}

static wasm_trap_t *call(const wasm_func_t *f, wasm_val_t *in, size_t nin, wasm_val_t *out, size_t nout) {
  wasm_val_vec_t args = {nin, in};
  wasm_val_vec_t results = {nout, out};
  return wasm_func_call(f, &args, &results);
}

static void expect_call_trap(const char *what, const wasm_func_t *f, wasm_val_t *in, size_t nin,
                             size_t nout) {
  wasm_val_t out[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_trap_t *trap = call(f, in, nin, out, nout);
  if (!trap) FAIL("%s: the call did not trap", what);
  char text[512];
  take_message(trap, NULL, text, sizeof text);
  printf("  %s: %s\n", what, text);
}

static const wasm_func_t *add_func;

static void expect_store_works(void) {
  wasm_val_t in[] = {WASM_I32_VAL(20), WASM_I32_VAL(22)};
  wasm_val_t out[] = {WASM_INIT_VAL};
  wasm_trap_t *trap = call(add_func, in, 2, out, 1);
  if (trap || out[0].kind != WASM_I32 || out[0].of.i32 != 42) FAIL("the store stopped working");
}

static wasm_extern_t *export_named(const wasm_module_t *module, const wasm_extern_vec_t *exports,
                                   const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_t *found = NULL;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) found = exports->data[i];
  }
  wasm_exporttype_vec_delete(&types);
  if (!found) FAIL("no export named %s", name);
  return found;
}

static wasm_global_t *make_global(wasm_valkind_t kind, wasm_mutability_t mut, wasm_val_t init) {
  wasm_globaltype_t *t = wasm_globaltype_new(wasm_valtype_new(kind), mut);
  wasm_global_t *g = wasm_global_new(store, t, &init);
  wasm_globaltype_delete(t);
  if (!g) FAIL("wasm_global_new failed");
  return g;
}

static wasm_memory_t *make_memory(uint32_t min, uint32_t max) {
  wasm_limits_t lim = {min, max};
  wasm_memorytype_t *t = wasm_memorytype_new(&lim);
  wasm_memory_t *m = wasm_memory_new(store, t);
  wasm_memorytype_delete(t);
  if (!m) FAIL("wasm_memory_new failed");
  return m;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  store = wasm_store_new(engine);

  printf("hostile: broken module bytes\n");
  expect_invalid_bytes("no bytes at all", "", 0);
  expect_invalid_bytes("only the magic number", "\0asm", 4);
  expect_invalid_bytes("version 2", "\0asm\2\0\0\0", 8);
  expect_invalid_bytes("a text module", "(module)", 8);
  expect_invalid_bytes("a section longer than the module", "\0asm\1\0\0\0\1\x7f\1", 11);
  expect_invalid_bytes("an unknown section id", "\0asm\1\0\0\0\x20\0", 10);
  // A function declared to return i32 whose body returns nothing...
  static const char no_result[] = "\0asm\1\0\0\0"
                                  "\1\5\1\x60\0\1\x7f"  // type 0: () -> i32
                                  "\3\2\1\0"            // function 0 has type 0
                                  "\x0a\4\1\2\0\x0b";   // body: no locals, end
  expect_invalid_bytes("a body of the wrong type", no_result, sizeof no_result - 1);
  // ...and the same module made right (i32.const 42), which must compile.
  static const char fixed[] = "\0asm\1\0\0\0"
                              "\1\5\1\x60\0\1\x7f"
                              "\3\2\1\0"
                              "\x0a\6\1\4\0\x41\x2a\x0b";
  wasm_byte_vec_t ok_bytes;
  wasm_byte_vec_new(&ok_bytes, sizeof fixed - 1, fixed);
  if (!agree(&ok_bytes)) FAIL("the corrected module was refused");
  wasm_byte_vec_delete(&ok_bytes);

  wasm_byte_vec_t binary;
  if (!load_file("hostile.wasm", &binary)) FAIL("cannot read hostile.wasm");
  if (!wasm_module_validate(store, &binary)) FAIL("hostile.wasm does not validate");

  // Every prefix: refused or accepted consistently; the one missing only
  // its last byte cuts into the last section, so it must be refused.
  for (size_t len = 0; len < binary.size; len++) {
    wasm_byte_vec_t cut;
    wasm_byte_vec_new(&cut, len, binary.data);
    if (agree(&cut) && (len < 8 || len == binary.size - 1))
      FAIL("a module cut to %zu of %zu bytes was accepted", len, binary.size);
    wasm_byte_vec_delete(&cut);
  }
  printf("  all %zu truncations handled\n", binary.size);
  // Every byte flipped, two ways: no crash, validate and compile agree.
  size_t still_valid = 0;
  for (size_t i = 0; i < binary.size; i++) {
    for (int mask = 0x01; mask <= 0x80; mask <<= 7) {
      wasm_byte_vec_t bent;
      wasm_byte_vec_copy(&bent, &binary);
      bent.data[i] ^= (byte_t)mask;
      still_valid += agree(&bent);
      wasm_byte_vec_delete(&bent);
    }
  }
  printf("  all %zu one-bit changes handled (%zu still valid)\n", 2 * binary.size, still_valid);

  wasm_module_t *module = wasm_module_new(store, &binary);
  if (!module) FAIL("hostile.wasm did not compile");

  printf("hostile: wrong imports\n");
  wasm_functype_t *i32_i32 = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t *i64_i32 = wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_i32());
  wasm_func_t *inc_func = wasm_func_new(store, i32_i32, inc);
  wasm_func_t *bounce_func = wasm_func_new(store, i32_i32, bounce);
  wasm_func_t *wrong_sig = wasm_func_new(store, i64_i32, inc);
  wasm_global_t *limit = make_global(WASM_I32, WASM_CONST, (wasm_val_t)WASM_I32_VAL(9));
  wasm_global_t *limit_i64 = make_global(WASM_I64, WASM_CONST, (wasm_val_t)WASM_I64_VAL(9));
  wasm_global_t *limit_var = make_global(WASM_I32, WASM_VAR, (wasm_val_t)WASM_I32_VAL(9));
  wasm_memory_t *memory = make_memory(1, 2);
  wasm_memory_t *memory_big = make_memory(1, 5);     // maximum above the import's
  wasm_memory_t *memory_nomax = make_memory(1, 0xffffffffu);  // no maximum at all

  wasm_extern_t *f_inc = wasm_func_as_extern(inc_func), *f_bounce = wasm_func_as_extern(bounce_func),
                *g_limit = wasm_global_as_extern(limit), *m_ok = wasm_memory_as_extern(memory);
  {
    wasm_extern_t *l[] = {f_inc, g_limit, m_ok, f_bounce};
    expect_no_instance("no imports", module, l, 0);
    expect_no_instance("three of four imports", module, l, 3);
  }
  {
    wasm_extern_t *l[] = {g_limit, f_inc, m_ok, f_bounce};
    expect_no_instance("a global where a function goes", module, l, 4);
  }
  {
    wasm_extern_t *l[] = {wasm_func_as_extern(wrong_sig), g_limit, m_ok, f_bounce};
    expect_no_instance("a function of the wrong type", module, l, 4);
  }
  {
    wasm_extern_t *l[] = {f_inc, wasm_global_as_extern(limit_i64), m_ok, f_bounce};
    expect_no_instance("an i64 global for an i32 one", module, l, 4);
  }
  {
    wasm_extern_t *l[] = {f_inc, wasm_global_as_extern(limit_var), m_ok, f_bounce};
    expect_no_instance("a mutable global for a constant one", module, l, 4);
  }
  {
    wasm_extern_t *l[] = {f_inc, g_limit, wasm_memory_as_extern(memory_big), f_bounce};
    expect_no_instance("a memory that may grow too far", module, l, 4);
  }
  {
    wasm_extern_t *l[] = {f_inc, g_limit, wasm_memory_as_extern(memory_nomax), f_bounce};
    expect_no_instance("a memory without a maximum", module, l, 4);
  }

  wasm_extern_t *good[] = {f_inc, g_limit, m_ok, f_bounce};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(good);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance || trap) FAIL("instantiation with the right imports failed");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  add_func = wasm_extern_as_func(export_named(module, &exports, "add"));
  bounce_wasm = wasm_extern_as_func(export_named(module, &exports, "bounce_wasm"));
  expect_store_works();
  {
    wasm_val_t out[1] = {WASM_INIT_VAL};
    if (call(wasm_extern_as_func(export_named(module, &exports, "inc_limit")), NULL, 0, out, 1) ||
        out[0].of.i32 != 10)
      FAIL("inc_limit should be 10");
  }

  printf("hostile: calls with the wrong arguments\n");
  {
    wasm_val_t a[3] = {WASM_I32_VAL(1), WASM_I32_VAL(2), WASM_I32_VAL(3)};
    expect_call_trap("no arguments", add_func, a, 0, 1);
    expect_call_trap("one argument of two", add_func, a, 1, 1);
    expect_call_trap("three arguments of two", add_func, a, 3, 1);
    expect_call_trap("no room for the result", add_func, a, 2, 0);
    wasm_val_t wrong_kinds[2] = {WASM_I64_VAL(1), WASM_I32_VAL(2)};
    expect_call_trap("an i64 for an i32", add_func, wrong_kinds, 2, 1);
    wasm_val_t floats[2] = {WASM_F32_VAL(1), WASM_F64_VAL(2)};
    expect_call_trap("floats for integers", add_func, floats, 2, 1);
    wasm_val_t null_ref[2] = {WASM_REF_VAL(NULL), WASM_I32_VAL(2)};
    expect_call_trap("a null reference for an i32", add_func, null_ref, 2, 1);
    const wasm_func_t *is_null = wasm_extern_as_func(export_named(module, &exports, "is_null"));
    expect_call_trap("an i32 for an externref", is_null, a, 1, 1);
    wasm_val_t funcref[1] = {{.kind = WASM_FUNCREF, .of = {.ref = NULL}}};
    expect_call_trap("a funcref for an externref", is_null, funcref, 1, 1);
    expect_store_works();
  }

  printf("hostile: out-of-range tables, memories and globals\n");
  wasm_table_t *table = wasm_extern_as_table(export_named(module, &exports, "table"));
  if (wasm_table_get(table, 2) || wasm_table_get(table, 0xffffffffu)) FAIL("table get out of range");
  if (wasm_table_set(table, 2, NULL) || wasm_table_set(table, 0xffffffffu, NULL))
    FAIL("table set out of range");
  if (wasm_table_set(table, 0, wasm_func_as_ref(inc_func)) == false) FAIL("a good table set failed");
  wasm_foreign_t *foreign = wasm_foreign_new(store);
  if (wasm_table_set(table, 1, wasm_foreign_as_ref(foreign)))
    FAIL("a foreign object was stored in a funcref table");
  wasm_foreign_delete(foreign);
  if (wasm_table_grow(table, 3, NULL) || wasm_table_grow(table, 0xffffffffu, NULL))
    FAIL("table grew past its maximum");
  if (wasm_table_size(table) != 2) FAIL("failed table operations changed its size");

  wasm_memory_t *mem = wasm_extern_as_memory(export_named(module, &exports, "memory"));
  if (!wasm_memory_same(mem, memory)) FAIL("the re-exported memory is not the host's");
  if (wasm_memory_grow(mem, 2) || wasm_memory_grow(mem, 0xffffffffu) || wasm_memory_grow(mem, 65536))
    FAIL("memory grew past its maximum");
  if (wasm_memory_size(mem) != 1 || wasm_memory_data_size(mem) != 0x10000) FAIL("memory size changed");

  wasm_global_t *fixed_g = wasm_extern_as_global(export_named(module, &exports, "fixed"));
  wasm_global_t *var_g = wasm_extern_as_global(export_named(module, &exports, "var"));
  wasm_val_t v = WASM_I32_VAL(77);
  wasm_global_set(fixed_g, &v);  // a constant: must be refused, without a crash
  wasm_val_t got;
  wasm_global_get(fixed_g, &got);
  if (got.kind != WASM_I32 || got.of.i32 != 3) FAIL("a constant global was changed");
  wasm_val_t wrong = WASM_F64_VAL(1.5);
  wasm_global_set(var_g, &wrong);  // the wrong kind: refused
  wasm_global_get(var_g, &got);
  if (got.kind != WASM_I32 || got.of.i32 != 0) FAIL("an i32 global took an f64");
  expect_store_works();

  printf("hostile: runaway recursion\n");
  const wasm_func_t *recurse = wasm_extern_as_func(export_named(module, &exports, "recurse"));
  for (int round = 0; round < 3; round++) {
    wasm_val_t in[1] = {WASM_I32_VAL(0)};
    wasm_val_t out[1] = {WASM_INIT_VAL};
    trap = call(recurse, in, 1, out, 1);
    if (!trap) FAIL("endless recursion returned");
    char text[512];
    if (!take_message(trap, "stack", text, sizeof text))
      FAIL("recursion trap does not mention the stack: %s", text);
    if (round == 0) printf("  wasm alone: %s\n", text);
    expect_store_works();
  }
  for (int round = 0; round < 2; round++) {
    wasm_val_t in[1] = {WASM_I32_VAL(0)};
    wasm_val_t out[1] = {WASM_INIT_VAL};
    bounce_max = 0;
    trap = call(bounce_wasm, in, 1, out, 1);
    if (!trap) FAIL("endless recursion through the host returned");
    char text[512];
    if (take_message(trap, "never stopped", text, sizeof text))
      FAIL("recursion through the host was not stopped");
    if (bounce_depth != 0) FAIL("host frames were skipped (depth %d)", bounce_depth);
    if (round == 0) printf("  through the host, %d levels deep: %s\n", bounce_max, text);
    expect_store_works();
  }

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(inc_func);
  wasm_func_delete(bounce_func);
  wasm_func_delete(wrong_sig);
  wasm_functype_delete(i32_i32);
  wasm_functype_delete(i64_i32);
  wasm_global_delete(limit);
  wasm_global_delete(limit_i64);
  wasm_global_delete(limit_var);
  wasm_memory_delete(memory);
  wasm_memory_delete(memory_big);
  wasm_memory_delete(memory_nomax);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("hostile: ok\n");
  return 0;
}
