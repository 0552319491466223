// vectors: every vector family (byte, valtype, functype, globaltype,
// tabletype, memorytype, externtype, importtype, exporttype, val, frame,
// extern) made with _new_empty, _new_uninitialized and _new, copied with
// _copy and deleted; names from C strings with and without their NUL; and
// the _copy of every type object. Copies must be deep: each is used after
// its original has been deleted.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define FAIL(...)                                  \
  do {                                             \
    fprintf(stderr, "vectors: " __VA_ARGS__);      \
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

static bool name_is(const wasm_name_t *n, const char *s) {
  return n->size == strlen(s) && memcmp(n->data, s, n->size) == 0;
}

static wasm_trap_t *plus_one(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1;
  return NULL;
}

static wasm_limits_t limits(uint32_t min, uint32_t max) {
  wasm_limits_t l = {min, max};
  return l;
}

// Every family's empty and zero-length vectors.
static void empty_vectors(void) {
#define EMPTY(name)                                                  \
  do {                                                               \
    wasm_##name##_vec_t e, z, c;                                     \
    wasm_##name##_vec_new_empty(&e);                                 \
    wasm_##name##_vec_new_uninitialized(&z, 0);                      \
    wasm_##name##_vec_copy(&c, &e);                                  \
    if (e.size != 0 || z.size != 0 || c.size != 0)                   \
      FAIL(#name ": an empty vector has elements");                  \
    wasm_##name##_vec_delete(&e);                                    \
    wasm_##name##_vec_delete(&z);                                    \
    wasm_##name##_vec_delete(&c);                                    \
  } while (0)
  EMPTY(byte);
  EMPTY(valtype);
  EMPTY(functype);
  EMPTY(globaltype);
  EMPTY(tabletype);
  EMPTY(memorytype);
  EMPTY(externtype);
  EMPTY(importtype);
  EMPTY(exporttype);
  EMPTY(val);
  EMPTY(frame);
  EMPTY(extern);
#undef EMPTY
}

static void bytes_and_names(void) {
  wasm_byte_vec_t b;
  wasm_byte_vec_new_uninitialized(&b, 5);
  if (b.size != 5) FAIL("uninitialized byte vector size");
  memcpy(b.data, "abcde", 5);
  wasm_byte_vec_t c;
  wasm_byte_vec_copy(&c, &b);
  b.data[0] = 'X';  // the copy has its own buffer
  wasm_byte_vec_delete(&b);
  if (c.size != 5 || memcmp(c.data, "abcde", 5) != 0) FAIL("byte copy is not deep");
  wasm_byte_vec_delete(&c);

  wasm_byte_vec_t n;
  wasm_byte_vec_new(&n, 3, "xyz");
  if (n.size != 3 || memcmp(n.data, "xyz", 3) != 0) FAIL("wasm_byte_vec_new");
  wasm_byte_vec_delete(&n);

  wasm_name_t plain, with_nul;
  wasm_name_new_from_string(&plain, "kiln");
  wasm_name_new_from_string_nt(&with_nul, "kiln");
  if (plain.size != 4 || memcmp(plain.data, "kiln", 4) != 0) FAIL("wasm_name_new_from_string");
  if (with_nul.size != 5 || memcmp(with_nul.data, "kiln", 5) != 0)
    FAIL("wasm_name_new_from_string_nt should keep the NUL");
  wasm_name_t copy;
  wasm_name_copy(&copy, &with_nul);
  wasm_name_delete(&with_nul);
  if (copy.size != 5 || strcmp(copy.data, "kiln") != 0) FAIL("name copy");
  wasm_name_delete(&copy);
  wasm_name_delete(&plain);
  wasm_name_t empty;
  wasm_name_new_from_string(&empty, "");
  if (empty.size != 0) FAIL("an empty name has bytes");
  wasm_name_delete(&empty);
}

// Builds one of each type object, and their vectors.
static void types(void) {
  // valtype
  wasm_valtype_vec_t vts;
  wasm_valtype_vec_new_uninitialized(&vts, 6);
  const wasm_valkind_t kinds[6] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF, WASM_FUNCREF};
  for (size_t i = 0; i < 6; i++) vts.data[i] = wasm_valtype_new(kinds[i]);
  wasm_valtype_vec_t vts_copy;
  wasm_valtype_vec_copy(&vts_copy, &vts);
  wasm_valtype_t *vt_single = wasm_valtype_copy(vts.data[4]);
  wasm_valtype_vec_delete(&vts);
  for (size_t i = 0; i < 6; i++)
    if (wasm_valtype_kind(vts_copy.data[i]) != kinds[i]) FAIL("valtype copy %zu", i);
  if (wasm_valtype_kind(vt_single) != WASM_EXTERNREF || !wasm_valtype_is_ref(vt_single))
    FAIL("wasm_valtype_copy");
  wasm_valtype_delete(vt_single);

  // functype: params from the copied valtypes (the vector's elements move in).
  wasm_valtype_vec_t results;
  wasm_valtype_t *result_list[] = {wasm_valtype_new_f64()};
  wasm_valtype_vec_new(&results, 1, result_list);
  wasm_functype_t *ft = wasm_functype_new(&vts_copy, &results);
  wasm_functype_t *ft_copy = wasm_functype_copy(ft);
  wasm_functype_delete(ft);
  if (wasm_functype_params(ft_copy)->size != 6 || wasm_functype_results(ft_copy)->size != 1 ||
      wasm_valtype_kind(wasm_functype_params(ft_copy)->data[5]) != WASM_FUNCREF ||
      wasm_valtype_kind(wasm_functype_results(ft_copy)->data[0]) != WASM_F64)
    FAIL("functype copy");
  wasm_functype_vec_t fts;
  wasm_functype_t *ft_list[] = {ft_copy, wasm_functype_new_0_0()};
  wasm_functype_vec_new(&fts, 2, ft_list);
  wasm_functype_vec_t fts_copy;
  wasm_functype_vec_copy(&fts_copy, &fts);
  wasm_functype_vec_delete(&fts);
  if (wasm_functype_params(fts_copy.data[0])->size != 6 ||
      wasm_functype_params(fts_copy.data[1])->size != 0)
    FAIL("functype vector copy");

  // globaltype
  wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_globaltype_t *gt_copy = wasm_globaltype_copy(gt);
  wasm_globaltype_delete(gt);
  if (wasm_valtype_kind(wasm_globaltype_content(gt_copy)) != WASM_I64 ||
      wasm_globaltype_mutability(gt_copy) != WASM_VAR)
    FAIL("globaltype copy");
  wasm_globaltype_vec_t gts;
  wasm_globaltype_vec_new_uninitialized(&gts, 2);
  gts.data[0] = gt_copy;
  gts.data[1] = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_CONST);
  wasm_globaltype_vec_t gts_copy;
  wasm_globaltype_vec_copy(&gts_copy, &gts);
  wasm_globaltype_vec_delete(&gts);
  if (wasm_globaltype_mutability(gts_copy.data[1]) != WASM_CONST ||
      wasm_valtype_kind(wasm_globaltype_content(gts_copy.data[0])) != WASM_I64)
    FAIL("globaltype vector copy");

  // tabletype
  wasm_limits_t tl = limits(3, 9);
  wasm_tabletype_t *tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &tl);
  tl.min = 100;  // the type keeps its own limits
  wasm_tabletype_t *tt_copy = wasm_tabletype_copy(tt);
  wasm_tabletype_delete(tt);
  if (wasm_tabletype_limits(tt_copy)->min != 3 || wasm_tabletype_limits(tt_copy)->max != 9 ||
      wasm_valtype_kind(wasm_tabletype_element(tt_copy)) != WASM_FUNCREF)
    FAIL("tabletype copy");
  wasm_tabletype_vec_t tts;
  wasm_tabletype_t *tt_list[] = {tt_copy};
  wasm_tabletype_vec_new(&tts, 1, tt_list);
  wasm_tabletype_vec_t tts_copy;
  wasm_tabletype_vec_copy(&tts_copy, &tts);
  wasm_tabletype_vec_delete(&tts);
  if (wasm_tabletype_limits(tts_copy.data[0])->max != 9) FAIL("tabletype vector copy");

  // memorytype
  wasm_limits_t ml = limits(1, wasm_limits_max_default);
  wasm_memorytype_t *mt = wasm_memorytype_new(&ml);
  wasm_memorytype_t *mt_copy = wasm_memorytype_copy(mt);
  wasm_memorytype_delete(mt);
  if (wasm_memorytype_limits(mt_copy)->min != 1 ||
      wasm_memorytype_limits(mt_copy)->max != wasm_limits_max_default)
    FAIL("memorytype copy");
  wasm_memorytype_vec_t mts;
  wasm_memorytype_t *mt_list[] = {mt_copy};
  wasm_memorytype_vec_new(&mts, 1, mt_list);
  wasm_memorytype_vec_t mts_copy;
  wasm_memorytype_vec_copy(&mts_copy, &mts);
  wasm_memorytype_vec_delete(&mts);
  if (wasm_memorytype_limits(mts_copy.data[0])->min != 1) FAIL("memorytype vector copy");

  // externtype: copies of the types above, each in its extern form.
  wasm_externtype_vec_t ets;
  wasm_externtype_vec_new_uninitialized(&ets, 4);
  ets.data[0] = wasm_externtype_copy(wasm_functype_as_externtype_const(fts_copy.data[0]));
  ets.data[1] = wasm_externtype_copy(wasm_globaltype_as_externtype_const(gts_copy.data[0]));
  ets.data[2] = wasm_externtype_copy(wasm_tabletype_as_externtype_const(tts_copy.data[0]));
  ets.data[3] = wasm_externtype_copy(wasm_memorytype_as_externtype_const(mts_copy.data[0]));
  wasm_functype_vec_delete(&fts_copy);
  wasm_globaltype_vec_delete(&gts_copy);
  wasm_tabletype_vec_delete(&tts_copy);
  wasm_memorytype_vec_delete(&mts_copy);
  wasm_externtype_vec_t ets_copy;
  wasm_externtype_vec_copy(&ets_copy, &ets);
  wasm_externtype_vec_delete(&ets);
  const wasm_externkind_t ekinds[4] = {WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_TABLE,
                                       WASM_EXTERN_MEMORY};
  for (size_t i = 0; i < 4; i++)
    if (wasm_externtype_kind(ets_copy.data[i]) != ekinds[i]) FAIL("externtype copy %zu", i);
  if (wasm_functype_params(wasm_externtype_as_functype_const(ets_copy.data[0]))->size != 6 ||
      wasm_tabletype_limits(wasm_externtype_as_tabletype_const(ets_copy.data[2]))->min != 3)
    FAIL("externtype copies lost their contents");

  // importtype and exporttype: names and types move in.
  wasm_name_t mod_name, imp_name, exp_name;
  wasm_name_new_from_string(&mod_name, "env");
  wasm_name_new_from_string(&imp_name, "table");
  wasm_name_new_from_string(&exp_name, "global");
  wasm_importtype_t *it =
      wasm_importtype_new(&mod_name, &imp_name, wasm_externtype_copy(ets_copy.data[2]));
  wasm_exporttype_t *et = wasm_exporttype_new(&exp_name, wasm_externtype_copy(ets_copy.data[1]));
  wasm_externtype_vec_delete(&ets_copy);
  wasm_importtype_t *it_copy = wasm_importtype_copy(it);
  wasm_exporttype_t *et_copy = wasm_exporttype_copy(et);
  wasm_importtype_delete(it);
  wasm_exporttype_delete(et);
  if (!name_is(wasm_importtype_module(it_copy), "env") || !name_is(wasm_importtype_name(it_copy), "table") ||
      wasm_externtype_kind(wasm_importtype_type(it_copy)) != WASM_EXTERN_TABLE)
    FAIL("importtype copy");
  if (!name_is(wasm_exporttype_name(et_copy), "global") ||
      wasm_externtype_kind(wasm_exporttype_type(et_copy)) != WASM_EXTERN_GLOBAL)
    FAIL("exporttype copy");
  wasm_importtype_vec_t its, its_copy;
  wasm_importtype_t *it_list[] = {it_copy};
  wasm_importtype_vec_new(&its, 1, it_list);
  wasm_importtype_vec_copy(&its_copy, &its);
  wasm_importtype_vec_delete(&its);
  if (!name_is(wasm_importtype_name(its_copy.data[0]), "table")) FAIL("importtype vector copy");
  wasm_importtype_vec_delete(&its_copy);
  wasm_exporttype_vec_t ets2, ets2_copy;
  wasm_exporttype_t *et_list[] = {et_copy};
  wasm_exporttype_vec_new(&ets2, 1, et_list);
  wasm_exporttype_vec_copy(&ets2_copy, &ets2);
  wasm_exporttype_vec_delete(&ets2);
  if (!name_is(wasm_exporttype_name(ets2_copy.data[0]), "global")) FAIL("exporttype vector copy");
  wasm_exporttype_vec_delete(&ets2_copy);
}

