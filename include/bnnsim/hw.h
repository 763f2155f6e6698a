/* bnnsim: the hardware wing. A folded network becomes a streaming pipeline
 * of FINN nodes (one chain: DMA in -> nodes -> DMA out) joined by links
 * (FIFOs or ping-pong frame buffers). The same pipeline feeds FINN's
 * analytic estimates (bnn_hw_estimate) and the cycle-by-cycle simulation
 * (bnn_hw_simulate).
 *
 * Two pipeline styles:
 *  - BNN_STYLE_FINN: what today's FINN compiler builds. An input quantiser
 *    (Thresholding_rtl_0) on 8-bit pixels, ConvolutionInputGenerator in
 *    front of each conv MVAU (RTL by default, HLS on request), 2D
 *    StreamingMaxPool_hls, LabelSelect_hls at the end, data-width
 *    converters where stream widths differ, and a StreamingFIFO_rtl on
 *    every edge (depth 2 unless the folding config says otherwise).
 *  - BNN_STYLE_PAPER: the FPGA'17 paper's prototypes. The host packs the
 *    input; each layer is an engine (2017 sliding-window unit, width
 *    converters, MVTU, pooling unit) and engines hand whole frames to each
 *    other through ping-pong buffers ("a new image enters as soon as the
 *    first engine is done with the previous one"). The 2017 SWU stores the
 *    whole input frame in one memory and then reads windows out (Fig. 7b),
 *    without double buffering. */
#ifndef BNNSIM_HW_H
#define BNNSIM_HW_H

#include <stdint.h>
#include <stdio.h>

#include "bnnsim/fold.h"
#include "bnnsim/net.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bnn_hw_kind {
    BNN_HW_DMA_IN = 0,
    BNN_HW_DMA_OUT,
    BNN_HW_THRESH,   /* Thresholding: input quantiser */
    BNN_HW_SWG,      /* sliding-window generator */
    BNN_HW_MVAU,
    BNN_HW_DWC,      /* StreamingDataWidthConverter */
    BNN_HW_MAXPOOL,  /* StreamingMaxPool (2D, unfolded) */
    BNN_HW_LABELSELECT,
    BNN_HW_N_KINDS
};

enum bnn_style { BNN_STYLE_FINN = 0, BNN_STYLE_PAPER = 1 };
enum bnn_swg_impl { BNN_SWG_RTL = 0, BNN_SWG_HLS = 1, BNN_SWG_2017 = 2 };
enum bnn_link_kind { BNN_LINK_FIFO = 0, BNN_LINK_PIPO = 1 };

struct bnn_hw_options {
    enum bnn_style style;
    enum bnn_swg_impl swg;     /* FINN style: RTL (default) or HLS; paper style: 2017 */
    double clock_mhz;          /* default 200 */
    int32_t dma_width;         /* bits per DMA word (default 64) */
    double dma_bytes_per_cycle;/* sustained, shared by input and output DMA (default dma_width/8) */
    int32_t dma_burst_words;   /* words the DMA may move at full rate after idling (default 16) */
    int32_t fifo_depth;        /* default depth of FIFOs the config does not set (default 2) */
};
void bnn_hw_options_default(struct bnn_hw_options *o);

struct bnn_hw_node {
    enum bnn_hw_kind kind;
    char name[BNN_NAME_MAX]; /* FINN's name, e.g. MVAU_hls_3, or dma_in / dma_out */
    int32_t layer;           /* IR layer it implements, -1 for DMA/DWC */
    int32_t in_width, out_width;       /* stream bits per word */
    int32_t out_elem_bits;             /* bits of one value in the output stream */
    int32_t out_signed;                /* values are two's complement */
    int64_t in_words, out_words;       /* stream words per frame */
    int64_t exp_cycles;      /* FINN's get_exp_cycles (0 where FINN has none) */
    /* parameters of the kind */
    int32_t pe, simd;        /* MVAU; THRESH/LABELSELECT use pe; SWG uses simd */
    int32_t mh, mw, reps;    /* MVAU: matrix and vectors per frame */
    int32_t ifm_h, ifm_w, ch, k, stride, ofm_h, ofm_w; /* SWG, MAXPOOL */
    enum bnn_swg_impl swg;
    int32_t top_k;           /* LABELSELECT */
    int32_t engine;          /* paper style: the engine (layer) it belongs to */
};

