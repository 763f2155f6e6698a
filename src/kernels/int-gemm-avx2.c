/* Integer inputs x integer weights, AVX2: 8 int32 lanes, weights widened from bytes. */
#include <immintrin.h>

#include "kernels/kernels.h"

void bnn_int_gemm__avx2(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const int8_t *w, size_t ldw,
                        int32_t *acc, size_t ldc)
{
    for (int32_t i = 0; i < m; i++) {
        const int32_t *x = a + (size_t)i * lda;
        for (int32_t j = 0; j < n; j++) {
            const int8_t *y = w + (size_t)j * ldw;
            __m256i s = _mm256_setzero_si256();
            int32_t c = 0;
            for (; c + 8 <= k; c += 8) {
                const __m256i wv = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(y + c)));
                s = _mm256_add_epi32(s, _mm256_mullo_epi32(_mm256_loadu_si256((const __m256i *)(x + c)), wv));
            }
            __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4e));
            h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xb1));
            int32_t t = _mm_cvtsi128_si32(h);
            for (; c < k; c++) t += x[c] * y[c];
            acc[(size_t)i * ldc + j] = t;
        }
    }
}
