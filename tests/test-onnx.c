/* FINN / QONNX ONNX in and out: every TFC stage of the FINN flow against
 * FINN's labels and the derived golden tensors; the raw export's thresholds
 * against the streamlined file's; FINN's folding config with its typo;
 * round trips of the bundled and 100 random networks in both forms
 * (tensors, outputs and pipelines equal); conv models the test builds in
 * raw QONNX form; onnx.checker on what bnnsim writes; bad files. */
#include <jansson.h>
#include <sys/wait.h>

#include "test-util.h"
#include "test-nets.h"
#include "onnx/build.h"
#include "onnx/graph.h"

/* ---- comparing networks ---- */

/* T as the accumulator threshold it stands for: acc >= result */
static int64_t acc_threshold(const struct bnn_net *net, const struct bnn_layer *L, int64_t T, int32_t row)
{
    int32_t f = L->acc_frac, sh = L->thr_frac - f;
    (void)net;
    int64_t t = sh <= 0 ? T * ((int64_t)1 << -sh) : -bnn__floordiv(-T, (int64_t)1 << sh);
    /* an accumulator of one parity (the +-1 dot: MW; +-w over bits: the row's weight sum)
     * never equals a threshold of the other: the next one up is the same rule */
    int64_t parity = -1;
    if (L->in_type == BNN_VT_BITS && L->w_bits <= 1 && L->acc_kind == BNN_ACC_DOT) parity = L->mw & 1;
    if (L->in_type == BNN_VT_BITS && L->w_bits > 1) {
        int64_t s = 0;
        for (int32_t j = 0; j < L->mw; j++) s += bnn_layer_weight(L, (size_t)((int64_t)row * L->mw + j));
        parity = s & 1;
    }
    if (parity >= 0 && (t & 1) != parity) t++;
    return t;
}

/* 1 when equal; `exact`: thresholds bit for bit (else the same acc rule) */
static int nets_equal(const struct bnn_net *a, const struct bnn_net *b, int exact, int names, char *why, size_t n)
{
    if (a->n_layers != b->n_layers) return snprintf(why, n, "%d vs %d layers", a->n_layers, b->n_layers), 0;
    if (a->n_classes != b->n_classes) return snprintf(why, n, "%d vs %d classes", a->n_classes, b->n_classes), 0;
    for (int32_t i = 0; names && i < a->n_classes; i++)
        if (strcmp(a->class_names[i], b->class_names[i])) return snprintf(why, n, "class %d: %s vs %s", i, a->class_names[i], b->class_names[i]), 0;
    for (int32_t i = 0; i < a->n_layers; i++) {
        const struct bnn_layer *x = &a->layers[i], *y = &b->layers[i];
        if (x->kind != y->kind) return snprintf(why, n, "layer %d: kind %d vs %d", i, x->kind, y->kind), 0;
        if (names && strcmp(x->name, y->name)) return snprintf(why, n, "layer %d: name %s vs %s", i, x->name, y->name), 0;
        if (memcmp(&x->in, &y->in, sizeof x->in) || memcmp(&x->out, &y->out, sizeof x->out))
            return snprintf(why, n, "layer %d: shapes differ", i), 0;
        const struct bnn_input_spec *u = &x->input, *z = &y->input;
        if (x->kind == BNN_LAYER_INPUT &&
            (u->kind != z->kind || (u->kind == BNN_INPUT_BINARY ? u->binarize_threshold != z->binarize_threshold
                                                                 : u->bits != z->bits || u->frac != z->frac ||
                                                                       u->is_signed != z->is_signed ||
                                                                       u->range_lo != z->range_lo || u->range_hi != z->range_hi)))
            return snprintf(why, n, "input spec differs (kind %d/%d thr %d/%d bits %d/%d frac %d/%d signed %d/%d range %d..%d/%d..%d)",
                            x->input.kind, y->input.kind, x->input.binarize_threshold, y->input.binarize_threshold,
                            x->input.bits, y->input.bits, x->input.frac, y->input.frac, x->input.is_signed,
                            y->input.is_signed, x->input.range_lo, x->input.range_hi, y->input.range_lo, y->input.range_hi), 0;
        if (x->kind == BNN_LAYER_CONV || x->kind == BNN_LAYER_MAXPOOL)
            if (x->kernel != y->kernel || x->stride != y->stride || x->pad != y->pad || (x->pad && x->pad_value != y->pad_value))
                return snprintf(why, n, "layer %d '%s': window k%d s%d p%d/%d vs k%d s%d p%d/%d", i, x->name, x->kernel,
                                x->stride, x->pad, x->pad_value, y->kernel, y->stride, y->pad, y->pad_value), 0;
        if (x->kind == BNN_LAYER_FC && (x->in_pad != y->in_pad || (x->in_pad && x->in_pad_value != y->in_pad_value)))
            return snprintf(why, n, "layer %d: in_pad", i), 0;
        if (x->kind == BNN_LAYER_LABELSELECT && x->top_k != y->top_k) return snprintf(why, n, "layer %d: k", i), 0;
        if (x->kind != BNN_LAYER_CONV && x->kind != BNN_LAYER_FC) continue;
        if (x->mh != y->mh || x->mw != y->mw || x->act != y->act) return snprintf(why, n, "layer %d: matrix or activation", i), 0;
        for (int64_t k = 0; k < (int64_t)x->mh * x->mw; k++)
            if (x->weights[k] != y->weights[k])
                return snprintf(why, n, "layer %d '%s': weight [%lld][%lld] %d vs %d", i, x->name, (long long)(k / x->mw),
                                (long long)(k % x->mw), x->weights[k], y->weights[k]), 0;
        if (x->act != BNN_ACT_THRESHOLD) continue;
        if (x->n_thr != y->n_thr) return snprintf(why, n, "layer %d: %d vs %d thresholds", i, x->n_thr, y->n_thr), 0;
        if (exact && (x->thr_frac != y->thr_frac || x->thr_bits != y->thr_bits))
            return snprintf(why, n, "layer %d '%s': threshold frac/bits %d/%d vs %d/%d", i, x->name, x->thr_frac, x->thr_bits,
                            y->thr_frac, y->thr_bits), 0;
        for (int64_t k = 0; k < (int64_t)x->mh * x->n_thr; k++) {
            int64_t p = exact ? x->thresholds[k] : acc_threshold(a, x, x->thresholds[k], (int32_t)(k / x->n_thr));
            int64_t q = exact ? y->thresholds[k] : acc_threshold(b, y, y->thresholds[k], (int32_t)(k / y->n_thr));
            if (p != q) return snprintf(why, n, "layer %d '%s': threshold %lld: %lld vs %lld", i, x->name, (long long)k, (long long)p, (long long)q), 0;
        }
    }
    return 1;
}

/* same scores and classes on random pictures */
static void outputs_equal(const struct bnn_net *a, const struct bnn_net *b, const char *what)
{
    struct bnn_plan *pa, *pb;
    struct bnn_plan_options o = {BNN_ENGINE_REF, 1};
    ASSERT_OK(bnn_plan_create(a, &o, &pa));
    ASSERT_OK(bnn_plan_create(b, &o, &pb));
    const struct bnn_shape in = a->layers[0].out;
    const int32_t N = 6;
    size_t img = (size_t)in.h * in.w * in.c;
    uint8_t *px = malloc(img * N);
    for (size_t k = 0; k < img * N; k++) px[k] = (uint8_t)rnd();
    int32_t ns = bnn_plan_n_scores(pa);
    assert_int_equal(ns, bnn_plan_n_scores(pb));
    int32_t *sa = calloc((size_t)N * ns, 4), *sb = calloc((size_t)N * ns, 4);
    struct bnn_result ra[6], rb[6];
    ASSERT_OK(bnn_plan_run(pa, px, N, sa, ra));
    ASSERT_OK(bnn_plan_run(pb, px, N, sb, rb));
    for (int32_t k = 0; k < N * ns; k++)
        if (sa[k] != sb[k]) fail_msg("%s: image %d score %d: %d vs %d", what, k / ns, k % ns, sa[k], sb[k]);
    for (int32_t i = 0; i < N; i++) assert_int_equal(ra[i].class_index, rb[i].class_index);
    free(px);
    free(sa);
    free(sb);
    bnn_plan_free(pa);
    bnn_plan_free(pb);
}

/* the same pipeline: nodes, PE/SIMD and every FIFO depth */
static void pipelines_equal(const struct bnn_net *na, const struct bnn_fold *fa, const struct bnn_net *nb,
                            const struct bnn_fold *fb, const char *what)
{
    struct bnn_hw_options o;
    bnn_hw_options_default(&o);
    struct bnn_hw_pipeline *pa, *pb;
    ASSERT_OK(bnn_hw_build(na, fa, &o, what, &pa));
    ASSERT_OK(bnn_hw_build(nb, fb, &o, what, &pb));
    assert_int_equal(pa->n_nodes, pb->n_nodes);
    for (int32_t i = 0; i < pa->n_nodes; i++) {
        if (strcmp(pa->nodes[i].name, pb->nodes[i].name) || pa->nodes[i].pe != pb->nodes[i].pe || pa->nodes[i].simd != pb->nodes[i].simd)
            fail_msg("%s: node %d: %s PE %d SIMD %d vs %s PE %d SIMD %d", what, i, pa->nodes[i].name, pa->nodes[i].pe,
                     pa->nodes[i].simd, pb->nodes[i].name, pb->nodes[i].pe, pb->nodes[i].simd);
    }
    for (int32_t l = 0; l < pa->n_links; l++)
        if (pa->links[l].depth != pb->links[l].depth)
            fail_msg("%s: %s depth %d vs %d", what, pa->links[l].name, pa->links[l].depth, pb->links[l].depth);
    bnn_hw_free(pa);
    bnn_hw_free(pb);
}

