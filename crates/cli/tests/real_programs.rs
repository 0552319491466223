//! Programs nobody on this project wrote, built for wasm32-wasi and run by
//! `kiln run` as a user would: the bzip2 command-line tool (bzip2 1.0.8,
//! from the `bzip2-sys` crate's vendored sources). Its output is checked
//! against the same library compiled natively.

mod common;

use common::{compile_c, run, scratch, write};
use std::ffi::c_char;
use std::path::PathBuf;

/// The bzip2 1.0.8 sources that `bzip2-sys` (a dev-dependency) vendors.
fn bzip2_sources() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cargo")
        });
    let registry = cargo_home.join("registry").join("src");
    for index in std::fs::read_dir(&registry).expect("the cargo registry exists") {
        for krate in std::fs::read_dir(index.unwrap().path()).unwrap() {
            let path = krate.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("bzip2-sys-0.1.") && path.join("bzip2-1.0.8/bzip2.c").exists() {
                return path.join("bzip2-1.0.8");
            }
        }
    }
    panic!("bzip2-sys sources not found under {}", registry.display());
}

fn bzip2_wasm() -> PathBuf {
    let dir = bzip2_sources();
    let sources: Vec<PathBuf> = [
        "bzip2",
        "blocksort",
        "huffman",
        "crctable",
        "randtable",
        "compress",
        "decompress",
        "bzlib",
    ]
    .iter()
    .map(|f| dir.join(format!("{f}.c")))
    .collect();
    compile_c(
        "bzip2",
        &sources,
        &[
            // WASI has no signals, process clocks or file ownership; bzip2
            // only uses them for cleanup on ^C and to copy file metadata.
            "-D_WASI_EMULATED_SIGNAL",
            "-D_WASI_EMULATED_PROCESS_CLOCKS",
            "-Dfchmod(fd,mode)=0",
            "-Dfchown(fd,u,g)=0",
            "-lwasi-emulated-signal",
            "-lwasi-emulated-process-clocks",
            "-w",
        ],
    )
}

/// Text with enough repetition to compress, and enough variety to exercise
/// bzip2's block sorting.
fn sample(len: usize) -> Vec<u8> {
    let words = [
        "kiln ",
        "wasm ",
        "cranelift ",
        "trap ",
        "memory ",
        "table\n",
        "0123456789 ",
    ];
    let mut x = 12345u32;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out.extend_from_slice(words[(x % words.len() as u32) as usize].as_bytes());
    }
    out.truncate(len);
    out
}

// Link the native libbz2 that bzip2-sys builds; it does not declare the
// one-shot buffer functions, so they are declared here.
use bzip2_sys as _;

unsafe extern "C" {
    fn BZ2_bzBuffToBuffDecompress(
        dest: *mut c_char,
        dest_len: *mut u32,
        source: *mut c_char,
        source_len: u32,
        small: i32,
        verbosity: i32,
    ) -> i32;
    fn BZ2_bzBuffToBuffCompress(
        dest: *mut c_char,
        dest_len: *mut u32,
        source: *mut c_char,
        source_len: u32,
        block_size_100k: i32,
        verbosity: i32,
        work_factor: i32,
    ) -> i32;
}

fn native_decompress(data: &[u8], max: usize) -> Vec<u8> {
    let mut out = vec![0u8; max];
    let mut len = max as u32;
    let mut input = data.to_vec();
    // SAFETY: both buffers are valid for the lengths passed.
    let rc = unsafe {
        BZ2_bzBuffToBuffDecompress(
            out.as_mut_ptr().cast(),
            &mut len,
            input.as_mut_ptr().cast(),
            input.len() as u32,
            0,
            0,
        )
    };
    assert_eq!(rc, 0, "native bzip2 rejected the wasm build's output");
    out.truncate(len as usize);
    out
}

fn native_compress(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; data.len() + data.len() / 100 + 600];
    let mut len = out.len() as u32;
    let mut input = data.to_vec();
    // SAFETY: both buffers are valid for the lengths passed.
    let rc = unsafe {
        BZ2_bzBuffToBuffCompress(
            out.as_mut_ptr().cast(),
            &mut len,
            input.as_mut_ptr().cast(),
            input.len() as u32,
            9,
            0,
            0,
        )
    };
    assert_eq!(rc, 0);
    out.truncate(len as usize);
    out
}

