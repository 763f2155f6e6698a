/* The DSE's Pareto front: LUT and BRAM against frames per second. */
#include <math.h>
#include <stdio.h>

#include "bnnsim/plot.h"
#include "core/util.h"
#include "plot/canvas.h"

enum { W = 820, H = 760, LEFT = 92, RIGHT = 170, TOP = 92, PANEL = 250, GAP = 78 };

static const unsigned C_FITS = 0x1f77b4, C_NOFIT = 0x9a9a9a, C_CHOSEN = 0xff7f0e, C_PAPER = 0x9467bd, C_LIMIT = 0xd62728;

int32_t bnn_pareto_chosen(const struct bnn_dse_point *pts, int32_t n, const struct bnn_device *d, double target_fps)
{
    int32_t best = -1;
    double cost = 0;
    for (int32_t i = 0; i < n; i++) {
        if (!pts[i].fits || pts[i].fps < target_fps) continue;
        double c = pts[i].lut / d->lut + pts[i].bram18 / d->bram18;
        if (best < 0 || c < cost) best = i, cost = c;
    }
    return best;
}

/* dy: where the label sits against the line (above < 0 < below) */
static void hline(cairo_t *cr, double x0, double x1, double y, unsigned rgb, int dashed, const char *label, double dy)
{
    cairo_new_path(cr);
    bnn__rgb(cr, rgb);
    cairo_set_line_width(cr, 1.2);
    double dash[] = {5, 3};
    cairo_set_dash(cr, dash, dashed ? 2 : 0, 0);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    bnn__text(cr, x1 + 6, y + dy, label, 9.5, BNN_ALIGN_LEFT, 0);
}

static void marker(cairo_t *cr, double x, double y, int kind)
{
    cairo_new_path(cr);
    cairo_set_line_width(cr, 1.3);
    if (kind == 0) { /* fits: filled circle */
        bnn__rgb(cr, C_FITS);
        cairo_arc(cr, x, y, 3.6, 0, 2 * M_PI);
        cairo_fill(cr);
    } else if (kind == 1) { /* does not fit: hollow circle */
        bnn__rgb(cr, C_NOFIT);
        cairo_arc(cr, x, y, 3.6, 0, 2 * M_PI);
        cairo_stroke(cr);
    } else if (kind == 2) { /* chosen: a ring around the point */
        bnn__rgb(cr, C_CHOSEN);
        cairo_set_line_width(cr, 2.2);
        cairo_arc(cr, x, y, 8, 0, 2 * M_PI);
        cairo_stroke(cr);
    } else { /* a marked design: diamond */
        bnn__rgb(cr, C_PAPER);
        cairo_move_to(cr, x, y - 6);
        cairo_line_to(cr, x + 6, y);
        cairo_line_to(cr, x, y + 6);
        cairo_line_to(cr, x - 6, y);
        cairo_close_path(cr);
        cairo_fill(cr);
    }
}

static double value(const struct bnn_dse_point *p, int panel) { return panel ? p->bram18 : p->lut; }

static void panel(cairo_t *cr, int k, const struct bnn_dse_point *pts, int32_t n, const struct bnn_pareto_plot *o,
                  const struct bnn_axis *ax, int32_t chosen)
{
    const struct bnn_device *d = o->device;
    double total = k ? d->bram18 : d->lut, lim = total * (k ? d->lim_bram18 : d->lim_lut);
    double lo = total, hi = total;
    for (int32_t i = 0; i < n; i++)
        if (value(&pts[i], k) > 0) lo = BNN_MIN(lo, value(&pts[i], k)), hi = BNN_MAX(hi, value(&pts[i], k));
    for (int32_t i = 0; i < o->n_marks; i++) {
        double v = k ? o->marks[i].bram18 : o->marks[i].lut;
        if (v > 0) lo = BNN_MIN(lo, v), hi = BNN_MAX(hi, v);
    }
    struct bnn_axis ay;
    bnn__axis_fit(&ay, lo, hi, 1);
    double y0 = TOP + k * (PANEL + GAP);
    ay.p0 = y0 + PANEL, ay.p1 = y0;
    bnn__axis_draw_y(cr, &ay, LEFT, W - RIGHT, k ? "BRAM_18K (RAMB18, log)" : "LUT (log)");
    bnn__axis_draw_x(cr, ax, y0 + PANEL, y0, "throughput (frames/s, log)");
    char s[96], v1[32];
    bnn__si(total, v1, sizeof v1);
    double yt = bnn__axis_map(&ay, total), yl = bnn__axis_map(&ay, lim);
    if (lim >= total * 0.999) {
        snprintf(s, sizeof s, "%s: %s (all usable)", d->name, v1);
        hline(cr, LEFT, W - RIGHT, yt, 0x555555, 0, s, 3.5);
    } else {
        snprintf(s, sizeof s, "%s: %s", d->name, v1);
        hline(cr, LEFT, W - RIGHT, yt, 0x555555, 0, s, yl - yt < 12 ? -3 : 3.5);
        snprintf(s, sizeof s, "%.0f %% recommended", 100 * (k ? d->lim_bram18 : d->lim_lut));
        hline(cr, LEFT, W - RIGHT, yl, C_LIMIT, 1, s, yl - yt < 12 ? 11 : 3.5);
    }
    /* the front as a staircase through the points, then the points */
    bnn__rgb(cr, 0xa6c8e8);
    cairo_set_line_width(cr, 1);
    for (int32_t i = 0; i < n; i++) {
        double x = bnn__axis_map(ax, pts[i].fps), y = bnn__axis_map(&ay, BNN_MAX(value(&pts[i], k), ay.lo));
        if (i) cairo_line_to(cr, x, y);
        else cairo_move_to(cr, x, y);
    }
    cairo_stroke(cr);
    for (int32_t i = 0; i < n; i++)
        marker(cr, bnn__axis_map(ax, pts[i].fps), bnn__axis_map(&ay, BNN_MAX(value(&pts[i], k), ay.lo)), pts[i].fits ? 0 : 1);
    if (chosen >= 0)
        marker(cr, bnn__axis_map(ax, pts[chosen].fps), bnn__axis_map(&ay, BNN_MAX(value(&pts[chosen], k), ay.lo)), 2);
    for (int32_t i = 0; i < o->n_marks; i++) {
        double v = k ? o->marks[i].bram18 : o->marks[i].lut, x = bnn__axis_map(ax, o->marks[i].fps);
        double y = bnn__axis_map(&ay, BNN_MAX(v, ay.lo));
        marker(cr, x, y, 3);
        bnn__rgb(cr, C_PAPER);
        bnn__text(cr, x + 8, y - 6, o->marks[i].name, 9.5, BNN_ALIGN_LEFT, 0);
    }
}

