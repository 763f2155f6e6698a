/* bnnsim dse: the cheapest folding for a frame rate, FINN's SetFolding as the
 * baseline, and the Pareto front of throughput against LUT and BRAM. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"
#include "core/util.h"

static const char help[] =
    "Usage: bnnsim dse --net NET.json --target-fps F [--device zc706] [options]\n"
    "       bnnsim dse --net NET.json --pareto [--shard i/n] [options]\n"
    "       bnnsim dse --merge SHARD.json... [--csv F] [--png F] [-o F]\n"
    "\n"
    "Finds the folding that reaches F frames/s with the least resources: every matrix\n"
    "layer gets the cheapest PE x SIMD whose cycles (its MVAU, and for a conv its\n"
    "sliding window) fit clock/F; cost is the sum of the shares of the device's LUT,\n"
    "BRAM, URAM and DSP. The result is built, its FIFOs sized and the cycle model\n"
    "confirms the rate; -o writes it as a FINN folding JSON with FIFO depths.\n"
    "When F cannot be reached it says which layer and which rule stops it and gives\n"
    "the fastest folding there is. --strategy finn runs FINN's SetFolding instead\n"
    "(SIMD first, capped by mvau_wwidth_max, then PE; two-pass relaxation), and\n"
    "--compare prints both side by side.\n"
    "\n"
    "Options:\n"
    "  --net FILE          network: NET.json (NET.npz beside it) or a FINN/QONNX MODEL.onnx\n"
    "  --device NAME       zc706 (default), pynq-z1, pynq-z2, ultra96, zcu104 or a JSON\n"
    "  --target-fps F      frames per second to reach\n"
    "  --clock-mhz C       clock (default: the device's)\n"
    "  --style S           finn (default) or paper\n"
    "  --strategy S        cheapest (default) or finn\n"
    "  --compare           run both strategies and print their resources\n"
    "  --max-simd N        SIMD cap (default 64; FINN's SetFolding default is 36)\n"
    "  --no-fifo-sizing    skip FIFO sizing and the cycle-model check\n"
    "  --pareto            the front of estimated FPS against LUT and BRAM\n"
    "  --shard i/n         with --pareto: this shard of the targets (merge with --merge)\n"
    "  --merge FILE...     merge --pareto JSON outputs, drop dominated points\n"
    "  --csv FILE          with --pareto/--merge: also a CSV\n"
    "  --png FILE          with --pareto/--merge: a plot (LUT and BRAM against FPS)\n"
    "  -o FILE             the folding (single target) or the front (--pareto) as JSON\n"
    "  --json              print JSON\n"
    "  -h, --help          this text\n"
    "\n"
    "Examples:\n"
    "  bnnsim dse --net data/cnv.json --device zc706 --target-fps 9000 --style paper -o cnv-9k.json\n"
    "  bnnsim dse --net data/cnv.json --pareto --png front.png --csv front.csv\n";

static json_t *points_json(const struct bnn_dse_point *pts, int32_t n, int32_t layers)
{
    json_t *a = json_array();
    for (int32_t i = 0; i < n; i++) {
        json_t *pe = json_array(), *simd = json_array();
        for (int32_t j = 0; j < layers; j++) {
            json_array_append_new(pe, json_integer(pts[i].pe[j]));
            json_array_append_new(simd, json_integer(pts[i].simd[j]));
        }
        json_array_append_new(a, json_pack("{s:f,s:I,s:f,s:f,s:f,s:f,s:b,s:o,s:o}", "fps", pts[i].fps, "cycles",
                                           (json_int_t)pts[i].cycles, "LUT", pts[i].lut, "BRAM_18K", pts[i].bram18, "FF",
                                           pts[i].ff, "DSP", pts[i].dsp, "fits", pts[i].fits, "PE", pe, "SIMD", simd));
    }
    return a;
}

static enum bnn_status write_csv(const char *path, const struct bnn_dse_point *pts, int32_t n, int32_t layers)
{
    size_t cap = 256 + (size_t)n * (128 + (size_t)layers * 16), len = 0;
    char *t = malloc(cap);
    if (!t) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    len += (size_t)snprintf(t, cap, "fps,cycles,lut,bram36,ff,dsp,fits,pe_simd\n");
    for (int32_t i = 0; i < n; i++) {
        len += (size_t)snprintf(t + len, cap - len, "%.3f,%lld,%.0f,%.1f,%.0f,%.0f,%d,", pts[i].fps, (long long)pts[i].cycles,
                                pts[i].lut, pts[i].bram18 / 2, pts[i].ff, pts[i].dsp, pts[i].fits);
        for (int32_t j = 0; j < layers; j++)
            len += (size_t)snprintf(t + len, cap - len, "%s%dx%d", j ? " " : "", pts[i].pe[j], pts[i].simd[j]);
        t[len++] = '\n';
    }
    enum bnn_status st = bnn_file_write_atomic(path, t, len);
    free(t);
    return st;
}

/* Two panels: LUT and BRAM36 against FPS (log scale); device limits dashed. */
static enum bnn_status write_png(const char *path, const struct bnn_dse_point *pts, int32_t n, const struct bnn_device *d)
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

