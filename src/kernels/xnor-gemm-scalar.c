/* XNOR-popcount matrix product, scalar reference. Written to be read. */
#include <string.h>

#include "kernels/kernels.h"

/* The reference keeps the rows as they are. */
size_t bnn_xnor_pack_words__scalar(int32_t n, int32_t kw) { return (size_t)n * kw; }

void bnn_xnor_pack__scalar(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp)
{
    for (int32_t j = 0; j < n; j++) memcpy(wp + (size_t)j * kw, w + (size_t)j * ldw, (size_t)kw * 8);
}

void bnn_xnor_gemm__scalar(int32_t m, int32_t n, int32_t kw, const uint64_t *a, size_t lda, const uint64_t *wp,
                           int32_t mw, int32_t *acc, size_t ldc)
{
    for (int32_t i = 0; i < m; i++)
        for (int32_t j = 0; j < n; j++) {
            const uint64_t *x = a + (size_t)i * lda, *y = wp + (size_t)j * kw;
            int32_t differ = 0;
            for (int32_t k = 0; k < kw; k++) differ += __builtin_popcountll(x[k] ^ y[k]);
            acc[(size_t)i * ldc + j] = mw - differ;
        }
}
