/* bnnsim: the report files of a FINN build, from bnnsim's models. */
#ifndef BNNSIM_REPORT_H
#define BNNSIM_REPORT_H

#include "bnnsim/hw.h"
#include "bnnsim/resources.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes into DIR (created if missing), with FINN's file names and keys:
 *  - estimate_layer_cycles.json: node -> FINN's get_exp_cycles;
 *  - estimate_network_performance.json: critical_path_cycles, max_cycles,
 *    max_cycles_node_name, estimated_throughput_fps, estimated_latency_ns;
 *  - estimate_layer_resources.json: node -> BRAM_18K, BRAM_efficiency, LUT,
 *    URAM, URAM_efficiency, DSP (and FF, bnnsim's), plus "total";
 *  - rtlsim_performance.json: the simulation in the keys of FINN's rtlsim
 *    report (cycles, runtime[ms], throughput[images/s], N, fclk[mhz],
 *    latency_cycles, interval_cycles, stable_throughput[images/s], ...);
 *  - final_hw_config.json: the folding with every FIFO's depth, read back
 *    by bnn_fold_load to the same pipeline.
 * Every document is made before any file is written; each file is written
 * atomically. */
enum bnn_status bnn_finn_reports_write(const char *dir, const struct bnn_net *net, const struct bnn_fold *fold,
                                       const struct bnn_hw_pipeline *p, const struct bnn_hw_estimate *est,
                                       const struct bnn_sim_result *r, const struct bnn_resource_report *res);

#ifdef __cplusplus
}
#endif
#endif
