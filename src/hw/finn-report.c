/* The report files a FINN build writes (report/ and final_hw_config.json),
 * with FINN's file names and keys, from bnnsim's pipeline, analytic
 * estimate, simulation and resource model, so a user's scripts read
 * bnnsim's directory as they read FINN's. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bnnsim/io.h"
#include "bnnsim/report.h"
#include "core/util.h"

static json_t *layer_cycles(const struct bnn_hw_pipeline *p)
{
    json_t *o = json_object();
    for (int32_t i = 0; i < p->n_nodes; i++)
        if (p->nodes[i].kind != BNN_HW_DMA_IN && p->nodes[i].kind != BNN_HW_DMA_OUT)
            json_object_set_new(o, p->nodes[i].name, json_integer(p->nodes[i].exp_cycles));
    return o;
}

static json_t *network_performance(const struct bnn_hw_pipeline *p, const struct bnn_hw_estimate *e)
{
    return json_pack("{s:I,s:I,s:s,s:f,s:f}", "critical_path_cycles", (json_int_t)e->critical_path_cycles, "max_cycles",
                     (json_int_t)e->max_cycles, "max_cycles_node_name",
                     e->max_cycles_node >= 0 ? p->nodes[e->max_cycles_node].name : "", "estimated_throughput_fps",
                     e->estimated_throughput_fps, "estimated_latency_ns", e->estimated_latency_ns);
}

/* FINN's node_res_estimation keys (FF is bnnsim's addition: FINN has no FF
 * estimate). BRAM_efficiency as FINN's MVAU has it: weight bits over the
 * bits of the BRAM18s that hold them. */
static json_t *res_entry(const struct bnn_res *r, double bram_bits)
{
    double eff = r->bram18 > 0 && bram_bits > 0 ? bram_bits / (r->bram18 * 36 * 512) : 1;
    return json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "BRAM_18K", r->bram18, "BRAM_efficiency", eff, "LUT", r->lut,
                     "URAM", r->uram, "URAM_efficiency", 1.0, "DSP", r->dsp, "FF", r->ff);
}

static json_t *layer_resources(const struct bnn_net *net, const struct bnn_hw_pipeline *p,
                               const struct bnn_resource_report *res)
{
    json_t *o = json_object();
    for (int32_t i = 0; i < p->n_nodes; i++) {
        const struct bnn_hw_node *n = &p->nodes[i];
        double wbits = 0;
        if (n->kind == BNN_HW_MVAU) wbits = (double)n->mh * n->mw * BNN_MAX(1, net->layers[n->layer].w_bits);
        json_object_set_new(o, n->name, res_entry(&res->node[i], wbits));
        if (i < p->n_links && p->links[i].kind == BNN_LINK_FIFO)
            json_object_set_new(o, p->links[i].name, res_entry(&res->link[i], 0));
    }
    json_object_set_new(o, "total", res_entry(&res->total, 0));
    return o;
}

static json_t *rtlsim_performance(const struct bnn_net *net, const struct bnn_hw_pipeline *p,
                                  const struct bnn_sim_result *r)
{
    const double clk_ns = 1000.0 / p->opt.clock_mhz, runtime = (double)r->cycles * clk_ns * 1e-9;
    const struct bnn_shape in = net->layers[0].out;
    const struct bnn_hw_node *last = &p->nodes[p->n_nodes - 2]; /* the stream into the output DMA's converter */
    for (int32_t i = p->n_nodes - 2; i > 0 && last->kind == BNN_HW_DWC; i--) last = &p->nodes[i - 1];
    double in_bytes = (double)r->frames * in.h * in.w * in.c, out_bytes = (double)r->frames * last->out_words * last->out_width / 8;
    json_t *o = json_object();
    json_object_set_new(o, "cycles", json_integer(r->cycles));
    json_object_set_new(o, "runtime[ms]", json_real(runtime * 1000));
    json_object_set_new(o, "throughput[images/s]", json_real(r->frames / runtime));
    json_object_set_new(o, "DRAM_in_bandwidth[Mb/s]", json_real(in_bytes * 1e-6 / runtime));
    json_object_set_new(o, "DRAM_out_bandwidth[Mb/s]", json_real(out_bytes * 1e-6 / runtime));
    json_object_set_new(o, "fclk[mhz]", json_real(p->opt.clock_mhz));
    json_object_set_new(o, "N", json_integer(r->frames));
    json_object_set_new(o, "latency_cycles", json_integer(r->first_frame_latency));
    json_object_set_new(o, "interval_cycles", json_real(r->ii_cycles));
    if (r->frames > 1 && r->cycles > r->first_frame_latency)
        json_object_set_new(o, "stable_throughput[images/s]",
                            json_real(r->frames / ((double)(r->cycles - r->first_frame_latency) * clk_ns * 1e-9)));
    return o;
}

