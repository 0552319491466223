//! The on-disk compilation cache (`Config::cache`): a second compile of the
//! same module is a hit, every kind of damaged entry is recompiled (never
//! run) and rewritten, concurrent writers of one entry are safe, and cache
//! I/O errors never fail compilation.

use kiln::{Cache, Config, Engine, Instance, Module, Store, Trap, WasmBacktrace};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Exercises every part of a cache entry: code (`fib`), a data segment
/// (`data`), names and the address map (`boom`'s backtrace).
const MODULE: &str = r#"
(module $cached
  (memory 1)
  (data (i32.const 100) "\2a\00\00\00cached data")
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "data") (result i32) (i32.load (i32.const 100)))
  (func $inner (unreachable))
  (func $boom (export "boom") (call $inner)))
"#;

/// A fresh directory under the system's temporary directory, removed when
/// dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kiln-cache-test-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An engine (default configuration, or `config`'s) with a new cache in
/// `dir`, so its counters start at zero.
fn cached_engine(dir: &Path, mut config: Config) -> (Engine, Cache) {
    let cache = Cache::new(dir).unwrap();
    config.cache(Some(cache.clone()));
    (Engine::new(&config).unwrap(), cache)
}

/// The entry files in `dir` (not temporary files).
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "entry"))
        .collect();
    found.sort();
    found
}

/// Files in `dir` that are not entries (left-over temporary files).
fn others(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "entry"))
        .collect()
}

/// Runs every export and returns what they did, to compare a cached module
/// with a freshly compiled one.
fn behaviour(module: &Module) -> (i32, i32, String) {
    let mut store = Store::new(module.engine(), ());
    let instance = Instance::new(&mut store, module, &[]).unwrap();
    let fib = instance
        .get_typed_func::<i32, i32>(&mut store, "fib")
        .unwrap();
    let data = instance
        .get_typed_func::<(), i32>(&mut store, "data")
        .unwrap();
    let boom = instance
        .get_typed_func::<(), ()>(&mut store, "boom")
        .unwrap();
    let err = boom.call(&mut store, ()).unwrap_err();
    assert_eq!(
        err.downcast_ref::<Trap>(),
        Some(&Trap::UnreachableCodeReached)
    );
    let backtrace = err.downcast_ref::<WasmBacktrace>().unwrap().to_string();
    (
        fib.call(&mut store, 20).unwrap(),
        data.call(&mut store, ()).unwrap(),
        backtrace,
    )
}

/// What the module does when compiled without a cache.
fn expected() -> (i32, i32, String) {
    let reference = behaviour(&Module::new(&Engine::default(), MODULE).unwrap());
    assert_eq!((reference.0, reference.1), (6765, 42));
    assert!(reference.2.contains("cached!inner"), "{}", reference.2);
    assert!(reference.2.contains("cached!boom"), "{}", reference.2);
    reference
}

#[test]
fn the_second_compile_is_a_hit_that_behaves_the_same() {
    let dir = TempDir::new("hit");
    let expected = expected();

    let (engine, cache) = cached_engine(&dir.0, Config::new());
    assert_eq!(cache.dir(), dir.0);
    let module = Module::new(&engine, MODULE).unwrap();
    assert_eq!((cache.hits(), cache.misses()), (0, 1));
    assert_eq!(behaviour(&module), expected);
    assert_eq!(entries(&dir.0).len(), 1);
    assert!(others(&dir.0).is_empty(), "{:?}", others(&dir.0));

    // The same engine, and a new engine (as in a new process), hit.
    let module = Module::new(&engine, MODULE).unwrap();
    assert_eq!((cache.hits(), cache.misses()), (1, 1));
    assert_eq!(behaviour(&module), expected);
    let (engine, cache) = cached_engine(&dir.0, Config::new());
    let module = Module::new(&engine, MODULE).unwrap();
    assert_eq!((cache.hits(), cache.misses()), (1, 0));
    assert_eq!(behaviour(&module), expected);
    // A module loaded from the cache serializes like a compiled one.
    // SAFETY: the bytes come from `serialize` just above.
    let reloaded = unsafe { Module::deserialize(&engine, module.serialize().unwrap()) }.unwrap();
    assert_eq!(behaviour(&reloaded), expected);

    // The binary form has an entry of its own (text is keyed as text, so
    // a hit needs no parsing); `Module::new` of a binary shares it with
    // `Module::from_binary`.
    let binary = wat::parse_str(MODULE).unwrap();
    let module = Module::from_binary(&engine, &binary).unwrap();
    assert_eq!((cache.hits(), cache.misses()), (1, 1));
    assert_eq!(behaviour(&module), expected);
    let module = Module::new(&engine, &binary).unwrap();
    assert_eq!((cache.hits(), cache.misses()), (2, 1));
    assert_eq!(behaviour(&module), expected);
    assert_eq!(entries(&dir.0).len(), 2);
}

