/* Unsigned bytes x +-1 matrix product, AVX-512 VNNI: VPDPBUSD multiplies 4
 * input bytes (one broadcast dword) with 4 weight bytes in each of 16
 * channels and adds into int32, exactly. Weights are packed once into panels
 * of 16 channels x 4 columns per 64-byte vector; four rows share each load. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernels.h"

size_t bnn_u8_pack_bytes__avx512(int32_t n, int32_t k) { return bnn__u8_panel_bytes(n, k, 16); }

void bnn_u8_pack__avx512(int32_t n, int32_t k, const int8_t *w, size_t ldw, int8_t *wp)
{
    bnn__u8_pack_panels(n, k, w, ldw, wp, 16);
}

/* MR rows x NP panels (compile-time 1..4 and 1 or 4 after inlining), named
 * accumulators (an array would live on the stack): a for panel 0, b, c, d
 * for panels 1-3. `left` counts the channels from this block's first; with
 * thresholds mask[t] gets row t's 16 * NP output bits, otherwise the sums go
 * to acc. */
static inline __attribute__((always_inline)) void block(const int MR, const int NP, const uint8_t *const *r,
                                                        int32_t left, int32_t k4, const int8_t *panel,
                                                        const int32_t *thr, int32_t *acc, size_t ldc, uint64_t *mask)
{
    const size_t ps = (size_t)k4 * 64; /* bytes per panel */
    const uint8_t *r0 = r[0], *r1 = r[MR > 1], *r2 = r[MR > 2 ? 2 : 0], *r3 = r[MR > 3 ? 3 : 0];
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    __m512i c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
    for (int32_t q = 0; q < k4; q++) {
        const int8_t *pq = panel + (size_t)q * 64;
        const __m512i w0 = _mm512_loadu_si512((const void *)pq);
        const __m512i w1 = NP > 1 ? _mm512_loadu_si512((const void *)(pq + ps)) : w0;
        const __m512i w2 = NP > 1 ? _mm512_loadu_si512((const void *)(pq + 2 * ps)) : w0;
        const __m512i w3 = NP > 1 ? _mm512_loadu_si512((const void *)(pq + 3 * ps)) : w0;
#define BNN_STEP(rv, av, bv, cv, dv)                                                                                 \
    do {                                                                                                             \
        int32_t x_;                                                                                                  \
        memcpy(&x_, rv + 4 * q, 4);                                                                                  \
        const __m512i x = _mm512_set1_epi32(x_);                                                                     \
        av = _mm512_dpbusd_epi32(av, x, w0);                                                                         \
        if (NP > 1) {                                                                                                \
            bv = _mm512_dpbusd_epi32(bv, x, w1);                                                                     \
            cv = _mm512_dpbusd_epi32(cv, x, w2);                                                                     \
            dv = _mm512_dpbusd_epi32(dv, x, w3);                                                                     \
        }                                                                                                            \
    } while (0)
        BNN_STEP(r0, a0, b0, c0, d0);
        if (MR > 1) BNN_STEP(r1, a1, b1, c1, d1);
        if (MR > 2) BNN_STEP(r2, a2, b2, c2, d2);
        if (MR > 3) BNN_STEP(r3, a3, b3, c3, d3);
#undef BNN_STEP
    }
#define BNN_KEEP(p) ((__mmask16)(left - 16 * (p) >= 16 ? 0xffff : left - 16 * (p) <= 0 ? 0 : (1u << (left - 16 * (p))) - 1))
    const __mmask16 k0 = BNN_KEEP(0), k1 = NP > 1 ? BNN_KEEP(1) : 0, k2 = NP > 1 ? BNN_KEEP(2) : 0,
                    k3 = NP > 1 ? BNN_KEEP(3) : 0;
#undef BNN_KEEP
    if (thr) {
        const __m512i t0 = _mm512_maskz_loadu_epi32(k0, thr), t1 = _mm512_maskz_loadu_epi32(k1, thr + 16),
                      t2 = _mm512_maskz_loadu_epi32(k2, thr + 32), t3 = _mm512_maskz_loadu_epi32(k3, thr + 48);
#define BNN_MASK(av, bv, cv, dv)                                                                                     \
    ((uint64_t)_mm512_mask_cmpge_epi32_mask(k0, av, t0) |                                                            \
     (NP > 1 ? (uint64_t)_mm512_mask_cmpge_epi32_mask(k1, bv, t1) << 16 |                                            \
                   (uint64_t)_mm512_mask_cmpge_epi32_mask(k2, cv, t2) << 32 |                                        \
                   (uint64_t)_mm512_mask_cmpge_epi32_mask(k3, dv, t3) << 48                                          \
             : 0))
        mask[0] = BNN_MASK(a0, b0, c0, d0);
        if (MR > 1) mask[1] = BNN_MASK(a1, b1, c1, d1);
        if (MR > 2) mask[2] = BNN_MASK(a2, b2, c2, d2);
        if (MR > 3) mask[3] = BNN_MASK(a3, b3, c3, d3);
#undef BNN_MASK
    } else {
#define BNN_STORE(t, av, bv, cv, dv)                                                                                 \
    do {                                                                                                             \
        int32_t *dst = acc + (size_t)(t) * ldc;                                                                      \
        _mm512_mask_storeu_epi32(dst, k0, av);                                                                       \
        if (NP > 1) {                                                                                                \
            _mm512_mask_storeu_epi32(dst + 16, k1, bv);                                                              \
            _mm512_mask_storeu_epi32(dst + 32, k2, cv);                                                              \
            _mm512_mask_storeu_epi32(dst + 48, k3, dv);                                                              \
        }                                                                                                            \
    } while (0)
        BNN_STORE(0, a0, b0, c0, d0);
        if (MR > 1) BNN_STORE(1, a1, b1, c1, d1);
        if (MR > 2) BNN_STORE(2, a2, b2, c2, d2);
        if (MR > 3) BNN_STORE(3, a3, b3, c3, d3);
#undef BNN_STORE
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
        uint64_t bits[4] = {0, 0, 0, 0};
        /* four panels (a whole output word) at a time while they exist, then one */
        for (int32_t j0 = 0; j0 < n;) {
            const int32_t left = n - j0, np = left > 48 ? 4 : 1;
            const int8_t *panel = wp + (size_t)(j0 / 16) * k4 * 64;
            const int32_t *thr = o->thr ? o->thr + j0 : NULL;
            int32_t *acc = o->thr ? NULL : o->acc + (size_t)i0 * o->ldc + j0;
            uint64_t mask[4];
#define BNN_CASE(MR)                                                                                                 \
    case MR:                                                                                                         \
        if (np == 4) block(MR, 4, r, left, k4, panel, thr, acc, o->ldc, mask);                                       \
        else block(MR, 1, r, left, k4, panel, thr, acc, o->ldc, mask);                                               \
        break;
            switch (mr) {
                BNN_CASE(4)
                BNN_CASE(3)
                BNN_CASE(2)
                BNN_CASE(1)
            }
#undef BNN_CASE
            if (o->thr) {
                for (int32_t t = 0; t < mr; t++) bits[t] |= mask[t] << (j0 % 64);
                if (np == 4 || j0 % 64 == 48 || j0 + 16 >= n)
                    for (int32_t t = 0; t < mr; t++) {
                        o->bits[(size_t)(i0 + t) * o->ldo + (size_t)j0 / 64] = bits[t];
                        bits[t] = 0;
                    }
            }
            j0 += 16 * np;
        }
    }
}
