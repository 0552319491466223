"""Generates large wasm modules for compile-time and start-up benchmarks.

`module(functions, start)` returns the binary of a module with
`functions` functions of 24 statements each, drawn by a fixed pseudo-random
sequence from memory accesses, i32/i64/f64 arithmetic, `if`s, counted loops,
`br_table`s and direct calls to earlier functions (the same mix as
`benches/benches/versus.rs`'s compile module), about 570 bytes of code
each. With `start`, it is a WASI command: it exports its memory and a
`_start` that returns at once (`"empty"`) or calls the last function
(`"call"`). Written as binary directly, so no text parser is needed.
"""

import struct

STATEMENTS = 24

# Opcodes used below.
LOCAL_GET, LOCAL_SET, LOCAL_TEE = 0x20, 0x21, 0x22
I32_CONST, I64_CONST, F64_CONST = 0x41, 0x42, 0x44
END, BLOCK, LOOP, IF, ELSE, BR_IF, BR_TABLE, CALL, DROP = 0x0B, 0x02, 0x03, 0x04, 0x05, 0x0D, 0x0E, 0x10, 0x1A
I32_LOAD, I32_STORE = 0x28, 0x36
I32_ADD, I32_SUB, I32_MUL, I32_AND, I32_XOR, I32_ROTL = 0x6A, 0x6B, 0x6C, 0x71, 0x73, 0x77
I64_MUL, I64_ADD, I64_EXTEND_I32_U, I32_WRAP_I64 = 0x7E, 0x7C, 0xAD, 0xA7
F64_ADD, F64_MUL, F64_CONVERT_I32_S = 0xA0, 0xA2, 0xB7
EMPTY_BLOCK = 0x40
# Locals: parameters $a $b, then $i $s (i32), $t (i64), $x (f64).
A, B, I, S, T, X = range(6)


def uleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def name(s):
    return uleb(len(s)) + s.encode()


def section(id, payload):
    return bytes([id]) + uleb(len(payload)) + payload


def get(local):
    return bytes([LOCAL_GET, local])


def set_(local):
    return bytes([LOCAL_SET, local])


def i32(v):
    return bytes([I32_CONST]) + sleb(v)


class Rng:
    """xorshift32, as in versus.rs."""

    def __init__(self):
        self.state = 0x2545F491

    def next(self):
        x = self.state
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        self.state = x
        return x


def statement(rng, f):
    c = rng.next() % 4096
    kind = rng.next() % 8
    masked = lambda local: get(local) + i32(0xFFFC) + bytes([I32_AND])
    if kind == 0:
        return get(S) + masked(A) + bytes([I32_LOAD, 2]) + uleb(c) + bytes([I32_ADD]) + set_(S)
    if kind == 1:
        return masked(B) + get(S) + i32(c) + bytes([I32_XOR, I32_STORE, 2]) + uleb(c)
    if kind == 2:
        return (get(T) + bytes([I64_CONST]) + sleb(c) + bytes([I64_MUL]) + get(S)
                + bytes([I64_EXTEND_I32_U, I64_ADD]) + set_(T))
    if kind == 3:
        return (get(X) + bytes([F64_CONST]) + struct.pack("<d", 1.0001) + bytes([F64_MUL]) + get(S)
                + bytes([F64_CONVERT_I32_S, F64_ADD]) + set_(X))
    if kind == 4:
        return (get(S) + i32(c) + bytes([I32_AND, IF, EMPTY_BLOCK])
                + get(A) + i32(3) + bytes([I32_ROTL]) + set_(A)
                + bytes([ELSE]) + get(B) + get(S) + bytes([I32_SUB]) + set_(B) + bytes([END]))
    if kind == 5:
        return (i32(c % 8 + 1) + set_(I) + bytes([LOOP, EMPTY_BLOCK])
                + get(S) + get(I) + get(A) + bytes([I32_MUL, I32_ADD]) + set_(S)
                + get(I) + i32(1) + bytes([I32_SUB, LOCAL_TEE, I, BR_IF, 0, END]))
    if kind == 6 and f > 0:
        callee = rng.next() % f
        return get(S) + get(A) + get(S) + bytes([CALL]) + uleb(callee) + bytes([I32_ADD]) + set_(S)
    return (bytes([BLOCK, EMPTY_BLOCK, BLOCK, EMPTY_BLOCK, BLOCK, EMPTY_BLOCK])
            + get(S) + i32(3) + bytes([I32_AND, BR_TABLE, 2, 0, 1, 2, END])
            + i32(c) + set_(S) + bytes([END]) + get(S) + set_(A) + bytes([END]))


def body(rng, f):
    locals_ = vec([bytes([1, 0x7F]), bytes([1, 0x7F]), bytes([1, 0x7E]), bytes([1, 0x7C])])
    code = b"".join(statement(rng, f) for _ in range(STATEMENTS))
    # i32.xor $s (i32.xor (i32.wrap_i64 $t) (i32.trunc_sat_f64_s $x))
    code += get(S) + get(T) + bytes([I32_WRAP_I64]) + get(X) + bytes([0xFC, 0x02, I32_XOR, I32_XOR, END])
    return uleb(len(locals_) + len(code)) + locals_ + code


def module(functions, start=None):
    rng = Rng()
    binop = bytes([0x60]) + vec([b"\x7f", b"\x7f"]) + vec([b"\x7f"])
    nullary = bytes([0x60, 0, 0])
    types = [binop, nullary]
    funcs = [uleb(0)] * functions
    bodies = [body(rng, f) for f in range(functions)]
    exports = []
    if start is not None:
        funcs.append(uleb(1))
        call = i32(1) + i32(2) + bytes([CALL]) + uleb(functions - 1) + bytes([DROP])
        code = (call if start == "call" else b"") + bytes([END])
        bodies.append(uleb(1 + len(code)) + b"\x00" + code)
        exports = [name("memory") + b"\x02\x00", name("_start") + b"\x00" + uleb(functions)]
    return (b"\0asm\x01\0\0\0"
            + section(1, vec(types))
            + section(3, vec(funcs))
            + section(5, vec([b"\x00\x02"]))
            + section(7, vec(exports))
            + section(10, vec(bodies)))


if __name__ == "__main__":
    import sys

    functions = int(sys.argv[1])
    start = sys.argv[2] if len(sys.argv) > 2 else None
    sys.stdout.buffer.write(module(functions, start))
