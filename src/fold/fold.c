/* Folding configs in FINN's JSON format. */
#include <jansson.h>
#include <stdio.h>

#include "bnnsim/fold.h"
#include "bnnsim/io.h"
#include "core/util.h"

/* FINN node kinds the hardware wing knows; their entries are accepted (and
 * checked for known keys) even where the executor has no use for them. */
static const char *const finn_kinds[] = {
    "MVAU_hls_", "MVAU_rtl_", "MatrixVectorActivation_", "ConvolutionInputGenerator_rtl_",
    "ConvolutionInputGenerator_hls_", "ConvolutionInputGenerator_", "StreamingMaxPool_hls_", "StreamingMaxPool_Batch_",
    "Thresholding_hls_", "Thresholding_rtl_", "Thresholding_Batch_", "LabelSelect_hls_", "LabelSelect_Batch_",
    "StreamingDataWidthConverter_hls_", "StreamingDataWidthConverter_rtl_", "StreamingDataWidthConverter_Batch_",
    "StreamingFIFO_rtl_", "StreamingFIFO_", NULL};
static const char *const mvau_kinds[] = {"MVAU_hls_", "MVAU_rtl_", "MatrixVectorActivation_", NULL};
static const char *const keys[] = {"PE", "SIMD", "ram_style", "ram_style_thresholds", "mem_mode", "resType",
                                   "inFIFODepths", "outFIFODepths", "depth", "impl_style", "parallel_window",
                                   "runtime_writeable_weights", "depth_trigger_uram", "depth_trigger_bram", NULL};

void bnn_fold_free(struct bnn_fold *f)
{
    if (!f) return;
    free(f->layers);
    free(f);
}

int64_t bnn_fold_layer_cycles(const struct bnn_net *net, const struct bnn_fold_layer *fl)
{
    const struct bnn_layer *L = &net->layers[fl->layer];
    return (int64_t)(L->mh / fl->pe) * (L->mw / fl->simd) * L->out.h * L->out.w;
}

static struct bnn_fold *fold_alloc(const struct bnn_net *net)
{
    struct bnn_fold *f = bnn__calloc(1, sizeof *f);
    if (!f) return NULL;
    for (int32_t i = 0; i < net->n_layers; i++)
        f->n += net->layers[i].kind == BNN_LAYER_CONV || net->layers[i].kind == BNN_LAYER_FC;
    f->layers = bnn__calloc((size_t)f->n, sizeof *f->layers);
    if (!f->layers) { free(f); return NULL; }
    for (int32_t i = 0, j = 0; i < net->n_layers; i++)
        if (net->layers[i].kind == BNN_LAYER_CONV || net->layers[i].kind == BNN_LAYER_FC)
            f->layers[j++] = (struct bnn_fold_layer){i, 1, 1, 1};
    return f;
}

enum bnn_status bnn_fold_check(const struct bnn_fold *f, const struct bnn_net *net, const char *where)
{
    for (int32_t j = 0; j < f->n; j++) {
        const struct bnn_fold_layer *fl = &f->layers[j];
        const struct bnn_layer *L = &net->layers[fl->layer];
        if (fl->pe < 1 || fl->simd < 1)
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: MVAU_hls_%d (layer '%s'): PE and SIMD must be >= 1", where, j,
                             L->name);
        if (L->mh % fl->pe)
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: MVAU_hls_%d (layer '%s'): PE=%d does not divide MH=%d (rule MH %% PE == 0)",
                             where, j, L->name, fl->pe, L->mh);
        if (L->mw % fl->simd)
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: MVAU_hls_%d (layer '%s'): SIMD=%d does not divide MW=%d (rule MW %% SIMD == 0)",
                             where, j, L->name, fl->simd, L->mw);
    }
    return BNN_OK;
}

static int has_prefix_num(const char *name, const char *prefix, int32_t *num)
{
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0 || !name[n]) return 0;
    char *end;
    long v = strtol(name + n, &end, 10);
    if (*end || v < 0 || v > 1 << 20) return 0;
    *num = (int32_t)v;
    return 1;
}

static enum bnn_status set_int(const char *path, const char *node, const char *key, json_t *v, int32_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1 << 20)
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s.%s: must be an integer >= 1", path, node, key);
    *out = (int32_t)json_integer_value(v);
    return BNN_OK;
}

