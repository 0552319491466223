//! The directives of the official spec suite that Kiln does not pass yet,
//! by `file:line` (FILE relative to the suite's `data/` folder), each with
//! the reason, grouped by reason. See `spec.rs` for how the list is checked
//! and regenerated. Nothing under `wasm-v1`, `wasm-v2` or `proposals/simd`
//! may be listed.
//!
//! A module that fails makes the directives that use it fail too; they are
//! listed under the module's reason.

const GC: &str =
    "GC types are not implemented (struct, array, i31, any/eq, rec groups, subtyping, casts)";

const CUSTOM_DESCRIPTORS: &str =
    "custom descriptors (and the GC they build on) are not implemented";

const CUSTOM_DESCRIPTORS_WORDING: &str = "custom descriptors: wasmparser 0.263 words this validation error differently from the proposal's tests (no alias is kept for a proposal Kiln does not implement)";

const CUSTOM_DESCRIPTORS_WASMPARSER: &str = "custom descriptors: wasmparser 0.263 rejects this module, which the proposal's tests accept (the proposal changed since)";

const BULK_MEMORY_NEWER_TEXT: &str = "the folder's copy of this file uses types from later proposals (typed references, GC arrays) that the folder's features (2.0 + bulk memory) do not enable";

const PRE_20_SEGMENTS: &str = "pre-2.0 proposal text: expects every segment to be bounds-checked before any is written (an out-of-bounds segment is a link error and writes nothing); 2.0 writes segments in order and traps";

const PRE_20_CALL_INDIRECT_BYTE: &str = "pre-2.0 proposal text: call_indirect's table byte must be zero; since reference types it is a table index (here an unknown table)";

const PRE_GC_OPCODE: &str = "pre-GC proposal text: opcode 0xd3 is illegal there; since GC it is ref.eq, which wasmparser decodes and then rejects as not constant";

const PRE_20_TYPING: &str =
    "pre-2.0 proposal text: expects a typing rule for br_table after unreachable that 2.0 relaxed";

