/* The hardware wing: pipeline building, FINN's analytic formulas, the
 * cycle-by-cycle simulation, FIFO sizing, configs, the paper's prototypes. */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "bnnsim/bnnsim.h"
#include "test-util.h"

static struct bnn_net *load_net(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "data/%s", name);
    struct bnn_net *n = NULL;
    ASSERT_OK(bnn_net_load(path, &n));
    return n;
}

static struct bnn_fold *load_fold(const char *name, const struct bnn_net *net)
{
    char path[256];
    snprintf(path, sizeof path, "data/%s", name);
    struct bnn_fold *f = NULL;
    ASSERT_OK(bnn_fold_load(path, net, &f));
    return f;
}

static struct bnn_hw_pipeline *build(const struct bnn_net *net, const struct bnn_fold *fold, enum bnn_style style,
                                     enum bnn_swg_impl swg)
{
    struct bnn_hw_options o;
    bnn_hw_options_default(&o);
    o.style = style;
    o.swg = swg;
    struct bnn_hw_pipeline *p = NULL;
    ASSERT_OK(bnn_hw_build(net, fold, &o, "test", &p));
    return p;
}

static const struct bnn_hw_node *node(const struct bnn_hw_pipeline *p, const char *name)
{
    for (int32_t i = 0; i < p->n_nodes; i++)
        if (!strcmp(p->nodes[i].name, name)) return &p->nodes[i];
    fail_msg("no node %s", name);
    return NULL;
}

static struct bnn_sim_result *sim(const struct bnn_hw_pipeline *p, int32_t frames)
{
    struct bnn_sim_options o = {.frames = frames, .trace_bins = 1000};
    struct bnn_sim_result *r = NULL;
    ASSERT_OK(bnn_hw_simulate(p, &o, &r));
    assert_int_equal(r->deadlock, 0);
    return r;
}

/* Every node's cycles add up; every link carried whole frames. */
static void check_accounting(const struct bnn_hw_pipeline *p, const struct bnn_sim_result *r)
{
    for (int32_t i = 0; i < p->n_nodes; i++) {
        const struct bnn_sim_node_stats *s = &r->node[i];
        if (s->busy + s->stall_in + s->stall_out + s->idle != r->cycles)
            fail_msg("%s: busy %lld + stalls %lld/%lld + idle %lld != %lld cycles", p->nodes[i].name, (long long)s->busy,
                     (long long)s->stall_in, (long long)s->stall_out, (long long)s->idle, (long long)r->cycles);
    }
    for (int32_t l = 0; l < p->n_links; l++)
        if (r->link[l].words != p->links[l].words * r->frames)
            fail_msg("%s carried %lld words, expected %lld x %d frames", p->links[l].name, (long long)r->link[l].words,
                     (long long)p->links[l].words, r->frames);
}

