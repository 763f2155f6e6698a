/* The pipeline report shared by `bnnsim perf` and `bnnsim --net --fold`. */
#include <jansson.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/perf-report.h"

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

enum bnn_status bnn_cli_perf_run(const struct bnn_net *net, const struct bnn_fold *fold, const char *fold_path,
                                 const struct bnn_hw_options *ho, const struct bnn_sim_options *so, struct bnn_perf *out)
{
    memset(out, 0, sizeof *out);
    enum bnn_status st = bnn_cli_hw_build(net, fold, ho, fold_path, &out->p);
    if (st) return st;
    bnn_hw_estimate(out->p, &out->est);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = bnn_hw_simulate(out->p, so, &out->r);
    out->sim_seconds = seconds_since(&t0);
    out->fold = fold;
    if (st) {
        bnn_hw_free(out->p);
        out->p = NULL;
    }
    return st;
}

void bnn_cli_perf_free(struct bnn_perf *pf)
{
    bnn_hw_free(pf->p);
    bnn_sim_result_free(pf->r);
    memset(pf, 0, sizeof *pf);
}

static const char *style_str(const struct bnn_hw_options *o)
{
    return o->style == BNN_STYLE_FINN ? "finn" : "paper";
}

static const char *swg_str(enum bnn_swg_impl s)
{
    return s == BNN_SWG_RTL ? "rtl" : s == BNN_SWG_HLS ? "hls" : "2017";
}

