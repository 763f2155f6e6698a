#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>

#include "bnnsim/io.h"
#include "bnnsim/plot.h"
#include "core/util.h"
#include "plot/canvas.h"

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int n)
{
    struct bnn_canvas *c = closure;
    if (c->len + n > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1 << 16;
        while (cap < c->len + n) cap *= 2;
        unsigned char *b = realloc(c->buf, cap);
        if (!b) {
            c->nomem = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        c->buf = b, c->cap = cap;
    }
    memcpy(c->buf + c->len, data, n);
    c->len += n;
    return CAIRO_STATUS_SUCCESS;
}

static int format_of(const char *path)
{
    const char *ext = strrchr(path, '.');
    return !ext ? -1 : !strcasecmp(ext, ".png") ? 0 : !strcasecmp(ext, ".svg") ? 1 : !strcasecmp(ext, ".pdf") ? 2 : -1;
}

enum bnn_status bnn_plot_check_path(const char *path)
{
    if (format_of(path) < 0)
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: a plot is written as .png, .svg or .pdf (by the extension)", path);
    return BNN_OK;
}

enum bnn_status bnn__canvas_open(struct bnn_canvas *c, const char *path, double w, double h)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    if ((c->format = format_of(path)) < 0) return bnn_plot_check_path(path);
    if (c->format == 0) {
        /* twice the points in pixels: sharp on today's screens */
        c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * 2), (int)(h * 2));
    } else if (c->format == 1) {
        c->surface = cairo_svg_surface_create_for_stream(collect, c, w, h);
    } else {
        c->surface = cairo_pdf_surface_create_for_stream(collect, c, w, h);
    }
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(c->surface);
        return bnn_error(BNN_ERR_NOMEM, "%s: cannot make a %.0f x %.0f drawing surface", path, w, h);
    }
    c->cr = cairo_create(c->surface);
    if (c->format == 0) cairo_scale(c->cr, 2, 2);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    cairo_select_font_face(c->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    return BNN_OK;
}

void bnn__canvas_discard(struct bnn_canvas *c)
{
    if (c->cr) cairo_destroy(c->cr);
    if (c->surface) cairo_surface_destroy(c->surface);
    free(c->buf);
    memset(c, 0, sizeof *c);
}

enum bnn_status bnn__canvas_close(struct bnn_canvas *c)
{
    cairo_status_t cs = cairo_status(c->cr);
    cairo_destroy(c->cr);
    c->cr = NULL;
    if (c->format == 0 && cs == CAIRO_STATUS_SUCCESS) cs = cairo_surface_write_to_png_stream(c->surface, collect, c);
    cairo_surface_finish(c->surface); /* SVG and PDF stream out here */
    if (cs == CAIRO_STATUS_SUCCESS) cs = cairo_surface_status(c->surface);
    enum bnn_status st = BNN_OK;
    if (cs != CAIRO_STATUS_SUCCESS || c->nomem)
        st = bnn_error(BNN_ERR_NOMEM, "%s: drawing failed: %s", c->path, c->nomem ? "out of memory" : cairo_status_to_string(cs));
    else
        st = bnn_file_write_atomic(c->path, c->buf, c->len);
    bnn__canvas_discard(c);
    return st;
}

void bnn__rgb(cairo_t *cr, unsigned hex)
{
    cairo_set_source_rgb(cr, ((hex >> 16) & 255) / 255.0, ((hex >> 8) & 255) / 255.0, (hex & 255) / 255.0);
}

/* y is the baseline */
void bnn__text(cairo_t *cr, double x, double y, const char *s, double size, int align, int bold)
{
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    double dx = align == BNN_ALIGN_CENTER ? e.x_advance / 2 : align == BNN_ALIGN_RIGHT ? e.x_advance : 0;
    cairo_move_to(cr, x - dx, y);
    cairo_show_text(cr, s);
}

void bnn__text_vertical(cairo_t *cr, double x, double y, const char *s, double size)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -M_PI / 2);
    bnn__text(cr, 0, 0, s, size, BNN_ALIGN_CENTER, 0);
    cairo_restore(cr);
}

double bnn__axis_map(const struct bnn_axis *a, double v)
{
    double t = a->log ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) : (v - a->lo) / (a->hi - a->lo);
    return a->p0 + t * (a->p1 - a->p0);
}

