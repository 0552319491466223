//! The C programs in `tests-c/`, compiled to wasm32-wasi with clang-14 and
//! run through `kiln run` exactly as a user would. Expected outputs follow
//! from each program's source and WASI preview 1 semantics as wasmtime
//! implements them (wasi-common on cap-std), so `wasmtime run` with the same
//! flags prints the same.

mod common;

use common::{Run, c_program, run, run_with_stdin, scratch, write};
use std::path::Path;

fn wasm(name: &str) -> String {
    c_program(name).display().to_string()
}

#[test]
fn args_and_environment() {
    let dir = scratch("args");
    let prog = wasm("args_env");
    let out = common::kiln(&dir)
        .env("INHERITED", "from the host")
        .env("HOME", "/home/someone")
        .args([
            "run",
            "--env",
            "GREETING=hello, world",
            "--env",
            "EMPTY=",
            "--env",
            "INHERITED",
            "--env",
            "KILN_TEST_NOT_SET_ANYWHERE",
            "--env",
            "EQUALS=a=b",
            &prog,
            "first",
            "with space",
            "-x",
            "--flag=1",
            "--",
            "",
        ])
        .output()
        .expect("failed to start kiln");
    let out = Run::from(out);
    // argv[0] is the module's base name, not the path it was given by.
    let expected = "\
argc=7
argv[0]=args_env.wasm
argv[1]=first
argv[2]=with space
argv[3]=-x
argv[4]=--flag=1
argv[5]=--
argv[6]=
environ[0]=GREETING=hello, world
environ[1]=EMPTY=
environ[2]=INHERITED=from the host
environ[3]=EQUALS=a=b
envc=4
getenv(GREETING)=hello, world
getenv(EMPTY)=
getenv(INHERITED)=from the host
getenv(HOME)=(unset)
getenv(PATH)=(unset)
";
    assert_eq!(out.success(), expected);
    assert_eq!(out.stderr, "");
}

#[test]
fn argv0_can_be_set() {
    let dir = scratch("argv0");
    let out = run(&dir, &["run", "--argv0", "myprog", &wasm("args_env")]);
    assert!(
        out.success().starts_with("argc=1\nargv[0]=myprog\n"),
        "{out:#?}"
    );
}

#[test]
fn stdin_stdout_stderr() {
    let dir = scratch("stdio");
    let out = run_with_stdin(&dir, &["run", &wasm("stdio")], b"Hello,\nWASI world!\n");
    assert_eq!(out.success(), "HELLO,\nWASI WORLD!\n");
    assert_eq!(out.stderr, "stdio: read 19 bytes, 2 lines\n");

    // A megabyte through the pipes, without a trailing newline.
    let input: Vec<u8> = (0..1_000_000u32)
        .map(|i| b"abc\ndef"[i as usize % 7])
        .collect();
    let out = run_with_stdin(&dir, &["run", &wasm("stdio")], &input);
    assert_eq!(out.success().as_bytes(), input.to_ascii_uppercase());
    let lines = input.iter().filter(|b| **b == b'\n').count();
    assert_eq!(
        out.stderr,
        format!("stdio: read 1000000 bytes, {lines} lines\n")
    );

    // Empty stdin.
    let out = run_with_stdin(&dir, &["run", &wasm("stdio")], b"");
    assert_eq!(out.success(), "");
    assert_eq!(out.stderr, "stdio: read 0 bytes, 0 lines\n");
}

