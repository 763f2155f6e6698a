/* bnnsim run: classify images; optional folding summary and layer dumps. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/perf-report.h"
#include "core/util.h"

static const char help[] =
    "Usage: bnnsim [run] --net NET.json [--fold FOLD] [--input FILE...] [options]\n"
    "\n"
    "Classifies every image of every FILE bit-exactly as the FINN hardware would and\n"
    "prints, per image, the class (named from the network's class list) and the raw\n"
    "scores: every row of the last matrix layer, padding rows included.\n"
    "With --fold it also builds the folded pipeline and simulates it cycle by cycle:\n"
    "per-node cycles and stalls, frame rate, latency and bottleneck, beside FINN's\n"
    "analytic estimate (`bnnsim perf --help` has every option of that report).\n"
    "With --fold and no --input it prints only that report.\n"
    "\n"
    "Inputs (format detected from content; docs/net-format.md gives each conversion):\n"
    "  CIFAR-10 binary records, IDX image files (MNIST, Fashion-MNIST; .gz too),\n"
    "  PNG/JPEG/BMP pictures (resized to the input size), .npy arrays of whole\n"
    "  pixel values 0..255 in any numeric dtype (FINN's float32 NCHW input.npy).\n"
    "\n"
    "Options:\n"
    "  --net FILE         network: NET.json (NET.npz beside it) or a FINN/QONNX MODEL.onnx\n"
    "  --fold FILE        folding config (FINN JSON or BNN-PYNQ config.h): adds the\n"
    "                     pipeline report (simulated and analytic)\n"
    "  --style S          pipeline for the report: finn (default) or paper\n"
    "  --input FILE...    one or more input files (several may follow one --input)\n"
    "  --labels FILE      labels for the inputs (IDX1, or a .npy of integers such as\n"
    "                     FINN's expected_output.npy): reports accuracy\n"
    "                     (CIFAR-10 records carry their own labels)\n"
    "  --layout L         how .npy inputs are laid out: nchw (FINN's input.npy), nhwc,\n"
    "                     or auto (default: from the shape, and said on stderr)\n"
    "  --limit N          classify only the first N images\n"
    "  --engine E         ref (packed XNOR-popcount, default) or float (OpenBLAS)\n"
    "  --threads N        OpenMP threads (default: all cores); results do not change\n"
    "  --isa I            kernel variant: scalar, avx2 or avx512 (AVX-512 F/VL/BW with\n"
    "                     VPOPCNTDQ and VNNI); default: the best this CPU runs, also\n"
    "                     BNNSIM_ISA; results do not change (docs/executor.md)\n"
    "  --clock-mhz F      clock of the pipeline report (default 200)\n"
    "  --dump DIR         write each layer's output for image --dump-index as\n"
    "                     DIR/<NN>-<layer>.npy (bits as uint8 0/1, HWC)\n"
    "  --dump-index I     which image to dump (default 0)\n"
    "  --json             print one JSON document instead of the table\n"
    "  -o FILE            write the output to FILE (atomically) instead of stdout\n"
    "  -q, --quiet        no per-image lines (summary only)\n"
    "  -h, --help         this text\n";

struct input_file {
    const char *path;
    int32_t first, count;
};

static int dump_layers(const struct bnn_net *net, struct bnn_plan *plan, const uint8_t *pixels, const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "bnnsim: %s: cannot create directory: %s\n", dir, strerror(errno));
        return 1;
    }
    enum bnn_status st = bnn_plan_run(plan, pixels, 1, NULL, NULL);
    if (st) return bnn_cli_fail(st);
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        size_t n = (size_t)L->out.h * L->out.w * L->out.c;
        int32_t *v = malloc(n * sizeof *v);
        if (!v) return bnn_cli_fail(BNN_ERR_NOMEM);
        bnn_plan_layer_output(plan, i, v);
        struct bnn_array a = {BNN_DT_I32, 3, {L->out.h, L->out.w, L->out.c}, (int64_t)n, v};
        uint8_t *b = NULL;
        if (L->out_type == BNN_VT_BITS) {
            b = malloc(n);
            for (size_t k = 0; k < n && b; k++) b[k] = (uint8_t)v[k];
            a.dtype = BNN_DT_U8;
            a.data = b;
        }
        char path[4200];
        snprintf(path, sizeof path, "%s/%02d-%s.npy", dir, i, L->name);
        st = (L->out_type == BNN_VT_BITS && !b) ? BNN_ERR_NOMEM : bnn_npy_write(path, &a);
        free(b);
        free(v);
        if (st) return bnn_cli_fail(st);
    }
    return 0;
}

#define IMAGES_MARK "\x01images\x01"

static char *json_str(const char *s)
{
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return t;
}

static char *put_int(char *p, int64_t v)
{
    char tmp[24];
    int k = 0;
    uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    do tmp[k++] = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) *p++ = '-';
    while (k) *p++ = tmp[--k];
    return p;
}

/* `[ {image}, ... ]` with the same keys as the jansson document used to have */
static char *image_lines(const struct bnn_net *net, const struct input_file *files, int n_inputs, int32_t n, int32_t ns,
                         const int32_t *scores, const struct bnn_result *res, const int32_t *labels)
{
    char **fname = calloc((size_t)n_inputs + 1, sizeof *fname), **cname = calloc((size_t)net->n_classes + 1, sizeof *cname);
    size_t longest = 0, ok = fname && cname;
    for (int k = 0; ok && k < n_inputs; k++) ok = (fname[k] = json_str(files[k].path)) != NULL, longest = BNN_MAX(longest, ok ? strlen(fname[k]) : 0);
    for (int32_t c = 0; ok && c < net->n_classes; c++) ok = (cname[c] = json_str(net->class_names[c])) != NULL, longest = BNN_MAX(longest, ok ? strlen(cname[c]) : 0);
    size_t per = 2 * longest + 160 + (size_t)ns * 12, cap = 16 + (size_t)n * per;
    char *t = ok ? malloc(cap) : NULL, *p = t;
    if (p) {
        *p++ = '[';
        int first = 1;
        for (int k = 0; k < n_inputs; k++)
            for (int32_t j = 0; j < files[k].count && files[k].first + j < n; j++) {
                const int32_t i = files[k].first + j;
                p += sprintf(p, "%s\n    {\"file\": %s, \"index\": ", first ? "" : ",", fname[k]);
                first = 0;
                p = put_int(p, j);
                p += sprintf(p, ", \"class\": ");
                p = put_int(p, res[i].class_index);
                p += sprintf(p, ", \"class_name\": %s, \"scores\": [", cname[res[i].class_index]);
                for (int32_t r = 0; r < ns; r++) {
                    if (r) *p++ = ',', *p++ = ' ';
                    p = put_int(p, scores[(size_t)i * ns + r]);
                }
                p += sprintf(p, "], \"top\": [");
                for (int32_t r = 0; r < res[i].top_k; r++) {
                    if (r) *p++ = ',', *p++ = ' ';
                    p = put_int(p, res[i].top[r]);
                }
                *p++ = ']';
                if (labels[i] >= 0) {
                    p += sprintf(p, ", \"label\": ");
                    p = put_int(p, labels[i]);
                }
                *p++ = '}';
            }
        p += sprintf(p, "%s]", first ? "" : "\n  ");
    }
    for (int k = 0; fname && k < n_inputs; k++) free(fname[k]);
    for (int32_t c = 0; cname && c < net->n_classes; c++) free(cname[c]);
    free(fname);
    free(cname);
    return t;
}

