/* NumPy .npy format (versions 1-3): magic, header length, a Python dict
 * literal with 'descr', 'fortran_order' and 'shape', then the raw data. */
#include <ctype.h>
#include <stdio.h>

#include "bnnsim/io.h"
#include "core/util.h"

static const struct {
    enum bnn_dtype t;
    char kind;
    int size;
    const char *name;
} dtypes[] = {
    {BNN_DT_BOOL, 'b', 1, "bool"}, {BNN_DT_U8, 'u', 1, "uint8"},   {BNN_DT_I8, 'i', 1, "int8"},
    {BNN_DT_U16, 'u', 2, "uint16"}, {BNN_DT_I16, 'i', 2, "int16"}, {BNN_DT_U32, 'u', 4, "uint32"},
    {BNN_DT_I32, 'i', 4, "int32"}, {BNN_DT_U64, 'u', 8, "uint64"}, {BNN_DT_I64, 'i', 8, "int64"},
    {BNN_DT_F32, 'f', 4, "float32"}, {BNN_DT_F64, 'f', 8, "float64"},
};

size_t bnn_dtype_size(enum bnn_dtype t) { return (size_t)dtypes[t].size; }
const char *bnn_dtype_str(enum bnn_dtype t) { return dtypes[t].name; }

int64_t bnn_array_get_i64(const struct bnn_array *a, int64_t i)
{
    const void *p = a->data;
    switch (a->dtype) {
    case BNN_DT_BOOL:
    case BNN_DT_U8: return ((const uint8_t *)p)[i];
    case BNN_DT_I8: return ((const int8_t *)p)[i];
    case BNN_DT_U16: return ((const uint16_t *)p)[i];
    case BNN_DT_I16: return ((const int16_t *)p)[i];
    case BNN_DT_U32: return ((const uint32_t *)p)[i];
    case BNN_DT_I32: return ((const int32_t *)p)[i];
    case BNN_DT_U64: return (int64_t)((const uint64_t *)p)[i];
    case BNN_DT_I64: return ((const int64_t *)p)[i];
    case BNN_DT_F32: return (int64_t)((const float *)p)[i];
    case BNN_DT_F64: return (int64_t)((const double *)p)[i];
    }
    return 0;
}

void bnn_array_free(struct bnn_array *a)
{
    if (!a) return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

/* Fortran order (first index fastest) into C order: walk the C order with a
 * multi-index and keep the Fortran offset alongside it. */
static void from_fortran(struct bnn_array *a, const uint8_t *src, size_t es)
{
    int64_t idx[BNN_ARRAY_MAX_DIMS] = {0}, fstride[BNN_ARRAY_MAX_DIMS], off = 0;
    for (int d = 0; d < a->ndim; d++) fstride[d] = d ? fstride[d - 1] * a->shape[d - 1] : 1;
    uint8_t *dst = a->data;
    for (int64_t i = 0; i < a->count; i++) {
        memcpy(dst + (size_t)i * es, src + (size_t)off * es, es);
        for (int d = a->ndim - 1; d >= 0; d--) {
            off += fstride[d];
            if (++idx[d] < a->shape[d]) break;
            off -= fstride[d] * a->shape[d];
            idx[d] = 0;
        }
    }
}

/* Finds 'key' in the header dict and returns a pointer just past its ':'. */
static const char *dict_value(const char *h, const char *key)
{
    char pat[32];
    for (int q = 0; q < 2; q++) {
        snprintf(pat, sizeof pat, q ? "\"%s\"" : "'%s'", key);
        const char *p = strstr(h, pat);
        if (p) {
            p += strlen(pat);
            while (*p == ' ') p++;
            if (*p != ':') return NULL;
            p++;
            while (*p == ' ') p++;
            return p;
        }
    }
    return NULL;
}

enum bnn_status bnn_npy_parse(const uint8_t *buf, size_t len, const char *where, struct bnn_array *out)
{
    memset(out, 0, sizeof *out);
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return bnn_error(BNN_ERR_PARSE, "%s: not a .npy array (bad magic)", where);
    int major = buf[6];
    size_t hlen, off;
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        off = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12) return bnn_error(BNN_ERR_PARSE, "%s: truncated .npy header", where);
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        off = 12;
    } else {
        return bnn_error(BNN_ERR_PARSE, "%s: unsupported .npy version %d", where, major);
    }
    if (hlen > len - off || hlen > 1 << 20) return bnn_error(BNN_ERR_PARSE, "%s: truncated .npy header", where);
    char *h = malloc(hlen + 1);
    if (!h) return bnn_error(BNN_ERR_NOMEM, "%s: out of memory", where);
    memcpy(h, buf + off, hlen);
    h[hlen] = 0;
    enum bnn_status st = BNN_ERR_PARSE;

    const char *d = dict_value(h, "descr");
    if (!d || (*d != '\'' && *d != '"')) {
        bnn_error(st, "%s: .npy header has no 'descr'", where);
        goto fail;
    }
    /* the quoted type string must be there whole: order, kind, size, closing quote */
    const char *q = strchr(d + 1, *d);
    if (!q || q - d < 4 || q - d > 8) {
        bnn_error(st, "%s: .npy descr is not a quoted type such as '<i8'", where);
        goto fail;
    }
    char order = d[1], kind = d[2];
    int size = atoi(d + 3);
    if (order != '<' && order != '>' && order != '|' && order != '=') {
        bnn_error(st, "%s: .npy descr '%.8s' not understood", where, d + 1);
        goto fail;
    }
    int found = -1;
    for (int i = 0; i < (int)(sizeof dtypes / sizeof dtypes[0]); i++)
        if (dtypes[i].kind == kind && dtypes[i].size == size) found = i;
    if (found < 0) {
        bnn_error(BNN_ERR_UNSUPPORTED, "%s: .npy dtype '%.6s' is not supported (use bool, [u]int8..64, float32/64)",
                  where, d + 1);
        st = BNN_ERR_UNSUPPORTED;
        goto fail;
    }
    out->dtype = dtypes[found].t;

    const char *fo = dict_value(h, "fortran_order");
    if (!fo) {
        bnn_error(st, "%s: .npy header has no 'fortran_order'", where);
        goto fail;
    }
    int fortran = strncmp(fo, "True", 4) == 0;

    const char *sh = dict_value(h, "shape");
    if (!sh || *sh != '(') {
        bnn_error(st, "%s: .npy header has no 'shape'", where);
        goto fail;
    }
    sh++;
    out->count = 1;
    for (;;) {
        while (*sh == ' ' || *sh == ',') sh++;
        if (*sh == ')') break;
        if (!isdigit((unsigned char)*sh) || out->ndim == BNN_ARRAY_MAX_DIMS) {
            bnn_error(st, "%s: .npy shape not understood", where);
            goto fail;
        }
        char *end;
        long long v = strtoll(sh, &end, 10);
        if (v < 0 || v > (1LL << 40)) {
            bnn_error(st, "%s: .npy shape entry %lld out of range", where, v);
            goto fail;
        }
        out->shape[out->ndim++] = v;
        if (__builtin_mul_overflow(out->count, (int64_t)v, &out->count) || out->count > (1LL << 40)) {
            bnn_error(st, "%s: .npy array too large: its shape has more than 2^40 elements", where);
            goto fail;
        }
        sh = end;
    }
    size_t es = (size_t)size, need;
    if (__builtin_mul_overflow((size_t)out->count, es, &need)) {
        bnn_error(st, "%s: .npy array too large", where);
        goto fail;
    }
    off += hlen;
    if (len - off < need) {
        bnn_error(st, "%s: truncated .npy data: %zu of %zu bytes", where, len - off, need);
        goto fail;
    }
    out->data = malloc(need ? need : 1);
    if (!out->data) {
        bnn_error(BNN_ERR_NOMEM, "%s: out of memory", where);
        st = BNN_ERR_NOMEM;
        goto fail;
    }
    if (fortran && out->ndim > 1) from_fortran(out, buf + off, es);
    else memcpy(out->data, buf + off, need);
    if (order == '>' && es > 1) {
        uint8_t *p = out->data;
        for (size_t i = 0; i < need; i += es)
            for (size_t a = 0, b = es - 1; a < b; a++, b--) {
                uint8_t t = p[i + a];
                p[i + a] = p[i + b];
                p[i + b] = t;
            }
    }
    free(h);
    return BNN_OK;
