/* Ends in the way its arguments ask for:
 *   exit N      exit(N) after printing a line without a newline
 *   return N    return N from main
 *   trap        __builtin_trap() (wasm `unreachable`) inside a helper
 *   divzero     integer division by zero (wasm `i32.div_s` traps)
 */
#include "common.h"

__attribute__((noinline)) static int divide(volatile int a, volatile int b) {
    return a / b;
}

__attribute__((noinline)) static void crash(void) {
    __builtin_trap();
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: exit exit|return|trap|divzero [N]\n");
        return 2;
    }
    const char *mode = argv[1];
    int n = argc > 2 ? atoi(argv[2]) : 0;
    if (!strcmp(mode, "exit")) {
        printf("exiting with %d", n); /* exit() must flush this */
        exit(n);
    }
    if (!strcmp(mode, "return")) {
        printf("returning %d\n", n);
        return n;
    }
    if (!strcmp(mode, "trap")) {
        printf("about to trap\n");
        fflush(stdout);
        crash();
    }
    if (!strcmp(mode, "divzero")) {
        printf("%d\n", divide(1, 0));
        return 0;
    }
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
}
