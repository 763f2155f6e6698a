/* The IR -> a FINN-ONNX model: the streamlined form (MultiThreshold +
 * MatMul/Conv with +-1 weights, NCHW, as FINN's streamlining leaves a
 * network) or the HW layers of bnnsim's FINN-style pipeline (NHWC, node
 * names, FIFOs and width converters as bnnsim builds them, the folding in
 * the node attributes). Both read back to the same network. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "bnnsim/hw.h"
#include "bnnsim/onnx.h"
#include "core/util.h"
#include "exec/plan-impl.h" /* bnn__quantize_pixel */
#include "onnx/build.h"
#include "onnx/graph.h"

#define D_GENERAL "qonnx.custom_op.general"
#define D_HLS "finn.custom_op.fpgadataflow.hls"
#define D_RTL "finn.custom_op.fpgadataflow.rtl"

struct ex {
    struct xb b;
    const struct bnn_net *net;
    const char *cur;  /* the chain's current tensor */
    int32_t h, w, c;  /* the current map (1 x 1 x K once flat) */
    int32_t flat;     /* flattened already */
    int32_t nhwc;     /* HW form */
    int32_t uid;
    const struct bnn_hw_pipeline *pipe; /* HW form */
};

static const char *tname(struct ex *e, const char *base) { return xb_str(&e->b, "%s_out%d", base, e->uid++); }

/* one node on the chain: cur -> op(cur, consts...) -> new cur */
static Onnx__NodeProto *chain(struct ex *e, const char *op, const char *dom, const char *name, const char *in1,
                              const char *in2)
{
    const char *ins[4] = {e->cur, in1, in2, NULL};
    if (!in1) ins[1] = NULL;
    const char *out = tname(e, name);
    Onnx__NodeProto *n = xb_node(&e->b, op, dom, name, ins, out);
    e->cur = out;
    return n;
}

static const char *scalar(struct ex *e, const char *name, double v)
{
    int64_t d = 1;
    return xb_init_real(&e->b, xb_str(&e->b, "%s_%d", name, e->uid++), 1, &d, &v);
}

static int32_t ubits(int64_t max)
{
    int32_t b = 1;
    while (b < 62 && ((int64_t)1 << b) <= max) b++;
    return b;
}

static const char *int_type(struct ex *e, int64_t lo, int64_t hi)
{
    if (lo >= 0) return hi <= 1 ? "BINARY" : xb_str(&e->b, "UINT%d", ubits(hi));
    return xb_str(&e->b, "INT%d", bnn__signed_bits(lo, hi));
}

/* Code range of the fixed-point input layer. */
static void code_range(const struct bnn_input_spec *s, int64_t *lo, int64_t *hi)
{
    *lo = bnn__quantize_pixel(s, 0);
    *hi = bnn__quantize_pixel(s, 255);
}

static int is_fixed_first(const struct bnn_net *net, int32_t i)
{
    return net->layers[i - 1].kind == BNN_LAYER_INPUT && net->layers[0].input.kind == BNN_INPUT_FIXED;
}

/* ---- the input quantiser: thresholds on the 8-bit pixel ---- */

struct qsteps {
    int32_t n;
    double t[65536];
    int64_t qmin, qmax;
};

static void input_steps(const struct bnn_input_spec *s, struct qsteps *q)
{
    q->n = 0;
    if (s->kind == BNN_INPUT_BINARY) {
        q->t[q->n++] = s->binarize_threshold;
        q->qmin = 0, q->qmax = 1;
        return;
    }
    code_range(s, &q->qmin, &q->qmax);
    for (int64_t v = q->qmin + 1; v <= q->qmax && q->n < 65536; v++) {
        int32_t p = 0;
        while (p < 255 && bnn__quantize_pixel(s, (uint8_t)p) < v) p++;
        q->t[q->n++] = p;
    }
}

static enum bnn_status pixel_pad_value(const struct bnn_layer *in, int32_t bit, double *out)
{
    int32_t t = in->input.binarize_threshold;
    if (bit && t <= 255) *out = 255;
    else if (!bit && t >= 1) *out = 0;
    else return bnn_error(BNN_ERR_UNSUPPORTED, "padding columns of bit %d after an input that is never %d (threshold %d) "
                                               "have no pixel value", bit, bit, t);
    return BNN_OK;
}

/* ---- metadata: what reads back exactly (names, classes, scales) ---- */

