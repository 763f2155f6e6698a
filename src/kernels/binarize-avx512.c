/* Pixels to packed bits, AVX-512BW: one unsigned byte compare gives a
 * whole 64-bit word. */
#include <immintrin.h>

#include "kernels/kernels.h"

void bnn_binarize__avx512(int32_t n, const uint8_t *px, int32_t t, uint64_t *out)
{
    const __m512i vt = _mm512_set1_epi8((char)t);
    for (int32_t i = 0; i < n; i += 64) {
        const int32_t left = n - i;
        const __mmask64 keep = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
        out[i / 64] = _mm512_mask_cmpge_epu8_mask(keep, _mm512_maskz_loadu_epi8(keep, px + i), vt);
    }
}
