/* BNN-PYNQ networks against the reference outputs of ../shared/bnn-pynq:
 * scores, padding rows, output word, and every per-stage checksum (FNV-1a-64
 * over the canonical one-byte-per-bit form). Skips when ../shared is absent. */
#include "test-util.h"
#include "kernels/kernels.h"
#include "exec/plan-impl.h"
#include <dirent.h>

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

static int same_bytes(const char *a, const char *b, size_t *la)
{
    uint8_t *x, *y;
    size_t lb;
    if (bnn_file_read_all(a, &x, la)) return 0;
    if (bnn_file_read_all(b, &y, &lb)) { free(x); return 0; }
    int same = *la == lb && !memcmp(x, y, lb);
    free(x), free(y);
    return same;
}

/* The 2-bit sets: BNN-PYNQ's own self-test on every engine, variant and
 * thread count, the same bits at every layer as the scalar reference, and
 * the parameter files written back byte for byte. */
static void test_multibit_self_test(void **state)
{
    (void)state;
    if (!shared) { skip(); return; }
    static const struct { enum bnn_pynq_network w; const char *dir, *input; int h, c, cls, files; } nets[] = {
        {BNN_PYNQ_CNV_W1A2, "cnvW1A2-cifar10", "cnvW1A1-cifar10/deer.bin", 32, 3, 4, 178},
        {BNN_PYNQ_CNV_W2A2, "cnvW2A2-cifar10", "cnvW1A1-cifar10/deer.bin", 32, 3, 4, 100},
        {BNN_PYNQ_LFC_W1A2, "lfcW1A2-mnist", "lfcW1A1-mnist/3.image-idx3-ubyte", 28, 1, 3, 288},
    };
    for (int k = 0; k < 3; k++) {
        struct bnn_net *net;
        struct bnn_fold *fold;
        load_pynq(nets[k].w, nets[k].dir, &net, &fold);
        char path[4200];
        snprintf(path, sizeof path, "%s/bnn-pynq/%s", shared, nets[k].input);
        struct bnn_images imgs = {0};
        ASSERT_OK(bnn_images_append_file(&imgs, path, nets[k].h, nets[k].h, nets[k].c));
        int32_t *want[16] = {0};
        for (int e = 1; e <= n_engines(); e++) { /* the scalar reference first, then float and the variants */
            const char *what;
            struct bnn_plan *p = plan_for(net, e == n_engines() ? 0 : e, &what);
            if (!p) continue;
            for (int threads = 1; threads <= 2; threads++) {
                if (threads == 2) {
                    bnn_plan_free(p);
                    int n_var;
                    const struct bnn_kernel_variant *vars = bnn__kernel_variants(&n_var);
                    struct bnn_plan_options o = {e == n_engines() ? BNN_ENGINE_FLOAT : BNN_ENGINE_REF, 2};
                    if (e < n_engines()) setenv("BNNSIM_ISA", vars[e - 1].k.isa, 1);
                    ASSERT_OK(bnn_plan_create(net, &o, &p));
                    unsetenv("BNNSIM_ISA");
                    p->split_work = 0;
                }
                struct bnn_result r;
                ASSERT_OK(bnn_plan_run(p, imgs.pixels, 1, NULL, &r));
                if (r.class_index != nets[k].cls)
                    fail_msg("%s (%s, %d threads): class %d, BNN-PYNQ's self-test expects %d", nets[k].dir, what, threads,
                             r.class_index, nets[k].cls);
                for (int32_t li = 0; li < net->n_layers; li++) {
                    const struct bnn_layer *L = &net->layers[li];
                    size_t n = (size_t)L->out.h * L->out.w * L->out.c;
                    int32_t *v = malloc(n * 4);
                    ASSERT_OK(bnn_plan_layer_output(p, li, v));
                    if (!want[li]) { want[li] = v; continue; }
                    for (size_t j = 0; j < n; j++)
                        if (v[j] != want[li][j])
                            fail_msg("%s: %s, %d threads, layer '%s': value %zu is %d, scalar reference %d", nets[k].dir,
                                     what, threads, L->name, j, v[j], want[li][j]);
                    free(v);
                }
            }
            bnn_plan_free(p);
        }
        { /* the bit-plane variant, 1 and 2 threads */
            setenv("BNNSIM_PLANES", "1", 1);
            for (int threads = 1; threads <= 2; threads++) {
                struct bnn_plan_options o = {BNN_ENGINE_REF, threads};
                struct bnn_plan *p;
                ASSERT_OK(bnn_plan_create(net, &o, &p));
                p->split_work = 0;
                int used = 0;
                for (int32_t li = 0; li < net->n_layers; li++) used += p->pl[li].path == BNN_PATH_PLANES;
                if (!used) fail_msg("%s: no layer took the bit-plane path", nets[k].dir);
                struct bnn_result r;
                ASSERT_OK(bnn_plan_run(p, imgs.pixels, 1, NULL, &r));
                assert_int_equal(r.class_index, nets[k].cls);
                for (int32_t li = 0; li < net->n_layers; li++) {
                    const struct bnn_layer *L = &net->layers[li];
                    size_t n = (size_t)L->out.h * L->out.w * L->out.c;
                    int32_t *v = malloc(n * 4);
                    ASSERT_OK(bnn_plan_layer_output(p, li, v));
                    for (size_t j = 0; j < n; j++)
                        if (v[j] != want[li][j])
                            fail_msg("%s: bit planes, %d threads, layer '%s': value %zu is %d, scalar reference %d",
                                     nets[k].dir, threads, L->name, j, v[j], want[li][j]);
                    free(v);
                }
                bnn_plan_free(p);
            }
            unsetenv("BNNSIM_PLANES");
        }
        for (int32_t li = 0; li < net->n_layers; li++) free(want[li]);
        /* written back: every parameter file the same bytes */
        char out[64];
        snprintf(out, sizeof out, "mb-export-%d", k);
        ASSERT_OK(bnn_export_bnn_pynq(net, fold, test_path(out)));
        char src[4200];
        snprintf(src, sizeof src, "%s/bnn-pynq/%s", shared, nets[k].dir);
        DIR *d = opendir(src);
        int files = 0;
        for (struct dirent *e; (e = readdir(d));) {
            size_t n = strlen(e->d_name);
            if (n < 5 || strcmp(e->d_name + n - 4, ".bin")) continue;
            char a[4400], b[4400];
            size_t len;
            snprintf(a, sizeof a, "%s/%s", src, e->d_name);
            snprintf(b, sizeof b, "%s/%s", test_path(out), e->d_name);
            if (!same_bytes(a, b, &len)) fail_msg("%s: the export %s differs", a, b);
            files++;
        }
        closedir(d);
        assert_int_equal(files, nets[k].files);
        /* and read back from the export, with the config.h bnnsim wrote */
        struct bnn_net *again;
        struct bnn_fold *f2;
        ASSERT_OK(bnn_pynq_import(nets[k].w, test_path(out), &again, &f2, NULL));
        for (int32_t li = 0; li < net->n_layers; li++) {
            const struct bnn_layer *A = &net->layers[li], *B = &again->layers[li];
            if (!A->weights) continue;
            assert_int_equal(A->w_bits, B->w_bits);
            assert_int_equal(A->acc_kind, B->acc_kind);
            assert_int_equal(A->act_bias, B->act_bias);
            assert_memory_equal(A->weights, B->weights, (size_t)A->mh * A->mw);
            if (A->thresholds) assert_memory_equal(A->thresholds, B->thresholds, (size_t)A->mh * A->n_thr * 8);
        }
        bnn_net_free(again);
        bnn_fold_free(f2);
        printf("  %s: class %d on every engine and thread count, %d files written back byte for byte\n", nets[k].dir,
               nets[k].cls, files);
        bnn_images_free(&imgs);
        bnn_net_free(net);
        bnn_fold_free(fold);
    }
}

