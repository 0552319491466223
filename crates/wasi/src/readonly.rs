//! Read-only views of directories and files, for
//! [`WasiCtxBuilder::preopened_dir_readonly`](crate::WasiCtxBuilder::preopened_dir_readonly).
//!
//! wasi-common 36 ignores preview 1 rights, so a preopen grants everything
//! its [`WasiDir`] implements. These wrappers implement only the operations
//! that cannot change the host filesystem and refuse the rest with errno
//! `ROFS` ("read-only file system").

use std::any::Any;
use std::io::{IoSlice, IoSliceMut, SeekFrom};
use std::path::PathBuf;
use wasi_common::dir::{OpenResult, ReaddirCursor, ReaddirEntity};
use wasi_common::file::{Advice, FdFlags, FileType, Filestat, OFlags};
use wasi_common::snapshots::preview_1::error::Errno;
use wasi_common::{Error, SystemTimeSpec, WasiDir, WasiFile};

/// The error every refused operation returns: errno `ROFS`.
fn read_only() -> Error {
    Error::from(Errno::Rofs).context("read-only preopened directory")
}

/// A directory the guest can list, stat and open files in for reading, but
/// not modify.
///
/// Refused with `ROFS`: opening with write access or with `O_CREAT`,
/// `O_TRUNC` or `O_EXCL`; creating or removing directories; unlinking;
/// symlinking; renaming or hard-linking out of it; changing timestamps.
/// Renames and hard links *into* it fail too (with `BADF`, because
/// wasi-common's own directories only link or rename into their own kind).
/// Subdirectories opened through it are read-only in turn, and files opened
/// through it are [`ReadOnlyFile`]s.
pub struct ReadOnlyDir(Box<dyn WasiDir>);

impl ReadOnlyDir {
    /// Wraps `dir`.
    pub fn new(dir: Box<dyn WasiDir>) -> Self {
        ReadOnlyDir(dir)
    }
}

#[wiggle::async_trait]
impl WasiDir for ReadOnlyDir {
    fn as_any(&self) -> &dyn Any {
        self
    }

    async fn open_file(
        &self,
        symlink_follow: bool,
        path: &str,
        oflags: OFlags,
        read: bool,
        write: bool,
        fdflags: FdFlags,
    ) -> Result<OpenResult, Error> {
        if write || oflags.intersects(OFlags::CREATE | OFlags::TRUNCATE | OFlags::EXCLUSIVE) {
            return Err(read_only());
        }
        let opened = self
            .0
            .open_file(symlink_follow, path, oflags, read, false, fdflags)
            .await?;
        Ok(match opened {
            OpenResult::File(file) => OpenResult::File(Box::new(ReadOnlyFile::new(file))),
            OpenResult::Dir(dir) => OpenResult::Dir(Box::new(ReadOnlyDir::new(dir))),
        })
    }

    async fn create_dir(&self, _path: &str) -> Result<(), Error> {
        Err(read_only())
    }

    async fn readdir(
        &self,
        cursor: ReaddirCursor,
    ) -> Result<Box<dyn Iterator<Item = Result<ReaddirEntity, Error>> + Send>, Error> {
        self.0.readdir(cursor).await
    }

    async fn symlink(&self, _old_path: &str, _new_path: &str) -> Result<(), Error> {
        Err(read_only())
    }

    async fn remove_dir(&self, _path: &str) -> Result<(), Error> {
        Err(read_only())
    }

    async fn unlink_file(&self, _path: &str) -> Result<(), Error> {
        Err(read_only())
    }

    async fn read_link(&self, path: &str) -> Result<PathBuf, Error> {
        self.0.read_link(path).await
    }

    async fn get_filestat(&self) -> Result<Filestat, Error> {
        self.0.get_filestat().await
    }

    async fn get_path_filestat(
        &self,
        path: &str,
        follow_symlinks: bool,
    ) -> Result<Filestat, Error> {
        self.0.get_path_filestat(path, follow_symlinks).await
    }

    async fn rename(
        &self,
        _path: &str,
        _dest_dir: &dyn WasiDir,
        _dest_path: &str,
    ) -> Result<(), Error> {
        Err(read_only())
    }

