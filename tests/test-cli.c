/* The CLI end to end: help and JSON output, and a corpus of bad inputs, each
 * of which must give one clear line naming the file and field, a non-zero
 * exit, no crash, and no output file left behind. */
#include <jansson.h>
#include <math.h>
#include <sys/wait.h>
#include <zlib.h>

#include "test-util.h"

static const char *bin;
static char *base_json; /* text of a valid network */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

/* Runs `bin ARGS`, returns the exit status; output (stdout+stderr) in out. */
static int run(char *out, size_t cap, const char *fmt, ...)
{
    char args[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return test_sh(out, cap, "%s %s", bin, args);
}

/* Writes base_json with `from` replaced by `to` (first occurrence) to NAME. */
static const char *mutate(const char *name, const char *from, const char *to)
{
    const char *at = strstr(base_json, from);
    if (!at) fail_msg("mutation '%s' not found in the base network", from);
    size_t a = (size_t)(at - base_json), len = strlen(base_json);
    char *s = malloc(len + strlen(to) + 1);
    memcpy(s, base_json, a);
    strcpy(s + a, to);
    strcat(s, at + strlen(from));
    const char *p = test_path(name);
    test_write(p, s, strlen(s));
    free(s);
    return p;
}

static void expect_error(const char *what, int status, const char *out, const char *substr, int want_status)
{
    if (status == 0) fail_msg("%s: exit 0, expected failure; output: %s", what, out);
    if (want_status && status != want_status) fail_msg("%s: exit %d, expected %d: %s", what, status, want_status, out);
    const char *nl = strchr(out, '\n');
    if (!nl || nl[1]) fail_msg("%s: expected exactly one line of output, got: %s", what, out);
    if (strncmp(out, "bnnsim: ", 8) != 0) fail_msg("%s: message does not start with 'bnnsim: ': %s", what, out);
    if (!strstr(out, substr)) fail_msg("%s: message lacks '%s': %s", what, substr, out);
}

static int cases_run;

/* A network case: the JSON at `json` with the digits sample. */
static void net_case(const char *what, const char *json, const char *substr)
{
    char out[8192];
    const char *res = test_path("result.json");
    remove(res);
    int st = run(out, sizeof out, "run --net %s --input data/samples/digits.idx3-ubyte --json -o %s", json, res);
    expect_error(what, st, out, substr, 1);
    if (test_exists(res)) fail_msg("%s: output file %s was left behind", what, res);
    cases_run++;
}

static void input_case(const char *what, const char *input, const char *substr)
{
    char out[8192];
    const char *res = test_path("result.json");
    remove(res);
    int st = run(out, sizeof out, "--net %s --input %s --json -o %s", test_path("base.json"), input, res);
    expect_error(what, st, out, substr, 1);
    if (test_exists(res)) fail_msg("%s: output file %s was left behind", what, res);
    cases_run++;
}

static void fold_case(const char *what, const char *fold_text, const char *substr)
{
    char out[8192];
    const char *f = test_path("fold.json");
    test_write(f, fold_text, strlen(fold_text));
    int st = run(out, sizeof out, "--net %s --fold %s --input data/samples/digits.idx3-ubyte", test_path("base.json"), f);
    expect_error(what, st, out, substr, 1);
    cases_run++;
}

static void write_npz_with(const char *name, const char *tensor, struct bnn_array *bad)
{
    /* the base tensors, with one replaced */
    if (test_npz_replacing(test_path("base.json"), test_path(name), tensor, bad)) fail_msg("%s: %s", name, bnn_last_error());
}

static void test_bad_networks(void **state)
{
    (void)state;
    net_case("malformed JSON", mutate("m1.json", "\"layers\"", "\"layers\" ["), "JSON syntax error");
    test_write(test_path("m2.json"), "[1, 2]", 6);
    net_case("top level not an object", test_path("m2.json"), "top level must be a JSON object");
    net_case("unknown top-level key", mutate("m3.json", "\"name\"", "\"nmae\": 1, \"name\""), "nmae: unknown key");
    const char *nolayers = "{\"format\": \"bnnsim-net\", \"version\": 1, \"name\": \"x\", \"classes\": [\"a\"]}";
    test_write(test_path("m4.json"), nolayers, strlen(nolayers));
    net_case("missing layers", test_path("m4.json"), "layers: must be an array");
    net_case("unknown layer type", mutate("m5.json", "\"type\": \"fc\"", "\"type\": \"fcc\""), "unknown layer type \"fcc\"");
    net_case("unknown layer key", mutate("m6.json", "\"out_features\": 256", "\"out_features\": 256, \"bogus\": 1"),
             "layers[1] 'fc0'.bogus: unknown key");
    net_case("string for integer", mutate("m7.json", "\"out_features\": 256", "\"out_features\": \"256\""),
             "out_features: must be an integer");
    net_case("missing tensor", mutate("m8.json", "\"fc1.W\"", "\"fc9.W\""), "tensor 'fc9.W' not found");
    net_case("wrong weight shape", mutate("m9.json", "\"out_features\": 256", "\"out_features\": 128"),
             "tensor 'fc0.W' has shape (256, 832), expected (128, 832)");
    net_case("threshold out of range", mutate("m10.json", "\"threshold_bits\": ", "\"threshold_bits\": 3, \"x\": "),
             "unknown key");
    {
        const char *at = strstr(base_json, "\"threshold_bits\": ");
        char from[64];
        snprintf(from, sizeof from, "%.*s", (int)(strchr(at, '\n') - at), at);
        net_case("threshold out of range", mutate("m11.json", from, "\"threshold_bits\": 3"), "out of range for threshold_bits 3");
    }
    net_case("more classes than rows", mutate("m12.json", "\"classes\": [", "\"classes\": [\"x\", "),
             "11 class names but the last layer 'fc3' has only 10 rows");
    net_case("npz missing", mutate("m13.json", "\"tensors\": \"base.npz\"", "\"tensors\": \"nope.npz\""), "nope.npz: cannot read");
    {
        char *npz = read_text(test_path("base.npz"));
        struct stat sb;
        stat(test_path("base.npz"), &sb);
        test_write(test_path("trunc.npz"), npz, (size_t)sb.st_size / 2);
        net_case("truncated npz", mutate("m14.json", "\"tensors\": \"base.npz\"", "\"tensors\": \"trunc.npz\""),
                 "trunc.npz: cannot read as .npz");
        for (long k = sb.st_size / 4; k < sb.st_size / 4 + 64; k++) npz[k] ^= 0x5a;
        test_write(test_path("flip.npz"), npz, (size_t)sb.st_size);
        net_case("corrupt npz member", mutate("m15.json", "\"tensors\": \"base.npz\"", "\"tensors\": \"flip.npz\""),
                 "flip.npz");
        free(npz);
    }
    net_case("wrong format tag", mutate("m16.json", "\"bnnsim-net\"", "\"bnnsim-nat\""), "format: must be \"bnnsim-net\"");
    net_case("labelselect k out of range", mutate("m17.json", "\"k\": 1", "\"k\": 20"), "k: 20 out of range");
    net_case("binarize threshold out of range", mutate("m18.json", "\"binarize_threshold\": 128", "\"binarize_threshold\": 300"),
             "binarize_threshold: 300 out of range");
    net_case("duplicate key", mutate("m19.json", "\"name\"", "\"version\": 1, \"name\""), "duplicate");
    {
        uint8_t *w = calloc(256 * 832, 1);
        w[5 * 832 + 7] = 2;
        struct bnn_array a = {BNN_DT_U8, 2, {256, 832}, 256 * 832, w};
        write_npz_with("w2.npz", "fc0.W", &a);
        net_case("weight value 2", mutate("m20.json", "\"tensors\": \"base.npz\"", "\"tensors\": \"w2.npz\""),
                 "element 4167 (row 5, column 7) is 2");
        float *fw = calloc(256 * 832, sizeof(float));
        struct bnn_array f = {BNN_DT_F32, 2, {256, 832}, 256 * 832, fw};
        write_npz_with("wf.npz", "fc0.W", &f);
        net_case("float weights", mutate("m21.json", "\"tensors\": \"base.npz\"", "\"tensors\": \"wf.npz\""),
                 "tensor 'fc0.W' is float32");
        struct bnn_array t = {BNN_DT_F32, 1, {256}, 256, fw};
        write_npz_with("tf.npz", "fc0.T", &t);
        net_case("float thresholds", mutate("m22.json", "\"tensors\": \"base.npz\"", "\"tensors\": \"tf.npz\""),
                 "tensor 'fc0.T' must hold integers");
        int64_t *th = calloc(100, 8);
        struct bnn_array ts = {BNN_DT_I64, 1, {100}, 100, th};
        write_npz_with("ts.npz", "fc1.T", &ts);
        net_case("threshold shape", mutate("m23.json", "\"tensors\": \"base.npz\"", "\"tensors\": \"ts.npz\""),
                 "tensor 'fc1.T' must have shape (256,)");
        free(w), free(fw), free(th);
    }
    net_case("missing net file", test_path("does-not-exist.json"), "does-not-exist.json: cannot read");
    printf("  %d bad-network cases\n", cases_run);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    static const uint8_t png_head[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 1, 2, 3};
    test_write(test_path("bad.png"), png_head, sizeof png_head);
    input_case("corrupt PNG", test_path("bad.png"), "bad.png: cannot decode image");
    uint8_t idx[16 + 784 * 2] = {0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28};
    test_write(test_path("short.idx"), idx, sizeof idx);
    input_case("truncated IDX", test_path("short.idx"), "short.idx: truncated IDX data: header says 10 images");
    uint8_t *rec = calloc(3073 * 2, 1);
    test_write(test_path("short.bin"), rec, 3073 * 2 - 5);
    input_case("truncated CIFAR record", test_path("short.bin"), "short.bin: CIFAR-10 file size 6141 is not a multiple");
    free(rec);
    uint8_t idx2[16 + 784] = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 32, 0, 0, 0, 24};
    test_write(test_path("wrong.idx"), idx2, sizeof idx2);
    input_case("IDX of the wrong size", test_path("wrong.idx"), "IDX images are 32x24x1 but the network takes 28x28x1");
    struct bnn_array a = {BNN_DT_U8, 3, {2, 20, 20}, 800, calloc(800, 1)};
    ASSERT_OK(bnn_npy_write(test_path("small.npy"), &a));
    free(a.data);
    input_case("npy of the wrong shape", test_path("small.npy"), "uint8 array of shape (2, 20, 20) is not");
    /* a gzip stream cut short */
    gzFile g = gzopen(test_path("full.gz"), "wb");
    uint8_t big[16 + 784 * 20] = {0, 0, 8, 3, 0, 0, 0, 20, 0, 0, 0, 28, 0, 0, 0, 28};
    for (size_t k = 16; k < sizeof big; k++) big[k] = (uint8_t)(k * 2654435761u >> 13);
    gzwrite(g, big, sizeof big);
    gzclose(g);
    char *gz = read_text(test_path("full.gz"));
    struct stat sb;
    stat(test_path("full.gz"), &sb);
    test_write(test_path("cut.gz"), gz, (size_t)sb.st_size / 2);
    free(gz);
    input_case("truncated gzip IDX", test_path("cut.gz"), "cut.gz");
    test_write(test_path("notes.txt"), "hello\n", 6);
    input_case("unknown format", test_path("notes.txt"), "notes.txt: unknown input format");
    input_case("missing input", test_path("nope.idx"), "nope.idx: cannot open");
}