static void roundtrip(const struct bnn_net *net, const struct bnn_fold *fold, enum bnn_onnx_form form, const char *what,
                      int exact)
{
    char *path = test_path("rt.onnx"), why[512];
    ASSERT_OK(bnn_onnx_export(net, fold, form, path));
    struct bnn_net *back;
    struct bnn_fold *bf;
    struct bnn_warnings w = {0};
    ASSERT_OK(bnn_onnx_import(path, NULL, &back, &bf, &w));
    if (w.n) fail_msg("%s: unexpected warning: %s", what, w.msg[0]);
    if (!nets_equal(net, back, exact, 1, why, sizeof why)) fail_msg("%s (%s form): %s", what, form ? "hw" : "streamlined", why);
    outputs_equal(net, back, what);
    if (form == BNN_ONNX_HW) {
        assert_non_null(bf);
        struct bnn_fold *f0 = NULL;
        if (!fold) ASSERT_OK(bnn_fold_new(net, &f0));
        pipelines_equal(net, fold ? fold : f0, back, bf, what);
        bnn_fold_free(f0);
    } else {
        assert_null(bf);
    }
    bnn_fold_free(bf);
    bnn_net_free(back);
}

/* ---- the TFC stages in ../shared/onnx ---- */

static const char *const tfc_files[] = {
    "qonnx-model-zoo/TFC_1W1A.onnx",                     "finn-build_dataflow/model.onnx",
    "finn-v0.5-end2end/tfc_w1_a1_streamlined.onnx",      "finn-v0.5-end2end/tfc_w1a1_ready_for_hls_conversion.onnx",
    "finn-v0.5-end2end/tfc_w1_a1_hls_layers.onnx",
};

static const char *onnx_dir(void)
{
    const char *s = test_shared_dir();
    static char d[4200];
    if (!s) return NULL;
    snprintf(d, sizeof d, "%s/onnx/tfc-w1a1", s);
    return access(d, R_OK) == 0 ? d : NULL;
}

static void test_tfc_stages(void **state)
{
    (void)state;
    const char *d = onnx_dir();
    if (!d) {
        printf("  skipped: ../shared/onnx not here (set BNNSIM_SHARED)\n");
        return;
    }
    char p[4400];
    snprintf(p, sizeof p, "%s/derived/tfc_w1a1_golden_5img.npz", d);
    struct bnn_npz *z;
    ASSERT_OK(bnn_npz_open(p, &z));
    struct bnn_array in, lab, bits[4], pop[4];
    ASSERT_OK(bnn_npz_get(z, "input_u8", &in));
    ASSERT_OK(bnn_npz_get(z, "label", &lab));
    for (int k = 0; k < 4; k++) {
        char nm[16];
        snprintf(nm, sizeof nm, "bits%d", k);
        ASSERT_OK(bnn_npz_get(z, nm, &bits[k]));
        snprintf(nm, sizeof nm, "pop%d", k);
        ASSERT_OK(bnn_npz_get(z, nm, &pop[k]));
    }
    bnn_npz_close(z);
    assert_int_equal(in.count, 5 * 784);
    struct bnn_net *nets[5];
    for (int f = 0; f < 5; f++) {
        snprintf(p, sizeof p, "%s/%s", d, tfc_files[f]);
        struct bnn_fold *fold;
        ASSERT_OK(bnn_onnx_import(p, NULL, &nets[f], &fold, NULL));
        assert_true((fold != NULL) == (f == 4)); /* only the HW-layer file carries a folding */
        bnn_fold_free(fold);
        struct bnn_net *net = nets[f];
        struct bnn_plan *plan;
        struct bnn_plan_options o = {BNN_ENGINE_REF, 1};
        ASSERT_OK(bnn_plan_create(net, &o, &plan));
        for (int im = 0; im < 5; im++) {
            struct bnn_result r;
            ASSERT_OK(bnn_plan_run(plan, (const uint8_t *)in.data + 784 * im, 1, NULL, &r));
            if (r.class_index != bnn_array_get_i64(&lab, im))
                fail_msg("%s: image %d gives %d, FINN's label is %lld", tfc_files[f], im, r.class_index,
                         (long long)bnn_array_get_i64(&lab, im));
            /* every layer: its bits, and the popcount recomputed from its weights */
            int32_t x[1024], y[1024];
            ASSERT_OK(bnn_plan_layer_output(plan, 0, x));
            for (int k = 0; k < 784; k++) assert_int_equal(x[k], bnn_array_get_i64(&bits[0], im * 784 + k));
            int32_t prev_n = 784;
            for (int li = 1; li <= 4; li++) {
                const struct bnn_layer *L = &net->layers[li];
                for (int32_t r2 = 0; r2 < L->mh; r2++) {
                    int32_t pc = 0;
                    for (int32_t c = 0; c < prev_n; c++) pc += x[c] == L->weights[(int64_t)r2 * L->mw + c];
                    if (pc != bnn_array_get_i64(&pop[li - 1], im * L->mh + r2))
                        fail_msg("%s: image %d layer %d row %d: popcount %d, golden %lld", tfc_files[f], im, li, r2, pc,
                                 (long long)bnn_array_get_i64(&pop[li - 1], im * L->mh + r2));
                }
                ASSERT_OK(bnn_plan_layer_output(plan, li, y));
                if (li < 4)
                    for (int32_t c = 0; c < L->mh; c++) assert_int_equal(y[c], bnn_array_get_i64(&bits[li], im * L->mh + c));
                memcpy(x, y, sizeof x);
                prev_n = L->mh;
            }
        }
        bnn_plan_free(plan);
    }
    /* the 192 thresholds (and all weights) of the raw export equal every later stage's */
    char why[512];
    int64_t n_thr = 0;
    for (int f = 1; f < 5; f++)
        if (!nets_equal(nets[0], nets[f], 1, 0, why, sizeof why) && strstr(why, "layers") == NULL)
            fail_msg("%s vs %s: %s", tfc_files[0], tfc_files[f], why);
    for (int i = 1; i <= 3; i++) n_thr += (int64_t)nets[0]->layers[i].mh * nets[0]->layers[i].n_thr;
    assert_int_equal(n_thr, 192);
    for (int f = 0; f < 5; f++) bnn_net_free(nets[f]);
    bnn_array_free(&in);
    bnn_array_free(&lab);
    for (int k = 0; k < 4; k++) bnn_array_free(&bits[k]), bnn_array_free(&pop[k]);
    printf("  5 TFC stages: labels 7 2 1 0 2, every layer equal to the golden tensors, 192 thresholds equal\n");
}

static void test_finn_folding_config(void **state)
{
    (void)state;
    const char *d = onnx_dir();
    if (!d) {
        printf("  skipped: ../shared/onnx not here\n");
        return;
    }
    char p[4400], cfg[4400];
    snprintf(p, sizeof p, "%s/finn-build_dataflow/model.onnx", d);
    snprintf(cfg, sizeof cfg, "%s/finn-build_dataflow/folding_config.json", d);
    struct bnn_net *net;
    ASSERT_OK(bnn_net_open(p, &net, NULL, NULL));
    struct bnn_fold *fold = NULL;
    ASSERT_ERR(bnn_fold_load(cfg, net, &fold), "MVA_hls_3");
    /* with the typo fixed it runs */
    uint8_t *text;
    size_t len;
    ASSERT_OK(bnn_file_read_all(cfg, &text, &len));
    char *fixed = calloc(len + 2, 1);
    memcpy(fixed, text, len);
    char *t = strstr(fixed, "\"MVA_hls_3\"");
    assert_non_null(t);
    memmove(t + 5, t + 4, strlen(t + 4) + 1);
    t[4] = 'U';
    test_write(test_path("fixed.json"), fixed, strlen(fixed));
    ASSERT_OK(bnn_fold_load(test_path("fixed.json"), net, &fold));
    assert_int_equal(fold->layers[0].pe, 16);
    assert_int_equal(fold->layers[0].simd, 49);
    assert_int_equal(fold->layers[3].pe, 10);
    struct bnn_hw_options o;
    bnn_hw_options_default(&o);
    struct bnn_hw_pipeline *pl;
    ASSERT_OK(bnn_hw_build(net, fold, &o, "fixed.json", &pl));
    struct bnn_hw_estimate e;
    bnn_hw_estimate(pl, &e);
    assert_string_equal(pl->nodes[e.max_cycles_node].name, "MVAU_hls_0"); /* (64/16)*(784/49) = 64 cycles */
    assert_int_equal(e.max_cycles, 64);
    bnn_hw_free(pl);
    bnn_fold_free(fold);
    free(fixed);
    free(text);
    /* the HW-layer file's own folding: attributes as FINN v0.5 wrote them */
    snprintf(p, sizeof p, "%s/finn-v0.5-end2end/tfc_w1_a1_hls_layers.onnx", d);
    struct bnn_net *hn;
    ASSERT_OK(bnn_net_open(p, &hn, &fold, NULL));
    assert_non_null(fold);
    const struct bnn_fold_node *m = bnn_fold_node_get(fold, "MVAU_hls_0", 0);
    assert_non_null(m);
    assert_string_equal(m->mem_mode, "decoupled");
    assert_string_equal(m->res_type, "lut");
    assert_int_equal(fold->layers[0].pe, 1);
    assert_non_null(bnn_fold_node_get(fold, "Thresholding_rtl_0", 0));
    bnn_fold_free(fold);
    bnn_net_free(hn);
    bnn_net_free(net);
}

