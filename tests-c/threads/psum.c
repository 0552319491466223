/* A parallel sum: argv[1] threads (default 2) each sum a slice of a
 * deterministic series; the main thread joins them and prints the total,
 * which must not depend on the thread count. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 400000000u
#define MAX_THREADS 16

static int nthreads = 2;
static uint64_t partial[MAX_THREADS];

static void *work(void *arg) {
    long id = (long)arg;
    uint64_t lo = (uint64_t)N * id / nthreads;
    uint64_t hi = (uint64_t)N * (id + 1) / nthreads;
    uint64_t s = 0;
    for (uint64_t i = lo; i < hi; i++)
        s += (i * i) % 7919u;
    partial[id] = s;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 1)
        nthreads = atoi(argv[1]);
    if (nthreads < 1 || nthreads > MAX_THREADS) {
        fprintf(stderr, "1 to %d threads\n", MAX_THREADS);
        return 2;
    }
    pthread_t t[MAX_THREADS];
    for (long i = 0; i < nthreads; i++)
        if (pthread_create(&t[i], NULL, work, (void *)i) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    uint64_t sum = 0;
    for (long i = 0; i < nthreads; i++) {
        pthread_join(t[i], NULL);
        sum += partial[i];
    }
    printf("sum=%llu\n", (unsigned long long)sum);
    return 0;
}
