/* Unsigned bytes x +-1 matrix product, AVX2: VPMADDUBSW multiplies bytes
 * and adds pairs into int16 (at most 2 x 255, so it never saturates), then
 * VPMADDWD by ones adds the pairs into int32. Panels of 8 channels x 4
 * columns per 32-byte vector; four rows share each load. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernels.h"

size_t bnn_u8_pack_bytes__avx2(int32_t n, int32_t k) { return bnn__u8_panel_bytes(n, k, 8); }

void bnn_u8_pack__avx2(int32_t n, int32_t k, const int8_t *w, size_t ldw, int8_t *wp)
{
    bnn__u8_pack_panels(n, k, w, ldw, wp, 8);
}

static inline __attribute__((always_inline)) void rows_block(const int MR, const uint8_t *const *r, int32_t i0,
                                                             int32_t n, int32_t k4, const int8_t *wp,
                                                             const struct bnn_gemm_out *o)
{
    const __m256i ones = _mm256_set1_epi16(1);
    uint64_t bits[4] = {0, 0, 0, 0};
    for (int32_t j0 = 0; j0 < n; j0 += 8) {
        const int32_t nj = n - j0 < 8 ? n - j0 : 8;
        const int8_t *panel = wp + (size_t)(j0 / 8) * k4 * 32;
        /* four named accumulators: an array would live on the stack */
        __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
        const uint8_t *r0 = r[0], *r1 = r[MR > 1], *r2 = r[MR > 2 ? 2 : 0], *r3 = r[MR > 3 ? 3 : 0];
        for (int32_t q = 0; q < k4; q++) {
            const __m256i w = _mm256_loadu_si256((const __m256i *)(panel + (size_t)q * 32));
            int32_t x;
#define BNN_STEP(sv, rv)                                                                                             \
    (memcpy(&x, rv + 4 * q, 4),                                                                                      \
     sv = _mm256_add_epi32(sv, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi32(x), w), ones)))
            BNN_STEP(s0, r0);
            if (MR > 1) BNN_STEP(s1, r1);
            if (MR > 2) BNN_STEP(s2, r2);
            if (MR > 3) BNN_STEP(s3, r3);
#undef BNN_STEP
        }
        const __m256i s[4] = {s0, s1, s2, s3};
        int32_t v[8];
        if (o->thr) {
            int32_t t8[8] = {0};
            memcpy(t8, o->thr + j0, (size_t)nj * 4);
            const __m256i thr = _mm256_loadu_si256((const __m256i *)t8);
            const unsigned keep = (1u << nj) - 1;
            for (int t = 0; t < MR; t++) {
                unsigned fail = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(thr, s[t])));
                bits[t] |= (uint64_t)(~fail & keep) << (j0 % 64);
            }
            if (j0 % 64 == 56 || j0 + 8 >= n) {
                for (int t = 0; t < MR; t++) {
                    o->bits[(size_t)(i0 + t) * o->ldo + (size_t)j0 / 64] = bits[t];
                    bits[t] = 0;
                }
            }
        } else {
            for (int t = 0; t < MR; t++) {
                _mm256_storeu_si256((__m256i *)v, s[t]);
                memcpy(o->acc + (size_t)(i0 + t) * o->ldc + j0, v, (size_t)nj * 4);
            }
        }
    }
}

void bnn_u8_gemm__avx2(int32_t m, int32_t n, int32_t k, const uint8_t *a, size_t lda, const int8_t *wp,
                       const struct bnn_gemm_out *o)
{
    const int32_t k4 = (int32_t)(bnn_u8_row_bytes(k) / 4);
    for (int32_t i0 = 0; i0 < m; i0 += 4) {
        const uint8_t *r[4];
        const int32_t mr = m - i0 < 4 ? m - i0 : 4;
        for (int32_t t = 0; t < mr; t++) r[t] = a + (size_t)(i0 + t) * lda;
        switch (mr) {
        case 4: rows_block(4, r, i0, n, k4, wp, o); break;
        case 3: rows_block(3, r, i0, n, k4, wp, o); break;
        case 2: rows_block(2, r, i0, n, k4, wp, o); break;
        default: rows_block(1, r, i0, n, k4, wp, o); break;
        }
    }
}
