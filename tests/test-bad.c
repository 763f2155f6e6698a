/* The bad-input table: every loader and every command, each case a command
 * line that must fail with the documented exit code and one message that
 * names the file and the field, without a crash, a hang, an output file or
 * temporary debris. The files it needs are made once (make_files); '@' in a
 * command line stands for the test's directory. Outputs are always named
 * @/out...; after every case no entry of the directory starts with "out" and
 * none looks like a temporary (".tmp<digits>" or ".partial-"). */
#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <sys/wait.h>
#include <zip.h>
#include <zlib.h>

#include "test-util.h"

struct bad {
    const char *what;
    const char *args; /* '@' = the test directory */
    int status;       /* 1 error, 2 usage */
    const char *file; /* the message names this (NULL: usage errors name no file) */
    const char *field;
};

#define NET "--net data/tfc.json"
#define FOLD "--fold data/tfc-pynq.fold.json"
#define IN "--input data/samples/digits.idx3-ubyte"

static const struct bad cases[] = {
    /* ---- network JSON (info reads only the network) ---- */
    {"empty net file", "info --net @/n-empty.json", 1, "n-empty.json", "JSON syntax error"},
    {"net top level an array", "info --net @/n-array.json", 1, "n-array.json", "top level must be a JSON object"},
    {"net trailing garbage", "info --net @/n-trail.json", 1, "n-trail.json", "JSON syntax error"},
    {"net not UTF-8", "info --net @/n-latin1.json", 1, "n-latin1.json", "JSON syntax error"},
    {"net nested 100k deep", "info --net @/n-deep.json", 1, "n-deep.json", "JSON syntax error"},
    {"net unknown top key", "info --net @/n-key.json", 1, "n-key.json", "layerz: unknown key"},
    {"net layers an object", "info --net @/n-layers.json", 1, "n-layers.json", "layers: must be an array"},
    {"net version 2", "info --net @/n-version.json", 1, "n-version.json", "version"},
    {"net format tag", "info --net @/n-format.json", 1, "n-format.json", "format: must be \"bnnsim-net\""},
    {"net unknown layer type", "info --net @/n-type.json", 1, "n-type.json", "unknown layer type \"fcx\""},
    {"net out_features -1", "info --net @/n-outneg.json", 1, "n-outneg.json", "out_features"},
    {"net out_features 0", "info --net @/n-outzero.json", 1, "n-outzero.json", "out_features"},
    {"net out_features 2^32", "info --net @/n-outhuge.json", 1, "n-outhuge.json", "out_features"},
    {"net out_features a string", "info --net @/n-outstr.json", 1, "n-outstr.json", "out_features"},
    {"net input shape of 4", "info --net @/n-shape.json", 1, "n-shape.json", "shape"},
    {"net threshold_bits 3", "info --net @/n-tbits.json", 1, "n-tbits.json", "threshold_bits"},
    {"net threshold_bits -1", "info --net @/n-tbitsneg.json", 1, "n-tbitsneg.json", "threshold_bits"},
    {"net binarize_threshold 300", "info --net @/n-binthr.json", 1, "n-binthr.json", "binarize_threshold"},
    {"net values ternary", "info --net @/n-values.json", 1, "n-values.json", "values"},
    {"net missing tensor", "info --net @/n-tensor.json", 1, "tfc.npz", "fcX.W"},
    {"net npz missing", "info --net @/n-npz.json", 1, "nope.npz", "cannot read"},
    {"net duplicate key", "info --net @/n-dup.json", 1, "n-dup.json", "duplicate"},
    {"net more classes than rows", "info --net @/n-classes.json", 1, "n-classes.json", "classes"},
    {"net classes not strings", "info --net @/n-classnum.json", 1, "n-classnum.json", "classes"},
    {"net name a number", "info --net @/n-name.json", 1, "n-name.json", "name"},
    {"net layer key typo", "info --net @/n-lkey.json", 1, "n-lkey.json", "out_featurez"},
    {"net labelselect k 20", "info --net @/n-k.json", 1, "n-k.json", "k: 20 out of range"},
    {"net no layers", "info --net @/n-nolayers.json", 1, "n-nolayers.json", "layers"},
    {"net tensors a number", "info --net @/n-tensors.json", 1, "n-tensors.json", "tensors"},
    {"net missing file", "info --net @/n-none.json", 1, "n-none.json", "cannot read"},
    /* multi-bit layers */
    {"net weight_bits 9", "info --net @/m-wbits.json", 1, "m-wbits.json", "weight_bits"},
    {"net weight code outside its type", "info --net @/m-wcode.json", 1, "fc0.W", "outside the signed 2-bit"},
    {"net accumulator bogus", "info --net @/m-acc.json", 1, "m-acc.json", "accumulator"},
    {"net activation_bias on a raw layer", "info --net @/m-bias.json", 1, "'fc3'", "activation_bias"},
    {"net thresholds not ascending", "info --net @/m-thr.json", 1, "'fc0'", "not ascending"},
    {"net weight_signed on bipolar", "info --net @/m-signed.json", 1, "m-signed.json", "weight_signed"},
    /* the same bad network through every command that takes one */
    {"bad net in run", "run --net @/n-trail.json " IN " -o @/out.json", 1, "n-trail.json", "JSON syntax error"},
    {"bad net in perf", "perf --net @/n-trail.json " FOLD " --json", 1, "n-trail.json", "JSON syntax error"},
    {"bad net in resources", "resources --net @/n-trail.json " FOLD, 1, "n-trail.json", "JSON syntax error"},
    {"bad net in dse", "dse --net @/n-trail.json --target-fps 1000 -o @/out.fold.json", 1, "n-trail.json", "JSON syntax error"},
    {"bad net in golden", "golden --net @/n-trail.json " FOLD " " IN " -o @/out-golden", 1, "n-trail.json", "JSON syntax error"},
    {"bad net in export onnx", "export onnx --net @/n-trail.json -o @/out.onnx", 1, "n-trail.json", "JSON syntax error"},
    {"bad tensor in golden", "golden --net @/n-tensor.json " FOLD " " IN " -o @/out-golden", 1, "tfc.npz", "fcX.W"},
    {"bad tensor in export", "export onnx --net @/n-tensor.json -o @/out.onnx", 1, "tfc.npz", "fcX.W"},

    /* ---- the network's .npz ---- */
    {"npz truncated", "info --net @/z-trunc.json", 1, "z-trunc.npz", ""},
    {"npz flipped byte (CRC)", "info --net @/z-flip.json", 1, "z-flip.npz", "CRC"},
    {"npz not a zip", "info --net @/z-text.json", 1, "z-text.npz", ""},
    {"npz empty", "info --net @/z-empty.json", 1, "z-empty.npz", ""},
    {"npz weights float32", "info --net @/z-wdtype.json", 1, "fc0.W", "float32"},
    {"npz weights shape", "info --net @/z-wshape.json", 1, "fc0.W", "shape"},
    {"npz weight value 2", "info --net @/z-wval.json", 1, "fc0.W", "2"},
    {"npz thresholds float", "info --net @/z-tdtype.json", 1, "fc0.T", "integers"},
    {"npz thresholds shape", "info --net @/z-tshape.json", 1, "fc0.T", "shape"},
    {"npz member of 16 bytes", "info --net @/z-short.json", 1, "fc0.W", "(16)"},
    {"npz member not npy", "info --net @/z-junk.json", 1, "fc0.W", "npy"},
    {"npz bomb member", "info --net @/z-bomb.json", 1, "fc0.W", "declares 67108992 bytes"},

    /* ---- .npy inputs ---- */
    {"npy header ends in descr", "run " NET " --input @/y-descr.npy", 1, "y-descr.npy", "descr"},
    {"npy shape overflow", "run " NET " --input @/y-ovf.npy", 1, "y-ovf.npy", "too large"},
    {"npy bad magic", "run " NET " --input @/y-magic.npy", 1, "y-magic.npy", ""},
    {"npy version 9", "run " NET " --input @/y-version.npy", 1, "y-version.npy", "version"},
    {"npy float64 pixel not whole", "run " NET " --input @/y-f8.npy", 1, "y-f8.npy", "element 30 of the float64 array is 0.5"},
    {"npy wrong image shape", "run " NET " --input @/y-shape.npy", 1, "y-shape.npy", "shape (1, 20, 20) is not"},
    {"npy truncated data", "run " NET " --input @/y-trunc.npy", 1, "y-trunc.npy", ""},
    {"npy header length past the end", "run " NET " --input @/y-hlen.npy", 1, "y-hlen.npy", "header"},
    {"npy zero dimensions", "run " NET " --input @/y-0d.npy", 1, "y-0d.npy", "shape () is not"},

    /* ---- IDX inputs and labels ---- */
    {"idx labels as images", "run " NET " --input @/i-labels-as-images.idx3-ubyte", 1, "i-labels-as-images", ""},
    {"idx truncated", "run " NET " --input @/i-trunc.idx3-ubyte", 1, "i-trunc.idx3-ubyte", "truncated IDX data"},
    {"idx wrong size", "run " NET " --input @/i-dims.idx3-ubyte", 1, "i-dims.idx3-ubyte", "32x24x1"},
    {"idx trailing data", "run " NET " --input @/i-tail.idx3-ubyte", 1, "i-tail.idx3-ubyte", "continues past"},
    {"idx no images", "run " NET " --input @/i-zero.idx3-ubyte", 1, "i-zero.idx3-ubyte", "no images"},
    {"idx float elements", "run " NET " --input @/i-float.idx3-ubyte", 1, "i-float.idx3-ubyte", "element type"},
    {"idx gzip truncated", "run " NET " --input @/i-cut.gz", 1, "i-cut.gz", "gzip"},
    {"idx gzip header bomb", "run " NET " --input @/i-bomb.gz", 1, "i-bomb.gz", "MiB"},
    {"idx gzip trailing bomb", "run " NET " --input @/i-tailbomb.gz", 1, "i-tailbomb.gz", "continues past"},
    {"idx gzip not IDX", "run " NET " --input @/i-notidx.gz", 1, "i-notidx.gz", "not an IDX file"},
    {"labels out of range", "run " NET " " IN " --labels @/l-range.idx1-ubyte", 1, "l-range.idx1-ubyte", "label"},
    {"labels too few", "run " NET " " IN " --labels @/l-few.idx1-ubyte", 1, "l-few.idx1-ubyte", "labels for"},
    {"labels truncated", "run " NET " " IN " --labels @/l-trunc.idx1-ubyte", 1, "l-trunc.idx1-ubyte", "truncated"},
    {"labels are images", "run " NET " " IN " --labels data/samples/digits.idx3-ubyte", 1, "digits.idx3-ubyte", "IDX1"},
    {"labels missing", "run " NET " " IN " --labels @/l-none.idx1-ubyte", 1, "l-none.idx1-ubyte", "cannot"},

    /* ---- CIFAR-10 records ---- */
    {"cifar partial record", "run --net data/cnv.json --input @/c-size.bin", 1, "c-size.bin", "3073"},
    {"cifar label 10", "run --net data/cnv.json --input @/c-label.bin", 1, "c-label.bin", "label byte 10"},
    {"cifar label 255", "run --net data/cnv.json --input @/c-label255.bin", 1, "c-label255.bin", "label byte 255"},
    {"cifar empty", "run --net data/cnv.json --input @/c-empty.bin", 1, "c-empty.bin", ""},
    {"cifar for an MNIST net", "run " NET " --input data/samples/shapes.cifar10.bin", 1, "shapes.cifar10.bin", "28x28x1"},

    /* ---- pictures ---- */
    {"png corrupt", "run --net data/cnv.json --input @/p-corrupt.png", 1, "p-corrupt.png", "cannot decode"},
    {"png truncated", "run --net data/cnv.json --input @/p-trunc.png", 1, "p-trunc.png", "cannot decode"},
    {"jpeg 65500x65500", "run --net data/cnv.json --input @/p-huge.jpg", 1, "p-huge.jpg", "65500x65500"},
    {"png 65500x65500", "run --net data/cnv.json --input @/p-huge.png", 1, "p-huge.png", "too large"},
    {"unknown input format", "run --net data/cnv.json --input @/p-notes.txt", 1, "p-notes.txt", "unknown input format"},
    {"input a directory", "run --net data/cnv.json --input @/d-dir", 1, "d-dir", "not a regular file"},
    {"input missing", "run --net data/cnv.json --input @/p-none.png", 1, "p-none.png", "cannot"},

    /* ---- FINN folding JSON ---- */
    {"fold malformed", "perf " NET " --fold @/f-syntax.json", 1, "f-syntax.json", "JSON syntax error"},
    {"fold PE does not divide", "perf " NET " --fold @/f-pe.json", 1, "f-pe.json", "PE=7 does not divide MH=64"},
    {"fold SIMD does not divide", "perf " NET " --fold @/f-simd.json", 1, "f-simd.json", "SIMD=100 does not divide"},
    {"fold node name typo", "perf " NET " --fold @/f-typo.json", 1, "f-typo.json", "\"MVA_hls_3\": unknown node name"},
    {"fold SIMD 0", "perf " NET " --fold @/f-simd0.json", 1, "f-simd0.json", "MVAU_hls_2.SIMD"},
    {"fold PE negative", "perf " NET " --fold @/f-peneg.json", 1, "f-peneg.json", "MVAU_hls_1.PE"},
    {"fold PE a string", "perf " NET " --fold @/f-pestr.json", 1, "f-pestr.json", "MVAU_hls_1.PE"},
    {"fold PE 2.5", "perf " NET " --fold @/f-pefloat.json", 1, "f-pefloat.json", "MVAU_hls_1.PE"},
    {"fold not an object", "perf " NET " --fold @/f-array.json", 1, "f-array.json", "FINN folding JSON"},
    {"fold node beyond the net", "perf " NET " --fold @/f-beyond.json", 1, "f-beyond.json", "MVAU_hls_9"},
    {"fold unknown key", "perf " NET " --fold @/f-key.json", 1, "f-key.json", "MVAU_hls_2.PEE: unknown key"},
    {"fold ram_style", "perf " NET " --fold @/f-ram.json", 1, "f-ram.json", "ram_style"},
    {"fold mem_mode", "perf " NET " --fold @/f-mem.json", 1, "f-mem.json", "mem_mode"},
    {"fold FIFO depth 0", "perf " NET " --fold @/f-fifo.json", 1, "f-fifo.json", "depth"},
    {"fold node an array", "perf " NET " --fold @/f-nodearr.json", 1, "f-nodearr.json", "MVAU_hls_0"},
    {"fold in run", "run " NET " --fold @/f-pe.json " IN " -o @/out.json", 1, "f-pe.json", "PE=7"},
    {"fold in golden", "golden " NET " --fold @/f-pe.json " IN " -o @/out-golden", 1, "f-pe.json", "PE=7"},
    {"fold in export", "export onnx " NET " --fold @/f-pe.json -o @/out.onnx", 1, "f-pe.json", "PE=7"},
    {"fold in resources", "resources " NET " --fold @/f-typo.json --json", 1, "f-typo.json", "MVA_hls_3"},

    /* ---- BNN-PYNQ config.h ---- */
    {"config.h missing a define", "perf " NET " --fold @/h-missing.h", 1, "h-missing.h", "L0_PE"},
    {"config.h not a number", "perf " NET " --fold @/h-nan.h", 1, "h-nan.h", "L0_PE"},
    {"config.h PE does not divide", "perf " NET " --fold @/h-div.h", 1, "h-div.h", "PE=7"},
    {"config.h SIMD 0", "perf " NET " --fold @/h-zero.h", 1, "h-zero.h", "L1_SIMD"},
    {"config.h MW mismatch", "perf " NET " --fold @/h-mw.h", 1, "h-mw.h", "L0_MW"},
    {"config.h empty", "perf " NET " --fold @/h-empty.h", 1, "h-empty.h", "L0_"},

    /* ---- device files ---- */
    {"device unknown name", "resources " NET " " FOLD " --device zc999", 1, "zc999", "device"},
    {"device malformed", "resources " NET " " FOLD " --device @/v-syntax.json", 1, "v-syntax.json", "JSON syntax error"},
    {"device negative LUT", "resources " NET " " FOLD " --device @/v-neg.json", 1, "v-neg.json", "LUT"},
    {"device absurd LUT", "resources " NET " " FOLD " --device @/v-huge.json", 1, "v-huge.json", "LUT"},
    {"device missing BRAM", "resources " NET " " FOLD " --device @/v-nobram.json", 1, "v-nobram.json", "BRAM"},
    {"device LUT a string", "resources " NET " " FOLD " --device @/v-str.json", 1, "v-str.json", "LUT"},
    {"device bad in dse", "dse " NET " --target-fps 1000 --device @/v-neg.json -o @/out.fold.json", 1, "v-neg.json", "LUT"},

    /* ---- BNN-PYNQ import ---- */
    {"pynq dir missing", "import bnn-pynq --network lfcW1A1 @/b-none -o @/out.json", 1, "classes.txt", "cannot open"},
    {"pynq weights not whole", "import bnn-pynq --network lfcW1A1 @/b-odd -o @/out.json", 1, "0-0-weights.bin",
     "size 7 is not a whole number"},
    {"pynq weights missing", "import bnn-pynq --network lfcW1A1 @/b-noweights -o @/out.json", 1, "0-0-weights.bin", "cannot"},
    {"pynq thresholds wrong size", "import bnn-pynq --network lfcW1A1 @/b-thres -o @/out.json", 1, "0-0-thres.bin", "expected 1024"},
    {"pynq unknown network", "import bnn-pynq --network vggW1A1 @/b-odd -o @/out.json", 2, NULL, "vggW1A1"},
    {"pynq config.h bad", "import bnn-pynq --network lfcW1A1 @/b-config -o @/out.json", 1, "config.h", "L0_SIMD"},

    /* ---- ONNX ---- */
    {"onnx text", "info --net @/o-text.onnx", 1, "o-text.onnx", ""},
    {"onnx empty", "info --net @/o-empty.onnx", 1, "o-empty.onnx", ""},
    {"onnx truncated", "info --net @/o-trunc.onnx", 1, "o-trunc.onnx", ""},
    {"onnx unknown op", "info --net @/o-op.onnx", 1, "o-op.onnx", "MatMux"},
    {"onnx truncated import", "import onnx @/o-trunc.onnx -o @/out.json", 1, "o-trunc.onnx", ""},
    {"onnx unknown op import", "import onnx @/o-op.onnx -o @/out.json", 1, "o-op.onnx", "MatMux"},
    {"onnx unknown op in run", "run --net @/o-op.onnx " IN " -o @/out.json", 1, "o-op.onnx", "MatMux"},

    /* ---- special files: never waited on, never replaced ---- */
    {"named pipe as --net", "info --net @/s-pipe", 1, "s-pipe", "not a regular file"},
    {"named pipe as --fold", "perf " NET " --fold @/s-pipe", 1, "s-pipe", "not a regular file"},
    {"named pipe as --input", "run " NET " --input @/s-pipe", 1, "s-pipe", "not a regular file"},
    {"named pipe as --labels", "run " NET " " IN " --labels @/s-pipe", 1, "s-pipe", "not a regular file"},
    {"named pipe as --device", "resources " NET " " FOLD " --device @/s-pipe.json", 1, "s-pipe.json", "not a regular file"},
    {"directory as --net", "info --net @/d-dir", 1, "d-dir", "not a regular file"},
    {"/dev/null as --net", "info --net /dev/null", 1, "/dev/null", "not a regular file"},
    {"-o /dev/full", "run " NET " " IN " --json -o /dev/full", 1, "/dev/full", "not a regular file"},
    {"--write-config-h /dev/full", "perf " NET " " FOLD " --write-config-h /dev/full", 1, "/dev/full", "not a regular file"},
    {"--write-fold /dev/full", "perf " NET " " FOLD " --write-fold /dev/full", 1, "/dev/full", "not a regular file"},
    {"-o a directory", "run " NET " " IN " --json -o @/d-dir", 1, "d-dir", "directory"},
    {"-o in a missing directory", "run " NET " " IN " --json -o @/d-none/out.json", 1, "d-none/out.json", "cannot"},
    {"golden over a file", "golden " NET " " FOLD " " IN " -o @/s-file", 1, "s-file", "exists"},
    {"golden bad input", "golden " NET " " FOLD " --input @/i-trunc.idx3-ubyte -o @/out-golden", 1, "i-trunc.idx3-ubyte",
     "truncated"},
    {"import over a directory", "import bnn-pynq --network lfcW1A1 @/b-good -o @/s-dir.json", 1, "s-dir.json", "directory"},
    {"gen net into a missing directory", "gen net --topology sfc -o @/d-none/out.json", 1, "d-none/out", "not a directory"},

    /* ---- usage errors: exit 2, the option named ---- */
    {"unknown command", "frobnicate --net data/tfc.json", 2, NULL, "frobnicate"},
    {"run unknown option", "run " NET " " IN " --bogus", 2, NULL, "--bogus"},
    {"run without --net", "run " IN, 2, NULL, "--net"},
    {"run without --input", "run " NET, 2, NULL, "--input"},
    {"run --engine bogus", "run " NET " " IN " --engine gpu", 2, NULL, "--engine"},
    {"run --isa bogus", "run " NET " " IN " --isa neon", 2, NULL, "--isa"},
    {"run --threads -1", "run " NET " " IN " --threads -1", 2, NULL, "--threads"},
    {"run --limit x", "run " NET " " IN " --limit x", 2, NULL, "--limit"},
    {"run --net without a value", "run --net", 2, NULL, "--net"},
    {"perf without --net", "perf " FOLD, 2, NULL, "--net"},
    {"perf --frames 0", "perf " NET " " FOLD " --frames 0", 2, NULL, "--frames"},
    {"perf --frames abc", "perf " NET " " FOLD " --frames abc", 2, NULL, "--frames"},
    {"perf --style bogus", "perf " NET " " FOLD " --style asic", 2, NULL, "--style"},
    {"perf --clock-mhz 0", "perf " NET " " FOLD " --clock-mhz 0", 2, NULL, "--clock-mhz"},
    {"perf --fifo-depth -3", "perf " NET " " FOLD " --fifo-depth -3", 2, NULL, "--fifo-depth"},
    {"resources --style bogus", "resources " NET " " FOLD " --style asic", 2, NULL, "--style"},
    {"dse --target-fps -5", "dse " NET " --target-fps -5", 2, NULL, "--target-fps"},
    {"dse --shard 3/2", "dse " NET " --pareto --shard 3/2", 2, NULL, "--shard"},
    {"dse --strategy bogus", "dse " NET " --target-fps 100 --strategy best", 2, NULL, "--strategy"},
    {"golden without -o", "golden " NET " " FOLD " " IN, 2, NULL, "-o"},
    {"golden --layers unknown", "golden " NET " " FOLD " " IN " --layers fc9 -o @/out-golden", 1, NULL, "fc9"},
    {"gen --topology bogus", "gen net --topology vgg -o @/out.json", 2, NULL, "vgg"},
    {"gen without -o", "gen net --topology sfc", 2, NULL, "-o"},
    {"train --epochs 0", "train --topology tfc --epochs 0 -o @/out.json", 2, NULL, "--epochs"},
    {"train --topology bogus", "train --topology cnv -o @/out.json", 2, NULL, "--topology"},
    {"train data missing", "train --topology tfc --data @/d-none -o @/out.json", 1, "d-none", "train-images"},
    {"export --form bogus", "export onnx " NET " --form rtl -o @/out.onnx", 2, NULL, "--form"},
    {"export without -o", "export onnx " NET, 2, NULL, "-o"},
    {"import unknown kind", "import caffe @/x -o @/out.json", 2, NULL, "caffe"},
};

