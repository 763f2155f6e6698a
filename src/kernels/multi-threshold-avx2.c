/* Multi-level activations, AVX2: 8 rows per step, acc >= thr as acc > thr - 1. */
#include <immintrin.h>

#include "kernels/kernels.h"

void bnn_multi_threshold__avx2(int32_t n, int32_t nt, const int32_t *acc, const int32_t *thr, size_t ldt, int32_t base,
                               int bytes, void *out)
{
    int32_t r = 0;
    const __m256i one = _mm256_set1_epi32(1);
    for (; r + 8 <= n; r += 8) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(acc + r));
        __m256i v = _mm256_set1_epi32(base);
        for (int32_t t = 0; t < nt; t++) { /* thresholds are clamped to +-INT32_MAX, so thr - 1 does not wrap */
            const __m256i th = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(thr + (size_t)t * ldt + r)), one);
            v = _mm256_sub_epi32(v, _mm256_cmpgt_epi32(a, th));
        }
        if (bytes) {
            const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
            _mm_storel_epi64((__m128i *)((uint8_t *)out + r), _mm_packus_epi16(w, w));
        } else {
            _mm256_storeu_si256((__m256i *)((int32_t *)out + r), v);
        }
    }
    if (r < n) bnn_multi_threshold__scalar(n - r, nt, acc + r, thr + r, ldt, base, bytes, (char *)out + (size_t)r * (bytes ? 1 : 4));
}
