#!/bin/bash
# Rebuilds prebuilt/kiln_gc_demo.wasm from main.kt with Kotlin's own
# compiler for Wasm (npm package kotlin-compiler 2.4.20, which needs Java
# 17), targeting WASI with Wasm GC and the final exception-handling
# proposal. prebuilt/wasmtime_output.txt is what the wasmtime CLI 49 prints
# for it (`wasmtime run -W gc=y prebuilt/kiln_gc_demo.wasm`).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
(cd "$work" && npm pack kotlin-compiler@2.4.20 >/dev/null && tar xzf kotlin-compiler-2.4.20.tgz)
kc="$work/package/bin/kotlinc-wasm"
chmod +x "$work"/package/bin/*
std="$work/package/lib/kotlin-stdlib-wasm-wasi.klib"
flags=(-Xwasm-target=wasm-wasi -Xwasm-use-new-exception-proposal -libraries "$std")
"$kc" "${flags[@]}" -ir-output-dir "$work/klib" -ir-output-name kiln_gc_demo main.kt
"$kc" "${flags[@]}" -Xir-produce-js -Xir-dce -Xinclude="$work/klib/kiln_gc_demo.klib" \
    -ir-output-dir "$work/bin" -ir-output-name kiln_gc_demo
cp "$work/bin/kiln_gc_demo.wasm" prebuilt/
sha256sum main.kt > prebuilt/SOURCES.sha256
rm -rf "$work"
