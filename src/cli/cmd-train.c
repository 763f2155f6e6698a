/* bnnsim train: a binarized MLP trained on IDX data, written as a bnnsim network */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <omp.h>
#include <unistd.h>

#include "cli/cli.h"
#include "bnnsim/train.h"

char *openblas_get_corename(void);

static const char help[] =
    "Usage: bnnsim train --topology sfc|lfc|tfc|NET.json [--data DIR] [options] -o OUT.json\n"
    "\n"
    "Trains a binarized MLP the way BinaryNet and FINN's Brevitas examples do (float\n"
    "latent weights, their sign in the forward pass, batch norm before each sign,\n"
    "straight-through estimator with clipping, Adam, a cosine learning-rate schedule,\n"
    "shuffled mini-batches, a held-out validation split; the dense algebra in OpenBLAS\n"
    "sgemm) and writes it as an ordinary bnnsim network: batch norm + sign folded into\n"
    "integer thresholds (negative slopes negate the row, as FINN's streamlining does)\n"
    "that reproduce the trainer's own binarized forward pass exactly. At the end it\n"
    "checks that on every test image, and reports the test accuracy.\n"
    "\n"
    "  --topology T     sfc (784-256-256-256-10), lfc (784-1024x3-10), tfc (784-64x3-10,\n"
    "                   the FINN examples' net), or NET.json to take its MLP shape\n"
    "  --net NET.json   the same as --topology NET.json\n"
    "  --data DIR       IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte,\n"
    "                   t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (.gz or plain);\n"
    "                   default /usr/share/datasets/fashion-mnist (Debian's\n"
    "                   dataset-fashion-mnist). MNIST-format files from anywhere work.\n"
    "  --epochs N       default 20\n"
    "  --seed S         default 1; the same seed and thread count give the same bits\n"
    "  --threads N      OpenMP and OpenBLAS threads (default: all cores)\n"
    "  --batch B        mini-batch (default 100)\n"
    "  --lr X           Adam's initial learning rate (default 0.003; cosine to X/100)\n"
    "  --input K        fixed (default: 8-bit Q1.7 pixels, as CNV's first layer) or\n"
    "                   binary (pixel >= 128, as BNN-PYNQ's LFC)\n"
    "  --val N          training images held out for validation (default 5000)\n"
    "  --limit N        train on the first N images only\n"
    "  --name NAME      network name (default: OUT's file name)\n"
    "  --json           a JSON summary on stdout (per epoch, test accuracy, setup)\n"
    "  -q, --quiet      no progress\n"
    "  -o OUT.json      the network (OUT.json + OUT.npz), written only when training\n"
    "                   finished; Ctrl-C stops without leaving any file\n"
    "\n"
    "Progress: a bar per epoch on a terminal (loss, accuracy, images/s), one line per\n"
    "epoch otherwise (on stderr).\n";

static volatile int stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

struct prog {
    int tty, quiet, epochs;
};

static void progress(const struct bnn_train_epoch *e, int64_t done, int64_t total, void *ctx)
{
    const struct prog *p = ctx;
    if (p->quiet) return;
    if (done < total) {
        if (!p->tty) return;
        int w = 30, k = (int)(w * done / total);
        fprintf(stderr, "\repoch %d/%d [%.*s%*s] loss %.3f acc %5.2f %% %6.0f img/s", e->epoch, p->epochs, k,
                "##############################", w - k, "", e->loss, 100 * e->train_acc, e->images_per_s);
        return;
    }
    fprintf(stderr, "%sepoch %d/%d  loss %.4f  train %5.2f %%  val %5.2f %%  lr %.2e  %.1f s  %.0f img/s\n",
            p->tty ? "\r\033[K" : "", e->epoch, p->epochs, e->loss, 100 * e->train_acc, 100 * e->val_acc, e->lr,
            e->seconds, e->images_per_s);
}

static enum bnn_status load_split(const char *dir, const char *split, struct bnn_images *imgs)
{
    char ip[4200], lp[4200];
    const char *sfx[] = {".gz", ""};
    for (int k = 0; k < 2; k++) {
        snprintf(ip, sizeof ip, "%s/%s-images-idx3-ubyte%s", dir, split, sfx[k]);
        snprintf(lp, sizeof lp, "%s/%s-labels-idx1-ubyte%s", dir, split, sfx[k]);
        if (access(ip, R_OK) == 0) break;
    }
    enum bnn_status st = bnn_images_append_file(imgs, ip, 28, 28, 1);
    if (!st) st = bnn_images_set_labels(imgs, lp, 0, imgs->n);
    return st;
}

