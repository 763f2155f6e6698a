/* From a folded network to the chain of hardware nodes FINN (or the 2017
 * paper's flow) would build, with FINN's node names and stream shapes. */
#include <stdio.h>

#include "bnnsim/hw.h"
#include "core/util.h"
#include "fold/fold-impl.h"

void bnn_hw_options_default(struct bnn_hw_options *o)
{
    memset(o, 0, sizeof *o);
    o->style = BNN_STYLE_FINN;
    o->swg = BNN_SWG_RTL;
    o->clock_mhz = 200.0;
    o->dma_width = 64;
    o->dma_bytes_per_cycle = 8.0;
    o->dma_burst_words = 16;
    o->fifo_depth = 2;
}

const char *bnn_hw_kind_str(enum bnn_hw_kind k)
{
    static const char *const s[] = {"dma_in", "dma_out", "Thresholding", "ConvolutionInputGenerator", "MVAU",
                                    "StreamingDataWidthConverter", "StreamingMaxPool", "LabelSelect"};
    return k < BNN_HW_N_KINDS ? s[k] : "?";
}

void bnn_hw_free(struct bnn_hw_pipeline *p)
{
    if (!p) return;
    free(p->nodes);
    free(p->links);
    free(p);
}

static int32_t ubits(int64_t max) /* bits of an unsigned value 0..max */
{
    int32_t b = 1;
    while (b < 62 && ((int64_t)1 << b) <= max) b++;
    return b;
}

/* Bits of one value of layer i's output stream. */
static int32_t value_bits(const struct bnn_net *net, int32_t i, enum bnn_style style)
{
    const struct bnn_layer *L = &net->layers[i];
    if (L->kind == BNN_LAYER_INPUT)
        return L->out_type == BNN_VT_BITS ? 1 : L->input.bits;
    if (L->kind == BNN_LAYER_MAXPOOL) return value_bits(net, i - 1, style);
    if (L->kind == BNN_LAYER_LABELSELECT) return ubits(L->in.c - 1 > 0 ? L->in.c - 1 : 1);
    /* thresholds: a bit, or the activation's values (BNN-PYNQ's A2: -1..1 in 2 bits) */
    if (L->act == BNN_ACT_THRESHOLD) return L->out_type == BNN_VT_BITS ? 1 : bnn_value_bits(L->out_lo, L->out_hi);
    /* raw accumulator: popcount 0..MW, or a signed sum as far as it reaches */
    int32_t b = bnn_value_bits(L->out_lo, L->out_hi);
    if (style == BNN_STYLE_PAPER && b <= 16) b = 16; /* BNN-PYNQ's ap_uint<16> outputs */
    return b;
}

static int32_t value_signed(const struct bnn_net *net, int32_t i)
{
    const struct bnn_layer *L = &net->layers[i];
    if (L->kind == BNN_LAYER_INPUT) return L->out_type == BNN_VT_INT && L->input.is_signed;
    if (L->kind == BNN_LAYER_MAXPOOL) return value_signed(net, i - 1);
    if (L->kind == BNN_LAYER_CONV || L->kind == BNN_LAYER_FC) return L->out_type == BNN_VT_INT && L->out_lo < 0;
    return 0;
}

struct builder {
    const struct bnn_net *net;
    const struct bnn_fold *fold;
    const struct bnn_hw_options *opt;
    const char *where;
    struct bnn_hw_pipeline *p;
    int32_t cap;
    int32_t n_swg, n_pool, n_dwc_rtl, n_dwc_hls, n_fifo, n_pipo;
    enum bnn_link_kind next_link; /* kind of the link in front of the next node */
    int32_t engine;
};

