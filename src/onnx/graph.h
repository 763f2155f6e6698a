/* Private: an ONNX model as the importer sees it. The protobuf message
 * (protoc-c over Debian's onnx.proto) stays alive; tensors get an index,
 * constants a value array, and nodes their op type with the domain folded
 * onto three kinds (the domain spellings FINN used over the years are one
 * op set). */
#ifndef BNN_ONNX_GRAPH_H
#define BNN_ONNX_GRAPH_H

#include <stdint.h>

#include "bnnsim/status.h"
#include "onnx.pb-c.h"

#define OX_MAX_DIMS 8

/* ONNX TensorProto.DataType codes used here */
enum { OX_FLOAT = 1, OX_UINT8 = 2, OX_INT8 = 3, OX_INT32 = 6, OX_INT64 = 7, OX_BOOL = 9, OX_DOUBLE = 11 };

enum ox_domain {
    OX_DOM_STD = 0, /* "" or ai.onnx */
    OX_DOM_QUANT,   /* finn, finn.custom_op.general, qonnx.custom_op.general, onnx.brevitas */
    OX_DOM_HW,      /* finn (old HLS layers), finn.custom_op.fpgadataflow[.hls|.rtl] */
};

/* A value: every element as a double (float32 and int64 below 2^53 are exact). */
struct ox_val {
    int32_t dtype;
    int32_t ndim;
    int64_t dims[OX_MAX_DIMS];
    int64_t n;
    double *v;
};

struct ox_tensor {
    const char *name;
    int32_t producer;  /* node index, -1 for an initializer or graph input */
    int32_t is_input;  /* a graph input that is not an initializer */
    int32_t state;     /* 0 unknown, 1 evaluating, 2 constant (val set), 3 dynamic */
    struct ox_val val; /* constants */
    int32_t has_shape; /* from value_info or the walk: shape of a dynamic tensor */
    int32_t ndim;
    int64_t dims[OX_MAX_DIMS];
    int32_t elem_type;
    char finn_dt[24];  /* finn_datatype annotation, "" if none */
    char layout[24];   /* tensor_layout annotation, "" if none */
};

struct ox_node {
    const Onnx__NodeProto *p;
    char name[96];     /* the node's name, or "#<index> <op>" for an unnamed node */
    char op[64];       /* op type as written */
    char base[64];     /* op type without _hls/_rtl/_Batch, with old names mapped (MVAU, Thresholding, ...) */
    enum ox_domain dom;
    int32_t n_in, n_out;
    int32_t *in, *out; /* tensor indices; -1 for an empty (omitted) input */
};

struct ox_graph {
    const char *path;
    uint8_t *buf;
    Onnx__ModelProto *model;
    int32_t n_t, cap_t;
    struct ox_tensor *t;
    int32_t n_nodes;
    struct ox_node *nodes;
    int32_t input;          /* the one dynamic graph input */
    int32_t n_outputs;
    int32_t *outputs;
};

/* Reads and indexes PATH; messages name the file. */
enum bnn_status ox_graph_load(const char *path, struct ox_graph *g);
void ox_graph_free(struct ox_graph *g);
int32_t ox_tensor_find(const struct ox_graph *g, const char *name);

/* Attributes (NULL / default when absent). */
const Onnx__AttributeProto *ox_attr(const struct ox_node *n, const char *name);
int64_t ox_attr_i(const struct ox_node *n, const char *name, int64_t def);
double ox_attr_f(const struct ox_node *n, const char *name, double def);
/* string attribute into buf (def when absent) */
const char *ox_attr_s(const struct ox_node *n, const char *name, const char *def, char *buf, size_t cap);
/* ints attribute (or a single int) into out[max]; returns the count, -1 when absent */
int32_t ox_attr_ints(const struct ox_node *n, const char *name, int64_t *out, int32_t max);

/* The value of a constant tensor, computing it from initializers and
 * constant nodes (Shape of a tensor with a known shape counts) on demand.
 * BNN_ERR_INVALID_NET with the node named when it depends on the dynamic
 * chain. */
enum bnn_status ox_const(struct ox_graph *g, int32_t t, const struct ox_val **out);
/* Records the shape of a dynamic tensor (the walk knows it). */
void ox_set_shape(struct ox_graph *g, int32_t t, int32_t ndim, const int64_t *dims);

/* One TensorProto (initializer or Constant value) as a value; messages name PATH. */
enum bnn_status ox_tensor_decode(const char *path, const Onnx__TensorProto *tp, struct ox_val *out);
/* Reshape's target dimensions (0 copies, -1 infers). */
enum bnn_status ox_reshape_dims(const struct ox_val *shape, int32_t in_nd, const int64_t *in_dims, int64_t in_n,
                                int32_t *nd, int64_t *dims);

/* Value helpers (onnx/eval.c). */
enum bnn_status ox_val_alloc(struct ox_val *v, int32_t dtype, int32_t ndim, const int64_t *dims);
void ox_val_free(struct ox_val *v);
/* Evaluates one standard or quantiser op on constant inputs (float32
 * semantics for FLOAT results). BNN_ERR_UNSUPPORTED if the op cannot be
 * evaluated. */
enum bnn_status ox_eval_node(struct ox_graph *g, const struct ox_node *n, const struct ox_val *const *in, int32_t n_in,
                             struct ox_val *out);
/* Element i of a broadcast to `ndim/dims` (numpy rules): the flat index into v. */
int64_t ox_broadcast_index(const struct ox_val *v, int32_t ndim, const int64_t *dims, int64_t i);
int ox_broadcastable(const struct ox_val *v, int32_t ndim, const int64_t *dims);
/* float32 rounding of x when dtype is FLOAT */
double ox_round_to(int32_t dtype, double x);
/* qonnx's Quant on one value */
double ox_quant(double x, double scale, double zp, double bits, int is_signed, int narrow, const char *mode, int32_t dtype);
/* qonnx's MultiThreshold count for value x against n ascending thresholds */
int32_t ox_count_ge(double x, const double *thr, int32_t n);

#endif
