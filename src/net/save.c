/* struct bnn_net -> NAME.json + NAME.npz, both written atomically. */
#include <jansson.h>
#include <stdio.h>

#include "bnnsim/io.h"
#include "bnnsim/net.h"
#include "core/util.h"

static json_t *layer_json(const struct bnn_layer *L, const struct bnn_layer *P)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(L->name));
    json_object_set_new(o, "type", json_string(bnn_layer_kind_str(L->kind)));
    switch (L->kind) {
    case BNN_LAYER_INPUT: {
        json_object_set_new(o, "shape", json_pack("[iii]", L->out.h, L->out.w, L->out.c));
        const struct bnn_input_spec *s = &L->input;
        if (s->kind == BNN_INPUT_BINARY) {
            json_object_set_new(o, "values", json_string("binary"));
            json_object_set_new(o, "binarize_threshold", json_integer(s->binarize_threshold));
        } else {
            json_object_set_new(o, "values", json_string("fixed"));
            json_object_set_new(o, "bits", json_integer(s->bits));
            json_object_set_new(o, "frac", json_integer(s->frac));
            json_object_set_new(o, "signed", json_boolean(s->is_signed));
            json_object_set_new(o, "range", json_pack("[ii]", s->range_lo, s->range_hi));
        }
        break;
    }
    case BNN_LAYER_CONV:
    case BNN_LAYER_FC:
        if (L->kind == BNN_LAYER_CONV) {
            json_object_set_new(o, "kernel", json_integer(L->kernel));
            json_object_set_new(o, "stride", json_integer(L->stride));
            json_object_set_new(o, "pad", json_integer(L->pad));
            int fixed_in = L->in_type == BNN_VT_INT;
            if (L->pad) json_object_set_new(o, "pad_value", json_integer(fixed_in ? L->pad_value : L->pad_value ? 1 : -1));
            json_object_set_new(o, "out_channels", json_integer(L->mh));
        } else {
            json_object_set_new(o, "out_features", json_integer(L->mh));
            if (L->in_pad) {
                json_object_set_new(o, "in_pad", json_integer(L->in_pad));
                json_object_set_new(o, "in_pad_value", json_integer(L->in_pad_value ? 1 : -1));
            }
        }
        json_object_set_new(o, "weights", json_string(L->weights_tensor));
        if (L->w_bits > 1) {
            json_object_set_new(o, "weight_bits", json_integer(L->w_bits));
            if (!L->w_signed) json_object_set_new(o, "weight_signed", json_false());
            if (L->w_frac) json_object_set_new(o, "weight_frac", json_integer(L->w_frac));
        }
        if (L->acc_kind == BNN_ACC_DOT) json_object_set_new(o, "accumulator", json_string("dot"));
        if (L->act_bias) json_object_set_new(o, "activation_bias", json_integer(L->act_bias));
        if (L->act == BNN_ACT_RAW) {
            json_object_set_new(o, "activation", json_string("raw"));
        } else {
            json_object_set_new(o, "activation", json_string("threshold"));
            json_object_set_new(o, "thresholds", json_string(L->thresholds_tensor));
            json_object_set_new(o, "threshold_bits", json_integer(L->thr_bits));
            if (L->thr_frac) json_object_set_new(o, "threshold_frac", json_integer(L->thr_frac));
        }
        break;
    case BNN_LAYER_MAXPOOL:
        json_object_set_new(o, "kernel", json_integer(L->kernel));
        json_object_set_new(o, "stride", json_integer(L->stride));
        break;
    case BNN_LAYER_LABELSELECT: json_object_set_new(o, "k", json_integer(L->top_k)); break;
    }
    return o;
}

enum bnn_status bnn_net_save(const struct bnn_net *net, const char *json_path)
{
    char npz[4200];
    bnn__replace_ext(json_path, ".npz", npz, sizeof npz);
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("bnnsim-net"));
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "name", json_string(net->name));
    if (net->description) json_object_set_new(root, "description", json_string(net->description));
    json_t *cl = json_array();
    for (int32_t i = 0; i < net->n_classes; i++) json_array_append_new(cl, json_string(net->class_names[i]));
    json_object_set_new(root, "classes", cl);
    json_object_set_new(root, "tensors", json_string(bnn__basename(npz)));
    json_t *layers = json_array();
    int32_t n_arr = 0;
    for (int32_t i = 0; i < net->n_layers; i++) {
        json_array_append_new(layers, layer_json(&net->layers[i], i ? &net->layers[i - 1] : NULL));
        n_arr += net->layers[i].weights ? 1 + (net->layers[i].act == BNN_ACT_THRESHOLD) : 0;
    }
    json_object_set_new(root, "layers", layers);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) return bnn_error(BNN_ERR_NOMEM, "out of memory");

    const char **names = bnn__calloc((size_t)n_arr + 1, sizeof *names);
    struct bnn_array *arrs = bnn__calloc((size_t)n_arr + 1, sizeof *arrs);
    enum bnn_status st = BNN_ERR_NOMEM;
    if (!names || !arrs) goto done;
    int32_t k = 0;
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        if (!L->weights) continue;
        names[k] = L->weights_tensor;
        arrs[k] = (struct bnn_array){L->w_bits > 1 && L->w_signed ? BNN_DT_I8 : BNN_DT_U8, 2, {L->mh, L->mw},
                                     (int64_t)L->mh * L->mw, L->weights};
        k++;
        if (L->act == BNN_ACT_THRESHOLD) {
            names[k] = L->thresholds_tensor;
            arrs[k] = (struct bnn_array){BNN_DT_I64, L->n_thr > 1 ? 2 : 1, {L->mh, L->n_thr},
                                         (int64_t)L->mh * L->n_thr, L->thresholds};
            k++;
        }
    }
    /* The .npz first: a JSON never points at tensors that were not written. */
    st = bnn_npz_write(npz, n_arr, names, arrs);
    if (st == BNN_OK) {
        size_t len = strlen(text);
        text[len] = '\n';
        st = bnn_file_write_atomic(json_path, text, len + 1);
        text[len] = 0;
        if (st) remove(npz);
    }
done:
    free(names);
    free(arrs);
    free(text);
    return st;
}
