/* The reference engine: packed words, XNOR-popcount, exact integers.
 * Feature maps are HWC with each pixel's channels in ceil(C/64) words. */
#include "core/util.h"
#include "exec/plan-impl.h"

static void run_input(const struct bnn_layer *L, const struct bnn_plan_layer *q, const uint8_t *px, void *out)
{
    size_t n = (size_t)L->out.h * L->out.w;
    int32_t c = L->out.c;
    const int32_t *lut = q->qlut;
    if (L->out_type == BNN_VT_BITS && c == 1) { /* one word per pixel holding one bit */
        uint64_t *o = out;
        for (size_t i = 0; i < n; i++) o[i] = (uint64_t)lut[px[i]];
    } else if (L->out_type == BNN_VT_BITS) {
        uint64_t *o = out;
        memset(o, 0, n * (size_t)q->wpp * 8);
        for (size_t i = 0; i < n; i++)
            for (int32_t k = 0; k < c; k++)
                if (lut[px[i * (size_t)c + (size_t)k]]) bnn__set_bit(o + i * q->wpp, k, 1);
    } else {
        int32_t *o = out;
        for (size_t i = 0; i < n * (size_t)c; i++) o[i] = lut[px[i]];
    }
}

/* Gathers the matrix rows (one per output pixel) into cols. */
static void im2col_bits(const struct bnn_layer *L, int32_t kw, int32_t in_wpp, const uint64_t *in, uint64_t *cols)
{
    const int32_t C = L->in.c;
    if (C % 64 == 0 && L->pad == 0 && (L->kind == BNN_LAYER_FC ? L->in_pad == 0 : 1)) {
        /* whole words: an FC input is the map itself; a window row is K pixels
         * of C/64 words each, contiguous in the HWC map */
        if (L->kind == BNN_LAYER_FC) {
            memcpy(cols, in, (size_t)L->in.h * L->in.w * in_wpp * 8);
            return;
        }
        const int32_t K = L->kernel, run = K * in_wpp;
        for (int32_t oy = 0; oy < L->out.h; oy++)
            for (int32_t ox = 0; ox < L->out.w; ox++) {
                uint64_t *row = cols + ((size_t)oy * L->out.w + ox) * kw;
                for (int32_t ky = 0; ky < K; ky++) {
                    const uint64_t *src = in + ((size_t)(oy * L->stride + ky) * L->in.w + ox * L->stride) * in_wpp;
                    for (int32_t k = 0; k < run; k++) row[ky * run + k] = src[k];
                }
            }
        return;
    }
    if (L->kind == BNN_LAYER_FC && C == 1) { /* one bit per pixel word: gather them */
        memset(cols, 0, (size_t)kw * 8);
        const int32_t px = L->in.h * L->in.w;
        for (int32_t i = 0; i < px; i++) cols[i >> 6] |= (in[(size_t)i * in_wpp] & 1) << (i & 63);
        bnn__bits_fill(cols, px, L->in_pad, L->in_pad_value);
        return;
    }
    if (L->kind == BNN_LAYER_FC) {
        memset(cols, 0, (size_t)kw * 8);
        int64_t o = 0;
        for (int32_t i = 0; i < L->in.h * L->in.w; i++, o += C) bnn__bits_copy(cols, o, in + (size_t)i * in_wpp, 0, C);
        bnn__bits_fill(cols, o, L->in_pad, L->in_pad_value);
        return;
    }
    for (int32_t oy = 0; oy < L->out.h; oy++)
        for (int32_t ox = 0; ox < L->out.w; ox++) {
            uint64_t *row = cols + ((size_t)oy * L->out.w + ox) * kw;
            memset(row, 0, (size_t)kw * 8);
            for (int32_t ky = 0; ky < L->kernel; ky++)
                for (int32_t kx = 0; kx < L->kernel; kx++) {
                    int32_t iy = oy * L->stride + ky - L->pad, ix = ox * L->stride + kx - L->pad;
                    int64_t o = (int64_t)(ky * L->kernel + kx) * C;
                    if (iy < 0 || ix < 0 || iy >= L->in.h || ix >= L->in.w) bnn__bits_fill(row, o, C, L->pad_value);
                    else bnn__bits_copy(row, o, in + ((size_t)iy * L->in.w + ix) * in_wpp, 0, C);
                }
        }
}

static void im2col_int(const struct bnn_layer *L, const int32_t *in, int32_t *cols)
{
    const int32_t C = L->in.c;
    if (L->kind == BNN_LAYER_FC) {
        memcpy(cols, in, (size_t)L->mw * 4);
        return;
    }
    for (int32_t oy = 0; oy < L->out.h; oy++)
        for (int32_t ox = 0; ox < L->out.w; ox++) {
            int32_t *row = cols + ((size_t)oy * L->out.w + ox) * L->mw;
            for (int32_t ky = 0; ky < L->kernel; ky++)
                for (int32_t kx = 0; kx < L->kernel; kx++) {
                    int32_t iy = oy * L->stride + ky - L->pad, ix = ox * L->stride + kx - L->pad;
                    int32_t *dst = row + (ky * L->kernel + kx) * C;
                    if (iy < 0 || ix < 0 || iy >= L->in.h || ix >= L->in.w) {
                        for (int32_t c = 0; c < C; c++) dst[c] = L->pad_value;
                    } else { /* a few ints: a loop, not a call */
                        const int32_t *src = in + ((size_t)iy * L->in.w + ix) * C;
                        for (int32_t c = 0; c < C; c++) dst[c] = src[c];
                    }
                }
        }
}

