/* What `bnnsim dse --pareto` and `--merge` write: the front as JSON, CSV
 * and a plot, with one spelling of every key in all three. */
#ifndef BNN_CLI_DSE_OUT_H
#define BNN_CLI_DSE_OUT_H

#include <jansson.h>

#include "bnnsim/bnnsim.h"

json_t *bnn_cli_dse_points_json(const struct bnn_dse_point *pts, int32_t n, int32_t layers);
enum bnn_status bnn_cli_dse_write_csv(const char *path, const struct bnn_dse_point *pts, int32_t n, int32_t layers);
/* LUT and BRAM against FPS with the device's limits (PNG, SVG or PDF by the
 * extension); the folding chosen for target_fps (> 0) and, with paper_net
 * (the network's file name, cnv.json), the FPGA'17 prototypes marked. */
enum bnn_status bnn_cli_dse_plot(const char *path, const struct bnn_dse_point *pts, int32_t n,
                                 const struct bnn_device *d, const char *net_name, double clock_mhz, double target_fps,
                                 const char *paper_net);
/* Merges --pareto shards of one run: refuses a missing or repeated shard and
 * shards of another network, device, style, clock or shard count. dev_name
 * is --device when given, else NULL (the shards' own device). */
enum bnn_status bnn_cli_dse_merge(const char *const *files, int n, const char *dev_name, const char *out,
                                  const char *csv, const char *plot, double target_fps, int paper);

#endif