static const char *bin;

static void put(const char *name, const void *d, size_t n) { test_write(test_path(name), d, n); }
static void puts_(const char *name, const char *s) { put(name, s, strlen(s)); }

static char *slurp(const char *path, size_t *n)
{
    uint8_t *b = NULL;
    if (bnn_file_read_all(path, &b, n)) fail_msg("%s: %s", path, bnn_last_error());
    char *s = malloc(*n + 1); /* a string: strstr works on it */
    memcpy(s, b, *n);
    s[*n] = 0;
    free(b);
    return s;
}

static char *tfc_json;

/* data/tfc.json with `from` (first occurrence) replaced by `to`. */
static void mut(const char *name, const char *from, const char *to)
{
    const char *at = strstr(tfc_json, from);
    if (!at) fail_msg("%s: '%s' not in data/tfc.json", name, from);
    size_t a = (size_t)(at - tfc_json);
    char *s = malloc(strlen(tfc_json) + strlen(to) + 1);
    memcpy(s, tfc_json, a);
    strcpy(s + a, to);
    strcat(s, at + strlen(from));
    puts_(name, s);
    free(s);
}

/* A network z-NAME.json whose tensors are z-NAME.npz (written by the caller). */
static void npz_net(const char *stem)
{
    char j[64], z[64], t[80];
    snprintf(j, sizeof j, "%s.json", stem);
    snprintf(z, sizeof z, "%s.npz", stem);
    snprintf(t, sizeof t, "\"tensors\": \"%s\"", z);
    mut(j, "\"tensors\": \"tfc.npz\"", t);
}

