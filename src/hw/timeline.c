/* A picture of a simulated run: one lane per node coloured by what it did
 * in each slice of time (busy, starved, back-pressured, idle), then one
 * lane per FIFO with its occupancy as a bar. One pixel column per trace bin. */
#include <stdio.h>

#include "bnnsim/hw.h"
#include "bnnsim/io.h"
#include "core/util.h"

enum { LABEL_W = 280, LANE_H = 12, GAP = 2, TOP = 46, BOTTOM = 30, RIGHT = 16 };

static const uint8_t col_state[4][3] = {
    {232, 232, 232}, /* idle */
    {46, 160, 67},   /* busy */
    {250, 190, 60},  /* stalled on input (starved) */
    {214, 39, 40},   /* stalled on output (back-pressure) */
};
static const uint8_t black[3] = {20, 20, 20}, grey[3] = {120, 120, 120}, blue[3] = {31, 119, 180},
                     red[3] = {214, 39, 40}, white[3] = {255, 255, 255};

static void rect(uint8_t *img, int w, int h, int x0, int y0, int x1, int y1, const uint8_t *c)
{
    for (int y = BNN_MAX(0, y0); y < BNN_MIN(h, y1); y++)
        for (int x = BNN_MAX(0, x0); x < BNN_MIN(w, x1); x++) memcpy(img + ((size_t)y * w + x) * 3, c, 3);
}

enum bnn_status bnn_hw_timeline_png(const struct bnn_hw_pipeline *p, const struct bnn_sim_result *r, const char *path)
{
    if (!r->trace_cycles || !r->node_bins)
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: the run was not traced (trace_cycles = 0)", path);
    int32_t bins = r->trace_bins, nl = 0;
    for (int32_t l = 0; l < p->n_links; l++) nl += p->links[l].kind == BNN_LINK_FIFO;
    int w = LABEL_W + bins + RIGHT, h = TOP + (p->n_nodes + nl) * (LANE_H + GAP) + 14 + BOTTOM;
    uint8_t *img = malloc((size_t)w * h * 3);
    if (!img) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    memset(img, 255, (size_t)w * h * 3);
    int64_t bw = (r->trace_cycles + bins - 1) / bins;
    char t[256];
    snprintf(t, sizeof t, "bnnsim: first %lld cycles (%.1f us at %.0f MHz), %lld cycles per column", (long long)r->trace_cycles,
             (double)r->trace_cycles / p->opt.clock_mhz, p->opt.clock_mhz, (long long)bw);
    bnn__draw_text(img, w, h, 3, 8, 6, t, 1.5f, black);
    const char *leg[4] = {"idle", "busy", "stalled: input empty", "stalled: output full"};
    int lx = 8;
    for (int s = 1; s <= 4; s++) {
        int k = s % 4;
        rect(img, w, h, lx, 28, lx + 10, 38, col_state[k]);
        bnn__draw_text(img, w, h, 3, (float)lx + 14, 29, leg[k], 1.0f, black);
        lx += 24 + (int)bnn__text_width(leg[k]);
    }
    rect(img, w, h, lx, 28, lx + 10, 38, blue);
    bnn__draw_text(img, w, h, 3, (float)lx + 14, 29, "FIFO occupancy (red: full)", 1.0f, black);
    int y = TOP;
    for (int32_t i = 0; i < p->n_nodes; i++, y += LANE_H + GAP) {
        bnn__draw_text(img, w, h, 3, 8, (float)y + 2, p->nodes[i].name, 1.0f, black);
        for (int32_t b = 0; b < bins; b++) {
            const int64_t *c = &r->node_bins[((int64_t)i * bins + b) * 4];
            int64_t tot = c[0] + c[1] + c[2] + c[3];
            if (!tot) continue;
            uint8_t px[3];
            for (int k = 0; k < 3; k++)
                px[k] = (uint8_t)((c[0] * col_state[0][k] + c[1] * col_state[1][k] + c[2] * col_state[2][k] +
                                   c[3] * col_state[3][k]) / tot);
            rect(img, w, h, LABEL_W + b, y, LABEL_W + b + 1, y + LANE_H, px);
        }
    }
    y += 6;
    for (int32_t l = 0; l < p->n_links; l++) {
        const struct bnn_hw_link *k = &p->links[l];
        if (k->kind != BNN_LINK_FIFO) continue;
        snprintf(t, sizeof t, "%s (%d)", k->name, k->depth);
        bnn__draw_text(img, w, h, 3, 8, (float)y + 2, t, 1.0f, grey);
        rect(img, w, h, LABEL_W, y + LANE_H, LABEL_W + bins, y + LANE_H + 1, col_state[0]);
        for (int32_t b = 0; b < bins; b++) {
            int64_t o = r->link_bins[(int64_t)l * bins + b];
            if (o <= 0) continue;
            int bh = (int)((o * LANE_H + k->depth - 1) / k->depth);
            rect(img, w, h, LABEL_W + b, y + LANE_H - BNN_MIN(bh, LANE_H), LABEL_W + b + 1, y + LANE_H,
                 o >= k->depth ? red : blue);
        }
        y += LANE_H + GAP;
    }
    /* time axis: ticks at 10 % steps */
    y += 4;
    rect(img, w, h, LABEL_W, y, LABEL_W + bins, y + 1, black);
    for (int q = 0; q <= 10; q++) {
        int x = LABEL_W + (int)((int64_t)bins * q / 10);
        rect(img, w, h, x, y, x + 1, y + 5, black);
        snprintf(t, sizeof t, "%lld", (long long)(r->trace_cycles * q / 10));
        float tw = bnn__text_width(t);
        bnn__draw_text(img, w, h, 3, (float)x - tw / 2, (float)y + 8, t, 1.0f, black);
    }
    (void)white;
    enum bnn_status st = bnn_png_write(path, img, w, h, 3);
    free(img);
    return st;
}
