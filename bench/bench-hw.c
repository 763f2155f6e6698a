/* Benchmark of the hardware wing, measured side by side in one run:
 *  1. the paper's six ZC706 prototypes: measured FPS and latency beside
 *     bnnsim's cycle model and FINN's analytic estimate;
 *  2. simulator speed on CNV, 1000 frames: stepping every cycle versus the
 *     exact steady-state fast-forward, in node-cycles per second;
 *  3. FIFO sizing on CNV: time and simulations.
 * Run from the repository root (make bench). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bnnsim/bnnsim.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int die(const char *what)
{
    fprintf(stderr, "bench-hw: %s: %s\n", what, bnn_last_error());
    return 1;
}

static int load(const char *net_name, const char *fold_name, struct bnn_net **net, struct bnn_fold **fold)
{
    char a[256], b[256];
    snprintf(a, sizeof a, "data/%s", net_name);
    snprintf(b, sizeof b, "data/%s", fold_name);
    if (bnn_net_load(a, net)) return die(a);
    if (bnn_fold_load(b, *net, fold)) return die(b);
    return 0;
}

static int prototypes(void)
{
    json_error_t je;
    json_t *doc = json_load_file("data/paper-prototypes.json", 0, &je);
    if (!doc) {
        fprintf(stderr, "bench-hw: data/paper-prototypes.json: %s\n", je.text);
        return 1;
    }
    printf("1. The FPGA'17 paper's prototypes on ZC706 at %.0f MHz: measured (paper, Table 3) vs bnnsim's\n"
           "   cycle model (paper style: 2017 sliding-window unit, engines joined by ping-pong buffers,\n"
           "   DMA %.2f B/cycle) vs the analytic model of the paper and FINN (FPS = clock / max_l F_l over the\n"
           "   matrix layers, latency = sum_l F_l, no overlap)\n\n",
           json_number_value(json_object_get(doc, "clock_mhz")), json_number_value(json_object_get(doc, "dma_bytes_per_cycle")));
    printf("   %-8s %11s %11s %7s %11s %7s | %9s %9s %7s %9s %7s\n", "design", "paper FPS", "model FPS", "error",
           "max-F FPS", "error", "paper us", "model us", "error", "sum-F us", "error");
    size_t i;
    json_t *it;
    double worst_f = 0, worst_l = 0;
    json_array_foreach(json_object_get(doc, "prototypes"), i, it) {
        struct bnn_net *net;
        struct bnn_fold *fold;
        if (load(json_string_value(json_object_get(it, "net")), json_string_value(json_object_get(it, "fold")), &net, &fold))
            return 1;
        struct bnn_hw_options o;
        bnn_hw_options_default(&o);
        o.style = BNN_STYLE_PAPER;
        o.swg = BNN_SWG_2017;
        o.clock_mhz = json_number_value(json_object_get(doc, "clock_mhz"));
        o.dma_bytes_per_cycle = json_number_value(json_object_get(doc, "dma_bytes_per_cycle"));
        struct bnn_hw_pipeline *p;
        if (bnn_hw_build(net, fold, &o, "bench", &p)) return die("build");
        struct bnn_sim_options so = {.frames = (int32_t)json_integer_value(json_object_get(it, "frames")), .trace_bins = 1000};
        struct bnn_sim_result *r;
        if (bnn_hw_simulate(p, &so, &r)) return die("simulate");
        /* the analytic model of the paper and FINN: slowest MVAU, no-overlap sum */
        int64_t maxf = 0, sumf = 0;
        for (int32_t j = 0; j < fold->n; j++) {
            int64_t f = bnn_fold_layer_cycles(net, &fold->layers[j]);
            sumf += f;
            if (f > maxf) maxf = f;
        }
        struct bnn_hw_estimate e = {.estimated_throughput_fps = o.clock_mhz * 1e6 / (double)maxf,
                                    .estimated_latency_ns = 1000.0 * (double)sumf / o.clock_mhz};
        double fps = json_number_value(json_object_get(it, "fps")), lat = json_number_value(json_object_get(it, "latency_us"));
        double ef = r->throughput_fps / fps - 1, el = r->latency_us / lat - 1;
        if (fabs(ef) > worst_f) worst_f = fabs(ef);
        if (fabs(el) > worst_l) worst_l = fabs(el);
        printf("   %-8s %11.0f %11.0f %+6.2f%% %11.0f %+6.1f%% | %9.2f %9.2f %+6.2f%% %9.2f %+6.0f%%\n",
               json_string_value(json_object_get(it, "name")), fps, r->throughput_fps, 100 * ef, e.estimated_throughput_fps,
               100 * (e.estimated_throughput_fps / fps - 1), lat, r->latency_us, 100 * el, e.estimated_latency_ns / 1000,
               100 * (e.estimated_latency_ns / 1000 / lat - 1));
        bnn_sim_result_free(r);
        bnn_hw_free(p);
        bnn_fold_free(fold);
        bnn_net_free(net);
    }
    printf("\n   worst model error: FPS %.2f %% (goal 1 %%), latency %.2f %% (goal 5 %%)\n", 100 * worst_f, 100 * worst_l);
    printf("   The CNV rates sit below clock / max F because the 2017 SWU stores a whole input frame before it\n"
           "   emits windows and is not double-buffered: II = 1024 + F_L0 (docs/hardware-model.md).\n\n");
    json_decref(doc);
    return 0;
}

