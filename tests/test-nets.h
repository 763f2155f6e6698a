/* Random networks for the tests: a chain of 1-3 convolutions (some pooled),
 * 0-2 fcs and a last fc, fixed-point or binary input, padding of both kinds,
 * raw and multi-threshold last layers. Deterministic per test program. */
#ifndef BNN_TEST_NETS_H
#define BNN_TEST_NETS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bnnsim/net.h"
#include "core/util.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}
static int32_t rint_(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint64_t)(hi - lo + 1)); }

/* Sets random weights and thresholds near the middle of the accumulator range. */
static void fill_matrix(struct bnn_layer *L, int fixed_in, int32_t in_bits, int last)
{
    L->weights = calloc((size_t)L->mh * L->mw, 1);
    for (size_t k = 0; k < (size_t)L->mh * L->mw; k++) L->weights[k] = (uint8_t)(rnd() & 1);
    snprintf(L->weights_tensor, sizeof L->weights_tensor, "%.60s.W", L->name);
    if (L->act == BNN_ACT_RAW) return;
    snprintf(L->thresholds_tensor, sizeof L->thresholds_tensor, "%.60s.T", L->name);
    L->thresholds = calloc((size_t)L->mh * L->n_thr, sizeof(int64_t));
    double sd = fixed_in ? (double)(1 << (in_bits - 1)) * 0.6 * sqrt((double)L->mw) : sqrt((double)L->mw) / 2;
    double mid = fixed_in ? 0 : L->mw / 2.0;
    int32_t scale = 1 << L->thr_frac >> (fixed_in ? 0 : 0);
    for (int32_t r = 0; r < L->mh; r++) {
        int64_t prev = INT64_MIN;
        for (int32_t t = 0; t < L->n_thr; t++) {
            int64_t v = (int64_t)((mid + ((double)(rnd() % 2001) / 1000.0 - 1.0) * 1.5 * sd) * scale);
            if (v < prev) v = prev;
            L->thresholds[(size_t)r * L->n_thr + t] = prev = v;
        }
    }
    L->thr_bits = 40;
    (void)last;
}

