/* Reading an ONNX file into an indexed graph (protobuf-c does the decoding). */
#include <math.h>
#include <stdio.h>

#include "bnnsim/io.h"
#include "core/util.h"
#include "onnx/graph.h"

#define FAIL(st, ...) return bnn_error(st, __VA_ARGS__)

void ox_graph_free(struct ox_graph *g)
{
    if (!g) return;
    for (int32_t i = 0; i < g->n_t; i++) ox_val_free(&g->t[i].val);
    free(g->t);
    for (int32_t i = 0; i < g->n_nodes; i++) {
        free(g->nodes[i].in);
        free(g->nodes[i].out);
    }
    free(g->nodes);
    free(g->outputs);
    if (g->model) onnx__model_proto__free_unpacked(g->model, NULL);
    free(g->buf);
    memset(g, 0, sizeof *g);
}

int32_t ox_tensor_find(const struct ox_graph *g, const char *name)
{
    for (int32_t i = 0; i < g->n_t; i++)
        if (strcmp(g->t[i].name, name) == 0) return i;
    return -1;
}

static int32_t tensor_add(struct ox_graph *g, const char *name)
{
    int32_t i = ox_tensor_find(g, name);
    if (i >= 0) return i;
    if (g->n_t == g->cap_t) {
        int32_t cap = g->cap_t ? 2 * g->cap_t : 64;
        struct ox_tensor *t = realloc(g->t, (size_t)cap * sizeof *t);
        if (!t) return -1;
        g->t = t;
        g->cap_t = cap;
    }
    struct ox_tensor *t = &g->t[g->n_t];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->producer = -1;
    return g->n_t++;
}

/* ---- attributes ---- */

const Onnx__AttributeProto *ox_attr(const struct ox_node *n, const char *name)
{
    for (size_t i = 0; i < n->p->n_attribute; i++)
        if (n->p->attribute[i]->name && strcmp(n->p->attribute[i]->name, name) == 0) return n->p->attribute[i];
    return NULL;
}

int64_t ox_attr_i(const struct ox_node *n, const char *name, int64_t def)
{
    const Onnx__AttributeProto *a = ox_attr(n, name);
    if (!a) return def;
    if (a->n_ints == 1) return a->ints[0];
    return a->has_i ? a->i : a->has_f ? (int64_t)a->f : def;
}

double ox_attr_f(const struct ox_node *n, const char *name, double def)
{
    const Onnx__AttributeProto *a = ox_attr(n, name);
    if (!a) return def;
    return a->has_f ? (double)a->f : a->has_i ? (double)a->i : def;
}

const char *ox_attr_s(const struct ox_node *n, const char *name, const char *def, char *buf, size_t cap)
{
    const Onnx__AttributeProto *a = ox_attr(n, name);
    if (!a || !a->has_s) {
        snprintf(buf, cap, "%s", def);
        return buf;
    }
    size_t len = a->s.len < cap - 1 ? a->s.len : cap - 1;
    memcpy(buf, a->s.data, len);
    buf[len] = 0;
    return buf;
}

int32_t ox_attr_ints(const struct ox_node *n, const char *name, int64_t *out, int32_t max)
{
    const Onnx__AttributeProto *a = ox_attr(n, name);
    if (!a) return -1;
    if (a->n_ints == 0 && a->has_i) {
        if (max > 0) out[0] = a->i;
        return 1;
    }
    int32_t k = 0;
    for (size_t i = 0; i < a->n_ints; i++, k++)
        if (k < max) out[k] = a->ints[i];
    return k;
}

/* ---- op names and domains ---- */

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Old and new spellings of one FINN HW op onto one base name. */
static void base_op(const char *op, char *out, size_t cap)
{
    snprintf(out, cap, "%s", op);
    size_t l = strlen(out);
    if (ends_with(out, "_hls") || ends_with(out, "_rtl")) out[l - 4] = 0;
    else if (ends_with(out, "_Batch")) out[l - 6] = 0;
    if (!strcmp(out, "StreamingFCLayer") || !strcmp(out, "MatrixVectorActivation")) snprintf(out, cap, "MVAU");
}