static void test_bad_folds(void **state)
{
    (void)state;
    fold_case("PE does not divide", "{\"MVAU_hls_0\": {\"PE\": 7, \"SIMD\": 64}}", "MVAU_hls_0 (layer 'fc0'): PE=7 does not divide MH=256");
    fold_case("SIMD does not divide", "{\"MVAU_hls_1\": {\"PE\": 1, \"SIMD\": 100}}", "SIMD=100 does not divide MW=256");
    fold_case("typo in node name", "{\"MVA_hls_3\": {\"PE\": 2}}", "\"MVA_hls_3\": unknown node name");
    fold_case("SIMD < 1", "{\"MVAU_hls_2\": {\"SIMD\": 0}}", "MVAU_hls_2.SIMD: must be an integer >= 1");
    fold_case("unknown key", "{\"MVAU_hls_2\": {\"PEE\": 4}}", "MVAU_hls_2.PEE: unknown key");
    fold_case("node beyond the net", "{\"MVAU_hls_9\": {\"PE\": 1}}", "only 4 matrix layers");
    fold_case("malformed", "{\"MVAU_hls_0\": ", "JSON syntax error");
}

static void test_import_failures_leave_nothing(void **state)
{
    (void)state;
    char out[8192];
    char o[4200];
    snprintf(o, sizeof o, "%s", test_path("imp.json"));
    int st = run(out, sizeof out, "import bnn-pynq --network lfcW1A1 %s -o %s", test_path("no-such-dir"), o);
    expect_error("import from a missing dir", st, out, "classes.txt: cannot open", 1);
    mkdir(test_path("fake"), 0777);
    test_write(test_path("fake/classes.txt"), "0\n1\n", 4);
    test_write(test_path("fake/0-0-weights.bin"), "1234567", 7);
    st = run(out, sizeof out, "import bnn-pynq --network lfcW1A1 %s -o %s", test_path("fake"), o);
    expect_error("import a truncated weight file", st, out, "0-0-weights.bin: size 7 is not a whole number", 1);
    if (test_exists(o) || test_exists(test_path("imp.npz")) || test_exists(test_path("imp.fold.json")))
        fail_msg("a failed import left files behind");
    st = run(out, sizeof out, "import bnn-pynq --network vggW1A1 %s -o %s", test_path("fake"), o);
    expect_error("unknown network", st, out, "unknown BNN-PYNQ network 'vggW1A1'", 2);
    st = run(out, sizeof out, "run --net data/sfc.json --input data/samples/digits.idx3-ubyte --bogus");
    expect_error("unknown option", st, out, "unknown option '--bogus'", 2);
    st = run(out, sizeof out, "run --input data/samples/digits.idx3-ubyte");
    expect_error("missing --net", st, out, "--net is required", 2);
}

