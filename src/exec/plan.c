/* Plan creation (weights packed once, buffers sized once) and the batched
 * run loop, OpenMP across images. */
#include <cblas.h>
#include <omp.h>
#include <stdio.h>

#include "core/util.h"
#include "exec/plan-impl.h"

const char *bnn_engine_str(enum bnn_engine e) { return e == BNN_ENGINE_FLOAT ? "float" : "ref"; }

enum bnn_status bnn_engine_parse(const char *s, enum bnn_engine *out)
{
    if (strcmp(s, "ref") == 0) *out = BNN_ENGINE_REF;
    else if (strcmp(s, "float") == 0) *out = BNN_ENGINE_FLOAT;
    else return bnn_error(BNN_ERR_INVALID_ARG, "unknown engine '%s' (ref, float)", s);
    return BNN_OK;
}

const char *bnn_kernels_isa(void) { return bnn__kernels_best()->isa; }

int32_t bnn__quantize_pixel(const struct bnn_input_spec *s, uint8_t p)
{
    if (s->kind == BNN_INPUT_BINARY) return p >= s->binarize_threshold;
    /* v = lo + (hi - lo) * p / 255; q = floor(v * 2^frac + 1/2), saturated:
       all in integers, so no rounding question is left to the FPU. */
    int64_t num = ((int64_t)s->range_lo * 255 + (int64_t)(s->range_hi - s->range_lo) * p) * ((int64_t)1 << s->frac);
    int64_t q = bnn__floordiv(2 * num + 255, 510);
    int64_t lo = s->is_signed ? -((int64_t)1 << (s->bits - 1)) : 0;
    int64_t hi = s->is_signed ? ((int64_t)1 << (s->bits - 1)) - 1 : ((int64_t)1 << s->bits) - 1;
    return (int32_t)(q < lo ? lo : q > hi ? hi : q);
}

int32_t bnn__threshold_count(const int64_t *t, int32_t n, int64_t acc, int32_t shift_t, int32_t shift_a)
{
    __int128 a = (__int128)acc * ((__int128)1 << shift_a);
    int32_t c = 0;
    for (int32_t i = 0; i < n; i++) c += (__int128)t[i] * ((__int128)1 << shift_t) <= a;
    return c;
}

static void ws_free(struct bnn_ws *ws, int32_t n_layers)
{
    if (!ws->out) return;
    for (int32_t i = 0; i < n_layers; i++) free(ws->out[i]);
    free(ws->out);
    free(ws->cols);
    free(ws->acc);
    free(ws->scores);
}

void bnn_plan_free(struct bnn_plan *p)
{
    if (!p) return;
    for (int32_t i = 0; p->ws && i < p->n_ws; i++) ws_free(&p->ws[i], p->net->n_layers);
    for (int32_t i = 0; p->pl && i < p->net->n_layers; i++) {
        free(p->pl[i].wpacked);
        free(p->pl[i].wfloat);
        free(p->pl[i].wint);
        free(p->pl[i].thr_acc);
        free(p->pl[i].thr_m);
        free(p->pl[i].wplanes);
        free(p->pl[i].wpx);
        free(p->pl[i].pcw);
        free(p->pl[i].sv);
        free(p->pl[i].wxnor);
        free(p->pl[i].qlut);
        free(p->pl[i].qlut8);
        free(p->pl[i].wu8);
        free(p->pl[i].u8_corr);
        free(p->pl[i].thr_u8);
        free(p->pl[i].row_off);
    }
    free(p->ws);
    free(p->pl);
    free(p);
}

int32_t bnn_plan_n_scores(const struct bnn_plan *p) { return p->net->layers[p->lm].mh; }

