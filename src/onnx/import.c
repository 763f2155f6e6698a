/* FINN / QONNX ONNX files -> the IR (and the folding their HW nodes carry).
 * docs/onnx.md lists every op, how it maps and what is refused. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "bnnsim/onnx.h"
#include "core/util.h"
#include "onnx/walk.h"

enum bnn_status ox_fail(struct ox_walk *w, const struct ox_node *n, enum bnn_status st, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n) return bnn_error(st, "%s: node '%s' (%s): %s", w->path, n->name, n->op, msg);
    return bnn_error(st, "%s: %s", w->path, msg);
}

struct bnn_layer *ox_add_layer(struct ox_walk *w, enum bnn_layer_kind kind, const char *prefix)
{
    struct bnn_net *net = w->net;
    if (net->n_layers == w->cap_layers) {
        int32_t cap = w->cap_layers ? 2 * w->cap_layers : 16;
        struct bnn_layer *l = realloc(net->layers, (size_t)cap * sizeof *l);
        if (!l) return NULL;
        net->layers = l;
        w->cap_layers = cap;
    }
    struct bnn_layer *L = &net->layers[net->n_layers];
    memset(L, 0, sizeof *L);
    L->kind = kind;
    int32_t same = 0;
    for (int32_t i = 0; i < net->n_layers; i++) same += net->layers[i].kind == kind;
    if (kind == BNN_LAYER_INPUT || kind == BNN_LAYER_LABELSELECT) snprintf(L->name, sizeof L->name, "%s", prefix);
    else snprintf(L->name, sizeof L->name, "%s%d", prefix, same);
    net->n_layers++;
    return L;
}

enum bnn_status ox_constant_input(struct ox_walk *w, const struct ox_node *n, int32_t k, const struct ox_val **v)
{
    if (k >= n->n_in || n->in[k] < 0) return ox_fail(w, n, BNN_ERR_INVALID_NET, "input %d is missing", k);
    enum bnn_status st = ox_const(w->g, n->in[k], v);
    if (st == BNN_ERR_INVALID_NET && w->g->t[n->in[k]].state != 2) {
        char keep[512];
        snprintf(keep, sizeof keep, "%s", bnn_last_error());
        return ox_fail(w, n, st, "input '%s' is not a constant, so the graph is not a chain of layers (%s)",
                       w->g->t[n->in[k]].name, keep);
    }
    return st;
}

enum bnn_status ox_per_channel(struct ox_walk *w, const struct ox_node *n, const struct ox_val *v, int32_t nch, double *out)
{
    if (!ox_broadcastable(v, w->ndim, w->dims))
        return ox_fail(w, n, BNN_ERR_INVALID_NET, "a constant of %d dimensions does not broadcast to the tensor", v->ndim);
    int64_t total = 1;
    for (int32_t i = 0; i < w->ndim; i++) total *= w->dims[i];
    int64_t inner = 1;
    for (int32_t i = w->ch_axis + 1; i < w->ndim; i++) inner *= w->dims[i];
    for (int32_t c = 0; c < nch; c++) out[c] = NAN;
    for (int64_t i = 0; i < total; i++) {
        int32_t c = (int32_t)((i / inner) % (w->ndim ? w->dims[w->ch_axis] : 1));
        double x = v->v[ox_broadcast_index(v, w->ndim, w->dims, i)];
        if (isnan(out[c])) out[c] = x;
        else if (out[c] != x)
            return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a constant that varies within a channel (only per-channel "
                                                      "constants are supported)");
    }
    return BNN_OK;
}

/* ---- shapes and layouts ---- */

static int32_t numel(const struct ox_walk *w)
{
    int64_t k = 1;
    for (int32_t i = 0; i < w->ndim; i++) k *= w->dims[i];
    return (int32_t)k;
}

/* The axis of a flat tensor's K values (the only one above 1, else the last). */
static int32_t flat_axis(int32_t ndim, const int64_t *dims)
{
    int32_t ax = ndim - 1;
    for (int32_t i = 0; i < ndim; i++)
        if (dims[i] > 1) ax = i;
    return ax;
}

static void set_dims(struct ox_walk *w, int32_t ndim, const int64_t *dims)
{
    w->ndim = ndim;
    memmove(w->dims, dims, (size_t)ndim * sizeof *dims);
    w->ch_axis = w->spatial ? (w->nhwc ? 3 : 1) : flat_axis(ndim, dims);
}

static void map_dims(struct ox_walk *w)
{
    int64_t d[4] = {1, w->nhwc ? w->h : w->c, w->nhwc ? w->w : w->h, w->nhwc ? w->c : w->w};
    w->spatial = 1;
    set_dims(w, 4, d);
}

/* Reshape / Flatten / Squeeze / Unsqueeze: the element order never changes,
 * only what bnnsim reads it as. */
static enum bnn_status reshape_to(struct ox_walk *w, const struct ox_node *n, int32_t nd, const int64_t *dims)
{
    int64_t k = 1, big = 0;
    for (int32_t i = 0; i < nd; i++) {
        k *= dims[i];
        big += dims[i] > 1;
    }
    if (k != numel(w)) return ox_fail(w, n, BNN_ERR_INVALID_NET, "reshape of %d values into %lld", numel(w), (long long)k);
    if (nd >= 1 && dims[0] != 1 && k > 1 && big > 1)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a batch dimension of %lld (bnnsim runs one image per graph "
                                                  "evaluation)", (long long)dims[0]);
    if (w->spatial) {
        if (nd == w->ndim && !memcmp(dims, w->dims, (size_t)nd * sizeof *dims)) return BNN_OK;
        if (big <= 1) { /* flattening a map */
            if (w->dom == W_ACC && w->h * w->w > 1)
                return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "flattening accumulators of a %dx%d map before their "
                                                          "activation", w->h, w->w);
            w->flat_chw = !w->nhwc && w->c > 1 && w->h * w->w > 1;
            w->spatial = 0;
            set_dims(w, nd, dims);
            return BNN_OK;
        }
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "reshape of a %dx%dx%d map to a shape that is not flat", w->h, w->w, w->c);
    }
    if (big <= 1) {
        set_dims(w, nd, dims);
        return BNN_OK;
    }
    /* flat -> map: only where the order cannot change (a 1x1 map, or the graph input) */
    if (nd == 4 && (w->h * w->w == 1 || w->layer < 0)) {
        int nchw = w->nhwc == 0;
        int32_t c = (int32_t)(nchw ? dims[1] : dims[3]), h = (int32_t)(nchw ? dims[2] : dims[1]),
                ww = (int32_t)(nchw ? dims[3] : dims[2]);
        if (w->layer < 0 || (h == 1 && ww == 1)) {
            w->h = h, w->w = ww, w->c = c;
            if (w->layer < 0) w->in_h = h, w->in_w = ww, w->in_c = c;
            map_dims(w);
            return BNN_OK;
        }
    }
    return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "reshape of a flat vector of %d values into a map", numel(w));
}

