#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"

int bnn__cpu_any(void) { return 1; }

static const struct bnn_kernel_variant variants[] = {
#define BNN_KERNEL(isa, available)                                                                                   \
    {{#isa, bnn_xnor_pack_words__##isa, bnn_xnor_pack__##isa, bnn_xnor_gemm__##isa, bnn_u8_pack_bytes__##isa,          \
      bnn_u8_pack__##isa, bnn_u8_gemm__##isa, bnn_fixed_gemm__##isa, bnn_int_gemm__##isa,           \
      bnn_multi_threshold__##isa,                                                                                     \
      bnn_threshold_pack__##isa, bnn_binarize__##isa},                                                              \
     available},
#include "kernels/kernels.inc"
#undef BNN_KERNEL
};

const struct bnn_kernel_variant *bnn__kernel_variants(int *n)
{
    *n = (int)(sizeof variants / sizeof variants[0]);
    return variants;
}

const struct bnn_kernels *bnn__kernels_ref(void) { return &variants[0].k; }

const struct bnn_kernels *bnn__kernels_best(void)
{
    /* Later variants in the list are preferred; BNNSIM_ISA picks one. */
    const char *want = getenv("BNNSIM_ISA");
    const struct bnn_kernels *best = &variants[0].k;
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        if (!variants[i].available()) continue;
        if (want && *want) {
            if (strcmp(want, variants[i].k.isa) == 0) return &variants[i].k;
        } else {
            best = &variants[i].k;
        }
    }
    return best;
}
