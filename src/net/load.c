/* NAME.json (topology) + NAME.npz (tensors) -> struct bnn_net.
 * Every error names the file and the JSON path or the tensor. */
#include <jansson.h>
#include <stdio.h>

#include "bnnsim/io.h"
#include "bnnsim/net.h"
#include "core/util.h"
#include "net/shape.h"

struct ctx {
    const char *path; /* the JSON file */
    struct bnn_npz *npz;
};

#define PERR(...) bnn_error(BNN_ERR_INVALID_NET, __VA_ARGS__)

static enum bnn_status check_keys(struct ctx *c, json_t *obj, const char *at, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++) ok |= strcmp(*a, key) == 0;
        if (!ok) {
            char list[512] = "";
            for (const char *const *a = allowed; *a; a++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", a == allowed ? "" : ", ", *a);
            return PERR("%s: %s.%s: unknown key (allowed: %s)", c->path, at, key, list);
        }
    }
    return BNN_OK;
}

/* Integer field; `def` used when absent and !required. */
static enum bnn_status get_int(struct ctx *c, json_t *obj, const char *at, const char *key, int required, int64_t def,
                               int64_t lo, int64_t hi, int32_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) return PERR("%s: %s.%s: missing (required)", c->path, at, key);
        *out = (int32_t)def;
        return BNN_OK;
    }
    if (!json_is_integer(v)) return PERR("%s: %s.%s: must be an integer", c->path, at, key);
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi) return PERR("%s: %s.%s: %lld out of range %lld..%lld", c->path, at, key, (long long)x,
                                      (long long)lo, (long long)hi);
    *out = (int32_t)x;
    return BNN_OK;
}

static enum bnn_status get_str(struct ctx *c, json_t *obj, const char *at, const char *key, int required,
                               const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) return PERR("%s: %s.%s: missing (required)", c->path, at, key);
        *out = NULL;
        return BNN_OK;
    }
    if (!json_is_string(v)) return PERR("%s: %s.%s: must be a string", c->path, at, key);
    *out = json_string_value(v);
    return BNN_OK;
}

/* A bipolar value written as -1 or +1, stored as a bit. */
static enum bnn_status get_bipolar(struct ctx *c, json_t *obj, const char *at, const char *key, int32_t *bit)
{
    int32_t v;
    enum bnn_status st = get_int(c, obj, at, key, 0, -1, -1, 1, &v);
    if (st) return st;
    if (v == 0) return PERR("%s: %s.%s: must be -1 or +1 (a bipolar value)", c->path, at, key);
    *bit = v > 0;
    return BNN_OK;
}

