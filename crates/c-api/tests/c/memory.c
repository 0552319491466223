// memory: an exported memory read and written from both sides, its size
// and growth (up to and past its maximum), accesses out of bounds that
// must trap, and a memory made by the host with wasm_memory_new and
// imported by the module.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "memory: " __VA_ARGS__);       \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

#define PAGE 0x10000u

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

// Calls export `name` with up to two arguments. Returns the trap, if any;
// otherwise stores the single result (if the function has one) in *out.
static wasm_trap_t *try_call(const char *name, size_t argc, wasm_val_t a0, wasm_val_t a1,
                             wasm_val_t *out) {
  wasm_func_t *f = wasm_extern_as_func(export_named(name));
  if (!f) FAIL("%s is not a function", name);
  wasm_val_t in[2] = {a0, a1};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {argc, in};
  wasm_val_vec_t results = {wasm_func_result_arity(f), res};
  wasm_trap_t *trap = wasm_func_call(f, &args, &results);
  if (!trap && out) *out = res[0];
  return trap;
}

static int32_t call_i32(const char *name, size_t argc, int32_t a0, int32_t a1) {
  wasm_val_t out = WASM_INIT_VAL;
  wasm_trap_t *trap = try_call(name, argc, (wasm_val_t)WASM_I32_VAL(a0),
                               (wasm_val_t)WASM_I32_VAL(a1), &out);
  if (trap) FAIL("%s(%d, %d) trapped", name, a0, a1);
  return out.kind == WASM_I32 ? out.of.i32 : 0;
}

// A call that must trap with an out-of-bounds message.
static void expect_oob(const char *name, size_t argc, wasm_val_t a0, wasm_val_t a1) {
  wasm_trap_t *trap = try_call(name, argc, a0, a1, NULL);
  if (!trap) FAIL("%s did not trap out of bounds", name);
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  if (msg.size == 0 || msg.data[msg.size - 1] != '\0') FAIL("trap message is not NUL-terminated");
  if (!strstr(msg.data, "out of bounds")) FAIL("unexpected trap message: %s", msg.data);
  printf("  trapped as expected: %s\n", msg.data);
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(trap);
}

static void check_limits(const char *what, const wasm_memory_t *m, uint32_t min, uint32_t max) {
  wasm_memorytype_t *type = wasm_memory_type(m);
  const wasm_limits_t *lim = wasm_memorytype_limits(type);
  if (lim->min != min || lim->max != max)
    FAIL("%s: limits %u..%u, expected %u..%u", what, lim->min, lim->max, min, max);
  wasm_memorytype_delete(type);
}

