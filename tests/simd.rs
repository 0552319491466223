//! SIMD kernels give the same answers as the scalar computations they replace.

use kiln::{Engine, Instance, Module, Store};

const KERNELS: &str = include_str!("simd_kernels.wat");

#[test]
fn f32x4_dot_product_and_i8x16_histogram_match_scalar() {
    let engine = Engine::default();
    let module = Module::new(&engine, KERNELS).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();

    // Dot product of two 1024-element vectors at 0 and 4096.
    let n = 1024usize;
    let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
    let b: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos() * 3.0).collect();
    let bytes = |v: &[f32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    memory.write(&mut store, 0, &bytes(&a)).unwrap();
    memory.write(&mut store, 4096, &bytes(&b)).unwrap();
    let dot = instance
        .get_typed_func::<(i32, i32, i32), f32>(&mut store, "dot")
        .unwrap();
    let dot_scalar = instance
        .get_typed_func::<(i32, i32, i32), f32>(&mut store, "dot_scalar")
        .unwrap();
    let simd = dot.call(&mut store, (0, 4096, n as i32)).unwrap();
    // The same summation order in Rust: four lane accumulators, then a tree sum.
    let mut lanes = [0f32; 4];
    for i in 0..n {
        lanes[i % 4] += a[i] * b[i];
    }
    let expected = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    assert_eq!(simd.to_bits(), expected.to_bits());
    let scalar = dot_scalar.call(&mut store, (0, 4096, n as i32)).unwrap();
    assert!(
        (simd - scalar).abs() <= 1e-3 * scalar.abs().max(1.0),
        "{simd} vs {scalar}"
    );

    // Byte histogram of 4096 pseudo-random bytes at 8192.
    let data: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    memory.write(&mut store, 8192, &data).unwrap();
    let count = instance
        .get_typed_func::<(i32, i32, i32), i32>(&mut store, "count_eq")
        .unwrap();
    let mut histogram = [0usize; 256];
    for b in &data {
        histogram[*b as usize] += 1;
    }
    for v in 0..256 {
        let got = count
            .call(&mut store, (8192, data.len() as i32, v))
            .unwrap();
        assert_eq!(got as usize, histogram[v as usize], "count of byte {v}");
    }
}
