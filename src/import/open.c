/* One entry for every network file bnnsim reads. */
#include <stdio.h>

#include "bnnsim/onnx.h"
#include "core/util.h"

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

int bnn_path_is_onnx(const char *path)
{
    if (ends_with(path, ".onnx")) return 1;
    if (ends_with(path, ".json")) return 0;
    /* by content: a JSON document starts with '{' after blanks; an ONNX
     * ModelProto with a field tag (ir_version is field 1, varint: 0x08) */
    if (bnn__check_regular(path)) return 0; /* the loader says what is wrong */
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    int c;
    do c = fgetc(f); while (c == ' ' || c == '\t' || c == '\r' || c == '\n');
    fclose(f);
    return c != EOF && c != '{';
}

enum bnn_status bnn_net_open(const char *path, struct bnn_net **net, struct bnn_fold **fold, struct bnn_warnings *warn)
{
    if (fold) *fold = NULL;
    if (bnn_path_is_onnx(path)) return bnn_onnx_import(path, NULL, net, fold, warn);
    return bnn_net_load(path, net);
}
