/* Folding configs in FINN's JSON format. */
#include <jansson.h>
#include <stdio.h>

#include "bnnsim/fold.h"
#include "bnnsim/io.h"
#include "core/util.h"
#include "fold/fold-impl.h"

/* FINN node kinds the hardware wing knows (op type + "_"). */
static const char *const finn_kinds[] = {
    "MVAU_hls_", "MVAU_rtl_", "MatrixVectorActivation_", "ConvolutionInputGenerator_rtl_",
    "ConvolutionInputGenerator_hls_", "ConvolutionInputGenerator_", "StreamingMaxPool_hls_", "StreamingMaxPool_Batch_",
    "Thresholding_hls_", "Thresholding_rtl_", "Thresholding_Batch_", "LabelSelect_hls_", "LabelSelect_Batch_",
    "StreamingDataWidthConverter_hls_", "StreamingDataWidthConverter_rtl_", "StreamingDataWidthConverter_Batch_",
    "StreamingFIFO_rtl_", "StreamingFIFO_", NULL};
static const char *const mvau_kinds[] = {"MVAU_hls_", "MVAU_rtl_", "MatrixVectorActivation_", NULL};
static const char *const int_keys[] = {"PE", "SIMD", "depth", "parallel_window", "runtime_writeable_weights",
                                       "depth_trigger_uram", "depth_trigger_bram", NULL};
static const char *const str_keys[] = {"ram_style", "ram_style_thresholds", "mem_mode", "resType", "impl_style", NULL};
static const char *const list_keys[] = {"inFIFODepths", "outFIFODepths", NULL};

void bnn_fold_free(struct bnn_fold *f)
{
    if (!f) return;
    free(f->layers);
    free(f->nodes);
    free(f->defaults);
    free(f);
}

int64_t bnn_fold_layer_cycles(const struct bnn_net *net, const struct bnn_fold_layer *fl)
{
    const struct bnn_layer *L = &net->layers[fl->layer];
    return (int64_t)(L->mh / fl->pe) * (L->mw / fl->simd) * L->out.h * L->out.w;
}

struct bnn_fold *bnn__fold_alloc(const struct bnn_net *net)
{
    struct bnn_fold *f = bnn__calloc(1, sizeof *f);
    if (!f) return NULL;
    for (int32_t i = 0; i < net->n_layers; i++)
        f->n += net->layers[i].kind == BNN_LAYER_CONV || net->layers[i].kind == BNN_LAYER_FC;
    f->layers = bnn__calloc((size_t)f->n + 1, sizeof *f->layers);
    if (!f->layers) { free(f); return NULL; }
    for (int32_t i = 0, j = 0; i < net->n_layers; i++)
        if (net->layers[i].kind == BNN_LAYER_CONV || net->layers[i].kind == BNN_LAYER_FC)
            f->layers[j++] = (struct bnn_fold_layer){i, 1, 1, 1};
    return f;
}

enum bnn_status bnn_fold_new(const struct bnn_net *net, struct bnn_fold **out)
{
    *out = bnn__fold_alloc(net);
    return *out ? BNN_OK : bnn_error(BNN_ERR_NOMEM, "out of memory");
}

struct bnn_fold_node *bnn_fold_node_get(struct bnn_fold *f, const char *name, int create)
{
    for (int32_t i = 0; i < f->n_nodes; i++)
        if (strcmp(f->nodes[i].name, name) == 0) return &f->nodes[i];
    if (!create) return NULL;
    struct bnn_fold_node *nn = realloc(f->nodes, (size_t)(f->n_nodes + 1) * sizeof *nn);
    if (!nn) return NULL;
    f->nodes = nn;
    struct bnn_fold_node *e = &f->nodes[f->n_nodes++];
    memset(e, 0, sizeof *e);
    e->mvau = -1;
    e->parallel_window = -1;
    e->runtime_writeable_weights = -1;
    e->depth_trigger_uram = -1;
    e->depth_trigger_bram = -1;
    snprintf(e->name, sizeof e->name, "%s", name);
    return e;
}

int bnn_fold_rule(const struct bnn_net *net, int32_t layer, int32_t pe, int32_t simd, char *why, size_t n)
{
    const struct bnn_layer *L = &net->layers[layer];
    char tmp[8];
    if (!why) why = tmp, n = sizeof tmp;
    if (pe < 1 || simd < 1) return snprintf(why, n, "PE and SIMD must be >= 1"), 0;
    if (L->mh % pe) return snprintf(why, n, "PE=%d does not divide MH=%d (rule MH %% PE == 0)", pe, L->mh), 0;
    if (L->mw % simd) return snprintf(why, n, "SIMD=%d does not divide MW=%d (rule MW %% SIMD == 0)", simd, L->mw), 0;
    if (L->kind == BNN_LAYER_CONV && L->in.c % simd)
        return snprintf(why, n, "SIMD=%d does not divide the %d input channels, so its sliding window cannot feed it "
                                "(rule IFMChannels %% SIMD == 0)", simd, L->in.c), 0;
    return 1;
}