static enum bnn_status op_reshape(struct ox_walk *w, const struct ox_node *n)
{
    int32_t nd;
    int64_t dims[OX_MAX_DIMS];
    enum bnn_status st;
    if (!strcmp(n->op, "Flatten")) {
        int64_t axis = ox_attr_i(n, "axis", 1);
        if (axis < 0) axis += w->ndim;
        dims[0] = dims[1] = 1;
        for (int32_t i = 0; i < w->ndim; i++) dims[i >= axis] *= w->dims[i];
        nd = 2;
    } else if (!strcmp(n->op, "Reshape") || !strcmp(n->base, "Reshape")) {
        const struct ox_val *shape = NULL;
        if (n->n_in >= 2 && n->in[1] >= 0) {
            if ((st = ox_constant_input(w, n, 1, &shape))) return st;
            if ((st = ox_reshape_dims(shape, w->ndim, w->dims, numel(w), &nd, dims)))
                return ox_fail(w, n, st, "%s", bnn_last_error());
        } else { /* FINN's HW Reshape: out_shape attribute */
            int32_t k = ox_attr_ints(n, "out_shape", dims, OX_MAX_DIMS);
            if (k < 1) return ox_fail(w, n, BNN_ERR_INVALID_NET, "no shape input and no out_shape attribute");
            nd = k;
        }
    } else { /* Squeeze / Unsqueeze: evaluated on a stand-in of the right shape */
        struct ox_val stand, res;
        const struct ox_val *in[2] = {&stand, NULL};
        if (n->n_in >= 2 && n->in[1] >= 0 && (st = ox_constant_input(w, n, 1, &in[1]))) return st;
        if ((st = ox_val_alloc(&stand, OX_FLOAT, w->ndim, w->dims))) return st;
        st = ox_eval_node(w->g, n, in, n->n_in, &res);
        ox_val_free(&stand);
        if (st) return ox_fail(w, n, st, "%s", bnn_last_error());
        nd = res.ndim;
        memcpy(dims, res.dims, sizeof dims);
        ox_val_free(&res);
    }
    return reshape_to(w, n, nd, dims);
}

static enum bnn_status op_transpose(struct ox_walk *w, const struct ox_node *n)
{
    int64_t perm[OX_MAX_DIMS], dims[OX_MAX_DIMS];
    int32_t k = ox_attr_ints(n, "perm", perm, OX_MAX_DIMS);
    if (k != w->ndim) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "needs a perm over all %d axes", w->ndim);
    int identity = 1, moved_big = 0;
    for (int32_t i = 0; i < k; i++) {
        if (perm[i] < 0 || perm[i] >= k) return ox_fail(w, n, BNN_ERR_INVALID_NET, "perm value %lld", (long long)perm[i]);
        dims[i] = w->dims[perm[i]];
        identity &= perm[i] == i;
    }
    if (identity) return BNN_OK;
    if (w->spatial && k == 4 && perm[0] == 0) {
        int to_nhwc = perm[1] == 2 && perm[2] == 3 && perm[3] == 1, to_nchw = perm[1] == 3 && perm[2] == 1 && perm[3] == 2;
        if ((to_nhwc && !w->nhwc) || (to_nchw && w->nhwc)) {
            w->nhwc = to_nhwc;
            set_dims(w, 4, dims);
            return BNN_OK;
        }
    }
    /* moving only axes of size 1 keeps the order */
    int32_t order[OX_MAX_DIMS], m = 0;
    for (int32_t i = 0; i < k; i++)
        if (w->dims[perm[i]] > 1) order[m++] = (int32_t)perm[i];
    for (int32_t i = 1; i < m; i++) moved_big |= order[i] < order[i - 1];
    if (!moved_big && !w->spatial) {
        set_dims(w, k, dims);
        return BNN_OK;
    }
    return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a transpose that reorders the values (only NCHW <-> NHWC of a map)");
}

/* ---- element-wise ops with a constant ---- */

static double apply(const char *op, double x, double c, int dyn_first)
{
    if (!strcmp(op, "Add")) return x + c;
    if (!strcmp(op, "Mul")) return x * c;
    if (!strcmp(op, "Sub")) return dyn_first ? x - c : c - x;
    return dyn_first ? x / c : c / x; /* Div */
}

static enum bnn_status op_elementwise(struct ox_walk *w, const struct ox_node *n)
{
    if (n->n_in != 2) return ox_fail(w, n, BNN_ERR_INVALID_NET, "needs two inputs");
    int dyn_first = n->in[0] == w->cur;
    const struct ox_val *c;
    enum bnn_status st = ox_constant_input(w, n, dyn_first ? 1 : 0, &c);
    if (st) return st;
    const char *op = n->op;
    if (w->dom == W_ACC) {
        int32_t nch = (int32_t)w->dims[w->ch_axis];
        double *k = bnn__calloc((size_t)nch, sizeof *k);
        if (!k) return BNN_ERR_NOMEM;
        if ((st = ox_per_channel(w, n, c, nch, k))) { free(k); return st; }
        for (int32_t i = 0; i < nch; i++) {
            long double a = w->a[i], b = w->b[i], x = k[i];
            if (!strcmp(op, "Add")) b += x;
            else if (!strcmp(op, "Sub") && dyn_first) b -= x;
            else if (!strcmp(op, "Sub")) a = -a, b = x - b;
            else if (!strcmp(op, "Mul")) a *= x, b *= x;
            else if (dyn_first && x != 0) a /= x, b /= x;
            else st = ox_fail(w, n, BNN_ERR_UNSUPPORTED, "%s", dyn_first ? "division by zero" : "a constant divided by "
                                                                                                 "accumulators is not linear");
            w->a[i] = a, w->b[i] = b;
        }
        free(k);
        return st;
    }
    /* PIXEL and BITS: one value for every element */
    double x0 = c->n ? c->v[0] : NAN;
    for (int64_t i = 1; i < c->n; i++)
        if (c->v[i] != x0)
            return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a constant that differs between elements before the first matrix "
                                                      "layer or on binary activations (per-channel input normalisation "
                                                      "has no bnnsim input layer)");
    if (!ox_broadcastable(c, w->ndim, w->dims)) return ox_fail(w, n, BNN_ERR_INVALID_NET, "constant does not broadcast");
    if (w->dom == W_PIXEL) {
        for (int32_t p = 0; p < 257; p++) w->table[p] = ox_round_to(w->dtype, apply(op, w->table[p], x0, dyn_first));
        return BNN_OK;
    }
    if (w->dom == W_INT && !strcmp(op, "Div") && !dyn_first)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a constant divided by multi-level activations is not linear");
    if (w->dom == W_BITS || w->dom == W_INT) { /* affine in the bit or value: lo and lo + d say it all */
        double lo = apply(op, w->lo, x0, dyn_first), hi = apply(op, w->lo + w->d, x0, dyn_first);
        if (!(hi != lo) || isnan(lo) || isnan(hi))
            return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "makes the activations constant");
        w->lo = lo, w->d = hi - lo;
        return BNN_OK;
    }
    return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "an arithmetic op after the label select");
}

