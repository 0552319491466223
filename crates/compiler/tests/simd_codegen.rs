//! SIMD operators compile to the host's vector instructions, not to scalar
//! loops or helper calls.

use kiln_compiler::{Compiler, OptLevel};
use kiln_types::Tunables;
use wasmparser::WasmFeatures;

/// The kernels tests/simd.rs also runs: `dot`, `count_eq`, then a scalar `dot_scalar`.
const KERNELS: &str = include_str!("../../../tests/simd_kernels.wat");

#[test]
fn simd_kernels_use_vector_instructions() {
    let compiler = Compiler::new(
        WasmFeatures::WASM2,
        Tunables::default(),
        OptLevel::Speed,
        false,
    )
    .unwrap();
    let bytes = wat::parse_str(KERNELS).unwrap();
    let code = compiler.disassemble(&bytes).unwrap();
    let (dot, count) = (&code[0], &code[1]);
    assert!(
        dot.contains("mulps"),
        "f32x4.mul is not a packed multiply:\n{dot}"
    );
    assert!(
        dot.contains("addps"),
        "f32x4.add is not a packed add:\n{dot}"
    );
    assert!(
        count.contains("pcmpeqb"),
        "i8x16.eq is not a packed compare:\n{count}"
    );
    // The host CPU's features are what the compiler targets.
    let flags: Vec<String> = compiler
        .isa()
        .isa_flags()
        .iter()
        .map(|f| f.to_string())
        .collect();
    let has = |name: &str| flags.iter().any(|f| f == &format!("{name}=1"));
    assert_eq!(
        has("has_sse41"),
        std::is_x86_feature_detected!("sse4.1"),
        "{flags:?}"
    );
    assert_eq!(
        has("has_avx"),
        std::is_x86_feature_detected!("avx"),
        "{flags:?}"
    );
    assert_eq!(
        has("has_avx2"),
        std::is_x86_feature_detected!("avx2"),
        "{flags:?}"
    );
}
