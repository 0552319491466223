/* Tries to reach outside the preopened directory argv[1] (the test puts
 * outside-secret.txt next to it, and the symlinks link-out -> a relative
 * path out and abs-link-out -> an absolute host path in it). Every attempt
 * must fail; each line prints the errno. WASI resolves paths with cap-std
 * semantics, so escaping with `..` or through a symlink is EPERM
 * (wasi-common reports cap-std's "outside of the filesystem" as
 * ERRNO_PERM); an absolute path that names no preopen is refused by
 * wasi-libc itself before any WASI call, with ENOTCAPABLE. */
#include "common.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static char bufs[4][512];

static const char *P(const char *root, const char *name) {
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", root, name);
    return b;
}

/* path_open relative to the first preopen (fd 3), with no help from
 * wasi-libc's path resolution. */
static __wasi_errno_t raw_open(const char *path, __wasi_oflags_t oflags) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags,
                                        __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
    if (e == 0)
        (void)__wasi_fd_close(fd);
    return e;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: escape DIR\n");
        return 2;
    }
    const char *root = argv[1];
    struct stat st;
    char buf[256];

    /* The way in works. */
    REPORT("open inside.txt", open(P(root, "inside.txt"), O_RDONLY));
    REPORT("open sub/../inside.txt (stays inside)", open(P(root, "sub/../inside.txt"), O_RDONLY));

    /* `..` out of the preopen. */
    REPORT("open ../outside-secret.txt", open(P(root, "../outside-secret.txt"), O_RDONLY));
    REPORT("create ../outside-new.txt",
           open(P(root, "../outside-new.txt"), O_WRONLY | O_CREAT, 0644));
    REPORT("stat ..", stat(P(root, ".."), &st));
    REPORT("opendir ..", opendir(P(root, "..")) ? 0 : -1);
    REPORT("mkdir ../outside-dir", mkdir(P(root, "../outside-dir"), 0755));
    REPORT("unlink ../outside-secret.txt", unlink(P(root, "../outside-secret.txt")));
    REPORT("open sub/../../outside-secret.txt",
           open(P(root, "sub/../../outside-secret.txt"), O_RDONLY));

    /* Absolute paths. */
    REPORT("open /etc/passwd", open("/etc/passwd", O_RDONLY));
    REPORT("create /outside-new.txt", open("/outside-new.txt", O_WRONLY | O_CREAT, 0644));
    printf("raw path_open /etc/passwd: %s\n", errname(raw_open("/etc/passwd", 0)));
    printf("raw path_open ../outside-secret.txt: %s\n",
           errname(raw_open("../outside-secret.txt", 0)));
    printf("raw path_open create ../raw-new.txt: %s\n",
           errname(raw_open("../raw-new.txt", __WASI_OFLAGS_CREAT)));

    /* Symlinks that lead out: reading the link is fine, following is not. */
    ssize_t n = readlink(P(root, "link-out"), buf, sizeof buf - 1);
    printf("readlink link-out: %.*s\n", (int)(n < 0 ? 0 : n), buf);
    REPORT("lstat link-out", lstat(P(root, "link-out"), &st));
    REPORT("open link-out", open(P(root, "link-out"), O_RDONLY));
    REPORT("stat link-out", stat(P(root, "link-out"), &st));
    REPORT("open abs-link-out", open(P(root, "abs-link-out"), O_RDONLY));
    REPORT("open link-out for writing", open(P(root, "link-out"), O_WRONLY | O_TRUNC));

    /* Links the guest makes itself. */
    REPORT("symlink up -> ..", symlink("..", P(root, "up")));
    REPORT("open up/outside-secret.txt", open(P(root, "up/outside-secret.txt"), O_RDONLY));
    REPORT("create up/outside-new.txt",
           open(P(root, "up/outside-new.txt"), O_WRONLY | O_CREAT, 0644));
    REPORT("symlink abs -> /etc/passwd", symlink("/etc/passwd", P(root, "abs")));
    REPORT("open abs", open(P(root, "abs"), O_RDONLY));

    /* Moving or linking things out. */
    REPORT("rename inside.txt ../moved.txt",
           rename(P(root, "inside.txt"), P(root, "../moved.txt")));
    REPORT("rename inside.txt up/moved.txt",
           rename(P(root, "inside.txt"), P(root, "up/moved.txt")));
    REPORT("rename inside.txt /moved.txt", rename(P(root, "inside.txt"), "/moved.txt"));
    REPORT("rename ../outside-secret.txt in",
           rename(P(root, "../outside-secret.txt"), P(root, "stolen.txt")));
    REPORT("link inside.txt ../hard.txt", link(P(root, "inside.txt"), P(root, "../hard.txt")));
    REPORT("link ../outside-secret.txt in",
           link(P(root, "../outside-secret.txt"), P(root, "stolen-hard.txt")));

    /* Everything inside is still as it was. */
    FILE *f = fopen(P(root, "inside.txt"), "r");
    CHECK(f != NULL);
    n = (ssize_t)fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    printf("inside.txt still reads: %.*s", (int)n, buf);
    return 0;
}
