//! How the message a script expects is compared with the error Kiln gives.
//!
//! The rule is wasmtime's: an error answers an assertion if the expected
//! message appears in the error's text (for `assert_trap` and
//! `assert_exhaustion`, in the trap's message; for the others, in the whole
//! error chain). Where the spec's wording and Kiln's differ (Kiln's traps, or
//! wasmparser, which decodes and validates binaries), [`ALIASES`] lists the
//! exact expected message, the text accepted in its place, and why. Nothing
//! else is accepted, with one exception:
//!
//! **Text-format errors in `assert_malformed`.** A `(module quote …)` that
//! the `wast` crate's parser rejects answers any `assert_malformed`. That
//! parser is not the reference interpreter's: it reports a different first
//! error for the same text (`(f32.const .0)` is "unknown operator" to the
//! spec and "expected a float" to `wast`; a bad lane literal is "unexpected
//! token" to one and "malformed lane index" to the other), so no wording
//! table could be exact. Text the parser accepts is encoded and must then be
//! rejected by Kiln with a matching message, like a binary module.
//!
//! How strict this is: with the table below, every `assert_trap`,
//! `assert_invalid`, `assert_unlinkable` and binary `assert_malformed` in
//! `wasm-v1`, `wasm-v2` and `proposals/simd` of the 0.7.5 suite matches by
//! message. The malformed-binary entries exist because wasmparser decodes a
//! section in one pass, checking each field as it reads it, while the
//! reference interpreter first splits the module into sections and reports
//! the problem it sees first; for the same bytes the two often name
//! different (but equally real) problems. Those entries are the pairs that
//! actually occur in the suite, so they stay specific.

/// Which assertion an alias applies to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Assertion {
    /// `assert_trap` and `assert_exhaustion` (compared with the trap's message).
    Trap,
    /// `assert_invalid`.
    Invalid,
    /// `assert_malformed`.
    Malformed,
    /// `assert_unlinkable`.
    Unlinkable,
}

/// A place where the spec's wording and Kiln's differ.
#[derive(Copy, Clone, Debug)]
pub struct Alias {
    /// The assertion it applies to.
    pub assertion: Assertion,
    /// The message the script expects, exactly; `{n}` stands for a decimal
    /// number.
    pub spec: &'static str,
    /// Text accepted in its place when it appears in Kiln's error.
    pub kiln: &'static str,
    /// Why the wording differs.
    pub why: &'static str,
}

const fn alias(
    assertion: Assertion,
    spec: &'static str,
    kiln: &'static str,
    why: &'static str,
) -> Alias {
    Alias {
        assertion,
        spec,
        kiln,
        why,
    }
}

use Assertion::{Invalid, Malformed, Trap};

const TRAP_NO_OPERANDS: &str =
    "the reference interpreter names the element; Kiln's trap codes carry no operands";
const CALL_INDIRECT_RANGE: &str = "the spec's word for a call_indirect index past the table's end; Kiln (like wasmtime) reports it as the table access it is";
const ONE_PASS: &str = "wasmparser decodes and checks each field as it reads it and reports the first problem in that order; the reference interpreter splits sections first, so for the same bytes it names another, equally real, problem";
const SECTION_END: &str = "the malformed field makes the section's declared size run out (or leaves bytes over); wasmparser reports the section's end, the reference interpreter the field";
const SECTION_ORDER: &str = "wasmparser reads what follows as another section and rejects its order; the reference interpreter reports the bytes after the last section";
const WORDING: &str = "same rule, wasmparser's wording";

