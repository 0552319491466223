#!/usr/bin/env bash
# Rebuilds prebuilt/*.wasm for wasm32-wasip1-threads. No Debian package has
# a threads sysroot, so it is put together from parts the registries have:
#   - clang-19, lld-19, llvm-19 and libclang-rt-19-dev-wasm32 (Debian);
#   - wasi-libc's headers from Debian trixie's wasi-libc package
#     (0.0~git20241209.574b88d-2, /usr/include/wasm32-wasi);
#   - wasi-libc built for threads (crt1-command.o, libc.a) from Rust's
#     `rustup target add wasm32-wasip1-threads` (lib/self-contained).
# Usage: build.sh HEADERS_DIR SELF_CONTAINED_DIR
set -euo pipefail
cd "$(dirname "$0")"
headers=$1
libs=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sysroot/include" "$work/sysroot/lib/wasm32-wasip1-threads" \
    "$work/resource/lib/wasm32-unknown-wasip1-threads"
cp -r "$headers" "$work/sysroot/include/wasm32-wasip1-threads"
cp "$libs"/crt1-command.o "$libs"/libc.a "$work/sysroot/lib/wasm32-wasip1-threads/"
# pthreads live in libc.a; -pthread still asks for a libpthread.
llvm-ar-19 rc "$work/sysroot/lib/wasm32-wasip1-threads/libpthread.a"
cp -r /usr/lib/llvm-19/lib/clang/19/include "$work/resource/"
cp /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a \
    "$work/resource/lib/wasm32-unknown-wasip1-threads/libclang_rt.builtins.a"
for program in psum pcqueue; do
    clang-19 --target=wasm32-wasip1-threads --sysroot="$work/sysroot" \
        -resource-dir="$work/resource" -O2 -pthread \
        -Wl,--import-memory,--export-memory,--max-memory=67108864 \
        "$program.c" -o "prebuilt/$program.wasm"
done
sha256sum psum.c pcqueue.c > prebuilt/SOURCES.sha256