/* "Defaults": {"attr": [value, ["OpType", ...]] or [value, "all"], ...} */
static enum bnn_status apply_defaults(const char *path, json_t *d, struct bnn_fold *f)
{
    if (!json_is_object(d)) return bnn_error(BNN_ERR_INVALID_ARG, "%s: Defaults: must be an object", path);
    const char *key;
    json_t *v;
    json_object_foreach(d, key, v) {
        int known = 0;
        for (const char *const *k = keys; *k; k++) known |= strcmp(*k, key) == 0;
        if (!known) return bnn_error(BNN_ERR_INVALID_ARG, "%s: Defaults.%s: unknown key", path, key);
        if (!json_is_array(v) || json_array_size(v) % 2)
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: Defaults.%s: must be [value, [op types]] or [value, \"all\"]",
                             path, key);
        for (size_t i = 0; i < json_array_size(v); i += 2) {
            json_t *val = json_array_get(v, i), *ops = json_array_get(v, i + 1);
            int mvau = json_is_string(ops) && strcmp(json_string_value(ops), "all") == 0;
            for (size_t k = 0; json_is_array(ops) && k < json_array_size(ops); k++) {
                const char *op = json_string_value(json_array_get(ops, k));
                mvau |= op && (strcmp(op, "MVAU_hls") == 0 || strcmp(op, "MVAU_rtl") == 0 ||
                               strcmp(op, "MatrixVectorActivation") == 0);
            }
            if (!mvau || (strcmp(key, "PE") && strcmp(key, "SIMD"))) continue;
            for (int32_t j = 0; j < f->n; j++) {
                enum bnn_status st = set_int(path, "Defaults", key, val, key[0] == 'P' ? &f->layers[j].pe : &f->layers[j].simd);
                if (st) return st;
                f->layers[j].defaulted = 0;
            }
        }
    }
    return BNN_OK;
}

enum bnn_status bnn_fold_load(const char *path, const struct bnn_net *net, struct bnn_fold **out)
{
    *out = NULL;
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line < 0 || strstr(je.text, "unable to open"))
            return bnn_error(BNN_ERR_IO, "%s: cannot read: %s", path, je.text);
        return bnn_error(BNN_ERR_PARSE, "%s:%d:%d: JSON syntax error: %s", path, je.line, je.column, je.text);
    }
    struct bnn_fold *f = fold_alloc(net);
    enum bnn_status st = BNN_ERR_NOMEM;
    if (!f) goto fail;
    st = BNN_ERR_INVALID_ARG;
    if (!json_is_object(root)) {
        bnn_error(st, "%s: a folding config is a JSON object of nodes", path);
        goto fail;
    }
    json_t *d = json_object_get(root, "Defaults");
    if (d && (st = apply_defaults(path, d, f))) goto fail;
    const char *node;
    json_t *v;
    json_object_foreach(root, node, v) {
        if (strcmp(node, "Defaults") == 0) continue;
        int32_t j = -1, num;
        for (const char *const *k = mvau_kinds; *k; k++)
            if (has_prefix_num(node, *k, &num)) j = num;
        for (int32_t m = 0; m < f->n && j < 0; m++)
            if (strcmp(net->layers[f->layers[m].layer].name, node) == 0) j = m;
        int other = 0;
        for (const char *const *k = finn_kinds; *k && j < 0; k++) other |= has_prefix_num(node, *k, &num);
        if (j < 0 && !other) {
            st = bnn_error(BNN_ERR_INVALID_ARG,
                           "%s: \"%s\": unknown node name (expected MVAU_hls_<n> with n < %d, a FINN node name, or a "
                           "layer name of '%s')", path, node, f->n, net->name);
            goto fail;
        }
        if (j >= f->n) {
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s: \"%s\": the network has only %d matrix layers (MVAU_hls_0..%d)",
                           path, node, f->n, f->n - 1);
            goto fail;
        }
        if (!json_is_object(v)) {
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s: \"%s\": must be an object", path, node);
            goto fail;
        }
        const char *key;
        json_t *x;
        json_object_foreach(v, key, x) {
            int known = 0;
            for (const char *const *k = keys; *k; k++) known |= strcmp(*k, key) == 0;
            if (!known) {
                st = bnn_error(BNN_ERR_INVALID_ARG, "%s: %s.%s: unknown key", path, node, key);
                goto fail;
            }
            if (j >= 0 && (strcmp(key, "PE") == 0 || strcmp(key, "SIMD") == 0)) {
                if ((st = set_int(path, node, key, x, key[0] == 'P' ? &f->layers[j].pe : &f->layers[j].simd))) goto fail;
                f->layers[j].defaulted = 0;
            }
        }
    }
    if ((st = bnn_fold_check(f, net, path))) goto fail;
    json_decref(root);
    *out = f;
    return BNN_OK;
fail:
    json_decref(root);
    bnn_fold_free(f);
    return st;
}

enum bnn_status bnn_fold_save(const struct bnn_fold *f, const struct bnn_net *net, const char *path)
{
    enum bnn_status st = bnn_fold_check(f, net, path);
    if (st) return st;
    json_t *root = json_object();
    json_object_set_new(root, "Defaults", json_object());
    for (int32_t j = 0; j < f->n; j++) {
        char name[64];
        snprintf(name, sizeof name, "MVAU_hls_%d", j);
        json_object_set_new(root, name, json_pack("{s:i,s:i}", "PE", f->layers[j].pe, "SIMD", f->layers[j].simd));
    }
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    size_t len = strlen(text);
    text[len] = '\n';
    st = bnn_file_write_atomic(path, text, len + 1);
    free(text);
    return st;
}
