/* Private: the plan and its per-thread workspaces. */
#ifndef BNN_PLAN_IMPL_H
#define BNN_PLAN_IMPL_H

#include "bnnsim/exec.h"
#include "kernels/kernels.h"

/* How a matrix layer computes (REF engine). */
enum bnn_path {
    BNN_PATH_XNOR = 1, /* binary inputs: XNOR-popcount */
    BNN_PATH_U8,       /* codes of 8 bits or fewer: bytes x +-1 (VNNI where the CPU has it) */
    BNN_PATH_INT,      /* wider codes, or integer maps of other layers: int32 x +-1 */
    BNN_PATH_IW,       /* integer weights: int32 (bits as +-1) x int8 */
    BNN_PATH_PLANES,   /* integer maps of few bits x bipolar or few-bit weights: bit planes, AND-popcount */
};

/* Layout of the input layer's map in a workspace. */
enum bnn_form {
    BNN_FORM_WORDS = 0, /* the usual: int32 codes, or ceil(C/64) words per pixel */
    BNN_FORM_U8,        /* bytes: value + out_off (the consumer's u8_off) */
    BNN_FORM_FLAT,      /* one channel of bits packed flat, in_pad filled: the FC consumer's row */
    BNN_FORM_PLANES,    /* per pixel `planes` planes of wpp words: bit p of value + out_off */
};

/* Per-layer data fixed at plan time. */
struct bnn_plan_layer {
    int32_t kw;          /* words per matrix row (ceil(mw / 64)) */
    int32_t path;        /* enum bnn_path (matrix layers, REF) */
    uint64_t *wpacked;   /* REF: mh x kw, bit c of row r = weight (1 = +1) */
    uint64_t *wxnor;     /* XNOR: wpacked in the kernel variant's own layout */
    int8_t *wu8;         /* U8: the weights in the variant's own layout */
    float *wfloat;       /* FLOAT: mh x mw of the weights' values */
    int8_t *wint;        /* IW: mh x mw integer weights */
    int32_t dot;         /* XNOR: acc is the +-1 dot product 2 * agreements - mw (BNN_ACC_DOT) */
    int32_t wpp;         /* words per output pixel (BITS outputs) */
    int32_t shift_t, shift_a; /* threshold compare: T << shift_t <= acc << shift_a */
    int32_t *thr_acc;    /* REF, one threshold per row: the same rule as acc >= thr_acc[r] */
    int32_t *thr_m;      /* REF, n_thr > 1: n_thr x mh, value = act_bias + #{t : acc >= thr_m[t][r]} (U8: + u8_corr) */
    /* XNOR without im2col: rows read from the input map (FC: one per image;
     * conv: row_off per output pixel, runs of seg words seg_gap apart). */
    int32_t direct;
    int32_t *row_off;
    int32_t seg, seg_gap;
    /* U8: codes + u8_off are unsigned bytes; the kernel's sum exceeds the
     * true one by u8_corr[r] = u8_off * sum of row r's weights; thr_u8 =
     * thr_acc + u8_corr. Rows of u8_lda bytes. */
    int32_t u8_off, *u8_corr, *thr_u8;
    size_t u8_lda;
    int32_t form;        /* enum bnn_form of the output map (INPUT, and integer maps a byte consumer reads) */
    int32_t out_off;     /* BNN_FORM_U8 / PLANES: added to each value */
    int32_t planes;      /* BNN_FORM_PLANES: bit planes of the output map */
    /* PLANES: input x = xlo + U (pa planes), weight w = wlo + ws * V (pw planes of kw words per row,
     * wplanes); acc = mw*xlo*wlo + xlo*ws*sv[r] + wlo*sum(U) + ws * sum(U*V) */
    int32_t pa, pw, xlo, wlo, ws;
    uint64_t *wplanes;   /* mh x pw x kw */
    uint64_t *wpx;       /* each weight plane packed for xnor_gemm (pw x xnor_pack_words) */
    size_t wpx_words;    /* xnor_pack_words(mh, kw) */
    int32_t *pcw;        /* pw x mh: popcount of each weight plane row */
    int64_t *sv;
    int32_t *qlut;       /* INPUT: bnn__quantize_pixel for each of the 256 pixel values */
    uint8_t *qlut8;      /* INPUT, BNN_FORM_U8: qlut + u8_off */
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
    int32_t intra; /* this run: one group, so layers split their rows across threads */
    /* Word-MACs below which a layer of a single image is not split across
     * the threads. On this 2-vCPU VM a parallel region costs 3 us and a
     * barrier 1.4 us: LFC's 1024 x 1024 layer (16k word-MACs, ~1 us) ran at
     * half speed split, and CNV's convolutions (0.1-0.5 M word-MACs, 10-25
     * us each) 5 % slower. Tests set 0 to split every layer. */
    int64_t split_work;
    int32_t no_planes; /* the byte path instead of bit planes (BNNSIM_PLANES=1 turns planes on) */
    struct bnn_plan_layer *pl;
    struct bnn_ws *ws;
};

/* Bit planes (pa x pw XNOR-kernel passes, plane pairs up to this many) are
 * the variant; the byte (VNNI) path is the default: measured faster on every
 * width here (bench/bench-exec.c, "multi-bit" section, gives both). */
#define BNN_PLANES_MAX 4

/* Engines: run one image (already validated) through every layer. */
/* REF runs a group of nb <= plan->group images (pixels one after another). */
void bnn__run_ref(struct bnn_plan *p, struct bnn_ws *ws, const uint8_t *pixels, int32_t nb);
void bnn__run_float(struct bnn_plan *p, struct bnn_ws *ws, const uint8_t *pixels);

/* Shared semantics. */
int32_t bnn__quantize_pixel(const struct bnn_input_spec *s, uint8_t p);
/* Number of thresholds T (ascending) with T << shift_t <= acc << shift_a. */
int32_t bnn__threshold_count(const int64_t *t, int32_t n, int64_t acc, int32_t shift_t, int32_t shift_a);

#endif