/* doc text with its images placeholder replaced; frees doc */
static char *splice(char *doc, const char *images)
{
    if (!doc || !images) return doc;
    char *m = strstr(doc, "\"\\u0001images\\u0001\"");
    if (!m) return doc;
    size_t a = (size_t)(m - doc), ml = strlen("\"\\u0001images\\u0001\""), il = strlen(images), rest = strlen(m + ml);
    char *t = malloc(a + il + rest + 2);
    if (t) {
        memcpy(t, doc, a);
        memcpy(t + a, images, il);
        memcpy(t + a + il, m + ml, rest + 1);
    }
    free(doc);
    return t;
}

int bnn_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},     {"fold", required_argument, 0, 'f'},
        {"input", required_argument, 0, 'i'},   {"labels", required_argument, 0, 'L'},
        {"limit", required_argument, 0, 'l'},   {"engine", required_argument, 0, 'e'},
        {"threads", required_argument, 0, 't'}, {"clock-mhz", required_argument, 0, 'c'},
        {"dump", required_argument, 0, 'd'},    {"dump-index", required_argument, 0, 'D'},
        {"json", no_argument, 0, 'j'},          {"quiet", no_argument, 0, 'q'},
        {"style", required_argument, 0, 's'},   {"isa", required_argument, 0, 'I'},
        {"layout", required_argument, 0, 'Y'},  {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *net_path = NULL, *fold_path = NULL, *labels = NULL, *dump = NULL, *out_path = NULL;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    int n_inputs = 0, json = 0, quiet = bnn_cli_quiet, rc = 1;
    enum bnn_layout layout = BNN_LAYOUT_AUTO;
    long limit = -1, threads = 0, dump_index = 0;
    double clock_mhz = 200;
    struct bnn_hw_options ho;
    bnn_hw_options_default(&ho);
    struct bnn_plan_options popt = {BNN_ENGINE_REF, 0};
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":ho:q", opts, NULL)) != -1;) {
        switch (c) {
        case 'n': net_path = optarg; break;
        case 'f': fold_path = optarg; break;
        case 'i':
            inputs[n_inputs++] = optarg;
            while (optind < argc && argv[optind][0] != '-') inputs[n_inputs++] = argv[optind++];
            break;
        case 'L': labels = optarg; break;
        case 'Y': if (bnn_cli_parse_layout(optarg, &layout)) goto out2; break;
        case 'l': if (bnn_cli_parse_int("--limit", optarg, 1, 1L << 30, &limit)) goto out2; break;
        case 'e': if (bnn_engine_parse(optarg, &popt.engine)) { rc = bnn_cli_usage_error("--engine: %s", bnn_last_error()); goto out; } break;
        case 't': if (bnn_cli_parse_int("--threads", optarg, 1, 1024, &threads)) goto out2; break;
        case 'c': {
            char *end;
            clock_mhz = strtod(optarg, &end);
            if (*end || !(clock_mhz > 0 && clock_mhz < 1e5)) { rc = bnn_cli_usage_error("--clock-mhz: expected a positive number, got '%s'", optarg); goto out; }
            break;
        }
        case 's':
            if ((rc = bnn_cli_parse_style(optarg, &ho))) goto out;
            break;
        case 'I':
            if (strcmp(optarg, "scalar") && strcmp(optarg, "avx2") && strcmp(optarg, "avx512")) {
                rc = bnn_cli_usage_error("--isa: expected scalar, avx2 or avx512, got '%s'", optarg);
                goto out;
            }
            setenv("BNNSIM_ISA", optarg, 1); /* the kernel dispatch reads it */
            if (strcmp(bnn_kernels_isa(), optarg)) {
                fprintf(stderr, "bnnsim: --isa %s: this CPU lacks it (it runs %s)\n", optarg, bnn_kernels_isa());
                rc = 1;
                goto out;
            }
            break;
        case 'd': dump = optarg; break;
        case 'D': if (bnn_cli_parse_int("--dump-index", optarg, 0, 1L << 30, &dump_index)) goto out2; break;
        case 'j': json = 1; break;
        case 'o': out_path = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(help, stdout); rc = 0; goto out;
        case ':': rc = bnn_cli_usage_error("option %s needs a value", argv[optind - 1]); goto out;
        default: rc = bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]); goto out;
        }
    }
    if (optind < argc) { rc = bnn_cli_usage_error("unexpected argument '%s'", argv[optind]); goto out; }
    if (!net_path) { rc = bnn_cli_usage_error("--net is required"); goto out; }
    if (!n_inputs && !fold_path && !bnn_path_is_onnx(net_path)) {
        rc = bnn_cli_usage_error("--input is required (an image, IDX, CIFAR-10 .bin or .npy file), or --fold for the "
                                 "pipeline report alone");
        goto out;
    }
    ho.clock_mhz = clock_mhz;
    popt.threads = (int32_t)threads;

    struct bnn_net *net = NULL;
    struct bnn_fold *fold = NULL;
    struct bnn_plan *plan = NULL;
    struct bnn_images imgs = {.layout = layout};
    struct input_file *files = calloc((size_t)n_inputs, sizeof *files);
    int32_t *scores = NULL;
    struct bnn_result *res = NULL;
    json_t *doc = NULL;
    char *text = NULL, *perf_text = NULL, *images = NULL;
    struct bnn_perf pf = {0};
    enum bnn_status st;
    /* a model's own folding shows the pipeline report when there is nothing to classify */
    if ((rc = bnn_cli_open(net_path, fold_path, 0, &net, n_inputs && !fold_path ? NULL : &fold, &fold_path))) goto done;
    rc = 1;
    if (!n_inputs && !fold) {
        rc = bnn_cli_usage_error("--input is required: %s carries no folding for a pipeline report", net_path);
        goto done;
    }
    if (fold && fold->swg_hls && ho.style == BNN_STYLE_FINN) ho.swg = BNN_SWG_HLS;
    if (fold) {
        struct bnn_sim_options so = {.frames = 4096, .trace_bins = 1000, .converge = 1};
        if ((st = bnn_cli_perf_run(net, fold, fold_path, &ho, &so, &pf))) { rc = bnn_cli_fail(st); goto done; }
        if (!json && !(perf_text = bnn_cli_perf_text(net, &pf, 0))) { rc = bnn_cli_fail(BNN_ERR_NOMEM); goto done; }
        if (!n_inputs) {
            if (json) {
                doc = bnn_cli_perf_json(net, &pf);
                text = bnn_cli_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
                printf("%s\n", text);
            } else {
                fputs(perf_text, stdout);
            }
            rc = pf.r->deadlock ? 1 : 0;
            goto done;
        }
    }
    const struct bnn_shape in = net->layers[0].out;
    for (int k = 0; k < n_inputs; k++) {
        files[k].path = inputs[k];
        files[k].first = imgs.n;
        if ((st = bnn_cli_append_input(&imgs, inputs[k], in, quiet || json))) { rc = bnn_cli_fail(st); goto done; }
        files[k].count = imgs.n - files[k].first;
    }
    if (labels) {
        if (n_inputs != 1) { rc = bnn_cli_usage_error("--labels needs exactly one input file"); goto done; }
        if ((st = bnn_images_set_labels(&imgs, labels, 0, imgs.n))) { rc = bnn_cli_fail(st); goto done; }
    }
    for (int k = 0; k < n_inputs; k++)
        for (int32_t j = 0; j < files[k].count; j++) {
            int32_t lab = imgs.labels[files[k].first + j];
            if (lab >= net->n_classes) {
                fprintf(stderr, "bnnsim: %s: image %d has label %d, but '%s' has %d classes (0..%d)\n",
                        labels ? labels : files[k].path, j, lab, net->name, net->n_classes, net->n_classes - 1);
                goto done;
            }
        }
    int32_t n = limit > 0 && limit < imgs.n ? (int32_t)limit : imgs.n;
    if ((st = bnn_plan_create(net, &popt, &plan))) { rc = bnn_cli_fail(st); goto done; }
    if (dump) {
        if (dump_index >= n) { rc = bnn_cli_usage_error("--dump-index %ld: only %d images", dump_index, n); goto done; }
        if ((rc = dump_layers(net, plan, imgs.pixels + (size_t)dump_index * in.h * in.w * in.c, dump))) goto done;
        rc = 1;
    }
    const int32_t ns = bnn_plan_n_scores(plan);
    scores = malloc((size_t)n * ns * sizeof *scores + 4);
    res = malloc((size_t)n * sizeof *res + sizeof *res);
    if (!scores || !res) { rc = bnn_cli_fail(BNN_ERR_NOMEM); goto done; }
    /* fault the pages in before the clock starts: the rate is the classifier's */
    memset(scores, 0, (size_t)n * ns * sizeof *scores);
    memset(res, 0, (size_t)n * sizeof *res);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* large sets in chunks, for progress on a terminal (results do not depend on it) */
    const int32_t chunk = n > 16384 ? 8192 : n;
    const size_t img_px = (size_t)imgs.h * imgs.w * imgs.c;
    for (int32_t i0 = 0; i0 < n; i0 += chunk) {
        int32_t nb = n - i0 < chunk ? n - i0 : chunk;
        if (chunk < n) bnn__progress("run: images", i0, n);
        if ((st = bnn_plan_run(plan, imgs.pixels + (size_t)i0 * img_px, nb, scores + (size_t)i0 * ns, res + i0))) {
            rc = bnn_cli_fail(st);
            goto done;
        }
    }
    if (chunk < n) bnn__progress("run: images", n, n);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    int32_t labelled = 0, correct = 0;
    for (int32_t i = 0; i < n; i++)
        if (imgs.labels[i] >= 0) labelled++, correct += imgs.labels[i] == res[i].class_index;

    /* Everything printed is built first, then written in one go. */
    doc = json_object();
    json_object_set_new(doc, "bnnsim", json_string(BNNSIM_VERSION));
    json_object_set_new(doc, "net", json_string(net->name));
    json_object_set_new(doc, "engine", json_string(bnn_engine_str(popt.engine)));
    json_object_set_new(doc, "isa", json_string(popt.engine == BNN_ENGINE_REF ? bnn_kernels_isa() : "openblas"));
    json_object_set_new(doc, "n_scores", json_integer(ns));
    /* the per-image array is written as text (one image per line), spliced in
     * after the rest of the document: 20,000 CNV images are 1.3 M numbers,
     * too many to build as jansson values and dump again */
    images = json ? image_lines(net, files, n_inputs, n, ns, scores, res, imgs.labels) : NULL;
    if (json && !images) { rc = bnn_cli_fail(BNN_ERR_NOMEM); goto done; }
    json_object_set_new(doc, "images", json_string(IMAGES_MARK));
    if (labelled) json_object_set_new(doc, "accuracy", json_real((double)correct / labelled));
    json_object_set_new(doc, "seconds", json_real(secs));
    if (fold) {
        json_t *fl = json_array();
        int64_t worst = 0;
        int32_t wj = 0;
        for (int32_t j = 0; j < fold->n; j++) {
            const struct bnn_fold_layer *f = &fold->layers[j];
            int64_t cyc = bnn_fold_layer_cycles(net, f);
            if (cyc > worst) worst = cyc, wj = j;
            json_array_append_new(fl, json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:I}", "name", net->layers[f->layer].name,
                                                "node", "MVAU", "MH", net->layers[f->layer].mh, "MW",
                                                net->layers[f->layer].mw, "PE", f->pe, "SIMD", f->simd, "cycles", (json_int_t)cyc));
        }
        json_t *fo = json_object();
        json_object_set_new(fo, "layers", fl);
        json_object_set_new(fo, "max_cycles", json_integer(worst));
        json_object_set_new(fo, "bottleneck", json_string(net->layers[fold->layers[wj].layer].name));
        json_object_set_new(fo, "clock_mhz", json_real(clock_mhz));
        json_object_set_new(fo, "estimated_throughput_fps", json_real(clock_mhz * 1e6 / (double)worst));
        json_object_set_new(doc, "fold", fo);
        json_object_set_new(doc, "performance", bnn_cli_perf_json(net, &pf));
    }

    if (json) {
        text = splice(bnn_cli_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)), images);
    } else {
        size_t cap = 4096 + (size_t)n * (64 + (size_t)ns * 8) + (perf_text ? strlen(perf_text) : 0), len = 0;
        text = malloc(cap);
        if (!text) { rc = bnn_cli_fail(BNN_ERR_NOMEM); goto done; }
#define OUT(...) len += (size_t)snprintf(text + len, cap - len, __VA_ARGS__)
        OUT("bnnsim %s  net %s (%d layers, %d classes)  engine %s (%s)\n", BNNSIM_VERSION, net->name, net->n_layers,
            net->n_classes, bnn_engine_str(popt.engine), popt.engine == BNN_ENGINE_REF ? bnn_kernels_isa() : "openblas");
        if (fold) OUT("\n%s\n", perf_text);
        if (!quiet)
            for (int k = 0; k < n_inputs; k++)
                for (int32_t j = 0; j < files[k].count && files[k].first + j < n; j++) {
                    int32_t i = files[k].first + j;
                    OUT("%s[%d]: %s (%d)  scores", bnn__basename_cli(files[k].path), j,
                        net->class_names[res[i].class_index], res[i].class_index);
                    int32_t shown = ns < net->n_classes ? ns : net->n_classes;
                    for (int32_t r = 0; r < shown; r++) OUT(" %d", scores[(size_t)i * ns + r]);
                    if (ns > shown) OUT("  (+%d padding rows)", ns - shown);
                    if (imgs.labels[i] >= 0) OUT("  label %d", imgs.labels[i]);
                    OUT("\n");
                }
        OUT("%d image%s in %.3f s (%.0f images/s)", n, n == 1 ? "" : "s", secs, secs > 0 ? n / secs : 0.0);
        if (labelled) OUT("  accuracy %.2f %% (%d of %d)", 100.0 * correct / labelled, correct, labelled);
        OUT("\n");
#undef OUT
    }
    if (!text) { rc = bnn_cli_fail(BNN_ERR_NOMEM); goto done; }
    if (out_path) {
        size_t len = strlen(text);
        if (json) text[len] = '\n';
        st = bnn_file_write_atomic(out_path, text, len + (json ? 1 : 0));
        if (json) text[len] = 0;
        if (st) { rc = bnn_cli_fail(st); goto done; }
    } else {
        fputs(text, stdout);
        if (json) fputc('\n', stdout);
    }
    rc = 0;
done:
    free(images);
    free(text);
    free(perf_text);
    bnn_cli_perf_free(&pf);
    json_decref(doc);
    free(scores);
    free(res);
    free(files);
    bnn_images_free(&imgs);
    bnn_plan_free(plan);
    bnn_fold_free(fold);
    bnn_net_free(net);
out:
    free(inputs);
    return rc;
out2:
    free(inputs);
    return 2;
}
