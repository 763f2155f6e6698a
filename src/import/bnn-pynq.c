/* BNN-PYNQ per-PE parameter files -> bnnsim network + folding.
 *
 * <L>-<pe>-weights.bin: little-endian uint64, WMEM = NF*SF entries; entry
 * nf*SF + sf holds row nf*PE + pe, columns sf*SIMD + i in bit i (1 = +1).
 * A short file leaves the missing entries 0 (all -1), as BNN-PYNQ's loader
 * does. <L>-<pe>-thres.bin: little-endian int64, TMEM = NF entries; entry nf
 * belongs to row nf*PE + pe; BNN-PYNQ fires when T < acc, bnnsim when
 * T' <= acc, so T' = T + 1 exactly (all values are integers).
 * PE and SIMD are BNN-PYNQ's published ones, or those of a config.h in the
 * same directory (bnn_export_bnn_pynq writes one), checked against the net. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "bnnsim/import.h"
#include "bnnsim/io.h"
#include "core/util.h"

struct spec {
    enum bnn_layer_kind kind;
    const char *name;
    int32_t mh;      /* rows */
    int32_t pe, simd;
    int pool_after;  /* a 2x2 max-pool follows (named pool<index>) */
};

static const struct spec cnv[] = {
    {BNN_LAYER_CONV, "conv0", 64, 16, 3, 0},   {BNN_LAYER_CONV, "conv1", 64, 32, 32, 1},
    {BNN_LAYER_CONV, "conv2", 128, 16, 32, 0}, {BNN_LAYER_CONV, "conv3", 128, 16, 32, 1},
    {BNN_LAYER_CONV, "conv4", 256, 4, 32, 0},  {BNN_LAYER_CONV, "conv5", 256, 1, 32, 0},
    {BNN_LAYER_FC, "fc6", 512, 1, 4, 0},       {BNN_LAYER_FC, "fc7", 512, 1, 8, 0},
    {BNN_LAYER_FC, "fc8", 64, 4, 1, 0},
};
static const struct spec lfc[] = {
    {BNN_LAYER_FC, "fc0", 1024, 32, 64, 0}, {BNN_LAYER_FC, "fc1", 1024, 64, 32, 0},
    {BNN_LAYER_FC, "fc2", 1024, 32, 64, 0}, {BNN_LAYER_FC, "fc3", 64, 16, 8, 0},
};

static const char *const network_names[] = {"cnvW1A1", "lfcW1A1", "cnvW1A2", "cnvW2A2", "lfcW1A2"};

enum bnn_status bnn_pynq_network_parse(const char *s, enum bnn_pynq_network *out)
{
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, network_names[i])) return *out = (enum bnn_pynq_network)i, BNN_OK;
    return bnn_error(BNN_ERR_INVALID_ARG, "unknown BNN-PYNQ network '%s' (cnvW1A1, lfcW1A1, cnvW1A2, cnvW2A2, lfcW1A2)", s);
}

/* Per layer, what config.h says of its precision. */
struct precision {
    int32_t wpi, api;
};

