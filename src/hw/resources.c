/* Resource estimates per node and link. FINN's formulas (custom_op/
 * fpgadataflow/ modules) where FINN has one; the rest is modelled here and said
 * so in docs/resources.md. Memories go through one mapper that records the
 * rule behind each decision. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "bnnsim/io.h"
#include "bnnsim/resources.h"
#include "core/util.h"
#include "fold/fold-impl.h"

int64_t bnn_bram18_for(int64_t width, int64_t depth)
{
    static const int64_t ar[6][2] = {{1, 16384}, {2, 8192}, {4, 4096}, {9, 2048}, {18, 1024}, {36, 512}};
    int64_t best = INT64_MAX;
    for (int i = 0; i < 6; i++) {
        int64_t n = ((width + ar[i][0] - 1) / ar[i][0]) * ((depth + ar[i][1] - 1) / ar[i][1]);
        if (n < best) best = n;
    }
    return best;
}

struct ctx {
    struct bnn_resource_report *r;
    int32_t cap;
    int32_t paper; /* the paper-style pipeline (BNN-PYNQ 2017) rather than today's FINN */
};

/* Maps `copies` identical width x depth memories; adds to `acc`. */
static void map_mem(struct ctx *c, int32_t node, const char *what, int64_t width, int64_t depth, int32_t copies,
                    const char *ram_style, struct bnn_res *acc)
{
    const int paper = c->paper;
    struct bnn_resource_report *r = c->r;
    if (r->n_mem == c->cap) {
        int32_t cap = c->cap ? 2 * c->cap : 64;
        struct bnn_mem_decision *m = realloc(r->mem, (size_t)cap * sizeof *m);
        if (!m) return; /* the totals stay right; only the list is short */
        r->mem = m;
        c->cap = cap;
    }
    struct bnn_mem_decision *d = &r->mem[r->n_mem++];
    memset(d, 0, sizeof *d);
    d->node = node;
    snprintf(d->what, sizeof d->what, "%s", what);
    d->width = (int32_t)width;
    d->depth = depth;
    d->copies = copies;
    const char *st = ram_style && *ram_style ? ram_style : "auto";
    if (depth <= 2 && strcmp(st, "block") && strcmp(st, "ultra")) {
        d->target = BNN_MEM_REGS;
        snprintf(d->rule, sizeof d->rule, "depth <= 2: registers");
        acc->ff += (double)width * depth * copies;
        return;
    }
    /* auto: shallow or small memories go to LUTs, as synthesis maps them. Both
     * thresholds are fitted: depth 32 to SFC-max (13-16-deep weights in LUT RAM,
     * 4.5 BRAM), 1 Kbit to SFC-fix (0.25-0.8 Kbit buffers) against LFC-max,
     * whose 1 Kbit memories must stay block RAM for its exact 396. */
    const int small = depth <= 32 || (paper && width * depth < 1024);
    if (!strcmp(st, "distributed") || (!strcmp(st, "auto") && small)) {
        d->target = BNN_MEM_LUTRAM;
        /* a LUT6 holds 32 x 2 bits (RAM32M) or 64 x 1 (RAM64X1) */
        d->luts = depth <= 32 ? (double)copies * ((width + 1) / 2) : (double)copies * width * ((depth + 63) / 64);
        snprintf(d->rule, sizeof d->rule, "%s",
                 !strcmp(st, "auto") ? depth <= 32 ? "auto, depth <= 32: distributed RAM (fitted: SFC-max)"
                                                   : "auto, under 1 Kbit: distributed RAM (fitted: SFC-fix, LFC-max)"
                                     : "ram_style=distributed");
        acc->lut += d->luts;
        acc->lutram += d->luts;
        return;
    }
    if (!strcmp(st, "ultra")) {
        d->target = BNN_MEM_URAM;
        d->uram = (double)copies * ((width + 71) / 72) * ((depth + 4095) / 4096);
        snprintf(d->rule, sizeof d->rule, "ram_style=ultra: 72 x 4096 URAM");
        acc->uram += d->uram;
        return;
    }
    d->target = BNN_MEM_BRAM;
    d->bram18 = (double)copies * bnn_bram18_for(width, depth);
    snprintf(d->rule, sizeof d->rule, "%s: cheapest RAMB18 aspect ratio, one memory per copy",
             !strcmp(st, "auto") ? paper ? "auto, > 32 deep, >= 1 Kbit: block RAM"
                                         : "auto, > 32 deep: block RAM (FINN memstreamer, fitted)"
                                 : "ram_style=block");
    acc->bram18 += d->bram18;
}

