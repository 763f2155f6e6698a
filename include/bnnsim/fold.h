/* bnnsim: folding configs.
 *
 * Two formats, detected from the content:
 *  - FINN's folding JSON ("Defaults" plus one object per node) with node
 *    names as FINN writes them (MVAU_hls_N, MVAU_rtl_N,
 *    MatrixVectorActivation_N; N counts the matrix layers from 0, or
 *    bnnsim's layer names; ConvolutionInputGenerator_*_N, Thresholding_*_N,
 *    StreamingMaxPool_*_N, LabelSelect_*_N, StreamingDataWidthConverter_*_N,
 *    StreamingFIFO_*_N with `depth`);
 *  - BNN-PYNQ's hw/config.h (#define L<i>_SIMD, L<i>_PE, and the shape
 *    defines, which must agree with the network).
 * PE/SIMD of matrix layers land in `layers`; every other per-node setting
 * stays in `nodes` until the hardware wing builds the pipeline and checks
 * that each names a node that exists. */
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

/* One named entry of the config (after Defaults), every key it sets.
 * 0 (or "") means not set. */
struct bnn_fold_node {
    char name[BNN_NAME_MAX];
    int32_t mvau;            /* matrix layer index if it names an MVAU, else -1 */
    int32_t pe, simd, depth, parallel_window;
    int32_t in_fifo, out_fifo; /* first element of inFIFODepths / outFIFODepths */
    char ram_style[16], ram_style_thresholds[16], mem_mode[24], res_type[8], impl_style[8];
    int32_t runtime_writeable_weights, depth_trigger_uram, depth_trigger_bram;
    int32_t used;            /* set by the pipeline builder when a node matched */
};

/* A "Defaults" entry: key = value for nodes whose op type is listed. */
struct bnn_fold_default {
    char key[32];
    int64_t ival;
    char sval[24];
    int32_t is_str;
    char ops[256]; /* comma-separated op types, or "all" */
};

enum bnn_fold_format { BNN_FOLD_FINN_JSON = 0, BNN_FOLD_CONFIG_H = 1 };

struct bnn_fold {
    int32_t n;                    /* one entry per matrix layer, in order */
    struct bnn_fold_layer *layers;
    int32_t n_nodes;
    struct bnn_fold_node *nodes;
    int32_t n_defaults;
    struct bnn_fold_default *defaults;
    enum bnn_fold_format format;  /* the format it was read from */
    int32_t lenient;              /* FINN's way: entries that name no node are warnings, not errors
                                     (the pipeline builder leaves them unused) */
    int32_t swg_hls;              /* it names HLS sliding windows (ConvolutionInputGenerator_hls_N): a FINN
                                     pipeline for it uses them unless told otherwise */
};

/* Reads a folding config (FINN JSON or BNN-PYNQ config.h, detected from
 * the content) for `net`; rejects unknown node names, unknown keys,
 * values < 1, MH % PE != 0 and MW % SIMD != 0, naming the node and rule. */
enum bnn_status bnn_fold_load(const char *path, const struct bnn_net *net, struct bnn_fold **out);
/* The same; with `lenient`, as FINN's ApplyConfig: an entry naming no node
 * (a typo such as FINN's own "MVA_hls_3") becomes a warning in `warn` and
 * is ignored, and the fold is marked lenient for the pipeline builder. */
enum bnn_status bnn_fold_load_ex(const char *path, const struct bnn_net *net, int lenient, struct bnn_warnings *warn,
                                 struct bnn_fold **out);
/* A fold with PE = SIMD = 1 everywhere (FINN's default). */
enum bnn_status bnn_fold_new(const struct bnn_net *net, struct bnn_fold **out);
/* Writes FINN's format (node names MVAU_hls_N plus every per-node entry),
 * atomically. */
enum bnn_status bnn_fold_save(const struct bnn_fold *fold, const struct bnn_net *net, const char *path);
/* Writes BNN-PYNQ's config.h (shape, SIMD, PE, WMEM, TMEM, precisions per
 * layer), atomically. */
enum bnn_status bnn_fold_save_config_h(const struct bnn_fold *fold, const struct bnn_net *net, const char *path);
/* The entry named `name`, or NULL; adds one when `create` is set. */
struct bnn_fold_node *bnn_fold_node_get(struct bnn_fold *fold, const char *name, int create);
enum bnn_status bnn_fold_check(const struct bnn_fold *fold, const struct bnn_net *net, const char *where);
void bnn_fold_free(struct bnn_fold *fold);

/* The folding rules of one matrix layer, in one place for the config
 * reader, the pipeline builder and the design-space search: PE divides MH,
 * SIMD divides MW, and a conv's SIMD divides its input channels (its window
 * generator feeds SIMD channels per word). Returns 1 if allowed, else 0 with
 * the rule in `why` (may be NULL). */
int bnn_fold_rule(const struct bnn_net *net, int32_t layer, int32_t pe, int32_t simd, char *why, size_t n);

/* Cycles per frame of one matrix layer on a PE x SIMD engine:
 * (MH/PE) * (MW/SIMD) * output pixels (FINN's get_exp_cycles). */
int64_t bnn_fold_layer_cycles(const struct bnn_net *net, const struct bnn_fold_layer *fl);

#ifdef __cplusplus
}
#endif
#endif
