/* One fuzz target per loader: the bytes become the file the loader reads
 * (or its in-memory parser's input). libFuzzer drives them (fuzz-main.c,
 * `make fuzz`); tests/test-fuzz.c replays the regression corpus and the seeds
 * through them in every `make check`. A target returns 0 whatever the input
 * is: a crash, a sanitizer report or a hang is the finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bnnsim/bnnsim.h"
#include "fuzz/targets.h"

static char dir[256];
static struct bnn_net *cnv, *tfc, *lfc;

static void write_file(const char *path, const uint8_t *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (n && fwrite(d, 1, n, f) != n) abort();
    fclose(f);
}

static const char *at(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void copy(const char *from, const char *to)
{
    uint8_t *b;
    size_t n;
    if (bnn_file_read_all(from, &b, &n)) abort();
    write_file(at(to), b, n);
    free(b);
}

/* A work directory with the valid files the targets need beside the fuzzed one. */
int fuzz_init(const char *data_dir)
{
    if (dir[0]) return 0;
    snprintf(dir, sizeof dir, "/tmp/bnnsim-fuzz-%ld", (long)getpid());
    mkdir(dir, 0777);
    char p[512];
    snprintf(p, sizeof p, "%s/cnv.json", data_dir);
    if (bnn_net_load(p, &cnv)) return fprintf(stderr, "fuzz: %s\n", bnn_last_error()), 1;
    snprintf(p, sizeof p, "%s/tfc.json", data_dir);
    if (bnn_net_load(p, &tfc)) return fprintf(stderr, "fuzz: %s\n", bnn_last_error()), 1;
    snprintf(p, sizeof p, "%s/tfc.npz", data_dir);
    copy(p, "net.npz");    /* beside a fuzzed net.json */
    snprintf(p, sizeof p, "%s/tfc.json", data_dir);
    { /* fixed.json: tfc.json naming fixed.npz, the fuzzed tensor file */
        uint8_t *b;
        size_t n;
        if (bnn_file_read_all(p, &b, &n)) abort();
        char *t = malloc(n + 16), *hit;
        memcpy(t, b, n);
        t[n] = 0;
        free(b);
        if (!(hit = strstr(t, "\"tfc.npz\""))) abort();
        char *out = malloc(n + 32);
        size_t a = (size_t)(hit - t);
        memcpy(out, t, a);
        strcpy(out + a, "\"fixed.npz\"");
        strcat(out, hit + strlen("\"tfc.npz\""));
        write_file(at("fixed.json"), (const uint8_t *)out, strlen(out));
        free(out), free(t);
    }
    /* BNN-PYNQ's LFC files, SIMD 64 so that they stay small */
    struct bnn_gen_options g = {BNN_TOPO_LFC, 1, 48, 64}; /* BNN-PYNQ's 64 output rows */
    struct bnn_fold *f;
    if (bnn_net_generate(&g, &lfc) || bnn_fold_new(lfc, &f)) return fprintf(stderr, "fuzz: %s\n", bnn_last_error()), 1;
    for (int32_t j = 0; j < f->n; j++) f->layers[j].simd = 64, f->layers[j].defaulted = 0;
    if (bnn_export_bnn_pynq(lfc, f, at("pynq"))) return fprintf(stderr, "fuzz: %s\n", bnn_last_error()), 1;
    bnn_fold_free(f);
    return 0;
}

static int t_net_json(const uint8_t *d, size_t n)
{
    write_file(at("net.json"), d, n);
    struct bnn_net *net;
    if (!bnn_net_load(at("net.json"), &net)) bnn_net_free(net);
    return 0;
}

static int t_npz(const uint8_t *d, size_t n)
{
    write_file(at("fixed.npz"), d, n);
    struct bnn_net *net;
    if (!bnn_net_load(at("fixed.json"), &net)) bnn_net_free(net);
    return 0;
}

static int images(const uint8_t *d, size_t n, const char *name, int32_t h, int32_t w, int32_t c)
{
    write_file(at(name), d, n);
    for (int lay = BNN_LAYOUT_AUTO; lay <= BNN_LAYOUT_NCHW; lay++) {
        struct bnn_images im = {.layout = (enum bnn_layout)lay};
        bnn_images_append_file(&im, at(name), h, w, c);
        bnn_images_free(&im);
    }
    return 0;
}

/* labels for a set of 4 images, read from the file at `name` */
static void labels(const char *name)
{
    struct bnn_images im = {0};
    static uint8_t px[784 * 4];
    im.n = 4, im.h = im.w = 28, im.c = 1;
    im.pixels = px;
    int32_t lab[4];
    im.labels = lab;
    bnn_images_set_labels(&im, at(name), 0, 4);
}