static enum bnn_status op_batchnorm(struct ox_walk *w, const struct ox_node *n)
{
    if (w->dom != W_ACC)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "batch norm on %s (bnnsim folds it into the thresholds of the matrix "
                                                  "layer before it)", w->dom == W_PIXEL ? "the input" : "binary values");
    if (n->n_in < 5) return ox_fail(w, n, BNN_ERR_INVALID_NET, "needs x, scale, B, mean, var");
    const struct ox_val *p[4];
    enum bnn_status st;
    for (int32_t k = 0; k < 4; k++)
        if ((st = ox_constant_input(w, n, k + 1, &p[k]))) return st;
    int32_t nch = (int32_t)w->dims[w->ch_axis];
    if (w->ndim < 2 || w->ch_axis != 1)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "batch norm needs the channels on axis 1 (NCHW)");
    for (int32_t k = 0; k < 4; k++)
        if (p[k]->n != nch) return ox_fail(w, n, BNN_ERR_INVALID_NET, "parameter %d has %lld values for %d channels", k + 1, (long long)p[k]->n, nch);
    /* the float32 attribute as ONNX stores it */
    long double eps = (long double)(float)ox_attr_f(n, "epsilon", 1e-5);
    for (int32_t c = 0; c < nch; c++) {
        long double g = p[0]->v[c], beta = p[1]->v[c], mu = p[2]->v[c], var = p[3]->v[c];
        if (var + eps <= 0) return ox_fail(w, n, BNN_ERR_INVALID_NET, "channel %d: variance + epsilon <= 0", c);
        long double s = sqrtl(var + eps);
        w->b[c] = (w->b[c] - mu) * g / s + beta;
        w->a[c] = w->a[c] * g / s;
    }
    return BNN_OK;
}

/* ---- quantisers ---- */

static enum bnn_status uniform(struct ox_walk *w, const struct ox_node *n, const struct ox_val *v, const char *what, double *out)
{
    for (int64_t i = 1; i < v->n; i++)
        if (v->v[i] != v->v[0])
            return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a %s that differs between channels is not supported here", what);
    if (v->n < 1) return ox_fail(w, n, BNN_ERR_INVALID_NET, "empty %s", what);
    *out = v->v[0];
    return BNN_OK;
}

/* Where a Quant's code reaches level m, with u = x / scale + zero point:
 * u >= beta (or u > beta when *strict), from qonnx's rounding modes. */
static int level_boundary(const char *mode, int32_t m, double *beta, int *strict)
{
    if (!strcmp(mode, "ROUND")) { /* half to even: the tie at m - 1/2 goes up when m is even */
        *beta = m - 0.5, *strict = m % 2 != 0;
    } else if (!strcmp(mode, "HALF_UP")) {
        *beta = m - 0.5, *strict = 0;
    } else if (!strcmp(mode, "HALF_DOWN")) {
        *beta = m - 0.5, *strict = 1;
    } else if (!strcmp(mode, "FLOOR")) {
        *beta = m, *strict = 0;
    } else if (!strcmp(mode, "CEIL")) {
        *beta = m - 1, *strict = 1;
    } else if (!strcmp(mode, "ROUND_TO_ZERO")) {
        *beta = m > 0 ? m : m - 1, *strict = m <= 0;
    } else {
        return 0;
    }
    return 1;
}

/* A Quant of 1..8 bits on the accumulators: one threshold per level above
 * the lowest, its code the activation's value (FINN's ActVal = the lowest
 * code). A Relu before it clamps x at 0 first. */
static enum bnn_status quant_levels(struct ox_walk *w, const struct ox_node *n, int32_t nch, double scale, double zp,
                                    int32_t bits, int sgn, int narrow, const char *mode)
{
    const int32_t qmin = sgn ? -(1 << (bits - 1)) + narrow : 0, qmax = sgn ? (1 << (bits - 1)) - 1 : (1 << bits) - 1 - narrow;
    const int32_t nl = qmax - qmin;
    if (nl < 1) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a quantiser with one level");
    double *thr = bnn__calloc((size_t)nch * nl, sizeof *thr);
    uint8_t *strict = bnn__calloc((size_t)nl, 1);
    if (!thr || !strict) {
        free(thr);
        free(strict);
        return BNN_ERR_NOMEM;
    }
    enum bnn_status st = BNN_OK;
    for (int32_t i = 0; i < nl && !st; i++) {
        double beta;
        int sx;
        if (!level_boundary(mode, qmin + 1 + i, &beta, &sx)) {
            st = ox_fail(w, n, BNN_ERR_UNSUPPORTED, "rounding_mode '%s'", mode);
            break;
        }
        double t = scale * (beta - zp); /* exact in double: a float32 scale times a small half-integer */
        strict[i] = (uint8_t)sx;
        if (w->relu && (sx ? 0 > t : 0 >= t)) t = -INFINITY, strict[i] = 0; /* max(x, 0) passes it always */
        for (int32_t c = 0; c < nch; c++) thr[(int64_t)c * nl + i] = t;
    }
    /* codes q = qmin + count; ONNX value scale * (q - zp) */
    if (!st) st = ox_threshold(w, n, thr, nl, strict, scale, scale * (qmin - zp), qmin);
    free(thr);
    free(strict);
    return st;
}

static enum bnn_status op_quant(struct ox_walk *w, const struct ox_node *n)
{
    int bipolar = !strcmp(n->op, "BipolarQuant");
    const struct ox_val *v[4] = {0};
    enum bnn_status st;
    for (int32_t k = 1; k < (bipolar ? 2 : 4); k++)
        if ((st = ox_constant_input(w, n, k, &v[k]))) return st;
    double scale, zp = 0, bits = 1;
    if ((st = uniform(w, n, v[1], "scale", &scale))) return st;
    if (!bipolar && ((st = uniform(w, n, v[2], "zero point", &zp)) || (st = uniform(w, n, v[3], "bit width", &bits)))) return st;
    int sgn = bipolar ? 1 : (int)ox_attr_i(n, "signed", 1), narrow = (int)ox_attr_i(n, "narrow", 0);
    char mode[32];
    ox_attr_s(n, "rounding_mode", "ROUND", mode, sizeof mode);
    if (!(scale > 0)) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "scale %g (must be > 0)", scale);
    if (w->dom == W_PIXEL) {
        if (bits < 1 || bits > 16 || bits != floor(bits)) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "bit width %g", bits);
        for (int32_t p = 0; p < 257; p++)
            w->table[p] = bipolar ? ox_round_to(w->dtype, (w->table[p] >= 0 ? 1.0 : -1.0) * scale)
                                  : ox_quant(w->table[p], scale, zp, bits, sgn, narrow, mode, w->dtype);
        return BNN_OK;
    }
    if (w->dom != W_ACC)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a quantiser on %s", w->dom == W_BITS ? "values that are already binary"
                                                                       : w->dom == W_INT ? "multi-level activations"
                                                                                         : "a label");
    int32_t nch = (int32_t)w->dims[w->ch_axis];
    if (bits == 1 && sgn) { /* x >= 0 -> +scale, else -scale: one threshold at 0 */
        double *thr = bnn__calloc((size_t)nch, sizeof *thr);
        if (!thr) return BNN_ERR_NOMEM;
        for (int32_t c = 0; w->relu && c < nch; c++) thr[c] = -INFINITY; /* relu, then the sign of x >= 0: always + */
        st = ox_threshold(w, n, thr, 1, NULL, 2 * scale, -scale, 0);
        free(thr);
        return st;
    }
    if (bits < 1 || bits > 8 || bits != floor(bits))
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "%g-bit activations (bnnsim's multi-level activations have 1..8 bits)", bits);
    return quant_levels(w, n, nch, scale, zp, (int32_t)bits, sgn, narrow, mode);
}