static const char *const hw_ops[] = {"MVAU", "Thresholding", "LabelSelect", "ConvolutionInputGenerator", "StreamingMaxPool",
                                     "StreamingDataWidthConverter", "StreamingFIFO", "FMPadding", "IODMA",
                                     "StreamingDataflowPartition", "VVAU", "VectorVectorActivation", "Pool", "AddStreams",
                                     "DuplicateStreams", "ChannelwiseOp", "GlobalAccPool", "TLastMarker", NULL};

static int is_hw_op(const char *base)
{
    for (const char *const *k = hw_ops; *k; k++)
        if (!strcmp(*k, base)) return 1;
    return 0;
}

static enum bnn_status node_domain(const char *path, struct ox_node *n)
{
    const char *d = n->p->domain ? n->p->domain : "";
    if (!*d || !strcmp(d, "ai.onnx")) n->dom = OX_DOM_STD;
    else if (!strcmp(d, "finn")) n->dom = is_hw_op(n->base) ? OX_DOM_HW : OX_DOM_QUANT;
    else if (!strcmp(d, "finn.custom_op.general") || !strcmp(d, "qonnx.custom_op.general") || !strcmp(d, "onnx.brevitas"))
        n->dom = OX_DOM_QUANT;
    else if (!strcmp(d, "finn.custom_op.fpgadataflow") || !strcmp(d, "finn.custom_op.fpgadataflow.hls") ||
             !strcmp(d, "finn.custom_op.fpgadataflow.rtl"))
        n->dom = OX_DOM_HW;
    else
        FAIL(BNN_ERR_UNSUPPORTED, "%s: node '%s': op '%s' of unknown domain '%s' (bnnsim reads ai.onnx, finn, "
                                  "finn.custom_op.general, qonnx.custom_op.general, onnx.brevitas and "
                                  "finn.custom_op.fpgadataflow[.hls|.rtl])",
             path, n->name, n->op, d);
    return BNN_OK;
}

/* ---- initializers ---- */

static size_t dtype_bytes(int32_t dt)
{
    switch (dt) {
    case OX_FLOAT: case OX_INT32: return 4;
    case OX_UINT8: case OX_INT8: case OX_BOOL: return 1;
    case 4: case 5: return 2; /* UINT16, INT16 */
    case OX_INT64: case OX_DOUBLE: case 13: return 8; /* UINT64 */
    case 12: return 4; /* UINT32 */
    }
    return 0;
}

static double raw_elem(const uint8_t *p, int32_t dt)
{
    /* little-endian, as ONNX stores raw_data; this machine is too */
    switch (dt) {
    case OX_FLOAT: { float f; memcpy(&f, p, 4); return f; }
    case OX_DOUBLE: { double d; memcpy(&d, p, 8); return d; }
    case OX_UINT8: case OX_BOOL: return *p;
    case OX_INT8: return (int8_t)*p;
    case 4: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 5: { int16_t v; memcpy(&v, p, 2); return v; }
    case OX_INT32: { int32_t v; memcpy(&v, p, 4); return v; }
    case 12: { uint32_t v; memcpy(&v, p, 4); return v; }
    case OX_INT64: { int64_t v; memcpy(&v, p, 8); return (double)v; }
    case 13: { uint64_t v; memcpy(&v, p, 8); return (double)v; }
    }
    return NAN;
}

