/* Design-space exploration of the folding: per-layer candidates costed with
 * the resource model and timed with the layer-cycle model; the cheapest
 * folding for a target, FINN's SetFolding, and the Pareto front. */
#include <math.h>
#include <stdio.h>

#include "bnnsim/dse.h"
#include "core/util.h"
#include "fold/fold-impl.h"

void bnn_dse_options_default(struct bnn_dse_options *o)
{
    memset(o, 0, sizeof *o);
    o->strategy = BNN_DSE_CHEAPEST;
    bnn_hw_options_default(&o->hw);
    o->max_simd = 64;
    o->max_stream_bits = 8192;
    o->size_fifos = 1;
}

void bnn_dse_result_free(struct bnn_dse_result *r)
{
    if (!r) return;
    bnn_fold_free(r->fold);
    r->fold = NULL;
}

int64_t bnn_dse_layer_cycles(const struct bnn_net *net, int32_t li, int32_t pe, int32_t simd,
                             const struct bnn_hw_options *hw)
{
    const struct bnn_layer *L = &net->layers[li];
    const int64_t reps = (int64_t)L->out.h * L->out.w, f = (int64_t)(L->mh / pe) * (L->mw / simd) * reps;
    if (L->kind != BNN_LAYER_CONV) return f;
    const int64_t W = L->in.w + 2 * L->pad, H = L->in.h + 2 * L->pad, K = L->kernel;
    if (hw->style == BNN_STYLE_PAPER) { /* 2017 SWU: frame fill, then windows paced by the MVAU */
        int64_t out = reps * K * K;
        return (int64_t)L->in.h * L->in.w + (f > out ? f : out);
    }
    const int64_t cf = L->in.c / simd, wb = (int64_t)L->out.w * K * K * cf, rb = (int64_t)L->stride * W * cf;
    int64_t swg = hw->swg == BNN_SWG_HLS ? W * K * cf + L->out.h * (wb > rb ? wb : rb)
                                          : ((K - 1) * W + K) * cf + L->out.h * (wb > rb ? wb : rb);
    (void)H;
    return swg > f ? swg : f;
}

/* The folding rules a candidate must pass (the same ones the config reader
 * and the pipeline builder enforce), plus the search's width limits. */
static int allowed(const struct bnn_net *net, int32_t li, int32_t pe, int32_t simd, const struct bnn_dse_options *o)
{
    if (!bnn_fold_rule(net, li, pe, simd, NULL, 0)) return 0;
    const int64_t wb = net->layers[li].w_bits; /* a PE's weight word is SIMD x weight bits (FINN's wbits*SIMD) */
    return (int64_t)simd * wb <= o->max_simd && (int64_t)pe * simd * wb <= o->max_stream_bits;
}

struct cand {
    int32_t pe, simd;
    int64_t cycles;
    struct bnn_res res;
    double cost;
};

struct layer_cands {
    int32_t li, n;
    struct cand *c; /* sorted by cycles */
};

static double cost_of(const struct bnn_res *r, const struct bnn_device *d)
{
    double c = r->lut / d->lut + r->bram18 / d->bram18 + (d->dsp > 0 ? r->dsp / d->dsp : 0);
    if (d->uram > 0) c += r->uram / d->uram;
    else c += r->uram * 1e6; /* no URAM on the device */
    return c;
}

static int cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->cycles != y->cycles) return x->cycles < y->cycles ? -1 : 1;
    return x->cost < y->cost ? -1 : x->cost > y->cost;
}

/* Every allowed (PE, SIMD) of every matrix layer, with its cycles and the
 * resources of the layer's own nodes (MVAU and window generator). */