static const char *const fashion[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

int bnn_cmd_train(int argc, char **argv)
{
    static const struct option opts[] = {
        {"topology", required_argument, 0, 'T'}, {"net", required_argument, 0, 'T'}, {"data", required_argument, 0, 'D'}, {"epochs", required_argument, 0, 'e'},
        {"seed", required_argument, 0, 's'},     {"threads", required_argument, 0, 't'}, {"batch", required_argument, 0, 'b'},
        {"lr", required_argument, 0, 'r'},       {"input", required_argument, 0, 'i'}, {"val", required_argument, 0, 'v'},
        {"limit", required_argument, 0, 'l'},    {"name", required_argument, 0, 'N'}, {"json", no_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},          {"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
    const char *topo = NULL, *dir = "/usr/share/datasets/fashion-mnist", *out = NULL, *name = NULL, *input = "fixed";
    struct bnn_train_options o;
    bnn_train_options_default(&o);
    int json = 0, quiet = bnn_cli_quiet;
    long v;
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":ho:q", opts, NULL)) != -1;) {
        switch (c) {
        case 'T': topo = optarg; break;
        case 'D': dir = optarg; break;
        case 'e': if (bnn_cli_parse_int("--epochs", optarg, 1, 10000, &v)) return 2; o.epochs = (int32_t)v; break;
        case 's': {
            char *end;
            o.seed = strtoull(optarg, &end, 0);
            if (!*optarg || *end) return bnn_cli_usage_error("--seed: expected an integer, got '%s'", optarg);
            break;
        }
        case 't': if (bnn_cli_parse_int("--threads", optarg, 1, 1024, &v)) return 2; o.threads = (int32_t)v; break;
        case 'b': if (bnn_cli_parse_int("--batch", optarg, 2, 65536, &v)) return 2; o.batch = (int32_t)v; break;
        case 'r': {
            char *end;
            o.lr = strtod(optarg, &end);
            if (*end || !(o.lr > 0 && o.lr < 10)) return bnn_cli_usage_error("--lr: expected a positive number, got '%s'", optarg);
            o.lr_end = o.lr / 100;
            break;
        }
        case 'i':
            if (strcmp(optarg, "fixed") && strcmp(optarg, "binary")) return bnn_cli_usage_error("--input: expected fixed or binary, got '%s'", optarg);
            input = optarg;
            break;
        case 'v': if (bnn_cli_parse_int("--val", optarg, 0, 1 << 30, &v)) return 2; o.val = (int32_t)v; break;
        case 'l': if (bnn_cli_parse_int("--limit", optarg, 1, 1 << 30, &v)) return 2; o.limit = (int32_t)v; break;
        case 'N': name = optarg; break;
        case 'j': json = 1; break;
        case 'q': quiet = 1; break;
        case 'o': out = optarg; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return bnn_cli_usage_error("train: unexpected argument '%s'", argv[optind]);
    if (!topo) return bnn_cli_usage_error("train: --topology sfc|lfc|tfc|NET.json is required");
    if (!out) return bnn_cli_usage_error("train: -o OUT.json is required");
    size_t ol = strlen(out);
    if (ol < 6 || strcmp(out + ol - 5, ".json")) return bnn_cli_usage_error("train: -o must name a .json file");
    o.input_fixed = !strcmp(input, "fixed");
    enum bnn_status st;
    if (strstr(topo, ".json") || strstr(topo, ".onnx")) {
        struct bnn_net *shape;
        int rc = bnn_cli_open(topo, NULL, 0, &shape, NULL, NULL);
        if (rc) return rc;
        st = bnn_train_topology_of(shape, &o);
        bnn_net_free(shape);
        if (st) return bnn_cli_fail(st);
    } else if (bnn_train_topology(topo, &o)) {
        return bnn_cli_usage_error("--topology: %s", bnn_last_error());
    }

    struct bnn_images train = {0}, test = {0};
    struct bnn_mlp *m = NULL;
    struct bnn_net *net = NULL;
    struct bnn_plan *plan = NULL;
    int32_t *mine = NULL, n_ep = 0;
    struct bnn_result *res = NULL;
    struct bnn_train_epoch *eps = calloc((size_t)o.epochs, sizeof *eps);
    int rc = 1;
    if (!eps) return bnn_cli_fail(BNN_ERR_NOMEM);
    if ((st = load_split(dir, "train", &train)) || (st = load_split(dir, "t10k", &test))) {
        rc = bnn_cli_fail(st);
        goto done;
    }
    struct prog pr = {isatty(2), quiet || (json && !isatty(2)), o.epochs};
    o.progress = progress;
    o.ctx = &pr;
    o.stop = &stop_flag;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = bnn_mlp_train(&train, &o, &m, eps, &n_ep);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st) {
        if (stop_flag) {
            fprintf(stderr, "%sbnnsim: train: stopped; nothing written\n", pr.tty ? "\n" : "");
            rc = 130;
        } else {
            rc = bnn_cli_fail(st);
        }
        goto done;
    }
    const double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    const int is_fashion = strstr(dir, "fashion") != NULL && o.n_classes == 10;
    /* the trainer's own binarized pass and the exported network, on every test image */
    mine = malloc((size_t)test.n * sizeof *mine + 4);
    res = malloc((size_t)test.n * sizeof *res + sizeof *res);
    if (!mine || !res) { rc = bnn_cli_fail(BNN_ERR_NOMEM); goto done; }
    if ((st = bnn_mlp_predict(m, test.pixels, test.n, mine))) { rc = bnn_cli_fail(st); goto done; }
    char nm[BNN_NAME_MAX], desc[1024];
    const char *base = bnn__basename_cli(out);
    snprintf(nm, sizeof nm, "%.*s", (int)(strlen(base) - 5 < sizeof nm - 1 ? strlen(base) - 5 : sizeof nm - 1), base);
    char lim[32] = "";
    if (o.limit) snprintf(lim, sizeof lim, " --limit %d", o.limit);
    snprintf(desc, sizeof desc, "trained by bnnsim train --topology %s --epochs %d --seed %llu --threads %d --batch %d --lr %g "
             "--input %s --val %d%s (OpenBLAS %s)", topo, o.epochs, (unsigned long long)o.seed,
             o.threads ? o.threads : omp_get_max_threads(), o.batch, o.lr, input, o.val, lim, openblas_get_corename());
    if ((st = bnn_mlp_export(m, name ? name : nm, desc, is_fashion ? fashion : NULL, &net))) { rc = bnn_cli_fail(st); goto done; }
    struct bnn_plan_options po = {BNN_ENGINE_REF, o.threads};
    if ((st = bnn_plan_create(net, &po, &plan)) || (st = bnn_plan_run(plan, test.pixels, test.n, NULL, res))) {
        rc = bnn_cli_fail(st);
        goto done;
    }
    int32_t agree = 0, correct = 0;
    for (int32_t i = 0; i < test.n; i++) {
        agree += res[i].class_index == mine[i];
        correct += res[i].class_index == test.labels[i];
    }
    if (agree != test.n) {
        fprintf(stderr, "bnnsim: internal error: the exported network disagrees with the trainer on %d of %d test images\n",
                test.n - agree, test.n);
        goto done;
    }
    const double acc = (double)correct / test.n;
    snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "; test accuracy %.2f %% on %s", 100 * acc, dir);
    free(net->description);
    net->description = strdup(desc);
    /* no Ctrl-C between the two renames of the save */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    st = bnn_net_save(net, out);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (st) { rc = bnn_cli_fail(st); goto done; }
    if (json) {
        json_t *doc = json_pack("{s:s,s:s,s:s,s:i,s:I,s:i,s:i,s:f,s:s,s:f,s:i,s:i,s:f,s:s}", "network", out, "topology", topo,
                                "input", input, "epochs", n_ep, "seed", (json_int_t)o.seed, "threads",
                                o.threads ? o.threads : omp_get_max_threads(), "batch", o.batch, "lr", o.lr, "data", dir,
                                "test_accuracy", acc, "test_images", test.n, "agree_with_trainer", agree, "seconds", secs,
                                "openblas_core", openblas_get_corename());
        json_t *arr = json_array();
        for (int32_t e = 0; e < n_ep; e++)
            json_array_append_new(arr, json_pack("{s:i,s:f,s:f,s:f,s:f,s:f,s:f}", "epoch", eps[e].epoch, "loss", eps[e].loss,
                                                 "train_accuracy", eps[e].train_acc, "val_accuracy", eps[e].val_acc, "lr",
                                                 eps[e].lr, "seconds", eps[e].seconds, "images_per_s", eps[e].images_per_s));
        json_object_set_new(doc, "per_epoch", arr);
        char *t = bnn_cli_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8));
        puts(t);
        free(t);
        json_decref(doc);
    } else {
        printf("trained %s in %.1f s: test accuracy %.2f %% (%d of %d); the exported network agrees with the trainer on "
               "all %d test images\nwritten: %s and its .npz\n",
               net->name, secs, 100 * acc, correct, test.n, agree, out);
    }
    rc = 0;
done:
    free(eps);
    free(mine);
    free(res);
    bnn_plan_free(plan);
    bnn_net_free(net);
    bnn_mlp_free(m);
    bnn_images_free(&train);
    bnn_images_free(&test);
    return rc;
}