static void metadata(struct ex *e)
{
    const struct bnn_net *net = e->net;
    json_t *o = json_object(), *cl = json_array(), *ly = json_array();
    json_object_set_new(o, "name", json_string(net->name));
    if (net->description) json_object_set_new(o, "description", json_string(net->description));
    for (int32_t i = 0; i < net->n_classes; i++) json_array_append_new(cl, json_string(net->class_names[i]));
    json_object_set_new(o, "classes", cl);
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        json_t *l = json_pack("{s:s}", "name", L->name);
        if ((L->kind == BNN_LAYER_CONV || L->kind == BNN_LAYER_FC) && L->acc_kind == BNN_ACC_DOT)
            json_object_set_new(l, "accumulator", json_string("dot"));
        if (L->thresholds) {
            json_object_set_new(l, "threshold_bits", json_integer(L->thr_bits));
            json_object_set_new(l, "threshold_frac", json_integer(L->thr_frac));
        }
        if (L->kind == BNN_LAYER_INPUT && L->input.kind == BNN_INPUT_FIXED)
            json_object_set_new(l, "input", json_pack("{s:i,s:i,s:b,s:[ii]}", "bits", L->input.bits, "frac", L->input.frac,
                                                      "signed", L->input.is_signed, "range", L->input.range_lo,
                                                      L->input.range_hi));
        json_array_append_new(ly, l);
    }
    json_object_set_new(o, "layers", ly);
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (text) xb_meta(&e->b, "bnnsim", text);
    free(text);
}

/* ---- the streamlined form ---- */

static void multithreshold(struct ex *e, const char *name, int32_t rows, int32_t steps, const double *t, double scale,
                           double bias, const char *odt)
{
    int64_t d[2] = {rows, steps};
    const char *T = xb_init_real(&e->b, xb_str(&e->b, "%s_T", name), 2, d, t);
    Onnx__NodeProto *n = chain(e, "MultiThreshold", D_GENERAL, name, T, NULL);
    xb_attr_f(&e->b, n, "out_scale", scale);
    xb_attr_f(&e->b, n, "out_bias", bias);
    xb_attr_s(&e->b, n, "out_dtype", odt);
    xb_annotate(&e->b, e->cur, "finn_datatype", odt);
}

static void flatten(struct ex *e, const char *name)
{
    int64_t d = 2, v[2] = {1, -1};
    const char *shape = xb_init_i64(&e->b, xb_str(&e->b, "%s_shape", name), 1, &d, v);
    chain(e, "Reshape", "", name, shape, NULL);
    e->c = e->h * e->w * e->c;
    e->h = e->w = 1;
    e->flat = 1;
}

static void pad_node(struct ex *e, const char *name, int32_t ndim, const int64_t *pads, double value)
{
    int64_t d = 2 * ndim;
    const char *P = xb_init_i64(&e->b, xb_str(&e->b, "%s_pads", name), 1, &d, pads);
    const char *V = scalar(e, xb_str(&e->b, "%s_value", name), value);
    Onnx__NodeProto *n = chain(e, "Pad", "", name, P, V);
    xb_attr_s(&e->b, n, "mode", "constant");
}

/* weight (+-1 or the integer code) of output r for the ONNX input k of an FC layer fed by an NCHW map */
static double fc_weight(const struct bnn_layer *L, const struct ex *e, int32_t r, int64_t k, int chw)
{
    int64_t hwc = (int64_t)L->in.h * L->in.w * L->in.c, j = k;
    if (chw && k < hwc) {
        int64_t hw = (int64_t)L->in.h * L->in.w, ch = k / hw, px = k % hw;
        j = px * L->in.c + ch;
    }
    return bnn_layer_weight(L, (size_t)((int64_t)r * L->mw + j));
}

/* The graph's MatMul / Conv output is the accumulator itself: integer
 * weights or inputs, or the +-1 dot product (everything but XNOR). */
static int acc_is_output(const struct bnn_layer *L)
{
    return L->w_bits > 1 || L->in_type == BNN_VT_INT || L->acc_kind == BNN_ACC_DOT;
}

/* thresholds in the units of the MatMul / Conv output: the +-1 dot product
 * (XNOR popcount: 2T - MW), acc * 2^-frac (fixed-point input), or acc */
static double onnx_threshold(const struct bnn_net *net, int32_t i, int64_t T)
{
    const struct bnn_layer *L = &net->layers[i];
    const double t = ldexp((double)T, -L->thr_frac); /* acc >= T / 2^thr_frac */
    if (is_fixed_first(net, i) || acc_is_output(L)) return t;
    return 2.0 * t - L->mw;
}

static const char *weight_type(struct ex *e, const struct bnn_layer *L)
{
    if (L->w_bits <= 1) return "BIPOLAR";
    return xb_str(&e->b, "%sINT%d", L->w_signed ? "" : "U", L->w_bits);
}

