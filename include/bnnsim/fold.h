/* bnnsim: folding configs (PE and SIMD per matrix layer).
 *
 * Reads FINN's folding JSON ("Defaults" plus one object per node) with
 * node names as FINN writes them (MVAU_hls_N, MVAU_rtl_N,
 * MatrixVectorActivation_N; N counts the matrix layers from 0) or bnnsim's
 * layer names. This is the part the executor and the reports need; the
 * hardware wing extends it. */
#ifndef BNNSIM_FOLD_H
#define BNNSIM_FOLD_H

#include <stdint.h>

#include "bnnsim/net.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bnn_fold_layer {
    int32_t layer; /* index into net->layers */
    int32_t pe, simd;
    int32_t defaulted; /* no entry in the file: PE = SIMD = 1 (FINN's default) */
};

struct bnn_fold {
    int32_t n;                    /* one entry per matrix layer, in order */
    struct bnn_fold_layer *layers;
};

/* Reads a folding JSON for `net`; rejects unknown node names, unknown keys,
 * values < 1, MH % PE != 0 and MW % SIMD != 0, naming the node and rule. */
enum bnn_status bnn_fold_load(const char *path, const struct bnn_net *net, struct bnn_fold **out);
/* Writes FINN's format (node names MVAU_hls_N), atomically. */
enum bnn_status bnn_fold_save(const struct bnn_fold *fold, const struct bnn_net *net, const char *path);
enum bnn_status bnn_fold_check(const struct bnn_fold *fold, const struct bnn_net *net, const char *where);
void bnn_fold_free(struct bnn_fold *fold);

/* Cycles per frame of one matrix layer on a PE x SIMD engine:
 * (MH/PE) * (MW/SIMD) * output pixels (FINN's get_exp_cycles). */
int64_t bnn_fold_layer_cycles(const struct bnn_net *net, const struct bnn_fold_layer *fl);

#ifdef __cplusplus
}
#endif
#endif