/// Every accepted difference in wording, by assertion.
pub const ALIASES: &[Alias] = &[
    // ---- assert_trap ----
    alias(
        Trap,
        "undefined element",
        "out of bounds table access",
        CALL_INDIRECT_RANGE,
    ),
    alias(
        Trap,
        "undefined",
        "out of bounds table access",
        CALL_INDIRECT_RANGE,
    ),
    alias(
        Trap,
        "uninitialized element {n}",
        "uninitialized element",
        TRAP_NO_OPERANDS,
    ),
    alias(
        Trap,
        "null function reference",
        "null reference",
        "Kiln has one trap code for every null dereference (`call_ref` of null included)",
    ),
    alias(
        Trap,
        "null exception reference",
        "null reference",
        "Kiln has one trap code for every null dereference (`throw_ref` of null included)",
    ),
    alias(
        Trap,
        "null i31 reference",
        "null reference",
        "Kiln has one trap code for every null dereference (`i31.get_s/u` of null included)",
    ),
    alias(
        Trap,
        "null structure reference",
        "null reference",
        "Kiln has one trap code for every null dereference (`struct.get/set` of null included)",
    ),
    alias(
        Trap,
        "null array reference",
        "null reference",
        "Kiln has one trap code for every null dereference (`array.*` of null included)",
    ),
    // ---- assert_invalid ----
    alias(
        Invalid,
        "invalid lane index",
        "SIMD index out of bounds",
        WORDING,
    ),
    alias(
        Invalid,
        "memory size must be at most 65536 pages (4GiB)",
        "memory size must be at most 0x10000 65536-byte pages",
        WORDING,
    ),
    alias(
        Invalid,
        "offset out of range",
        "invalid var_u32: integer too large",
        "without memory64, wasmparser decodes a memarg offset as a u32, so an offset of 2^32 or more fails to decode instead of failing validation",
    ),
    alias(Invalid, "immutable global", "global is immutable", WORDING),
    alias(Invalid, "immutable array", "array is immutable", WORDING),
    alias(
        Invalid,
        "immutable field",
        "struct field is immutable",
        WORDING,
    ),
    alias(
        Invalid,
        "sub type {n} does not match super type {n}",
        "sub type must match super type",
        "wasmparser does not name the two types",
    ),
    alias(
        Invalid,
        "type mismatch: instruction requires [i32] but stack has []",
        "type mismatch: expected i32 but nothing on stack",
        WORDING,
    ),
    alias(
        Invalid,
        "type mismatch: instruction requires [i32] but stack has [i64]",
        "type mismatch: expected i32, found i64",
        WORDING,
    ),
    // ---- assert_malformed (binary) ----
    alias(
        Malformed,
        "invalid UTF-8 encoding",
        "malformed UTF-8 encoding",
        WORDING,
    ),
    alias(
        Malformed,
        "invalid section id",
        "malformed section id",
        WORDING,
    ),
    alias(
        Malformed,
        "illegal opcode ff",
        "illegal opcode: 0xff",
        WORDING,
    ),
    alias(
        Malformed,
        "zero flag expected",
        "zero byte expected",
        WORDING,
    ),
    alias(
        Malformed,
        "malformed mutability",
        "malformed global flags",
        WORDING,
    ),
    alias(
        Malformed,
        "invalid mutability",
        "malformed global flags",
        WORDING,
    ),
    alias(
        Malformed,
        "malformed mutability",
        "shared globals require the shared-everything-threads proposal",
        "the bad mutability byte has the bit that marks a shared global",
    ),
    alias(
        Malformed,
        "invalid mutability",
        "shared globals require the shared-everything-threads proposal",
        "the bad mutability byte has the bit that marks a shared global",
    ),
    alias(
        Malformed,
        "malformed import kind",
        "for external kind",
        WORDING,
    ),
    alias(Malformed, "malformed limits flags", "limits flags", WORDING),
    alias(
        Malformed,
        "malformed memop flags",
        "malformed memop",
        WORDING,
    ),
    alias(
        Malformed,
        "malformed memop flags",
        "alignment must not be larger than natural",
        "the flag bits that are not defined are read as part of the alignment",
    ),
    alias(Malformed, "malformed definition type", "for type", WORDING),
    alias(
        Malformed,
        "function and code section have inconsistent lengths",
        "function section is absent but code section has non-zero count",
        WORDING,
    ),
    alias(
        Malformed,
        "function and code section have inconsistent lengths",
        "function section has non-zero count but code section is absent",
        WORDING,
    ),
    alias(
        Malformed,
        "data count and data section have inconsistent lengths",
        "data count is non-zero but data section is absent",
        WORDING,
    ),
    alias(
        Malformed,
        "i32 constant out of range",
        "invalid var_u32: integer too large",
        "the constant is an index or count, which wasmparser decodes as a u32",
    ),
    alias(
        Malformed,
        "i32 constant",
        "invalid var_u32: integer too large",
        "the constant is an index or count, which wasmparser decodes as a u32",
    ),
    alias(
        Malformed,
        "unexpected content after last section",
        "section out of order",
        SECTION_ORDER,
    ),
    alias(
        Malformed,
        "junk after last section",
        "section out of order",
        SECTION_ORDER,
    ),
    alias(
        Malformed,
        "multiple start sections",
        "section out of order",
        SECTION_ORDER,
    ),
    alias(
        Malformed,
        "unexpected content after last section",
        "function and code section have inconsistent lengths",
        ONE_PASS,
    ),
    alias(
        Malformed,
        "unexpected end of section or function",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "unexpected end of section or function",
        "control frames remain at end of function body or expression",
        SECTION_END,
    ),
    alias(
        Malformed,
        "unexpected end of section or function",
        "unknown label: branch depth too large",
        ONE_PASS,
    ),
    alias(
        Malformed,
        "unexpected end",
        "control frames remain at end of function body or expression",
        SECTION_END,
    ),
    alias(
        Malformed,
        "END opcode expected",
        "control frames remain at end of function body or expression",
        SECTION_END,
    ),
    alias(
        Malformed,
        "section size mismatch",
        "control frames remain at end of function body or expression",
        SECTION_END,
    ),
    alias(
        Malformed,
        "length out of bounds",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "length out of bounds",
        "expected section, got wasm magic number",
        "the overlong length swallows the rest of the module; wasmparser then reads the next module header in the script's bytes",
    ),
    alias(
        Malformed,
        "malformed import kind",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "malformed limits flags",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "invalid value type",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "invalid mutability",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "illegal opcode",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "malformed section id",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "malformed elements segment kind",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "integer too large",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "integer too large",
        "trailing bytes at end of section",
        SECTION_END,
    ),
    alias(
        Malformed,
        "integer too large",
        "malformed section id",
        ONE_PASS,
    ),
    alias(Malformed, "integer too large", "limits flags", ONE_PASS),
    alias(
        Malformed,
        "integer representation too long",
        "unexpected end-of-file",
        SECTION_END,
    ),
    alias(
        Malformed,
        "integer representation too long",
        "trailing bytes at end of section",
        SECTION_END,
    ),
    alias(
        Malformed,
        "integer representation too long",
        "malformed section id",
        ONE_PASS,
    ),
    alias(
        Malformed,
        "integer representation too long",
        "limits flags",
        ONE_PASS,
    ),
    alias(
        Malformed,
        "integer representation too long",
        "for type",
        ONE_PASS,
    ),
    alias(
        Malformed,
        "zero flag expected",
        "trailing bytes at end of section",
        SECTION_END,
    ),
    // ---- assert_malformed (text the `wast` crate accepts) ----
    alias(
        Malformed,
        "unexpected token",
        "legacy_exceptions feature required",
        "the `wast` crate still parses the legacy exception syntax (`try`/`catch`) that the spec's text format dropped; wasmparser then rejects the legacy instruction",
    ),
];

