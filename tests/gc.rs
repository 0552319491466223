//! Wasm GC through the embedding API: `anyref` values, `i31`, and host
//! values crossing between the `extern` and `any` hierarchies.

use kiln::{
    AnyRef, AsContext, AsContextMut, Config, Engine, EqRef, ExternRef, I31, Instance, Module, Ref,
    RootScope, Rooted, Store, Val,
};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use wasmparser::WasmFeatures;

fn gc_engine() -> Engine {
    let mut config = Config::new();
    config.wasm_features(WasmFeatures::WASM3);
    Engine::new(&config).unwrap()
}

const MODULE: &str = r#"
(module
  (table (export "t") 2 anyref)
  (func (export "i31") (param i32) (result anyref) (ref.i31 (local.get 0)))
  (func (export "get_s") (param anyref) (result i32)
    (i31.get_s (ref.cast i31ref (local.get 0))))
  (func (export "internalize") (param externref) (result anyref)
    (any.convert_extern (local.get 0)))
  (func (export "externalize") (param anyref) (result externref)
    (extern.convert_any (local.get 0)))
  (func (export "store0") (param i32)
    (table.set (i32.const 0) (ref.i31 (local.get 0))))
)"#;

fn instance() -> (Store<()>, Instance) {
    let engine = gc_engine();
    let module = Module::new(&engine, MODULE).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

#[test]
fn i31_values_cross_the_boundary_both_ways() {
    let (mut store, instance) = instance();
    let i31 = instance.get_func(&mut store, "i31").unwrap();
    let mut out = [Val::I32(0)];
    i31.call(&mut store, &[Val::I32(-5)], &mut out).unwrap();
    let any = *out[0].unwrap_anyref().unwrap();
    assert_eq!(any.unwrap_i31(&store).unwrap().get_i32(), -5);
    assert_eq!(any.unwrap_i31(&store).unwrap().get_u32(), 0x7fff_fffb);

    let get_s = instance.get_func(&mut store, "get_s").unwrap();
    let host_made = AnyRef::from_i31(&mut store, I31::wrapping_i32(-0x4000_0000));
    get_s
        .call(&mut store, &[Val::AnyRef(Some(host_made))], &mut out)
        .unwrap();
    assert_eq!(out[0].unwrap_i32(), -0x4000_0000);
}

#[test]
fn an_anyref_table_hands_back_i31_zero() {
    // `ref.i31 0` is the word lazy funcref tables use as their marker.
    let (mut store, instance) = instance();
    let store0 = instance.get_func(&mut store, "store0").unwrap();
    store0.call(&mut store, &[Val::I32(0)], &mut []).unwrap();
    let table = instance.get_table(&mut store, "t").unwrap();
    let r = table.get(&mut store, 0).unwrap();
    let zero = r.unwrap_any().unwrap().as_i31(&store).unwrap();
    assert_eq!(zero, Some(I31::wrapping_u32(0)));
    assert!(table.get(&mut store, 1).unwrap().is_null());
    let seven = AnyRef::from_i31(&mut store, I31::new_u32(7).unwrap());
    table.set(&mut store, 1, Ref::Any(Some(seven))).unwrap();
    let r = table.get(&mut store, 1).unwrap();
    let seven = r.unwrap_any().unwrap().unwrap_i31(&store).unwrap();
    assert_eq!(seven.get_u32(), 7);
}

#[test]
fn host_values_keep_their_identity_through_both_conversions() {
    let (mut store, instance) = instance();
    let internalize = instance.get_func(&mut store, "internalize").unwrap();
    let externalize = instance.get_func(&mut store, "externalize").unwrap();
    let host = ExternRef::new(&mut store, String::from("hello")).unwrap();
    let mut out = [Val::I32(0)];
    internalize
        .call(&mut store, &[Val::ExternRef(Some(host))], &mut out)
        .unwrap();
    let any = *out[0].unwrap_anyref().unwrap();
    assert!(!any.is_i31(&store).unwrap() && !any.is_eqref(&store).unwrap());
    let seen = ExternRef::convert_any(&mut store, any).unwrap();
    let seen = seen.data(&store).unwrap().unwrap();
    assert_eq!(
        seen.downcast_ref::<String>().map(String::as_str),
        Some("hello")
    );
    externalize
        .call(&mut store, &[Val::AnyRef(Some(any))], &mut out)
        .unwrap();
    let back = out[0].unwrap_externref().unwrap();
    assert!(kiln::Rooted::ref_eq(&store, back, &host).unwrap());

    // An i31 made extern and back is the same i31.
    let i31 = AnyRef::from_i31(&mut store, I31::new_u32(42).unwrap());
    externalize
        .call(&mut store, &[Val::AnyRef(Some(i31))], &mut out)
        .unwrap();
    let ext = *out[0].unwrap_externref().unwrap();
    assert!(ext.data(&store).unwrap().is_none());
    internalize
        .call(&mut store, &[Val::ExternRef(Some(ext))], &mut out)
        .unwrap();
    let back = out[0].unwrap_anyref().unwrap().unwrap_i31(&store).unwrap();
    assert_eq!(back.get_u32(), 42);
}

#[test]
fn a_host_value_is_not_an_i31_to_a_cast() {
    let (mut store, instance) = instance();
    let get_s = instance.get_func(&mut store, "get_s").unwrap();
    let host = ExternRef::new(&mut store, 1u32).unwrap();
    let any = AnyRef::convert_extern(&mut store, host).unwrap();
    let err = get_s
        .call(&mut store, &[Val::AnyRef(Some(any))], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(
        err.downcast_ref::<kiln::Trap>(),
        Some(&kiln::Trap::CastFailure)
    );
}

#[test]
fn values_are_checked_against_gc_types() {
    let (mut store, instance) = instance();
    let get_s = instance.get_func(&mut store, "get_s").unwrap();
    // A funcref is not an anyref.
    let err = get_s
        .call(&mut store, &[Val::FuncRef(None)], &mut [Val::I32(0)])
        .unwrap_err();
    assert!(err.to_string().contains("anyref"), "{err}");
}

/// The process's resident memory, from `/proc/self/statm`.
fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// A ring of `$slots` short linked lists; each `churn` step builds a new
/// list of 4 nodes, each with a 1 KiB byte array, and drops the list it
/// replaces. At most `$slots` lists (about 64 MiB with 15,000 slots) are
/// live at any time.
const CHURN: &str = r#"
(module
  (type $bytes (array (mut i8)))
  (type $node (struct (field $next (ref null $node)) (field $data (ref $bytes))))
  (type $ring (array (mut (ref null $node))))
  (global $ring (mut (ref null $ring)) (ref.null $ring))
  (func (export "init") (param $slots i32)
    (global.set $ring (array.new_default $ring (local.get $slots))))
  (func $list (param $tag i32) (result (ref $node))
    (local $head (ref null $node)) (local $i i32)
    (loop $build
      (local.set $head
        (struct.new $node (local.get $head)
          (array.new $bytes (local.get $tag) (i32.const 1024))))
      (br_if $build (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                              (i32.const 4))))
    (ref.as_non_null (local.get $head)))
  (func (export "churn") (param $steps i32) (param $tag i32)
    (local $ring (ref $ring)) (local $s i32)
    (local.set $ring (ref.as_non_null (global.get $ring)))
    (loop $step
      (array.set $ring (local.get $ring)
        (i32.rem_u (local.get $s) (array.len (local.get $ring)))
        (call $list (local.get $tag)))
      (br_if $step (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 1)))
                             (local.get $steps)))))
  ;; A fresh list, for the host to hold.
  (func (export "make") (param $tag i32) (result anyref) (call $list (local.get $tag)))
  ;; Sums every byte of every array of a list (4 × 1024 × its tag if intact).
  (func (export "sum") (param $l anyref) (result i32)
    (local $n (ref null $node)) (local $i i32) (local $sum i32)
    (local.set $n (ref.cast (ref null $node) (local.get $l)))
    (block $done
      (loop $nodes
        (br_if $done (ref.is_null (local.get $n)))
        (local.set $i (i32.const 0))
        (loop $bytes
          (local.set $sum (i32.add (local.get $sum)
            (array.get_u $bytes (struct.get $node $data (local.get $n)) (local.get $i))))
          (br_if $bytes (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                  (i32.const 1024))))
        (local.set $n (struct.get $node $next (local.get $n)))
        (br $nodes)))
    (local.get $sum))
  (func (export "clear") (global.set $ring (ref.null $ring)))
)"#;

