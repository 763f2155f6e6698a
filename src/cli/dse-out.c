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

/* The FPGA'17 prototypes of the network in file `net_file` (cnv.json: CNV-max
 * and CNV-fix), from the bundled data/paper-prototypes.json. */
static int32_t paper_marks(const char *net_file, struct bnn_plot_mark *m, int32_t cap)
{
    char buf[4200];
    const char *path = bnn_data_resolve("data/paper-prototypes.json", BNN_DATA_FILE, buf, sizeof buf);
    json_error_t je;
    json_t *doc = net_file ? json_load_file(path, 0, &je) : NULL;
    int32_t n = 0;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(doc, "prototypes"), i, p) {
        const char *f = json_string_value(json_object_get(p, "net")) ?: "";
        size_t k = strlen(net_file);
        /* "cnv.json", or the bundled name "cnv" */
        if (n >= cap || strncmp(f, net_file, k) || (f[k] && strcmp(f + k, ".json"))) continue;
        snprintf(m[n].name, sizeof m[n].name, "%.16s (ZC706)", json_string_value(json_object_get(p, "name")) ?: "?");
        m[n].fps = json_number_value(json_object_get(p, "fps"));
        m[n].lut = json_number_value(json_object_get(p, "LUT"));
        m[n].bram18 = 2 * json_number_value(json_object_get(p, "BRAM36"));
        n++;
    }
    json_decref(doc);
    return n;
}

enum bnn_status bnn_cli_dse_plot(const char *path, const struct bnn_dse_point *pts, int32_t n, const struct bnn_device *d,
                                 const char *net_name, double clock_mhz, double target_fps, const char *paper_net)
{
    struct bnn_plot_mark marks[8];
    struct bnn_pareto_plot o = {.network = net_name, .device = d, .clock_mhz = clock_mhz, .target_fps = target_fps,
                                .fps_kind = "FINN's analytic estimate (clock / slowest layer's cycles)"};
    o.n_marks = paper_marks(paper_net, marks, 8);
    o.marks = marks;
    if (paper_net && !o.n_marks) bnn_cli_warn("--paper: the FPGA'17 paper has no prototype of %s", paper_net);
    return bnn_plot_pareto(path, pts, n, &o);
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
                                  const char *csv, const char *plot, double target_fps, int paper)
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
        json_object_set(m, "net_file", json_object_get(first, "net_file"));
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
        if (!st && plot)
            st = bnn_cli_dse_plot(plot, pts, np, &dev, json_string_value(json_object_get(first, "network")),
                                  json_number_value(json_object_get(first, "clock_mhz")), target_fps,
                                  paper ? json_string_value(json_object_get(first, "net_file")) : NULL);
    }
    json_decref(first);
    free(seen);
    free(pts);
    return st;
}
