/* XNOR-popcount matrix product, scalar reference. Written to be read. */
#include <string.h>

#include "kernels/kernels.h"

/* The reference keeps the rows as they are. */
size_t bnn_xnor_pack_words__scalar(int32_t n, int32_t kw) { return (size_t)n * kw; }

void bnn_xnor_pack__scalar(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp)
{
    for (int32_t j = 0; j < n; j++) memcpy(wp + (size_t)j * kw, w + (size_t)j * ldw, (size_t)kw * 8);
}

/* Word k of row i of the A operand. */
static uint64_t a_word(const struct bnn_rows *a, int32_t i, int32_t k)
{
    const uint64_t *row = a->a + (a->row_off ? (size_t)a->row_off[i] : (size_t)i * a->lda);
    return row[(size_t)(k / a->seg) * a->seg_gap + k % a->seg];
}

void bnn_xnor_gemm__scalar(int32_t m, int32_t n, int32_t kw, int32_t mw, const struct bnn_rows *a, const uint64_t *wp,
                           const struct bnn_gemm_out *o)
{
    for (int32_t i = 0; i < m; i++) {
        if (o->thr) memset(o->bits + (size_t)i * o->ldo, 0, (size_t)(n + 63) / 64 * 8);
        for (int32_t j = 0; j < n; j++) {
            int32_t differ = 0;
            for (int32_t k = 0; k < kw; k++) differ += __builtin_popcountll(a_word(a, i, k) ^ wp[(size_t)j * kw + k]);
            int32_t acc = mw - differ;
            if (o->thr) o->bits[(size_t)i * o->ldo + j / 64] |= (uint64_t)(acc >= o->thr[j]) << (j % 64);
            else o->acc[(size_t)i * o->ldc + j] = acc;
        }
    }
}