/* ---- round trips ---- */

static void test_roundtrip_bundled(void **state)
{
    (void)state;
    const char *nets[] = {"sfc", "lfc", "cnv"};
    for (int i = 0; i < 3; i++) {
        char p[256], f[256];
        snprintf(p, sizeof p, "data/%s.json", nets[i]);
        struct bnn_net *net;
        ASSERT_OK(bnn_net_load(p, &net));
        roundtrip(net, NULL, BNN_ONNX_STREAMLINED, p, 1);
        roundtrip(net, NULL, BNN_ONNX_HW, p, 1);
        for (int k = 0; k < 2; k++) {
            snprintf(f, sizeof f, "data/%s-%s.fold.json", nets[i], k ? "max" : "fix");
            struct bnn_fold *fold;
            ASSERT_OK(bnn_fold_load(f, net, &fold));
            if (k == 1 && i == 2) { /* sized FIFOs of every depth */
                struct bnn_hw_options o;
                bnn_hw_options_default(&o);
                struct bnn_hw_pipeline *pl;
                struct bnn_fifo_sizing fs;
                ASSERT_OK(bnn_hw_build(net, fold, &o, f, &pl));
                ASSERT_OK(bnn_hw_size_fifos(pl, 8, &fs));
                ASSERT_OK(bnn_hw_store_fifos(pl, fold));
                bnn_hw_free(pl);
            }
            roundtrip(net, fold, BNN_ONNX_HW, f, 1);
            bnn_fold_free(fold);
        }
        bnn_net_free(net);
    }
    /* BNN-PYNQ's CNV: 8 fraction bits in layer 0's thresholds, padding rows */
    const char *s = test_shared_dir();
    if (!s) return;
    char d[4200];
    snprintf(d, sizeof d, "%s/bnn-pynq/cnvW1A1-cifar10", s);
    struct bnn_net *net;
    struct bnn_fold *fold;
    ASSERT_OK(bnn_pynq_import(BNN_PYNQ_CNV_W1A1, d, &net, &fold, NULL));
    roundtrip(net, NULL, BNN_ONNX_STREAMLINED, "cnvW1A1", 1);
    roundtrip(net, fold, BNN_ONNX_HW, "cnvW1A1", 0); /* FINN's MVAU thresholds are integers on the accumulator */
    bnn_fold_free(fold);
    bnn_net_free(net);
}

/* a random legal folding: PE | MH, SIMD | MW (and | channels for a conv) */
static struct bnn_fold *random_fold(const struct bnn_net *net)
{
    struct bnn_fold *f;
    ASSERT_OK(bnn_fold_new(net, &f));
    for (int32_t j = 0; j < f->n; j++) {
        const struct bnn_layer *L = &net->layers[f->layers[j].layer];
        int32_t pe = 1 + (int32_t)(rnd() % 8), simd = 1 + (int32_t)(rnd() % 8);
        while (L->mh % pe) pe--;
        while (!bnn_fold_rule(net, f->layers[j].layer, pe, simd, NULL, 0)) simd--;
        f->layers[j].pe = pe, f->layers[j].simd = simd, f->layers[j].defaulted = 0;
    }
    return f;
}

static void test_roundtrip_random(void **state)
{
    (void)state;
    int done = 0;
    for (int v = 0; v < 100; v++) {
        struct bnn_net *net = random_net(v + 900);
        ASSERT_OK(bnn_net_finalize(net, "random"));
        char what[64];
        snprintf(what, sizeof what, "random net %d", v);
        roundtrip(net, NULL, BNN_ONNX_STREAMLINED, what, 1);
        struct bnn_fold *fold = random_fold(net);
        /* padding columns of a bit the input never gives have no pixel in the HW form */
        const struct bnn_layer *L0 = &net->layers[bnn_net_first_matrix(net)];
        int no_pixel = L0->in_pad && ((L0->in_pad_value && net->layers[0].input.binarize_threshold > 255) ||
                                      (!L0->in_pad_value && net->layers[0].input.binarize_threshold < 1));
        if (no_pixel) ASSERT_ERR(bnn_onnx_export(net, fold, BNN_ONNX_HW, test_path("x.onnx")), "no pixel value");
        else roundtrip(net, fold, BNN_ONNX_HW, what, 0);
        bnn_fold_free(fold);
        bnn_net_free(net);
        done++;
    }
    printf("  %d random networks: streamlined and HW-layer round trips equal\n", done);
}

/* Random multi-bit networks (every pairing of bipolar / integer weights with
 * binary / integer maps, multi-level activations, activation biases,
 * integer pooling and padding, the +-1 dot accumulator) through the
 * streamlined form and back: the same scores and classes. */
static void test_roundtrip_multibit(void **state)
{
    (void)state;
    int done = 0, frac = 0, hw = 0;
    for (int v = 0; v < 300; v++) {
        struct bnn_net *net = random_mb_net(v);
        ASSERT_OK(bnn_net_finalize(net, "random"));
        char what[64];
        snprintf(what, sizeof what, "multi-bit net %d", v);
        int has_frac = 0, multi = 0;
        for (int32_t i = 1; i < net->n_layers; i++) {
            const struct bnn_layer *L = &net->layers[i];
            if (L->kind != BNN_LAYER_CONV && L->kind != BNN_LAYER_FC) continue;
            has_frac |= L->w_frac != 0;
            multi |= L->w_bits > 1 || L->acc_kind == BNN_ACC_DOT || L->act_bias ||
                     (L->in_type == BNN_VT_INT && net->layers[i - 1].kind != BNN_LAYER_INPUT);
        }
        if (has_frac) { /* FINN's WPF: refused, and named */
            ASSERT_ERR(bnn_onnx_export(net, NULL, BNN_ONNX_STREAMLINED, test_path("x.onnx")), "fraction bits");
            frac++;
        } else {
            roundtrip(net, NULL, BNN_ONNX_STREAMLINED, what, 0);
            if (!done) ASSERT_OK(bnn_onnx_export(net, NULL, BNN_ONNX_STREAMLINED, test_path("mb-first.onnx"))); /* onnx.checker */
            done++;
        }
        if (multi && !has_frac) { /* the HW layers with the folding: the same network, pipeline and scores */
            struct bnn_fold *fold = random_fold(net);
            const struct bnn_layer *L0 = &net->layers[bnn_net_first_matrix(net)];
            int no_pixel = L0->in_pad && ((L0->in_pad_value && net->layers[0].input.binarize_threshold > 255) ||
                                          (!L0->in_pad_value && net->layers[0].input.binarize_threshold < 1));
            if (!no_pixel) {
                roundtrip(net, fold, BNN_ONNX_HW, what, 0);
                if (!hw) ASSERT_OK(bnn_onnx_export(net, fold, BNN_ONNX_HW, test_path("mb-hw.onnx"))); /* for onnx.checker */
                hw++;
            }
            bnn_fold_free(fold);
        }
        bnn_net_free(net);
    }
    printf("  %d random multi-bit networks: streamlined round trips give the same scores, %d HW-layer round trips the "
           "same pipeline too; %d refused for weight fraction bits, by name\n", done, hw, frac);
    assert_true(done >= 150);
    if (system("/usr/bin/python3 -c 'import onnx' 2>/dev/null") == 0) {
        char cmd[9000];
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c 'import onnx,sys\nfor f in sys.argv[1:]: "
                 "onnx.checker.check_model(onnx.load(f))' %s %s", test_path("mb-first.onnx"), test_path("mb-hw.onnx"));
        assert_int_equal(system(cmd), 0);
    }
    /* BNN-PYNQ's 2-bit sets (the +-1 dot accumulator, ActVal -1): every score equal */
    const char *sh = test_shared_dir();
    if (!sh) {
        printf("  BNN-PYNQ 2-bit round trips skipped: ../shared/bnn-pynq is absent\n");
        return;
    }
    static const struct { enum bnn_pynq_network w; const char *dir; } sets[] = {
        {BNN_PYNQ_CNV_W1A2, "cnvW1A2-cifar10"}, {BNN_PYNQ_CNV_W2A2, "cnvW2A2-cifar10"}, {BNN_PYNQ_LFC_W1A2, "lfcW1A2-mnist"}};
    for (size_t k = 0; k < 3; k++) {
        char d[4200];
        snprintf(d, sizeof d, "%s/bnn-pynq/%s", sh, sets[k].dir);
        struct bnn_net *net, *back;
        struct bnn_fold *fold, *bf;
        ASSERT_OK(bnn_pynq_import(sets[k].w, d, &net, &fold, NULL));
        char *path = test_path("pynq2.onnx");
        ASSERT_OK(bnn_onnx_export(net, NULL, BNN_ONNX_STREAMLINED, path));
        ASSERT_OK(bnn_onnx_import(path, NULL, &back, &bf, NULL));
        outputs_equal(net, back, sets[k].dir);
        bnn_net_free(back);
        /* and as FINN's HW layers with config.h's folding */
        roundtrip(net, fold, BNN_ONNX_HW, sets[k].dir, 0);
        if (sets[k].w == BNN_PYNQ_CNV_W2A2) { /* the model's own folding: L3 is the bottleneck, 115,200 cycles */
            ASSERT_OK(bnn_onnx_export(net, fold, BNN_ONNX_HW, path));
            ASSERT_OK(bnn_onnx_import(path, NULL, &back, &bf, NULL));
            struct bnn_hw_options ho;
            bnn_hw_options_default(&ho);
            struct bnn_hw_pipeline *p;
            ASSERT_OK(bnn_hw_build(back, bf, &ho, "cnvW2A2.onnx", &p));
            struct bnn_hw_estimate est;
            bnn_hw_estimate(p, &est);
            assert_string_equal(p->nodes[est.max_cycles_node].name, "MVAU_hls_3");
            assert_int_equal(est.max_cycles, 115200);
            bnn_hw_free(p);
            bnn_fold_free(bf);
            bnn_net_free(back);
        }
        bnn_fold_free(fold);
        bnn_net_free(net);
    }
    printf("  BNN-PYNQ cnvW1A2, cnvW2A2, lfcW1A2: streamlined and HW-layer round trips give every score; the HW "
           "cnvW2A2 names MVAU_hls_3 at 115,200 cycles\n");
}