static enum bnn_status op_multithreshold(struct ox_walk *w, const struct ox_node *n)
{
    const struct ox_val *t;
    enum bnn_status st = ox_constant_input(w, n, 1, &t);
    if (st) return st;
    double scale = ox_attr_f(n, "out_scale", 1.0), bias = ox_attr_f(n, "out_bias", 0.0);
    char layout[16];
    ox_attr_s(n, "data_layout", "NCHW", layout, sizeof layout);
    if (t->ndim != 2) return ox_fail(w, n, BNN_ERR_INVALID_NET, "thresholds must be [channels or 1, steps]");
    int32_t rows = (int32_t)t->dims[0], steps = (int32_t)t->dims[1];
    if (steps < 1) return ox_fail(w, n, BNN_ERR_INVALID_NET, "no thresholds");
    if (layout[strlen(layout) - 1] == 'C' && w->spatial && !w->nhwc)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "data_layout %s on an NCHW map", layout);
    for (int32_t r = 0; r < rows; r++)
        for (int32_t i = 1; i < steps; i++)
            if (t->v[(int64_t)r * steps + i] < t->v[(int64_t)r * steps + i - 1])
                return ox_fail(w, n, BNN_ERR_INVALID_NET, "thresholds of channel %d are not ascending", r);
    if (w->dom == W_PIXEL) {
        for (int32_t r = 1; r < rows; r++)
            if (memcmp(t->v + (int64_t)r * steps, t->v, (size_t)steps * sizeof *t->v))
                return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "input thresholds that differ between channels (bnnsim's "
                                                          "input layer quantises every pixel alike)");
        for (int32_t p = 0; p < 257; p++) w->table[p] = ox_round_to(w->dtype, scale * ox_count_ge(w->table[p], t->v, steps) + bias);
        return BNN_OK;
    }
    if (w->dom != W_ACC)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "thresholds on %s", w->dom == W_BITS ? "binary values" : "a label");
    int32_t nch = (int32_t)w->dims[w->ch_axis];
    if (rows != 1 && rows != nch) return ox_fail(w, n, BNN_ERR_INVALID_NET, "%d threshold rows for %d channels", rows, nch);
    double *thr = bnn__calloc((size_t)nch * steps, sizeof *thr);
    if (!thr) return BNN_ERR_NOMEM;
    for (int32_t c = 0; c < nch; c++) memcpy(thr + (int64_t)c * steps, t->v + (rows == 1 ? 0 : (int64_t)c * steps), (size_t)steps * sizeof *thr);
    st = ox_threshold(w, n, thr, steps, NULL, scale, bias, ox_act_bias(scale, bias));
    free(thr);
    return st;
}

/* ---- matrix ops (standard and quantiser domains) ---- */

static enum bnn_status op_matmul(struct ox_walk *w, const struct ox_node *n)
{
    if (n->n_in < 2 || n->in[0] != w->cur)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "the activations must be the first input");
    const struct ox_val *W;
    enum bnn_status st = ox_constant_input(w, n, 1, &W);
    if (st) return st;
    struct ox_weights wt = {.v = W, .rows_are_inputs = 1, .xnor = !strcmp(n->op, "XnorPopcountMatMul"), .weight_tensor = n->in[1]};
    int gemm = !strcmp(n->op, "Gemm");
    if (gemm) {
        if (ox_attr_i(n, "transA", 0)) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "transA = 1");
        wt.rows_are_inputs = !ox_attr_i(n, "transB", 0);
    }
    if (W->ndim != 2) return ox_fail(w, n, BNN_ERR_INVALID_NET, "weights of %d dimensions (expected 2)", W->ndim);
    int32_t mw = (int32_t)W->dims[wt.rows_are_inputs ? 0 : 1], mh = (int32_t)W->dims[wt.rows_are_inputs ? 1 : 0];
    if (w->spatial && w->h * w->w > 1)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a matrix product on a %dx%d map (flatten it first)", w->h, w->w);
    if (mw != numel(w))
        return ox_fail(w, n, BNN_ERR_INVALID_NET, "weights have %d rows but the input has %d values (shapes do not chain)",
                       mw, numel(w));
    if ((st = ox_matrix(w, n, BNN_LAYER_FC, mh, mw, &wt, 1, 1))) return st;
    if (gemm) {
        double alpha = ox_attr_f(n, "alpha", 1.0), beta = ox_attr_f(n, "beta", 1.0);
        double *bias = n->n_in > 2 && n->in[2] >= 0 ? bnn__calloc((size_t)mh, sizeof *bias) : NULL;
        const struct ox_val *C = NULL;
        if (bias && ((st = ox_constant_input(w, n, 2, &C)) || (st = ox_per_channel(w, n, C, mh, bias)))) {
            free(bias);
            return st;
        }
        for (int32_t c = 0; c < mh; c++) {
            w->a[c] *= alpha, w->b[c] *= alpha;
            if (bias) w->b[c] += beta * bias[c];
        }
        free(bias);
    }
    return BNN_OK;
}

static enum bnn_status op_conv(struct ox_walk *w, const struct ox_node *n)
{
    if (!w->spatial || w->nhwc) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "Conv needs an NCHW map");
    if (n->in[0] != w->cur) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "the activations must be the first input");
    const struct ox_val *W;
    enum bnn_status st = ox_constant_input(w, n, 1, &W);
    if (st) return st;
    if (W->ndim != 4 || W->dims[2] != W->dims[3]) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "weights must be OIHW with a square kernel");
    int64_t v[8];
    if (ox_attr_i(n, "group", 1) != 1) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "grouped or depthwise convolution");
    int32_t k = ox_attr_ints(n, "dilations", v, 8);
    for (int32_t i = 0; i < k; i++)
        if (v[i] != 1) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "dilation %lld", (long long)v[i]);
    char ap[32];
    ox_attr_s(n, "auto_pad", "NOTSET", ap, sizeof ap);
    if (strcmp(ap, "NOTSET") && strcmp(ap, "VALID")) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "auto_pad %s", ap);
    int64_t stride = 1, pad = 0;
    k = ox_attr_ints(n, "strides", v, 8);
    if (k >= 1) {
        stride = v[0];
        for (int32_t i = 1; i < k; i++)
            if (v[i] != stride) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "strides differ between H and W");
    }
    k = ox_attr_ints(n, "pads", v, 8);
    if (k >= 1) {
        pad = v[0];
        for (int32_t i = 1; i < k; i++)
            if (v[i] != pad) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "asymmetric padding");
    }
    if (pad) {
        if (w->map_pad) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a Pad node and the conv's own padding together");
        /* ONNX pads with 0 in the tensor's own units */
        w->map_pad = (int32_t)pad;
        w->pad_is_zero = 1;
    }
    int32_t kernel = (int32_t)W->dims[2];
    if (W->dims[1] != w->c) return ox_fail(w, n, BNN_ERR_INVALID_NET, "weights take %lld channels but the map has %d (shapes do not chain)", (long long)W->dims[1], w->c);
    struct ox_weights wt = {.v = W, .conv = 1, .weight_tensor = n->in[1]};
    if ((st = ox_matrix(w, n, BNN_LAYER_CONV, (int32_t)W->dims[0], kernel * kernel * w->c, &wt, kernel, (int32_t)stride))) return st;
    if (n->n_in > 2 && n->in[2] >= 0) {
        const struct ox_val *B;
        double *bias = bnn__calloc((size_t)W->dims[0], sizeof *bias);
        if (!bias) return BNN_ERR_NOMEM;
        if ((st = ox_constant_input(w, n, 2, &B)) || (st = ox_per_channel(w, n, B, (int32_t)W->dims[0], bias))) {
            free(bias);
            return st;
        }
        for (int32_t c = 0; c < W->dims[0]; c++) w->b[c] += bias[c];
        free(bias);
    }
    return BNN_OK;
}

