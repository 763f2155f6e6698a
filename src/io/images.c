/* Input data sets and pictures -> 8-bit HWC pixels of the network's shape.
 * The network's input layer then quantises them (docs/net-format.md). */
#include <stdio.h>
#include <zlib.h>
#include <stb_image.h>
#include <stb_image_resize.h>

#include "bnnsim/io.h"
#include "core/util.h"

void bnn_images_free(struct bnn_images *m)
{
    free(m->pixels);
    free(m->labels);
    memset(m, 0, sizeof *m);
}

/* Grows the batch by n images; returns a pointer to the first new one. */
static uint8_t *grow(struct bnn_images *m, int32_t n, int32_t h, int32_t w, int32_t c)
{
    size_t img = (size_t)h * w * c;
    if ((int64_t)m->n + n > (1 << 26)) {
        bnn_error(BNN_ERR_INVALID_ARG, "too many images (%d)", m->n + n);
        return NULL;
    }
    uint8_t *px = realloc(m->pixels, ((size_t)m->n + n) * img + 1);
    if (!px) { bnn_error(BNN_ERR_NOMEM, "out of memory for %d images", m->n + n); return NULL; }
    m->pixels = px;
    int32_t *lb = realloc(m->labels, ((size_t)m->n + n) * sizeof(int32_t) + 4);
    if (!lb) { bnn_error(BNN_ERR_NOMEM, "out of memory"); return NULL; }
    m->labels = lb;
    for (int32_t i = 0; i < n; i++) m->labels[m->n + i] = -1;
    m->h = h, m->w = w, m->c = c;
    uint8_t *first = px + (size_t)m->n * img;
    m->n += n;
    return first;
}

static enum bnn_status shape_error(const char *path, const char *what, int32_t h, int32_t w, int32_t c,
                                   int64_t gh, int64_t gw, int64_t gc)
{
    return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s images are %lldx%lldx%lld but the network takes %dx%dx%d", path, what,
                     (long long)gh, (long long)gw, (long long)gc, h, w, c);
}

static enum bnn_status read_cifar(struct bnn_images *m, const char *path, const uint8_t *buf, size_t len, int32_t h,
                                  int32_t w, int32_t c)
{
    const size_t rec = 3073;
    if (len == 0 || len % rec)
        return bnn_error(BNN_ERR_PARSE, "%s: CIFAR-10 file size %zu is not a multiple of 3073-byte records (truncated record %zu?)",
                         path, len, len / rec);
    if (h != 32 || w != 32 || c != 3) return shape_error(path, "CIFAR-10", h, w, c, 32, 32, 3);
    int32_t n = (int32_t)(len / rec), first = m->n;
    uint8_t *o = grow(m, n, h, w, c);
    if (!o) return bnn__last_status();
    /* planes to HWC on every core: for 20,000 records this is a tenth of a CNV run */
#pragma omp parallel for schedule(static)
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *r = buf + (size_t)i * rec;
        uint8_t *d = o + (size_t)i * 3072;
        m->labels[first + i] = r[0] < 10 ? r[0] : -2; /* checked below: CIFAR-10 labels are 0..9 */
        for (int32_t p = 0; p < 1024; p++) {
            d[3 * p] = r[1 + p];
            d[3 * p + 1] = r[1025 + p];
            d[3 * p + 2] = r[2049 + p];
        }
    }
    for (int32_t i = 0; i < n; i++)
        if (m->labels[first + i] == -2)
            return bnn_error(BNN_ERR_PARSE, "%s: record %d: label byte %d, but CIFAR-10 labels are 0..9 (not a CIFAR-10 "
                                            "file?)", path, i, buf[(size_t)i * rec]);
    return BNN_OK;
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

#define BNN_GZ_MAX ((size_t)1 << 31)
#define BNN_PICTURE_MAX_PIXELS (1 << 26)

static size_t idx_elem_size(uint8_t t)
{
    switch (t) {
    case 0x08: case 0x09: return 1;
    case 0x0b: return 2;
    case 0x0c: case 0x0d: return 4;
    case 0x0e: return 8;
    default: return 0;
    }
}

static enum bnn_status gz_fail(gzFile g, uint8_t *buf, const char *path)
{
    int e;
    const char *msg = gzerror(g, &e);
    bnn_error(BNN_ERR_PARSE, "%s: corrupt gzip data: %s", path, msg);
    free(buf);
    gzclose(g);
    return BNN_ERR_PARSE;
}

