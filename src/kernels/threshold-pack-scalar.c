/* Compare accumulators with one threshold per row and pack the bits,
 * scalar reference. */
#include "kernels/kernels.h"

void bnn_threshold_pack__scalar(int32_t m, int32_t n, const int32_t *acc, size_t ldc, const int32_t *thr, uint64_t *out,
                                int32_t wpp)
{
    for (int32_t i = 0; i < m; i++)
        for (int32_t w = 0; w < wpp; w++) {
            uint64_t bits = 0;
            for (int32_t b = 0; b < 64 && w * 64 + b < n; b++) {
                int32_t j = w * 64 + b;
                bits |= (uint64_t)(acc[(size_t)i * ldc + j] >= thr[j]) << b;
            }
            out[(size_t)i * wpp + w] = bits;
        }
}
