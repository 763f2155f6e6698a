/* Private: building an ONNX ModelProto with protobuf-c structs. Everything
 * the model points at lives in one arena, freed with the builder. */
#ifndef BNN_ONNX_BUILD_H
#define BNN_ONNX_BUILD_H

#include <stdint.h>

#include "bnnsim/status.h"
#include "onnx.pb-c.h"

struct xb_block;

struct xb {
    struct xb_block *arena;
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    int32_t failed; /* out of memory somewhere: the result is unusable */
    size_t cap_nodes, cap_inits, cap_annot, cap_opsets, cap_meta;
};

void xb_init(struct xb *b, const char *graph_name);
void xb_free(struct xb *b);
void *xb_alloc(struct xb *b, size_t n);
char *xb_str(struct xb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void xb_opset(struct xb *b, const char *domain, int64_t version);
void xb_meta(struct xb *b, const char *key, const char *value);

/* A node with inputs (NULL-terminated list) and one output named `out`. */
Onnx__NodeProto *xb_node(struct xb *b, const char *op, const char *domain, const char *name, const char *const *inputs,
                         const char *out);
/* ... or several outputs */
void xb_node_output(struct xb *b, Onnx__NodeProto *n, const char *out);
void xb_attr_i(struct xb *b, Onnx__NodeProto *n, const char *name, int64_t v);
void xb_attr_f(struct xb *b, Onnx__NodeProto *n, const char *name, double v);
void xb_attr_s(struct xb *b, Onnx__NodeProto *n, const char *name, const char *v);
void xb_attr_ints(struct xb *b, Onnx__NodeProto *n, const char *name, int32_t count, const int64_t *v);

/* Initializers: FLOAT when every value is a float32, else DOUBLE; INT64. */
const char *xb_init_real(struct xb *b, const char *name, int32_t ndim, const int64_t *dims, const double *v);
const char *xb_init_i64(struct xb *b, const char *name, int32_t ndim, const int64_t *dims, const int64_t *v);

/* Graph input / output with an element type and shape. */
void xb_io(struct xb *b, int output, const char *name, int32_t elem_type, int32_t ndim, const int64_t *dims);
/* quantization_annotation: key = value for a tensor */
void xb_annotate(struct xb *b, const char *tensor, const char *key, const char *value);

/* Serialises and writes atomically. */
enum bnn_status xb_write(struct xb *b, const char *path);

#endif