struct bnn_hw_link {
    enum bnn_link_kind kind;
    char name[BNN_NAME_MAX]; /* StreamingFIFO_rtl_N (FIFO) or pipo_N */
    int32_t depth;           /* words (FIFO) or frames (PIPO, 2) */
    int32_t width;           /* bits */
    int64_t words;           /* per frame */
    int32_t from_config;     /* depth came from the folding config */
};

/* node i feeds link i, link i feeds node i + 1 */
struct bnn_hw_pipeline {
    struct bnn_hw_options opt;
    int32_t n_nodes, n_links;
    struct bnn_hw_node *nodes;
    struct bnn_hw_link *links;
};

/* Builds the pipeline of `net` folded by `fold`. Checks every per-node
 * setting of the config against the nodes built: names that match no node,
 * SWG SIMD that does not divide the channels or differs from its MVAU's,
 * FIFO depths < 1. `where` names the config in messages. */
enum bnn_status bnn_hw_build(const struct bnn_net *net, const struct bnn_fold *fold, const struct bnn_hw_options *opt,
                             const char *where, struct bnn_hw_pipeline **out);
void bnn_hw_free(struct bnn_hw_pipeline *p);
const char *bnn_hw_kind_str(enum bnn_hw_kind k);

/* FINN's analytic view (analysis/fpgadataflow/dataflow_performance.py):
 * throughput from the slowest node, latency as the no-overlap sum. */
struct bnn_hw_estimate {
    int64_t max_cycles;
    int32_t max_cycles_node; /* index into nodes */
    int64_t critical_path_cycles;
    double estimated_throughput_fps;
    double estimated_latency_ns;
};
void bnn_hw_estimate(const struct bnn_hw_pipeline *p, struct bnn_hw_estimate *e);

/* ---- cycle-by-cycle simulation ---- */

struct bnn_sim_node_stats {
    int64_t busy;      /* cycles doing a loop iteration */
    int64_t stall_in;  /* waiting for an input word (or frame) */
    int64_t stall_out; /* waiting for room downstream */
    int64_t idle;      /* nothing left to do, or not yet started */
    int64_t first_out, last_out; /* cycle of the first/last output word */
};

struct bnn_sim_link_stats {
    int64_t max_occupancy; /* words (FIFO) or frames (PIPO) */
    int64_t words;         /* words carried */
};

struct bnn_sim_options {
    int32_t frames;        /* frames to push through (default 16) */
    int64_t max_cycles;    /* 0: no limit besides deadlock detection */
    int64_t trace_cycles;  /* bin node states and FIFO occupancy over the first N cycles (for the picture) */
    int32_t trace_bins;    /* number of bins (default 1000) */
    int32_t every_cycle;   /* 1: never fast-forward (see bnn_sim_result.skipped_cycles) */
    /* 1: `frames` only bounds the work. The run ends as soon as the II is the
     * steady state: the whole pipeline state repeats exactly (the II is then
     * its period), or the mean II of two successive windows of frames (16,
     * 32, 64, ... frames, each run's second half) agrees to ii_tolerance.
     * bnn_sim_result says which, and how many frames it took. */
    int32_t converge;
    double ii_tolerance;   /* relative (default 1e-4) */
};

enum bnn_node_state { BNN_ST_IDLE = 0, BNN_ST_BUSY = 1, BNN_ST_STALL_IN = 2, BNN_ST_STALL_OUT = 3 };

