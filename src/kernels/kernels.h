/* Kernel interface. Kernels are leaves: packed words, bytes and shapes only.
 *
 * xnor_gemm: for m rows a_i of kw words and n weight rows w_j (mw bits, zero
 *   beyond mw in both operands, so padding never counts), the agreement
 *   count acc_ij = mw - popcount(a_i XOR w_j); w packed once by the same
 *   variant's xnor_pack (xnor_pack_words gives the size).
 * u8_gemm: acc_ij = sum_c a_i[c] * w_j[c] over k columns, a unsigned bytes,
 *   w int8 (row j of the n x k matrix u8_pack was given, ldw apart), exact in
 *   int32 when 2 * max a * max |w| <= 32767 (AVX2 adds byte pairs in int16).
 *   Rows are lda >= u8_row_bytes(k) bytes apart; the bytes past k are read
 *   but meet zero weights, so their values never count.
 * fixed_gemm: acc_ij = sum_c (bit c of w_j ? a_i[c] : -a_i[c]) on int32
 *   codes (inputs wider than 8 bits).
 * int_gemm: acc_ij = sum_c a_i[c] * w_j[c], int32 inputs and int8 weights
 *   (multi-bit layers; rows lda and ldw elements apart), exact in int32.
 * multi_threshold: out[r] = base + #{t < nt : acc[r] >= thr[t*ldt + r]} for r < n,
 *   as bytes (values 0..255) or int32: multi-level activations.
 * The GEMMs write either the accumulators (out->acc) or, given one threshold
 *   per row (out->thr), the packed outputs: bit j of out->bits[i*ldo + j/64]
 *   = acc_ij >= thr[j], every bit of the ceil(n/64) words written.
 * threshold_pack: the same compare on an accumulator matrix.
 * binarize: bit i of out = px[i] >= t (0 < t < 256) for i < n, the rest of
 *   the last word 0.
 *
 * Variants sit beside the scalar reference (one file per op and ISA) and are
 * listed once in kernels.inc; tests compare each with the reference. */
#ifndef BNN_KERNELS_H
#define BNN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* The A operand of xnor_gemm: row i starts at a + (row_off ? row_off[i] :
 * i * lda) words; its kw words come in kw / seg runs of seg contiguous
 * words, run r starting r * seg_gap words after the row's start. A
 * convolution's windows are read straight from the feature map this way
 * (a run per kernel row); seg == kw is a plain row. */
struct bnn_rows {
    const uint64_t *a;
    size_t lda;
    const int32_t *row_off;
    int32_t seg, seg_gap;
};

/* Where a GEMM's results go: accumulators, or thresholded packed bits. */
struct bnn_gemm_out {
    int32_t *acc;
    size_t ldc;
    const int32_t *thr;
    uint64_t *bits;
    size_t ldo;
};

#define BNN_KERNEL_OPS(isa)                                                                                          \
    size_t bnn_xnor_pack_words__##isa(int32_t n, int32_t kw);                                                        \
    void bnn_xnor_pack__##isa(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp);                   \
    void bnn_xnor_gemm__##isa(int32_t m, int32_t n, int32_t kw, int32_t mw, const struct bnn_rows *a,                \
                              const uint64_t *wp, const struct bnn_gemm_out *o);                                     \
    size_t bnn_u8_pack_bytes__##isa(int32_t n, int32_t k);                                                           \
    void bnn_u8_pack__##isa(int32_t n, int32_t k, const int8_t *w, size_t ldw, int8_t *wp);                          \
    void bnn_u8_gemm__##isa(int32_t m, int32_t n, int32_t k, const uint8_t *a, size_t lda, const int8_t *wp,         \
                            const struct bnn_gemm_out *o);                                                           \
    void bnn_fixed_gemm__##isa(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const uint64_t *w,     \
                               size_t ldw, int32_t *acc, size_t ldc);                                                \
    void bnn_int_gemm__##isa(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const int8_t *w,         \
                             size_t ldw, int32_t *acc, size_t ldc);                                                  \
    void bnn_multi_threshold__##isa(int32_t n, int32_t nt, const int32_t *acc, const int32_t *thr, size_t ldt,        \
                                    int32_t base, int bytes, void *out);                                             \
    void bnn_threshold_pack__##isa(int32_t m, int32_t n, const int32_t *acc, size_t ldc, const int32_t *thr,         \
                                   uint64_t *out, int32_t wpp);                                                      \
    void bnn_binarize__##isa(int32_t n, const uint8_t *px, int32_t t, uint64_t *out);

struct bnn_kernels {
    const char *isa;
    size_t (*xnor_pack_words)(int32_t n, int32_t kw);
    void (*xnor_pack)(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp);
    void (*xnor_gemm)(int32_t m, int32_t n, int32_t kw, int32_t mw, const struct bnn_rows *a, const uint64_t *wp,
                      const struct bnn_gemm_out *o);
    size_t (*u8_pack_bytes)(int32_t n, int32_t k);
    void (*u8_pack)(int32_t n, int32_t k, const int8_t *w, size_t ldw, int8_t *wp);
    void (*u8_gemm)(int32_t m, int32_t n, int32_t k, const uint8_t *a, size_t lda, const int8_t *wp,
                    const struct bnn_gemm_out *o);
    void (*fixed_gemm)(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const uint64_t *w, size_t ldw,
                       int32_t *acc, size_t ldc);
    void (*int_gemm)(int32_t m, int32_t n, int32_t k, const int32_t *a, size_t lda, const int8_t *w, size_t ldw,
                     int32_t *acc, size_t ldc);
    void (*multi_threshold)(int32_t n, int32_t nt, const int32_t *acc, const int32_t *thr, size_t ldt, int32_t base,
                            int bytes, void *out);
    void (*threshold_pack)(int32_t m, int32_t n, const int32_t *acc, size_t ldc, const int32_t *thr, uint64_t *out,
                           int32_t wpp);
    void (*binarize)(int32_t n, const uint8_t *px, int32_t t, uint64_t *out);
};

/* Bytes per u8_gemm row: k rounded up to whole 4-byte groups, plus room for
 * the widest variant's last load. */
static inline size_t bnn_u8_row_bytes(int32_t k) { return ((size_t)k + 3) / 4 * 4; }

/* Panel layouts shared by the SIMD variants (panels.c): pw rows side by side. */
size_t bnn__xnor_panel_words(int32_t n, int32_t kw, int32_t pw);
void bnn__xnor_pack_panels(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp, int32_t pw);
size_t bnn__u8_panel_bytes(int32_t n, int32_t k, int32_t pw);
void bnn__u8_pack_panels(int32_t n, int32_t k, const int8_t *w, size_t ldw, int8_t *wp, int32_t pw);

#define BNN_KERNEL(isa, available) BNN_KERNEL_OPS(isa) int available(void);
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