static struct bnn_hw_node *add_node(struct builder *b, enum bnn_hw_kind kind)
{
    struct bnn_hw_pipeline *p = b->p;
    if (p->n_nodes == b->cap) {
        int32_t cap = b->cap ? 2 * b->cap : 32;
        struct bnn_hw_node *nn = realloc(p->nodes, (size_t)cap * sizeof *nn);
        struct bnn_hw_link *nl = nn ? realloc(p->links, (size_t)cap * sizeof *nl) : NULL;
        if (nn) p->nodes = nn;
        if (!nn || !nl) return NULL;
        p->links = nl;
        b->cap = cap;
    }
    if (p->n_nodes > 0) { /* the link from the previous node */
        struct bnn_hw_link *l = &p->links[p->n_links++];
        memset(l, 0, sizeof *l);
        l->kind = b->next_link;
        if (l->kind == BNN_LINK_PIPO) {
            snprintf(l->name, sizeof l->name, "pipo_%d", b->n_pipo++);
            l->depth = 2;
        } else {
            snprintf(l->name, sizeof l->name, "StreamingFIFO_rtl_%d", b->n_fifo++);
            l->depth = b->opt->fifo_depth;
        }
    }
    b->next_link = BNN_LINK_FIFO;
    struct bnn_hw_node *n = &p->nodes[p->n_nodes++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->layer = -1;
    n->engine = b->engine;
    return n;
}

static struct bnn_hw_node *last(struct builder *b) { return &b->p->nodes[b->p->n_nodes - 1]; }

/* A width converter in front of the next node when widths differ (FINN's
 * InsertDWC). Frame bits may differ by padding (DMA words). */
static int dwc_to(struct builder *b, int32_t width, int64_t words)
{
    struct bnn_hw_node *prev = last(b);
    if (prev->out_width == width && prev->out_words == words) return 0;
    if (b->next_link == BNN_LINK_PIPO) return 0; /* a frame buffer is read at any width */
    const int32_t in_w = prev->out_width, elem_bits = prev->out_elem_bits, elem_signed = prev->out_signed;
    const int64_t in_words = prev->out_words;
    struct bnn_hw_node *d = add_node(b, BNN_HW_DWC); /* may move the nodes: prev is stale from here on */
    if (!d) return -1;
    int integral = in_w % width == 0 || width % in_w == 0;
    if (integral) snprintf(d->name, sizeof d->name, "StreamingDataWidthConverter_rtl_%d", b->n_dwc_rtl++);
    else snprintf(d->name, sizeof d->name, "StreamingDataWidthConverter_hls_%d", b->n_dwc_hls++);
    d->in_width = in_w;
    d->in_words = in_words;
    d->out_width = width;
    d->out_words = words;
    d->out_elem_bits = elem_bits;
    d->out_signed = elem_signed;
    return 0;
}

static const struct bnn_fold_layer *fold_of(const struct bnn_fold *f, int32_t layer, int32_t *j)
{
    for (int32_t m = 0; m < f->n; m++)
        if (f->layers[m].layer == layer) {
            *j = m;
            return &f->layers[m];
        }
    return NULL;
}

/* The config entry for a node name, with Defaults of its op type applied first. */
static enum bnn_status entry_for(struct builder *b, const char *name, const char *op_type, struct bnn_fold_node *out)
{
    memset(out, 0, sizeof *out);
    out->mvau = -1;
    for (int32_t i = 0; i < b->fold->n_defaults; i++) {
        const struct bnn_fold_default *df = &b->fold->defaults[i];
        if (!bnn__fold_default_matches(df, op_type)) continue;
        if (!strcmp(df->key, "PE")) out->pe = (int32_t)df->ival;
        else if (!strcmp(df->key, "SIMD")) out->simd = (int32_t)df->ival;
        else if (!strcmp(df->key, "depth")) out->depth = (int32_t)df->ival;
        else if (!strcmp(df->key, "inFIFODepths")) out->in_fifo = (int32_t)df->ival;
        else if (!strcmp(df->key, "outFIFODepths")) out->out_fifo = (int32_t)df->ival;
    }
    for (int32_t i = 0; i < b->fold->n_nodes; i++) {
        struct bnn_fold_node *e = &b->fold->nodes[i];
        if (strcmp(e->name, name)) continue;
        e->used = 1;
        if (e->pe) out->pe = e->pe;
        if (e->simd) out->simd = e->simd;
        if (e->depth) out->depth = e->depth;
        if (e->in_fifo) out->in_fifo = e->in_fifo;
        if (e->out_fifo) out->out_fifo = e->out_fifo;
        snprintf(out->name, sizeof out->name, "%s", name);
    }
    return BNN_OK;
}

static const char *op_type_of(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s", name);
    char *u = strrchr(buf, '_');
    if (u) *u = 0;
    return buf;
}

static enum bnn_status build(struct builder *b)
{
    const struct bnn_net *net = b->net;
    const struct bnn_hw_options *o = b->opt;
    int finn = o->style == BNN_STYLE_FINN;
    struct bnn_fold_node e;
    char where[512];
    const struct bnn_layer *in = &net->layers[0];
    const int32_t first_matrix = bnn_net_first_matrix(net);
    if (first_matrix < 0) return bnn_error(BNN_ERR_INVALID_ARG, "%s: the network has no matrix layer", b->where);
    const struct bnn_layer *L0 = &net->layers[first_matrix];
    /* values entering the first matrix layer per frame; an FC layer's padding
     * columns come with the input (the DMA sends them) */
    int32_t in_ch = L0->kind == BNN_LAYER_CONV ? in->out.c : L0->mw;
    int64_t in_pixels = L0->kind == BNN_LAYER_CONV ? (int64_t)in->out.h * in->out.w : 1;
    int32_t vb = value_bits(net, 0, o->style);

