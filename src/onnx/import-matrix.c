/* The ONNX importer's matrix layers: the input layer the first one fixes,
 * weights in bnnsim's order, the accumulator's meaning, and the exact
 * integer thresholds of whatever activation follows (BN + sign folded as
 * FINN's streamlining does, negative slopes by negating the row). */
#include <math.h>
#include <stdio.h>

#include "core/util.h"
#include "exec/plan-impl.h" /* bnn__quantize_pixel: the input layer's own rule */
#include "onnx/walk.h"

/* ---- the input layer ---- */

static int spec_matches(const struct bnn_input_spec *s, const int64_t *q)
{
    for (int32_t p = 0; p < 256; p++)
        if (bnn__quantize_pixel(s, (uint8_t)p) != q[p]) return 0;
    return 1;
}

/* A fixed-point input spec whose codes are q[0..255] exactly. */
static int find_spec(const int64_t *q, int32_t f_hint, struct bnn_input_spec *out)
{
    int64_t qmin = q[0], qmax = q[0];
    for (int32_t p = 1; p < 256; p++) qmin = BNN_MIN(qmin, q[p]), qmax = BNN_MAX(qmax, q[p]);
    int need_signed = qmin < 0;
    int32_t bmin = 2;
    while (bmin < 16 && (need_signed ? (qmin < -((int64_t)1 << (bmin - 1)) || qmax > ((int64_t)1 << (bmin - 1)) - 1)
                                     : qmax > ((int64_t)1 << bmin) - 1))
        bmin++;
    for (int32_t bits = bmin; bits <= 16; bits++)
        for (int sgn = need_signed; sgn <= 1; sgn++)
            for (int32_t fi = -1; fi <= 16; fi++) {
                int32_t F = fi < 0 ? f_hint : fi;
                if (F < 0 || F > 16 || (fi >= 0 && fi == f_hint)) continue;
                double u = ldexp(1.0, F);
                int32_t lo_c[8], hi_c[8], nl = 0, nh = 0;
                for (int32_t dlt = -1; dlt <= 1; dlt++) {
                    lo_c[nl++] = (int32_t)llround((double)q[0] / u) + dlt;
                    hi_c[nh++] = (int32_t)llround((double)q[255] / u) + dlt;
                }
                for (int32_t v = -1; v <= 1; v += 2) lo_c[nl++] = v, hi_c[nh++] = v;
                lo_c[nl++] = 0, hi_c[nh++] = 0;
                for (int32_t i = 0; i < nl; i++)
                    for (int32_t j = 0; j < nh; j++) {
                        struct bnn_input_spec s = {BNN_INPUT_FIXED, 0, bits, F, sgn, lo_c[i], hi_c[j]};
                        if (s.range_lo >= s.range_hi || s.range_lo < -1024 || s.range_hi > 1024) continue;
                        if (spec_matches(&s, q)) {
                            *out = s;
                            return 1;
                        }
                    }
            }
    return 0;
}

static enum bnn_status pad_bit_of(struct ox_walk *w, const struct ox_node *n, double v, int32_t *bit)
{
    if (v == w->lo) *bit = 0;
    else if (v == w->lo + w->d) *bit = 1;
    else
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding with %g, which is neither binary value (%g, %g)%s", v, w->lo,
                       w->lo + w->d, v == 0 ? ": zero padding of a bipolar map has no binary form (FINN refuses it too)" : "");
    return BNN_OK;
}

