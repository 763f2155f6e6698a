/* BNN-PYNQ's hw/config.h: one block of #defines per layer. */
#include <stdio.h>

#include "bnnsim/io.h"
#include "core/util.h"
#include "fold/fold-impl.h"

enum { K_K, K_IFM_CH, K_IFM_DIM, K_OFM_CH, K_OFM_DIM, K_MW, K_MH, K_SIMD, K_PE, K_WMEM, K_TMEM, K_WPI, K_WPF, K_API,
       K_APF, K_MMV, K_N };
static const char *const key_names[K_N] = {"K", "IFM_CH", "IFM_DIM", "OFM_CH", "OFM_DIM", "MW", "MH", "SIMD",
                                           "PE", "WMEM", "TMEM", "WPI", "WPF", "API", "APF", "MMV"};

enum bnn_status bnn__read_text(const char *path, char **text, size_t *len)
{
    uint8_t *buf;
    enum bnn_status st = bnn_file_read_all(path, &buf, len);
    if (st) return st;
    char *t = realloc(buf, *len + 1);
    if (!t) {
        free(buf);
        return bnn_error(BNN_ERR_NOMEM, "out of memory");
    }
    t[*len] = 0;
    *text = t;
    return BNN_OK;
}

/* What the network says each define should be (-1: no rule). */
static int64_t expected(const struct bnn_layer *L, int key, const struct bnn_fold_layer *fl)
{
    int conv = L->kind == BNN_LAYER_CONV;
    switch (key) {
    case K_K: return conv ? L->kernel : -1;
    case K_IFM_CH: return conv ? L->in.c : -1;
    case K_IFM_DIM: return conv ? L->in.h : -1;
    case K_OFM_CH: return conv ? L->mh : -1;
    case K_OFM_DIM: return conv ? L->out.h : -1;
    case K_MW: return L->mw;
    case K_MH: return L->mh;
    case K_WMEM: return (int64_t)L->mw * L->mh / ((int64_t)fl->simd * fl->pe);
    case K_TMEM: return L->mh / fl->pe;
    default: return -1;
    }
}

enum bnn_status bnn__fold_parse_config_h(const char *path, const char *text, const struct bnn_net *net, struct bnn_fold *f)
{
    int64_t(*val)[K_N] = bnn__calloc((size_t)f->n + 1, sizeof *val);
    int32_t(*line_of)[K_N] = bnn__calloc((size_t)f->n + 1, sizeof *line_of);
    enum bnn_status st = BNN_OK;
    if (!val || !line_of) { st = BNN_ERR_NOMEM; goto done; }
    int32_t line = 0;
    for (const char *p = text; *p;) {
        line++;
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char buf[512];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf - 1 ? n : sizeof buf - 1), p);
        p = eol ? eol + 1 : p + n;
        char name[128], rest[256];
        if (sscanf(buf, " #define %127s %255[^\n]", name, rest) != 2) continue;
        int32_t li;
        char key[64];
        int used = 0;
        if (sscanf(name, "L%d_%63s%n", &li, key, &used) != 2 || name[0] != 'L') continue; /* not a layer define */
        int k;
        for (k = 0; k < K_N && strcmp(key, key_names[k]); k++) {}
        if (k == K_N) {
            st = bnn_error(BNN_ERR_PARSE, "%s:%d: %s: unknown define (known: L<i>_K, _IFM_CH, _IFM_DIM, _OFM_CH, "
                                          "_OFM_DIM, _MW, _MH, _SIMD, _PE, _WMEM, _TMEM, _WPI, _WPF, _API, _APF, _MMV)",
                           path, line, name);
            goto done;
        }
        if (li < 0 || li >= f->n) {
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s:%d: %s: the network '%s' has matrix layers L0..L%d", path, line,
                           name, net->name, f->n - 1);
            goto done;
        }
        char *end;
        long long v = strtoll(rest, &end, 0);
        while (*end == ' ' || *end == '\t' || *end == '\r') end++;
        if (end == rest || (*end && strncmp(end, "//", 2) && strncmp(end, "/*", 2))) {
            st = bnn_error(BNN_ERR_PARSE, "%s:%d: %s: value '%s' is not an integer", path, line, name, rest);
            goto done;
        }
        if (line_of[li][k]) {
            st = bnn_error(BNN_ERR_PARSE, "%s:%d: %s: defined twice (first on line %d)", path, line, name, line_of[li][k]);
            goto done;
        }
        val[li][k] = v;
        line_of[li][k] = line;
    }
    for (int32_t j = 0; j < f->n; j++) {
        struct bnn_fold_layer *fl = &f->layers[j];
        for (int k = K_SIMD; k <= K_PE; k++) {
            if (!line_of[j][k]) {
                st = bnn_error(BNN_ERR_INVALID_ARG, "%s: L%d_%s: missing (every layer needs L<i>_SIMD and L<i>_PE)",
                               path, j, key_names[k]);
                goto done;
            }
            if (val[j][k] < 1 || val[j][k] > 1 << 20) {
                st = bnn_error(BNN_ERR_INVALID_ARG, "%s:%d: L%d_%s: must be >= 1", path, line_of[j][k], j, key_names[k]);
                goto done;
            }
        }
        fl->simd = (int32_t)val[j][K_SIMD];
        fl->pe = (int32_t)val[j][K_PE];
        fl->defaulted = 0;
        const struct bnn_layer *L = &net->layers[fl->layer];
        if ((st = bnn_fold_check(f, net, path))) goto done;
        for (int k = 0; k < K_N; k++) {
            int64_t e = expected(L, k, fl);
            if (!line_of[j][k] || e < 0 || val[j][k] == e) continue;
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s:%d: L%d_%s = %lld, but layer '%s' of '%s' needs %lld", path,
                           line_of[j][k], j, key_names[k], (long long)val[j][k], L->name, net->name, (long long)e);
            goto done;
        }
    }
