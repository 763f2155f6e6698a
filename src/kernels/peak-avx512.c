/* The machine's XNOR-popcount ceiling, measured by the benchmark: a 4 x 4
 * register block of XNOR (VPTERNLOGQ) + VPOPCNTQ + add, its 8 operand
 * vectors loaded each round from an L1-resident buffer at a moving offset
 * (so nothing can be hoisted out of the loop). Returns bit-MACs done. */
#include <immintrin.h>

#include "kernels/kernels.h"

int64_t bnn__xnor_peak_avx512(int64_t iters, const uint64_t *seed)
{
    _Alignas(64) uint64_t buf[1024]; /* 8 KiB: L1 */
    for (int i = 0; i < 1024; i++) buf[i] = seed[i % 64] * (uint64_t)(i + 1);
    __m512i s[16];
    for (int i = 0; i < 16; i++) s[i] = _mm512_setzero_si512();
    for (int64_t it = 0; it < iters; it++) {
        const uint64_t *p = buf + ((it * 64) & 1023);
        __m512i a0 = _mm512_load_si512(p), a1 = _mm512_load_si512(p + 8), a2 = _mm512_load_si512(p + 16),
                a3 = _mm512_load_si512(p + 24), w0 = _mm512_load_si512(p + 32), w1 = _mm512_load_si512(p + 40),
                w2 = _mm512_load_si512(p + 48), w3 = _mm512_load_si512(p + 56);
#define STEP(r, c, A, W) s[r * 4 + c] = _mm512_add_epi64(s[r * 4 + c], _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(A, W, W, 0xC3)))
        STEP(0, 0, a0, w0); STEP(0, 1, a0, w1); STEP(0, 2, a0, w2); STEP(0, 3, a0, w3);
        STEP(1, 0, a1, w0); STEP(1, 1, a1, w1); STEP(1, 2, a1, w2); STEP(1, 3, a1, w3);
        STEP(2, 0, a2, w0); STEP(2, 1, a2, w1); STEP(2, 2, a2, w2); STEP(2, 3, a2, w3);
        STEP(3, 0, a3, w0); STEP(3, 1, a3, w1); STEP(3, 2, a3, w2); STEP(3, 3, a3, w3);
#undef STEP
    }
    __m512i t = s[0];
    for (int i = 1; i < 16; i++) t = _mm512_add_epi64(t, s[i]);
    volatile long long sink = _mm512_reduce_add_epi64(t);
    (void)sink;
    return iters * 16 * 512;
}