static enum bnn_status load_weights(struct ctx *c, struct bnn_layer *L, const char *at)
{
    struct bnn_array a;
    enum bnn_status st = bnn_npz_get_bounded(c->npz, L->weights_tensor, (int64_t)L->mh * L->mw * 8 + 4096, &a);
    if (st) return st;
    const char *tn = L->weights_tensor;
    int shape_ok = a.ndim == 2 && a.shape[0] == L->mh && a.shape[1] == L->mw;
    if (L->kind == BNN_LAYER_CONV)
        shape_ok |= a.ndim == 4 && a.shape[0] == L->mh && a.shape[1] == L->kernel && a.shape[2] == L->kernel &&
                    a.shape[3] * L->kernel * L->kernel == L->mw;
    if (!shape_ok) {
        char got[128] = "";
        for (int i = 0; i < a.ndim; i++) snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", i ? ", " : "",
                                                  (long long)a.shape[i]);
        bnn_array_free(&a);
        return PERR("%s: %s: tensor '%s' has shape (%s), expected (%d, %d)%s", c->path, at, tn, got, L->mh, L->mw,
                    L->kind == BNN_LAYER_CONV ? " or (rows, k, k, in_channels)" : "");
    }
    if (a.dtype == BNN_DT_F32 || a.dtype == BNN_DT_F64) {
        const char *dt = bnn_dtype_str(a.dtype);
        bnn_array_free(&a);
        return PERR("%s: %s: tensor '%s' is %s; weights must be %s", c->path, at, tn, dt,
                    L->w_bits > 1 ? "integers" : "bool/uint8 {0,1} or int8 {-1,+1}");
    }
    L->weights = malloc((size_t)a.count);
    if (!L->weights) { bnn_array_free(&a); return bnn_error(BNN_ERR_NOMEM, "out of memory"); }
    if (L->w_bits > 1) { /* integer codes: checked against their type by bnn_net_finalize */
        const int64_t lo = L->w_signed ? -(1 << (L->w_bits - 1)) : 0;
        const int64_t hi = L->w_signed ? (1 << (L->w_bits - 1)) - 1 : (1 << L->w_bits) - 1;
        for (int64_t i = 0; i < a.count; i++) {
            const int64_t v = bnn_array_get_i64(&a, i);
            if (v < lo || v > hi) {
                bnn_array_free(&a);
                return PERR("%s: %s: tensor '%s': element %lld (row %lld, column %lld) is %lld, outside the %s %d-bit "
                            "weights (%lld..%lld)", c->path, at, tn, (long long)i, (long long)(i / L->mw),
                            (long long)(i % L->mw), (long long)v, L->w_signed ? "signed" : "unsigned", L->w_bits,
                            (long long)lo, (long long)hi);
            }
            L->weights[i] = (uint8_t)(int8_t)v;
        }
        bnn_array_free(&a);
        return BNN_OK;
    }
    int seen_neg = 0, seen_zero = 0;
    for (int64_t i = 0; i < a.count; i++) {
        int64_t v = bnn_array_get_i64(&a, i);
        if (v != 0 && v != 1 && v != -1) {
            bnn_array_free(&a);
            return PERR("%s: %s: tensor '%s': element %lld (row %lld, column %lld) is %lld; weights are 0/1 (bit) or -1/+1",
                        c->path, at, tn, (long long)i, (long long)(i / L->mw), (long long)(i % L->mw), (long long)v);
        }
        seen_neg |= v == -1;
        seen_zero |= v == 0;
        L->weights[i] = v == 1;
    }
    bnn_array_free(&a);
    if (seen_neg && seen_zero)
        return PERR("%s: %s: tensor '%s' mixes 0 and -1; use {0,1} bits or {-1,+1}, not both", c->path, at, tn);
    return BNN_OK;
}

static enum bnn_status load_thresholds(struct ctx *c, struct bnn_layer *L, const char *at, int bits_given)
{
    struct bnn_array a;
    enum bnn_status st = bnn_npz_get_bounded(c->npz, L->thresholds_tensor, (int64_t)L->mh * 255 * 8 + 4096, &a);
    if (st) return st;
    const char *tn = L->thresholds_tensor;
    if (!(a.ndim == 1 || a.ndim == 2) || a.shape[0] != L->mh || (a.ndim == 2 && (a.shape[1] < 1 || a.shape[1] > 255))) {
        bnn_array_free(&a);
        return PERR("%s: %s: tensor '%s' must have shape (%d,) or (%d, n) with n thresholds per row", c->path, at, tn,
                    L->mh, L->mh);
    }
    if (a.dtype == BNN_DT_F32 || a.dtype == BNN_DT_F64 || a.dtype == BNN_DT_BOOL) {
        bnn_array_free(&a);
        return PERR("%s: %s: tensor '%s' must hold integers (fixed point with threshold_frac fraction bits)", c->path,
                    at, tn);
    }
    if (a.dtype == BNN_DT_U64) {
        for (int64_t i = 0; i < a.count; i++)
            if (((uint64_t *)a.data)[i] > INT64_MAX) {
                bnn_array_free(&a);
                return PERR("%s: %s: tensor '%s': element %lld does not fit int64", c->path, at, tn, (long long)i);
            }
    }
    L->n_thr = a.ndim == 2 ? (int32_t)a.shape[1] : 1;
    L->thresholds = malloc((size_t)a.count * sizeof(int64_t));
    if (!L->thresholds) { bnn_array_free(&a); return bnn_error(BNN_ERR_NOMEM, "out of memory"); }
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int64_t i = 0; i < a.count; i++) {
        int64_t v = bnn_array_get_i64(&a, i);
        L->thresholds[i] = v;
        lo = BNN_MIN(lo, v);
        hi = BNN_MAX(hi, v);
    }
    bnn_array_free(&a);
    if (!bits_given) L->thr_bits = bnn__signed_bits(lo, hi);
    return BNN_OK;
}