/* data/tfc.npz with tensor `name` replaced by `bad`, as STEM.npz. */
static void npz_with(const char *stem, const char *name, const struct bnn_array *bad)
{
    char z[64];
    snprintf(z, sizeof z, "%s.npz", stem);
    if (test_npz_replacing("data/tfc.json", test_path(z), name, bad)) fail_msg("%s: %s", z, bnn_last_error());
    npz_net(stem);
}

static void make_net_files(void)
{
    size_t n;
    tfc_json = slurp("data/tfc.json", &n);
    puts_("n-empty.json", "");
    puts_("n-array.json", "[1, 2]");
    char *t = malloc(n + 4);
    memcpy(t, tfc_json, n);
    memcpy(t + n, "x\n", 3);
    puts_("n-trail.json", t);
    free(t);
    mut("n-latin1.json", "\"tfc-untrained-seed1\"", "\"tfc-\xe9\xe8\"");
    char *deep = malloc(200001);
    memset(deep, '[', 100000);
    memset(deep + 100000, ']', 100000);
    deep[200000] = 0;
    puts_("n-deep.json", deep);
    free(deep);
    mut("n-key.json", "\"layers\": [", "\"layerz\": [");
    puts_("n-layers.json", "{\"format\": \"bnnsim-net\", \"version\": 1, \"name\": \"x\", \"classes\": [\"a\"], \"layers\": {}}");
    mut("n-version.json", "\"version\": 1", "\"version\": 2");
    mut("n-format.json", "\"bnnsim-net\"", "\"bnnsim-nat\"");
    mut("n-type.json", "\"type\": \"fc\"", "\"type\": \"fcx\"");
    mut("n-outneg.json", "\"out_features\": 64", "\"out_features\": -1");
    mut("n-outzero.json", "\"out_features\": 64", "\"out_features\": 0");
    mut("n-outhuge.json", "\"out_features\": 64", "\"out_features\": 4294967296");
    mut("n-outstr.json", "\"out_features\": 64", "\"out_features\": \"64\"");
    mut("n-shape.json", "\"shape\": [", "\"shape\": [1, ");
    mut("n-tbits.json", "\"threshold_bits\": 10", "\"threshold_bits\": 3");
    mut("n-tbitsneg.json", "\"threshold_bits\": 10", "\"threshold_bits\": -1");
    mut("n-binthr.json", "\"binarize_threshold\": 128", "\"binarize_threshold\": 300");
    mut("n-values.json", "\"values\": \"binary\"", "\"values\": \"ternary\"");
    mut("n-tensor.json", "\"fc0.W\"", "\"fcX.W\"");
    mut("n-npz.json", "\"tensors\": \"tfc.npz\"", "\"tensors\": \"nope.npz\"");
    mut("n-dup.json", "\"name\"", "\"version\": 1, \"name\"");
    mut("n-classes.json", "\"classes\": [", "\"classes\": [\"x\", \"y\", \"z\", \"w\", \"v\", \"u\", \"t\", ");
    mut("n-classnum.json", "\"classes\": [", "\"classes\": [5, ");
    mut("n-name.json", "\"name\": \"tfc-untrained-seed1\"", "\"name\": 5");
    mut("n-lkey.json", "\"out_features\": 64", "\"out_featurez\": 64");
    mut("n-k.json", "\"k\": 1", "\"k\": 20");
    puts_("n-nolayers.json", "{\"format\": \"bnnsim-net\", \"version\": 1, \"tensors\": \"tfc.npz\", \"layers\": []}");
    mut("n-tensors.json", "\"tensors\": \"tfc.npz\"", "\"tensors\": 7");
    mut("m-wbits.json", "\"weights\": \"fc0.W\"", "\"weights\": \"fc0.W\", \"weight_bits\": 9");
    mut("m-acc.json", "\"weights\": \"fc0.W\"", "\"weights\": \"fc0.W\", \"accumulator\": \"popcount\"");
    mut("m-bias.json", "\"weights\": \"fc3.W\"", "\"weights\": \"fc3.W\", \"activation_bias\": -1");
    mut("m-signed.json", "\"weights\": \"fc0.W\"", "\"weights\": \"fc0.W\", \"weight_signed\": true");
    /* beside them, the tensors the mutated networks name */
    char *z = slurp("data/tfc.npz", &n);
    put("tfc.npz", z, n);
    put("z-trunc.npz", z, n / 2);
    npz_net("z-trunc");
    /* a byte inside the first member's deflated data: only its CRC tells */
    z[n / 3] ^= 0x10;
    put("z-flip.npz", z, n);
    npz_net("z-flip");
    free(z);
    puts_("z-text.npz", "hello, not a zip\n");
    npz_net("z-text");
    puts_("z-empty.npz", "");
    npz_net("z-empty");
    static float wf[64 * 784];
    npz_with("z-wdtype", "fc0.W", &(struct bnn_array){BNN_DT_F32, 2, {64, 784}, 64 * 784, wf});
    static uint8_t w8[64 * 784 + 64];
    npz_with("z-wshape", "fc0.W", &(struct bnn_array){BNN_DT_U8, 2, {64, 700}, 64 * 700, w8});
    w8[5] = 2;
    npz_with("z-wval", "fc0.W", &(struct bnn_array){BNN_DT_U8, 2, {64, 784}, 64 * 784, w8});
    npz_with("z-tdtype", "fc0.T", &(struct bnn_array){BNN_DT_F32, 1, {64}, 64, wf});
    static int64_t t32[32];
    npz_with("z-tshape", "fc0.T", &(struct bnn_array){BNN_DT_I64, 1, {32}, 32, t32});
    /* 2-bit weights: a 5 is not one; thresholds of a row descending */
    static int8_t w5[64 * 784];
    w5[77] = 5;
    npz_with("m-wcode", "fc0.W", &(struct bnn_array){BNN_DT_I8, 2, {64, 784}, 64 * 784, w5});
    {
        size_t jn;
        char *j = slurp(test_path("m-wcode.json"), &jn);
        char *at = strstr(j, "\"weights\": \"fc0.W\"");
        assert_non_null(at);
        char *fixed = malloc(jn + 64);
        size_t a = (size_t)(at - j) + strlen("\"weights\": \"fc0.W\"");
        memcpy(fixed, j, a);
        strcpy(fixed + a, ", \"weight_bits\": 2");
        strcat(fixed, j + a);
        puts_("m-wcode.json", fixed);
        free(fixed), free(j);
    }
    static int64_t t2[64 * 2];
    for (int r = 0; r < 64; r++) t2[2 * r] = 400, t2[2 * r + 1] = r == 9 ? 300 : 500;
    npz_with("m-thr", "fc0.T", &(struct bnn_array){BNN_DT_I64, 2, {64, 2}, 128, t2});
    /* a member that is not an .npy, and one whose declared size is a bomb */
    npz_with("z-short", "fc0.W", &(struct bnn_array){BNN_DT_U8, 1, {16}, 16, (uint8_t *)"not an npy file!"});
    zip_t *zz = zip_open(test_path("z-junk.npz"), ZIP_CREATE | ZIP_TRUNCATE, NULL);
    assert_non_null(zz);
    assert_true(zip_file_add(zz, "fc0.W.npy", zip_source_buffer(zz, "not an npy file at all", 22, 0), 0) >= 0);
    assert_int_equal(zip_close(zz), 0);
    npz_net("z-junk");
    uint8_t *big = calloc(1, (size_t)64 << 20);
    npz_with("z-bomb", "fc0.W", &(struct bnn_array){BNN_DT_U8, 2, {64, 1 << 20}, (int64_t)64 << 20, big});
    free(big);
}

