//! `kiln run` of Wasm GC programs: a Kotlin program built by Kotlin's own
//! compiler for WASI (`tests-gc/kotlin/`, prebuilt; `build.sh` says how),
//! and the benchmarks game's binary-trees written in `.wat`
//! (`tests-gc/binary_trees.wat`).

mod common;

use common::{changed_sources, repo_root, run, scratch};

#[test]
fn a_kotlin_program_prints_what_it_prints_on_wasmtime() {
    let dir = repo_root().join("tests-gc").join("kotlin");
    if let Some(changed) = changed_sources(&dir, "prebuilt/SOURCES.sha256") {
        panic!(
            "tests-gc/kotlin changed since prebuilt/ was built; rebuild with build.sh:\n{changed}"
        );
    }
    let expected = std::fs::read_to_string(dir.join("prebuilt/wasmtime_output.txt")).unwrap();
    let wasm = dir.join("prebuilt/kiln_gc_demo.wasm");
    let out = run(&scratch("kotlin"), &["run", &wasm.display().to_string()]);
    assert_eq!(out.success(), expected);
    // Again with a collection at every allocation and freed objects
    // poisoned (`-W gc-stress`): a reference that compiled code keeps
    // where no stack map says would be freed in use and show.
    let out = run(
        &scratch("kotlin-gc-stress"),
        &[
            "run",
            "-C",
            "cache=n",
            "-W",
            "gc-stress=y",
            &wasm.display().to_string(),
        ],
    );
    assert_eq!(out.success(), expected, "with -W gc-stress=y");
}

/// What binary-trees prints for `depth`: a perfect tree of depth `d` has
/// `2^(d+1) - 1` nodes, which is what checking it counts.
fn binary_trees_output(depth: u32) -> String {
    let nodes = |d: u32| (1u64 << (d + 1)) - 1;
    let mut out = format!(
        "stretch tree of depth {}\t check: {}\n",
        depth + 1,
        nodes(depth + 1)
    );
    for d in (4..=depth).step_by(2) {
        let iterations = 1u64 << (depth - d + 4);
        out += &format!(
            "{iterations}\t trees of depth {d}\t check: {}\n",
            iterations * nodes(d)
        );
    }
    out + &format!(
        "long lived tree of depth {depth}\t check: {}\n",
        nodes(depth)
    )
}

#[test]
fn binary_trees_checks_every_tree() {
    let wat = repo_root().join("tests-gc").join("binary_trees.wat");
    let dir = scratch("binary-trees");
    for depth in [6, 12] {
        let out = run(
            &dir,
            &["run", &wat.display().to_string(), &depth.to_string()],
        );
        assert_eq!(out.success(), binary_trees_output(depth), "depth {depth}");
    }
    let out = run(
        &dir,
        &["run", "-W", "gc-stress=y", &wat.display().to_string(), "8"],
    );
    assert_eq!(out.success(), binary_trees_output(8), "with -W gc-stress=y");
}