enum bnn_status ox_finalize_input(struct ox_walk *w, const struct ox_node *n, int xnor)
{
    if (w->dom != W_PIXEL) return BNN_OK;
    struct bnn_layer *L = ox_add_layer(w, BNN_LAYER_INPUT, "in");
    if (!L) return BNN_ERR_NOMEM;
    L->out = (struct bnn_shape){w->in_h, w->in_w, w->in_c};
    const double *t = w->table;
    int32_t p0 = 256;
    for (int32_t p = 1; p < 256 && p0 == 256; p++)
        if (t[p] != t[0]) p0 = p;
    int two = 1;
    for (int32_t p = p0; p < 256; p++) two &= t[p] == t[p0];
    int is01 = 1;
    for (int32_t p = 0; p < 256; p++) is01 &= t[p] == 0 || t[p] == 1;
    /* a two-valued table is a binary input, unless bnnsim's own metadata says it wrote a fixed-point one */
    if (two && (!xnor || is01) && !w->has_hint_in) {
        double lo = t[0], hi = p0 < 256 ? t[p0] : NAN;
        if (p0 == 256) { /* a constant input: say which bit it is */
            if (t[0] == 1) p0 = 0, hi = 1, lo = xnor ? 0 : -1;
            else hi = t[0] == 0 ? 1 : t[0] == -1 ? 1 : t[0] + 1;
        }
        L->input = (struct bnn_input_spec){.kind = BNN_INPUT_BINARY, .binarize_threshold = p0};
        w->lo = lo;
        w->d = hi - lo;
        w->dom = W_BITS;
        w->in_fixed = 0;
        /* the pad value, in pixel-domain units, became a bit */
        if (w->flat_pad || (w->map_pad && !w->pad_is_zero)) {
            int32_t bit = 0;
            enum bnn_status st = pad_bit_of(w, n, t[256], &bit);
            if (st) return st;
            w->table[256] = bit;
        }
        return BNN_OK;
    }
    if (xnor)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "an XNOR-popcount product on input values that are not {0, 1}");
    /* fixed point: codes q = value * 2^f */
    int32_t f = -1;
    for (int32_t fi = 0; fi <= 24 && f < 0; fi++) {
        int ok = 1;
        for (int32_t p = 0; p < 256 && ok; p++) {
            double x = ldexp(t[p], fi);
            ok = isfinite(x) && x == floor(x) && fabs(x) < 65536;
        }
        if (ok) f = fi;
    }
    if (f < 0)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "the input layer's values are not fixed point (pixel 1 -> %.9g); "
                                                  "quantise the input (Quant, MultiThreshold) before the first layer",
                       t[1]);
    int64_t q[256];
    int found = 0;
    /* a file bnnsim wrote: its own input layer, if the codes are those (the
     * graph's values are codes, or codes * 2^-frac) */
    const int32_t tries[2] = {f, w->hint_in.frac};
    for (int32_t k = 0; k < 2 && w->has_hint_in && !found; k++) {
        int ok = tries[k] >= f;
        for (int32_t p = 0; p < 256 && ok; p++) {
            double x = ldexp(t[p], tries[k]);
            q[p] = (int64_t)x;
            ok = x == floor(x);
        }
        if (ok && spec_matches(&w->hint_in, q)) L->input = w->hint_in, found = 1, f = tries[k];
    }
    for (int32_t p = 0; p < 256; p++) q[p] = (int64_t)ldexp(t[p], f);
    if (!found && !find_spec(q, f, &L->input)) {
        int32_t p = 0;
        while (p < 255 && q[p] == q[0]) p++;
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "the input quantiser's codes (pixel 0 -> %lld, %d -> %lld, 255 -> %lld) "
                                                  "are not a bnnsim fixed-point input (lo + (hi - lo) * p / 255 rounded "
                                                  "half up to 2..16 bits)",
                       (long long)q[0], p, (long long)q[p], (long long)q[255]);
    }
    if (w->flat_pad) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding columns on a fixed-point input");
    if (w->map_pad) {
        double x = w->pad_is_zero ? 0 : ldexp(t[256], f);
        if (x != floor(x)) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a pad value that is not an input code");
        w->table[256] = x;
    }
    w->in_fixed = 1;
    w->f_onnx = f;
    w->dom = W_BITS; /* codes: consumed by this matrix layer at once */
    return BNN_OK;
}

/* ---- matrix layers ---- */

