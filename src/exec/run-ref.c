/* The reference engine: packed words, XNOR-popcount, exact integers.
 * Feature maps are HWC with each pixel's channels in ceil(C/64) words. */
#include <omp.h>

#include "core/util.h"
#include "exec/plan-impl.h"

static void run_input(const struct bnn_plan *p, const struct bnn_layer *L, const struct bnn_plan_layer *q,
                      const uint8_t *px, void *out)
{
    size_t n = (size_t)L->out.h * L->out.w;
    int32_t c = L->out.c;
    const int32_t *lut = q->qlut;
    if (q->form == BNN_FORM_FLAT) { /* the FC consumer's row: pixels packed flat, then its in_pad columns */
        const struct bnn_layer *F = L + 1;
        uint64_t *o = out;
        const int32_t t = L->input.binarize_threshold;
        if (L->input.kind == BNN_INPUT_BINARY && t > 0 && t < 256) {
            p->kern->binarize((int32_t)n, px, t, o);
        } else {
            memset(o, 0, (n + 63) / 64 * 8);
            for (size_t i = 0; i < n; i++) o[i / 64] |= (uint64_t)(lut[px[i]] & 1) << (i % 64);
        }
        for (size_t w = (n + 63) / 64; w < (size_t)bnn__words(F->mw); w++) o[w] = 0;
        bnn__bits_fill(o, (int64_t)n, F->in_pad, F->in_pad_value);
    } else if (q->form == BNN_FORM_U8) {
        uint8_t *o = out;
        for (size_t i = 0; i < n * (size_t)c; i++) o[i] = q->qlut8[px[i]];
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

/* Gathers the matrix rows of output pixels r0..r1-1 (conv) or the one row
 * of an image (FC) into cols, kw words each. */
static void im2col_bits(const struct bnn_layer *L, int32_t kw, int32_t in_wpp, const uint64_t *in, uint64_t *cols,
                        int32_t r0, int32_t r1, int pad_bit)
{
    const int32_t C = L->in.c;
    if (L->kind == BNN_LAYER_FC) {
        memset(cols, 0, (size_t)kw * 8);
        int64_t o = 0;
        if (C == 1) { /* one bit per pixel word: gather them */
            const int32_t px = L->in.h * L->in.w;
            for (int32_t i = 0; i < px; i++) cols[i >> 6] |= (in[(size_t)i * in_wpp] & 1) << (i & 63);
            o = px;
        } else {
            for (int32_t i = 0; i < L->in.h * L->in.w; i++, o += C) bnn__bits_copy(cols, o, in + (size_t)i * in_wpp, 0, C);
        }
        bnn__bits_fill(cols, o, L->in_pad, L->in_pad_value);
        return;
    }
    for (int32_t r = r0; r < r1; r++) {
        const int32_t oy = r / L->out.w, ox = r % L->out.w;
        uint64_t *row = cols + (size_t)(r - r0) * kw;
        memset(row, 0, (size_t)kw * 8);
        for (int32_t ky = 0; ky < L->kernel; ky++)
            for (int32_t kx = 0; kx < L->kernel; kx++) {
                int32_t iy = oy * L->stride + ky - L->pad, ix = ox * L->stride + kx - L->pad;
                int64_t o = (int64_t)(ky * L->kernel + kx) * C;
                if (iy < 0 || ix < 0 || iy >= L->in.h || ix >= L->in.w) bnn__bits_fill(row, o, C, pad_bit);
                else bnn__bits_copy(row, o, in + ((size_t)iy * L->in.w + ix) * in_wpp, 0, C);
            }
    }
}

/* The same for byte codes: rows of lda bytes; the bytes past mw in a row are
 * left as they fall (the kernels give them zero weight). Maps and cols have
 * 64 bytes of room at the end for the 16-byte copies. */
static void im2col_u8(const struct bnn_layer *L, size_t lda, int32_t off, const uint8_t *in, uint8_t *cols, int32_t r0,
                      int32_t r1)
{
    const int32_t C = L->in.c, K = L->kernel, run = K * C;
    if (L->kind == BNN_LAYER_FC) {
        memcpy(cols, in, (size_t)L->mw);
        return;
    }
    if (L->pad == 0 && run <= 16) { /* the common case (CNV's first layer): one 16-byte copy per kernel row */
        const size_t line = (size_t)L->in.w * C;
        int32_t oy = r0 / L->out.w, ox = r0 % L->out.w;
        for (int32_t r = r0; r < r1; r++) {
            const uint8_t *src = in + ((size_t)oy * L->stride * L->in.w + (size_t)ox * L->stride) * C;
            uint8_t *row = cols + (size_t)(r - r0) * lda;
            for (int32_t ky = 0; ky < K; ky++) memcpy(row + (size_t)ky * run, src + ky * line, 16);
            if (++ox == L->out.w) ox = 0, oy++;
        }
        return;
    }
    for (int32_t r = r0; r < r1; r++) {
        const int32_t oy = r / L->out.w, ox = r % L->out.w;
        uint8_t *row = cols + (size_t)(r - r0) * lda;
        for (int32_t ky = 0; ky < K; ky++) {
            const int32_t iy = oy * L->stride + ky - L->pad, ix0 = ox * L->stride - L->pad;
            uint8_t *dst = row + (size_t)ky * run;
            if (iy >= 0 && iy < L->in.h && ix0 >= 0 && ix0 + K <= L->in.w) { /* a whole kernel row inside the map */
                const uint8_t *src = in + ((size_t)iy * L->in.w + ix0) * C;
                if (run <= 16) memcpy(dst, src, 16); /* later writes fix what spills over */
                else memcpy(dst, src, (size_t)run);
                continue;
            }
            for (int32_t kx = 0; kx < K; kx++) {
                const int32_t ix = ix0 + kx;
                const int inside = iy >= 0 && ix >= 0 && iy < L->in.h && ix < L->in.w;
                for (int32_t c = 0; c < C; c++)
                    dst[kx * C + c] = inside ? in[((size_t)iy * L->in.w + ix) * C + c] : (uint8_t)(L->pad_value + off);
            }
        }
    }
}

static void im2col_int(const struct bnn_layer *L, const int32_t *in, int32_t *cols, int32_t r0, int32_t r1)
{
    const int32_t C = L->in.c;
    if (L->kind == BNN_LAYER_FC) {
        memcpy(cols, in, (size_t)L->mw * 4);
        return;
    }
    for (int32_t r = r0; r < r1; r++) {
        const int32_t oy = r / L->out.w, ox = r % L->out.w;
        int32_t *row = cols + (size_t)(r - r0) * L->mw;
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

/* Binary inputs as +-1 int32 rows for the integer-weight kernel: the
 * columns of im2col_bits, each bit b as 2b - 1. */
static void im2col_pm1(const struct bnn_layer *L, int32_t kw, int32_t in_wpp, const uint64_t *in, uint64_t *bits,
                       int32_t *cols, int32_t r0, int32_t r1)
{
    for (int32_t r = r0; r < r1; r++) {
        im2col_bits(L, kw, in_wpp, in, bits, r, r + 1, L->pad_value);
        int32_t *row = cols + (size_t)(r - r0) * L->mw;
        for (int32_t c = 0; c < L->mw; c++) row[c] = 2 * bnn__get_bit(bits, c) - 1;
    }
}

/* acc[r] += scale * pc(a & w_r) with pc(a & w_r) = (pc(a) - mw + pc(w_r) + agreements_r) / 2 (even) */
__attribute__((optimize("tree-vectorize"))) static void plane_pair_add(int32_t n, int32_t pa_minus_mw,
                                                                        const int32_t *restrict pcw,
                                                                        const int32_t *restrict agree, int32_t scale,
                                                                        int32_t *restrict acc)
{
    for (int32_t r = 0; r < n; r++) acc[r] += scale * ((pa_minus_mw + pcw[r] + agree[r]) >> 1);
}

/* One output row of a multi-threshold activation into bit planes (zeroed by
 * the caller): value = base + #{t : a[r] >= thr[t][r]}, bit b into plane b. */
static void multi_threshold_planes(int32_t n, int32_t nt, const int32_t *a, const int32_t *thr, int32_t base,
                                   int32_t planes, int32_t wpp, uint64_t *out)
{
    for (int32_t w0 = 0; w0 < n; w0 += 64) {
        int32_t v[64];
        const int32_t e = n - w0 < 64 ? n - w0 : 64;
        for (int32_t r = 0; r < e; r++) v[r] = base;
        for (int32_t t = 0; t < nt; t++)
            for (int32_t r = 0; r < e; r++) v[r] += a[w0 + r] >= thr[(size_t)t * n + w0 + r];
        for (int32_t b = 0; b < planes; b++) {
            uint64_t word = 0;
            for (int32_t r = 0; r < e; r++) word |= (uint64_t)((v[r] >> b) & 1) << r;
            out[(size_t)b * wpp + w0 / 64] = word;
        }
    }
}

/* Rows r0..r1-1 of matrix layer li: output pixels of image b (conv), or
 * images r0..r1-1 of the group, a row each (FC); output channels c0..c1-1
 * (whole words; a part only when the results go straight to the map). Maps
 * live in ws; cols and acc come from sw (another thread's workspace when
 * the work is split). */
static void matrix_rows(const struct bnn_plan *p, int32_t li, struct bnn_ws *ws, struct bnn_ws *sw, int32_t b, int32_t r0,
                        int32_t r1, int32_t c0, int32_t c1)
{
    const struct bnn_layer *L = &p->net->layers[li];
    const struct bnn_plan_layer *q = &p->pl[li], *qi = &p->pl[li - 1];
    const int32_t fc = L->kind == BNN_LAYER_FC, m = r1 - r0, bits_out = L->out_type == BNN_VT_BITS;
    const char *in = (const char *)ws->out[li - 1] + (fc ? (size_t)r0 : (size_t)b) * qi->img_bytes;
    const size_t row_bytes = bits_out ? (size_t)q->wpp * 8
                             : q->form == BNN_FORM_U8 ? (size_t)L->mh
                             : q->form == BNN_FORM_PLANES ? (size_t)q->planes * q->wpp * 8 : (size_t)L->mh * 4;
    char *out = (char *)ws->out[li] + (fc ? (size_t)r0 * q->img_bytes : (size_t)b * q->img_bytes + (size_t)r0 * row_bytes);
    const int32_t *thr = q->path == BNN_PATH_U8 ? q->thr_u8 : q->thr_acc;
    const int fused = bits_out && thr && (q->path == BNN_PATH_XNOR || q->path == BNN_PATH_U8);
    const int raw = !bits_out && L->act == BNN_ACT_RAW;
    struct bnn_gemm_out o = {.acc = raw ? (int32_t *)out + c0 : sw->acc, .ldc = (size_t)L->mh};
    if (fused) o = (struct bnn_gemm_out){.thr = thr + c0, .bits = (uint64_t *)out + c0 / 64, .ldo = (size_t)q->wpp};
    const int32_t n = c1 - c0;

    if (q->path == BNN_PATH_XNOR) {
        struct bnn_rows a = {.a = (const uint64_t *)in, .lda = qi->img_bytes / 8, .seg = q->seg, .seg_gap = q->seg_gap};
        if (q->direct) {
            if (!fc) a.row_off = q->row_off + r0;
        } else {
            uint64_t *cols = sw->cols;
            if (fc)
                for (int32_t r = 0; r < m; r++)
                    im2col_bits(L, q->kw, qi->wpp, (const uint64_t *)(in + (size_t)r * qi->img_bytes), cols + (size_t)r * q->kw, 0, 1,
                                L->pad_value);
            else
                im2col_bits(L, q->kw, qi->wpp, (const uint64_t *)in, cols, r0, r1, L->pad_value);
            a = (struct bnn_rows){.a = cols, .lda = (size_t)q->kw, .seg = q->kw};
        }
        p->kern->xnor_gemm(m, n, q->kw, L->mw, &a, q->wxnor + p->kern->xnor_pack_words(c0, q->kw), &o);
    } else if (q->path == BNN_PATH_PLANES) {
        /* plane-major rows: plane b of row r at cols + (b * m + r) * kw, gathered like a binary map
         * (pad: bit b of pad - lo); pc(a & w) = (pc(a) + pc(w) - mw + agreements(a, w)) / 2 */
        const int32_t pa = q->pa, pw = q->pw, ipw = qi->wpp, stride = pa * ipw, kw = q->kw;
        uint64_t *cols = sw->cols;
        /* scratch past the accumulators (which a raw layer keeps in its map) */
        int32_t *tmp = (int32_t *)sw->acc + (size_t)m * L->mh, *pca = tmp + (size_t)m * n;
        for (int32_t r = 0; r < m; r++)
            for (int32_t pb = 0; pb < pa; pb++) {
                const uint64_t *base = (const uint64_t *)(in + (fc ? (size_t)r * qi->img_bytes : 0)) + (size_t)pb * ipw;
                uint64_t *row = cols + ((size_t)pb * m + r) * kw;
                im2col_bits(L, kw, stride, base, row, fc ? 0 : r0 + r, fc ? 1 : r0 + r + 1, ((L->pad_value - q->xlo) >> pb) & 1);
                int32_t c = 0;
                for (int32_t k = 0; k < kw; k++) c += bnn__popcount64(row[k]);
                pca[(size_t)pb * m + r] = c;
            }
        const int64_t k0 = (int64_t)L->mw * q->xlo * q->wlo;
        for (int32_t i = 0; i < m; i++) {
            int64_t su = 0; /* sum of the row's U */
            for (int32_t pb = 0; pb < pa; pb++) su += (int64_t)pca[(size_t)pb * m + i] << pb;
            for (int32_t r = 0; r < n; r++)
                o.acc[(size_t)i * L->mh + r] = (int32_t)(k0 + (int64_t)q->xlo * q->ws * q->sv[c0 + r] + (int64_t)q->wlo * su);
        }
        for (int32_t pb = 0; pb < pa; pb++)
            for (int32_t qb = 0; qb < pw; qb++) {
                const struct bnn_rows a = {.a = cols + (size_t)pb * m * kw, .lda = (size_t)kw, .seg = kw};
                const struct bnn_gemm_out t = {.acc = tmp, .ldc = (size_t)n};
                p->kern->xnor_gemm(m, n, kw, L->mw, &a, q->wpx + qb * q->wpx_words + p->kern->xnor_pack_words(c0, kw), &t);
                const int32_t *pcw = q->pcw + (size_t)qb * L->mh + c0;
                for (int32_t i = 0; i < m; i++)
                    plane_pair_add(n, pca[(size_t)pb * m + i] - L->mw, pcw, tmp + (size_t)i * n, q->ws << (pb + qb),
                                   o.acc + (size_t)i * L->mh);
            }
    } else if (q->path == BNN_PATH_U8) {
        uint8_t *cols = sw->cols;
        if (fc)
            for (int32_t r = 0; r < m; r++) im2col_u8(L, q->u8_lda, q->u8_off, (const uint8_t *)in + (size_t)r * qi->img_bytes, cols + (size_t)r * q->u8_lda, 0, 1);
        else
            im2col_u8(L, q->u8_lda, q->u8_off, (const uint8_t *)in, cols, r0, r1);
        p->kern->u8_gemm(m, n, L->mw, cols, q->u8_lda, q->wu8 + p->kern->u8_pack_bytes(c0, L->mw), &o);
        if (!fused && !q->thr_m) /* (multi-threshold layers have the correction in their thresholds) */
            for (int32_t i = 0; i < m; i++)
                for (int32_t r = 0; r < n; r++) o.acc[(size_t)i * L->mh + r] -= q->u8_corr[c0 + r];
    } else {
        int32_t *cols = sw->cols;
        if (L->in_type == BNN_VT_BITS) { /* IW with binary inputs; a row of words ahead of the ints */
            uint64_t *bits = sw->cols;
            cols = (int32_t *)(bits + q->kw);
            for (int32_t r = 0; r < m; r++)
                im2col_pm1(L, q->kw, qi->wpp, (const uint64_t *)(in + (fc ? (size_t)r * qi->img_bytes : 0)), bits,
                           cols + (size_t)r * L->mw, fc ? 0 : r0 + r, fc ? 1 : r0 + r + 1);
        } else if (fc) {
            for (int32_t r = 0; r < m; r++) im2col_int(L, (const int32_t *)(in + (size_t)r * qi->img_bytes), cols + (size_t)r * L->mw, 0, 1);
        } else {
            im2col_int(L, (const int32_t *)in, cols, r0, r1);
        }
        if (q->path == BNN_PATH_IW)
            p->kern->int_gemm(m, n, L->mw, cols, (size_t)L->mw, q->wint + (size_t)c0 * L->mw, (size_t)L->mw, o.acc,
                              (size_t)L->mh);
        else
            p->kern->fixed_gemm(m, n, L->mw, cols, (size_t)L->mw, q->wpacked + (size_t)c0 * q->kw, (size_t)q->kw, o.acc,
                                (size_t)L->mh);
    }
    if (q->dot && !fused) /* agreements -> the +-1 dot product */
        for (int32_t i = 0; i < m; i++)
            for (int32_t r = 0; r < n; r++) o.acc[(size_t)i * L->mh + r] = 2 * o.acc[(size_t)i * L->mh + r] - L->mw;
    if (fused || raw) return;
    const int32_t *acc = o.acc;
    if (bits_out && q->thr_acc) { /* one threshold per row: compare and pack */
        p->kern->threshold_pack(m, L->mh, acc, (size_t)L->mh, q->thr_acc, (uint64_t *)out, q->wpp);
    } else if (bits_out) {
        uint64_t *ob = (uint64_t *)out;
        memset(ob, 0, (size_t)m * q->wpp * 8);
        for (int32_t i = 0; i < m; i++)
            for (int32_t r = 0; r < L->mh; r++)
                if (bnn__threshold_count(L->thresholds + r, 1, acc[(size_t)i * L->mh + r], q->shift_t, q->shift_a))
                    bnn__set_bit(ob + (size_t)i * q->wpp, r, 1);
    } else {
        const int32_t nt = L->n_thr, base = L->act_bias + (q->form == BNN_FORM_U8 || q->form == BNN_FORM_PLANES ? q->out_off : 0);
        for (int32_t i = 0; i < m; i++) {
            const int32_t *a = acc + (size_t)i * L->mh;
            char *orow = (char *)out + (size_t)i * row_bytes;
            if (q->form == BNN_FORM_PLANES) memset(orow, 0, row_bytes);
            if (q->thr_m && q->form != BNN_FORM_PLANES) { /* bytes or int32: the kernel */
                p->kern->multi_threshold(L->mh, nt, a, q->thr_m, (size_t)L->mh, base, q->form == BNN_FORM_U8, orow);
                continue;
            }
            if (q->thr_m) {
                multi_threshold_planes(L->mh, nt, a, q->thr_m, base, q->planes, q->wpp, (uint64_t *)orow);
                continue;
            }
            for (int32_t r = 0; r < L->mh; r++) {
                const int32_t v = base + bnn__threshold_count(L->thresholds + (size_t)r * nt, nt, a[r], q->shift_t, q->shift_a);
                if (q->form == BNN_FORM_U8) ((uint8_t *)orow)[r] = (uint8_t)v;
                else if (q->form == BNN_FORM_PLANES)
                    for (int32_t pb = 0; pb < q->planes; pb++)
                        ((uint64_t *)orow)[(size_t)pb * q->wpp + r / 64] |= (uint64_t)((v >> pb) & 1) << (r % 64);
                else ((int32_t *)orow)[r] = v;
            }
        }
    }
}

/* One matrix layer for nb images: an FC layer as one GEMM with a row per
 * image, a conv image by image; a single image's conv rows are split
 * across the threads. */
static void run_matrix(struct bnn_plan *p, int32_t li, struct bnn_ws *ws, int32_t nb)
{
    const struct bnn_layer *L = &p->net->layers[li];
    const struct bnn_plan_layer *q = &p->pl[li];
    const int32_t nt = p->n_ws;
    if (L->kind == BNN_LAYER_FC) {
        /* a big layer for one or two images: the threads take whole words of
         * output channels, when results go straight to the map */
        const int direct_out = L->out_type == BNN_VT_BITS ? q->thr_acc && (q->path == BNN_PATH_XNOR || q->path == BNN_PATH_U8)
                                                        : L->act == BNN_ACT_RAW;
        const int32_t chunk = (L->mh / 64 + nt - 1) / nt * 64;
        if (!p->intra || !direct_out || (int64_t)nb * L->mh * q->kw < p->split_work || chunk == 0) {
            matrix_rows(p, li, ws, ws, 0, 0, nb, 0, L->mh);
            return;
        }
        /* chunk t on workspace t, whichever thread runs it: libgomp may give a
         * region fewer threads than asked (OMP_DYNAMIC, a loaded machine) */
#pragma omp parallel num_threads(nt)
        for (int32_t t = omp_get_thread_num(); t < nt; t += omp_get_num_threads()) {
            const int32_t c0 = t * chunk, c1 = t == nt - 1 || c0 + chunk > L->mh ? L->mh : c0 + chunk;
            if (c0 < c1) matrix_rows(p, li, ws, &p->ws[t], 0, 0, nb, c0, c1);
        }
        return;
    }
    const int32_t pixels = L->out.h * L->out.w;
    for (int32_t b = 0; b < nb; b++) {
        if (!p->intra || pixels < 16 * nt || (int64_t)pixels * L->mh * q->kw < p->split_work) {
            matrix_rows(p, li, ws, ws, b, 0, pixels, 0, L->mh);
            continue;
        }
        const int32_t chunk = ((pixels + nt - 1) / nt + 3) / 4 * 4;
#pragma omp parallel num_threads(nt)
        for (int32_t t = omp_get_thread_num(); t < nt; t += omp_get_num_threads()) {
            const int32_t r0 = t * chunk, r1 = r0 + chunk < pixels ? r0 + chunk : pixels;
            if (r0 < r1) matrix_rows(p, li, ws, &p->ws[t], b, r0, r1, 0, L->mh);
        }
    }
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

/* Max-pool on bit-plane maps, 64 channels per word: the running max o and
 * each window value x compared plane by plane from the top (gx: x already
 * greater, go: o already greater), the greater one's bit kept. */
static void run_maxpool_planes(const struct bnn_layer *L, int32_t planes, int32_t wpp, const uint64_t *in, uint64_t *out)
{
    const int32_t pw = planes * wpp;
    for (int32_t oy = 0; oy < L->out.h; oy++)
        for (int32_t ox = 0; ox < L->out.w; ox++) {
            uint64_t *o = out + ((size_t)oy * L->out.w + ox) * pw;
            memset(o, 0, (size_t)pw * 8);
            for (int32_t ky = 0; ky < L->kernel; ky++)
                for (int32_t kx = 0; kx < L->kernel; kx++) {
                    const uint64_t *x = in + ((size_t)(oy * L->stride + ky) * L->in.w + (ox * L->stride + kx)) * pw;
                    for (int32_t w = 0; w < wpp; w++) {
                        uint64_t gx = 0, go = 0;
                        for (int32_t b = planes - 1; b >= 0; b--) {
                            const uint64_t xb = x[(size_t)b * wpp + w], ob = o[(size_t)b * wpp + w], tie = ~(gx | go);
                            o[(size_t)b * wpp + w] = (gx & xb) | (go & ob) | (tie & (xb | ob));
                            gx |= tie & xb & ~ob;
                            go |= tie & ob & ~xb;
                        }
                    }
                }
        }
}

/* Max-pool on byte maps (value + offset: the max is the same). */
static void run_maxpool_u8(const struct bnn_layer *L, const uint8_t *in, uint8_t *out)
{
    const int32_t C = L->in.c;
    for (int32_t oy = 0; oy < L->out.h; oy++)
        for (int32_t ox = 0; ox < L->out.w; ox++) {
            uint8_t *o = out + ((size_t)oy * L->out.w + ox) * C;
            memset(o, 0, (size_t)C);
            for (int32_t ky = 0; ky < L->kernel; ky++)
                for (int32_t kx = 0; kx < L->kernel; kx++) {
                    const uint8_t *x = in + ((size_t)(oy * L->stride + ky) * L->in.w + (ox * L->stride + kx)) * C;
                    for (int32_t c = 0; c < C; c++) o[c] = x[c] > o[c] ? x[c] : o[c];
                }
        }
}

/* Max-pool on integer maps: the max of the window, channel by channel. */
static void run_maxpool_int(const struct bnn_layer *L, const int32_t *in, int32_t *out)
{
    const int32_t C = L->in.c;
    for (int32_t oy = 0; oy < L->out.h; oy++)
        for (int32_t ox = 0; ox < L->out.w; ox++) {
            int32_t *o = out + ((size_t)oy * L->out.w + ox) * C;
            for (int32_t c = 0; c < C; c++) o[c] = INT32_MIN;
            for (int32_t ky = 0; ky < L->kernel; ky++)
                for (int32_t kx = 0; kx < L->kernel; kx++) {
                    const int32_t *x = in + ((size_t)(oy * L->stride + ky) * L->in.w + (ox * L->stride + kx)) * C;
                    for (int32_t c = 0; c < C; c++) o[c] = x[c] > o[c] ? x[c] : o[c];
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
            for (int32_t b = 0; b < nb; b++) {
                if (b + 1 < nb) /* the pixels come from memory once: ask for the next image early */
                    for (size_t o = 0; o < img; o += 64) __builtin_prefetch(pixels + (size_t)(b + 1) * img + o);
                run_input(p, L, q, pixels + (size_t)b * img, (char *)ws->out[i] + (size_t)b * q->img_bytes);
            }
            break;
        case BNN_LAYER_CONV:
        case BNN_LAYER_FC: run_matrix(p, i, ws, nb); break;
        case BNN_LAYER_MAXPOOL:
            for (int32_t b = 0; b < nb; b++) {
                const void *x = (const char *)ws->out[i - 1] + (size_t)b * p->pl[i - 1].img_bytes;
                void *y = (char *)ws->out[i] + (size_t)b * q->img_bytes;
                if (q->form == BNN_FORM_PLANES) run_maxpool_planes(L, q->planes, q->wpp, x, y);
                else if (q->form == BNN_FORM_U8) run_maxpool_u8(L, x, y);
                else if (L->in_type == BNN_VT_INT) run_maxpool_int(L, x, y);
                else run_maxpool(L, q->wpp, x, y);
            }
            break;
        case BNN_LAYER_LABELSELECT: break; /* done by the caller on the scores */
        }
    }
}