/// A module loaded from the cache owns what it loaded: another program
/// truncating or rewriting the entry afterwards changes nothing for it
/// (with the entry mapped instead of read, truncation made Kiln fault).
#[test]
fn a_loaded_module_survives_its_entry_being_truncated_or_rewritten() {
    let dir = TempDir::new("truncate");
    let expected = expected();
    let (engine, _cache) = cached_engine(&dir.0, Config::new());
    Module::new(&engine, MODULE).unwrap();
    let (engine, cache) = cached_engine(&dir.0, Config::new());
    let module = Module::new(&engine, MODULE).unwrap();
    assert_eq!((cache.hits(), cache.misses()), (1, 0));
    let entry = entries(&dir.0).pop().unwrap();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&entry)
        .unwrap();
    file.set_len(0).unwrap();
    assert_eq!(behaviour(&module), expected);
    let bytes = module.serialize().unwrap();
    std::fs::write(&entry, vec![0xab; 4096]).unwrap();
    let again = module.serialize().unwrap();
    assert_eq!(bytes, again);
    // SAFETY: the bytes come from `serialize` just above.
    let reloaded = unsafe { Module::deserialize(&engine, bytes) }.unwrap();
    assert_eq!(behaviour(&reloaded), expected);
}

#[test]
fn another_configuration_gets_its_own_entry() {
    let dir = TempDir::new("configs");
    let (engine, cache) = cached_engine(&dir.0, Config::new());
    Module::new(&engine, MODULE).unwrap();
    let mut fuel = Config::new();
    fuel.consume_fuel(true);
    let (fuel_engine, fuel_cache) = cached_engine(&dir.0, fuel);
    let module = Module::new(&fuel_engine, MODULE).unwrap();
    assert_eq!((fuel_cache.hits(), fuel_cache.misses()), (0, 1));
    assert_eq!(entries(&dir.0).len(), 2);
    let mut store = Store::new(&fuel_engine, ());
    store.set_fuel(1_000_000).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let fib = instance
        .get_typed_func::<i32, i32>(&mut store, "fib")
        .unwrap();
    assert_eq!(fib.call(&mut store, 10).unwrap(), 55);
    store.set_fuel(10).unwrap();
    let err = fib.call(&mut store, 20).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::OutOfFuel));
    // Each configuration still hits its own entry.
    Module::new(&engine, MODULE).unwrap();
    Module::new(&fuel_engine, MODULE).unwrap();
    assert_eq!((cache.hits(), fuel_cache.hits()), (1, 1));
}

/// Ways to damage an entry, applied to a valid one (`other` is a valid
/// entry written for another configuration). An entry is a 68-byte header
/// (magic 0..8, format version 8..12, key 12..44, payload length 44..52,
/// payload checksum 52..68), then the payload.
fn damage(kind: &str, entry: &[u8], other: &[u8]) -> Vec<u8> {
    let mut bytes = entry.to_vec();
    let last = bytes.len() - 1;
    match kind {
        "empty" => bytes.clear(),
        "header only" => bytes.truncate(68),
        "half the header" => bytes.truncate(30),
        "truncated" => bytes.truncate(bytes.len() / 2),
        "one byte short" => bytes.truncate(last),
        "one byte more" => bytes.push(0),
        "first payload byte flipped" => bytes[68] ^= 1,
        "middle byte flipped" => bytes[last / 2] ^= 0x40,
        "last byte flipped" => bytes[last] ^= 0x80,
        "magic flipped" => bytes[0] ^= 1,
        "version changed" => bytes[8] = bytes[8].wrapping_add(1),
        "key flipped" => bytes[20] ^= 1,
        "length changed" => bytes[44] = bytes[44].wrapping_add(1),
        "checksum flipped" => bytes[60] ^= 1,
        "garbage" => {
            // A simple LCG: the same garbage every run.
            let mut x = 0x2545_f491_4f6c_dd1du64;
            for b in &mut bytes {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                *b = (x >> 56) as u8;
            }
        }
        "another configuration's entry" => bytes = other.to_vec(),
        // Header and checksum check out, but the payload was compiled for
        // another configuration: refused when it is decoded.
        "another configuration's payload under this key" => {
            bytes = other.to_vec();
            bytes[12..44].copy_from_slice(&entry[12..44]);
        }
        _ => unreachable!("{kind}"),
    }
    bytes
}

