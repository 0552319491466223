/* bzip2 1.0.8 (the library, built from bzip2-sys's vendored sources):
 * compress and decompress generated text in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bzlib.h"

int main(int argc, char **argv) {
    unsigned len = argc > 1 ? (unsigned)atol(argv[1]) : 3000000;
    static const char *words[] = {"kiln ", "wasm ", "cranelift ", "trap ", "memory ", "table\n", "0123456789 "};
    char *data = malloc(len), *restored = malloc(len);
    unsigned cap = len + len / 100 + 600;
    char *packed = malloc(cap);
    if (!data || !restored || !packed) return 1;
    unsigned x = 12345, used = 0;
    while (used < len) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        const char *w = words[x % 7];
        unsigned wl = (unsigned)strlen(w);
        if (wl > len - used) wl = len - used;
        memcpy(data + used, w, wl);
        used += wl;
    }
    unsigned packed_len = cap;
    if (BZ2_bzBuffToBuffCompress(packed, &packed_len, data, len, 9, 0, 0) != BZ_OK) return 2;
    unsigned restored_len = len;
    if (BZ2_bzBuffToBuffDecompress(restored, &restored_len, packed, packed_len, 0, 0) != BZ_OK) return 3;
    if (restored_len != len || memcmp(data, restored, len) != 0) { puts("round trip differs"); return 4; }
    unsigned h = 2166136261u;
    for (unsigned i = 0; i < packed_len; i++) h = (h ^ (unsigned char)packed[i]) * 16777619u;
    printf("bzip2 %u bytes -> %u bytes, fnv %08x\n", len, packed_len, h);
    return 0;
}