/* onnx.checker with the custom domains declared (Debian python3-onnx) */
static void test_onnx_checker(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import onnx' 2>/dev/null")) {
        printf("  skipped: /usr/bin/python3 has no onnx module (apt-get install python3-onnx)\n");
        return;
    }
    struct bnn_net *sfc, *cnv;
    ASSERT_OK(bnn_net_load("data/sfc.json", &sfc));
    ASSERT_OK(bnn_net_load("data/cnv.json", &cnv));
    struct bnn_fold *fold;
    ASSERT_OK(bnn_fold_load("data/cnv-fix.fold.json", cnv, &fold));
    ASSERT_OK(bnn_onnx_export(sfc, NULL, BNN_ONNX_STREAMLINED, test_path("c1.onnx")));
    ASSERT_OK(bnn_onnx_export(sfc, NULL, BNN_ONNX_HW, test_path("c2.onnx")));
    ASSERT_OK(bnn_onnx_export(cnv, NULL, BNN_ONNX_STREAMLINED, test_path("c3.onnx")));
    ASSERT_OK(bnn_onnx_export(cnv, fold, BNN_ONNX_HW, test_path("c4.onnx")));
    char cmd[20000];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import onnx,sys\n"
             "for f in sys.argv[1:]:\n"
             "    m = onnx.load(f); onnx.checker.check_model(m)\n"
             "    assert any(o.domain == \"qonnx.custom_op.general\" for o in m.opset_import)\n' %s %s %s %s",
             test_path("c1.onnx"), test_path("c2.onnx"), test_path("c3.onnx"), test_path("c4.onnx"));
    assert_int_equal(system(cmd), 0);
    bnn_fold_free(fold);
    bnn_net_free(sfc);
    bnn_net_free(cnv);
}

/* ---- conv models in raw QONNX form, built here ---- */

struct qb {
    struct xb b;
    const char *cur;
    int uid;
};

static const char *qnode(struct qb *q, const char *op, const char *dom, const char *in1, const char *in2)
{
    const char *ins[4] = {q->cur, in1, in2, NULL};
    if (!in1) ins[1] = NULL;
    char *out = xb_str(&q->b, "t%d", q->uid++);
    xb_node(&q->b, op, dom, xb_str(&q->b, "%s_%d", op, q->uid), ins, out);
    q->cur = out;
    return out;
}

static const char *qscalar(struct qb *q, double v)
{
    return xb_init_real(&q->b, xb_str(&q->b, "c%d", q->uid++), 0, NULL, &v);
}

/* a BN whose sign is "x >= t" (gamma > 0) or "x <= t" (gamma < 0) */
static void qbn(struct qb *q, int32_t ch, const double *t, const int *neg)
{
    double *g = malloc(ch * sizeof *g), *b = malloc(ch * sizeof *b), *m = malloc(ch * sizeof *m), *v = malloc(ch * sizeof *v);
    for (int32_t c = 0; c < ch; c++) {
        g[c] = (neg[c] ? -1 : 1) * (0.5 + (double)(rnd() % 100) / 50);
        v[c] = 0.25 + (double)(rnd() % 100) / 10;
        b[c] = (double)(rnd() % 100) / 40 - 1.2;
        /* t = mu - beta * sqrt(var + eps) / gamma */
        m[c] = t[c] + b[c] * sqrt((double)(float)v[c] + (double)(float)1e-5) / (double)(float)g[c];
        g[c] = (float)g[c], v[c] = (float)v[c], b[c] = (float)b[c], m[c] = (float)m[c];
    }
    int64_t d = ch;
    const char *in[5] = {q->cur, xb_init_real(&q->b, xb_str(&q->b, "g%d", q->uid), 1, &d, g),
                         xb_init_real(&q->b, xb_str(&q->b, "b%d", q->uid), 1, &d, b),
                         xb_init_real(&q->b, xb_str(&q->b, "m%d", q->uid), 1, &d, m),
                         xb_init_real(&q->b, xb_str(&q->b, "v%d", q->uid), 1, &d, v)};
    const char *ins[6] = {in[0], in[1], in[2], in[3], in[4], NULL};
    char *out = xb_str(&q->b, "t%d", q->uid++);
    Onnx__NodeProto *n = xb_node(&q->b, "BatchNormalization", "", xb_str(&q->b, "bn%d", q->uid), ins, out);
    xb_attr_f(&q->b, n, "epsilon", 1e-5);
    q->cur = out;
    free(g), free(b), free(m), free(v);
}

/* weights W (bnnsim rows) through BipolarQuant, negated where neg[] */
static const char *qweights(struct qb *q, const struct bnn_layer *L, const int *neg, int conv, int chw, int32_t H, int32_t Wd, int32_t C)
{
    double *w = malloc((size_t)L->mh * L->mw * sizeof *w);
    for (int32_t o = 0; o < L->mh; o++)
        for (int32_t j = 0; j < L->mw; j++) {
            double x = (L->weights[(int64_t)o * L->mw + j] ? 1 : -1) * (neg[o] ? -1 : 1);
            int64_t k;
            if (conv) { /* OIHW from (ky, kx, c) */
                int32_t ch = j % C, kx = (j / C) % L->kernel, ky = j / C / L->kernel;
                k = (((int64_t)o * C + ch) * L->kernel + ky) * L->kernel + kx;
            } else { /* (out, in) with the input in C,H,W order, as PyTorch stores it */
                int32_t ch = j % C, px = j / C;
                k = (int64_t)o * L->mw + (chw ? (int64_t)ch * H * Wd + px : j);
            }
            w[k] = x;
        }
    int64_t dc[4] = {L->mh, C, L->kernel, L->kernel}, df[2] = {L->mh, L->mw};
    const char *W = xb_init_real(&q->b, xb_str(&q->b, "W%d", q->uid++), conv ? 4 : 2, conv ? dc : df, w);
    free(w);
    const char *ins[3] = {W, qscalar(q, 1.0), NULL};
    const char *wq = xb_str(&q->b, "wq%d", q->uid++);
    xb_node(&q->b, "BipolarQuant", "onnx.brevitas", xb_str(&q->b, "BipolarQuant_%d", q->uid++), ins, wq);
    if (conv) return wq;
    const char *ins2[2] = {wq, NULL};
    const char *wt = xb_str(&q->b, "wt%d", q->uid++);
    Onnx__NodeProto *n = xb_node(&q->b, "Transpose", "", xb_str(&q->b, "Transpose_%d", q->uid++), ins2, wt);
    int64_t perm[2] = {1, 0};
    xb_attr_ints(&q->b, n, "perm", 2, perm);
    return wt;
}

static void qsign(struct qb *q) { qnode(q, "BipolarQuant", "onnx.brevitas", qscalar(q, 1.0), NULL); }

/* input (fixed CNV Q1.7 or binary) -> conv -> BN -> sign -> pool -> conv -> BN -> sign
 * -> Shape/Gather/Concat flatten -> fc -> BN -> sign -> fc -> TensorNorm */
