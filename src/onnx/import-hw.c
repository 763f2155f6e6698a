/* FINN's HW layers (old and new names) in the ONNX importer: their values
 * map as the quantiser-domain ops do, and their PE, SIMD, FIFO depths and
 * memory settings become the folding, named as bnnsim's pipeline names the
 * nodes it builds. */
#include <math.h>
#include <stdio.h>

#include "core/util.h"
#include "fold/fold-impl.h"
#include "onnx/walk.h"

static struct bnn_fold_node *entry(struct ox_walk *w, const char *name)
{
    if (!w->fold_nodes) {
        w->fold_nodes = bnn__calloc(1, sizeof *w->fold_nodes);
        if (!w->fold_nodes) return NULL;
    }
    return bnn_fold_node_get(w->fold_nodes, name, 1);
}

/* FIFOs seen since the last compute node go to this one's input, or, when a
 * width converter stands between, to the last one's output (bnnsim puts its
 * own converters where the widths differ). */
static enum bnn_status compute_node(struct ox_walk *w, const struct ox_node *n, const char *name)
{
    struct bnn_fold_node *e = entry(w, name);
    if (!e) return BNN_ERR_NOMEM;
    int32_t ind = (int32_t)ox_attr_i(n, "inFIFODepths", 0), outd = (int32_t)ox_attr_i(n, "outFIFODepths", 0);
    if (ind > 0 && ind != 2) e->in_fifo = BNN_MAX(e->in_fifo, ind);
    if (outd > 0 && outd != 2) e->out_fifo = BNN_MAX(e->out_fifo, outd);
    for (int32_t i = 0; i < w->n_fifos; i++) {
        if (w->fifos[i].depth == 2) continue; /* FINN's default depth: no setting */
        struct bnn_fold_node *prev = w->fifos[i].before_dwc && w->last_compute[0] ? entry(w, w->last_compute) : NULL;
        if (prev) prev->out_fifo = BNN_MAX(prev->out_fifo, w->fifos[i].depth);
        else if ((e = entry(w, name))) e->in_fifo = BNN_MAX(e->in_fifo, w->fifos[i].depth);
    }
    w->n_fifos = 0;
    snprintf(w->last_compute, sizeof w->last_compute, "%s", name);
    return BNN_OK;
}

static void dtype_range(const char *dt, int64_t *lo, int64_t *hi, int *known)
{
    int bits;
    *known = 1;
    if (sscanf(dt, "UINT%d", &bits) == 1 && bits >= 1 && bits < 63) *lo = 0, *hi = ((int64_t)1 << bits) - 1;
    else if (sscanf(dt, "INT%d", &bits) == 1 && bits >= 2 && bits < 63)
        *lo = -((int64_t)1 << (bits - 1)), *hi = ((int64_t)1 << (bits - 1)) - 1;
    else if (!strcmp(dt, "BINARY")) *lo = 0, *hi = 1;
    else *known = 0;
}

/* What FINN got wrong in a file is said, not executed (README §5.6 of the
 * shared ONNX data): an accumulator type narrower than the popcount range,
 * and thresholds clipped to the maximum FINN computed for it. */
