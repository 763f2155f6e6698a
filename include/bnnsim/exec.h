/* bnnsim: executing a network.
 *
 * Plan, then run: bnn_plan_create packs the weights, sizes every buffer and
 * picks the kernels once; bnn_plan_run then classifies images with no
 * allocation. Two engines share one interface:
 *  - BNN_ENGINE_REF:   packed 64-bit words, XNOR-popcount, exact integers;
 *  - BNN_ENGINE_FLOAT: the same network as +-1 floats, conv as im2col +
 *                      OpenBLAS sgemm, an independent check of the first.
 * Both give the same bits at every layer. */
#ifndef BNNSIM_EXEC_H
#define BNNSIM_EXEC_H

#include <stdint.h>

#include "bnnsim/net.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bnn_engine {
    BNN_ENGINE_REF = 0,
    BNN_ENGINE_FLOAT = 1,
};

struct bnn_plan_options {
    enum bnn_engine engine;
    int32_t threads; /* 0: OpenMP default; results never depend on it */
};

struct bnn_plan;

/* Per-image results. scores[] holds every row of the last matrix layer
 * (padding rows included), as the hardware emits them. */
struct bnn_result {
    int32_t class_index;  /* best of the first n_classes rows; ties -> lowest index */
    int32_t top[8];       /* top_k indices, best first */
    int32_t top_k;
};

enum bnn_status bnn_plan_create(const struct bnn_net *net, const struct bnn_plan_options *opt,
                                struct bnn_plan **out);
void bnn_plan_free(struct bnn_plan *plan);

/* Number of scores per image (rows of the last matrix layer). */
int32_t bnn_plan_n_scores(const struct bnn_plan *plan);

/* Classifies n images. pixels: n x (H*W*C) bytes in HWC order, as the input
 * layer's shape. scores: n x bnn_plan_n_scores(), may be NULL. results: n
 * entries, may be NULL. Threads take groups of up to 32 images; a single
 * image shares its large layers between them (docs/executor.md). Allocates
 * nothing; one plan runs one call at a time. */
enum bnn_status bnn_plan_run(struct bnn_plan *plan, const uint8_t *pixels, int32_t n,
                             int32_t *scores, struct bnn_result *results);

/* One layer's output for the last image run through bnn_plan_run, unpacked
 * to one int32 per value in HWC order (bits as 0/1). values must hold
 * h*w*c entries of the layer's output shape. */
enum bnn_status bnn_plan_layer_output(const struct bnn_plan *plan, int32_t layer, int32_t *values);

const char *bnn_engine_str(enum bnn_engine e);
/* Name of the kernel variant the REF engine runs ("scalar", ...). */
const char *bnn_kernels_isa(void);
enum bnn_status bnn_engine_parse(const char *s, enum bnn_engine *out);

#ifdef __cplusplus
}
#endif
#endif
