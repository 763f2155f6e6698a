/* The Pareto front as JSON and CSV (one spelling of every key), and the
 * merge of --pareto shards. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/dse-out.h"
#include "core/util.h"

json_t *bnn_cli_dse_points_json(const struct bnn_dse_point *pts, int32_t n, int32_t layers)
{
    json_t *a = json_array();
    for (int32_t i = 0; i < n; i++) {
        json_t *pe = json_array(), *simd = json_array();
        for (int32_t j = 0; j < layers; j++) {
            json_array_append_new(pe, json_integer(pts[i].pe[j]));
            json_array_append_new(simd, json_integer(pts[i].simd[j]));
        }
        json_array_append_new(a, json_pack("{s:f,s:I,s:f,s:f,s:f,s:f,s:b,s:o,s:o}", "throughput_fps", pts[i].fps, "max_layer_cycles",
                                           (json_int_t)pts[i].cycles, "LUT", pts[i].lut, "BRAM_18K", pts[i].bram18, "FF",
                                           pts[i].ff, "DSP", pts[i].dsp, "fits", pts[i].fits, "PE", pe, "SIMD", simd));
    }
    return a;
}

enum bnn_status bnn_cli_dse_write_csv(const char *path, const struct bnn_dse_point *pts, int32_t n, int32_t layers)
{
    size_t cap = 256 + (size_t)n * (128 + (size_t)layers * 16), len = 0;
    char *t = malloc(cap);
    if (!t) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    len += (size_t)snprintf(t, cap, "throughput_fps,max_layer_cycles,LUT,BRAM_18K,FF,DSP,fits,PExSIMD\n");
    for (int32_t i = 0; i < n; i++) {
        len += (size_t)snprintf(t + len, cap - len, "%.3f,%lld,%.0f,%.1f,%.0f,%.0f,%d,", pts[i].fps, (long long)pts[i].cycles,
                                pts[i].lut, pts[i].bram18, pts[i].ff, pts[i].dsp, pts[i].fits);
        for (int32_t j = 0; j < layers; j++)
            len += (size_t)snprintf(t + len, cap - len, "%s%dx%d", j ? " " : "", pts[i].pe[j], pts[i].simd[j]);
        t[len++] = '\n';
    }
    enum bnn_status st = bnn_file_write_atomic(path, t, len);
    free(t);
    return st;
}

/* Two panels: LUT and BRAM36 against FPS (log scale); device limits dashed. */
enum bnn_status bnn_cli_dse_plot(const char *path, const struct bnn_dse_point *pts, int32_t n, const struct bnn_device *d,
                                 const char *net_name)
{
    enum { W = 900, H = 700, L = 80, R = 20, T = 40, PH = 280, GAP = 60 };
    uint8_t *img = malloc((size_t)W * H * 3);
    if (!img) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    memset(img, 255, (size_t)W * H * 3);
    static const uint8_t black[3] = {20, 20, 20}, grey[3] = {170, 170, 170}, blue[3] = {31, 119, 180}, red[3] = {214, 39, 40};
    double fmin = 1e300, fmax = 0;
    for (int32_t i = 0; i < n; i++) fmin = fmin < pts[i].fps ? fmin : pts[i].fps, fmax = fmax > pts[i].fps ? fmax : pts[i].fps;
    if (n == 0) fmin = 1, fmax = 10;
    if (fmax <= fmin) fmax = fmin * 10;
    double lx0 = log10(fmin), lx1 = log10(fmax);
    char s[128];
    snprintf(s, sizeof s, "bnnsim dse: Pareto front on %s (%d points; blue fits, grey does not)", d->name, n);
    bnn__draw_text(img, W, H, 3, 10, 10, s, 1.5f, black);
    for (int panel = 0; panel < 2; panel++) {
        int y0 = T + panel * (PH + GAP), y1 = y0 + PH;
        double vmax = panel ? d->bram18 / 2 : d->lut, lim = panel ? d->bram18 / 2 * d->lim_bram18 : d->lut * d->lim_lut;
        for (int32_t i = 0; i < n; i++) {
            double v = panel ? pts[i].bram18 / 2 : pts[i].lut;
            if (v > vmax) vmax = v;
        }
        for (int x = L; x < W - R; x++) img[((size_t)y1 * W + x) * 3] = 20, img[((size_t)y1 * W + x) * 3 + 1] = 20, img[((size_t)y1 * W + x) * 3 + 2] = 20;
        for (int y = y0; y <= y1; y++) memcpy(img + ((size_t)y * W + L) * 3, black, 3);
        int ly = y1 - (int)(lim / vmax * PH);
        for (int x = L; x < W - R; x += 6) memcpy(img + ((size_t)ly * W + x) * 3, red, 3);
        snprintf(s, sizeof s, "%s (limit %.0f)", panel ? "BRAM36" : "LUT", lim);
        bnn__draw_text(img, W, H, 3, L + 6, (float)y0 + 2, s, 1.0f, black);
        snprintf(s, sizeof s, "%.0f", vmax);
        bnn__draw_text(img, W, H, 3, 4, (float)y0, s, 1.0f, black);
        bnn__draw_text(img, W, H, 3, 4, (float)y1 - 8, "0", 1.0f, black);
        for (int dec = (int)floor(lx0); dec <= (int)ceil(lx1); dec++) {
            if (dec < lx0 - 1e-9 || dec > lx1 + 1e-9) continue;
            int x = L + (int)((dec - lx0) / (lx1 - lx0 + 1e-12) * (W - L - R - 10));
            for (int y = y1; y < y1 + 5; y++) memcpy(img + ((size_t)y * W + x) * 3, black, 3);
            snprintf(s, sizeof s, "1e%d", dec);
            bnn__draw_text(img, W, H, 3, (float)x - 8, (float)y1 + 8, s, 1.0f, black);
        }
        bnn__draw_text(img, W, H, 3, W / 2 - 60, (float)y1 + 22, "frames per second (log)", 1.0f, black);
        for (int32_t i = 0; i < n; i++) {
            double v = panel ? pts[i].bram18 / 2 : pts[i].lut;
            int x = L + (int)((log10(pts[i].fps) - lx0) / (lx1 - lx0 + 1e-12) * (W - L - R - 10));
            int y = y1 - (int)(v / vmax * PH);
            for (int dy = -2; dy <= 2; dy++)
                for (int dx = -2; dx <= 2; dx++)
                    if (x + dx > L && x + dx < W && y + dy >= y0 && y + dy < y1)
                        memcpy(img + ((size_t)(y + dy) * W + x + dx) * 3, pts[i].fits ? blue : grey, 3);
        }
    }
    enum bnn_status st = bnn_png_write(path, img, W, H, 3);
    free(img);
    return st;
}


