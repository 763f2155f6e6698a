#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bnnsim/io.h"
#include "core/util.h"

enum bnn_status bnn_file_read_all(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return bnn_error(BNN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return bnn_error(BNN_ERR_IO, "%s: not a regular file", path);
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

enum bnn_status bnn_file_write_atomic(const char *path, const void *data, size_t len)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) return bnn_error(BNN_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    int ok = fwrite(data, 1, len, f) == len;
    ok &= fflush(f) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return bnn_error(BNN_ERR_IO, "%s: write failed: %s", path, strerror(e));
    }
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
        return bnn_error(BNN_ERR_IO, "%s: not a regular file", path);
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