static void gz(const char *name, const void *d, size_t n, size_t keep)
{
    uLongf cap = compressBound(n) + 64;
    uint8_t *o = malloc(cap);
    z_stream s = {0};
    assert_int_equal(deflateInit2(&s, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    s.next_in = (Bytef *)d, s.avail_in = (uInt)n, s.next_out = o, s.avail_out = (uInt)cap;
    assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
    size_t len = s.total_out;
    deflateEnd(&s);
    put(name, o, keep && keep < len ? keep : len);
    free(o);
}

static void be32(uint8_t *p, uint32_t v) { p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v; }

static void npy(const char *name, const char *header, const void *data, size_t n)
{
    char h[256];
    size_t hl = (size_t)snprintf(h, sizeof h, "%s", header);
    while ((10 + hl + 1) % 64) h[hl++] = ' ';
    h[hl++] = '\n';
    uint8_t *b = malloc(10 + hl + n);
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (uint8_t)hl, b[9] = (uint8_t)(hl >> 8);
    memcpy(b + 10, h, hl);
    if (n) memcpy(b + 10 + hl, data, n);
    put(name, b, 10 + hl + n);
    free(b);
}

static void make_input_files(void)
{
    static uint8_t px[2 * 784 + 64];
    size_t n;
    char *r = slurp("tests/fuzz/regress/npy/heap-overflow-descr.npy", &n);
    put("y-descr.npy", r, n);
    free(r);
    r = slurp("tests/fuzz/regress/npy/shape-overflow.npy", &n);
    put("y-ovf.npy", r, n);
    free(r);
    put("y-magic.npy", "\x93NUMPX\x01\x00\x10\x00{}              \n", 26);
    uint8_t v9[64];
    memcpy(v9, "\x93NUMPY\x09\x00\x36\x00", 10);
    memset(v9 + 10, ' ', 54);
    put("y-version.npy", v9, 64);
    static double f8[784];
    f8[30] = 0.5;
    npy("y-f8.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (28, 28), }", f8, sizeof f8);
    npy("y-shape.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 20, 20), }", px, 400);
    npy("y-trunc.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 28, 28), }", px, 100);
    uint8_t hl[32] = "\x93NUMPY\x01\x00\xff\x7f{'descr': '|u1'";
    put("y-hlen.npy", hl, 26);
    npy("y-0d.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (), }", px, 1);

    uint8_t idx[16 + 2 * 784 + 8];
    memcpy(idx, "\0\0\x08\x01", 4);
    be32(idx + 4, 10);
    put("i-labels-as-images.idx3-ubyte", idx, 18);
    memcpy(idx, "\0\0\x08\x03", 4);
    be32(idx + 4, 10), be32(idx + 8, 28), be32(idx + 12, 28);
    put("i-trunc.idx3-ubyte", idx, 16 + 784);
    be32(idx + 4, 1);
    put("i-tail.idx3-ubyte", idx, 16 + 784 + 8);
    be32(idx + 4, 0);
    put("i-zero.idx3-ubyte", idx, 16);
    be32(idx + 4, 1), be32(idx + 8, 32), be32(idx + 12, 24);
    put("i-dims.idx3-ubyte", idx, 16 + 768);
    idx[2] = 0x0d;
    be32(idx + 8, 28), be32(idx + 12, 28);
    put("i-float.idx3-ubyte", idx, 16 + 784);
    idx[2] = 0x08;
    be32(idx + 4, 2);
    gz("i-cut.gz", idx, 16 + 2 * 784, 40);
    be32(idx + 4, 3000000); /* 2.35 GB declared */
    gz("i-bomb.gz", idx, 16 + 2 * 784, 0);
    /* a header of one image, then 256 MiB of zeros: inflation stops at the header's size */
    size_t tb = ((size_t)256 << 20) + 16 + 784;
    uint8_t *bomb = calloc(1, tb);
    memcpy(bomb, idx, 16);
    be32(bomb + 4, 1);
    gz("i-tailbomb.gz", bomb, tb, 0);
    free(bomb);
    gz("i-notidx.gz", "plain text, gzipped", 19, 0);

    uint8_t lab[8 + 10] = {0, 0, 8, 1};
    be32(lab + 4, 10);
    for (int i = 0; i < 10; i++) lab[8 + i] = (uint8_t)i;
    lab[8 + 3] = 12;
    put("l-range.idx1-ubyte", lab, 18);
    be32(lab + 4, 3);
    lab[8 + 3] = 3;
    put("l-few.idx1-ubyte", lab, 11);
    be32(lab + 4, 10);
    put("l-trunc.idx1-ubyte", lab, 12);

    static uint8_t rec[3 * 3073];
    put("c-size.bin", rec, 3073 + 5);
    rec[3073] = 10;
    put("c-label.bin", rec, 2 * 3073);
    rec[3073] = 255;
    put("c-label255.bin", rec, 2 * 3073);
    put("c-empty.bin", rec, 0);

    put("p-corrupt.png", "\x89PNG\r\n\x1a\nthis is not a png at all", 32);
    char *png = slurp("data/samples/stripes.png", &n);
    put("p-trunc.png", png, n / 2);
    free(png);
    static const uint8_t jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
                                  0xff, 0xc0, 0, 17, 8, 0xff, 0xdc, 0xff, 0xdc, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
                                  0xff, 0xd9};
    put("p-huge.jpg", jpg, sizeof jpg);
    uint8_t ihdr[8 + 25 + 12] = "\x89PNG\r\n\x1a\n";
    be32(ihdr + 8, 13);
    memcpy(ihdr + 12, "IHDR", 4);
    be32(ihdr + 16, 65500), be32(ihdr + 20, 65500);
    ihdr[24] = 8, ihdr[25] = 2;
    be32(ihdr + 29, (uint32_t)crc32(0, ihdr + 12, 17));
    be32(ihdr + 33, 0);
    memcpy(ihdr + 37, "IEND", 4);
    be32(ihdr + 41, (uint32_t)crc32(0, (const Bytef *)"IEND", 4));
    put("p-huge.png", ihdr, sizeof ihdr);
    puts_("p-notes.txt", "some notes\n");
}

static void make_fold_files(void)
{
    puts_("f-syntax.json", "{\"MVAU_hls_0\": ");
    puts_("f-pe.json", "{\"MVAU_hls_0\": {\"PE\": 7, \"SIMD\": 28}}");
    puts_("f-simd.json", "{\"MVAU_hls_1\": {\"PE\": 1, \"SIMD\": 100}}");
    puts_("f-typo.json", "{\"MVA_hls_3\": {\"PE\": 1}}");
    puts_("f-simd0.json", "{\"MVAU_hls_2\": {\"SIMD\": 0}}");
    puts_("f-peneg.json", "{\"MVAU_hls_1\": {\"PE\": -2}}");
    puts_("f-pestr.json", "{\"MVAU_hls_1\": {\"PE\": \"2\"}}");
    puts_("f-pefloat.json", "{\"MVAU_hls_1\": {\"PE\": 2.5}}");
    puts_("f-array.json", "[1, 2]");
    puts_("f-beyond.json", "{\"MVAU_hls_9\": {\"PE\": 1}}");
    puts_("f-key.json", "{\"MVAU_hls_2\": {\"PEE\": 4}}");
    puts_("f-ram.json", "{\"MVAU_hls_2\": {\"PE\": 1, \"ram_style\": \"magic\"}}");
    puts_("f-mem.json", "{\"MVAU_hls_2\": {\"PE\": 1, \"mem_mode\": \"psychic\"}}");
    puts_("f-fifo.json", "{\"MVAU_hls_0\": {\"PE\": 2, \"SIMD\": 28}, \"StreamingFIFO_rtl_3\": {\"depth\": 0}}");
    puts_("f-nodearr.json", "{\"MVAU_hls_0\": [2, 28]}");
    /* config.h: the written one, edited */
    char cmd[8400], *h;
    size_t n;
    snprintf(cmd, sizeof cmd, "%s perf --net data/tfc.json --fold data/tfc-pynq.fold.json --write-config-h %s >/dev/null",
             bin, test_path("h-good.h"));
    assert_int_equal(system(cmd), 0);
    h = slurp(test_path("h-good.h"), &n);
    struct { const char *name, *from, *to; } e[] = {
        {"h-missing.h", "#define L0_PE 2", ""},       {"h-nan.h", "#define L0_PE 2", "#define L0_PE two"},
        {"h-div.h", "#define L0_PE 2", "#define L0_PE 7"}, {"h-zero.h", "#define L1_SIMD 8", "#define L1_SIMD 0"},
        {"h-mw.h", "#define L0_MW 784", "#define L0_MW 832"},
    };
    for (size_t k = 0; k < sizeof e / sizeof e[0]; k++) {
        char *at = strstr(h, e[k].from);
        assert_non_null(at);
        char *s = malloc(n + 64);
        size_t a = (size_t)(at - h);
        memcpy(s, h, a);
        strcpy(s + a, e[k].to);
        strcat(s, at + strlen(e[k].from));
        puts_(e[k].name, s);
        free(s);
    }
    free(h);
    puts_("h-empty.h", "/* nothing here */\n");
    remove(test_path("h-good.h"));

    const char *dev = "{\"name\": \"test\", \"LUT\": %s, \"FF\": 100000, \"BRAM_18K\": %s, \"DSP\": 100, \"clock_mhz\": 100, \"limits\": {}}";
    char d[256];
    puts_("v-syntax.json", "{\"name\": ");
    snprintf(d, sizeof d, dev, "-5", "100");
    puts_("v-neg.json", d);
    snprintf(d, sizeof d, dev, "1e30", "100");
    puts_("v-huge.json", d);
    puts_("v-nobram.json", "{\"name\": \"test\", \"LUT\": 1000, \"FF\": 1000, \"DSP\": 10, \"clock_mhz\": 100, \"limits\": {}}");
    snprintf(d, sizeof d, dev, "\"many\"", "100");
    puts_("v-str.json", d);
}

static void make_import_files(void)
{
    mkdir(test_path("b-odd"), 0777);
    puts_("b-odd/classes.txt", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
    put("b-odd/0-0-weights.bin", "1234567", 7);
    /* a real export of an LFC-shaped net, then broken one file at a time */
    struct bnn_gen_options g = {BNN_TOPO_LFC, 1, 48, 64};
    struct bnn_net *net;
    struct bnn_fold *f;
    ASSERT_OK(bnn_net_generate(&g, &net));
    ASSERT_OK(bnn_fold_new(net, &f));
    for (int32_t j = 0; j < f->n; j++) f->layers[j].simd = 64, f->layers[j].defaulted = 0;
    const char *dirs[] = {"b-noweights", "b-thres", "b-config", "b-good"};
    for (int k = 0; k < 4; k++) ASSERT_OK(bnn_export_bnn_pynq(net, f, test_path(dirs[k])));
    bnn_fold_free(f);
    bnn_net_free(net);
    remove(test_path("b-noweights/0-0-weights.bin"));
    put("b-thres/0-0-thres.bin", "12345678", 8);
    size_t n;
    char *h = slurp(test_path("b-config/config.h"), &n);
    char *at = strstr(h, "#define L0_SIMD 64");
    assert_non_null(at);
    memcpy(at, "#define L0_SIMD 6 ", 18);
    put("b-config/config.h", h, n);
    free(h);

    puts_("o-text.onnx", "this is not a protobuf\n");
    puts_("o-empty.onnx", "");
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "%s export onnx --net data/tfc.json --form streamlined -o %s >/dev/null", bin, test_path("o-good.onnx"));
    assert_int_equal(system(cmd), 0);
    char *m = slurp(test_path("o-good.onnx"), &n);
    put("o-trunc.onnx", m, n / 2);
    /* the same length: the protobuf stays valid, the op does not */
    char *op = memmem(m, n, "MatMul", 6);
    assert_non_null(op);
    memcpy(op, "MatMux", 6);
    put("o-op.onnx", m, n);
    free(m);
    remove(test_path("o-good.onnx"));

    mkfifo(test_path("s-pipe"), 0666);
    mkfifo(test_path("s-pipe.json"), 0666);
    mkdir(test_path("d-dir"), 0777);
    mkdir(test_path("s-dir.json"), 0777);
    puts_("s-file", "keep me\n");
}

/* Runs one case and checks everything; prints what is wrong and returns 1. */
#define BAD(...) do { printf("  FAIL " __VA_ARGS__); printf("\n"); return 1; } while (0)
static int run_case(const struct bad *c)
{
    const char *dir = test_tmpdir();
    char args[4096] = "", cmd[8192];
    for (const char *p = c->args; *p; p++) {
        if (*p == '@') strcat(args, dir);
        else strncat(args, p, 1);
    }
    /* a hang is a finding too: a named pipe must not be waited on */
    snprintf(cmd, sizeof cmd, "timeout 60 %s %s 2>&1 </dev/null", bin, args);
    FILE *pp = popen(cmd, "r");
    assert_non_null(pp);
    static char out[1 << 16];
    size_t n = fread(out, 1, sizeof out - 1, pp);
    out[n] = 0;
    int st = pclose(pp);
    if (WIFSIGNALED(st)) BAD("%s: '%s' died of signal %d: %s", c->what, args, WTERMSIG(st), out);
    int code = WEXITSTATUS(st);
    if (code == 124) BAD("%s: '%s' hung (killed after 60 s)", c->what, args);
    if (code != c->status) BAD("%s: '%s' exit %d, expected %d: %s", c->what, args, code, c->status, out);
    /* the error is the last line, after any warnings; one line, prefixed */
    if (!n || out[n - 1] != '\n') BAD("%s: output does not end in a line: '%s'", c->what, out);
    out[n - 1] = 0;
    const char *last = strrchr(out, '\n');
    last = last ? last + 1 : out;
    if (strncmp(last, "bnnsim: ", 8)) BAD("%s: last line does not start with 'bnnsim: ': %s", c->what, out);
    if (c->file && !strstr(last, c->file)) BAD("%s: message does not name the file '%s': %s", c->what, c->file, last);
    if (!strstr(last, c->field)) BAD("%s: message lacks '%s': %s", c->what, c->field, last);
    if (c->status == 2 && !strstr(out, "--help")) BAD("%s: a usage error should point at --help: %s", c->what, out);
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *t = strstr(e->d_name, ".tmp");
        if (!strncmp(e->d_name, "out", 3) || (!strncmp(e->d_name, "s-dir.", 6) && strcmp(e->d_name, "s-dir.json")) || strstr(e->d_name, ".partial-") || (t && t[4] >= '0' && t[4] <= '9'))
            BAD("%s: '%s' left %s/%s behind", c->what, args, dir, e->d_name);
    }
    closedir(d);
    struct stat sb;
    if (stat(test_path("d-dir"), &sb) || !S_ISDIR(sb.st_mode)) BAD("%s: d-dir was replaced", c->what);
    if (stat(test_path("s-file"), &sb) || !S_ISREG(sb.st_mode) || sb.st_size != 8) BAD("%s: s-file was touched", c->what);
    return 0;
}