enum bnn_status ox_tensor_decode(const char *path, const Onnx__TensorProto *tp, struct ox_val *out)
{
    const char *nm = tp->name ? tp->name : "?";
    int32_t dt = tp->has_data_type ? tp->data_type : 0;
    if (!dtype_bytes(dt))
        FAIL(BNN_ERR_UNSUPPORTED, "%s: initializer '%s': data type %d is not a number type bnnsim reads", path, nm, dt);
    if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        FAIL(BNN_ERR_UNSUPPORTED, "%s: initializer '%s': external data is not supported (save the model with its "
                                  "tensors inside)", path, nm);
    if (tp->n_dims > OX_MAX_DIMS) FAIL(BNN_ERR_UNSUPPORTED, "%s: initializer '%s': %zu dimensions", path, nm, tp->n_dims);
    int64_t dims[OX_MAX_DIMS];
    for (size_t i = 0; i < tp->n_dims; i++) {
        if (tp->dims[i] < 0 || tp->dims[i] > (int64_t)1 << 31)
            FAIL(BNN_ERR_PARSE, "%s: initializer '%s': dimension %zu is %lld", path, nm, i, (long long)tp->dims[i]);
        dims[i] = tp->dims[i];
    }
    int64_t count = 1;
    for (size_t i = 0; i < tp->n_dims; i++) {
        if (dims[i] && count > ((int64_t)1 << 31) / dims[i])
            FAIL(BNN_ERR_UNSUPPORTED, "%s: initializer '%s': more than 2^31 elements", path, nm);
        count *= dims[i];
    }
    enum bnn_status st = ox_val_alloc(out, dt, (int32_t)tp->n_dims, dims);
    if (st) return st;
    size_t eb = dtype_bytes(dt);
    if (tp->has_raw_data && tp->raw_data.len) {
        if (tp->raw_data.len != (size_t)count * eb) {
            ox_val_free(out);
            FAIL(BNN_ERR_PARSE, "%s: initializer '%s': raw_data holds %zu bytes, its shape needs %lld (truncated or "
                                "corrupt)", path, nm, tp->raw_data.len, (long long)count * (long long)eb);
        }
        for (int64_t i = 0; i < count; i++) out->v[i] = raw_elem(tp->raw_data.data + (size_t)i * eb, dt);
        return BNN_OK;
    }
    size_t have = dt == OX_FLOAT ? tp->n_float_data : dt == OX_DOUBLE ? tp->n_double_data
                  : dt == OX_INT64 ? tp->n_int64_data : dt == 13 || dt == 12 ? tp->n_uint64_data : tp->n_int32_data;
    if (have != (size_t)count) {
        ox_val_free(out);
        FAIL(BNN_ERR_PARSE, "%s: initializer '%s': holds %zu values, its shape needs %lld", path, nm, have,
             (long long)count);
    }
    for (int64_t i = 0; i < count; i++)
        out->v[i] = dt == OX_FLOAT ? tp->float_data[i] : dt == OX_DOUBLE ? tp->double_data[i]
                    : dt == OX_INT64 ? (double)tp->int64_data[i] : dt == 13 || dt == 12 ? (double)tp->uint64_data[i]
                                                                              : tp->int32_data[i];
    return BNN_OK;
}

static void value_info_shape(struct ox_tensor *t, const Onnx__ValueInfoProto *vi)
{
    if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !vi->type->tensor_type) return;
    const Onnx__TypeProto__Tensor *tt = vi->type->tensor_type;
    if (tt->has_elem_type) t->elem_type = tt->elem_type;
    if (!tt->shape || tt->shape->n_dim > OX_MAX_DIMS) return;
    for (size_t i = 0; i < tt->shape->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
        if (d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE || d->dim_value < 1) {
            /* a symbolic batch dimension is 1 for bnnsim; any other unknown dimension leaves the shape unknown */
            if (i == 0) { t->dims[0] = 1; continue; }
            return;
        }
        t->dims[i] = d->dim_value;
    }
    t->ndim = (int32_t)tt->shape->n_dim;
    t->has_shape = 1;
}