static void test_raw_qonnx_conv(void **state)
{
    (void)state;
    for (int v = 0; v < 12; v++) {
        const int fixed = v % 2 == 0;
        struct bnn_net *net = calloc(1, sizeof *net);
        snprintf(net->name, sizeof net->name, "qonnx%d", v);
        net->layers = calloc(8, sizeof *net->layers);
        net->n_layers = 7;
        struct bnn_layer *L = net->layers;
        const int32_t H = 8 + v % 3, C = 1 + v % 3;
        snprintf(L[0].name, sizeof L[0].name, "in");
        L[0].kind = BNN_LAYER_INPUT;
        L[0].out = (struct bnn_shape){H, H, C};
        L[0].input = fixed ? (struct bnn_input_spec){BNN_INPUT_FIXED, 0, 8, 7, 1, -1, 1}
                           : (struct bnn_input_spec){.kind = BNN_INPUT_BINARY, .binarize_threshold = 128};
        const char *names[] = {"in", "conv0", "pool0", "conv1", "fc0", "fc1"};
        int32_t ch0 = 4 + v % 5, ch1 = 3 + v % 4, oh = (H - 2) / 2 - 2, f0 = 5 + v;
        for (int i = 1; i < 6; i++) snprintf(L[i].name, sizeof L[i].name, "%s", names[i]);
        L[1] = (struct bnn_layer){.kind = BNN_LAYER_CONV, .kernel = 3, .stride = 1, .mh = ch0, .mw = 9 * C, .n_thr = 1};
        L[2] = (struct bnn_layer){.kind = BNN_LAYER_MAXPOOL, .kernel = 2, .stride = 2};
        L[3] = (struct bnn_layer){.kind = BNN_LAYER_CONV, .kernel = 3, .stride = 1, .mh = ch1, .mw = 9 * ch0, .n_thr = 1};
        L[4] = (struct bnn_layer){.kind = BNN_LAYER_FC, .mh = f0, .mw = oh * oh * ch1, .n_thr = 1};
        L[5] = (struct bnn_layer){.kind = BNN_LAYER_FC, .mh = 10, .mw = f0, .act = BNN_ACT_RAW};
        net->n_layers = 6;
        for (int i = 1; i < 6; i++) snprintf(L[i].name, sizeof L[i].name, "%s", names[i]);
        for (int i = 1; i < 6; i++) {
            if (!L[i].mh) continue;
            L[i].weights = malloc((size_t)L[i].mh * L[i].mw);
            for (int64_t k = 0; k < (int64_t)L[i].mh * L[i].mw; k++) L[i].weights[k] = rnd() & 1;
            snprintf(L[i].weights_tensor, sizeof L[i].weights_tensor, "%.60s.W", L[i].name);
            if (L[i].act == BNN_ACT_RAW) continue;
            snprintf(L[i].thresholds_tensor, sizeof L[i].thresholds_tensor, "%.60s.T", L[i].name);
            L[i].thresholds = malloc((size_t)L[i].mh * sizeof(int64_t));
            for (int32_t r = 0; r < L[i].mh; r++)
                L[i].thresholds[r] = i == 1 && fixed ? (int64_t)(rnd() % 801) - 400 : 1 + (int64_t)(rnd() % (uint64_t)(L[i].mw - 1));
            L[i].thr_frac = i == 1 && fixed ? 7 : 0;
            L[i].thr_bits = 2;
            int64_t lo = 0, hi = 0;
            for (int32_t r = 0; r < L[i].mh; r++) lo = BNN_MIN(lo, L[i].thresholds[r]), hi = BNN_MAX(hi, L[i].thresholds[r]);
            L[i].thr_bits = bnn__signed_bits(lo, hi);
        }
        net->n_classes = 10;
        net->class_names = calloc(10, sizeof(char *));
        for (int i = 0; i < 10; i++) net->class_names[i] = malloc(12), snprintf(net->class_names[i], 12, "%d", i);
        ASSERT_OK(bnn_net_finalize(net, "expected"));

        struct qb q = {.uid = 0};
        xb_init(&q.b, "torch-jit-export");
        xb_opset(&q.b, "", 9);
        int64_t idims[4] = {1, C, H, H};
        xb_io(&q.b, 0, "0", OX_FLOAT, 4, idims);
        q.cur = "0";
        /* input in [0, 1] (pixel / 255): as Brevitas' CNV, x * 2 - 1 */
        qnode(&q, "Mul", "", qscalar(&q, 2.0), NULL);
        qnode(&q, "Sub", "", qscalar(&q, 1.0), NULL);
        if (fixed) {
            const char *ins[5] = {q.cur, qscalar(&q, 1.0 / 128), qscalar(&q, 0), qscalar(&q, 8), NULL};
            char *out = xb_str(&q.b, "t%d", q.uid++);
            Onnx__NodeProto *n = xb_node(&q.b, "Quant", "onnx.brevitas", "Quant_in", ins, out);
            xb_attr_i(&q.b, n, "signed", 1);
            xb_attr_i(&q.b, n, "narrow", 0);
            xb_attr_s(&q.b, n, "rounding_mode", "ROUND");
            q.cur = out;
        } else {
            qsign(&q);
        }
        int32_t in_h = H, in_c = C;
        for (int i = 1; i <= 5; i++) {
            struct bnn_layer *X = &net->layers[i];
            if (X->kind == BNN_LAYER_MAXPOOL) {
                qnode(&q, "MaxPool", "", NULL, NULL);
                Onnx__NodeProto *n = q.b.graph.node[q.b.graph.n_node - 1];
                int64_t k[2] = {2, 2};
                xb_attr_ints(&q.b, n, "kernel_shape", 2, k);
                xb_attr_ints(&q.b, n, "strides", 2, k);
                in_h /= 2;
                continue;
            }
            int *neg = calloc((size_t)X->mh, sizeof *neg);
            for (int32_t c = 0; c < X->mh; c++) neg[c] = X->act != BNN_ACT_RAW && rnd() % 3 == 0;
            int conv = X->kind == BNN_LAYER_CONV;
            if (!conv && i == 4) { /* the dynamic-looking flatten of a raw export */
                const char *map = q.cur;
                const char *sh_in[2] = {map, NULL};
                const char *sh = xb_str(&q.b, "shape%d", q.uid++);
                xb_node(&q.b, "Shape", "", "Shape_0", sh_in, sh);
                int64_t zero = 0, m1 = -1, one = 1;
                const char *ga_in[3] = {sh, xb_init_i64(&q.b, "gidx", 0, NULL, &zero), NULL};
                const char *ga = xb_str(&q.b, "g%d", q.uid++);
                Onnx__NodeProto *gn = xb_node(&q.b, "Gather", "", "Gather_1", ga_in, ga);
                xb_attr_i(&q.b, gn, "axis", 0);
                const char *un_in[2] = {ga, NULL};
                const char *un = xb_str(&q.b, "u%d", q.uid++);
                Onnx__NodeProto *unn = xb_node(&q.b, "Unsqueeze", "", "Unsqueeze_2", un_in, un);
                xb_attr_ints(&q.b, unn, "axes", 1, &zero);
                const char *co_in[3] = {un, xb_init_i64(&q.b, "minus1", 1, &one, &m1), NULL};
                const char *co = xb_str(&q.b, "c%d", q.uid++);
                Onnx__NodeProto *cn = xb_node(&q.b, "Concat", "", "Concat_3", co_in, co);
                xb_attr_i(&q.b, cn, "axis", 0);
                qnode(&q, "Reshape", "", co, NULL);
            }
            const char *W = qweights(&q, X, neg, conv, !conv && i == 4, in_h, in_h, in_c);
            if (conv) {
                qnode(&q, "Conv", "", W, NULL);
                Onnx__NodeProto *n = q.b.graph.node[q.b.graph.n_node - 1];
                int64_t k[2] = {3, 3}, s[2] = {1, 1}, pd[4] = {0, 0, 0, 0};
                xb_attr_ints(&q.b, n, "kernel_shape", 2, k);
                xb_attr_ints(&q.b, n, "strides", 2, s);
                xb_attr_ints(&q.b, n, "pads", 4, pd);
                in_h -= 2;
                in_c = X->mh;
            } else {
                qnode(&q, "MatMul", "", W, NULL);
                in_h = 1, in_c = X->mh;
            }
            if (X->act == BNN_ACT_RAW) { /* the TensorNorm tail: a positive scalar affine */
                qnode(&q, "Sub", "", qscalar(&q, 0.448864), NULL);
                const char *pin[3] = {qscalar(&q, 318.197), qscalar(&q, 0.5), NULL};
                const char *pw = xb_str(&q.b, "pow%d", q.uid++);
                xb_node(&q.b, "Pow", "", "Pow_0", pin, pw);
                qnode(&q, "Div", "", pw, NULL);
                qnode(&q, "Mul", "", qscalar(&q, 0.734118), NULL);
                qnode(&q, "Add", "", qscalar(&q, -1.14366), NULL);
                free(neg);
                continue;
            }
            /* the value the BN + sign switches at, in the graph's units */
            double *t = malloc((size_t)X->mh * sizeof *t);
            for (int32_t c = 0; c < X->mh; c++) {
                double T = (double)X->thresholds[c];
                double th = fixed && i == 1 ? T / 128 : 2 * T - X->mw, half = fixed && i == 1 ? 0.5 / 128 : 0.5;
                t[c] = neg[c] ? -th + half : th - half;
            }
            qbn(&q, X->mh, t, neg);
            qsign(&q);
            free(t);
            free(neg);
        }
        int64_t od[2] = {1, 10};
        xb_io(&q.b, 1, q.cur, OX_FLOAT, 2, od);
        char *path = test_path("qonnx.onnx");
        ASSERT_OK(xb_write(&q.b, path));
        xb_free(&q.b);
        struct bnn_net *back;
        struct bnn_warnings w = {0};
        struct bnn_onnx_options oo = {0};
        ASSERT_OK(bnn_onnx_import(path, &oo, &back, NULL, &w));
        assert_int_equal(w.n, 1); /* the pixel / 255 note */
        assert_non_null(strstr(w.msg[0], "pixel/255"));
        bnn_warnings_free(&w);
        char why[512];
        if (!nets_equal(net, back, 0, 0, why, sizeof why)) fail_msg("raw QONNX conv net %d (%s input): %s", v, fixed ? "fixed" : "binary", why);
        outputs_equal(net, back, "raw QONNX conv");
        bnn_net_free(back);
        bnn_net_free(net);
    }
    printf("  12 raw QONNX conv models (Quant/BipolarQuant, BN with gamma < 0 rows, Shape flatten, TensorNorm) equal their nets\n");
}