/* Reads an IDX file, gzip-compressed or plain, through zlib. Only the bytes its
 * header declares are inflated, and that size is checked against a cap before
 * any is: a decompression bomb costs a header read, not memory. */
static enum bnn_status read_idx_file(const char *path, uint8_t **out, size_t *len)
{
    if (bnn__check_regular(path)) return bnn__last_status();
    gzFile g = gzopen(path, "rb");
    if (!g) return bnn_error(BNN_ERR_IO, "%s: cannot open", path);
    uint8_t hd[4 + 4 * 255];
    int r = gzread(g, hd, 4);
    if (r < 0) return gz_fail(g, NULL, path);
    size_t es = r == 4 && !hd[0] && !hd[1] ? idx_elem_size(hd[2]) : 0;
    if (!es || !hd[3]) {
        if (gzclose(g) == Z_BUF_ERROR) return bnn_error(BNN_ERR_PARSE, "%s: truncated gzip stream", path);
        return bnn_error(BNN_ERR_PARSE, "%s: not an IDX file (magic %02x %02x %02x %02x)", path, r > 0 ? hd[0] : 0,
                         r > 1 ? hd[1] : 0, r > 2 ? hd[2] : 0, r > 3 ? hd[3] : 0);
    }
    const size_t head = 4 + 4 * (size_t)hd[3];
    r = gzread(g, hd + 4, (unsigned)(head - 4));
    if (r < 0) return gz_fail(g, NULL, path);
    if ((size_t)r != head - 4) { gzclose(g); return bnn_error(BNN_ERR_PARSE, "%s: truncated IDX header", path); }
    size_t need = es;
    for (int i = 0; i < hd[3]; i++)
        if (__builtin_mul_overflow(need, (size_t)be32(hd + 4 + 4 * i), &need) || need > BNN_GZ_MAX) {
            gzclose(g);
            return bnn_error(BNN_ERR_PARSE, "%s: IDX header declares more than %d MiB of data; bnnsim reads IDX inputs up "
                                            "to that size (split it)", path, (int)(BNN_GZ_MAX >> 20));
        }
    need += head;
    uint8_t *buf = malloc(need + 1);
    if (!buf) { gzclose(g); return bnn_error(BNN_ERR_NOMEM, "%s: out of memory for %zu bytes", path, need); }
    memcpy(buf, hd, head);
    size_t n = head;
    while (n < need + 1) { /* one byte past the end: trailing data is an error */
        size_t want = need + 1 - n;
        r = gzread(g, buf + n, (unsigned)(want > (1u << 30) ? 1u << 30 : want));
        if (r < 0) return gz_fail(g, buf, path);
        if (r == 0) break;
        n += (size_t)r;
    }
    /* gzread stops quietly at a truncated gzip stream; gzclose reports it. */
    int e = gzclose(g);
    if (e != Z_OK && e != Z_BUF_ERROR) { free(buf); return bnn_error(BNN_ERR_PARSE, "%s: corrupt gzip data", path); }
    if (e == Z_BUF_ERROR) { free(buf); return bnn_error(BNN_ERR_PARSE, "%s: truncated gzip stream", path); }
    if (n > need) {
        free(buf);
        return bnn_error(BNN_ERR_PARSE, "%s: data continues past the %zu bytes its IDX header declares", path, need);
    }
    *out = buf;
    *len = n;
    return BNN_OK;
}

static enum bnn_status read_idx(struct bnn_images *m, const char *path, const uint8_t *buf, size_t len, int32_t h,
                                int32_t w, int32_t c)
{
    if (len < 4 || buf[0] || buf[1]) return bnn_error(BNN_ERR_PARSE, "%s: not an IDX file", path);
    if (buf[2] != 0x08) return bnn_error(BNN_ERR_UNSUPPORTED, "%s: IDX element type 0x%02x; only unsigned bytes (0x08) are images", path, buf[2]);
    int nd = buf[3];
    if (nd != 3 && nd != 4) return bnn_error(BNN_ERR_PARSE, "%s: IDX images need 3 or 4 dimensions (got %d)", path, nd);
    if (len < 4 + 4 * (size_t)nd) return bnn_error(BNN_ERR_PARSE, "%s: truncated IDX header", path);
    uint32_t d[4] = {0, 0, 0, 1};
    for (int i = 0; i < nd; i++) d[i] = be32(buf + 4 + 4 * i);
    if (d[1] != (uint32_t)h || d[2] != (uint32_t)w || d[3] != (uint32_t)c) return shape_error(path, "IDX", h, w, c, d[1], d[2], d[3]);
    size_t img = (size_t)h * w * c, need = 4 + 4 * (size_t)nd + (size_t)d[0] * img;
    if (len < need)
        return bnn_error(BNN_ERR_PARSE, "%s: truncated IDX data: header says %u images (%zu bytes), file has %zu", path,
                         d[0], need, len);
    if (len > need)
        return bnn_error(BNN_ERR_PARSE, "%s: data continues past the %zu bytes its IDX header declares", path, need);
    if (d[0] == 0) return bnn_error(BNN_ERR_PARSE, "%s: IDX file holds no images", path);
    uint8_t *o = grow(m, (int32_t)d[0], h, w, c);
    if (!o) return bnn__last_status();
    memcpy(o, buf + 4 + 4 * nd, (size_t)d[0] * img);
    return BNN_OK;
}

