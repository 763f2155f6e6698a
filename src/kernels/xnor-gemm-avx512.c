/* XNOR-popcount matrix product, AVX-512 with VPOPCNTDQ.
 *
 * Dot products are short (kw = 4..36 words in CNV/LFC), so the vectors run
 * across 8 output channels, not along k: the weights are packed once into
 * panels of 8 rows, word k of the 8 rows side by side; per row and word, one
 * broadcast, one XOR, one VPOPCNTQ and one add give 8 partial counts. Four
 * A rows share each panel load. With thresholds, a compare turns each panel
 * into 8 output bits, so no accumulator leaves the registers. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernels.h"

size_t bnn_xnor_pack_words__avx512(int32_t n, int32_t kw) { return bnn__xnor_panel_words(n, kw, 8); }

void bnn_xnor_pack__avx512(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp)
{
    bnn__xnor_pack_panels(n, kw, w, ldw, wp, 8);
}

/* MR rows (a compile-time 1..4 after inlining) against every panel. */
static inline __attribute__((always_inline)) void rows_block(const int MR, const uint64_t *const *r, int32_t i0,
                                                             int32_t n, int32_t kw, int32_t mw, int32_t seg,
                                                             int32_t gap, const uint64_t *wp,
                                                             const struct bnn_gemm_out *o)
{
    const __m512i vmw = _mm512_set1_epi64(mw);
    const int32_t nseg = kw / seg;
    uint64_t b0 = 0, b1 = 0, b2 = 0, b3 = 0; /* named: an array would live in memory */
    for (int32_t j0 = 0; j0 < n; j0 += 8) {
        const int32_t nj = n - j0 < 8 ? n - j0 : 8;
        const __mmask8 keep = (__mmask8)((1u << nj) - 1);
        const uint64_t *panel = wp + (size_t)(j0 / 8) * kw * 8;
        /* four named accumulators: an array would live on the stack */
        __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
        for (int32_t g = 0; g < nseg; g++) {
            const uint64_t *pw = panel + (size_t)g * seg * 8;
            const uint64_t *r0 = r[0] + (size_t)g * gap, *r1 = r[MR > 1] + (size_t)g * gap,
                           *r2 = r[MR > 2 ? 2 : 0] + (size_t)g * gap, *r3 = r[MR > 3 ? 3 : 0] + (size_t)g * gap;
            for (int32_t k = 0; k < seg; k++) {
                const __m512i w = _mm512_loadu_si512((const void *)(pw + (size_t)k * 8));
#define BNN_STEP(sv, rv) sv = _mm512_add_epi64(sv, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)rv[k]))))
                BNN_STEP(s0, r0);
                if (MR > 1) BNN_STEP(s1, r1);
                if (MR > 2) BNN_STEP(s2, r2);
                if (MR > 3) BNN_STEP(s3, r3);
#undef BNN_STEP
            }
        }
        if (o->thr) { /* mw - s >= thr, i.e. s <= mw - thr */
            const __m512i lim = _mm512_sub_epi64(vmw, _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(keep, o->thr + j0)));
            const int sh = j0 % 64;
            b0 |= (uint64_t)_mm512_mask_cmple_epi64_mask(keep, s0, lim) << sh;
            if (MR > 1) b1 |= (uint64_t)_mm512_mask_cmple_epi64_mask(keep, s1, lim) << sh;
            if (MR > 2) b2 |= (uint64_t)_mm512_mask_cmple_epi64_mask(keep, s2, lim) << sh;
            if (MR > 3) b3 |= (uint64_t)_mm512_mask_cmple_epi64_mask(keep, s3, lim) << sh;
            if (sh == 56 || j0 + 8 >= n) {
                uint64_t *dst = o->bits + (size_t)i0 * o->ldo + (size_t)j0 / 64;
                dst[0] = b0;
                if (MR > 1) dst[o->ldo] = b1;
                if (MR > 2) dst[2 * o->ldo] = b2;
                if (MR > 3) dst[3 * o->ldo] = b3;
                b0 = b1 = b2 = b3 = 0;
            }
        } else {
            int32_t *dst = o->acc + (size_t)i0 * o->ldc + j0;
            _mm256_mask_storeu_epi32(dst, keep, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s0)));
            if (MR > 1) _mm256_mask_storeu_epi32(dst + o->ldc, keep, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s1)));
            if (MR > 2) _mm256_mask_storeu_epi32(dst + 2 * o->ldc, keep, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s2)));
            if (MR > 3) _mm256_mask_storeu_epi32(dst + 3 * o->ldc, keep, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s3)));
        }
    }
}

void bnn_xnor_gemm__avx512(int32_t m, int32_t n, int32_t kw, int32_t mw, const struct bnn_rows *a, const uint64_t *wp,
                           const struct bnn_gemm_out *o)
{
    for (int32_t i0 = 0; i0 < m; i0 += 4) {
        const uint64_t *r[4];
        const int32_t mr = m - i0 < 4 ? m - i0 : 4;
        for (int32_t t = 0; t < mr; t++)
            r[t] = a->a + (a->row_off ? (size_t)a->row_off[i0 + t] : (size_t)(i0 + t) * a->lda);
        switch (mr) {
        case 4: rows_block(4, r, i0, n, kw, mw, a->seg, a->seg_gap, wp, o); break;
        case 3: rows_block(3, r, i0, n, kw, mw, a->seg, a->seg_gap, wp, o); break;
        case 2: rows_block(2, r, i0, n, kw, mw, a->seg, a->seg_gap, wp, o); break;
        default: rows_block(1, r, i0, n, kw, mw, a->seg, a->seg_gap, wp, o); break;
        }
    }
}

int bnn__cpu_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vnni");
}
