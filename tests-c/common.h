/* Helpers shared by the WASI test programs: errno names and checks that
 * print what failed and exit with status 99. */
#ifndef KILN_TESTS_COMMON_H
#define KILN_TESTS_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The symbolic name of an errno value ("OK" for 0). */
static inline const char *errname(int e) {
    static char other[32];
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTSUP: return "ENOTSUP";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    default:
        snprintf(other, sizeof other, "errno %d", e);
        return other;
    }
}

/* Exits with status 99 and a message on stderr unless `cond` holds. */
#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s (errno %s)\n", __FILE__,  \
                    __LINE__, #cond, errname(errno));                          \
            exit(99);                                                          \
        }                                                                      \
    } while (0)

/* Runs a call that returns -1 and sets errno on failure; prints
 * "label: OK" or "label: ENAME". */
#define REPORT(label, call)                                                    \
    do {                                                                       \
        errno = 0;                                                             \
        int report_rc_ = (call);                                               \
        printf("%s: %s\n", label, errname(report_rc_ < 0 ? errno : 0));        \
    } while (0)

#endif
