/* bnnsim dse: the cheapest folding for a frame rate, FINN's SetFolding as the
 * baseline, and the Pareto front of throughput against LUT and BRAM. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/dse-out.h"
#include "cli/perf-report.h"
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
    "  --plot FILE         with --pareto/--merge: LUT and BRAM_18K against frames/s\n"
    "                      (log-log) with the device's limits; .png, .svg or .pdf\n"
    "                      (--png is the same option); with --target-fps the folding\n"
    "                      chosen for it is marked\n"
    "  --paper             on the plot, also the FPGA'17 paper's prototypes of this\n"
    "                      network (data/paper-prototypes.json: cnv, lfc, sfc)\n"
    "  -o FILE             the folding (single target) or the front (--pareto) as JSON\n"
    "  --report-dir DIR    with --target-fps: FINN's report files for the folding found\n"
    "                      (as `bnnsim perf --report-dir`: estimate_*.json,\n"
    "                      rtlsim_performance.json, final_hw_config.json)\n"
    "  --json              print JSON\n"
    "  -h, --help          this text\n"
    "\n"
    "Examples:\n"
    "  bnnsim dse --net data/cnv.json --device zc706 --target-fps 9000 --style paper -o cnv-9k.json\n"
    "  bnnsim dse --net data/cnv.json --pareto --plot front.svg --csv front.csv --target-fps 9000 --paper\n"
    "\n"
    "Exit status: 0 when the target is reached on the device, 3 when it is not (the\n"
    "reason is printed, and in --json as \"why\" beside \"reached\": false), 1 on an\n"
    "error, 2 on a usage error.\n";

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

/* FINN's report files for the folding found: simulated as `perf` does */
static enum bnn_status write_reports(const char *dir, const struct bnn_net *net, const struct bnn_dse_result *r,
                                     const struct bnn_dse_options *o)
{
    struct bnn_perf pf;
    struct bnn_sim_options so = {.frames = 4096, .converge = 1};
    enum bnn_status st = bnn_cli_perf_run(net, r->fold, "dse", &o->hw, &so, &pf);
    if (st) return st;
    struct bnn_resource_report *res = NULL;
    if (!(st = bnn_hw_resources(pf.p, net, r->fold, &res))) st = bnn_finn_reports_write(dir, net, r->fold, pf.p, &pf.est, pf.r, res);
    bnn_resource_report_free(res);
    bnn_cli_perf_free(&pf);
    return st;
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
        {"report-dir", required_argument, 0, 'R'}, {"paper", no_argument, 0, 'P'},
        {"plot", required_argument, 0, 'g'},       {0, 0, 0, 0}};
    const char *net_path = NULL, *dev_name = "zc706", *out = NULL, *csv = NULL, *png = NULL, *report_dir = NULL;
    double fps = 0, clock = 0;
    int json = 0, pareto = 0, merge = 0, compare = 0, shard = 0, n_shards = 1, dev_given = 0, paper = 0;
    long v;
    struct bnn_dse_options o;
    bnn_dse_options_default(&o);
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1;) {
        char *end;
        switch (c) {
        case 'n': net_path = optarg; break;
        case 'd': dev_name = optarg, dev_given = 1; break;
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
        case 'R': report_dir = optarg; break;
        case 'P': paper = 1; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    struct bnn_device dev;
    enum bnn_status st;
    if (png && bnn_plot_check_path(png)) return bnn_cli_usage_error("--plot: %s", bnn_last_error());
    if (merge) { /* the remaining arguments are shard files */
        if (optind >= argc) return bnn_cli_usage_error("--merge needs the shard JSON files");
        st = bnn_cli_dse_merge((const char *const *)argv + optind, argc - optind, dev_given ? dev_name : NULL, out, csv, png,
                               fps, paper);
        return st ? bnn_cli_fail(st) : 0;
    }
    if ((st = bnn_device_load(dev_name, &dev))) return bnn_cli_fail(st);
    o.hw.clock_mhz = clock > 0 ? clock : dev.clock_mhz;
    if (optind < argc) return bnn_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!net_path) return bnn_cli_usage_error("--net is required");
    if (!pareto && !(fps > 0)) return bnn_cli_usage_error("--target-fps is required (or --pareto)");
    if (report_dir && pareto) return bnn_cli_usage_error("--report-dir reports one folding: use it with --target-fps");
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
        json_t *doc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,s:s,s:i,s:i,s:f,s:o}", "network", net->name, "device", dev.name,
                                "device_file", dev_name, "net_file", bnn__basename_cli(net_path), "style", o.hw.style == BNN_STYLE_FINN ? "finn" : "paper",
                                "clock_mhz", o.hw.clock_mhz, "estimate",
                                "FPS from the slowest layer's cycles; resources with depth-2 FIFOs (not sized)", "shard",
                                shard, "shards", n_shards, "seconds",
                                (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), "points",
                                bnn_cli_dse_points_json(pts, np, layers));
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
        if (!st && csv) st = bnn_cli_dse_write_csv(csv, pts, np, layers);
        if (!st && png) st = bnn_cli_dse_plot(png, pts, np, &dev, net->name, o.hw.clock_mhz, fps,
                                                paper ? bnn__basename_cli(net_path) : NULL);
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
    if ((out && (st = bnn_fold_save(r.fold, net, out))) || (report_dir && (st = write_reports(report_dir, net, &r, &o)))) {
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
            if (report_dir) printf("FINN's report files: %s/\n", report_dir);
        }
        rc = r.reached && r.fits ? 0 : 3; /* scripts tell an unmet target from an error */
    }
    bnn_dse_result_free(&r);
    bnn_dse_result_free(&rf);
out:
    bnn_net_free(net);
    return rc;
}