void bnn__axis_fit(struct bnn_axis *a, double lo, double hi, int log)
{
    a->log = log;
    if (log) {
        if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
        if (!(hi > lo)) hi = lo * 10;
        /* out to the nearest 1, 2 or 5 times a power of ten */
        static const double steps[] = {1, 2, 5, 10};
        double dl = pow(10, floor(log10(lo) + 1e-9)), dh = pow(10, floor(log10(hi) - 1e-9));
        a->lo = dl;
        for (int k = 2; k >= 0; k--)
            if (steps[k] * dl <= lo * (1 + 1e-9)) { a->lo = steps[k] * dl; break; }
        a->hi = 10 * dh;
        for (int k = 0; k < 4; k++)
            if (steps[k] * dh >= hi * (1 - 1e-9)) { a->hi = steps[k] * dh; break; }
        if (a->hi <= a->lo) a->hi = a->lo * 10;
    } else {
        a->lo = 0;
        a->hi = hi > 0 ? hi * 1.05 : 1;
    }
}

void bnn__si(double v, char *buf, size_t n)
{
    static const char *const sfx[] = {"", "k", "M", "G", "T"};
    int k = 0;
    while (fabs(v) >= 1000 && k < 4) v /= 1000, k++;
    if (v == floor(v)) snprintf(buf, n, "%.0f%s", v, sfx[k]);
    else snprintf(buf, n, "%.3g%s", v, sfx[k]);
}

/* One tick of an axis at `at` (pixel y of a horizontal axis, x of a vertical
 * one): a grid line across to `far`, a mark outside, a number on majors. */
static void tick(cairo_t *cr, const struct bnn_axis *a, double v, int major, double at, double far, int vertical)
{
    cairo_new_path(cr);
    double p = bnn__axis_map(a, v), len = major ? 5 : 3;
    bnn__rgb(cr, major ? 0xdddddd : 0xf0f0f0);
    cairo_set_line_width(cr, 0.6);
    if (vertical) cairo_move_to(cr, at, p), cairo_line_to(cr, far, p);
    else cairo_move_to(cr, p, far), cairo_line_to(cr, p, at);
    cairo_stroke(cr);
    bnn__rgb(cr, 0x333333);
    if (vertical) cairo_move_to(cr, at - len, p), cairo_line_to(cr, at, p);
    else cairo_move_to(cr, p, at), cairo_line_to(cr, p, at + len);
    cairo_stroke(cr);
    if (major) {
        char s[32];
        bnn__si(v, s, sizeof s);
        if (vertical) bnn__text(cr, at - 8, p + 3.5, s, 10, BNN_ALIGN_RIGHT, 0);
        else bnn__text(cr, p, at + 16, s, 10, BNN_ALIGN_CENTER, 0);
    }
}

/* every tick: major at each decade (log) or at 1/2/5 steps (linear) */
static void ticks(const struct bnn_axis *a, cairo_t *cr, double p, double q, int vertical)
{
    if (a->log) {
        /* numbers at decades, and at 2 and 5 too when the axis spans few decades */
        int few = log10(a->hi / a->lo) < 2.5;
        for (double d = pow(10, floor(log10(a->lo) + 1e-9)); d <= a->hi * 1.0001; d *= 10)
            for (int m = 1; m <= 9; m++) {
                double v = d * m;
                if (v < a->lo * 0.9999 || v > a->hi * 1.0001) continue;
                tick(cr, a, v, m == 1 || (few && (m == 2 || m == 5)), p, q, vertical);
            }
        return;
    }
    double raw = (a->hi - a->lo) / 5, mag = pow(10, floor(log10(raw))), step = mag;
    if (raw / mag > 5) step = 10 * mag;
    else if (raw / mag > 2) step = 5 * mag;
    else if (raw / mag > 1) step = 2 * mag;
    for (double v = a->lo; v <= a->hi * 1.0001; v += step) tick(cr, a, v, 1, p, q, vertical);
}

void bnn__axis_draw_x(cairo_t *cr, const struct bnn_axis *a, double y, double y_top, const char *label)
{
    ticks(a, cr, y, y_top, 0);
    bnn__rgb(cr, 0x333333);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, a->p0, y);
    cairo_line_to(cr, a->p1, y);
    cairo_stroke(cr);
    if (label) bnn__text(cr, (a->p0 + a->p1) / 2, y + 32, label, 11, BNN_ALIGN_CENTER, 0);
}

void bnn__axis_draw_y(cairo_t *cr, const struct bnn_axis *a, double x, double x_right, const char *label)
{
    ticks(a, cr, x, x_right, 1);
    bnn__rgb(cr, 0x333333);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, x, a->p0);
    cairo_line_to(cr, x, a->p1);
    cairo_stroke(cr);
    if (label) bnn__text_vertical(cr, x - 48, (a->p0 + a->p1) / 2, label, 11);
}