/* The config entry of a node (by name; MVAUs by matrix index), or NULL. */
static const struct bnn_fold_node *entry(const struct bnn_fold *f, const struct bnn_hw_node *n)
{
    int32_t j;
    for (int32_t i = 0; i < f->n_nodes; i++) {
        if (!strcmp(f->nodes[i].name, n->name)) return &f->nodes[i];
        if (n->kind == BNN_HW_MVAU && f->nodes[i].mvau >= 0 && sscanf(n->name, "MVAU_hls_%d", &j) == 1 &&
            f->nodes[i].mvau == j)
            return &f->nodes[i];
    }
    return NULL;
}

static const char *setting(const struct bnn_fold *f, const struct bnn_hw_node *n, const char *key, const char *op,
                           const char *dflt)
{
    const struct bnn_fold_node *e = entry(f, n);
    if (e) {
        const char *v = !strcmp(key, "ram_style") ? e->ram_style
                        : !strcmp(key, "ram_style_thresholds") ? e->ram_style_thresholds
                        : !strcmp(key, "mem_mode") ? e->mem_mode : e->res_type;
        if (v[0]) return v;
    }
    for (int32_t i = 0; i < f->n_defaults; i++)
        if (!strcmp(f->defaults[i].key, key) && f->defaults[i].is_str && bnn__fold_default_matches(&f->defaults[i], op))
            return f->defaults[i].sval;
    return dflt;
}

static int32_t clog2(int64_t x)
{
    int32_t b = 0;
    while (((int64_t)1 << b) < x) b++;
    return b;
}