static enum bnn_status streamlined_layer(struct ex *e, int32_t i)
{
    const struct bnn_net *net = e->net;
    const struct bnn_layer *L = &net->layers[i];
    struct xb *b = &e->b;
    const int fixed = is_fixed_first(net, i);
    if (L->kind == BNN_LAYER_MAXPOOL) {
        Onnx__NodeProto *n = chain(e, "MaxPool", "", L->name, NULL, NULL);
        int64_t k[2] = {L->kernel, L->kernel}, s[2] = {L->stride, L->stride};
        xb_attr_ints(b, n, "kernel_shape", 2, k);
        xb_attr_ints(b, n, "strides", 2, s);
        e->h = L->out.h, e->w = L->out.w;
        return BNN_OK;
    }
    if (L->kind == BNN_LAYER_LABELSELECT) {
        if (net->n_classes < e->c) {
            int64_t d = 1, s0 = 0, e0 = net->n_classes, ax = 1;
            const char *S = xb_init_i64(b, xb_str(b, "%s_starts", L->name), 1, &d, &s0);
            const char *E = xb_init_i64(b, xb_str(b, "%s_ends", L->name), 1, &d, &e0);
            const char *A = xb_init_i64(b, xb_str(b, "%s_axes", L->name), 1, &d, &ax);
            const char *ins[5] = {e->cur, S, E, A, NULL};
            const char *out = tname(e, "classes");
            xb_node(b, "Slice", "", xb_str(b, "%s_classes", L->name), ins, out);
            e->cur = out;
        }
        int64_t d = 1, k = L->top_k;
        const char *K = xb_init_i64(b, xb_str(b, "%s_K", L->name), 1, &d, &k);
        const char *ins[3] = {e->cur, K, NULL};
        Onnx__NodeProto *n = xb_node(b, "TopK", "", L->name, ins, tname(e, "values"));
        xb_node_output(b, n, "global_out");
        xb_attr_i(b, n, "axis", -1);
        xb_attr_i(b, n, "largest", 1);
        xb_attr_i(b, n, "sorted", 1);
        e->cur = "global_out";
        return BNN_OK;
    }
    /* CONV / FC */
    const int32_t mh = L->mh, mw = L->mw;
    double *W = malloc((size_t)mh * mw * sizeof *W);
    if (!W) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    if (L->kind == BNN_LAYER_CONV) {
        if (L->pad) {
            /* the padded value in ONNX units: a code (fixed), a level (integer map) or +-1 */
            double v = fixed ? ldexp(L->pad_value, -net->layers[0].input.frac)
                       : L->in_type == BNN_VT_INT ? L->pad_value : L->pad_value ? 1.0 : -1.0;
            int64_t p[8] = {0, 0, L->pad, L->pad, 0, 0, L->pad, L->pad};
            pad_node(e, xb_str(b, "%s_pad", L->name), 4, p, v);
        }
        const int32_t k = L->kernel, C = L->in.c;
        for (int32_t o = 0; o < mh; o++)
            for (int32_t ch = 0; ch < C; ch++)
                for (int32_t ky = 0; ky < k; ky++)
                    for (int32_t kx = 0; kx < k; kx++)
                        W[(((int64_t)o * C + ch) * k + ky) * k + kx] =
                            bnn_layer_weight(L, (size_t)((int64_t)o * mw + (ky * k + kx) * C + ch));
        int64_t d[4] = {mh, C, k, k};
        const char *Wn = xb_init_real(b, xb_str(b, "%s_W", L->name), 4, d, W);
        Onnx__NodeProto *n = chain(e, "Conv", "", L->name, Wn, NULL);
        int64_t ks[2] = {k, k}, st[2] = {L->stride, L->stride};
        xb_attr_ints(b, n, "kernel_shape", 2, ks);
        xb_attr_ints(b, n, "strides", 2, st);
        xb_annotate(b, Wn, "finn_datatype", weight_type(e, L));
        e->h = L->out.h, e->w = L->out.w, e->c = mh;
    } else {
        const int chw = !e->flat && e->c > 1 && e->h * e->w > 1;
        if (!e->flat) flatten(e, xb_str(b, "%s_flatten", L->name));
        if (L->in_pad) {
            int64_t p[4] = {0, 0, 0, L->in_pad};
            pad_node(e, xb_str(b, "%s_pad", L->name), 2, p,
                     L->in_type == BNN_VT_INT ? L->in_pad_value : L->in_pad_value ? 1.0 : -1.0);
        }
        for (int64_t kk = 0; kk < mw; kk++)
            for (int32_t r = 0; r < mh; r++) W[kk * mh + r] = fc_weight(L, e, r, kk, chw);
        int64_t d[2] = {mw, mh};
        const char *Wn = xb_init_real(b, xb_str(b, "%s_W", L->name), 2, d, W);
        chain(e, "MatMul", "", L->name, Wn, NULL);
        xb_annotate(b, Wn, "finn_datatype", weight_type(e, L));
        e->c = mh;
    }
    free(W);
    if (L->act == BNN_ACT_RAW) {
        /* the graph's values become bnnsim's scores: the popcount, or the fixed-point sum in codes */
        if (fixed) {
            chain(e, "Mul", "", xb_str(b, "%s_scores", L->name), scalar(e, "scale", ldexp(1, net->layers[0].input.frac)), NULL);
        } else if (!acc_is_output(L)) {
            chain(e, "Add", "", xb_str(b, "%s_popcount", L->name), scalar(e, "mw", mw), NULL);
            chain(e, "Mul", "", xb_str(b, "%s_scores", L->name), scalar(e, "half", 0.5), NULL);
        }
        return BNN_OK;
    }
    double *t = malloc((size_t)mh * L->n_thr * sizeof *t);
    if (!t) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    for (int64_t k = 0; k < (int64_t)mh * L->n_thr; k++) t[k] = onnx_threshold(net, i, L->thresholds[k]);
    if (L->n_thr == 1 && !L->act_bias) multithreshold(e, xb_str(b, "%s_act", L->name), mh, 1, t, 2, -1, "BIPOLAR");
    else /* the values act_bias + count, FINN's out_bias */
        multithreshold(e, xb_str(b, "%s_act", L->name), mh, L->n_thr, t, 1, L->act_bias,
                       int_type(e, L->act_bias, (int64_t)L->act_bias + L->n_thr));
    free(t);
    return BNN_OK;
}

