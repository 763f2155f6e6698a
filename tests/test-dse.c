/* Design-space exploration: the paper's -fix point, targets out of reach,
 * FINN's SetFolding, the Pareto front and its shards. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "bnnsim/bnnsim.h"
#include "test-util.h"

static struct bnn_res model_of(const struct bnn_net *net, const char *fold_path, enum bnn_style style)
{
    struct bnn_fold *f = NULL;
    ASSERT_OK(bnn_fold_load(fold_path, net, &f));
    struct bnn_hw_options o;
    bnn_hw_options_default(&o);
    o.style = style;
    o.swg = style == BNN_STYLE_PAPER ? BNN_SWG_2017 : BNN_SWG_RTL;
    struct bnn_hw_pipeline *p = NULL;
    ASSERT_OK(bnn_hw_build(net, f, &o, "dse", &p));
    struct bnn_fifo_sizing fs;
    ASSERT_OK(bnn_hw_size_fifos(p, 8, &fs));
    struct bnn_resource_report *r = NULL;
    ASSERT_OK(bnn_hw_resources(p, net, f, &r));
    struct bnn_res t = r->total;
    bnn_resource_report_free(r);
    bnn_hw_free(p);
    bnn_fold_free(f);
    return t;
}

/* 9,000 FPS on ZC706 (the paper's -fix requirement): reached, confirmed by
 * the cycle model, and no dearer than the paper's CNV-fix folding. */
static void test_fix_point(void **state)
{
    (void)state;
    struct bnn_net *net = NULL;
    ASSERT_OK(bnn_net_load("data/cnv.json", &net));
    struct bnn_device dev;
    ASSERT_OK(bnn_device_load("zc706", &dev));
    struct bnn_dse_options o;
    bnn_dse_options_default(&o);
    o.hw.style = BNN_STYLE_PAPER;
    o.hw.swg = BNN_SWG_2017;
    o.target_fps = 9000;
    struct bnn_dse_result r;
    ASSERT_OK(bnn_dse_run(net, &dev, &o, &r));
    assert_true(r.reached && r.fits);
    assert_true(r.sim_fps >= 9000);
    struct bnn_res paper = model_of(net, "data/cnv-fix.fold.json", BNN_STYLE_PAPER);
    printf("  9000 FPS: dse LUT %.0f BRAM36 %.1f (sim %.0f FPS); paper's CNV-fix folding LUT %.0f BRAM36 %.1f\n",
           r.total.lut, r.total.bram18 / 2, r.sim_fps, paper.lut, paper.bram18 / 2);
    assert_true(r.total.lut <= paper.lut);
    assert_true(r.total.bram18 <= paper.bram18);
    /* every layer within the target */
    for (int32_t j = 0; j < r.fold->n; j++)
        assert_true(bnn_dse_layer_cycles(net, r.fold->layers[j].layer, r.fold->layers[j].pe, r.fold->layers[j].simd, &o.hw) <=
                    r.target_cycles);
    /* the written folding reads back and runs at the same rate */
    const char *path = test_path("dse-9k.json");
    ASSERT_OK(bnn_fold_save(r.fold, net, path));
    struct bnn_fold *f2 = NULL;
    ASSERT_OK(bnn_fold_load(path, net, &f2));
    struct bnn_hw_pipeline *p = NULL;
    ASSERT_OK(bnn_hw_build(net, f2, &o.hw, path, &p));
    struct bnn_sim_options so = {.frames = 16, .trace_bins = 1000};
    struct bnn_sim_result *sr = NULL;
    ASSERT_OK(bnn_hw_simulate(p, &so, &sr));
    assert_true(fabs(sr->ii_cycles - r.sim_ii) < 1e-9);
    bnn_sim_result_free(sr);
    bnn_hw_free(p);
    bnn_fold_free(f2);
    bnn_dse_result_free(&r);
    /* out of reach: the 2017 window unit of conv0 is named, the fastest given */
    o.target_fps = 30000;
    o.size_fifos = 0;
    ASSERT_OK(bnn_dse_run(net, &dev, &o, &r));
    assert_false(r.reached);
    assert_non_null(strstr(r.why, "layer 'conv0'"));
    assert_non_null(strstr(r.why, "sliding-window unit"));
    assert_int_equal(r.max_layer_cycles, 9124); /* CNV-max's II: the fastest there is */
    bnn_dse_result_free(&r);
    bnn_net_free(net);
}

