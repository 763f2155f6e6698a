/* An ONNX model built from protobuf-c structs in an arena. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bnnsim/io.h"
#include "onnx/build.h"
#include "onnx/graph.h"

struct xb_block {
    struct xb_block *next;
    max_align_t data[];
};

void *xb_alloc(struct xb *b, size_t n)
{
    struct xb_block *k = calloc(1, sizeof *k + n + 1);
    if (!k) {
        b->failed = 1;
        return NULL;
    }
    k->next = b->arena;
    b->arena = k;
    return k->data;
}

char *xb_str(struct xb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xb_alloc(b, (size_t)n + 1);
    if (!s) return (char *)"";
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Grows an arena array of pointers (old copies stay in the arena). */
static int grow(struct xb *b, void ***arr, size_t n, size_t *cap)
{
    if (n < *cap) return 1;
    size_t nc = *cap ? 2 * *cap : 16;
    void **na = xb_alloc(b, nc * sizeof *na);
    if (!na) return 0;
    if (n) memcpy(na, *arr, n * sizeof *na);
    *arr = na;
    *cap = nc;
    return 1;
}

void xb_init(struct xb *b, const char *graph_name)
{
    memset(b, 0, sizeof *b);
    onnx__model_proto__init(&b->model);
    onnx__graph_proto__init(&b->graph);
    b->model.graph = &b->graph;
    b->model.has_ir_version = 1;
    b->model.ir_version = 7;
    b->model.producer_name = (char *)"bnnsim";
    b->model.producer_version = (char *)"0.1.0";
    b->graph.name = xb_str(b, "%s", graph_name);
}

void xb_free(struct xb *b)
{
    while (b->arena) {
        struct xb_block *k = b->arena;
        b->arena = k->next;
        free(k);
    }
}

void xb_opset(struct xb *b, const char *domain, int64_t version)
{
    Onnx__OperatorSetIdProto *o = xb_alloc(b, sizeof *o);
    if (!o || !grow(b, (void ***)&b->model.opset_import, b->model.n_opset_import, &b->cap_opsets)) return;
    onnx__operator_set_id_proto__init(o);
    o->domain = xb_str(b, "%s", domain);
    o->has_version = 1;
    o->version = version;
    b->model.opset_import[b->model.n_opset_import++] = o;
}

void xb_meta(struct xb *b, const char *key, const char *value)
{
    Onnx__StringStringEntryProto *e = xb_alloc(b, sizeof *e);
    if (!e || !grow(b, (void ***)&b->model.metadata_props, b->model.n_metadata_props, &b->cap_meta)) return;
    onnx__string_string_entry_proto__init(e);
    e->key = xb_str(b, "%s", key);
    e->value = xb_str(b, "%s", value);
    b->model.metadata_props[b->model.n_metadata_props++] = e;
}

Onnx__NodeProto *xb_node(struct xb *b, const char *op, const char *domain, const char *name, const char *const *inputs,
                         const char *out)
{
    Onnx__NodeProto *n = xb_alloc(b, sizeof *n);
    if (!n || !grow(b, (void ***)&b->graph.node, b->graph.n_node, &b->cap_nodes)) return NULL;
    onnx__node_proto__init(n);
    n->op_type = xb_str(b, "%s", op);
    n->domain = xb_str(b, "%s", domain);
    n->name = xb_str(b, "%s", name);
    size_t k = 0;
    while (inputs && inputs[k]) k++;
    n->input = xb_alloc(b, (k + 1) * sizeof *n->input);
    if (!n->input) return NULL;
    for (size_t i = 0; i < k; i++) n->input[i] = xb_str(b, "%s", inputs[i]);
    n->n_input = k;
    n->output = xb_alloc(b, 4 * sizeof *n->output);
    if (!n->output) return NULL;
    if (out) n->output[n->n_output++] = xb_str(b, "%s", out);
    b->graph.node[b->graph.n_node++] = n;
    return n;
}

void xb_node_output(struct xb *b, Onnx__NodeProto *n, const char *out)
{
    if (n && n->n_output < 4) n->output[n->n_output++] = xb_str(b, "%s", out);
}

static Onnx__AttributeProto *attr(struct xb *b, Onnx__NodeProto *n, const char *name, Onnx__AttributeProto__AttributeType t)
{
    if (!n) return NULL;
    Onnx__AttributeProto *a = xb_alloc(b, sizeof *a);
    Onnx__AttributeProto **arr = xb_alloc(b, (n->n_attribute + 1) * sizeof *arr);
    if (!a || !arr) return NULL;
    onnx__attribute_proto__init(a);
    a->name = xb_str(b, "%s", name);
    a->has_type = 1;
    a->type = t;
    if (n->n_attribute) memcpy(arr, n->attribute, n->n_attribute * sizeof *arr);
    arr[n->n_attribute++] = a;
    n->attribute = arr;
    return a;
}

void xb_attr_i(struct xb *b, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    if (a) a->has_i = 1, a->i = v;
}

void xb_attr_f(struct xb *b, Onnx__NodeProto *n, const char *name, double v)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    if (a) a->has_f = 1, a->f = (float)v;
}

void xb_attr_s(struct xb *b, Onnx__NodeProto *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    if (!a) return;
    a->has_s = 1;
    a->s.data = (uint8_t *)xb_str(b, "%s", v);
    a->s.len = strlen(v);
}

void xb_attr_ints(struct xb *b, Onnx__NodeProto *n, const char *name, int32_t count, const int64_t *v)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    if (!a || !(a->ints = xb_alloc(b, (size_t)count * sizeof *a->ints + 1))) return;
    memcpy(a->ints, v, (size_t)count * sizeof *v);
    a->n_ints = (size_t)count;
}