/* ---- bad files ---- */

/* A small valid streamlined model; `bad` picks one thing to break. */
static const char *small_model(int bad, char *path_out)
{
    struct qb q = {.uid = 0};
    xb_init(&q.b, "small");
    xb_opset(&q.b, "", 13);
    int64_t idims[4] = {1, 1, 4, 4};
    xb_io(&q.b, 0, "x", OX_FLOAT, 4, idims);
    if (bad == 11) xb_io(&q.b, 0, "y", OX_FLOAT, 4, idims);
    xb_annotate(&q.b, "x", "finn_datatype", "UINT8");
    q.cur = "x";
    if (bad == 20) {
        double c[16];
        for (int i = 0; i < 16; i++) c[i] = i;
        qnode(&q, "Sub", "", xb_init_real(&q.b, "norm", 4, idims, c), NULL);
    }
    if (bad == 22) { /* swaps H and W: the values change order */
        qnode(&q, "Transpose", "", NULL, NULL);
        int64_t perm[4] = {0, 1, 3, 2};
        xb_attr_ints(&q.b, q.b.graph.node[q.b.graph.n_node - 1], "perm", 4, perm);
    }
    int64_t two = 2, shp[2] = {1, -1};
    qnode(&q, "Reshape", "", xb_init_i64(&q.b, "shape", 1, &two, shp), NULL);
    double t0 = 128, t1[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int64_t d11[2] = {1, 1}, d81[2] = {8, 1};
    const char *in_thr = xb_init_real(&q.b, "T0", 2, d11, &t0);
    Onnx__NodeProto *n = xb_node(&q.b, "MultiThreshold", bad == 6 ? "com.example" : "qonnx.custom_op.general", "mt0",
                                 (const char *[]){q.cur, in_thr, NULL}, "a0");
    xb_attr_f(&q.b, n, "out_scale", 2);
    xb_attr_f(&q.b, n, "out_bias", -1);
    q.cur = "a0";
    if (bad == 10) xb_node(&q.b, "Identity", "", "side", (const char *[]){"a0", NULL}, "side_out");
    if (bad == 12) {
        int64_t od[2] = {1, 16};
        xb_io(&q.b, 1, "a0", OX_FLOAT, 2, od);
        goto write;
    }
    if (bad == 19) {
        qnode(&q, "Conv", "", xb_init_real(&q.b, "Wc", 4, (int64_t[]){8, 1, 3, 3}, (double[72]){1}), NULL);
        xb_io(&q.b, 1, q.cur, OX_FLOAT, 2, (int64_t[]){1, 8});
        goto write;
    }
    double w[16 * 8];
    for (int i = 0; i < 16 * 8; i++) w[i] = (i * 7) % 3 ? 1 : -1;
    if (bad == 7) w[37] = (float)0.31830988618; /* 1/pi against +-1: no integer codes */
    int64_t dw[2] = {bad == 8 ? 15 : 16, 8};
    const char *W = bad == 9 ? "W_missing" : xb_init_real(&q.b, "W", 2, dw, w);
    if (bad == 15) {
        Onnx__TensorProto *tp = q.b.graph.initializer[q.b.graph.n_initializer - 1];
        tp->raw_data.len = 100;
    }
    if (bad == 16) {
        Onnx__TensorProto *tp = q.b.graph.initializer[q.b.graph.n_initializer - 1];
        tp->has_data_location = 1;
        tp->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    }
    qnode(&q, bad == 4 ? "Frobnicate" : "MatMul", "", W, NULL);
    if (bad == 5) qnode(&q, "FooBar", "finn.custom_op.general", NULL, NULL);
    if (bad == 13) {
        const char *ins[5] = {q.cur, qscalar(&q, 1), qscalar(&q, 0), qscalar(&q, 9), NULL};
        xb_node(&q.b, "Quant", "qonnx.custom_op.general", "Quant_act", ins, "qa");
        q.cur = "qa";
    } else {
        double t14[16] = {1, 2, 1, 2, 1, 2, 5, 2, 1, 2, 1, 2, 1, 2, 1, 2};
        int64_t d82[2] = {8, 2};
        const char *T1 = bad == 14 ? xb_init_real(&q.b, "T1", 2, d82, t14) : xb_init_real(&q.b, "T1", 2, d81, t1);
        n = xb_node(&q.b, "MultiThreshold", "qonnx.custom_op.general", "mt1", (const char *[]){q.cur, T1, NULL}, "a1");
        xb_attr_f(&q.b, n, "out_scale", 2);
        xb_attr_f(&q.b, n, "out_bias", -1);
        q.cur = "a1";
    }
    if (bad == 17) {
        n = xb_node(&q.b, "MVAU_hls", "finn.custom_op.fpgadataflow.hls", "MVAU_hls_1",
                    (const char *[]){q.cur, xb_init_real(&q.b, "W2", 2, (int64_t[]){8, 4}, (double[32]){0}), NULL}, "m");
        xb_attr_i(&q.b, n, "MW", 9);
        xb_attr_i(&q.b, n, "MH", 4);
        xb_attr_s(&q.b, n, "weightDataType", "BINARY");
        xb_attr_i(&q.b, n, "noActivation", 1);
        q.cur = "m";
    }
    if (bad == 18) qnode(&q, "StreamingDataflowPartition", "finn.custom_op.fpgadataflow", NULL, NULL);
    {
        int64_t k = 1;
        const char *K = xb_init_i64(&q.b, "K", 1, &k, &k);
        n = xb_node(&q.b, "TopK", "", "top", (const char *[]){q.cur, K, NULL}, "vals");
        xb_node_output(&q.b, n, "label");
        int64_t od[2] = {1, 1};
        xb_io(&q.b, 1, bad == 21 ? "vals" : "label", OX_INT64, 2, od);
    }
write:
    snprintf(path_out, 4200, "%s", test_path("bad.onnx"));
    ASSERT_OK(xb_write(&q.b, path_out));
    xb_free(&q.b);
    return path_out;
}

static void test_bad_onnx(void **state)
{
    (void)state;
    static const struct { int bad; const char *expect, *node; } cases[] = {
        {4, "unknown op 'Frobnicate'", "Frobnicate_"},  {5, "finn.custom_op.general", "FooBar"},
        {6, "com.example", "mt0"},    {7, "neither +-s nor integer codes", "MatMul"},
        {8, "shapes do not chain", "MatMul"}, {9, "missing initializer", "W_missing"},
        {10, "not a chain", "a0"},    {11, "more than one input", "y"},
        {12, "no matrix layer", ""},  {13, "9-bit activations", "Quant_act"},
        {14, "not ascending", "mt1"}, {15, "raw_data holds 100 bytes", "'W'"},
        {16, "external data", "'W'"}, {17, "MW=9", "MVAU_hls_1"},
        {18, "parent model", "StreamingDataflowPartition"}, {19, "Conv needs an NCHW map", "Conv"},
        {20, "differs between elements", "Sub"}, {21, "not a graph output", "label"},
        {22, "reorders", "Transpose"},
    };
    char path[4200];
    int n = 0;
    /* the base model is fine */
    struct bnn_net *net;
    ASSERT_OK(bnn_onnx_import(small_model(0, path), NULL, &net, NULL, NULL));
    bnn_net_free(net);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        small_model(cases[i].bad, path);
        net = (struct bnn_net *)1;
        enum bnn_status st = bnn_onnx_import(path, NULL, &net, NULL, NULL);
        if (st == BNN_OK) fail_msg("case %d: accepted", cases[i].bad);
        assert_null(net);
        const char *m = bnn_last_error();
        if (!strstr(m, cases[i].expect) || !strstr(m, cases[i].node) || !strstr(m, "bad.onnx"))
            fail_msg("case %d: message '%s' lacks '%s', '%s' or the file name", cases[i].bad, m, cases[i].expect, cases[i].node);
        n++;
    }
    /* not protobuf, empty, truncated */
    test_write(path, "{\"format\": \"bnnsim-net\"}", 24);
    ASSERT_ERR(bnn_onnx_import(path, NULL, &net, NULL, NULL), "not an ONNX model");
    test_write(path, "", 0);
    ASSERT_ERR(bnn_onnx_import(path, NULL, &net, NULL, NULL), "empty file");
    small_model(0, path);
    uint8_t *buf;
    size_t len;
    ASSERT_OK(bnn_file_read_all(path, &buf, &len));
    for (size_t cut = 1; cut < len; cut += len / 23 + 1) {
        test_write(path, buf, cut);
        if (bnn_onnx_import(path, NULL, &net, NULL, NULL) == BNN_OK) fail_msg("truncated at %zu of %zu: accepted", cut, len);
        if (!strstr(bnn_last_error(), "bad.onnx")) fail_msg("truncated at %zu: '%s' does not name the file", cut, bnn_last_error());
    }
    free(buf);
    n += 3;
    /* the CLI: one line, exit 1 */
    const char *bin = getenv("BNNSIM_BIN");
    if (bin) {
        char cmd[9000];
        small_model(4, path);
        snprintf(cmd, sizeof cmd, "%s info --net %s 2>%s", bin, path, test_path("err.txt"));
        assert_int_equal(WEXITSTATUS(system(cmd)), 1);
        ASSERT_OK(bnn_file_read_all(test_path("err.txt"), &buf, &len));
        int lines = 0;
        for (size_t k = 0; k < len; k++) lines += buf[k] == '\n';
        assert_int_equal(lines, 1);
        free(buf);
    }
    printf("  %d bad ONNX files refused, each naming the file, the node and the problem\n", n);
}

