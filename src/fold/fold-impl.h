/* Internals shared by the folding readers and writers. */
#ifndef BNNSIM_FOLD_IMPL_H
#define BNNSIM_FOLD_IMPL_H

#include "bnnsim/fold.h"

struct bnn_fold *bnn__fold_alloc(const struct bnn_net *net);
int bnn__has_prefix_num(const char *name, const char *prefix, int32_t *num);
int bnn__fold_default_matches(const struct bnn_fold_default *df, const char *op_type);
/* Whole file as a NUL-terminated string. */
enum bnn_status bnn__read_text(const char *path, char **text, size_t *len);
enum bnn_status bnn__fold_parse_config_h(const char *path, const char *text, const struct bnn_net *net, struct bnn_fold *f);

#endif