static enum bnn_status candidates(const struct bnn_net *net, const struct bnn_device *dev, const struct bnn_dse_options *o,
                                  struct layer_cands **out, int32_t *n_out, struct bnn_res *rest)
{
    struct bnn_fold *base = NULL;
    enum bnn_status st = bnn_fold_new(net, &base);
    if (st) return st;
    struct layer_cands *lc = bnn__calloc((size_t)base->n + 1, sizeof *lc);
    if (!lc) {
        bnn_fold_free(base);
        return BNN_ERR_NOMEM;
    }
    memset(rest, 0, sizeof *rest);
    int64_t work = 0, done = 0; /* progress: one step per (layer, PE) */
    for (int32_t j = 0; j < base->n; j++) work += net->layers[base->layers[j].layer].mh;
    for (int32_t j = 0; j < base->n; j++) {
        const int32_t li = base->layers[j].layer;
        const struct bnn_layer *L = &net->layers[li];
        lc[j].li = li;
        lc[j].c = bnn__calloc((size_t)L->mh * 64 + 64, sizeof *lc[j].c);
        if (!lc[j].c) { st = BNN_ERR_NOMEM; goto fail; }
        for (int32_t pe = 1; pe <= L->mh; pe++, bnn__progress("dse: costing every PE x SIMD", ++done, work + 1))
            for (int32_t simd = 1; simd <= L->mw && simd <= o->max_simd; simd++) {
                if (!allowed(net, li, pe, simd, o)) continue;
                base->layers[j].pe = pe;
                base->layers[j].simd = simd;
                struct bnn_hw_pipeline *p = NULL;
                struct bnn_resource_report *r = NULL;
                if ((st = bnn_hw_build(net, base, &o->hw, "dse", &p))) goto fail;
                if ((st = bnn_hw_resources(p, net, base, &r))) { bnn_hw_free(p); goto fail; }
                struct cand *c = &lc[j].c[lc[j].n++];
                memset(c, 0, sizeof *c);
                c->pe = pe, c->simd = simd;
                c->cycles = bnn_dse_layer_cycles(net, li, pe, simd, &o->hw);
                for (int32_t i = 0; i < p->n_nodes; i++) {
                    if (p->nodes[i].layer != li || (p->nodes[i].kind != BNN_HW_MVAU && p->nodes[i].kind != BNN_HW_SWG)) continue;
                    c->res.lut += r->node[i].lut, c->res.ff += r->node[i].ff, c->res.bram18 += r->node[i].bram18;
                    c->res.uram += r->node[i].uram, c->res.dsp += r->node[i].dsp;
                }
                c->cost = cost_of(&c->res, dev);
                bnn_resource_report_free(r);
                bnn_hw_free(p);
            }
        base->layers[j].pe = base->layers[j].simd = 1;
        qsort(lc[j].c, (size_t)lc[j].n, sizeof *lc[j].c, cmp_cand);
    }
    /* everything but the matrix layers and their windows, at PE = SIMD = 1 */
    struct bnn_hw_pipeline *p = NULL;
    struct bnn_resource_report *r = NULL;
    if ((st = bnn_hw_build(net, base, &o->hw, "dse", &p))) goto fail;
    if ((st = bnn_hw_resources(p, net, base, &r))) { bnn_hw_free(p); goto fail; }
    *rest = r->total;
    bnn__progress("dse: costing every PE x SIMD", work + 1, work + 1);
    for (int32_t i = 0; i < p->n_nodes; i++)
        if (p->nodes[i].kind == BNN_HW_MVAU || p->nodes[i].kind == BNN_HW_SWG)
            rest->lut -= r->node[i].lut, rest->ff -= r->node[i].ff, rest->bram18 -= r->node[i].bram18,
                rest->uram -= r->node[i].uram, rest->dsp -= r->node[i].dsp;
    bnn_resource_report_free(r);
    bnn_hw_free(p);
    *n_out = base->n;
    *out = lc;
    bnn_fold_free(base);
    return BNN_OK;
fail:
    for (int32_t j = 0; j < base->n; j++) free(lc[j].c);
    free(lc);
    bnn_fold_free(base);
    if (st == BNN_ERR_NOMEM) bnn_error(st, "out of memory");
    return st;
}

