/* Multi-level activations, AVX-512: 16 rows per step, a compare mask per threshold, the tail masked. */
#include <immintrin.h>

#include "kernels/kernels.h"

void bnn_multi_threshold__avx512(int32_t n, int32_t nt, const int32_t *acc, const int32_t *thr, size_t ldt,
                                 int32_t base, int bytes, void *out)
{
    const __m512i one = _mm512_set1_epi32(1);
    for (int32_t r = 0; r < n; r += 16) {
        const __mmask16 m = n - r >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - r)) - 1);
        const __m512i a = _mm512_maskz_loadu_epi32(m, acc + r);
        __m512i v = _mm512_set1_epi32(base);
        for (int32_t t = 0; t < nt; t++) {
            const __mmask16 ge = _mm512_cmpge_epi32_mask(a, _mm512_maskz_loadu_epi32(m, thr + (size_t)t * ldt + r));
            v = _mm512_mask_add_epi32(v, ge, v, one);
        }
        if (bytes) _mm_mask_storeu_epi8((uint8_t *)out + r, m, _mm512_cvtepi32_epi8(v)); /* values are bytes: no saturation needed */
        else _mm512_mask_storeu_epi32((int32_t *)out + r, m, v);
    }
}