enum bnn_status bnn_plan_create(const struct bnn_net *net, const struct bnn_plan_options *opt, struct bnn_plan **out)
{
    *out = NULL;
    struct bnn_plan *p = bnn__calloc(1, sizeof *p);
    if (!p) return BNN_ERR_NOMEM;
    p->net = net;
    p->engine = opt ? opt->engine : BNN_ENGINE_REF;
    p->threads = opt && opt->threads > 0 ? opt->threads : omp_get_max_threads();
    p->kern = bnn__kernels_best();
    p->group = p->engine == BNN_ENGINE_REF ? 32 : 1;
    p->split_work = 1 << 21;
    /* bit planes: a tested variant, the byte path measured faster (BNN_PLANES_MAX) */
    const char *planes_env = getenv("BNNSIM_PLANES");
    p->no_planes = !(planes_env && *planes_env && strcmp(planes_env, "0"));
    p->lm = bnn_net_last_matrix(net);
    enum bnn_status st = BNN_ERR_NOMEM;
    p->pl = bnn__calloc((size_t)net->n_layers, sizeof *p->pl);
    if (!p->pl) goto fail;

    size_t cols_max = 1, acc_max = 1;
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        struct bnn_plan_layer *q = &p->pl[i];
        q->wpp = (int32_t)bnn__words(L->out.c);
        if (L->kind == BNN_LAYER_INPUT) { /* a table: the per-pixel rule once for every byte */
            if (!(q->qlut = bnn__calloc(256, sizeof *q->qlut))) goto fail;
            for (int v = 0; v < 256; v++) q->qlut[v] = bnn__quantize_pixel(&L->input, (uint8_t)v);
        }
        if (L->kind != BNN_LAYER_CONV && L->kind != BNN_LAYER_FC) continue;
        q->kw = (int32_t)bnn__words(L->mw);
        q->shift_t = BNN_MAX(0, L->acc_frac - L->thr_frac);
        q->shift_a = BNN_MAX(0, L->thr_frac - L->acc_frac);
        q->dot = L->acc_kind == BNN_ACC_DOT;
        size_t pixels = (size_t)L->out.h * L->out.w;
        if (p->engine == BNN_ENGINE_REF) {
            if (!(q->wpacked = bnn__calloc((size_t)L->mh * q->kw, 8))) goto fail;
            for (int32_t r = 0; r < L->mh; r++)
                for (int32_t c = 0; c < L->mw; c++)
                    if (L->weights[(size_t)r * L->mw + c]) bnn__set_bit(q->wpacked + (size_t)r * q->kw, c, 1);
            if (L->act == BNN_ACT_THRESHOLD && L->n_thr > 1) {
                /* every threshold as the smallest passing acc: a count of int compares per value */
                if (!(q->thr_m = bnn__calloc((size_t)L->mh * L->n_thr, sizeof *q->thr_m))) goto fail;
                for (size_t k = 0; k < (size_t)L->mh * L->n_thr; k++) { /* stored [t][row]: rows run contiguous */
                    __int128 t = (__int128)L->thresholds[k] * ((__int128)1 << q->shift_t), d = (__int128)1 << q->shift_a;
                    __int128 c = t >= 0 ? (t + d - 1) / d : -((-t) / d);
                    q->thr_m[(k % L->n_thr) * L->mh + k / L->n_thr] = c > INT32_MAX ? INT32_MAX : c < -INT32_MAX ? -INT32_MAX : (int32_t)c;
                }
            }
            if (L->act == BNN_ACT_THRESHOLD && L->n_thr == 1) {
                /* the smallest acc that passes T << st <= acc << sa, clamped: |acc| stays far below 2^31 */
                if (!(q->thr_acc = bnn__calloc((size_t)L->mh, sizeof *q->thr_acc))) goto fail;
                for (int32_t r = 0; r < L->mh; r++) {
                    __int128 t = (__int128)L->thresholds[r] * ((__int128)1 << q->shift_t), d = (__int128)1 << q->shift_a;
                    __int128 c = t >= 0 ? (t + d - 1) / d : -((-t) / d);
                    /* dot = 2 * agreements - mw >= c: agreements >= ceil((c + mw) / 2) */
                    if (q->dot) c = c + L->mw >= 0 ? (c + L->mw + 1) / 2 : -((-(c + L->mw)) / 2);
                    q->thr_acc[r] = c > INT32_MAX ? INT32_MAX : c < -INT32_MAX ? -INT32_MAX : (int32_t)c;
                }
            }
            const struct bnn_layer *P = &net->layers[i - 1];
            size_t per_px;
            /* integer maps of at most 256 values (shifted by -in_lo to bytes) against int8 weights: the
             * byte kernels (VNNI), when AVX2's int16 pair sums stay exact too */
            const int64_t wmax = L->w_bits == 1 ? 1 : L->w_signed ? (int64_t)1 << (L->w_bits - 1) : ((int64_t)1 << L->w_bits) - 1;
            const int32_t boff = -L->in_lo;
            const int bytes_in = L->in_type == BNN_VT_INT && (int64_t)L->in_hi - L->in_lo <= 255 && wmax <= 128 &&
                                 2 * ((int64_t)L->in_hi - L->in_lo) * wmax <= 32767 &&
                                 (L->kind == BNN_LAYER_FC || L->pad == 0 || (L->pad_value + boff >= 0 && L->pad_value + boff < 256));
            /* few-bit integer maps from another layer against bipolar or few-bit weights: bit planes */
            int32_t root = i - 1;
            while (root > 0 && net->layers[root].kind == BNN_LAYER_MAXPOOL) root--;
            const int32_t pa = L->in_type == BNN_VT_INT ? bnn_value_bits(0, L->in_hi - L->in_lo) : 0, pw = L->w_bits;
            const int planes_in = L->in_type == BNN_VT_INT && root > 0 && (int64_t)L->in_hi - L->in_lo <= 15 &&
                                  pa * pw <= BNN_PLANES_MAX && !p->no_planes;
            if (planes_in) {
                q->path = BNN_PATH_PLANES;
                q->pa = pa, q->pw = pw, q->xlo = L->in_lo;
                q->wlo = L->w_bits == 1 ? -1 : L->w_signed ? -(1 << (L->w_bits - 1)) : 0;
                q->ws = L->w_bits == 1 ? 2 : 1;
                if (!(q->wplanes = bnn__calloc((size_t)L->mh * pw * q->kw + 8, 8)) ||
                    !(q->sv = bnn__calloc((size_t)L->mh, sizeof *q->sv)))
                    goto fail;
                for (int32_t r = 0; r < L->mh; r++)
                    for (int32_t c = 0; c < L->mw; c++) {
                        const int32_t v = (bnn_layer_weight(L, (size_t)r * L->mw + c) - q->wlo) / q->ws;
                        q->sv[r] += v;
                        for (int32_t b = 0; b < pw; b++)
                            if ((v >> b) & 1) bnn__set_bit(q->wplanes + ((size_t)r * pw + b) * q->kw, c, 1);
                    }
                /* each weight plane in the XNOR kernel's layout: AND-popcounts come from its agreements */
                q->wpx_words = p->kern->xnor_pack_words(L->mh, q->kw);
                if (!(q->wpx = bnn__calloc(q->wpx_words * pw + 1, 8)) || !(q->pcw = bnn__calloc((size_t)pw * L->mh, 4)))
                    goto fail;
                for (int32_t b = 0; b < pw; b++) {
                    p->kern->xnor_pack(L->mh, q->kw, q->wplanes + (size_t)b * q->kw, (size_t)pw * q->kw, q->wpx + b * q->wpx_words);
                    for (int32_t r = 0; r < L->mh; r++)
                        for (int32_t k = 0; k < q->kw; k++)
                            q->pcw[(size_t)b * L->mh + r] += bnn__popcount64(q->wplanes[((size_t)r * pw + b) * q->kw + k]);
                }
                for (int32_t k = i - 1; k >= root; k--) { /* the producer (through pools) writes planes */
                    p->pl[k].form = BNN_FORM_PLANES;
                    p->pl[k].planes = pa;
                    p->pl[k].out_off = -L->in_lo;
                }
                per_px = (size_t)pa * q->kw * 8;
            } else if (L->w_bits > 1 && !bytes_in) { /* integer weights: bits become +-1, integers stay */
                q->path = BNN_PATH_IW;
                if (!(q->wint = bnn__calloc((size_t)L->mh * L->mw + 64, 1))) goto fail;
                for (size_t k = 0; k < (size_t)L->mh * L->mw; k++) q->wint[k] = (int8_t)bnn_layer_weight(L, k);
                per_px = (size_t)L->mw * 4;
            } else if (L->in_type == BNN_VT_BITS) { /* weights once, in the layout the kernel reads */
                q->path = BNN_PATH_XNOR;
                if (!(q->wxnor = bnn__calloc(p->kern->xnor_pack_words(L->mh, q->kw) + 1, 8))) goto fail;
                p->kern->xnor_pack(L->mh, q->kw, q->wpacked, (size_t)q->kw, q->wxnor);
                q->seg = q->kw;
                if (L->kind == BNN_LAYER_FC && L->in_pad == 0 && L->in.c % 64 == 0) {
                    q->direct = 1; /* the map's words are the row */
                } else if (L->kind == BNN_LAYER_FC && P->kind == BNN_LAYER_INPUT && P->out.c == 1) {
                    q->direct = 1; /* the input layer packs the row itself */
                    p->pl[i - 1].form = BNN_FORM_FLAT;
                } else if (L->kind == BNN_LAYER_CONV && L->in.c % 64 == 0 && L->pad == 0) {
                    const int32_t in_wpp = (int32_t)bnn__words(L->in.c);
                    q->direct = 1;
                    q->seg = L->kernel * in_wpp;
                    q->seg_gap = L->in.w * in_wpp;
                    if (!(q->row_off = bnn__calloc(pixels, sizeof *q->row_off))) goto fail;
                    for (int32_t oy = 0; oy < L->out.h; oy++)
                        for (int32_t ox = 0; ox < L->out.w; ox++)
                            q->row_off[oy * L->out.w + ox] = (oy * L->stride * L->in.w + ox * L->stride) * in_wpp;
                }
                per_px = q->direct ? 0 : (size_t)q->kw * 8;
            } else if (bytes_in) {
                q->path = BNN_PATH_U8;
                q->u8_off = boff;
                q->u8_lda = bnn_u8_row_bytes(L->mw);
                if (!(q->wu8 = bnn__calloc(p->kern->u8_pack_bytes(L->mh, L->mw) + 64, 1)) ||
                    !(q->u8_corr = bnn__calloc((size_t)L->mh, sizeof *q->u8_corr)))
                    goto fail;
                int8_t *wv = bnn__calloc((size_t)L->mh * L->mw + 1, 1);
                if (!wv) goto fail;
                for (size_t k = 0; k < (size_t)L->mh * L->mw; k++) wv[k] = (int8_t)bnn_layer_weight(L, k);
                p->kern->u8_pack(L->mh, L->mw, wv, (size_t)L->mw, q->wu8);
                free(wv);
                for (int32_t r = 0; r < L->mh; r++) {
                    int32_t sum = 0;
                    for (int32_t c = 0; c < L->mw; c++) sum += bnn_layer_weight(L, (size_t)r * L->mw + c);
                    q->u8_corr[r] = q->u8_off * sum;
                }
                if (q->thr_m) /* compared with the kernel's sums: the correction goes into the thresholds */
                    for (int32_t t = 0; t < L->n_thr; t++)
                        for (int32_t r = 0; r < L->mh; r++) {
                            int64_t v = (int64_t)q->thr_m[(size_t)t * L->mh + r] + q->u8_corr[r];
                            q->thr_m[(size_t)t * L->mh + r] = v > INT32_MAX ? INT32_MAX : v < -INT32_MAX ? -INT32_MAX : (int32_t)v;
                        }
                if (q->thr_acc) {
                    if (!(q->thr_u8 = bnn__calloc((size_t)L->mh, sizeof *q->thr_u8))) goto fail;
                    for (int32_t r = 0; r < L->mh; r++) {
                        int64_t t = (int64_t)q->thr_acc[r] + q->u8_corr[r];
                        q->thr_u8[r] = t > INT32_MAX ? INT32_MAX : t < -INT32_MAX ? -INT32_MAX : (int32_t)t;
                    }
                }
                /* the producer (through pools) writes value + u8_off as bytes */
                for (int32_t k = i - 1; k >= 0; k--) {
                    struct bnn_plan_layer *qk = &p->pl[k];
                    qk->form = BNN_FORM_U8;
                    qk->out_off = q->u8_off;
                    if (net->layers[k].kind == BNN_LAYER_MAXPOOL) continue;
                    if (net->layers[k].kind == BNN_LAYER_INPUT) {
                        if (!(qk->qlut8 = bnn__calloc(256, 1))) goto fail;
                        for (int v = 0; v < 256; v++) qk->qlut8[v] = (uint8_t)(qk->qlut[v] + q->u8_off);
                    }
                    break;
                }
                per_px = q->u8_lda;
            } else {
                q->path = BNN_PATH_INT;
                per_px = (size_t)L->mw * 4;
            }
            size_t rows = L->kind == BNN_LAYER_FC ? (size_t)p->group : pixels; /* FC: one row per image of a group */
            if (q->path == BNN_PATH_PLANES && L->kind == BNN_LAYER_CONV) rows = pixels;
            if (q->path == BNN_PATH_IW) per_px += 8; /* and one row of words to expand bits from (im2col_pm1) */
            cols_max = BNN_MAX(cols_max, rows * per_px + (size_t)q->kw * 8 + 64); /* 64: room for 16-byte copies */
            /* PLANES: a second accumulator matrix for each plane pair's agreements, and the rows' popcounts */
            acc_max = BNN_MAX(acc_max, rows * (size_t)L->mh * 4 * (q->path == BNN_PATH_PLANES ? 2 : 1) +
                                           (q->path == BNN_PATH_PLANES ? rows * (size_t)q->pa * 4 : 0));
        } else {
            /* Sums must stay exact in float32 (24-bit mantissa): every partial
               sum is bounded by the accumulator's reach. */
            int64_t wmax = L->w_bits > 1 ? (L->w_signed ? 1 << (L->w_bits - 1) : (1 << L->w_bits) - 1) : 1;
            int64_t xmax = L->in_type == BNN_VT_BITS ? 1 : BNN_MAX(-(int64_t)L->in_lo, (int64_t)L->in_hi);
            if ((int64_t)L->mw * wmax * xmax >= (int64_t)1 << 24) {
                st = bnn_error(BNN_ERR_UNSUPPORTED,
                               "layer '%s': the float engine cannot be exact for %d columns of inputs up to %lld and "
                               "weights up to %lld", L->name, L->mw, (long long)xmax, (long long)wmax);
                goto fail;
            }
            if (!(q->wfloat = bnn__calloc((size_t)L->mh * L->mw, sizeof(float)))) goto fail;
            for (size_t k = 0; k < (size_t)L->mh * L->mw; k++) q->wfloat[k] = (float)bnn_layer_weight(L, k);
            cols_max = BNN_MAX(cols_max, pixels * (size_t)L->mw * sizeof(float));
            acc_max = BNN_MAX(acc_max, pixels * (size_t)L->mh * sizeof(float));
        }
    }
    if (p->engine == BNN_ENGINE_FLOAT) openblas_set_num_threads(1); /* we parallelise across images */

    p->n_ws = p->threads;
    if (!(p->ws = bnn__calloc((size_t)p->n_ws, sizeof *p->ws))) goto fail;
    for (int32_t t = 0; t < p->n_ws; t++) {
        struct bnn_ws *ws = &p->ws[t];
        if (!(ws->out = bnn__calloc((size_t)net->n_layers, sizeof(void *)))) goto fail;
        for (int32_t i = 0; i < net->n_layers; i++) {
            const struct bnn_layer *L = &net->layers[i];
            size_t px = (size_t)L->out.h * L->out.w, bytes;
            if (p->engine == BNN_ENGINE_FLOAT) bytes = px * (size_t)L->out.c * sizeof(float);
            else if (p->pl[i].form == BNN_FORM_U8) bytes = px * (size_t)L->out.c;
            else if (p->pl[i].form == BNN_FORM_PLANES) bytes = px * (size_t)p->pl[i].planes * p->pl[i].wpp * 8;
            else if (p->pl[i].form == BNN_FORM_FLAT) bytes = (size_t)p->pl[i + 1].kw * 8;
            else if (L->out_type == BNN_VT_BITS) bytes = px * (size_t)p->pl[i].wpp * 8;
            else bytes = px * (size_t)L->out.c * 4;
            p->pl[i].img_bytes = bytes;
            if (!(ws->out[i] = bnn__calloc(bytes * (size_t)p->group + 64, 1))) goto fail; /* 64: see cols */
        }
        if (!(ws->cols = bnn__calloc(cols_max, 1)) || !(ws->acc = bnn__calloc(acc_max, 1))) goto fail;
        if (!(ws->scores = bnn__calloc((size_t)bnn_plan_n_scores(p), 4))) goto fail;
    }
    /* Each thread touches its own workspace now, so the thread pool's start
     * and the page faults (slow under this kind of VM: a cold first run of
     * 60,000 SFC images went at a quarter of the warm rate) are paid here. */