static void free_cands(struct layer_cands *lc, int32_t n)
{
    for (int32_t j = 0; lc && j < n; j++) free(lc[j].c);
    free(lc);
}

/* Cheapest candidate of a layer within T cycles, or NULL. */
static const struct cand *cheapest(const struct layer_cands *l, int64_t T)
{
    const struct cand *best = NULL;
    for (int32_t k = 0; k < l->n && l->c[k].cycles <= T; k++)
        if (!best || l->c[k].cost < best->cost - 1e-12) best = &l->c[k];
    return best;
}

/* Why the fastest folding of a layer still misses T. */
static void why_slow(const struct bnn_net *net, const struct layer_cands *l, int64_t T, const struct bnn_dse_options *o,
                     char *buf, size_t n)
{
    const struct bnn_layer *L = &net->layers[l->li];
    const struct cand *f = &l->c[0];
    if (L->kind == BNN_LAYER_CONV && o->hw.style == BNN_STYLE_PAPER)
        snprintf(buf, n, "layer '%s': even at PE=%d SIMD=%d it needs %lld cycles > %lld: the 2017 sliding-window unit "
                         "loads the %dx%d frame (%d cycles) and emits K^2 = %d words per output pixel (%d pixels)",
                 L->name, f->pe, f->simd, (long long)f->cycles, (long long)T, L->in.h, L->in.w, L->in.h * L->in.w,
                 L->kernel * L->kernel, L->out.h * L->out.w);
    else if (L->kind == BNN_LAYER_CONV)
        snprintf(buf, n, "layer '%s': even at PE=%d SIMD=%d it needs %lld cycles > %lld: a sliding window emits one word "
                         "per cycle and cannot go below K^2 = %d cycles per output pixel (SIMD <= %d input channels)",
                 L->name, f->pe, f->simd, (long long)f->cycles, (long long)T, L->kernel * L->kernel, L->in.c);
    else
        snprintf(buf, n, "layer '%s': even at PE=%d SIMD=%d it needs %lld cycles > %lld (SIMD is capped at %d bits per "
                         "PE word)", L->name, f->pe, f->simd, (long long)f->cycles, (long long)T, o->max_simd);
}

/* FINN's SetFolding for one MVAU (transformation/fpgadataflow/set_folding.py):
 * SIMD up the divisors of MW until the cycles drop below T (strict), capped
 * by mvau_wwidth_max; then PE up the divisors of MH. */
static void finn_setfolding(const struct bnn_net *net, int32_t li, int64_t T, const struct bnn_dse_options *o,
                            int32_t *pe, int32_t *simd)
{
    const struct bnn_layer *L = &net->layers[li];
    *pe = *simd = 1;
    for (int32_t s = 1; s <= L->mw; s++) {
        if (!bnn_fold_rule(net, li, 1, s, NULL, 0)) continue; /* bnnsim ties the window's SIMD to the MVAU's */
        if ((int64_t)s * L->w_bits > o->max_simd) break; /* FINN: wbits*SIMD > mvau_wwidth_max */
        *simd = s;
        if (bnn_dse_layer_cycles(net, li, *pe, *simd, &o->hw) < T) return;
    }
    for (int32_t p = 1; p <= L->mh; p++) {
        if (L->mh % p) continue;
        *pe = p;
        if (bnn_dse_layer_cycles(net, li, *pe, *simd, &o->hw) < T) return;
    }
}

