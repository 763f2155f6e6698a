/* XNOR-popcount matrix product, AVX2: the AVX-512 kernel's shape with
 * panels of 4 rows and a nibble-table popcount (VPSHUFB, then VPSADBW sums
 * the bytes of each 64-bit lane). */
#include <immintrin.h>

#include "kernels/kernels.h"

size_t bnn_xnor_pack_words__avx2(int32_t n, int32_t kw) { return (size_t)((n + 3) / 4) * 4 * kw; }

void bnn_xnor_pack__avx2(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp)
{
    for (int32_t j0 = 0; j0 < n; j0 += 4)
        for (int32_t k = 0; k < kw; k++)
            for (int32_t j = 0; j < 4; j++)
                wp[((size_t)(j0 / 4) * kw + k) * 4 + j] = j0 + j < n ? w[(size_t)(j0 + j) * ldw + k] : 0;
}

static inline __m256i popcnt64(__m256i v)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2,
                                         3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i lo = _mm256_and_si256(v, low), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
    __m256i c = _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
    return _mm256_sad_epu8(c, _mm256_setzero_si256());
}

static inline void store4(int32_t *dst, int32_t nj, int32_t mw, __m256i sum)
{
    int64_t s[4];
    _mm256_storeu_si256((__m256i *)s, sum);
    for (int32_t j = 0; j < nj; j++) dst[j] = mw - (int32_t)s[j];
}

void bnn_xnor_gemm__avx2(int32_t m, int32_t n, int32_t kw, const uint64_t *a, size_t lda, const uint64_t *wp,
                         int32_t mw, int32_t *acc, size_t ldc)
{
    for (int32_t j0 = 0; j0 < n; j0 += 4) {
        const int32_t nj = n - j0 < 4 ? n - j0 : 4;
        const uint64_t *panel = wp + (size_t)(j0 / 4) * kw * 4;
        int32_t i = 0;
        for (; i + 2 <= m; i += 2) {
            __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
            const uint64_t *a0 = a + (size_t)i * lda, *a1 = a0 + lda;
            for (int32_t k = 0; k < kw; k++) {
                __m256i wv = _mm256_loadu_si256((const __m256i *)(panel + (size_t)k * 4));
                s0 = _mm256_add_epi64(s0, popcnt64(_mm256_xor_si256(wv, _mm256_set1_epi64x((long long)a0[k]))));
                s1 = _mm256_add_epi64(s1, popcnt64(_mm256_xor_si256(wv, _mm256_set1_epi64x((long long)a1[k]))));
            }
            store4(acc + (size_t)i * ldc + j0, nj, mw, s0);
            store4(acc + (size_t)(i + 1) * ldc + j0, nj, mw, s1);
        }
        for (; i < m; i++) {
            __m256i s0 = _mm256_setzero_si256();
            const uint64_t *a0 = a + (size_t)i * lda;
            for (int32_t k = 0; k < kw; k++)
                s0 = _mm256_add_epi64(s0, popcnt64(_mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(panel + (size_t)k * 4)),
                                                                    _mm256_set1_epi64x((long long)a0[k]))));
            store4(acc + (size_t)i * ldc + j0, nj, mw, s0);
        }
    }
}

int bnn__cpu_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