static double weight_at(const struct ox_walk *w, const struct ox_weights *wt, enum bnn_layer_kind kind, int32_t mh,
                        int32_t mw, int32_t c, int32_t j, int32_t kernel, int32_t in_c)
{
    const double *v = wt->v->v;
    if (wt->conv) { /* OIHW; bnnsim column (ky, kx, ch) */
        int32_t ch = j % in_c, kx = (j / in_c) % kernel, ky = j / in_c / kernel;
        return v[(((int64_t)c * in_c + ch) * kernel + ky) * kernel + kx];
    }
    int64_t k = j;
    if (kind == BNN_LAYER_FC && w->flat_chw && j < w->h * w->w * w->c) {
        int32_t ch = j % w->c, px = j / w->c; /* bnnsim HWC -> ONNX CHW */
        k = (int64_t)ch * w->h * w->w + px;
    }
    return wt->rows_are_inputs ? v[k * mh + c] : v[(int64_t)c * mw + k];
}

/* Bipolar weights, +-s_c per row (or {0, 1} under XNOR): the bits in
 * L->weights, s_c in step. *ok = 0 (nothing failed) when a row is not
 * +-s: the caller tries integer weights. */
static enum bnn_status bipolar_weights(struct ox_walk *w, const struct ox_node *n, const struct ox_weights *wt,
                                       enum bnn_layer_kind kind, int32_t mh, int32_t mw, int32_t kernel, int32_t in_c,
                                       struct bnn_layer *L, double *step, int *ok)
{
    for (int32_t c = 0; c < mh && *ok; c++) {
        double s = 0;
        for (int32_t j = 0; j < mw; j++) {
            double x = weight_at(w, wt, kind, mh, mw, c, j, kernel, in_c);
            int bit;
            if (wt->xnor && !wt->xnor_bipolar) {
                if (x != 0 && x != 1)
                    return ox_fail(w, n, BNN_ERR_INVALID_NET, "weight %g for output %d, input %d is not BINARY {0, 1}",
                                   x, c, j);
                bit = x == 1;
                s = 1;
            } else {
                if (!isfinite(x)) return ox_fail(w, n, BNN_ERR_INVALID_NET, "weight %g for output %d, input %d", x, c, j);
                if (s == 0) s = fabs(x);
                if (x == 0 || fabs(x) != s || (wt->xnor_bipolar && s != 1)) {
                    if (wt->xnor_bipolar)
                        return ox_fail(w, n, BNN_ERR_INVALID_NET, "weight %g for output %d, input %d is not bipolar (+-1)",
                                       x, c, j);
                    *ok = 0;
                    break;
                }
                bit = x > 0;
            }
            L->weights[(int64_t)c * mw + j] = (uint8_t)bit;
        }
        step[c] = s;
    }
    return BNN_OK;
}

/* The weights are integer codes themselves: a HW MVAU's INTn/UINTn weights,
 * or a tensor annotated so (FINN's finn_datatype). */
static int weights_are_codes(const struct ox_walk *w, const struct ox_weights *wt)
{
    if (wt->codes) return 1;
    if (wt->weight_tensor < 0) return 0;
    const char *dt = w->g->t[wt->weight_tensor].finn_dt;
    return !strncmp(dt, "INT", 3) || !strncmp(dt, "UINT", 4);
}

/* The per-row scale of the Quant (zero point 0) that makes the weights,
 * through layout ops; 0 when there is none or it is not per tensor or per
 * output row. */
static int quant_scales(const struct ox_walk *w, int32_t t, int32_t mh, double *out)
{
    for (int hop = 0; hop < 8 && t >= 0; hop++) {
        int32_t p = w->g->t[t].producer;
        if (p < 0) return 0;
        const struct ox_node *q = &w->g->nodes[p];
        if (!strcmp(q->op, "Quant") && q->n_in >= 4) {
            const struct ox_val *s, *z;
            if (ox_const(w->g, q->in[1], &s) || ox_const(w->g, q->in[2], &z)) return 0;
            for (int64_t i = 0; i < z->n; i++)
                if (z->v[i] != 0) return 0;
            if (s->n != 1 && s->n != mh) return 0;
            for (int32_t c = 0; c < mh; c++) out[c] = s->v[s->n == 1 ? 0 : c];
            return 1;
        }
        if (strcmp(q->op, "Transpose") && strcmp(q->op, "Identity") && strcmp(q->op, "Reshape") && strcmp(q->op, "Cast"))
            return 0;
        t = q->in[0];
    }
    return 0;
}

