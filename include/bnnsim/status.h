/* bnnsim: status codes and error messages.
 *
 * Every fallible call returns an enum bnn_status. On failure a one-line,
 * human-readable message (file, field, value, rule) is kept per thread and
 * read with bnn_last_error(). The library never exits the process. */
#ifndef BNNSIM_STATUS_H
#define BNNSIM_STATUS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum bnn_status {
    BNN_OK = 0,
    BNN_ERR_INVALID_ARG = 1, /* caller passed something unusable */
    BNN_ERR_IO = 2,          /* open/read/write/rename failed */
    BNN_ERR_PARSE = 3,       /* malformed file: JSON, npy, zip, image, IDX, ... */
    BNN_ERR_INVALID_NET = 4, /* well-formed but inconsistent network description */
    BNN_ERR_UNSUPPORTED = 5, /* valid but not implemented (shape, ISA, dtype) */
    BNN_ERR_NOMEM = 6,
    BNN_ERR_MISMATCH = 7,    /* two things that must agree do not */
};

const char *bnn_status_str(enum bnn_status s);

/* Message of the last failure on this thread ("" when none). */
const char *bnn_last_error(void);

/* Sets the message (printf format) and returns s, so callers can write
 * `return bnn_error(BNN_ERR_PARSE, "%s: ...", path);`. */
enum bnn_status bnn_error(enum bnn_status s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void bnn_error_clear(void);

/* Findings that do not stop a call (a model FINN built wrongly, an input
 * convention that was assumed): calls that can make them take a list the
 * caller owns and frees. A NULL list drops them. */
struct bnn_warnings {
    int32_t n;
    char **msg;
};
void bnn_warnings_free(struct bnn_warnings *w);

/* Progress of long work (design-space search, FIFO sizing, imports):
 * fn(ctx, what, done, total) on the calling thread as the work goes, and
 * once with done == total at its end. One hook per thread; NULL turns it
 * off (the default). */
typedef void (*bnn_progress_fn)(void *ctx, const char *what, int64_t done, int64_t total);
void bnn_set_progress(bnn_progress_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
