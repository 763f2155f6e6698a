#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
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
