/* An open-addressing hash table of string keys: inserts, lookups, deletes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry { char key[16]; uint32_t hash; uint32_t value; uint8_t state; /* 0 empty, 1 full, 2 deleted */ };

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

static void make_key(char *buf, uint32_t n) {
    /* "k" followed by n in base 36. */
    char tmp[16];
    int len = 0;
    do { tmp[len++] = "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]; n /= 36; } while (n);
    buf[0] = 'k';
    for (int i = 0; i < len; i++) buf[1 + i] = tmp[len - 1 - i];
    buf[1 + len] = 0;
}

static struct entry *find(struct entry *t, uint32_t mask, const char *key, uint32_t h, int for_insert) {
    struct entry *tomb = NULL;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        struct entry *e = &t[i];
        if (e->state == 0) return for_insert && tomb ? tomb : (for_insert ? e : NULL);
        if (e->state == 2) { if (!tomb) tomb = e; continue; }
        if (e->hash == h && strcmp(e->key, key) == 0) return e;
    }
}

int main(int argc, char **argv) {
    uint32_t n = argc > 1 ? (uint32_t)atol(argv[1]) : 600000;
    uint32_t cap = 1;
    while (cap < n * 2) cap <<= 1;
    struct entry *t = calloc(cap, sizeof *t);
    if (!t) return 1;
    char key[16];
    uint64_t sum = 0, found = 0;
    for (int round = 0; round < 4; round++) {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t k = i * 2654435761u % (n * 4);
            make_key(key, k);
            uint32_t h = fnv1a(key);
            struct entry *e = find(t, cap - 1, key, h, 1);
            if (e->state != 1) { strcpy(e->key, key); e->hash = h; e->value = 0; e->state = 1; }
            e->value += i;
        }
        for (uint32_t i = 0; i < n; i++) {
            make_key(key, i * 7 % (n * 4));
            struct entry *e = find(t, cap - 1, key, fnv1a(key), 0);
            if (e) { found++; sum += e->value; if (i % 3 == 0) e->state = 2; }
        }
    }
    printf("hashmap %u: found %llu sum %llu\n", n, (unsigned long long)found, (unsigned long long)sum);
    free(t);
    return 0;
}