static Onnx__TensorProto *tensor(struct xb *b, const char *name, int32_t dtype, int32_t ndim, const int64_t *dims,
                                 size_t bytes)
{
    Onnx__TensorProto *t = xb_alloc(b, sizeof *t);
    if (!t || !grow(b, (void ***)&b->graph.initializer, b->graph.n_initializer, &b->cap_inits)) return NULL;
    onnx__tensor_proto__init(t);
    t->name = xb_str(b, "%s", name);
    t->has_data_type = 1;
    t->data_type = dtype;
    t->dims = xb_alloc(b, (size_t)ndim * sizeof *t->dims + 1);
    if (!t->dims) return NULL;
    if (ndim) memcpy(t->dims, dims, (size_t)ndim * sizeof *dims);
    t->n_dims = (size_t)ndim;
    t->has_raw_data = 1;
    t->raw_data.len = bytes;
    t->raw_data.data = xb_alloc(b, bytes + 1);
    if (!t->raw_data.data) return NULL;
    b->graph.initializer[b->graph.n_initializer++] = t;
    return t;
}

const char *xb_init_real(struct xb *b, const char *name, int32_t ndim, const int64_t *dims, const double *v)
{
    int64_t n = 1;
    for (int32_t i = 0; i < ndim; i++) n *= dims[i];
    int f32 = 1;
    for (int64_t i = 0; i < n && f32; i++) f32 = (double)(float)v[i] == v[i];
    Onnx__TensorProto *t = tensor(b, name, f32 ? OX_FLOAT : OX_DOUBLE, ndim, dims, (size_t)n * (f32 ? 4 : 8));
    if (!t) return name;
    for (int64_t i = 0; i < n; i++) {
        if (f32) {
            float x = (float)v[i];
            memcpy(t->raw_data.data + 4 * i, &x, 4); /* little-endian, as ONNX stores raw_data */
        } else {
            memcpy(t->raw_data.data + 8 * i, &v[i], 8);
        }
    }
    return t->name;
}

const char *xb_init_i64(struct xb *b, const char *name, int32_t ndim, const int64_t *dims, const int64_t *v)
{
    int64_t n = 1;
    for (int32_t i = 0; i < ndim; i++) n *= dims[i];
    Onnx__TensorProto *t = tensor(b, name, OX_INT64, ndim, dims, (size_t)n * 8);
    if (!t) return name;
    memcpy(t->raw_data.data, v, (size_t)n * 8);
    return t->name;
}

void xb_io(struct xb *b, int output, const char *name, int32_t elem_type, int32_t ndim, const int64_t *dims)
{
    Onnx__ValueInfoProto *vi = xb_alloc(b, sizeof *vi);
    Onnx__TypeProto *tp = xb_alloc(b, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = xb_alloc(b, sizeof *tt);
    Onnx__TensorShapeProto *sh = xb_alloc(b, sizeof *sh);
    Onnx__TensorShapeProto__Dimension **dd = xb_alloc(b, (size_t)ndim * sizeof *dd + 1);
    if (!vi || !tp || !tt || !sh || !dd) return;
    onnx__value_info_proto__init(vi);
    onnx__type_proto__init(tp);
    onnx__type_proto__tensor__init(tt);
    onnx__tensor_shape_proto__init(sh);
    for (int32_t i = 0; i < ndim; i++) {
        dd[i] = xb_alloc(b, sizeof **dd);
        if (!dd[i]) return;
        onnx__tensor_shape_proto__dimension__init(dd[i]);
        dd[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        dd[i]->dim_value = dims[i];
    }
    sh->dim = dd;
    sh->n_dim = (size_t)ndim;
    tt->has_elem_type = 1;
    tt->elem_type = elem_type;
    tt->shape = sh;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    vi->name = xb_str(b, "%s", name);
    vi->type = tp;
    Onnx__ValueInfoProto ***arr = output ? &b->graph.output : &b->graph.input;
    size_t *n = output ? &b->graph.n_output : &b->graph.n_input;
    Onnx__ValueInfoProto **na = xb_alloc(b, (*n + 1) * sizeof *na);
    if (!na) return;
    if (*n) memcpy(na, *arr, *n * sizeof *na);
    na[(*n)++] = vi;
    *arr = na;
}

void xb_annotate(struct xb *b, const char *tensor_name, const char *key, const char *value)
{
    Onnx__TensorAnnotation *a = xb_alloc(b, sizeof *a);
    Onnx__StringStringEntryProto *e = xb_alloc(b, sizeof *e), **list = xb_alloc(b, sizeof *list);
    if (!a || !e || !list || !grow(b, (void ***)&b->graph.quantization_annotation, b->graph.n_quantization_annotation, &b->cap_annot))
        return;
    onnx__tensor_annotation__init(a);
    onnx__string_string_entry_proto__init(e);
    e->key = xb_str(b, "%s", key);
    e->value = xb_str(b, "%s", value);
    list[0] = e;
    a->tensor_name = xb_str(b, "%s", tensor_name);
    a->quant_parameter_tensor_names = list;
    a->n_quant_parameter_tensor_names = 1;
    b->graph.quantization_annotation[b->graph.n_quantization_annotation++] = a;
}

enum bnn_status xb_write(struct xb *b, const char *path)
{
    if (b->failed) return bnn_error(BNN_ERR_NOMEM, "%s: out of memory while building the model", path);
    size_t len = onnx__model_proto__get_packed_size(&b->model);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) return bnn_error(BNN_ERR_NOMEM, "%s: out of memory (%zu bytes)", path, len);
    onnx__model_proto__pack(&b->model, buf);
    enum bnn_status st = bnn_file_write_atomic(path, buf, len);
    free(buf);
    return st;
}