enum bnn_status bnn_fold_check(const struct bnn_fold *f, const struct bnn_net *net, const char *where)
{
    for (int32_t j = 0; j < f->n; j++) {
        const struct bnn_fold_layer *fl = &f->layers[j];
        char why[256];
        if (!bnn_fold_rule(net, fl->layer, fl->pe, fl->simd, why, sizeof why))
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: MVAU_hls_%d (layer '%s'): %s", where, j, net->layers[fl->layer].name, why);
    }
    return BNN_OK;
}

int bnn__has_prefix_num(const char *name, const char *prefix, int32_t *num)
{
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0 || !name[n]) return 0;
    char *end;
    long v = strtol(name + n, &end, 10);
    if (*end || v < 0 || v > 1 << 20 || !(name[n] >= '0' && name[n] <= '9')) return 0;
    *num = (int32_t)v;
    return 1;
}

static int in_list(const char *const *list, const char *key)
{
    for (const char *const *k = list; *k; k++)
        if (strcmp(*k, key) == 0) return 1;
    return 0;
}

static enum bnn_status get_int(const char *path, const char *node, const char *key, json_t *v, int32_t lo, int32_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > 1 << 24)
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s.%s: must be an integer >= %d", path, node, key, lo);
    *out = (int32_t)json_integer_value(v);
    return BNN_OK;
}

/* One key of a node entry (or of a default applied to it). */
static enum bnn_status set_key(const char *path, const char *node, struct bnn_fold_node *e, const char *key, json_t *x)
{
    enum bnn_status st = BNN_OK;
    if (strcmp(key, "PE") == 0) return get_int(path, node, key, x, 1, &e->pe);
    if (strcmp(key, "SIMD") == 0) return get_int(path, node, key, x, 1, &e->simd);
    if (strcmp(key, "depth") == 0) return get_int(path, node, key, x, 1, &e->depth);
    if (strcmp(key, "parallel_window") == 0) return get_int(path, node, key, x, 0, &e->parallel_window);
    if (strcmp(key, "runtime_writeable_weights") == 0) return get_int(path, node, key, x, 0, &e->runtime_writeable_weights);
    if (strcmp(key, "depth_trigger_uram") == 0) return get_int(path, node, key, x, 0, &e->depth_trigger_uram);
    if (strcmp(key, "depth_trigger_bram") == 0) return get_int(path, node, key, x, 0, &e->depth_trigger_bram);
    if (in_list(list_keys, key)) {
        json_t *v0 = json_is_array(x) ? json_array_get(x, 0) : NULL;
        if (!v0 || json_array_size(x) != 1)
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s.%s: must be a list of one integer (one stream)", path, node, key);
        int32_t d;
        if ((st = get_int(path, node, key, v0, 0, &d))) return st;
        *(key[0] == 'i' ? &e->in_fifo : &e->out_fifo) = d;
        return BNN_OK;
    }
    if (!json_is_string(x) || json_string_length(x) == 0 || json_string_length(x) >= 24)
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s.%s: must be a short string", path, node, key);
    const char *s = json_string_value(x);
    static const char *const ram[] = {"auto", "block", "distributed", "ultra", NULL};
    static const char *const mem[] = {"internal_embedded", "internal_decoupled", "external", "const", "decoupled", NULL};
    static const char *const res[] = {"auto", "lut", "dsp", NULL};
    static const char *const impl[] = {"rtl", "vivado", "hls", NULL};
    const char *const *allowed = strcmp(key, "mem_mode") == 0 ? mem
                                 : strcmp(key, "resType") == 0 ? res
                                 : strcmp(key, "impl_style") == 0 ? impl : ram;
    if (!in_list(allowed, s)) {
        char list[128] = "";
        for (const char *const *a = allowed; *a; a++) snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", a == allowed ? "" : ", ", *a);
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: %s.%s: '%s' is not one of %s", path, node, key, s, list);
    }
    char *dst = strcmp(key, "ram_style") == 0 ? e->ram_style
                : strcmp(key, "ram_style_thresholds") == 0 ? e->ram_style_thresholds
                : strcmp(key, "mem_mode") == 0 ? e->mem_mode
                : strcmp(key, "resType") == 0 ? e->res_type : e->impl_style;
    snprintf(dst, strcmp(key, "mem_mode") == 0 ? sizeof e->mem_mode : sizeof e->ram_style, "%s", s);
    return BNN_OK;
}

