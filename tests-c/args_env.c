/* Prints its arguments and its whole environment, in order, then looks a
 * few variables up with getenv. */
#include "common.h"

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    int n = 0;
    for (char **e = environ; *e; e++, n++)
        printf("environ[%d]=%s\n", n, *e);
    printf("envc=%d\n", n);
    const char *names[] = {"GREETING", "EMPTY", "INHERITED", "HOME", "PATH"};
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        printf("getenv(%s)=%s\n", names[i], v ? v : "(unset)");
    }
    return 0;
}