done:
    if (st == BNN_ERR_NOMEM) bnn_error(st, "out of memory");
    free(val);
    free(line_of);
    return st;
}

enum bnn_status bnn_fold_save_config_h(const struct bnn_fold *f, const struct bnn_net *net, const char *path)
{
    enum bnn_status st = bnn_fold_check(f, net, path);
    if (st) return st;
    size_t cap = 4096 + (size_t)f->n * 1024, len = 0;
    char *out = malloc(cap);
    if (!out) return bnn_error(BNN_ERR_NOMEM, "out of memory");
#define EMIT(...) len += (size_t)snprintf(out + len, cap - len, __VA_ARGS__)
    EMIT("/* Folding of '%s' in BNN-PYNQ's config.h form, written by bnnsim.\n"
         " * Per layer: shape, SIMD lanes, PEs, weight and threshold memory depth per PE,\n"
         " * weight and activation precision (integer, fraction bits). */\n\n", net->name);
    for (int32_t j = 0; j < f->n; j++) {
        const struct bnn_fold_layer *fl = &f->layers[j];
        const struct bnn_layer *L = &net->layers[fl->layer];
        EMIT("/* %s */\n", L->name);
        if (L->kind == BNN_LAYER_CONV) {
            EMIT("#define L%d_K %d\n#define L%d_IFM_CH %d\n#define L%d_IFM_DIM %d\n#define L%d_OFM_CH %d\n"
                 "#define L%d_OFM_DIM %d\n", j, L->kernel, j, L->in.c, j, L->in.h, j, L->mh, j, L->out.h);
        } else {
            EMIT("#define L%d_MW %d\n#define L%d_MH %d\n", j, L->mw, j, L->mh);
        }
        /* activation bits: of the values the layer gives (BITS: 1; BNN-PYNQ's A2: -1..1, 2 bits) */
        int32_t api = L->act == BNN_ACT_RAW ? 16 : L->out_type == BNN_VT_BITS ? 1 : bnn_value_bits(L->out_lo, L->out_hi);
        EMIT("#define L%d_SIMD %d\n#define L%d_PE %d\n#define L%d_WMEM %lld\n#define L%d_TMEM %d\n"
             "#define L%d_WPI %d\n#define L%d_WPF %d\n#define L%d_API %d\n#define L%d_APF 0\n\n",
             j, fl->simd, j, fl->pe, j, (long long)expected(L, K_WMEM, fl), j, L->mh / fl->pe, j, L->w_bits, j, L->w_frac,
             j, api, j);
    }
#undef EMIT
    st = bnn_file_write_atomic(path, out, len);
    free(out);
    return st;
}
