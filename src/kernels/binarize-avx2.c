/* Pixels to packed bits, AVX2: x >= t as max(x, t) == x, 32 bytes to a
 * 32-bit mask. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernels.h"

void bnn_binarize__avx2(int32_t n, const uint8_t *px, int32_t t, uint64_t *out)
{
    const __m256i vt = _mm256_set1_epi8((char)t);
    int32_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i x = _mm256_loadu_si256((const __m256i *)(px + i));
        const uint32_t m = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(x, vt), x));
        if (i % 64 == 0) out[i / 64] = m;
        else out[i / 64] |= (uint64_t)m << 32;
    }
    if (i < n) {
        uint64_t bits = i % 64 ? out[i / 64] : 0;
        for (int32_t b = i; b < n; b++) bits |= (uint64_t)(px[b] >= t) << (b % 64);
        out[i / 64] = bits;
    }
}