static void test_help_and_json(void **state)
{
    (void)state;
    static char out[1 << 20];
    assert_int_equal(run(out, sizeof out, "--help"), 0);
    assert_non_null(strstr(out, "Usage:"));
    assert_int_equal(run(out, sizeof out, "run --help"), 0);
    assert_non_null(strstr(out, "--engine"));
    assert_int_equal(run(out, sizeof out, "--version"), 0);
    assert_non_null(strstr(out, BNNSIM_VERSION));
    for (int e = 0; e < 2; e++) {
        int st = run(out, sizeof out, "--net data/cnv.json --fold data/cnv-fix.fold.json --engine %s --json --input "
                     "data/samples/shapes.cifar10.bin data/samples/stripes.png", e ? "float" : "ref");
        if (st) fail_msg("run failed: %s", out);
        json_error_t je;
        json_t *doc = json_loads(out, 0, &je);
        if (!doc) fail_msg("--json output does not parse: %s", je.text);
        json_t *imgs = json_object_get(doc, "images");
        assert_int_equal(json_array_size(imgs), 5);
        for (size_t i = 0; i < 5; i++) {
            json_t *im = json_array_get(imgs, i);
            assert_true(json_is_integer(json_object_get(im, "class")));
            assert_int_equal(json_array_size(json_object_get(im, "scores")), 10);
        }
        json_t *fold = json_object_get(doc, "fold");
        assert_int_equal(json_integer_value(json_object_get(fold, "max_cycles")), 16384);
        json_decref(doc);
    }
    /* the image lines are written by hand: a file name that needs escaping, an image with a label */
    char odd[4200];
    snprintf(odd, sizeof odd, "%s/we\\ird \"name\".bin", test_tmpdir());
    uint8_t *rec;
    size_t rl;
    ASSERT_OK(bnn_file_read_all("data/samples/shapes.cifar10.bin", &rec, &rl));
    test_write(odd, rec, rl);
    free(rec);
    char q[8400];
    snprintf(q, sizeof q, "'%s'", odd);
    assert_int_equal(run(out, sizeof out, "--net data/cnv.json --json --input %s", q), 0);
    json_error_t je2;
    json_t *d2 = json_loads(out, 0, &je2);
    if (!d2) fail_msg("--json output with an escaped name does not parse: %s", je2.text);
    json_t *im0 = json_array_get(json_object_get(d2, "images"), 0);
    assert_string_equal(json_string_value(json_object_get(im0, "file")), odd);
    assert_true(json_is_integer(json_object_get(im0, "label")));
    assert_int_equal(json_array_size(json_object_get(im0, "top")), 1);
    json_decref(d2);
    /* -o writes the same document; --dump writes one .npy per layer */
    const char *res = test_path("ok.json");
    assert_int_equal(run(out, sizeof out, "--net data/lfc.json --input data/samples/digits.idx3-ubyte --json -o %s --dump %s",
                         res, test_path("dump")), 0);
    assert_true(test_exists(res));
    struct bnn_array a;
    ASSERT_OK(bnn_npy_read(test_path("dump/01-fc0.npy"), &a));
    assert_int_equal(a.dtype, BNN_DT_U8);
    assert_int_equal(a.ndim, 3);
    assert_int_equal(a.shape[2], 1024);
    bnn_array_free(&a);
}

/* bnnsim perf: JSON keys, FIFO sizing to a file, config.h through the CLI,
 * failures that leave nothing behind. */
