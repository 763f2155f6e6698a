/* bnnsim: resource estimates (LUT, FF, BRAM, URAM, DSP) of a folded
 * pipeline, and the devices they must fit.
 *
 * Per node: FINN's published formulas where FINN has one (MVAU, sliding
 * window, thresholding, FIFO, width converter), models for what FINN counts
 * as zero (max-pool, label select, ping-pong buffers, DMA), and every memory
 * mapped by the rules a synthesis tool applies, each decision recorded with
 * the rule that made it. docs/resources.md lists every formula and says
 * which constants are fitted. */
#ifndef BNNSIM_RESOURCES_H
#define BNNSIM_RESOURCES_H

#include <stdint.h>

#include "bnnsim/fold.h"
#include "bnnsim/hw.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bnn_device {
    char name[32], part[48], family[32];
    double lut, ff, bram18, uram, dsp;                     /* totals */
    double lim_lut, lim_ff, lim_bram18, lim_uram, lim_dsp; /* recommended utilisation (0..1) */
    double clock_mhz;
};

/* NAME (zc706, pynq-z1, pynq-z2, ultra96, zcu104: data/devices/NAME.json,
 * found under $BNNSIM_DATA or ./data) or a path to such a JSON file. */
enum bnn_status bnn_device_load(const char *name_or_path, struct bnn_device *out);

struct bnn_res {
    double lut, ff, bram18, uram, dsp;
    double lutram; /* LUTs used as memory (part of lut) */
};

enum bnn_mem_target { BNN_MEM_LUTRAM = 0, BNN_MEM_BRAM = 1, BNN_MEM_URAM = 2, BNN_MEM_REGS = 3 };

/* One memory of one node: how synthesis would map it and why. */
struct bnn_mem_decision {
    int32_t node;
    char what[32];            /* "weights", "thresholds", "window buffer", "fifo", "frame buffer", ... */
    int32_t width, copies;    /* bits per word; identical memories (one per PE) */
    int64_t depth;
    enum bnn_mem_target target;
    double bram18, luts, uram; /* all copies */
    char rule[128];
};

struct bnn_resource_report {
    int32_t n_nodes, n_links;
    struct bnn_res *node, *link; /* per node, per link (FIFO / ping-pong buffer) */
    struct bnn_res total;
    int32_t n_mem;
    struct bnn_mem_decision *mem;
};

enum bnn_status bnn_hw_resources(const struct bnn_hw_pipeline *p, const struct bnn_net *net,
                                 const struct bnn_fold *fold, struct bnn_resource_report **out);
void bnn_resource_report_free(struct bnn_resource_report *r);

/* Fit verdict: 1 when every resource is within the device's recommended
 * limits; `why` names the first one that is not. */
int bnn_resources_fit(const struct bnn_res *total, const struct bnn_device *d, char *why, size_t n);

/* RAMB18 needed for a width x depth memory: the cheapest of the BRAM
 * aspect ratios 16K x 1, 8K x 2, 4K x 4, 2K x 9, 1K x 18, 512 x 36. */
int64_t bnn_bram18_for(int64_t width, int64_t depth);

#ifdef __cplusplus
}
#endif
#endif