static void mvau(struct ctx *c, int32_t i, const struct bnn_hw_pipeline *p, const struct bnn_net *net,
                 const struct bnn_fold *f, struct bnn_res *a)
{
    const struct bnn_hw_node *n = &p->nodes[i];
    const struct bnn_layer *L = &net->layers[n->layer];
    const int paper = p->opt.style == BNN_STYLE_PAPER;
    /* W weight bits, A input bits (of the values the producer gives), as FINN's MVAU reads them */
    const int32_t P = n->pe, Q = n->simd, W = L->w_bits,
                  A = L->in_type == BNN_VT_BITS ? 1 : bnn_value_bits(L->in_lo, L->in_hi);
    /* multi-level activations from another layer (not the input's fixed point, through pools) */
    int32_t src = n->layer - 1;
    while (src > 0 && net->layers[src].kind == BNN_LAYER_MAXPOOL) src--;
    const int in_signed = L->in_type == BNN_VT_INT && L->in_lo < 0,
              mb = W > 1 || (L->in_type == BNN_VT_INT && net->layers[src].kind != BNN_LAYER_INPUT);
    const int64_t wmem = (int64_t)n->mh * n->mw / ((int64_t)P * Q), tmem = n->mh / P;
    /* FINN MVAU_hls lut_estimation (FINN-R constants c0 = 300, c1 = 1.1) */
    double alpha = log2((double)n->mw) + W + A - 1 - in_signed;
    int32_t acc_bits = (int32_t)ceil(alpha + log2(1 + pow(2, -alpha)) + 1);
    double mult = !strcmp(setting(f, n, "resType", "MVAU_hls", "lut"), "dsp") ? 0 : Q * (2 * ceil((W + A) / 6.0) - 1) * (W + A);
    double adder = (W + A) * (2.0 * Q - 1), thr = 0, comp = 0;
    if (L->act == BNN_ACT_THRESHOLD) comp = (double)L->n_thr * acc_bits;
    const char *mm = setting(f, n, "mem_mode", "MVAU_hls", paper ? "internal_embedded" : "internal_decoupled");
    const char *rs = setting(f, n, "ram_style", "MVAU_hls", "auto");
    const int decoupled = !strcmp(mm, "internal_decoupled");
    const int32_t sf = n->mw / Q;
    if (mb && mult != 0)
        /* multi-bit (FINN-R): per lane a W x A multiplier (FINN's mult_luts) into
         * a (W+A)-wide adder tree, the accumulator, and a comparator per threshold */
        a->lut += 300 + 1.1 * P * (Q * (2 * ceil((W + A) / 6.0) - 1) * (W + A) + adder + acc_bits + comp) +
                  (paper ? 0 : 2.0 * P * Q * W * decoupled);
    else if (paper && A == 1)
        /* the paper's cost model (FPGA'17 sec. 4): a 128-bit popcount-accumulate
         * costs 376 LUTs, a threshold compare 6 */
        a->lut += 300 + P * (376.0 / 128.0 * Q + acc_bits + (L->act == BNN_ACT_THRESHOLD ? 6.0 * L->n_thr : 0));
    else if (paper)
        /* binary weights on A-bit inputs: an add/subtract per lane into an
         * adder tree of acc_bits-wide adders (one LUT per bit) */
        a->lut += 300 + P * (Q * (double)(A + acc_bits) + acc_bits + (L->act == BNN_ACT_THRESHOLD ? 6.0 * L->n_thr : 0));
    else if (mult == 0) /* resType dsp: FINN's own formula */
        a->lut += 300 + 1.1 * P * (mult + adder + acc_bits + thr + comp);
    else
        /* Fitted to one FINN build (a TFC-W1A1 for Pynq-Z1, docs/resources.md):
         * control 160; the memstreamer's weight stream 2 per bit; per PE an
         * XNOR-popcount of SIMD lanes (an add/subtract per lane on A-bit inputs),
         * the accumulator and a comparator per threshold of acc_bits / 2; and
         * finn-hlslib's inputBuf[MW/SIMD], fully partitioned: an MW/SIMD : 1
         * multiplexer of SIMD * A bits (MW * A / 3) with a write decoder (1.5 per entry). */
        a->lut += 160 + (decoupled ? 2.0 * P * Q * W : 0) +
                  P * ((A == 1 ? Q : Q * (double)(A + 1)) + acc_bits + (L->act == BNN_ACT_THRESHOLD ? L->n_thr * ceil(acc_bits / 2.0) : 0)) +
                  (double)n->mw * A / 3 + 1.5 * sf;
    if (mult == 0) a->dsp += (double)P * Q * ceil((W + A) / 48.0);
    if (paper)
        /* FFs: FINN has none; accumulator, output and adder-tree pipeline registers */
        a->ff += (double)P * (acc_bits + 1) + (double)P * Q * 0.5 + 100;
    else /* fitted as the LUTs: control, the memstreamer (8 per weight bit), accumulators, inputBuf in registers */
        a->ff += 130 + (decoupled ? 8.0 : 1.0) * P * Q * W + 2.0 * P * acc_bits + (double)n->mw * A;
    /* weights: per-PE arrays (internal_embedded, the paper's and finn-hlslib's
     * ARRAY_PARTITION dim=1) or one PE*SIMD-wide stream memory (internal_decoupled) */
    if (decoupled) map_mem(c, i, "weights", (int64_t)P * Q * W, wmem, 1, rs, a);
    else if (strcmp(mm, "external")) map_mem(c, i, "weights", (int64_t)Q * W, wmem, P, rs, a);
    /* thresholds: per-PE memories; FINN's HLS arrays are partitioned and go to LUTs unless told otherwise */
    if (L->act == BNN_ACT_THRESHOLD)
        map_mem(c, i, "thresholds", (int64_t)acc_bits * L->n_thr, tmem, P,
                setting(f, n, "ram_style_thresholds", "MVAU_hls", paper ? "auto" : "distributed"), a);
    /* with more than one neuron fold the input vector is kept for reuse
     * (finn-hlslib's inputBuf[MW/SIMD], 2017 and now; FINN counts it 0); today's
     * finn-hlslib partitions it into registers (counted above) */
    if (paper && n->mh / P > 1) map_mem(c, i, "input buffer", (int64_t)Q * A, n->mw / Q, 1, "auto", a);
}

