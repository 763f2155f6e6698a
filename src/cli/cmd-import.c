/* bnnsim import bnn-pynq: per-PE .bin files -> OUT.json + OUT.npz + OUT.fold.json */
#include <getopt.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: bnnsim import bnn-pynq --network cnvW1A1|lfcW1A1 DIR -o OUT.json\n"
    "\n"
    "Reads BNN-PYNQ's trained parameters from DIR (<L>-<pe>-weights.bin,\n"
    "<L>-<pe>-thres.bin, classes.txt; the layout of bnn/params/<dataset>/<net>/)\n"
    "and writes OUT.json, OUT.npz and OUT.fold.json (the PE/SIMD folding the files\n"
    "were stored with, as a FINN folding config).\n"
    "\n"
    "Thresholds are converted exactly: BNN-PYNQ fires when T < acc, bnnsim when\n"
    "T' <= acc, so T' = T + 1; CNV's first layer keeps its 8 fraction bits.\n"
    "All three files are written completely or not at all.\n";

int bnn_cmd_import(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "bnn-pynq") != 0)
        return bnn_cli_usage_error("import: expected 'bnn-pynq' (the only importer so far)");
    static const struct option opts[] = {{"network", required_argument, 0, 'n'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *network = NULL, *out = NULL, *dir = NULL;
    optind = 1;
    opterr = 0;
    argc--, argv++;
    for (int c; (c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1;) {
        switch (c) {
        case 'n': network = optarg; break;
        case 'o': out = optarg; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind == argc - 1) dir = argv[optind];
    else if (optind < argc) return bnn_cli_usage_error("import: one DIR expected, got '%s' and more", argv[optind]);
    if (!network) return bnn_cli_usage_error("import: --network cnvW1A1|lfcW1A1 is required");
    if (!dir) return bnn_cli_usage_error("import: the parameter directory DIR is required");
    if (!out) return bnn_cli_usage_error("import: -o OUT.json is required");
    size_t ol = strlen(out);
    if (ol < 6 || strcmp(out + ol - 5, ".json") != 0) return bnn_cli_usage_error("import: -o must name a .json file");

    enum bnn_pynq_network which;
    enum bnn_status st = bnn_pynq_network_parse(network, &which);
    if (st) return bnn_cli_usage_error("import: %s", bnn_last_error());
    struct bnn_net *net;
    struct bnn_fold *fold;
    if ((st = bnn_pynq_import(which, dir, &net, &fold))) return bnn_cli_fail(st);
    char fold_path[4200], npz[4200];
    snprintf(fold_path, sizeof fold_path, "%.*s.fold.json", (int)(ol - 5), out);
    snprintf(npz, sizeof npz, "%.*s.npz", (int)(ol - 5), out);
    st = bnn_net_save(net, out);
    if (!st && (st = bnn_fold_save(fold, net, fold_path))) {
        remove(out);
        remove(npz);
    }
    int rc = st ? bnn_cli_fail(st) : 0;
    if (!st)
        printf("imported %s (%d layers, %d classes): %s, %s, %s\n", net->name, net->n_layers, net->n_classes, out, npz,
               fold_path);
    bnn_net_free(net);
    bnn_fold_free(fold);
    return rc;
}
