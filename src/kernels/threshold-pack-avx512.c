/* Compare and pack, AVX-512: 16 rows per VPCMPD straight into a mask. */
#include <immintrin.h>

#include "kernels/kernels.h"

void bnn_threshold_pack__avx512(int32_t m, int32_t n, const int32_t *acc, size_t ldc, const int32_t *thr, uint64_t *out,
                                int32_t wpp)
{
    for (int32_t i = 0; i < m; i++) {
        const int32_t *a = acc + (size_t)i * ldc;
        for (int32_t w = 0; w < wpp; w++) {
            uint64_t bits = 0;
            for (int32_t q = 0; q < 4; q++) {
                int32_t j = w * 64 + q * 16, left = n - j;
                if (left <= 0) break;
                __mmask16 keep = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
                __m512i x = _mm512_maskz_loadu_epi32(keep, a + j), t = _mm512_maskz_loadu_epi32(keep, thr + j);
                bits |= (uint64_t)(_mm512_mask_cmpge_epi32_mask(keep, x, t)) << (q * 16);
            }
            out[(size_t)i * wpp + w] = bits;
        }
    }
}