static enum bnn_status streamlined(struct ex *e)
{
    const struct bnn_net *net = e->net;
    const struct bnn_layer *in = &net->layers[0];
    struct qsteps *q = malloc(sizeof *q);
    if (!q) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    input_steps(&in->input, q);
    if (in->input.kind == BNN_INPUT_BINARY) {
        multithreshold(e, "in_quant", 1, 1, q->t, 2, -1, "BIPOLAR");
    } else {
        double u = ldexp(1, -in->input.frac);
        multithreshold(e, "in_quant", 1, q->n, q->t, u, (double)q->qmin * u, int_type(e, q->qmin, q->qmax));
    }
    free(q);
    enum bnn_status st = BNN_OK;
    for (int32_t i = 1; i < net->n_layers && !st; i++) st = streamlined_layer(e, i);
    return st;
}

/* ---- the HW form: bnnsim's FINN pipeline, node by node ---- */

/* Bits go to FINN as BINARY {0, 1}, which XNOR MVAUs count; to an MVAU
 * with integer weights as BIPOLAR {-1, +1}, whose sum of w * x is bnnsim's
 * accumulator (a BINARY input would make it (acc + sum w) / 2). */
static const char *bits_type(struct ex *e, const struct bnn_hw_node *n)
{
    if (n->out_elem_bits == 1 && !n->out_signed) { /* bits; a signed 1-bit map is the levels -1, 0: INT1 */
        const struct bnn_hw_pipeline *p = e->pipe;
        for (int32_t j = (int32_t)(n - p->nodes) + 1; j < p->n_nodes; j++)
            if (p->nodes[j].kind == BNN_HW_MVAU) return e->net->layers[p->nodes[j].layer].w_bits > 1 ? "BIPOLAR" : "BINARY";
        return "BINARY";
    }
    return xb_str(&e->b, "%sINT%d", n->out_signed ? "" : "U", n->out_elem_bits);
}

static void hw_fifo(struct ex *e, const struct bnn_hw_link *l, const char *dt)
{
    Onnx__NodeProto *n = chain(e, "StreamingFIFO_rtl", D_RTL, l->name, NULL, NULL);
    xb_attr_i(&e->b, n, "depth", l->depth);
    xb_attr_s(&e->b, n, "dataType", dt);
    xb_attr_s(&e->b, n, "impl_style", l->depth > 256 ? "vivado" : "rtl");
}