/* The 2-bit nets in both pipeline styles with their config.h folding: the
 * cycle model names cnvW2A2's slowest layer, L3 (conv3) at 115,200 cycles. */
static void test_multibit_pipelines(void **state)
{
    (void)state;
    if (!shared) { skip(); return; }
    static const struct { enum bnn_pynq_network w; const char *dir, *slow; int64_t cycles; } nets[] = {
        {BNN_PYNQ_CNV_W2A2, "cnvW2A2-cifar10", "conv3", 115200},
        {BNN_PYNQ_CNV_W1A2, "cnvW1A2-cifar10", NULL, 0},
        {BNN_PYNQ_LFC_W1A2, "lfcW1A2-mnist", NULL, 0},
    };
    for (int k = 0; k < 3; k++) {
        struct bnn_net *net;
        struct bnn_fold *fold;
        load_pynq(nets[k].w, nets[k].dir, &net, &fold);
        for (int style = 0; style < 2; style++) {
            struct bnn_hw_options o;
            bnn_hw_options_default(&o);
            o.style = style ? BNN_STYLE_PAPER : BNN_STYLE_FINN;
            if (style) o.swg = BNN_SWG_2017;
            struct bnn_hw_pipeline *p;
            ASSERT_OK(bnn_hw_build(net, fold, &o, nets[k].dir, &p));
            struct bnn_sim_options so = {.frames = 8};
            struct bnn_sim_result *r;
            ASSERT_OK(bnn_hw_simulate(p, &so, &r));
            const struct bnn_hw_node *b = &p->nodes[r->bottleneck];
            if (nets[k].slow) {
                if (b->layer < 0 || strcmp(net->layers[b->layer].name, nets[k].slow) || b->exp_cycles != nets[k].cycles)
                    fail_msg("%s (%s style): bottleneck %s (layer %s, %lld cycles), expected %s at %lld", nets[k].dir,
                             style ? "paper" : "finn", b->name, b->layer >= 0 ? net->layers[b->layer].name : "-",
                             (long long)b->exp_cycles, nets[k].slow, (long long)nets[k].cycles);
            }
            /* 2-bit lanes: an MVAU's input stream is SIMD x the producer's value bits */
            for (int32_t i = 0; i < p->n_nodes; i++) {
                const struct bnn_hw_node *n = &p->nodes[i];
                if (n->kind != BNN_HW_MVAU) continue;
                const struct bnn_layer *L = &net->layers[n->layer];
                const int32_t bits = L->in_type == BNN_VT_BITS ? 1 : bnn_value_bits(L->in_lo, L->in_hi);
                if (n->in_width != n->simd * bits)
                    fail_msg("%s: %s takes %d bits, expected SIMD %d x %d", nets[k].dir, n->name, n->in_width, n->simd, bits);
            }
            printf("  %s, %s style: %.0f FPS, bottleneck %s (%lld cycles)\n", nets[k].dir, style ? "paper" : "finn",
                   r->throughput_fps, b->name, (long long)b->exp_cycles);
            bnn_sim_result_free(r);
            bnn_hw_free(p);
        }
        bnn_net_free(net);
        bnn_fold_free(fold);
    }
}