static void node_res(struct ctx *c, int32_t i, const struct bnn_hw_pipeline *p, const struct bnn_net *net,
                     const struct bnn_fold *f, struct bnn_res *a)
{
    const struct bnn_hw_node *n = &p->nodes[i];
    switch (n->kind) {
    case BNN_HW_MVAU: mvau(c, i, p, net, f, a); break;
    case BNN_HW_SWG: {
        const int64_t cf = n->ch / n->simd, w = (int64_t)n->simd * (n->in_width / n->simd);
        const char *rs = setting(f, n, "ram_style", n->swg == BNN_SWG_HLS ? "ConvolutionInputGenerator_hls"
                                                                          : "ConvolutionInputGenerator_rtl", "distributed");
        int64_t depth;
        if (n->swg == BNN_SWG_2017) depth = (int64_t)n->ifm_h * n->ifm_w * cf;            /* the whole frame */
        else if (n->swg == BNN_SWG_HLS) depth = (int64_t)(n->k + n->stride) * n->ifm_w * cf; /* K + stride lines */
        else depth = ((int64_t)(n->k - 1) * n->ifm_w + n->k) * cf;                          /* FINN RTL buffer_min */
        if (n->swg == BNN_SWG_2017) rs = "auto";
        a->lut += 300; /* FINN: 300 + memory LUTs */
        a->ff += 2.0 * w + 64;
        map_mem(c, i, "window buffer", w, depth, 1, rs, a);
        break;
    }
    case BNN_HW_THRESH: {
        /* the input quantiser: one set of thresholds for every channel (bnnsim's
         * input layer), constants rather than memories. Fitted to the TFC build
         * (784 channels, 1 threshold: 21 LUT, 21 FF); steps > 1 as a binary
         * search of A + 2 LUTs per level and the constants' ROM */
        const int32_t A = 8, P = n->pe, steps = n->out_elem_bits == 1 ? 1 : (1 << n->out_elem_bits) - 1;
        a->lut += 16 + P * (steps == 1 ? A / 2.0 : clog2(steps + 1) * (A + 2.0)) + (steps > 1 ? steps * A / 6.0 : 0);
        a->ff += 12 + (double)P * (A + n->out_elem_bits);
        break;
    }
    case BNN_HW_DWC: { /* FINN StreamingDataWidthConverter lut_estimation (paper); counters (FINN, fitted) */
        int64_t inw = n->in_width, outw = n->out_width, g = inw, b = outw;
        while (b) { int64_t t = g % b; g = b; b = t; }
        int64_t intw = inw / g * outw, cnt = 0, cset = 0;
        if (inw != intw) cnt += labs((long)ceil(log2((double)inw / intw))), cset += intw;
        if (intw != outw) cnt += labs((long)ceil(log2((double)intw / outw))), cset += outw;
        /* the TFC build's converters (64>8, 1>28, 2>8, 1>8, 4>64) took 6-10 LUTs each */
        a->lut += c->paper ? (double)(cnt + cset) : 4 + fabs(log2((double)inw / outw));
        a->ff += (double)intw + 8;
        break;
    }
    case BNN_HW_MAXPOOL: /* FINN: 0. OR trees over C lanes, one pooled row of C bits per output column */
        a->lut += (double)n->in_width * 2 + 40;
        a->ff += (double)n->in_width * 2 + 32;
        map_mem(c, i, "row buffer", n->in_width, n->ofm_w, 1, "auto", a);
        break;
    case BNN_HW_LABELSELECT: /* FINN: 0. A top-K insertion list of value + index bits (fitted: TFC, 50 LUT, 61 FF) */
        a->lut += (double)n->top_k * (n->in_width / n->pe + clog2(n->ch)) * 2.7 + 20;
        a->ff += (double)n->top_k * (n->in_width / n->pe + clog2(n->ch)) * 2 + 39;
        break;
    case BNN_HW_DMA_IN:
    case BNN_HW_DMA_OUT:
        if (!c->paper) { /* FINN's IODMA_hls (the TFC build: about 1,000 LUT, 1,450-1,740 FF, one BRAM each) */
            a->lut += 1000;
            a->ff += 1600;
            map_mem(c, i, "dma buffer", 36, 1024, 1, "block", a);
            break;
        }
        /* fitted: an AXI master with a 1024-word buffer (BNN-PYNQ's memInStrm/memOutStrm) */
        a->lut += 1200;
        a->ff += 1800;
        if (n->kind == BNN_HW_DMA_IN) a->lut += 1300, a->ff += 1500; /* fitted: AXI-lite control and interconnect */
        map_mem(c, i, "dma buffer", p->opt.dma_width, 1024, 1, "block", a);
        break;
    default: break;
    }
}

