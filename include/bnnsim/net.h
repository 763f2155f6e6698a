/* bnnsim: the network IR.
 *
 * A network is a straight chain of layers. It knows shapes, data types and
 * tensors, and nothing of kernels or hardware. Only the loader, the
 * generator and the importers write it; everything else reads it.
 *
 * Value conventions (docs/semantics.md has the full text):
 *  - binary values: bit 1 = +1, bit 0 = -1;
 *  - feature maps are H x W x C, channel fastest (HWC);
 *  - a matrix layer has MH rows (output channels) and MW columns; conv
 *    columns are ordered (ky, kx, c), c fastest; fc columns follow the HWC
 *    flattening of the input, then `in_pad` padding columns;
 *  - binary-input layers accumulate acc = popcount(XNOR(x, w)) over all MW
 *    columns (0..MW); fixed-point-input layers accumulate
 *    acc = sum_c (w_c ? q_c : -q_c) over the integer codes q_c;
 *  - thresholds: out = #{ i : T_i <= acc } with T in fixed point of
 *    `thr_frac` fraction bits against acc with the input's fraction bits
 *    (FINN compiler semantics, comp::less_equal). */
#ifndef BNNSIM_NET_H
#define BNNSIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bnnsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BNN_NAME_MAX 64

enum bnn_layer_kind {
    BNN_LAYER_INPUT = 0,
    BNN_LAYER_CONV = 1,
    BNN_LAYER_FC = 2,
    BNN_LAYER_MAXPOOL = 3,
    BNN_LAYER_LABELSELECT = 4,
};

/* What a layer's output values are. */
enum bnn_vtype {
    BNN_VT_BITS = 0, /* one bit per value, packed; bit 1 = +1 */
    BNN_VT_INT = 1,  /* integers (fixed-point codes, counts, accumulators) */
};

enum bnn_input_kind {
    BNN_INPUT_BINARY = 0, /* bit = (pixel >= binarize_threshold) */
    BNN_INPUT_FIXED = 1,  /* code q = round_half_up(v * 2^frac), saturated,
                             v = lo + (hi - lo) * pixel / 255 */
};

enum bnn_act_kind {
    BNN_ACT_THRESHOLD = 0,
    BNN_ACT_RAW = 1, /* the accumulator itself (CNV's last layer) */
};

/* Binary inputs against bipolar weights: what the accumulator counts. */
enum bnn_acc_kind {
    BNN_ACC_XNOR = 0, /* popcount(XNOR(x, w)), 0..MW: finn-hlslib's XnorMul (FINN's W1A1) */
    BNN_ACC_DOT = 1,  /* the +-1 dot product 2*popcount - MW: finn-hlslib's Binary x Binary */
};

struct bnn_shape {
    int32_t h, w, c;
};

struct bnn_input_spec {
    enum bnn_input_kind kind;
    int32_t binarize_threshold; /* BINARY: bit = pixel >= this (0..256) */
    int32_t bits, frac;         /* FIXED: code width and fraction bits */
    bool is_signed;             /* FIXED */
    int32_t range_lo, range_hi; /* FIXED: pixel 0 -> lo, 255 -> hi */
};

struct bnn_layer {
    enum bnn_layer_kind kind;
    char name[BNN_NAME_MAX];
    struct bnn_shape in, out;
    enum bnn_vtype in_type, out_type;
    int32_t in_frac; /* fraction bits of the input values (0 unless FIXED) */

    struct bnn_input_spec input; /* INPUT */

    /* CONV and MAXPOOL window */
    int32_t kernel, stride, pad;
    int32_t pad_value; /* CONV: padded input value: bit (0/1) or code */

