/* Integer inputs x integer weights, AVX-512: 16 int32 lanes, the tail masked. */
#include <immintrin.h>

#include "kernels/kernels.h"

void bnn_int_gemm__avx512(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const int8_t *w, size_t ldw,
                          int32_t *acc, size_t ldc)
{
    const __mmask16 tail = (__mmask16)((1u << (k & 15)) - 1);
    for (int32_t i = 0; i < m; i++) {
        const int32_t *x = a + (size_t)i * lda;
        for (int32_t j = 0; j < n; j++) {
            const int8_t *y = w + (size_t)j * ldw;
            __m512i s = _mm512_setzero_si512();
            int32_t c = 0;
            for (; c + 16 <= k; c += 16) {
                const __m512i wv = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(y + c)));
                s = _mm512_add_epi32(s, _mm512_mullo_epi32(_mm512_loadu_si512(x + c), wv));
            }
            if (tail) {
                const __m512i wv = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(tail, y + c));
                s = _mm512_add_epi32(s, _mm512_mullo_epi32(_mm512_maskz_loadu_epi32(tail, x + c), wv));
            }
            acc[(size_t)i * ldc + j] = _mm512_reduce_add_epi32(s);
        }
    }
}