static int make_files(void **state)
{
    (void)state;
    make_net_files();
    make_input_files();
    make_fold_files();
    make_import_files();
    return 0;
}

static void test_bad_inputs(void **state)
{
    (void)state;
    const size_t n = sizeof cases / sizeof cases[0];
    int failed = 0;
    for (size_t i = 0; i < n; i++) failed += run_case(&cases[i]);
    printf("  %zu bad-input cases: exit code, one message naming file and field, nothing left behind\n", n);
    assert_true(n >= 100);
    if (failed) fail_msg("%d of %zu bad-input cases failed", failed, n);
}

/* sh -c CMD with stdout and stderr apart; returns the exit status. */
static int sh(const char *cmd, char *out, size_t cap, char *err, size_t ecap)
{
    char full[9000];
    snprintf(full, sizeof full, "%s >%s 2>%s </dev/null", cmd, test_path("sh.out"), test_path("sh.err"));
    int st = system(full);
    size_t n;
    char *o = slurp(test_path("sh.out"), &n), *e;
    snprintf(out, cap, "%s", o);
    free(o);
    e = slurp(test_path("sh.err"), &n);
    snprintf(err, ecap, "%s", e);
    free(e);
    remove(test_path("sh.out")), remove(test_path("sh.err"));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* -o through a symbolic link writes the file it names; the link stays */
static void test_symlink_written_through(void **state)
{
    (void)state;
    static char out[1 << 16], err[1 << 16];
    char cmd[9000];
    puts_("w-target.json", "old");
    assert_int_equal(symlink("w-target.json", test_path("w-link.json")), 0);
    assert_int_equal(symlink("w-new.json", test_path("w-dangling.json")), 0);
    const char *links[] = {"w-link.json", "w-dangling.json"}, *targets[] = {"w-target.json", "w-new.json"};
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, "%s run " NET " " IN " --json -o %s", bin, test_path(links[k]));
        if (sh(cmd, out, sizeof out, err, sizeof err)) fail_msg("%s: %s", cmd, err);
        struct stat sb;
        assert_int_equal(lstat(test_path(links[k]), &sb), 0);
        if (!S_ISLNK(sb.st_mode)) fail_msg("-o %s replaced the link with a file", links[k]);
        size_t n;
        char *t = slurp(test_path(targets[k]), &n);
        if (t[0] != '{') fail_msg("%s (through %s) does not hold the JSON: %.20s", targets[k], links[k], t);
        free(t);
    }
}

