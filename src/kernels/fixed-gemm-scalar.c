/* Fixed-point x binary matrix product (the first layer), scalar reference. */
#include "kernels/kernels.h"

void bnn_fixed_gemm__scalar(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const uint64_t *w,
                            size_t ldw, int32_t *acc, size_t ldc)
{
    for (int32_t i = 0; i < m; i++)
        for (int32_t j = 0; j < n; j++) {
            const int32_t *x = a + (size_t)i * lda;
            const uint64_t *y = w + (size_t)j * ldw;
            int64_t s = 0;
            for (int32_t c = 0; c < k; c++) s += (y[c >> 6] >> (c & 63)) & 1 ? x[c] : -x[c];
            acc[(size_t)i * ldc + j] = (int32_t)s;
        }
}