static enum bnn_status index_graph(struct ox_graph *g)
{
    const Onnx__GraphProto *gp = g->model->graph;
    const char *path = g->path;
    enum bnn_status st;
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        if (!tp->name || !*tp->name) FAIL(BNN_ERR_PARSE, "%s: initializer %zu has no name", path, i);
        int32_t k = tensor_add(g, tp->name);
        if (k < 0) return bnn_error(BNN_ERR_NOMEM, "out of memory");
        if (g->t[k].state == 2) FAIL(BNN_ERR_INVALID_NET, "%s: initializer '%s' is given twice", path, tp->name);
        if ((st = ox_tensor_decode(path, tp, &g->t[k].val))) return st;
        g->t[k].state = 2;
    }
    g->input = -1;
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        if (!vi->name) continue;
        int32_t k = tensor_add(g, vi->name);
        if (k < 0) return bnn_error(BNN_ERR_NOMEM, "out of memory");
        if (g->t[k].state == 2) continue; /* initializers may be listed as inputs (IR < 4) */
        if (g->input >= 0)
            FAIL(BNN_ERR_UNSUPPORTED, "%s: the graph has more than one input ('%s' and '%s'); bnnsim takes a chain "
                                      "with one image input", path, g->t[g->input].name, vi->name);
        g->input = k;
        g->t[k].is_input = 1;
        g->t[k].state = 3;
        value_info_shape(&g->t[k], vi);
    }
    if (g->input < 0) FAIL(BNN_ERR_INVALID_NET, "%s: the graph has no input that is not an initializer", path);
    g->nodes = bnn__calloc(gp->n_node + 1, sizeof *g->nodes);
    if (!g->nodes) return BNN_ERR_NOMEM;
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *np = gp->node[i];
        struct ox_node *n = &g->nodes[g->n_nodes++];
        n->p = np;
        snprintf(n->op, sizeof n->op, "%s", np->op_type ? np->op_type : "");
        if (!n->op[0]) FAIL(BNN_ERR_PARSE, "%s: node %zu has no op_type", path, i);
        base_op(n->op, n->base, sizeof n->base);
        if (np->name && *np->name) snprintf(n->name, sizeof n->name, "%s", np->name);
        else snprintf(n->name, sizeof n->name, "#%zu %s", i, n->op);
        if ((st = node_domain(path, n))) return st;
        n->in = bnn__calloc(np->n_input + 1, sizeof *n->in);
        n->out = bnn__calloc(np->n_output + 1, sizeof *n->out);
        if (!n->in || !n->out) return BNN_ERR_NOMEM;
        for (size_t k = 0; k < np->n_input; k++) {
            const char *nm = np->input[k];
            n->in[n->n_in++] = nm && *nm ? tensor_add(g, nm) : -1;
        }
        for (size_t k = 0; k < np->n_output; k++) {
            const char *nm = np->output[k];
            int32_t t = nm && *nm ? tensor_add(g, nm) : -1;
            n->out[n->n_out++] = t;
            if (t < 0) continue;
            if (g->t[t].producer >= 0 || g->t[t].state == 2 || g->t[t].is_input)
                FAIL(BNN_ERR_INVALID_NET, "%s: node '%s': output '%s' is also produced elsewhere", path, n->name, nm);
            g->t[t].producer = (int32_t)i;
        }
    }
    for (int32_t i = 0; i < g->n_nodes; i++)
        for (int32_t k = 0; k < g->nodes[i].n_in; k++) {
            int32_t t = g->nodes[i].in[k];
            if (t < 0) continue;
            if (t >= g->n_t) return bnn_error(BNN_ERR_NOMEM, "out of memory");
            const struct ox_tensor *x = &g->t[t];
            if (x->producer < 0 && x->state != 2 && !x->is_input)
                FAIL(BNN_ERR_INVALID_NET, "%s: node '%s': input '%s' is neither an initializer, a graph input nor the "
                                          "output of a node (missing initializer?)",
                     path, g->nodes[i].name, x->name);
            if (x->producer >= i)
                FAIL(BNN_ERR_INVALID_NET, "%s: node '%s': input '%s' comes from a later node (the graph is not "
                                          "topologically sorted)", path, g->nodes[i].name, x->name);
        }
    for (size_t i = 0; i < gp->n_value_info; i++) {
        int32_t k = gp->value_info[i]->name ? ox_tensor_find(g, gp->value_info[i]->name) : -1;
        if (k >= 0 && g->t[k].state != 2) value_info_shape(&g->t[k], gp->value_info[i]);
    }
    g->outputs = bnn__calloc(gp->n_output + 1, sizeof *g->outputs);
    if (!g->outputs) return BNN_ERR_NOMEM;
    for (size_t i = 0; i < gp->n_output; i++) {
        int32_t k = gp->output[i]->name ? ox_tensor_find(g, gp->output[i]->name) : -1;
        if (k < 0) FAIL(BNN_ERR_INVALID_NET, "%s: graph output '%s' is produced by no node", path,
                        gp->output[i]->name ? gp->output[i]->name : "?");
        g->outputs[g->n_outputs++] = k;
    }
    if (!g->n_outputs) FAIL(BNN_ERR_INVALID_NET, "%s: the graph has no output", path);
    for (size_t i = 0; i < gp->n_quantization_annotation; i++) {
        const Onnx__TensorAnnotation *a = gp->quantization_annotation[i];
        int32_t k = a->tensor_name ? ox_tensor_find(g, a->tensor_name) : -1;
        if (k < 0) continue;
        for (size_t j = 0; j < a->n_quant_parameter_tensor_names; j++) {
            const Onnx__StringStringEntryProto *e = a->quant_parameter_tensor_names[j];
            if (!e->key || !e->value) continue;
            if (!strcmp(e->key, "finn_datatype")) snprintf(g->t[k].finn_dt, sizeof g->t[k].finn_dt, "%s", e->value);
            if (!strcmp(e->key, "tensor_layout")) snprintf(g->t[k].layout, sizeof g->t[k].layout, "%s", e->value);
        }
    }
    return BNN_OK;
}

