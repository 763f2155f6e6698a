/* A drawing surface for bnnsim's plots: Cairo, written as PNG, SVG or PDF
 * by the file's extension, atomically; and the pieces every plot shares
 * (text, log and linear axes with ticks). */
#ifndef BNN_PLOT_CANVAS_H
#define BNN_PLOT_CANVAS_H

#include <cairo.h>

#include "bnnsim/status.h"

struct bnn_canvas {
    cairo_surface_t *surface;
    cairo_t *cr;
    int format; /* 0 PNG, 1 SVG, 2 PDF */
    const char *path;
    unsigned char *buf; /* SVG/PDF bytes as Cairo streams them */
    size_t len, cap;
    int nomem;
};

/* The format from path's extension (.png, .svg, .pdf), or an error naming the file. */
enum bnn_status bnn__canvas_open(struct bnn_canvas *c, const char *path, double w, double h);
/* Writes the file (through a temporary and a rename) and frees the canvas. */
enum bnn_status bnn__canvas_close(struct bnn_canvas *c);
/* Frees without writing (an error on the way). */
void bnn__canvas_discard(struct bnn_canvas *c);

enum { BNN_ALIGN_LEFT = 0, BNN_ALIGN_CENTER = 1, BNN_ALIGN_RIGHT = 2 };
void bnn__text(cairo_t *cr, double x, double y, const char *s, double size, int align, int bold);
/* Text rotated a quarter turn counter-clockwise, centred on (x, y). */
void bnn__text_vertical(cairo_t *cr, double x, double y, const char *s, double size);
void bnn__rgb(cairo_t *cr, unsigned hex);

/* One axis of a plot: data range [lo, hi] onto pixels [p0, p1]. */
struct bnn_axis {
    double lo, hi, p0, p1;
    int log;
};
double bnn__axis_map(const struct bnn_axis *a, double v);
/* A log axis covering [lo, hi] out to whole decades (or a linear one from 0). */
void bnn__axis_fit(struct bnn_axis *a, double lo, double hi, int log);
/* Ticks, numbers and a grid: horizontal axis at pixel y (grid up to y_top),
 * or vertical at pixel x (grid across to x_right). */
void bnn__axis_draw_x(cairo_t *cr, const struct bnn_axis *a, double y, double y_top, const char *label);
void bnn__axis_draw_y(cairo_t *cr, const struct bnn_axis *a, double x, double x_right, const char *label);
/* 12345 -> "12.3k", 2e6 -> "2M" */
void bnn__si(double v, char *buf, size_t n);

#endif
