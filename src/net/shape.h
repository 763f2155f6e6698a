/* Private: the shape rule the loader (before it reads any tensor) and
 * bnn_net_finalize share. */
#ifndef BNN_NET_SHAPE_H
#define BNN_NET_SHAPE_H

#include "bnnsim/net.h"

/* The output shape of a conv, fc, maxpool or labelselect layer on input
 * `in` (an input layer keeps its own). Returns 0, or 1 when a window does
 * not fit the (padded) input; callers word the error in their own terms. */
int bnn__layer_out_shape(const struct bnn_layer *L, struct bnn_shape in, struct bnn_shape *out);

#endif