static void check_acc_type(struct ox_walk *w, const struct ox_node *n, const char *mvau)
{
    char acc[32];
    ox_attr_s(n, "accDataType", "", acc, sizeof acc);
    int64_t lo, hi;
    int known;
    dtype_range(acc, &lo, &hi, &known);
    if (!known) return;
    if (hi >= w->acc_max && lo <= w->acc_min) return;
    const struct bnn_layer *L = &w->net->layers[w->layer];
    bnn__warn(w->warn, "%s: %s ('%s'): accDataType %s holds %lld..%lld but the accumulator reaches %lld..%lld; "
                       "finn-hlslib would wrap it (FINN's minimize_accumulator_width); bnnsim computes it exactly",
              w->path, mvau, n->name, acc, (long long)lo, (long long)hi, (long long)w->acc_min, (long long)w->acc_max);
    if (!L->thresholds || L->w_bits > 1) return;
    /* FINN's range: x in {0,1} times 2W - 1, so the maximum is the most +1 weights of a row */
    int64_t most = 0;
    for (int32_t c = 0; c < L->mh; c++) {
        int64_t ones = 0;
        for (int32_t j = 0; j < L->mw; j++) ones += L->weights[(int64_t)c * L->mw + j];
        most = BNN_MAX(most, ones);
    }
    int32_t clipped = 0;
    for (int64_t k = 0; k < (int64_t)L->mh * L->n_thr; k++) clipped += L->thresholds[k] == most || L->thresholds[k] == hi;
    if (clipped)
        bnn__warn(w->warn, "%s: %s ('%s'): %d thresholds equal %lld, the accumulator maximum FINN computed: they may "
                           "have been clipped by FINN, which changes the network for accumulators up to the original "
                           "threshold; bnnsim executes them as stored",
                  w->path, mvau, n->name, clipped, (long long)most);
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

static enum bnn_status mvau(struct ox_walk *w, const struct ox_node *n)
{
    char idt[24], wdt[24], odt[24], s[32];
    ox_attr_s(n, "inputDataType", "", idt, sizeof idt);
    ox_attr_s(n, "weightDataType", "", wdt, sizeof wdt);
    ox_attr_s(n, "outputDataType", "", odt, sizeof odt);
    int64_t mw = ox_attr_i(n, "MW", 0), mh = ox_attr_i(n, "MH", 0);
    int32_t pe = (int32_t)ox_attr_i(n, "PE", 1), simd = (int32_t)ox_attr_i(n, "SIMD", 1);
    int xnor_mode = (int)ox_attr_i(n, "binaryXnorMode", 0), no_act = (int)ox_attr_i(n, "noActivation", 0);
    const struct ox_val *W;
    enum bnn_status st = ox_constant_input(w, n, 1, &W);
    if (st) return st;
    if (W->ndim != 2 || W->dims[0] != mw || W->dims[1] != mh)
        return ox_fail(w, n, BNN_ERR_INVALID_NET, "weights are not [MW=%lld, MH=%lld]", (long long)mw, (long long)mh);
    int bip_w = !strcmp(wdt, "BIPOLAR"), bin_w = !strcmp(wdt, "BINARY");
    int int_w = !strncmp(wdt, "INT", 3) || !strncmp(wdt, "UINT", 4);
    int bits_in = !strcmp(idt, "BIPOLAR") || !strcmp(idt, "BINARY");
    if (!bip_w && !bin_w && !int_w)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "weightDataType %s (bnnsim takes BINARY, BIPOLAR, INTn and UINTn)",
                       wdt[0] ? wdt : "(none)");
    if (int_w && xnor_mode) return ox_fail(w, n, BNN_ERR_INVALID_NET, "binaryXnorMode with %s weights", wdt);
    struct ox_weights wt = {.v = W, .rows_are_inputs = 1, .weight_tensor = -1, .codes = int_w};
    /* FINN's MVAU counts XNOR matches for binaryXnorMode and for BIPOLAR x BIPOLAR */
    wt.xnor = xnor_mode || (bip_w && bits_in);
    wt.xnor_bipolar = wt.xnor && bip_w;
    /* binary inputs are read as bits; INTn inputs are the values themselves */
    wt.input_as_bits = bits_in || w->dom != W_INT;
    int32_t ordinal = 0;
    for (int32_t i = 0; i < w->net->n_layers; i++)
        ordinal += w->net->layers[i].kind == BNN_LAYER_CONV || w->net->layers[i].kind == BNN_LAYER_FC;
    if (w->win) {
        if (mw != (int64_t)w->win_k * w->win_k * w->c)
            return ox_fail(w, n, BNN_ERR_INVALID_NET, "MW=%lld but its sliding window gives %d x %d x %d", (long long)mw,
                           w->win_k, w->win_k, w->c);
        st = ox_matrix(w, n, BNN_LAYER_CONV, (int32_t)mh, (int32_t)mw, &wt, w->win_k, w->win_stride);
    } else {
        int64_t k = 1;
        for (int32_t i = 0; i < w->ndim; i++) k *= w->dims[i];
        if (k != mw) return ox_fail(w, n, BNN_ERR_INVALID_NET, "MW=%lld but its input has %lld values (shapes do not chain)", (long long)mw, (long long)k);
        if (w->spatial && w->h * w->w > 1) w->flat_chw = 0, w->spatial = 0; /* NHWC flattening: bnnsim's order */
        st = ox_matrix(w, n, BNN_LAYER_FC, (int32_t)mh, (int32_t)mw, &wt, 1, 1);
    }
    if (st) return st;
    char name[BNN_NAME_MAX];
    snprintf(name, sizeof name, "MVAU_hls_%d", ordinal);
    if (!no_act) {
        const struct ox_val *T;
        if ((st = ox_constant_input(w, n, 2, &T))) return st;
        if (T->ndim != 2 || (T->dims[0] != mh && T->dims[0] != 1))
            return ox_fail(w, n, BNN_ERR_INVALID_NET, "thresholds are not [MH, steps]");
        int32_t steps = (int32_t)T->dims[1];
        double *thr = bnn__calloc((size_t)mh * steps + 1, sizeof *thr);
        if (!thr) return BNN_ERR_NOMEM;
        for (int64_t c = 0; c < mh; c++)
            for (int32_t i = 0; i < steps; i++) {
                thr[c * steps + i] = T->v[(T->dims[0] == 1 ? 0 : c) * steps + i];
                if (i && thr[c * steps + i] < thr[c * steps + i - 1]) {
                    free(thr);
                    return ox_fail(w, n, BNN_ERR_INVALID_NET, "thresholds of channel %lld are not ascending", (long long)c);
                }
            }
        int bip_out = !strcmp(odt, "BIPOLAR");
        st = ox_threshold(w, n, thr, steps, NULL, bip_out ? 2 : 1, bip_out ? -1 : (double)ox_attr_i(n, "ActVal", 0),
                          bip_out ? 0 : (int32_t)ox_attr_i(n, "ActVal", 0));
        free(thr);
        if (st) return st;
    }
    check_acc_type(w, n, name);
    if (ordinal < (int32_t)(sizeof w->mvau_pe / sizeof w->mvau_pe[0])) {
        w->mvau_pe[ordinal] = pe;
        w->mvau_simd[ordinal] = simd;
    }
    if ((st = compute_node(w, n, name))) return st;
    struct bnn_fold_node *e = entry(w, name);
    if (!e) return BNN_ERR_NOMEM;
    e->mvau = ordinal;
    ox_attr_s(n, "mem_mode", "", s, sizeof s);
    snprintf(e->mem_mode, sizeof e->mem_mode, "%.23s", s);
    ox_attr_s(n, "ram_style", "", s, sizeof s);
    snprintf(e->ram_style, sizeof e->ram_style, "%.15s", s);
    ox_attr_s(n, "ram_style_thresholds", "", s, sizeof s);
    snprintf(e->ram_style_thresholds, sizeof e->ram_style_thresholds, "%.15s", s);
    ox_attr_s(n, "resType", "", s, sizeof s);
    /* FINN <= 0.5 wrote "ap_resource_lut()" */
    snprintf(e->res_type, sizeof e->res_type, "%.7s", strstr(s, "lut") ? "lut" : strstr(s, "dsp") ? "dsp" : s[0] ? "auto" : "");
    if (ox_attr(n, "runtime_writeable_weights")) e->runtime_writeable_weights = (int32_t)ox_attr_i(n, "runtime_writeable_weights", 0);
    return BNN_OK;
}

