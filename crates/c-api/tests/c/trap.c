// trap: a host function that fails with a trap made by wasm_trap_new (its
// message must reach the caller of the wasm function that called it), and
// traps raised by wasm itself (unreachable, division by zero, overflow)
// with their messages and frames. After every trap the store must go on
// working.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "trap: " __VA_ARGS__);         \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

#define INNER_FUNC 2
#define OUTER_FUNC 3
#define DIVIDE_FUNC 1
#define OP_UNREACHABLE 0x00
#define OP_CALL 0x10
#define OP_I32_DIV_S 0x6d

static int fail_calls = 0;

// host.fail: env is the store the trap is made in.
static wasm_trap_t *fail(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)results;
  fail_calls++;
  int32_t code = args->data[0].of.i32;
  if (code == 0) return NULL;
  char text[64];
  snprintf(text, sizeof text, "the host says no (code %d)", code);
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, text);
  wasm_trap_t *trap = wasm_trap_new((wasm_store_t *)env, &message);
  wasm_byte_vec_delete(&message);
  return trap;
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

static wasm_byte_vec_t binary;
static wasm_instance_t *instance;
static const wasm_module_t *the_module;
static wasm_extern_vec_t exports;

static const wasm_func_t *export_func(const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(the_module, &types);
  const wasm_func_t *found = NULL;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0)
      found = wasm_extern_as_func(exports.data[i]);
  }
  wasm_exporttype_vec_delete(&types);
  if (!found) FAIL("no exported function %s", name);
  return found;
}

// Calls an export with up to two i32 arguments; returns its trap, or NULL
// with the result (if any) in *out.
static wasm_trap_t *call(const char *name, size_t argc, int32_t a0, int32_t a1, int32_t *out) {
  const wasm_func_t *f = export_func(name);
  wasm_val_t in[2] = {WASM_I32_VAL(a0), WASM_I32_VAL(a1)};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {argc, in};
  wasm_val_vec_t results = {wasm_func_result_arity(f), res};
  wasm_trap_t *trap = wasm_func_call(f, &args, &results);
  if (!trap && out) *out = res[0].of.i32;
  return trap;
}

// The trap's message, checked for its NUL; the caller deletes it.
static wasm_message_t message_of(const wasm_trap_t *trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  if (msg.size == 0 || msg.data[msg.size - 1] != '\0') FAIL("trap message is not NUL-terminated");
  return msg;
}

static void expect_message(const wasm_trap_t *trap, const char *part) {
  wasm_message_t msg = message_of(trap);
  printf("  trap: %s\n", msg.data);
  if (!strstr(msg.data, part)) FAIL("message \"%s\" lacks \"%s\"", msg.data, part);
  wasm_byte_vec_delete(&msg);
}

static void check_frame(const char *what, const wasm_frame_t *frame, uint32_t func,
                        unsigned char opcode) {
  uint32_t index = wasm_frame_func_index(frame);
  size_t off = wasm_frame_module_offset(frame);
  if (index != func) FAIL("%s: function %u, expected %u", what, index, func);
  if (off == 0 || off >= binary.size) FAIL("%s: module offset 0x%zx outside the module", what, off);
  if ((unsigned char)binary.data[off] != opcode)
    FAIL("%s: byte 0x%02x at 0x%zx, expected opcode 0x%02x", what,
         (unsigned char)binary.data[off], off, opcode);
  if (wasm_frame_func_offset(frame) >= off) FAIL("%s: function offset past module offset", what);
  // If the frame knows its instance, it must be ours.
  wasm_instance_t *inst = wasm_frame_instance(frame);
  if (inst && !wasm_instance_same(inst, instance)) FAIL("%s: frame names another instance", what);
}

static void expect_answer(void) {
  int32_t v = 0;
  wasm_trap_t *trap = call("answer", 0, 0, 0, &v);
  if (trap || v != 42) FAIL("the store does not work after a trap");
}