static void test_perf(void **state)
{
    (void)state;
    static char out[1 << 20];
    assert_int_equal(run(out, sizeof out, "perf --help"), 0);
    assert_non_null(strstr(out, "--size-fifos"));
    int st = run(out, sizeof out, "perf --net data/cnv.json --fold data/cnv-fix.fold.json --json");
    if (st) fail_msg("perf failed: %s", out);
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    if (!doc) fail_msg("perf --json does not parse: %s", je.text);
    assert_true(json_number_value(json_object_get(doc, "throughput_fps")) > 0);
    assert_true(json_number_value(json_object_get(doc, "latency_us")) > 0);
    assert_true(json_number_value(json_object_get(doc, "ii_cycles")) > 16384); /* depth-2 FIFOs */
    json_t *layers = json_object_get(doc, "layers");
    assert_true(json_array_size(layers) > 20);
    size_t i;
    json_t *l;
    int mvau6 = 0;
    json_array_foreach(layers, i, l) {
        assert_true(json_is_string(json_object_get(l, "name")));
        assert_true(json_is_number(json_object_get(l, "cycles")));
        if (!strcmp(json_string_value(json_object_get(l, "name")), "MVAU_hls_6"))
            mvau6 = 1, assert_true(fabs(json_number_value(json_object_get(l, "cycles")) - 16384) < 1e-9);
    }
    assert_true(mvau6);
    json_t *enp = json_object_get(doc, "estimate_network_performance");
    assert_int_equal(json_integer_value(json_object_get(enp, "max_cycles")), 16384);
    assert_string_equal(json_string_value(json_object_get(enp, "max_cycles_node_name")), "MVAU_hls_6");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "estimate_layer_cycles"), "MVAU_hls_0")), 16200);
    json_decref(doc);

    /* size, write, read back: the sized config reaches the slowest node's rate */
    const char *sized = test_path("sized.json"), *png = test_path("tl.png");
    st = run(out, sizeof out, "perf --net data/cnv.json --fold data/cnv-fix.fold.json --size-fifos -o %s --png %s", sized, png);
    if (st) fail_msg("sizing failed: %s", out);
    assert_non_null(strstr(out, "FIFO sizing: II 16384.0 with unbounded FIFOs, 16384.0 with the sized ones"));
    assert_true(test_exists(png));
    char *text = read_text(sized);
    assert_non_null(strstr(text, "\"StreamingFIFO_rtl_10\""));
    free(text);
    st = run(out, sizeof out, "--net data/cnv.json --fold %s", sized);
    if (st) fail_msg("run with the sized folding failed: %s", out);
    assert_non_null(strstr(out, "simulated: II 16384.0 cycles -> 12207 FPS"));

    /* the main command without inputs prints the report; the paper style */
    st = run(out, sizeof out, "--net data/lfc.json --fold data/lfc-max.fold.json --style paper");
    if (st) fail_msg("run --fold failed: %s", out);
    assert_non_null(strstr(out, "simulated: II 128.0 cycles -> 1562500 FPS"));

    /* config.h out and back in */
    const char *h = test_path("cnv-config.h");
    assert_int_equal(run(out, sizeof out, "perf --net data/cnv.json --fold data/cnv-max.fold.json --write-config-h %s", h), 0);
    text = read_text(h);
    assert_non_null(strstr(text, "#define L1_SIMD 64"));
    assert_non_null(strstr(text, "#define L0_WMEM 9"));
    free(text);
    st = run(out, sizeof out, "perf --net data/cnv.json --fold %s --style paper --json", h);
    if (st) fail_msg("perf with config.h failed: %s", out);
    doc = json_loads(out, 0, &je);
    assert_non_null(doc);
    assert_true(fabs(json_number_value(json_object_get(doc, "ii_cycles")) - 9124) < 1e-9);
    json_decref(doc);

    /* bad config: message names file, node and rule; no output file */
    const char *bad = test_path("bad-swg.json"), *o2 = test_path("never.json");
    static const char swg[] = "{\"ConvolutionInputGenerator_rtl_2\": {\"SIMD\": 64}}";
    test_write(bad, swg, strlen(swg));
    st = run(out, sizeof out, "perf --net data/cnv.json --fold %s --size-fifos -o %s", bad, o2);
    assert_int_equal(st, 1);
    assert_non_null(strstr(out, bad));
    assert_non_null(strstr(out, "ConvolutionInputGenerator_rtl_2: SIMD=64 differs from SIMD=1 of its consumer MVAU_hls_2"));
    assert_false(test_exists(o2));
    assert_int_equal(run(out, sizeof out, "perf --net data/cnv.json --fold data/cnv-fix.fold.json -o %s", o2), 2);
    assert_non_null(strstr(out, "needs --size-fifos"));
    assert_int_equal(run(out, sizeof out, "perf --net data/cnv.json --fold data/cnv-fix.fold.json --style fast"), 2);
    assert_false(test_exists(o2));
}

