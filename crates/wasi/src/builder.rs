//! [`WasiCtxBuilder`]: configures a [`WasiCtx`].

use crate::readonly::ReadOnlyDir;
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};
use wasi_common::sync::{self, Dir, ambient_authority};
use wasi_common::{WasiCtx, WasiDir, WasiFile};

/// Builds a [`WasiCtx`]: arguments, environment, stdio and preopened
/// directories.
///
/// A new builder gives the guest no arguments, no environment, an empty
/// stdin, stdout and stderr that discard everything, and no filesystem
/// access. Methods that can fail return `Result<&mut Self>` so calls chain
/// with `?`.
///
/// Preopened directories become file descriptors 3, 4, … in the order they
/// are added, after stdin (0), stdout (1) and stderr (2).
pub struct WasiCtxBuilder {
    inner: sync::WasiCtxBuilder,
    preopens: Vec<(Box<dyn WasiDir>, PathBuf)>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtxBuilder {
    /// A builder for a context that grants nothing (see the type's docs).
    pub fn new() -> Self {
        WasiCtxBuilder {
            inner: sync::WasiCtxBuilder::new(),
            preopens: Vec::new(),
        }
    }

    /// Appends one command-line argument (the first is conventionally the
    /// program name).
    pub fn arg(&mut self, arg: &str) -> Result<&mut Self> {
        self.inner.arg(arg)?;
        Ok(self)
    }

    /// Appends command-line arguments.
    pub fn args(&mut self, args: &[String]) -> Result<&mut Self> {
        self.inner.args(args)?;
        Ok(self)
    }

    /// Appends this process's own command-line arguments.
    pub fn inherit_args(&mut self) -> Result<&mut Self> {
        self.inner.inherit_args()?;
        Ok(self)
    }

    /// Adds the environment variable `key=value`.
    pub fn env(&mut self, key: &str, value: &str) -> Result<&mut Self> {
        self.inner.env(key, value)?;
        Ok(self)
    }

    /// Adds environment variables.
    pub fn envs(&mut self, vars: &[(String, String)]) -> Result<&mut Self> {
        self.inner.envs(vars)?;
        Ok(self)
    }

    /// Adds every environment variable of this process.
    pub fn inherit_env(&mut self) -> Result<&mut Self> {
        self.inner.inherit_env()?;
        Ok(self)
    }

    /// Uses `file` as the guest's stdin (fd 0), e.g. a [`crate::ReadPipe`].
    pub fn stdin(&mut self, file: impl WasiFile + 'static) -> &mut Self {
        self.inner.stdin(Box::new(file));
        self
    }

    /// Uses `file` as the guest's stdout (fd 1), e.g. a [`crate::WritePipe`]
    /// to capture output in memory.
    pub fn stdout(&mut self, file: impl WasiFile + 'static) -> &mut Self {
        self.inner.stdout(Box::new(file));
        self
    }

    /// Uses `file` as the guest's stderr (fd 2).
    pub fn stderr(&mut self, file: impl WasiFile + 'static) -> &mut Self {
        self.inner.stderr(Box::new(file));
        self
    }

    /// Connects the guest's stdin to this process's stdin.
    pub fn inherit_stdin(&mut self) -> &mut Self {
        self.inner.inherit_stdin();
        self
    }

    /// Connects the guest's stdout to this process's stdout.
    pub fn inherit_stdout(&mut self) -> &mut Self {
        self.inner.inherit_stdout();
        self
    }

    /// Connects the guest's stderr to this process's stderr.
    pub fn inherit_stderr(&mut self) -> &mut Self {
        self.inner.inherit_stderr();
        self
    }

    /// Connects all three stdio streams to this process's.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.inner.inherit_stdio();
        self
    }

    /// Gives the guest the host directory `host_path`, visible as
    /// `guest_path`, with full read and write access to everything beneath
    /// it. Paths that would leave it (`..`, absolute symlinks, …) are
    /// refused by `cap-std`. Fails if `host_path` cannot be opened.
    pub fn preopened_dir(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: impl AsRef<Path>,
    ) -> Result<&mut Self> {
        let dir = open_dir(host_path.as_ref())?;
        let dir = sync::dir::Dir::from_cap_std(dir);
        self.preopen(Box::new(dir), guest_path.as_ref())
    }

    /// Like [`preopened_dir`](Self::preopened_dir), but the guest can only
    /// read: see [`ReadOnlyDir`] for exactly what is refused.
    ///
    /// wasi-common 36 has no read-only preopens of its own (preview 1 rights
    /// are ignored), so the directory is wrapped in a [`ReadOnlyDir`].
    pub fn preopened_dir_readonly(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: impl AsRef<Path>,
    ) -> Result<&mut Self> {
        let dir = open_dir(host_path.as_ref())?;
        let dir = ReadOnlyDir::new(Box::new(sync::dir::Dir::from_cap_std(dir)));
        self.preopen(Box::new(dir), guest_path.as_ref())
    }

    /// Preopens any [`WasiDir`] implementation as `guest_path`.
    pub fn preopened_wasi_dir(
        &mut self,
        dir: Box<dyn WasiDir>,
        guest_path: impl AsRef<Path>,
    ) -> Result<&mut Self> {
        self.preopen(dir, guest_path.as_ref())
    }

    fn preopen(&mut self, dir: Box<dyn WasiDir>, guest_path: &Path) -> Result<&mut Self> {
        // wasi-common hands the guest the preopen's name as UTF-8.
        guest_path
            .to_str()
            .with_context(|| format!("guest path {guest_path:?} is not valid UTF-8"))?;
        self.preopens.push((dir, guest_path.to_path_buf()));
        Ok(self)
    }

    /// The configured context. The builder is left empty, as if new.
    pub fn build(&mut self) -> WasiCtx {
        let WasiCtxBuilder {
            mut inner,
            preopens,
        } = std::mem::take(self);
        let cx = inner.build();
        for (dir, guest_path) in preopens {
            // Fails only when the descriptor table is full (2^32 entries).
            cx.push_preopened_dir(dir, guest_path)
                .expect("descriptor table has room for the preopened directories");
        }
        cx
    }
}

/// Opens a host directory with the ambient authority of this process.
fn open_dir(host_path: &Path) -> Result<Dir> {
    Dir::open_ambient_dir(host_path, ambient_authority())
        .with_context(|| format!("failed to open directory {}", host_path.display()))
}
