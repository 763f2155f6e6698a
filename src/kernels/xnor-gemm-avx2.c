/* XNOR-popcount matrix product, AVX2: the AVX-512 kernel's shape with
 * panels of 4 rows and a nibble-table popcount (VPSHUFB), its byte counts
 * summed into 64-bit lanes (VPSADBW) once per 31 words. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernels.h"

size_t bnn_xnor_pack_words__avx2(int32_t n, int32_t kw) { return bnn__xnor_panel_words(n, kw, 4); }

void bnn_xnor_pack__avx2(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp)
{
    bnn__xnor_pack_panels(n, kw, w, ldw, wp, 4);
}

/* Per-byte popcounts (nibble table). Bytes are summed into 64-bit lanes
 * (VPSADBW) only every 31 words: a byte holds at most 31 x 8 = 248. */
static inline __m256i popcnt8(__m256i v)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2,
                                         3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i lo = _mm256_and_si256(v, low), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
    return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

static inline __attribute__((always_inline)) void rows_block(const int MR, const uint64_t *const *r, int32_t i0,
                                                             int32_t n, int32_t kw, int32_t mw, int32_t seg,
                                                             int32_t gap, const uint64_t *wp,
                                                             const struct bnn_gemm_out *o)
{
    const int32_t nseg = kw / seg;
    uint64_t bits[4] = {0, 0, 0, 0};
    for (int32_t j0 = 0; j0 < n; j0 += 4) {
        const int32_t nj = n - j0 < 4 ? n - j0 : 4;
        const uint64_t *panel = wp + (size_t)(j0 / 4) * kw * 4;
        /* named accumulators (an array would live on the stack): c bytes, s 64-bit lanes */
        const __m256i zero = _mm256_setzero_si256();
        __m256i s0 = zero, s1 = zero, s2 = zero, s3 = zero, c0 = zero, c1 = zero, c2 = zero, c3 = zero;
        int32_t words = 0;
        for (int32_t g = 0; g < nseg; g++) {
            const uint64_t *pw = panel + (size_t)g * seg * 4;
            const uint64_t *r0 = r[0] + (size_t)g * gap, *r1 = r[MR > 1] + (size_t)g * gap,
                           *r2 = r[MR > 2 ? 2 : 0] + (size_t)g * gap, *r3 = r[MR > 3 ? 3 : 0] + (size_t)g * gap;
            for (int32_t k = 0; k < seg; k++) {
                const __m256i w = _mm256_loadu_si256((const __m256i *)(pw + (size_t)k * 4));
#define BNN_STEP(cv, rv) cv = _mm256_add_epi8(cv, popcnt8(_mm256_xor_si256(w, _mm256_set1_epi64x((long long)rv[k]))))
                BNN_STEP(c0, r0);
                if (MR > 1) BNN_STEP(c1, r1);
                if (MR > 2) BNN_STEP(c2, r2);
                if (MR > 3) BNN_STEP(c3, r3);
#undef BNN_STEP
                if (++words == 31) {
#define BNN_FLUSH(sv, cv) (sv = _mm256_add_epi64(sv, _mm256_sad_epu8(cv, zero)), cv = zero)
                    BNN_FLUSH(s0, c0);
                    if (MR > 1) BNN_FLUSH(s1, c1);
                    if (MR > 2) BNN_FLUSH(s2, c2);
                    if (MR > 3) BNN_FLUSH(s3, c3);
                    words = 0;
                }
            }
        }
        BNN_FLUSH(s0, c0);
        if (MR > 1) BNN_FLUSH(s1, c1);
        if (MR > 2) BNN_FLUSH(s2, c2);
        if (MR > 3) BNN_FLUSH(s3, c3);
#undef BNN_FLUSH
        const __m256i s[4] = {s0, s1, s2, s3};
        int64_t d[4];
        if (o->thr) { /* mw - s >= thr, i.e. s <= mw - thr */
            int64_t lim[4] = {0, 0, 0, 0};
            for (int32_t j = 0; j < nj; j++) lim[j] = (int64_t)mw - o->thr[j0 + j];
            const __m256i vlim = _mm256_loadu_si256((const __m256i *)lim);
            const unsigned keep = (1u << nj) - 1;
            for (int t = 0; t < MR; t++) {
                unsigned fail = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(s[t], vlim)));
                bits[t] |= (uint64_t)(~fail & keep) << (j0 % 64);
            }
            if (j0 % 64 == 60 || j0 + 4 >= n) {
                for (int t = 0; t < MR; t++) {
                    o->bits[(size_t)(i0 + t) * o->ldo + (size_t)j0 / 64] = bits[t];
                    bits[t] = 0;
                }
            }
        } else {
            for (int t = 0; t < MR; t++) {
                _mm256_storeu_si256((__m256i *)d, s[t]);
                for (int32_t j = 0; j < nj; j++) o->acc[(size_t)(i0 + t) * o->ldc + j0 + j] = mw - (int32_t)d[j];
            }
        }
    }
}

void bnn_xnor_gemm__avx2(int32_t m, int32_t n, int32_t kw, int32_t mw, const struct bnn_rows *a, const uint64_t *wp,
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

int bnn__cpu_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