/* bnnsim golden: a whole set or nothing. */
static void test_golden_cli(void **state)
{
    (void)state;
    static char out[1 << 16];
    assert_int_equal(run(out, sizeof out, "golden --help"), 0);
    assert_non_null(strstr(out, "memblock.dat"));
    const char *d = test_path("gold-cli");
    int st = run(out, sizeof out, "golden --net data/cnv.json --fold data/cnv-fix.fold.json --input "
                 "data/samples/shapes.cifar10.bin --frames 1 -o %s", d);
    if (st) fail_msg("golden failed: %s", out);
    assert_non_null(strstr(out, "golden: 31 streams x 1 frames"));
    char path[4400];
    snprintf(path, sizeof path, "%s/manifest.json", d);
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    assert_non_null(m);
    assert_int_equal(json_array_size(json_object_get(m, "streams")), 31);
    assert_int_equal(json_array_size(json_object_get(m, "memories")), 9);
    json_decref(m);
    snprintf(path, sizeof path, "%s/bnn-pynq/8-1-weights.bin", d);
    assert_true(test_exists(path));
    snprintf(path, sizeof path, "%s/memories/fc6/thresh.h", d);
    assert_true(test_exists(path));
    /* again into the same directory: refused, left as it was */
    assert_int_equal(run(out, sizeof out, "golden --net data/cnv.json --fold data/cnv-fix.fold.json --input "
                         "data/samples/shapes.cifar10.bin -o %s", d), 1);
    assert_non_null(strstr(out, "exists"));
    /* failures leave nothing */
    const char *d2 = test_path("gold-none"), *bad = test_path("bad-golden.json");
    static const char b[] = "{\"MVAU_hls_0\": {\"PE\": 5}}";
    test_write(bad, b, strlen(b));
    assert_int_equal(run(out, sizeof out, "golden --net data/cnv.json --fold %s --input data/samples/shapes.cifar10.bin -o %s",
                         bad, d2), 1);
    assert_non_null(strstr(out, "PE=5 does not divide MH=64"));
    assert_int_equal(run(out, sizeof out, "golden --net data/cnv.json --fold data/cnv-fix.fold.json --input "
                         "data/samples/shapes.cifar10.bin --layers conv9 -o %s", d2), 1);
    assert_non_null(strstr(out, "'conv9' is not a layer"));
    assert_int_equal(run(out, sizeof out, "golden --net data/cnv.json --fold data/cnv-fix.fold.json -o %s", d2), 2);
    assert_false(test_exists(d2));
}

/* bnnsim resources: JSON keys, fit verdict, bad device. */
static void test_resources_cli(void **state)
{
    (void)state;
    static char out[1 << 20];
    int st = run(out, sizeof out, "resources --net data/lfc.json --fold data/lfc-max.fold.json --style paper --json");
    if (st) fail_msg("resources failed: %s", out);
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    if (!doc) fail_msg("resources --json: %s", je.text);
    json_t *t = json_object_get(doc, "total");
    assert_true(fabs(json_number_value(json_object_get(t, "BRAM_18K")) - 792) < 1e-9);
    assert_true(json_is_number(json_object_get(t, "LUT")) && json_is_number(json_object_get(t, "FF")) &&
                json_is_number(json_object_get(t, "DSP")));
    assert_true(json_is_true(json_object_get(doc, "fits")));
    json_t *layers = json_object_get(doc, "layers");
    assert_true(json_array_size(layers) >= 6);
    assert_true(json_is_number(json_object_get(json_array_get(layers, 1), "BRAM_18K")));
    assert_true(json_array_size(json_object_get(doc, "memories")) > 4);
    json_decref(doc);
    st = run(out, sizeof out, "resources --net data/lfc.json --fold data/lfc-max.fold.json --style paper --device pynq-z1");
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "does not fit: LUT"));
    assert_int_equal(run(out, sizeof out, "resources --net data/lfc.json --fold data/lfc-max.fold.json --device zc999"), 1);
    assert_non_null(strstr(out, "device 'zc999'"));
}