static int whole_codes(const struct ox_walk *w, const struct ox_weights *wt, enum bnn_layer_kind kind, int32_t mh,
                       int32_t mw, int32_t c, int32_t kernel, int32_t in_c, double u)
{
    if (!(u > 0)) return 0;
    for (int32_t j = 0; j < mw; j++) {
        double q = weight_at(w, wt, kind, mh, mw, c, j, kernel, in_c) / u;
        /* float32 weights are s * q rounded: whole to float32's precision */
        if (!(fabs(q - round(q)) <= 1e-5 * BNN_MAX(1.0, fabs(q)) && fabs(round(q)) <= 127)) return 0;
    }
    return 1;
}

/* Integer weights: per row the coarsest step that makes every weight a
 * code of at most 8 bits (a Quant's scale, or a multiple of it), the codes
 * as int8 in L->weights. */
static enum bnn_status int_weights(struct ox_walk *w, const struct ox_node *n, const struct ox_weights *wt,
                                   enum bnn_layer_kind kind, int32_t mh, int32_t mw, int32_t kernel, int32_t in_c,
                                   struct bnn_layer *L, double *step)
{
    double *qs = bnn__calloc((size_t)mh, sizeof *qs);
    if (!qs) return BNN_ERR_NOMEM;
    const int codes = weights_are_codes(w, wt);
    for (int32_t c = 0; codes && c < mh; c++) qs[c] = 1;
    const int have_qs = codes || (wt->weight_tensor >= 0 && quant_scales(w, wt->weight_tensor, mh, qs));
    for (int32_t c = 0; c < mh; c++) {
        double m = 0;
        for (int32_t j = 0; j < mw; j++) {
            double x = fabs(weight_at(w, wt, kind, mh, mw, c, j, kernel, in_c));
            if (x > 0 && (m == 0 || x < m)) m = x;
        }
        step[c] = m > 0 ? m : 1;
        /* the Quant's own scale first (codes as trained), else the row's coarsest step */
        int found = have_qs && whole_codes(w, wt, kind, mh, mw, c, kernel, in_c, qs[c]);
        if (found) step[c] = qs[c];
        found |= m == 0;
        for (int32_t k = 1; k <= 128 && !found; k++)
            if (whole_codes(w, wt, kind, mh, mw, c, kernel, in_c, m / k)) step[c] = m / k, found = 1;
        if (!found) {
            free(qs);
            return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "the weights of output %d are neither +-s nor integer codes of at "
                                                      "most 8 bits times one scale", c);
        }
        for (int32_t j = 0; j < mw; j++)
            L->weights[(int64_t)c * mw + j] =
                (uint8_t)(int8_t)lround(weight_at(w, wt, kind, mh, mw, c, j, kernel, in_c) / step[c]);
    }
    free(qs);
    L->w_bits = 8;
    L->w_signed = true;
    return BNN_OK;
}

/* An integer layer's weight type from its codes (int8 while importing):
 * the narrowest signed or unsigned type of 2..8 bits that holds them. */
