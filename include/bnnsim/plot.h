/* bnnsim: plots (Cairo; PNG, SVG or PDF by the file's extension). */
#ifndef BNNSIM_PLOT_H
#define BNNSIM_PLOT_H

#include "bnnsim/dse.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A design to mark on the front (the FPGA'17 paper's prototypes, say). */
struct bnn_plot_mark {
    char name[32];
    double fps, lut, bram18;
};

struct bnn_pareto_plot {
    const char *network;
    const struct bnn_device *device;
    const char *fps_kind;   /* how the FPS were found, said on the plot ("FINN's analytic estimate", ...) */
    double clock_mhz;       /* said with it (0: the device's) */
    double target_fps;      /* > 0: the folding chosen for it is marked (cheapest fitting point at or above) */
    int32_t n_marks;
    const struct bnn_plot_mark *marks;
};

/* LUT and BRAM_18K against frames/s, log-log, one panel each, with the
 * device's total and recommended limit; points that fit and points that do
 * not told apart. */
enum bnn_status bnn_plot_pareto(const char *path, const struct bnn_dse_point *pts, int32_t n,
                                const struct bnn_pareto_plot *o);

/* BNN_OK when path names a format the plots write (.png, .svg, .pdf). */
enum bnn_status bnn_plot_check_path(const char *path);

/* The point bnn_plot_pareto marks for target_fps: the cheapest (LUT share
 * plus BRAM share) that fits at or above it; -1 if none. */
int32_t bnn_pareto_chosen(const struct bnn_dse_point *pts, int32_t n, const struct bnn_device *d, double target_fps);

#ifdef __cplusplus
}
#endif
#endif
