/* File system calls inside the preopened directory given as argv[1]:
 * create/read/write/seek/truncate/append, rename, unlink, hard and soft
 * links, mkdir/rmdir, readdir (including one large directory), stat and
 * timestamps. Leaves keep.txt ("kept\n", mtime 1234567890.5) and stamp.txt
 * behind for the test to look at from the host. */
#include "common.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static char path_buf[4][512];

/* argv[1] + "/" + name, in one of four rotating buffers. */
static const char *P(const char *root, const char *name) {
    static int next;
    char *b = path_buf[next++ % 4];
    snprintf(b, sizeof path_buf[0], "%s/%s", root, name);
    return b;
}

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    CHECK(close(fd) == 0);
}

static void basic_io(const char *root) {
    char buf[64] = {0};
    int fd = open(P(root, "f.txt"), O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    printf("write: %zd\n", write(fd, "hello, world\n", 13));
    printf("lseek set 7: %lld\n", (long long)lseek(fd, 7, SEEK_SET));
    CHECK(read(fd, buf, 5) == 5);
    printf("read 5: %s\n", buf);
    printf("lseek cur: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
    CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, sizeof buf - 1, 0) == 13);
    printf("pread: %s", buf);
    printf("offset after pread: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));

    struct stat st;
    CHECK(ftruncate(fd, 5) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("size after ftruncate(5): %lld\n", (long long)st.st_size);
    CHECK(ftruncate(fd, 10) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("size after ftruncate(10): %lld\n", (long long)st.st_size);
    memset(buf, 'x', sizeof buf);
    CHECK(pread(fd, buf, sizeof buf, 0) == 10);
    int zeros = 0;
    for (int i = 5; i < 10; i++)
        zeros += buf[i] == 0;
    printf("zero bytes after extension: %d\n", zeros);
    printf("regular file: %d\n", S_ISREG(st.st_mode));
    CHECK(close(fd) == 0);

    REPORT("open O_EXCL existing", open(P(root, "f.txt"), O_RDWR | O_CREAT | O_EXCL, 0644));
    REPORT("open missing", open(P(root, "missing.txt"), O_RDONLY));
    REPORT("open dir for writing", open(root, O_WRONLY));

    fd = open(P(root, "f.txt"), O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(write(fd, "!!", 2) == 2);
    CHECK(fstat(fd, &st) == 0);
    printf("size after append: %lld\n", (long long)st.st_size);
    CHECK(close(fd) == 0);

    REPORT("rename f.txt g.txt", rename(P(root, "f.txt"), P(root, "g.txt")));
    REPORT("stat f.txt", stat(P(root, "f.txt"), &st));
    CHECK(stat(P(root, "g.txt"), &st) == 0);
    printf("g.txt size: %lld\n", (long long)st.st_size);

    write_file(P(root, "keep.txt"), "kept\n");
    REPORT("rename over existing", rename(P(root, "g.txt"), P(root, "keep.txt")));
    FILE *f = fopen(P(root, "keep.txt"), "r");
    CHECK(f != NULL);
    memset(buf, 0, sizeof buf);
    CHECK(fread(buf, 1, sizeof buf - 1, f) == 12);
    fclose(f);
    printf("keep.txt now starts with: %.5s\n", buf);
    write_file(P(root, "keep.txt"), "kept\n");

    REPORT("unlink g.txt (gone)", unlink(P(root, "g.txt")));
    write_file(P(root, "tmp.txt"), "x");
    REPORT("unlink tmp.txt", unlink(P(root, "tmp.txt")));
    REPORT("access tmp.txt", access(P(root, "tmp.txt"), F_OK));
}

static void links(const char *root) {
    struct stat st;
    char buf[64] = {0};
    REPORT("link keep.txt hard.txt", link(P(root, "keep.txt"), P(root, "hard.txt")));
    CHECK(stat(P(root, "keep.txt"), &st) == 0);
    printf("nlink: %lu\n", (unsigned long)st.st_nlink);
    REPORT("unlink hard.txt", unlink(P(root, "hard.txt")));
    CHECK(stat(P(root, "keep.txt"), &st) == 0);
    printf("nlink: %lu\n", (unsigned long)st.st_nlink);

    REPORT("symlink keep.txt soft", symlink("keep.txt", P(root, "soft")));
    ssize_t n = readlink(P(root, "soft"), buf, sizeof buf - 1);
    printf("readlink: %.*s\n", (int)(n < 0 ? 0 : n), buf);
    CHECK(lstat(P(root, "soft"), &st) == 0);
    printf("lstat is link: %d\n", S_ISLNK(st.st_mode));
    CHECK(stat(P(root, "soft"), &st) == 0);
    printf("stat through link: regular %d, size %lld\n", S_ISREG(st.st_mode),
           (long long)st.st_size);
    REPORT("open O_NOFOLLOW on link", open(P(root, "soft"), O_RDONLY | O_NOFOLLOW));
    REPORT("unlink soft", unlink(P(root, "soft")));
}

static void directories(const char *root) {
    struct stat st;
    REPORT("mkdir d", mkdir(P(root, "d"), 0755));
    REPORT("mkdir d again", mkdir(P(root, "d"), 0755));
    CHECK(stat(P(root, "d"), &st) == 0);
    printf("d is dir: %d\n", S_ISDIR(st.st_mode));
    write_file(P(root, "d/b"), "b");
    write_file(P(root, "d/a"), "a");
    write_file(P(root, "d/c"), "c");
    REPORT("mkdir d/sub", mkdir(P(root, "d/sub"), 0755));

    DIR *dir = opendir(P(root, "d"));
    CHECK(dir != NULL);
    char *names[16];
    int count = 0, dots = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            dots++;
            continue;
        }
        CHECK(count < 16);
        char *s = malloc(strlen(e->d_name) + 8);
        sprintf(s, "%s %s", e->d_name,
                e->d_type == DT_DIR ? "dir" : e->d_type == DT_REG ? "file" : "other");
        names[count++] = s;
    }
    closedir(dir);
    qsort(names, count, sizeof *names, cmp);
    printf("readdir d (%d entries, %d dot entries):", count, dots);
    for (int i = 0; i < count; i++) {
        printf(" [%s]", names[i]);
        free(names[i]);
    }
    printf("\n");

    REPORT("rmdir d (not empty)", rmdir(P(root, "d")));
    REPORT("rmdir d/a (a file)", rmdir(P(root, "d/a")));
    REPORT("unlink d/sub (a dir)", unlink(P(root, "d/sub")));
    REPORT("unlink d/a", unlink(P(root, "d/a")));
    REPORT("unlink d/b", unlink(P(root, "d/b")));
    REPORT("unlink d/c", unlink(P(root, "d/c")));
    REPORT("rmdir d/sub", rmdir(P(root, "d/sub")));
    REPORT("rmdir d", rmdir(P(root, "d")));
    REPORT("stat d", stat(P(root, "d"), &st));
}

/* Enough entries that readdir needs several fd_readdir calls (cookies). */
static void big_directory(const char *root) {
    enum { N = 500 };
    char name[64];
    CHECK(mkdir(P(root, "many"), 0755) == 0);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "many/entry-with-a-longish-name-%04d", i);
        write_file(P(root, name), "");
    }
    static unsigned char seen[N];
    DIR *dir = opendir(P(root, "many"));
    CHECK(dir != NULL);
    int files = 0, dup = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        int i;
        if (sscanf(e->d_name, "entry-with-a-longish-name-%d", &i) == 1 && i >= 0 && i < N) {
            dup += seen[i]++;
            files++;
        }
    }
    closedir(dir);
    printf("readdir many: %d files, %d duplicates\n", files, dup);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "many/entry-with-a-longish-name-%04d", i);
        CHECK(unlink(P(root, name)) == 0);
    }
    REPORT("rmdir many", rmdir(P(root, "many")));
}