static enum bnn_status read_words(const char *path, int64_t max_entries, int allow_short, uint8_t **buf, int64_t *n)
{
    size_t len;
    enum bnn_status st = bnn_file_read_all(path, buf, &len);
    if (st) return st;
    if (len % 8) {
        free(*buf);
        return bnn_error(BNN_ERR_PARSE, "%s: size %zu is not a whole number of 64-bit entries (truncated?)", path, len);
    }
    *n = (int64_t)(len / 8);
    if (*n > max_entries || (!allow_short && *n != max_entries)) {
        free(*buf);
        return bnn_error(BNN_ERR_PARSE, "%s: %lld entries, expected %s%lld", path, (long long)*n,
                         allow_short ? "at most " : "", (long long)max_entries);
    }
    return BNN_OK;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static enum bnn_status read_layer(const char *dir, int32_t li, const struct spec *s, struct bnn_layer *L,
                                  struct bnn_warnings *warn)
{
    const int32_t NF = L->mh / s->pe, SF = L->mw / s->simd, wb = L->w_bits, lane = s->simd * wb;
    char path[4200];
    if (lane > 64)
        return bnn_error(BNN_ERR_INVALID_ARG, "%s/config.h: layer %d: SIMD=%d x WPI=%d = %d bits do not fit a 64-bit "
                                              "weight entry", dir, li, s->simd, wb, lane);
    if (!(L->weights = bnn__calloc((size_t)L->mh * L->mw, 1))) return BNN_ERR_NOMEM;
    if (L->act == BNN_ACT_THRESHOLD && !(L->thresholds = bnn__calloc((size_t)L->mh * L->n_thr, sizeof(int64_t))))
        return BNN_ERR_NOMEM;
    for (int32_t pe = 0; pe < s->pe; pe++) {
        uint8_t *buf;
        int64_t n;
        snprintf(path, sizeof path, "%s/%d-%d-weights.bin", dir, li, pe);
        enum bnn_status st = read_words(path, (int64_t)NF * SF, 1, &buf, &n);
        if (st) return st;
        /* BNN-PYNQ's loader leaves missing entries 0 (all -1); its SVHN network really ships short files */
        if (n < (int64_t)NF * SF)
            bnn__warn(warn, "%s: %lld of its %lld weight entries (WMEM) present; the other %lld are -1, as BNN-PYNQ's "
                            "loader leaves them", path, (long long)n, (long long)NF * SF, (long long)((int64_t)NF * SF - n));
        for (int64_t e = 0; e < n; e++) {
            uint64_t w = le64(buf + 8 * e);
            int32_t nf = (int32_t)(e / SF), sf = (int32_t)(e % SF);
            if (lane < 64 && (w >> lane)) {
                free(buf);
                return bnn_error(BNN_ERR_PARSE, "%s: entry %lld has bits set at or above SIMD x WPI = %d (corrupt file?)",
                                 path, (long long)e, lane);
            }
            int32_t r = nf * s->pe + pe;
            for (int32_t i = 0; i < s->simd; i++) {
                uint32_t code = (uint32_t)(w >> (i * wb)) & ((1u << wb) - 1);
                /* WPI > 1: ap_int<WPI>, two's complement, kept as an int8 */
                int32_t v = wb == 1 ? (int32_t)code : (int32_t)(code ^ (1u << (wb - 1))) - (1 << (wb - 1));
                L->weights[(size_t)r * L->mw + (size_t)sf * s->simd + i] = (uint8_t)(int8_t)v;
            }
        }
        free(buf);
        if (L->act != BNN_ACT_THRESHOLD) continue;
        snprintf(path, sizeof path, "%s/%d-%d-thres.bin", dir, li, pe);
        const int32_t nt = L->n_thr;
        if ((st = read_words(path, (int64_t)NF * nt, 0, &buf, &n))) return st;
        for (int32_t nf = 0; nf < NF; nf++)
            for (int32_t t = 0; t < nt; t++) {
                const int64_t v = (int64_t)le64(buf + 8 * ((size_t)nf * nt + t));
                int64_t *row = L->thresholds + (size_t)(nf * s->pe + pe) * nt;
                if (v == INT64_MAX) { /* T + 1 would not fit */
                    free(buf);
                    return bnn_error(BNN_ERR_PARSE, "%s: layer %d, TMEM entry %d: threshold %lld out of range", path, li,
                                     nf, (long long)v);
                }
                if (t && v + 1 < row[t - 1]) {
                    free(buf);
                    return bnn_error(BNN_ERR_PARSE, "%s: layer %d, TMEM entry %d (row %d): thresholds %lld, %lld are not "
                                                    "ascending", path, li, nf, nf * s->pe + pe, (long long)row[t - 1] - 1,
                                     (long long)v);
                }
                row[t] = v + 1;
            }
        free(buf);
    }
    if (L->act == BNN_ACT_THRESHOLD) {
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (int32_t r = 0; r < L->mh * L->n_thr; r++) {
            lo = BNN_MIN(lo, L->thresholds[r]);
            hi = BNN_MAX(hi, L->thresholds[r]);
        }
        L->thr_bits = bnn__signed_bits(lo, hi);
    }
    return BNN_OK;
}

/* PE and SIMD from a config.h beside the .bin files (bnnsim's export writes
 * one; BNN-PYNQ's own sits in hw/), else BNN-PYNQ's published folding. */
static enum bnn_status read_folding(const char *dir, int32_t n_mat, const struct spec *sp, int32_t *pe, int32_t *simd,
                                    struct precision *prec, int *found)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/config.h", dir);
    for (int32_t m = 0; m < n_mat; m++) pe[m] = sp[m].pe, simd[m] = sp[m].simd, prec[m] = (struct precision){1, 1};
    *found = 0;
    if (access(path, F_OK) == 0 && bnn__check_regular(path)) return bnn__last_status();
    FILE *f = fopen(path, "r");
    if (!f) return BNN_OK;
    *found = 1;
    char line[512];
    int32_t seen = 0;
    while (fgets(line, sizeof line, f)) {
        int32_t li;
        long v;
        char key[32];
        if (sscanf(line, " #define L%d_%31[A-Z_] %ld", &li, key, &v) != 3 || li < 0 || li >= n_mat) continue;
        if (!strcmp(key, "PE")) pe[li] = (int32_t)v, seen |= 1;
        if (!strcmp(key, "SIMD")) simd[li] = (int32_t)v, seen |= 2;
        if (!strcmp(key, "WPI")) prec[li].wpi = (int32_t)v;
        if (!strcmp(key, "API")) prec[li].api = (int32_t)v;
        if ((!strcmp(key, "WPF") || !strcmp(key, "APF")) && v != 0) {
            fclose(f);
            return bnn_error(BNN_ERR_UNSUPPORTED, "%s: L%d_%s = %ld: fraction bits are not supported in BNN-PYNQ imports",
                             path, li, key, v);
        }
    }
    fclose(f);
    if (seen != 3) return bnn_error(BNN_ERR_PARSE, "%s: no L<i>_PE / L<i>_SIMD defines", path);
    for (int32_t m = 0; m < n_mat; m++)
        if (prec[m].wpi < 1 || prec[m].wpi > 8 || prec[m].api < 1 || (prec[m].api > 8 && m < n_mat - 1))
            return bnn_error(BNN_ERR_UNSUPPORTED, "%s: layer %d: WPI=%d, API=%d; bnnsim takes 1..8 bits", path, m,
                             prec[m].wpi, prec[m].api);
    for (int32_t m = 0; m < n_mat; m++)
        if (pe[m] < 1 || simd[m] < 1 || sp[m].mh % pe[m])
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: L%d_PE=%d / L%d_SIMD=%d do not fold layer %d", path, m, pe[m], m,
                             simd[m], m);
    return BNN_OK;
}