static void link_res(struct ctx *c, int32_t l, const struct bnn_hw_pipeline *p, const struct bnn_fold *f, struct bnn_res *a)
{
    const struct bnn_hw_link *k = &p->links[l];
    const struct bnn_hw_node *prod = &p->nodes[l], *cons = &p->nodes[l + 1];
    if (k->kind == BNN_LINK_PIPO) { /* two frame buffers at the producer's width */
        map_mem(c, l + p->n_nodes, "frame buffer", prod->out_width, prod->out_words, 2, "auto", a);
        a->lut += 60;
        a->ff += 40;
        return;
    }
    (void)cons;
    (void)f;
    int64_t d = k->depth, w = k->width;
    if (d <= 2) { /* FINN's shallow FIFOs: registers (the TFC build: 3-12 LUTs for 1..64 bits) */
        a->ff += (double)w * d;
        a->lut += c->paper ? 4 : 3 + w / 8.0;
        return;
    }
    if (d <= 256) { /* FINN StreamingFIFO_rtl: SRL LUTs (fitted, FINN style: depth 32 x 28 bits took 76 LUT, 38 FF) */
        a->lut += 2 * clog2(d) + (c->paper ? (double)((d + 31) / 32) * ((w + 1) / 2) : 2.3 * w * ((d + 31) / 32));
        a->ff += (double)w + 2 * clog2(d);
        return;
    }
    a->lut += 2 * clog2(d) + 20; /* vivado impl_style: block RAM FIFO */
    a->ff += (double)w + 2 * clog2(d);
    map_mem(c, l + p->n_nodes, "fifo", w, (int64_t)1 << clog2(d), 1, "block", a);
}

static void add(struct bnn_res *t, const struct bnn_res *a)
{
    t->lut += a->lut, t->ff += a->ff, t->bram18 += a->bram18, t->uram += a->uram, t->dsp += a->dsp, t->lutram += a->lutram;
}

enum bnn_status bnn_hw_resources(const struct bnn_hw_pipeline *p, const struct bnn_net *net,
                                 const struct bnn_fold *fold, struct bnn_resource_report **out)
{
    *out = NULL;
    struct bnn_resource_report *r = bnn__calloc(1, sizeof *r);
    if (!r) return BNN_ERR_NOMEM;
    r->n_nodes = p->n_nodes;
    r->n_links = p->n_links;
    r->node = bnn__calloc((size_t)p->n_nodes, sizeof *r->node);
    r->link = bnn__calloc((size_t)p->n_links + 1, sizeof *r->link);
    if (!r->node || !r->link) {
        bnn_resource_report_free(r);
        return BNN_ERR_NOMEM;
    }
    struct ctx c = {r, 0, p->opt.style == BNN_STYLE_PAPER};
    for (int32_t i = 0; i < p->n_nodes; i++) {
        node_res(&c, i, p, net, fold, &r->node[i]);
        add(&r->total, &r->node[i]);
    }
    for (int32_t l = 0; l < p->n_links; l++) {
        link_res(&c, l, p, fold, &r->link[l]);
        add(&r->total, &r->link[l]);
    }
    *out = r;
    return BNN_OK;
}

void bnn_resource_report_free(struct bnn_resource_report *r)
{
    if (!r) return;
    free(r->node);
    free(r->link);
    free(r->mem);
    free(r);
}

int bnn_resources_fit(const struct bnn_res *t, const struct bnn_device *d, char *why, size_t n)
{
    const struct { const char *name; double use, total, lim; } k[5] = {
        {"LUT", t->lut, d->lut, d->lim_lut}, {"FF", t->ff, d->ff, d->lim_ff}, {"BRAM_18K", t->bram18, d->bram18, d->lim_bram18},
        {"URAM", t->uram, d->uram, d->lim_uram}, {"DSP", t->dsp, d->dsp, d->lim_dsp}};
    for (int i = 0; i < 5; i++) {
        if (k[i].use <= k[i].total * k[i].lim + 1e-9) continue;
        if (why)
            snprintf(why, n, "%s: %.0f needed, %s has %.0f (%.0f %% recommended: %.0f)", k[i].name, k[i].use, d->name,
                     k[i].total, 100 * k[i].lim, k[i].total * k[i].lim);
        return 0;
    }
    if (why) snprintf(why, n, "fits %s", d->name);
    return 1;
}