/* the parser, then the same bytes as images of two shapes and as labels */
static int t_npy(const uint8_t *d, size_t n)
{
    struct bnn_array a;
    if (!bnn_npy_parse(d, n, "fuzz.npy", &a)) bnn_array_free(&a);
    images(d, n, "x.npy", 28, 28, 1);
    images(d, n, "x.npy", 4, 2, 3);
    labels("x.npy");
    return 0;
}

static int t_idx(const uint8_t *d, size_t n)
{
    images(d, n, "x.idx3-ubyte", 28, 28, 1);
    labels("x.idx3-ubyte"); /* and as labels for an image set */
    return 0;
}

static int t_cifar(const uint8_t *d, size_t n) { return images(d, n, "x.bin", 32, 32, 3); }
static int t_image(const uint8_t *d, size_t n) { return images(d, n, "x.png", 32, 32, 3); }

/* strict, then as --lenient reads it (entries naming no node dropped with a warning) */
static int t_fold_json(const uint8_t *d, size_t n)
{
    write_file(at("fold.json"), d, n);
    for (int lenient = 0; lenient < 2; lenient++) {
        struct bnn_fold *f;
        struct bnn_warnings w = {0};
        if (!bnn_fold_load_ex(at("fold.json"), cnv, lenient, &w, &f)) {
            struct bnn_hw_options o;
            bnn_hw_options_default(&o);
            struct bnn_hw_pipeline *p;
            if (!bnn_hw_build(cnv, f, &o, "fuzz", &p)) bnn_hw_free(p);
            bnn_fold_free(f);
        }
        bnn_warnings_free(&w);
    }
    return 0;
}

static int t_config_h(const uint8_t *d, size_t n)
{
    write_file(at("config.h"), d, n);
    struct bnn_fold *f;
    if (!bnn_fold_load(at("config.h"), cnv, &f)) bnn_fold_free(f);
    return 0;
}

static int t_device(const uint8_t *d, size_t n)
{
    write_file(at("device.json"), d, n);
    struct bnn_device dev;
    bnn_device_load(at("device.json"), &dev);
    return 0;
}

/* the first byte picks which of the exported TFC's files the rest replaces */
static int t_bnn_pynq(const uint8_t *d, size_t n)
{
    if (n < 1) return 0;
    static const char *const files[] = {"0-0-weights.bin", "0-0-thres.bin", "1-0-weights.bin", "2-0-thres.bin",
                                        "3-0-weights.bin", "config.h", "classes.txt"};
    const int k = d[0] % (int)(sizeof files / sizeof files[0]);
    char p[600], keep[700];
    snprintf(p, sizeof p, "%s/%s", at("pynq"), files[k]);
    snprintf(keep, sizeof keep, "%s.orig", p);
    rename(p, keep);
    write_file(p, d + 1, n - 1);
    struct bnn_net *net;
    struct bnn_fold *f;
    struct bnn_warnings w = {0};
    if (!bnn_pynq_import(BNN_PYNQ_LFC_W1A1, at("pynq"), &net, &f, &w)) bnn_net_free(net), bnn_fold_free(f);
    bnn_warnings_free(&w);
    rename(keep, p);
    return 0;
}

static int t_onnx(const uint8_t *d, size_t n)
{
    write_file(at("model.onnx"), d, n);
    struct bnn_net *net;
    struct bnn_fold *f;
    struct bnn_warnings w = {0};
    if (!bnn_onnx_import(at("model.onnx"), NULL, &net, &f, &w)) {
        struct bnn_plan *p;
        struct bnn_plan_options o = {BNN_ENGINE_REF, 1};
        if (!bnn_plan_create(net, &o, &p)) bnn_plan_free(p);
        bnn_net_free(net);
        bnn_fold_free(f);
    }
    bnn_warnings_free(&w);
    return 0;
}

const struct fuzz_target fuzz_targets[] = {
    {"net-json", t_net_json, "*.json"},      {"npz", t_npz, "*.npz"},
    {"npy", t_npy, ""},                      {"idx", t_idx, "samples/*.idx3-ubyte"},
    {"cifar", t_cifar, "samples/*.bin"},     {"image", t_image, "samples/*.png"},
    {"fold-json", t_fold_json, "*.fold.json"}, {"config-h", t_config_h, ""},
    {"device", t_device, "devices/*.json"},  {"bnn-pynq", t_bnn_pynq, ""},
    {"onnx", t_onnx, ""},                    {NULL, NULL, NULL},
};

const struct fuzz_target *fuzz_find(const char *name)
{
    for (const struct fuzz_target *t = fuzz_targets; t->name; t++)
        if (!strcmp(t->name, name)) return t;
    return NULL;
}

void fuzz_fini(void)
{
    char cmd[300];
    if (!dir[0]) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) return;
}
