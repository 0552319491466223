// threads: one module compiled once and shared with several threads
// through wasm_module_share / wasm_module_obtain. Every thread makes its
// own store, obtains the module, instantiates it with a host function and
// calls an export several times. The totals are checked per thread and
// overall. Build with -pthread.

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "threads: " __VA_ARGS__);      \
    fputc('\n', stderr);                           \
    exit(1);                                       \
  } while (0)

#define THREADS 8
#define ROUNDS 5    // instantiations per thread
#define TICKS 100   // host calls per instantiation

// Host calls counted per thread (each thread writes only its own slot) and
// overall (under a lock).
static long ticks_by_thread[THREADS];
static long ticks_total = 0;
static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;

// host.tick(id): counts the call and returns id + 1.
static wasm_trap_t *tick(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  int32_t id = args->data[0].of.i32;
  if (id < 0 || id >= THREADS) FAIL("tick got id %d", id);
  ticks_by_thread[id]++;
  pthread_mutex_lock(&total_lock);
  ticks_total++;
  pthread_mutex_unlock(&total_lock);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = id + 1;
  return NULL;
}

struct job {
  int id;
  wasm_engine_t *engine;
  const wasm_shared_module_t *shared;
  int64_t result_sum;  // what the thread's calls returned, added up
};

static void *run_thread(void *arg) {
  struct job *job = arg;
  wasm_store_t *store = wasm_store_new(job->engine);
  if (!store) FAIL("thread %d: no store", job->id);
  wasm_module_t *module = wasm_module_obtain(store, job->shared);
  if (!module) FAIL("thread %d: wasm_module_obtain failed", job->id);

  wasm_functype_t *type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t *host = wasm_func_new(store, type, tick);
  wasm_functype_delete(type);

  for (int round = 0; round < ROUNDS; round++) {
    wasm_extern_t *import_list[] = {wasm_func_as_extern(host)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance) FAIL("thread %d: instantiation failed", job->id);
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    const wasm_func_t *work = exports.size == 1 ? wasm_extern_as_func(exports.data[0]) : NULL;
    if (!work) FAIL("thread %d: no work export", job->id);

    wasm_val_t in[] = {WASM_I32_VAL(job->id), WASM_I32_VAL(TICKS)};
    wasm_val_t out[] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(in);
    wasm_val_vec_t results = WASM_ARRAY_VEC(out);
    wasm_trap_t *trap = wasm_func_call(work, &args, &results);
    if (trap) FAIL("thread %d: work trapped", job->id);
    // TICKS calls returning id + 1 each, plus the fresh instance's count.
    int64_t want = (int64_t)TICKS * (job->id + 1) + TICKS;
    if (out[0].kind != WASM_I64 || out[0].of.i64 != want)
      FAIL("thread %d: work returned %lld, expected %lld", job->id, (long long)out[0].of.i64,
           (long long)want);
    job->result_sum += out[0].of.i64;

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }

  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
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

int main(void) {
  printf("threads: compiling once\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!load_file("threads.wasm", &binary)) FAIL("cannot read threads.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("threads.wasm did not compile");
  wasm_shared_module_t *shared = wasm_module_share(module);
  if (!shared) FAIL("wasm_module_share failed");
  // The shared module stands on its own: the original may go now.
  wasm_module_delete(module);
  wasm_store_delete(store);

  printf("threads: running %d threads\n", THREADS);
  pthread_t threads[THREADS];
  struct job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i] = (struct job){i, engine, shared, 0};
    if (pthread_create(&threads[i], NULL, run_thread, &jobs[i]) != 0)
      FAIL("cannot start thread %d", i);
  }
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);

  int64_t grand = 0;
  for (int i = 0; i < THREADS; i++) {
    if (ticks_by_thread[i] != (long)ROUNDS * TICKS)
      FAIL("thread %d made %ld host calls, expected %d", i, ticks_by_thread[i], ROUNDS * TICKS);
    grand += jobs[i].result_sum;
  }
  if (ticks_total != (long)THREADS * ROUNDS * TICKS)
    FAIL("%ld host calls in all, expected %d", ticks_total, THREADS * ROUNDS * TICKS);
  // Sum over threads of ROUNDS * (TICKS * (id + 1) + TICKS).
  int64_t want = 0;
  for (int i = 0; i < THREADS; i++) want += (int64_t)ROUNDS * (TICKS * (i + 1) + TICKS);
  if (grand != want) FAIL("results add up to %lld, expected %lld", (long long)grand, (long long)want);
  printf("threads: %ld host calls, results total %lld\n", ticks_total, (long long)grand);

  // The shared module can still be obtained here, after the threads.
  wasm_store_t *last_store = wasm_store_new(engine);
  wasm_module_t *last = wasm_module_obtain(last_store, shared);
  if (!last) FAIL("obtaining after the threads failed");
  wasm_exporttype_vec_t exports;
  wasm_module_exports(last, &exports);
  if (exports.size != 1) FAIL("the obtained module has %zu exports", exports.size);
  wasm_exporttype_vec_delete(&exports);
  wasm_module_delete(last);
  wasm_store_delete(last_store);

  wasm_shared_module_delete(shared);
  wasm_engine_delete(engine);
  printf("threads: ok\n");
  return 0;
}