static enum bnn_status finish(const struct bnn_net *net, const struct bnn_device *dev, const struct bnn_dse_options *o,
                              struct bnn_dse_result *res)
{
    struct bnn_hw_pipeline *p = NULL;
    struct bnn_resource_report *r = NULL;
    enum bnn_status st = bnn_hw_build(net, res->fold, &o->hw, "dse", &p);
    if (st) return st;
    if (o->size_fifos) {
        struct bnn_fifo_sizing fs;
        if ((st = bnn_hw_size_fifos(p, 8, &fs)) || (st = bnn_hw_store_fifos(p, res->fold))) goto done;
        struct bnn_sim_options so = {.frames = 1024, .trace_bins = 1000, .converge = 1}; /* the steady state */
        struct bnn_sim_result *sr = NULL;
        if ((st = bnn_hw_simulate(p, &so, &sr))) goto done;
        res->sim_ii = sr->ii_cycles;
        res->sim_fps = sr->throughput_fps;
        bnn_sim_result_free(sr);
    }
    if ((st = bnn_hw_resources(p, net, res->fold, &r))) goto done;
    res->total = r->total;
    char why[256];
    res->fits = bnn_resources_fit(&r->total, dev, why, sizeof why);
    if (!res->fits) snprintf(res->why, sizeof res->why, "%s", why);
done:
    bnn_resource_report_free(r);
    bnn_hw_free(p);
    return st;
}

/* Input quantiser: the smallest PE that keeps it within T (FINN style). */
static void set_quantiser(const struct bnn_net *net, const struct bnn_fold *f, struct bnn_fold *fold, int64_t T,
                          const struct bnn_dse_options *o)
{
    if (o->hw.style != BNN_STYLE_FINN) return;
    const struct bnn_layer *in = &net->layers[0], *L0 = &net->layers[f->layers[0].layer];
    int32_t ch = L0->kind == BNN_LAYER_CONV ? in->out.c : L0->mw;
    int64_t px = L0->kind == BNN_LAYER_CONV ? (int64_t)in->out.h * in->out.w : 1;
    for (int32_t pe = 1; pe <= ch; pe++) {
        if (ch % pe) continue;
        struct bnn_fold_node *e = bnn_fold_node_get(fold, "Thresholding_rtl_0", 1);
        if (e) e->pe = pe;
        if (px * ch / pe <= T) return;
    }
}

