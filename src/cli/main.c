#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"

static const char usage[] =
    "bnnsim " BNNSIM_VERSION " - software twin of a FINN binarized-neural-network accelerator\n"
    "\n"
    "Usage:\n"
    "  bnnsim [run] --net NET.json [--fold FOLD.json] --input FILE... [options]\n"
    "      classify images bit-exactly as FINN hardware does; print class and scores\n"
    "  bnnsim import bnn-pynq --network NET DIR -o OUT.json\n"
    "      convert BNN-PYNQ per-PE .bin files to OUT.json + OUT.npz + OUT.fold.json\n"
    "  bnnsim import onnx MODEL.onnx -o OUT.json\n"
    "      convert a FINN / QONNX ONNX model (any stage of the FINN flow) to OUT.json + OUT.npz\n"
    "      (+ OUT.fold.json from its HW layers); every --net also takes MODEL.onnx directly\n"
    "  bnnsim export onnx --net NET [--fold FOLD] [--form hw|streamlined] -o MODEL.onnx\n"
    "      write a FINN-ONNX model: HW layers carrying the folding, or the streamlined form\n"
    "  bnnsim train --topology sfc|lfc|tfc [--data IDX_DIR] [--epochs N] [--seed S] -o OUT.json\n"
    "      train a binarized MLP (default data: Debian's Fashion-MNIST) into a bnnsim network\n"
    "  bnnsim gen net --topology sfc|lfc|cnv [--seed N] -o OUT.json\n"
    "      write a deterministic, untrained network shaped as the FINN paper's\n"
    "  bnnsim gen samples -o DIR\n"
    "      write the bundled sample inputs\n"
    "  bnnsim info --net NET.json [--json]\n"
    "      list layers, shapes, data types and tensors\n"
    "  bnnsim perf --net NET.json --fold FOLD [--style finn|paper] [--size-fifos -o F] [--png P] [--json]\n"
    "             [--report-dir DIR] [--vcd F]\n"
    "      build the folded pipeline and simulate it cycle by cycle; size its FIFOs\n"
    "  bnnsim resources --net NET.json --fold FOLD [--device zc706] [--json]\n"
    "      LUT/FF/BRAM/URAM/DSP per node and the fit on a device\n"
    "  bnnsim dse --net NET.json --target-fps F [--device zc706] [-o FOLD.json] | --pareto\n"
    "      the cheapest folding for a frame rate; FINN's SetFolding; the Pareto front\n"
    "  bnnsim golden --net NET.json --fold FOLD --input FILE... -o DIR\n"
    "      write every stream's words (npy + hex) and the weight/threshold memories\n"
    "\n"
    "  bnnsim COMMAND --help   options of one command\n"
    "  -q, --quiet             (any command) no progress and no chatter on stderr; progress\n"
    "                          shows only when stderr is a terminal\n"
    "  --lenient               (any command) a folding entry that names no node is a warning, as\n"
    "                          FINN's ApplyConfig has it, not an error (FINN's own MVA_hls_3 typo)\n"
    "  bnnsim --version        version and kernel variant\n"
    "\n"
    "Examples:\n"
    "  bnnsim --net data/cnv.json --fold data/cnv-fix.fold.json --input data/samples/shapes.cifar10.bin\n"
    "  bnnsim run --net lfc.json --input t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz --json\n"
    "\n"
    "Exit status: 0 on success, 1 on an error (one line on stderr), 2 on a usage error,\n"
    "3 when dse cannot reach its target on the device (the reason is printed).\n"
    "Bundled data (devices, networks, foldings, samples) is found by name from any\n"
    "directory: --net cnv --fold cnv-fix --device pynq-z1 (BNNSIM_DATA overrides).\n"
    "Formats and exact semantics: README.md, docs/net-format.md, docs/semantics.md.\n";

int bnn_cli_lenient, bnn_cli_quiet;

int bnn_cli_fail(enum bnn_status st)
{
    const char *m = bnn_last_error();
    fprintf(stderr, "bnnsim: %s\n", m && *m ? m : bnn_status_str(st));
    return 1;
}

int bnn_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bnnsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see --help)\n", stderr);
    va_end(ap);
    return 2;
}