static enum bnn_status parse_layer(struct ctx *c, json_t *o, int i, struct bnn_layer *L)
{
    char at[64];
    snprintf(at, sizeof at, "layers[%d]", i);
    if (!json_is_object(o)) return PERR("%s: %s: must be an object", c->path, at);
    const char *name, *type;
    enum bnn_status st;
    if ((st = get_str(c, o, at, "name", 1, &name))) return st;
    if ((st = get_str(c, o, at, "type", 1, &type))) return st;
    if (strlen(name) == 0 || strlen(name) >= BNN_NAME_MAX)
        return PERR("%s: %s.name: must be 1..%d characters", c->path, at, BNN_NAME_MAX - 1);
    snprintf(L->name, sizeof L->name, "%s", name);
    snprintf(at, sizeof at, "layers[%d] '%s'", i, name);

    if (strcmp(type, "input") == 0) {
        static const char *const keys[] = {"name", "type", "shape", "values", "binarize_threshold", "bits", "frac",
                                           "signed", "range", NULL};
        if ((st = check_keys(c, o, at, keys))) return st;
        L->kind = BNN_LAYER_INPUT;
        json_t *sh = json_object_get(o, "shape");
        if (!json_is_array(sh) || json_array_size(sh) != 3)
            return PERR("%s: %s.shape: must be [h, w, c]", c->path, at);
        int32_t d[3];
        for (int k = 0; k < 3; k++) {
            json_t *v = json_array_get(sh, (size_t)k);
            if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65536)
                return PERR("%s: %s.shape[%d]: must be an integer 1..65536", c->path, at, k);
            d[k] = (int32_t)json_integer_value(v);
        }
        L->out = (struct bnn_shape){d[0], d[1], d[2]};
        const char *values;
        if ((st = get_str(c, o, at, "values", 1, &values))) return st;
        if (strcmp(values, "binary") == 0) {
            L->input.kind = BNN_INPUT_BINARY;
            return get_int(c, o, at, "binarize_threshold", 0, 128, 0, 256, &L->input.binarize_threshold);
        }
        if (strcmp(values, "fixed") != 0) return PERR("%s: %s.values: must be \"binary\" or \"fixed\"", c->path, at);
        L->input.kind = BNN_INPUT_FIXED;
        if ((st = get_int(c, o, at, "bits", 1, 0, 2, 16, &L->input.bits))) return st;
        if ((st = get_int(c, o, at, "frac", 1, 0, 0, 24, &L->input.frac))) return st;
        json_t *sg = json_object_get(o, "signed");
        if (sg && !json_is_boolean(sg)) return PERR("%s: %s.signed: must be true or false", c->path, at);
        L->input.is_signed = sg ? json_is_true(sg) : true;
        json_t *r = json_object_get(o, "range");
        L->input.range_lo = 0;
        L->input.range_hi = 1;
        if (r) {
            if (!json_is_array(r) || json_array_size(r) != 2 || !json_is_integer(json_array_get(r, 0)) ||
                !json_is_integer(json_array_get(r, 1)))
                return PERR("%s: %s.range: must be [lo, hi], two integers", c->path, at);
            L->input.range_lo = (int32_t)json_integer_value(json_array_get(r, 0));
            L->input.range_hi = (int32_t)json_integer_value(json_array_get(r, 1));
            if (L->input.range_lo >= L->input.range_hi || L->input.range_lo < -1024 || L->input.range_hi > 1024)
                return PERR("%s: %s.range: must be [lo, hi] with -1024 <= lo < hi <= 1024", c->path, at);
        }
        return BNN_OK;
    }
    if (strcmp(type, "conv") == 0 || strcmp(type, "fc") == 0) {
        int conv = type[0] == 'c';
#define MATRIX_KEYS "weights", "weight_bits", "weight_signed", "weight_frac", "accumulator", "activation", \
                    "activation_bias", "thresholds", "threshold_bits", "threshold_frac", NULL
        static const char *const ckeys[] = {"name", "type", "kernel", "stride", "pad", "pad_value", "out_channels",
                                            MATRIX_KEYS};
        static const char *const fkeys[] = {"name", "type", "out_features", "in_pad", "in_pad_value", MATRIX_KEYS};
#undef MATRIX_KEYS
        if ((st = check_keys(c, o, at, conv ? ckeys : fkeys))) return st;
        L->kind = conv ? BNN_LAYER_CONV : BNN_LAYER_FC;
        if (conv) {
            if ((st = get_int(c, o, at, "kernel", 1, 0, 1, 64, &L->kernel))) return st;
            if ((st = get_int(c, o, at, "stride", 0, 1, 1, 64, &L->stride))) return st;
            if ((st = get_int(c, o, at, "pad", 0, 0, 0, 63, &L->pad))) return st;
            /* pad_value: -1/+1 for binary inputs, an integer code for fixed
               ones; which applies is known after shape inference. */
            if ((st = get_int(c, o, at, "pad_value", 0, INT32_MIN, -65536, 65535, &L->pad_value))) return st;
            if ((st = get_int(c, o, at, "out_channels", 1, 0, 1, 65536, &L->mh))) return st;
        } else {
            if ((st = get_int(c, o, at, "out_features", 1, 0, 1, 65536, &L->mh))) return st;
            if ((st = get_int(c, o, at, "in_pad", 0, 0, 0, 65536, &L->in_pad))) return st;
            if ((st = get_bipolar(c, o, at, "in_pad_value", &L->in_pad_value))) return st;
        }
        const char *w, *act, *thr;
        if ((st = get_str(c, o, at, "weights", 1, &w))) return st;
        if (strlen(w) >= BNN_NAME_MAX) return PERR("%s: %s.weights: tensor name too long", c->path, at);
        snprintf(L->weights_tensor, sizeof L->weights_tensor, "%s", w);
        if ((st = get_str(c, o, at, "activation", 0, &act))) return st;
        if (!act || strcmp(act, "threshold") == 0) L->act = BNN_ACT_THRESHOLD;
        else if (strcmp(act, "raw") == 0) L->act = BNN_ACT_RAW;
        else return PERR("%s: %s.activation: must be \"threshold\" or \"raw\"", c->path, at);
        if ((st = get_str(c, o, at, "thresholds", L->act == BNN_ACT_THRESHOLD, &thr))) return st;
        if (L->act == BNN_ACT_RAW && thr)
            return PERR("%s: %s.thresholds: a \"raw\" layer has no thresholds", c->path, at);
        if (thr) {
            if (strlen(thr) >= BNN_NAME_MAX) return PERR("%s: %s.thresholds: tensor name too long", c->path, at);
            snprintf(L->thresholds_tensor, sizeof L->thresholds_tensor, "%s", thr);
        }
        if ((st = get_int(c, o, at, "threshold_bits", 0, 32, 2, 64, &L->thr_bits))) return st;
        if ((st = get_int(c, o, at, "threshold_frac", 0, 0, 0, 32, &L->thr_frac))) return st;
        if ((st = get_int(c, o, at, "weight_bits", 0, 1, 1, 8, &L->w_bits))) return st;
        if ((st = get_int(c, o, at, "weight_frac", 0, 0, 0, 8, &L->w_frac))) return st;
        if ((st = get_int(c, o, at, "activation_bias", 0, 0, -256, 256, &L->act_bias))) return st;
        json_t *ws = json_object_get(o, "weight_signed");
        if (ws && !json_is_boolean(ws)) return PERR("%s: %s.weight_signed: must be true or false", c->path, at);
        L->w_signed = L->w_bits > 1 && (!ws || json_is_true(ws));
        if (ws && L->w_bits == 1) return PERR("%s: %s.weight_signed: applies to weight_bits 2..8", c->path, at);
        const char *acc;
        if ((st = get_str(c, o, at, "accumulator", 0, &acc))) return st;
        if (!acc || !strcmp(acc, "xnor-popcount")) L->acc_kind = BNN_ACC_XNOR;
        else if (!strcmp(acc, "dot")) L->acc_kind = BNN_ACC_DOT;
        else return PERR("%s: %s.accumulator: must be \"xnor-popcount\" or \"dot\"", c->path, at);
        L->stride = conv ? L->stride : 1;
        return BNN_OK;
    }
    if (strcmp(type, "maxpool") == 0) {
        static const char *const keys[] = {"name", "type", "kernel", "stride", NULL};
        if ((st = check_keys(c, o, at, keys))) return st;
        L->kind = BNN_LAYER_MAXPOOL;
        if ((st = get_int(c, o, at, "kernel", 1, 0, 1, 64, &L->kernel))) return st;
        return get_int(c, o, at, "stride", 0, L->kernel, 1, 64, &L->stride);
    }
    if (strcmp(type, "labelselect") == 0) {
        static const char *const keys[] = {"name", "type", "k", NULL};
        if ((st = check_keys(c, o, at, keys))) return st;
        L->kind = BNN_LAYER_LABELSELECT;
        return get_int(c, o, at, "k", 0, 1, 1, 8, &L->top_k);
    }
    return PERR("%s: %s.type: unknown layer type \"%s\" (input, conv, fc, maxpool, labelselect)", c->path, at, type);
}