static enum bnn_status hw_mvau(struct ex *e, const struct bnn_hw_node *hn, const struct bnn_fold *fold, const char *idt)
{
    const struct bnn_net *net = e->net;
    const struct bnn_layer *L = &net->layers[hn->layer];
    struct xb *b = &e->b;
    const int fixed = is_fixed_first(net, hn->layer);
    const int32_t mh = L->mh, mw = L->mw;
    if (L->kind == BNN_LAYER_FC && !e->flat) flatten(e, xb_str(b, "%s_flatten", hn->name));
    if (L->kind == BNN_LAYER_FC && L->in_pad && hn->layer != bnn_net_first_matrix(net)) {
        int64_t pd[4] = {0, 0, 0, L->in_pad}; /* padding columns on the bits (the first layer's come as pixels) */
        pad_node(e, xb_str(b, "%s_pad", hn->name), 2, pd,
                 L->w_bits > 1 ? (L->in_pad_value ? 1.0 : -1.0) : L->in_pad_value); /* BIPOLAR or BINARY bits */
    }
    /* FINN's MVAU: XNOR popcount for bits x bipolar weights, else sum w * x
     * over BIPOLAR bits or INTn values, with BIPOLAR or INTn weights */
    const int int_w = L->w_bits > 1, int_in = L->in_type == BNN_VT_INT && !fixed, xnor = !fixed && !int_in && !int_w;
    double *W = malloc((size_t)mh * mw * sizeof *W);
    if (!W) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    int64_t wmax = 1;
    for (int64_t k = 0; k < mw; k++)
        for (int32_t r = 0; r < mh; r++) {
            int32_t v = bnn_layer_weight(L, (size_t)((int64_t)r * mw + k));
            W[k * mh + r] = xnor ? (v > 0) : v;
            wmax = BNN_MAX(wmax, llabs((long long)v));
        }
    int64_t d[2] = {mw, mh};
    const char *Wn = xb_init_real(b, xb_str(b, "%s_W", hn->name), 2, d, W);
    free(W);
    const char *Tn = NULL;
    if (L->act == BNN_ACT_THRESHOLD) {
        double *t = malloc((size_t)mh * L->n_thr * sizeof *t);
        if (!t) return bnn_error(BNN_ERR_NOMEM, "out of memory");
        /* integers on FINN's accumulator y: acc >= T 2^(acc_frac - thr_frac), and y = acc, or the
         * agreements (acc + MW) / 2 of a +-1 dot */
        for (int64_t k = 0; k < (int64_t)mh * L->n_thr; k++) {
            long double th = ldexpl((long double)L->thresholds[k], L->acc_frac - L->thr_frac);
            if (xnor && L->acc_kind == BNN_ACC_DOT) th = (th + mw) / 2; /* FINN counts the agreements */
            t[k] = (double)ceill(th);
        }
        int64_t dt[2] = {mh, L->n_thr};
        Tn = xb_init_real(b, xb_str(b, "%s_T", hn->name), 2, dt, t);
        free(t);
    }
    Onnx__NodeProto *n = chain(e, "MVAU_hls", D_HLS, hn->name, Wn, Tn);
    int64_t xmax = 1;
    if (fixed) {
        int64_t qlo, qhi;
        code_range(&net->layers[0].input, &qlo, &qhi);
        xmax = BNN_MAX(llabs(qlo), llabs(qhi));
    } else if (int_in) {
        xmax = BNN_MAX(llabs((long long)L->in_lo), llabs((long long)L->in_hi));
    }
    int64_t acc_lo = xnor ? 0 : -xmax * wmax * mw, acc_hi = xnor ? mw : xmax * wmax * mw;
    xb_attr_i(b, n, "MW", mw);
    xb_attr_i(b, n, "MH", mh);
    xb_attr_i(b, n, "PE", hn->pe);
    xb_attr_i(b, n, "SIMD", hn->simd);
    xb_attr_i(b, n, "binaryXnorMode", xnor);
    xb_attr_i(b, n, "noActivation", L->act == BNN_ACT_RAW);
    xb_attr_i(b, n, "ActVal", L->act_bias);
    xb_attr_s(b, n, "inputDataType", idt);
    const char *wdt = int_w ? weight_type(e, L) : xnor ? "BINARY" : "BIPOLAR";
    xb_attr_s(b, n, "weightDataType", wdt);
    xb_attr_s(b, n, "outputDataType", L->act == BNN_ACT_RAW ? int_type(e, acc_lo, acc_hi) : bits_type(e, hn));
    xb_attr_s(b, n, "accDataType", int_type(e, acc_lo, acc_hi));
    int64_t nv[3] = {1, L->out.h, L->out.w};
    xb_attr_ints(b, n, "numInputVectors", L->kind == BNN_LAYER_CONV ? 3 : 1, nv);
    const struct bnn_fold_node *fe = NULL;
    for (int32_t i = 0; fold && i < fold->n_nodes; i++)
        if (fold->nodes[i].mvau >= 0 && fold->layers[fold->nodes[i].mvau].layer == hn->layer) fe = &fold->nodes[i];
    /* only what the folding sets: FINN's defaults stand for the rest */
    if (fe && fe->mem_mode[0]) xb_attr_s(b, n, "mem_mode", fe->mem_mode);
    if (fe && fe->ram_style[0]) xb_attr_s(b, n, "ram_style", fe->ram_style);
    if (fe && fe->ram_style_thresholds[0]) xb_attr_s(b, n, "ram_style_thresholds", fe->ram_style_thresholds);
    if (fe && fe->res_type[0]) xb_attr_s(b, n, "resType", fe->res_type);
    if (fe && fe->runtime_writeable_weights >= 0) xb_attr_i(b, n, "runtime_writeable_weights", fe->runtime_writeable_weights);
    xb_annotate(b, Wn, "finn_datatype", wdt);
    if (L->kind == BNN_LAYER_FC) e->c = mh;
    else e->h = L->out.h, e->w = L->out.w, e->c = mh;
    return BNN_OK;
}

