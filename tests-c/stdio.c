/* Copies stdin to stdout in upper case, then reports on stderr how much it
 * read. Exercises fd_read/fd_write on all three standard streams. */
#include "common.h"
#include <ctype.h>

int main(void) {
    static char buf[3000]; /* not a power of two: reads straddle writes */
    size_t n, total = 0, lines = 0;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == '\n')
                lines++;
            buf[i] = (char)toupper((unsigned char)buf[i]);
        }
        CHECK(fwrite(buf, 1, n, stdout) == n);
        total += n;
    }
    CHECK(!ferror(stdin));
    fflush(stdout);
    fprintf(stderr, "stdio: read %zu bytes, %zu lines\n", total, lines);
    return 0;
}
