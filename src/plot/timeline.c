/* A picture of a simulated run: one lane per node coloured by what it did in
 * each slice of time (busy, starved, back-pressured, idle), one lane per FIFO
 * with its peak occupancy in the slice as a bar, and a time axis in cycles
 * (top) and microseconds (bottom). */
#include <math.h>
#include <stdio.h>

#include "bnnsim/hw.h"
#include "core/util.h"
#include "plot/canvas.h"

enum { LABEL_W = 250, LANE_H = 11, GAP = 3, TOP = 92, RIGHT = 24, BOTTOM = 56 };

static const unsigned col_state[4] = {0xe8e8e8, 0x2ea043, 0xfabe3c, 0xd62728}; /* idle, busy, starved, blocked */

/* A lane's colour in one bin: the states mixed by their share of the cycles. */
static unsigned mix(const int64_t *c)
{
    int64_t tot = c[0] + c[1] + c[2] + c[3];
    if (!tot) return 0xffffff;
    unsigned out = 0;
    for (int sh = 16; sh >= 0; sh -= 8) {
        int64_t v = 0;
        for (int k = 0; k < 4; k++) v += c[k] * ((col_state[k] >> sh) & 255);
        out |= (unsigned)(v / tot) << sh;
    }
    return out;
}

static void rect(cairo_t *cr, double x, double y, double w, double h, unsigned rgb)
{
    bnn__rgb(cr, rgb);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
}

static void legend(cairo_t *cr)
{
    static const char *const txt[] = {"busy", "stalled: input empty", "stalled: output full", "idle",
                                      "FIFO peak occupancy (red: full)"};
    static const int state[] = {1, 2, 3, 0, -1};
    double x = 8;
    for (int i = 0; i < 5; i++) {
        rect(cr, x, 56, 10, 10, state[i] >= 0 ? col_state[state[i]] : 0x1f77b4);
        bnn__rgb(cr, 0x222222);
        bnn__text(cr, x + 14, 65, txt[i], 10, BNN_ALIGN_LEFT, 0);
        cairo_text_extents_t e;
        cairo_text_extents(cr, txt[i], &e);
        x += 30 + e.x_advance;
    }
}

enum bnn_status bnn_hw_timeline_plot(const struct bnn_hw_pipeline *p, const struct bnn_sim_result *r, const char *path)
{
    if (!r->trace_cycles || !r->node_bins)
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: the run was not traced (trace_cycles = 0)", path);
    const int32_t bins = r->trace_bins;
    int32_t nl = 0;
    for (int32_t l = 0; l < p->n_links; l++) nl += p->links[l].kind == BNN_LINK_FIFO;
    const double pw = bins > 600 ? bins : 600, bw = pw / bins; /* plot width, bin width */
    const double w = LABEL_W + pw + RIGHT, h = TOP + (p->n_nodes + nl) * (LANE_H + GAP) + 8 + BOTTOM;
    struct bnn_canvas c;
    enum bnn_status st = bnn__canvas_open(&c, path, w, h);
    if (st) return st;
    cairo_t *cr = c.cr;
    char t[256];
    bnn__rgb(cr, 0x111111);
    snprintf(t, sizeof t, "Simulated pipeline: the first %lld cycles (%.2f us at %.0f MHz)", (long long)r->trace_cycles,
             (double)r->trace_cycles / p->opt.clock_mhz, p->opt.clock_mhz);
    bnn__text(cr, 8, 22, t, 14, BNN_ALIGN_LEFT, 1);
    bnn__rgb(cr, 0x444444);
    /* the simulator's bins are whole cycles wide, so they may end before the last column */
    const int64_t tbw = (r->trace_cycles + bins - 1) / bins;
    snprintf(t, sizeof t, "one column = %lld cycles; colours mix the states of the cycles in it", (long long)tbw);
    bnn__text(cr, 8, 40, t, 10, BNN_ALIGN_LEFT, 0);
    legend(cr);

    double y = TOP;
    for (int32_t i = 0; i < p->n_nodes; i++, y += LANE_H + GAP) {
        bnn__rgb(cr, 0x222222);
        bnn__text(cr, LABEL_W - 8, y + LANE_H - 2, p->nodes[i].name, 9.5, BNN_ALIGN_RIGHT, 0);
        /* runs of equal colour as one rectangle: small SVG and PDF files */
        for (int32_t b = 0; b < bins;) {
            unsigned col = mix(&r->node_bins[((int64_t)i * bins + b) * 4]);
            int32_t e = b + 1;
            while (e < bins && mix(&r->node_bins[((int64_t)i * bins + e) * 4]) == col) e++;
            if (col != 0xffffff) rect(cr, LABEL_W + b * bw, y, (e - b) * bw, LANE_H, col);
            b = e;
        }
    }
    y += 8;
    for (int32_t l = 0; l < p->n_links; l++) {
        const struct bnn_hw_link *k = &p->links[l];
        if (k->kind != BNN_LINK_FIFO) continue;
        snprintf(t, sizeof t, "%s (depth %d)", k->name, k->depth);
        bnn__rgb(cr, 0x666666);
        bnn__text(cr, LABEL_W - 8, y + LANE_H - 2, t, 9.5, BNN_ALIGN_RIGHT, 0);
        rect(cr, LABEL_W, y + LANE_H - 0.5, pw, 0.5, 0xcccccc);
        for (int32_t b = 0; b < bins; b++) {
            int64_t o = r->link_bins[(int64_t)l * bins + b];
            if (o <= 0) continue;
            double bh = BNN_MIN(1.0, (double)o / k->depth) * LANE_H;
            rect(cr, LABEL_W + b * bw, y + LANE_H - bh, bw, bh, o >= k->depth ? 0xd62728 : 0x1f77b4);
        }
        y += LANE_H + GAP;
    }
    /* time axes: cycles above the lanes, microseconds below */
    struct bnn_axis ax = {.lo = 0, .hi = (double)(tbw * bins), .p0 = LABEL_W, .p1 = LABEL_W + pw};
    bnn__axis_draw_x(cr, &ax, y + 4, y + 4, NULL);
    bnn__rgb(cr, 0x222222);
    bnn__text(cr, LABEL_W - 8, y + 20, "cycles", 10, BNN_ALIGN_RIGHT, 0);
    struct bnn_axis us = ax;
    us.hi = ax.hi / p->opt.clock_mhz;
    bnn__axis_draw_x(cr, &us, y + 30, y + 30, NULL);
    bnn__rgb(cr, 0x222222);
    bnn__text(cr, LABEL_W - 8, y + 46, "microseconds", 10, BNN_ALIGN_RIGHT, 0);
    return bnn__canvas_close(&c);
}
