/* Sieve of Eratosthenes over a byte array, repeated. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    int limit = argc > 1 ? atoi(argv[1]) : 20000000;
    int repeat = 5;
    char *composite = malloc((size_t)limit + 1);
    if (!composite) return 1;
    long count = 0;
    for (int r = 0; r < repeat; r++) {
        memset(composite, 0, (size_t)limit + 1);
        count = 0;
        /* 64-bit indices: i * i overflows a 32-bit long (wasm32's) past 46,340. */
        for (int64_t i = 2; i <= limit; i++) {
            if (composite[i]) continue;
            count++;
            for (int64_t j = i * i; j <= limit; j += i) composite[j] = 1;
        }
    }
    printf("primes below %d: %ld\n", limit, count);
    free(composite);
    return 0;
}