enum bnn_status bnn_dse_run(const struct bnn_net *net, const struct bnn_device *dev, const struct bnn_dse_options *o,
                            struct bnn_dse_result *res)
{
    memset(res, 0, sizeof *res);
    if (!(o->target_fps > 0)) return bnn_error(BNN_ERR_INVALID_ARG, "dse: the target frame rate must be > 0");
    struct layer_cands *lc = NULL;
    int32_t n = 0;
    struct bnn_res rest;
    enum bnn_status st = candidates(net, dev, o, &lc, &n, &rest);
    if (st) return st;
    if ((st = bnn_fold_new(net, &res->fold))) goto done;
    int64_t T = (int64_t)floor(o->hw.clock_mhz * 1e6 / o->target_fps);
    res->target_cycles = T;
    res->reached = 1;
    /* the fastest each layer can go bounds the whole pipeline */
    int64_t floor_cycles = 0;
    for (int32_t j = 0; j < n; j++)
        if (lc[j].n && lc[j].c[0].cycles > floor_cycles) floor_cycles = lc[j].c[0].cycles;
    for (int32_t j = 0; j < n; j++)
        if (!lc[j].n || lc[j].c[0].cycles > T) {
            res->reached = 0;
            if (lc[j].n) why_slow(net, &lc[j], T, o, res->why, sizeof res->why);
            T = floor_cycles; /* the fastest there is */
            break;
        }
    for (int pass = 0; pass < 2; pass++) {
        int64_t maxc = 0;
        for (int32_t j = 0; j < n; j++) {
            int32_t pe, simd;
            if (o->strategy == BNN_DSE_FINN) {
                finn_setfolding(net, lc[j].li, T, o, &pe, &simd);
            } else {
                const struct cand *c = cheapest(&lc[j], T);
                pe = c->pe, simd = c->simd;
            }
            res->fold->layers[j].pe = pe;
            res->fold->layers[j].simd = simd;
            res->fold->layers[j].defaulted = 0;
            int64_t cyc = bnn_dse_layer_cycles(net, lc[j].li, pe, simd, &o->hw);
            if (cyc > maxc) maxc = cyc;
        }
        res->max_layer_cycles = maxc;
        /* FINN's two-pass relaxation: balance the rest to the slowest layer */
        if (o->strategy != BNN_DSE_FINN || maxc <= T) break;
        T = maxc;
    }
    set_quantiser(net, res->fold, res->fold, res->max_layer_cycles > T ? res->max_layer_cycles : T, o);
    if ((st = finish(net, dev, o, res))) goto done;
    if (!res->fits && o->strategy == BNN_DSE_CHEAPEST) {
        /* too big: walk the layer-cycle bounds upwards to the fastest folding
         * whose estimate fits, and confirm that one */
        char too_big[256];
        snprintf(too_big, sizeof too_big, "%.200s", res->why);
        int64_t best = -1;
        for (int32_t j = 0; j < n; j++)
            for (int32_t k = 0; k < lc[j].n; k++) {
                int64_t t = lc[j].c[k].cycles;
                if (t <= res->max_layer_cycles || (best >= 0 && t >= best)) continue;
                struct bnn_res tot = rest;
                for (int32_t q = 0; q < n; q++) {
                    const struct cand *c = cheapest(&lc[q], t);
                    tot.lut += c->res.lut, tot.ff += c->res.ff, tot.bram18 += c->res.bram18, tot.dsp += c->res.dsp,
                        tot.uram += c->res.uram;
                }
                if (bnn_resources_fit(&tot, dev, NULL, 0)) best = t;
            }
        res->reached = 0;
        if (best < 0) {
            snprintf(res->why, sizeof res->why, "%s; not even PE = SIMD = 1 everywhere fits", too_big);
        } else {
            /* a fresh folding: the first one's per-node entries (window SIMD,
             * FIFO depths) belong to layers that change now */
            bnn_fold_free(res->fold);
            res->fold = NULL;
            if ((st = bnn_fold_new(net, &res->fold))) goto done;
            int64_t maxc = 0;
            for (int32_t j = 0; j < n; j++) {
                const struct cand *c = cheapest(&lc[j], best);
                res->fold->layers[j].pe = c->pe;
                res->fold->layers[j].simd = c->simd;
                res->fold->layers[j].defaulted = 0;
                if (c->cycles > maxc) maxc = c->cycles;
            }
            res->max_layer_cycles = maxc;
            set_quantiser(net, res->fold, res->fold, maxc, o);
            if ((st = finish(net, dev, o, res))) goto done;
            snprintf(res->why, sizeof res->why, "the target needs more than %s has (%s); the fastest folding that fits "
                                                "runs at %.0f FPS", dev->name, too_big, o->hw.clock_mhz * 1e6 / (double)maxc);
        }
    }
    if (res->reached && res->max_layer_cycles > res->target_cycles) res->reached = 0;
    if (res->reached && res->sim_ii > 0 && res->sim_ii > (double)res->target_cycles * 1.0001) {
        res->reached = 0;
        snprintf(res->why, sizeof res->why, "the cycle model gives II %.0f > %lld cycles (converters and FIFOs)",
                 res->sim_ii, (long long)res->target_cycles);
    }
done:
    free_cands(lc, n);
    return st;
}

static int dominated(const struct bnn_dse_point *a, const struct bnn_dse_point *b) /* b dominates a */
{
    return b->fps >= a->fps && b->lut <= a->lut && b->bram18 <= a->bram18 &&
           (b->fps > a->fps || b->lut < a->lut || b->bram18 < a->bram18);
}

static int cmp_fps(const void *a, const void *b)
{
    const struct bnn_dse_point *x = a, *y = b;
    return x->fps < y->fps ? -1 : x->fps > y->fps;
}