/* FINN's SetFolding: SIMD first (strictly below the target), PE after. */
static void test_finn_setfolding(void **state)
{
    (void)state;
    struct bnn_net *net = NULL;
    ASSERT_OK(bnn_net_load("data/lfc.json", &net));
    struct bnn_device dev;
    ASSERT_OK(bnn_device_load("zc706", &dev));
    struct bnn_dse_options o;
    bnn_dse_options_default(&o);
    o.strategy = BNN_DSE_FINN;
    o.max_simd = 36; /* FINN's mvau_wwidth_max for 1-bit weights */
    o.size_fifos = 0;
    o.target_fps = 200e6 / 1000.0; /* T = 1000 cycles */
    struct bnn_dse_result r;
    ASSERT_OK(bnn_dse_run(net, &dev, &o, &r));
    /* fc1: 1024 x 1024. SIMD over divisors of 1024 up to 36: 32 (32768 cycles);
     * then PE: 1024*32/PE < 1000 -> PE = 64 (512 cycles) */
    assert_int_equal(r.fold->layers[1].simd, 32);
    assert_int_equal(r.fold->layers[1].pe, 64);
    /* fc0: 1024 x 832: SIMD 32 (divides 832), PE 32 -> 832 cycles < 1000 */
    assert_int_equal(r.fold->layers[0].simd, 32);
    assert_int_equal(r.fold->layers[0].pe, 32);
    for (int32_t j = 0; j < r.fold->n; j++)
        assert_true(bnn_dse_layer_cycles(net, r.fold->layers[j].layer, r.fold->layers[j].pe, r.fold->layers[j].simd, &o.hw) < 1000);
    bnn_dse_result_free(&r);
    /* 2-bit weights: FINN caps wbits * SIMD, so fc1 stops at SIMD 16 (32 bits) and PE makes up the rest */
    for (int32_t i = 0; i < net->n_layers; i++)
        if (net->layers[i].weights) net->layers[i].w_bits = 2, net->layers[i].w_signed = true; /* 0/1 are 2-bit codes */
    ASSERT_OK(bnn_net_finalize(net, "lfc-w2"));
    ASSERT_OK(bnn_dse_run(net, &dev, &o, &r));
    assert_int_equal(r.fold->layers[1].simd, 16);
    assert_int_equal(r.fold->layers[1].pe, 128); /* 1024 * 64 / PE < 1000 */
    for (int32_t j = 0; j < r.fold->n; j++) assert_true(r.fold->layers[j].simd * 2 <= 36);
    bnn_dse_result_free(&r);
    o.strategy = BNN_DSE_CHEAPEST; /* the cheapest search keeps the same cap in bits */
    ASSERT_OK(bnn_dse_run(net, &dev, &o, &r));
    for (int32_t j = 0; j < r.fold->n; j++) assert_true(r.fold->layers[j].simd * 2 <= 36);
    bnn_dse_result_free(&r);
    bnn_net_free(net);
}

/* The front: sorted, no point dominated, and two shards merge to it. */
static void test_pareto_and_shards(void **state)
{
    (void)state;
    struct bnn_net *net = NULL;
    ASSERT_OK(bnn_net_load("data/cnv.json", &net));
    struct bnn_device dev;
    ASSERT_OK(bnn_device_load("zc706", &dev));
    struct bnn_dse_options o;
    bnn_dse_options_default(&o);
    o.hw.style = BNN_STYLE_PAPER;
    o.hw.swg = BNN_SWG_2017;
    struct bnn_dse_point *all = NULL, *a = NULL, *b = NULL;
    int32_t n = 0, na = 0, nb = 0;
    ASSERT_OK(bnn_dse_pareto(net, &dev, &o, 0, 1, &all, &n));
    assert_true(n > 10);
    for (int32_t i = 0; i < n; i++) {
        if (i) assert_true(all[i].fps >= all[i - 1].fps);
        for (int32_t k = 0; k < n; k++) {
            if (k == i) continue;
            int dom = all[k].fps >= all[i].fps && all[k].lut <= all[i].lut && all[k].bram18 <= all[i].bram18 &&
                      (all[k].fps > all[i].fps || all[k].lut < all[i].lut || all[k].bram18 < all[i].bram18);
            if (dom) fail_msg("point %d (%.0f FPS) is dominated by %d", i, all[i].fps, k);
        }
    }
    assert_true(fabs(all[n - 1].fps - 200e6 / 9124) < 1e-6); /* the fastest: CNV-max's rate */
    ASSERT_OK(bnn_dse_pareto(net, &dev, &o, 0, 2, &a, &na));
    ASSERT_OK(bnn_dse_pareto(net, &dev, &o, 1, 2, &b, &nb));
    struct bnn_dse_point *m = calloc((size_t)(na + nb), sizeof *m);
    memcpy(m, a, (size_t)na * sizeof *m);
    memcpy(m + na, b, (size_t)nb * sizeof *m);
    int32_t nm = bnn_dse_prune(m, na + nb);
    assert_int_equal(nm, n);
    for (int32_t i = 0; i < n; i++) {
        assert_true(m[i].fps == all[i].fps);
        assert_true(m[i].lut == all[i].lut);
        assert_true(m[i].bram18 == all[i].bram18);
    }
    struct bnn_dse_point *none = NULL;
    int32_t n_none = 0;
    ASSERT_ERR(bnn_dse_pareto(net, &dev, &o, 2, 2, &none, &n_none), "shard 2/2");
    assert_null(none);
    free(all);
    free(a);
    free(b);
    free(m);
    bnn_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fix_point),
        cmocka_unit_test(test_finn_setfolding),
        cmocka_unit_test(test_pareto_and_shards),
    };
    return cmocka_run_group_tests_name("dse", tests, NULL, NULL);
}
