/* Golden vectors: files read back and decoded independently, against the
 * executor, the cycle model and BNN-PYNQ's published stage checksums; the
 * BNN-PYNQ file round trips. */
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "bnnsim/bnnsim.h"
#include "test-util.h"

static struct bnn_net *load_net(const char *path)
{
    struct bnn_net *n = NULL;
    ASSERT_OK(bnn_net_load(path, &n));
    return n;
}

static struct bnn_hw_pipeline *build(const struct bnn_net *net, const struct bnn_fold *fold, enum bnn_style style)
{
    struct bnn_hw_options o;
    bnn_hw_options_default(&o);
    o.style = style;
    o.swg = style == BNN_STYLE_PAPER ? BNN_SWG_2017 : BNN_SWG_RTL;
    struct bnn_hw_pipeline *p = NULL;
    ASSERT_OK(bnn_hw_build(net, fold, &o, "golden", &p));
    return p;
}

static char *slurp(const char *path, size_t *len)
{
    uint8_t *b = NULL;
    ASSERT_OK(bnn_file_read_all(path, &b, len));
    char *t = realloc(b, *len + 1);
    t[*len] = 0;
    return t;
}

/* Bit i of a hex line (most significant digit first). */
static int hex_bit(const char *line, int32_t digits, int64_t i)
{
    char ch = line[digits - 1 - i / 4];
    int v = ch <= '9' ? ch - '0' : ch - 'a' + 10;
    return (v >> (i % 4)) & 1;
}

/* Decodes lane values from hex text alone: `bits` per value, `per_word`
 * values per word (0 = continuous). Returns the value count. */
static int64_t decode_hex(const char *text, int32_t width, int32_t bits, int32_t per_word, int is_signed, int64_t *out,
                          int64_t cap)
{
    int32_t digits = (width + 3) / 4;
    int64_t n = 0, acc_bits = 0;
    uint64_t acc = 0;
    for (const char *line = text; *line; line += digits + 1) {
        if ((int32_t)strlen(line) < digits) fail_msg("short hex line");
        int32_t lanes = per_word ? per_word : 0;
        if (per_word) {
            for (int32_t e = 0; e < lanes && n < cap; e++) {
                uint64_t v = 0;
                for (int32_t b = 0; b < bits; b++) v |= (uint64_t)hex_bit(line, digits, (int64_t)e * bits + b) << b;
                if (is_signed && bits < 64 && (v >> (bits - 1)) & 1) v |= ~0ull << bits;
                out[n++] = (int64_t)v;
            }
        } else {
            for (int32_t b = 0; b < width && n < cap; b++) {
                acc |= (uint64_t)hex_bit(line, digits, b) << acc_bits;
                if (++acc_bits == bits) {
                    if (is_signed && bits < 64 && (acc >> (bits - 1)) & 1) acc |= ~0ull << bits;
                    out[n++] = (int64_t)acc;
                    acc = 0;
                    acc_bits = 0;
                }
            }
        }
    }
    return n;
}

static void ref_outputs(const struct bnn_net *net, const uint8_t *px, int32_t **out, struct bnn_result *res)
{
    struct bnn_plan *plan = NULL;
    struct bnn_plan_options po = {BNN_ENGINE_FLOAT, 1}; /* the other engine: independent of the collector's */
    ASSERT_OK(bnn_plan_create(net, &po, &plan));
    ASSERT_OK(bnn_plan_run(plan, px, 1, NULL, res));
    for (int32_t i = 0; i < net->n_layers; i++) ASSERT_OK(bnn_plan_layer_output(plan, i, out[i]));
    bnn_plan_free(plan);
}

/* Every stream file of a written set, decoded from its hex text, equals
 * what the float engine computes for that link; word counts equal the
 * cycle model's. */