/* Tensors are read after shape inference, which fixes the matrix sizes. */
static enum bnn_status load_tensors(struct ctx *c, struct bnn_net *net, json_t *layers)
{
    for (int32_t i = 0; i < net->n_layers; i++) {
        struct bnn_layer *L = &net->layers[i];
        if (L->kind != BNN_LAYER_CONV && L->kind != BNN_LAYER_FC) continue;
        char at[96];
        snprintf(at, sizeof at, "layers[%d] '%s'", i, L->name);
        /* mw follows from the previous layer's output shape. */
        const struct bnn_layer *P = &net->layers[i - 1];
        struct bnn_shape in = P->out;
        /* an integer map: a fixed-point input or a multi-level threshold layer, through pools */
        const struct bnn_layer *S = P;
        while (S->kind == BNN_LAYER_MAXPOOL && S > net->layers) S--;
        int fixed_in = S->kind == BNN_LAYER_INPUT ? S->input.kind == BNN_INPUT_FIXED
                       : S->act == BNN_ACT_RAW || S->n_thr > 1 || S->act_bias != 0;
        if (L->kind == BNN_LAYER_CONV) {
            if (fixed_in) {
                if (L->pad_value == INT32_MIN) L->pad_value = 0;
            } else if (L->pad_value == INT32_MIN) {
                L->pad_value = 0; /* -1 */
            } else if (L->pad_value == -1 || L->pad_value == 1) {
                L->pad_value = L->pad_value > 0;
            } else {
                return PERR("%s: %s.pad_value: must be -1 or +1 for a binary input (got %d)", c->path, at, L->pad_value);
            }
        }
        L->mw = L->kind == BNN_LAYER_CONV ? L->kernel * L->kernel * in.c : in.h * in.w * in.c + L->in_pad;
        enum bnn_status st = load_weights(c, L, at);
        if (st) return st;
        if (L->act == BNN_ACT_THRESHOLD) {
            int given = json_object_get(json_array_get(layers, (size_t)i), "threshold_bits") != NULL;
            if ((st = load_thresholds(c, L, at, given))) return st;
        }
    }
    return BNN_OK;
}