static void legend(cairo_t *cr, const struct bnn_pareto_plot *o, int32_t chosen)
{
    double x = LEFT, y = TOP - 22;
    const char *txt[] = {"fits the device's recommended limits", "exceeds them", NULL, NULL};
    char ch[96];
    if (chosen >= 0) {
        snprintf(ch, sizeof ch, "chosen for %.0f FPS", o->target_fps);
        txt[2] = ch;
    }
    if (o->n_marks) txt[3] = "FPGA'17 prototype";
    for (int k = 0; k < 4; k++) {
        if (!txt[k]) continue;
        marker(cr, x + 4, y - 3.5, k);
        if (k == 2) marker(cr, x + 4, y - 3.5, 0);
        bnn__rgb(cr, 0x222222);
        bnn__text(cr, x + 16, y, txt[k], 10, BNN_ALIGN_LEFT, 0);
        cairo_text_extents_t e;
        cairo_text_extents(cr, txt[k], &e);
        x += 34 + e.x_advance;
    }
}

enum bnn_status bnn_plot_pareto(const char *path, const struct bnn_dse_point *pts, int32_t n,
                                const struct bnn_pareto_plot *o)
{
    struct bnn_canvas c;
    enum bnn_status st = bnn__canvas_open(&c, path, W, H);
    if (st) return st;
    cairo_t *cr = c.cr;
    double fmin = 0, fmax = 0;
    for (int32_t i = 0; i < n; i++)
        fmin = i ? BNN_MIN(fmin, pts[i].fps) : pts[i].fps, fmax = i ? BNN_MAX(fmax, pts[i].fps) : pts[i].fps;
    for (int32_t i = 0; i < o->n_marks; i++)
        fmin = n || i ? BNN_MIN(fmin, o->marks[i].fps) : o->marks[i].fps, fmax = BNN_MAX(fmax, o->marks[i].fps);
    struct bnn_axis ax;
    bnn__axis_fit(&ax, fmin, fmax, 1);
    ax.p0 = LEFT, ax.p1 = W - RIGHT;
    int32_t chosen = o->target_fps > 0 ? bnn_pareto_chosen(pts, n, o->device, o->target_fps) : -1;
    char t[256];
    bnn__rgb(cr, 0x111111);
    snprintf(t, sizeof t, "Pareto front of %s on %s: %d folding%s", o->network ? o->network : "?", o->device->name, n,
             n == 1 ? "" : "s");
    bnn__text(cr, LEFT, 24, t, 15, BNN_ALIGN_LEFT, 1);
    snprintf(t, sizeof t, "frames/s: %s at %.0f MHz; resources: bnnsim's model", o->fps_kind ? o->fps_kind : "estimate",
             o->clock_mhz > 0 ? o->clock_mhz : o->device->clock_mhz);
    bnn__rgb(cr, 0x444444);
    bnn__text(cr, LEFT, 44, t, 10.5, BNN_ALIGN_LEFT, 0);
    legend(cr, o, chosen);
    for (int k = 0; k < 2; k++) panel(cr, k, pts, n, o, &ax, chosen);
    if (o->target_fps > 0 && chosen < 0) {
        bnn__rgb(cr, C_CHOSEN);
        snprintf(t, sizeof t, "no folding on the front fits and reaches %.0f FPS", o->target_fps);
        bnn__text(cr, LEFT, H - 12, t, 10.5, BNN_ALIGN_LEFT, 0);
    }
    return bnn__canvas_close(&c);
}
