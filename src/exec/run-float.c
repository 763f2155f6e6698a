/* The float engine: every value a float (+-1 for bits, the code for fixed
 * inputs), conv as im2col + OpenBLAS sgemm, max-pool as max. Shares no
 * arithmetic with the reference engine, so agreement means something.
 * Integers stay below 2^24, so float sums are exact (checked at plan time). */
#include <cblas.h>
#include <math.h>

#include "core/util.h"
#include "exec/plan-impl.h"

static void run_matrix(struct bnn_plan *p, int32_t li, struct bnn_ws *ws)
{
    const struct bnn_layer *L = &p->net->layers[li];
    const struct bnn_plan_layer *q = &p->pl[li];
    const float *in = ws->out[li - 1];
    float *cols = ws->cols, *dot = ws->acc, *out = ws->out[li];
    const int32_t pixels = L->out.h * L->out.w, C = L->in.c;
    const int binary_in = L->in_type == BNN_VT_BITS;
    const float padv = binary_in ? (L->pad_value ? 1.0f : -1.0f) : (float)L->pad_value;

    if (L->kind == BNN_LAYER_FC) {
        int32_t n = L->in.h * L->in.w * C;
        memcpy(cols, in, (size_t)n * sizeof(float));
        for (int32_t k = 0; k < L->in_pad; k++) cols[n + k] = L->in_pad_value ? 1.0f : -1.0f;
    } else {
        for (int32_t oy = 0; oy < L->out.h; oy++)
            for (int32_t ox = 0; ox < L->out.w; ox++)
                for (int32_t ky = 0; ky < L->kernel; ky++)
                    for (int32_t kx = 0; kx < L->kernel; kx++) {
                        int32_t iy = oy * L->stride + ky - L->pad, ix = ox * L->stride + kx - L->pad;
                        float *dst = cols + ((size_t)oy * L->out.w + ox) * L->mw + (size_t)(ky * L->kernel + kx) * C;
                        for (int32_t c = 0; c < C; c++)
                            dst[c] = (iy < 0 || ix < 0 || iy >= L->in.h || ix >= L->in.w)
                                         ? padv : in[((size_t)iy * L->in.w + ix) * C + c];
                    }
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, pixels, L->mh, L->mw, 1.0f, cols, L->mw, q->wfloat, L->mw,
                0.0f, dot, L->mh);
    /* +-1 dot product d = agree - disagree = 2*agree - MW. */
    const int agreements = binary_in && L->w_bits == 1 && L->acc_kind == BNN_ACC_XNOR;
    for (size_t k = 0; k < (size_t)pixels * L->mh; k++) {
        double acc = agreements ? ((double)dot[k] + L->mw) / 2.0 : (double)dot[k];
        if (L->act == BNN_ACT_RAW) {
            out[k] = (float)acc;
            continue;
        }
        const int64_t *t = L->thresholds + (k % L->mh) * L->n_thr;
        double a = ldexp(acc, -L->acc_frac);
        int32_t count = 0;
        for (int32_t j = 0; j < L->n_thr; j++) count += ldexp((double)t[j], -L->thr_frac) <= a;
        out[k] = L->out_type == BNN_VT_BITS ? (count ? 1.0f : -1.0f) : (float)(L->act_bias + count);
    }
}

static void run_maxpool(const struct bnn_layer *L, const float *in, float *out)
{
    const int32_t C = L->in.c;
    for (int32_t oy = 0; oy < L->out.h; oy++)
        for (int32_t ox = 0; ox < L->out.w; ox++)
            for (int32_t c = 0; c < C; c++) {
                float m = -INFINITY;
                for (int32_t ky = 0; ky < L->kernel; ky++)
                    for (int32_t kx = 0; kx < L->kernel; kx++)
                        m = fmaxf(m, in[((size_t)(oy * L->stride + ky) * L->in.w + (ox * L->stride + kx)) * C + c]);
                out[((size_t)oy * L->out.w + ox) * C + c] = m;
            }
}

void bnn__run_float(struct bnn_plan *p, struct bnn_ws *ws, const uint8_t *pixels)
{
    const struct bnn_net *net = p->net;
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        switch (L->kind) {
        case BNN_LAYER_INPUT: {
            float *o = ws->out[i];
            size_t n = (size_t)L->out.h * L->out.w * L->out.c;
            for (size_t k = 0; k < n; k++) {
                int32_t q = bnn__quantize_pixel(&L->input, pixels[k]);
                o[k] = L->out_type == BNN_VT_BITS ? (q ? 1.0f : -1.0f) : (float)q;
            }
            break;
        }
        case BNN_LAYER_CONV:
        case BNN_LAYER_FC: run_matrix(p, i, ws); break;
        case BNN_LAYER_MAXPOOL: run_maxpool(L, ws->out[i - 1], ws->out[i]); break;
        case BNN_LAYER_LABELSELECT: break;
        }
    }
}