    struct bnn_hw_node *n = add_node(b, BNN_HW_DMA_IN);
    if (!n) return BNN_ERR_NOMEM;
    snprintf(n->name, sizeof n->name, "dma_in");
    int64_t in_bits = in_pixels * in_ch * (finn ? 8 : vb); /* FINN: uint8 pixels; paper: host-quantised */
    n->out_width = o->dma_width;
    n->out_words = (in_bits + o->dma_width - 1) / o->dma_width;
    n->in_words = n->out_words;
    n->out_elem_bits = finn ? 8 : vb;
    n->out_signed = finn ? 0 : value_signed(net, 0);

    if (finn) { /* input quantiser on 8-bit pixels */
        entry_for(b, "Thresholding_rtl_0", "Thresholding_rtl", &e);
        int32_t pe = e.pe ? e.pe : 1;
        if (in_ch % pe)
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: Thresholding_rtl_0: PE=%d does not divide its %d channels "
                                                  "(rule NumChannels %% PE == 0)", b->where, pe, in_ch);
        if (dwc_to(b, 8 * pe, in_pixels * in_ch / pe)) return BNN_ERR_NOMEM;
        n = add_node(b, BNN_HW_THRESH);
        if (!n) return BNN_ERR_NOMEM;
        snprintf(n->name, sizeof n->name, "Thresholding_rtl_0");
        n->layer = 0;
        n->pe = pe;
        n->ch = in_ch;
        n->in_width = 8 * pe;
        n->out_width = vb * pe;
        n->in_words = n->out_words = in_pixels * in_ch / pe;
        n->exp_cycles = n->out_words;
        n->out_elem_bits = vb;
        n->out_signed = value_signed(net, 0);
    }
    for (int32_t i = 1; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        int32_t ib = value_bits(net, i - 1, o->style), ob = value_bits(net, i, o->style);
        if (L->kind == BNN_LAYER_CONV || L->kind == BNN_LAYER_FC) {
            int32_t j = -1;
            const struct bnn_fold_layer *fl = fold_of(b->fold, i, &j);
            if (!fl) return bnn_error(BNN_ERR_INVALID_ARG, "%s: layer '%s' has no folding", b->where, L->name);
            b->engine = i;
            int32_t reps = L->out.h * L->out.w;
            if (L->kind == BNN_LAYER_CONV) {
                char name[BNN_NAME_MAX];
                const char *op = o->swg == BNN_SWG_RTL ? "ConvolutionInputGenerator_rtl"
                                 : o->swg == BNN_SWG_HLS ? "ConvolutionInputGenerator_hls" : "SWU";
                snprintf(name, sizeof name, "%s_%d", op, b->n_swg++);
                entry_for(b, name, op, &e);
                int32_t simd = o->swg == BNN_SWG_2017 ? L->in.c : fl->simd;
                if (e.simd && o->swg == BNN_SWG_2017)
                    return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s: the 2017 sliding-window unit emits whole pixels; "
                                                          "it has no SIMD setting", b->where, name);
                if (e.simd && L->in.c % e.simd)
                    return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s: SIMD=%d does not divide its %d input channels "
                                                          "(rule IFMChannels %% SIMD == 0)", b->where, name, e.simd, L->in.c);
                if (e.simd && e.simd != fl->simd)
                    return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s: SIMD=%d differs from SIMD=%d of its consumer "
                                                          "MVAU_hls_%d (rule: a sliding window's SIMD matches its MVAU's)",
                                     b->where, name, e.simd, fl->simd, j);
                int32_t cf = L->in.c / simd;
                if (dwc_to(b, simd * ib, (int64_t)L->in.h * L->in.w * cf)) return BNN_ERR_NOMEM;
                n = add_node(b, BNN_HW_SWG);
                if (!n) return BNN_ERR_NOMEM;
                snprintf(n->name, sizeof n->name, "%s", name);
                n->layer = i;
                n->swg = o->swg;
                n->simd = simd;
                n->ch = L->in.c;
                n->k = L->kernel;
                n->stride = L->stride;
                n->ifm_h = L->in.h + 2 * L->pad; /* padding folded into the window generator */
                n->ifm_w = L->in.w + 2 * L->pad;
                n->ofm_h = L->out.h;
                n->ofm_w = L->out.w;
                n->in_width = n->out_width = simd * ib;
                n->out_elem_bits = ib;
                n->out_signed = value_signed(net, i - 1);
                n->in_words = (int64_t)L->in.h * L->in.w * cf;
                n->out_words = (int64_t)reps * L->kernel * L->kernel * cf;
                int64_t wb = (int64_t)n->ofm_w * n->k * n->k * cf, rb = (int64_t)n->stride * n->ifm_w * cf;
                int64_t mc = wb > rb ? wb : rb;
                if (o->swg == BNN_SWG_RTL)
                    n->exp_cycles = ((int64_t)(n->k - 1) * n->ifm_w + (n->k - 1) + 1) * cf + n->ofm_h * mc;
                else if (o->swg == BNN_SWG_HLS)
                    n->exp_cycles = (int64_t)n->ifm_w * n->k * cf + n->ofm_h * mc;
                else
                    n->exp_cycles = n->in_words + n->out_words;
            }
            if (dwc_to(b, fl->simd * ib, (int64_t)reps * L->mw / fl->simd)) return BNN_ERR_NOMEM;
            n = add_node(b, BNN_HW_MVAU);
            if (!n) return BNN_ERR_NOMEM;
            snprintf(n->name, sizeof n->name, "MVAU_hls_%d", j);
            n->layer = i;
            n->pe = fl->pe;
            n->simd = fl->simd;
            n->mh = L->mh;
            n->mw = L->mw;
            n->reps = reps;
            n->in_width = fl->simd * ib;
            n->out_width = fl->pe * ob;
            n->out_elem_bits = ob;
            n->out_signed = value_signed(net, i);
            n->in_words = (int64_t)reps * L->mw / fl->simd;
            n->out_words = (int64_t)reps * L->mh / fl->pe;
            n->exp_cycles = bnn_fold_layer_cycles(net, fl);
            /* the paper's engines hand frames over through ping-pong buffers,
             * unless a pooling unit of the same engine follows */
            if (!finn && !(i + 1 < net->n_layers && net->layers[i + 1].kind == BNN_LAYER_MAXPOOL)) b->next_link = BNN_LINK_PIPO;
        } else if (L->kind == BNN_LAYER_MAXPOOL) {
            int32_t bits = value_bits(net, i - 1, o->style);
            if (dwc_to(b, L->in.c * bits, (int64_t)L->in.h * L->in.w)) return BNN_ERR_NOMEM;
            n = add_node(b, BNN_HW_MAXPOOL);
            if (!n) return BNN_ERR_NOMEM;
            snprintf(n->name, sizeof n->name, "%s_%d", finn ? "StreamingMaxPool_hls" : "PoolUnit", b->n_pool++);
            entry_for(b, n->name, "StreamingMaxPool_hls", &e);
            if (e.pe > 1)
                return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s: PE applies only to 1D max-pooling; the 2D pool streams "
                                                      "whole pixels", b->where, n->name);
            n->layer = i;
            n->ch = L->in.c;
            n->k = L->kernel;
            n->stride = L->stride;
            n->ifm_h = L->in.h;
            n->ifm_w = L->in.w;
            n->ofm_h = L->out.h;
            n->ofm_w = L->out.w;
            n->in_width = n->out_width = L->in.c * bits;
            n->out_elem_bits = bits;
            n->out_signed = value_signed(net, i);
            n->in_words = (int64_t)L->in.h * L->in.w;
            n->out_words = (int64_t)L->out.h * L->out.w;
            n->exp_cycles = (int64_t)((double)L->in.w * L->in.w * (1.0 + 1.0 / ((double)L->kernel * L->kernel)));
            if (!finn) b->next_link = BNN_LINK_PIPO;
        } else if (L->kind == BNN_LAYER_LABELSELECT) {
            if (!finn) continue; /* the paper's host picks the class */
            entry_for(b, "LabelSelect_hls_0", "LabelSelect_hls", &e);
            int32_t pe = e.pe ? e.pe : 1, labels = L->in.c;
            if (labels % pe)
                return bnn_error(BNN_ERR_INVALID_ARG, "%s: LabelSelect_hls_0: PE=%d does not divide its %d labels "
                                                      "(rule Labels %% PE == 0)", b->where, pe, labels);
            if (dwc_to(b, pe * ib, labels / pe)) return BNN_ERR_NOMEM;
            n = add_node(b, BNN_HW_LABELSELECT);
            if (!n) return BNN_ERR_NOMEM;
            snprintf(n->name, sizeof n->name, "LabelSelect_hls_0");
            n->layer = i;
            n->pe = pe;
            n->ch = labels;
            n->top_k = L->top_k;
            n->in_width = pe * ib;
            n->in_words = labels / pe;
            n->out_width = ob;
            n->out_words = L->top_k;
            n->out_elem_bits = ob;
            n->exp_cycles = labels / pe;
        }
    }
    /* output DMA */
    b->next_link = BNN_LINK_FIFO;
    struct bnn_hw_node *prev = last(b);
    int64_t out_bits = prev->out_words * prev->out_width;
    if (dwc_to(b, o->dma_width, (out_bits + o->dma_width - 1) / o->dma_width)) return BNN_ERR_NOMEM;
    n = add_node(b, BNN_HW_DMA_OUT);
    if (!n) return BNN_ERR_NOMEM;
    snprintf(n->name, sizeof n->name, "dma_out");
    n->out_elem_bits = b->p->nodes[b->p->n_nodes - 2].out_elem_bits;
    n->out_signed = b->p->nodes[b->p->n_nodes - 2].out_signed;
    n->in_width = o->dma_width;
    n->in_words = (out_bits + o->dma_width - 1) / o->dma_width;
    n->out_words = n->in_words;

    /* links: widths, words, and FIFO depths from the config */
    struct bnn_hw_pipeline *p = b->p;
    for (int32_t l = 0; l < p->n_links; l++) {
        struct bnn_hw_link *k = &p->links[l];
        k->width = p->nodes[l].out_width;
        k->words = p->nodes[l].out_words;
        if (k->kind != BNN_LINK_FIFO) continue;
        char op[BNN_NAME_MAX];
        struct bnn_fold_node pe_, ce;
        entry_for(b, p->nodes[l].name, op_type_of(p->nodes[l].name, op, sizeof op), &pe_);
        entry_for(b, p->nodes[l + 1].name, op_type_of(p->nodes[l + 1].name, op, sizeof op), &ce);
        int32_t d = pe_.out_fifo > ce.in_fifo ? pe_.out_fifo : ce.in_fifo;
        entry_for(b, k->name, "StreamingFIFO_rtl", &e);
        if (e.depth) d = e.depth;
        if (d > 0) {
            k->depth = d;
            k->from_config = 1;
        }
    }
    /* MVAU entries also carry in/outFIFODepths; mark them used */
    for (int32_t i = 0; i < b->fold->n_nodes; i++)
        if (b->fold->nodes[i].mvau >= 0) b->fold->nodes[i].used = 1;
    for (int32_t i = 0; i < b->fold->n_nodes; i++) {
        const struct bnn_fold_node *fe = &b->fold->nodes[i];
        if (fe->used || b->fold->lenient) continue;
        /* say which nodes of that kind exist */
        char op[BNN_NAME_MAX], have[160] = "none";
        op_type_of(fe->name, op, sizeof op);
        int32_t cnt = 0;
        const char *first = NULL, *lastn = NULL;
        for (int32_t k = 0; k < p->n_nodes + p->n_links; k++) {
            const char *nm = k < p->n_nodes ? p->nodes[k].name : p->links[k - p->n_nodes].name;
            char o2[BNN_NAME_MAX];
            if (strcmp(op_type_of(nm, o2, sizeof o2), op)) continue;
            if (!first) first = nm;
            lastn = nm;
            cnt++;
        }
        if (cnt == 1) snprintf(have, sizeof have, "only %s", first);
        else if (cnt > 1) snprintf(have, sizeof have, "%s..%s", first, lastn);
        snprintf(where, sizeof where, "%s", b->where);
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: \"%s\": names no node of the %s pipeline built for '%s' with this "
                                              "folding (its %s nodes: %s)",
                         where, fe->name, finn ? "FINN" : "paper", net->name, op, have);
    }
    return BNN_OK;
}

