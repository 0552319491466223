// setjmp/longjmp, compiled for wasm32-wasi with wasm exception handling:
// jumps out of several frames, nested buffers, the value 0 turned into 1,
// jumping back into a loop many times, and variables kept in volatile.
// Prints the same natively and under kiln.
#include <setjmp.h>
#include <stdio.h>

static jmp_buf outer, inner;
static int depth_reached = 0;

__attribute__((noinline)) static void dive(int n, int value) {
    depth_reached = n;
    if (n == 0) longjmp(outer, value);
    dive(n - 1, value);
    printf("never printed\n");
}

__attribute__((noinline)) static int guarded(int fail) {
    if (setjmp(inner) == 0) {
        if (fail) longjmp(inner, 5);
        return 1;
    }
    return -1;
}

int main(void) {
    int r = setjmp(outer);
    if (r == 0) {
        printf("first return from setjmp\n");
        dive(10, 7);
    }
    printf("longjmp returned %d after depth %d\n", r, depth_reached);

    r = setjmp(outer);
    if (r == 0) dive(3, 0);
    printf("longjmp with 0 gives %d\n", r);

    printf("guarded: %d %d\n", guarded(0), guarded(1));

    volatile int count = 0;
    volatile long total = 0;
    jmp_buf loop;
    int v = setjmp(loop);
    total += v;
    if (count < 10000) {
        count++;
        longjmp(loop, count);
    }
    printf("looped %d times, total %ld\n", count, total);
    return 0;
}