json_t *bnn_cli_perf_json(const struct bnn_net *net, const struct bnn_perf *pf)
{
    const struct bnn_hw_pipeline *p = pf->p;
    const struct bnn_sim_result *r = pf->r;
    char why[1200];
    bnn_sim_explain(p, r, why, sizeof why);
    json_t *o = json_object();
    json_object_set_new(o, "network", json_string(net->name));
    json_object_set_new(o, "style", json_string(style_str(&p->opt)));
    json_object_set_new(o, "sliding_window", json_string(swg_str(p->opt.swg)));
    json_object_set_new(o, "clock_mhz", json_real(p->opt.clock_mhz));
    json_object_set_new(o, "dma_bytes_per_cycle", json_real(p->opt.dma_bytes_per_cycle));
    json_object_set_new(o, "frames", json_integer(r->frames));
    json_object_set_new(o, "converged", json_boolean(r->converged));
    json_object_set_new(o, "periodic", json_boolean(r->period_frames > 0));
    json_object_set_new(o, "throughput_fps", r->deadlock ? json_null() : json_real(r->throughput_fps));
    json_object_set_new(o, "latency_us", r->deadlock ? json_null() : json_real(r->latency_us));
    json_object_set_new(o, "ii_cycles", r->deadlock ? json_null() : json_real(r->ii_cycles));
    json_object_set_new(o, "latency_cycles", json_integer(r->first_frame_latency));
    json_object_set_new(o, "bottleneck", json_string(p->nodes[r->bottleneck].name));
    json_object_set_new(o, "bottleneck_why", json_string(why));
    json_object_set_new(o, "deadlock", json_boolean(r->deadlock == 1));
    json_t *elc = json_object();
    for (int32_t i = 1; i < p->n_nodes - 1; i++)
        json_object_set_new(elc, p->nodes[i].name, json_integer(p->nodes[i].exp_cycles));
    json_object_set_new(o, "estimate_layer_cycles", elc);
    json_object_set_new(o, "estimate_network_performance",
                        json_pack("{s:I,s:I,s:s,s:f,s:f}", "critical_path_cycles", (json_int_t)pf->est.critical_path_cycles,
                                  "max_cycles", (json_int_t)pf->est.max_cycles, "max_cycles_node_name",
                                  pf->est.max_cycles_node >= 0 ? p->nodes[pf->est.max_cycles_node].name : "",
                                  "estimated_throughput_fps", pf->est.estimated_throughput_fps, "estimated_latency_ns",
                                  pf->est.estimated_latency_ns));
    json_t *layers = json_array();
    for (int32_t i = 0; i < p->n_nodes; i++) {
        const struct bnn_hw_node *n = &p->nodes[i];
        const struct bnn_sim_node_stats *s = &r->node[i];
        json_t *l = json_pack("{s:s,s:s,s:i,s:i,s:I,s:I,s:I,s:f,s:I,s:I,s:I,s:I}", "name", n->name, "kind",
                              bnn_hw_kind_str(n->kind), "in_width", n->in_width, "out_width", n->out_width, "in_words",
                              (json_int_t)n->in_words, "out_words", (json_int_t)n->out_words, "exp_cycles",
                              (json_int_t)n->exp_cycles, "cycles", (double)s->busy / r->frames, "busy",
                              (json_int_t)s->busy, "stall_in", (json_int_t)s->stall_in, "stall_out",
                              (json_int_t)s->stall_out, "idle", (json_int_t)s->idle);
        if (n->layer >= 0) json_object_set_new(l, "layer", json_string(net->layers[n->layer].name));
        if (n->pe) json_object_set_new(l, "PE", json_integer(n->pe));
        if (n->simd) json_object_set_new(l, "SIMD", json_integer(n->simd));
        json_array_append_new(layers, l);
    }
    json_object_set_new(o, "layers", layers);
    json_t *fifos = json_array();
    for (int32_t l = 0; l < p->n_links; l++) {
        const struct bnn_hw_link *k = &p->links[l];
        json_array_append_new(fifos, json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:I,s:I}", "name", k->name, "kind",
                                               k->kind == BNN_LINK_FIFO ? "fifo" : "pipo", "from", p->nodes[l].name,
                                               "to", p->nodes[l + 1].name, "depth", k->depth, "width", k->width,
                                               "words_per_frame", (json_int_t)k->words, "max_occupancy",
                                               (json_int_t)r->link[l].max_occupancy));
    }
    json_object_set_new(o, "fifos", fifos);
    json_t *fd = json_array();
    for (int32_t f = 0; f < r->frames && f < 64 && !r->deadlock; f++) json_array_append_new(fd, json_integer(r->frame_done[f]));
    json_object_set_new(o, "frame_done_cycles", fd); /* first 64 frames */
    json_object_set_new(o, "simulation",
                        json_pack("{s:I,s:I,s:I,s:f,s:f}", "cycles", (json_int_t)r->cycles, "skipped_cycles",
                                  (json_int_t)r->skipped_cycles, "node_cycles",
                                  (json_int_t)r->node_cycles, "seconds", pf->sim_seconds, "node_cycles_per_second",
                                  pf->sim_seconds > 0 ? (double)r->node_cycles / pf->sim_seconds : 0.0));
    return o;
}