/* debris of a killed run (a dead PID) is swept by the next; a live PID's is not */
static void test_debris_swept(void **state)
{
    (void)state;
    static char out[1 << 16], err[1 << 16];
    pid_t dead = fork();
    if (!dead) _exit(0);
    waitpid(dead, NULL, 0);
    char p[600], cmd[9000];
    snprintf(p, sizeof p, "k-golden.partial-%ld", (long)dead);
    mkdir(test_path(p), 0777);
    char q[700];
    snprintf(q, sizeof q, "%s/streams.npy", p);
    puts_(q, "debris");
    snprintf(q, sizeof q, "k-net.json.tmp%ld", (long)dead);
    puts_(q, "debris");
    puts_("k-net.npz.tmp1", "a live process's"); /* PID 1 runs */
    snprintf(cmd, sizeof cmd, "%s golden " NET " " FOLD " " IN " --frames 1 -q -o %s", bin, test_path("k-golden"));
    if (sh(cmd, out, sizeof out, err, sizeof err)) fail_msg("%s: %s", cmd, err);
    if (test_exists(test_path(p))) fail_msg("golden left the dead run's %s", p);
    assert_true(test_exists(test_path("k-golden/manifest.json")));
    snprintf(cmd, sizeof cmd, "%s gen net --topology tfc -o %s", bin, test_path("k-net.json"));
    if (sh(cmd, out, sizeof out, err, sizeof err)) fail_msg("%s: %s", cmd, err);
    if (test_exists(test_path(q))) fail_msg("gen left the dead run's %s", q);
    if (!test_exists(test_path("k-net.npz.tmp1"))) fail_msg("gen removed a live process's temporary");
}

