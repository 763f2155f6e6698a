/* The bnnsim command line: one file per subcommand, all work in the library. */
#ifndef BNN_CLI_H
#define BNN_CLI_H

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "bnnsim/bnnsim.h"

int bnn_cmd_run(int argc, char **argv);
int bnn_cmd_import(int argc, char **argv);
int bnn_cmd_export(int argc, char **argv);
int bnn_cmd_train(int argc, char **argv);
int bnn_cmd_gen(int argc, char **argv);
int bnn_cmd_info(int argc, char **argv);
int bnn_cmd_perf(int argc, char **argv);
int bnn_cmd_golden(int argc, char **argv);
int bnn_cmd_resources(int argc, char **argv);
int bnn_cmd_dse(int argc, char **argv);

/* --lenient was given (any command): folding entries naming no node are warnings. */
extern int bnn_cli_lenient;
/* -q / --quiet was given (any command): no progress, no chatter. */
extern int bnn_cli_quiet;
/* bnn_hw_build, then a warning for each folding entry a lenient fold left unused. */
enum bnn_status bnn_cli_hw_build(const struct bnn_net *net, const struct bnn_fold *fold,
                                 const struct bnn_hw_options *o, const char *where, struct bnn_hw_pipeline **p);
/* Prints "bnnsim: <message>" for the library's last error; returns 1. */
int bnn_cli_fail(enum bnn_status st);
/* Prints "bnnsim: <formatted>" and returns 2 (usage errors). */
int bnn_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Opens --net (JSON or ONNX) and the folding: --fold when given, else the
 * one an ONNX model's HW layers carry. need_fold: a usage error without
 * either. *where names the folding's source for messages. Returns 0, 1
 * (error printed) or 2 (usage). */
int bnn_cli_open(const char *net_path, const char *fold_path, int need_fold, struct bnn_net **net,
                 struct bnn_fold **fold, const char **where);
/* Prints each warning as "bnnsim: warning: ..." on stderr and frees them. */
void bnn_cli_print_warnings(struct bnn_warnings *w);
/* One warning (printf format), the same way. */
void bnn_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* json_dumps of a command's document with its "warnings" array (every warning of the run). */
char *bnn_cli_dumps(json_t *doc, size_t flags);
/* Appends the images of one --input file (as given, or the bundled file it
 * names: "data/samples/x" from any directory), converted to `in`; says on
 * stderr how a .npy was read unless quiet. */
enum bnn_status bnn_cli_append_input(struct bnn_images *imgs, const char *arg, struct bnn_shape in, int quiet);
/* --layout nchw|nhwc|auto: 0, or a usage error (2). */
int bnn_cli_parse_layout(const char *s, enum bnn_layout *o);
int bnn_cli_parse_int(const char *opt, const char *s, long lo, long hi, long *out);
/* --style finn|paper into the hardware options (and the matching window
 * generator); 0, or a usage error (2). */
int bnn_cli_parse_style(const char *s, struct bnn_hw_options *o);

static inline const char *bnn__basename_cli(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

#endif