static enum bnn_status hw_node(struct ex *e, const struct bnn_hw_pipeline *p, int32_t i, const struct bnn_fold *fold)
{
    const struct bnn_net *net = e->net;
    const struct bnn_hw_node *hn = &p->nodes[i];
    const char *idt = bits_type(e, &p->nodes[i - 1]);
    struct xb *b = &e->b;
    Onnx__NodeProto *n;
    switch (hn->kind) {
    case BNN_HW_THRESH: {
        const struct bnn_layer *in = &net->layers[0];
        struct qsteps *q = malloc(sizeof *q);
        if (!q) return bnn_error(BNN_ERR_NOMEM, "out of memory");
        input_steps(&in->input, q);
        int64_t d[2] = {1, q->n};
        const char *T = xb_init_real(b, xb_str(b, "%s_T", hn->name), 2, d, q->t);
        n = chain(e, "Thresholding_rtl", D_RTL, hn->name, T, NULL);
        xb_attr_i(b, n, "NumChannels", hn->ch);
        xb_attr_i(b, n, "PE", hn->pe);
        xb_attr_i(b, n, "numSteps", q->n);
        xb_attr_i(b, n, "ActVal", q->qmin);
        xb_attr_s(b, n, "inputDataType", "UINT8");
        xb_attr_s(b, n, "weightDataType", "UINT9");
        xb_attr_s(b, n, "outputDataType", bits_type(e, hn));
        int64_t nv[3] = {1, e->h, e->w};
        xb_attr_ints(b, n, "numInputVectors", e->flat ? 1 : 3, nv);
        free(q);
        return BNN_OK;
    }
    case BNN_HW_DWC:
        n = chain(e, hn->name[strlen("StreamingDataWidthConverter_")] == 'h' ? "StreamingDataWidthConverter_hls"
                                                                            : "StreamingDataWidthConverter_rtl",
                  hn->name[strlen("StreamingDataWidthConverter_")] == 'h' ? D_HLS : D_RTL, hn->name, NULL, NULL);
        xb_attr_i(b, n, "inWidth", hn->in_width);
        xb_attr_i(b, n, "outWidth", hn->out_width);
        xb_attr_s(b, n, "dataType", bits_type(e, hn));
        return BNN_OK;
    case BNN_HW_SWG: {
        const struct bnn_layer *L = &net->layers[hn->layer];
        const int fixed = is_fixed_first(net, hn->layer);
        if (L->pad) {
            /* FINN pads with zero bits (-1) or code 0; other values need a standard Pad */
            if (L->pad_value == 0) {
                n = chain(e, "FMPadding_rtl", D_RTL, xb_str(b, "FMPadding_rtl_%s", L->name), NULL, NULL);
                int64_t pd[4] = {L->pad, L->pad, L->pad, L->pad}, img[2] = {L->in.h, L->in.w};
                xb_attr_ints(b, n, "Padding", 4, pd);
                xb_attr_ints(b, n, "ImgDim", 2, img);
                xb_attr_i(b, n, "NumChannels", L->in.c);
                xb_attr_i(b, n, "SIMD", hn->simd);
                xb_attr_s(b, n, "inputDataType", idt);
            } else {
                int64_t pd[8] = {0, L->pad, L->pad, 0, 0, L->pad, L->pad, 0};
                pad_node(e, xb_str(b, "%s_pad", L->name), 4, pd,
                         fixed || L->in_type == BNN_VT_INT ? L->pad_value : 1.0);
            }
        }
        n = chain(e, hn->swg == BNN_SWG_HLS ? "ConvolutionInputGenerator_hls" : "ConvolutionInputGenerator_rtl",
                  hn->swg == BNN_SWG_HLS ? D_HLS : D_RTL, hn->name, NULL, NULL);
        int64_t k[2] = {hn->k, hn->k}, s[2] = {hn->stride, hn->stride}, one[2] = {1, 1}, ifm[2] = {hn->ifm_h, hn->ifm_w},
                ofm[2] = {hn->ofm_h, hn->ofm_w};
        xb_attr_ints(b, n, "ConvKernelDim", 2, k);
        xb_attr_i(b, n, "IFMChannels", hn->ch);
        xb_attr_ints(b, n, "IFMDim", 2, ifm);
        xb_attr_ints(b, n, "OFMDim", 2, ofm);
        xb_attr_i(b, n, "SIMD", hn->simd);
        xb_attr_ints(b, n, "Stride", 2, s);
        xb_attr_ints(b, n, "Dilation", 2, one);
        xb_attr_i(b, n, "depthwise", 0);
        xb_attr_s(b, n, "inputDataType", idt);
        xb_attr_s(b, n, "outputDataType", idt);
        return BNN_OK;
    }
    case BNN_HW_MVAU: return hw_mvau(e, hn, fold, idt);
    case BNN_HW_MAXPOOL: {
        const struct bnn_layer *L = &net->layers[hn->layer];
        if (L->stride == L->kernel) {
            n = chain(e, "StreamingMaxPool_hls", D_HLS, hn->name, NULL, NULL);
            int64_t img[2] = {L->in.h, L->in.w}, k[2] = {L->kernel, L->kernel};
            xb_attr_ints(b, n, "ImgDim", 2, img);
            xb_attr_ints(b, n, "PoolDim", 2, k);
            xb_attr_i(b, n, "NumChannels", L->in.c);
            xb_attr_i(b, n, "PE", 1);
            xb_attr_i(b, n, "CeilMode", 0);
            xb_attr_s(b, n, "dataType", idt);
        } else { /* an overlapping pool: the standard op, around NCHW */
            int64_t to_nchw[4] = {0, 3, 1, 2}, to_nhwc[4] = {0, 2, 3, 1}, k[2] = {L->kernel, L->kernel},
                    s[2] = {L->stride, L->stride};
            n = chain(e, "Transpose", "", xb_str(b, "%s_nchw", hn->name), NULL, NULL);
            xb_attr_ints(b, n, "perm", 4, to_nchw);
            n = chain(e, "MaxPool", "", hn->name, NULL, NULL);
            xb_attr_ints(b, n, "kernel_shape", 2, k);
            xb_attr_ints(b, n, "strides", 2, s);
            n = chain(e, "Transpose", "", xb_str(b, "%s_nhwc", hn->name), NULL, NULL);
            xb_attr_ints(b, n, "perm", 4, to_nhwc);
        }
        e->h = L->out.h, e->w = L->out.w;
        return BNN_OK;
    }
    case BNN_HW_LABELSELECT: {
        const struct bnn_layer *L = &net->layers[hn->layer];
        if (net->n_classes < e->c) {
            int64_t d = 1, s0 = 0, e0 = net->n_classes, ax = -1;
            const char *S = xb_init_i64(b, xb_str(b, "%s_starts", hn->name), 1, &d, &s0);
            const char *E = xb_init_i64(b, xb_str(b, "%s_ends", hn->name), 1, &d, &e0);
            const char *A = xb_init_i64(b, xb_str(b, "%s_axes", hn->name), 1, &d, &ax);
            const char *ins[5] = {e->cur, S, E, A, NULL};
            const char *out = tname(e, "classes");
            xb_node(b, "Slice", "", xb_str(b, "%s_classes", hn->name), ins, out);
            e->cur = out;
        }
        n = chain(e, "LabelSelect_hls", D_HLS, hn->name, NULL, NULL);
        xb_attr_i(b, n, "Labels", net->n_classes < e->c ? net->n_classes : hn->ch);
        xb_attr_i(b, n, "PE", hn->pe);
        xb_attr_i(b, n, "K", L->top_k);
        xb_attr_s(b, n, "inputDataType", idt);
        xb_attr_s(b, n, "outputDataType", bits_type(e, hn));
        return BNN_OK;
    }
    default: return BNN_OK;
    }
}