int main(void) {
  printf("trap: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  if (!load_file("trap.wasm", &binary)) FAIL("cannot read trap.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  if (!module) FAIL("trap.wasm did not compile");
  the_module = module;

  printf("trap: a trap made by the host, on its own\n");
  wasm_message_t text;
  wasm_name_new_from_string_nt(&text, "made by hand");
  wasm_trap_t *own_trap = wasm_trap_new(store, &text);
  wasm_byte_vec_delete(&text);
  if (!own_trap) FAIL("wasm_trap_new returned NULL");
  wasm_message_t msg = message_of(own_trap);
  if (strcmp(msg.data, "made by hand") != 0) FAIL("message came back as \"%s\"", msg.data);
  wasm_byte_vec_delete(&msg);
  // It never went through wasm, so it has no frames.
  wasm_frame_t *none = wasm_trap_origin(own_trap);
  if (none) FAIL("a host-made trap has an origin frame");
  wasm_frame_vec_t no_frames;
  wasm_trap_trace(own_trap, &no_frames);
  if (no_frames.size != 0) FAIL("a host-made trap has %zu frames", no_frames.size);
  wasm_frame_vec_delete(&no_frames);
  wasm_trap_t *copy = wasm_trap_copy(own_trap);
  wasm_trap_delete(own_trap);
  msg = message_of(copy);
  if (strcmp(msg.data, "made by hand") != 0) FAIL("the copy's message is \"%s\"", msg.data);
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(copy);

  wasm_functype_t *fail_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t *fail_func = wasm_func_new_with_env(store, fail_type, fail, store, NULL);
  wasm_functype_delete(fail_type);
  wasm_extern_t *import_list[] = {wasm_func_as_extern(fail_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) FAIL("instantiation failed");
  wasm_instance_exports(instance, &exports);

  printf("trap: a host function's trap reaches the caller\n");
  int32_t v = 0;
  if (call("call_fail", 1, 0, 0, &v) || v != 1) FAIL("call_fail(0) should return 1");
  for (int32_t code = 1; code <= 3; code++) {
    wasm_trap_t *trap = call("call_fail", 1, code, 0, NULL);
    if (!trap) FAIL("call_fail(%d) did not trap", code);
    char want[64];
    snprintf(want, sizeof want, "the host says no (code %d)", code);
    expect_message(trap, want);
    wasm_trap_delete(trap);
    expect_answer();
  }
  // The host function called directly gives the trap back unchanged.
  wasm_val_t arg[] = {WASM_I32_VAL(9)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg);
  wasm_val_vec_t no_results = WASM_EMPTY_VEC;
  wasm_trap_t *direct = wasm_func_call(fail_func, &args, &no_results);
  if (!direct) FAIL("calling host.fail directly did not trap");
  expect_message(direct, "the host says no (code 9)");
  wasm_trap_delete(direct);
  if (fail_calls != 5) FAIL("host.fail was called %d times, expected 5", fail_calls);

  printf("trap: division by zero and overflow\n");
  if (call("divide", 2, 7, 2, &v) || v != 3) FAIL("divide(7, 2) should be 3");
  wasm_trap_t *trap = call("divide", 2, 7, 0, NULL);
  if (!trap) FAIL("divide(7, 0) did not trap");
  expect_message(trap, "divide by zero");
  wasm_frame_t *origin = wasm_trap_origin(trap);
  if (!origin) FAIL("no origin for the division trap");
  check_frame("division origin", origin, DIVIDE_FUNC, OP_I32_DIV_S);
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);
  expect_answer();
  trap = call("divide", 2, INT32_MIN, -1, NULL);
  if (!trap) FAIL("divide(INT32_MIN, -1) did not trap");
  expect_message(trap, "overflow");
  wasm_trap_delete(trap);
  expect_answer();

  printf("trap: unreachable two calls deep\n");
  trap = call("outer", 0, 0, 0, NULL);
  if (!trap) FAIL("outer did not trap");
  expect_message(trap, "unreachable");
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  if (trace.size != 2) FAIL("trace has %zu frames, expected 2", trace.size);
  check_frame("trace[0]", trace.data[0], INNER_FUNC, OP_UNREACHABLE);
  check_frame("trace[1]", trace.data[1], OUTER_FUNC, OP_CALL);
  // $inner starts with a nop, so the unreachable is not its first instruction.
  if (wasm_frame_func_offset(trace.data[0]) == 0) FAIL("trace[0] has function offset 0");
  wasm_frame_vec_t trace_copy;
  wasm_frame_vec_copy(&trace_copy, &trace);
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);
  // The copied trace outlives the trap and its first vector.
  check_frame("copied trace[1]", trace_copy.data[1], OUTER_FUNC, OP_CALL);
  wasm_frame_vec_delete(&trace_copy);
  expect_answer();

  // Many traps in a row leave nothing behind.
  for (int i = 0; i < 200; i++) {
    trap = call(i % 2 ? "outer" : "divide", i % 2 ? 0 : 2, 1, 0, NULL);
    if (!trap) FAIL("repeated trap %d missing", i);
    wasm_trap_delete(trap);
  }
  expect_answer();

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(fail_func);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("trap: ok\n");
  return 0;
}