static enum bnn_status weight_type(struct ox_walk *w, const struct ox_node *n, struct bnn_layer *L)
{
    if (L->w_bits <= 1) return BNN_OK;
    int32_t lo = 0, hi = 0;
    for (int64_t k = 0; k < (int64_t)L->mh * L->mw; k++) {
        int32_t v = L->w_signed ? (int8_t)L->weights[k] : L->weights[k];
        lo = BNN_MIN(lo, v), hi = BNN_MAX(hi, v);
    }
    int32_t bits = 2;
    if (lo < 0)
        while (bits < 8 && (lo < -(1 << (bits - 1)) || hi > (1 << (bits - 1)) - 1)) bits++;
    else
        while (bits < 8 && hi > (1 << bits) - 1) bits++;
    if (lo < 0 && (lo < -128 || hi > 127))
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "weight codes %d..%d need more than 8 bits", lo, hi);
    L->w_bits = bits;
    L->w_signed = lo < 0;
    return BNN_OK;
}

enum bnn_status ox_matrix(struct ox_walk *w, const struct ox_node *n, enum bnn_layer_kind kind, int32_t mh, int32_t mw,
                          const struct ox_weights *wt, int32_t kernel, int32_t stride)
{
    enum bnn_status st = ox_finalize_input(w, n, wt->xnor);
    if (st) return st;
    if (w->dom == W_ACC)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "layer '%s' feeds it with no activation in between (bnnsim needs "
                                                  "binary activations between matrix layers)",
                       w->net->layers[w->layer].name);
    if (w->dom != W_BITS && w->dom != W_INT) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a matrix product after a label");
    const int fixed = w->in_fixed && w->layer < 0;
    if (wt->input_as_bits && !fixed && !(w->d > 0))
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "binary inputs whose bit 1 is the smaller value");
    if (wt->xnor && !(w->lo == 0 && w->d == 1) && !fixed && !wt->input_as_bits)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "an XNOR-popcount product on values %g/%g (it takes BINARY {0, 1})",
                       w->lo, w->lo + w->d);
    if ((int64_t)mh * mw > (int64_t)1 << 31) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a %d x %d matrix", mh, mw);
    const int32_t in_c = w->c;
    struct bnn_layer *L = ox_add_layer(w, kind, kind == BNN_LAYER_CONV ? "conv" : "fc");
    if (!L) return BNN_ERR_NOMEM;
    L->mh = mh;
    L->mw = mw;
    L->act = BNN_ACT_THRESHOLD;
    if (kind == BNN_LAYER_CONV) {
        L->kernel = kernel;
        L->stride = stride;
        L->pad = w->map_pad;
        if (w->map_pad) {
            if (fixed) L->pad_value = (int32_t)w->table[256];
            else if (w->dom == W_INT) { /* the pad value 0 as a value v: lo + d v = 0 */
                double v = w->pad_is_zero ? -w->lo / w->d : w->table[256];
                if (v != floor(v) || fabs(v) > 255)
                    return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding with a value that is not one of the activation's "
                                                              "levels (0 = %g + %g v)", w->lo, w->d);
                L->pad_value = (int32_t)v;
            } else if (w->pad_is_zero) {
                if ((st = pad_bit_of(w, n, 0.0, &L->pad_value))) return st;
            } else {
                L->pad_value = (int32_t)w->table[256];
            }
        }
    } else if (w->flat_pad) {
        L->in_pad = w->flat_pad;
        L->in_pad_value = (int32_t)w->table[256];
    }
    snprintf(L->weights_tensor, sizeof L->weights_tensor, "%.58s.W", L->name);
    L->weights = malloc((size_t)mh * mw);
    long double *a = realloc(w->a, (size_t)mh * sizeof *a), *b = a ? realloc(w->b, (size_t)mh * sizeof *b) : NULL;
    if (a) w->a = a;
    if (b) w->b = b;
    if (!L->weights || !a || !b) return BNN_ERR_NOMEM;
    int64_t qabs = 0;
    if (fixed) {
        const struct bnn_input_spec *s = &w->net->layers[0].input;
        qabs = BNN_MAX(llabs(bnn__quantize_pixel(s, 0)), llabs(bnn__quantize_pixel(s, 255)));
    }
    const int int_in = w->dom == W_INT;
    const int64_t vmax = int_in ? BNN_MAX(llabs((long long)w->v_lo), llabs((long long)w->v_hi)) : 1;
    int bipolar = !weights_are_codes(w, wt); /* codes stay codes, even a row of +-c */
    double *step = bnn__calloc((size_t)mh, sizeof *step);
    if (!step) return BNN_ERR_NOMEM;
    if (bipolar && (st = bipolar_weights(w, n, wt, kind, mh, mw, kernel, in_c, L, step, &bipolar))) goto out;
    if (!bipolar) {
        if (wt->xnor) {
            st = ox_fail(w, n, BNN_ERR_UNSUPPORTED, "integer weights in an XNOR-popcount product");
            goto out;
        }
        if ((st = int_weights(w, n, wt, kind, mh, mw, kernel, in_c, L, step))) goto out;
    }
    int64_t wmax = 1;
    for (int64_t k = 0; !bipolar && k < (int64_t)mh * mw; k++) wmax = BNN_MAX(wmax, llabs((long long)(int8_t)L->weights[k]));
    for (int32_t c = 0; c < mh; c++) {
        /* sw: the row's sum of weights as integers (+-1 when bipolar) */
        int64_t sw = 0;
        for (int32_t j = 0; j < mw; j++) sw += bipolar ? (L->weights[(int64_t)c * mw + j] ? 1 : -1) : (int8_t)L->weights[(int64_t)c * mw + j];
        const long double sc = step[c];
        if (fixed) {                            /* acc = sum w q: x = q 2^-f */
            a[c] = sc * ldexpl(1.0L, -w->f_onnx);
            b[c] = 0;
        } else if (wt->xnor) {
            a[c] = 1, b[c] = 0;
        } else if (int_in) {                    /* x = lo + d v, acc = sum w v */
            a[c] = sc * w->d;
            b[c] = sc * (long double)w->lo * (long double)sw;
        } else if (!bipolar) {                  /* x = (lo + d/2) + (d/2)(+-1), acc = sum (bit ? w : -w) */
            a[c] = sc * w->d / 2;
            b[c] = sc * ((long double)w->lo + w->d / 2.0L) * (long double)sw;
        } else {                                /* XNOR popcount: sum x W = a * popcount + b */
            int64_t ones = (sw + mw) / 2;
            a[c] = sc * w->d;
            b[c] = sc * (w->lo * (2.0L * ones - mw) + w->d * ((long double)ones - mw));
        }
    }
    if (fixed) {
        w->acc_min = -(int64_t)mw * qabs * wmax, w->acc_max = (int64_t)mw * qabs * wmax;
    } else if (int_in || !bipolar) {
        w->acc_min = -(int64_t)mw * vmax * wmax, w->acc_max = (int64_t)mw * vmax * wmax;
    } else {
        w->acc_min = 0, w->acc_max = mw;
    }
    if ((st = weight_type(w, n, L))) goto out;
    free(step);
    step = NULL;
    w->int_in = int_in;
    w->layer = w->net->n_layers - 1;
    w->dom = W_ACC;
    w->relu = 0;
    w->map_pad = w->flat_pad = w->pad_is_zero = 0;
    w->win = 0;
    if (kind == BNN_LAYER_FC) {
        int64_t d[2] = {1, mh};
        w->spatial = 0;
        w->flat_chw = 0;
        w->h = w->w = 1;
        w->c = mh;
        w->ndim = 2;
        memcpy(w->dims, d, sizeof d);
        w->ch_axis = 1;
    } else {
        int32_t ph = w->h + 2 * L->pad, pw = w->w + 2 * L->pad;
        if (ph < kernel || pw < kernel) return ox_fail(w, n, BNN_ERR_INVALID_NET, "kernel %d on a %dx%d map", kernel, ph, pw);
        w->h = (ph - kernel) / stride + 1;
        w->w = (pw - kernel) / stride + 1;
        w->c = mh;
        int64_t d[4] = {1, w->nhwc ? w->h : w->c, w->nhwc ? w->w : w->h, w->nhwc ? w->c : w->w};
        w->ndim = 4;
        memcpy(w->dims, d, sizeof d);
        w->ch_axis = w->nhwc ? 3 : 1;
    }
    return BNN_OK;
