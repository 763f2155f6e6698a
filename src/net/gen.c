/* Deterministic, UNTRAINED networks shaped as the FINN paper's SFC, LFC and
 * CNV (finn-paper.md section 2). Weights are fair coin flips from
 * splitmix64(seed). Thresholds are calibrated layer by layer: each row's
 * threshold is the median of its accumulator over 16 generated calibration
 * images (discs of random colour on a gradient), so every channel fires
 * about half the time and outputs still depend on the input. Random
 * thresholds would not do: OR-pooling saturates the maps and a deep random
 * BNN then gives the same output for every image. */
#include <math.h>
#include <stdio.h>

#include "bnnsim/exec.h"
#include "bnnsim/net.h"
#include "core/util.h"

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

enum bnn_status bnn_topology_parse(const char *s, enum bnn_topology *out)
{
    if (strcmp(s, "sfc") == 0) *out = BNN_TOPO_SFC;
    else if (strcmp(s, "lfc") == 0) *out = BNN_TOPO_LFC;
    else if (strcmp(s, "cnv") == 0) *out = BNN_TOPO_CNV;
    else if (strcmp(s, "tfc") == 0) *out = BNN_TOPO_TFC;
    else return bnn_error(BNN_ERR_INVALID_ARG, "unknown topology '%s' (sfc, lfc, tfc, cnv)", s);
    return BNN_OK;
}

struct lspec {
    enum bnn_layer_kind kind;
    const char *name;
    int32_t n; /* out channels / features, or pool kernel */
};

