#ifndef BNNSIM_GOLDEN_IMPL_H
#define BNNSIM_GOLDEN_IMPL_H

#include "bnnsim/golden.h"

int64_t bnn__thr_acc(const struct bnn_layer *L, int32_t r, int32_t i);
enum bnn_status bnn__write_layer_memories(const struct bnn_net *net, const struct bnn_fold_layer *fl, int32_t j,
                                          const char *dir);
const char *bnn__bnn_pynq_unfit(const struct bnn_net *net, const struct bnn_fold *fold);

#endif