int32_t bnn_dse_prune(struct bnn_dse_point *pts, int32_t n)
{
    int32_t m = 0;
    for (int32_t i = 0; i < n; i++) {
        int dom = 0;
        for (int32_t k = 0; k < n && !dom; k++) dom = k != i && dominated(&pts[i], &pts[k]);
        for (int32_t k = 0; k < m && !dom; k++) /* exact duplicates: keep one */
            dom = pts[k].fps == pts[i].fps && pts[k].lut == pts[i].lut && pts[k].bram18 == pts[i].bram18;
        if (!dom) pts[m++] = pts[i];
    }
    qsort(pts, (size_t)m, sizeof *pts, cmp_fps);
    return m;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

enum bnn_status bnn_dse_pareto(const struct bnn_net *net, const struct bnn_device *dev, const struct bnn_dse_options *o,
                               int32_t shard, int32_t n_shards, struct bnn_dse_point **points, int32_t *n_points)
{
    *points = NULL;
    *n_points = 0;
    if (n_shards < 1 || shard < 0 || shard >= n_shards)
        return bnn_error(BNN_ERR_INVALID_ARG, "dse: shard %d/%d: expected 0 <= i < n", shard, n_shards);
    struct layer_cands *lc = NULL;
    int32_t n = 0;
    struct bnn_res rest;
    enum bnn_status st = candidates(net, dev, o, &lc, &n, &rest);
    if (st) return st;
    if (n > 64) {
        free_cands(lc, n);
        return bnn_error(BNN_ERR_INVALID_ARG, "dse: more than 64 matrix layers");
    }
    int64_t total = 0, floor_cycles = 0;
    for (int32_t j = 0; j < n; j++) {
        total += lc[j].n;
        if (lc[j].n && lc[j].c[0].cycles > floor_cycles) floor_cycles = lc[j].c[0].cycles;
    }
    int64_t *ts = bnn__calloc((size_t)total + 1, sizeof *ts);
    struct bnn_dse_point *pts = bnn__calloc((size_t)total + 1, sizeof *pts);
    if (!ts || !pts) {
        free(ts);
        free(pts);
        free_cands(lc, n);
        return BNN_ERR_NOMEM;
    }
    int64_t nt = 0;
    for (int32_t j = 0; j < n; j++)
        for (int32_t k = 0; k < lc[j].n; k++)
            if (lc[j].c[k].cycles >= floor_cycles) ts[nt++] = lc[j].c[k].cycles;
    qsort(ts, (size_t)nt, sizeof *ts, cmp_i64);
    int64_t u = 0;
    for (int64_t i = 0; i < nt; i++)
        if (!u || ts[i] != ts[u - 1]) ts[u++] = ts[i];
    int32_t np = 0;
    for (int64_t t = shard; t < u; t += n_shards) {
        struct bnn_dse_point *pt = &pts[np];
        memset(pt, 0, sizeof *pt);
        struct bnn_res tot = rest;
        int64_t maxc = 0;
        int ok = 1;
        for (int32_t j = 0; j < n && ok; j++) {
            const struct cand *c = cheapest(&lc[j], ts[t]);
            if (!c) { ok = 0; break; }
            pt->pe[j] = c->pe, pt->simd[j] = c->simd;
            tot.lut += c->res.lut, tot.ff += c->res.ff, tot.bram18 += c->res.bram18, tot.dsp += c->res.dsp, tot.uram += c->res.uram;
            if (c->cycles > maxc) maxc = c->cycles;
        }
        if (!ok) continue;
        pt->cycles = maxc;
        pt->fps = o->hw.clock_mhz * 1e6 / (double)maxc;
        pt->lut = tot.lut, pt->ff = tot.ff, pt->bram18 = tot.bram18, pt->dsp = tot.dsp;
        pt->fits = bnn_resources_fit(&tot, dev, NULL, 0);
        np++;
    }
    free(ts);
    free_cands(lc, n);
    *n_points = bnn_dse_prune(pts, np);
    *points = pts;
    return BNN_OK;
}