/* "Defaults": {"attr": [value, ["OpType", ...]] or [value, "all"], ...}.
 * MVAU PE/SIMD apply at once; the rest is kept for the pipeline builder. */
static enum bnn_status read_defaults(const char *path, json_t *d, struct bnn_fold *f)
{
    if (!json_is_object(d)) return bnn_error(BNN_ERR_INVALID_ARG, "%s: Defaults: must be an object", path);
    const char *key;
    json_t *v;
    json_object_foreach(d, key, v) {
        if (!in_list(int_keys, key) && !in_list(str_keys, key) && !in_list(list_keys, key))
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: Defaults.%s: unknown key", path, key);
        if (!json_is_array(v) || json_array_size(v) % 2 || json_array_size(v) == 0)
            return bnn_error(BNN_ERR_INVALID_ARG, "%s: Defaults.%s: must be [value, [op types]] or [value, \"all\"]",
                             path, key);
        for (size_t i = 0; i < json_array_size(v); i += 2) {
            json_t *val = json_array_get(v, i), *ops = json_array_get(v, i + 1);
            struct bnn_fold_default *nd = realloc(f->defaults, (size_t)(f->n_defaults + 1) * sizeof *nd);
            if (!nd) return bnn_error(BNN_ERR_NOMEM, "out of memory");
            f->defaults = nd;
            struct bnn_fold_default *df = &f->defaults[f->n_defaults++];
            memset(df, 0, sizeof *df);
            snprintf(df->key, sizeof df->key, "%s", key);
            /* validate the value as a node entry would */
            struct bnn_fold_node tmp = {.mvau = -1};
            enum bnn_status st = set_key(path, "Defaults", &tmp, key, val);
            if (st) return st;
            if (json_is_string(val)) {
                df->is_str = 1;
                snprintf(df->sval, sizeof df->sval, "%s", json_string_value(val));
            } else if (json_is_array(val)) {
                df->ival = json_integer_value(json_array_get(val, 0));
            } else {
                df->ival = json_integer_value(val);
            }
            if (json_is_string(ops) && strcmp(json_string_value(ops), "all") == 0) {
                if (json_array_size(v) != 2)
                    return bnn_error(BNN_ERR_INVALID_ARG, "%s: Defaults.%s: \"all\" must stand alone", path, key);
                strcpy(df->ops, "all");
            } else if (json_is_array(ops)) {
                for (size_t k = 0; k < json_array_size(ops); k++) {
                    const char *op = json_string_value(json_array_get(ops, k));
                    if (!op) return bnn_error(BNN_ERR_INVALID_ARG, "%s: Defaults.%s: op types must be strings", path, key);
                    snprintf(df->ops + strlen(df->ops), sizeof df->ops - strlen(df->ops), "%s%s", k ? "," : "", op);
                }
            } else {
                return bnn_error(BNN_ERR_INVALID_ARG, "%s: Defaults.%s: op types must be a list or \"all\"", path, key);
            }
            if (strcmp(key, "PE") && strcmp(key, "SIMD")) continue;
            if (!bnn__fold_default_matches(df, "MVAU_hls") && !bnn__fold_default_matches(df, "MVAU_rtl") &&
                !bnn__fold_default_matches(df, "MatrixVectorActivation"))
                continue;
            for (int32_t j = 0; j < f->n; j++) {
                *(key[0] == 'P' ? &f->layers[j].pe : &f->layers[j].simd) = (int32_t)df->ival;
                f->layers[j].defaulted = 0;
            }
        }
    }
    return BNN_OK;
}

int bnn__fold_default_matches(const struct bnn_fold_default *df, const char *op_type)
{
    if (strcmp(df->ops, "all") == 0) return 1;
    size_t n = strlen(op_type);
    for (const char *p = df->ops; *p;) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (len == n && strncmp(p, op_type, n) == 0) return 1;
        if (!q) break;
        p = q + 1;
    }
    return 0;
}