out:
    free(step);
    return st;
}

/* ---- activations ---- */

static void negate_row(struct ox_walk *w, struct bnn_layer *L, int32_t c)
{
    if (L->w_bits > 1) { /* integer codes: acc' = -acc (the caller checks the codes still fit) */
        for (int32_t j = 0; j < L->mw; j++) {
            uint8_t *q = &L->weights[(int64_t)c * L->mw + j];
            *q = (uint8_t)(int8_t)-(L->w_signed ? (int8_t)*q : (int32_t)*q);
        }
        L->w_signed = true;
        w->a[c] = -w->a[c];
        return;
    }
    for (int32_t j = 0; j < L->mw; j++) L->weights[(int64_t)c * L->mw + j] ^= 1;
    /* XNOR popcount: acc' = MW - acc; a fixed-point or integer input: acc' = -acc */
    if (!(w->in_fixed && w->layer == 1) && !w->int_in) w->b[c] += w->a[c] * L->mw;
    w->a[c] = -w->a[c];
}

static int is_pow2(long double a)
{
    int e;
    return a > 0 && frexpl(a, &e) == 0.5L;
}

int32_t ox_act_bias(double scale, double bias)
{
    /* FINN's ActVal: outputs bias + count when the scale is 1 */
    return scale == 1 && bias == floor(bias) && fabs(bias) <= 255 ? (int32_t)bias : 0;
}