static enum bnn_status hw_form(struct ex *e, const struct bnn_fold *fold_in)
{
    const struct bnn_net *net = e->net;
    struct bnn_fold *own = NULL;
    const struct bnn_fold *fold = fold_in;
    enum bnn_status st;
    if (!fold && (st = bnn_fold_new(net, &own))) return st;
    if (!fold) fold = own;
    struct bnn_hw_options o;
    bnn_hw_options_default(&o);
    if (fold->swg_hls) o.swg = BNN_SWG_HLS;
    struct bnn_hw_pipeline *p = NULL;
    st = bnn_hw_build(net, fold, &o, "export", &p);
    if (st) {
        bnn_fold_free(own);
        return st;
    }
    e->pipe = p;
    const struct bnn_layer *in = &net->layers[0], *L0 = &net->layers[bnn_net_first_matrix(net)];
    if (L0->kind == BNN_LAYER_FC) {
        flatten(e, "in_flatten");
        if (L0->in_pad) {
            double v = 0;
            if ((st = pixel_pad_value(in, L0->in_pad_value, &v))) goto done;
            int64_t pd[4] = {0, 0, 0, L0->in_pad};
            pad_node(e, "in_pad", 2, pd, v);
        }
    }
    for (int32_t i = 1; i + 1 < p->n_nodes && !st; i++) {
        hw_fifo(e, &p->links[i - 1], bits_type(e, &p->nodes[i - 1]));
        st = hw_node(e, p, i, fold);
    }
    if (!st) hw_fifo(e, &p->links[p->n_links - 1], bits_type(e, &p->nodes[p->n_nodes - 2]));
done:
    bnn_hw_free(p);
    bnn_fold_free(own);
    return st;
}

