/* BNN-PYNQ networks against the reference outputs of ../shared/bnn-pynq:
 * scores, padding rows, output word, and every per-stage checksum (FNV-1a-64
 * over the canonical one-byte-per-bit form). Skips when ../shared is absent. */
#include "test-util.h"
#include "kernels/kernels.h"

static const char *shared;

static uint64_t fnv_bits(const int32_t *v, size_t n, int bits, int pad_zero_bytes, int *ones)
{
    uint64_t h = 0xcbf29ce484222325ull;
    *ones = 0;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < bits; b++) {
            uint8_t byte = (uint8_t)(((uint32_t)v[i] >> b) & 1);
            *ones += byte;
            h = (h ^ byte) * 0x100000001b3ull;
        }
    for (int i = 0; i < pad_zero_bytes; i++) h = (h ^ 0) * 0x100000001b3ull;
    return h;
}

struct stage {
    const char *name;
    int layer, bits, pad;
    int ones;
    uint64_t fnv;
};

static void load_pynq(enum bnn_pynq_network w, const char *sub, struct bnn_net **net, struct bnn_fold **fold)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/bnn-pynq/%s", shared, sub);
    ASSERT_OK(bnn_pynq_import(w, dir, net, fold, NULL));
}

static void check_stages(struct bnn_plan *p, const struct bnn_net *net, const struct stage *st, int n)
{
    for (int i = 0; i < n; i++) {
        const struct bnn_layer *L = &net->layers[st[i].layer];
        size_t cnt = (size_t)L->out.h * L->out.w * L->out.c;
        int32_t *v = malloc(cnt * 4);
        ASSERT_OK(bnn_plan_layer_output(p, st[i].layer, v));
        int ones;
        uint64_t h = fnv_bits(v, cnt, st[i].bits, st[i].pad, &ones);
        free(v);
        if (ones != st[i].ones || h != st[i].fnv)
            fail_msg("stage %s (layer '%s'): ones %d fnv %016llx, expected ones %d fnv %016llx", st[i].name, L->name,
                     ones, (unsigned long long)h, st[i].ones, (unsigned long long)st[i].fnv);
    }
}

/* Engine e of 1 + the kernel variants: 0 is the float engine, e > 0 the
 * reference engine on variant e - 1. NULL (with *name set) when this CPU
 * lacks that variant. */
static struct bnn_plan *plan_for(const struct bnn_net *net, int e, const char **name)
{
    int n_var;
    const struct bnn_kernel_variant *vars = bnn__kernel_variants(&n_var);
    *name = e ? vars[e - 1].k.isa : "float";
    if (e && !vars[e - 1].available()) return NULL;
    struct bnn_plan_options o = {e ? BNN_ENGINE_REF : BNN_ENGINE_FLOAT, 1};
    struct bnn_plan *p;
    if (e) setenv("BNNSIM_ISA", vars[e - 1].k.isa, 1);
    ASSERT_OK(bnn_plan_create(net, &o, &p));
    unsetenv("BNNSIM_ISA");
    return p;
}

static int n_engines(void)
{
    int n_var;
    bnn__kernel_variants(&n_var);
    return 1 + n_var;
}