enum bnn_status ox_threshold(struct ox_walk *w, const struct ox_node *n, const double *thr, int32_t n_thr,
                             const uint8_t *strict, double scale, double bias, int32_t act_bias)
{
    if (w->dom != W_ACC) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "thresholds on something that is not an accumulator");
    struct bnn_layer *L = &w->net->layers[w->layer];
    if (L->thresholds) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a second activation on layer '%s'", L->name);
    if (n_thr < 1 || n_thr > 255) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "%d thresholds per channel (1..255)", n_thr);
    if (!(scale != 0)) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "out_scale 0");
    const int32_t mh = L->mh;
    L->n_thr = n_thr;
    L->thresholds = malloc((size_t)mh * n_thr * sizeof *L->thresholds);
    if (!L->thresholds) return BNN_ERR_NOMEM;
    snprintf(L->thresholds_tensor, sizeof L->thresholds_tensor, "%.58s.T", L->name);
    const int fixed = w->in_fixed && w->layer == 1;
    const int32_t F = fixed ? w->net->layers[0].input.frac : 0;
    /* Pure fixed point (x = +-acc * 2^-f, no offset): keep the thresholds'
     * own fraction bits, so nothing is rounded. */
    int32_t g = -1;
    if (fixed) {
        int pure = 1;
        for (int32_t c = 0; c < mh && pure; c++) pure = fabsl(w->a[c]) == ldexpl(1.0L, -w->f_onnx) && w->b[c] == 0;
        for (int32_t gi = 0; gi <= 30 && pure && g < 0; gi++) {
            int ok = 1;
            for (int64_t k = 0; k < (int64_t)mh * n_thr && ok; k++) {
                double x = ldexp(thr[k], gi);
                ok = x == floor(x) && fabs(x) < 4e18;
            }
            if (ok) g = gi;
        }
    }
    /* the fewest fraction bits that hold the thresholds exactly */
    const int32_t tf = g >= 0 ? BNN_MAX(0, F + g - w->f_onnx) : F;
    int warned = 0;
    for (int32_t c = 0; c < mh; c++) {
        if (w->a[c] < 0) negate_row(w, L, c);
        const long double a = w->a[c], b = w->b[c];
        const int simple = a == 0 || (is_pow2(a) && b == floorl(b));
        for (int32_t i = 0; i < n_thr; i++) {
            const long double th = thr[(int64_t)c * n_thr + i];
            int64_t T;
            if (g >= 0) {
                T = (int64_t)ldexpl(th, tf - F + w->f_onnx);
            } else if (a == 0) {
                T = b >= th ? w->acc_min : w->acc_max + 1;
            } else if (strict && strict[i]) { /* x > th: the next integer above */
                long double t = floorl((th - b) / a) + 1;
                if (t < -4e18L || t > 4e18L || t != t) t = t < 0 ? w->acc_min : w->acc_max + 1;
                T = (int64_t)t;
            } else {
                long double t = (th - b) / a;
                if (!simple && !warned && fabsl(t - roundl(t)) < 1e-9L * (1 + fabsl(t))) {
                    bnn__warn(w->warn, "%s: node '%s': the threshold of channel %d of layer '%s' lies within rounding of "
                                       "an integer (%.12Lg); bnnsim takes acc >= %.0Lf",
                              w->path, n->name, c, L->name, t, ceill(t));
                    warned = 1;
                }
                t = ceill(t);
                if (t < -4e18L || t > 4e18L || t != t) t = t < 0 ? w->acc_min : w->acc_max + 1;
                T = (int64_t)t;
            }
            if (T < INT32_MIN || T > INT32_MAX) T = T < 0 ? w->acc_min : w->acc_max + 1;
            L->thresholds[(int64_t)c * n_thr + i] = T;
        }
    }
    L->thr_frac = tf;
    int64_t lo = 0, hi = 0;
    for (int64_t k = 0; k < (int64_t)mh * n_thr; k++) lo = BNN_MIN(lo, L->thresholds[k]), hi = BNN_MAX(hi, L->thresholds[k]);
    L->thr_bits = bnn__signed_bits(lo, hi);
    w->relu = 0;
    w->in_fixed = 0;
    if (n_thr == 1 && act_bias == 0) { /* one bit; with an ActVal, the two levels act_bias, act_bias + 1 */
        w->dom = W_BITS;
        w->lo = bias;
        w->d = scale;
    } else {
        /* bnnsim's values v = act_bias + count: out = scale * (v - act_bias) + bias */
        L->act_bias = act_bias;
        w->dom = W_INT;
        w->lo = bias - scale * act_bias;
        w->d = scale;
        w->v_lo = act_bias;
        w->v_hi = act_bias + n_thr;
    }
    return weight_type(w, n, L);
}

