/* Compare and pack, AVX2: 8 rows per compare, MOVMSKPS for the bits. */
#include <immintrin.h>

#include "kernels/kernels.h"

void bnn_threshold_pack__avx2(int32_t m, int32_t n, const int32_t *acc, size_t ldc, const int32_t *thr, uint64_t *out,
                              int32_t wpp)
{
    for (int32_t i = 0; i < m; i++) {
        const int32_t *a = acc + (size_t)i * ldc;
        for (int32_t w = 0; w < wpp; w++) {
            uint64_t bits = 0;
            for (int32_t q = 0; q < 8; q++) {
                int32_t j = w * 64 + q * 8;
                if (j >= n) break;
                if (n - j >= 8) {
                    __m256i x = _mm256_loadu_si256((const __m256i *)(a + j)), t = _mm256_loadu_si256((const __m256i *)(thr + j));
                    __m256i lt = _mm256_cmpgt_epi32(t, x); /* x < t */
                    bits |= (uint64_t)(~_mm256_movemask_ps(_mm256_castsi256_ps(lt)) & 0xff) << (q * 8);
                } else {
                    for (int32_t b = 0; b < n - j; b++) bits |= (uint64_t)(a[j + b] >= thr[j + b]) << (q * 8 + b);
                }
            }
            out[(size_t)i * wpp + w] = bits;
        }
    }
}
