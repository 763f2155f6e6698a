/* Pixels to packed bits (a binary input layer), scalar reference. */
#include <string.h>

#include "kernels/kernels.h"

void bnn_binarize__scalar(int32_t n, const uint8_t *px, int32_t t, uint64_t *out)
{
    memset(out, 0, (size_t)(n + 63) / 64 * 8);
    for (int32_t i = 0; i < n; i++) out[i / 64] |= (uint64_t)(px[i] >= t) << (i % 64);
}