static enum bnn_status op_maxpool(struct ox_walk *w, const struct ox_node *n)
{
    if ((w->dom != W_BITS && w->dom != W_INT) || !(w->d > 0))
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "max-pool on %s (bnnsim pools activations: an OR of bits, a max of "
                                                  "levels)",
                       w->dom == W_ACC ? "accumulators before their threshold" : w->dom == W_PIXEL ? "input pixels"
                                                                                                   : "these values");
    if (!w->spatial || w->nhwc) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "MaxPool needs an NCHW map");
    int64_t v[8];
    int32_t k = ox_attr_ints(n, "kernel_shape", v, 8);
    if (k != 2 || v[0] != v[1]) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "needs a square 2-D kernel");
    int32_t kernel = (int32_t)v[0], stride = kernel;
    k = ox_attr_ints(n, "strides", v, 8);
    if (k >= 1) {
        if (k == 2 && v[0] != v[1]) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "strides differ between H and W");
        stride = (int32_t)v[0];
    }
    k = ox_attr_ints(n, "pads", v, 8);
    for (int32_t i = 0; i < k; i++)
        if (v[i]) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padded max-pool");
    k = ox_attr_ints(n, "dilations", v, 8);
    for (int32_t i = 0; i < k; i++)
        if (v[i] != 1) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "dilated max-pool");
    if (kernel < 1 || stride < 1 || w->h < kernel || w->w < kernel)
        return ox_fail(w, n, BNN_ERR_INVALID_NET, "kernel %d on a %dx%d map", kernel, w->h, w->w);
    if (ox_attr_i(n, "ceil_mode", 0) && ((w->h - kernel) % stride || (w->w - kernel) % stride))
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "ceil_mode = 1 where it changes the output size");
    if (n->n_out > 1 && n->out[1] >= 0) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "the Indices output");
    struct bnn_layer *L = ox_add_layer(w, BNN_LAYER_MAXPOOL, "pool");
    if (!L) return BNN_ERR_NOMEM;
    L->kernel = kernel;
    L->stride = stride;
    w->h = (w->h - kernel) / stride + 1;
    w->w = (w->w - kernel) / stride + 1;
    map_dims(w);
    return BNN_OK;
}

static enum bnn_status op_relu(struct ox_walk *w, const struct ox_node *n)
{
    if (w->dom == W_PIXEL) {
        for (int32_t p = 0; p < 257; p++) w->table[p] = w->table[p] > 0 ? w->table[p] : 0;
        return BNN_OK;
    }
    if (w->dom == W_ACC) { /* folded into the quantiser that follows */
        w->relu = 1;
        return BNN_OK;
    }
    double lo = w->dom == W_INT ? w->lo + w->d * (w->d > 0 ? w->v_lo : w->v_hi) : BNN_MIN(w->lo, w->lo + w->d);
    if ((w->dom == W_BITS || w->dom == W_INT) && lo >= 0) return BNN_OK; /* nothing below 0 */
    return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a Relu that clips activations (only before a quantiser)");
}

static enum bnn_status op_pad(struct ox_walk *w, const struct ox_node *n)
{
    char mode[24];
    ox_attr_s(n, "mode", "constant", mode, sizeof mode);
    if (strcmp(mode, "constant")) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "mode '%s' (only constant)", mode);
    int64_t pads[2 * OX_MAX_DIMS];
    int32_t k = ox_attr_ints(n, "pads", pads, 2 * OX_MAX_DIMS);
    double value = ox_attr_f(n, "value", 0.0);
    enum bnn_status st;
    if (k < 0) {
        const struct ox_val *p;
        if ((st = ox_constant_input(w, n, 1, &p))) return st;
        k = (int32_t)(p->n < 2 * OX_MAX_DIMS ? p->n : 2 * OX_MAX_DIMS);
        for (int32_t i = 0; i < k; i++) pads[i] = (int64_t)p->v[i];
        if (n->n_in > 2 && n->in[2] >= 0) {
            const struct ox_val *cv;
            if ((st = ox_constant_input(w, n, 2, &cv))) return st;
            value = cv->n ? cv->v[0] : 0;
        }
    }
    if (k != 2 * w->ndim) return ox_fail(w, n, BNN_ERR_INVALID_NET, "%d pad values for %d dimensions", k, w->ndim);
    for (int32_t i = 0; i < k; i++)
        if (pads[i] < 0) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "negative padding (cropping)");
    if (w->dom != W_PIXEL && w->dom != W_BITS && w->dom != W_INT)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding of accumulators");
    int32_t pad_bit = -1;
    if (w->dom == W_INT) { /* a level v of the map: lo + d v = value */
        double v = (value - w->lo) / w->d;
        if (v != floor(v) || fabs(v) > 255)
            return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "pad value %g is not a level of the activations (%g + %g v)", value,
                           w->lo, w->d);
        if (!w->spatial) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding columns of multi-level activations");
        pad_bit = (int32_t)v;
    }
    if (w->dom == W_BITS) {
        pad_bit = value == w->lo ? 0 : value == w->lo + w->d ? 1 : -1;
        if (pad_bit < 0)
            return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "pad value %g is neither of the binary values %g and %g", value,
                           w->lo, w->lo + w->d);
    }
    int64_t dims[OX_MAX_DIMS];
    memcpy(dims, w->dims, sizeof dims);
    if (w->spatial) {
        int32_t hax = w->nhwc ? 1 : 2, wax = w->nhwc ? 2 : 3, p = (int32_t)pads[hax];
        for (int32_t i = 0; i < w->ndim; i++)
            if ((i == hax || i == wax) ? pads[i] != p || pads[i + w->ndim] != p : pads[i] || pads[i + w->ndim])
                return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding other than the same on all four sides of a map");
        if (w->map_pad) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "two paddings in a row");
        w->map_pad = p;
        w->pad_is_zero = 0;
    } else {
        int32_t ax = w->ch_axis;
        for (int32_t i = 0; i < 2 * w->ndim; i++)
            if (pads[i] && i != ax + w->ndim)
                return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a flat vector can be padded only at its end");
        if (w->flat_pad && ((w->dom == W_PIXEL && w->table[256] != value) || (w->dom == W_BITS && pad_bit != (int32_t)w->table[256])))
            return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding with two different values");
        w->flat_pad += (int32_t)pads[ax + w->ndim];
        dims[ax] += pads[ax + w->ndim];
        set_dims(w, w->ndim, dims);
    }
    /* the padded value: a pixel-domain value the following ops transform, or the bit */
    w->table[256] = w->dom == W_PIXEL ? value : pad_bit;
    return BNN_OK;
}

