/* Multi-level activations: out[r] = base + #{t : acc[r] >= thr[t * ldt + r]}, scalar reference. */
#include "kernels/kernels.h"

void bnn_multi_threshold__scalar(int32_t n, int32_t nt, const int32_t *acc, const int32_t *thr, size_t ldt,
                                 int32_t base, int bytes, void *out)
{
    for (int32_t r = 0; r < n; r++) {
        int32_t v = base;
        for (int32_t t = 0; t < nt; t++) v += acc[r] >= thr[(size_t)t * ldt + r];
        if (bytes) ((uint8_t *)out)[r] = (uint8_t)v;
        else ((int32_t *)out)[r] = v;
    }
}