/* One matrix layer for nb images: a conv image by image, an FC layer as one
 * GEMM with a row per image. Image b's maps sit at out[li] + b * img_bytes. */
static void run_matrix(struct bnn_plan *p, int32_t li, struct bnn_ws *ws, int32_t nb)
{
    const struct bnn_layer *L = &p->net->layers[li];
    const struct bnn_plan_layer *q = &p->pl[li], *qi = &p->pl[li - 1];
    const int32_t fc = L->kind == BNN_LAYER_FC;
    const int32_t pixels = L->out.h * L->out.w, rows = fc ? nb : pixels, reps = fc ? 1 : nb;
    int32_t *acc = ws->acc;
    for (int32_t b = 0; b < reps; b++) {
        const int32_t m = fc ? nb : pixels;
        if (L->in_type == BNN_VT_BITS) {
            for (int32_t r = 0; r < (fc ? nb : 1); r++) {
                const int32_t img = fc ? r : b;
                im2col_bits(L, q->kw, qi->wpp, (const uint64_t *)((const char *)ws->out[li - 1] + (size_t)img * qi->img_bytes),
                            (uint64_t *)ws->cols + (size_t)(fc ? r : 0) * q->kw);
            }
            p->kern->xnor_gemm(m, L->mh, q->kw, ws->cols, (size_t)q->kw, q->wxnor, L->mw, acc, (size_t)L->mh);
        } else {
            for (int32_t r = 0; r < (fc ? nb : 1); r++) {
                const int32_t img = fc ? r : b;
                im2col_int(L, (const int32_t *)((const char *)ws->out[li - 1] + (size_t)img * qi->img_bytes),
                           (int32_t *)ws->cols + (size_t)(fc ? r : 0) * L->mw);
            }
            p->kern->fixed_gemm(m, L->mh, L->mw, ws->cols, (size_t)L->mw, q->wpacked, (size_t)q->kw, acc, (size_t)L->mh);
        }
        /* the m rows of acc belong to image b (conv) or to images 0..nb-1 (FC, one row each) */
        char *out = (char *)ws->out[li] + (size_t)(fc ? 0 : b) * q->img_bytes;
        if (L->out_type == BNN_VT_BITS && q->thr_acc) { /* one threshold per row: compare and pack */
            p->kern->threshold_pack(m, L->mh, acc, (size_t)L->mh, q->thr_acc, (uint64_t *)out, q->wpp);
        } else if (L->out_type == BNN_VT_BITS) {
            uint64_t *o = (uint64_t *)out;
            memset(o, 0, (size_t)m * q->wpp * 8);
            for (int32_t i = 0; i < m; i++)
                for (int32_t r = 0; r < L->mh; r++)
                    if (bnn__threshold_count(L->thresholds + r, 1, acc[(size_t)i * L->mh + r], q->shift_t, q->shift_a))
                        bnn__set_bit(o + (size_t)i * q->wpp, r, 1);
        } else {
            int32_t *o = (int32_t *)out;
            for (size_t k = 0; k < (size_t)m * L->mh; k++)
                o[k] = L->act == BNN_ACT_RAW ? acc[k]
                                             : bnn__threshold_count(L->thresholds + (k % L->mh) * L->n_thr, L->n_thr,
                                                                    acc[k], q->shift_t, q->shift_a);
        }
    }
    (void)rows;
}

/* Max-pool on binary maps is the OR of the window, word by word. */
static void run_maxpool(const struct bnn_layer *L, int32_t wpp, const uint64_t *in, uint64_t *out)
{
    for (int32_t oy = 0; oy < L->out.h; oy++)
        for (int32_t ox = 0; ox < L->out.w; ox++) {
            uint64_t *o = out + ((size_t)oy * L->out.w + ox) * wpp;
            memset(o, 0, (size_t)wpp * 8);
            for (int32_t ky = 0; ky < L->kernel; ky++)
                for (int32_t kx = 0; kx < L->kernel; kx++) {
                    const uint64_t *x = in + ((size_t)(oy * L->stride + ky) * L->in.w + (ox * L->stride + kx)) * wpp;
                    for (int32_t k = 0; k < wpp; k++) o[k] |= x[k];
                }
        }
}

void bnn__run_ref(struct bnn_plan *p, struct bnn_ws *ws, const uint8_t *pixels, int32_t nb)
{
    const struct bnn_net *net = p->net;
    const struct bnn_shape in = net->layers[0].out;
    const size_t img = (size_t)in.h * in.w * in.c;
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        const struct bnn_plan_layer *q = &p->pl[i];
        switch (L->kind) {
        case BNN_LAYER_INPUT:
            for (int32_t b = 0; b < nb; b++) run_input(L, q, pixels + (size_t)b * img, (char *)ws->out[i] + (size_t)b * q->img_bytes);
            break;
        case BNN_LAYER_CONV:
        case BNN_LAYER_FC: run_matrix(p, i, ws, nb); break;
        case BNN_LAYER_MAXPOOL:
            for (int32_t b = 0; b < nb; b++)
                run_maxpool(L, q->wpp, (const uint64_t *)((const char *)ws->out[i - 1] + (size_t)b * p->pl[i - 1].img_bytes),
                            (uint64_t *)((char *)ws->out[i] + (size_t)b * q->img_bytes));
            break;
        case BNN_LAYER_LABELSELECT: break; /* done by the caller on the scores */
        }
    }
}