/* What FINN got wrong is said: a narrow accDataType and thresholds clipped to it. */
static void test_finn_acc_type_warning(void **state)
{
    (void)state;
    struct qb q = {.uid = 0};
    xb_init(&q.b, "acc");
    xb_opset(&q.b, "", 13);
    int64_t idims[2] = {1, 64};
    xb_io(&q.b, 0, "x", OX_FLOAT, 2, idims);
    xb_annotate(&q.b, "x", "finn_datatype", "UINT8");
    q.cur = "x";
    double t0 = 128;
    Onnx__NodeProto *n = xb_node(&q.b, "Thresholding_rtl", "finn.custom_op.fpgadataflow.rtl", "Thresholding_rtl_0",
                                 (const char *[]){"x", xb_init_real(&q.b, "T0", 2, (int64_t[]){1, 1}, &t0), NULL}, "b");
    xb_attr_s(&q.b, n, "outputDataType", "BINARY");
    double w[64 * 4], t[4];
    int most = 0;
    for (int c = 0; c < 4; c++) {
        int ones = 0;
        for (int k = 0; k < 64; k++) ones += (w[k * 4 + c] = (k * (c + 3)) % 5 < 3);
        most = ones > most ? ones : most;
    }
    for (int c = 0; c < 4; c++) t[c] = c == 2 ? most : 20 + c;
    n = xb_node(&q.b, "MVAU_hls", "finn.custom_op.fpgadataflow.hls", "MVAU_hls_0",
                (const char *[]){"b", xb_init_real(&q.b, "W", 2, (int64_t[]){64, 4}, w),
                                 xb_init_real(&q.b, "T", 2, (int64_t[]){4, 1}, t), NULL},
                "y");
    xb_attr_i(&q.b, n, "MW", 64);
    xb_attr_i(&q.b, n, "MH", 4);
    xb_attr_i(&q.b, n, "binaryXnorMode", 1);
    xb_attr_s(&q.b, n, "weightDataType", "BINARY");
    xb_attr_s(&q.b, n, "inputDataType", "BINARY");
    xb_attr_s(&q.b, n, "outputDataType", "BINARY");
    xb_attr_s(&q.b, n, "accDataType", "INT7");
    xb_io(&q.b, 1, "y", OX_FLOAT, 2, (int64_t[]){1, 4});
    char *path = test_path("acc.onnx");
    ASSERT_OK(xb_write(&q.b, path));
    xb_free(&q.b);
    struct bnn_net *net;
    struct bnn_fold *fold;
    struct bnn_warnings wr = {0};
    ASSERT_OK(bnn_onnx_import(path, NULL, &net, &fold, &wr));
    assert_int_equal(wr.n, 2);
    assert_non_null(strstr(wr.msg[0], "MVAU_hls_0"));
    assert_non_null(strstr(wr.msg[0], "accDataType INT7"));
    assert_non_null(strstr(wr.msg[1], "clipped"));
    /* executed as stored: the exact popcount against the stored threshold */
    assert_int_equal(net->layers[1].thresholds[2], most);
    bnn_warnings_free(&wr);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

/* --net MODEL.onnx in every command; import and export on the command line */
static void test_cli_onnx(void **state)
{
    (void)state;
    const char *bin = getenv("BNNSIM_BIN");
    if (!bin) {
        printf("  skipped: BNNSIM_BIN not set (make check sets it)\n");
        return;
    }
    char cmd[20000];
    char hw[4200], st[4200];
    snprintf(hw, sizeof hw, "%s", test_path("cli-hw.onnx"));
    snprintf(st, sizeof st, "%s", test_path("cli-s.onnx"));
#define RUN(expect, ...)                                                                   \
    do {                                                                                   \
        snprintf(cmd, sizeof cmd, __VA_ARGS__);                                            \
        int rc_ = system(cmd);                                                             \
        if (WEXITSTATUS(rc_) != (expect)) fail_msg("'%s' exited %d, expected %d", cmd, WEXITSTATUS(rc_), expect); \
    } while (0)
    RUN(0, "%s export onnx --net data/sfc.json --fold data/sfc-fix.fold.json -o %s >/dev/null", bin, hw);
    RUN(0, "%s export onnx --net data/cnv.json -o %s >/dev/null", bin, st);
    RUN(2, "%s export onnx --net data/cnv.json --fold data/cnv-fix.fold.json --form streamlined -o %s 2>/dev/null", bin, st);
    /* the model's own folding: no --fold needed */
    RUN(0, "%s perf --net %s --json > %s", bin, hw, test_path("perf.json"));
    RUN(0, "%s perf --net data/sfc.json --fold data/sfc-fix.fold.json --json > %s", bin, test_path("perf2.json"));
    uint8_t *a, *b;
    size_t la, lb;
    ASSERT_OK(bnn_file_read_all(test_path("perf.json"), &a, &la));
    ASSERT_OK(bnn_file_read_all(test_path("perf2.json"), &b, &lb));
    /* the same pipeline report, but for the network name and the wall time */
    assert_non_null(strstr((char *)a, "\"estimate_network_performance\""));
    const char *ka = strstr((char *)a, "\"throughput_fps\""), *kb = strstr((char *)b, "\"throughput_fps\"");
    assert_non_null(ka);
    assert_non_null(kb);
    assert_memory_equal(ka, kb, 40);
    free(a);
    free(b);
    RUN(2, "%s perf --net %s 2>/dev/null", bin, st); /* no HW layers: --fold is needed */
    RUN(0, "%s perf --net %s --fold data/cnv-fix.fold.json >/dev/null", bin, st);
    RUN(0, "%s resources --net %s >/dev/null", bin, hw);
    RUN(0, "%s info --net %s --json >/dev/null", bin, st);
    RUN(0, "%s run --net %s --input data/samples/shapes.cifar10.bin >/dev/null", bin, st);
    RUN(0, "%s golden --net %s --input data/samples/digits.idx3-ubyte --frames 1 -o %s -q", bin, hw, test_path("gold"));
    assert_true(test_exists(test_path("gold/manifest.json")));
    RUN(0, "%s dse --net %s --target-fps 100000 -o %s >/dev/null", bin, hw, test_path("dse.json"));
    RUN(0, "%s import onnx %s -o %s >/dev/null", bin, hw, test_path("imp.json"));
    assert_true(test_exists(test_path("imp.npz")));
    assert_true(test_exists(test_path("imp.fold.json")));
    RUN(0, "%s import onnx %s -o %s >/dev/null", bin, st, test_path("imp2.json"));
    assert_false(test_exists(test_path("imp2.fold.json"))); /* no HW layers, no folding */
    RUN(1, "%s import onnx data/sfc.json -o %s 2>/dev/null", bin, test_path("imp3.json"));
    /* FINN's own build: its config is refused for the typo; fixed, perf reports in FINN's keys */
    const char *d = onnx_dir();
    if (d) {
        RUN(1, "%s perf --net %s/finn-build_dataflow/model.onnx --fold %s/finn-build_dataflow/folding_config.json 2>%s", bin,
            d, d, test_path("typo.txt"));
        ASSERT_OK(bnn_file_read_all(test_path("typo.txt"), &a, &la));
        assert_non_null(strstr((char *)a, "\"MVA_hls_3\": unknown node name"));
        free(a);
        /* FINN's own test vectors: float32 NCHW input.npy, expected_output.npy as labels */
        RUN(0, "%s run --net %s/finn-build_dataflow/model.onnx --input %s/finn-build_dataflow/input.npy --labels "
            "%s/finn-build_dataflow/expected_output.npy > %s 2>&1", bin, d, d, d, test_path("vectors.txt"));
        ASSERT_OK(bnn_file_read_all(test_path("vectors.txt"), &a, &la));
        if (!strstr((char *)a, "accuracy 100.00 % (4 of 4)") || !strstr((char *)a, "float32 (4, 1, 28, 28) read as NCHW"))
            fail_msg("FINN's test vectors: %s", (char *)a);
        free(a);
        /* --lenient: FINN's way, a warning naming the entry, in --json too, and MVAU_hls_3 at FINN's default 1 x 1 */
        RUN(0, "%s perf --lenient --net %s/finn-build_dataflow/model.onnx --fold %s/finn-build_dataflow/folding_config.json "
            "--json > %s 2>%s", bin, d, d, test_path("lenient.json"), test_path("lenient.txt"));
        ASSERT_OK(bnn_file_read_all(test_path("lenient.txt"), &a, &la));
        assert_non_null(strstr((char *)a, "warning: "));
        assert_non_null(strstr((char *)a, "\"MVA_hls_3\" names no node"));
        free(a);
        ASSERT_OK(bnn_file_read_all(test_path("lenient.json"), &a, &la));
        assert_non_null(strstr((char *)a, "MVA_hls_3\\\" names no node"));
        assert_non_null(strstr((char *)a, "\"MVAU_hls_3\": 640")); /* 10 x 64 at PE = SIMD = 1 */
        free(a);
        RUN(0, "sed 's/MVA_hls_3/MVAU_hls_3/' %s/finn-build_dataflow/folding_config.json > %s", d, test_path("fixed.json"));
        /* an entry for a node kind the pipeline lacks: an error, and with --lenient a warning */
        RUN(0, "sed 's/\"Defaults\": {}/\"Defaults\": {}, \"StreamingMaxPool_hls_0\": {\"PE\": 1}/' %s > %s",
            test_path("fixed.json"), test_path("extra.json"));
        RUN(1, "%s perf --net %s/finn-build_dataflow/model.onnx --fold %s 2>/dev/null >/dev/null", bin, d,
            test_path("extra.json"));
        RUN(0, "%s perf --net %s/finn-build_dataflow/model.onnx --fold %s --lenient 2>&1 | grep -q "
            "'StreamingMaxPool_hls_0.*names no node of the pipeline'", bin, d, test_path("extra.json"));
        RUN(0, "%s perf --net %s/finn-build_dataflow/model.onnx --fold %s --json > %s", bin, d, test_path("fixed.json"),
            test_path("finn.json"));
        ASSERT_OK(bnn_file_read_all(test_path("finn.json"), &a, &la));
        const char *keys[] = {"\"estimate_layer_cycles\"", "\"MVAU_hls_0\": 64", "\"Thresholding_rtl_0\": 16",
                              "\"estimate_network_performance\"", "\"max_cycles_node_name\": \"MVAU_hls_0\"",
                              "\"estimated_throughput_fps\": 3125000"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!strstr((char *)a, keys[k])) fail_msg("perf --json of FINN's build lacks %s", keys[k]);
        free(a);
    }
    assert_false(test_exists(test_path("imp3.json")));
#undef RUN
}

/* Runs a command, its stdout into a malloc'ed string (NULL on a non-zero exit). */
static char *capture(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (size_t k; (k = fread(buf + len, 1, cap - len - 1, p)) > 0;)
        if ((len += k) + 1 == cap) buf = realloc(buf, cap *= 2);
    buf[len] = 0;
    if (pclose(p)) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* DIR/expected.json, as tests/onnx/w2a2_qonnx.py writes it */
static json_t *expected_json(const char *dir)
{
    char ep[4300];
    snprintf(ep, sizeof ep, "%s/expected.json", dir);
    json_error_t je;
    json_t *exp = json_load_file(ep, 0, &je);
    if (!exp) fail_msg("%s: %s", ep, je.text);
    return exp;
}

/* bnnsim run --json on one engine: every image's scores equal `key`[i] of expected.json. */
static int scores_match(const char *bin, const char *dir, const char *key, const char *engine, json_t *exp)
{
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "%s run --net %s/model.onnx --input %s/input.npy --engine %s --json -q 2>/dev/null", bin, dir,
             dir, engine);
    char *out = capture(cmd);
    if (!out) fail_msg("'%s' failed", cmd);
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je), *imgs = json_object_get(doc, "images"), *want = json_object_get(exp, key);
    free(out);
    assert_int_equal(json_array_size(imgs), json_array_size(want));
    int ok = 1;
    for (size_t i = 0; i < json_array_size(imgs) && ok; i++) {
        json_t *got = json_object_get(json_array_get(imgs, i), "scores");
        if (!json_equal(got, json_array_get(want, i))) {
            char *g = json_dumps(got, JSON_COMPACT), *w = json_dumps(json_array_get(want, i), JSON_COMPACT);
            printf("  %s, engine %s, image %zu: bnnsim %s, qonnx %s\n", dir, engine, i, g, w);
            free(g), free(w);
            ok = 0;
        }
    }
    json_decref(doc);
    return ok;
}