static enum bnn_status read_classes(const char *dir, struct bnn_net *net)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/classes.txt", dir);
    uint8_t *buf;
    size_t len;
    enum bnn_status st = bnn_file_read_all(path, &buf, &len);
    if (st) return st;
    char *text = realloc(buf, len + 1);
    if (!text) { free(buf); return bnn_error(BNN_ERR_NOMEM, "out of memory"); }
    text[len] = 0;
    char *lines[1024];
    int32_t n = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && n < 1024; line = strtok_r(NULL, "\n", &save)) {
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\r' || line[l - 1] == ' ')) line[--l] = 0;
        lines[n++] = line;
    }
    while (n && !lines[n - 1][0]) n--; /* svhn ends with an empty line */
    if (n < 1) { free(text); return bnn_error(BNN_ERR_PARSE, "%s: no class names", path); }
    if (!(net->class_names = bnn__calloc((size_t)n, sizeof(char *)))) { free(text); return BNN_ERR_NOMEM; }
    net->n_classes = n;
    for (int32_t i = 0; i < n; i++)
        if (!(net->class_names[i] = bnn__strdup(lines[i]))) { free(text); return BNN_ERR_NOMEM; }
    free(text);
    return BNN_OK;
}

enum bnn_status bnn_pynq_import(enum bnn_pynq_network which, const char *dir, struct bnn_net **out_net,
                                struct bnn_fold **out_fold, struct bnn_warnings *warn)
{
    *out_net = NULL;
    if (out_fold) *out_fold = NULL;
    const int is_cnv = which == BNN_PYNQ_CNV_W1A1 || which == BNN_PYNQ_CNV_W1A2 || which == BNN_PYNQ_CNV_W2A2;
    const int multibit = which >= BNN_PYNQ_CNV_W1A2;
    const struct spec *sp = is_cnv ? cnv : lfc;
    const int32_t n_mat = is_cnv ? 9 : 4;
    enum bnn_status st = BNN_ERR_NOMEM;
    struct bnn_fold *fold = NULL;
    struct bnn_net *net = bnn__calloc(1, sizeof *net);
    if (!net) return BNN_ERR_NOMEM;
    char dirn[4096];
    snprintf(dirn, sizeof dirn, "%s", dir);
    size_t dl = strlen(dirn);
    while (dl > 1 && dirn[dl - 1] == '/') dirn[--dl] = 0;
    snprintf(net->name, sizeof net->name, "%s", bnn__basename(dirn));
    char desc[512];
    snprintf(desc, sizeof desc, "BNN-PYNQ %s imported from %s (trained parameters, BSD-3-Clause, Xilinx)",
             network_names[which], bnn__basename(dirn));
    if (!(net->description = bnn__strdup(desc))) goto fail;
    if ((st = read_classes(dirn, net))) goto fail;

