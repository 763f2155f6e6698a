/* bnnsim: FINN / QONNX ONNX models in and out.
 *
 * Reading takes every stage of the FINN flow (docs/onnx.md): a raw QONNX or
 * FINN-ONNX export (Quant/BipolarQuant, BatchNormalization, MatMul, Gemm,
 * Conv, MaxPool, the flatten built from Shape/Gather/Concat), the tidied
 * model with pre- and post-processing, the streamlined form (MultiThreshold
 * + MatMul with +-1 weights), the XNOR form (XnorPopcountMatMul) and the HW
 * layers (MVAU, Thresholding, ConvolutionInputGenerator, StreamingMaxPool,
 * LabelSelect, FIFOs and width converters, old and new names), whose PE,
 * SIMD, FIFO depths and memory settings come back as the folding. BN and the
 * sign fold into exact integer thresholds as FINN's streamlining does. What
 * FINN itself got wrong in a file (an accumulator type too narrow for the
 * popcount, thresholds clipped to it) is reported as a warning; bnnsim
 * executes the model's mathematical function.
 *
 * Writing gives a FINN-ONNX model (streamlined, or HW layers carrying the
 * folding as node attributes) that reads back to the same network. */
#ifndef BNNSIM_ONNX_H
#define BNNSIM_ONNX_H

#include "bnnsim/fold.h"
#include "bnnsim/net.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bnn_onnx_options {
    /* what the graph's float input holds: pixel / input_scale. 0: raw pixels
     * when the input is annotated UINT8 (or the graph divides by 255 itself),
     * else pixel / 255 (a model trained on PyTorch's ToTensor), with a note. */
    double input_scale;
};

/* Reads PATH. *fold (may be NULL) gets the folding when the model has HW
 * nodes, else NULL. Non-fatal findings go to warn (may be NULL). */
enum bnn_status bnn_onnx_import(const char *path, const struct bnn_onnx_options *opt, struct bnn_net **net,
                                struct bnn_fold **fold, struct bnn_warnings *warn);

enum bnn_onnx_form {
    BNN_ONNX_STREAMLINED = 0, /* MultiThreshold + MatMul/Conv with +-1 weights, MaxPool, TopK */
    BNN_ONNX_HW = 1,          /* FINN HW layers with the folding as node attributes */
};

/* Writes PATH atomically. fold: the HW form's PE/SIMD/FIFO depths (NULL:
 * PE = SIMD = 1); ignored by the streamlined form. */
enum bnn_status bnn_onnx_export(const struct bnn_net *net, const struct bnn_fold *fold, enum bnn_onnx_form form,
                                const char *path);

/* A network from any file bnnsim reads: NET.json (+ .npz) or an ONNX model
 * (by extension, or by content when the name says neither). *fold gets the
 * model's own folding (HW-layer ONNX) or NULL; fold may be NULL. */
enum bnn_status bnn_net_open(const char *path, struct bnn_net **net, struct bnn_fold **fold, struct bnn_warnings *warn);
int bnn_path_is_onnx(const char *path);

#ifdef __cplusplus
}
#endif
#endif
