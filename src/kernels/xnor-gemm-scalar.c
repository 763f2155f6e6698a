/* XNOR-popcount matrix product, scalar reference. Written to be read. */
#include <string.h>

#include "kernels/kernels.h"

/* The reference keeps the rows as they are. */
size_t bnn_xnor_pack_words__scalar(int32_t n, int32_t kw) { return (size_t)n * kw; }

void bnn_xnor_pack__scalar(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp)
{
    for (int32_t j = 0; j < n; j++) memcpy(wp + (size_t)j * kw, w + (size_t)j * ldw, (size_t)kw * 8);
}

void bnn_xnor_gemm__scalar(int32_t m, int32_t n, int32_t kw, int32_t mw, const struct bnn_rows *a, const uint64_t *wp,
                           const struct bnn_gemm_out *o)
{
    for (int32_t i = 0; i < m; i++) {
        const uint64_t *row = a->a + (a->row_off ? (size_t)a->row_off[i] : (size_t)i * a->lda);
        if (o->thr) memset(o->bits + (size_t)i * o->ldo, 0, (size_t)(n + 63) / 64 * 8);
        for (int32_t j = 0; j < n; j++) {
            const uint64_t *w = wp + (size_t)j * kw;
            int32_t differ = 0;
            /* the row's words: kw / seg runs of seg words, seg_gap apart */
            for (int32_t g = 0; g < kw / a->seg; g++)
                for (int32_t k = 0; k < a->seg; k++)
                    differ += __builtin_popcountll(row[(size_t)g * a->seg_gap + k] ^ w[g * a->seg + k]);
            int32_t acc = mw - differ;
            if (o->thr) o->bits[(size_t)i * o->ldo + j / 64] |= (uint64_t)(acc >= o->thr[j]) << (j % 64);
            else o->acc[(size_t)i * o->ldc + j] = acc;
        }
    }
}
