/* Private: the ONNX importer walks the graph's one dynamic chain from the
 * input to the output, node by node, and keeps what the current tensor
 * means in bnnsim's terms:
 *  - PIXEL: a function of the 8-bit pixel (a 256-entry table, plus one
 *    entry for padding), until the first matrix op fixes the input layer;
 *  - BITS:  x = lo + d * bit, one bit per value (bipolar, binary, scaled);
 *  - ACC:   per channel x_c = a_c * acc_c + b_c, acc being bnnsim's
 *    accumulator of the current matrix layer, until a threshold op;
 *  - INT:   x = lo + d * v, v being bnnsim's integer value of a multi-level
 *    activation (act_bias + count), in v_lo..v_hi;
 *  - LABEL: the label select's output.
 * Every op either updates this meaning exactly or is refused with a
 * message naming the node. */
#ifndef BNN_ONNX_WALK_H
#define BNN_ONNX_WALK_H

#include "bnnsim/fold.h"
#include "bnnsim/net.h"
#include "onnx/graph.h"

enum ox_dom_kind { W_PIXEL = 0, W_BITS, W_ACC, W_INT, W_LABEL };

struct ox_fifo_seen {
    int32_t depth;
    int32_t before_dwc; /* a width converter followed it */
};

struct ox_walk {
    struct ox_graph *g;
    const char *path;
    struct bnn_warnings *warn;
    struct bnn_net *net;
    int32_t cap_layers;
    /* the folding read from HW nodes */
    struct bnn_fold *fold_nodes; /* nodes only (PE/SIMD of MVAUs kept in mvau_pe/simd) */
    int32_t n_mvau, n_swg, n_pool, has_hw, swg_hls;
    int32_t mvau_pe[1024], mvau_simd[1024];
    char last_compute[BNN_NAME_MAX];
    struct ox_fifo_seen fifos[64];
    int32_t n_fifos;

    /* the current tensor */
    int32_t cur;
    enum ox_dom_kind dom;
    int32_t dtype;                  /* ONNX element type of the chain (FLOAT unless the input says otherwise) */
    int32_t ndim;
    int64_t dims[OX_MAX_DIMS];
    int32_t spatial, nhwc;          /* a map (4-D) and its layout; else flat [1, K] */
    int32_t h, w, c;                /* the map, or for a flat tensor the map it was flattened from */
    int32_t flat_chw;               /* flat tensor in C,H,W order (from an NCHW map) */
    int32_t ch_axis;                /* channel axis of the current ONNX shape */
    /* PIXEL */
    double table[257];              /* [256]: the value of padding inserted so far */
    int32_t in_h, in_w, in_c;       /* the input layer's map */
    double pixel_div;               /* what the graph's input holds: pixel / pixel_div */
    struct bnn_input_spec hint_in;  /* bnnsim's own metadata: the input layer it wrote */
    int32_t has_hint_in;
    int32_t own_file;               /* written by bnnsim: its HW nodes are named as its pipeline names them */
    /* BITS (x = lo + d * bit) and INT (x = lo + d * v) */
    double lo, d;
    int32_t v_lo, v_hi;
    /* padding waiting for its consumer: flat in_pad, or a map pad for a conv */
    int32_t flat_pad, map_pad, pad_is_zero;
    /* a sliding window (SWG node) waiting for its MVAU */
    int32_t win, win_k, win_stride;
    /* ACC */
    int32_t relu;                   /* a Relu waits for the quantiser that follows */
    int32_t int_in;                 /* the current layer reads multi-level (INT) values */
    int32_t layer;                  /* index of the matrix layer in net->layers, -1 before the first */
    int32_t in_fixed, f_onnx;       /* the layer's input is fixed point; ONNX value = code * 2^-f_onnx */
    long double *a, *b;
    int64_t acc_min, acc_max;
    int32_t n_classes;
    int32_t has_labelselect;
};

/* import.c */
enum bnn_status ox_fail(struct ox_walk *w, const struct ox_node *n, enum bnn_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
struct bnn_layer *ox_add_layer(struct ox_walk *w, enum bnn_layer_kind kind, const char *prefix);
enum bnn_status ox_constant_input(struct ox_walk *w, const struct ox_node *n, int32_t k, const struct ox_val **v);
/* the constant's value per channel of the current tensor (it must be constant along every other axis) */
enum bnn_status ox_per_channel(struct ox_walk *w, const struct ox_node *n, const struct ox_val *v, int32_t nch, double *out);

/* import-matrix.c */
enum bnn_status ox_finalize_input(struct ox_walk *w, const struct ox_node *n, int xnor);
/* W(k, c): weight of ONNX input k (in the order the op sees its input) for output c */
struct ox_weights {
    const struct ox_val *v;
    int32_t rows_are_inputs; /* v is [K, N] (MatMul, MVAU) rather than [N, K...] (Conv, Gemm transB) */
    int32_t conv;            /* v is OIHW */
    int32_t xnor;            /* the op counts XNOR matches (a popcount) */
    int32_t xnor_bipolar;    /* ... of weights stored as +-1 (FINN's MVAU with BIPOLAR x BIPOLAR) */
    int32_t input_as_bits;   /* the op reads any two binary values as bits (FINN's MVAU) */
    int32_t weight_tensor;   /* the graph tensor of the weights (-1: none), to find their Quant's scale */
    int32_t codes;           /* the weights are integer codes themselves (FINN's INTn/UINTn types): step 1 */
};
enum bnn_status ox_matrix(struct ox_walk *w, const struct ox_node *n, enum bnn_layer_kind kind, int32_t mh, int32_t mw,
                          const struct ox_weights *wt, int32_t kernel, int32_t stride);
/* x >= thr[c * n_thr + i] (x > thr where strict[i] is set; strict may be
 * NULL) on the current ACC, with the op's output values out = scale *
 * count + bias; a multi-level output becomes bnnsim's values act_bias +
 * count. */
enum bnn_status ox_threshold(struct ox_walk *w, const struct ox_node *n, const double *thr, int32_t n_thr,
                             const uint8_t *strict, double scale, double bias, int32_t act_bias);
/* the act_bias a multi-level output with these ONNX scale and bias gets */
int32_t ox_act_bias(double scale, double bias);
enum bnn_status ox_label_select(struct ox_walk *w, const struct ox_node *n, int32_t k);

/* import-hw.c: FINN's HW layers; returns 1 in *handled when the node is one */
enum bnn_status ox_hw_node(struct ox_walk *w, const struct ox_node *n, int *handled);
enum bnn_status ox_hw_fold(struct ox_walk *w, struct bnn_fold **out);

#endif