/// `("FILE:LINE", reason)`.
pub const EXPECTED_FAILURES: &[(&str, &str)] = &[
    // GC
    ("proposals/gc/array.wast:60", GC),
    ("proposals/gc/array.wast:97", GC),
    ("proposals/gc/array.wast:98", GC),
    ("proposals/gc/array.wast:99", GC),
    ("proposals/gc/array.wast:100", GC),
    ("proposals/gc/array.wast:101", GC),
    ("proposals/gc/array.wast:103", GC),
    ("proposals/gc/array.wast:104", GC),
    ("proposals/gc/array.wast:106", GC),
    ("proposals/gc/array.wast:142", GC),
    ("proposals/gc/array.wast:143", GC),
    ("proposals/gc/array.wast:144", GC),
    ("proposals/gc/array.wast:145", GC),
    ("proposals/gc/array.wast:146", GC),
    ("proposals/gc/array.wast:148", GC),
    ("proposals/gc/array.wast:149", GC),
    ("proposals/gc/array.wast:151", GC),
    ("proposals/gc/array.wast:202", GC),
    ("proposals/gc/array.wast:203", GC),
    ("proposals/gc/array.wast:204", GC),
    ("proposals/gc/array.wast:205", GC),
    ("proposals/gc/array.wast:206", GC),
    ("proposals/gc/array.wast:207", GC),
    ("proposals/gc/array.wast:209", GC),
    ("proposals/gc/array.wast:210", GC),
    ("proposals/gc/array.wast:211", GC),
    ("proposals/gc/array.wast:212", GC),
    ("proposals/gc/array.wast:214", GC),
    ("proposals/gc/array.wast:216", GC),
    ("proposals/gc/array.wast:217", GC),
    ("proposals/gc/array.wast:219", GC),
    ("proposals/gc/array.wast:276", GC),
    ("proposals/gc/array.wast:277", GC),
    ("proposals/gc/array.wast:278", GC),
    ("proposals/gc/array.wast:279", GC),
    ("proposals/gc/array.wast:280", GC),
    ("proposals/gc/array.wast:281", GC),
    ("proposals/gc/array.wast:283", GC),
    ("proposals/gc/array.wast:284", GC),
    ("proposals/gc/array.wast:285", GC),
    ("proposals/gc/array.wast:287", GC),
    ("proposals/gc/array.wast:289", GC),
    ("proposals/gc/array.wast:290", GC),
    ("proposals/gc/array.wast:332", GC),
    ("proposals/gc/array.wast:342", GC),
    ("proposals/gc/array.wast:343", GC),
    ("proposals/gc/array_copy.wast:54", GC),
    ("proposals/gc/array_copy.wast:97", GC),
    ("proposals/gc/array_copy.wast:98", GC),
    ("proposals/gc/array_copy.wast:101", GC),
    ("proposals/gc/array_copy.wast:102", GC),
    ("proposals/gc/array_copy.wast:105", GC),
    ("proposals/gc/array_copy.wast:106", GC),
    ("proposals/gc/array_copy.wast:109", GC),
    ("proposals/gc/array_copy.wast:110", GC),
    ("proposals/gc/array_copy.wast:113", GC),
    ("proposals/gc/array_copy.wast:114", GC),
    ("proposals/gc/array_copy.wast:115", GC),
    ("proposals/gc/array_copy.wast:116", GC),
    ("proposals/gc/array_copy.wast:119", GC),
    ("proposals/gc/array_copy.wast:120", GC),
    ("proposals/gc/array_copy.wast:121", GC),
    ("proposals/gc/array_copy.wast:122", GC),
    ("proposals/gc/array_copy.wast:125", GC),
    ("proposals/gc/array_copy.wast:126", GC),
    ("proposals/gc/array_copy.wast:127", GC),
    ("proposals/gc/array_copy.wast:128", GC),
    ("proposals/gc/array_copy.wast:129", GC),
    ("proposals/gc/array_copy.wast:130", GC),
    ("proposals/gc/array_copy.wast:131", GC),
    ("proposals/gc/array_copy.wast:133", GC),
    ("proposals/gc/array_copy.wast:134", GC),
    ("proposals/gc/array_copy.wast:135", GC),
    ("proposals/gc/array_copy.wast:136", GC),
    ("proposals/gc/array_copy.wast:137", GC),
    ("proposals/gc/array_copy.wast:138", GC),
    ("proposals/gc/array_copy.wast:139", GC),
    ("proposals/gc/array_fill.wast:38", GC),
    ("proposals/gc/array_fill.wast:59", GC),
    ("proposals/gc/array_fill.wast:62", GC),
    ("proposals/gc/array_fill.wast:65", GC),
    ("proposals/gc/array_fill.wast:68", GC),
    ("proposals/gc/array_fill.wast:71", GC),
    ("proposals/gc/array_fill.wast:72", GC),
    ("proposals/gc/array_fill.wast:73", GC),
    ("proposals/gc/array_fill.wast:74", GC),
    ("proposals/gc/array_fill.wast:77", GC),
    ("proposals/gc/array_fill.wast:78", GC),
    ("proposals/gc/array_fill.wast:79", GC),
    ("proposals/gc/array_fill.wast:80", GC),
    ("proposals/gc/array_fill.wast:81", GC),
    ("proposals/gc/array_fill.wast:84", GC),
    ("proposals/gc/array_fill.wast:85", GC),
    ("proposals/gc/array_fill.wast:86", GC),
    ("proposals/gc/array_fill.wast:87", GC),
    ("proposals/gc/array_fill.wast:88", GC),
    ("proposals/gc/array_fill.wast:91", GC),
    ("proposals/gc/array_fill.wast:92", GC),
    ("proposals/gc/array_fill.wast:93", GC),
    ("proposals/gc/array_fill.wast:94", GC),
    ("proposals/gc/array_fill.wast:97", GC),
    ("proposals/gc/array_fill.wast:98", GC),
    ("proposals/gc/array_fill.wast:99", GC),
    ("proposals/gc/array_fill.wast:100", GC),
    ("proposals/gc/array_init_data.wast:31", GC),
    ("proposals/gc/array_init_data.wast:68", GC),
    ("proposals/gc/array_init_data.wast:71", GC),
    ("proposals/gc/array_init_data.wast:72", GC),
    ("proposals/gc/array_init_data.wast:75", GC),
    ("proposals/gc/array_init_data.wast:76", GC),
    ("proposals/gc/array_init_data.wast:77", GC),
    ("proposals/gc/array_init_data.wast:80", GC),
    ("proposals/gc/array_init_data.wast:81", GC),
    ("proposals/gc/array_init_data.wast:82", GC),
    ("proposals/gc/array_init_data.wast:85", GC),
    ("proposals/gc/array_init_data.wast:86", GC),
    ("proposals/gc/array_init_data.wast:87", GC),
    ("proposals/gc/array_init_data.wast:88", GC),
    ("proposals/gc/array_init_data.wast:89", GC),
    ("proposals/gc/array_init_data.wast:90", GC),
    ("proposals/gc/array_init_data.wast:91", GC),
    ("proposals/gc/array_init_data.wast:92", GC),
    ("proposals/gc/array_init_data.wast:95", GC),
    ("proposals/gc/array_init_data.wast:96", GC),
    ("proposals/gc/array_init_data.wast:97", GC),
    ("proposals/gc/array_init_data.wast:98", GC),
    ("proposals/gc/array_init_data.wast:99", GC),
    ("proposals/gc/array_init_data.wast:101", GC),
    ("proposals/gc/array_init_data.wast:102", GC),
    ("proposals/gc/array_init_data.wast:103", GC),
    ("proposals/gc/array_init_data.wast:104", GC),
    ("proposals/gc/array_init_data.wast:105", GC),
    ("proposals/gc/array_init_data.wast:108", GC),
    ("proposals/gc/array_init_data.wast:109", GC),
    ("proposals/gc/array_init_data.wast:110", GC),
    ("proposals/gc/array_init_data.wast:113", GC),
    ("proposals/gc/array_init_data.wast:200", GC),
    ("proposals/gc/array_init_data.wast:201", GC),
    ("proposals/gc/array_init_data.wast:202", GC),
    ("proposals/gc/array_init_data.wast:203", GC),
    ("proposals/gc/array_init_data.wast:204", GC),
    ("proposals/gc/array_init_data.wast:205", GC),
    ("proposals/gc/array_init_data.wast:207", GC),
    ("proposals/gc/array_init_data.wast:208", GC),
    ("proposals/gc/array_init_data.wast:209", GC),
    ("proposals/gc/array_init_data.wast:210", GC),
    ("proposals/gc/array_init_data.wast:211", GC),
    ("proposals/gc/array_init_data.wast:212", GC),
    ("proposals/gc/array_init_elem.wast:44", GC),
    ("proposals/gc/array_init_elem.wast:85", GC),
    ("proposals/gc/array_init_elem.wast:88", GC),
    ("proposals/gc/array_init_elem.wast:89", GC),
    ("proposals/gc/array_init_elem.wast:92", GC),
    ("proposals/gc/array_init_elem.wast:93", GC),
    ("proposals/gc/array_init_elem.wast:96", GC),
    ("proposals/gc/array_init_elem.wast:97", GC),
    ("proposals/gc/array_init_elem.wast:100", GC),
    ("proposals/gc/array_init_elem.wast:101", GC),
    ("proposals/gc/array_init_elem.wast:102", GC),
    ("proposals/gc/array_init_elem.wast:103", GC),
    ("proposals/gc/array_init_elem.wast:106", GC),
    ("proposals/gc/array_init_elem.wast:107", GC),
    ("proposals/gc/array_init_elem.wast:108", GC),
    ("proposals/gc/array_init_elem.wast:109", GC),
    ("proposals/gc/array_init_elem.wast:110", GC),
    ("proposals/gc/array_init_elem.wast:113", GC),
    ("proposals/gc/array_init_elem.wast:114", GC),
    ("proposals/gc/array_init_elem.wast:115", GC),
    ("proposals/gc/array_init_elem.wast:117", GC),
    ("proposals/gc/array_init_elem.wast:144", GC),
    ("proposals/gc/array_init_elem.wast:145", GC),
    ("proposals/gc/array_init_elem.wast:148", GC),
    ("proposals/gc/array_init_elem.wast:149", GC),
    ("proposals/gc/array_init_elem.wast:150", GC),
    ("proposals/gc/array_init_elem.wast:151", GC),
    ("proposals/gc/array_init_elem.wast:154", GC),
    ("proposals/gc/array_init_elem.wast:155", GC),
    ("proposals/gc/array_init_elem.wast:156", GC),
    ("proposals/gc/array_init_elem.wast:157", GC),
    ("proposals/gc/array_init_elem.wast:160", GC),
    ("proposals/gc/array_init_elem.wast:178", GC),
    ("proposals/gc/array_new_data.wast:1", GC),
    ("proposals/gc/array_new_data.wast:12", GC),
    ("proposals/gc/array_new_data.wast:13", GC),
    ("proposals/gc/array_new_data.wast:14", GC),
    ("proposals/gc/array_new_data.wast:15", GC),
    ("proposals/gc/array_new_data.wast:18", GC),
    ("proposals/gc/array_new_data.wast:19", GC),
    ("proposals/gc/array_new_data.wast:20", GC),
    ("proposals/gc/array_new_data.wast:21", GC),
    ("proposals/gc/array_new_data.wast:23", GC),
    ("proposals/gc/array_new_data.wast:74", GC),
    ("proposals/gc/array_new_data.wast:75", GC),
    ("proposals/gc/array_new_data.wast:76", GC),
    ("proposals/gc/array_new_data.wast:77", GC),
    ("proposals/gc/array_new_data.wast:78", GC),
    ("proposals/gc/array_new_data.wast:79", GC),
    ("proposals/gc/array_new_data.wast:81", GC),
    ("proposals/gc/array_new_data.wast:82", GC),
    ("proposals/gc/array_new_data.wast:83", GC),
    ("proposals/gc/array_new_data.wast:84", GC),
    ("proposals/gc/array_new_data.wast:85", GC),
    ("proposals/gc/array_new_data.wast:86", GC),
    ("proposals/gc/array_new_data.wast:89", GC),
    ("proposals/gc/array_new_data.wast:103", GC),
    ("proposals/gc/array_new_data.wast:105", GC),
    ("proposals/gc/array_new_data.wast:118", GC),
    ("proposals/gc/array_new_data.wast:120", GC),
    ("proposals/gc/array_new_data.wast:133", GC),
    ("proposals/gc/array_new_elem.wast:3", GC),
    ("proposals/gc/array_new_elem.wast:18", GC),
    ("proposals/gc/array_new_elem.wast:19", GC),
    ("proposals/gc/array_new_elem.wast:20", GC),
    ("proposals/gc/array_new_elem.wast:21", GC),
    ("proposals/gc/array_new_elem.wast:24", GC),
    ("proposals/gc/array_new_elem.wast:25", GC),
    ("proposals/gc/array_new_elem.wast:26", GC),
    ("proposals/gc/array_new_elem.wast:27", GC),
    ("proposals/gc/array_new_elem.wast:29", GC),
    ("proposals/gc/array_new_elem.wast:47", GC),
    ("proposals/gc/array_new_elem.wast:51", GC),
    ("proposals/gc/array_new_elem.wast:66", GC),
    ("proposals/gc/array_new_elem.wast:67", GC),
    ("proposals/gc/array_new_elem.wast:68", GC),
    ("proposals/gc/array_new_elem.wast:69", GC),
    ("proposals/gc/array_new_elem.wast:72", GC),
    ("proposals/gc/array_new_elem.wast:73", GC),
    ("proposals/gc/array_new_elem.wast:74", GC),
    ("proposals/gc/array_new_elem.wast:75", GC),
    ("proposals/gc/array_new_elem.wast:77", GC),
    ("proposals/gc/array_new_elem.wast:103", GC),
    ("proposals/gc/array_new_elem.wast:106", GC),
    ("proposals/gc/array_new_elem.wast:121", GC),
    ("proposals/gc/br_on_cast.wast:3", GC),
    ("proposals/gc/br_on_cast.wast:69", GC),
    ("proposals/gc/br_on_cast.wast:71", GC),
    ("proposals/gc/br_on_cast.wast:72", GC),
    ("proposals/gc/br_on_cast.wast:73", GC),
    ("proposals/gc/br_on_cast.wast:74", GC),
    ("proposals/gc/br_on_cast.wast:75", GC),
    ("proposals/gc/br_on_cast.wast:77", GC),
    ("proposals/gc/br_on_cast.wast:78", GC),
    ("proposals/gc/br_on_cast.wast:79", GC),
    ("proposals/gc/br_on_cast.wast:80", GC),
    ("proposals/gc/br_on_cast.wast:81", GC),
    ("proposals/gc/br_on_cast.wast:83", GC),
    ("proposals/gc/br_on_cast.wast:84", GC),
    ("proposals/gc/br_on_cast.wast:85", GC),
    ("proposals/gc/br_on_cast.wast:86", GC),
    ("proposals/gc/br_on_cast.wast:87", GC),
    ("proposals/gc/br_on_cast.wast:89", GC),
    ("proposals/gc/br_on_cast.wast:90", GC),
    ("proposals/gc/br_on_cast.wast:91", GC),
    ("proposals/gc/br_on_cast.wast:92", GC),
    ("proposals/gc/br_on_cast.wast:93", GC),
    ("proposals/gc/br_on_cast.wast:95", GC),
    ("proposals/gc/br_on_cast.wast:96", GC),
    ("proposals/gc/br_on_cast.wast:97", GC),
    ("proposals/gc/br_on_cast.wast:98", GC),
    ("proposals/gc/br_on_cast.wast:99", GC),
    ("proposals/gc/br_on_cast.wast:104", GC),
    ("proposals/gc/br_on_cast.wast:205", GC),
    ("proposals/gc/br_on_cast.wast:206", GC),
    ("proposals/gc/br_on_cast_fail.wast:3", GC),
    ("proposals/gc/br_on_cast_fail.wast:69", GC),
    ("proposals/gc/br_on_cast_fail.wast:71", GC),
    ("proposals/gc/br_on_cast_fail.wast:72", GC),
    ("proposals/gc/br_on_cast_fail.wast:73", GC),
    ("proposals/gc/br_on_cast_fail.wast:74", GC),
    ("proposals/gc/br_on_cast_fail.wast:75", GC),
    ("proposals/gc/br_on_cast_fail.wast:77", GC),
    ("proposals/gc/br_on_cast_fail.wast:78", GC),
    ("proposals/gc/br_on_cast_fail.wast:79", GC),
    ("proposals/gc/br_on_cast_fail.wast:80", GC),
    ("proposals/gc/br_on_cast_fail.wast:81", GC),
    ("proposals/gc/br_on_cast_fail.wast:83", GC),
    ("proposals/gc/br_on_cast_fail.wast:84", GC),
    ("proposals/gc/br_on_cast_fail.wast:85", GC),
    ("proposals/gc/br_on_cast_fail.wast:86", GC),
    ("proposals/gc/br_on_cast_fail.wast:87", GC),
    ("proposals/gc/br_on_cast_fail.wast:89", GC),
    ("proposals/gc/br_on_cast_fail.wast:90", GC),
    ("proposals/gc/br_on_cast_fail.wast:91", GC),
    ("proposals/gc/br_on_cast_fail.wast:92", GC),
    ("proposals/gc/br_on_cast_fail.wast:93", GC),
    ("proposals/gc/br_on_cast_fail.wast:95", GC),
    ("proposals/gc/br_on_cast_fail.wast:96", GC),
    ("proposals/gc/br_on_cast_fail.wast:97", GC),
    ("proposals/gc/br_on_cast_fail.wast:98", GC),
    ("proposals/gc/br_on_cast_fail.wast:99", GC),
    ("proposals/gc/br_on_cast_fail.wast:104", GC),
    ("proposals/gc/br_on_cast_fail.wast:220", GC),
    ("proposals/gc/br_on_cast_fail.wast:221", GC),
    ("proposals/gc/extern.wast:1", GC),
    ("proposals/gc/extern.wast:37", GC),
    ("proposals/gc/extern.wast:39", GC),
    ("proposals/gc/extern.wast:40", GC),
    ("proposals/gc/extern.wast:42", GC),
    ("proposals/gc/extern.wast:43", GC),
    ("proposals/gc/extern.wast:45", GC),
    ("proposals/gc/extern.wast:46", GC),
    ("proposals/gc/extern.wast:47", GC),
    ("proposals/gc/extern.wast:48", GC),
    ("proposals/gc/extern.wast:49", GC),
    ("proposals/gc/extern.wast:50", GC),
    ("proposals/gc/extern.wast:52", GC),
    ("proposals/gc/extern.wast:53", GC),
    ("proposals/gc/extern.wast:54", GC),
    ("proposals/gc/extern.wast:55", GC),
    ("proposals/gc/extern.wast:56", GC),
    ("proposals/gc/extern.wast:57", GC),
    ("proposals/gc/ref_cast.wast:3", GC),
    ("proposals/gc/ref_cast.wast:49", GC),
    ("proposals/gc/ref_cast.wast:51", GC),
    ("proposals/gc/ref_cast.wast:52", GC),
    ("proposals/gc/ref_cast.wast:53", GC),
    ("proposals/gc/ref_cast.wast:54", GC),
    ("proposals/gc/ref_cast.wast:55", GC),
    ("proposals/gc/ref_cast.wast:56", GC),
    ("proposals/gc/ref_cast.wast:57", GC),
    ("proposals/gc/ref_cast.wast:58", GC),
    ("proposals/gc/ref_cast.wast:60", GC),
    ("proposals/gc/ref_cast.wast:61", GC),
    ("proposals/gc/ref_cast.wast:62", GC),
    ("proposals/gc/ref_cast.wast:63", GC),
    ("proposals/gc/ref_cast.wast:64", GC),
    ("proposals/gc/ref_cast.wast:65", GC),
    ("proposals/gc/ref_cast.wast:66", GC),
    ("proposals/gc/ref_cast.wast:67", GC),
    ("proposals/gc/ref_cast.wast:69", GC),
    ("proposals/gc/ref_cast.wast:70", GC),
    ("proposals/gc/ref_cast.wast:71", GC),
    ("proposals/gc/ref_cast.wast:72", GC),
    ("proposals/gc/ref_cast.wast:73", GC),
    ("proposals/gc/ref_cast.wast:74", GC),
    ("proposals/gc/ref_cast.wast:75", GC),
    ("proposals/gc/ref_cast.wast:76", GC),
    ("proposals/gc/ref_cast.wast:78", GC),
    ("proposals/gc/ref_cast.wast:79", GC),
    ("proposals/gc/ref_cast.wast:80", GC),
    ("proposals/gc/ref_cast.wast:81", GC),
    ("proposals/gc/ref_cast.wast:82", GC),
    ("proposals/gc/ref_cast.wast:83", GC),
    ("proposals/gc/ref_cast.wast:84", GC),
    ("proposals/gc/ref_cast.wast:85", GC),
    ("proposals/gc/ref_cast.wast:87", GC),
    ("proposals/gc/ref_cast.wast:88", GC),
    ("proposals/gc/ref_cast.wast:89", GC),
    ("proposals/gc/ref_cast.wast:90", GC),
    ("proposals/gc/ref_cast.wast:91", GC),
    ("proposals/gc/ref_cast.wast:92", GC),
    ("proposals/gc/ref_cast.wast:93", GC),
    ("proposals/gc/ref_cast.wast:94", GC),
    ("proposals/gc/ref_cast.wast:99", GC),
    ("proposals/gc/ref_cast.wast:185", GC),
    ("proposals/gc/ref_cast.wast:186", GC),
    ("proposals/gc/ref_eq.wast:1", GC),
    ("proposals/gc/ref_eq.wast:29", GC),
    ("proposals/gc/ref_eq.wast:31", GC),
    ("proposals/gc/ref_eq.wast:32", GC),
    ("proposals/gc/ref_eq.wast:33", GC),
    ("proposals/gc/ref_eq.wast:34", GC),
    ("proposals/gc/ref_eq.wast:35", GC),
    ("proposals/gc/ref_eq.wast:36", GC),
    ("proposals/gc/ref_eq.wast:37", GC),
    ("proposals/gc/ref_eq.wast:38", GC),
    ("proposals/gc/ref_eq.wast:39", GC),
    ("proposals/gc/ref_eq.wast:41", GC),
    ("proposals/gc/ref_eq.wast:42", GC),
    ("proposals/gc/ref_eq.wast:43", GC),
    ("proposals/gc/ref_eq.wast:44", GC),
    ("proposals/gc/ref_eq.wast:45", GC),
    ("proposals/gc/ref_eq.wast:46", GC),
    ("proposals/gc/ref_eq.wast:47", GC),
    ("proposals/gc/ref_eq.wast:48", GC),
    ("proposals/gc/ref_eq.wast:49", GC),
    ("proposals/gc/ref_eq.wast:51", GC),
    ("proposals/gc/ref_eq.wast:52", GC),
    ("proposals/gc/ref_eq.wast:53", GC),
    ("proposals/gc/ref_eq.wast:54", GC),
    ("proposals/gc/ref_eq.wast:55", GC),
    ("proposals/gc/ref_eq.wast:56", GC),
    ("proposals/gc/ref_eq.wast:57", GC),
    ("proposals/gc/ref_eq.wast:58", GC),
    ("proposals/gc/ref_eq.wast:59", GC),
    ("proposals/gc/ref_eq.wast:61", GC),
    ("proposals/gc/ref_eq.wast:62", GC),
    ("proposals/gc/ref_eq.wast:63", GC),
    ("proposals/gc/ref_eq.wast:64", GC),
    ("proposals/gc/ref_eq.wast:65", GC),
    ("proposals/gc/ref_eq.wast:66", GC),
    ("proposals/gc/ref_eq.wast:67", GC),
    ("proposals/gc/ref_eq.wast:68", GC),
    ("proposals/gc/ref_eq.wast:69", GC),
    ("proposals/gc/ref_eq.wast:71", GC),
    ("proposals/gc/ref_eq.wast:72", GC),
    ("proposals/gc/ref_eq.wast:73", GC),
    ("proposals/gc/ref_eq.wast:74", GC),
    ("proposals/gc/ref_eq.wast:75", GC),
    ("proposals/gc/ref_eq.wast:76", GC),
    ("proposals/gc/ref_eq.wast:77", GC),
    ("proposals/gc/ref_eq.wast:78", GC),
    ("proposals/gc/ref_eq.wast:79", GC),
    ("proposals/gc/ref_eq.wast:81", GC),
    ("proposals/gc/ref_eq.wast:82", GC),
    ("proposals/gc/ref_eq.wast:83", GC),
    ("proposals/gc/ref_eq.wast:84", GC),
    ("proposals/gc/ref_eq.wast:85", GC),
    ("proposals/gc/ref_eq.wast:86", GC),
    ("proposals/gc/ref_eq.wast:87", GC),
    ("proposals/gc/ref_eq.wast:88", GC),
    ("proposals/gc/ref_eq.wast:89", GC),
    ("proposals/gc/ref_eq.wast:91", GC),
    ("proposals/gc/ref_eq.wast:92", GC),
    ("proposals/gc/ref_eq.wast:93", GC),
    ("proposals/gc/ref_eq.wast:94", GC),
    ("proposals/gc/ref_eq.wast:95", GC),
    ("proposals/gc/ref_eq.wast:96", GC),
    ("proposals/gc/ref_eq.wast:97", GC),
    ("proposals/gc/ref_eq.wast:98", GC),
    ("proposals/gc/ref_eq.wast:99", GC),
    ("proposals/gc/ref_eq.wast:101", GC),
    ("proposals/gc/ref_eq.wast:102", GC),
    ("proposals/gc/ref_eq.wast:103", GC),
    ("proposals/gc/ref_eq.wast:104", GC),
    ("proposals/gc/ref_eq.wast:105", GC),
    ("proposals/gc/ref_eq.wast:106", GC),
    ("proposals/gc/ref_eq.wast:107", GC),
    ("proposals/gc/ref_eq.wast:108", GC),
    ("proposals/gc/ref_eq.wast:109", GC),
    ("proposals/gc/ref_eq.wast:111", GC),
    ("proposals/gc/ref_eq.wast:112", GC),
    ("proposals/gc/ref_eq.wast:113", GC),
    ("proposals/gc/ref_eq.wast:114", GC),
    ("proposals/gc/ref_eq.wast:115", GC),
    ("proposals/gc/ref_eq.wast:116", GC),
    ("proposals/gc/ref_eq.wast:117", GC),
    ("proposals/gc/ref_eq.wast:118", GC),
    ("proposals/gc/ref_eq.wast:119", GC),
    ("proposals/gc/ref_test.wast:3", GC),
    ("proposals/gc/ref_test.wast:101", GC),
    ("proposals/gc/ref_test.wast:103", GC),
    ("proposals/gc/ref_test.wast:104", GC),
    ("proposals/gc/ref_test.wast:105", GC),
    ("proposals/gc/ref_test.wast:106", GC),
    ("proposals/gc/ref_test.wast:107", GC),
    ("proposals/gc/ref_test.wast:108", GC),
    ("proposals/gc/ref_test.wast:109", GC),
    ("proposals/gc/ref_test.wast:110", GC),
    ("proposals/gc/ref_test.wast:112", GC),
    ("proposals/gc/ref_test.wast:113", GC),
    ("proposals/gc/ref_test.wast:114", GC),
    ("proposals/gc/ref_test.wast:115", GC),
    ("proposals/gc/ref_test.wast:116", GC),
    ("proposals/gc/ref_test.wast:117", GC),
    ("proposals/gc/ref_test.wast:118", GC),
    ("proposals/gc/ref_test.wast:119", GC),
    ("proposals/gc/ref_test.wast:121", GC),
    ("proposals/gc/ref_test.wast:122", GC),
    ("proposals/gc/ref_test.wast:123", GC),
    ("proposals/gc/ref_test.wast:124", GC),
    ("proposals/gc/ref_test.wast:125", GC),
    ("proposals/gc/ref_test.wast:126", GC),
    ("proposals/gc/ref_test.wast:127", GC),
    ("proposals/gc/ref_test.wast:128", GC),
    ("proposals/gc/ref_test.wast:130", GC),
    ("proposals/gc/ref_test.wast:131", GC),
    ("proposals/gc/ref_test.wast:132", GC),
    ("proposals/gc/ref_test.wast:133", GC),
    ("proposals/gc/ref_test.wast:134", GC),
    ("proposals/gc/ref_test.wast:135", GC),
    ("proposals/gc/ref_test.wast:136", GC),
    ("proposals/gc/ref_test.wast:137", GC),
    ("proposals/gc/ref_test.wast:139", GC),
    ("proposals/gc/ref_test.wast:140", GC),
    ("proposals/gc/ref_test.wast:141", GC),
    ("proposals/gc/ref_test.wast:142", GC),
    ("proposals/gc/ref_test.wast:143", GC),
    ("proposals/gc/ref_test.wast:144", GC),
    ("proposals/gc/ref_test.wast:145", GC),
    ("proposals/gc/ref_test.wast:146", GC),
    ("proposals/gc/ref_test.wast:148", GC),
    ("proposals/gc/ref_test.wast:149", GC),
    ("proposals/gc/ref_test.wast:150", GC),
    ("proposals/gc/ref_test.wast:151", GC),
    ("proposals/gc/ref_test.wast:152", GC),
    ("proposals/gc/ref_test.wast:153", GC),
    ("proposals/gc/ref_test.wast:154", GC),
    ("proposals/gc/ref_test.wast:155", GC),
    ("proposals/gc/ref_test.wast:157", GC),
    ("proposals/gc/ref_test.wast:158", GC),
    ("proposals/gc/ref_test.wast:159", GC),
    ("proposals/gc/ref_test.wast:161", GC),
    ("proposals/gc/ref_test.wast:162", GC),
    ("proposals/gc/ref_test.wast:163", GC),
    ("proposals/gc/ref_test.wast:165", GC),
    ("proposals/gc/ref_test.wast:166", GC),
    ("proposals/gc/ref_test.wast:167", GC),
    ("proposals/gc/ref_test.wast:168", GC),
    ("proposals/gc/ref_test.wast:169", GC),
    ("proposals/gc/ref_test.wast:170", GC),
    ("proposals/gc/ref_test.wast:172", GC),
    ("proposals/gc/ref_test.wast:173", GC),
    ("proposals/gc/ref_test.wast:174", GC),
    ("proposals/gc/ref_test.wast:175", GC),
    ("proposals/gc/ref_test.wast:176", GC),
    ("proposals/gc/ref_test.wast:177", GC),
    ("proposals/gc/ref_test.wast:182", GC),
    ("proposals/gc/ref_test.wast:329", GC),
    ("proposals/gc/ref_test.wast:330", GC),
    ("proposals/gc/struct.wast:48", GC),
    ("proposals/gc/struct.wast:70", GC),
    ("proposals/gc/struct.wast:122", GC),
    ("proposals/gc/struct.wast:124", GC),
    ("proposals/gc/struct.wast:125", GC),
    ("proposals/gc/struct.wast:126", GC),
    ("proposals/gc/struct.wast:127", GC),
    ("proposals/gc/struct.wast:129", GC),
    ("proposals/gc/struct.wast:130", GC),
    ("proposals/gc/struct.wast:145", GC),
    ("proposals/gc/struct.wast:155", GC),
    ("proposals/gc/struct.wast:156", GC),
    ("proposals/gc/struct.wast:160", GC),
    ("proposals/gc/struct.wast:219", GC),
    ("proposals/gc/struct.wast:220", GC),
    ("proposals/gc/struct.wast:221", GC),
    ("proposals/gc/struct.wast:222", GC),
    ("proposals/gc/struct.wast:223", GC),
    ("proposals/gc/struct.wast:224", GC),
    ("proposals/gc/struct.wast:225", GC),
    ("proposals/gc/struct.wast:226", GC),
    ("proposals/gc/struct.wast:228", GC),
    ("proposals/gc/struct.wast:229", GC),
    // CUSTOM_DESCRIPTORS
    (
        "proposals/custom-descriptors/exact-func-import.wast:1",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:183",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:199",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:237",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:253",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/array_new_exact.wast:1",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/binary-descriptors.wast:2",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/binary-descriptors.wast:66",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:3",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:69",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:71",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:72",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:73",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:74",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:75",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:77",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:78",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:79",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:80",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:81",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:83",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:84",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:85",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:86",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:87",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:89",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:90",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:91",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:92",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:93",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:95",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:96",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:97",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:98",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:99",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:104",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:205",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast.wast:206",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:3",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:959",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1116",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1801",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1802",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1803",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1804",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1805",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1807",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1808",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1809",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1810",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1811",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1813",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1814",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1815",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1816",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1817",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1819",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1820",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1821",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1822",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1823",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1825",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1826",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1827",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1828",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1829",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1831",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1832",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1833",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1834",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1835",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1837",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1838",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1839",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1840",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1841",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1843",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1844",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1845",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1846",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1847",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1849",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1850",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1851",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1852",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1853",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1855",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1856",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1857",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1858",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1859",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1861",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1862",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1863",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1864",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1866",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1867",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1868",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1869",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1871",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1872",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1873",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1874",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1876",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1877",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1878",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1879",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1881",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1882",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1883",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1884",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1886",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1887",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1888",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1889",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1891",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1892",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1893",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1894",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1896",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1897",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1898",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1899",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1901",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1902",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1903",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1904",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1906",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1907",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1908",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1909",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1911",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1992",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1993",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1994",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:1995",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:3",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:944",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1102",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1787",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1788",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1789",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1790",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1791",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1793",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1794",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1795",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1796",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1797",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1799",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1800",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1801",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1802",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1803",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1805",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1806",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1807",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1808",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1809",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1811",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1812",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1813",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1814",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1815",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1817",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1818",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1819",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1820",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1821",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1823",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1824",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1825",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1826",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1827",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1829",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1830",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1831",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1832",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1833",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1835",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1836",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1837",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1838",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1839",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1841",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1842",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1843",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1844",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1845",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1847",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1848",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1849",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1850",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1852",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1853",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1854",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1855",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1857",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1858",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1859",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1860",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1862",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1863",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1864",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1865",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1867",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1868",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1869",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1870",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1872",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1873",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1874",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1875",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1877",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1878",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1879",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1880",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1882",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1883",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1884",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1885",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1887",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1888",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1889",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1890",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1892",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1893",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1894",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1895",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1897",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1978",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1979",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1980",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:1981",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:3",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:69",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:71",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:72",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:73",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:74",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:75",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:77",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:78",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:79",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:80",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:81",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:83",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:84",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:85",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:86",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:87",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:89",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:90",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:91",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:92",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:93",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:95",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:96",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:97",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:98",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:99",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:104",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:220",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_fail.wast:221",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:3",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:224",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:233",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:242",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:4",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:170",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:171",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:172",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:173",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:175",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:176",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:177",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:178",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:180",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:181",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:182",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:183",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:185",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:186",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:187",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:188",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:190",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:191",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:192",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:193",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:195",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:196",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:197",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:198",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:200",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:201",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:202",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:203",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:205",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:206",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:207",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:208",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:210",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:211",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:212",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:213",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:216",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:382",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:383",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:384",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:385",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:387",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:388",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:389",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:390",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:392",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:393",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:394",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:395",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:397",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:398",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:399",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:400",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:402",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:403",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:404",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:405",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:407",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:408",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:409",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:410",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:412",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:413",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:414",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:415",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:417",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:418",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:419",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:420",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:422",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:423",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:424",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:425",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:428",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:594",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:595",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:596",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:597",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:599",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:600",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:601",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:602",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:604",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:605",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:606",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:607",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:609",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:610",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:611",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:612",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:614",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:615",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:616",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:617",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:619",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:620",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:621",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:622",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:624",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:625",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:626",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:627",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:629",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:630",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:631",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:632",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:634",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:635",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:636",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-casts.wast:637",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:90",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:113",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:114",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:115",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:116",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:155",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:179",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:180",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:181",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:182",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:186",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:210",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:211",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:212",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:213",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:3",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:111",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:125",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:175",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:191",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:207",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:218",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:229",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:245",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:261",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:270",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/exact.wast:327",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:3",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:487",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:812",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:813",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:814",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:815",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:816",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:818",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:819",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:820",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:821",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:822",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:824",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:825",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:826",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:827",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:828",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:830",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:831",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:832",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:833",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:834",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:836",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:837",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:838",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:839",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:840",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:842",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:843",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:844",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:845",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:846",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:848",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:849",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:850",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:851",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:852",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:854",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:855",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:856",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:857",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:858",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:860",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:861",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:862",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:863",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:864",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:866",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:867",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:868",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:869",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:870",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:872",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:873",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:874",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:875",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:877",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:878",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:879",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:880",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:882",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:883",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:884",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:885",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:887",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:888",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:889",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:890",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:892",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:893",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:894",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:895",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:897",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:898",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:899",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:900",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:902",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:903",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:904",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:905",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:907",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:908",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:909",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:910",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:912",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:913",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:914",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:915",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:917",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:918",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:919",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:920",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:3",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:37",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:159",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:253",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:293",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:400",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:401",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:402",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:403",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:404",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:405",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:406",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:408",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:409",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:410",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:411",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:412",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:413",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:414",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:415",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:416",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:420",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:437",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:439",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:464",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:465",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:466",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:3",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:89",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:393",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:486",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:487",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:488",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:489",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:490",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:491",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:492",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:493",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:494",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:495",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:496",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:497",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:499",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:510",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:521",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:535",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:554",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:556",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:588",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:589",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:590",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:591",
        CUSTOM_DESCRIPTORS,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:592",
        CUSTOM_DESCRIPTORS,
    ),
    // CUSTOM_DESCRIPTORS_WORDING
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:696",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:708",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:720",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:733",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:674",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:686",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:698",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:711",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:71",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:78",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:85",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:93",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:101",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:109",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:117",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:127",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:137",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:147",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:154",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:162",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:172",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:182",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:192",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:202",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:212",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:273",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:283",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:299",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:309",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:324",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:334",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:348",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:359",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:376",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:387",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:403",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:414",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:427",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:445",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:456",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:469",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:564",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:577",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:623",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:636",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/exact-func-import.wast:237",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/exact.wast:139",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/exact.wast:155",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:276",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:286",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:296",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:307",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:81",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:92",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/ref_get_desc.wast:103",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:212",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:227",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:257",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    (
        "proposals/custom-descriptors/struct_new_desc.wast:272",
        CUSTOM_DESCRIPTORS_WORDING,
    ),
    // CUSTOM_DESCRIPTORS_WASMPARSER
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq.wast:456",
        CUSTOM_DESCRIPTORS_WASMPARSER,
    ),
    (
        "proposals/custom-descriptors/br_on_cast_desc_eq_fail.wast:432",
        CUSTOM_DESCRIPTORS_WASMPARSER,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:255",
        CUSTOM_DESCRIPTORS_WASMPARSER,
    ),
    (
        "proposals/custom-descriptors/descriptors.wast:262",
        CUSTOM_DESCRIPTORS_WASMPARSER,
    ),
    (
        "proposals/custom-descriptors/ref_cast_desc_eq.wast:168",
        CUSTOM_DESCRIPTORS_WASMPARSER,
    ),
    // BULK_MEMORY_NEWER_TEXT
    (
        "proposals/bulk-memory/table-sub.wast:1",
        BULK_MEMORY_NEWER_TEXT,
    ),
    (
        "proposals/bulk-memory/table_init.wast:2272",
        BULK_MEMORY_NEWER_TEXT,
    ),
    (
        "proposals/bulk-memory/table_init.wast:2286",
        BULK_MEMORY_NEWER_TEXT,
    ),
    // PRE_20_SEGMENTS
    ("proposals/mutable-global/linking.wast:206", PRE_20_SEGMENTS),
    ("proposals/mutable-global/linking.wast:227", PRE_20_SEGMENTS),
    ("proposals/mutable-global/linking.wast:236", PRE_20_SEGMENTS),
    ("proposals/mutable-global/linking.wast:238", PRE_20_SEGMENTS),
    ("proposals/mutable-global/linking.wast:248", PRE_20_SEGMENTS),
    ("proposals/mutable-global/linking.wast:298", PRE_20_SEGMENTS),
    ("proposals/mutable-global/linking.wast:334", PRE_20_SEGMENTS),
    ("proposals/mutable-global/linking.wast:342", PRE_20_SEGMENTS),
    ("proposals/mutable-global/linking.wast:344", PRE_20_SEGMENTS),
    ("proposals/mutable-global/linking.wast:354", PRE_20_SEGMENTS),
    // PRE_20_CALL_INDIRECT_BYTE
    (
        "proposals/multi-value/binary.wast:49",
        PRE_20_CALL_INDIRECT_BYTE,
    ),
    // PRE_GC_OPCODE
    ("proposals/reference-types/binary.wast:1073", PRE_GC_OPCODE),
    // PRE_20_TYPING
    (
        "proposals/reference-types/unreached-invalid.wast:539",
        PRE_20_TYPING,
    ),
];
