/* The plots: decoded back and their colours counted (the states of a
 * simulated run, the chosen folding, the paper's designs), SVG parsed as
 * XML, PDF framed, a wrong extension refused with no file left. */
#include <stb_image.h>

#include "test-util.h"

/* pixels of exactly this colour in a PNG */
static long count_rgb(const char *png, unsigned rgb, int *w, int *h)
{
    int c;
    unsigned char *px = stbi_load(png, w, h, &c, 3);
    if (!px) fail_msg("%s: not a PNG stb_image reads", png);
    long n = 0;
    for (long i = 0; i < (long)*w * *h; i++)
        n += px[3 * i] == (rgb >> 16 & 255) && px[3 * i + 1] == (rgb >> 8 & 255) && px[3 * i + 2] == (rgb & 255);
    stbi_image_free(px);
    return n;
}

static void check_svg_pdf(const char *svg, const char *pdf)
{
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "python3 -c \"import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
                              "assert d.documentElement.tagName == 'svg'\" %s", svg);
    if (system(cmd)) fail_msg("%s is not an SVG document", svg);
    uint8_t *b;
    size_t n;
    ASSERT_OK(bnn_file_read_all(pdf, &b, &n));
    assert_true(n > 1000);
    assert_memory_equal(b, "%PDF-", 5);
    if (!memmem(b + n - 16, 16, "%%EOF", 5)) fail_msg("%s: no %%%%EOF trailer", pdf);
    free(b);
}

static void test_timeline(void **state)
{
    (void)state;
    struct bnn_net *net;
    struct bnn_fold *fold;
    ASSERT_OK(bnn_net_load("data/cnv.json", &net));
    ASSERT_OK(bnn_fold_load("data/cnv-fix.fold.json", net, &fold));
    struct bnn_hw_options ho;
    bnn_hw_options_default(&ho);
    struct bnn_hw_pipeline *p;
    ASSERT_OK(bnn_hw_build(net, fold, &ho, "cnv-fix", &p));
    struct bnn_sim_options o = {.frames = 2, .trace_cycles = 200000, .trace_bins = 800};
    struct bnn_sim_result *r;
    ASSERT_OK(bnn_hw_simulate(p, &o, &r));
    const char *png = test_path("t.png");
    ASSERT_OK(bnn_hw_timeline_plot(p, r, png));
    int w, h;
    /* every state the run was in shows; the lanes are 800 bins wide and every node has one */
    long busy = count_rgb(png, 0x2ea043, &w, &h), starved = count_rgb(png, 0xfabe3c, &w, &h),
         blocked = count_rgb(png, 0xd62728, &w, &h);
    printf("timeline %dx%d: busy %ld, starved %ld, blocked %ld pixels\n", w, h, busy, starved, blocked);
    assert_true(w >= 2 * (250 + 800));
    assert_true(h >= 2 * p->n_nodes * 11);
    assert_true(busy > 1000 && starved > 1000 && blocked > 1000);
    /* the same picture as SVG and PDF */
    ASSERT_OK(bnn_hw_timeline_plot(p, r, test_path("t.svg")));
    ASSERT_OK(bnn_hw_timeline_plot(p, r, test_path("t.pdf")));
    check_svg_pdf(test_path("t.svg"), test_path("t.pdf"));
    ASSERT_ERR(bnn_hw_timeline_plot(p, r, test_path("t.gif")), "t.gif: a plot is written as .png, .svg or .pdf");
    assert_false(test_exists(test_path("t.gif")));
    bnn_sim_result_free(r);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

static void test_pareto(void **state)
{
    (void)state;
    struct bnn_net *net;
    ASSERT_OK(bnn_net_load("data/lfc.json", &net));
    struct bnn_device dev;
    ASSERT_OK(bnn_device_load("pynq-z1", &dev));
    struct bnn_dse_options o;
    bnn_dse_options_default(&o);
    o.hw.clock_mhz = dev.clock_mhz;
    struct bnn_dse_point *pts;
    int32_t n;
    ASSERT_OK(bnn_dse_pareto(net, &dev, &o, 0, 1, &pts, &n));
    int fit = 0, nofit = 0;
    for (int32_t i = 0; i < n; i++) pts[i].fits ? fit++ : nofit++;
    assert_true(fit > 0 && nofit > 0); /* both kinds of point on a small device */

    /* the chosen point: the cheapest that fits at or above the target */
    int32_t c = bnn_pareto_chosen(pts, n, &dev, 50000);
    assert_true(c >= 0 && pts[c].fits && pts[c].fps >= 50000);
    for (int32_t i = 0; i < n; i++)
        if (pts[i].fits && pts[i].fps >= 50000)
            assert_true(pts[c].lut / dev.lut + pts[c].bram18 / dev.bram18 <= pts[i].lut / dev.lut + pts[i].bram18 / dev.bram18);
    assert_int_equal(bnn_pareto_chosen(pts, n, &dev, 1e12), -1);

    struct bnn_plot_mark paper = {"LFC-max", 1561000, 82988, 792};
    struct bnn_pareto_plot plain = {.network = net->name, .device = &dev, .fps_kind = "analytic"};
    struct bnn_pareto_plot marked = plain;
    marked.target_fps = 50000, marked.n_marks = 1, marked.marks = &paper;
    ASSERT_OK(bnn_plot_pareto(test_path("p0.png"), pts, n, &plain));
    ASSERT_OK(bnn_plot_pareto(test_path("p1.png"), pts, n, &marked));
    int w, h;
    long fits0 = count_rgb(test_path("p0.png"), 0x1f77b4, &w, &h), grey0 = count_rgb(test_path("p0.png"), 0x9a9a9a, &w, &h);
    long orange0 = count_rgb(test_path("p0.png"), 0xff7f0e, &w, &h), purple0 = count_rgb(test_path("p0.png"), 0x9467bd, &w, &h);
    long orange1 = count_rgb(test_path("p1.png"), 0xff7f0e, &w, &h), purple1 = count_rgb(test_path("p1.png"), 0x9467bd, &w, &h);
    long limit = count_rgb(test_path("p1.png"), 0xd62728, &w, &h);
    printf("pareto %dx%d: fitting %ld, not fitting %ld; chosen %ld -> %ld, paper %ld -> %ld, limit %ld pixels\n", w, h,
           fits0, grey0, orange0, orange1, purple0, purple1, limit);
    assert_true(fits0 > 100 && grey0 > 50 && limit > 100);
    assert_true(orange0 == 0 && orange1 > 50);
    assert_true(purple0 == 0 && purple1 > 50);
    ASSERT_OK(bnn_plot_pareto(test_path("p.svg"), pts, n, &marked));
    ASSERT_OK(bnn_plot_pareto(test_path("p.pdf"), pts, n, &marked));
    check_svg_pdf(test_path("p.svg"), test_path("p.pdf"));
    free(pts);
    bnn_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_pareto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