enum bnn_status bnn_onnx_export(const struct bnn_net *net, const struct bnn_fold *fold, enum bnn_onnx_form form,
                                const char *path)
{
    for (int32_t i = 1; i < net->n_layers; i++) { /* what the writer speaks */
        const struct bnn_layer *L = &net->layers[i];
        if (L->kind != BNN_LAYER_CONV && L->kind != BNN_LAYER_FC) continue;
        const char *why = L->w_frac ? "weights with fraction bits (FINN's WPF)"
                                                         : NULL;
        if (why) return bnn_error(BNN_ERR_UNSUPPORTED, "%s: layer '%s' has %s", path, L->name, why);
    }
    struct ex *e = bnn__calloc(1, sizeof *e);
    if (!e) return BNN_ERR_NOMEM;
    e->net = net;
    xb_init(&e->b, net->name);
    xb_opset(&e->b, "", 13);
    xb_opset(&e->b, D_GENERAL, 1);
    if (form == BNN_ONNX_HW) {
        xb_opset(&e->b, D_HLS, 1);
        xb_opset(&e->b, D_RTL, 1);
    }
    const struct bnn_layer *in = &net->layers[0];
    e->h = in->out.h, e->w = in->out.w, e->c = in->out.c;
    e->nhwc = form == BNN_ONNX_HW;
    int64_t dims[4] = {1, e->nhwc ? e->h : e->c, e->nhwc ? e->w : e->h, e->nhwc ? e->c : e->w};
    xb_io(&e->b, 0, "global_in", OX_FLOAT, 4, dims);
    xb_annotate(&e->b, "global_in", "finn_datatype", "UINT8");
    xb_annotate(&e->b, "global_in", "tensor_layout", e->nhwc ? "['N', 'H', 'W', 'C']" : "['N', 'C', 'H', 'W']");
    e->cur = "global_in";
    metadata(e);
    enum bnn_status st = form == BNN_ONNX_HW ? hw_form(e, fold) : streamlined(e);
    if (!st) {
        /* the last tensor is the graph output */
        Onnx__GraphProto *g = &e->b.graph;
        const struct bnn_layer *last = &net->layers[net->n_layers - 1];
        int label = last->kind == BNN_LAYER_LABELSELECT;
        if (strcmp(e->cur, "global_out")) {
            for (size_t i = 0; i < g->n_node; i++)
                for (size_t k = 0; k < g->node[i]->n_output; k++)
                    if (!strcmp(g->node[i]->output[k], e->cur)) g->node[i]->output[k] = (char *)"global_out";
        }
        int64_t od[2] = {1, label ? last->top_k : net->layers[bnn_net_last_matrix(net)].mh};
        xb_io(&e->b, 1, "global_out", label && form == BNN_ONNX_STREAMLINED ? OX_INT64 : OX_FLOAT, 2, od);
        st = xb_write(&e->b, path);
    }
    xb_free(&e->b);
    free(e);
    return st;
}
