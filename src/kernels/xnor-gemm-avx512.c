/* XNOR-popcount matrix product, AVX-512 with VPOPCNTDQ.
 *
 * Dot products are short (kw = 4..36 words in CNV/LFC), so the vectors run
 * across 8 output channels, not along k: the weights are packed once into
 * panels of 8 rows, word k of the 8 rows side by side; per pixel and word,
 * one broadcast, one XOR, one VPOPCNTQ and one add give 8 partial counts.
 * Four pixels share each panel load. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernels.h"

size_t bnn_xnor_pack_words__avx512(int32_t n, int32_t kw) { return (size_t)((n + 7) / 8) * 8 * kw; }

void bnn_xnor_pack__avx512(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp)
{
    for (int32_t j0 = 0; j0 < n; j0 += 8)
        for (int32_t k = 0; k < kw; k++)
            for (int32_t j = 0; j < 8; j++)
                wp[((size_t)(j0 / 8) * kw + k) * 8 + j] = j0 + j < n ? w[(size_t)(j0 + j) * ldw + k] : 0;
}

void bnn_xnor_gemm__avx512(int32_t m, int32_t n, int32_t kw, const uint64_t *a, size_t lda, const uint64_t *wp,
                           int32_t mw, int32_t *acc, size_t ldc)
{
    const __m512i vmw = _mm512_set1_epi64(mw);
    for (int32_t j0 = 0; j0 < n; j0 += 8) {
        const int32_t nj = n - j0 < 8 ? n - j0 : 8;
        const __mmask8 mask = (__mmask8)((1u << nj) - 1);
        const uint64_t *panel = wp + (size_t)(j0 / 8) * kw * 8;
        int32_t i = 0;
        for (; i + 4 <= m; i += 4) {
            __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
            const uint64_t *a0 = a + (size_t)i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
            for (int32_t k = 0; k < kw; k++) {
                __m512i w = _mm512_loadu_si512((const void *)(panel + (size_t)k * 8));
                s0 = _mm512_add_epi64(s0, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)a0[k]))));
                s1 = _mm512_add_epi64(s1, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)a1[k]))));
                s2 = _mm512_add_epi64(s2, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)a2[k]))));
                s3 = _mm512_add_epi64(s3, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)a3[k]))));
            }
            _mm256_mask_storeu_epi32(acc + (size_t)(i + 0) * ldc + j0, mask, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s0)));
            _mm256_mask_storeu_epi32(acc + (size_t)(i + 1) * ldc + j0, mask, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s1)));
            _mm256_mask_storeu_epi32(acc + (size_t)(i + 2) * ldc + j0, mask, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s2)));
            _mm256_mask_storeu_epi32(acc + (size_t)(i + 3) * ldc + j0, mask, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s3)));
        }
        for (; i < m; i++) {
            __m512i s = _mm512_setzero_si512();
            const uint64_t *ai = a + (size_t)i * lda;
            for (int32_t k = 0; k < kw; k++)
                s = _mm512_add_epi64(s, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512((const void *)(panel + (size_t)k * 8)),
                                                                             _mm512_set1_epi64((long long)ai[k]))));
            _mm256_mask_storeu_epi32(acc + (size_t)i * ldc + j0, mask, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s)));
        }
    }
}

int bnn__cpu_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq") &&
           __builtin_cpu_supports("avx512vl");
}