#pragma omp parallel num_threads(p->n_ws)
    {
        const int t = omp_get_thread_num();
        if (t < p->n_ws) {
            struct bnn_ws *ws = &p->ws[t];
            for (int32_t i = 0; i < net->n_layers; i++) memset(ws->out[i], 0, p->pl[i].img_bytes * (size_t)p->group + 64);
            memset(ws->cols, 0, cols_max);
            memset(ws->acc, 0, acc_max);
        }
    }
    *out = p;
    return BNN_OK;
fail:
    bnn_plan_free(p);
    return st;
}

/* Images i0..i0+nb-1 on thread t's workspace: the layers, then scores and
 * label select per image. */
static void run_group(struct bnn_plan *p, int t, const uint8_t *pixels, int32_t i0, int32_t nb, int32_t *scores,
                      struct bnn_result *results)
{
    const struct bnn_net *net = p->net;
    const struct bnn_shape in = net->layers[0].out;
    const size_t img = (size_t)in.h * in.w * in.c;
    const int32_t ns = bnn_plan_n_scores(p);
    const struct bnn_layer *LS = net->layers[net->n_layers - 1].kind == BNN_LAYER_LABELSELECT
                                     ? &net->layers[net->n_layers - 1] : NULL;
    const int32_t top_k = LS ? LS->top_k : 1;
    struct bnn_ws *ws = &p->ws[t];
    if (p->engine == BNN_ENGINE_FLOAT) bnn__run_float(p, ws, pixels + (size_t)i0 * img);
    else bnn__run_ref(p, ws, pixels + (size_t)i0 * img, nb);

