/* bnnsim perf: the folded pipeline, cycle by cycle. */
#include <getopt.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cli/perf-report.h"

static const char help[] =
    "Usage: bnnsim perf --net NET.json [--fold FOLD] [options]\n"
    "\n"
    "Builds the streaming pipeline FINN would build for the folded network (one node\n"
    "per sliding window, MVAU, pool, width converter, with a FIFO on every edge) and\n"
    "simulates it cycle by cycle under valid/ready back-pressure. Prints, per node,\n"
    "FINN's analytic cycles beside the simulated busy and stall cycles, every FIFO's\n"
    "depth and peak occupancy, and the pipeline's initiation interval, frame rate,\n"
    "first-frame latency and bottleneck, next to FINN's own estimate.\n"
    "\n"
    "FOLD is a FINN folding JSON (MVAU_hls_N, ConvolutionInputGenerator_rtl_N,\n"
    "StreamingFIFO_rtl_N {\"depth\": D}, \"Defaults\", ...) or a BNN-PYNQ config.h\n"
    "(#define L0_SIMD ...); the format is detected from the content.\n"
    "\n"
    "Options:\n"
    "  --net FILE             network: NET.json (NET.npz beside it) or a FINN/QONNX MODEL.onnx\n"
    "  --fold FILE            folding config (FINN JSON or BNN-PYNQ config.h); an ONNX\n"
    "                         model with FINN HW layers carries its own\n"
    "  --style S              finn (default): today's FINN compiler pipeline;\n"
    "                         paper: the FPGA'17 prototypes (2017 sliding-window\n"
    "                         unit, engines joined by ping-pong frame buffers)\n"
    "  --swg S                FINN style sliding windows: rtl (default) or hls\n"
    "  --clock-mhz F          clock (default 200)\n"
    "  --frames N             the most frames to simulate (default 4096). The run\n"
    "                         stops at the steady state: the pipeline state repeats\n"
    "                         exactly (the II is its period), or the mean II of two\n"
    "                         successive windows of 16, 32, 64, ... frames agrees to\n"
    "                         0.01 %; the report says which and how many frames\n"
    "  --dma-bytes-per-cycle B  sustained DMA bandwidth, shared by input and\n"
    "                         output (default 8: a 64-bit port every cycle)\n"
    "  --dma-burst N          DMA words moved at full rate after idling (default 16)\n"
    "  --fifo-depth D         depth of FIFOs the config does not set (default 2)\n"
    "  --size-fifos           find the smallest FIFO depths that keep the frame rate\n"
    "                         of unbounded FIFOs, check them by simulating again\n"
    "  -o FILE                with --size-fifos: write the folding with the FIFO\n"
    "                         depths (StreamingFIFO_rtl_N) as FINN JSON\n"
    "  --write-fold FILE      write the folding as FINN JSON (as read, resolved)\n"
    "  --write-config-h FILE  write the folding as BNN-PYNQ config.h\n"
    "  --plot FILE            picture of the first --trace-frames frames: a lane per\n"
    "                         node (busy, stalled on input/output, idle) and per FIFO\n"
    "                         (occupancy), time in cycles and us; .png, .svg or .pdf\n"
    "                         (--png is the same option)\n"
    "  --trace-frames N       frames in the picture (default 2)\n"
    "  --every-cycle          step every cycle even once the whole pipeline state\n"
    "                         repeats exactly (by default such periods are added\n"
    "                         in one go; the results are the same, only slower)\n"
    "  --vcd FILE             the first --vcd-frames frames as a VCD waveform for GTKWave:\n"
    "                         per node NAME.state (0 idle, 1 busy, 2 stalled on input,\n"
    "                         3 on output), per FIFO NAME.count, .valid and .ready\n"
    "  --vcd-frames N         frames in the waveform (default 2)\n"
    "  --report-dir DIR       also write what a FINN build writes, with FINN's file\n"
    "                         names and keys: estimate_layer_cycles.json,\n"
    "                         estimate_network_performance.json,\n"
    "                         estimate_layer_resources.json, rtlsim_performance.json\n"
    "                         (the simulation) and final_hw_config.json (the folding\n"
    "                         with every FIFO depth; --fold reads it back)\n"
    "  --json                 one JSON document (keys: throughput_fps, latency_us,\n"
    "                         ii_cycles, layers[].name/.cycles, fifos[],\n"
    "                         estimate_layer_cycles, estimate_network_performance)\n"
    "  -h, --help             this text\n"
    "\n"
    "Examples:\n"
    "  bnnsim perf --net data/cnv.json --fold data/cnv-fix.fold.json\n"
    "  bnnsim perf --net data/cnv.json --fold data/cnv-max.fold.json --style paper\n"
    "  bnnsim perf --net data/cnv.json --fold data/cnv-fix.fold.json --size-fifos -o sized.json\n"
    "  bnnsim perf --net data/tfc.json --fold data/tfc-pynq.fold.json --size-fifos --report-dir report\n";

