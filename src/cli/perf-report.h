#ifndef BNN_CLI_PERF_REPORT_H
#define BNN_CLI_PERF_REPORT_H

#include <jansson.h>

#include "bnnsim/hw.h"

struct bnn_perf {
    struct bnn_hw_pipeline *p;
    struct bnn_hw_estimate est;
    struct bnn_sim_result *r;
    double sim_seconds;
    const struct bnn_fold *fold;
};

enum bnn_status bnn_cli_perf_run(const struct bnn_net *net, const struct bnn_fold *fold, const char *fold_path,
                                 const struct bnn_hw_options *ho, const struct bnn_sim_options *so, struct bnn_perf *out);
void bnn_cli_perf_free(struct bnn_perf *pf);
json_t *bnn_cli_perf_json(const struct bnn_net *net, const struct bnn_perf *pf);
char *bnn_cli_perf_text(const struct bnn_net *net, const struct bnn_perf *pf, int fifo_rows);

#endif
