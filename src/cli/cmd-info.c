/* bnnsim info: what a network file holds. */
#include <getopt.h>
#include <jansson.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: bnnsim info --net NET.json|MODEL.onnx [--json]\n"
    "\n"
    "Loads and validates NET.json + NET.npz and lists each layer: kind, input and\n"
    "output shape (H x W x C), value type, matrix size (MH x MW), thresholds.\n";

int bnn_cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {{"net", required_argument, 0, 'n'}, {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *path = NULL;
    int json = 0;
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1;) {
        switch (c) {
        case 'n': path = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return bnn_cli_usage_error("info: unexpected argument '%s'", argv[optind]);
    if (!path) return bnn_cli_usage_error("info: --net is required");
    struct bnn_net *net;
    int rc = bnn_cli_open(path, NULL, 0, &net, NULL, NULL);
    if (rc) return rc;
    json_t *layers = json_array();
    if (!json) {
        printf("%s: %d layers, %d classes%s%s\n", net->name, net->n_layers, net->n_classes,
               net->description ? "\n  " : "", net->description ? net->description : "");
        printf("%-3s %-10s %-11s %-14s %-14s %-9s %-12s %-9s %s\n", "#", "name", "kind", "in", "out", "values", "MH x MW",
               "weights", "activation");
    }
    int64_t macs = 0;
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        char in[48], out[48], mat[32] = "", act[96] = "", wt[24] = "", vals[32];
        snprintf(in, sizeof in, "%dx%dx%d", L->in.h, L->in.w, L->in.c);
        snprintf(out, sizeof out, "%dx%dx%d", L->out.h, L->out.w, L->out.c);
        if (L->mh) {
            snprintf(mat, sizeof mat, "%dx%d", L->mh, L->mw);
            macs += (int64_t)L->mh * L->mw * L->out.h * L->out.w;
            if (L->act == BNN_ACT_RAW) snprintf(act, sizeof act, "raw accumulator%s", L->acc_kind == BNN_ACC_DOT ? " (dot)" : "");
            else snprintf(act, sizeof act, "%d threshold%s, int%d%s%s", L->n_thr, L->n_thr > 1 ? "s" : "", L->thr_bits,
                          L->thr_frac ? " (fixed point)" : "", L->acc_kind == BNN_ACC_DOT ? ", dot acc" : "");
            if (L->w_bits == 1) snprintf(wt, sizeof wt, "bipolar");
            else snprintf(wt, sizeof wt, "%sint%d%s", L->w_signed ? "" : "u", L->w_bits, L->w_frac ? "/2^f" : "");
        }
        if (L->kind == BNN_LAYER_INPUT)
            snprintf(act, sizeof act, L->input.kind == BNN_INPUT_BINARY ? "pixel >= %d" : "fixed %d bits, %d frac",
                     L->input.kind == BNN_INPUT_BINARY ? L->input.binarize_threshold : L->input.bits, L->input.frac);
        if (L->out_type == BNN_VT_BITS) snprintf(vals, sizeof vals, "bits");
        else if (L->kind == BNN_LAYER_LABELSELECT) snprintf(vals, sizeof vals, "classes");
        else snprintf(vals, sizeof vals, "%d..%d", L->out_lo, L->out_hi);
        if (json)
            json_array_append_new(layers, json_pack("{s:s,s:s,s:[iii],s:[iii],s:s,s:[ii],s:i,s:i,s:i,s:s}", "name", L->name,
                                                    "kind", bnn_layer_kind_str(L->kind), "in", L->in.h, L->in.w, L->in.c,
                                                    "out", L->out.h, L->out.w, L->out.c, "values",
                                                    L->out_type == BNN_VT_BITS ? "bits" : "ints", "range", L->out_lo,
                                                    L->out_hi, "MH", L->mh, "MW", L->mw, "weight_bits", L->mh ? L->w_bits : 0,
                                                    "accumulator", L->acc_kind == BNN_ACC_DOT ? "dot" : "xnor-popcount"));
        else
            printf("%-3d %-10s %-11s %-14s %-14s %-9s %-12s %-9s %s\n", i, L->name, bnn_layer_kind_str(L->kind),
                   i ? in : "-", out, vals, mat, wt, act);
    }
    if (json) {
        json_t *doc = json_pack("{s:s,s:i,s:o,s:I}", "name", net->name, "n_classes", net->n_classes, "layers", layers,
                                "macs", (json_int_t)macs);
        char *t = bnn_cli_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(t);
        free(t);
        json_decref(doc);
    } else {
        json_decref(layers);
        printf("%lld MACs per image (%.1f M ops)\n", (long long)macs, 2e-6 * (double)macs);
    }
    bnn_net_free(net);
    return 0;
}