#[test]
fn ten_gib_through_a_256_mib_heap() {
    const LIMIT: usize = 256 << 20;
    let mut config = Config::new();
    config
        .wasm_features(WasmFeatures::WASM3)
        .gc_heap_limit(LIMIT);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, CHURN).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let init = instance
        .get_typed_func::<i32, ()>(&mut store, "init")
        .unwrap();
    let churn = instance
        .get_typed_func::<(i32, i32), ()>(&mut store, "churn")
        .unwrap();
    let make = instance.get_func(&mut store, "make").unwrap();
    let sum = instance.get_func(&mut store, "sum").unwrap();
    init.call(&mut store, 15_000).unwrap();

    // Lists the host holds, made before the churn: `Rooted` handles of a
    // scope that lasts until the end of the checks.
    let mut scope = RootScope::new(&mut store);
    let mut held = Vec::new();
    for tag in 1..=3 {
        let mut out = [Val::I32(0)];
        make.call(&mut scope, &[Val::I32(tag)], &mut out).unwrap();
        held.push(out[0]);
    }

    // Each step allocates 4 nodes (24 bytes) and 4 arrays (1,040 bytes):
    // 4,256 bytes, so 2,522,000 steps are 10 GiB.
    let rss_before = rss_bytes();
    let mut peak = 0;
    for round in 0..20 {
        churn.call(&mut scope, (126_100, round)).unwrap();
        peak = peak.max(rss_bytes().saturating_sub(rss_before));
        assert!(scope.as_context().gc_heap_bytes() <= LIMIT);
    }
    // The heap never went past its limit, and the process did not grow by
    // much more than it.
    assert!(peak < LIMIT + (64 << 20), "RSS grew by {} MiB", peak >> 20);

    // The host's lists survived every collection, intact.
    for (tag, list) in (1..=3).zip(&held) {
        let mut out = [Val::I32(0)];
        sum.call(&mut scope, std::slice::from_ref(list), &mut out)
            .unwrap();
        assert_eq!(out[0].unwrap_i32(), 4 * 1024 * tag);
    }

    // Once nothing holds them (the scope ended, unrooting the handles),
    // everything but the chunk being filled goes.
    drop(scope);
    let stale = held[0].unwrap_anyref().unwrap();
    assert!(stale.is_struct(&store).is_err());
    instance
        .get_typed_func::<(), ()>(&mut store, "clear")
        .unwrap()
        .call(&mut store, ())
        .unwrap();
    store.gc();
    assert!(
        store.gc_heap_bytes() <= 2 << 20,
        "{} bytes left",
        store.gc_heap_bytes()
    );
}

