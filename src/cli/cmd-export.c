/* bnnsim export onnx: a network (and its folding) as a FINN-ONNX model */
#include <getopt.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: bnnsim export onnx --net NET [--fold FOLD] [--form hw|streamlined] -o MODEL.onnx\n"
    "\n"
    "Writes the network as a FINN-ONNX model FINN can take up again:\n"
    "  --form hw           (default with --fold) FINN's HW layers as bnnsim's FINN-style\n"
    "                      pipeline builds them: Thresholding_rtl, FMPadding_rtl,\n"
    "                      ConvolutionInputGenerator_rtl, MVAU_hls, StreamingMaxPool_hls,\n"
    "                      LabelSelect_hls, StreamingDataWidthConverter_*, StreamingFIFO_rtl,\n"
    "                      NHWC, named as bnnsim names them, with PE, SIMD, FIFO depths,\n"
    "                      ram_style, mem_mode and resType from the folding as node\n"
    "                      attributes. A folding found by `bnnsim dse` goes back into the\n"
    "                      FINN flow this way, with the network it was found for.\n"
    "  --form streamlined  (default without --fold) what FINN's streamlining leaves:\n"
    "                      MultiThreshold + MatMul/Conv with +-1 weights, MaxPool, TopK,\n"
    "                      NCHW.\n"
    "Custom domains (qonnx.custom_op.general, finn.custom_op.fpgadataflow.hls/.rtl) are\n"
    "declared in opset_import, so onnx.checker accepts the file. bnnsim's names,\n"
    "classes and threshold scales ride along in the model's metadata, so reading the\n"
    "file back (--net MODEL.onnx, or bnnsim import onnx) gives the same network.\n"
    "The file is written completely or not at all.\n";

int bnn_cmd_export(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "onnx")) return bnn_cli_usage_error("export: expected 'onnx'%s%s%s", argc >= 2 ? ", not '" : "",
                                                                argc >= 2 ? argv[1] : "", argc >= 2 ? "'" : "");
    static const struct option opts[] = {{"net", required_argument, 0, 'n'}, {"fold", required_argument, 0, 'f'},
                                         {"form", required_argument, 0, 'F'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *net_path = NULL, *fold_path = NULL, *out = NULL, *form_s = NULL;
    optind = 1;
    opterr = 0;
    argc--, argv++;
    for (int c; (c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1;) {
        switch (c) {
        case 'n': net_path = optarg; break;
        case 'f': fold_path = optarg; break;
        case 'F': form_s = optarg; break;
        case 'o': out = optarg; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return bnn_cli_usage_error("export: unexpected argument '%s'", argv[optind]);
    if (!net_path || !out) return bnn_cli_usage_error("export: --net and -o MODEL.onnx are required");
    enum bnn_onnx_form form;
    if (!form_s) form = fold_path ? BNN_ONNX_HW : BNN_ONNX_STREAMLINED;
    else if (!strcmp(form_s, "hw")) form = BNN_ONNX_HW;
    else if (!strcmp(form_s, "streamlined")) form = BNN_ONNX_STREAMLINED;
    else return bnn_cli_usage_error("--form: expected hw or streamlined, got '%s'", form_s);
    if (form == BNN_ONNX_STREAMLINED && fold_path)
        return bnn_cli_usage_error("export: the streamlined form has no folding; --form hw writes it");
    struct bnn_net *net;
    struct bnn_fold *fold;
    int rc = bnn_cli_open(net_path, fold_path, 0, &net, &fold, NULL);
    if (rc) return rc;
    enum bnn_status st = bnn_onnx_export(net, form == BNN_ONNX_HW ? fold : NULL, form, out);
    if (st) rc = bnn_cli_fail(st);
    else printf("exported %s (%s form%s) to %s\n", net->name, form == BNN_ONNX_HW ? "HW-layer" : "streamlined",
                form == BNN_ONNX_HW ? (fold ? ", with its folding" : ", PE = SIMD = 1") : "", out);
    bnn_net_free(net);
    bnn_fold_free(fold);
    return rc;
}