/* SIGINT in the middle of golden: the partial directory goes with it */
static void test_sigint_cleans_up(void **state)
{
    (void)state;
    char cmd[9000] = "", *c = cmd;
    c += sprintf(c, "exec %s golden --net data/cnv.json --fold data/cnv-fix.fold.json -q -o %s --input", bin, test_path("g-int"));
    for (int i = 0; i < 60; i++) c += sprintf(c, " data/samples/shapes.cifar10.bin");
    c += sprintf(c, " >/dev/null 2>&1");
    pid_t pid = fork();
    if (!pid) { execl("/bin/sh", "sh", "-c", cmd, (char *)NULL); _exit(127); }
    char partial[700];
    snprintf(partial, sizeof partial, "g-int.partial-%ld", (long)pid);
    int seen = 0;
    for (int t = 0; t < 20000 && !seen; t++) { /* up to 20 s */
        seen = test_exists(test_path(partial));
        if (!seen) usleep(1000);
    }
    if (!seen) { kill(pid, SIGKILL); fail_msg("golden never made %s", partial); }
    kill(pid, SIGINT);
    int st;
    waitpid(pid, &st, 0);
    if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT) && !(WIFEXITED(st) && WEXITSTATUS(st) == 130))
        fail_msg("golden after SIGINT: status %#x (finished before the signal?)", st);
    if (test_exists(test_path(partial))) fail_msg("SIGINT left %s", partial);
    if (test_exists(test_path("g-int"))) fail_msg("SIGINT left a half-written g-int");
}

