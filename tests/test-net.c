/* The IR: generator determinism, save/load round trips, folding configs,
 * and the bundled data. */
#include "test-util.h"

static void assert_same_net(const struct bnn_net *a, const struct bnn_net *b)
{
    assert_int_equal(a->n_layers, b->n_layers);
    assert_int_equal(a->n_classes, b->n_classes);
    for (int32_t i = 0; i < a->n_layers; i++) {
        const struct bnn_layer *x = &a->layers[i], *y = &b->layers[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->kind, y->kind);
        assert_memory_equal(&x->out, &y->out, sizeof x->out);
        assert_int_equal(x->mh, y->mh);
        assert_int_equal(x->mw, y->mw);
        assert_int_equal(x->in_pad, y->in_pad);
        assert_int_equal(x->pad_value, y->pad_value);
        assert_int_equal(x->thr_frac, y->thr_frac);
        if (x->weights) assert_memory_equal(x->weights, y->weights, (size_t)x->mh * x->mw);
        if (x->thresholds) assert_memory_equal(x->thresholds, y->thresholds, (size_t)x->mh * x->n_thr * 8);
    }
}

static void test_generator_deterministic_and_roundtrip(void **state)
{
    (void)state;
    for (int t = BNN_TOPO_SFC; t <= BNN_TOPO_TFC; t++) {
        struct bnn_gen_options g = {(enum bnn_topology)t, 7, 48, 12};
        struct bnn_net *a, *b, *c;
        ASSERT_OK(bnn_net_generate(&g, &a));
        ASSERT_OK(bnn_net_generate(&g, &b));
        assert_same_net(a, b);
        ASSERT_OK(bnn_net_save(a, test_path("g.json")));
        ASSERT_OK(bnn_net_load(test_path("g.json"), &c));
        assert_same_net(a, c);
        g.seed = 8;
        bnn_net_free(b);
        ASSERT_OK(bnn_net_generate(&g, &b));
        assert_memory_not_equal(a->layers[1].weights, b->layers[1].weights, 64);
        bnn_net_free(a), bnn_net_free(b), bnn_net_free(c);
    }
}

/* data/ must be what the generator makes (make data regenerates it). */
static void test_bundled_data_matches_generator(void **state)
{
    (void)state;
    static const struct { const char *file; enum bnn_topology t; int pad, rows; } nets[] = {
        {"data/sfc.json", BNN_TOPO_SFC, 48, 10}, {"data/lfc.json", BNN_TOPO_LFC, 48, 16}, {"data/cnv.json", BNN_TOPO_CNV, 48, 10},
        {"data/tfc.json", BNN_TOPO_TFC, 0, 10}};
    for (int i = 0; i < 4; i++) {
        struct bnn_net *a, *b;
        struct bnn_gen_options g = {nets[i].t, 1, nets[i].pad, nets[i].rows};
        ASSERT_OK(bnn_net_load(nets[i].file, &a));
        ASSERT_OK(bnn_net_generate(&g, &b));
        assert_same_net(a, b);
        bnn_net_free(a), bnn_net_free(b);
    }
    static const char *folds[][2] = {{"data/cnv.json", "data/cnv-fix.fold.json"}, {"data/cnv.json", "data/cnv-max.fold.json"},
                                     {"data/lfc.json", "data/lfc-max.fold.json"}, {"data/sfc.json", "data/sfc-max.fold.json"}};
    /* The paper's per-layer folds (finn-paper.md Table 2). */
    static const int64_t want[4][9] = {{16200, 14112, 10368, 14400, 10368, 9216, 16384, 16384, 1280},
                                       {8100, 7056, 5184, 7200, 5184, 4608, 8192, 8192, 1280},
                                       {104, 128, 128, 128},
                                       {13, 16, 16, 16}};
    for (int i = 0; i < 4; i++) {
        struct bnn_net *n;
        struct bnn_fold *f, *f2;
        ASSERT_OK(bnn_net_load(folds[i][0], &n));
        ASSERT_OK(bnn_fold_load(folds[i][1], n, &f));
        for (int32_t j = 0; j < f->n; j++) {
            assert_int_equal(f->layers[j].defaulted, 0);
            if (bnn_fold_layer_cycles(n, &f->layers[j]) != want[i][j])
                fail_msg("%s layer %d: %lld cycles, paper %lld", folds[i][1], j,
                         (long long)bnn_fold_layer_cycles(n, &f->layers[j]), (long long)want[i][j]);
        }
        ASSERT_OK(bnn_fold_save(f, n, test_path("f.json")));
        ASSERT_OK(bnn_fold_load(test_path("f.json"), n, &f2));
        assert_int_equal(f2->n, f->n);
        assert_memory_equal(f2->layers, f->layers, (size_t)f->n * sizeof *f->layers);
        bnn_fold_free(f), bnn_fold_free(f2), bnn_net_free(n);
    }
}

static void test_fold_defaults_and_names(void **state)
{
    (void)state;
    struct bnn_net *n;
    ASSERT_OK(bnn_net_load("data/sfc.json", &n));
    const char *cfg = "{\"Defaults\": {\"SIMD\": [16, [\"MVAU_hls\"]], \"ram_style\": [\"auto\", \"all\"]},"
                      " \"fc1\": {\"PE\": 4}, \"MatrixVectorActivation_2\": {\"PE\": 8, \"SIMD\": 32},"
                      " \"StreamingFIFO_rtl_0\": {\"depth\": 32}}";
    test_write(test_path("d.json"), cfg, strlen(cfg));
    struct bnn_fold *f;
    ASSERT_OK(bnn_fold_load(test_path("d.json"), n, &f));
    assert_int_equal(f->layers[0].simd, 16);
    assert_int_equal(f->layers[0].pe, 1);
    assert_int_equal(f->layers[1].pe, 4);
    assert_int_equal(f->layers[2].simd, 32);
    assert_int_equal(f->layers[2].pe, 8);
    bnn_fold_free(f);
    bnn_net_free(n);
}

static void test_finalize_rules(void **state)
{
    (void)state;
    struct bnn_net *n;
    ASSERT_OK(bnn_net_load("data/cnv.json", &n));
    n->layers[3].kernel = 40; /* pool larger than its input */
    ASSERT_ERR(bnn_net_finalize(n, "t"), "kernel 40 is larger than the input 28x28");
    n->layers[3].kernel = 2;
    n->layers[11].act = BNN_ACT_RAW;
    n->layers[10].act = BNN_ACT_RAW; /* raw in the middle */
    ASSERT_ERR(bnn_net_finalize(n, "t"), "only 'labelselect' may follow");
    n->layers[10].act = BNN_ACT_THRESHOLD;
    n->layers[2].thresholds[0] = 1 << 20;
    ASSERT_ERR(bnn_net_finalize(n, "t"), "out of range for threshold_bits");
    bnn_net_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generator_deterministic_and_roundtrip),
        cmocka_unit_test(test_bundled_data_matches_generator),
        cmocka_unit_test(test_fold_defaults_and_names),
        cmocka_unit_test(test_finalize_rules),
    };
    return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