static int parse_double(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !(v >= lo && v <= hi))
        return bnn_cli_usage_error("%s: expected a number %g..%g, got '%s'", opt, lo, hi, s);
    *out = v;
    return 0;
}

int bnn_cmd_perf(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},         {"fold", required_argument, 0, 'f'},
        {"style", required_argument, 0, 's'},       {"swg", required_argument, 0, 'w'},
        {"clock-mhz", required_argument, 0, 'c'},   {"frames", required_argument, 0, 'F'},
        {"dma-bytes-per-cycle", required_argument, 0, 'B'}, {"dma-burst", required_argument, 0, 'b'},
        {"fifo-depth", required_argument, 0, 'd'},  {"size-fifos", no_argument, 0, 'S'},
        {"write-fold", required_argument, 0, 'W'},  {"write-config-h", required_argument, 0, 'C'},
        {"png", required_argument, 0, 'p'},         {"plot", required_argument, 0, 'p'},         {"trace-frames", required_argument, 0, 't'},
        {"json", no_argument, 0, 'j'},              {"help", no_argument, 0, 'h'},
        {"every-cycle", no_argument, 0, 'E'},       {"report-dir", required_argument, 0, 'R'},
        {"vcd", required_argument, 0, 'V'},         {"vcd-frames", required_argument, 0, 'v'},
        {0, 0, 0, 0}};
    const char *net_path = NULL, *fold_path = NULL, *out_path = NULL, *png = NULL, *wfold = NULL, *wconf = NULL;
    const char *report_dir = NULL, *vcd = NULL;
    long vcd_frames = 2;
    int json = 0, size = 0, every_cycle = 0, swg = -1;
    long frames = 4096, trace_frames = 2, v;
    struct bnn_hw_options ho;
    bnn_hw_options_default(&ho);
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1;) {
        switch (c) {
        case 'n': net_path = optarg; break;
        case 'f': fold_path = optarg; break;
        case 's':
            if (bnn_cli_parse_style(optarg, &ho)) return 2;
            break;
        case 'w': /* applied after the loop, so that --style in either order keeps it */
            if (!strcmp(optarg, "rtl")) swg = BNN_SWG_RTL;
            else if (!strcmp(optarg, "hls")) swg = BNN_SWG_HLS;
            else if (!strcmp(optarg, "2017")) swg = BNN_SWG_2017;
            else return bnn_cli_usage_error("--swg: expected rtl, hls or 2017, got '%s'", optarg);
            break;
        case 'c': if (parse_double("--clock-mhz", optarg, 1e-3, 1e5, &ho.clock_mhz)) return 2; break;
        case 'F': if (bnn_cli_parse_int("--frames", optarg, 1, 1 << 24, &frames)) return 2; break;
        case 'B': if (parse_double("--dma-bytes-per-cycle", optarg, 1e-6, 1e6, &ho.dma_bytes_per_cycle)) return 2; break;
        case 'b': if (bnn_cli_parse_int("--dma-burst", optarg, 1, 1 << 20, &v)) return 2; ho.dma_burst_words = (int32_t)v; break;
        case 'd': if (bnn_cli_parse_int("--fifo-depth", optarg, 1, 1 << 24, &v)) return 2; ho.fifo_depth = (int32_t)v; break;
        case 'S': size = 1; break;
        case 'W': wfold = optarg; break;
        case 'C': wconf = optarg; break;
        case 'p': png = optarg; break;
        case 't': if (bnn_cli_parse_int("--trace-frames", optarg, 1, 1000, &trace_frames)) return 2; break;
        case 'o': out_path = optarg; break;
        case 'j': json = 1; break;
        case 'E': every_cycle = 1; break;
        case 'R': report_dir = optarg; break;
        case 'V': vcd = optarg; break;
        case 'v': if (bnn_cli_parse_int("--vcd-frames", optarg, 1, 4096, &vcd_frames)) return 2; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return bnn_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!net_path) return bnn_cli_usage_error("--net is required");
    if (out_path && !size) return bnn_cli_usage_error("-o writes the sized FIFOs: it needs --size-fifos");
    if (swg >= 0) ho.swg = (enum bnn_swg_impl)swg;
    if (png && bnn_plot_check_path(png)) return bnn_cli_usage_error("--plot: %s", bnn_last_error());

    struct bnn_net *net = NULL;
    struct bnn_fold *fold = NULL;
    struct bnn_perf pf = {0};
    json_t *doc = NULL;
    char *text = NULL;
    int rc = 1;
    enum bnn_status st;
    if ((rc = bnn_cli_open(net_path, fold_path, 1, &net, &fold, &fold_path))) goto done;
    rc = 1;
    if (swg < 0 && fold->swg_hls && ho.style == BNN_STYLE_FINN) ho.swg = BNN_SWG_HLS;
    struct bnn_fifo_sizing fs = {0};
    if (size) {
        struct bnn_hw_pipeline *p;
        if ((st = bnn_cli_hw_build(net, fold, &ho, fold_path, &p))) { rc = bnn_cli_fail(st); goto done; }
        if (!json && !bnn_cli_quiet) fprintf(stderr, "sizing %d FIFOs ...\n", p->n_links);
        st = bnn_hw_size_fifos(p, (int32_t)(frames < 64 ? frames : 64), &fs);
        if (!st) st = bnn_hw_store_fifos(p, fold);
        bnn_hw_free(p);
        if (st) { rc = bnn_cli_fail(st); goto done; }
    }
    struct bnn_sim_options so = {.frames = (int32_t)frames, .trace_bins = 1200, .every_cycle = every_cycle, .converge = 1};
    if (png) {
        /* trace the first frames: run once to learn their span */
        struct bnn_perf probe;
        struct bnn_sim_options po = so;
        po.frames = (int32_t)trace_frames;
        po.converge = 0;
        if ((st = bnn_cli_perf_run(net, fold, fold_path, &ho, &po, &probe))) { rc = bnn_cli_fail(st); goto done; }
        so.trace_cycles = probe.r->cycles;
        if (so.frames < trace_frames) so.frames = (int32_t)trace_frames;
        bnn_cli_perf_free(&probe);
    }
    if ((st = bnn_cli_perf_run(net, fold, fold_path, &ho, &so, &pf))) { rc = bnn_cli_fail(st); goto done; }
    if (png && (st = bnn_hw_timeline_plot(pf.p, pf.r, png))) { rc = bnn_cli_fail(st); goto done; }
    if (wfold && (st = bnn_fold_save(fold, net, wfold))) { rc = bnn_cli_fail(st); goto done; }
    if (wconf && (st = bnn_fold_save_config_h(fold, net, wconf))) { rc = bnn_cli_fail(st); goto done; }
    if (out_path && (st = bnn_fold_save(fold, net, out_path))) { rc = bnn_cli_fail(st); goto done; }
    if (vcd) {
        struct bnn_sim_result *vr = NULL;
        st = bnn_hw_simulate_vcd(pf.p, (int32_t)vcd_frames, vcd, &vr);
        bnn_sim_result_free(vr);
        if (st) { rc = bnn_cli_fail(st); goto done; }
    }
    if (report_dir) {
        struct bnn_resource_report *res = NULL;
        if (!(st = bnn_hw_resources(pf.p, net, fold, &res)))
            st = bnn_finn_reports_write(report_dir, net, fold, pf.p, &pf.est, pf.r, res);
        bnn_resource_report_free(res);
        if (st) { rc = bnn_cli_fail(st); goto done; }
    }
    if (json) {
        doc = bnn_cli_perf_json(net, &pf);
        if (size)
            json_object_set_new(doc, "fifo_sizing",
                                json_pack("{s:f,s:f,s:I,s:I,s:i}", "ii_unbounded", fs.ii_unbounded, "ii_sized",
                                          fs.ii_sized, "total_depth_before", (json_int_t)fs.total_depth_before,
                                          "total_depth_after", (json_int_t)fs.total_depth_after, "simulations",
                                          fs.simulations));
        text = bnn_cli_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (!text) { rc = bnn_cli_fail(BNN_ERR_NOMEM); goto done; }
        printf("%s\n", text);
    } else {
        text = bnn_cli_perf_text(net, &pf, 1);
        if (!text) { rc = bnn_cli_fail(BNN_ERR_NOMEM); goto done; }
        fputs(text, stdout);
        if (size)
            printf("FIFO sizing: II %.1f with unbounded FIFOs, %.1f with the sized ones; total depth %lld -> %lld "
                   "(%d simulations)%s%s\n", fs.ii_unbounded, fs.ii_sized, (long long)fs.total_depth_before,
                   (long long)fs.total_depth_after, fs.simulations, out_path ? "; written to " : "", out_path ? out_path : "");
    }
    rc = pf.r->deadlock ? 1 : 0;
    if (pf.r->deadlock) fprintf(stderr, "bnnsim: %s\n", pf.r->deadlock_report);
done:
    free(text);
    json_decref(doc);
    bnn_cli_perf_free(&pf);
    bnn_fold_free(fold);
    bnn_net_free(net);
    return rc;
}