/* FINN's get_exp_cycles, worked out by hand for CNV (cnv-fix folding). */
static void test_finn_formulas(void **state)
{
    (void)state;
    struct bnn_net *net = load_net("cnv.json");
    struct bnn_fold *fold = load_fold("cnv-fix.fold.json", net);
    struct bnn_hw_pipeline *p = build(net, fold, BNN_STYLE_FINN, BNN_SWG_RTL);
    /* Thresholding: 32*32 pixels * 3 channels / PE 1 */
    assert_int_equal(node(p, "Thresholding_rtl_0")->exp_cycles, 3072);
    /* RTL SWG 0: C=3, SIMD=3 (cf=1), W=32, K=3: ((K-1)*W + K) + OH*max(OW*K*K, W) = 67 + 30*270 */
    assert_int_equal(node(p, "ConvolutionInputGenerator_rtl_0")->exp_cycles, 8167);
    /* RTL SWG 1: C=64, SIMD=32 (cf=2), W=30: (2*30+3)*2 + 28*max(28*9*2, 30*2) = 126 + 14112 */
    assert_int_equal(node(p, "ConvolutionInputGenerator_rtl_1")->exp_cycles, 14238);
    assert_int_equal(node(p, "MVAU_hls_0")->exp_cycles, 16200); /* (64/32)*(27/3)*900 */
    assert_int_equal(node(p, "MVAU_hls_6")->exp_cycles, 16384);
    assert_int_equal(node(p, "StreamingMaxPool_hls_0")->exp_cycles, 980); /* 28*28*(1 + 1/4) */
    assert_int_equal(node(p, "StreamingMaxPool_hls_1")->exp_cycles, 125);
    assert_int_equal(node(p, "LabelSelect_hls_0")->exp_cycles, 10);
    /* widths: MVAU_hls_0 reads SIMD*8 bits (fixed-point input), writes PE bits */
    assert_int_equal(node(p, "MVAU_hls_0")->in_width, 24);
    assert_int_equal(node(p, "MVAU_hls_0")->out_width, 32);
    assert_int_equal(node(p, "StreamingMaxPool_hls_0")->in_width, 64);
    struct bnn_hw_estimate e;
    bnn_hw_estimate(p, &e);
    assert_int_equal(e.max_cycles, 16384);
    assert_string_equal(p->nodes[e.max_cycles_node].name, "MVAU_hls_6");
    int64_t sum = 0;
    for (int32_t i = 1; i < p->n_nodes - 1; i++) sum += p->nodes[i].exp_cycles;
    assert_int_equal(e.critical_path_cycles, sum);
    assert_true(fabs(e.estimated_throughput_fps - 200e6 / 16384) < 1e-6);
    assert_true(fabs(e.estimated_latency_ns - 5.0 * sum) < 1e-6);
    bnn_hw_free(p);
    /* HLS SWG: W*K*cf + OH*max(...) = 96 + 8100, the legacy FINN model */
    p = build(net, fold, BNN_STYLE_FINN, BNN_SWG_HLS);
    assert_int_equal(node(p, "ConvolutionInputGenerator_hls_0")->exp_cycles, 8196);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

/* Width converters go where FINN's InsertDWC puts them; every edge has a FIFO. */
static void test_pipeline_shape(void **state)
{
    (void)state;
    struct bnn_net *net = load_net("cnv.json");
    struct bnn_fold *fold = load_fold("cnv-fix.fold.json", net);
    struct bnn_hw_pipeline *p = build(net, fold, BNN_STYLE_FINN, BNN_SWG_RTL);
    assert_int_equal(p->n_links, p->n_nodes - 1);
    for (int32_t l = 0; l < p->n_links; l++) {
        const struct bnn_hw_node *a = &p->nodes[l], *b = &p->nodes[l + 1];
        assert_int_equal(p->links[l].kind, BNN_LINK_FIFO);
        if (a->out_width != b->in_width || a->out_words != b->in_words)
            fail_msg("%s (%d bits x %lld) -> %s (%d bits x %lld) without a converter", a->name, a->out_width,
                     (long long)a->out_words, b->name, b->in_width, (long long)b->in_words);
        char want[64];
        snprintf(want, sizeof want, "StreamingFIFO_rtl_%d", l);
        assert_string_equal(p->links[l].name, want);
        assert_int_equal(p->links[l].depth, 2);
    }
    /* SWG SIMD follows its MVAU (no entry in the config) */
    assert_int_equal(node(p, "ConvolutionInputGenerator_rtl_1")->simd, 32);
    bnn_hw_free(p);
    /* paper style: frame buffers between engines, the pool inside its engine */
    p = build(net, fold, BNN_STYLE_PAPER, BNN_SWG_2017);
    int pipos = 0;
    for (int32_t l = 0; l < p->n_links; l++) pipos += p->links[l].kind == BNN_LINK_PIPO;
    assert_int_equal(pipos, 8); /* 9 matrix layers: 8 hand-overs */
    assert_int_equal(node(p, "SWU_0")->exp_cycles, 1024 + 8100);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

/* A balanced FC pipeline with room to spare runs at its slowest node. */
static void test_sim_matches_slowest_node(void **state)
{
    (void)state;
    struct bnn_net *net = load_net("lfc.json");
    struct bnn_fold *fold = load_fold("lfc-max.fold.json", net);
    struct bnn_hw_pipeline *p = build(net, fold, BNN_STYLE_PAPER, BNN_SWG_2017);
    struct bnn_sim_result *r = sim(p, 32);
    check_accounting(p, r);
    assert_true(fabs(r->ii_cycles - 128.0) < 1e-9);
    assert_string_equal(p->nodes[r->bottleneck].name, "MVAU_hls_1");
    /* MVAU_hls_1 is busy exactly NF*SF cycles per frame */
    assert_int_equal(r->node[2].busy, 128 * 32);
    bnn_sim_result_free(r);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
    /* FINN style, every node folded so that one MVAU is the slowest: II = its cycles */
    net = load_net("sfc.json");
    ASSERT_OK(bnn_fold_new(net, &fold));
    int32_t pe[4] = {16, 4, 4, 1}, simd[4] = {16, 16, 16, 16};
    for (int j = 0; j < 4; j++) fold->layers[j].pe = pe[j], fold->layers[j].simd = simd[j];
    struct bnn_fold_node *t = bnn_fold_node_get(fold, "Thresholding_rtl_0", 1);
    t->pe = 64;
    struct bnn_fold_default *d = calloc(1, sizeof *d);
    strcpy(d->key, "depth");
    d->ival = 256;
    strcpy(d->ops, "StreamingFIFO_rtl");
    fold->defaults = d;
    fold->n_defaults = 1;
    p = build(net, fold, BNN_STYLE_FINN, BNN_SWG_RTL);
    assert_int_equal(p->links[3].depth, 256);
    struct bnn_hw_estimate e;
    bnn_hw_estimate(p, &e);
    r = sim(p, 16);
    check_accounting(p, r);
    assert_int_equal(e.max_cycles, 1024); /* (256/4)*(256/16) */
    assert_true(fabs(r->ii_cycles - (double)e.max_cycles) < 1e-9);
    /* overlap: the first frame is out well before FINN's no-overlap sum */
    assert_true(r->first_frame_latency < e.critical_path_cycles);
    bnn_sim_result_free(r);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

/* The paper's six ZC706 prototypes: FPS within 1 %, latency within 5 %. */
static void test_paper_prototypes(void **state)
{
    (void)state;
    json_error_t je;
    json_t *doc = json_load_file("data/paper-prototypes.json", 0, &je);
    if (!doc) fail_msg("data/paper-prototypes.json: %s", je.text);
    json_t *arr = json_object_get(doc, "prototypes");
    assert_int_equal(json_array_size(arr), 6);
    printf("  %-8s %12s %12s %7s %10s %10s %7s\n", "design", "paper FPS", "model FPS", "err", "paper us", "model us", "err");
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it) {
        struct bnn_net *net = load_net(json_string_value(json_object_get(it, "net")));
        struct bnn_fold *fold = load_fold(json_string_value(json_object_get(it, "fold")), net);
        struct bnn_hw_options o;
        bnn_hw_options_default(&o);
        o.style = BNN_STYLE_PAPER;
        o.swg = BNN_SWG_2017;
        o.clock_mhz = json_number_value(json_object_get(doc, "clock_mhz"));
        o.dma_bytes_per_cycle = json_number_value(json_object_get(doc, "dma_bytes_per_cycle"));
        struct bnn_hw_pipeline *p = NULL;
        ASSERT_OK(bnn_hw_build(net, fold, &o, "paper", &p));
        struct bnn_sim_result *r = sim(p, (int32_t)json_integer_value(json_object_get(it, "frames")));
        check_accounting(p, r);
        double fps = json_number_value(json_object_get(it, "fps")), lat = json_number_value(json_object_get(it, "latency_us"));
        double ef = r->throughput_fps / fps - 1, el = r->latency_us / lat - 1;
        const char *name = json_string_value(json_object_get(it, "name"));
        printf("  %-8s %12.0f %12.0f %+6.2f%% %10.2f %10.2f %+6.2f%%\n", name, fps, r->throughput_fps, 100 * ef, lat,
               r->latency_us, 100 * el);
        if (fabs(ef) > 0.01) fail_msg("%s: FPS %.0f vs paper %.0f (%+.2f %%)", name, r->throughput_fps, fps, 100 * ef);
        if (fabs(el) > 0.05) fail_msg("%s: latency %.3f us vs paper %.3f (%+.2f %%)", name, r->latency_us, lat, 100 * el);
        bnn_sim_result_free(r);
        bnn_hw_free(p);
        bnn_fold_free(fold);
        bnn_net_free(net);
    }
    json_decref(doc);
}

/* Sizing CNV's FIFOs recovers the slowest node's rate that depth-2 FIFOs
 * lose, and every FIFO it shrank is as small as it can be. */
static void test_fifo_sizing_cnv(void **state)
{
    (void)state;
    struct bnn_net *net = load_net("cnv.json");
    struct bnn_fold *fold = load_fold("cnv-fix.fold.json", net);
    struct bnn_hw_pipeline *p = build(net, fold, BNN_STYLE_FINN, BNN_SWG_RTL);
    struct bnn_sim_result *r = sim(p, 8);
    check_accounting(p, r);
    double ii_shallow = r->ii_cycles;
    bnn_sim_result_free(r);
    assert_true(ii_shallow > 16384 * 1.5); /* depth-2 FIFOs starve the pipeline */
    struct bnn_fifo_sizing fs;
    ASSERT_OK(bnn_hw_size_fifos(p, 8, &fs));
    assert_true(fabs(fs.ii_unbounded - 16384) < 1e-9);
    assert_true(fabs(fs.ii_sized - fs.ii_unbounded) < 1e-9);
    r = sim(p, 8);
    assert_true(fabs(r->ii_cycles - 16384) < 1e-9);
    for (int32_t l = 0; l < p->n_links; l++) assert_true(r->link[l].max_occupancy <= p->links[l].depth);
    bnn_sim_result_free(r);
    /* minimality, on the three deepest FIFOs: one word less loses rate */
    for (int k = 0; k < 3; k++) {
        int32_t best = -1;
        for (int32_t l = 0; l < p->n_links; l++)
            if (p->links[l].depth > 1 && (best < 0 || p->links[l].depth > p->links[best].depth) &&
                p->links[l].depth < 1 << 29)
                best = l;
        assert_true(best >= 0);
        int32_t d = p->links[best].depth;
        p->links[best].depth = d - 1;
        r = sim(p, 8);
        if (!(r->ii_cycles > fs.ii_sized)) fail_msg("%s: depth %d - 1 keeps II %.1f: not minimal", p->links[best].name, d, r->ii_cycles);
        bnn_sim_result_free(r);
        p->links[best].depth = 1 << 30; /* keep it out of the next pick; deeper never hurts */
    }
    /* the sized depths go into the folding and come back from a file */
    bnn_hw_free(p);
    p = build(net, fold, BNN_STYLE_FINN, BNN_SWG_RTL);
    ASSERT_OK(bnn_hw_size_fifos(p, 8, &fs));
    ASSERT_OK(bnn_hw_store_fifos(p, fold));
    const char *path = test_path("sized.fold.json");
    ASSERT_OK(bnn_fold_save(fold, net, path));
    struct bnn_fold *f2 = NULL;
    ASSERT_OK(bnn_fold_load(path, net, &f2));
    struct bnn_hw_pipeline *p2 = build(net, f2, BNN_STYLE_FINN, BNN_SWG_RTL);
    for (int32_t l = 0; l < p->n_links; l++) {
        assert_int_equal(p2->links[l].depth, p->links[l].depth);
        assert_int_equal(p2->links[l].from_config, 1);
    }
    r = sim(p2, 8);
    assert_true(fabs(r->ii_cycles - 16384) < 1e-9);
    bnn_sim_result_free(r);
    bnn_hw_free(p2);
    bnn_fold_free(f2);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

/* Nothing can move: reported with the node that waits and the FIFO. */
static void test_deadlock_report(void **state)
{
    (void)state;
    struct bnn_net *net = load_net("sfc.json");
    struct bnn_fold *fold = load_fold("sfc-max.fold.json", net);
    struct bnn_hw_pipeline *p = build(net, fold, BNN_STYLE_FINN, BNN_SWG_RTL);
    /* a consumer that expects more words per frame than its producer sends
     * (what a wrongly hand-edited stream shape does in hardware) */
    int32_t k = -1;
    for (int32_t i = 0; i < p->n_nodes; i++)
        if (!strcmp(p->nodes[i].name, "MVAU_hls_2")) k = i;
    assert_true(k > 0);
    p->nodes[k].mw += 3 * p->nodes[k].simd;
    struct bnn_sim_options o = {.frames = 4, .trace_bins = 1000};
    struct bnn_sim_result *r = NULL;
    ASSERT_OK(bnn_hw_simulate(p, &o, &r));
    assert_int_equal(r->deadlock, 1);
    if (!strstr(r->deadlock_report, "MVAU_hls_2 waits for input") || !strstr(r->deadlock_report, "empty"))
        fail_msg("report: %s", r->deadlock_report);
    char why[1200];
    bnn_sim_explain(p, r, why, sizeof why);
    assert_non_null(strstr(why, "deadlock"));
    bnn_sim_result_free(r);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

static void fold_text_err(const struct bnn_net *net, const char *text, enum bnn_style style, const char *substr)
{
    const char *path = test_path("bad.fold");
    test_write(path, text, strlen(text));
    struct bnn_fold *f = NULL;
    enum bnn_status st = bnn_fold_load(path, net, &f);
    if (st == BNN_OK) {
        struct bnn_hw_options o;
        bnn_hw_options_default(&o);
        o.style = style;
        o.swg = style == BNN_STYLE_PAPER ? BNN_SWG_2017 : BNN_SWG_RTL;
        struct bnn_hw_pipeline *p = NULL;
        st = bnn_hw_build(net, f, &o, path, &p);
        bnn_hw_free(p);
        bnn_fold_free(f);
    }
    if (st == BNN_OK) fail_msg("accepted: %s", text);
    if (!strstr(bnn_last_error(), substr)) fail_msg("message '%s' lacks '%s'", bnn_last_error(), substr);
    if (!strstr(bnn_last_error(), path)) fail_msg("message '%s' does not name the file", bnn_last_error());
}

/* Bad configs are refused with the node and the rule named. */
static void test_bad_configs(void **state)
{
    (void)state;
    struct bnn_net *cnv = load_net("cnv.json"), *sfc = load_net("sfc.json");
    fold_text_err(cnv, "{\"ConvolutionInputGenerator_rtl_1\": {\"SIMD\": 16}}", BNN_STYLE_FINN,
                  "ConvolutionInputGenerator_rtl_1: SIMD=16 differs from SIMD=1 of its consumer MVAU_hls_1");
    fold_text_err(cnv, "{\"MVAU_hls_1\": {\"PE\": 1, \"SIMD\": 64}, \"ConvolutionInputGenerator_rtl_1\": {\"SIMD\": 5}}",
                  BNN_STYLE_FINN, "SIMD=5 does not divide its 64 input channels (rule IFMChannels % SIMD == 0)");
    fold_text_err(cnv, "{\"MVAU_hls_1\": {\"PE\": 1, \"SIMD\": 576}}", BNN_STYLE_FINN,
                  "MVAU_hls_1 (layer 'conv1'): SIMD=576 does not divide the 64 input channels");
    fold_text_err(cnv, "{\"StreamingFIFO_rtl_99\": {\"depth\": 32}}", BNN_STYLE_FINN, "\"StreamingFIFO_rtl_99\": names no node");
    fold_text_err(cnv, "{\"StreamingFIFO_rtl_3\": {\"depth\": 0}}", BNN_STYLE_FINN, "StreamingFIFO_rtl_3.depth: must be an integer >= 1");
    fold_text_err(cnv, "{\"StreamingMaxPool_hls_0\": {}}", BNN_STYLE_PAPER, "names no node of the paper pipeline");
    fold_text_err(cnv, "{\"Thresholding_rtl_0\": {\"PE\": 2}}", BNN_STYLE_FINN, "PE=2 does not divide its 3 channels");
    fold_text_err(cnv, "{\"LabelSelect_hls_0\": {\"PE\": 3}}", BNN_STYLE_FINN, "PE=3 does not divide its 10 labels");
    fold_text_err(cnv, "{\"SWU_0\": {\"SIMD\": 3}}", BNN_STYLE_PAPER, "unknown node name");
    fold_text_err(cnv, "{\"MVAU_hls_0\": {\"ram_style\": \"bram\"}}", BNN_STYLE_FINN, "'bram' is not one of auto, block");
    fold_text_err(cnv, "{\"MVAU_hls_0\": {\"inFIFODepths\": [2, 3]}}", BNN_STYLE_FINN, "list of one integer");
    fold_text_err(cnv, "{\"Defaults\": {\"depth\": [8, \"all\", 4, \"all\"]}}", BNN_STYLE_FINN, "\"all\" must stand alone");
    fold_text_err(sfc, "{\"MVA_hls_3\": {\"PE\": 10}}", BNN_STYLE_FINN, "\"MVA_hls_3\": unknown node name");
    fold_text_err(sfc, "{\"MVAU_hls_0\": {\"PE\": 3}}", BNN_STYLE_FINN, "rule MH % PE == 0");
    fold_text_err(sfc, "#define L0_SIMD 64\n#define L0_PE 256\n", BNN_STYLE_FINN, "L1_SIMD: missing");
    fold_text_err(sfc, "plain text\n", BNN_STYLE_FINN, "neither a FINN folding JSON");
    bnn_net_free(cnv);
    bnn_net_free(sfc);
}

/* Both formats round-trip; config.h defines must agree with the network. */
static void test_config_round_trips(void **state)
{
    (void)state;
    struct bnn_net *net = load_net("cnv.json");
    /* BNN-PYNQ's cnvW1A1 folding, written as its config.h is (10-row L8 here) */
    static const char cfg[] =
        "/* comment */\n#define L0_K 3\n#define L0_IFM_CH 3\n#define L0_IFM_DIM 32\n#define L0_OFM_CH 64\n"
        "#define L0_OFM_DIM 30\n#define L0_SIMD 3\n#define L0_PE 16\n#define L0_WMEM 36\n#define L0_TMEM 4\n"
        "#define L0_WPI 1\n#define L0_API 1\n#define L1_SIMD 32\n#define L1_PE 32\n#define L1_WMEM 36 // per PE\n"
        "#define L2_SIMD 32\n#define L2_PE 16\n#define L3_SIMD 32\n#define L3_PE 16\n#define L4_SIMD 32\n#define L4_PE 4\n"
        "#define L5_SIMD 32\n#define L5_PE 1\n#define L6_SIMD 4\n#define L6_PE 1\n#define L6_MW 256\n#define L6_MH 512\n"
        "#define L7_SIMD 8\n#define L7_PE 1\n#define L8_SIMD 1\n#define L8_PE 5\n#define L8_MW 512\n#define L8_MH 10\n";
    const char *path = test_path("config.h");
    test_write(path, cfg, strlen(cfg));
    struct bnn_fold *f = NULL;
    ASSERT_OK(bnn_fold_load(path, net, &f));
    assert_int_equal(f->format, BNN_FOLD_CONFIG_H);
    int32_t pe[9] = {16, 32, 16, 16, 4, 1, 1, 1, 5}, simd[9] = {3, 32, 32, 32, 32, 32, 4, 8, 1};
    for (int j = 0; j < 9; j++) {
        assert_int_equal(f->layers[j].pe, pe[j]);
        assert_int_equal(f->layers[j].simd, simd[j]);
    }
    /* BNN-PYNQ's published cycles per layer ("Ext Latency"), L0..L5 */
    int64_t cyc[6] = {32400, 28224, 20736, 28800, 20736, 18432};
    for (int j = 0; j < 6; j++) assert_int_equal(bnn_fold_layer_cycles(net, &f->layers[j]), cyc[j]);
    /* config.h -> JSON -> config.h -> same folding */
    const char *j1 = test_path("rt.fold.json"), *h1 = test_path("rt.h");
    ASSERT_OK(bnn_fold_save(f, net, j1));
    struct bnn_fold *g = NULL, *h = NULL;
    ASSERT_OK(bnn_fold_load(j1, net, &g));
    assert_int_equal(g->format, BNN_FOLD_FINN_JSON);
    ASSERT_OK(bnn_fold_save_config_h(g, net, h1));
    ASSERT_OK(bnn_fold_load(h1, net, &h));
    for (int j = 0; j < 9; j++) {
        assert_int_equal(h->layers[j].pe, pe[j]);
        assert_int_equal(h->layers[j].simd, simd[j]);
    }
    /* JSON with every key survives save + load */
    static const char js[] =
        "{\"Defaults\": {\"ram_style\": [\"distributed\", [\"MVAU_hls\"]]},\n"
        " \"MVAU_hls_0\": {\"PE\": 32, \"SIMD\": 3, \"ram_style\": \"block\", \"mem_mode\": \"internal_decoupled\","
        " \"resType\": \"lut\", \"runtime_writeable_weights\": 0, \"inFIFODepths\": [4], \"outFIFODepths\": [8]},\n"
        " \"ConvolutionInputGenerator_rtl_0\": {\"SIMD\": 3, \"ram_style\": \"distributed\", \"parallel_window\": 0},\n"
        " \"StreamingFIFO_rtl_3\": {\"depth\": 57, \"impl_style\": \"rtl\", \"ram_style\": \"auto\"},\n"
        " \"Thresholding_rtl_0\": {\"PE\": 3, \"depth_trigger_bram\": 0}}";
    const char *j2 = test_path("keys.fold.json"), *j3 = test_path("keys2.fold.json");
    test_write(j2, js, strlen(js));
    struct bnn_fold *a = NULL, *b = NULL;
    ASSERT_OK(bnn_fold_load(j2, net, &a));
    ASSERT_OK(bnn_fold_save(a, net, j3));
    ASSERT_OK(bnn_fold_load(j3, net, &b));
    assert_int_equal(b->n_nodes, a->n_nodes - 1 + 9); /* every MVAU is written with its PE and SIMD */
    for (int32_t i = 0; i < a->n_nodes; i++) {
        struct bnn_fold_node *x = &a->nodes[i], *y = bnn_fold_node_get(b, x->name, 0);
        if (!y) y = bnn_fold_node_get(b, "MVAU_hls_0", 0); /* MVAU entries are written under MVAU_hls_N */
        assert_non_null(y);
        x->used = y->used = 0;
        if (memcmp(x, y, sizeof *x)) fail_msg("%s changed in the round trip", x->name);
    }
    assert_int_equal(b->n_defaults, 1);
    assert_string_equal(b->defaults[0].sval, "distributed");
    struct bnn_hw_pipeline *p = build(net, b, BNN_STYLE_FINN, BNN_SWG_RTL);
    assert_int_equal(node(p, "Thresholding_rtl_0")->pe, 3);
    assert_int_equal(p->links[3].depth, 57);
    /* PE=3 thresholds feed the 24-bit window directly: StreamingFIFO_rtl_3 is
     * the one in front of MVAU_hls_0, and its own depth beats inFIFODepths;
     * MVAU_hls_0's outFIFODepths sizes the FIFO after it */
    for (int32_t l = 0; l < p->n_links; l++) {
        if (!strcmp(p->nodes[l + 1].name, "MVAU_hls_0")) assert_string_equal(p->links[l].name, "StreamingFIFO_rtl_3");
        if (!strcmp(p->nodes[l].name, "MVAU_hls_0")) assert_int_equal(p->links[l].depth, 8);
    }
    bnn_hw_free(p);
    /* defines that disagree with the network are refused, with the line */
    static const char bad[] = "#define L0_SIMD 3\n#define L0_PE 16\n#define L0_OFM_DIM 31\n";
    test_write(path, bad, strlen(bad));
    struct bnn_fold *c = NULL;
    ASSERT_ERR(bnn_fold_load(path, net, &c), ":3: L0_OFM_DIM = 31, but layer 'conv0'");
    static const char unk[] = "#define L0_SIMD 3\n#define L0_PES 16\n";
    test_write(path, unk, strlen(unk));
    ASSERT_ERR(bnn_fold_load(path, net, &c), "L0_PES: unknown define");
    bnn_fold_free(a);
    bnn_fold_free(b);
    bnn_fold_free(f);
    bnn_fold_free(g);
    bnn_fold_free(h);
    bnn_net_free(net);
}

/* The traced bins hold every cycle of the traced span; the PNG is written. */
static void test_timeline(void **state)
{
    (void)state;
    struct bnn_net *net = load_net("cnv.json");
    struct bnn_fold *fold = load_fold("cnv-max.fold.json", net);
    struct bnn_hw_pipeline *p = build(net, fold, BNN_STYLE_PAPER, BNN_SWG_2017);
    struct bnn_sim_options o = {.frames = 3, .trace_cycles = 20000, .trace_bins = 400};
    struct bnn_sim_result *r = NULL;
    ASSERT_OK(bnn_hw_simulate(p, &o, &r));
    int64_t bw = (20000 + 399) / 400;
    for (int32_t i = 0; i < p->n_nodes; i++)
        for (int32_t b = 0; b < 400; b++) {
            const int64_t *c = &r->node_bins[((int64_t)i * 400 + b) * 4];
            int64_t span = 20000 - (int64_t)b * bw < bw ? 20000 - (int64_t)b * bw : bw;
            if (span < 0) span = 0;
            if (c[0] + c[1] + c[2] + c[3] != span) fail_msg("%s bin %d: %lld cycles, expected %lld", p->nodes[i].name, b,
                                                            (long long)(c[0] + c[1] + c[2] + c[3]), (long long)span);
        }
    const char *png = test_path("t.png");
    ASSERT_OK(bnn_hw_timeline_plot(p, r, png));
    FILE *f = fopen(png, "rb");
    assert_non_null(f);
    unsigned char sig[8];
    assert_int_equal(fread(sig, 1, 8, f), 8);
    fclose(f);
    assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
    bnn_sim_result_free(r);
    o.trace_cycles = 0;
    ASSERT_OK(bnn_hw_simulate(p, &o, &r));
    ASSERT_ERR(bnn_hw_timeline_plot(p, r, test_path("u.png")), "not traced");
    assert_false(test_exists(test_path("u.png")));
    bnn_sim_result_free(r);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

/* Fast-forwarding an exactly periodic state changes nothing: every
 * statistic equals stepping every cycle. */
static void ff_case(const char *netf, const char *foldf, enum bnn_style style, double dma, int32_t depth, int32_t frames)
{
    struct bnn_net *net = load_net(netf);
    struct bnn_fold *fold = load_fold(foldf, net);
    struct bnn_hw_options o;
    bnn_hw_options_default(&o);
    o.style = style;
    o.swg = style == BNN_STYLE_PAPER ? BNN_SWG_2017 : BNN_SWG_RTL;
    o.dma_bytes_per_cycle = dma;
    o.fifo_depth = depth;
    struct bnn_hw_pipeline *p = NULL;
    ASSERT_OK(bnn_hw_build(net, fold, &o, "ff", &p));
    struct bnn_sim_options a = {.frames = frames, .trace_bins = 1000, .every_cycle = 1}, b = {.frames = frames, .trace_bins = 1000};
    struct bnn_sim_result *ra = NULL, *rb = NULL;
    ASSERT_OK(bnn_hw_simulate(p, &a, &ra));
    ASSERT_OK(bnn_hw_simulate(p, &b, &rb));
    assert_int_equal(ra->skipped_cycles, 0);
    if (rb->skipped_cycles < ra->cycles / 2)
        fail_msg("%s/%s: only %lld of %lld cycles fast-forwarded", netf, foldf, (long long)rb->skipped_cycles, (long long)ra->cycles);
    assert_int_equal(ra->cycles, rb->cycles);
    assert_int_equal(ra->first_frame_latency, rb->first_frame_latency);
    for (int32_t f = 0; f < frames; f++)
        if (ra->frame_done[f] != rb->frame_done[f])
            fail_msg("%s: frame %d done at %lld stepping, %lld fast-forwarded", foldf, f, (long long)ra->frame_done[f],
                     (long long)rb->frame_done[f]);
    for (int32_t i = 0; i < p->n_nodes; i++)
        if (memcmp(&ra->node[i], &rb->node[i], sizeof ra->node[i]))
            fail_msg("%s: %s stats differ: busy %lld/%lld stall-in %lld/%lld stall-out %lld/%lld idle %lld/%lld", foldf,
                     p->nodes[i].name, (long long)ra->node[i].busy, (long long)rb->node[i].busy,
                     (long long)ra->node[i].stall_in, (long long)rb->node[i].stall_in, (long long)ra->node[i].stall_out,
                     (long long)rb->node[i].stall_out, (long long)ra->node[i].idle, (long long)rb->node[i].idle);
    for (int32_t l = 0; l < p->n_links; l++) {
        assert_int_equal(ra->link[l].max_occupancy, rb->link[l].max_occupancy);
        assert_int_equal(ra->link[l].words, rb->link[l].words);
    }
    bnn_sim_result_free(ra);
    bnn_sim_result_free(rb);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

static void test_fast_forward_is_exact(void **state)
{
    (void)state;
    ff_case("cnv.json", "cnv-max.fold.json", BNN_STYLE_PAPER, 8, 2, 60);
    ff_case("cnv.json", "cnv-fix.fold.json", BNN_STYLE_FINN, 8, 2, 40);
    ff_case("sfc.json", "sfc-max.fold.json", BNN_STYLE_PAPER, 6.4, 2, 3000); /* DMA pauses (4 per burst): burst position in the state */
    ff_case("lfc10.json", "lfc-fix.fold.json", BNN_STYLE_FINN, 8, 4, 60);
}

/* The reported II is the steady state whatever --frames says: the default
 * (converge, at most 4096 frames) equals a plain 1,024-frame run to 0.1 %, for
 * every bundled design, both styles, full and DMA-starved bandwidth. */
static void test_steady_state(void **state)
{
    (void)state;
    const char *designs[][2] = {{"sfc.json", "sfc-max.fold.json"}, {"sfc784.json", "sfc-fix.fold.json"},
                                {"lfc.json", "lfc-max.fold.json"}, {"lfc10.json", "lfc-fix.fold.json"},
                                {"cnv.json", "cnv-max.fold.json"}, {"cnv.json", "cnv-fix.fold.json"}};
    int cases = 0, windows = 0;
    for (int d = 0; d < 6; d++) {
        struct bnn_net *net = load_net(designs[d][0]);
        struct bnn_fold *fold = load_fold(designs[d][1], net);
        for (int style = 0; style < 2; style++)
            for (int dma = 0; dma < 2; dma++) {
                struct bnn_hw_options o;
                bnn_hw_options_default(&o);
                o.style = style ? BNN_STYLE_PAPER : BNN_STYLE_FINN;
                o.swg = style ? BNN_SWG_2017 : BNN_SWG_RTL;
                if (dma) o.dma_bytes_per_cycle = 6.92; /* the DMA-bound case that moved with --frames */
                struct bnn_hw_pipeline *p;
                ASSERT_OK(bnn_hw_build(net, fold, &o, "test", &p));
                struct bnn_sim_options dflt = {.frames = 4096, .trace_bins = 1000, .converge = 1};
                struct bnn_sim_result *a, *b;
                ASSERT_OK(bnn_hw_simulate(p, &dflt, &a));
                b = sim(p, 1024);
                assert_true(a->converged);
                double rel = fabs(a->throughput_fps - b->throughput_fps) / b->throughput_fps;
                if (rel > 1e-3)
                    fail_msg("%s %s, DMA %.2f B/cycle: %.0f FPS by default (%d frames) vs %.0f at 1,024 frames", designs[d][1],
                             style ? "paper" : "finn", o.dma_bytes_per_cycle, a->throughput_fps, a->frames, b->throughput_fps);
                windows += !a->period_frames;
                cases++;
                bnn_sim_result_free(a);
                bnn_sim_result_free(b);
                bnn_hw_free(p);
            }
        bnn_fold_free(fold);
        bnn_net_free(net);
    }
    printf("  %d designs x styles x bandwidths: default FPS = 1,024-frame FPS to 0.1 %% (%d by windows, the rest periodic)\n",
           cases, windows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finn_formulas),      cmocka_unit_test(test_pipeline_shape),
        cmocka_unit_test(test_sim_matches_slowest_node), cmocka_unit_test(test_paper_prototypes),
        cmocka_unit_test(test_fifo_sizing_cnv),    cmocka_unit_test(test_deadlock_report),
        cmocka_unit_test(test_bad_configs),        cmocka_unit_test(test_config_round_trips),
        cmocka_unit_test(test_timeline),          cmocka_unit_test(test_fast_forward_is_exact),
        cmocka_unit_test(test_steady_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
