/* bnnsim: training binarized MLPs.
 *
 * The way BinaryNet and FINN's Brevitas examples train: float latent weights
 * clipped to [-1, 1], their sign in the forward pass, batch norm before each
 * sign activation, the straight-through estimator (gradient 1 where
 * |x| <= 1), a softmax cross-entropy on a learnt positive scale of the last
 * layer's accumulators, Adam with a cosine learning-rate schedule, shuffled
 * mini-batches and a held-out validation split. The dense algebra is
 * OpenBLAS sgemm (forward and both backward products).
 *
 * The result is an ordinary bnnsim network: batch norm + sign are folded
 * into integer thresholds found on the accumulator lattice with the very
 * function the trainer's binarized forward pass evaluates, so bnnsim runs it
 * to exactly the same predictions. Deterministic for a given seed and thread
 * count (and OpenBLAS kernel). */
#ifndef BNNSIM_TRAIN_H
#define BNNSIM_TRAIN_H

#include <stdint.h>

#include "bnnsim/io.h"
#include "bnnsim/net.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BNN_TRAIN_MAX_HIDDEN 8

struct bnn_train_epoch {
    int32_t epoch;       /* 1-based */
    double loss;         /* mean training cross-entropy */
    double train_acc;    /* on the training batches, binarized forward in training mode */
    double val_acc;      /* held-out split, inference mode (-1 without one) */
    double lr;
    double seconds;
    double images_per_s;
};

/* Called after every batch (done < total) and at the end of each epoch (done == total). */
typedef void (*bnn_train_progress_fn)(const struct bnn_train_epoch *e, int64_t done, int64_t total, void *ctx);

struct bnn_train_options {
    int32_t n_hidden;
    int32_t hidden[BNN_TRAIN_MAX_HIDDEN]; /* widths of the hidden (thresholded) layers */
    int32_t n_classes;
    int32_t input_fixed;   /* 1: 8-bit Q1.7 input as CNV's first layer; 0: binary, pixel >= 128 */
    int32_t epochs;        /* default 20 */
    int32_t batch;         /* default 100 */
    int32_t val;           /* images held out from the end of the training set (default 5000) */
    uint64_t seed;         /* default 1 */
    int32_t threads;       /* 0: OpenMP's default; results depend on it (sgemm's order of sums) */
    double lr, lr_end;     /* Adam, cosine from lr to lr_end (defaults 3e-3, 3e-5) */
    int32_t limit;         /* train on the first `limit` images only (0: all) */
    bnn_train_progress_fn progress;
    void *ctx;
    volatile int *stop;    /* set (e.g. by a signal handler) to stop after the current batch */
};

void bnn_train_options_default(struct bnn_train_options *o);
/* sfc | lfc | tfc: hidden widths 256 | 1024 | 64, three layers each */
enum bnn_status bnn_train_topology(const char *name, struct bnn_train_options *o);
/* The MLP shape of an existing network: its FC widths and input kind. */
enum bnn_status bnn_train_topology_of(const struct bnn_net *net, struct bnn_train_options *o);

struct bnn_mlp;

/* Trains on imgs (labels required, 0..n_classes-1). *out owns the float
 * model; epochs[] (may be NULL) gets one entry per epoch run, *n_epochs
 * their count. BNN_ERR_INVALID_ARG ("stopped") when o->stop was set. */
enum bnn_status bnn_mlp_train(const struct bnn_images *imgs, const struct bnn_train_options *o, struct bnn_mlp **out,
                              struct bnn_train_epoch *epochs, int32_t *n_epochs);
/* The trainer's own binarized forward pass (inference mode): classes of n images. */
enum bnn_status bnn_mlp_predict(const struct bnn_mlp *m, const uint8_t *pixels, int32_t n, int32_t *classes);
/* The trained model as a bnnsim network (thresholds folded exactly). */
enum bnn_status bnn_mlp_export(const struct bnn_mlp *m, const char *name, const char *description,
                               const char *const *class_names, struct bnn_net **out);
void bnn_mlp_free(struct bnn_mlp *m);

#ifdef __cplusplus
}
#endif
#endif