    async fn hard_link(
        &self,
        _path: &str,
        _target_dir: &dyn WasiDir,
        _target_path: &str,
    ) -> Result<(), Error> {
        Err(read_only())
    }

    async fn set_times(
        &self,
        _path: &str,
        _atime: Option<SystemTimeSpec>,
        _mtime: Option<SystemTimeSpec>,
        _follow_symlinks: bool,
    ) -> Result<(), Error> {
        Err(read_only())
    }
}

/// A file opened through a [`ReadOnlyDir`]: reads, seeks, stats and polls
/// pass through; writes, truncation (`fd_filestat_set_size`) and timestamp
/// changes (`fd_filestat_set_times`) are refused with `ROFS`.
///
/// The file is opened without write access in the first place, so the host
/// OS would refuse writes and truncation anyway; timestamps are what this
/// wrapper adds.
pub struct ReadOnlyFile(Box<dyn WasiFile>);

impl ReadOnlyFile {
    /// Wraps `file`.
    pub fn new(file: Box<dyn WasiFile>) -> Self {
        ReadOnlyFile(file)
    }
}

#[wiggle::async_trait]
impl WasiFile for ReadOnlyFile {
    fn as_any(&self) -> &dyn Any {
        self
    }

    async fn get_filetype(&self) -> Result<FileType, Error> {
        self.0.get_filetype().await
    }

    #[cfg(unix)]
    fn pollable(&self) -> Option<std::os::fd::BorrowedFd<'_>> {
        self.0.pollable()
    }

    // On Windows the pollable handle's type comes from `io-extras`, which
    // this crate does not depend on: the default (`None`) makes
    // `poll_oneoff` on such a file fail with `INVAL`.

    fn isatty(&self) -> bool {
        self.0.isatty()
    }

    async fn datasync(&self) -> Result<(), Error> {
        self.0.datasync().await
    }

    async fn sync(&self) -> Result<(), Error> {
        self.0.sync().await
    }

    async fn get_fdflags(&self) -> Result<FdFlags, Error> {
        self.0.get_fdflags().await
    }

    async fn set_fdflags(&mut self, flags: FdFlags) -> Result<(), Error> {
        self.0.set_fdflags(flags).await
    }

    async fn get_filestat(&self) -> Result<Filestat, Error> {
        self.0.get_filestat().await
    }

    async fn set_filestat_size(&self, _size: u64) -> Result<(), Error> {
        Err(read_only())
    }

    async fn advise(&self, offset: u64, len: u64, advice: Advice) -> Result<(), Error> {
        self.0.advise(offset, len, advice).await
    }

    async fn set_times(
        &self,
        _atime: Option<SystemTimeSpec>,
        _mtime: Option<SystemTimeSpec>,
    ) -> Result<(), Error> {
        Err(read_only())
    }

    async fn read_vectored<'a>(&self, bufs: &mut [IoSliceMut<'a>]) -> Result<u64, Error> {
        self.0.read_vectored(bufs).await
    }

    async fn read_vectored_at<'a>(
        &self,
        bufs: &mut [IoSliceMut<'a>],
        offset: u64,
    ) -> Result<u64, Error> {
        self.0.read_vectored_at(bufs, offset).await
    }

    async fn write_vectored<'a>(&self, _bufs: &[IoSlice<'a>]) -> Result<u64, Error> {
        Err(read_only())
    }

    async fn write_vectored_at<'a>(
        &self,
        _bufs: &[IoSlice<'a>],
        _offset: u64,
    ) -> Result<u64, Error> {
        Err(read_only())
    }

    async fn seek(&self, pos: SeekFrom) -> Result<u64, Error> {
        self.0.seek(pos).await
    }

    async fn peek(&self, buf: &mut [u8]) -> Result<u64, Error> {
        self.0.peek(buf).await
    }

    fn num_ready_bytes(&self) -> Result<u64, Error> {
        self.0.num_ready_bytes()
    }

    async fn readable(&self) -> Result<(), Error> {
        self.0.readable().await
    }

    async fn writable(&self) -> Result<(), Error> {
        self.0.writable().await
    }
}