enum bnn_status bnn_hw_build(const struct bnn_net *net, const struct bnn_fold *fold, const struct bnn_hw_options *opt,
                             const char *where, struct bnn_hw_pipeline **out)
{
    *out = NULL;
    if (opt->clock_mhz <= 0 || opt->dma_width < 8 || opt->dma_width % 8 || opt->dma_bytes_per_cycle <= 0 ||
        opt->dma_burst_words < 1 || opt->fifo_depth < 1)
        return bnn_error(BNN_ERR_INVALID_ARG, "hardware options: clock, DMA width/bandwidth/burst and FIFO depth must be > 0");
    if (opt->style == BNN_STYLE_FINN && opt->swg == BNN_SWG_2017)
        return bnn_error(BNN_ERR_INVALID_ARG, "the 2017 sliding-window unit belongs to the paper style (--style paper)");
    if (opt->style == BNN_STYLE_PAPER && opt->swg != BNN_SWG_2017)
        return bnn_error(BNN_ERR_INVALID_ARG, "the paper style uses the 2017 sliding-window unit");
    enum bnn_status st = bnn_fold_check(fold, net, where);
    if (st) return st;
    struct bnn_hw_pipeline *p = bnn__calloc(1, sizeof *p);
    if (!p) return BNN_ERR_NOMEM;
    p->opt = *opt;
    struct builder b = {.net = net, .fold = fold, .opt = opt, .where = where, .p = p};
    for (int32_t i = 0; i < fold->n_nodes; i++) fold->nodes[i].used = 0;
    st = build(&b);
    if (st) {
        if (st == BNN_ERR_NOMEM) bnn_error(st, "out of memory");
        bnn_hw_free(p);
        return st;
    }
    *out = p;
    return BNN_OK;
}