/// What `files.c` prints when everything works.
const FILES_OUTPUT: &str = "\
write: 13
lseek set 7: 7
read 5: world
lseek cur: 12
lseek end: 13
pread: HELLO, world
offset after pread: 13
size after ftruncate(5): 5
size after ftruncate(10): 10
zero bytes after extension: 5
regular file: 1
open O_EXCL existing: EEXIST
open missing: ENOENT
open dir for writing: EISDIR
size after append: 12
rename f.txt g.txt: OK
stat f.txt: ENOENT
g.txt size: 12
rename over existing: OK
keep.txt now starts with: HELLO
unlink g.txt (gone): ENOENT
unlink tmp.txt: OK
access tmp.txt: ENOENT
link keep.txt hard.txt: OK
nlink: 2
unlink hard.txt: OK
nlink: 1
symlink keep.txt soft: OK
readlink: keep.txt
lstat is link: 1
stat through link: regular 1, size 5
open O_NOFOLLOW on link: ELOOP
unlink soft: OK
mkdir d: OK
mkdir d again: EEXIST
d is dir: 1
mkdir d/sub: OK
readdir d (4 entries, 2 dot entries): [a file] [b file] [c file] [sub dir]
rmdir d (not empty): ENOTEMPTY
rmdir d/a (a file): ENOTDIR
unlink d/sub (a dir): EISDIR
unlink d/a: OK
unlink d/b: OK
unlink d/c: OK
rmdir d/sub: OK
rmdir d: OK
stat d: ENOENT
readdir many: 500 files, 0 duplicates
rmdir many: OK
new file mtime within 60s of now: 1
utimensat keep.txt: OK
keep.txt atime: 1000000000.000000000
keep.txt mtime: 1234567890.500000000
fd_filestat_set_times ATIM|MTIM_NOW: OK
stamp.txt atime: 2000000000.000000000
MTIM_NOW mtime within 60s of now: 1
fd_filestat_set_times ATIM|ATIM_NOW: EINVAL
done
";

/// Runs `files.wasm` in a fresh directory with `dirs` as `--dir` options
/// and `guest_dir` as its argument; returns the host directory that
/// `host_dir` names inside it after checking the output.
fn run_files(dirs: &[&str], host_dir: &str, guest_dir: &str) -> std::path::PathBuf {
    let dir = scratch("files");
    std::fs::create_dir_all(dir.join(host_dir)).unwrap();
    std::fs::create_dir_all(dir.join("other")).unwrap();
    let mut args = vec!["run"];
    for d in dirs {
        args.extend_from_slice(&["--dir", d]);
    }
    let prog = wasm("files");
    args.extend_from_slice(&[&prog, guest_dir]);
    let out = run(&dir, &args);
    assert_eq!(out.success(), FILES_OUTPUT);
    assert_eq!(out.stderr, "");
    dir.join(host_dir)
}

#[test]
fn files_and_directories() {
    let sandbox = run_files(&["sandbox::/sandbox"], "sandbox", "/sandbox");

    // What the guest left behind, seen from the host.
    let mut names: Vec<String> = std::fs::read_dir(&sandbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["keep.txt", "stamp.txt"]);
    assert_eq!(
        std::fs::read_to_string(sandbox.join("keep.txt")).unwrap(),
        "kept\n"
    );
    let mtime = std::fs::metadata(sandbox.join("keep.txt"))
        .unwrap()
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    assert_eq!(mtime.as_nanos(), 1_234_567_890_500_000_000);
}