struct bnn_sim_result {
    int32_t frames;
    int64_t cycles;               /* when the last word left */
    int64_t first_frame_latency;  /* cycles from start to frame 0's last output word */
    double ii_cycles;             /* steady state: mean gap between frame completions (second half) */
    double throughput_fps, latency_us;
    int32_t bottleneck;           /* node with the most busy cycles */
    int32_t n_nodes, n_links;
    struct bnn_sim_node_stats *node;
    struct bnn_sim_link_stats *link;
    int64_t *frame_done;          /* cycle each frame's last output word left */
    int64_t node_cycles;          /* simulated node-cycles (n_nodes x cycles) */
    /* Cycles not stepped one by one: once the whole pipeline state (every
     * node's loop position, every FIFO's contents, the DMA) repeats exactly
     * after p frames, the following periods are identical and are added in
     * one go. Results equal stepping every cycle (tested); every_cycle = 1
     * turns it off. */
    int64_t skipped_cycles;
    int32_t converged;            /* the II is the steady state's (converge mode; a periodic run always is) */
    int32_t period_frames;        /* > 0: the state repeats exactly every period_frames frames ... */
    int64_t period_cycles;        /* ... and period_cycles cycles: II = period_cycles / period_frames */
    int32_t deadlock;             /* 1: stopped because nothing could move */
    char deadlock_report[1024];
    /* when trace_cycles > 0: node_bins[(node * trace_bins + bin) * 4 + state]
     * counts cycles, link_bins[link * trace_bins + bin] is the max occupancy */
    int64_t trace_cycles;
    int32_t trace_bins;
    int64_t *node_bins, *link_bins;
};

enum bnn_status bnn_hw_simulate(const struct bnn_hw_pipeline *p, const struct bnn_sim_options *o,
                                struct bnn_sim_result **out);
void bnn_sim_result_free(struct bnn_sim_result *r);
/* Simulates `frames` frames stepping every cycle and writes the run as a VCD
 * waveform (GTKWave): per node `NAME.state` (2 bits: 0 idle, 1 busy, 2
 * stalled on input, 3 stalled on output), per FIFO `NAME.count` (words),
 * `NAME.valid` (count > 0) and `NAME.ready` (count < depth); time in ps at
 * the pipeline's clock. The result is that run's, as bnn_hw_simulate gives
 * it with every_cycle = 1. */
enum bnn_status bnn_hw_simulate_vcd(const struct bnn_hw_pipeline *p, int32_t frames, const char *path,
                                    struct bnn_sim_result **out);
/* "why" the bottleneck is the bottleneck, one sentence */
void bnn_sim_explain(const struct bnn_hw_pipeline *p, const struct bnn_sim_result *r, char *buf, size_t n);

/* Smallest FIFO depths that keep the throughput of unbounded FIFOs; writes
 * them into p->links and reports the reference and the checked II. */
struct bnn_fifo_sizing {
    double ii_unbounded, ii_sized;
    int64_t total_depth_before, total_depth_after;
    int32_t simulations;
};
enum bnn_status bnn_hw_size_fifos(struct bnn_hw_pipeline *p, int32_t frames, struct bnn_fifo_sizing *out);

/* Copies the pipeline's FIFO depths (and SWG SIMD) into `fold` so that
 * bnn_fold_save writes a FINN config with StreamingFIFO_rtl_N depths. */
enum bnn_status bnn_hw_store_fifos(const struct bnn_hw_pipeline *p, struct bnn_fold *fold);

/* Picture of a traced run (PNG, SVG or PDF by the extension): one lane per
 * node (busy, stall in, stall out, idle) and one per FIFO (occupancy), over
 * the traced cycles, with time axes in cycles and microseconds. */
enum bnn_status bnn_hw_timeline_plot(const struct bnn_hw_pipeline *p, const struct bnn_sim_result *r, const char *path);

#ifdef __cplusplus
}
#endif
#endif