static enum bnn_status thresholding(struct ox_walk *w, const struct ox_node *n)
{
    const struct ox_val *T;
    enum bnn_status st = ox_constant_input(w, n, 1, &T);
    if (st) return st;
    char odt[24];
    ox_attr_s(n, "outputDataType", "", odt, sizeof odt);
    int bip = !strcmp(odt, "BIPOLAR");
    double scale = bip ? 2 : 1, bias = bip ? -1 : (double)ox_attr_i(n, "ActVal", 0);
    if (T->ndim != 2) return ox_fail(w, n, BNN_ERR_INVALID_NET, "thresholds are not [channels, steps]");
    int32_t rows = (int32_t)T->dims[0], steps = (int32_t)T->dims[1];
    if (w->dom == W_PIXEL) {
        for (int32_t r = 1; r < rows; r++)
            if (memcmp(T->v + (int64_t)r * steps, T->v, (size_t)steps * sizeof *T->v))
                return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "input thresholds that differ between channels (bnnsim's input "
                                                          "layer quantises every pixel alike)");
        for (int32_t i = 1; i < steps; i++)
            if (T->v[i] < T->v[i - 1]) return ox_fail(w, n, BNN_ERR_INVALID_NET, "thresholds are not ascending");
        for (int32_t p = 0; p < 257; p++) w->table[p] = scale * ox_count_ge(w->table[p], T->v, steps) + bias;
        if ((st = compute_node(w, n, "Thresholding_rtl_0"))) return st;
        struct bnn_fold_node *e = entry(w, "Thresholding_rtl_0");
        if (!e) return BNN_ERR_NOMEM;
        e->pe = (int32_t)ox_attr_i(n, "PE", 1);
        return BNN_OK;
    }
    if (w->dom != W_ACC) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "thresholds on values that are not accumulators");
    int32_t nch = (int32_t)w->dims[w->ch_axis];
    if (rows != 1 && rows != nch) return ox_fail(w, n, BNN_ERR_INVALID_NET, "%d threshold rows for %d channels", rows, nch);
    double *thr = bnn__calloc((size_t)nch * steps + 1, sizeof *thr);
    if (!thr) return BNN_ERR_NOMEM;
    for (int32_t c = 0; c < nch; c++) memcpy(thr + (int64_t)c * steps, T->v + (rows == 1 ? 0 : (int64_t)c * steps), (size_t)steps * sizeof *thr);
    st = ox_threshold(w, n, thr, steps, NULL, scale, bias, ox_act_bias(scale, bias));
    free(thr);
    if (!st)
        bnn__warn(w->warn, "%s: node '%s': standalone thresholds after layer '%s' are modelled inside its MVAU", w->path,
                  n->name, w->net->layers[w->layer].name);
    return st;
}

