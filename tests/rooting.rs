//! Host handles on GC references: `Rooted` handles live as long as their
//! scope (a `RootScope`, a host call, or the store), `OwnedRooted` ones as
//! long as a clone is held. A handle used after its root is gone is an
//! error, never a read of a freed object; the tests run in GC stress mode
//! (every allocation collects, freed objects are poisoned), so a handle
//! that reached a freed object would read garbage instead of failing.

use kiln::{
    AnyRef, AsContextMut, Caller, Config, Engine, ExternRef, Func, Global, GlobalType, I31,
    Instance, Linker, Module, Mutability, OwnedRooted, RootScope, Rooted, Store, StructRef, Val,
    ValType,
};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use wasmparser::WasmFeatures;

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_features(WasmFeatures::WASM3).gc_stress(true);
    Engine::new(&config).unwrap()
}

const MODULE: &str = r#"
(module
  (type $pair (struct (field $a (mut i32)) (field $b i32)))
  (global (export "g") (mut anyref) (ref.null any))
  (func (export "pair") (param i32 i32) (result (ref $pair))
    (struct.new $pair (local.get 0) (local.get 1)))
  (func (export "sum") (param structref) (result i32)
    (local $p (ref $pair))
    (local.set $p (ref.cast (ref $pair) (local.get 0)))
    (i32.add (struct.get $pair $a (local.get $p)) (struct.get $pair $b (local.get $p))))
  (func (export "id") (param anyref) (result anyref) (local.get 0))
)"#;