#[test]
fn impossible_and_excessive_allocations_trap() {
    let mut config = Config::new();
    config.gc_heap_limit(8 << 20);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(
        &engine,
        r#"(module
          (type $a (array (mut i64)))
          (global $keep (mut (ref null $a)) (ref.null $a))
          (func (export "new") (param i32) (result anyref) (array.new_default $a (local.get 0)))
          (func (export "keep") (param i32)
            (global.set $keep (array.new_default $a (local.get 0))))
          (func (export "drop") (global.set $keep (ref.null $a))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let new = instance.get_func(&mut store, "new").unwrap();
    let keep = instance
        .get_typed_func::<i32, ()>(&mut store, "keep")
        .unwrap();
    let trap = |r: anyhow::Result<()>| *r.unwrap_err().downcast_ref::<kiln::Trap>().unwrap();
    // 2^32 - 1 elements of 8 bytes: larger than any heap.
    let r = new.call(&mut store, &[Val::I32(-1)], &mut [Val::I32(0)]);
    assert_eq!(trap(r), kiln::Trap::AllocationTooLarge);
    // 6 MiB kept alive, then another 6 MiB: the heap is full even after a
    // collection.
    keep.call(&mut store, 6 << 17).unwrap();
    let r = new.call(&mut store, &[Val::I32(6 << 17)], &mut [Val::I32(0)]);
    assert_eq!(trap(r), kiln::Trap::GcHeapOutOfMemory);
    // Once nothing holds the kept array, the collection that the next
    // allocation runs frees it, and the new one fits.
    let drop_it = instance
        .get_typed_func::<(), ()>(&mut store, "drop")
        .unwrap();
    drop_it.call(&mut store, ()).unwrap();
    keep.call(&mut store, 6 << 17).unwrap();
    assert!(store.gc_heap_bytes() <= 8 << 20);
}

#[test]
fn an_object_cannot_cross_into_another_store() {
    let engine = gc_engine();
    let module = Module::new(
        &engine,
        r#"(module (type $s (struct (field i32)))
             (func (export "make") (result anyref) (struct.new $s (i32.const 1)))
             (func (export "take") (param anyref) (result i32) (ref.test (ref $s) (local.get 0))))"#,
    )
    .unwrap();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let ia = Instance::new(&mut a, &module, &[]).unwrap();
    let ib = Instance::new(&mut b, &module, &[]).unwrap();
    let mut out = [Val::I32(0)];
    ia.get_func(&mut a, "make")
        .unwrap()
        .call(&mut a, &[], &mut out)
        .unwrap();
    let object = out[0];
    assert!(object.unwrap_anyref().unwrap().is_struct(&a).unwrap());
    let take_b = ib.get_func(&mut b, "take").unwrap();
    let err = take_b
        .call(&mut b, std::slice::from_ref(&object), &mut out)
        .unwrap_err();
    assert!(err.to_string().contains("different store"), "{err}");
    assert!(object.unwrap_anyref().unwrap().is_struct(&b).is_err());
    let take_a = ia.get_func(&mut a, "take").unwrap();
    take_a.call(&mut a, &[object], &mut out).unwrap();
    assert_eq!(out[0].unwrap_i32(), 1);
}

#[test]
fn the_host_reads_and_writes_fields_and_elements() {
    let engine = gc_engine();
    let module = Module::new(
        &engine,
        r#"(module
          (type $pt (struct (field $x (mut i8)) (field $y f64) (field $next (mut (ref null $pt)))))
          (type $a (array (mut i16)))
          (func (export "point") (result anyref) (struct.new $pt (i32.const -1) (f64.const 2.5) (ref.null $pt)))
          (func (export "arr") (result anyref) (array.new $a (i32.const 7) (i32.const 3)))
          (func (export "x") (param anyref) (result i32) (struct.get_s $pt $x (ref.cast (ref $pt) (local.get 0))))
          (func (export "sum") (param anyref) (result i32)
            (local $a (ref $a)) (local $i i32) (local $s i32)
            (local.set $a (ref.cast (ref $a) (local.get 0)))
            (loop $l
              (local.set $s (i32.add (local.get $s) (array.get_u $a (local.get $a) (local.get $i))))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (array.len (local.get $a)))))
            (local.get $s)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let call = |store: &mut Store<()>, name: &str, args: &[Val]| {
        let mut out = [Val::I32(0)];
        let f = instance.get_func(&mut *store, name).unwrap();
        f.call(&mut *store, args, &mut out).unwrap();
        out[0]
    };
    let p = *call(&mut store, "point", &[]).unwrap_anyref().unwrap();
    let s = p.as_struct(&store).unwrap().unwrap();
    assert!(p.as_array(&store).unwrap().is_none());
    // Packed fields read zero-extended, as `struct.get_u` does.
    assert_eq!(s.field(&mut store, 0).unwrap().unwrap_i32(), 0xff);
    assert_eq!(s.field(&mut store, 1).unwrap().unwrap_f64(), 2.5);
    assert!(s.field(&mut store, 3).is_err());
    s.set_field(&mut store, 0, Val::I32(0x105)).unwrap();
    assert_eq!(
        call(&mut store, "x", &[Val::AnyRef(Some(p))]).unwrap_i32(),
        5
    );
    // Immutable fields and wrong types are refused.
    assert!(
        s.set_field(&mut store, 1, Val::F64(1f64.to_bits()))
            .is_err()
    );
    assert!(s.set_field(&mut store, 0, Val::I64(1)).is_err());
    // A reference field takes a struct of its type, and not an array.
    s.set_field(&mut store, 2, Val::AnyRef(Some(p))).unwrap();
    let a = *call(&mut store, "arr", &[]).unwrap_anyref().unwrap();
    assert!(s.set_field(&mut store, 2, Val::AnyRef(Some(a))).is_err());

    let arr = a.as_array(&store).unwrap().unwrap();
    assert_eq!(arr.len(&store).unwrap(), 3);
    arr.set(&mut store, 1, Val::I32(0x1_0010)).unwrap();
    assert_eq!(arr.get(&mut store, 1).unwrap().unwrap_i32(), 0x10);
    assert!(arr.get(&mut store, 3).is_err());
    assert_eq!(
        call(&mut store, "sum", &[Val::AnyRef(Some(a))]).unwrap_i32(),
        7 + 0x10 + 7
    );
    // Another store's object is refused.
    let mut other = Store::new(&engine, ());
    assert!(s.field(&mut other, 0).is_err());
}

/// A host value that counts how many of its kind are alive.
struct Tracked {
    id: u32,
    live: Arc<AtomicUsize>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.live.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A long-running store that keeps receiving new host values releases the
/// ones wasm no longer holds; the ones it holds (in a global, a table)
/// stay, intact; dropping the store releases the rest.
#[test]
fn externrefs_wasm_no_longer_holds_are_released() {
    use std::sync::atomic::Ordering::SeqCst;
    let live = Arc::new(AtomicUsize::new(0));
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (global $g (mut externref) (ref.null extern))
          (table $t 4 externref)
          (func (export "keep") (param externref) (global.set $g (local.get 0)))
          (func (export "stash") (param i32 externref)
            (table.set $t (local.get 0) (local.get 1)))
          (func (export "get") (result externref) (global.get $g))
          (func (export "stashed") (param i32) (result externref)
            (table.get $t (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let keep = instance.get_func(&mut store, "keep").unwrap();
    let stash = instance.get_func(&mut store, "stash").unwrap();
    fn tracked(store: impl AsContextMut, live: &Arc<AtomicUsize>, id: u32) -> Val {
        live.fetch_add(1, SeqCst);
        let value = Tracked {
            id,
            live: live.clone(),
        };
        Val::ExternRef(Some(ExternRef::new(store, value).unwrap()))
    }
    for slot in 0..2 {
        let mut scope = RootScope::new(&mut store);
        let value = tracked(&mut scope, &live, 1_000_000 + slot);
        stash
            .call(&mut scope, &[Val::I32(slot as i32), value], &mut [])
            .unwrap();
    }
    let mut most = 0;
    const N: u32 = 1_000_000;
    let roots = store.gc_root_count();
    for id in 0..N {
        // Each value is the host's only while this scope lasts.
        let mut scope = RootScope::new(&mut store);
        let value = tracked(&mut scope, &live, id);
        keep.call(&mut scope, &[value], &mut []).unwrap();
        most = most.max(live.load(SeqCst));
    }
    assert_eq!(store.gc_root_count(), roots);
    // Collections ran as the host made new values: never were all alive.
    assert!(most < N as usize / 2, "{most} host values alive at once");
    assert!(
        store.gc_heap_bytes() < 64 << 20,
        "{}",
        store.gc_heap_bytes()
    );
    store.gc();
    assert_eq!(
        live.load(SeqCst),
        3,
        "the global's value and two in the table"
    );
    let id_of = |store: &mut Store<()>, name: &str, args: &[Val]| {
        let f = instance.get_func(&mut *store, name).unwrap();
        let mut out = [Val::I32(0)];
        f.call(&mut *store, args, &mut out).unwrap();
        let Val::ExternRef(Some(r)) = &out[0] else {
            panic!("{name} gave {:?}", out[0]);
        };
        let data = r.data(&*store).unwrap().unwrap();
        data.downcast_ref::<Tracked>().unwrap().id
    };
    assert_eq!(id_of(&mut store, "get", &[]), N - 1);
    assert_eq!(id_of(&mut store, "stashed", &[Val::I32(1)]), 1_000_001);
    drop(store);
    assert_eq!(live.load(SeqCst), 0);
}

/// Structs and arrays the host allocates are values of the module's own
/// types (types are canonical per engine), survive collections while held,
/// and are checked like wasm's allocation instructions.
#[test]
fn the_host_allocates_structs_and_arrays_of_wasm_types() {
    use kiln::{
        ArrayRef, ArrayRefPre, ArrayType, FieldType, RefType, StorageType, StructRef, StructRefPre,
        StructType, ValType,
    };
    let engine = gc_engine();
    let module = Module::new(
        &engine,
        r#"(module
          (type $point (struct (field $x (mut i32)) (field $y i16) (field $tag externref)))
          (type $bytes (array (mut i8)))
          (func (export "sum") (param (ref $point)) (result i32)
            (i32.add (struct.get $point $x (local.get 0))
                     (struct.get_s $point $y (local.get 0))))
          (func (export "tag") (param (ref $point)) (result externref)
            (struct.get $point $tag (local.get 0)))
          (func (export "bytes") (param (ref $bytes)) (result i32)
            (i32.add (array.len (local.get 0))
                     (array.get_u $bytes (local.get 0) (i32.const 2)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let point = StructType {
        fields: Box::new([
            FieldType::new(true, StorageType::Val(ValType::I32)),
            FieldType::new(false, StorageType::I16),
            FieldType::new(false, StorageType::Val(ValType::EXTERNREF)),
        ]),
    };
    let pre = StructRefPre::new(&mut store, point).unwrap();
    let tag = ExternRef::new(&mut store, "tagged").unwrap();
    let p = StructRef::new(
        &mut store,
        &pre,
        &[Val::I32(40), Val::I32(0x1_0002), Val::ExternRef(Some(tag))],
    )
    .unwrap();
    // Collections run while the host holds the struct.
    store.gc();
    store.gc();
    let call = |store: &mut Store<()>, name: &str, arg: Val| {
        let f = instance.get_func(&mut *store, name).unwrap();
        let mut out = [Val::I32(0)];
        f.call(&mut *store, &[arg], &mut out).map(|()| out[0])
    };
    let v = call(&mut store, "sum", Val::AnyRef(Some(p.to_anyref()))).unwrap();
    assert_eq!(v.unwrap_i32(), 42, "the i16 field keeps its low bits");
    let Val::ExternRef(Some(t)) =
        call(&mut store, "tag", Val::AnyRef(Some(p.to_anyref()))).unwrap()
    else {
        panic!("no tag");
    };
    let data = t.data(&store).unwrap().unwrap();
    assert_eq!(data.downcast_ref::<&str>(), Some(&"tagged"));
    p.set_field(&mut store, 0, Val::I32(1)).unwrap();
    assert!(
        p.set_field(&mut store, 1, Val::I32(1)).is_err(),
        "immutable"
    );
    let fields = p.fields(&mut store).unwrap();
    assert_eq!(fields.len(), 3);
    assert_eq!(fields[0].unwrap_i32(), 1);
    assert_eq!(
        fields[1].unwrap_i32(),
        2,
        "packed fields read zero-extended"
    );
    let Val::ExternRef(Some(t)) = &fields[2] else {
        panic!("{:?}", fields[2]);
    };
    assert!(Rooted::ref_eq(&store, t, &tag).unwrap());
    assert_eq!(&p.ty(&store).unwrap(), pre.ty());
    let any = p.to_anyref();
    assert!(
        any.unwrap_struct(&store)
            .unwrap()
            .fields(&mut store)
            .is_ok()
    );

    let bytes =
        ArrayRefPre::new(&mut store, ArrayType(FieldType::new(true, StorageType::I8))).unwrap();
    let a = ArrayRef::new(&mut store, &bytes, &Val::I32(0x107), 5).unwrap();
    let v = call(&mut store, "bytes", Val::AnyRef(Some(a.to_anyref()))).unwrap();
    assert_eq!(v.unwrap_i32(), 5 + 7);
    let f =
        ArrayRef::new_fixed(&mut store, &bytes, &[Val::I32(1), Val::I32(2), Val::I32(3)]).unwrap();
    assert_eq!(f.get(&mut store, 2).unwrap().unwrap_i32(), 3);
    let elems: Vec<i32> = f
        .elems(&mut store)
        .unwrap()
        .iter()
        .map(|v| v.unwrap_i32())
        .collect();
    assert_eq!(elems, [1, 2, 3]);
    assert_eq!(&f.ty(&store).unwrap(), bytes.ty());
    let any = f.to_anyref();
    let array = any.unwrap_array(&store).unwrap();
    assert_eq!(array.elems(&mut store).unwrap().len(), 3);
    let v = call(&mut store, "bytes", Val::AnyRef(Some(f.to_anyref()))).unwrap();
    assert_eq!(v.unwrap_i32(), 3 + 3);

    // What wasm's validator would refuse, the host cannot make either.
    assert!(StructRef::new(&mut store, &pre, &[Val::I32(1)]).is_err());
    assert!(
        StructRef::new(
            &mut store,
            &pre,
            &[Val::I64(1), Val::I32(0), Val::ExternRef(None)]
        )
        .is_err()
    );
    assert!(ArrayRef::new(&mut store, &bytes, &Val::F32(0), 1).is_err());
    let err = ArrayRef::new(&mut store, &bytes, &Val::I32(0), u32::MAX).unwrap_err();
    assert!(format!("{err:?}").contains("allocation"), "{err:?}");
    // An allocator belongs to its store.
    let mut other = Store::new(&engine, ());
    assert!(
        StructRef::new(
            &mut other,
            &pre,
            &[Val::I32(1), Val::I32(0), Val::ExternRef(None)]
        )
        .is_err()
    );
    // A type naming another module's type index cannot be registered.
    let bad = StructType {
        fields: Box::new([FieldType::new(
            false,
            StorageType::Val(ValType::Ref(RefType::new(
                true,
                kiln::HeapType::Module(kiln::TypeIndex(0), kiln::TypeKind::Struct),
            ))),
        )]),
    };
    assert!(StructRefPre::new(&mut store, bad).is_err());
    // Nor one naming an engine type that does not exist.
    let forged = StructType {
        fields: Box::new([FieldType::new(
            false,
            StorageType::Val(ValType::Ref(RefType::new(
                true,
                kiln::HeapType::Engine(kiln::EngineTypeIndex(0x7fff_0000), kiln::TypeKind::Struct),
            ))),
        )]),
    };
    assert!(StructRefPre::new(&mut store, forged).is_err());

    // Unrooted handles let the objects go.
    let before = store.gc_heap_bytes();
    let mut scope = RootScope::new(&mut store);
    let big = ArrayRef::new(&mut scope, &bytes, &Val::I32(1), 8 << 20).unwrap();
    assert!(scope.as_context().gc_heap_bytes() >= before + (8 << 20));
    drop(scope);
    assert!(big.len(&store).is_err(), "unrooted with its scope");
    store.gc();
    assert!(
        store.gc_heap_bytes() <= before,
        "{} > {before}",
        store.gc_heap_bytes()
    );
}

/// `EqRef` is what `ref.eq` compares: i31s, structs and arrays, never host
/// values; `Rooted::ref_eq` agrees with wasm's `ref.eq`.
#[test]
fn eqrefs_compare_as_ref_eq_does() {
    use kiln::{FieldType, StorageType, StructRef, StructRefPre, StructType, ValType};
    let engine = gc_engine();
    let module = Module::new(
        &engine,
        r#"(module (func (export "eq") (param eqref eqref) (result i32)
             (ref.eq (local.get 0) (local.get 1))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let eq = instance.get_func(&mut store, "eq").unwrap();
    let pre = StructRefPre::new(
        &mut store,
        StructType {
            fields: Box::new([FieldType::new(false, StorageType::Val(ValType::I32))]),
        },
    )
    .unwrap();
    let s1 = StructRef::new(&mut store, &pre, &[Val::I32(1)]).unwrap();
    let s2 = StructRef::new(&mut store, &pre, &[Val::I32(1)]).unwrap();
    let seven = EqRef::from_i31(&mut store, I31::wrapping_u32(7));
    let refs = [
        s1.to_eqref(),
        Rooted::<EqRef>::from(s1),
        s2.to_eqref(),
        seven,
        EqRef::from_i31(&mut store, I31::wrapping_u32(7)),
        EqRef::from_i31(&mut store, I31::wrapping_u32(8)),
    ];
    for a in &refs {
        for b in &refs {
            let mut out = [Val::I32(0)];
            let args = [a.to_anyref().into(), b.to_anyref().into()];
            eq.call(&mut store, &args, &mut out).unwrap();
            let same = Rooted::ref_eq(&store, a, b).unwrap();
            assert_eq!(out[0].unwrap_i32() == 1, same, "{a:?} {b:?}");
        }
    }
    assert!(seven.is_i31(&store).unwrap());
    assert_eq!(seven.unwrap_i31(&store).unwrap().get_u32(), 7);
    assert!(refs[0].is_struct(&store).unwrap());
    assert!(refs[0].as_array(&store).unwrap().is_none());
    let any: Rooted<AnyRef> = refs[0].into();
    assert!(any.as_eqref(&store).unwrap().is_some());
    let host = ExternRef::new(&mut store, 5u8).unwrap();
    let host = AnyRef::convert_extern(&mut store, host).unwrap();
    assert!(host.as_eqref(&store).unwrap().is_none());
}

/// Passing the same host value again and again reuses its host object:
/// the heap does not grow, though nothing triggers a collection, and the
/// results rooted in a scope go with it.
#[test]
fn the_same_host_value_passed_again_reuses_its_object() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func (export "id") (param externref) (result externref) (local.get 0)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let id = instance.get_func(&mut store, "id").unwrap();
    let value = ExternRef::new(&mut store, 17u64).unwrap();
    let mut out = [Val::ExternRef(None)];
    id.call(&mut store, &[value.into()], &mut out).unwrap();
    let before = store.gc_heap_bytes();
    let roots = store.gc_root_count();
    for _ in 0..1_000_000 {
        let mut scope = RootScope::new(&mut store);
        id.call(&mut scope, &[value.into()], &mut out).unwrap();
        let back = out[0].unwrap_externref().unwrap();
        assert!(Rooted::ref_eq(&scope, back, &value).unwrap());
    }
    assert_eq!(store.gc_heap_bytes(), before);
    assert_eq!(store.gc_root_count(), roots);
    let data = value.data(&store).unwrap().unwrap();
    assert_eq!(data.downcast_ref::<u64>(), Some(&17));
}

#[test]
fn a_host_function_can_collect_while_wasm_holds_references() {
    let engine = gc_engine();
    let module = Module::new(
        &engine,
        r#"(module
          (type $s (struct (field i32)))
          (type $a (array i8))
          (import "host" "collect" (func $collect))
          (func (export "run") (param i32) (result i32)
            (local $keep (ref null $s)) (local $i i32)
            (local.set $keep (struct.new $s (local.get 0)))
            (loop $l
              (drop (array.new_default $a (i32.const 262144)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 16))))
            (call $collect)
            (struct.get $s 0 (local.get $keep))))"#,
    )
    .unwrap();
    let mut linker = kiln::Linker::<Vec<usize>>::new(&engine);
    linker
        .func_wrap("host", "collect", |mut c: kiln::Caller<'_, Vec<usize>>| {
            let before = c.gc_heap_bytes();
            c.gc();
            let after = c.gc_heap_bytes();
            c.data_mut().extend([before, after]);
        })
        .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    for v in [7, 8, 9] {
        store.data_mut().clear();
        // The struct held only by the wasm frame survives the collection.
        assert_eq!(run.call(&mut store, v).unwrap(), v);
        let (before, after) = (store.data()[0], store.data()[1]);
        // 4 MiB of dead arrays were allocated before the call.
        assert!(
            after < before && after <= 2 << 20,
            "heap bytes before and after: {before}, {after}"
        );
    }
}