/* every warning of the run: on stderr as it comes, and in --json documents */
static struct bnn_warnings all_warnings;

void bnn_cli_print_warnings(struct bnn_warnings *w)
{
    for (int32_t i = 0; i < w->n; i++) {
        fprintf(stderr, "bnnsim: warning: %s\n", w->msg[i]);
        bnn__warn(&all_warnings, "%s", w->msg[i]);
    }
    bnn_warnings_free(w);
}

void bnn_cli_warn(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    struct bnn_warnings w = {0};
    bnn__warn(&w, "%s", buf);
    bnn_cli_print_warnings(&w);
}

char *bnn_cli_dumps(json_t *doc, size_t flags)
{
    json_t *arr = json_array();
    for (int32_t i = 0; i < all_warnings.n; i++) json_array_append_new(arr, json_string(all_warnings.msg[i]));
    json_object_set_new(doc, "warnings", arr);
    return json_dumps(doc, flags);
}

/* Progress on a terminal: one line, redrawn at most ten times a second and
 * cleared when the work is done. */
static void tty_progress(void *ctx, const char *what, int64_t done, int64_t total)
{
    static struct timespec last;
    static int shown;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (done >= total) {
        if (shown) fputs("\r\033[K", stderr);
        shown = 0;
        return;
    }
    if (shown && (now.tv_sec - last.tv_sec) * 1000000000L + (now.tv_nsec - last.tv_nsec) < 100000000L) return;
    last = now;
    shown = 1;
    fprintf(stderr, "\r\033[Kbnnsim: %s %lld/%lld (%.0f %%)", what, (long long)done, (long long)total,
            total > 0 ? 100.0 * (double)done / (double)total : 0.0);
    fflush(stderr);
}

static void on_fatal_signal(int sig)
{
    bnn_tmp_cleanup(); /* no temporaries of an interrupted write stay behind */
    signal(sig, SIG_DFL);
    raise(sig);
}

int bnn_cli_open(const char *net_path, const char *fold_path, int need_fold, struct bnn_net **net,
                 struct bnn_fold **fold, const char **where)
{
    struct bnn_warnings warn = {0};
    struct bnn_fold *own = NULL;
    static char net_buf[4200], fold_buf[4200]; /* the CLI opens one network per run */
    *net = NULL;
    if (fold) *fold = NULL;
    net_path = bnn_data_resolve(net_path, BNN_DATA_NET, net_buf, sizeof net_buf);
    if (fold_path) fold_path = bnn_data_resolve(fold_path, BNN_DATA_FOLD, fold_buf, sizeof fold_buf);
    enum bnn_status st = bnn_net_open(net_path, net, fold ? &own : NULL, &warn);
    bnn_cli_print_warnings(&warn);
    if (st) return bnn_cli_fail(st);
    if (!fold) return 0;
    if (fold_path) {
        bnn_fold_free(own);
        struct bnn_warnings fw = {0};
        st = bnn_fold_load_ex(fold_path, *net, bnn_cli_lenient, &fw, fold);
        bnn_cli_print_warnings(&fw);
        if (st) {
            bnn_net_free(*net);
            *net = NULL;
            return bnn_cli_fail(st);
        }
        if (where) *where = fold_path;
        for (int32_t j = 0; j < (*fold)->n; j++)
            if ((*fold)->layers[j].defaulted)
                bnn_cli_warn("%s: MVAU_hls_%d (layer '%s') has no entry: PE = SIMD = 1, as FINN does", fold_path, j,
                             (*net)->layers[(*fold)->layers[j].layer].name);
        return 0;
    }
    *fold = own;
    if (where) *where = net_path;
    if (!own && need_fold) {
        bnn_net_free(*net);
        *net = NULL;
        return bnn_cli_usage_error("--fold is required (a FINN folding JSON or a BNN-PYNQ config.h); an ONNX model with "
                                   "FINN HW layers carries its own");
    }
    return 0;
}