/* warnings: on stderr, and in every --json document as "warnings" */
static void test_warnings_in_json(void **state)
{
    (void)state;
    static char out[1 << 18], err[1 << 16];
    char cmd[9000];
    puts_("w-fold.json", "{\"MVAU_hls_0\": {\"PE\": 2, \"SIMD\": 28}}");
    const char *cmds[] = {"perf", "resources", "run " IN, "golden " IN " --frames 1 -q"};
    for (int k = 0; k < 4; k++) {
        int golden = k == 3;
        snprintf(cmd, sizeof cmd, "%s %s " NET " --fold %s %s", bin, cmds[k], test_path("w-fold.json"),
                 golden ? "-o " : "--json");
        if (golden) strcat(cmd, test_path("w-golden"));
        if (sh(cmd, out, sizeof out, err, sizeof err)) fail_msg("%s: %s", cmd, err);
        if (!strstr(err, "MVAU_hls_1 (layer 'fc1') has no entry")) fail_msg("%s: no warning on stderr: %s", cmd, err);
        if (strstr(out, "has no entry") && !strchr(out, '{')) fail_msg("%s: the warning went to stdout", cmd);
        if (golden) continue;
        json_error_t je;
        json_t *doc = json_loads(out, 0, &je);
        if (!doc) fail_msg("%s: --json output does not parse: %s", cmd, je.text);
        json_t *w = json_object_get(doc, "warnings");
        if (json_array_size(w) != 3) fail_msg("%s: %zu warnings in the document, expected 3", cmd, json_array_size(w));
        assert_non_null(strstr(json_string_value(json_array_get(w, 0)), "MVAU_hls_1"));
        json_decref(doc);
    }
}

/* a BNN-PYNQ weight file shorter than its WMEM: imported, with a warning naming it */
static void test_pynq_short_file_warned(void **state)
{
    (void)state;
    static char out[1 << 16], err[1 << 16];
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "cp -r %s %s && truncate -s -64 %s/3-0-weights.bin", test_path("b-good"),
             test_path("b-short"), test_path("b-short"));
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s import bnn-pynq --network lfcW1A1 %s -o %s", bin, test_path("b-short"), test_path("b-short.json"));
    if (sh(cmd, out, sizeof out, err, sizeof err)) fail_msg("%s: %s", cmd, err);
    if (!strstr(err, "3-0-weights.bin") || !strstr(err, "present")) fail_msg("no warning naming the short file: %s", err);
    assert_true(test_exists(test_path("b-short.npz")));
}

static int remove_files(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", test_tmpdir());
    return system(cmd);
}

int main(void)
{
    bin = getenv("BNNSIM_BIN");
    if (!bin) bin = "build/bnnsim";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_inputs),       cmocka_unit_test(test_symlink_written_through),
        cmocka_unit_test(test_debris_swept),     cmocka_unit_test(test_sigint_cleans_up),
        cmocka_unit_test(test_warnings_in_json), cmocka_unit_test(test_pynq_short_file_warned),
    };
    return cmocka_run_group_tests(tests, make_files, remove_files);
}
