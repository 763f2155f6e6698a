/* Unsigned bytes x +-1 matrix product, AVX-512 VNNI: VPDPBUSD multiplies 4
 * input bytes (one broadcast dword) with 4 weight bytes in each of 16
 * channels and adds into int32, exactly. Weights are packed once into panels
 * of 16 channels x 4 columns per 64-byte vector; four rows share each load. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernels.h"

size_t bnn_u8_pack_bytes__avx512(int32_t n, int32_t k) { return bnn__u8_panel_bytes(n, k, 16); }

void bnn_u8_pack__avx512(int32_t n, int32_t k, const uint64_t *w, size_t ldw, int8_t *wp)
{
    bnn__u8_pack_panels(n, k, w, ldw, wp, 16);
}

static inline __attribute__((always_inline)) void rows_block(const int MR, const uint8_t *const *r, int32_t i0,
                                                             int32_t n, int32_t k4, const int8_t *wp,
                                                             const struct bnn_gemm_out *o)
{
    uint64_t bits[4] = {0, 0, 0, 0};
    for (int32_t j0 = 0; j0 < n; j0 += 16) {
        const int32_t nj = n - j0 < 16 ? n - j0 : 16;
        const __mmask16 keep = (__mmask16)((1u << nj) - 1);
        const int8_t *panel = wp + (size_t)(j0 / 16) * k4 * 64;
        /* four named accumulators: an array would live on the stack */
        __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
        const uint8_t *r0 = r[0], *r1 = r[MR > 1], *r2 = r[MR > 2 ? 2 : 0], *r3 = r[MR > 3 ? 3 : 0];
        for (int32_t q = 0; q < k4; q++) {
            const __m512i w = _mm512_loadu_si512((const void *)(panel + (size_t)q * 64));
            int32_t x;
#define BNN_STEP(sv, rv) (memcpy(&x, rv + 4 * q, 4), sv = _mm512_dpbusd_epi32(sv, _mm512_set1_epi32(x), w))
            BNN_STEP(s0, r0);
            if (MR > 1) BNN_STEP(s1, r1);
            if (MR > 2) BNN_STEP(s2, r2);
            if (MR > 3) BNN_STEP(s3, r3);
#undef BNN_STEP
        }
        const __m512i s[4] = {s0, s1, s2, s3};
        if (o->thr) {
            const __m512i thr = _mm512_maskz_loadu_epi32(keep, o->thr + j0);
            for (int t = 0; t < MR; t++) bits[t] |= (uint64_t)_mm512_mask_cmpge_epi32_mask(keep, s[t], thr) << (j0 % 64);
            if (j0 % 64 == 48 || j0 + 16 >= n) {
                for (int t = 0; t < MR; t++) {
                    o->bits[(size_t)(i0 + t) * o->ldo + (size_t)j0 / 64] = bits[t];
                    bits[t] = 0;
                }
            }
        } else {
            for (int t = 0; t < MR; t++) _mm512_mask_storeu_epi32(o->acc + (size_t)(i0 + t) * o->ldc + j0, keep, s[t]);
        }
    }
}

void bnn_u8_gemm__avx512(int32_t m, int32_t n, int32_t k, const uint8_t *a, size_t lda, const int8_t *wp,
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
