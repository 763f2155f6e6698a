#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bnnsim/status.h"

static _Thread_local char last_error[1024];
static _Thread_local enum bnn_status last_status;

enum bnn_status bnn__last_status(void) { return last_status ? last_status : BNN_ERR_INVALID_ARG; }

const char *bnn_status_str(enum bnn_status s)
{
    switch (s) {
    case BNN_OK: return "ok";
    case BNN_ERR_INVALID_ARG: return "invalid argument";
    case BNN_ERR_IO: return "i/o error";
    case BNN_ERR_PARSE: return "parse error";
    case BNN_ERR_INVALID_NET: return "invalid network";
    case BNN_ERR_UNSUPPORTED: return "unsupported";
    case BNN_ERR_NOMEM: return "out of memory";
    case BNN_ERR_MISMATCH: return "mismatch";
    }
    return "unknown status";
}

const char *bnn_last_error(void) { return last_error; }

void bnn_error_clear(void) { last_error[0] = 0; }

enum bnn_status bnn_error(enum bnn_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    last_status = s;
    return s;
}

void bnn_warnings_free(struct bnn_warnings *w)
{
    if (!w) return;
    for (int32_t i = 0; i < w->n; i++) free(w->msg[i]);
    free(w->msg);
    w->n = 0;
    w->msg = NULL;
}

void bnn__warn(struct bnn_warnings *w, const char *fmt, ...)
{
    if (!w) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **m = realloc(w->msg, (size_t)(w->n + 1) * sizeof *m);
    if (!m) return;
    w->msg = m;
    if ((w->msg[w->n] = strdup(buf))) w->n++;
}

static _Thread_local bnn_progress_fn progress_fn;
static _Thread_local void *progress_ctx;

void bnn_set_progress(bnn_progress_fn fn, void *ctx)
{
    progress_fn = fn;
    progress_ctx = ctx;
}

void bnn__progress(const char *what, int64_t done, int64_t total)
{
    if (progress_fn) progress_fn(progress_ctx, what, done, total);
}