/* an attribute that is one int or a list [h, w] (FINN wrote both over time) */
static void attr_pair(const struct ox_node *n, const char *name, int32_t def, int32_t *a, int32_t *b)
{
    int64_t v[4];
    int32_t k = ox_attr_ints(n, name, v, 4);
    *a = *b = k >= 1 ? (int32_t)v[0] : def;
    if (k >= 2) *b = (int32_t)v[1];
}

static enum bnn_status swg(struct ox_walk *w, const struct ox_node *n)
{
    int32_t k, k2, stride, s2, dil, d2, ih, iw;
    attr_pair(n, "ConvKernelDim", 0, &k, &k2);
    attr_pair(n, "Stride", 1, &stride, &s2);
    attr_pair(n, "Dilation", 1, &dil, &d2);
    attr_pair(n, "IFMDim", 0, &ih, &iw);
    int32_t ch = (int32_t)ox_attr_i(n, "IFMChannels", 0), simd = (int32_t)ox_attr_i(n, "SIMD", 1);
    if (k != k2 || stride != s2) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a non-square window or stride");
    if (dil != 1 || d2 != 1) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "dilation %d", dil);
    if (ox_attr_i(n, "depthwise", 0)) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a depthwise window");
    if (!w->spatial) return ox_fail(w, n, BNN_ERR_INVALID_NET, "a sliding window on a flat vector");
    if (w->dom == W_ACC) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a sliding window over accumulators");
    if (ch != w->c || ih != w->h + 2 * w->map_pad || iw != w->w + 2 * w->map_pad)
        return ox_fail(w, n, BNN_ERR_INVALID_NET, "IFMChannels=%d, IFMDim=%dx%d but its input map is %dx%dx%d (padded by %d)",
                       ch, ih, iw, w->h, w->w, w->c, w->map_pad);
    if (k < 1 || stride < 1) return ox_fail(w, n, BNN_ERR_INVALID_NET, "kernel %d, stride %d", k, stride);
    w->win = 1;
    w->win_k = k;
    w->win_stride = stride;
    char name[BNN_NAME_MAX];
    int hls = ends_with(n->op, "_hls");
    w->swg_hls |= hls;
    snprintf(name, sizeof name, "ConvolutionInputGenerator_%s_%d", hls ? "hls" : "rtl", w->n_swg++);
    enum bnn_status st = compute_node(w, n, name);
    if (st) return st;
    struct bnn_fold_node *e = entry(w, name);
    if (!e) return BNN_ERR_NOMEM;
    e->simd = simd;
    return BNN_OK;
}

