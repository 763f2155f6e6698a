/* bnnsim golden: expected stream data and memory files for testbenches. */
#include <getopt.h>
#include <stdlib.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: bnnsim golden --net NET.json [--fold FOLD] --input FILE... -o DIR [options]\n"
    "\n"
    "Runs the inputs through the bit-exact executor and writes, for every link of\n"
    "the folded pipeline (the one `bnnsim perf` simulates: sliding-window outputs,\n"
    "MVAU inputs and outputs, width converters, pools, label select, DMA words),\n"
    "the stream words in FINN's packing:\n"
    "  streams/NN-<producer>.npy   FINN's folded shape, one frame per leading index\n"
    "                              (values; DMA streams as packed bytes)\n"
    "  streams/NN-<producer>.hex   one word per line, for $readmemh\n"
    "and the memories each layer loads:\n"
    "  memories/<layer>/params.h      finn-hlslib BinaryWeights (internal_embedded)\n"
    "  memories/<layer>/thresh.h      ThresholdsActivation, comp::less_equal\n"
    "  memories/<layer>/memblock.dat  one WMEM word per line (internal_decoupled)\n"
    "  bnn-pynq/                      per-PE .bin files, classes.txt, config.h\n"
    "  folding.json, manifest.json    (manifest: every stream's producer, consumer,\n"
    "                                 width, words per frame, dtype, files)\n"
    "DIR must not exist; it appears only when everything is written.\n"
    "\n"
    "Packing: lane 0 in the least significant bits, bipolar -1 as bit 0, signed\n"
    "values in two's complement (docs/golden-format.md).\n"
    "\n"
    "Options:\n"
    "  --net FILE        network: NET.json (NET.npz beside it) or a FINN/QONNX MODEL.onnx\n"
    "  --fold FILE       folding config (FINN JSON or BNN-PYNQ config.h); an ONNX\n"
    "                    model with FINN HW layers carries its own\n"
    "  --input FILE...   images (CIFAR-10 records, IDX, PNG/JPEG/BMP, .npy)\n"
    "  -o DIR            output directory (new)\n"
    "  --frames N        use only the first N images\n"
    "  --layout L        how .npy inputs are laid out: nchw (FINN's input.npy), nhwc,\n"
    "                    or auto (default: from the shape, and said on stderr)\n"
    "  --layers A,B      only the streams and memories of these layers\n"
    "  --no-memories     streams only\n"
    "  --style S         finn (default) or paper pipeline\n"
    "  -q, --quiet       no size line on stderr\n"
    "  -h, --help        this text\n"
    "\n"
    "Example:\n"
    "  bnnsim golden --net data/cnv.json --fold data/cnv-fix.fold.json \\\n"
    "      --input data/samples/shapes.cifar10.bin --frames 2 -o golden-cnv\n";

int bnn_cmd_golden(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},   {"fold", required_argument, 0, 'f'},
        {"input", required_argument, 0, 'i'}, {"frames", required_argument, 0, 'F'},
        {"layers", required_argument, 0, 'L'}, {"no-memories", no_argument, 0, 'M'},
        {"style", required_argument, 0, 's'}, {"quiet", no_argument, 0, 'q'},
        {"layout", required_argument, 0, 'Y'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *net_path = NULL, *fold_path = NULL, *out = NULL;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    int n_inputs = 0, quiet = bnn_cli_quiet, rc = 2;
    long frames = 0;
    enum bnn_layout layout = BNN_LAYOUT_AUTO;
    struct bnn_golden_options go = {0, NULL, 1};
    struct bnn_hw_options ho;
    bnn_hw_options_default(&ho);
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
        case 'Y': if (bnn_cli_parse_layout(optarg, &layout)) goto out; break;
        case 'F': if (bnn_cli_parse_int("--frames", optarg, 1, 1 << 24, &frames)) goto out; break;
        case 'L': go.layers = optarg; break;
        case 'M': go.memories = 0; break;
        case 's':
            if (bnn_cli_parse_style(optarg, &ho)) goto out;
            break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(help, stdout); rc = 0; goto out;
        case ':': bnn_cli_usage_error("option %s needs a value", argv[optind - 1]); goto out;
        default: bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]); goto out;
        }
    }
    if (optind < argc) { bnn_cli_usage_error("unexpected argument '%s'", argv[optind]); goto out; }
    if (!net_path || !n_inputs || !out) {
        bnn_cli_usage_error("--net, --input and -o are required (and --fold, unless the ONNX model carries its folding)");
        goto out;
    }
    go.frames = (int32_t)frames;
    rc = 1;
    struct bnn_net *net = NULL;
    struct bnn_fold *fold = NULL;
    struct bnn_hw_pipeline *p = NULL;
    struct bnn_images imgs = {.layout = layout};
    enum bnn_status st;
    if ((rc = bnn_cli_open(net_path, fold_path, 1, &net, &fold, &fold_path))) goto done;
    rc = 1;
    if (fold->swg_hls && ho.style == BNN_STYLE_FINN) ho.swg = BNN_SWG_HLS;
    if ((st = bnn_cli_hw_build(net, fold, &ho, fold_path, &p))) {
        rc = bnn_cli_fail(st);
        goto done;
    }
    const struct bnn_shape in = net->layers[0].out;
    for (int k = 0; k < n_inputs; k++)
        if ((st = bnn_cli_append_input(&imgs, inputs[k], in, quiet))) { rc = bnn_cli_fail(st); goto done; }
    if ((st = bnn_golden_write(net, fold, p, imgs.pixels, imgs.n, &go, out, quiet ? NULL : stderr))) {
        rc = bnn_cli_fail(st);
        goto done;
    }
    if (!quiet) fprintf(stderr, "golden: wrote %s (manifest.json lists every file)\n", out);
    rc = 0;
done:
    bnn_images_free(&imgs);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
out:
    free(inputs);
    return rc;
}
