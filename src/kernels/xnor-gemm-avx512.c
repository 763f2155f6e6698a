/* XNOR-popcount matrix product, AVX-512 with VPOPCNTDQ.
 *
 * Dot products are short (kw = 4..36 words in CNV/LFC), so the vectors run
 * across 8 output channels, not along k: the weights are packed once into
 * panels of 8 rows, word k of the 8 rows side by side; per row and word, one
 * broadcast, one XOR, one VPOPCNTQ and one add give 8 partial counts. Up
 * to eight A rows share each panel load. With thresholds, a compare turns each panel
 * into 8 output bits, so no accumulator leaves the registers. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernels.h"

size_t bnn_xnor_pack_words__avx512(int32_t n, int32_t kw) { return bnn__xnor_panel_words(n, kw, 8); }

void bnn_xnor_pack__avx512(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp)
{
    bnn__xnor_pack_panels(n, kw, w, ldw, wp, 8);
}

/* Applies X(t) to each row t < MR (MR a compile-time 1..8 after inlining).
 * Rows have named accumulators and output words: an array would live on
 * the stack. */
#define BNN_ROWS(X)                                                                                                  \
    do {                                                                                                             \
        X(0);                                                                                                        \
        if (MR > 1) X(1);                                                                                            \
        if (MR > 2) X(2);                                                                                            \
        if (MR > 3) X(3);                                                                                            \
        if (MR > 4) X(4);                                                                                            \
        if (MR > 5) X(5);                                                                                            \
        if (MR > 6) X(6);                                                                                            \
        if (MR > 7) X(7);                                                                                            \
    } while (0)

/* MR rows against every panel: per word, one panel load meets MR broadcasts. */
static inline __attribute__((always_inline)) void rows_block(const int MR, const uint64_t *const *r, int32_t i0,
                                                             int32_t n, int32_t kw, int32_t mw, int32_t seg,
                                                             int32_t gap, const uint64_t *wp,
                                                             const struct bnn_gemm_out *o)
{
    const __m512i vmw = _mm512_set1_epi64(mw);
    const int32_t nseg = kw / seg;
    uint64_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0;
    for (int32_t j0 = 0; j0 < n; j0 += 8) {
        const int32_t nj = n - j0 < 8 ? n - j0 : 8;
        const __mmask8 keep = (__mmask8)((1u << nj) - 1);
        const uint64_t *panel = wp + (size_t)(j0 / 8) * kw * 8;
        __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int32_t g = 0; g < nseg; g++) {
            const uint64_t *pw = panel + (size_t)g * seg * 8;
            const size_t off = (size_t)g * gap;
#define BNN_ROWPTR(t) const uint64_t *q##t = r[MR > t ? t : 0] + off
            BNN_ROWPTR(0); BNN_ROWPTR(1); BNN_ROWPTR(2); BNN_ROWPTR(3);
            BNN_ROWPTR(4); BNN_ROWPTR(5); BNN_ROWPTR(6); BNN_ROWPTR(7);
#undef BNN_ROWPTR
            for (int32_t k = 0; k < seg; k++) {
                const __m512i w = _mm512_loadu_si512((const void *)(pw + (size_t)k * 8));
#define BNN_STEP(t) s##t = _mm512_add_epi64(s##t, _mm512_popcnt_epi64(_mm512_xor_si512(w, _mm512_set1_epi64((long long)q##t[k]))))
                BNN_ROWS(BNN_STEP);
#undef BNN_STEP
            }
        }
        if (o->thr) { /* mw - s >= thr, i.e. s <= mw - thr */
            const __m512i lim = _mm512_sub_epi64(vmw, _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(keep, o->thr + j0)));
            const int sh = j0 % 64;
#define BNN_CMP(t) b##t |= (uint64_t)_mm512_mask_cmple_epi64_mask(keep, s##t, lim) << sh
            BNN_ROWS(BNN_CMP);
#undef BNN_CMP
            if (sh == 56 || j0 + 8 >= n) {
                uint64_t *dst = o->bits + (size_t)i0 * o->ldo + (size_t)j0 / 64;
#define BNN_PUT(t) (dst[(t) * o->ldo] = b##t, b##t = 0)
                BNN_ROWS(BNN_PUT);
#undef BNN_PUT
            }
        } else {
            int32_t *dst = o->acc + (size_t)i0 * o->ldc + j0;
#define BNN_PUT(t) _mm256_mask_storeu_epi32(dst + (t) * o->ldc, keep, _mm512_cvtepi64_epi32(_mm512_sub_epi64(vmw, s##t)))
            BNN_ROWS(BNN_PUT);
#undef BNN_PUT
        }
    }
}

void bnn_xnor_gemm__avx512(int32_t m, int32_t n, int32_t kw, int32_t mw, const struct bnn_rows *a, const uint64_t *wp,
                           const struct bnn_gemm_out *o)
{
    for (int32_t i0 = 0; i0 < m; i0 += 8) {
        const uint64_t *r[8];
        const int32_t mr = m - i0 < 8 ? m - i0 : 8;
        for (int32_t t = 0; t < mr; t++)
            r[t] = a->a + (a->row_off ? (size_t)a->row_off[i0 + t] : (size_t)(i0 + t) * a->lda);
        switch (mr) {
#define BNN_CASE(MR)                                                                                                 \
    case MR: rows_block(MR, r, i0, n, kw, mw, a->seg, a->seg_gap, wp, o); break;
            BNN_CASE(8)
            BNN_CASE(7)
            BNN_CASE(6)
            BNN_CASE(5)
            BNN_CASE(4)
            BNN_CASE(3)
            BNN_CASE(2)
            BNN_CASE(1)
#undef BNN_CASE
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
