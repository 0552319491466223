//! The on-disk compilation cache: compiled modules saved by a hash of their
//! bytes, Kiln's build and the engine's configuration, so that compiling
//! the same module again is a file read.
//!
//! Each entry is one file, `<key>.entry`: a header (magic, format version,
//! the key, the payload's length and its XXH3-128 checksum), then the
//! payload, the compiled module as `Module::cache_parts` lays it out. An
//! entry is used only if every header field checks out and the payload
//! matches its checksum and decodes for this engine; anything else is a
//! miss: the module is compiled and the entry written again. Entries are
//! written to a temporary file of their own and renamed into place, so
//! readers never see half an entry and concurrent writers of one key simply
//! replace each other's (equivalent) work.

use crate::{Engine, Module};
use anyhow::{Context, Result, anyhow};
use kiln_compiler::CompiledModule;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The first bytes of every cache entry.
const MAGIC: &[u8; 8] = b"\0kilnche";
/// The entry layout's version; bumped whenever the layout changes.
const FORMAT_VERSION: u32 = 1;
/// Magic, format version, key, payload length, payload checksum.
const HEADER_LEN: usize = 8 + 4 + 32 + 8 + 16;
/// The file-name suffix of entries.
const ENTRY_SUFFIX: &str = ".entry";

/// A directory of compiled modules, consulted by [`Module::new`] and
/// [`Module::from_binary`] when the engine's [`crate::Config::cache`] names
/// it. Cheap to clone; clones share the hit and miss counters.
///
/// A module's entry is keyed by a BLAKE3 hash of its bytes (the text itself
/// for a module given as text), Kiln's version and build, and the engine's
/// compatibility key (wasm features, tunables, optimisation level, CPU
/// features) — the same things a precompiled module must match. A damaged
/// entry is never run: one that fails any check is recompiled and
/// rewritten. Errors reading or writing the cache never make compilation
/// fail.
///
/// Entries hold native code that is run without further checks, so the
/// directory must be writable only by those trusted to supply code (Kiln
/// creates it readable and writable by its owner only). There is no size
/// limit or eviction: delete the directory, or files in it, at any time.
#[derive(Clone)]
pub struct Cache {
    inner: Arc<CacheInner>,
}

struct CacheInner {
    dir: PathBuf,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

impl Cache {
    /// A cache in `dir`, which is created (owner-only) if it is missing.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Cache> {
        let dir = dir.into();
        create_dir(&dir)
            .with_context(|| format!("cannot create the cache directory `{}`", dir.display()))?;
        Ok(Cache {
            inner: Arc::new(CacheInner {
                dir,
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
            }),
        })
    }

    /// A cache in [`Cache::default_dir`].
    pub fn from_default_dir() -> Result<Cache> {
        let dir = Self::default_dir().ok_or_else(|| {
            anyhow!("no cache directory: set KILN_CACHE_DIR, XDG_CACHE_HOME or HOME")
        })?;
        Self::new(dir)
    }

    /// Where [`Cache::from_default_dir`] keeps the cache: `$KILN_CACHE_DIR`
    /// if set, else `$XDG_CACHE_HOME/kiln`, else `$HOME/.cache/kiln`
    /// (variables that are empty, or relative for the XDG one, are
    /// ignored). `None` if none of them is usable.
    pub fn default_dir() -> Option<PathBuf> {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(dir) = var("KILN_CACHE_DIR") {
            return Some(dir.into());
        }
        if let Some(xdg) = var("XDG_CACHE_HOME").map(PathBuf::from)
            && xdg.is_absolute()
        {
            return Some(xdg.join("kiln"));
        }
        var("HOME").map(|home| PathBuf::from(home).join(".cache").join("kiln"))
    }

    /// The cache's directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// How many modules were loaded from this cache (by it and its clones)
    /// instead of being compiled.
    pub fn hits(&self) -> u64 {
        self.inner.hits.load(Ordering::Relaxed)
    }

    /// How many modules had to be compiled because their entry was missing,
    /// unreadable or failed a check.
    pub fn misses(&self) -> u64 {
        self.inner.misses.load(Ordering::Relaxed)
    }