static int report_one(const char *label, const struct bnn_dse_result *r, const struct bnn_net *net, double clock)
{
    printf("%s: %s; max layer cycles %lld (target %lld) -> %.0f FPS estimated", label,
           r->reached ? "target reached" : "target NOT reached", (long long)r->max_layer_cycles,
           (long long)r->target_cycles, clock * 1e6 / (double)r->max_layer_cycles);
    if (r->sim_ii > 0) printf(", %.0f simulated (II %.0f, sized FIFOs)", r->sim_fps, r->sim_ii);
    printf("\n  LUT %.0f  FF %.0f  BRAM36 %.1f  URAM %.0f  DSP %.0f  %s\n  PE x SIMD:", r->total.lut, r->total.ff,
           r->total.bram18 / 2, r->total.uram, r->total.dsp, r->fits ? "(fits)" : "(does NOT fit)");
    for (int32_t j = 0; j < r->fold->n; j++)
        printf(" %s %dx%d", net->layers[r->fold->layers[j].layer].name, r->fold->layers[j].pe, r->fold->layers[j].simd);
    printf("\n");
    if (r->why[0]) printf("  why: %s\n", r->why);
    return 0;
}

int bnn_cmd_dse(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},        {"device", required_argument, 0, 'd'},
        {"target-fps", required_argument, 0, 't'}, {"clock-mhz", required_argument, 0, 'c'},
        {"style", required_argument, 0, 's'},      {"strategy", required_argument, 0, 'S'},
        {"compare", no_argument, 0, 'C'},          {"max-simd", required_argument, 0, 'x'},
        {"no-fifo-sizing", no_argument, 0, 'F'},   {"pareto", no_argument, 0, 'p'},
        {"shard", required_argument, 0, 'k'},      {"merge", no_argument, 0, 'm'},
        {"csv", required_argument, 0, 'v'},        {"png", required_argument, 0, 'g'},
        {"json", no_argument, 0, 'j'},             {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *net_path = NULL, *dev_name = "zc706", *out = NULL, *csv = NULL, *png = NULL;
    double fps = 0, clock = 0;
    int json = 0, pareto = 0, merge = 0, compare = 0, shard = 0, n_shards = 1;
    long v;
    struct bnn_dse_options o;
    bnn_dse_options_default(&o);
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1;) {
        char *end;
        switch (c) {
        case 'n': net_path = optarg; break;
        case 'd': dev_name = optarg; break;
        case 't':
            fps = strtod(optarg, &end);
            if (*end || !(fps > 0)) return bnn_cli_usage_error("--target-fps: expected a positive number, got '%s'", optarg);
            break;
        case 'c':
            clock = strtod(optarg, &end);
            if (*end || !(clock > 0)) return bnn_cli_usage_error("--clock-mhz: expected a positive number, got '%s'", optarg);
            break;
        case 's':
            if (bnn_cli_parse_style(optarg, &o.hw)) return 2;
            break;
        case 'S':
            if (!strcmp(optarg, "cheapest")) o.strategy = BNN_DSE_CHEAPEST;
            else if (!strcmp(optarg, "finn")) o.strategy = BNN_DSE_FINN;
            else return bnn_cli_usage_error("--strategy: expected cheapest or finn, got '%s'", optarg);
            break;
        case 'C': compare = 1; break;
        case 'x': if (bnn_cli_parse_int("--max-simd", optarg, 1, 8192, &v)) return 2; o.max_simd = (int32_t)v; break;
        case 'F': o.size_fifos = 0; break;
        case 'p': pareto = 1; break;
        case 'k':
            if (sscanf(optarg, "%d/%d", &shard, &n_shards) != 2 || n_shards < 1 || shard < 0 || shard >= n_shards)
                return bnn_cli_usage_error("--shard: expected i/n with 0 <= i < n, got '%s'", optarg);
            break;
        case 'm': merge = 1; break;
        case 'v': csv = optarg; break;
        case 'g': png = optarg; break;
        case 'o': out = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    struct bnn_device dev;
    enum bnn_status st;
    if ((st = bnn_device_load(dev_name, &dev))) return bnn_cli_fail(st);
    o.hw.clock_mhz = clock > 0 ? clock : dev.clock_mhz;
    if (merge) { /* the remaining arguments are shard files */
        if (optind >= argc) return bnn_cli_usage_error("--merge needs the shard JSON files");
        struct bnn_dse_point *pts = NULL;
        int32_t np = 0, layers = 0;
        for (int a = optind; a < argc; a++) {
            json_error_t je;
            if (bnn__check_regular(argv[a])) return bnn_cli_fail(bnn__last_status());
            json_t *doc = json_load_file(argv[a], 0, &je);
            json_t *arr = doc ? json_object_get(doc, "points") : NULL;
            if (!json_is_array(arr)) {
                json_decref(doc);
                free(pts);
                return bnn_cli_fail(bnn_error(BNN_ERR_PARSE, "%s: not a dse --pareto JSON (%s)", argv[a], doc ? "no points" : je.text));
            }
            struct bnn_dse_point *np2 = realloc(pts, (size_t)(np + json_array_size(arr) + 1) * sizeof *pts);
            if (!np2) { free(pts); json_decref(doc); return bnn_cli_fail(BNN_ERR_NOMEM); }
            pts = np2;
            size_t i;
            json_t *p;
            json_array_foreach(arr, i, p) {
                struct bnn_dse_point *q = &pts[np++];
                memset(q, 0, sizeof *q);
                q->fps = json_number_value(json_object_get(p, "fps"));
                q->cycles = json_integer_value(json_object_get(p, "cycles"));
                q->lut = json_number_value(json_object_get(p, "LUT"));
                q->bram18 = json_number_value(json_object_get(p, "BRAM_18K"));
                q->ff = json_number_value(json_object_get(p, "FF"));
                q->dsp = json_number_value(json_object_get(p, "DSP"));
                q->fits = json_is_true(json_object_get(p, "fits"));
                json_t *pe = json_object_get(p, "PE"), *sd = json_object_get(p, "SIMD");
                layers = (int32_t)json_array_size(pe) < 64 ? (int32_t)json_array_size(pe) : 64;
                for (int32_t j = 0; j < layers; j++) {
                    q->pe[j] = (int32_t)json_integer_value(json_array_get(pe, j));
                    q->simd[j] = (int32_t)json_integer_value(json_array_get(sd, j));
                }
            }
            json_decref(doc);
        }
        np = bnn_dse_prune(pts, np);
        json_t *doc = json_pack("{s:s,s:i,s:o}", "device", dev.name, "merged", argc - optind, "points", points_json(pts, np, layers));
        char *text = bnn_cli_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        json_decref(doc);
        st = out ? bnn_file_write_atomic(out, text, strlen(text)) : BNN_OK;
        if (!out) printf("%s\n", text);
        free(text);
        if (!st && csv) st = write_csv(csv, pts, np, layers);
        if (!st && png) st = write_png(png, pts, np, &dev);
        free(pts);
        return st ? bnn_cli_fail(st) : 0;
    }
    if (optind < argc) return bnn_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!net_path) return bnn_cli_usage_error("--net is required");
    if (!pareto && !(fps > 0)) return bnn_cli_usage_error("--target-fps is required (or --pareto)");
    struct bnn_net *net = NULL;
    int rc = bnn_cli_open(net_path, NULL, 0, &net, NULL, NULL);
    if (rc) return rc;
    rc = 1;
    if (pareto) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        struct bnn_dse_point *pts = NULL;
        int32_t np = 0;
        if ((st = bnn_dse_pareto(net, &dev, &o, shard, n_shards, &pts, &np))) { rc = bnn_cli_fail(st); goto out; }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        int32_t layers = 0;
        for (int32_t i = 0; i < net->n_layers; i++)
            layers += net->layers[i].kind == BNN_LAYER_CONV || net->layers[i].kind == BNN_LAYER_FC;
        json_t *doc = json_pack("{s:s,s:s,s:s,s:f,s:s,s:i,s:i,s:f,s:o}", "network", net->name, "device", dev.name, "style",
                                o.hw.style == BNN_STYLE_FINN ? "finn" : "paper", "clock_mhz", o.hw.clock_mhz, "estimate",
                                "FPS from the slowest layer's cycles; resources with depth-2 FIFOs (not sized)", "shard",
                                shard, "shards", n_shards, "seconds",
                                (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), "points",
                                points_json(pts, np, layers));
        char *text = bnn_cli_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        json_decref(doc);
        st = out ? bnn_file_write_atomic(out, text, strlen(text)) : BNN_OK;
        if (json && !out) printf("%s\n", text);
        else if (!st) {
            printf("Pareto front of %s on %s (%s style, %.0f MHz): %d points\n%12s %10s %9s %7s  PE x SIMD per layer\n",
                   net->name, dev.name, o.hw.style == BNN_STYLE_FINN ? "FINN" : "paper", o.hw.clock_mhz, np, "FPS", "LUT",
                   "BRAM36", "fits");
            for (int32_t i = 0; i < np; i++) {
                printf("%12.0f %10.0f %9.1f %7s ", pts[i].fps, pts[i].lut, pts[i].bram18 / 2, pts[i].fits ? "yes" : "no");
                for (int32_t j = 0; j < layers; j++) printf(" %dx%d", pts[i].pe[j], pts[i].simd[j]);
                printf("\n");
            }
        }
        free(text);
        if (!st && csv) st = write_csv(csv, pts, np, layers);
        if (!st && png) st = write_png(png, pts, np, &dev);
        free(pts);
        if (st) { rc = bnn_cli_fail(st); goto out; }
        rc = 0;
        goto out;
    }
    o.target_fps = fps;
    struct bnn_dse_result r, rf;
    memset(&rf, 0, sizeof rf);
    if ((st = bnn_dse_run(net, &dev, &o, &r))) { rc = bnn_cli_fail(st); goto out; }
    if (compare) {
        struct bnn_dse_options of = o;
        of.strategy = o.strategy == BNN_DSE_FINN ? BNN_DSE_CHEAPEST : BNN_DSE_FINN;
        if ((st = bnn_dse_run(net, &dev, &of, &rf))) { rc = bnn_cli_fail(st); bnn_dse_result_free(&r); goto out; }
    }
    if (out && (st = bnn_fold_save(r.fold, net, out))) {
        rc = bnn_cli_fail(st);
    } else {
        if (json) {
            json_t *doc = json_object();
            const struct bnn_dse_result *rs[2] = {&r, &rf};
            for (int k = 0; k < (compare ? 2 : 1); k++) {
                const struct bnn_dse_result *x = rs[k];
                json_t *f = json_array();
                for (int32_t j = 0; j < x->fold->n; j++)
                    json_array_append_new(f, json_pack("{s:s,s:i,s:i,s:I}", "layer", net->layers[x->fold->layers[j].layer].name,
                                                       "PE", x->fold->layers[j].pe, "SIMD", x->fold->layers[j].simd, "cycles",
                                                       (json_int_t)bnn_dse_layer_cycles(net, x->fold->layers[j].layer,
                                                                                        x->fold->layers[j].pe, x->fold->layers[j].simd, &o.hw)));
                int finn = (k == 0) == (o.strategy == BNN_DSE_FINN);
                json_object_set_new(doc, finn ? "finn" : "cheapest",
                                    json_pack("{s:b,s:b,s:I,s:I,s:f,s:f,s:{s:f,s:f,s:f,s:f,s:f},s:s,s:o}", "reached", x->reached,
                                              "fits", x->fits, "target_cycles", (json_int_t)x->target_cycles, "max_layer_cycles",
                                              (json_int_t)x->max_layer_cycles, "sim_ii_cycles", x->sim_ii, "sim_fps", x->sim_fps,
                                              "total", "LUT", x->total.lut, "FF", x->total.ff, "BRAM_18K", x->total.bram18,
                                              "URAM", x->total.uram, "DSP", x->total.dsp, "why", x->why, "layers", f));
            }
            char *text = bnn_cli_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
            json_decref(doc);
            printf("%s\n", text);
            free(text);
        } else {
            printf("dse for %s on %s at %.0f MHz, %s style, target %.0f FPS\n\n", net->name, dev.name, o.hw.clock_mhz,
                   o.hw.style == BNN_STYLE_FINN ? "FINN" : "paper", fps);
            report_one(o.strategy == BNN_DSE_FINN ? "FINN SetFolding" : "cheapest", &r, net, o.hw.clock_mhz);
            if (compare) report_one(o.strategy == BNN_DSE_FINN ? "cheapest" : "FINN SetFolding", &rf, net, o.hw.clock_mhz);
            if (out) printf("\nwritten: %s (FINN folding JSON with FIFO depths)\n", out);
        }
        rc = 0;
    }
    bnn_dse_result_free(&r);
    bnn_dse_result_free(&rf);
out:
    bnn_net_free(net);
    return rc;
}