/// Whether an error whose full text is `actual` answers an `assertion`
/// that expects `expected`.
pub fn message_matches(assertion: Assertion, expected: &str, actual: &str) -> bool {
    actual.contains(expected)
        || ALIASES.iter().any(|a| {
            a.assertion == assertion && pattern_matches(a.spec, expected) && actual.contains(a.kiln)
        })
}

/// Whether `text` is `pattern`, where each `{n}` in the pattern stands for
/// one decimal number.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split("{n}");
    let Some(first) = parts.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in parts {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return false;
        }
        let Some(after) = rest[digits..].strip_prefix(part) else {
            return false;
        };
        rest = after;
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern_matches(
            "uninitialized element {n}",
            "uninitialized element 7"
        ));
        assert!(!pattern_matches(
            "uninitialized element {n}",
            "uninitialized element"
        ));
        assert!(!pattern_matches(
            "uninitialized element {n}",
            "uninitialized element 7x"
        ));
        assert!(pattern_matches(
            "sub type {n} does not match super type {n}",
            "sub type 12 does not match super type 0"
        ));
        assert!(pattern_matches("unexpected end", "unexpected end"));
        assert!(!pattern_matches(
            "unexpected end",
            "unexpected end of section"
        ));
    }

    #[test]
    fn aliases_are_exact() {
        assert!(message_matches(
            Trap,
            "out of bounds",
            "out of bounds memory access"
        ));
        assert!(message_matches(
            Trap,
            "uninitialized element 2",
            "uninitialized element"
        ));
        assert!(!message_matches(Trap, "unreachable", "integer overflow"));
        // An alias applies only to its assertion.
        assert!(!message_matches(
            Invalid,
            "undefined element",
            "out of bounds table access"
        ));
        assert!(message_matches(
            Malformed,
            "integer too large",
            "unexpected end-of-file (at offset 0x1f)"
        ));
        assert!(!message_matches(
            Malformed,
            "type mismatch",
            "unexpected end-of-file"
        ));
    }
}