enum bnn_status ox_graph_load(const char *path, struct ox_graph *g)
{
    memset(g, 0, sizeof *g);
    g->path = path;
    size_t len;
    enum bnn_status st = bnn_file_read_all(path, &g->buf, &len);
    if (st) return st;
    if (len == 0) {
        free(g->buf);
        g->buf = NULL;
        FAIL(BNN_ERR_PARSE, "%s: empty file, not an ONNX model", path);
    }
    g->model = onnx__model_proto__unpack(NULL, len, g->buf);
    if (!g->model) {
        free(g->buf);
        g->buf = NULL;
        FAIL(BNN_ERR_PARSE, "%s: not an ONNX model (the protobuf does not decode: truncated or another format)", path);
    }
    if (!g->model->graph) {
        ox_graph_free(g);
        FAIL(BNN_ERR_PARSE, "%s: not an ONNX model (no graph)", path);
    }
    if ((st = index_graph(g))) {
        char keep[1024];
        snprintf(keep, sizeof keep, "%s", bnn_last_error());
        ox_graph_free(g);
        return bnn_error(st, "%s", keep);
    }
    return BNN_OK;
}

void ox_set_shape(struct ox_graph *g, int32_t t, int32_t ndim, const int64_t *dims)
{
    struct ox_tensor *x = &g->t[t];
    x->ndim = ndim;
    memcpy(x->dims, dims, (size_t)ndim * sizeof *dims);
    x->has_shape = 1;
    if (x->state == 0) x->state = 3;
}

/* ---- lazy constants ---- */

enum bnn_status ox_const(struct ox_graph *g, int32_t t, const struct ox_val **out)
{
    struct ox_tensor *x = &g->t[t];
    if (x->state == 2) {
        *out = &x->val;
        return BNN_OK;
    }
    if (x->is_input || x->producer < 0)
        FAIL(BNN_ERR_INVALID_NET, "%s: tensor '%s' is not a constant (it comes from the graph input)", g->path, x->name);
    if (x->state == 1) FAIL(BNN_ERR_INVALID_NET, "%s: tensor '%s' depends on itself", g->path, x->name);
    const struct ox_node *n = &g->nodes[x->producer];
    if (!strcmp(n->op, "Shape") && n->n_in >= 1 && n->in[0] >= 0) {
        const struct ox_tensor *s = &g->t[n->in[0]];
        if (s->state == 2) {
            x->state = 1;
        } else if (!s->has_shape) {
            FAIL(BNN_ERR_INVALID_NET, "%s: node '%s': the shape of '%s' is not known where it is asked for", g->path,
                 n->name, s->name);
        } else {
            int64_t d = s->ndim;
            enum bnn_status st = ox_val_alloc(&x->val, OX_INT64, 1, &d);
            if (st) return st;
            for (int32_t i = 0; i < s->ndim; i++) x->val.v[i] = (double)s->dims[i];
            x->state = 2;
            *out = &x->val;
            return BNN_OK;
        }
    }
    x->state = 1;
    const struct ox_val *in[16] = {0};
    if (n->n_in > 16) FAIL(BNN_ERR_UNSUPPORTED, "%s: node '%s' has %d inputs", g->path, n->name, n->n_in);
    for (int32_t k = 0; k < n->n_in; k++) {
        if (n->in[k] < 0) continue;
        enum bnn_status st = ox_const(g, n->in[k], &in[k]);
        if (st) {
            x->state = 0;
            return st;
        }
    }
    /* every output of the node at once (TopK-like ops are not constant-folded) */
    enum bnn_status st = ox_eval_node(g, n, in, n->n_in, &x->val);
    if (st) {
        x->state = 0;
        if (st == BNN_ERR_UNSUPPORTED) {
            char why[512]; /* a copy: the message is rewritten in the buffer it lives in */
            snprintf(why, sizeof why, "%s", bnn_last_error());
            return bnn_error(st, "%s: node '%s': op '%s' on constants is not supported (%s)", g->path, n->name, n->op, why);
        }
        return st;
    }
    x->state = 2;
    *out = &x->val;
    return BNN_OK;
}
