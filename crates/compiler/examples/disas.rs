//! Prints the machine code of a module's functions: `disas FILE [INDEX...]`
//! (with `KILN_INLINING=n`, as compiled without inlining).
use kiln_compiler::{Compiler, OptLevel};
use kiln_types::Tunables;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).unwrap();
    let c = Compiler::new(
        wasmparser::WasmFeatures::all(),
        Tunables {
            inlining: std::env::var("KILN_INLINING").map_or(true, |v| v != "n"),
            ..Tunables::default()
        },
        OptLevel::Speed,
        false,
    )
    .unwrap();
    let out = c.disassemble(&bytes).unwrap();
    for (i, f) in out.iter().enumerate() {
        if args.len() == 2 || args[2..].iter().any(|a| a.parse::<usize>().unwrap() == i) {
            println!("== defined function {i}\n{f}");
        }
    }
}