enum bnn_status bnn_cli_hw_build(const struct bnn_net *net, const struct bnn_fold *fold,
                                 const struct bnn_hw_options *o, const char *where, struct bnn_hw_pipeline **p)
{
    enum bnn_status st = bnn_hw_build(net, fold, o, where, p);
    for (int32_t i = 0; !st && fold->lenient && i < fold->n_nodes; i++)
        if (!fold->nodes[i].used)
            bnn_cli_warn("%s: \"%s\" names no node of the pipeline built for '%s'; ignored (--lenient)", where,
                         fold->nodes[i].name, net->name);
    return st;
}

enum bnn_status bnn_cli_append_input(struct bnn_images *imgs, const char *arg, struct bnn_shape in, int quiet)
{
    char buf[4200];
    imgs->note[0] = 0;
    enum bnn_status st = bnn_images_append_file(imgs, bnn_data_resolve(arg, BNN_DATA_FILE, buf, sizeof buf), in.h, in.w,
                                                in.c);
    if (!st && imgs->note[0] && !quiet) fprintf(stderr, "bnnsim: %s: %s\n", arg, imgs->note);
    return st;
}

int bnn_cli_parse_layout(const char *s, enum bnn_layout *o)
{
    if (!strcmp(s, "nchw") || !strcmp(s, "NCHW")) *o = BNN_LAYOUT_NCHW;
    else if (!strcmp(s, "nhwc") || !strcmp(s, "NHWC")) *o = BNN_LAYOUT_NHWC;
    else if (!strcmp(s, "auto")) *o = BNN_LAYOUT_AUTO;
    else return bnn_cli_usage_error("--layout: expected nchw, nhwc or auto, got '%s'", s);
    return 0;
}

int bnn_cli_parse_int(const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 0);
    if (!*s || *end || v < lo || v > hi) return bnn_cli_usage_error("%s: expected an integer %ld..%ld, got '%s'", opt, lo, hi, s);
    *out = v;
    return 0;
}

int bnn_cli_parse_style(const char *s, struct bnn_hw_options *o)
{
    if (!strcmp(s, "finn")) o->style = BNN_STYLE_FINN, o->swg = BNN_SWG_RTL;
    else if (!strcmp(s, "paper")) o->style = BNN_STYLE_PAPER, o->swg = BNN_SWG_2017;
    else return bnn_cli_usage_error("--style: expected finn or paper, got '%s'", s);
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGINT, on_fatal_signal);
    signal(SIGTERM, on_fatal_signal);
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    /* --lenient and --quiet apply to every command: taken out before the command parses */
    int n = 1;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--lenient")) bnn_cli_lenient = 1;
        else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) bnn_cli_quiet = 1;
        else argv[n++] = argv[i];
    argv[n] = NULL;
    argc = n;
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    /* progress only for a person watching: stderr a terminal and no -q */
    if (!bnn_cli_quiet && isatty(2)) bnn_set_progress(tty_progress, NULL);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("bnnsim %s (engines: ref, float; kernels: %s)\n", BNNSIM_VERSION, bnn_kernels_isa());
        return 0;
    }
    if (strcmp(cmd, "run") == 0) return bnn_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "import") == 0) return bnn_cmd_import(argc - 1, argv + 1);
    if (strcmp(cmd, "export") == 0) return bnn_cmd_export(argc - 1, argv + 1);
    if (strcmp(cmd, "train") == 0) return bnn_cmd_train(argc - 1, argv + 1);
    if (strcmp(cmd, "gen") == 0) return bnn_cmd_gen(argc - 1, argv + 1);
    if (strcmp(cmd, "info") == 0) return bnn_cmd_info(argc - 1, argv + 1);
    if (strcmp(cmd, "perf") == 0) return bnn_cmd_perf(argc - 1, argv + 1);
    if (strcmp(cmd, "golden") == 0) return bnn_cmd_golden(argc - 1, argv + 1);
    if (strcmp(cmd, "resources") == 0) return bnn_cmd_resources(argc - 1, argv + 1);
    if (strcmp(cmd, "dse") == 0) return bnn_cmd_dse(argc - 1, argv + 1);
    if (cmd[0] == '-') return bnn_cmd_run(argc, argv); /* bnnsim --net ... */
    return bnn_cli_usage_error("unknown command '%s'", cmd);
}