static enum bnn_status read_picture(struct bnn_images *m, const char *path, const uint8_t *buf, size_t len, int32_t h,
                                    int32_t w, int32_t c)
{
    if (c != 1 && c != 3) return bnn_error(BNN_ERR_UNSUPPORTED, "%s: pictures feed 1- or 3-channel inputs only (network has %d)", path, c);
    int iw, ih, ic;
    if (len > INT32_MAX) return bnn_error(BNN_ERR_PARSE, "%s: picture file too large", path);
    /* the size the header declares, before any pixel is decoded */
    if (stbi_info_from_memory(buf, (int)len, &iw, &ih, &ic) && (int64_t)iw * ih > BNN_PICTURE_MAX_PIXELS)
        return bnn_error(BNN_ERR_PARSE, "%s: picture declares %dx%d pixels, over bnnsim's budget of %d Mpixels", path, iw,
                         ih, BNN_PICTURE_MAX_PIXELS >> 20);
    uint8_t *px = stbi_load_from_memory(buf, (int)len, &iw, &ih, &ic, c);
    if (!px && !strcmp(stbi_failure_reason(), "too large"))
        return bnn_error(BNN_ERR_PARSE, "%s: cannot decode image: too large (its header declares more than bnnsim's "
                                        "budget of %d Mpixels)", path, BNN_PICTURE_MAX_PIXELS >> 20);
    if (!px) return bnn_error(BNN_ERR_PARSE, "%s: cannot decode image: %s", path, stbi_failure_reason());
    uint8_t *o = grow(m, 1, h, w, c);
    if (!o) { stbi_image_free(px); return bnn__last_status(); }
    if (iw == w && ih == h) memcpy(o, px, (size_t)w * h * c);
    else if (!stbir_resize_uint8(px, iw, ih, 0, o, w, h, 0, c)) {
        stbi_image_free(px);
        m->n--;
        return bnn_error(BNN_ERR_PARSE, "%s: resize from %dx%d failed", path, iw, ih);
    }
    stbi_image_free(px);
    return BNN_OK;
}

/* Element i as a pixel, or -1 when it is not a whole number 0..255. */
static int npy_pixel(const struct bnn_array *a, int64_t i)
{
    if (a->dtype == BNN_DT_F32 || a->dtype == BNN_DT_F64) {
        double v = a->dtype == BNN_DT_F32 ? ((const float *)a->data)[i] : ((const double *)a->data)[i];
        return v >= 0 && v <= 255 && v == (double)(int)v ? (int)v : -1;
    }
    if (a->dtype == BNN_DT_U64 && ((const uint64_t *)a->data)[i] > 255) return -1;
    int64_t v = bnn_array_get_i64(a, i);
    return v >= 0 && v <= 255 ? (int)v : -1;
}

static void shape_str(const struct bnn_array *a, char *o, size_t n)
{
    int k = snprintf(o, n, "(");
    for (int d = 0; d < a->ndim && k < (int)n; d++)
        k += snprintf(o + k, n - (size_t)k, "%lld%s", (long long)a->shape[d], d + 1 < a->ndim ? ", " : "");
    if (k < (int)n) snprintf(o + k, n - (size_t)k, ")");
}

