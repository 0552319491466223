#!/usr/bin/env bash
# Rebuilds exceptions.wasm and setjmp.wasm, the programs that
# crates/cli/tests/wasm_exceptions.rs runs, with wasm exception handling
# (the final form: try_table and exnref).
#
# Debian's clang-19 can emit wasm exceptions, but its wasm32 libc++abi is
# built without exception support and its wasi-libc (2022) has no setjmp
# runtime. Zig (PyPI package `ziglang`) ships clang with the sources of
# libc++abi and libunwind and a current wasi-libc, so this script compiles
# the exception runtime from those sources and links it in. The two tags
# LLVM's compiler-rt would define come from tags.S.
#
# Usage: tests-c/eh/build.sh   (ZIG=/path/to/zig to use a given zig; by
# default ziglang 0.17.1 is fetched from PyPI into a temporary directory).
# It also writes the native builds' output (NAME.expected) and records the
# sources' checksums in SOURCES.sha256, which the test compares so that a
# source edited without a rebuild is noticed.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${ZIG:-}" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    pip download --quiet --no-deps --dest "$tmp" ziglang==0.17.1
    (cd "$tmp" && unzip -q ziglang-*.whl)
    ZIG="$tmp/ziglang/zig"
fi
lib=$("$ZIG" env | sed -n 's/.*"lib_dir": *"\([^"]*\)".*/\1/p')
[ -z "$lib" ] && lib=$(dirname "$ZIG")/lib

flags=(-target wasm32-wasi -mcpu=generic+exception_handling -fwasm-exceptions
    -mllvm -wasm-use-legacy-eh=false -O2)
abi=(-D_LIBCXXABI_BUILDING_LIBRARY -D_LIBCPP_BUILDING_LIBRARY -D_LIBCXXABI_HAS_NO_THREADS
    -I"$lib/libcxxabi/include" -I"$lib/libcxxabi/src" -I"$lib/libcxx/src")
out=$(mktemp -d)
"$ZIG" c++ "${flags[@]}" "${abi[@]}" -std=c++23 -c "$lib/libcxxabi/src/cxa_exception.cpp" -o "$out/cxa_exception.o"
"$ZIG" c++ "${flags[@]}" "${abi[@]}" -std=c++23 -c "$lib/libcxxabi/src/cxa_personality.cpp" -o "$out/cxa_personality.o"
"$ZIG" cc "${flags[@]}" -D_LIBUNWIND_HIDE_SYMBOLS -I"$lib/libunwind/include" -w \
    -c "$lib/libunwind/src/Unwind-wasm.c" -o "$out/unwind.o"
"$ZIG" cc -target wasm32-wasi -mcpu=generic+exception_handling -c tags.S -o "$out/tags.o"

"$ZIG" c++ "${flags[@]}" -s exceptions.cpp "$out"/cxa_exception.o "$out"/cxa_personality.o \
    "$out"/unwind.o "$out"/tags.o -o exceptions.wasm
"$ZIG" cc "${flags[@]}" -mllvm -wasm-enable-sjlj -s setjmp.c "$out"/tags.o -o setjmp.wasm
# What the test expects: the native builds' output (the host's compilers).
c++ -O2 exceptions.cpp -o "$out/exceptions"
"$out/exceptions" > exceptions.expected
cc -O2 setjmp.c -o "$out/setjmp"
"$out/setjmp" > setjmp.expected
rm -rf "$out"
sha256sum build.sh exceptions.cpp setjmp.c tags.S > SOURCES.sha256
echo "built exceptions.wasm and setjmp.wasm"