    net->n_layers = 1 + n_mat + (is_cnv ? 2 : 0) + 1;
    st = BNN_ERR_NOMEM;
    if (!(net->layers = bnn__calloc((size_t)net->n_layers, sizeof *net->layers))) goto fail;
    struct bnn_layer *L = net->layers;
    snprintf(L->name, sizeof L->name, "in");
    L->kind = BNN_LAYER_INPUT;
    if (is_cnv) {
        /* ap_fixed<8,1> of -1 + 2p/255, rounded half up, saturated */
        L->out = (struct bnn_shape){32, 32, 3};
        L->input = (struct bnn_input_spec){.kind = BNN_INPUT_FIXED, .bits = 8, .frac = 7, .is_signed = true,
                                           .range_lo = -1, .range_hi = 1};
    } else {
        L->out = (struct bnn_shape){28, 28, 1};
        L->input = (struct bnn_input_spec){.kind = BNN_INPUT_BINARY, .binarize_threshold = 128};
    }
    struct bnn_shape shape = L->out;
    int32_t li = 1, pe_of[9], simd_of[9];
    struct precision prec[9];
    int have_config;
    if ((st = read_folding(dirn, n_mat, sp, pe_of, simd_of, prec, &have_config))) goto fail;
    if (multibit && !have_config) {
        st = bnn_error(BNN_ERR_IO, "%s/config.h: cannot open: the 2-bit networks take WPI and API from it (BNN-PYNQ's "
                                   "bnn/src/network/%s/hw/config.h)", dirn, network_names[which]);
        goto fail;
    }
    if (!multibit)
        for (int32_t m = 0; m < n_mat; m++)
            if (prec[m].wpi != 1 || (prec[m].api != 1 && !(is_cnv && m == n_mat - 1))) {
                st = bnn_error(BNN_ERR_INVALID_ARG, "%s/config.h: layer %d has WPI=%d, API=%d, but %s is a W1A1 network "
                                                    "(import it as its 2-bit variant)", dirn, m, prec[m].wpi, prec[m].api,
                               network_names[which]);
                goto fail;
            }
    st = BNN_ERR_NOMEM;
    if (out_fold && !(fold = bnn__calloc(1, sizeof *fold))) goto fail;
    if (fold && !(fold->layers = bnn__calloc((size_t)n_mat, sizeof *fold->layers))) goto fail;
    for (int32_t m = 0; m < n_mat; m++) {
        bnn__progress("import: reading layers", m, n_mat);
        struct spec sm = sp[m];
        sm.pe = pe_of[m];
        sm.simd = simd_of[m];
        const struct spec *s = &sm;
        L = &net->layers[li];
        L->kind = s->kind;
        snprintf(L->name, sizeof L->name, "%s", s->name);
        L->mh = s->mh;
        L->act = is_cnv && m == n_mat - 1 ? BNN_ACT_RAW : BNN_ACT_THRESHOLD;
        snprintf(L->weights_tensor, sizeof L->weights_tensor, "%.60s.W", s->name);
        if (L->act == BNN_ACT_THRESHOLD) snprintf(L->thresholds_tensor, sizeof L->thresholds_tensor, "%.60s.T", s->name);
        if (s->kind == BNN_LAYER_CONV) {
            L->kernel = 3;
            L->stride = 1;
            L->mw = 9 * shape.c;
            shape = (struct bnn_shape){shape.h - 2, shape.w - 2, s->mh};
        } else {
            L->mw = shape.h * shape.w * shape.c;
            if (!is_cnv && m == 0) {
                L->in_pad = 832 - 784; /* 13 x 64-bit words; weight 1, input 0 */
                L->in_pad_value = 0;
                L->mw = 832;
            }
            shape = (struct bnn_shape){1, 1, s->mh};
        }
        if (is_cnv && m == 0) L->thr_frac = 8; /* Q1.7 inputs, thresholds in 1/256 */
        L->w_bits = prec[m].wpi;
        L->w_signed = L->w_bits > 1;
        if (L->act == BNN_ACT_THRESHOLD) {
            /* ThresholdsActivation<TMEM, PE, API, ..., ActVal -1>: API thresholds (one for API 1, ActVal 0) */
            L->n_thr = prec[m].api;
            L->act_bias = prec[m].api > 1 ? -1 : 0;
        }
        /* Recast<Binary> x Binary in the 2-bit sets: the +-1 dot product (XnorMul in W1A1) */
        const int bits_in = m == 0 ? !is_cnv : prec[m - 1].api == 1;
        if (multibit && bits_in && L->w_bits == 1) L->acc_kind = BNN_ACC_DOT;
        if (L->mw % s->simd) {
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s/config.h: L%d_SIMD=%d does not divide MW=%d", dirn, m, s->simd, L->mw);
            goto fail;
        }
        if ((st = read_layer(dirn, m, s, L, warn))) goto fail;
        if (fold) {
            fold->layers[m] = (struct bnn_fold_layer){li, s->pe, s->simd, 0};
            fold->n++;
        }
        li++;
        if (s->pool_after) {
            L = &net->layers[li];
            L->kind = BNN_LAYER_MAXPOOL;
            snprintf(L->name, sizeof L->name, "pool%d", m);
            L->kernel = L->stride = 2;
            shape = (struct bnn_shape){shape.h / 2, shape.w / 2, shape.c};
            li++;
        }
    }
    L = &net->layers[li];
    L->kind = BNN_LAYER_LABELSELECT;
    snprintf(L->name, sizeof L->name, "top");
    L->top_k = 1;
    if ((st = bnn_net_finalize(net, dirn))) goto fail;
    if (fold && (st = bnn_fold_check(fold, net, dirn))) goto fail;
    if (have_config) { /* the whole config.h must agree with the network */
        char path[4200];
        snprintf(path, sizeof path, "%s/config.h", dirn);
        struct bnn_fold *chk = NULL;
        if ((st = bnn_fold_load(path, net, &chk))) goto fail;
        bnn_fold_free(chk);
    }
    bnn__progress("import: reading layers", n_mat, n_mat);
    *out_net = net;
    if (out_fold) *out_fold = fold;
    return BNN_OK;
fail:
    bnn_net_free(net);
    bnn_fold_free(fold);
    return st;
}