/* Calibration pictures: a background gradient and three discs. */
static void calib_images(uint64_t *s, const struct bnn_shape *in, int32_t n, uint8_t *px)
{
    for (int32_t i = 0; i < n; i++) {
        uint8_t *img = px + (size_t)i * in->h * in->w * in->c;
        int32_t base[4], grad[4];
        for (int c = 0; c < in->c && c < 4; c++) base[c] = (int32_t)(splitmix64(s) % 200), grad[c] = (int32_t)(splitmix64(s) % 5);
        double cx[3], cy[3], r[3];
        int32_t col[3][4];
        for (int d = 0; d < 3; d++) {
            cx[d] = (double)(splitmix64(s) % (uint64_t)in->w);
            cy[d] = (double)(splitmix64(s) % (uint64_t)in->h);
            r[d] = 2.0 + (double)(splitmix64(s) % (uint64_t)(in->w / 3 + 1));
            for (int c = 0; c < 4; c++) col[d][c] = (int32_t)(splitmix64(s) % 256);
        }
        for (int32_t y = 0; y < in->h; y++)
            for (int32_t x = 0; x < in->w; x++)
                for (int32_t c = 0; c < in->c; c++) {
                    int32_t v = in->c == 1 ? 0 : base[c % 4] + grad[c % 4] * (x + y) / 2;
                    for (int d = 0; d < 3; d++)
                        if ((x - cx[d]) * (x - cx[d]) + (y - cy[d]) * (y - cy[d]) < r[d] * r[d]) v = in->c == 1 ? 255 : col[d][c % 4];
                    img[((size_t)y * in->w + x) * in->c + c] = (uint8_t)(v > 255 ? 255 : v);
                }
    }
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Sets layer li's thresholds to the per-row median accumulator over the
 * calibration images, running the network truncated after li as raw. */
static enum bnn_status calibrate(struct bnn_net *net, int32_t li, const uint8_t *px, int32_t n_img)
{
    struct bnn_layer *L = &net->layers[li];
    struct bnn_net cut = *net;
    struct bnn_layer *layers = bnn__calloc((size_t)li + 1, sizeof *layers);
    if (!layers) return BNN_ERR_NOMEM;
    memcpy(layers, net->layers, ((size_t)li + 1) * sizeof *layers);
    layers[li].act = BNN_ACT_RAW;
    layers[li].out_type = BNN_VT_INT;
    cut.layers = layers;
    cut.n_layers = li + 1;
    cut.n_classes = 1;
    struct bnn_plan *plan;
    struct bnn_plan_options po = {BNN_ENGINE_REF, 1};
    enum bnn_status st = bnn_plan_create(&cut, &po, &plan);
    const size_t px_per = (size_t)L->out.h * L->out.w, per_img = px_per * L->mh;
    const size_t img_bytes = (size_t)net->layers[0].out.h * net->layers[0].out.w * net->layers[0].out.c;
    int32_t *acc = st ? NULL : bnn__calloc(per_img * (size_t)n_img, sizeof *acc);
    int32_t *col = acc ? bnn__calloc(px_per * (size_t)n_img, sizeof *col) : NULL;
    if (!st && !col) st = BNN_ERR_NOMEM;
    for (int32_t i = 0; !st && i < n_img; i++) {
        bnn_plan_run(plan, px + i * img_bytes, 1, NULL, NULL);
        bnn_plan_layer_output(plan, li, acc + i * per_img);
    }
    for (int32_t r = 0; !st && r < L->mh; r++) {
        size_t k = 0;
        for (int32_t i = 0; i < n_img; i++)
            for (size_t p = 0; p < px_per; p++) col[k++] = acc[i * per_img + p * L->mh + (size_t)r];
        qsort(col, k, sizeof *col, cmp_i32);
        L->thresholds[r] = col[k / 2] + 1; /* strictly above the median fires: about half */
    }
    free(col);
    free(acc);
    if (!st) bnn_plan_free(plan);
    free(layers);
    return st;
}

static const char *const mnist_classes[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
static const char *const cifar_classes[] = {"airplane", "automobile", "bird", "cat",  "deer",
                                            "dog",      "frog",       "horse", "ship", "truck"};

enum bnn_status bnn_net_generate(const struct bnn_gen_options *opt, struct bnn_net **out)
{
    *out = NULL;
    const int cnv = opt->topology == BNN_TOPO_CNV;
    const int32_t hidden = opt->topology == BNN_TOPO_SFC ? 256 : opt->topology == BNN_TOPO_TFC ? 64 : 1024;
    static const char *const tname[] = {"sfc", "lfc", "cnv", "tfc"}, *const tdesc[] = {"FINN paper SFC", "FINN paper LFC",
                                                                                        "FINN paper CNV", "FINN examples' TFC"};
    const int32_t rows = opt->out_rows >= 10 ? opt->out_rows : 10;
    struct lspec cnv_l[] = {{BNN_LAYER_CONV, "conv0", 64},  {BNN_LAYER_CONV, "conv1", 64},  {BNN_LAYER_MAXPOOL, "pool1", 2},
                            {BNN_LAYER_CONV, "conv2", 128}, {BNN_LAYER_CONV, "conv3", 128}, {BNN_LAYER_MAXPOOL, "pool3", 2},
                            {BNN_LAYER_CONV, "conv4", 256}, {BNN_LAYER_CONV, "conv5", 256}, {BNN_LAYER_FC, "fc6", 512},
                            {BNN_LAYER_FC, "fc7", 512},     {BNN_LAYER_FC, "fc8", rows}};
    struct lspec fc_l[] = {{BNN_LAYER_FC, "fc0", hidden}, {BNN_LAYER_FC, "fc1", hidden}, {BNN_LAYER_FC, "fc2", hidden},
                           {BNN_LAYER_FC, "fc3", rows}};
    const struct lspec *ls = cnv ? cnv_l : fc_l;
    const int32_t nl = cnv ? 11 : 4;
    uint64_t s = opt->seed * 0x2545f4914f6cdd1dull + (uint64_t)opt->topology;

    struct bnn_net *net = bnn__calloc(1, sizeof *net);
    if (!net) return BNN_ERR_NOMEM;
    enum bnn_status st = BNN_ERR_NOMEM;
    snprintf(net->name, sizeof net->name, "%s-untrained-seed%llu", tname[opt->topology], (unsigned long long)opt->seed);
    char desc[300];
    snprintf(desc, sizeof desc,
             "UNTRAINED: %s topology with generated weights and thresholds (bnnsim gen net, seed %llu); "
             "its classes mean nothing", tdesc[opt->topology], (unsigned long long)opt->seed);
    if (!(net->description = bnn__strdup(desc))) goto fail;
    net->n_classes = 10;
    if (!(net->class_names = bnn__calloc(10, sizeof(char *)))) goto fail;
    for (int i = 0; i < 10; i++)
        if (!(net->class_names[i] = bnn__strdup(cnv ? cifar_classes[i] : mnist_classes[i]))) goto fail;
    net->n_layers = nl + 2;
    if (!(net->layers = bnn__calloc((size_t)net->n_layers, sizeof *net->layers))) goto fail;
    struct bnn_layer *L = &net->layers[0];
    snprintf(L->name, sizeof L->name, "in");
    if (cnv) {
        L->out = (struct bnn_shape){32, 32, 3};
        L->input = (struct bnn_input_spec){.kind = BNN_INPUT_FIXED, .bits = 8, .frac = 7, .is_signed = true,
                                           .range_lo = -1, .range_hi = 1};
    } else {
        L->out = (struct bnn_shape){28, 28, 1};
        L->input = (struct bnn_input_spec){.kind = BNN_INPUT_BINARY, .binarize_threshold = 128};
    }
    struct bnn_shape sh = L->out;
    for (int32_t i = 0; i < nl; i++) {
        L = &net->layers[i + 1];
        L->kind = ls[i].kind;
        snprintf(L->name, sizeof L->name, "%s", ls[i].name);
        if (L->kind == BNN_LAYER_MAXPOOL) {
            L->kernel = L->stride = ls[i].n;
            sh = (struct bnn_shape){(sh.h - 2) / 2 + 1, (sh.w - 2) / 2 + 1, sh.c};
            continue;
        }
        int first = i == 0, last = i == nl - 1;
        L->mh = ls[i].n;
        if (L->kind == BNN_LAYER_CONV) {
            L->kernel = 3;
            L->stride = 1;
            L->mw = 9 * sh.c;
            sh = (struct bnn_shape){sh.h - 2, sh.w - 2, L->mh};
        } else {
            L->in_pad = !cnv && first ? opt->fc_in_pad : 0;
            L->mw = sh.h * sh.w * sh.c + L->in_pad;
            sh = (struct bnn_shape){1, 1, L->mh};
        }
        snprintf(L->weights_tensor, sizeof L->weights_tensor, "%.60s.W", L->name);
        if (!(L->weights = bnn__calloc((size_t)L->mh * L->mw, 1))) goto fail;
        for (size_t k = 0; k < (size_t)L->mh * L->mw; k++) L->weights[k] = (uint8_t)(splitmix64(&s) >> 63);
        /* Padding columns: weight +1 against input -1, adding nothing (as BNN-PYNQ pads). */
        for (int32_t r = 0; r < L->mh; r++)
            for (int32_t c = L->mw - L->in_pad; c < L->mw; c++) L->weights[(size_t)r * L->mw + c] = 1;
        /* Padding rows past the 10 classes: thresholds no accumulator reaches. */
        L->act = (cnv || opt->topology == BNN_TOPO_TFC) && last ? BNN_ACT_RAW : BNN_ACT_THRESHOLD; /* as FINN builds them */
        if (L->act == BNN_ACT_RAW) continue;
        snprintf(L->thresholds_tensor, sizeof L->thresholds_tensor, "%.60s.T", L->name);
        L->n_thr = 1;
        if (!(L->thresholds = bnn__calloc((size_t)L->mh, sizeof(int64_t)))) goto fail;
        L->thr_bits = 64; /* narrowed after calibration */
    }
    L = &net->layers[nl + 1];
    L->kind = BNN_LAYER_LABELSELECT;
    snprintf(L->name, sizeof L->name, "top");
    L->top_k = 1;
    if ((st = bnn_net_finalize(net, "generator"))) goto fail; /* shapes and types */
    /* Calibrate thresholds front to back (each sees the calibrated layers before it). */
    enum { N_CAL = 16 };
    const struct bnn_shape *in = &net->layers[0].out;
    uint8_t *cal = bnn__calloc((size_t)N_CAL * in->h * in->w * in->c, 1);
    if (!cal) goto fail;
    calib_images(&s, in, N_CAL, cal);
    for (int32_t i = 1; i <= nl; i++) {
        L = &net->layers[i];
        if (L->kind == BNN_LAYER_MAXPOOL) continue;
        if (L->act == BNN_ACT_RAW) continue;
        if ((st = calibrate(net, i, cal, N_CAL))) { free(cal); goto fail; }
        if (i == nl)
            for (int32_t r = 10; r < L->mh; r++) L->thresholds[r] = L->mw + 1; /* padding rows never fire */
        int64_t lo = L->thresholds[0], hi = L->thresholds[0];
        for (int32_t r = 1; r < L->mh; r++) lo = BNN_MIN(lo, L->thresholds[r]), hi = BNN_MAX(hi, L->thresholds[r]);
        L->thr_bits = bnn__signed_bits(lo, hi);
    }
    free(cal);
    if ((st = bnn_net_finalize(net, "generator"))) goto fail;
    *out = net;
    return BNN_OK;
fail:
    bnn_net_free(net);
    return st;
}