static enum bnn_status load_json(const char *path, const struct bnn_net *net, struct bnn_fold *f,
                                 struct bnn_warnings *warn)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) return bnn_error(BNN_ERR_PARSE, "%s:%d:%d: JSON syntax error: %s", path, je.line, je.column, je.text);
    enum bnn_status st = BNN_ERR_INVALID_ARG;
    if (!json_is_object(root)) {
        bnn_error(st, "%s: a folding config is a JSON object of nodes", path);
        goto done;
    }
    json_t *d = json_object_get(root, "Defaults");
    if (d && (st = read_defaults(path, d, f))) goto done;
    const char *node;
    json_t *v;
    json_object_foreach(root, node, v) {
        if (strcmp(node, "Defaults") == 0) continue;
        int32_t j = -1, num;
        if (bnn__has_prefix_num(node, "ConvolutionInputGenerator_hls_", &num)) f->swg_hls = 1;
        for (const char *const *k = mvau_kinds; *k; k++)
            if (bnn__has_prefix_num(node, *k, &num)) j = num;
        for (int32_t m = 0; m < f->n && j < 0; m++)
            if (strcmp(net->layers[f->layers[m].layer].name, node) == 0) j = m;
        int other = 0;
        for (const char *const *k = finn_kinds; *k && j < 0; k++) other |= bnn__has_prefix_num(node, *k, &num);
        if (f->lenient && (j >= f->n || (j < 0 && !other))) {
            /* FINN's ApplyConfig warns about a name it cannot find and goes on */
            bnn__warn(warn, "%s: \"%s\" names no node of '%s'; ignored, as FINN does (--lenient)", path, node,
                      net->name);
            continue;
        }
        if (j < 0 && !other) {
            st = bnn_error(BNN_ERR_INVALID_ARG,
                           "%s: \"%s\": unknown node name (expected MVAU_hls_<n> with n < %d, a FINN node name such as "
                           "ConvolutionInputGenerator_rtl_0 or StreamingFIFO_rtl_3, or a layer name of '%s')",
                           path, node, f->n, net->name);
            goto done;
        }
        if (j >= f->n) {
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s: \"%s\": the network has only %d matrix layers (MVAU_hls_0..%d)",
                           path, node, f->n, f->n - 1);
            goto done;
        }
        if (!json_is_object(v)) {
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s: \"%s\": must be an object", path, node);
            goto done;
        }
        if (bnn_fold_node_get(f, node, 0)) {
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s: \"%s\": given twice", path, node);
            goto done;
        }
        struct bnn_fold_node *e = bnn_fold_node_get(f, node, 1);
        if (!e) { st = bnn_error(BNN_ERR_NOMEM, "out of memory"); goto done; }
        e->mvau = j;
        const char *key;
        json_t *x;
        json_object_foreach(v, key, x) {
            if (!in_list(int_keys, key) && !in_list(str_keys, key) && !in_list(list_keys, key)) {
                st = bnn_error(BNN_ERR_INVALID_ARG, "%s: %s.%s: unknown key", path, node, key);
                goto done;
            }
            if ((st = set_key(path, node, e, key, x))) goto done;
        }
        if (j >= 0) {
            for (int32_t m = 0; m < f->n_nodes - 1; m++)
                if (f->nodes[m].mvau == j) {
                    st = bnn_error(BNN_ERR_INVALID_ARG, "%s: \"%s\" and \"%s\" name the same matrix layer", path,
                                   f->nodes[m].name, node);
                    goto done;
                }
            if (e->pe) f->layers[j].pe = e->pe, f->layers[j].defaulted = 0;
            if (e->simd) f->layers[j].simd = e->simd, f->layers[j].defaulted = 0;
        }
    }
    st = BNN_OK;
done:
    json_decref(root);
    return st;
}

enum bnn_status bnn_fold_load(const char *path, const struct bnn_net *net, struct bnn_fold **out)
{
    return bnn_fold_load_ex(path, net, 0, NULL, out);
}

enum bnn_status bnn_fold_load_ex(const char *path, const struct bnn_net *net, int lenient, struct bnn_warnings *warn,
                                 struct bnn_fold **out)
{
    *out = NULL;
    size_t len = 0;
    char *text = NULL;
    enum bnn_status st = bnn__read_text(path, &text, &len);
    if (st) return st;
    struct bnn_fold *f = bnn__fold_alloc(net);
    if (!f) {
        free(text);
        return bnn_error(BNN_ERR_NOMEM, "out of memory");
    }
    const char *p = text;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (*p == '{') {
        f->format = BNN_FOLD_FINN_JSON;
        f->lenient = lenient;
        st = load_json(path, net, f, warn);
    } else if (strstr(text, "#define")) {
        f->format = BNN_FOLD_CONFIG_H;
        st = bnn__fold_parse_config_h(path, text, net, f);
    } else {
        st = bnn_error(BNN_ERR_PARSE, "%s: neither a FINN folding JSON (starts with '{') nor a BNN-PYNQ config.h "
                                      "(#define L0_SIMD ...)", path);
    }
    free(text);
    if (!st) st = bnn_fold_check(f, net, path);
    if (st) {
        bnn_fold_free(f);
        return st;
    }
    *out = f;
    return BNN_OK;
}