static void put_str(json_t *o, const char *k, const char *v, const char *dflt)
{
    json_object_set_new(o, k, json_string(v && *v ? v : dflt));
}

/* FINN's final_hw_config.json: every node's folding, FIFO depths on the
 * FIFOs and mirrored in the neighbours' inFIFODepths / outFIFODepths. */
static json_t *final_hw_config(const struct bnn_hw_pipeline *p, const struct bnn_fold *fold)
{
    json_t *o = json_object();
    json_object_set_new(o, "Defaults", json_object());
    for (int32_t i = 0; i < p->n_nodes; i++) {
        const struct bnn_hw_node *n = &p->nodes[i];
        if (n->kind == BNN_HW_DMA_IN || n->kind == BNN_HW_DMA_OUT) continue;
        const struct bnn_fold_node *e = bnn_fold_node_get((struct bnn_fold *)fold, n->name, 0);
        json_t *x = json_object();
        if (n->kind == BNN_HW_MVAU) {
            json_object_set_new(x, "PE", json_integer(n->pe));
            json_object_set_new(x, "SIMD", json_integer(n->simd));
            put_str(x, "ram_style", e ? e->ram_style : NULL, "auto");
            put_str(x, "resType", e ? e->res_type : NULL, "auto");
            put_str(x, "mem_mode", e ? e->mem_mode : NULL, "internal_decoupled");
            json_object_set_new(x, "runtime_writeable_weights", json_integer(e && e->runtime_writeable_weights > 0));
        } else if (n->kind == BNN_HW_SWG) {
            json_object_set_new(x, "SIMD", json_integer(n->simd));
            put_str(x, "ram_style", e ? e->ram_style : NULL, "distributed");
        } else if (n->pe) {
            json_object_set_new(x, "PE", json_integer(n->pe));
        }
        int32_t din = i > 0 && p->links[i - 1].kind == BNN_LINK_FIFO ? p->links[i - 1].depth : 0;
        int32_t dout = i < p->n_links && p->links[i].kind == BNN_LINK_FIFO ? p->links[i].depth : 0;
        json_object_set_new(x, "inFIFODepths", json_pack("[i]", din));
        json_object_set_new(x, "outFIFODepths", json_pack("[i]", dout));
        json_object_set_new(o, n->name, x);
    }
    for (int32_t l = 0; l < p->n_links; l++) {
        const struct bnn_hw_link *k = &p->links[l];
        if (k->kind != BNN_LINK_FIFO) continue;
        const struct bnn_fold_node *e = bnn_fold_node_get((struct bnn_fold *)fold, k->name, 0);
        /* FINN's InsertFIFO: RTL (SRL) FIFOs up to max_qsrl_depth = 256, Vivado's IP above */
        json_object_set_new(o, k->name, json_pack("{s:i,s:s,s:s,s:[i],s:[i]}", "depth", k->depth, "impl_style",
                                                  k->depth <= 256 ? "rtl" : "vivado", "ram_style",
                                                  e && e->ram_style[0] ? e->ram_style : "auto", "inFIFODepths", 0,
                                                  "outFIFODepths", 0));
    }
    return o;
}

enum bnn_status bnn_finn_reports_write(const char *dir, const struct bnn_net *net, const struct bnn_fold *fold,
                                       const struct bnn_hw_pipeline *p, const struct bnn_hw_estimate *est,
                                       const struct bnn_sim_result *r, const struct bnn_resource_report *res)
{
    struct stat s;
    if (stat(dir, &s) == 0 && !S_ISDIR(s.st_mode)) return bnn_error(BNN_ERR_IO, "%s: exists and is not a directory", dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return bnn_error(BNN_ERR_IO, "%s: cannot create the report directory: %s", dir, strerror(errno));
    struct { const char *file; json_t *doc; char *text; } out[] = {
        {"estimate_layer_cycles.json", layer_cycles(p), NULL},
        {"estimate_network_performance.json", network_performance(p, est), NULL},
        {"estimate_layer_resources.json", layer_resources(net, p, res), NULL},
        {"rtlsim_performance.json", rtlsim_performance(net, p, r), NULL},
        {"final_hw_config.json", final_hw_config(p, fold), NULL},
    };
    enum { N = sizeof out / sizeof out[0] };
    enum bnn_status st = BNN_OK;
    /* every document made before any file is written */
    for (int i = 0; i < N; i++)
        if (!out[i].doc || !(out[i].text = json_dumps(out[i].doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))))
            st = bnn_error(BNN_ERR_NOMEM, "out of memory");
    for (int i = 0; i < N && !st; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, out[i].file);
        st = bnn_file_write_atomic(path, out[i].text, strlen(out[i].text));
    }
    for (int i = 0; i < N; i++) {
        json_decref(out[i].doc);
        free(out[i].text);
    }
    return st;
}