static enum bnn_status op_topk(struct ox_walk *w, const struct ox_node *n)
{
    int32_t k = 1;
    if (!strcmp(n->op, "TopK")) {
        const struct ox_val *kv;
        enum bnn_status st;
        if (n->n_in >= 2 && n->in[1] >= 0) {
            if ((st = ox_constant_input(w, n, 1, &kv))) return st;
            if (kv->n != 1) return ox_fail(w, n, BNN_ERR_INVALID_NET, "K must be one value");
            k = (int32_t)kv->v[0];
        } else {
            k = (int32_t)ox_attr_i(n, "k", 1);
        }
        if (!ox_attr_i(n, "largest", 1)) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "largest = 0 (a bottom-k)");
    } else if (ox_attr_i(n, "select_last_index", 0)) {
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "select_last_index = 1 (bnnsim breaks ties to the lower index)");
    }
    int64_t axis = ox_attr_i(n, "axis", -1);
    if (axis < 0) axis += w->ndim;
    if (axis != w->ch_axis) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a selection along axis %lld, not the classes", (long long)axis);
    return ox_label_select(w, n, k);
}

static enum bnn_status op_slice(struct ox_walk *w, const struct ox_node *n)
{
    if (w->dom != W_ACC && w->dom != W_INT && w->dom != W_BITS)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a slice of anything but the last layer's scores");
    const struct ox_val *s, *e, *ax = NULL, *stp = NULL;
    enum bnn_status st;
    if ((st = ox_constant_input(w, n, 1, &s)) || (st = ox_constant_input(w, n, 2, &e))) return st;
    if (n->n_in > 3 && n->in[3] >= 0 && (st = ox_constant_input(w, n, 3, &ax))) return st;
    if (n->n_in > 4 && n->in[4] >= 0 && (st = ox_constant_input(w, n, 4, &stp))) return st;
    int64_t axis = ax ? (int64_t)ax->v[0] : 0;
    if (axis < 0) axis += w->ndim;
    int64_t nch = w->dims[w->ch_axis], end = (int64_t)e->v[0];
    if (s->n != 1 || e->n != 1 || axis != w->ch_axis || s->v[0] != 0 || (stp && stp->v[0] != 1) || end < 1)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "only the first rows of the classes (starts 0, step 1)");
    if (end > nch) end = nch;
    w->n_classes = (int32_t)end;
    int64_t dims[OX_MAX_DIMS];
    memcpy(dims, w->dims, sizeof dims);
    dims[w->ch_axis] = end;
    set_dims(w, w->ndim, dims);
    return BNN_OK;
}

/* ---- the walk ---- */

static enum bnn_status step(struct ox_walk *w, const struct ox_node *n)
{
    const char *op = n->op;
    int handled = 0;
    enum bnn_status st;
    if (n->dom == OX_DOM_HW && !strcmp(n->base, "Reshape")) return op_reshape(w, n);
    if (n->dom == OX_DOM_HW) {
        if ((st = ox_hw_node(w, n, &handled))) return st;
        if (handled) return BNN_OK;
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "FINN HW op '%s' (domain %s) is not one bnnsim models", op, n->p->domain);
    }
    if (n->dom == OX_DOM_QUANT) {
        if (!strcmp(op, "BipolarQuant") || !strcmp(op, "Quant")) return op_quant(w, n);
        if (!strcmp(op, "MultiThreshold")) return op_multithreshold(w, n);
        if (!strcmp(op, "XnorPopcountMatMul")) return op_matmul(w, n);
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "unknown op '%s' of domain %s", op, n->p->domain);
    }
    if (!strcmp(op, "Identity") || !strcmp(op, "Dropout") || !strcmp(op, "Cast")) {
        if (!strcmp(op, "Cast")) {
            int32_t to = (int32_t)ox_attr_i(n, "to", OX_FLOAT);
            if (w->dom == W_PIXEL && to != OX_FLOAT && to != OX_DOUBLE)
                for (int32_t p = 0; p < 257; p++) w->table[p] = trunc(w->table[p]);
            w->dtype = to;
        }
        return BNN_OK;
    }
    if (!strcmp(op, "Reshape") || !strcmp(op, "Flatten") || !strcmp(op, "Squeeze") || !strcmp(op, "Unsqueeze"))
        return op_reshape(w, n);
    if (!strcmp(op, "Transpose")) return op_transpose(w, n);
    if (!strcmp(op, "Add") || !strcmp(op, "Sub") || !strcmp(op, "Mul") || !strcmp(op, "Div")) return op_elementwise(w, n);
    if (!strcmp(op, "BatchNormalization")) return op_batchnorm(w, n);
    if (!strcmp(op, "MatMul") || !strcmp(op, "Gemm")) return op_matmul(w, n);
    if (!strcmp(op, "Conv")) return op_conv(w, n);
    if (!strcmp(op, "MaxPool")) return op_maxpool(w, n);
    if (!strcmp(op, "Relu")) return op_relu(w, n);
    if (!strcmp(op, "Pad")) return op_pad(w, n);
    if (!strcmp(op, "TopK") || !strcmp(op, "ArgMax")) return op_topk(w, n);
    if (!strcmp(op, "Slice")) return op_slice(w, n);
    return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "unknown op '%s' (standard ONNX) for a BNN chain", op);
}

/* The node that consumes the current tensor (Shape nodes are side branches). */
static enum bnn_status next_node(struct ox_walk *w, int32_t *out)
{
    *out = -1;
    char names[256] = "";
    int32_t count = 0;
    for (int32_t i = 0; i < w->g->n_nodes; i++) {
        const struct ox_node *n = &w->g->nodes[i];
        if (!strcmp(n->op, "Shape")) continue;
        for (int32_t k = 0; k < n->n_in; k++)
            if (n->in[k] == w->cur) {
                if (count++ == 0) *out = i;
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s'%s'", count > 1 ? ", " : "", n->name);
                break;
            }
    }
    if (count > 1)
        return ox_fail(w, NULL, BNN_ERR_UNSUPPORTED, "the graph is not a chain: tensor '%s' feeds %d nodes (%s); bnnsim "
                                                     "takes one path from input to output",
                       w->g->t[w->cur].name, count, names);
    return BNN_OK;
}

static int is_output(const struct ox_graph *g, int32_t t)
{
    for (int32_t i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] == t) return 1;
    return 0;
}

static const char *bnnsim_metadata(const struct ox_graph *g)
{
    const Onnx__ModelProto *m = g->model;
    for (size_t i = 0; i < m->n_metadata_props; i++)
        if (m->metadata_props[i]->key && !strcmp(m->metadata_props[i]->key, "bnnsim") && m->metadata_props[i]->value)
            return m->metadata_props[i]->value;
    return NULL;
}

