/* bnnsim: design-space exploration of the folding.
 *
 * For a target frame rate, each matrix layer gets the cheapest (PE, SIMD)
 * whose layer cycles (its MVAU, and for a conv its sliding window) fit the
 * target; cost = sum over LUT, BRAM, URAM and DSP of the share of the device
 * used. The result is built, its FIFOs sized and the cycle model confirms
 * it. FINN's SetFolding is there as the baseline (BNN_DSE_FINN). */
#ifndef BNNSIM_DSE_H
#define BNNSIM_DSE_H

#include <stdint.h>

#include "bnnsim/fold.h"
#include "bnnsim/hw.h"
#include "bnnsim/resources.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bnn_dse_strategy { BNN_DSE_CHEAPEST = 0, BNN_DSE_FINN = 1 };

struct bnn_dse_options {
    enum bnn_dse_strategy strategy;
    double target_fps;
    struct bnn_hw_options hw;   /* style, clock, DMA */
    int32_t max_simd;           /* per-PE word (default 64; FINN's mvau_wwidth_max is 36 for SetFolding) */
    int32_t max_stream_bits;    /* PE*SIMD and stream widths (default 8192, AP_INT_MAX_W) */
    int32_t size_fifos;         /* size and confirm with the cycle model (default 1) */
};
void bnn_dse_options_default(struct bnn_dse_options *o);

struct bnn_dse_result {
    struct bnn_fold *fold;      /* the folding chosen (owned) */
    int64_t target_cycles, max_layer_cycles;
    int32_t reached;            /* the target is met */
    int32_t fits;               /* within the device's limits */
    struct bnn_res total;       /* with FIFOs and converters, after sizing */
    double sim_ii, sim_fps;     /* the cycle model's confirmation (0 if not run) */
    char why[512];              /* what stops the target, when it is not reached or does not fit */
};

/* Cycles one layer needs with this PE/SIMD (its MVAU, and its window
 * generator for a conv), as the search sees them. */
int64_t bnn_dse_layer_cycles(const struct bnn_net *net, int32_t layer, int32_t pe, int32_t simd,
                             const struct bnn_hw_options *hw);

enum bnn_status bnn_dse_run(const struct bnn_net *net, const struct bnn_device *dev, const struct bnn_dse_options *o,
                            struct bnn_dse_result *out);
void bnn_dse_result_free(struct bnn_dse_result *r);

/* One point of the throughput/resource trade-off. */
struct bnn_dse_point {
    double fps;
    int64_t cycles;
    double lut, bram18, ff, dsp;
    int32_t fits;
    int32_t pe[64], simd[64]; /* per matrix layer */
};

/* The Pareto front of estimated FPS against LUT and BRAM: every distinct
 * layer-cycle bound is a target; shard i of n takes every n-th target.
 * Points are sorted by FPS; dominated ones are dropped (within the shard). */
enum bnn_status bnn_dse_pareto(const struct bnn_net *net, const struct bnn_device *dev, const struct bnn_dse_options *o,
                               int32_t shard, int32_t n_shards, struct bnn_dse_point **points, int32_t *n_points);
/* Drops dominated points (after merging shards), sorts by FPS. */
int32_t bnn_dse_prune(struct bnn_dse_point *pts, int32_t n);

#ifdef __cplusplus
}
#endif
#endif