void bnn_hw_estimate(const struct bnn_hw_pipeline *p, struct bnn_hw_estimate *e)
{
    memset(e, 0, sizeof *e);
    e->max_cycles_node = -1;
    for (int32_t i = 0; i < p->n_nodes; i++) {
        const struct bnn_hw_node *n = &p->nodes[i];
        if (n->kind == BNN_HW_DMA_IN || n->kind == BNN_HW_DMA_OUT) continue;
        if (n->exp_cycles > e->max_cycles) {
            e->max_cycles = n->exp_cycles;
            e->max_cycles_node = i;
        }
        e->critical_path_cycles += n->exp_cycles; /* a chain: the critical path is the sum */
    }
    double clk_ns = 1000.0 / p->opt.clock_mhz;
    e->estimated_throughput_fps = e->max_cycles ? 1e9 / clk_ns / (double)e->max_cycles : 0;
    e->estimated_latency_ns = (double)e->critical_path_cycles * clk_ns;
}

enum bnn_status bnn_hw_store_fifos(const struct bnn_hw_pipeline *p, struct bnn_fold *fold)
{
    for (int32_t l = 0; l < p->n_links; l++) {
        const struct bnn_hw_link *k = &p->links[l];
        if (k->kind != BNN_LINK_FIFO) continue;
        struct bnn_fold_node *e = bnn_fold_node_get(fold, k->name, 1);
        if (!e) return bnn_error(BNN_ERR_NOMEM, "out of memory");
        e->depth = k->depth;
        if (!e->impl_style[0]) snprintf(e->impl_style, sizeof e->impl_style, "%s", k->depth > 256 ? "vivado" : "rtl");
    }
    for (int32_t i = 0; i < p->n_nodes; i++) {
        const struct bnn_hw_node *n = &p->nodes[i];
        if (n->kind != BNN_HW_SWG || n->swg == BNN_SWG_2017) continue;
        struct bnn_fold_node *e = bnn_fold_node_get(fold, n->name, 1);
        if (!e) return bnn_error(BNN_ERR_NOMEM, "out of memory");
        e->simd = n->simd;
    }
    return BNN_OK;
}
