/* Private: the plan and its per-thread workspaces. */
#ifndef BNN_PLAN_IMPL_H
#define BNN_PLAN_IMPL_H

#include "bnnsim/exec.h"
#include "kernels/kernels.h"

/* Per-layer data fixed at plan time. */
struct bnn_plan_layer {
    int32_t kw;          /* words per matrix row (ceil(mw / 64)) */
    uint64_t *wpacked;   /* REF: mh x kw, bit c of row r = weight (1 = +1) */
    uint64_t *wxnor;     /* REF, binary inputs: wpacked in the kernel variant's own layout */
    float *wfloat;       /* FLOAT: mh x mw of +-1 */
    int32_t wpp;         /* words per output pixel (BITS outputs) */
    int32_t shift_t, shift_a; /* threshold compare: T << shift_t <= acc << shift_a */
    int32_t *thr_acc;    /* REF, one threshold per row: the same rule as acc >= thr_acc[r] */
    int32_t *qlut;       /* INPUT: bnn__quantize_pixel for each of the 256 pixel values */
    size_t img_bytes;    /* one image's output in a workspace (images of a group follow each other) */
};

/* One thread's buffers, sized once. */
struct bnn_ws {
    void **out;         /* per layer: uint64 words (BITS), int32 (INT) or float (FLOAT engine) */
    void *cols;         /* im2col scratch */
    void *acc;          /* accumulators (int32 or float) */
    int32_t *scores;    /* one image's scores */
};

struct bnn_plan {
    const struct bnn_net *net;
    enum bnn_engine engine;
    const struct bnn_kernels *kern;
    int32_t threads, n_ws, last_ws, last_b, have_last;
    int32_t group;  /* images run together per thread: FC layers do one GEMM for all of them */
    int32_t lm; /* last matrix layer */
    struct bnn_plan_layer *pl;
    struct bnn_ws *ws;
};

/* Engines: run one image (already validated) through every layer. */
/* REF runs a group of nb <= plan->group images (pixels one after another). */
void bnn__run_ref(struct bnn_plan *p, struct bnn_ws *ws, const uint8_t *pixels, int32_t nb);
void bnn__run_float(struct bnn_plan *p, struct bnn_ws *ws, const uint8_t *pixels);

/* Shared semantics. */
int32_t bnn__quantize_pixel(const struct bnn_input_spec *s, uint8_t p);
/* Number of thresholds T (ascending) with T << shift_t <= acc << shift_a. */
int32_t bnn__threshold_count(const int64_t *t, int32_t n, int64_t acc, int32_t shift_t, int32_t shift_a);

#endif