fn setup(engine: &Engine) -> (Store<()>, Instance) {
    let module = Module::new(engine, MODULE).unwrap();
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

/// A struct made by wasm, rooted in `store`'s innermost scope.
fn pair(
    store: &mut impl kiln::AsContextMut<Data = ()>,
    instance: &Instance,
    a: i32,
    b: i32,
) -> Rooted<AnyRef> {
    let f = instance
        .get_typed_func::<(i32, i32), Rooted<AnyRef>>(&mut *store, "pair")
        .unwrap();
    f.call(&mut *store, (a, b)).unwrap()
}

fn is_unrooted<T: std::fmt::Debug>(r: kiln::Result<T>) -> bool {
    match r {
        Err(e) => e.to_string().contains("unrooted"),
        Ok(v) => panic!("a stale handle gave {v:?}"),
    }
}

#[test]
fn a_handle_used_after_its_scope_is_an_error_everywhere() {
    let engine = engine();
    let (mut store, instance) = setup(&engine);
    let (stale, stale_struct, stale_host) = {
        let mut scope = RootScope::new(&mut store);
        let p = pair(&mut scope, &instance, 1, 2);
        let s = p.unwrap_struct(&scope).unwrap();
        assert_eq!(s.field(&mut scope, 0).unwrap().unwrap_i32(), 1);
        let h = ExternRef::new(&mut scope, 5u32).unwrap();
        (p, s, h)
    };
    // Collections free what only the scope held; nothing can read it now.
    store.gc();
    pair(&mut store, &instance, 7, 7);
    store.gc();

    assert!(is_unrooted(stale.is_i31(&store)));
    assert!(is_unrooted(stale.as_struct(&store)));
    assert!(is_unrooted(stale.ty(&store)));
    assert!(is_unrooted(stale_struct.field(&mut store, 0)));
    assert!(is_unrooted(stale_struct.set_field(
        &mut store,
        0,
        Val::I32(3)
    )));
    assert!(is_unrooted(stale_host.data(&store).map(|d| d.is_some())));
    assert!(is_unrooted(Rooted::ref_eq(&store, &stale, &stale)));
    assert!(is_unrooted(stale.to_owned_rooted(&mut store)));
    assert!(is_unrooted(AnyRef::convert_extern(&mut store, stale_host)));

    // Nor can one reach wasm, through any path.
    let global = instance.get_global(&mut store, "g").unwrap();
    assert!(is_unrooted(global.set(&mut store, stale.into())));
    let sum = instance
        .get_typed_func::<Option<Rooted<StructRef>>, i32>(&mut store, "sum")
        .unwrap();
    assert!(is_unrooted(sum.call(&mut store, Some(stale_struct))));
    let id = instance.get_func(&mut store, "id").unwrap();
    let mut out = [Val::AnyRef(None)];
    assert!(is_unrooted(id.call(&mut store, &[stale.into()], &mut out)));
    let made = Global::new(
        &mut store,
        GlobalType::new(ValType::ANYREF, Mutability::Var),
        stale.into(),
    );
    assert!(is_unrooted(made));
    assert!(is_unrooted(stale.matches_ty(&store, &kiln::HeapType::Any)));
    assert!(is_unrooted(
        Val::from(stale).matches_ty(&store, &ValType::ANYREF)
    ));

    // The store is healthy: fresh handles work.
    let fresh = pair(&mut store, &instance, 20, 22);
    let fresh = fresh.unwrap_struct(&store).unwrap();
    assert_eq!(sum.call(&mut store, Some(fresh)).unwrap(), 42);
}

#[test]
fn a_later_root_at_the_same_position_is_not_the_stale_one() {
    let engine = engine();
    let (mut store, instance) = setup(&engine);
    let first = {
        let mut scope = RootScope::new(&mut store);
        pair(&mut scope, &instance, 1, 1)
    };
    let second = {
        let mut scope = RootScope::new(&mut store);
        let second = pair(&mut scope, &instance, 2, 2);
        // The first handle's position now holds the second's root.
        assert!(is_unrooted(first.is_struct(&scope)));
        assert!(!Rooted::rooted_eq(first, second));
        let s = second.unwrap_struct(&scope).unwrap();
        assert_eq!(s.field(&mut scope, 0).unwrap().unwrap_i32(), 2);
        second
    };
    assert!(is_unrooted(second.is_struct(&store)));
}

#[test]
fn a_host_call_is_a_scope() {
    let engine = engine();
    let kept: Arc<Mutex<Vec<Rooted<AnyRef>>>> = Arc::default();
    let mut linker = Linker::<()>::new(&engine);
    let keep = kept.clone();
    linker
        .func_wrap(
            "host",
            "see",
            move |c: Caller<'_, ()>, r: Option<Rooted<AnyRef>>| {
                // Usable during the call...
                let r = r.unwrap();
                assert!(r.is_struct(&c).unwrap());
                keep.lock().unwrap().push(r);
            },
        )
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module
          (type $s (struct (field i32)))
          (import "host" "see" (func $see (param anyref)))
          (func (export "run") (call $see (struct.new $s (i32.const 9)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let roots = store.gc_root_count();
    let run = instance
        .get_typed_func::<(), ()>(&mut store, "run")
        .unwrap();
    for _ in 0..1000 {
        run.call(&mut store, ()).unwrap();
    }
    // ... and unrooted when it returned, without growing the root set.
    assert_eq!(store.gc_root_count(), roots);
    store.gc();
    for r in kept.lock().unwrap().iter() {
        assert!(is_unrooted(r.is_struct(&store)));
    }
}

/// A host value that counts how many of its kind are alive.
struct Tracked(Arc<AtomicUsize>);

impl Tracked {
    fn new(live: &Arc<AtomicUsize>) -> Tracked {
        live.fetch_add(1, SeqCst);
        Tracked(live.clone())
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}

#[test]
fn loops_in_scopes_and_host_calls_leave_no_roots_behind() {
    let engine = engine();
    let live = Arc::new(AtomicUsize::new(0));
    let mut linker = Linker::<()>::new(&engine);
    let made = live.clone();
    linker
        .func_wrap("host", "make", move |mut c: Caller<'_, ()>| {
            ExternRef::new(&mut c, Tracked::new(&made))
        })
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module
          (import "host" "make" (func $make (result (ref extern))))
          (func (export "twice") (result externref) (drop (call $make)) (call $make)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let twice = instance
        .get_typed_func::<(), Option<Rooted<ExternRef>>>(&mut store, "twice")
        .unwrap();
    let roots = store.gc_root_count();
    for i in 0..2_000 {
        let mut scope = RootScope::new(&mut store);
        let r = twice.call(&mut scope, ()).unwrap().unwrap();
        assert!(r.data(&scope).unwrap().unwrap().is::<Tracked>());
        let extra = ExternRef::new(&mut scope, Tracked::new(&live)).unwrap();
        if i % 2 == 0 {
            scope.as_context_mut().gc();
            assert!(extra.data(&scope).unwrap().is_some(), "rooted in the scope");
        }
    }
    assert_eq!(store.gc_root_count(), roots);
    store.gc();
    assert_eq!(live.load(SeqCst), 0, "every host value was released");
}

#[test]
fn owned_roots_outlive_scopes_until_dropped() {
    let engine = engine();
    let live = Arc::new(AtomicUsize::new(0));
    let mut store = Store::new(&engine, ());
    let owned: OwnedRooted<ExternRef> = {
        let mut scope = RootScope::new(&mut store);
        let r = ExternRef::new(&mut scope, Tracked::new(&live)).unwrap();
        let owned = r.to_owned_rooted(&mut scope).unwrap();
        assert!(Rooted::ref_eq(&scope, &r, &owned).unwrap());
        owned
    };
    store.gc();
    assert_eq!(live.load(SeqCst), 1);
    assert!(owned.data(&store).unwrap().unwrap().is::<Tracked>());
    let again = owned.to_rooted(&mut store);
    assert!(OwnedRooted::ref_eq(&store, &again, &owned).unwrap());
    let copy = owned.clone();
    drop(owned);
    store.gc();
    assert_eq!(live.load(SeqCst), 1, "a clone still holds it");
    assert!(copy.data(&store).unwrap().is_some());
    let roots = store.gc_root_count();
    drop(copy);
    // The store-level `again` still roots it: only dropping the last owned
    // handle, not the LIFO one, is undone here.
    store.gc();
    assert_eq!(live.load(SeqCst), 1);
    assert_eq!(store.gc_root_count(), roots - 1);

    // Owned roots alone: dropping the last one releases the value.
    let owned = {
        let mut scope = RootScope::new(&mut store);
        let r = ExternRef::new(&mut scope, Tracked::new(&live)).unwrap();
        r.to_owned_rooted(&mut scope).unwrap()
    };
    store.gc();
    assert_eq!(live.load(SeqCst), 2);
    drop(owned);
    store.gc();
    assert_eq!(live.load(SeqCst), 1);
}

#[test]
fn handles_of_another_store_are_errors() {
    let engine = engine();
    let (mut a, instance) = setup(&engine);
    let mut b = Store::new(&engine, ());
    let p = pair(&mut a, &instance, 1, 2);
    let host = ExternRef::new(&mut a, 1u8).unwrap();
    assert!(p.is_struct(&b).is_err());
    assert!(host.data(&b).is_err());
    assert!(p.to_owned_rooted(&mut b).is_err());
    let global = Global::new(
        &mut b,
        GlobalType::new(ValType::ANYREF, Mutability::Var),
        Val::AnyRef(None),
    )
    .unwrap();
    let err = global.set(&mut b, p.into()).unwrap_err();
    assert!(err.to_string().contains("different store"), "{err}");
    // The first store is unaffected.
    assert!(p.is_struct(&a).unwrap());
}

#[test]
fn handles_are_small_and_values_are_copy() {
    assert_eq!(std::mem::size_of::<Rooted<AnyRef>>(), 16);
    fn is_copy<T: Copy>() {}
    is_copy::<Val>();
    is_copy::<kiln::Ref>();
    is_copy::<Rooted<ExternRef>>();
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let i31 = AnyRef::from_i31(&mut store, I31::wrapping_u32(3));
    let v = Val::from(i31);
    let w = v;
    assert_eq!(
        v.unwrap_anyref().unwrap().unwrap_i31(&store).unwrap(),
        w.unwrap_anyref().unwrap().unwrap_i31(&store).unwrap()
    );
    // A host function over rooted handles, called from the host.
    let f = Func::wrap(&mut store, |c: Caller<'_, ()>, r: Rooted<AnyRef>| {
        r.unwrap_i31(&c).map(|i| i.get_i32())
    });
    let typed = f.typed::<Rooted<AnyRef>, i32>(&store).unwrap();
    assert_eq!(typed.call(&mut store, i31).unwrap(), 3);
}