static enum bnn_status read_points(const char *file, json_t *arr, struct bnn_dse_point **pts, int32_t *np, int32_t *layers)
{
    struct bnn_dse_point *grown = realloc(*pts, (size_t)(*np + (int32_t)json_array_size(arr) + 1) * sizeof **pts);
    if (!grown) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    *pts = grown;
    size_t i;
    json_t *p;
    json_array_foreach(arr, i, p) {
        struct bnn_dse_point *q = &(*pts)[*np];
        memset(q, 0, sizeof *q);
        json_t *f = json_object_get(p, "throughput_fps"), *pe = json_object_get(p, "PE"), *sd = json_object_get(p, "SIMD");
        if (!json_is_number(f) || !json_is_array(pe) || !json_is_array(sd) || json_array_size(pe) != json_array_size(sd) ||
            json_array_size(pe) > 64)
            return bnn_error(BNN_ERR_PARSE, "%s: points[%zu]: needs throughput_fps and PE, SIMD lists of one length", file, i);
        q->fps = json_number_value(f);
        q->cycles = json_integer_value(json_object_get(p, "max_layer_cycles"));
        q->lut = json_number_value(json_object_get(p, "LUT"));
        q->bram18 = json_number_value(json_object_get(p, "BRAM_18K"));
        q->ff = json_number_value(json_object_get(p, "FF"));
        q->dsp = json_number_value(json_object_get(p, "DSP"));
        q->fits = json_is_true(json_object_get(p, "fits"));
        *layers = (int32_t)json_array_size(pe);
        for (int32_t j = 0; j < *layers; j++) {
            q->pe[j] = (int32_t)json_integer_value(json_array_get(pe, j));
            q->simd[j] = (int32_t)json_integer_value(json_array_get(sd, j));
        }
        (*np)++;
    }
    return BNN_OK;
}

/* The fields that make shards parts of one run. */
static const char *const run_keys[] = {"network", "device", "style", "clock_mhz", "shards", NULL};