static void test_cnv_deer(void **state)
{
    (void)state;
    if (!shared) { skip(); return; }
    struct bnn_net *net;
    struct bnn_fold *fold;
    load_pynq(BNN_PYNQ_CNV_W1A1, "cnvW1A1-cifar10", &net, &fold);
    static const int pe[9] = {16, 32, 16, 16, 4, 1, 1, 1, 4}, simd[9] = {3, 32, 32, 32, 32, 32, 4, 8, 1};
    assert_int_equal(fold->n, 9);
    for (int j = 0; j < 9; j++) assert_int_equal(fold->layers[j].pe, pe[j]), assert_int_equal(fold->layers[j].simd, simd[j]);
    char path[4200];
    snprintf(path, sizeof path, "%s/bnn-pynq/cnvW1A1-cifar10/deer.bin", shared);
    struct bnn_images imgs = {0};
    ASSERT_OK(bnn_images_append_file(&imgs, path, 32, 32, 3));
    static const int want[10] = {228, 229, 251, 250, 412, 253, 230, 262, 222, 239};
    static const struct stage stages[] = {
        {"in_q8_24b", 0, 8, 0, 9942, 0xb3832ad8b318bde1ull},     {"conv0_30x30x64", 1, 1, 0, 26596, 0xdd1c728061cc083dull},
        {"conv1_28x28x64", 2, 1, 0, 5024, 0x28e9502af6c345c7ull}, {"pool1_14x14x64", 3, 1, 0, 2876, 0x2e0f3a6604e26e07ull},
        {"conv2_12x12x128", 4, 1, 0, 8419, 0x14b10bd18ca61b92ull}, {"conv3_10x10x128", 5, 1, 0, 1382, 0x205be58fc09e54c1ull},
        {"pool3_5x5x128", 6, 1, 0, 813, 0xea59520243bb0ebaull},   {"conv4_3x3x256", 7, 1, 0, 1189, 0xd3975c5be604f364ull},
        {"conv5_1x1x256", 8, 1, 0, 123, 0x39f227f004db3730ull},   {"fc6_512", 9, 1, 0, 261, 0x9f6692efc2b947eaull},
        {"fc7_512", 10, 1, 0, 245, 0x22d5c9467e78732eull},        {"fc8_64x16b", 11, 16, 0, 379, 0xc185f9ce122dc7c0ull},
    };
    /* the float engine, then the reference engine on every kernel variant */
    for (int e = 0; e < n_engines(); e++) {
        const char *what;
        struct bnn_plan *p = plan_for(net, e, &what);
        if (!p) continue;
        assert_int_equal(bnn_plan_n_scores(p), 64);
        int32_t sc[64];
        struct bnn_result r;
        ASSERT_OK(bnn_plan_run(p, imgs.pixels, 1, sc, &r));
        for (int k = 0; k < 10; k++)
            if (sc[k] != want[k]) fail_msg("%s: score[%d] = %d, expected %d", what, k, sc[k], want[k]);
        for (int k = 10; k < 64; k++)
            if (sc[k] != 245) fail_msg("%s: padding row %d = %d, expected 245", what, k, sc[k]);
        assert_int_equal(r.class_index, 4);
        assert_string_equal(net->class_names[4], "Deer");
        check_stages(p, net, stages, 12);
        bnn_plan_free(p);
    }
    bnn_images_free(&imgs);
    bnn_net_free(net);
    bnn_fold_free(fold);
}

static void test_lfc_three(void **state)
{
    (void)state;
    if (!shared) { skip(); return; }
    struct bnn_net *net;
    struct bnn_fold *fold;
    load_pynq(BNN_PYNQ_LFC_W1A1, "lfcW1A1-mnist", &net, &fold);
    char path[4200];
    snprintf(path, sizeof path, "%s/bnn-pynq/lfcW1A1-mnist/3.image-idx3-ubyte", shared);
    struct bnn_images imgs = {0};
    ASSERT_OK(bnn_images_append_file(&imgs, path, 28, 28, 1));
    static const struct stage stages[] = {
        {"in_832", 0, 1, 48, 114, 0x5d5cb3b5eb94eeedull}, {"fc0_1024", 1, 1, 0, 523, 0xef3a7eb2d85175d6ull},
        {"fc1_1024", 2, 1, 0, 498, 0x9797f88ecaf88049ull}, {"fc2_1024", 3, 1, 0, 511, 0xc7717a242224a0b8ull},
        {"fc3_64", 4, 1, 0, 1, 0xfe495d20ed62b922ull},
    };
    for (int e = 0; e < n_engines(); e++) {
        const char *what;
        struct bnn_plan *p = plan_for(net, e, &what);
        if (!p) continue;
        int32_t sc[64];
        struct bnn_result r;
        ASSERT_OK(bnn_plan_run(p, imgs.pixels, 1, sc, &r));
        uint64_t word = 0;
        for (int k = 0; k < 64; k++) word |= (uint64_t)(sc[k] & 1) << k;
        assert_int_equal(word, 0x8);
        assert_int_equal(r.class_index, 3);
        check_stages(p, net, stages, 5);
        bnn_plan_free(p);
    }
    /* Thresholds: BNN-PYNQ's T (strict) + 1; popcounts with the last layer raw. */
    static const int T[10] = {664, 645, 644, 644, 665, 659, 644, 640, 694, 674};
    static const int pc[10] = {509, 491, 490, 817, 460, 504, 517, 515, 527, 515};
    struct bnn_layer *L = &net->layers[4];
    for (int k = 0; k < 10; k++) assert_int_equal(L->thresholds[k], T[k] + 1);
    for (int k = 10; k < 64; k++) assert_int_equal(L->thresholds[k], 32768);
    L->act = BNN_ACT_RAW;
    ASSERT_OK(bnn_net_finalize(net, "lfc-raw"));
    struct bnn_plan *p;
    ASSERT_OK(bnn_plan_create(net, NULL, &p));
    int32_t sc[64];
    ASSERT_OK(bnn_plan_run(p, imgs.pixels, 1, sc, NULL));
    for (int k = 0; k < 10; k++) assert_int_equal(sc[k], pc[k]);
    bnn_plan_free(p);
    bnn_images_free(&imgs);
    bnn_net_free(net);
    bnn_fold_free(fold);
}

