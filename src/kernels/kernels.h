/* Kernel interface. Kernels are leaves: packed words and shapes only.
 *
 * xnor_pack: lays n weight rows of kw words out as the variant's xnor_gemm
 *   reads them (once, when a plan is made); xnor_pack_words gives the size.
 * xnor_gemm: acc[i*ldc + j] = mw - popcount(a_i XOR w_j) over kw words,
 *   i.e. the number of agreeing bits (XNOR-popcount), w packed by the same
 *   variant's xnor_pack. Rows are zero beyond mw bits in both operands, so
 *   padding never counts.
 * fixed_gemm: acc[i*ldc + j] = sum_c (bit c of w_j ? a_i[c] : -a_i[c]),
 *   exact integers (the fixed-point x binary first layer).
 * threshold_pack: bit j of out[i*wpp + j/64] = acc[i*ldc + j] >= thr[j] for
 *   j < n, other bits of the wpp words 0 (one threshold per row).
 *
 * Variants sit beside the scalar reference (one file per op and ISA) and are
 * listed once in kernels.inc; tests compare each with the reference. */
#ifndef BNN_KERNELS_H
#define BNN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

typedef void (*bnn_xnor_gemm_fn)(int32_t m, int32_t n, int32_t kw, const uint64_t *a, size_t lda, const uint64_t *wp,
                                 int32_t mw, int32_t *acc, size_t ldc);
typedef size_t (*bnn_xnor_pack_words_fn)(int32_t n, int32_t kw);
typedef void (*bnn_xnor_pack_fn)(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp);
typedef void (*bnn_fixed_gemm_fn)(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const uint64_t *w,
                                  size_t ldw, int32_t *acc, size_t ldc);
typedef void (*bnn_threshold_pack_fn)(int32_t m, int32_t n, const int32_t *acc, size_t ldc, const int32_t *thr,
                                      uint64_t *out, int32_t wpp);

struct bnn_kernels {
    const char *isa;
    bnn_xnor_gemm_fn xnor_gemm;
    bnn_xnor_pack_words_fn xnor_pack_words;
    bnn_xnor_pack_fn xnor_pack;
    bnn_fixed_gemm_fn fixed_gemm;
    bnn_threshold_pack_fn threshold_pack;
};

#define BNN_KERNEL(isa, xnor, xwords, xpack, fixed, pack, available)                                                  \
    void xnor(int32_t, int32_t, int32_t, const uint64_t *, size_t, const uint64_t *, int32_t, int32_t *, size_t);    \
    size_t xwords(int32_t, int32_t);                                                                                 \
    void xpack(int32_t, int32_t, const uint64_t *, size_t, uint64_t *);                                             \
    void fixed(int32_t, int32_t, int32_t, const int32_t *, size_t, const uint64_t *, size_t, int32_t *, size_t);     \
    void pack(int32_t, int32_t, const int32_t *, size_t, const int32_t *, uint64_t *, int32_t);                       \
    int available(void);
#include "kernels/kernels.inc"
#undef BNN_KERNEL

/* The scalar reference: always built, the specification of the others. */
const struct bnn_kernels *bnn__kernels_ref(void);
/* The best variant this CPU runs (BNNSIM_ISA overrides), chosen once. */
const struct bnn_kernels *bnn__kernels_best(void);
/* All variants; *n receives the count. Unavailable ones are included with
 * available() false so tests can say what they skipped. */
struct bnn_kernel_variant {
    struct bnn_kernels k;
    int (*available)(void);
};
const struct bnn_kernel_variant *bnn__kernel_variants(int *n);

/* The benchmark's ceiling: bit-MACs done by `iters` rounds of a 4x4
 * register-blocked XNOR-popcount (needs bnn__cpu_avx512()). */
int64_t bnn__xnor_peak_avx512(int64_t iters, const uint64_t *seed);

#endif