fail:
    free(h);
    memset(out, 0, sizeof *out);
    return st;
}

enum bnn_status bnn_npy_read(const char *path, struct bnn_array *out)
{
    uint8_t *buf;
    size_t len;
    enum bnn_status st = bnn_file_read_all(path, &buf, &len);
    if (st) return st;
    st = bnn_npy_parse(buf, len, path, out);
    free(buf);
    return st;
}

enum bnn_status bnn_npy_encode(const struct bnn_array *a, uint8_t **buf, size_t *len)
{
    char h[512];
    int n = snprintf(h, sizeof h, "{'descr': '%c%c%d', 'fortran_order': False, 'shape': (",
                     dtypes[a->dtype].size == 1 ? '|' : '<', dtypes[a->dtype].kind, dtypes[a->dtype].size);
    for (int i = 0; i < a->ndim; i++) n += snprintf(h + n, sizeof h - (size_t)n, "%lld,%s", (long long)a->shape[i],
                                                    i + 1 < a->ndim ? " " : "");
    if (a->ndim > 1) n--; /* (a, b) not (a, b,) */
    n += snprintf(h + n, sizeof h - (size_t)n, "), }");
    /* Pad with spaces so the data starts 64-byte aligned; newline last. */
    size_t total_h = 10 + (size_t)n + 1;
    size_t pad = (64 - total_h % 64) % 64;
    size_t hl = (size_t)n + pad + 1;
    size_t data = (size_t)a->count * bnn_dtype_size(a->dtype);
    uint8_t *p = malloc(10 + hl + data);
    if (!p) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    memcpy(p, "\x93NUMPY\x01\x00", 8);
    p[8] = (uint8_t)(hl & 0xff);
    p[9] = (uint8_t)(hl >> 8);
    memcpy(p + 10, h, (size_t)n);
    memset(p + 10 + n, ' ', pad);
    p[10 + hl - 1] = '\n';
    if (data) memcpy(p + 10 + hl, a->data, data);
    *buf = p;
    *len = 10 + hl + data;
    return BNN_OK;
}

enum bnn_status bnn_npy_write(const char *path, const struct bnn_array *a)
{
    uint8_t *buf;
    size_t len;
    enum bnn_status st = bnn_npy_encode(a, &buf, &len);
    if (st) return st;
    st = bnn_file_write_atomic(path, buf, len);
    free(buf);
    return st;
}
