/* Fixed-point x binary matrix product (the first layer), AVX-512: 16 output
 * rows per vector; for each input channel the code is added where the
 * weight bit is 1 and subtracted where it is 0 (a masked blend of x and -x),
 * exact in int32. The weight bits are transposed once into 16-bit masks. */
#include <immintrin.h>

#include "kernels/kernels.h"

enum { CHUNK = 4096 };

void bnn_fixed_gemm__avx512(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const uint64_t *w,
                            size_t ldw, int32_t *acc, size_t ldc)
{
    uint16_t masks[CHUNK];
    for (int32_t j0 = 0; j0 < n; j0 += 16) {
        const int32_t nj = n - j0 < 16 ? n - j0 : 16;
        const __mmask16 keep = (__mmask16)((1u << nj) - 1);
        for (int32_t c0 = 0; c0 < k || c0 == 0; c0 += CHUNK) {
            const int32_t kc = k - c0 < CHUNK ? k - c0 : CHUNK;
            for (int32_t c = 0; c < kc; c++) {
                uint16_t mk = 0;
                for (int32_t j = 0; j < nj; j++) mk |= (uint16_t)(((w[(size_t)(j0 + j) * ldw + ((c0 + c) >> 6)] >> ((c0 + c) & 63)) & 1) << j);
                masks[c] = mk;
            }
            for (int32_t i = 0; i < m; i++) {
                const int32_t *x = a + (size_t)i * lda + c0;
                __m512i s = _mm512_setzero_si512();
                for (int32_t c = 0; c < kc; c++) {
                    __m512i v = _mm512_set1_epi32(x[c]);
                    s = _mm512_add_epi32(s, _mm512_mask_blend_epi32(masks[c], _mm512_sub_epi32(_mm512_setzero_si512(), v), v));
                }
                int32_t *dst = acc + (size_t)i * ldc + j0;
                if (c0) s = _mm512_add_epi32(s, _mm512_maskz_loadu_epi32(keep, dst));
                _mm512_mask_storeu_epi32(dst, keep, s);
            }
            if (k == 0) break;
        }
    }
}