    /// The module with `key`: loaded from its entry if that is valid, else
    /// compiled by `compile`, after which the entry is (re)written.
    pub(crate) fn get_or_compile(
        &self,
        engine: &Engine,
        key: &Key,
        compile: impl FnOnce() -> Result<CompiledModule>,
    ) -> Result<Module> {
        let path = self.entry_path(key);
        if let Some(module) = load(engine, &path, key) {
            self.inner.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(module);
        }
        self.inner.misses.fetch_add(1, Ordering::Relaxed);
        let mut compiled = compile()?;
        // A failed write only means that the next run compiles again.
        let _ = self.store(engine, &path, key, &mut compiled);
        Module::from_compiled(engine, compiled)
    }

    /// The module cached under `key`, if there is a good entry (counted as
    /// a hit or a miss).
    pub(crate) fn get(&self, engine: &Engine, key: &Key) -> Option<Module> {
        let module = load(engine, &self.entry_path(key), key);
        let counter = match module {
            Some(_) => &self.inner.hits,
            None => &self.inner.misses,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        module
    }

    fn entry_path(&self, key: &Key) -> PathBuf {
        self.inner
            .dir
            .join(format!("{}{ENTRY_SUFFIX}", key.0.to_hex()))
    }

    /// Writes the entry for `compiled` atomically: into a temporary file no
    /// other writer uses, which is then renamed over the entry.
    fn store(
        &self,
        engine: &Engine,
        path: &Path,
        key: &Key,
        compiled: &mut CompiledModule,
    ) -> Result<()> {
        let parts = Module::cache_parts(engine, compiled)?;
        let (tmp, mut file) = self.temp_file(key)?;
        let written = (|| {
            file.write_all(&header(key, &parts))?;
            for part in &parts {
                file.write_all(part)?;
            }
            drop(file);
            std::fs::rename(&tmp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        Ok(written?)
    }

    /// A new file in the cache directory, named after the key, the process,
    /// the thread and a counter; `create_new` makes sure it is ours alone
    /// even if a process in another pid namespace shares the directory.
    fn temp_file(&self, key: &Key) -> Result<(PathBuf, File)> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let thread = format!("{:?}", std::thread::current().id());
        let thread: String = thread.chars().filter(char::is_ascii_digit).collect();
        let mut last_error = None;
        for _ in 0..8 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let name = format!(
                ".tmp-{}-{}-{thread}-{}-{nanos}",
                &key.0.to_hex()[..16],
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
            );
            let path = self.inner.dir.join(name);
            match File::options().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok((path, file)),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.map_or_else(|| anyhow!("no temporary file"), Into::into))
    }
}

/// Creates `dir` and its missing parents, readable only by their owner.
fn create_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// What a module was given as: the key of a text module hashes the text, so
/// a hit needs no parsing.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Source {
    Binary,
    Text,
}

/// A cache key: the hash of everything the compiled code depends on.
pub(crate) struct Key(blake3::Hash);

/// The key of `bytes` (a module in `source` form) compiled by `engine`.
pub(crate) fn key(engine: &Engine, source: Source, bytes: &[u8]) -> Key {
    let mut h = blake3::Hasher::new();
    let mut item = |data: &[u8]| {
        h.update(&(data.len() as u64).to_le_bytes());
        h.update(data);
    };
    item(b"kiln compilation cache");
    item(&FORMAT_VERSION.to_le_bytes());
    item(build_id().as_bytes());
    let compatibility = crate::module::compatibility_key(engine);
    item(&(compatibility.len() as u64).to_le_bytes());
    for part in &compatibility {
        item(part.as_bytes());
    }
    item(match source {
        Source::Binary => b"binary",
        Source::Text => b"text",
    });
    item(bytes);
    Key(h.finalize())
}

/// Tells this build of Kiln from others of the same version, which may
/// compile differently: the running executable's size, modification time and
/// inode (of the file actually mapped, even if it was replaced since).
/// Without `/proc`, only the version tells builds apart.
fn build_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        use std::os::unix::fs::MetadataExt;
        let exe = match std::fs::metadata("/proc/self/exe") {
            Ok(m) => format!(
                "{} {}.{} {}:{}",
                m.size(),
                m.mtime(),
                m.mtime_nsec(),
                m.dev(),
                m.ino()
            ),
            Err(_) => "unknown".to_string(),
        };
        format!("kiln {} exe {exe}", env!("CARGO_PKG_VERSION"))
    })
}