/* A random chain: input, 1-3 convs (maybe a pool), 0-2 fcs, a last fc, labelselect. */
static struct bnn_net *random_net(int variant)
{
    struct bnn_net *net = calloc(1, sizeof *net);
    snprintf(net->name, sizeof net->name, "random%d", variant);
    net->layers = calloc(16, sizeof *net->layers);
    int32_t n = 0;
    struct bnn_layer *L = &net->layers[n++];
    snprintf(L->name, sizeof L->name, "in");
    int fixed = variant % 3 == 0;
    int conv = variant % 4 != 1;
    /* every fourth: larger maps and 64 or 128 channels, so convolutions read
     * their windows straight from the map and split rows across threads */
    const int wide = variant % 4 == 2, side = wide ? 14 : 9;
    L->out = (struct bnn_shape){rint_(conv ? 3 : 1, side), rint_(conv ? 3 : 1, side), rint_(1, variant % 5 == 0 ? 130 : 5)};
    if (fixed) L->input = (struct bnn_input_spec){BNN_INPUT_FIXED, 0, rint_(2, variant % 6 == 3 ? 12 : 8), rint_(0, 7), rnd() & 1, -1, 1};
    else L->input = (struct bnn_input_spec){.kind = BNN_INPUT_BINARY, .binarize_threshold = rint_(0, 256)};
    if (fixed && L->input.frac >= L->input.bits) L->input.frac = L->input.bits - 1;
    struct bnn_shape sh = L->out;
    int first = 1;
    int32_t n_conv = conv ? rint_(wide ? 2 : 1, 3) : 0;
    for (int32_t i = 0; i < n_conv; i++) {
        L = &net->layers[n++];
        snprintf(L->name, sizeof L->name, "conv%d", i);
        L->kind = BNN_LAYER_CONV;
        L->kernel = rint_(1, BNN_MIN(3, BNN_MIN(sh.h, sh.w)));
        L->stride = wide ? 1 : rint_(1, 2);
        L->pad = rint_(0, L->kernel - 1);
        L->pad_value = fixed && first ? (net->layers[0].input.is_signed ? rint_(-2, 1) : rint_(0, 3)) : (int32_t)(rnd() & 1);
        L->mh = wide ? 64 * rint_(1, 2) : rint_(1, variant % 7 == 0 ? 200 : 70);
        if (wide && i > 0) L->pad = 0;
        L->mw = L->kernel * L->kernel * sh.c;
        L->act = BNN_ACT_THRESHOLD;
        L->n_thr = 1;
        L->thr_frac = fixed && first ? rint_(0, 9) : 0;
        fill_matrix(L, fixed && first, net->layers[0].input.bits, 0);
        sh.h = (sh.h + 2 * L->pad - L->kernel) / L->stride + 1;
        sh.w = (sh.w + 2 * L->pad - L->kernel) / L->stride + 1;
        sh.c = L->mh;
        first = 0;
        if (rnd() % 3 == 0 && sh.h >= 2 && sh.w >= 2) {
            L = &net->layers[n++];
            snprintf(L->name, sizeof L->name, "pool%d", i);
            L->kind = BNN_LAYER_MAXPOOL;
            L->kernel = 2;
            L->stride = rint_(1, 2);
            sh.h = (sh.h - 2) / L->stride + 1;
            sh.w = (sh.w - 2) / L->stride + 1;
        }
    }
    int32_t n_fc = rint_(1, 3);
    for (int32_t i = 0; i < n_fc; i++) {
        int last = i == n_fc - 1;
        L = &net->layers[n++];
        snprintf(L->name, sizeof L->name, "fc%d", i);
        L->kind = BNN_LAYER_FC;
        L->in_pad = fixed && first ? 0 : rint_(0, 1) * rint_(1, 70);
        L->in_pad_value = (int32_t)(rnd() & 1);
        L->mh = last ? rint_(3, 80) : rint_(1, 300);
        L->mw = sh.h * sh.w * sh.c + L->in_pad;
        L->act = last && variant % 2 ? BNN_ACT_RAW : BNN_ACT_THRESHOLD;
        L->n_thr = last && variant % 5 == 2 ? rint_(2, 7) : 1;
        L->thr_frac = fixed && first ? rint_(0, 9) : 0;
        fill_matrix(L, fixed && first, net->layers[0].input.bits, last);
        sh = (struct bnn_shape){1, 1, L->mh};
        first = 0;
    }
    L = &net->layers[n++];
    snprintf(L->name, sizeof L->name, "top");
    L->kind = BNN_LAYER_LABELSELECT;
    net->n_classes = rint_(1, BNN_MIN(sh.c, 12));
    L->top_k = rint_(1, BNN_MIN(net->n_classes, 3));
    net->class_names = calloc((size_t)net->n_classes, sizeof(char *));
    for (int32_t i = 0; i < net->n_classes; i++) {
        net->class_names[i] = malloc(16);
        snprintf(net->class_names[i], 16, "c%d", i);
    }
    net->n_layers = n;
    return net;
}

/* ---- Multi-bit networks: every pairing of bipolar / integer weights with
 * binary / integer maps, multi-level activations feeding later layers,
 * integer pooling, the +-1 dot accumulator. ---- */

struct mb_map { int bits; int32_t lo, hi, frac; };