#[test]
fn bzip2_compresses_and_decompresses_like_the_native_library() {
    let wasm = bzip2_wasm();
    let dir = scratch("bzip2");
    let data = sample(400_000);
    write(&dir, "input.txt", &data);
    let wasm = wasm.to_str().unwrap();

    // Compress in wasm, check with the native library.
    let out = run(&dir, &["run", "--dir", ".", wasm, "-k", "-9", "input.txt"]);
    assert_eq!(out.code, Some(0), "{out:#?}");
    let compressed = std::fs::read(dir.join("input.txt.bz2")).expect("bzip2 wrote input.txt.bz2");
    assert!(
        compressed.len() < data.len() / 3,
        "compressed to {} bytes",
        compressed.len()
    );
    assert_eq!(native_decompress(&compressed, data.len()), data);

    // Its own integrity test passes.
    let out = run(&dir, &["run", "--dir", ".", wasm, "-t", "input.txt.bz2"]);
    assert_eq!(out.code, Some(0), "{out:#?}");

    // Compress natively, decompress in wasm.
    write(&dir, "native.bz2", native_compress(&data));
    let out = run(&dir, &["run", "--dir", ".", wasm, "-d", "native.bz2"]);
    assert_eq!(out.code, Some(0), "{out:#?}");
    let restored = std::fs::read(dir.join("native")).expect("bzip2 -d wrote `native`");
    assert!(restored == data, "decompressed output differs");

    // A corrupt file is reported by bzip2 itself, with its exit code 2.
    let mut corrupt = compressed.clone();
    let mid = corrupt.len() / 2;
    corrupt[mid] ^= 0x55;
    write(&dir, "corrupt.bz2", corrupt);
    let out = run(&dir, &["run", "--dir", ".", wasm, "-t", "corrupt.bz2"]);
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert!(out.stderr.contains("corrupt.bz2"), "{out:#?}");
}

/// `--profile=guest`: bzip2's call stacks sampled into an SVG flame graph
/// whose boxes name its wasm functions, callers below callees.
#[test]
fn guest_profile_of_bzip2_is_a_flame_graph_of_its_functions() {
    let wasm = bzip2_wasm();
    let dir = scratch("bzip2-profile");
    write(&dir, "input.txt", sample(2_000_000));
    let wasm = wasm.to_str().unwrap();
    let out = run(
        &dir,
        &[
            "run",
            "-C",
            "cache=n",
            "--profile=guest,profile.svg,1ms",
            "--dir",
            ".",
            wasm,
            "-k",
            "-9",
            "input.txt",
        ],
    );
    assert_eq!(out.code, Some(0), "{out:#?}");
    assert!(
        dir.join("input.txt.bz2").exists(),
        "bzip2 still did its work"
    );
    let svg = std::fs::read_to_string(dir.join("profile.svg")).expect("kiln wrote the profile");
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    // Every box has a title "NAME (N samples, P%)".
    let boxes: Vec<(&str, u64)> = svg
        .split("<title>")
        .skip(1)
        .map(|t| {
            let t = &t[..t.find("</title>").unwrap()];
            let (name, rest) = t.rsplit_once(" (").unwrap();
            (name, rest.split(' ').next().unwrap().parse().unwrap())
        })
        .collect();
    let samples = |name: &str| {
        boxes
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, s)| s)
            .sum::<u64>()
    };
    // The program ran for hundreds of milliseconds: hundreds of samples,
    // nearly all under main, most of them in bzip2's block sorting.
    let main = samples("main");
    assert!(main >= 50, "{main} samples in main:\n{svg}");
    assert!(samples("BZ2_compressBlock") * 2 > main, "{svg}");
    assert!(samples("BZ2_blockSort") > 0, "{svg}");
    // A callee is drawn above its caller: BZ2_blockSort's box sits higher
    // (a smaller y) than main's.
    let y_of = |name: &str| -> f64 {
        let at = svg.find(&format!("<title>{name} (")).unwrap();
        let y = svg[at..].split("y=\"").nth(1).unwrap();
        y[..y.find('"').unwrap()].parse().unwrap()
    };
    assert!(y_of("BZ2_blockSort") < y_of("main"));

    let bad = run(&dir, &["run", "--profile=guest,p.svg,0ms", wasm]);
    assert!(
        bad.code != Some(0) && bad.stderr.contains("interval"),
        "{bad:#?}"
    );
}