/* the input layer bnnsim wrote, tried first where the codes allow it */
static void input_hint(struct ox_walk *w)
{
    const char *text = bnnsim_metadata(w->g);
    json_t *root = text ? json_loads(text, 0, NULL) : NULL;
    json_t *in = json_object_get(json_array_get(json_object_get(root, "layers"), 0), "input");
    json_t *range = json_object_get(in, "range");
    if (json_is_object(in) && json_array_size(range) == 2) {
        w->hint_in = (struct bnn_input_spec){BNN_INPUT_FIXED, 0, (int32_t)json_integer_value(json_object_get(in, "bits")),
                                             (int32_t)json_integer_value(json_object_get(in, "frac")),
                                             json_is_true(json_object_get(in, "signed")),
                                             (int32_t)json_integer_value(json_array_get(range, 0)),
                                             (int32_t)json_integer_value(json_array_get(range, 1))};
        w->has_hint_in = w->hint_in.bits >= 2 && w->hint_in.bits <= 16 && w->hint_in.frac >= 0 && w->hint_in.frac <= 16 &&
                         w->hint_in.range_lo < w->hint_in.range_hi;
    }
    json_decref(root);
}

static enum bnn_status start(struct ox_walk *w, const struct bnn_onnx_options *opt)
{
    input_hint(w);
    w->own_file = bnnsim_metadata(w->g) != NULL;
    struct ox_graph *g = w->g;
    const struct ox_tensor *in = &g->t[g->input];
    if (!in->has_shape) return ox_fail(w, NULL, BNN_ERR_INVALID_NET, "graph input '%s' has no shape", in->name);
    w->dtype = in->elem_type ? in->elem_type : OX_FLOAT;
    w->layer = -1;
    w->cur = g->input;
    int has_std_map_op = 0, has_hw = 0;
    for (int32_t i = 0; i < g->n_nodes; i++) {
        has_hw |= g->nodes[i].dom == OX_DOM_HW;
        has_std_map_op |= !strcmp(g->nodes[i].op, "Conv") || !strcmp(g->nodes[i].op, "MaxPool");
    }
    int64_t d[4];
    if (in->ndim == 4) {
        /* the layout annotation, else the shape (channels are the small axis), else HW graphs are NHWC */
        int nhwc = strstr(in->layout, "NHWC") || strstr(in->layout, "'H', 'W', 'C'");
        if (!in->layout[0]) {
            if (in->dims[1] <= 4 && in->dims[3] > 4) nhwc = 0;
            else if (in->dims[3] <= 4 && in->dims[1] > 4) nhwc = 1;
            else nhwc = has_hw && !has_std_map_op;
        }
        w->nhwc = nhwc;
        w->h = (int32_t)in->dims[nhwc ? 1 : 2], w->w = (int32_t)in->dims[nhwc ? 2 : 3], w->c = (int32_t)in->dims[nhwc ? 3 : 1];
        if (in->dims[0] != 1) return ox_fail(w, NULL, BNN_ERR_UNSUPPORTED, "graph input batch size %lld (expected 1)", (long long)in->dims[0]);
        map_dims(w);
    } else if (in->ndim == 2 || in->ndim == 3) {
        int64_t k = in->dims[in->ndim - 1] * (in->ndim == 3 ? in->dims[1] : 1);
        int32_t side = (int32_t)llround(sqrt((double)k)), side3 = (int32_t)llround(sqrt((double)k / 3));
        if (in->ndim == 3) w->h = (int32_t)in->dims[1], w->w = (int32_t)in->dims[2], w->c = 1;
        else if ((int64_t)side * side == k) w->h = w->w = side, w->c = 1;
        else if ((int64_t)3 * side3 * side3 == k) w->h = w->w = side3, w->c = 3;
        else w->h = w->w = 1, w->c = (int32_t)k;
        w->flat_chw = w->c > 1;
        d[0] = 1, d[1] = k;
        set_dims(w, 2, d);
    } else {
        return ox_fail(w, NULL, BNN_ERR_UNSUPPORTED, "graph input of %d dimensions", in->ndim);
    }
    w->in_h = w->h, w->in_w = w->w, w->in_c = w->c;
    /* What the input holds: raw pixels when annotated UINT8 or divided by 255
     * in the graph; otherwise a float model trained on pixel / 255. */
    w->pixel_div = opt && opt->input_scale > 0 ? opt->input_scale : 0;
    if (!w->pixel_div) {
        int32_t first = -1;
        if (next_node(w, &first)) return bnn__last_status();
        const struct ox_node *n = first >= 0 ? &g->nodes[first] : NULL;
        const struct ox_val *c = NULL;
        int div255 = n && n->n_in == 2 && n->in[0] == w->cur && !strcmp(n->op, "Div") && !ox_const(g, n->in[1], &c) && c->n == 1 && c->v[0] == 255;
        bnn_error_clear();
        if (!strncmp(in->finn_dt, "UINT8", 5) || div255 || (w->dtype != OX_FLOAT && w->dtype != OX_DOUBLE) ||
            (n && n->dom == OX_DOM_HW))
            w->pixel_div = 1;
        else {
            w->pixel_div = 255;
            bnn__warn(w->warn, "%s: note: graph input '%s' is float with no UINT8 annotation; bnnsim feeds it pixel/255 "
                               "(as PyTorch's ToTensor does; --input-scale 1 feeds raw pixels)", w->path, in->name);
        }
    }
    for (int32_t p = 0; p < 256; p++) w->table[p] = ox_round_to(w->dtype, p / w->pixel_div);
    w->table[256] = 0;
    w->dom = W_PIXEL;
    return BNN_OK;
}

/* bnnsim's own metadata (names, classes, exact threshold scales) when a
 * file it wrote is read back; each hint is used only where it fits. */