static enum bnn_status maxpool(struct ox_walk *w, const struct ox_node *n)
{
    int32_t k, k2, ih, iw;
    attr_pair(n, "PoolDim", 0, &k, &k2);
    attr_pair(n, "ImgDim", 0, &ih, &iw);
    int32_t ch = (int32_t)ox_attr_i(n, "NumChannels", 0);
    if (k != k2) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a non-square pool");
    if ((w->dom != W_BITS && w->dom != W_INT) || !(w->d > 0))
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "max-pool of values that are not activations");
    if (!w->spatial || ch != w->c || ih != w->h || iw != w->w || k < 1 || k > w->h || k > w->w)
        return ox_fail(w, n, BNN_ERR_INVALID_NET, "ImgDim=%dx%d, PoolDim=%d, NumChannels=%d on a %dx%dx%d map", ih, iw, k, ch,
                       w->h, w->w, w->c);
    if (ox_attr_i(n, "CeilMode", 0) && ((w->h - k) % k || (w->w - k) % k)) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "CeilMode = 1");
    struct bnn_layer *L = ox_add_layer(w, BNN_LAYER_MAXPOOL, "pool");
    if (!L) return BNN_ERR_NOMEM;
    L->kernel = L->stride = k;
    w->h = (w->h - k) / k + 1;
    w->w = (w->w - k) / k + 1;
    int64_t d[4] = {1, w->nhwc ? w->h : w->c, w->nhwc ? w->w : w->h, w->nhwc ? w->c : w->w};
    w->ndim = 4;
    memcpy(w->dims, d, sizeof d);
    char name[BNN_NAME_MAX];
    snprintf(name, sizeof name, "StreamingMaxPool_hls_%d", w->n_pool++);
    return compute_node(w, n, name);
}

static enum bnn_status fmpadding(struct ox_walk *w, const struct ox_node *n)
{
    int64_t p[4];
    int32_t k = ox_attr_ints(n, "Padding", p, 4);
    if (k < 1) return ox_fail(w, n, BNN_ERR_INVALID_NET, "no Padding attribute");
    for (int32_t i = 1; i < k; i++)
        if (p[i] != p[0]) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding other than the same on all four sides");
    if (!w->spatial || w->map_pad) return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding here");
    if (w->dom != W_BITS && w->dom != W_PIXEL && w->dom != W_INT)
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "padding of accumulators");
    /* FINN pads with zero bits: -1 for binary activations, code 0 otherwise */
    w->map_pad = (int32_t)p[0];
    w->pad_is_zero = w->dom == W_INT; /* the value 0, a level of the map */
    w->table[256] = w->dom == W_BITS ? (w->d > 0 ? 0 : 1) : 0;
    if (w->dom == W_PIXEL) { /* bits of a BIPOLAR input quantiser: a zero bit is -1 */
        int bipolar = 1;
        for (int32_t q = 0; q < 256 && bipolar; q++) bipolar = w->table[q] == -1 || w->table[q] == 1;
        if (bipolar) w->table[256] = -1;
    }
    return BNN_OK;
}