#[test]
fn a_damaged_entry_is_recompiled_never_run_and_rewritten() {
    let expected = expected();
    let dir = TempDir::new("damage");
    // A valid entry for another configuration, to be copied over ours.
    let mut other_config = Config::new();
    other_config.spectre_guards(false);
    let (other_engine, _) = cached_engine(&dir.0, other_config);
    Module::new(&other_engine, MODULE).unwrap();
    let other = std::fs::read(&entries(&dir.0)[0]).unwrap();
    std::fs::remove_file(&entries(&dir.0)[0]).unwrap();

    let (engine, _) = cached_engine(&dir.0, Config::new());
    Module::new(&engine, MODULE).unwrap();
    let path = entries(&dir.0).remove(0);
    let valid = std::fs::read(&path).unwrap();
    for kind in [
        "empty",
        "header only",
        "half the header",
        "truncated",
        "one byte short",
        "one byte more",
        "first payload byte flipped",
        "middle byte flipped",
        "last byte flipped",
        "magic flipped",
        "version changed",
        "key flipped",
        "length changed",
        "checksum flipped",
        "garbage",
        "another configuration's entry",
        "another configuration's payload under this key",
    ] {
        std::fs::write(&path, damage(kind, &valid, &other)).unwrap();
        let (engine, cache) = cached_engine(&dir.0, Config::new());
        let module = Module::new(&engine, MODULE).unwrap();
        assert_eq!((cache.hits(), cache.misses()), (0, 1), "{kind}");
        assert_eq!(behaviour(&module), expected, "{kind}");
        // The entry was written again, and is valid.
        assert_eq!(entries(&dir.0), std::slice::from_ref(&path), "{kind}");
        let (engine, cache) = cached_engine(&dir.0, Config::new());
        let module = Module::new(&engine, MODULE).unwrap();
        assert_eq!((cache.hits(), cache.misses()), (1, 0), "{kind}");
        assert_eq!(behaviour(&module), expected, "{kind}");
    }
    assert!(others(&dir.0).is_empty(), "{:?}", others(&dir.0));
}

#[test]
fn concurrent_writers_of_one_entry_all_succeed() {
    const THREADS: usize = 8;
    let expected = expected();
    let dir = TempDir::new("concurrent");
    let start = std::sync::Barrier::new(THREADS);
    std::thread::scope(|s| {
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    // An engine and cache each, as separate processes have.
                    let (engine, cache) = cached_engine(&dir.0, Config::new());
                    start.wait();
                    let module = Module::new(&engine, MODULE).unwrap();
                    assert_eq!(cache.hits() + cache.misses(), 1);
                    behaviour(&module)
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), expected);
        }
    });
    assert_eq!(entries(&dir.0).len(), 1);
    assert!(others(&dir.0).is_empty(), "{:?}", others(&dir.0));
    let (engine, cache) = cached_engine(&dir.0, Config::new());
    assert_eq!(behaviour(&Module::new(&engine, MODULE).unwrap()), expected);
    assert_eq!((cache.hits(), cache.misses()), (1, 0));

    // One engine shared by all threads, entry already there: all hit.
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                start.wait();
                assert_eq!(behaviour(&Module::new(&engine, MODULE).unwrap()), expected);
            });
        }
    });
    assert_eq!((cache.hits(), cache.misses()), (1 + THREADS as u64, 0));
}

#[test]
fn cache_errors_never_fail_compilation() {
    let expected = expected();
    let dir = TempDir::new("gone");
    let (engine, cache) = cached_engine(&dir.0, Config::new());
    // The directory disappears: nothing can be read or written.
    std::fs::remove_dir_all(&dir.0).unwrap();
    for _ in 0..2 {
        assert_eq!(behaviour(&Module::new(&engine, MODULE).unwrap()), expected);
    }
    assert_eq!((cache.hits(), cache.misses()), (0, 2));
    assert!(!dir.0.exists());

    // An entry that is a directory is neither read nor replaced.
    let dir = TempDir::new("blocked");
    let (engine, _) = cached_engine(&dir.0, Config::new());
    Module::new(&engine, MODULE).unwrap();
    let path = entries(&dir.0).remove(0);
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let (engine, cache) = cached_engine(&dir.0, Config::new());
    assert_eq!(behaviour(&Module::new(&engine, MODULE).unwrap()), expected);
    assert_eq!((cache.hits(), cache.misses()), (0, 1));
    assert!(path.is_dir());
    assert!(others(&dir.0).is_empty(), "{:?}", others(&dir.0));

    // Invalid modules are errors, with or without a cache, and leave no entry.
    let dir = TempDir::new("invalid");
    let (engine, _) = cached_engine(&dir.0, Config::new());
    assert!(Module::new(&engine, "(module (func (result i32)))").is_err());
    assert!(Module::new(&engine, "(module").is_err());
    assert!(Module::from_binary(&engine, b"\0asm\x01\0\0\0\x01").is_err());
    assert!(entries(&dir.0).is_empty());
}

#[test]
fn the_cache_is_off_unless_configured() {
    let dir = TempDir::new("created");
    assert!(!dir.0.exists());
    let cache = Cache::new(dir.0.join("a/b")).unwrap();
    assert!(cache.dir().is_dir(), "Cache::new creates its directory");
    // The default engine has no cache, so compiling writes nothing anywhere
    // this test can see; `Config::cache(None)` turns a cache off again.
    let mut config = Config::new();
    config.cache(Some(cache.clone())).cache(None);
    let engine = Engine::new(&config).unwrap();
    Module::new(&engine, MODULE).unwrap();
    assert!(entries(cache.dir()).is_empty());
    assert_eq!((cache.hits(), cache.misses()), (0, 0));
    assert!(format!("{cache:?}").contains("a/b"));
}