    for (int32_t b = 0; b < nb; b++) {
        const int32_t i = i0 + b;
        const char *lm_out = (const char *)ws->out[p->lm] + (size_t)b * p->pl[p->lm].img_bytes;
        /* Scores: every row of the last matrix layer, as integers. */
        int32_t *sc = ws->scores;
        for (int32_t r = 0; r < ns; r++) {
            int32_t v;
            if (p->engine == BNN_ENGINE_FLOAT) {
                float f = ((const float *)lm_out)[r];
                v = net->layers[p->lm].out_type == BNN_VT_BITS ? f > 0 : (int32_t)f;
            } else if (net->layers[p->lm].out_type == BNN_VT_BITS) {
                v = bnn__get_bit((const uint64_t *)lm_out, r);
            } else {
                v = ((const int32_t *)lm_out)[r];
            }
            sc[r] = v;
        }
        if (scores) memcpy(scores + (size_t)i * ns, sc, (size_t)ns * sizeof *sc);
        /* Label select: top-k of the class rows, ties to the lower index. */
        struct bnn_result res = {.top_k = top_k};
        for (int32_t k = 0; k < top_k; k++) {
            int32_t best = -1;
            for (int32_t c = 0; c < net->n_classes; c++) {
                int taken = 0;
                for (int32_t j = 0; j < k; j++) taken |= res.top[j] == c;
                if (!taken && (best < 0 || sc[c] > sc[best])) best = c;
            }
            res.top[k] = best;
        }
        res.class_index = res.top[0];
        if (LS) {
            char *o = (char *)ws->out[net->n_layers - 1] + (size_t)b * p->pl[net->n_layers - 1].img_bytes;
            for (int32_t k = 0; k < top_k; k++) {
                if (p->engine == BNN_ENGINE_FLOAT) ((float *)o)[k] = (float)res.top[k];
                else ((int32_t *)o)[k] = res.top[k];
            }
        }
        if (results) results[i] = res;
    }
}

