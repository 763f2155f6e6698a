/* bnnsim train: the exported network agrees with the trainer's binarized
 * forward pass on every test image; the same seed and threads give the same
 * bits; the bundled Fashion-MNIST networks reach their accuracy goals and
 * are reproduced by their recorded command; Ctrl-C leaves nothing. */
#include "test-util.h"
#include <jansson.h>
#include <signal.h>
#include <sys/wait.h>

char *openblas_get_corename(void);

static const char *fmnist(void)
{
    const char *env = getenv("BNNSIM_FMNIST");
    static char d[4096];
    snprintf(d, sizeof d, "%s", env && *env ? env : "/usr/share/datasets/fashion-mnist");
    char p[4200];
    snprintf(p, sizeof p, "%s/train-images-idx3-ubyte.gz", d);
    return access(p, R_OK) == 0 ? d : NULL;
}

static void load(const char *dir, const char *split, struct bnn_images *imgs)
{
    char ip[4200], lp[4200];
    snprintf(ip, sizeof ip, "%s/%s-images-idx3-ubyte.gz", dir, split);
    snprintf(lp, sizeof lp, "%s/%s-labels-idx1-ubyte.gz", dir, split);
    ASSERT_OK(bnn_images_append_file(imgs, ip, 28, 28, 1));
    ASSERT_OK(bnn_images_set_labels(imgs, lp, 0, imgs->n));
}

static struct bnn_images train_set, test_set;