#[test]
fn preopens_by_relative_name_and_several_at_once() {
    // `--dir .`: the guest reaches it by relative paths.
    let cwd = run_files(&["."], ".", ".");
    assert!(cwd.join("keep.txt").is_file());
    // The second of two preopens, with a nested guest name.
    let data = run_files(&["other::/other", "work::/mnt/work"], "work", "/mnt/work");
    assert!(data.join("keep.txt").is_file());
    assert_eq!(
        std::fs::read_dir(data.parent().unwrap().join("other"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn a_missing_preopen_directory_is_one_clear_error() {
    let dir = scratch("nodir");
    let out = run(
        &dir,
        &["run", "--dir", "nowhere", &wasm("files"), "nowhere"],
    );
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(
        out.stderr
            .starts_with("Error: `--dir nowhere`: failed to open directory nowhere"),
        "{out:#?}"
    );
    assert_eq!(out.stderr.lines().count(), 1, "{out:#?}");
}

#[test]
fn clocks_sleeps_and_randomness() {
    let dir = scratch("clocks");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let out = run(&dir, &["run", &wasm("clocks_random"), &now]);
    let expected = "\
realtime within 60s of the host's: 1
time() agrees with realtime: 1
monotonic went backwards: 0 times
monotonic resolution at most 1ms: 1
realtime resolution at most 1s: 1
nanosleep 100ms: slept at least 100ms: 1, under 5s: 1
usleep 50ms: slept at least 50ms: 1, under 5s: 1
poll no fds 80ms: slept at least 80ms: 1, under 5s: 1
poll_oneoff absolute 60ms: slept at least 60ms: 1, under 5s: 1
event: count 1, userdata 42, error 0, type clock 1
poll stdout: 1 ready, POLLOUT 1, quick 1
getentropy twice gave the same bytes: 0
arc4random_buf 64KiB covers every byte value: 1
random_get filled the buffer: 1
";
    assert_eq!(out.success(), expected);
}

#[test]
fn exit_codes() {
    let dir = scratch("exit");
    let prog = wasm("exit");
    for code in [0, 1, 3, 42, 125] {
        let out = run(&dir, &["run", &prog, "exit", &code.to_string()]);
        assert_eq!(out.code, Some(code), "{out:#?}");
        // exit() flushes stdio before proc_exit.
        assert_eq!(out.stdout, format!("exiting with {code}"));
        assert_eq!(out.stderr, "");
    }
    for code in [0, 7] {
        let out = run(&dir, &["run", &prog, "return", &code.to_string()]);
        assert_eq!(out.code, Some(code), "{out:#?}");
        assert_eq!(out.stdout, format!("returning {code}\n"));
    }
    // WASI exit codes stop at 125; wasi-common (and so wasmtime) turns a
    // larger one into an error, which exits with 1.
    let out = run(&dir, &["run", &prog, "exit", "200"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(
        out.stderr
            .contains("exit with invalid exit status outside of [0..126)"),
        "{out:#?}"
    );
}

/// A C program that traps. `wasmtime run exit.wasm trap` prints
///
/// ```text
/// about to trap
/// Error: failed to run main module `exit.wasm`
///
/// Caused by:
///     0: failed to invoke command default
///     1: error while executing at wasm backtrace:
///            0:  0x2f6 - exit.wasm!crash
///            1:  0x3a5 - exit.wasm!main
///            ...
///     2: wasm trap: wasm `unreachable` instruction executed
/// ```
///
/// and exits with 134. Kiln prints the same shape, with the spec's trap
/// message ("unreachable") and machine-code offsets instead of wasm ones.
#[test]
fn traps_in_c() {
    let dir = scratch("trap");
    let prog = wasm("exit");
    let out = run(&dir, &["run", &prog, "trap"]);
    assert_eq!(out.code, Some(134), "{out:#?}");
    assert_eq!(out.stdout, "about to trap\n");
    let err = &out.stderr;
    assert!(
        err.starts_with("Error: failed to run main module `"),
        "{err}"
    );
    assert!(
        err.contains("exit.wasm`\n\nCaused by:\n    0: failed to invoke command default\n"),
        "{err}"
    );
    assert!(
        err.contains("    1: error while executing at wasm backtrace:\n"),
        "{err}"
    );
    // clang keeps function names in the name section.
    let crash = err
        .find("!crash")
        .expect("the trapping function is in the backtrace");
    let main = err.find("!main").expect("main is in the backtrace");
    assert!(crash < main, "innermost frame first: {err}");
    assert!(err.ends_with("    2: wasm trap: unreachable\n"), "{err}");

    let out = run(&dir, &["run", &prog, "divzero"]);
    assert_eq!(out.code, Some(134), "{out:#?}");
    assert!(out.stderr.contains("!divide"), "{out:#?}");
    assert!(
        out.stderr.ends_with("wasm trap: integer divide by zero\n"),
        "{out:#?}"
    );
}

/// Sets up `root/outside-secret.txt` beside the preopened `root/sandbox`
/// (with `inside.txt`, a subdirectory and two symlinks that point out).
fn escape_fixture(root: &Path) {
    std::fs::create_dir_all(root.join("sandbox/sub")).unwrap();
    write(root, "outside-secret.txt", "secret\n");
    write(&root.join("sandbox"), "inside.txt", "inside\n");
    std::os::unix::fs::symlink("../outside-secret.txt", root.join("sandbox/link-out")).unwrap();
    std::os::unix::fs::symlink(
        root.join("outside-secret.txt"),
        root.join("sandbox/abs-link-out"),
    )
    .unwrap();
}

/// Every path under `dir` (not following symlinks) with its contents.
fn snapshot(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ty = e.file_type().unwrap();
        let what = if ty.is_symlink() {
            format!("-> {}", std::fs::read_link(&path).unwrap().display())
        } else if ty.is_dir() {
            snapshot(&path, out);
            "dir".to_string()
        } else {
            std::fs::read_to_string(&path).unwrap()
        };
        out.push((path.display().to_string(), what));
    }
}

#[test]
fn escapes_from_the_preopen_fail() {
    let root = scratch("escape");
    escape_fixture(&root);
    let mut before = Vec::new();
    snapshot(&root, &mut before);

    let out = run(
        &root,
        &[
            "run",
            "--dir",
            "sandbox::/sandbox",
            &wasm("escape"),
            "/sandbox",
        ],
    );
    // `..` and symlinks leading out are refused by cap-std, reported as
    // EPERM; an absolute path naming no preopen never leaves wasi-libc
    // (ENOTCAPABLE), but straight through path_open it is EPERM too. The
    // guest may create a symlink to `..` (creating it escapes nothing), but
    // not one with an absolute target; following either fails.
    let expected = "\
open inside.txt: OK
open sub/../inside.txt (stays inside): OK
open ../outside-secret.txt: EPERM
create ../outside-new.txt: EPERM
stat ..: EPERM
opendir ..: EPERM
mkdir ../outside-dir: EPERM
unlink ../outside-secret.txt: EPERM
open sub/../../outside-secret.txt: EPERM
open /etc/passwd: ENOTCAPABLE
create /outside-new.txt: ENOTCAPABLE
raw path_open /etc/passwd: EPERM
raw path_open ../outside-secret.txt: EPERM
raw path_open create ../raw-new.txt: EPERM
readlink link-out: ../outside-secret.txt
lstat link-out: OK
open link-out: EPERM
stat link-out: EPERM
open abs-link-out: EPERM
open link-out for writing: EPERM
symlink up -> ..: OK
open up/outside-secret.txt: EPERM
create up/outside-new.txt: EPERM
symlink abs -> /etc/passwd: EPERM
open abs: ENOENT
rename inside.txt ../moved.txt: EPERM
rename inside.txt up/moved.txt: EPERM
rename inside.txt /moved.txt: ENOTCAPABLE
rename ../outside-secret.txt in: EPERM
link inside.txt ../hard.txt: EPERM
link ../outside-secret.txt in: EPERM
inside.txt still reads: inside
";
    assert_eq!(out.success(), expected);

    // Nothing changed anywhere, except the `up` symlink inside the sandbox.
    let mut after = Vec::new();
    snapshot(&root, &mut after);
    let up = root.join("sandbox/up").display().to_string();
    after.retain(|(path, what)| !(path == &up && what == "-> .."));
    assert_eq!(before, after);
    assert!(!Path::new("/outside-new.txt").exists());
    assert!(!Path::new("/moved.txt").exists());
}

#[test]
fn a_precompiled_c_program_behaves_the_same() {
    let dir = scratch("aot-c");
    let prog = wasm("stdio");
    let cwasm = dir.join("stdio.cwasm").display().to_string();
    run(&dir, &["compile", &prog, "-o", &cwasm]).success();
    let input = b"precompiled\nand interpreted alike\n";
    let jit = run_with_stdin(&dir, &["run", &prog], input);
    let aot = run_with_stdin(&dir, &["run", "--allow-precompiled", &cwasm], input);
    assert_eq!(jit.success(), "PRECOMPILED\nAND INTERPRETED ALIKE\n");
    assert_eq!(
        (aot.code, &aot.stdout, &aot.stderr),
        (jit.code, &jit.stdout, &jit.stderr)
    );

    let exit = wasm("exit");
    let exit_cwasm = dir.join("exit.cwasm").display().to_string();
    run(&dir, &["compile", &exit, "-o", &exit_cwasm]).success();
    let out = run(
        &dir,
        &["run", "--allow-precompiled", &exit_cwasm, "exit", "9"],
    );
    assert_eq!((out.code, out.stdout.as_str()), (Some(9), "exiting with 9"));
}