/// The payload's checksum: XXH3-128, which finds damage (truncation, flipped
/// bits, foreign bytes) at memory speed, where BLAKE3 would take about as
/// long as the rest of loading. (The key, which must not collide even for
/// modules made to collide, is BLAKE3.)
fn checksum(parts: &[impl AsRef<[u8]>]) -> [u8; 16] {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(part.as_ref());
    }
    hasher.digest128().to_le_bytes()
}

/// The header of an entry whose payload is `parts`, one after the other.
fn header(key: &Key, parts: &[impl AsRef<[u8]>]) -> Vec<u8> {
    let len: u64 = parts.iter().map(|p| p.as_ref().len() as u64).sum();
    let mut h = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    h.extend_from_slice(key.0.as_bytes());
    h.extend_from_slice(&len.to_le_bytes());
    h.extend_from_slice(&checksum(parts));
    debug_assert_eq!(h.len(), HEADER_LEN);
    h
}

/// The verified entry at `path`, or `None` if it is missing, unreadable,
/// or fails any check.
fn read_entry(path: &Path, key: &Key) -> Option<Entry> {
    let mut file = File::open(path).ok()?;
    let mut header = [0u8; HEADER_LEN];
    file.read_exact(&mut header).ok()?;
    let (magic, rest) = header.split_at(8);
    let (version, rest) = rest.split_at(4);
    let (entry_key, rest) = rest.split_at(32);
    let (len, expected) = rest.split_at(8);
    if magic != MAGIC || version != FORMAT_VERSION.to_le_bytes() || entry_key != key.0.as_bytes() {
        return None;
    }
    let len = u64::from_le_bytes(len.try_into().ok()?);
    // The length must match the file's before anything is read for it.
    let file_len = file.metadata().ok()?.len();
    if file_len.checked_sub(HEADER_LEN as u64) != Some(len) {
        return None;
    }
    let mut payload = Vec::with_capacity(usize::try_from(len).ok()?);
    // One byte more than expected would show a file that grew meanwhile.
    (&mut file).take(len + 1).read_to_end(&mut payload).ok()?;
    if payload.len() as u64 != len || checksum(&[&payload]) != expected {
        return None;
    }
    Some(Entry(payload.into_boxed_slice()))
}

/// The payload of a cache entry whose checks passed, read into memory: what
/// was checked is exactly what is loaded, whatever happens to the file
/// afterwards (a mapping would fault if another program truncated it, and
/// show any change another program made). A module loaded from the cache
/// keeps it, for [`Module::serialize`].
pub(crate) struct Entry(Box<[u8]>);

impl Entry {
    /// The payload (everything after the header).
    pub(crate) fn payload(&self) -> &[u8] {
        &self.0
    }
}

/// Loads the entry at `path` into `engine`, or `None` if it fails any check
/// or does not deserialize.
fn load(engine: &Engine, path: &Path, key: &Key) -> Option<Module> {
    let entry = read_entry(path, key)?;
    // SAFETY: the payload is `Module::cache_parts` output that this build of
    // Kiln wrote under this very key: the header names the key, and the
    // payload matches the checksum recorded with it, so it is not a damaged
    // or mismatched entry. (The cache directory is trusted like the Kiln
    // binary; see `Cache`.) Loading checks the compatibility key again
    // before mapping any code.
    unsafe { Module::from_cache_entry(engine, entry) }.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_has_its_documented_length() {
        let key = Key(blake3::hash(b"x"));
        assert_eq!(header(&key, &[&b"pay"[..], b"load"]).len(), HEADER_LEN);
    }

    #[test]
    fn keys_differ_by_source_bytes_and_config() {
        let engine = Engine::default();
        let a = key(&engine, Source::Binary, b"abc").0;
        assert_eq!(a, key(&engine, Source::Binary, b"abc").0);
        assert_ne!(a, key(&engine, Source::Text, b"abc").0);
        assert_ne!(a, key(&engine, Source::Binary, b"abd").0);
        let mut config = crate::Config::new();
        config.consume_fuel(true);
        let fuel = Engine::new(&config).unwrap();
        assert_ne!(a, key(&fuel, Source::Binary, b"abc").0);
    }
}