struct speed_case {
    const char *label, *fold;
    enum bnn_style style;
    int sized;
};

static int speed(void)
{
    printf("2. Simulator speed: CNV, 1000 frames (best of 3 runs each)\n\n");
    printf("   %-44s %10s %10s %12s %14s %10s\n", "pipeline", "cycles", "default", "every cycle", "node-cycles/s",
           "fast-fwd");
    static const struct speed_case cases[] = {
        {"CNV-fix, FINN style, depth-2 FIFOs", "cnv-fix.fold.json", BNN_STYLE_FINN, 0},
        {"CNV-fix, FINN style, sized FIFOs", "cnv-fix.fold.json", BNN_STYLE_FINN, 1},
        {"CNV-fix, paper style", "cnv-fix.fold.json", BNN_STYLE_PAPER, 0},
        {"CNV-max, paper style", "cnv-max.fold.json", BNN_STYLE_PAPER, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        struct bnn_net *net;
        struct bnn_fold *fold;
        if (load("cnv.json", cases[c].fold, &net, &fold)) return 1;
        struct bnn_hw_options o;
        bnn_hw_options_default(&o);
        o.style = cases[c].style;
        o.swg = cases[c].style == BNN_STYLE_PAPER ? BNN_SWG_2017 : BNN_SWG_RTL;
        struct bnn_hw_pipeline *p;
        if (bnn_hw_build(net, fold, &o, "bench", &p)) return die("build");
        if (cases[c].sized) {
            struct bnn_fifo_sizing fs;
            if (bnn_hw_size_fifos(p, 8, &fs)) return die("size");
        }
        double best[2] = {1e9, 1e9};
        int64_t cycles = 0, node_cycles = 0, skipped = 0;
        for (int rep = 0; rep < 3; rep++)
            for (int ff = 0; ff < 2; ff++) {
                struct bnn_sim_options so = {.frames = 1000, .trace_bins = 1000, .every_cycle = !ff};
                struct bnn_sim_result *r;
                double t0 = now_s();
                if (bnn_hw_simulate(p, &so, &r)) return die("simulate");
                double t = now_s() - t0;
                if (t < best[ff]) best[ff] = t;
                cycles = r->cycles;
                node_cycles = r->node_cycles;
                if (ff) skipped = r->skipped_cycles;
                bnn_sim_result_free(r);
            }
        double fast = skipped ? best[1] : best[0];
        printf("   %-44s %10lld %9.3fs %11.3fs %14.3g %9.1f%%\n", cases[c].label, (long long)cycles, fast, best[0],
               (double)node_cycles / best[0], 100.0 * (double)skipped / (double)cycles);
        bnn_hw_free(p);
        bnn_fold_free(fold);
        bnn_net_free(net);
    }
    printf("\n   default: exact fast-forward once the pipeline state repeats;\n"
           "   every cycle: --every-cycle; node-cycles/s: nodes x cycles / time, stepping every cycle;\n"
           "   fast-fwd: share of cycles added as exact repeats of a period.\n\n");
    return 0;
}

static int sizing(void)
{
    struct bnn_net *net;
    struct bnn_fold *fold;
    if (load("cnv.json", "cnv-fix.fold.json", &net, &fold)) return 1;
    struct bnn_hw_options o;
    bnn_hw_options_default(&o);
    struct bnn_hw_pipeline *p;
    if (bnn_hw_build(net, fold, &o, "bench", &p)) return die("build");
    struct bnn_sim_options so = {.frames = 16, .trace_bins = 1000};
    struct bnn_sim_result *r;
    if (bnn_hw_simulate(p, &so, &r)) return die("simulate");
    double ii2 = r->ii_cycles;
    bnn_sim_result_free(r);
    struct bnn_fifo_sizing fs;
    double t0 = now_s();
    if (bnn_hw_size_fifos(p, 8, &fs)) return die("size");
    double t = now_s() - t0;
    printf("3. FIFO sizing, CNV-fix (FINN style, %d FIFOs): II %.0f cycles with depth-2 FIFOs, %.0f unbounded,\n"
           "   %.0f with the sized depths (total %lld words, from %lld); %d simulations in %.2f s\n\n",
           p->n_links, ii2, fs.ii_unbounded, fs.ii_sized, (long long)fs.total_depth_after,
           (long long)fs.total_depth_before, fs.simulations, t);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
    return 0;
}

static int resources(void)
{
    json_error_t je;
    json_t *doc = json_load_file("data/paper-prototypes.json", 0, &je);
    if (!doc) return 1;
    static const double lut[6] = {91131, 82988, 46253, 5155, 5636, 29274}, bram[6] = {4.5, 396, 186, 16, 114.5, 152.5};
    printf("4. Resources of the prototypes (paper style) against the paper's Table 3\n\n"
           "   %-8s %9s %9s %7s %9s %9s %7s\n", "design", "paper LUT", "model", "error", "paper BRAM", "model", "error");
    size_t i;
    json_t *it;
    double wl = 0, wb = 0;
    char met[256] = "";
    json_array_foreach(json_object_get(doc, "prototypes"), i, it) {
        struct bnn_net *net;
        struct bnn_fold *fold;
        if (load(json_string_value(json_object_get(it, "net")), json_string_value(json_object_get(it, "fold")), &net, &fold))
            return 1;
        struct bnn_hw_options o;
        bnn_hw_options_default(&o);
        o.style = BNN_STYLE_PAPER;
        o.swg = BNN_SWG_2017;
        struct bnn_hw_pipeline *p;
        struct bnn_resource_report *r;
        if (bnn_hw_build(net, fold, &o, "bench", &p) || bnn_hw_resources(p, net, fold, &r)) return die("resources");
        double el = r->total.lut / lut[i] - 1, eb = r->total.bram18 / 2 / bram[i] - 1;
        wl = fabs(el) > wl ? fabs(el) : wl;
        wb = fabs(eb) > wb ? fabs(eb) : wb;
        if (fabs(eb) <= 0.05)
            snprintf(met + strlen(met), sizeof met - strlen(met), "%s%s", met[0] ? ", " : "",
                     json_string_value(json_object_get(it, "name")));
        printf("   %-8s %9.0f %9.0f %+6.1f%% %9.1f %9.1f %+6.1f%%\n", json_string_value(json_object_get(it, "name")),
               lut[i], r->total.lut, 100 * el, bram[i], r->total.bram18 / 2, 100 * eb);
        bnn_resource_report_free(r);
        bnn_hw_free(p);
        bnn_fold_free(fold);
        bnn_net_free(net);
    }
    printf("\n   worst: LUT %.1f %% (goal 10 %%), BRAM %.1f %% (goal 5 %%: met for %s)\n\n", 100 * wl, 100 * wb,
           met[0] ? met : "none");
    json_decref(doc);
    return 0;
}

/* 6. The FINN-built TFC (data/finn-builds): bnnsim's FINN-style figures per
 * node beside the post-synthesis report and FINN's own estimate. */
static int finn_built(void)
{
    json_error_t je;
    json_t *doc = json_load_file("data/finn-builds/tfc-w1a1-pynq-z1.json", 0, &je);
    if (!doc) return die("data/finn-builds/tfc-w1a1-pynq-z1.json");
    struct bnn_net *net;
    struct bnn_fold *fold;
    struct bnn_device dev;
    if (bnn_net_load(json_string_value(json_object_get(doc, "net")), &net) ||
        bnn_fold_load(json_string_value(json_object_get(doc, "fold")), net, &fold) || bnn_device_load("pynq-z1", &dev))
        return die("finn-built design");
    struct bnn_hw_options o;
    bnn_hw_options_default(&o);
    o.clock_mhz = dev.clock_mhz;
    struct bnn_hw_pipeline *p;
    struct bnn_resource_report *r;
    if (bnn_hw_build(net, fold, &o, "tfc", &p) || bnn_hw_resources(p, net, fold, &r)) return die("resources");
    printf("6. FINN style against a FINN build: TFC-W1A1 on Pynq-Z1 (post-synthesis, per node)\n\n"
           "   %-20s %7s %7s %7s %8s | %6s %6s | %5s %5s %5s\n", "node", "bnnsim", "built", "error", "FINN est",
           "FF", "built", "BRAM", "built", "FINN");
    const char *name;
    json_t *v;
    json_object_foreach(json_object_get(doc, "nodes"), name, v) {
        const struct bnn_res *m = NULL;
        for (int32_t i = 0; i < p->n_nodes; i++)
            if (!strcmp(p->nodes[i].name, name)) m = &r->node[i];
        for (int32_t l = 0; l < p->n_links; l++)
            if (!strcmp(p->links[l].name, name)) m = &r->link[l];
        if (!m) return die(name);
        double lut = json_number_value(json_object_get(v, "LUT"));
        json_t *fl = json_object_get(v, "finn_LUT"), *fb = json_object_get(v, "finn_BRAM_18K");
        char fe[16] = "-", fbs[16] = "-";
        if (fl) snprintf(fe, sizeof fe, "%.0f", json_number_value(fl));
        if (fb) snprintf(fbs, sizeof fbs, "%.0f", json_number_value(fb));
        printf("   %-20s %7.0f %7.0f %+6.1f%% %8s | %6.0f %6.0f | %5.1f %5.0f %5s\n", name, m->lut, lut, 100 * (m->lut / lut - 1),
               fe, m->ff, json_number_value(json_object_get(v, "FF")), m->bram18,
               json_number_value(json_object_get(v, "BRAM_18K")), fbs);
    }
    printf("   whole design: %.0f LUT, %.0f FF, %.1f BRAM18 (test_finn_built_tfc checks the goals)\n\n", r->total.lut,
           r->total.ff, r->total.bram18);
    bnn_resource_report_free(r);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
    json_decref(doc);
    return 0;
}

static int dse(void)
{
    struct bnn_net *net;
    if (bnn_net_load("data/cnv.json", &net)) return die("data/cnv.json");
    struct bnn_device dev;
    if (bnn_device_load("zc706", &dev)) return die("zc706");
    struct bnn_dse_options o;
    bnn_dse_options_default(&o);
    double t0 = now_s();
    struct bnn_dse_point *pts;
    int32_t n;
    if (bnn_dse_pareto(net, &dev, &o, 0, 1, &pts, &n)) return die("pareto");
    double t_front = now_s() - t0;
    free(pts);
    o.hw.style = BNN_STYLE_PAPER;
    o.hw.swg = BNN_SWG_2017;
    t0 = now_s();
    if (bnn_dse_pareto(net, &dev, &o, 0, 1, &pts, &n)) return die("pareto");
    double t_front2 = now_s() - t0;
    free(pts);
    o.target_fps = 9000;
    t0 = now_s();
    struct bnn_dse_result r, rf;
    if (bnn_dse_run(net, &dev, &o, &r)) return die("dse");
    double t_one = now_s() - t0;
    o.strategy = BNN_DSE_FINN;
    if (bnn_dse_run(net, &dev, &o, &rf)) return die("dse");
    /* the paper's own CNV-fix folding in the same model, FIFOs sized the same way */
    struct bnn_fold *pf;
    if (bnn_fold_load("data/cnv-fix.fold.json", net, &pf)) return die("data/cnv-fix.fold.json");
    struct bnn_hw_pipeline *pp;
    if (bnn_hw_build(net, pf, &o.hw, "cnv-fix", &pp)) return die("build");
    struct bnn_fifo_sizing fs;
    if (bnn_hw_size_fifos(pp, 8, &fs)) return die("size fifos");
    struct bnn_resource_report *pr;
    if (bnn_hw_resources(pp, net, pf, &pr)) return die("resources");
    printf("5. Design-space exploration, CNV on ZC706\n\n"
           "   full Pareto front: %.3f s (FINN style), %.3f s (paper style), %d points (goal < 10 s)\n"
           "   9,000 FPS, paper style, FIFOs sized and simulated (%.2f s):\n"
           "     bnnsim   %6.0f FPS simulated, LUT %6.0f, BRAM36 %5.1f\n"
           "     FINN SF  %6.0f FPS simulated, LUT %6.0f, BRAM36 %5.1f\n"
           "     paper's CNV-fix folding in the same model: LUT %6.0f, BRAM36 %5.1f (test_fix_point)\n\n",
           t_front, t_front2, n, t_one, r.sim_fps, r.total.lut, r.total.bram18 / 2, rf.sim_fps, rf.total.lut,
           rf.total.bram18 / 2, pr->total.lut, pr->total.bram18 / 2);
    bnn_resource_report_free(pr);
    bnn_hw_free(pp);
    bnn_fold_free(pf);
    bnn_dse_result_free(&r);
    bnn_dse_result_free(&rf);
    bnn_net_free(net);
    return 0;
}

int main(void)
{
    printf("bnnsim %s hardware-model benchmark\n\n", BNNSIM_VERSION);
    if (prototypes() || speed() || sizing() || resources() || dse() || finn_built()) return 1;
    return 0;
}
