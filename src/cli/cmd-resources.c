/* bnnsim resources: LUT/FF/BRAM/URAM/DSP of a folded pipeline, and the fit. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: bnnsim resources --net NET.json [--fold FOLD] [--device NAME] [options]\n"
    "\n"
    "Estimates the resources of the pipeline `bnnsim perf` builds, per node and per\n"
    "FIFO: LUT, FF, BRAM (18K and 36K), URAM, DSP, and says whether it fits the\n"
    "device's recommended utilisation. Every memory is listed with how it maps\n"
    "(registers, LUT RAM, block RAM aspect ratio, URAM) and the rule that decided.\n"
    "\n"
    "Accuracy: the LUT model of the paper-style pipeline is within 8 % of the\n"
    "FPGA'17 prototypes; BRAM matches LFC-max exactly but misses other designs by up\n"
    "to 35 % (docs/resources.md). FINN-style numbers use FINN's own formulas, which\n"
    "count an XNOR lane as a multiplier and run high.\n"
    "\n"
    "Options:\n"
    "  --net FILE        network: NET.json (NET.npz beside it) or a FINN/QONNX MODEL.onnx\n"
    "  --fold FILE       folding config (FINN JSON or BNN-PYNQ config.h); an ONNX\n"
    "                    model with FINN HW layers carries its own\n"
    "  --device NAME     zc706 (default), pynq-z1, pynq-z2, ultra96, zcu104, or a\n"
    "                    device JSON file (data/devices/*.json shows the format)\n"
    "  --style S         finn (default) or paper\n"
    "  --memories        list every memory and its mapping rule\n"
    "  --json            one JSON document: total and per node LUT, FF, BRAM_18K,\n"
    "                    BRAM_36K, URAM, DSP; fit; memories\n"
    "  -h, --help        this text\n";

static json_t *res_json(const struct bnn_res *r)
{
    return json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "LUT", r->lut, "FF", r->ff, "BRAM_18K", r->bram18, "BRAM_36K",
                     r->bram18 / 2, "URAM", r->uram, "DSP", r->dsp, "LUTRAM", r->lutram);
}

int bnn_cmd_resources(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'}, {"fold", required_argument, 0, 'f'}, {"device", required_argument, 0, 'd'},
        {"style", required_argument, 0, 's'}, {"memories", no_argument, 0, 'm'}, {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *net_path = NULL, *fold_path = NULL, *dev_name = "zc706";
    int json = 0, mems = 0;
    struct bnn_hw_options ho;
    bnn_hw_options_default(&ho);
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1;) {
        switch (c) {
        case 'n': net_path = optarg; break;
        case 'f': fold_path = optarg; break;
        case 'd': dev_name = optarg; break;
        case 's':
            if (bnn_cli_parse_style(optarg, &ho)) return 2;
            break;
        case 'm': mems = 1; break;
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return bnn_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!net_path) return bnn_cli_usage_error("--net is required");
    struct bnn_net *net = NULL;
    struct bnn_fold *fold = NULL;
    struct bnn_hw_pipeline *p = NULL;
    struct bnn_resource_report *r = NULL;
    struct bnn_device dev;
    enum bnn_status st;
    int rc = 1;
    if ((st = bnn_device_load(dev_name, &dev))) {
        rc = bnn_cli_fail(st);
        goto done;
    }
    if ((rc = bnn_cli_open(net_path, fold_path, 1, &net, &fold, &fold_path))) goto done;
    rc = 1;
    if (fold->swg_hls && ho.style == BNN_STYLE_FINN) ho.swg = BNN_SWG_HLS;
    ho.clock_mhz = dev.clock_mhz;
    if ((st = bnn_cli_hw_build(net, fold, &ho, fold_path, &p)) || (st = bnn_hw_resources(p, net, fold, &r))) {
        rc = bnn_cli_fail(st);
        goto done;
    }
    char why[256];
    int fits = bnn_resources_fit(&r->total, &dev, why, sizeof why);
    if (json) {
        json_t *o = json_object(), *layers = json_array(), *fifos = json_array(), *mm = json_array();
        json_object_set_new(o, "network", json_string(net->name));
        json_object_set_new(o, "device", json_string(dev.name));
        json_object_set_new(o, "part", json_string(dev.part));
        json_object_set_new(o, "style", json_string(ho.style == BNN_STYLE_FINN ? "finn" : "paper"));
        json_object_set_new(o, "total", res_json(&r->total));
        json_object_set_new(o, "fits", json_boolean(fits));
        json_object_set_new(o, "fit", json_string(why));
        for (int32_t i = 0; i < p->n_nodes; i++) {
            json_t *l = res_json(&r->node[i]);
            json_object_set_new(l, "name", json_string(p->nodes[i].name));
            json_object_set_new(l, "kind", json_string(bnn_hw_kind_str(p->nodes[i].kind)));
            json_array_append_new(layers, l);
        }
        for (int32_t i = 0; i < p->n_links; i++) {
            json_t *l = res_json(&r->link[i]);
            json_object_set_new(l, "name", json_string(p->links[i].name));
            json_object_set_new(l, "depth", json_integer(p->links[i].depth));
            json_array_append_new(fifos, l);
        }
        static const char *const tgt[] = {"lutram", "bram", "uram", "registers"};
        for (int32_t m = 0; m < r->n_mem; m++) {
            const struct bnn_mem_decision *d = &r->mem[m];
            json_array_append_new(mm, json_pack("{s:s,s:s,s:i,s:I,s:i,s:s,s:f,s:f,s:f,s:s}", "node",
                                                d->node < p->n_nodes ? p->nodes[d->node].name : p->links[d->node - p->n_nodes].name,
                                                "what", d->what, "width", d->width, "depth", (json_int_t)d->depth, "copies",
                                                d->copies, "maps_to", tgt[d->target], "BRAM_18K", d->bram18, "LUT", d->luts,
                                                "URAM", d->uram, "rule", d->rule));
        }
        json_object_set_new(o, "layers", layers);
        json_object_set_new(o, "fifos", fifos);
        json_object_set_new(o, "memories", mm);
        char *text = bnn_cli_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8));
        json_decref(o);
        if (!text) { rc = bnn_cli_fail(BNN_ERR_NOMEM); goto done; }
        printf("%s\n", text);
        free(text);
    } else {
        printf("resources of %s on %s (%s), %s style\n\n%-34s %9s %9s %9s %6s %6s\n", net->name, dev.name, dev.part,
               ho.style == BNN_STYLE_FINN ? "FINN" : "paper", "node", "LUT", "FF", "BRAM36", "URAM", "DSP");
        for (int32_t i = 0; i < p->n_nodes; i++)
            printf("%-34s %9.0f %9.0f %9.1f %6.0f %6.0f\n", p->nodes[i].name, r->node[i].lut, r->node[i].ff,
                   r->node[i].bram18 / 2, r->node[i].uram, r->node[i].dsp);
        struct bnn_res links = {0};
        for (int32_t i = 0; i < p->n_links; i++)
            links.lut += r->link[i].lut, links.ff += r->link[i].ff, links.bram18 += r->link[i].bram18;
        printf("%-34s %9.0f %9.0f %9.1f\n", "FIFOs and frame buffers", links.lut, links.ff, links.bram18 / 2);
        printf("%-34s %9.0f %9.0f %9.1f %6.0f %6.0f\n", "total", r->total.lut, r->total.ff, r->total.bram18 / 2,
               r->total.uram, r->total.dsp);
        printf("%-34s %8.1f%% %8.1f%% %8.1f%% %5.1f%% %5.1f%%\n", "of the device", 100 * r->total.lut / dev.lut,
               100 * r->total.ff / dev.ff, 100 * r->total.bram18 / dev.bram18, dev.uram ? 100 * r->total.uram / dev.uram : 0,
               100 * r->total.dsp / dev.dsp);
        printf("\nverdict: %s%s\n", fits ? "" : "does not fit: ", why);
        if (mems) {
            printf("\nmemories:\n");
            static const char *const tgt[] = {"LUT RAM", "BRAM", "URAM", "registers"};
            for (int32_t m = 0; m < r->n_mem; m++) {
                const struct bnn_mem_decision *d = &r->mem[m];
                printf("  %-32s %-14s %3d x %-6lld x%-4d -> %-9s %7.1f BRAM36 %7.0f LUT  (%s)\n",
                       d->node < p->n_nodes ? p->nodes[d->node].name : p->links[d->node - p->n_nodes].name, d->what,
                       d->width, (long long)d->depth, d->copies, tgt[d->target], d->bram18 / 2, d->luts, d->rule);
            }
        }
    }
    rc = 0; /* not fitting is an answer, not an error: "fits" in --json */
done:
    bnn_resource_report_free(r);
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
    return rc;
}