static void mb_fill(struct bnn_layer *L, struct mb_map in, int last)
{
    L->weights = calloc((size_t)L->mh * L->mw, 1);
    int32_t wlo = -1, whi = 1;
    if (L->w_bits > 1) {
        wlo = L->w_signed ? -(1 << (L->w_bits - 1)) : 0;
        whi = L->w_signed ? (1 << (L->w_bits - 1)) - 1 : (1 << L->w_bits) - 1;
    }
    for (size_t k = 0; k < (size_t)L->mh * L->mw; k++)
        L->weights[k] = L->w_bits > 1 ? (uint8_t)(int8_t)rint_(wlo, whi) : (uint8_t)(rnd() & 1);
    snprintf(L->weights_tensor, sizeof L->weights_tensor, "%.60s.W", L->name);
    if (L->act == BNN_ACT_RAW) return;
    snprintf(L->thresholds_tensor, sizeof L->thresholds_tensor, "%.60s.T", L->name);
    /* thresholds around where the accumulator falls, in its own units then scaled to thr_frac */
    const int agreements = in.bits && L->w_bits == 1 && L->acc_kind == BNN_ACC_XNOR;
    const double xm = in.bits ? 0 : (in.lo + in.hi) / 2.0, wm = (wlo + whi) / 2.0;
    const double xs = in.bits ? 1 : (in.hi - in.lo) / 2.0 + 0.5, ws = (whi - wlo) / 2.0;
    const double mid = agreements ? L->mw / 2.0 : L->mw * xm * wm, sd = agreements ? sqrt(L->mw) / 2 : sqrt(L->mw) * xs * ws;
    const int32_t af = in.frac + L->w_frac;
    const int32_t tf = af + rint_(-1, 1); /* (BNN_MAX would draw twice) */
    L->thr_frac = tf < 0 ? 0 : tf;
    const double scale = ldexp(1.0, L->thr_frac - af);
    L->thresholds = calloc((size_t)L->mh * L->n_thr, sizeof(int64_t));
    for (int32_t r = 0; r < L->mh; r++) {
        int64_t prev = INT64_MIN;
        for (int32_t t = 0; t < L->n_thr; t++) {
            int64_t v = (int64_t)floor((mid + ((double)(rnd() % 2001) / 1000.0 - 1.0) * 1.5 * sd) * scale);
            if (v < prev) v = prev;
            L->thresholds[(size_t)r * L->n_thr + t] = prev = v;
        }
    }
    L->thr_bits = 48;
    (void)last;
}

/* One matrix layer's types: weights, accumulator, activation; returns the map it makes. */
static struct mb_map mb_matrix(struct bnn_layer *L, struct mb_map in, int variant, int last)
{
    L->w_bits = variant % 3 == 0 ? 1 : rint_(1, 4);
    L->w_signed = L->w_bits > 1 && rnd() % 4 != 0;
    L->w_frac = L->w_bits > 1 && rnd() % 4 == 0 ? rint_(1, 2) : 0;
    L->acc_kind = in.bits && L->w_bits == 1 && (rnd() & 1) ? BNN_ACC_DOT : BNN_ACC_XNOR;
    L->act = last && variant % 2 ? BNN_ACT_RAW : BNN_ACT_THRESHOLD;
    const int bits_out = !last && rnd() % 2; /* half the middle layers give bits: binary maps downstream too */
    L->n_thr = L->act == BNN_ACT_RAW ? 0 : bits_out ? 1 : rint_(1, last ? 4 : 3);
    L->act_bias = L->act == BNN_ACT_RAW || bits_out ? 0 : -rint_(0, 1) * (L->n_thr > 1 ? rint_(1, L->n_thr / 2 + 1) : 1);
    mb_fill(L, in, last);
    if (L->act == BNN_ACT_RAW) return (struct mb_map){0, 0, 0, 0};
    if (L->n_thr == 1 && L->act_bias == 0) return (struct mb_map){1, -1, 1, 0};
    return (struct mb_map){0, L->act_bias, L->act_bias + L->n_thr, 0};
}

