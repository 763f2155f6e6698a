/* Fixed-point x binary matrix product (the first layer), AVX2: 8 output rows
 * per vector; conditional negation (x ^ m) - m with m = 0 (weight +1) or -1
 * (weight -1), the masks transposed once per row block. Exact int32. */
#include <immintrin.h>

#include "kernels/kernels.h"

enum { CHUNK = 1024 };

void bnn_fixed_gemm__avx2(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const uint64_t *w,
                          size_t ldw, int32_t *acc, size_t ldc)
{
    _Alignas(32) int32_t neg[CHUNK * 8];
    for (int32_t j0 = 0; j0 < n; j0 += 8) {
        const int32_t nj = n - j0 < 8 ? n - j0 : 8;
        for (int32_t c0 = 0; c0 < k || c0 == 0; c0 += CHUNK) {
            const int32_t kc = k - c0 < CHUNK ? k - c0 : CHUNK;
            for (int32_t c = 0; c < kc; c++)
                for (int32_t j = 0; j < 8; j++)
                    neg[c * 8 + j] = j < nj && !((w[(size_t)(j0 + j) * ldw + ((c0 + c) >> 6)] >> ((c0 + c) & 63)) & 1) ? -1 : 0;
            for (int32_t i = 0; i < m; i++) {
                const int32_t *x = a + (size_t)i * lda + c0;
                __m256i s = _mm256_setzero_si256();
                for (int32_t c = 0; c < kc; c++) {
                    __m256i v = _mm256_set1_epi32(x[c]), mk = _mm256_load_si256((const __m256i *)(neg + c * 8));
                    s = _mm256_add_epi32(s, _mm256_sub_epi32(_mm256_xor_si256(v, mk), mk));
                }
                int32_t out[8];
                _mm256_storeu_si256((__m256i *)out, s);
                int32_t *dst = acc + (size_t)i * ldc + j0;
                for (int32_t j = 0; j < nj; j++) dst[j] = c0 ? dst[j] + out[j] : out[j];
            }
            if (k == 0) break;
        }
    }
}