int main(void) {
  printf("memory: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("memory.wasm", &binary)) FAIL("cannot read memory.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("memory.wasm did not compile");

  // The host's memory: 1 page, at most 4.
  wasm_limits_t scratch_limits = {1, 4};
  wasm_memorytype_t *scratch_type = wasm_memorytype_new(&scratch_limits);
  wasm_memory_t *scratch = wasm_memory_new(store, scratch_type);
  wasm_memorytype_delete(scratch_type);
  if (!scratch) FAIL("wasm_memory_new failed");
  check_limits("host memory", scratch, 1, 4);
  if (wasm_memory_size(scratch) != 1 || wasm_memory_data_size(scratch) != PAGE)
    FAIL("a new host memory should have 1 page");
  for (size_t i = 0; i < PAGE; i += 4093)
    if (wasm_memory_data(scratch)[i] != 0) FAIL("a new memory is not zeroed");

  wasm_extern_t *import_list[] = {wasm_memory_as_extern(scratch)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) FAIL("instantiation failed");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  the_module = module;
  the_exports = &exports;

  printf("memory: the exported memory\n");
  wasm_extern_t *mem_ext = export_named("memory");
  if (wasm_extern_kind(mem_ext) != WASM_EXTERN_MEMORY) FAIL("memory's kind");
  wasm_memory_t *mem = wasm_extern_as_memory(mem_ext);
  if (!mem) FAIL("the memory export is not a memory");
  check_limits("exported memory", mem, 2, 3);
  if (wasm_memory_size(mem) != 2) FAIL("size %u, expected 2", wasm_memory_size(mem));
  if (wasm_memory_data_size(mem) != 2 * PAGE) FAIL("data size %zu", wasm_memory_data_size(mem));
  if (call_i32("size", 0, 0, 0) != 2) FAIL("wasm sees the wrong size");

  // The data segment is where the module put it.
  const byte_t *data = wasm_memory_data(mem);
  if (memcmp(data + 0x1000, "\1\2\3\4kiln", 8) != 0) FAIL("data segment not in memory");
  if (data[0] != 0 || data[2 * PAGE - 1] != 0) FAIL("memory outside the segment is not zero");
  if (call_i32("load32", 1, 0x1000, 0) != 0x04030201) FAIL("wasm reads the segment wrongly");

  // Host writes, wasm reads; wasm writes, host reads.
  wasm_memory_data(mem)[0x2000] = 0x5a;
  wasm_memory_data(mem)[2 * PAGE - 1] = (byte_t)0xa5;
  if (call_i32("load8", 1, 0x2000, 0) != 0x5a) FAIL("wasm missed a host write");
  if (call_i32("load8", 1, 2 * PAGE - 1, 0) != 0xa5) FAIL("wasm missed a write to the last byte");
  call_i32("store8", 2, 0x3000, 0x1ff);  // only the low byte is stored
  if ((unsigned char)wasm_memory_data(mem)[0x3000] != 0xff) FAIL("host missed a wasm write");
  wasm_val_t out;
  if (try_call("store64", 2, (wasm_val_t)WASM_I32_VAL(0x3008),
               (wasm_val_t)WASM_I64_VAL(0x0807060504030201LL), &out))
    FAIL("store64 trapped");
  for (int i = 0; i < 8; i++)
    if (wasm_memory_data(mem)[0x3008 + i] != i + 1) FAIL("store64 is not little-endian");

  printf("memory: out-of-bounds accesses trap\n");
  expect_oob("load8", 1, (wasm_val_t)WASM_I32_VAL(2 * PAGE), (wasm_val_t)WASM_I32_VAL(0));
  expect_oob("load32", 1, (wasm_val_t)WASM_I32_VAL(2 * PAGE - 2), (wasm_val_t)WASM_I32_VAL(0));
  expect_oob("load8", 1, (wasm_val_t)WASM_I32_VAL(-1), (wasm_val_t)WASM_I32_VAL(0));
  expect_oob("store8", 2, (wasm_val_t)WASM_I32_VAL(0x7fffffff), (wasm_val_t)WASM_I32_VAL(1));
  expect_oob("store64", 2, (wasm_val_t)WASM_I32_VAL(2 * PAGE - 7), (wasm_val_t)WASM_I64_VAL(1));
  // A trap leaves no partial write behind, and the store still works.
  if (wasm_memory_data(mem)[2 * PAGE - 7] != 0) FAIL("an out-of-bounds store wrote a byte");
  if (call_i32("load8", 1, 0x2000, 0) != 0x5a) FAIL("memory changed after a trap");

  printf("memory: growing\n");
  if (!wasm_memory_grow(mem, 0)) FAIL("growing by 0 pages failed");
  if (!wasm_memory_grow(mem, 1)) FAIL("growing to the maximum failed");
  if (wasm_memory_size(mem) != 3 || wasm_memory_data_size(mem) != 3 * PAGE)
    FAIL("size after growing is %u", wasm_memory_size(mem));
  if (call_i32("size", 0, 0, 0) != 3) FAIL("wasm did not see the growth");
  if (wasm_memory_data(mem)[0x2000] != 0x5a) FAIL("growing lost the contents");
  if (wasm_memory_data(mem)[3 * PAGE - 1] != 0) FAIL("a new page is not zeroed");
  if (call_i32("load8", 1, 3 * PAGE - 1, 0) != 0) FAIL("wasm cannot read the new page");
  // Past the maximum, from the host and from wasm: refused, size unchanged.
  if (wasm_memory_grow(mem, 1)) FAIL("growing past the maximum succeeded");
  if (wasm_memory_grow(mem, 0xffffffffu)) FAIL("growing by 2^32-1 pages succeeded");
  if (call_i32("grow", 1, 1, 0) != -1) FAIL("memory.grow past the maximum did not return -1");
  if (wasm_memory_size(mem) != 3) FAIL("a failed grow changed the size");
  expect_oob("load8", 1, (wasm_val_t)WASM_I32_VAL(3 * PAGE), (wasm_val_t)WASM_I32_VAL(0));
  if (call_i32("grow", 1, 0, 0) != 3) FAIL("memory.grow 0 should return the size");

  printf("memory: the host-made memory, imported\n");
  if (call_i32("scratch_size", 0, 0, 0) != 1) FAIL("wasm sees the wrong scratch size");
  memcpy(wasm_memory_data(scratch) + 100, "\x78\x56\x34\x12", 4);
  if (call_i32("scratch_load32", 1, 100, 0) != 0x12345678) FAIL("wasm missed a host write");
  call_i32("scratch_store32", 2, PAGE - 4, -2);
  if (memcmp(wasm_memory_data(scratch) + PAGE - 4, "\xfe\xff\xff\xff", 4) != 0)
    FAIL("host missed a wasm write to its own memory");
  expect_oob("scratch_load32", 1, (wasm_val_t)WASM_I32_VAL(PAGE - 3), (wasm_val_t)WASM_I32_VAL(0));
  if (!wasm_memory_grow(scratch, 3)) FAIL("growing the host memory to its maximum failed");
  if (wasm_memory_grow(scratch, 1)) FAIL("growing the host memory past its maximum succeeded");
  if (call_i32("scratch_size", 0, 0, 0) != 4) FAIL("wasm did not see the host's growth");
  call_i32("scratch_store32", 2, 4 * PAGE - 4, 77);
  if (wasm_memory_data(scratch)[4 * PAGE - 4] != 77) FAIL("write to the grown memory");
  // The two memories are distinct.
  if (wasm_memory_same(mem, scratch)) FAIL("the two memories are the same object");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  // The host memory outlives the instance it was imported by.
  if (wasm_memory_data(scratch)[100] != 0x78) FAIL("host memory lost after the instance");
  wasm_memory_delete(scratch);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("memory: ok\n");
  return 0;
}
