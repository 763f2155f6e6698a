/* bnnsim import bnn-pynq | onnx: other tools' files -> OUT.json + OUT.npz (+ OUT.fold.json) */
#include <getopt.h>
#include <stdlib.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: bnnsim import bnn-pynq --network NET DIR -o OUT.json\n"
    "       bnnsim import onnx MODEL.onnx -o OUT.json [--input-scale S]   (or --net MODEL.onnx)\n"
    "\n"
    "bnn-pynq: reads BNN-PYNQ's trained parameters from DIR (<L>-<pe>-weights.bin,\n"
    "<L>-<pe>-thres.bin, classes.txt; the layout of bnn/params/<dataset>/<net>/)\n"
    "and writes OUT.json, OUT.npz and OUT.fold.json (the PE/SIMD folding the files\n"
    "were stored with, as a FINN folding config). Thresholds are converted\n"
    "exactly: BNN-PYNQ fires when T < acc, bnnsim when T' <= acc, so T' = T + 1;\n"
    "CNV's first layer keeps its 8 fraction bits.\n"
    "  NET: cnvW1A1, lfcW1A1 (BNN-PYNQ's folding unless DIR has a config.h), or\n"
    "  the 2-bit sets cnvW1A2, cnvW2A2, lfcW1A2, whose config.h (BNN-PYNQ's\n"
    "  bnn/src/network/NET/hw/config.h, copied into DIR) gives each layer's weight\n"
    "  and activation bits: 2-bit weights are ap_int<2> lanes of WPI bits; 2-bit\n"
    "  activations have 2 thresholds per row and give -1, 0 or 1 (ActVal -1).\n"
    "\n"
    "onnx: reads a FINN / QONNX model at any stage of the FINN flow (raw QONNX or\n"
    "FINN-ONNX export, tidied with pre/post-processing, streamlined, XNOR form, HW\n"
    "layers; docs/onnx.md) and writes OUT.json + OUT.npz, and OUT.fold.json when\n"
    "its HW layers carry a folding (PE, SIMD, FIFO depths, ram_style, mem_mode,\n"
    "resType). Batch norm and the sign become exact integer thresholds, as FINN's\n"
    "streamlining computes them. Every command's --net also takes MODEL.onnx\n"
    "directly; importing once saves the conversion on later runs.\n"
    "  --input-scale S   the model's float input is pixel / S (default: raw pixels\n"
    "                    when the input is annotated UINT8 or the graph divides by\n"
    "                    255 itself, else 255, as PyTorch's ToTensor)\n"
    "\n"
    "All files are written completely or not at all. Warnings (what FINN got wrong\n"
    "in a model, conventions assumed) go to stderr.\n";

static int write_outputs(struct bnn_net *net, struct bnn_fold *fold, const char *out)
{
    size_t ol = strlen(out);
    char fold_path[4200], npz[4200];
    snprintf(fold_path, sizeof fold_path, "%.*s.fold.json", (int)(ol - 5), out);
    snprintf(npz, sizeof npz, "%.*s.npz", (int)(ol - 5), out);
    enum bnn_status st = bnn_net_save(net, out);
    if (!st && fold && (st = bnn_fold_save(fold, net, fold_path))) {
        remove(out);
        remove(npz);
    }
    if (st) return bnn_cli_fail(st);
    printf("imported %s (%d layers, %d classes): %s, %s%s%s\n", net->name, net->n_layers, net->n_classes, out, npz,
           fold ? ", " : "", fold ? fold_path : "");
    return 0;
}

int bnn_cmd_import(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2 || (strcmp(argv[1], "bnn-pynq") && strcmp(argv[1], "onnx")))
        return bnn_cli_usage_error("import: expected 'bnn-pynq' or 'onnx'%s%s%s", argc >= 2 ? ", not '" : "",
                                   argc >= 2 ? argv[1] : "", argc >= 2 ? "'" : "");
    const int onnx = !strcmp(argv[1], "onnx");
    static const struct option opts[] = {{"network", required_argument, 0, 'n'}, {"net", required_argument, 0, 'N'},
                                         {"input-scale", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *network = NULL, *out = NULL, *src = NULL;
    struct bnn_onnx_options oo = {0};
    optind = 1;
    opterr = 0;
    argc--, argv++;
    for (int c; (c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1;) {
        switch (c) {
        case 'n': network = optarg; break;
        case 'N': /* --net MODEL.onnx, as every other command names its network */
            if (!onnx) return bnn_cli_usage_error("import bnn-pynq: give the directory, not --net");
            src = optarg;
            break;
        case 's': {
            char *end;
            oo.input_scale = strtod(optarg, &end);
            if (*end || !(oo.input_scale > 0 && oo.input_scale < 1e9))
                return bnn_cli_usage_error("--input-scale: expected a positive number, got '%s'", optarg);
            break;
        }
        case 'o': out = optarg; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    const char *what = onnx ? "MODEL.onnx" : "DIR";
    if (optind == argc - 1 && !src) src = argv[optind];
    else if (optind < argc) return bnn_cli_usage_error("import: one %s expected, got '%s' and more", what, argv[optind]);
    if (!src) return bnn_cli_usage_error("import: %s is required", what);
    if (!out) return bnn_cli_usage_error("import: -o OUT.json is required");
    size_t ol = strlen(out);
    if (ol < 6 || strcmp(out + ol - 5, ".json") != 0) return bnn_cli_usage_error("import: -o must name a .json file");
    struct bnn_net *net = NULL;
    struct bnn_fold *fold = NULL;
    enum bnn_status st;
    if (onnx) {
        if (network) return bnn_cli_usage_error("import onnx: --network belongs to bnn-pynq");
        struct bnn_warnings warn = {0};
        st = bnn_onnx_import(src, &oo, &net, &fold, &warn);
        bnn_cli_print_warnings(&warn);
    } else {
        if (!network) return bnn_cli_usage_error("import: --network cnvW1A1|lfcW1A1|cnvW1A2|cnvW2A2|lfcW1A2 is required");
        if (oo.input_scale > 0) return bnn_cli_usage_error("import bnn-pynq: --input-scale belongs to onnx");
        enum bnn_pynq_network which;
        if ((st = bnn_pynq_network_parse(network, &which))) return bnn_cli_usage_error("import: %s", bnn_last_error());
        struct bnn_warnings warn = {0};
        st = bnn_pynq_import(which, src, &net, &fold, &warn);
        bnn_cli_print_warnings(&warn);
    }
    int rc = st ? bnn_cli_fail(st) : write_outputs(net, fold, out);
    bnn_net_free(net);
    bnn_fold_free(fold);
    return rc;
}