enum bnn_status bnn_plan_run(struct bnn_plan *p, const uint8_t *pixels, int32_t n, int32_t *scores,
                             struct bnn_result *results)
{
    if (n < 0 || (n && !pixels)) return bnn_error(BNN_ERR_INVALID_ARG, "bnn_plan_run: no pixels");
    /* groups of images per thread: small enough that every thread gets work */
    int32_t group = p->group;
    if (n < group * p->n_ws) group = (n + p->n_ws - 1) / (p->n_ws ? p->n_ws : 1);
    if (group < 1) group = 1;
    const int32_t n_groups = (n + group - 1) / group;
    int32_t last_ws = 0, last_b = 0;
    /* One group: its layers share the threads instead. Called outside any
     * parallel construct so those regions reuse libgomp's thread pool (a
     * region nested in another, even an inactive one, starts new threads). */
    p->intra = n_groups == 1 && p->n_ws > 1 && p->engine == BNN_ENGINE_REF;
    if (n_groups == 1) {
        run_group(p, 0, pixels, 0, n, scores, results);
        last_b = n - 1;
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->n_ws)
        for (int32_t g = 0; g < n_groups; g++) {
            const int t = omp_get_thread_num();
            const int32_t i0 = g * group, nb = n - i0 < group ? n - i0 : group;
            run_group(p, t, pixels, i0, nb, scores, results);
            if (i0 + nb == n) last_ws = t, last_b = nb - 1;
        }
    }
    p->last_b = last_b;
    p->last_ws = last_ws;
    p->have_last = n > 0;
    return BNN_OK;
}

