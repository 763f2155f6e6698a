/* XNOR-popcount matrix product, AVX-512 with VPOPCNTDQ.
 *
 * Dot products are short (kw = 4..36 words in CNV/LFC), so the vectors run
 * across 8 output channels, not along k: a panel of 8 weight rows is
 * transposed once (word k of the 8 rows side by side) and reused for every
 * pixel; per pixel and word, one broadcast, one XOR, one VPOPCNTQ, one add
 * for 8 outputs, four pixels at a time to reuse each panel load. */
#include <immintrin.h>

#include "kernels/kernels.h"

enum { PANEL_WORDS = 1024 }; /* kw beyond this goes through in chunks */

static void block(int32_t m, int32_t kw, const uint64_t *a, size_t lda, const uint64_t *panel, __m512i *sum, int32_t i0)
{
    (void)m;
    __m512i s0 = sum[0], s1 = sum[1], s2 = sum[2], s3 = sum[3];
    const uint64_t *a0 = a + (size_t)(i0 + 0) * lda, *a1 = a + (size_t)(i0 + 1) * lda;
    const uint64_t *a2 = a + (size_t)(i0 + 2) * lda, *a3 = a + (size_t)(i0 + 3) * lda;
    for (int32_t k = 0; k < kw; k++) {
        __m512i w = _mm512_load_si512((const void *)(panel + (size_t)k * 8));
        s0 = _mm512_add_epi64(s0, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)a0[k]))));
        s1 = _mm512_add_epi64(s1, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)a1[k]))));
        s2 = _mm512_add_epi64(s2, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)a2[k]))));
        s3 = _mm512_add_epi64(s3, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)a3[k]))));
    }
    sum[0] = s0, sum[1] = s1, sum[2] = s2, sum[3] = s3;
}

void bnn_xnor_gemm__avx512(int32_t m, int32_t n, int32_t kw, const uint64_t *a, size_t lda, const uint64_t *w,
                           size_t ldw, int32_t mw, int32_t *acc, size_t ldc)
{
    _Alignas(64) uint64_t panel[PANEL_WORDS * 8];
    const __m512i vmw = _mm512_set1_epi64(mw);
    for (int32_t j0 = 0; j0 < n; j0 += 8) {
        const int32_t nj = n - j0 < 8 ? n - j0 : 8;
        const __mmask8 mask = (__mmask8)((1u << nj) - 1);
        for (int32_t k0 = 0; k0 < kw || k0 == 0; k0 += PANEL_WORDS) {
            const int32_t kk = kw - k0 < PANEL_WORDS ? kw - k0 : PANEL_WORDS;
            for (int32_t k = 0; k < kk; k++)
                for (int32_t j = 0; j < 8; j++) panel[(size_t)k * 8 + j] = j < nj ? w[(size_t)(j0 + j) * ldw + k0 + k] : 0;
            int32_t i = 0;
            for (; i + 4 <= m; i += 4) {
                __m512i sum[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                                  _mm512_setzero_si512()};
                block(m, kk, a + k0, lda, panel, sum, i);
                for (int r = 0; r < 4; r++) {
                    __m256i v = _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, sum[r]));
                    int32_t *dst = acc + (size_t)(i + r) * ldc + j0;
                    if (k0 == 0) {
                        _mm256_mask_storeu_epi32(dst, mask, v);
                    } else { /* later chunks subtract their popcount from what is there */
                        __m256i old = _mm256_maskz_loadu_epi32(mask, dst);
                        __m256i d = _mm512_cvtepi64_epi32(sum[r]);
                        _mm256_mask_storeu_epi32(dst, mask, _mm256_sub_epi32(old, d));
                    }
                }
            }
            for (; i < m; i++) {
                __m512i s = _mm512_setzero_si512();
                const uint64_t *ai = a + (size_t)i * lda + k0;
                for (int32_t k = 0; k < kk; k++)
                    s = _mm512_add_epi64(s, _mm512_popcnt_epi64(_mm512_xor_si512(
                                                _mm512_load_si512((const void *)(panel + (size_t)k * 8)),
                                                _mm512_set1_epi64((long long)ai[k]))));
                int32_t *dst = acc + (size_t)i * ldc + j0;
                if (k0 == 0) {
                    _mm256_mask_storeu_epi32(dst, mask, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s)));
                } else {
                    __m256i old = _mm256_maskz_loadu_epi32(mask, dst);
                    _mm256_mask_storeu_epi32(dst, mask, _mm256_sub_epi32(old, _mm512_cvtepi64_epi32(s)));
                }
            }
            if (kw == 0) break;
        }
    }
}

int bnn__cpu_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq") &&
           __builtin_cpu_supports("avx512vl");
}