static int setup(void **state)
{
    (void)state;
    const char *d = fmnist();
    if (d) {
        load(d, "train", &train_set);
        load(d, "t10k", &test_set);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bnn_images_free(&train_set);
    bnn_images_free(&test_set);
    return 0;
}

#define NEED_DATA()                                                                                            \
    do {                                                                                                       \
        if (!train_set.n) {                                                                                    \
            printf("  skipped: no Fashion-MNIST in /usr/share/datasets (apt-get install dataset-fashion-mnist, " \
                   "or make deps)\n");                                                                         \
            return;                                                                                            \
        }                                                                                                      \
    } while (0)

/* classes of every test image on an engine */
static void run_net(const struct bnn_net *net, enum bnn_engine e, int32_t *classes)
{
    struct bnn_plan *p;
    struct bnn_plan_options o = {e, 2};
    ASSERT_OK(bnn_plan_create(net, &o, &p));
    struct bnn_result *r = malloc((size_t)test_set.n * sizeof *r);
    ASSERT_OK(bnn_plan_run(p, test_set.pixels, test_set.n, NULL, r));
    for (int32_t i = 0; i < test_set.n; i++) classes[i] = r[i].class_index;
    free(r);
    bnn_plan_free(p);
}

static void agree_on_test_set(int input_fixed)
{
    struct bnn_train_options o;
    bnn_train_options_default(&o);
    ASSERT_OK(bnn_train_topology("tfc", &o));
    o.input_fixed = input_fixed;
    o.epochs = 1;
    o.limit = 8000;
    o.val = 1000;
    o.threads = 2;
    struct bnn_mlp *m;
    ASSERT_OK(bnn_mlp_train(&train_set, &o, &m, NULL, NULL));
    int32_t *mine = malloc(test_set.n * sizeof *mine), *ref = malloc(test_set.n * sizeof *ref),
            *flt = malloc(test_set.n * sizeof *flt);
    ASSERT_OK(bnn_mlp_predict(m, test_set.pixels, test_set.n, mine));
    struct bnn_net *net;
    ASSERT_OK(bnn_mlp_export(m, "tfc-test", NULL, NULL, &net));
    run_net(net, BNN_ENGINE_REF, ref);
    run_net(net, BNN_ENGINE_FLOAT, flt);
    int32_t correct = 0;
    for (int32_t i = 0; i < test_set.n; i++) {
        if (ref[i] != mine[i] || flt[i] != mine[i])
            fail_msg("test image %d: trainer %d, bnnsim ref %d, float %d", i, mine[i], ref[i], flt[i]);
        correct += mine[i] == test_set.labels[i];
    }
    /* one short epoch still learns something: far above chance */
    assert_true(correct > 5000);
    /* a negative BN slope must have negated some rows: thresholds on both sides of MW/2 */
    printf("  %s input: trainer and exported network agree on all %d test images (%.1f %%)\n",
           input_fixed ? "fixed-point" : "binary", test_set.n, 100.0 * correct / test_set.n);
    free(mine), free(ref), free(flt);
    bnn_net_free(net);
    bnn_mlp_free(m);
}

static void test_export_agrees_with_trainer(void **state)
{
    (void)state;
    NEED_DATA();
    agree_on_test_set(1);
    agree_on_test_set(0);
}

static void train_small(uint64_t seed, struct bnn_net **net)
{
    struct bnn_train_options o;
    bnn_train_options_default(&o);
    ASSERT_OK(bnn_train_topology("tfc", &o));
    o.epochs = 2;
    o.limit = 4000;
    o.val = 500;
    o.threads = 1;
    o.seed = seed;
    struct bnn_mlp *m;
    ASSERT_OK(bnn_mlp_train(&train_set, &o, &m, NULL, NULL));
    ASSERT_OK(bnn_mlp_export(m, "small", NULL, NULL, net));
    bnn_mlp_free(m);
}

static int same_net(const struct bnn_net *a, const struct bnn_net *b)
{
    for (int32_t i = 0; i < a->n_layers; i++) {
        const struct bnn_layer *x = &a->layers[i], *y = &b->layers[i];
        if (x->weights && memcmp(x->weights, y->weights, (size_t)x->mh * x->mw)) return 0;
        if (x->thresholds && memcmp(x->thresholds, y->thresholds, (size_t)x->mh * x->n_thr * sizeof(int64_t))) return 0;
    }
    return 1;
}

static void test_deterministic(void **state)
{
    (void)state;
    NEED_DATA();
    struct bnn_net *a, *b, *c;
    train_small(7, &a);
    train_small(7, &b);
    train_small(8, &c);
    assert_true(same_net(a, b));
    assert_false(same_net(a, c)); /* the seed matters */
    bnn_net_free(a), bnn_net_free(b), bnn_net_free(c);
}

static double accuracy(const struct bnn_net *net)
{
    int32_t *cl = malloc(test_set.n * sizeof *cl), ok = 0;
    run_net(net, BNN_ENGINE_REF, cl);
    for (int32_t i = 0; i < test_set.n; i++) ok += cl[i] == test_set.labels[i];
    free(cl);
    return (double)ok / test_set.n;
}

/* The bundled networks: their goals on the whole test set, and TFC's recorded
 * command reproduces it bit for bit (on the OpenBLAS kernel it was made with). */
static void test_bundled_trained(void **state)
{
    (void)state;
    NEED_DATA();
    const char *names[] = {"tfc", "sfc", "lfc"};
    const double goal[] = {0.83, 0.85, 0.88};
    struct bnn_net *nets[3];
    for (int i = 0; i < 3; i++) {
        char p[64];
        snprintf(p, sizeof p, "data/%s-fmnist.json", names[i]);
        ASSERT_OK(bnn_net_load(p, &nets[i]));
        double a = accuracy(nets[i]);
        printf("  %s: Fashion-MNIST test accuracy %.2f %% (goal %.0f %%)\n", p, 100 * a, 100 * goal[i]);
        assert_true(a >= goal[i]);
        assert_non_null(strstr(nets[i]->description, "trained by bnnsim train"));
    }
    struct bnn_train_options o;
    bnn_train_options_default(&o);
    ASSERT_OK(bnn_train_topology("tfc", &o));
    o.epochs = 20, o.seed = 1, o.threads = 2; /* as `make trained` */
    struct bnn_mlp *m;
    struct bnn_net *again;
    ASSERT_OK(bnn_mlp_train(&train_set, &o, &m, NULL, NULL));
    ASSERT_OK(bnn_mlp_export(m, "tfc-fmnist", NULL, NULL, &again));
    char core[96];
    snprintf(core, sizeof core, "(OpenBLAS %s)", openblas_get_corename());
    if (strstr(nets[0]->description, core)) {
        assert_true(same_net(nets[0], again));
        printf("  make trained's TFC command reproduces data/tfc-fmnist bit for bit (%s)\n", core);
    } else {
        /* another sgemm kernel sums in another order: the same training, other bits */
        double a = accuracy(again), b = accuracy(nets[0]);
        printf("  OpenBLAS kernel %s differs from the bundled file's; retrained TFC %.2f %% vs %.2f %%\n",
               openblas_get_corename(), 100 * a, 100 * b);
        assert_true(a > b - 0.01 && a < b + 0.01);
    }
    bnn_mlp_free(m);
    bnn_net_free(again);
    for (int i = 0; i < 3; i++) bnn_net_free(nets[i]);
}

static void test_cli_train(void **state)
{
    (void)state;
    NEED_DATA();
    const char *bin = getenv("BNNSIM_BIN");
    if (!bin) {
        printf("  skipped: BNNSIM_BIN not set\n");
        return;
    }
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "%s train --topology tfc --epochs 1 --limit 3000 --val 500 --json -o %s > %s", bin,
             test_path("t.json"), test_path("summary.json"));
    assert_int_equal(system(cmd), 0);
    assert_true(test_exists(test_path("t.npz")));
    json_error_t je;
    json_t *doc = json_load_file(test_path("summary.json"), 0, &je);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "agree_with_trainer")), 10000);
    assert_true(json_real_value(json_object_get(doc, "test_accuracy")) > 0.5);
    assert_int_equal(json_array_size(json_object_get(doc, "per_epoch")), 1);
    json_decref(doc);
    /* the shape of an existing network */
    snprintf(cmd, sizeof cmd, "%s train --topology data/tfc-fmnist.json --epochs 1 --limit 2000 --val 200 -q -o %s > /dev/null",
             bin, test_path("shape.json"));
    assert_int_equal(system(cmd), 0);
    struct bnn_net *shaped;
    ASSERT_OK(bnn_net_load(test_path("shape.json"), &shaped));
    assert_int_equal(shaped->n_layers, 6);
    assert_int_equal(shaped->layers[2].mh, 64);
    assert_string_equal(shaped->class_names[9], "Ankle boot");
    bnn_net_free(shaped);
    /* Ctrl-C: exit 130 and no file, no debris */
    char abs[4096];
    assert_non_null(realpath(bin, abs));
    snprintf(cmd, sizeof cmd,
             "cd %s && mkdir -p stop && cd stop && (%s train --topology lfc --epochs 1 -q -o stopped.json & p=$!; sleep 3; "
             "kill -INT $p; wait $p; echo $? > ../rc)", test_tmpdir(), abs);
    assert_int_equal(system(cmd), 0);
    uint8_t *rc;
    size_t len;
    ASSERT_OK(bnn_file_read_all(test_path("rc"), &rc, &len));
    assert_int_equal(atoi((char *)rc), 130);
    free(rc);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s/stop)\"", test_tmpdir());
    assert_int_equal(system(cmd), 0);
    /* labels outside the classes: an error naming the image */
    int32_t *lab = malloc(400 * sizeof *lab);
    for (int i = 0; i < 400; i++) lab[i] = train_set.labels[i];
    lab[123] = 12;
    struct bnn_images bad = {.n = 400, .h = 28, .w = 28, .c = 1, .pixels = train_set.pixels, .labels = lab};
    struct bnn_train_options o;
    bnn_train_options_default(&o);
    ASSERT_OK(bnn_train_topology("tfc", &o));
    o.val = 100;
    struct bnn_mlp *m;
    ASSERT_ERR(bnn_mlp_train(&bad, &o, &m, NULL, NULL), "image 123 has label 12");
    free(lab);
    snprintf(cmd, sizeof cmd, "%s train --topology tfc --topology nope -o %s 2>/dev/null", bin, test_path("x.json"));
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_agrees_with_trainer),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_bundled_trained),
        cmocka_unit_test(test_cli_train),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