static json_t *node_json(const struct bnn_fold_node *e, const struct bnn_fold_layer *fl)
{
    json_t *o = json_object();
    if (fl) {
        json_object_set_new(o, "PE", json_integer(fl->pe));
        json_object_set_new(o, "SIMD", json_integer(fl->simd));
    } else {
        if (e->pe) json_object_set_new(o, "PE", json_integer(e->pe));
        if (e->simd) json_object_set_new(o, "SIMD", json_integer(e->simd));
    }
    if (!e) return o;
    if (e->depth) json_object_set_new(o, "depth", json_integer(e->depth));
    if (e->parallel_window >= 0) json_object_set_new(o, "parallel_window", json_integer(e->parallel_window));
    if (e->ram_style[0]) json_object_set_new(o, "ram_style", json_string(e->ram_style));
    if (e->ram_style_thresholds[0]) json_object_set_new(o, "ram_style_thresholds", json_string(e->ram_style_thresholds));
    if (e->mem_mode[0]) json_object_set_new(o, "mem_mode", json_string(e->mem_mode));
    if (e->res_type[0]) json_object_set_new(o, "resType", json_string(e->res_type));
    if (e->impl_style[0]) json_object_set_new(o, "impl_style", json_string(e->impl_style));
    if (e->runtime_writeable_weights >= 0)
        json_object_set_new(o, "runtime_writeable_weights", json_integer(e->runtime_writeable_weights));
    if (e->depth_trigger_uram >= 0) json_object_set_new(o, "depth_trigger_uram", json_integer(e->depth_trigger_uram));
    if (e->depth_trigger_bram >= 0) json_object_set_new(o, "depth_trigger_bram", json_integer(e->depth_trigger_bram));
    if (e->in_fifo) json_object_set_new(o, "inFIFODepths", json_pack("[i]", e->in_fifo));
    if (e->out_fifo) json_object_set_new(o, "outFIFODepths", json_pack("[i]", e->out_fifo));
    return o;
}

enum bnn_status bnn_fold_save(const struct bnn_fold *f, const struct bnn_net *net, const char *path)
{
    enum bnn_status st = bnn_fold_check(f, net, path);
    if (st) return st;
    json_t *root = json_object();
    json_t *defs = json_object();
    for (int32_t i = 0; i < f->n_defaults; i++) {
        const struct bnn_fold_default *df = &f->defaults[i];
        if (!strcmp(df->key, "PE") || !strcmp(df->key, "SIMD")) continue; /* already resolved into the MVAUs */
        json_t *val = df->is_str ? json_string(df->sval)
                      : (!strcmp(df->key, "inFIFODepths") || !strcmp(df->key, "outFIFODepths")) ? json_pack("[I]", (json_int_t)df->ival)
                                                                                                    : json_integer(df->ival);
        json_t *ops;
        if (strcmp(df->ops, "all") == 0) {
            ops = json_string("all");
        } else {
            ops = json_array();
            char buf[256];
            snprintf(buf, sizeof buf, "%s", df->ops);
            for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
                json_array_append_new(ops, json_string(t));
        }
        json_t *arr = json_object_get(defs, df->key);
        if (!arr) json_object_set_new(defs, df->key, arr = json_array());
        json_array_append_new(arr, val);
        json_array_append_new(arr, ops);
    }
    json_object_set_new(root, "Defaults", defs);
    for (int32_t j = 0; j < f->n; j++) {
        const struct bnn_fold_node *e = NULL;
        for (int32_t m = 0; m < f->n_nodes; m++)
            if (f->nodes[m].mvau == j) e = &f->nodes[m];
        char name[64];
        snprintf(name, sizeof name, "MVAU_hls_%d", j);
        json_object_set_new(root, name, node_json(e, &f->layers[j]));
    }
    for (int32_t m = 0; m < f->n_nodes; m++)
        if (f->nodes[m].mvau < 0) json_object_set_new(root, f->nodes[m].name, node_json(&f->nodes[m], NULL));
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    size_t len = strlen(text);
    char *t2 = realloc(text, len + 2);
    if (!t2) { free(text); return bnn_error(BNN_ERR_NOMEM, "out of memory"); }
    t2[len] = '\n';
    st = bnn_file_write_atomic(path, t2, len + 1);
    free(t2);
    return st;
}