char *bnn_cli_perf_text(const struct bnn_net *net, const struct bnn_perf *pf, int fifo_rows)
{
    const struct bnn_hw_pipeline *p = pf->p;
    const struct bnn_sim_result *r = pf->r;
    size_t cap = 8192 + (size_t)(p->n_nodes + p->n_links) * 200, len = 0;
    char *t = malloc(cap);
    if (!t) return NULL;
#define OUT(...) len += (size_t)snprintf(t + len, cap - len, __VA_ARGS__)
    OUT("pipeline of %s: %s style, %s sliding windows, %.0f MHz, DMA %.2f B/cycle, %d frames simulated\n\n", net->name,
        style_str(&p->opt), swg_str(p->opt.swg), p->opt.clock_mhz, p->opt.dma_bytes_per_cycle, r->frames);
    OUT("%-34s %4s %4s %11s %10s %10s %9s %9s\n", "node", "PE", "SIMD", "width i>o", "exp cyc", "busy/frm", "stall-in",
        "stall-out");
    for (int32_t i = 0; i < p->n_nodes; i++) {
        const struct bnn_hw_node *n = &p->nodes[i];
        const struct bnn_sim_node_stats *s = &r->node[i];
        char pe[8] = "", simd[8] = "", w[24];
        if (n->pe) snprintf(pe, sizeof pe, "%d", n->pe);
        if (n->simd) snprintf(simd, sizeof simd, "%d", n->simd);
        snprintf(w, sizeof w, "%d>%d", n->in_width, n->out_width);
        OUT("%-34s %4s %4s %11s %10lld %10.0f %8.1f%% %8.1f%%%s\n", n->name, pe, simd, w, (long long)n->exp_cycles,
            (double)s->busy / r->frames, 100.0 * s->stall_in / r->cycles, 100.0 * s->stall_out / r->cycles,
            i == r->bottleneck ? "  <- bottleneck" : "");
    }
    if (fifo_rows) {
        OUT("\n%-24s %-34s %6s %6s %8s\n", "link", "into", "width", "depth", "max occ");
        for (int32_t l = 0; l < p->n_links; l++) {
            const struct bnn_hw_link *k = &p->links[l];
            char d[24];
            snprintf(d, sizeof d, k->kind == BNN_LINK_PIPO ? "%dfr" : "%d", k->depth);
            OUT("%-24s %-34s %6d %6s %8lld%s\n", k->name, p->nodes[l + 1].name, k->width, d,
                (long long)r->link[l].max_occupancy, r->link[l].max_occupancy >= k->depth ? "  full" : "");
        }
    }
    char why[1200];
    bnn_sim_explain(p, r, why, sizeof why);
    OUT("\nFINN estimate (analytic): max_cycles %lld (%s) -> %.0f FPS; critical path %lld cycles = %.2f us\n",
        (long long)pf->est.max_cycles, pf->est.max_cycles_node >= 0 ? p->nodes[pf->est.max_cycles_node].name : "-",
        pf->est.estimated_throughput_fps, (long long)pf->est.critical_path_cycles, pf->est.estimated_latency_ns / 1000);
    if (r->deadlock) {
        OUT("simulation: %s\n", r->deadlock_report);
    } else {
        OUT("simulated: II %.1f cycles -> %.0f FPS; latency %lld cycles = %.2f us\n", r->ii_cycles, r->throughput_fps,
            (long long)r->first_frame_latency, r->latency_us);
        if (r->period_frames)
            OUT("steady state: the pipeline state repeats exactly every %d frame%s (%lld cycles) from %d frames on\n",
                r->period_frames, r->period_frames > 1 ? "s" : "", (long long)r->period_cycles, r->frames);
        else if (r->converged)
            OUT("steady state: the II of two successive windows agrees to 0.01 %% after %d frames\n", r->frames);
        else
            OUT("note: the II had not settled after %d frames (--frames bounds the run)\n", r->frames);
        OUT("bottleneck: %s\n", why);
        int32_t full = 0;
        for (int32_t l = 0; l < p->n_links; l++)
            full += p->links[l].kind == BNN_LINK_FIFO && r->link[l].max_occupancy >= p->links[l].depth;
        if (pf->est.max_cycles && r->ii_cycles > 1.05 * (double)pf->est.max_cycles && full)
            OUT("hint: %d FIFOs ran full and the pipeline runs %.1fx slower than its slowest node; "
                "`bnnsim perf ... --size-fifos -o FOLD.json` finds depths that avoid it\n",
                full, r->ii_cycles / (double)pf->est.max_cycles);
    }
    OUT("(%lld node-cycles simulated in %.3f s", (long long)r->node_cycles, pf->sim_seconds);
    if (r->skipped_cycles)
        OUT("; %lld of the %lld cycles were repeats of an exactly periodic state, added without stepping",
            (long long)r->skipped_cycles, (long long)r->cycles);
    OUT(")\n");
#undef OUT
    return t;
}