// Vectors of runtime things: values, frames, externs.
static void runtime(wasm_store_t *store) {
  wasm_byte_vec_t binary;
  if (!load_file("vectors.wasm", &binary)) FAIL("cannot read vectors.wasm");
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) FAIL("vectors.wasm did not compile");

  // The module's own import and export vectors, copied deeply.
  wasm_importtype_vec_t imports, imports_copy;
  wasm_module_imports(module, &imports);
  wasm_importtype_vec_copy(&imports_copy, &imports);
  wasm_importtype_vec_delete(&imports);
  if (imports_copy.size != 1 || !name_is(wasm_importtype_name(imports_copy.data[0]), "f"))
    FAIL("module import vector copy");
  wasm_func_t *host =
      wasm_func_new(store, wasm_externtype_as_functype_const(wasm_importtype_type(imports_copy.data[0])), plus_one);
  wasm_importtype_vec_delete(&imports_copy);
  wasm_exporttype_vec_t exports_t, exports_t_copy;
  wasm_module_exports(module, &exports_t);
  wasm_exporttype_vec_copy(&exports_t_copy, &exports_t);
  wasm_exporttype_vec_delete(&exports_t);
  if (exports_t_copy.size != 5 || !name_is(wasm_exporttype_name(exports_t_copy.data[4]), "m"))
    FAIL("module export vector copy");
  wasm_exporttype_vec_delete(&exports_t_copy);

  wasm_extern_t *import_list[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t imports_vec = WASM_ARRAY_VEC(import_list);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports_vec, NULL);
  if (!instance) FAIL("instantiation failed");

  // extern: copy the instance's exports, drop the original and the instance.
  wasm_extern_vec_t exports, exports_copy;
  wasm_instance_exports(instance, &exports);
  wasm_extern_vec_copy(&exports_copy, &exports);
  wasm_extern_t *id_ext = wasm_extern_copy(exports.data[1]);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  if (exports_copy.size != 5) FAIL("extern vector copy has %zu elements", exports_copy.size);
  const wasm_externkind_t kinds[5] = {WASM_EXTERN_FUNC, WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL,
                                      WASM_EXTERN_TABLE, WASM_EXTERN_MEMORY};
  for (size_t i = 0; i < 5; i++)
    if (wasm_extern_kind(exports_copy.data[i]) != kinds[i]) FAIL("extern copy %zu kind", i);
  wasm_val_t g;
  wasm_global_get(wasm_extern_as_global(exports_copy.data[2]), &g);
  if (g.of.i32 != 5) FAIL("global through a copied extern");
  // A vector made with _new from copies of externs.
  wasm_extern_vec_t picked;
  wasm_extern_t *picked_list[] = {wasm_extern_copy(exports_copy.data[4]), id_ext};
  wasm_extern_vec_new(&picked, 2, picked_list);
  if (wasm_memory_size(wasm_extern_as_memory(picked.data[0])) != 1) FAIL("memory via picked extern");

  // val: numbers and a reference, made with _new_uninitialized and _new.
  wasm_foreign_t *foreign = wasm_foreign_new(store);
  wasm_val_vec_t vals;
  wasm_val_vec_new_uninitialized(&vals, 3);
  vals.data[0] = (wasm_val_t)WASM_I64_VAL(-5);
  vals.data[1] = (wasm_val_t)WASM_F32_VAL(2.5f);
  vals.data[2] = (wasm_val_t)WASM_REF_VAL(wasm_ref_copy(wasm_foreign_as_ref(foreign)));
  wasm_val_vec_t vals_copy;
  wasm_val_vec_copy(&vals_copy, &vals);
  wasm_val_vec_delete(&vals);  // drops the original's reference
  wasm_foreign_delete(foreign);
  if (vals_copy.data[0].of.i64 != -5 || vals_copy.data[1].of.f32 != 2.5f) FAIL("val copy numbers");
  if (vals_copy.data[2].kind != WASM_EXTERNREF || !vals_copy.data[2].of.ref)
    FAIL("val copy lost its reference");
  wasm_ref_t *still = wasm_ref_copy(vals_copy.data[2].of.ref);
  if (!wasm_ref_same(still, vals_copy.data[2].of.ref)) FAIL("copied reference");
  wasm_ref_delete(still);
  // Use the copied i64 as an argument vector for `id`.
  wasm_val_vec_t args, results;
  wasm_val_t arg_list[] = {WASM_I64_VAL(0)};
  wasm_val_vec_new(&args, 1, arg_list);
  args.data[0] = vals_copy.data[0];
  wasm_val_vec_new_uninitialized(&results, 1);
  if (wasm_func_call(wasm_extern_as_func(picked.data[1]), &args, &results)) FAIL("id trapped");
  if (results.data[0].kind != WASM_I64 || results.data[0].of.i64 != -5) FAIL("id(-5)");
  wasm_val_vec_delete(&args);
  wasm_val_vec_delete(&results);
  wasm_val_vec_delete(&vals_copy);

  // frame: from a trap's trace.
  wasm_val_vec_t none = WASM_EMPTY_VEC, no_results = WASM_EMPTY_VEC;
  wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports_copy.data[0]), &none, &no_results);
  if (!trap) FAIL("fail did not trap");
  wasm_frame_vec_t trace, trace_copy;
  wasm_trap_trace(trap, &trace);
  wasm_trap_delete(trap);
  if (trace.size != 2) FAIL("trace has %zu frames", trace.size);
  wasm_frame_vec_copy(&trace_copy, &trace);
  // A vector built with _new from copies of single frames, in reverse.
  wasm_frame_vec_t reversed;
  wasm_frame_t *frame_list[] = {wasm_frame_copy(trace.data[1]), wasm_frame_copy(trace.data[0])};
  wasm_frame_vec_new(&reversed, 2, frame_list);
  wasm_frame_vec_delete(&trace);
  // Function indices: 0 = env.f, 1 = $boom, 2 = fail.
  if (wasm_frame_func_index(trace_copy.data[0]) != 1 || wasm_frame_func_index(trace_copy.data[1]) != 2)
    FAIL("copied trace");
  if (wasm_frame_func_index(reversed.data[0]) != 2 ||
      wasm_frame_module_offset(reversed.data[1]) != wasm_frame_module_offset(trace_copy.data[0]))
    FAIL("frame vector from copies");
  wasm_frame_vec_delete(&reversed);
  wasm_frame_vec_delete(&trace_copy);

  wasm_extern_vec_delete(&picked);
  wasm_extern_vec_delete(&exports_copy);
  wasm_func_delete(host);
  wasm_module_delete(module);
}

int main(void) {
  printf("vectors: empty vectors\n");
  empty_vectors();
  printf("vectors: bytes and names\n");
  bytes_and_names();
  printf("vectors: type objects and their vectors\n");
  types();
  printf("vectors: values, frames and externs\n");
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  runtime(store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("vectors: ok\n");
  return 0;
}
