/* Deterministic, UNTRAINED networks shaped as the FINN paper's SFC, LFC and
 * CNV (finn-paper.md section 2). Weights are fair coin flips from
 * splitmix64(seed); each threshold sits near the middle of its row's
 * accumulator range, T = round(mean) + u with u uniform in [-sd, +sd], so
 * about half the outputs fire and every layer carries information. */
#include <math.h>
#include <stdio.h>

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
    else return bnn_error(BNN_ERR_INVALID_ARG, "unknown topology '%s' (sfc, lfc, cnv)", s);
    return BNN_OK;
}

struct lspec {
    enum bnn_layer_kind kind;
    const char *name;
    int32_t n; /* out channels / features, or pool kernel */
};

static const char *const mnist_classes[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
static const char *const cifar_classes[] = {"airplane", "automobile", "bird", "cat",  "deer",
                                            "dog",      "frog",       "horse", "ship", "truck"};

enum bnn_status bnn_net_generate(const struct bnn_gen_options *opt, struct bnn_net **out)
{
    *out = NULL;
    const int cnv = opt->topology == BNN_TOPO_CNV;
    const int32_t hidden = opt->topology == BNN_TOPO_SFC ? 256 : 1024;
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
    snprintf(net->name, sizeof net->name, "%s-untrained-seed%llu", cnv ? "cnv" : opt->topology == BNN_TOPO_SFC ? "sfc" : "lfc",
             (unsigned long long)opt->seed);
    char desc[300];
    snprintf(desc, sizeof desc,
             "UNTRAINED: FINN paper %s topology with generated weights and thresholds (bnnsim gen net, seed %llu); "
             "its classes mean nothing", cnv ? "CNV" : opt->topology == BNN_TOPO_SFC ? "SFC" : "LFC",
             (unsigned long long)opt->seed);
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
        L->act = cnv && last ? BNN_ACT_RAW : BNN_ACT_THRESHOLD;
        if (L->act == BNN_ACT_RAW) continue;
        snprintf(L->thresholds_tensor, sizeof L->thresholds_tensor, "%.60s.T", L->name);
        L->n_thr = 1;
        if (!(L->thresholds = bnn__calloc((size_t)L->mh, sizeof(int64_t)))) goto fail;
        int32_t k = L->mw - L->in_pad;
        /* Popcount of k random agreements: mean k/2, sd sqrt(k)/2. For CNV's
           fixed-point first layer acc = sum +-q: mean 0, sd ~ 74 sqrt(k). */
        double mean = first && cnv ? 0.0 : k / 2.0, sd = first && cnv ? 74.0 * sqrt((double)k) : sqrt((double)k) / 2.0;
        for (int32_t r = 0; r < L->mh; r++) {
            double u = ((double)(splitmix64(&s) >> 11) / 9007199254740992.0) * 2.0 - 1.0;
            L->thresholds[r] = (int64_t)llround(mean + u * sd);
            if (last && r >= 10) L->thresholds[r] = L->mw + 1;
        }
        int64_t lo = L->thresholds[0], hi = L->thresholds[0];
        for (int32_t r = 1; r < L->mh; r++) lo = BNN_MIN(lo, L->thresholds[r]), hi = BNN_MAX(hi, L->thresholds[r]);
        L->thr_bits = 2;
        while (lo < -((int64_t)1 << (L->thr_bits - 1)) || hi > ((int64_t)1 << (L->thr_bits - 1)) - 1) L->thr_bits++;
    }
    L = &net->layers[nl + 1];
    L->kind = BNN_LAYER_LABELSELECT;
    snprintf(L->name, sizeof L->name, "top");
    L->top_k = 1;
    if ((st = bnn_net_finalize(net, "generator"))) goto fail;
    *out = net;
    return BNN_OK;
fail:
    bnn_net_free(net);
    return st;
}