static void apply_hints(struct ox_walk *w)
{
    const char *text = bnnsim_metadata(w->g);
    if (!text) return;
    json_t *root = json_loads(text, 0, NULL);
    if (!root) return;
    struct bnn_net *net = w->net;
    json_t *layers = json_object_get(root, "layers"), *classes = json_object_get(root, "classes");
    const char *name = json_string_value(json_object_get(root, "name"));
    const char *desc = json_string_value(json_object_get(root, "description"));
    if (name) snprintf(net->name, sizeof net->name, "%s", name);
    if (desc) {
        free(net->description);
        net->description = bnn__strdup(desc);
    }
    if (json_is_array(classes) && (int32_t)json_array_size(classes) == net->n_classes)
        for (int32_t i = 0; i < net->n_classes; i++) {
            const char *c = json_string_value(json_array_get(classes, (size_t)i));
            char *dup = c ? bnn__strdup(c) : NULL;
            if (dup) free(net->class_names[i]), net->class_names[i] = dup;
        }
    if (json_is_array(layers) && (int32_t)json_array_size(layers) == net->n_layers)
        for (int32_t i = 0; i < net->n_layers; i++) {
            struct bnn_layer *L = &net->layers[i];
            json_t *o = json_array_get(layers, (size_t)i);
            const char *nm = json_string_value(json_object_get(o, "name"));
            if (nm && *nm && strlen(nm) < BNN_NAME_MAX) {
                snprintf(L->name, sizeof L->name, "%s", nm);
                if (L->weights) snprintf(L->weights_tensor, sizeof L->weights_tensor, "%.58s.W", nm);
                if (L->thresholds) snprintf(L->thresholds_tensor, sizeof L->thresholds_tensor, "%.58s.T", nm);
            }
            /* bnnsim wrote a +-1 dot accumulator (BNN-PYNQ's Binary x Binary): the same
             * function as the popcount the graph reads as, acc' = 2 acc - MW */
            const char *acc = json_string_value(json_object_get(o, "accumulator"));
            if (acc && !strcmp(acc, "dot") && L->acc_kind == BNN_ACC_XNOR && L->w_bits <= 1 && L->weights &&
                L->in_type != BNN_VT_INT && L->thr_frac == 0) {
                L->acc_kind = BNN_ACC_DOT;
                for (int64_t k = 0; L->thresholds && k < (int64_t)L->mh * L->n_thr; k++)
                    L->thresholds[k] = 2 * L->thresholds[k] - L->mw;
            }
            json_t *tf = json_object_get(o, "threshold_frac"), *tb = json_object_get(o, "threshold_bits");
            if (!L->thresholds) continue;
            const int64_t nt = (int64_t)L->mh * L->n_thr;
            int64_t want = json_is_integer(tf) ? json_integer_value(tf) : L->thr_frac;
            if (want >= 0 && want <= 32 && want != L->thr_frac) { /* rescale where it is exact */
                int32_t sh = (int32_t)(want - L->thr_frac);
                int ok = 1;
                for (int64_t k = 0; k < nt && ok; k++)
                    ok = sh > 0 ? llabs(L->thresholds[k]) < ((int64_t)1 << (62 - sh))
                                : L->thresholds[k] % ((int64_t)1 << -sh) == 0;
                for (int64_t k = 0; k < nt && ok; k++)
                    L->thresholds[k] = sh > 0 ? L->thresholds[k] * ((int64_t)1 << sh) : L->thresholds[k] / ((int64_t)1 << -sh);
                if (ok) L->thr_frac = (int32_t)want;
            }
            int64_t lo = 0, hi = 0;
            for (int64_t k = 0; k < nt; k++) lo = BNN_MIN(lo, L->thresholds[k]), hi = BNN_MAX(hi, L->thresholds[k]);
            L->thr_bits = bnn__signed_bits(lo, hi);
            if (json_is_integer(tb) && json_integer_value(tb) > L->thr_bits && json_integer_value(tb) <= 64)
                L->thr_bits = (int32_t)json_integer_value(tb);
        }
    json_decref(root);
}

static enum bnn_status walk(struct ox_walk *w, const struct bnn_onnx_options *opt)
{
    enum bnn_status st = start(w, opt);
    if (st) return st;
    for (int32_t steps = 0;; steps++) {
        int32_t ni;
        if ((st = next_node(w, &ni))) return st;
        if (ni < 0) break;
        const struct ox_node *n = &w->g->nodes[ni];
        if ((st = step(w, n))) return st;
        /* the chain goes on through the node's data output (TopK: the indices) */
        int32_t out = !strcmp(n->op, "TopK") && n->n_out > 1 ? n->out[1] : n->n_out > 0 ? n->out[0] : -1;
        if (out < 0) return ox_fail(w, n, BNN_ERR_INVALID_NET, "no output");
        ox_set_shape(w->g, out, w->ndim, w->dims);
        w->cur = out;
    }
    if (!is_output(w->g, w->cur))
        return ox_fail(w, NULL, BNN_ERR_INVALID_NET, "the chain ends at '%s', which is not a graph output",
                       w->g->t[w->cur].name);
    if (w->layer < 0) return ox_fail(w, NULL, BNN_ERR_INVALID_NET, "the graph has no matrix layer (MatMul, Gemm, Conv, MVAU)");
    struct bnn_layer *L = &w->net->layers[w->layer];
    if (w->dom == W_ACC) L->act = BNN_ACT_RAW; /* the accumulators are the scores */
    if (w->dom == W_ACC && !w->has_labelselect) {
        for (int32_t c = 1; c < L->mh; c++)
            if (w->a[c] != w->a[0] || w->b[c] != w->b[0]) {
                bnn__warn(w->warn, "%s: the graph's outputs are a per-channel affine function of the last layer's "
                                   "accumulators; bnnsim reports the accumulators", w->path);
                break;
            }
    }
    return BNN_OK;
}

static enum bnn_status classes(struct bnn_net *net, int32_t n)
{
    net->n_classes = n;
    net->class_names = bnn__calloc((size_t)n, sizeof *net->class_names);
    if (!net->class_names) return BNN_ERR_NOMEM;
    for (int32_t i = 0; i < n; i++) {
        char b[16];
        snprintf(b, sizeof b, "%d", i);
        if (!(net->class_names[i] = bnn__strdup(b))) return BNN_ERR_NOMEM;
    }
    return BNN_OK;
}

enum bnn_status bnn_onnx_import(const char *path, const struct bnn_onnx_options *opt, struct bnn_net **net_out,
                                struct bnn_fold **fold_out, struct bnn_warnings *warn)
{
    *net_out = NULL;
    if (fold_out) *fold_out = NULL;
    struct ox_graph g;
    enum bnn_status st = ox_graph_load(path, &g);
    if (st) return st;
    struct ox_walk *w = bnn__calloc(1, sizeof *w);
    struct bnn_net *net = bnn__calloc(1, sizeof *net);
    struct bnn_fold *fold = NULL;
    if (!w || !net) {
        st = BNN_ERR_NOMEM;
        goto done;
    }
    w->g = &g;
    w->path = path;
    w->warn = warn;
    w->net = net;
    const char *gname = g.model->graph->name && *g.model->graph->name ? g.model->graph->name : bnn__basename(path);
    snprintf(net->name, sizeof net->name, "%s", gname);
    char desc[512];
    snprintf(desc, sizeof desc, "imported from %s (ONNX, producer '%s')", bnn__basename(path),
             g.model->producer_name ? g.model->producer_name : "");
    if (!(net->description = bnn__strdup(desc))) { st = BNN_ERR_NOMEM; goto done; }
    if ((st = walk(w, opt))) goto done;
    if ((st = classes(net, w->n_classes ? w->n_classes : net->layers[w->layer].mh))) goto done;
    apply_hints(w);
    if ((st = bnn_net_finalize(net, path))) goto done;
    if (w->has_hw && (st = ox_hw_fold(w, &fold))) goto done;
done:
    if (st == BNN_ERR_NOMEM && !*bnn_last_error()) bnn_error(st, "%s: out of memory", path);
    if (w) {
        free(w->a);
        free(w->b);
        bnn_fold_free(w->fold_nodes);
    }
    free(w);
    ox_graph_free(&g);
    if (st) {
        bnn_net_free(net);
        bnn_fold_free(fold);
        return st;
    }
    *net_out = net;
    if (fold_out) *fold_out = fold;
    else bnn_fold_free(fold);
    return BNN_OK;
}