static double num(json_t *o, const char *k, double dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

enum bnn_status bnn_device_load(const char *name_or_path, struct bnn_device *d)
{
    memset(d, 0, sizeof *d);
    char buf[4200];
    const char *path = bnn_data_resolve(name_or_path, BNN_DATA_DEVICE, buf, sizeof buf);
    if (path == name_or_path && !strchr(name_or_path, '/') && !strstr(name_or_path, ".json")) {
        char dir[4096];
        snprintf(buf, sizeof buf, "%s/devices/%s.json", bnn_data_dir(dir, sizeof dir) ? dir : "data", name_or_path);
        path = buf;
    }
    json_error_t je;
    if (access(path, F_OK) == 0 && bnn__check_regular(path)) return bnn__last_status();
    json_t *o = json_load_file(path, 0, &je);
    if (!o) {
        if (!strchr(name_or_path, '/'))
            return bnn_error(BNN_ERR_IO, "device '%s': %s not found (devices: zc706, pynq-z1, pynq-z2, ultra96, zcu104 "
                                         "are bundled; set BNNSIM_DATA to another data directory)", name_or_path, path);
        return bnn_error(BNN_ERR_PARSE, "%s:%d:%d: JSON syntax error: %s", path, je.line, je.column, je.text);
    }
    static const char *const need[] = {"name", "LUT", "FF", "BRAM_18K", "DSP", "limits", "clock_mhz", NULL};
    for (const char *const *k = need; *k; k++)
        if (!json_object_get(o, *k)) {
            json_decref(o);
            return bnn_error(BNN_ERR_PARSE, "%s: %s: missing", path, *k);
        }
    static const char *const nums[] = {"LUT", "FF", "BRAM_18K", "URAM", "DSP", "clock_mhz", NULL};
    for (const char *const *k = nums; *k; k++) {
        json_t *v = json_object_get(o, *k), *l = json_object_get(json_object_get(o, "limits"), *k);
        if ((v && !json_is_number(v)) || (l && !json_is_number(l))) {
            const char *in_limits = v && !json_is_number(v) ? "" : "limits.";
            json_decref(o);
            return bnn_error(BNN_ERR_PARSE, "%s: %s%s: must be a number", path, in_limits, *k);
        }
    }
    snprintf(d->name, sizeof d->name, "%s", json_string_value(json_object_get(o, "name")) ?: "?");
    snprintf(d->part, sizeof d->part, "%s", json_string_value(json_object_get(o, "part")) ?: "");
    snprintf(d->family, sizeof d->family, "%s", json_string_value(json_object_get(o, "family")) ?: "");
    d->lut = num(o, "LUT", 0), d->ff = num(o, "FF", 0), d->bram18 = num(o, "BRAM_18K", 0);
    d->uram = num(o, "URAM", 0), d->dsp = num(o, "DSP", 0), d->clock_mhz = num(o, "clock_mhz", 200);
    json_t *lim = json_object_get(o, "limits");
    d->lim_lut = num(lim, "LUT", 0.7), d->lim_ff = num(lim, "FF", 0.5), d->lim_bram18 = num(lim, "BRAM_18K", 0.8);
    d->lim_uram = num(lim, "URAM", 0.8), d->lim_dsp = num(lim, "DSP", 0.8);
    json_decref(o);
    const struct { const char *k; double v, lo, hi; } chk[] = {
        {"LUT", d->lut, 1, 1e8},          {"FF", d->ff, 0, 1e8},           {"BRAM_18K", d->bram18, 0, 1e6},
        {"URAM", d->uram, 0, 1e6},        {"DSP", d->dsp, 0, 1e6},         {"clock_mhz", d->clock_mhz, 1e-3, 5000},
        {"limits.LUT", d->lim_lut, 1e-6, 1}, {"limits.FF", d->lim_ff, 1e-6, 1}, {"limits.BRAM_18K", d->lim_bram18, 1e-6, 1},
        {"limits.URAM", d->lim_uram, 1e-6, 1}, {"limits.DSP", d->lim_dsp, 1e-6, 1}};
    for (size_t k = 0; k < sizeof chk / sizeof chk[0]; k++)
        if (!(chk[k].v >= chk[k].lo && chk[k].v <= chk[k].hi))
            return bnn_error(BNN_ERR_PARSE, "%s: %s = %g is outside %g..%g", path, chk[k].k, chk[k].v, chk[k].lo, chk[k].hi);
    return BNN_OK;
}
