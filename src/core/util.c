#include <stdio.h>

#include "core/util.h"

void bnn__bits_copy(uint64_t *dst, int64_t dst_o, const uint64_t *src, int64_t so, int64_t n)
{
    /* Word-at-a-time when both are aligned (the common case: C % 64 == 0). */
    if (((dst_o | so) & 63) == 0 && (n & 63) == 0) {
        memcpy(dst + (dst_o >> 6), src + (so >> 6), (size_t)(n >> 6) * 8);
        return;
    }
    for (int64_t i = 0; i < n; i++) bnn__set_bit(dst, dst_o + i, bnn__get_bit(src, so + i));
}

void bnn__bits_fill(uint64_t *dst, int64_t o, int64_t n, int v)
{
    /* a word at a time: the FC padding of every image goes through here */
    while (n > 0) {
        const int64_t b = o & 63, take = 64 - b < n ? 64 - b : n;
        const uint64_t mask = (take == 64 ? ~0ull : ((1ull << take) - 1)) << b;
        dst[o >> 6] = v ? dst[o >> 6] | mask : dst[o >> 6] & ~mask;
        o += take, n -= take;
    }
}

void *bnn__calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) bnn_error(BNN_ERR_NOMEM, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

char *bnn__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    else bnn_error(BNN_ERR_NOMEM, "out of memory");
    return p;
}

void bnn__dirname(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + 1 : 0;
    if (n >= cap) n = cap - 1;
    memcpy(out, path, n);
    out[n] = 0;
}

const char *bnn__basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void bnn__replace_ext(const char *path, const char *ext, char *out, size_t cap)
{
    const char *base = bnn__basename(path);
    const char *dot = strrchr(base, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    snprintf(out, cap, "%.*s%s", (int)n, path, ext);
}

void bnn__abort(const char *file, int line, const char *what)
{
    fprintf(stderr, "bnnsim: internal error at %s:%d: assertion '%s' failed\n", file, line, what);
    abort();
}