/* The image count if the array's shape is `layout` for h x w x c, else 0. */
static int64_t npy_count(const struct bnn_array *a, enum bnn_layout layout, int32_t h, int32_t w, int32_t c)
{
    const int64_t *s = a->shape;
    int nchw = layout == BNN_LAYOUT_NCHW;
    switch (a->ndim) {
    case 2:
        if (c == 1 && s[0] == h && s[1] == w) return 1;
        return s[1] == (int64_t)h * w * c && !(s[0] == h && s[1] == w) ? s[0] : 0; /* (N, H*W*C) */
    case 3:
        if (c == 1 && s[1] == h && s[2] == w) return s[0];                    /* (N, H, W) */
        if (nchw) return s[0] == c && s[1] == h && s[2] == w;                 /* (C, H, W) */
        return s[0] == h && s[1] == w && s[2] == c;                           /* (H, W, C) */
    case 4:
        if (nchw) return s[1] == c && s[2] == h && s[3] == w ? s[0] : 0;
        return s[1] == h && s[2] == w && s[3] == c ? s[0] : 0;
    }
    return 0;
}

static enum bnn_status read_npy_images(struct bnn_images *m, const char *path, const uint8_t *buf, size_t len,
                                       int32_t h, int32_t w, int32_t c)
{
    struct bnn_array a;
    enum bnn_status st = bnn_npy_parse(buf, len, path, &a);
    if (st) return st;
    char shp[160];
    shape_str(&a, shp, sizeof shp);
    /* FINN writes NCHW; with one channel both orders are the same bytes */
    int64_t n_chw = m->layout != BNN_LAYOUT_NHWC ? npy_count(&a, BNN_LAYOUT_NCHW, h, w, c) : 0;
    int64_t n_hwc = m->layout != BNN_LAYOUT_NCHW ? npy_count(&a, BNN_LAYOUT_NHWC, h, w, c) : 0;
    enum bnn_layout lay = n_chw ? BNN_LAYOUT_NCHW : BNN_LAYOUT_NHWC;
    int64_t n = n_chw ? n_chw : n_hwc;
    if (n < 1 || n > INT32_MAX) {
        const enum bnn_dtype dt = a.dtype;
        const char *want = m->layout == BNN_LAYOUT_NCHW ? "NCHW (N, C, H, W)" : m->layout == BNN_LAYOUT_NHWC ?
                           "NHWC (N, H, W, C)" : "(N, C, H, W), (N, H, W, C), (N, H, W) or (H, W, C)";
        bnn_array_free(&a);
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s array of shape %s is not %s images of %dx%dx%d (H x W x C)", path,
                         bnn_dtype_str(dt), shp, want, h, w, c);
    }
    for (int64_t i = 0; i < a.count; i++)
        if (npy_pixel(&a, i) < 0) {
            double v = a.dtype == BNN_DT_F32 ? ((const float *)a.data)[i] : a.dtype == BNN_DT_F64 ?
                       ((const double *)a.data)[i] : (double)bnn_array_get_i64(&a, i);
            enum bnn_dtype dt = a.dtype;
            bnn_array_free(&a);
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: element %lld of the %s array is %g: pixels must be whole numbers "
                             "0..255", path, (long long)i, bnn_dtype_str(dt), v);
        }
    uint8_t *o = grow(m, (int32_t)n, h, w, c);
    if (o) {
        int64_t plane = (int64_t)h * w;
        for (int64_t k = 0; k < n; k++)
            for (int64_t p = 0; p < plane; p++)
                for (int32_t ch = 0; ch < c; ch++) {
                    int64_t src = lay == BNN_LAYOUT_NCHW ? (k * c + ch) * plane + p : (k * plane + p) * c + ch;
                    o[(k * plane + p) * c + ch] = (uint8_t)npy_pixel(&a, src);
                }
        snprintf(m->note, sizeof m->note, "%s %s read as %s: %lld image%s of %dx%dx%d (%s)",
                 bnn_dtype_str(a.dtype), shp, lay == BNN_LAYOUT_NCHW ? "NCHW" : "NHWC", (long long)n, n == 1 ? "" : "s",
                 h, w, c, m->layout ? "--layout" : c == 1 ? "one channel: either order" : "from the shape; --layout to choose");
    }
    bnn_array_free(&a);
    return o ? BNN_OK : bnn__last_status();
}

