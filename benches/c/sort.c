/* Quicksort and heapsort of pseudo-random 32-bit integers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void quicksort(uint32_t *a, long lo, long hi) {
    while (hi - lo > 16) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        /* Recurse into the smaller half, loop on the larger: bounded depth. */
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
    for (long i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void sift_down(uint32_t *a, long root, long n) {
    for (;;) {
        long child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[root] >= a[child]) return;
        uint32_t t = a[root]; a[root] = a[child]; a[child] = t;
        root = child;
    }
}

static void heapsort(uint32_t *a, long n) {
    for (long i = n / 2 - 1; i >= 0; i--) sift_down(a, i, n);
    for (long end = n - 1; end > 0; end--) {
        uint32_t t = a[0]; a[0] = a[end]; a[end] = t;
        sift_down(a, 0, end);
    }
}

static uint64_t checksum(const uint32_t *a, long n) {
    uint64_t h = 1469598103934665603ull;
    for (long i = 0; i < n; i++) {
        if (i > 0 && a[i - 1] > a[i]) return 0;
        h = (h ^ a[i]) * 1099511628211ull;
    }
    return h;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2500000;
    uint32_t *data = malloc(sizeof(uint32_t) * n), *work = malloc(sizeof(uint32_t) * n);
    if (!data || !work) return 1;
    uint32_t x = 88172645u;
    for (long i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        data[i] = x;
    }
    memcpy(work, data, sizeof(uint32_t) * n);
    quicksort(work, 0, n - 1);
    uint64_t q = checksum(work, n);
    memcpy(work, data, sizeof(uint32_t) * n);
    heapsort(work, n);
    uint64_t h = checksum(work, n);
    printf("sorted %ld ints: quicksort %016llx heapsort %016llx\n", n,
           (unsigned long long)q, (unsigned long long)h);
    free(data);
    free(work);
    return q == h && q != 0 ? 0 : 1;
}