enum bnn_status bnn_plan_layer_output(const struct bnn_plan *p, int32_t layer, int32_t *values)
{
    if (!p->have_last) return bnn_error(BNN_ERR_INVALID_ARG, "no image has been run yet");
    if (layer < 0 || layer >= p->net->n_layers) return bnn_error(BNN_ERR_INVALID_ARG, "layer %d out of range", layer);
    const struct bnn_layer *L = &p->net->layers[layer];
    const void *buf = (const char *)p->ws[p->last_ws].out[layer] + (size_t)p->last_b * p->pl[layer].img_bytes;
    size_t px = (size_t)L->out.h * L->out.w;
    if (p->pl[layer].form == BNN_FORM_FLAT) {
        for (size_t i = 0; i < px; i++) values[i] = bnn__get_bit(buf, (int64_t)i);
        return BNN_OK;
    }
    if (p->pl[layer].form == BNN_FORM_PLANES) {
        const struct bnn_plan_layer *q = &p->pl[layer];
        for (size_t i = 0; i < px; i++)
            for (int32_t c = 0; c < L->out.c; c++) {
                int32_t v = 0;
                for (int32_t b = 0; b < q->planes; b++)
                    v |= bnn__get_bit((const uint64_t *)buf + (i * q->planes + b) * q->wpp, c) << b;
                values[i * (size_t)L->out.c + c] = v - q->out_off;
            }
        return BNN_OK;
    }
    if (p->pl[layer].form == BNN_FORM_U8) {
        for (size_t k = 0; k < px * (size_t)L->out.c; k++) values[k] = ((const uint8_t *)buf)[k] - p->pl[layer].out_off;
        return BNN_OK;
    }
    for (size_t i = 0; i < px; i++)
        for (int32_t c = 0; c < L->out.c; c++) {
            size_t k = i * (size_t)L->out.c + (size_t)c;
            if (p->engine == BNN_ENGINE_FLOAT) {
                float v = ((const float *)buf)[k];
                values[k] = L->out_type == BNN_VT_BITS ? v > 0 : (int32_t)v;
            } else if (L->out_type == BNN_VT_BITS) {
                values[k] = bnn__get_bit((const uint64_t *)buf + i * (size_t)p->pl[layer].wpp, c);
            } else {
                values[k] = ((const int32_t *)buf)[k];
            }
        }
    return BNN_OK;
}