enum bnn_status bnn_images_append_file(struct bnn_images *m, const char *path, int32_t h, int32_t w, int32_t c)
{
    if (m->n && (m->h != h || m->w != w || m->c != c)) return bnn_error(BNN_ERR_INVALID_ARG, "image batch shape mismatch");
    const uint8_t *buf;
    size_t len;
    void *handle;
    enum bnn_status st = bnn_file_map(path, &buf, &len, &handle);
    if (st) return st;
    if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) { /* gzip: IDX as distributed */
        bnn_file_unmap(buf, len, handle);
        uint8_t *gz;
        if ((st = read_idx_file(path, &gz, &len))) return st;
        st = read_idx(m, path, gz, len, h, w, c);
        free(gz);
        return st;
    } else if (len >= 6 && memcmp(buf, "\x93NUMPY", 6) == 0) {
        st = read_npy_images(m, path, buf, len, h, w, c);
    } else if (len >= 4 && buf[0] == 0 && buf[1] == 0 && (buf[2] == 0x08 || buf[2] == 0x09 || buf[2] >= 0x0b) && buf[3] <= 4 && buf[3]) {
        st = read_idx(m, path, buf, len, h, w, c);
    } else if ((len >= 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0) || (len >= 3 && buf[0] == 0xff && buf[1] == 0xd8) ||
               (len >= 2 && buf[0] == 'B' && buf[1] == 'M') || (len >= 6 && memcmp(buf, "GIF8", 4) == 0)) {
        st = read_picture(m, path, buf, len, h, w, c);
    } else if (len % 3073 == 0 && len) {
        st = read_cifar(m, path, buf, len, h, w, c);
    } else {
        const char *ext = strrchr(path, '.');
        if (ext && strcmp(ext, ".bin") == 0) st = read_cifar(m, path, buf, len, h, w, c);
        else st = bnn_error(BNN_ERR_PARSE, "%s: unknown input format (CIFAR-10 .bin, IDX[.gz], PNG/JPEG, .npy)", path);
    }
    bnn_file_unmap(buf, len, handle);
    return st;
}

/* FINN's expected_output.npy: int64 of shape (N) or (N, 1) */
static enum bnn_status npy_labels(struct bnn_images *m, const char *path, const uint8_t *buf, size_t len, int32_t first,
                                  int32_t count)
{
    struct bnn_array a;
    enum bnn_status st = bnn_npy_parse(buf, len, path, &a);
    if (st) return st;
    char shp[160];
    shape_str(&a, shp, sizeof shp);
    if (a.ndim < 1 || a.ndim > 2 || (a.ndim == 2 && a.shape[1] != 1))
        st = bnn_error(BNN_ERR_INVALID_ARG, "%s: labels must have shape (N) or (N, 1), not %s", path, shp);
    else if (a.shape[0] < count)
        st = bnn_error(BNN_ERR_INVALID_ARG, "%s: %lld labels for %d images", path, (long long)a.shape[0], count);
    for (int32_t i = 0; !st && i < count; i++) {
        int v = npy_pixel(&a, i); /* a class: a whole number, and bnnsim's nets have at most 256 */
        if (v < 0) st = bnn_error(BNN_ERR_INVALID_ARG, "%s: label %d of the %s array is not a class index 0..255", path,
                                  i, bnn_dtype_str(a.dtype));
        else m->labels[first + i] = v;
    }
    bnn_array_free(&a);
    return st;
}

enum bnn_status bnn_images_set_labels(struct bnn_images *m, const char *path, int32_t first, int32_t count)
{
    uint8_t *buf;
    size_t len;
    uint8_t magic[6] = {0};
    FILE *f = bnn__check_regular(path) ? NULL : fopen(path, "rb");
    size_t got = f ? fread(magic, 1, sizeof magic, f) : 0;
    if (f) fclose(f);
    enum bnn_status st;
    if (got == 6 && memcmp(magic, "\x93NUMPY", 6) == 0) {
        if ((st = bnn_file_read_all(path, &buf, &len))) return st;
        st = npy_labels(m, path, buf, len, first, count);
        free(buf);
        return st;
    }
    if ((st = read_idx_file(path, &buf, &len))) return st;
    st = BNN_OK;
    if (len >= 8 && buf[0] == 0 && buf[1] == 0 && buf[2] == 0x08 && buf[3] == 1) {
        uint32_t n = be32(buf + 4);
        if (len < 8 + (size_t)n) st = bnn_error(BNN_ERR_PARSE, "%s: truncated IDX labels (%u declared, %zu present)", path, n, len - 8);
        else if ((int64_t)n < count) st = bnn_error(BNN_ERR_INVALID_ARG, "%s: %u labels for %d images", path, n, count);
        else for (int32_t i = 0; i < count; i++) m->labels[first + i] = buf[8 + i];
    } else {
        st = bnn_error(BNN_ERR_PARSE, "%s: labels must be an IDX1 file of unsigned bytes or a .npy of integers", path);
    }
    free(buf);
    return st;
}