/* A W2A2 conv net in raw QONNX form (per-channel and per-tensor weight
 * scales, narrow 2-bit weights, 2- and 3-bit activations, a zero point, BN
 * with negative gamma, Relu, FLOOR and ROUND) against numpy's qonnx
 * arithmetic: every image's accumulators on both engines, and every layer's
 * codes; FINN HW layers with INT2 weights and activations; then 54
 * quantisers (6 rounding modes, signed or not, narrow or not, zero point 0
 * or 1, after bipolar or integer weights) on exact ties, every code as
 * qonnx's formula gives it. */
static void test_multibit_qonnx(void **state)
{
    (void)state;
    const char *bin = getenv("BNNSIM_BIN");
    if (!bin) bin = "build/bnnsim";
    if (system("/usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null")) {
        printf("  skipped: /usr/bin/python3 has no onnx/numpy (apt-get install python3-onnx)\n");
        return;
    }
    char dir[4200], cmd[20000];
    snprintf(dir, sizeof dir, "%s", test_path("w2a2"));
    mkdir(dir, 0755);
    int nets = 0, near = 0;
    for (int seed = 1; seed <= 6; seed++) {
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/onnx/w2a2_qonnx.py %s %d", dir, seed);
        int rc = WEXITSTATUS(system(cmd));
        if (rc == 3) { /* a value within float rounding of a step: either answer is qonnx's */
            near++;
            continue;
        }
        assert_int_equal(rc, 0);
        json_t *exp = expected_json(dir);
        assert_true(scores_match(bin, dir, "scores", "ref", exp));
        assert_true(scores_match(bin, dir, "scores", "float", exp));
        /* every activation's codes, image 0 (HWC) */
        snprintf(cmd, sizeof cmd, "%s run --net %s/model.onnx --input %s/input.npy --dump %s/dump -q >/dev/null 2>&1", bin,
                 dir, dir, dir);
        assert_int_equal(system(cmd), 0);
        const char *names[] = {"01-conv0", "02-conv1", "03-pool0"};
        for (int l = 0; l < 3; l++) {
            char np[4400];
            snprintf(np, sizeof np, "%s/dump/%s.npy", dir, names[l]);
            struct bnn_array a;
            ASSERT_OK(bnn_npy_read(np, &a));
            json_t *want = json_array_get(json_object_get(exp, "layers"), (size_t)l);
            assert_int_equal(a.count, json_array_size(want));
            for (int64_t i = 0; i < a.count; i++)
                if (bnn_array_get_i64(&a, i) != json_integer_value(json_array_get(want, (size_t)i)))
                    fail_msg("seed %d, %s[%lld]: bnnsim %lld, qonnx %lld", seed, names[l], (long long)i,
                             (long long)bnn_array_get_i64(&a, i), (long long)json_integer_value(json_array_get(want, (size_t)i)));
            bnn_array_free(&a);
        }
        snprintf(cmd, sizeof cmd, "rm -rf %s/dump", dir);
        assert_int_equal(system(cmd), 0);
        json_decref(exp);
        nets++;
    }
    printf("  W2A2 QONNX conv nets: %d equal to numpy's qonnx on every image, both engines (%d seeds near a step)\n", nets,
           near);
    assert_true(nets >= 4);

    /* FINN's HW layers on integers: INT2 weights and activations, ActVal, FINN's MVAU arithmetic */
    for (int seed = 1; seed <= 3; seed++) {
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/onnx/w2a2_qonnx.py --hw %s %d", dir, seed);
        assert_int_equal(system(cmd), 0);
        json_t *exp = expected_json(dir);
        assert_true(scores_match(bin, dir, "scores", "ref", exp));
        assert_true(scores_match(bin, dir, "scores", "float", exp));
        json_decref(exp);
        snprintf(cmd, sizeof cmd, "%s perf --net %s/model.onnx --json 2>/dev/null | grep -q '\"SIMD\": 4'", bin, dir);
        assert_int_equal(system(cmd), 0); /* its own folding */
    }
    printf("  FINN HW layers with INT2 weights and activations: 3 x 200 images equal FINN's MVAU arithmetic\n");

    static const char *const modes[] = {"ROUND", "HALF_UP", "HALF_DOWN", "FLOOR", "CEIL", "ROUND_TO_ZERO"};
    long ties = 0;
    int quantisers = 0;
    for (int m = 0; m < 6; m++)
        for (int k = 0; k < 9; k++) { /* k = 8: integer weights on binary inputs (no Quant: the coarsest step) */
            snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/onnx/w2a2_qonnx.py --ties %s %s %d %d %d %d", dir, modes[m],
                     k == 8 || (k & 1), k < 8 && ((k >> 1) & 1), k < 8 && (k >> 2), k == 8);
            assert_int_equal(system(cmd), 0);
            json_t *exp = expected_json(dir);
            if (!scores_match(bin, dir, "codes", "ref", exp))
                fail_msg("Quant %s, case %d (signed %d, narrow %d, zero point %d; integer weights: %d): codes differ "
                         "from qonnx's", modes[m], k, k == 8 || (k & 1), k < 8 && ((k >> 1) & 1), k < 8 && (k >> 2), k == 8);
            ties += json_integer_value(json_object_get(exp, "ties"));
            quantisers++;
            json_decref(exp);
        }
    printf("  %d quantisers, %ld exact ties: every code as qonnx computes it\n", quantisers, ties);
    assert_true(ties > 5000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tfc_stages),         cmocka_unit_test(test_finn_folding_config),
        cmocka_unit_test(test_roundtrip_bundled),  cmocka_unit_test(test_roundtrip_random),
        cmocka_unit_test(test_roundtrip_multibit),
        cmocka_unit_test(test_onnx_checker),       cmocka_unit_test(test_raw_qonnx_conv),
        cmocka_unit_test(test_bad_onnx),           cmocka_unit_test(test_finn_acc_type_warning),
        cmocka_unit_test(test_cli_onnx),         cmocka_unit_test(test_multibit_qonnx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