/* bnnsim dse: a folding file the rest of the tool reads; shards merge. */
static void test_dse_cli(void **state)
{
    (void)state;
    static char out[1 << 20];
    assert_int_equal(run(out, sizeof out, "dse --help"), 0);
    assert_non_null(strstr(out, "--pareto"));
    const char *f = test_path("dse.json");
    int st = run(out, sizeof out, "dse --net data/lfc.json --target-fps 100000 --style paper -o %s", f);
    if (st) fail_msg("dse failed: %s", out);
    assert_non_null(strstr(out, "target reached"));
    st = run(out, sizeof out, "perf --net data/lfc.json --fold %s --style paper --json", f);
    if (st) fail_msg("perf on the dse folding failed: %s", out);
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    assert_non_null(doc);
    assert_true(json_number_value(json_object_get(doc, "throughput_fps")) >= 100000);
    json_decref(doc);
    /* test_path's buffers rotate: keep copies */
    char s0[4200], s1[4200], all[4200], mg[4200], png[4200], csv[4200], m2[4200];
    snprintf(s0, sizeof s0, "%s", test_path("s0.json"));
    snprintf(s1, sizeof s1, "%s", test_path("s1.json"));
    snprintf(all, sizeof all, "%s", test_path("all.json"));
    snprintf(mg, sizeof mg, "%s", test_path("merged.json"));
    snprintf(png, sizeof png, "%s", test_path("front.png"));
    snprintf(csv, sizeof csv, "%s", test_path("front.csv"));
    snprintf(m2, sizeof m2, "%s", test_path("merge-refused.json"));
    assert_int_equal(run(out, sizeof out, "dse --net data/sfc.json --pareto --shard 0/2 -o %s", s0), 0);
    assert_int_equal(run(out, sizeof out, "dse --net data/sfc.json --pareto --shard 1/2 -o %s", s1), 0);
    assert_int_equal(run(out, sizeof out, "dse --net data/sfc.json --pareto -o %s", all), 0);
    assert_int_equal(run(out, sizeof out, "dse --merge %s %s -o %s --png %s --csv %s", s0, s1, mg, png, csv), 0);
    json_t *a = json_load_file(all, 0, &je), *m = json_load_file(mg, 0, &je);
    assert_non_null(a);
    assert_non_null(m);
    json_t *pa = json_object_get(a, "points"), *pm = json_object_get(m, "points");
    assert_int_equal(json_array_size(pa), json_array_size(pm));
    for (size_t i = 0; i < json_array_size(pa); i++)
        assert_true(json_number_value(json_object_get(json_array_get(pa, i), "LUT")) ==
                    json_number_value(json_object_get(json_array_get(pm, i), "LUT")));
    json_decref(a);
    json_decref(m);
    assert_true(test_exists(png) && test_exists(csv));
    assert_int_equal(run(out, sizeof out, "dse --net data/lfc.json"), 2);
    assert_non_null(strstr(out, "--target-fps is required"));
    assert_int_equal(run(out, sizeof out, "dse --net data/lfc.json --pareto --shard 3/2"), 2);
    assert_int_equal(run(out, sizeof out, "dse --merge %s", f), 1);
    assert_non_null(strstr(out, "not a dse --pareto JSON"));

    /* one spelling of every key in JSON and CSV, and the run's fields kept */
    m = json_load_file(mg, 0, &je);
    const char *const keys[] = {"throughput_fps", "max_layer_cycles", "LUT", "BRAM_18K", "FF", "DSP", "fits", "PE", "SIMD"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (!json_object_get(json_array_get(json_object_get(m, "points"), 0), keys[k])) fail_msg("merged point lacks %s", keys[k]);
    assert_string_equal(json_string_value(json_object_get(m, "network")), "sfc-untrained-seed1");
    assert_string_equal(json_string_value(json_object_get(m, "device")), "ZC706");
    assert_string_equal(json_string_value(json_object_get(m, "style")), "finn");
    assert_int_equal(json_integer_value(json_object_get(m, "shards")), 2);
    json_decref(m);
    char *t = read_text(csv);
    const char *head = "throughput_fps,max_layer_cycles,LUT,BRAM_18K,FF,DSP,fits,PExSIMD\n";
    assert_memory_equal(t, head, strlen(head));
    free(t);
    /* shards that do not make one run are refused, each named */
    char p1[4200], q1[4200], l1[4200], c1[4200];
    snprintf(p1, sizeof p1, "%s", test_path("p1.json"));
    snprintf(q1, sizeof q1, "%s", test_path("q1.json"));
    snprintf(l1, sizeof l1, "%s", test_path("l1.json"));
    snprintf(c1, sizeof c1, "%s", test_path("c1.json"));
    assert_int_equal(run(out, sizeof out, "dse --net data/sfc.json --pareto --shard 1/2 --device pynq-z1 -o %s", p1), 0);
    assert_int_equal(run(out, sizeof out, "dse --net data/sfc.json --pareto --shard 1/2 --style paper -o %s", q1), 0);
    assert_int_equal(run(out, sizeof out, "dse --net data/lfc.json --pareto --shard 1/2 -o %s", l1), 0);
    assert_int_equal(run(out, sizeof out, "dse --net data/sfc.json --pareto --shard 1/2 --clock-mhz 150 -o %s", c1), 0);
    struct { const char *args, *msg; } bad[] = {
        {"%s", "shard 1/2 missing"},         {"%s %s", "shard 0/2 given twice"},
        {"%s " "@p1", "device differs"},     {"%s " "@q1", "style differs"},
        {"%s " "@l1", "network differs"},    {"%s " "@c1", "clock_mhz differs"},
        {"%s " "@all", "shards differs"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char args[16384];
        const char *second = strstr(bad[k].args, "@p1") ? p1 : strstr(bad[k].args, "@q1") ? q1 : strstr(bad[k].args, "@l1") ? l1
                             : strstr(bad[k].args, "@c1") ? c1 : strstr(bad[k].args, "@all") ? all : s0;
        snprintf(args, sizeof args, "dse --merge %s %s -o %s", s0, strstr(bad[k].args, " ") ? second : "", m2);
        int rc = run(out, sizeof out, "%s", args);
        expect_error(bad[k].msg, rc, out, bad[k].msg, 1);
        if (test_exists(m2)) fail_msg("%s: output written: %s", bad[k].msg, out);
    }
    assert_int_equal(run(out, sizeof out, "dse --merge %s %s --device pynq-z1", s0, s1), 1);
    assert_non_null(strstr(out, "not the shards' device ZC706"));

    /* an unmet target exits 3 with the reason, in --json too; a met one 0 */
    assert_int_equal(run(out, sizeof out, "dse --net data/cnv.json --target-fps 20000 --device pynq-z1 --no-fifo-sizing"), 3);
    assert_non_null(strstr(out, "target NOT reached"));
    assert_non_null(strstr(out, "why: "));
    assert_int_equal(run(out, sizeof out, "dse --net data/cnv.json --target-fps 20000 --device pynq-z1 --no-fifo-sizing --json"), 3);
    doc = json_loads(out, 0, &je);
    assert_non_null(doc);
    json_t *ch = json_object_get(doc, "cheapest");
    assert_false(json_is_true(json_object_get(ch, "reached")));
    assert_true(strlen(json_string_value(json_object_get(ch, "why"))) > 10);
    json_decref(doc);
}

/* dse on every bundled device, a target each can reach and one some cannot:
 * never an internal error, exit 0 or 3 as the verdict says, and every
 * folding written runs through perf and resources on that device. */
static void test_dse_devices(void **state)
{
    (void)state;
    static char out[1 << 16];
    const char *devs[] = {"pynq-z1", "pynq-z2", "ultra96", "zc706", "zcu104"};
    int reached = 0, missed = 0;
    for (size_t d = 0; d < sizeof devs / sizeof devs[0]; d++)
        for (int k = 0; k < 2; k++) {
            int fps = k ? 20000 : 3000;
            char fold[4200];
            snprintf(fold, sizeof fold, "%s", test_path("dev.fold.json"));
            int rc = run(out, sizeof out, "dse --net data/cnv.json --device %s --target-fps %d -o %s", devs[d], fps, fold);
            if (rc != 0 && rc != 3) fail_msg("dse on %s at %d FPS: exit %d: %s", devs[d], fps, rc, out);
            if ((rc == 0) != (strstr(out, "target reached") != NULL)) fail_msg("%s at %d: exit %d but: %s", devs[d], fps, rc, out);
            if (rc == 3 && !strstr(out, "why: ")) fail_msg("%s at %d: no reason given: %s", devs[d], fps, out);
            if (k == 0 && rc) fail_msg("%s cannot reach 3000 FPS: %s", devs[d], out);
            rc ? missed++ : reached++;
            rc = run(out, sizeof out, "perf --net data/cnv.json --fold %s --frames 64", fold);
            if (rc) fail_msg("perf on the folding dse wrote for %s at %d: %s", devs[d], fps, out);
            rc = run(out, sizeof out, "resources --net data/cnv.json --fold %s --device %s", fold, devs[d]);
            if (rc || !strstr(out, "verdict: fits")) fail_msg("the folding dse chose for %s at %d does not fit: %s", devs[d], fps, out);
        }
    printf("dse on %d device targets: %d reached, %d not\n", reached + missed, reached, missed);
    assert_true(missed > 0 && reached > 5);
}

static json_t *load_json(const char *dir, const char *file)
{
    char p[8400];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    json_error_t je;
    json_t *o = json_load_file(p, 0, &je);
    if (!o) fail_msg("%s: %s", p, je.text);
    return o;
}

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_number(v)) fail_msg("key %s missing or not a number", k);
    return json_number_value(v);
}