enum bnn_status bnn_cli_dse_merge(const char *const *files, int n, const char *dev_name, const char *out,
                                  const char *csv, const char *plot)
{
    struct bnn_dse_point *pts = NULL;
    int32_t np = 0, layers = 0, shards = 0;
    json_t *first = NULL, *doc = NULL;
    unsigned char *seen = NULL;
    enum bnn_status st = BNN_OK;
    for (int a = 0; a < n && !st; a++) {
        json_error_t je;
        if (bnn__check_regular(files[a])) { st = bnn__last_status(); break; }
        doc = json_load_file(files[a], 0, &je);
        json_t *arr = doc ? json_object_get(doc, "points") : NULL;
        if (!json_is_array(arr)) {
            st = bnn_error(BNN_ERR_PARSE, "%s: not a dse --pareto JSON (%s)", files[a], doc ? "no points" : je.text);
            break;
        }
        for (const char *const *k = run_keys; *k && !st; k++)
            if (!json_object_get(doc, *k))
                st = bnn_error(BNN_ERR_PARSE, "%s: %s: missing (not written by dse --pareto)", files[a], *k);
            else if (first && !json_equal(json_object_get(doc, *k), json_object_get(first, *k)))
                st = bnn_error(BNN_ERR_INVALID_ARG, "%s: %s differs from %s's: a shard of another run", files[a], *k, files[0]);
        json_t *sh = json_object_get(doc, "shard");
        if (!st && !first) {
            shards = (int32_t)json_integer_value(json_object_get(doc, "shards"));
            if (shards < 1 || shards > 1 << 20) st = bnn_error(BNN_ERR_PARSE, "%s: shards: must be >= 1", files[a]);
            else if (!(seen = calloc((size_t)shards, 1))) st = bnn_error(BNN_ERR_NOMEM, "out of memory");
        }
        int64_t k = json_integer_value(sh);
        if (!st && (!json_is_integer(sh) || k < 0 || k >= shards))
            st = bnn_error(BNN_ERR_PARSE, "%s: shard: must be 0..%d", files[a], shards - 1);
        else if (!st && seen[k]++)
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s: shard %lld/%d given twice", files[a], (long long)k, shards);
        if (!st) st = read_points(files[a], arr, &pts, &np, &layers);
        if (!first) first = doc;
        else json_decref(doc);
        doc = NULL;
    }
    json_decref(doc);
    char missing[256] = "";
    for (int32_t k = 0; !st && k < shards; k++)
        if (!seen[k]) snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%d/%d", *missing ? ", " : "", k, shards);
    if (!st && *missing) st = bnn_error(BNN_ERR_INVALID_ARG, "--merge: shard %s missing (every shard 0..%d of the run is needed)",
                                        missing, shards - 1);
    struct bnn_device dev;
    if (!st) {
        const char *df = json_string_value(json_object_get(first, "device_file"));
        st = bnn_device_load(dev_name ? dev_name : df ? df : "zc706", &dev);
        if (!st && strcmp(dev.name, json_string_value(json_object_get(first, "device")) ?: ""))
            st = bnn_error(BNN_ERR_INVALID_ARG, "--device %s is not the shards' device %s", dev.name,
                           json_string_value(json_object_get(first, "device")));
    }
    if (!st) {
        np = bnn_dse_prune(pts, np);
        json_t *m = json_object();
        for (const char *const *k = run_keys; *k; k++) json_object_set(m, *k, json_object_get(first, *k));
        json_object_set(m, "device_file", json_object_get(first, "device_file"));
        json_object_set(m, "estimate", json_object_get(first, "estimate"));
        json_object_set_new(m, "merged", json_integer(n));
        json_object_set_new(m, "points", bnn_cli_dse_points_json(pts, np, layers));
        char *text = bnn_cli_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        json_decref(m);
        if (!text) st = bnn_error(BNN_ERR_NOMEM, "out of memory");
        else if (out) st = bnn_file_write_atomic(out, text, strlen(text));
        else printf("%s\n", text);
        free(text);
        if (!st && csv) st = bnn_cli_dse_write_csv(csv, pts, np, layers);
        if (!st && plot) st = bnn_cli_dse_plot(plot, pts, np, &dev, json_string_value(json_object_get(first, "network")));
    }
    json_decref(first);
    free(seen);
    free(pts);
    return st;
}
