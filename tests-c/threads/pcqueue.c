/* Producers and consumers on a bounded queue guarded by a mutex and two
 * condition variables. Every item is consumed exactly once: the consumers'
 * count and checksum must equal what the producers made. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define PRODUCERS 2
#define CONSUMERS 2
#define ITEMS_PER_PRODUCER 200000
#define CAPACITY 64

static uint32_t queue[CAPACITY];
static int head, tail, size, producers_left = PRODUCERS;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static uint64_t consumed[CONSUMERS], checksum[CONSUMERS];

static void *produce(void *arg) {
    uint32_t base = (uint32_t)(long)arg * ITEMS_PER_PRODUCER;
    for (uint32_t i = 0; i < ITEMS_PER_PRODUCER; i++) {
        pthread_mutex_lock(&lock);
        while (size == CAPACITY)
            pthread_cond_wait(&not_full, &lock);
        queue[tail] = base + i;
        tail = (tail + 1) % CAPACITY;
        size++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    producers_left--;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *consume(void *arg) {
    long id = (long)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (size == 0 && producers_left > 0)
            pthread_cond_wait(&not_empty, &lock);
        if (size == 0) {
            pthread_mutex_unlock(&lock);
            return NULL;
        }
        uint32_t item = queue[head];
        head = (head + 1) % CAPACITY;
        size--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&lock);
        consumed[id]++;
        checksum[id] += (uint64_t)item * 2654435761u % 1000003u;
    }
}

int main(void) {
    pthread_t p[PRODUCERS], c[CONSUMERS];
    for (long i = 0; i < CONSUMERS; i++)
        pthread_create(&c[i], NULL, consume, (void *)i);
    for (long i = 0; i < PRODUCERS; i++)
        pthread_create(&p[i], NULL, produce, (void *)i);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    uint64_t n = 0, sum = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        pthread_join(c[i], NULL);
        n += consumed[i];
        sum += checksum[i];
    }
    uint64_t expected = 0;
    for (uint64_t item = 0; item < (uint64_t)PRODUCERS * ITEMS_PER_PRODUCER; item++)
        expected += item * 2654435761u % 1000003u;
    printf("consumed=%llu checksum=%llu %s\n", (unsigned long long)n,
           (unsigned long long)sum, sum == expected ? "ok" : "MISMATCH");
    return sum == expected ? 0 : 1;
}