/* Bad 2-bit files: each a clear error naming the file and the layer. */
static void test_multibit_bad_files(void **state)
{
    (void)state;
    if (!shared) { skip(); return; }
    char cmd[9000];
    const char *d = test_path("lfcW1A2-bad");
    snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s/bnn-pynq/lfcW1A2-mnist %s && chmod -R u+w %s", d, shared, d, d);
    assert_int_equal(system(cmd), 0);
    struct { const char *what, *sh, *want1, *want2; } cases[] = {
        {"thresholds not ascending", "printf '\\350\\003\\000\\000\\000\\000\\000\\000' | dd of=%s/0-0-thres.bin bs=1 seek=0 conv=notrunc status=none",
         "0-0-thres.bin: layer 0", "not ascending"},
        {"threshold INT64_MAX", "printf '\\377\\377\\377\\377\\377\\377\\377\\177' | dd of=%s/0-0-thres.bin bs=1 seek=0 conv=notrunc status=none",
         "0-0-thres.bin: layer 0", "out of range"},
        {"weight bits above SIMD x WPI", "printf '\\377' | dd of=%s/1-0-weights.bin bs=1 seek=7 conv=notrunc status=none",
         "1-0-weights.bin: entry 0", "SIMD x WPI = 32"},
        {"weight file longer than WMEM", "head -c 8 /dev/zero >> %s/2-0-weights.bin", "2-0-weights.bin", "expected at most 512"},
        {"WPI 9", "sed -i 's/#define L1_WPI 1/#define L1_WPI 9/' %s/config.h", "config.h: layer 1", "WPI=9"},
        {"SIMD x WPI over 64 bits", "sed -i 's/#define L0_WPI 1/#define L0_WPI 2/' %s/config.h", "config.h: layer 0",
         "SIMD=64 x WPI=2 = 128 bits"},
        {"API 9", "sed -i 's/#define L2_API 2/#define L2_API 9/' %s/config.h", "config.h: layer 2", "API=9"},
        {"no config.h", "rm %s/config.h", "config.h: cannot open", "WPI and API"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s/bnn-pynq/lfcW1A2-mnist %s && chmod -R u+w %s && ", d, shared, d, d);
        size_t l = strlen(cmd);
        snprintf(cmd + l, sizeof cmd - l, cases[k].sh, d);
        assert_int_equal(system(cmd), 0);
        struct bnn_net *net = NULL;
        struct bnn_fold *fold = NULL;
        enum bnn_status st = bnn_pynq_import(BNN_PYNQ_LFC_W1A2, d, &net, &fold, NULL);
        if (st == BNN_OK) fail_msg("%s: imported without an error", cases[k].what);
        const char *m = bnn_last_error();
        if (!strstr(m, cases[k].want1) || !strstr(m, cases[k].want2))
            fail_msg("%s: message '%s' lacks '%s' or '%s'", cases[k].what, m, cases[k].want1, cases[k].want2);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", d);
    assert_int_equal(system(cmd), 0);
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
        cmocka_unit_test(test_multibit_self_test),
        cmocka_unit_test(test_multibit_bad_files),
        cmocka_unit_test(test_multibit_pipelines),
    };
    return cmocka_run_group_tests_name("bnn-pynq", tests, NULL, NULL);
}
