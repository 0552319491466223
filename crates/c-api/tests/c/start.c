// start: a module whose start function traps. wasm_instance_new must
// return NULL and hand back the trap, whose message and frames say where
// it happened: the innermost frame at the `unreachable` in $check, the
// next at the call in $start. Offsets are checked against the bytes of
// the module itself.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "start: " __VA_ARGS__);        \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

// Function indices in start.wat.
#define CHECK_FUNC 1
#define START_FUNC 2
// Opcodes the frames must point at.
#define OP_UNREACHABLE 0x00
#define OP_CALL 0x10

static int starting_calls = 0;

static wasm_trap_t *starting(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  (void)results;
  starting_calls++;
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

// Checks one frame: its function, and that its offsets point at `opcode`
// inside the module's bytes.
static void check_frame(const char *what, const wasm_frame_t *frame, uint32_t func,
                        unsigned char opcode, const wasm_byte_vec_t *binary) {
  uint32_t index = wasm_frame_func_index(frame);
  size_t module_offset = wasm_frame_module_offset(frame);
  size_t func_offset = wasm_frame_func_offset(frame);
  printf("  %s: function %u, module offset 0x%zx, function offset 0x%zx\n", what, index,
         module_offset, func_offset);
  if (index != func) FAIL("%s: function index %u, expected %u", what, index, func);
  if (module_offset == 0 || module_offset >= binary->size)
    FAIL("%s: module offset 0x%zx is outside the module", what, module_offset);
  if ((unsigned char)binary->data[module_offset] != opcode)
    FAIL("%s: the byte at 0x%zx is 0x%02x, expected opcode 0x%02x", what, module_offset,
         (unsigned char)binary->data[module_offset], opcode);
  // The function offset counts from the start of the function's body, which
  // lies inside the module after its header: so it is smaller.
  if (func_offset >= module_offset)
    FAIL("%s: function offset 0x%zx does not fit module offset 0x%zx", what, func_offset,
         module_offset);
  // The frame's instance is only looked at, never owned; calling it must be safe.
  (void)wasm_frame_instance(frame);
}

int main(void) {
  printf("start: setting up\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("start.wasm", &binary)) FAIL("cannot read start.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  if (!module) FAIL("start.wasm did not compile");

  wasm_functype_t *type = wasm_functype_new_0_0();
  wasm_func_t *host = wasm_func_new(store, type, starting);
  wasm_functype_delete(type);
  wasm_extern_t *import_list[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);

  printf("start: instantiating (the start function traps)\n");
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (instance) FAIL("instantiation succeeded despite the trapping start function");
  if (!trap) FAIL("no trap was returned");
  if (starting_calls != 1) FAIL("the start function ran %d times before trapping", starting_calls);

  wasm_message_t message;
  wasm_trap_message(trap, &message);
  if (message.size == 0 || message.data[message.size - 1] != '\0')
    FAIL("the trap message is not NUL-terminated");
  printf("  message: %s\n", message.data);
  if (!strstr(message.data, "unreachable")) FAIL("the message does not mention unreachable");
  wasm_byte_vec_delete(&message);

  wasm_frame_t *origin = wasm_trap_origin(trap);
  if (!origin) FAIL("the trap has no origin frame");
  check_frame("origin", origin, CHECK_FUNC, OP_UNREACHABLE, &binary);

  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  if (trace.size != 2) FAIL("the trace has %zu frames, expected 2 ($check, $start)", trace.size);
  check_frame("trace[0]", trace.data[0], CHECK_FUNC, OP_UNREACHABLE, &binary);
  check_frame("trace[1]", trace.data[1], START_FUNC, OP_CALL, &binary);
  if (wasm_frame_module_offset(trace.data[0]) != wasm_frame_module_offset(origin))
    FAIL("the origin is not the innermost frame of the trace");

  // A copied frame says the same and lives on its own.
  wasm_frame_t *copy = wasm_frame_copy(trace.data[1]);
  wasm_frame_vec_delete(&trace);
  check_frame("copy of trace[1]", copy, START_FUNC, OP_CALL, &binary);
  wasm_frame_delete(copy);
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);

  // Without a place for the trap: still NULL, and the trap is not leaked.
  instance = wasm_instance_new(store, module, &imports, NULL);
  if (instance) FAIL("instantiation succeeded the second time");
  if (starting_calls != 2) FAIL("the start function did not run again");

  // The store is still fine: the host function can be called directly.
  wasm_val_vec_t none = WASM_EMPTY_VEC, none_out = WASM_EMPTY_VEC;
  if (wasm_func_call(host, &none, &none_out)) FAIL("calling the host function trapped");
  if (starting_calls != 3) FAIL("the host function was not called");

  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("start: ok\n");
  return 0;
}