/* Every other shipped input: ref == float on every layer; save+load keeps the bits. */
static void test_other_inputs_agree(void **state)
{
    (void)state;
    if (!shared) { skip(); return; }
    static const struct { enum bnn_pynq_network w; const char *dir, *file; int h, c; } cases[] = {
        {BNN_PYNQ_CNV_W1A1, "cnvW1A1-cifar10", "derived-car-airplane-bird.cifar10.bin", 32, 3},
        {BNN_PYNQ_CNV_W1A1, "cnvW1A1-cifar10", "derived-lcg-random4.cifar10.bin", 32, 3},
        {BNN_PYNQ_CNV_W1A1, "cnvW1A1-cifar10", "bird.jpg", 32, 3},
        {BNN_PYNQ_CNV_W1A1, "cnvW1A1-svhn", "derived-6.cifar10.bin", 32, 3},
        {BNN_PYNQ_LFC_W1A1, "lfcW1A1-mnist", "derived-lcg-random4.idx3-ubyte", 28, 1},
    };
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        struct bnn_net *net, *net2;
        load_pynq(cases[ci].w, cases[ci].dir, &net, NULL);
        char path[4200];
        snprintf(path, sizeof path, "%s/bnn-pynq/%s/%s", shared, cases[ci].dir, cases[ci].file);
        struct bnn_images imgs = {0};
        ASSERT_OK(bnn_images_append_file(&imgs, path, cases[ci].h, cases[ci].h, cases[ci].c));
        ASSERT_OK(bnn_net_save(net, test_path("pynq.json")));
        ASSERT_OK(bnn_net_load(test_path("pynq.json"), &net2));
        struct bnn_plan *a, *b, *c;
        struct bnn_plan_options of = {BNN_ENGINE_FLOAT, 1};
        ASSERT_OK(bnn_plan_create(net, NULL, &a));
        ASSERT_OK(bnn_plan_create(net, &of, &b));
        ASSERT_OK(bnn_plan_create(net2, NULL, &c));
        size_t img = (size_t)cases[ci].h * cases[ci].h * cases[ci].c;
        for (int32_t i = 0; i < imgs.n; i++) {
            struct bnn_result r;
            ASSERT_OK(bnn_plan_run(a, imgs.pixels + i * img, 1, NULL, &r));
            ASSERT_OK(bnn_plan_run(b, imgs.pixels + i * img, 1, NULL, NULL));
            ASSERT_OK(bnn_plan_run(c, imgs.pixels + i * img, 1, NULL, NULL));
            printf("  %s %s[%d]: class %d (%s)\n", cases[ci].dir, cases[ci].file, i, r.class_index,
                   net->class_names[r.class_index]);
            for (int32_t li = 0; li < net->n_layers; li++) {
                const struct bnn_layer *L = &net->layers[li];
                size_t n = (size_t)L->out.h * L->out.w * L->out.c;
                int32_t *x = malloc(n * 4), *y = malloc(n * 4), *z = malloc(n * 4);
                ASSERT_OK(bnn_plan_layer_output(a, li, x));
                ASSERT_OK(bnn_plan_layer_output(b, li, y));
                ASSERT_OK(bnn_plan_layer_output(c, li, z));
                for (size_t k = 0; k < n; k++)
                    if (x[k] != y[k] || x[k] != z[k])
                        fail_msg("%s image %d layer '%s' value %zu: ref %d, float %d, reloaded %d", cases[ci].file, i,
                                 L->name, k, x[k], y[k], z[k]);
                free(x), free(y), free(z);
            }
        }
        bnn_plan_free(a), bnn_plan_free(b), bnn_plan_free(c);
        bnn_images_free(&imgs);
        bnn_net_free(net);
        bnn_net_free(net2);
    }
}

int main(void)
{
    shared = test_shared_dir();
    if (!shared)
        printf("test-bnnpynq: ../shared/bnn-pynq not found (set BNNSIM_SHARED): the BNN-PYNQ tests are skipped\n");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cnv_deer),
        cmocka_unit_test(test_lfc_three),
        cmocka_unit_test(test_other_inputs_agree),
    };
    return cmocka_run_group_tests_name("bnn-pynq", tests, NULL, NULL);
}