#define NEAR(a, b) do { double a_ = (a), b_ = (b); if (fabs(a_ - b_) > 1e-9 * fabs(b_) + 1e-9) \
    fail_msg("%s = %.12g, expected %s = %.12g", #a, a_, #b, b_); } while (0)

/* perf --report-dir: FINN's files, FINN's keys, FINN's relations between the
 * numbers, agreement with perf --json and resources --json, and a
 * final_hw_config.json that --fold reads back to the same sized pipeline. */
static void test_finn_reports(void **state)
{
    (void)state;
    static char out[1 << 20];
    char dir[4200], pj[8400];
    snprintf(dir, sizeof dir, "%s", test_path("report"));
    int rc = run(out, sizeof out, "perf --net data/cnv.json --fold data/cnv-fix.fold.json --size-fifos --report-dir %s --json", dir);
    if (rc) fail_msg("perf --report-dir: %s", out);
    json_error_t je;
    json_t *perf = json_loads(out, 0, &je);
    assert_non_null(perf);
    const double clk_ns = 1000.0 / num(perf, "clock_mhz");

    json_t *elc = load_json(dir, "estimate_layer_cycles.json"), *enp = load_json(dir, "estimate_network_performance.json");
    assert_true(json_equal(elc, json_object_get(perf, "estimate_layer_cycles")));
    assert_true(json_equal(enp, json_object_get(perf, "estimate_network_performance")));
    const char *k;
    json_t *v;
    json_int_t maxc = 0;
    const char *maxn = NULL;
    json_object_foreach(elc, k, v) if (json_integer_value(v) > maxc) maxc = json_integer_value(v), maxn = k;
    assert_int_equal(num(enp, "max_cycles"), maxc);
    assert_string_equal(json_string_value(json_object_get(enp, "max_cycles_node_name")), maxn);
    NEAR(num(enp, "estimated_throughput_fps"), 1e9 / clk_ns / num(enp, "max_cycles"));
    NEAR(num(enp, "estimated_latency_ns"), num(enp, "critical_path_cycles") * clk_ns);

    json_t *rt = load_json(dir, "rtlsim_performance.json");
    const double N = num(rt, "N"), cyc = num(rt, "cycles"), lat = num(rt, "latency_cycles");
    assert_true(N == num(perf, "frames"));
    assert_true(cyc == num(json_object_get(perf, "simulation"), "cycles"));
    assert_true(lat == num(perf, "latency_cycles"));
    NEAR(num(rt, "interval_cycles"), num(perf, "ii_cycles"));
    NEAR(num(rt, "fclk[mhz]"), num(perf, "clock_mhz"));
    NEAR(num(rt, "runtime[ms]"), cyc * clk_ns * 1e-6);
    NEAR(num(rt, "throughput[images/s]"), N / (cyc * clk_ns * 1e-9));
    NEAR(num(rt, "stable_throughput[images/s]"), N / ((cyc - lat) * clk_ns * 1e-9));
    NEAR(num(rt, "DRAM_in_bandwidth[Mb/s]"), N * 32 * 32 * 3 * 1e-6 / (cyc * clk_ns * 1e-9));
    assert_true(num(rt, "DRAM_out_bandwidth[Mb/s]") > 0);

    /* resources: FINN's keys per node, "total" the sum, and resources --json's total */
    json_t *elr = load_json(dir, "estimate_layer_resources.json");
    const char *const rk[] = {"BRAM_18K", "BRAM_efficiency", "LUT", "URAM", "URAM_efficiency", "DSP"};
    double sum[3] = {0, 0, 0};
    json_object_foreach(elr, k, v) {
        for (size_t i = 0; i < 6; i++)
            if (!json_is_number(json_object_get(v, rk[i]))) fail_msg("estimate_layer_resources.json: %s lacks %s", k, rk[i]);
        double e = num(v, "BRAM_efficiency");
        if (!(e > 0 && e <= 1)) fail_msg("%s: BRAM_efficiency %g", k, e);
        if (strcmp(k, "total")) sum[0] += num(v, "LUT"), sum[1] += num(v, "BRAM_18K"), sum[2] += num(v, "DSP");
    }
    json_t *tot = json_object_get(elr, "total");
    NEAR(num(tot, "LUT"), sum[0]);
    NEAR(num(tot, "BRAM_18K"), sum[1]);
    NEAR(num(tot, "DSP"), sum[2]);
    snprintf(pj, sizeof pj, "%s/final_hw_config.json", dir);
    rc = run(out, sizeof out, "resources --net data/cnv.json --fold %s --json", pj);
    if (rc) fail_msg("resources on final_hw_config.json: %s", out);
    json_t *res = json_loads(out, 0, &je);
    /* resources --json prints 8 significant digits */
    assert_true(fabs(num(tot, "LUT") - num(json_object_get(res, "total"), "LUT")) < 1e-6 * num(tot, "LUT"));
    assert_true(fabs(num(tot, "BRAM_18K") - num(json_object_get(res, "total"), "BRAM_18K")) < 1e-6 * num(tot, "BRAM_18K"));
    json_decref(res);

    /* final_hw_config.json: FINN's attributes, FIFO depths mirrored, read back to the same pipeline */
    json_t *hw = load_json(dir, "final_hw_config.json");
    json_t *mv = json_object_get(hw, "MVAU_hls_0");
    assert_non_null(json_object_get(mv, "PE"));
    assert_non_null(json_object_get(mv, "SIMD"));
    assert_non_null(json_object_get(mv, "ram_style"));
    assert_true(json_is_array(json_object_get(mv, "inFIFODepths")));
    json_t *fifos = json_object_get(perf, "fifos");
    size_t i;
    json_array_foreach(fifos, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "kind")), "fifo")) continue;
        json_t *e = json_object_get(hw, json_string_value(json_object_get(v, "name")));
        if (!e) fail_msg("final_hw_config.json lacks %s", json_string_value(json_object_get(v, "name")));
        assert_int_equal(json_integer_value(json_object_get(e, "depth")), json_integer_value(json_object_get(v, "depth")));
        json_t *to = json_object_get(hw, json_string_value(json_object_get(v, "to")));
        if (to) assert_int_equal(json_integer_value(json_array_get(json_object_get(to, "inFIFODepths"), 0)),
                                 json_integer_value(json_object_get(v, "depth")));
    }
    rc = run(out, sizeof out, "perf --net data/cnv.json --fold %s --json", pj);
    if (rc) fail_msg("perf on final_hw_config.json: %s", out);
    json_t *again = json_loads(out, 0, &je);
    assert_true(json_equal(json_object_get(again, "fifos"), fifos));
    NEAR(num(again, "ii_cycles"), num(perf, "ii_cycles"));
    json_decref(again);
    json_decref(hw);
    json_decref(elr);
    json_decref(rt);
    json_decref(elc);
    json_decref(enp);
    json_decref(perf);

    /* dse writes the same files for the folding it finds */
    snprintf(dir, sizeof dir, "%s", test_path("dse-report"));
    rc = run(out, sizeof out, "dse --net data/tfc.json --target-fps 100000 --device pynq-z1 --report-dir %s", dir);
    if (rc) fail_msg("dse --report-dir: %s", out);
    json_t *d = load_json(dir, "estimate_network_performance.json");
    assert_true(num(d, "estimated_throughput_fps") >= 100000);
    json_decref(d);
    d = load_json(dir, "rtlsim_performance.json");
    assert_true(num(d, "stable_throughput[images/s]") >= 100000 * 0.999);
    json_decref(d);
    /* perf --vcd: the waveform beside the report, and a bad frame count refused */
    char vcd[4200];
    snprintf(vcd, sizeof vcd, "%s", test_path("perf.vcd"));
    rc = run(out, sizeof out, "perf --net data/tfc.json --fold data/tfc-pynq.fold.json --vcd %s --vcd-frames 4", vcd);
    if (rc) fail_msg("perf --vcd: %s", out);
    char *w = read_text(vcd);
    assert_memory_equal(w, "$version bnnsim", 15);
    assert_non_null(strstr(w, "$var wire 2 % MVAU_hls_0.state $end"));
    free(w);
    rc = run(out, sizeof out, "perf --net data/tfc.json --fold data/tfc-pynq.fold.json --vcd %s --vcd-frames 0", vcd);
    expect_error("--vcd-frames 0", rc, out, "--vcd-frames", 2);
    /* a report directory that cannot be made is named */
    rc = run(out, sizeof out, "perf --net data/tfc.json --fold data/tfc-pynq.fold.json --report-dir %s/no/such", test_tmpdir());
    expect_error("report dir", rc, out, "/no/such: cannot create the report directory", 1);
}