enum bnn_status ox_label_select(struct ox_walk *w, const struct ox_node *n, int32_t k)
{
    if (w->layer < 0 || w->dom == W_PIXEL || w->dom == W_LABEL)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a label select that does not follow a matrix layer");
    struct bnn_layer *L = &w->net->layers[w->layer];
    if (w->dom == W_ACC) {
        int32_t nch = w->n_classes ? w->n_classes : L->mh;
        for (int32_t c = 0; c < nch; c++)
            if (!(w->a[c] > 0) || w->a[c] != w->a[0] || w->b[c] != w->b[0])
                return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "the scores it ranks are a per-class scale and offset of layer "
                                                          "'%s''s accumulators (class %d: %Lg * acc + %Lg), so the ranking "
                                                          "is not that of the accumulators",
                               L->name, c, w->a[c], w->b[c]);
        L->act = BNN_ACT_RAW;
    } else if (!(w->d > 0)) {
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a label select of decreasing activation values");
    }
    if (k < 1 || k > 8) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "K = %d (1..8)", k);
    struct bnn_layer *T = ox_add_layer(w, BNN_LAYER_LABELSELECT, "top");
    if (!T) return BNN_ERR_NOMEM;
    T->top_k = k;
    w->dom = W_LABEL;
    w->has_labelselect = 1;
    int64_t d[2] = {1, k};
    w->spatial = 0;
    w->ndim = 2;
    memcpy(w->dims, d, sizeof d);
    w->ch_axis = 1;
    return BNN_OK;
}