static void timestamps(const char *root) {
    struct stat st;
    struct timespec now;
    CHECK(clock_gettime(CLOCK_REALTIME, &now) == 0);
    write_file(P(root, "stamp.txt"), "stamp");
    CHECK(stat(P(root, "stamp.txt"), &st) == 0);
    long long age = (long long)now.tv_sec - (long long)st.st_mtim.tv_sec;
    printf("new file mtime within 60s of now: %d\n", age > -60 && age < 60);

    struct timespec times[2] = {
        {.tv_sec = 1000000000, .tv_nsec = 0},         /* atime */
        {.tv_sec = 1234567890, .tv_nsec = 500000000}, /* mtime */
    };
    REPORT("utimensat keep.txt", utimensat(AT_FDCWD, P(root, "keep.txt"), times, 0));
    CHECK(stat(P(root, "keep.txt"), &st) == 0);
    printf("keep.txt atime: %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
    printf("keep.txt mtime: %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

    /* The NOW flags go straight to fd_filestat_set_times: this wasi-libc's
     * futimens/utimensat turn UTIME_NOW and UTIME_OMIT into EINVAL, and
     * futimens(fd, NULL) into the epoch, before any WASI call is made. */
    int fd = open(P(root, "stamp.txt"), O_RDWR);
    CHECK(fd >= 0);
    __wasi_errno_t e = __wasi_fd_filestat_set_times(
        fd, 2000000000ULL * 1000000000ULL, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM_NOW);
    printf("fd_filestat_set_times ATIM|MTIM_NOW: %s\n", errname(e));
    CHECK(fstat(fd, &st) == 0);
    printf("stamp.txt atime: %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
    age = (long long)now.tv_sec - (long long)st.st_mtim.tv_sec;
    printf("MTIM_NOW mtime within 60s of now: %d\n", age > -60 && age < 60);
    e = __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW);
    printf("fd_filestat_set_times ATIM|ATIM_NOW: %s\n", errname(e));
    CHECK(close(fd) == 0);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: files DIR\n");
        return 2;
    }
    const char *root = argv[1];
    basic_io(root);
    links(root);
    directories(root);
    big_directory(root);
    timestamps(root);
    printf("done\n");
    return 0;
}