/* Progress on a terminal only: `script` gives the command a pseudo-terminal. */
static void test_progress(void **state)
{
    (void)state;
    static char out[1 << 16];
    char cmd[9000];
    const char *dse = "dse --net data/cnv.json --target-fps 5000 --device zc706";
    snprintf(cmd, sizeof cmd, "script -qec '%s %s' /dev/null", bin, dse);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    assert_int_equal(pclose(p), 0);
    if (!strstr(out, "\r\033[Kbnnsim: sizing FIFOs ")) fail_msg("no progress on a terminal: %s", out);
    assert_non_null(strstr(out, "target reached"));
    /* not on a pipe, not with -q on a terminal */
    assert_int_equal(run(out, sizeof out, "%s", dse), 0);
    assert_null(strstr(out, "sizing FIFOs"));
    snprintf(cmd, sizeof cmd, "script -qec '%s %s --json -q' /dev/null", bin, dse);
    p = popen(cmd, "r");
    n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    assert_int_equal(pclose(p), 0);
    assert_null(strstr(out, "sizing FIFOs"));
    assert_non_null(strstr(out, "\"reached\": true"));
}

int main(void)
{
    bin = getenv("BNNSIM_BIN");
    if (!bin) bin = "build/bnnsim";
    struct bnn_gen_options g = {BNN_TOPO_SFC, 3, 48, 10};
    struct bnn_net *net;
    if (bnn_net_generate(&g, &net) || bnn_net_save(net, test_path("base.json"))) {
        fprintf(stderr, "cannot make the base network: %s\n", bnn_last_error());
        return 1;
    }
    bnn_net_free(net);
    base_json = read_text(test_path("base.json"));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_json),
        cmocka_unit_test(test_bad_networks),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_bad_folds),
        cmocka_unit_test(test_import_failures_leave_nothing),
        cmocka_unit_test(test_perf),
        cmocka_unit_test(test_golden_cli),
        cmocka_unit_test(test_resources_cli),
        cmocka_unit_test(test_dse_cli),
        cmocka_unit_test(test_dse_devices),
        cmocka_unit_test(test_finn_reports),
        cmocka_unit_test(test_progress),
    };
    int rc = cmocka_run_group_tests_name("cli", tests, NULL, NULL);
    free(base_json);
    return rc;
}
