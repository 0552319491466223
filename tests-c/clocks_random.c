/* Clocks, sleeping (nanosleep and poll both use poll_oneoff), and
 * random_get. argv[1] is the host's Unix time in seconds when the test
 * started; everything printed is the same on every run. */
#include "common.h"
#include <poll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static long long now_ns(clockid_t clock) {
    struct timespec t;
    CHECK(clock_gettime(clock, &t) == 0);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Runs `sleep` and prints whether it took between `ms` and 5 s. */
#define TIMED(label, ms, sleep)                                                \
    do {                                                                       \
        long long start_ = now_ns(CLOCK_MONOTONIC);                            \
        sleep;                                                                 \
        long long took_ = now_ns(CLOCK_MONOTONIC) - start_;                    \
        printf("%s: slept at least %dms: %d, under 5s: %d\n", label, ms,       \
               took_ >= (long long)(ms) * 1000000LL, took_ < 5000000000LL);    \
    } while (0)

int main(int argc, char **argv) {
    CHECK(argc == 2);
    long long host_start = atoll(argv[1]);

    long long real = now_ns(CLOCK_REALTIME) / 1000000000LL;
    printf("realtime within 60s of the host's: %d\n", real - host_start > -60 && real - host_start < 60);
    time_t t = time(NULL);
    printf("time() agrees with realtime: %d\n", t - real >= 0 && t - real < 5);

    long long prev = now_ns(CLOCK_MONOTONIC), backwards = 0;
    for (int i = 0; i < 1000; i++) {
        long long m = now_ns(CLOCK_MONOTONIC);
        backwards += m < prev;
        prev = m;
    }
    printf("monotonic went backwards: %lld times\n", backwards);

    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
    printf("monotonic resolution at most 1ms: %d\n",
           res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
    CHECK(clock_getres(CLOCK_REALTIME, &res) == 0);
    printf("realtime resolution at most 1s: %d\n",
           (res.tv_sec == 0 && res.tv_nsec > 0) || (res.tv_sec == 1 && res.tv_nsec == 0));

    struct timespec nap = {.tv_sec = 0, .tv_nsec = 100 * 1000000};
    TIMED("nanosleep 100ms", 100, CHECK(nanosleep(&nap, NULL) == 0));
    TIMED("usleep 50ms", 50, CHECK(usleep(50000) == 0));
    TIMED("poll no fds 80ms", 80, CHECK(poll(NULL, 0, 80) == 0));

    /* An absolute monotonic deadline, straight through poll_oneoff. */
    __wasi_timestamp_t deadline;
    CHECK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &deadline) == 0);
    deadline += 60 * 1000000ULL;
    __wasi_subscription_t sub = {
        .userdata = 42,
        .u = {.tag = __WASI_EVENTTYPE_CLOCK,
              .u = {.clock = {.id = __WASI_CLOCKID_MONOTONIC,
                              .timeout = deadline,
                              .precision = 0,
                              .flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME}}},
    };
    __wasi_event_t ev;
    __wasi_size_t nevents = 0;
    TIMED("poll_oneoff absolute 60ms", 60,
          CHECK(__wasi_poll_oneoff(&sub, &ev, 1, &nevents) == 0));
    printf("event: count %u, userdata %llu, error %u, type clock %d\n", (unsigned)nevents,
           (unsigned long long)ev.userdata, (unsigned)ev.error, ev.type == __WASI_EVENTTYPE_CLOCK);

    /* stdout is writable at once: no waiting on the 10 s timeout. */
    struct pollfd pfd = {.fd = 1, .events = POLLOUT};
    long long start = now_ns(CLOCK_MONOTONIC);
    int ready = poll(&pfd, 1, 10000);
    printf("poll stdout: %d ready, POLLOUT %d, quick %d\n", ready, (pfd.revents & POLLOUT) != 0,
           now_ns(CLOCK_MONOTONIC) - start < 5000000000LL);

    unsigned char a[256], b[256];
    CHECK(getentropy(a, sizeof a) == 0);
    CHECK(getentropy(b, sizeof b) == 0);
    int same = !memcmp(a, b, sizeof a), distinct = 0;
    unsigned char seen[256] = {0};
    static unsigned char big[65536];
    arc4random_buf(big, sizeof big);
    for (size_t i = 0; i < sizeof big; i++)
        seen[big[i]] = 1;
    for (int i = 0; i < 256; i++)
        distinct += seen[i];
    printf("getentropy twice gave the same bytes: %d\n", same);
    printf("arc4random_buf 64KiB covers every byte value: %d\n", distinct == 256);
    unsigned char raw[32] = {0};
    CHECK(__wasi_random_get(raw, sizeof raw) == 0);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof raw; i++)
        nonzero += raw[i] != 0;
    printf("random_get filled the buffer: %d\n", nonzero > 16);
    return 0;
}
