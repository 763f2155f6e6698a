/* bnnsim gen: deterministic untrained networks and sample inputs. */
#include <getopt.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: bnnsim gen net --topology sfc|lfc|tfc|cnv [--seed N] [--in-pad N] [--out-rows N] -o OUT.json\n"
    "       bnnsim gen samples -o DIR\n"
    "\n"
    "net: writes OUT.json + OUT.npz, a network shaped as the FINN paper's SFC, LFC\n"
    "or CNV with UNTRAINED weights and thresholds from a seeded generator\n"
    "(splitmix64; docs/net-format.md says how). Same seed, same bytes.\n"
    "  --seed N       generator seed (default 1)\n"
    "  --in-pad N     SFC/LFC/TFC: padding columns after the 784 pixels (default 48: 832 = 13 x 64)\n"
    "  --out-rows N   rows of the last layer, >= 10; rows past 10 are padding (default 10)\n"
    "\n"
    "samples: writes the bundled sample inputs into DIR: digits.idx3-ubyte (the\n"
    "digits 0-9 drawn with stb_easy_font, 28x28), shapes.cifar10.bin (4 CIFAR-10\n"
    "records of drawn shapes) and stripes.png.\n";

int bnn_cmd_gen(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    int is_net = strcmp(argv[1], "net") == 0;
    if (!is_net && strcmp(argv[1], "samples") != 0) return bnn_cli_usage_error("gen: expected 'net' or 'samples', not '%s'", argv[1]);
    static const struct option opts[] = {{"topology", required_argument, 0, 't'}, {"seed", required_argument, 0, 's'},
                                         {"in-pad", required_argument, 0, 'p'},   {"out-rows", required_argument, 0, 'r'},
                                         {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    struct bnn_gen_options g = {BNN_TOPO_CNV, 1, 48, 10};
    const char *out = NULL, *topo = NULL;
    long v;
    optind = 1;
    opterr = 0;
    argc--, argv++;
    for (int c; (c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1;) {
        switch (c) {
        case 't': topo = optarg; break;
        case 's': if (bnn_cli_parse_int("--seed", optarg, 0, 0x7fffffffL, &v)) return 2; g.seed = (uint64_t)v; break;
        case 'p': if (bnn_cli_parse_int("--in-pad", optarg, 0, 4096, &v)) return 2; g.fc_in_pad = (int32_t)v; break;
        case 'r': if (bnn_cli_parse_int("--out-rows", optarg, 10, 4096, &v)) return 2; g.out_rows = (int32_t)v; break;
        case 'o': out = optarg; break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return bnn_cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return bnn_cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return bnn_cli_usage_error("gen: unexpected argument '%s'", argv[optind]);
    if (!out) return bnn_cli_usage_error("gen: -o is required");
    enum bnn_status st;
    if (!is_net) {
        if ((st = bnn_samples_write(out))) return bnn_cli_fail(st);
        printf("wrote samples to %s\n", out);
        return 0;
    }
    if (!topo) return bnn_cli_usage_error("gen net: --topology sfc|lfc|tfc|cnv is required");
    if (bnn_topology_parse(topo, &g.topology)) return bnn_cli_usage_error("gen net: %s", bnn_last_error());
    struct bnn_net *net;
    if ((st = bnn_net_generate(&g, &net))) return bnn_cli_fail(st);
    st = bnn_net_save(net, out);
    if (!st) printf("wrote %s (%s, seed %llu, untrained)\n", out, net->name, (unsigned long long)g.seed);
    bnn_net_free(net);
    return st ? bnn_cli_fail(st) : 0;
}
