/* Private helpers shared across the library. */
#ifndef BNN_UTIL_H
#define BNN_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bnnsim/status.h"

#define BNN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define BNN_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Words of 64 bits needed for n bits. */
static inline int64_t bnn__words(int64_t nbits) { return (nbits + 63) >> 6; }
/* popcount without needing the POPCNT instruction in generic code (libgcc's call is slow) */
static inline int32_t bnn__popcount64(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (int32_t)((x * 0x0101010101010101ull) >> 56);
}

static inline int bnn__get_bit(const uint64_t *w, int64_t i) { return (int)((w[i >> 6] >> (i & 63)) & 1u); }

static inline void bnn__set_bit(uint64_t *w, int64_t i, int v)
{
    uint64_t m = (uint64_t)1 << (i & 63);
    if (v) w[i >> 6] |= m; else w[i >> 6] &= ~m;
}

/* Copies n bits from src (starting at bit so) to dst (starting at bit dst_o). */
void bnn__bits_copy(uint64_t *dst, int64_t dst_o, const uint64_t *src, int64_t so, int64_t n);
/* Sets n bits of dst from bit o to v. */
void bnn__bits_fill(uint64_t *dst, int64_t o, int64_t n, int v);

/* Smallest signed two's complement width (>= 2) holding every value in [lo, hi]. */
static inline int32_t bnn__signed_bits(int64_t lo, int64_t hi)
{
    int32_t b = 2;
    while (b < 64 && (lo < -((int64_t)1 << (b - 1)) || hi > ((int64_t)1 << (b - 1)) - 1)) b++;
    return b;
}

/* Floor division for a possibly negative numerator, positive divisor. */
static inline int64_t bnn__floordiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* Status of the last bnn_error() on this thread. */
enum bnn_status bnn__last_status(void);

/* Appends a warning (printf format) to w; w may be NULL. */
/* Reports progress through the hook bnn_set_progress installed (if any). */
void bnn__progress(const char *what, int64_t done, int64_t total);
void bnn__warn(struct bnn_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Files: regular files only (a named pipe must not hang a run); where a
 * write lands (through a symbolic link to its target; never over a device or
 * directory); temporaries registered for bnn_tmp_cleanup. */
enum bnn_status bnn__check_regular(const char *path);
enum bnn_status bnn__write_target(const char *path, char *real, size_t cap);
void bnn__tmp_name(const char *path, char *out, size_t cap);
void bnn__tmp_register(const char *path, int is_dir);
void bnn__tmp_unregister(const char *path);
void bnn__sweep_stale(const char *path);

void *bnn__calloc(size_t n, size_t size); /* sets BNN_ERR_NOMEM message on failure */
char *bnn__strdup(const char *s);

/* Path helpers: directory of a path (with trailing '/'), or "" */
void bnn__dirname(const char *path, char *out, size_t cap);
/* Replaces the extension of path (after the last '.' in the file name). */
void bnn__replace_ext(const char *path, const char *ext, char *out, size_t cap);
const char *bnn__basename(const char *path);

/* Abort on a broken invariant (a bug, not bad input). */
/* Text on raster images (stb_easy_font), io/text.c: top-left at (x, y), scale s. */
float bnn__text_width(const char *text);
void bnn__draw_text(uint8_t *img, int w, int h, int c, float x, float y, const char *text, float s, const uint8_t *rgb);

#define BNN_ASSERT(x) do { if (!(x)) bnn__abort(__FILE__, __LINE__, #x); } while (0)
_Noreturn void bnn__abort(const char *file, int line, const char *what);

#endif