__attribute__((unused)) static struct bnn_net *random_mb_net(int variant)
{
    struct bnn_net *net = calloc(1, sizeof *net);
    snprintf(net->name, sizeof net->name, "mb%d", variant);
    net->layers = calloc(16, sizeof *net->layers);
    int32_t n = 0;
    struct bnn_layer *L = &net->layers[n++];
    snprintf(L->name, sizeof L->name, "in");
    const int fixed = variant % 3 == 0, conv = variant % 5 != 1;
    const int side = variant % 4 == 2 ? 12 : 8;
    L->out = (struct bnn_shape){rint_(conv ? 3 : 1, side), rint_(conv ? 3 : 1, side), rint_(1, variant % 7 == 0 ? 70 : 5)};
    struct mb_map m = {1, -1, 1, 0};
    if (fixed) {
        L->input = (struct bnn_input_spec){BNN_INPUT_FIXED, 0, rint_(2, 8), 0, rnd() & 1, -1, 1};
        L->input.frac = rint_(0, L->input.bits - 1);
        m = (struct mb_map){0, L->input.is_signed ? -(1 << (L->input.bits - 1)) : 0,
                            L->input.is_signed ? (1 << (L->input.bits - 1)) - 1 : (1 << L->input.bits) - 1, L->input.frac};
    } else {
        L->input = (struct bnn_input_spec){.kind = BNN_INPUT_BINARY, .binarize_threshold = rint_(1, 255)};
    }
    struct bnn_shape sh = L->out;
    const int32_t n_conv = conv ? rint_(1, 3) : 0;
    for (int32_t i = 0; i < n_conv; i++) {
        L = &net->layers[n++];
        snprintf(L->name, sizeof L->name, "conv%d", i);
        L->kind = BNN_LAYER_CONV;
        L->kernel = rint_(1, BNN_MIN(3, BNN_MIN(sh.h, sh.w)));
        L->stride = rint_(1, 2);
        L->pad = rint_(0, L->kernel - 1);
        L->pad_value = m.bits ? (int32_t)(rnd() & 1) : rint_(m.lo, m.hi);
        L->mh = rint_(1, variant % 9 == 0 ? 140 : 40);
        L->mw = L->kernel * L->kernel * sh.c;
        m = mb_matrix(L, m, variant, 0);
        sh = (struct bnn_shape){(sh.h + 2 * L->pad - L->kernel) / L->stride + 1, (sh.w + 2 * L->pad - L->kernel) / L->stride + 1, L->mh};
        if (rnd() % 2 == 0 && sh.h >= 2 && sh.w >= 2) {
            L = &net->layers[n++];
            snprintf(L->name, sizeof L->name, "pool%d", i);
            L->kind = BNN_LAYER_MAXPOOL;
            L->kernel = 2;
            L->stride = rint_(1, 2);
            sh.h = (sh.h - 2) / L->stride + 1;
            sh.w = (sh.w - 2) / L->stride + 1;
        }
    }
    const int32_t n_fc = rint_(1, 3);
    for (int32_t i = 0; i < n_fc; i++) {
        const int last = i == n_fc - 1;
        L = &net->layers[n++];
        snprintf(L->name, sizeof L->name, "fc%d", i);
        L->kind = BNN_LAYER_FC;
        L->in_pad = m.bits ? rint_(0, 1) * rint_(1, 40) : 0;
        L->in_pad_value = (int32_t)(rnd() & 1);
        L->mh = last ? rint_(3, 40) : rint_(1, 150);
        L->mw = sh.h * sh.w * sh.c + L->in_pad;
        m = mb_matrix(L, m, variant, last);
        sh = (struct bnn_shape){1, 1, L->mh};
    }
    L = &net->layers[n++];
    snprintf(L->name, sizeof L->name, "top");
    L->kind = BNN_LAYER_LABELSELECT;
    net->n_classes = rint_(1, BNN_MIN(sh.c, 12));
    L->top_k = 1;
    net->class_names = calloc((size_t)net->n_classes, sizeof(char *));
    for (int32_t i = 0; i < net->n_classes; i++) {
        net->class_names[i] = malloc(16);
        snprintf(net->class_names[i], 16, "c%d", i);
    }
    net->n_layers = n;
    return net;
}

#endif
