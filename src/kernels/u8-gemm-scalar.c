/* Unsigned bytes x +-1 matrix product (a fixed-point first layer with codes
 * of 8 bits or fewer), scalar reference. */
#include <string.h>

#include "kernels/kernels.h"

/* The reference keeps the rows as they are: n rows of k int8 weights. */
size_t bnn_u8_pack_bytes__scalar(int32_t n, int32_t k) { return (size_t)n * k; }

void bnn_u8_pack__scalar(int32_t n, int32_t k, const int8_t *w, size_t ldw, int8_t *wp)
{
    for (int32_t j = 0; j < n; j++)
        for (int32_t c = 0; c < k; c++) wp[(size_t)j * k + c] = w[(size_t)j * ldw + c];
}

void bnn_u8_gemm__scalar(int32_t m, int32_t n, int32_t k, const uint8_t *a, size_t lda, const int8_t *wp,
                         const struct bnn_gemm_out *o)
{
    for (int32_t i = 0; i < m; i++) {
        if (o->thr) memset(o->bits + (size_t)i * o->ldo, 0, (size_t)(n + 63) / 64 * 8);
        for (int32_t j = 0; j < n; j++) {
            int32_t acc = 0;
            for (int32_t c = 0; c < k; c++) acc += a[(size_t)i * lda + c] * wp[(size_t)j * k + c];
            if (o->thr) o->bits[(size_t)i * o->ldo + j / 64] |= (uint64_t)(acc >= o->thr[j]) << (j % 64);
            else o->acc[(size_t)i * o->ldc + j] = acc;
        }
    }
}