static void check_set(const char *netp, const char *foldp, enum bnn_style style, const char *input, const char *name)
{
    struct bnn_net *net = load_net(netp);
    struct bnn_fold *fold = NULL;
    ASSERT_OK(bnn_fold_load(foldp, net, &fold));
    struct bnn_hw_pipeline *p = build(net, fold, style);
    struct bnn_images imgs = {0};
    const struct bnn_shape in = net->layers[0].out;
    ASSERT_OK(bnn_images_append_file(&imgs, input, in.h, in.w, in.c));
    const int32_t frames = imgs.n < 2 ? imgs.n : 2;
    const char *dir = test_path(name);
    struct bnn_golden_options go = {frames, NULL, 1};
    ASSERT_OK(bnn_golden_write(net, fold, p, imgs.pixels, imgs.n, &go, dir, NULL));
    /* the cycle model carries the same number of words on every link */
    struct bnn_sim_options so = {.frames = frames, .trace_bins = 1000, .every_cycle = 1};
    struct bnn_sim_result *r = NULL;
    ASSERT_OK(bnn_hw_simulate(p, &so, &r));
    char path[4400];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t je;
    json_t *man = json_load_file(path, 0, &je);
    if (!man) fail_msg("manifest: %s", je.text);
    json_t *streams = json_object_get(man, "streams");
    assert_int_equal(json_array_size(streams), p->n_links);
    int32_t **out = calloc((size_t)net->n_layers, sizeof *out);
    for (int32_t i = 0; i < net->n_layers; i++)
        out[i] = calloc((size_t)net->layers[i].out.h * net->layers[i].out.w * net->layers[i].out.c + 1, sizeof(int32_t));
    int64_t *dec = calloc(1 << 22, sizeof *dec);
    int32_t *want = calloc(1 << 22, sizeof *want);
    size_t k;
    json_t *s;
    json_array_foreach(streams, k, s) {
        int32_t l = (int32_t)json_integer_value(json_object_get(s, "index"));
        int64_t wpf = json_integer_value(json_object_get(s, "words_per_frame"));
        assert_string_equal(json_string_value(json_object_get(s, "name")), p->links[l].name);
        if (r->link[l].words != wpf * frames)
            fail_msg("%s: %lld words per frame in the set, the cycle model moved %lld in %d frames", p->links[l].name,
                     (long long)wpf, (long long)r->link[l].words, frames);
        snprintf(path, sizeof path, "%s/%s", dir, json_string_value(json_object_get(s, "hex")));
        size_t len;
        char *text = slurp(path, &len);
        int32_t width = (int32_t)json_integer_value(json_object_get(s, "width"));
        assert_int_equal(len, (size_t)(wpf * frames * ((width + 3) / 4 + 1)));
        int32_t bits = (int32_t)json_integer_value(json_object_get(s, "element_bits"));
        int32_t per = (int32_t)json_integer_value(json_object_get(s, "elements_per_word"));
        int sgn = json_is_true(json_object_get(s, "signed"));
        int64_t vpf = json_integer_value(json_object_get(s, "values_per_frame"));
        int64_t words_vals = per ? wpf * per : (wpf * width) / bits;
        int64_t n = decode_hex(text, width, bits, per, sgn, dec, 1 << 22);
        free(text);
        assert_int_equal(n, words_vals * frames);
        /* what the link should carry, from the float engine and the layer shapes */
        const char *prod = json_string_value(json_object_get(s, "producer"));
        int32_t src = l;
        while (src > 0 && (p->nodes[src].kind == BNN_HW_DWC || p->nodes[src].kind == BNN_HW_DMA_OUT)) src--;
        const struct bnn_hw_node *h = &p->nodes[src];
        for (int32_t f = 0; f < frames; f++) {
            struct bnn_result res;
            const uint8_t *px = imgs.pixels + (size_t)f * in.h * in.w * in.c;
            ref_outputs(net, px, out, &res);
            int64_t m = 0;
            const struct bnn_layer *L = h->layer >= 0 ? &net->layers[h->layer] : NULL;
            if (h->kind == BNN_HW_DMA_IN || h->kind == BNN_HW_THRESH) {
                int64_t cnt = (int64_t)in.h * in.w * in.c;
                int raw = h->kind == BNN_HW_DMA_IN && style == BNN_STYLE_FINN;
                for (int64_t i = 0; i < cnt; i++) want[m++] = raw ? px[i] : out[0][i];
                for (int32_t i = 1; i < net->n_layers; i++)
                    if (net->layers[i].kind == BNN_LAYER_FC || net->layers[i].kind == BNN_LAYER_CONV) {
                        for (int32_t q = 0; q < net->layers[i].in_pad; q++)
                            want[m++] = raw ? (net->layers[i].in_pad_value ? 255 : 0) : net->layers[i].in_pad_value;
                        break;
                    }
            } else if (h->kind == BNN_HW_SWG) {
                for (int32_t oy = 0; oy < L->out.h; oy++)
                    for (int32_t ox = 0; ox < L->out.w; ox++)
                        for (int32_t ky = 0; ky < L->kernel; ky++)
                            for (int32_t kx = 0; kx < L->kernel; kx++)
                                for (int32_t c = 0; c < L->in.c; c++)
                                    want[m++] = out[h->layer - 1][((oy * L->stride + ky) * L->in.w + ox * L->stride + kx) * L->in.c + c];
            } else if (h->kind == BNN_HW_LABELSELECT) {
                for (int32_t i = 0; i < h->top_k; i++) want[m++] = res.top[i];
            } else {
                int64_t cnt = (int64_t)L->out.h * L->out.w * L->out.c;
                for (int64_t i = 0; i < cnt; i++) want[m++] = out[h->layer][i];
            }
            assert_int_equal(m, vpf);
            for (int64_t i = 0; i < words_vals; i++) {
                int64_t got = dec[(int64_t)f * words_vals + i], exp = i < m ? want[i] : 0;
                if (i >= m && !per) break; /* continuous streams: padding bits of the last word */
                if (got != exp)
                    fail_msg("%s (%s), frame %d, value %lld: stream has %lld, executor %lld", p->links[l].name, prod, f,
                             (long long)i, (long long)got, (long long)exp);
            }
        }
        /* the npy holds the same values in FINN's folded shape */
        snprintf(path, sizeof path, "%s/%s", dir, json_string_value(json_object_get(s, "npy")));
        struct bnn_array a;
        ASSERT_OK(bnn_npy_read(path, &a));
        json_t *shape = json_object_get(s, "folded_shape");
        assert_int_equal(a.ndim, 1 + (int32_t)json_array_size(shape));
        assert_int_equal(a.shape[0], frames);
        for (size_t d = 0; d < json_array_size(shape); d++)
            assert_int_equal(a.shape[1 + d], json_integer_value(json_array_get(shape, d)));
        if (per)
            for (int64_t i = 0; i < a.count; i++)
                if (bnn_array_get_i64(&a, i) != dec[i]) fail_msg("%s: npy value %lld differs from the hex", path, (long long)i);
        bnn_array_free(&a);
    }
    json_decref(man);
    free(dec);
    free(want);
    for (int32_t i = 0; i < net->n_layers; i++) free(out[i]);
    free(out);
    bnn_sim_result_free(r);
    bnn_images_free(&imgs);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

/* The 2-bit sets: every stream of both pipeline styles decodes to the
 * executor's values (2-bit lanes, signed activations, signed sums), and the
 * memories hold WPI-bit lanes. */
static void test_streams_multibit(void **state)
{
    (void)state;
    const char *sh = test_shared_dir();
    if (!sh) {
        print_message("skipped: ../shared/bnn-pynq is absent (set BNNSIM_SHARED)\n");
        skip();
    }
    static const struct { enum bnn_pynq_network w; const char *dir, *input; } nets[] = {
        {BNN_PYNQ_CNV_W2A2, "cnvW2A2-cifar10", "cnvW1A1-cifar10/deer.bin"},
        {BNN_PYNQ_CNV_W1A2, "cnvW1A2-cifar10", "cnvW1A1-cifar10/deer.bin"},
        {BNN_PYNQ_LFC_W1A2, "lfcW1A2-mnist", "lfcW1A1-mnist/3.image-idx3-ubyte"},
    };
    for (int k = 0; k < 3; k++) {
        char dir[4200], in[4200], jn[64], fn[64];
        snprintf(dir, sizeof dir, "%s/bnn-pynq/%s", sh, nets[k].dir);
        snprintf(in, sizeof in, "%s/bnn-pynq/%s", sh, nets[k].input);
        struct bnn_net *net;
        struct bnn_fold *fold;
        ASSERT_OK(bnn_pynq_import(nets[k].w, dir, &net, &fold, NULL));
        snprintf(jn, sizeof jn, "mb-%d.json", k);
        snprintf(fn, sizeof fn, "mb-%d.fold.json", k);
        char netp[4200], foldp[4200];
        snprintf(netp, sizeof netp, "%s", test_path(jn));
        snprintf(foldp, sizeof foldp, "%s", test_path(fn));
        ASSERT_OK(bnn_net_save(net, netp));
        ASSERT_OK(bnn_fold_save(fold, net, foldp));
        char g[64];
        snprintf(g, sizeof g, "g-mb-%d-finn", k);
        check_set(netp, foldp, BNN_STYLE_FINN, in, g);
        snprintf(g, sizeof g, "g-mb-%d-paper", k);
        check_set(netp, foldp, BNN_STYLE_PAPER, in, g);
        if (k == 0) { /* cnvW2A2 conv1: memblock.dat lanes of 2 bits, params.h FixedPointWeights */
            struct bnn_hw_pipeline *p = build(net, fold, BNN_STYLE_FINN);
            struct bnn_images imgs = {0};
            ASSERT_OK(bnn_images_append_file(&imgs, in, 32, 32, 3));
            const char *gd = test_path("g-mb-mem");
            struct bnn_golden_options go = {1, "conv1", 1};
            ASSERT_OK(bnn_golden_write(net, fold, p, imgs.pixels, imgs.n, &go, gd, NULL));
            const struct bnn_layer *L = &net->layers[fold->layers[1].layer];
            const int32_t PE = fold->layers[1].pe, SIMD = fold->layers[1].simd, NF = L->mh / PE, SF = L->mw / SIMD;
            char path[4400];
            size_t len;
            snprintf(path, sizeof path, "%s/memories/conv1/memblock.dat", gd);
            char *text = slurp(path, &len);
            const int32_t digits = (PE * SIMD * 2 + 3) / 4;
            assert_int_equal(len, (size_t)NF * SF * (digits + 1));
            for (int32_t a = 0; a < NF * SF; a++)
                for (int32_t lane = 0; lane < PE * SIMD; lane++) {
                    const int32_t pe = lane / SIMD, s = lane % SIMD, r = (a / SF) * PE + pe, c = (a % SF) * SIMD + s;
                    int v = hex_bit(text + (size_t)a * (digits + 1), digits, 2 * lane) |
                            hex_bit(text + (size_t)a * (digits + 1), digits, 2 * lane + 1) << 1;
                    if (v >= 2) v -= 4;
                    if (v != bnn_layer_weight(L, (size_t)r * L->mw + c))
                        fail_msg("memblock.dat line %d lane %d (row %d col %d): %d, weight %d", a, lane, r, c, v,
                                 bnn_layer_weight(L, (size_t)r * L->mw + c));
                }
            free(text);
            snprintf(path, sizeof path, "%s/memories/conv1/params.h", gd);
            text = slurp(path, &len);
            assert_non_null(strstr(text, "FixedPointWeights<16,ap_int<2>,16,144>"));
            free(text);
            snprintf(path, sizeof path, "%s/memories/conv1/thresh.h", gd);
            text = slurp(path, &len);
            assert_non_null(strstr(text, "ap_int<2>,-1,comp::less_equal"));
            free(text);
            bnn_images_free(&imgs);
            bnn_hw_free(p);
        }
        bnn_net_free(net);
        bnn_fold_free(fold);
    }
}

static void test_streams_bundled(void **state)
{
    (void)state;
    check_set("data/cnv.json", "data/cnv-fix.fold.json", BNN_STYLE_FINN, "data/samples/shapes.cifar10.bin", "g-cnv-finn");
    check_set("data/cnv.json", "data/cnv-max.fold.json", BNN_STYLE_PAPER, "data/samples/shapes.cifar10.bin", "g-cnv-paper");
    check_set("data/lfc.json", "data/lfc-max.fold.json", BNN_STYLE_FINN, "data/samples/digits.idx3-ubyte", "g-lfc-finn");
    check_set("data/sfc784.json", "data/sfc-fix.fold.json", BNN_STYLE_PAPER, "data/samples/digits.idx3-ubyte", "g-sfc-paper");
}

/* Memories: params.h words, memblock.dat lines and thresh.h values decode
 * back to the network's weights and thresholds. */
static void test_memories(void **state)
{
    (void)state;
    struct bnn_net *net = load_net("data/lfc.json");
    struct bnn_fold *fold = NULL;
    ASSERT_OK(bnn_fold_load("data/lfc-max.fold.json", net, &fold));
    struct bnn_hw_pipeline *p = build(net, fold, BNN_STYLE_FINN);
    struct bnn_images imgs = {0};
    ASSERT_OK(bnn_images_append_file(&imgs, "data/samples/digits.idx3-ubyte", 28, 28, 1));
    const char *dir = test_path("gold-mem");
    struct bnn_golden_options go = {1, "fc3", 1};
    ASSERT_OK(bnn_golden_write(net, fold, p, imgs.pixels, imgs.n, &go, dir, NULL));
    const struct bnn_layer *L = &net->layers[fold->layers[3].layer];
    const int32_t PE = 16, SIMD = 8, NF = L->mh / PE, SF = L->mw / SIMD;
    char path[4400];
    size_t len;
    snprintf(path, sizeof path, "%s/memories/fc3/memblock.dat", dir);
    char *text = slurp(path, &len);
    int32_t digits = (PE * SIMD + 3) / 4;
    assert_int_equal(len, (size_t)NF * SF * (digits + 1));
    for (int32_t a = 0; a < NF * SF; a++)
        for (int32_t bit = 0; bit < PE * SIMD; bit++) {
            int32_t pe = bit / SIMD, s = bit % SIMD, r = (a / SF) * PE + pe, c = (a % SF) * SIMD + s;
            if (hex_bit(text + (size_t)a * (digits + 1), digits, bit) != L->weights[(size_t)r * L->mw + c])
                fail_msg("memblock.dat line %d bit %d (row %d col %d)", a, bit, r, c);
        }
    free(text);
    snprintf(path, sizeof path, "%s/memories/fc3/params.h", dir);
    text = slurp(path, &len);
    assert_non_null(strstr(text, "const BinaryWeights<8,16,128> weights"));
    /* PE 5, word 7: line 5 after "{{", its 8th ap_uint literal */
    const char *at = strstr(text, "{{\n") + 3;
    for (int pe = 0; pe < 5; pe++) at = strchr(at, '\n') + 1;
    for (int w = 0; w < 8; w++) at = strstr(at + 1, "ap_uint"); /* literals 0..7 */
    unsigned v;
    assert_int_equal(sscanf(strstr(at, "\"0x") + 3, "%x", &v), 1);
    for (int32_t s = 0; s < SIMD; s++) assert_int_equal((v >> s) & 1, L->weights[(size_t)(0 * PE + 5) * L->mw + 7 * SIMD + s]);
    free(text);
    snprintf(path, sizeof path, "%s/memories/fc3/thresh.h", dir);
    text = slurp(path, &len);
    assert_non_null(strstr(text, "comp::less_equal"));
    at = strstr(text, "{{") + 2; /* PE 0 */
    at = strchr(at, '{') + 1;
    at = strchr(at, '{') + 1;
    long t0 = strtol(at, NULL, 10);
    assert_int_equal(t0, L->thresholds[0]); /* binary input: popcount domain, as stored */
    free(text);
    /* --layers: only fc3's streams and memory */
    snprintf(path, sizeof path, "%s/memories/fc0", dir);
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
    /* an existing directory is refused and left alone */
    ASSERT_ERR(bnn_golden_write(net, fold, p, imgs.pixels, imgs.n, &go, dir, NULL), "exists");
    go.layers = "fc9";
    ASSERT_ERR(bnn_golden_write(net, fold, p, imgs.pixels, imgs.n, &go, test_path("gold-x"), NULL), "'fc9' is not a layer");
    assert_false(test_exists(test_path("gold-x")));
    bnn_images_free(&imgs);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

static uint64_t fnv_bits(const struct bnn_stream *s, int64_t *ones)
{
    uint64_t h = 0xcbf29ce484222325ull;
    uint64_t w[128];
    int64_t vals = 0;
    for (int64_t k = 0; k < s->words_per_frame; k++) {
        bnn_stream_word(s, 0, k, w);
        int64_t used = s->elems_per_word ? (int64_t)s->elems_per_word * s->elem_bits : s->width;
        for (int64_t b = 0; b < used && vals < s->elems_per_frame * s->elem_bits; b++, vals++) {
            uint8_t byte = (w[b / 64] >> (b % 64)) & 1;
            *ones += byte;
            h = (h ^ byte) * 0x100000001b3ull;
        }
    }
    return h;
}

/* BNN-PYNQ's published per-stage checksums, recomputed from the words of
 * the paper-style pipeline (the one BNN-PYNQ builds). */
static void test_bnn_pynq_stage_checksums(void **state)
{
    (void)state;
    const char *sh = test_shared_dir();
    if (!sh) {
        print_message("skipped: ../shared/bnn-pynq is absent (set BNNSIM_SHARED)\n");
        skip();
    }
    static const struct {
        const char *net, *input, *producer;
        int64_t ones;
        uint64_t fnv;
    } cases[] = {
        {"cnvW1A1-cifar10", "deer.bin", "dma_in", 9942, 0xb3832ad8b318bde1ull},
        {"cnvW1A1-cifar10", "deer.bin", "MVAU_hls_0", 26596, 0xdd1c728061cc083dull},
        {"cnvW1A1-cifar10", "deer.bin", "MVAU_hls_1", 5024, 0x28e9502af6c345c7ull},
        {"cnvW1A1-cifar10", "deer.bin", "PoolUnit_0", 2876, 0x2e0f3a6604e26e07ull},
        {"cnvW1A1-cifar10", "deer.bin", "MVAU_hls_3", 1382, 0x205be58fc09e54c1ull},
        {"cnvW1A1-cifar10", "deer.bin", "PoolUnit_1", 813, 0xea59520243bb0ebaull},
        {"cnvW1A1-cifar10", "deer.bin", "MVAU_hls_5", 123, 0x39f227f004db3730ull},
        {"cnvW1A1-cifar10", "deer.bin", "MVAU_hls_7", 245, 0x22d5c9467e78732eull},
        {"cnvW1A1-cifar10", "deer.bin", "MVAU_hls_8", 379, 0xc185f9ce122dc7c0ull},
        {"lfcW1A1-mnist", "3.image-idx3-ubyte", "dma_in", 114, 0x5d5cb3b5eb94eeedull},
        {"lfcW1A1-mnist", "3.image-idx3-ubyte", "MVAU_hls_0", 523, 0xef3a7eb2d85175d6ull},
        {"lfcW1A1-mnist", "3.image-idx3-ubyte", "MVAU_hls_2", 511, 0xc7717a242224a0b8ull},
        {"lfcW1A1-mnist", "3.image-idx3-ubyte", "MVAU_hls_3", 1, 0xfe495d20ed62b922ull},
    };
    const char *loaded = "";
    struct bnn_golden *g = NULL;
    struct bnn_hw_pipeline *p = NULL;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        if (strcmp(loaded, cases[c].net)) {
            bnn_golden_free(g);
            bnn_hw_free(p);
            char dir[4200], in[4300];
            snprintf(dir, sizeof dir, "%s/bnn-pynq/%s", sh, cases[c].net);
            snprintf(in, sizeof in, "%s/%s", dir, cases[c].input);
            struct bnn_net *net = NULL;
            struct bnn_fold *fold = NULL;
            ASSERT_OK(bnn_pynq_import(strstr(cases[c].net, "cnv") ? BNN_PYNQ_CNV_W1A1 : BNN_PYNQ_LFC_W1A1, dir, &net, &fold, NULL));
            p = build(net, fold, BNN_STYLE_PAPER);
            struct bnn_images imgs = {0};
            ASSERT_OK(bnn_images_append_file(&imgs, in, net->layers[0].out.h, net->layers[0].out.w, net->layers[0].out.c));
            ASSERT_OK(bnn_golden_collect(net, p, imgs.pixels, 1, &g));
            bnn_images_free(&imgs);
            bnn_fold_free(fold);
            bnn_net_free(net);
            loaded = cases[c].net;
        }
        int32_t l = -1;
        for (int32_t k = 0; k < p->n_links; k++)
            if (!strcmp(p->nodes[k].name, cases[c].producer)) l = k;
        if (l < 0) fail_msg("no node %s", cases[c].producer);
        int64_t ones = 0;
        uint64_t h = fnv_bits(&g->streams[l], &ones);
        if (h != cases[c].fnv || ones != cases[c].ones)
            fail_msg("%s %s: %lld ones, FNV %016llx; BNN-PYNQ: %lld, %016llx", cases[c].net, cases[c].producer,
                     (long long)ones, (unsigned long long)h, (long long)cases[c].ones, (unsigned long long)cases[c].fnv);
    }
    bnn_golden_free(g);
    bnn_hw_free(p);
}

static int same_file(const char *a, const char *b, size_t *len_a, size_t *len_b)
{
    uint8_t *x, *y;
    ASSERT_OK(bnn_file_read_all(a, &x, len_a));
    ASSERT_OK(bnn_file_read_all(b, &y, len_b));
    size_t n = *len_a < *len_b ? *len_a : *len_b;
    int same = memcmp(x, y, n) == 0;
    for (size_t i = n; i < *len_b; i++) same &= y[i] == 0; /* exported beyond a short original: zeros */
    free(x);
    free(y);
    return same;
}

/* Import -> export with the same folding gives the original files back;
 * export with another folding -> import gives the same network. */
static void test_bnn_pynq_round_trips(void **state)
{
    (void)state;
    const char *sh = test_shared_dir();
    if (!sh) {
        print_message("skipped: ../shared/bnn-pynq is absent (set BNNSIM_SHARED)\n");
        skip();
    }
    static const char *const nets[] = {"cnvW1A1-cifar10", "lfcW1A1-mnist", "cnvW1A1-svhn"};
    for (int k = 0; k < 3; k++) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/bnn-pynq/%s", sh, nets[k]);
        enum bnn_pynq_network which = k == 1 ? BNN_PYNQ_LFC_W1A1 : BNN_PYNQ_CNV_W1A1;
        struct bnn_net *net = NULL;
        struct bnn_fold *fold = NULL;
        ASSERT_OK(bnn_pynq_import(which, dir, &net, &fold, NULL));
        /* a whole golden set of the trained network, both pipeline styles */
        for (int style = 0; style < 2; style++) {
            struct bnn_hw_pipeline *gp = build(net, fold, style ? BNN_STYLE_PAPER : BNN_STYLE_FINN);
            const struct bnn_shape in = net->layers[0].out;
            uint8_t *px = calloc((size_t)in.h * in.w * in.c, 1);
            for (int32_t i = 0; i < in.h * in.w * in.c; i++) px[i] = (uint8_t)(i * 37 + k);
            char gd[64];
            snprintf(gd, sizeof gd, "gold-pynq-%d-%d", k, style);
            struct bnn_golden_options go = {1, NULL, 1};
            ASSERT_OK(bnn_golden_write(net, fold, gp, px, 1, &go, test_path(gd), NULL));
            char mp[4400];
            snprintf(mp, sizeof mp, "%s/bnn-pynq/0-0-weights.bin", test_path(gd));
            assert_true(test_exists(mp));
            free(px);
            bnn_hw_free(gp);
        }
        char outd[64];
        snprintf(outd, sizeof outd, "export-%d", k);
        const char *out = test_path(outd);
        ASSERT_OK(bnn_export_bnn_pynq(net, fold, out));
        DIR *d = opendir(dir);
        assert_non_null(d);
        int files = 0, short_files = 0;
        for (struct dirent *e; (e = readdir(d));) {
            size_t n = strlen(e->d_name);
            if (n < 5 || strcmp(e->d_name + n - 4, ".bin") || !strchr(e->d_name, '-')) continue;
            if (!strncmp(e->d_name, "8-", 2) && strstr(e->d_name, "thres")) continue; /* svhn's unread L8 thresholds */
            char a[4400], b[4400];
            snprintf(a, sizeof a, "%s/%s", dir, e->d_name);
            snprintf(b, sizeof b, "%s/%s", out, e->d_name);
            if (!test_exists(b)) continue; /* not a parameter file (deer.bin, ...) */
            size_t la, lb;
            if (!same_file(a, b, &la, &lb)) fail_msg("%s differs from the export", a);
            if (la != lb) {
                short_files++; /* svhn's short 8-*-weights.bin: the rest is zeros (-1 weights) */
                if (k != 2) fail_msg("%s: %zu bytes, exported %zu", a, la, lb);
            }
            files++;
        }
        closedir(d);
        assert_int_equal(files, k == 1 ? 288 : 178);
        if (k == 2) assert_int_equal(short_files, 4);
        /* another folding, written with its config.h, read back */
        static const int32_t pe_c[9] = {32, 64, 32, 32, 8, 2, 1, 1, 2}, simd_c[9] = {3, 32, 32, 32, 32, 32, 8, 16, 2};
        static const int32_t pe_l[4] = {64, 32, 64, 8}, simd_l[4] = {32, 64, 16, 16};
        for (int32_t j = 0; j < fold->n; j++) {
            fold->layers[j].pe = k == 1 ? pe_l[j] : pe_c[j];
            fold->layers[j].simd = k == 1 ? simd_l[j] : simd_c[j];
        }
        snprintf(outd, sizeof outd, "refold-%d", k);
        const char *re = test_path(outd);
        ASSERT_OK(bnn_export_bnn_pynq(net, fold, re));
        char a[4400], b[4400];
        snprintf(a, sizeof a, "%s/classes.txt", dir);
        snprintf(b, sizeof b, "%s/classes.txt", re);
        ASSERT_OK(bnn_file_write_atomic(b, "", 0)); /* classes come from the export; keep the original's text */
        {
            uint8_t *buf;
            size_t len;
            ASSERT_OK(bnn_file_read_all(a, &buf, &len));
            ASSERT_OK(bnn_file_write_atomic(b, buf, len));
            free(buf);
        }
        struct bnn_net *net2 = NULL;
        struct bnn_fold *fold2 = NULL;
        ASSERT_OK(bnn_pynq_import(which, re, &net2, &fold2, NULL));
        for (int32_t j = 0; j < fold->n; j++) {
            assert_int_equal(fold2->layers[j].pe, fold->layers[j].pe);
            assert_int_equal(fold2->layers[j].simd, fold->layers[j].simd);
        }
        assert_int_equal(net2->n_layers, net->n_layers);
        for (int32_t i = 0; i < net->n_layers; i++) {
            const struct bnn_layer *x = &net->layers[i], *y = &net2->layers[i];
            if (x->kind != BNN_LAYER_CONV && x->kind != BNN_LAYER_FC) continue;
            if (memcmp(x->weights, y->weights, (size_t)x->mh * x->mw)) fail_msg("%s: weights changed", x->name);
            if (x->act == BNN_ACT_THRESHOLD && memcmp(x->thresholds, y->thresholds, (size_t)x->mh * sizeof(int64_t)))
                fail_msg("%s: thresholds changed", x->name);
        }
        bnn_net_free(net2);
        bnn_fold_free(fold2);
        bnn_fold_free(fold);
        bnn_net_free(net);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streams_bundled),
        cmocka_unit_test(test_streams_multibit),
        cmocka_unit_test(test_memories),
        cmocka_unit_test(test_bnn_pynq_stage_checksums),
        cmocka_unit_test(test_bnn_pynq_round_trips),
    };
    return cmocka_run_group_tests_name("golden", tests, NULL, NULL);
}
