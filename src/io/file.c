#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bnnsim/io.h"
#include "core/util.h"

enum bnn_status bnn__check_regular(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return bnn_error(BNN_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return bnn_error(BNN_ERR_IO, "%s: not a regular file (%s); bnnsim reads regular files only", path,
                         S_ISFIFO(st.st_mode) ? "a named pipe" : S_ISDIR(st.st_mode) ? "a directory"
                         : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "a special file");
    return BNN_OK;
}

enum bnn_status bnn__write_target(const char *path, char *real, size_t cap)
{
    struct stat st;
    snprintf(real, cap, "%s", path);
    if (lstat(path, &st) != 0) { /* a new file, in a directory that must be there */
        char dir[4096];
        bnn__dirname(path, dir, sizeof dir);
        if (dir[0] && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
            return bnn_error(BNN_ERR_IO, "%s: cannot create: %s is not a directory", path, dir);
        return BNN_OK;
    }
    if (S_ISLNK(st.st_mode)) {
        /* write through the link: the file it names is replaced, the link stays */
        char target[4096];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n < 0) return bnn_error(BNN_ERR_IO, "%s: cannot read the symbolic link: %s", path, strerror(errno));
        target[n] = 0;
        if (target[0] == '/') snprintf(real, cap, "%s", target);
        else {
            char dir[4096];
            bnn__dirname(path, dir, sizeof dir);
            snprintf(real, cap, "%s%s", dir, target);
        }
        if (lstat(real, &st) != 0) return BNN_OK; /* a dangling link: create its target */
        if (S_ISLNK(st.st_mode)) return bnn__write_target(real, real, cap);
    }
    if (!S_ISREG(st.st_mode))
        return bnn_error(BNN_ERR_IO, "%s: exists and is not a regular file (%s); refusing to replace it", path,
                         S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a named pipe"
                         : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "a special file");
    return BNN_OK;
}

enum bnn_status bnn_file_read_all(const char *path, uint8_t **buf, size_t *len)
{
    /* O_NONBLOCK: opening a named pipe must not wait for a writer */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return bnn_error(BNN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return bnn__check_regular(path) ? bnn__last_status() : bnn_error(BNN_ERR_IO, "%s: not a regular file", path);
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return bnn_error(BNN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    size_t n = (size_t)st.st_size;
    uint8_t *p = malloc(n ? n : 1);
    if (!p) { fclose(f); return bnn_error(BNN_ERR_NOMEM, "%s: out of memory (%zu bytes)", path, n); }
    if (n && fread(p, 1, n, f) != n) {
        free(p);
        fclose(f);
        return bnn_error(BNN_ERR_IO, "%s: read failed", path);
    }
    fclose(f);
    *buf = p;
    *len = n;
    return BNN_OK;
}

enum bnn_status bnn_file_write_atomic(const char *path_in, const void *data, size_t len)
{
    char path[4096], tmp[4200];
    enum bnn_status rs = bnn__write_target(path_in, path, sizeof path);
    if (rs) return rs;
    bnn__sweep_stale(path);
    bnn__tmp_name(path, tmp, sizeof tmp);
    FILE *f = fopen(tmp, "wb");
    if (!f) return bnn_error(BNN_ERR_IO, "%s: cannot create: %s", path_in, strerror(errno));
    bnn__tmp_register(tmp, 0);
    int ok = fwrite(data, 1, len, f) == len;
    ok &= fflush(f) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        bnn__tmp_unregister(tmp);
        return bnn_error(BNN_ERR_IO, "%s: write failed: %s", path_in, strerror(e));
    }
    bnn__tmp_unregister(tmp);
    return BNN_OK;
}

enum bnn_status bnn_file_map(const char *path, const uint8_t **buf, size_t *len, void **handle)
{
    *buf = NULL, *len = 0, *handle = NULL;
    /* O_NONBLOCK: a named pipe given as a file must not hang the open */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return bnn_error(BNN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return bnn__check_regular(path) ? bnn__last_status() : bnn_error(BNN_ERR_IO, "%s: not a regular file", path);
    }
    size_t n = (size_t)st.st_size;
    if (n == 0) {
        close(fd);
        static const uint8_t empty[1];
        *buf = empty;
        return BNN_OK;
    }
    void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) { /* not mappable: read it */
        uint8_t *b;
        enum bnn_status r = bnn_file_read_all(path, &b, &n);
        if (r) return r;
        *buf = b, *len = n, *handle = b;
        return BNN_OK;
    }
    *buf = p, *len = n;
    *handle = (void *)((uintptr_t)p | 1); /* tagged: a mapping, not a malloc'ed buffer */
    return BNN_OK;
}

void bnn_file_unmap(const uint8_t *buf, size_t len, void *handle)
{
    if (!handle) return;
    if ((uintptr_t)handle & 1) munmap((void *)buf, len);
    else free(handle);
}
