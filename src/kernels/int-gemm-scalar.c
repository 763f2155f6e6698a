/* Integer inputs x integer weights (multi-bit layers), scalar reference. */
#include "kernels/kernels.h"

void bnn_int_gemm__scalar(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const int8_t *w, size_t ldw,
                          int32_t *acc, size_t ldc)
{
    for (int32_t i = 0; i < m; i++)
        for (int32_t j = 0; j < n; j++) {
            const int32_t *x = a + (size_t)i * lda;
            const int8_t *y = w + (size_t)j * ldw;
            int64_t s = 0;
            for (int32_t c = 0; c < k; c++) s += (int64_t)x[c] * y[c];
            acc[(size_t)i * ldc + j] = (int32_t)s;
        }
}