/* Output shapes of layers [0, upto) without tensors: conv/fc widths are
 * derived, so the loader can size tensors before reading them. */
static enum bnn_status infer_shapes(struct ctx *c, struct bnn_net *net)
{
    for (int32_t i = 1; i < net->n_layers; i++) {
        struct bnn_layer *L = &net->layers[i], *P = &net->layers[i - 1];
        struct bnn_shape in = P->out;
        if (L->kind == BNN_LAYER_INPUT) return PERR("%s: layers[%d].type: only the first layer may be 'input'", c->path, i);
        if (bnn__layer_out_shape(L, in, &L->out)) {
            const int32_t pad = L->kind == BNN_LAYER_CONV ? L->pad : 0;
            return PERR("%s: layers[%d] '%s'.kernel: %d is larger than the %sinput %dx%d", c->path, i, L->name, L->kernel,
                        pad ? "(padded) " : "", in.h + 2 * pad, in.w + 2 * pad);
        }
        if ((int64_t)L->out.h * L->out.w * L->out.c > (int64_t)1 << 28)
            return PERR("%s: layers[%d] '%s': output too large", c->path, i, L->name);
    }
    return BNN_OK;
}

enum bnn_status bnn_net_load(const char *path, struct bnn_net **out)
{
    *out = NULL;
    if (bnn__check_regular(path)) return bnn__last_status();
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line < 0 || strstr(je.text, "unable to open"))
            return bnn_error(BNN_ERR_IO, "%s: cannot read: %s", path, je.text);
        return bnn_error(BNN_ERR_PARSE, "%s:%d:%d: JSON syntax error: %s", path, je.line, je.column, je.text);
    }
    struct ctx c = {path, NULL};
    enum bnn_status st = BNN_OK;
    struct bnn_net *net = bnn__calloc(1, sizeof *net);
    if (!net) { json_decref(root); return BNN_ERR_NOMEM; }

    static const char *const keys[] = {"format", "version", "name", "description", "classes", "tensors", "layers", NULL};
    if (!json_is_object(root)) { st = PERR("%s: top level must be a JSON object", path); goto fail; }
    if ((st = check_keys(&c, root, "(top)", keys))) goto fail;
    const char *fmt = NULL, *name = NULL, *desc = NULL, *tensors = NULL;
    if ((st = get_str(&c, root, "(top)", "format", 1, &fmt))) goto fail;
    if (strcmp(fmt, "bnnsim-net") != 0) { st = PERR("%s: format: must be \"bnnsim-net\" (got \"%s\")", path, fmt); goto fail; }
    int32_t version;
    if ((st = get_int(&c, root, "(top)", "version", 1, 0, 1, 1, &version))) goto fail;
    if ((st = get_str(&c, root, "(top)", "name", 1, &name))) goto fail;
    if ((st = get_str(&c, root, "(top)", "description", 0, &desc))) goto fail;
    if ((st = get_str(&c, root, "(top)", "tensors", 0, &tensors))) goto fail;
    snprintf(net->name, sizeof net->name, "%s", name);
    if (desc && !(net->description = bnn__strdup(desc))) { st = BNN_ERR_NOMEM; goto fail; }

    json_t *cl = json_object_get(root, "classes");
    if (!json_is_array(cl) || json_array_size(cl) < 1 || json_array_size(cl) > 65536) {
        st = PERR("%s: classes: must be a non-empty array of class names", path);
        goto fail;
    }
    net->class_names = bnn__calloc(json_array_size(cl), sizeof(char *));
    if (!net->class_names) { st = BNN_ERR_NOMEM; goto fail; }
    net->n_classes = (int32_t)json_array_size(cl);
    for (int32_t i = 0; i < net->n_classes; i++) {
        json_t *v = json_array_get(cl, (size_t)i);
        if (!json_is_string(v)) { st = PERR("%s: classes[%d]: must be a string", path, i); goto fail; }
        if (!(net->class_names[i] = bnn__strdup(json_string_value(v)))) { st = BNN_ERR_NOMEM; goto fail; }
    }

    json_t *layers = json_object_get(root, "layers");
    if (!json_is_array(layers) || json_array_size(layers) < 2 || json_array_size(layers) > 4096) {
        st = PERR("%s: layers: must be an array of 2..4096 layers (input first)", path);
        goto fail;
    }
    net->n_layers = (int32_t)json_array_size(layers);
    net->layers = bnn__calloc((size_t)net->n_layers, sizeof *net->layers);
    if (!net->layers) { st = BNN_ERR_NOMEM; goto fail; }
    for (int32_t i = 0; i < net->n_layers; i++)
        if ((st = parse_layer(&c, json_array_get(layers, (size_t)i), i, &net->layers[i]))) goto fail;
    if (net->layers[0].kind != BNN_LAYER_INPUT) { st = PERR("%s: layers[0].type: must be \"input\"", path); goto fail; }
    if ((st = infer_shapes(&c, net))) goto fail;

    char npz[4200];
    if (tensors) {
        char dir[4096];
        bnn__dirname(path, dir, sizeof dir);
        snprintf(npz, sizeof npz, "%s%s", tensors[0] == '/' ? "" : dir, tensors);
    } else {
        bnn__replace_ext(path, ".npz", npz, sizeof npz);
    }
    if ((st = bnn_npz_open(npz, &c.npz))) goto fail;
    if ((st = load_tensors(&c, net, layers))) goto fail;
    if ((st = bnn_net_finalize(net, path))) goto fail;
    bnn_npz_close(c.npz);
    json_decref(root);
    *out = net;
    return BNN_OK;
fail:
    bnn_npz_close(c.npz);
    json_decref(root);
    bnn_net_free(net);
    return st;
}