    /* CONV and FC */
    int32_t mh, mw;
    int32_t in_pad;       /* FC: padding columns appended to the input */
    int32_t in_pad_value; /* FC: bit value of those columns (0 or 1) */
    uint8_t *weights;     /* mh x mw, one byte per weight: w_bits 1: 1 = +1, 0 = -1;
                             w_bits 2..8: the integer (int8 if w_signed, else uint8) */
    char weights_tensor[BNN_NAME_MAX];
    int32_t w_bits;       /* 1: bipolar; 2..8: integer weights (FINN's WPI); 0 is read as 1 */
    bool w_signed;        /* integer weights: two's complement */
    int32_t w_frac;       /* integer weights are code / 2^w_frac (FINN's WPF) */
    enum bnn_acc_kind acc_kind; /* binary input and bipolar weights only */
    enum bnn_act_kind act;
    int32_t act_bias;    /* THRESHOLD: out = act_bias + #passed (FINN's ActVal) */
    int32_t n_thr;       /* thresholds per row (THRESHOLD) */
    int64_t *thresholds; /* mh x n_thr, ascending within a row */
    int32_t thr_bits;    /* signed width every threshold fits in */
    int32_t thr_frac;    /* fraction bits of the thresholds */
    char thresholds_tensor[BNN_NAME_MAX];

    /* LABELSELECT */
    int32_t top_k;

    /* Derived by bnn_net_finalize. */
    int32_t acc_frac;      /* fraction bits of acc: the input's + w_frac */
    int32_t in_lo, in_hi;  /* INT inputs: the values the producer can give */
    int32_t out_lo, out_hi; /* INT outputs: likewise (BITS: -1, 1) */
};

/* Weight k (row-major) of a matrix layer as an integer: +-1 when bipolar. */
static inline int32_t bnn_layer_weight(const struct bnn_layer *L, size_t k)
{
    if (L->w_bits <= 1) return L->weights[k] ? 1 : -1;
    return L->w_signed ? (int32_t)(int8_t)L->weights[k] : (int32_t)L->weights[k];
}

/* Bits of a value of an INT map with values lo..hi (signed when lo < 0). */
int32_t bnn_value_bits(int32_t lo, int32_t hi);

struct bnn_net {
    char name[BNN_NAME_MAX];
    char *description;
    int32_t n_layers;
    struct bnn_layer *layers;
    int32_t n_classes;  /* class rows: the first n_classes of the last matrix layer */
    char **class_names; /* n_classes strings */
};

/* Loads NAME.json and the NAME.npz beside it (or the file named by the
 * JSON's "tensors" key, relative to the JSON). Validates everything. */
enum bnn_status bnn_net_load(const char *json_path, struct bnn_net **out);

/* Writes JSON_PATH and the .npz beside it, atomically (temporary names, then
 * rename), so a failure leaves no partial output. */
enum bnn_status bnn_net_save(const struct bnn_net *net, const char *json_path);

/* Computes shapes and value types from the layer parameters and checks all
 * the rules; `where` names the source in messages. Loaders and generators
 * call it; callers that build a net by hand must too. */
enum bnn_status bnn_net_finalize(struct bnn_net *net, const char *where);

void bnn_net_free(struct bnn_net *net);

/* Index of the first / last CONV/FC layer, or -1. */
int32_t bnn_net_first_matrix(const struct bnn_net *net);
int32_t bnn_net_last_matrix(const struct bnn_net *net);

const char *bnn_layer_kind_str(enum bnn_layer_kind k);

/* Deterministic, untrained networks shaped as the FINN paper's topologies. */
enum bnn_topology { BNN_TOPO_SFC, BNN_TOPO_LFC, BNN_TOPO_CNV, BNN_TOPO_TFC /* FINN examples' 784-64-64-64-10 */ };

struct bnn_gen_options {
    enum bnn_topology topology;
    uint64_t seed;
    int32_t fc_in_pad;   /* SFC/LFC: padding columns after the 784 pixels (default 48) */
    int32_t out_rows;    /* rows of the last layer (>= 10; default 10) */
};

enum bnn_status bnn_net_generate(const struct bnn_gen_options *opt, struct bnn_net **out);
enum bnn_status bnn_topology_parse(const char *s, enum bnn_topology *out);

#ifdef __cplusplus
}
#endif
#endif