enum bnn_status ox_hw_node(struct ox_walk *w, const struct ox_node *n, int *handled)
{
    const char *b = n->base;
    *handled = 1;
    w->has_hw = 1;
    if (!strcmp(b, "MVAU")) return mvau(w, n);
    if (!strcmp(b, "Thresholding")) return thresholding(w, n);
    if (!strcmp(b, "ConvolutionInputGenerator")) return swg(w, n);
    if (!strcmp(b, "StreamingMaxPool")) return maxpool(w, n);
    if (!strcmp(b, "FMPadding")) return fmpadding(w, n);
    if (!strcmp(b, "LabelSelect")) {
        enum bnn_status st = ox_label_select(w, n, (int32_t)ox_attr_i(n, "K", 1));
        if (st || (st = compute_node(w, n, "LabelSelect_hls_0"))) return st;
        struct bnn_fold_node *e = entry(w, "LabelSelect_hls_0");
        if (!e) return BNN_ERR_NOMEM;
        e->pe = (int32_t)ox_attr_i(n, "PE", 1);
        return BNN_OK;
    }
    if (!strcmp(b, "StreamingFIFO")) {
        int32_t depth = (int32_t)ox_attr_i(n, "depth", 2);
        if (depth < 1) return ox_fail(w, n, BNN_ERR_INVALID_NET, "depth %d", depth);
        if (w->own_file) { /* bnnsim's own export: the FIFO has the name bnnsim's pipeline gives it */
            struct bnn_fold_node *e = depth == 2 ? NULL : entry(w, n->name);
            if (e) e->depth = depth;
            return BNN_OK;
        }
        if (w->n_fifos < (int32_t)(sizeof w->fifos / sizeof w->fifos[0]))
            w->fifos[w->n_fifos++] = (struct ox_fifo_seen){depth, 0};
        return BNN_OK;
    }
    if (!strcmp(b, "StreamingDataWidthConverter")) {
        for (int32_t i = 0; i < w->n_fifos; i++) w->fifos[i].before_dwc = 1;
        return BNN_OK;
    }
    if (!strcmp(b, "IODMA")) return BNN_OK;
    if (!strcmp(b, "StreamingDataflowPartition")) {
        char m[512];
        return ox_fail(w, n, BNN_ERR_UNSUPPORTED, "a parent model: run bnnsim on the child model it names ('%s')",
                       ox_attr_s(n, "model", "?", m, sizeof m));
    }
    *handled = 0;
    return BNN_OK;
}

enum bnn_status ox_hw_fold(struct ox_walk *w, struct bnn_fold **out)
{
    struct bnn_fold *f = bnn__fold_alloc(w->net);
    if (!f) return BNN_ERR_NOMEM;
    /* FIFOs after the last compute node: its output */
    if (w->n_fifos && w->last_compute[0]) {
        struct bnn_fold_node *e = entry(w, w->last_compute);
        for (int32_t i = 0; e && i < w->n_fifos; i++)
            if (w->fifos[i].depth != 2) e->out_fifo = BNN_MAX(e->out_fifo, w->fifos[i].depth);
    }
    for (int32_t j = 0; j < f->n && j < (int32_t)(sizeof w->mvau_pe / sizeof w->mvau_pe[0]); j++)
        if (w->mvau_pe[j]) f->layers[j] = (struct bnn_fold_layer){f->layers[j].layer, w->mvau_pe[j], w->mvau_simd[j], 0};
    for (int32_t i = 0; w->fold_nodes && i < w->fold_nodes->n_nodes; i++) {
        const struct bnn_fold_node *src = &w->fold_nodes->nodes[i];
        struct bnn_fold_node *e = bnn_fold_node_get(f, src->name, 1);
        if (!e) {
            bnn_fold_free(f);
            return BNN_ERR_NOMEM;
        }
        *e = *src;
        if (e->pe && e->mvau >= 0) e->pe = 0; /* MVAU PE/SIMD live in f->layers */
    }
    f->format = BNN_FOLD_FINN_JSON;
    f->swg_hls = w->swg_hls;
    enum bnn_status st = bnn_fold_check(f, w->net, w->path);
    if (st) {
        bnn_fold_free(f);
        return st;
    }
    *out = f;
    return BNN_OK;
}
