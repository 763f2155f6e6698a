/* Shared helpers for the cmocka tests. */
#ifndef BNN_TEST_UTIL_H
#define BNN_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "bnnsim/bnnsim.h"

/* ../shared (BNN-PYNQ data): BNNSIM_SHARED overrides. NULL when absent. */
static inline const char *test_shared_dir(void)
{
    static char buf[4096];
    const char *env = getenv("BNNSIM_SHARED");
    snprintf(buf, sizeof buf, "%s", env && *env ? env : "../shared");
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/bnn-pynq/README.md", buf);
    return access(probe, R_OK) == 0 ? buf : NULL;
}

/* A fresh temporary directory for one test program. */
static inline const char *test_tmpdir(void)
{
    static char dir[256];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/bnnsim-test-XXXXXX");
        if (!mkdtemp(dir)) abort();
    }
    return dir;
}

static inline char *test_path(const char *name)
{
    static char buf[8][4200];
    static int k;
    char *p = buf[k++ & 7];
    snprintf(p, 4200, "%s/%s", test_tmpdir(), name);
    return p;
}

static inline void test_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static inline int test_exists(const char *path) { return access(path, F_OK) == 0; }

/* Runs a shell command with no input; its stdout and stderr in out; the
 * exit status (a death by signal fails the test). */
static inline int test_sh(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline int test_sh(char *out, size_t cap, const char *fmt, ...)
{
    char cmd[20000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[20100];
    snprintf(full, sizeof full, "(%s) 2>&1 </dev/null", cmd);
    FILE *p = popen(full, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    int st = pclose(p);
    if (WIFSIGNALED(st)) fail_msg("'%s' died of signal %d: %s", cmd, WTERMSIG(st), out);
    return WEXITSTATUS(st);
}

/* The tensors of the network at net_json, with tensor `name` replaced by *bad, written to npz_path. */
static inline int test_npz_replacing(const char *net_json, const char *npz_path, const char *name,
                                     const struct bnn_array *bad)
{
    struct bnn_net *net;
    if (bnn_net_load(net_json, &net)) return 1;
    const char *names[64];
    struct bnn_array arrs[64];
    int n = 0;
    for (int32_t i = 0; i < net->n_layers && n < 62; i++) {
        struct bnn_layer *L = &net->layers[i];
        if (!L->weights) continue;
        names[n] = L->weights_tensor;
        arrs[n++] = (struct bnn_array){L->w_bits > 1 && L->w_signed ? BNN_DT_I8 : BNN_DT_U8, 2, {L->mh, L->mw},
                                       (int64_t)L->mh * L->mw, L->weights};
        if (!L->thresholds) continue;
        names[n] = L->thresholds_tensor;
        arrs[n++] = L->n_thr == 1 ? (struct bnn_array){BNN_DT_I64, 1, {L->mh}, L->mh, L->thresholds}
                                  : (struct bnn_array){BNN_DT_I64, 2, {L->mh, L->n_thr}, (int64_t)L->mh * L->n_thr,
                                                       L->thresholds};
    }
    for (int k = 0; k < n; k++)
        if (!strcmp(names[k], name)) arrs[k] = *bad;
    enum bnn_status st = bnn_npz_write(npz_path, n, names, arrs);
    bnn_net_free(net);
    return st != BNN_OK;
}

#define ASSERT_OK(expr)                                                                              \
    do {                                                                                             \
        enum bnn_status st_ = (expr);                                                                \
        if (st_ != BNN_OK) fail_msg("%s -> %s: %s", #expr, bnn_status_str(st_), bnn_last_error());   \
    } while (0)

#define ASSERT_ERR(expr, substr)                                                                     \
    do {                                                                                             \
        enum bnn_status st_ = (expr);                                                                \
        if (st_ == BNN_OK) fail_msg("%s succeeded; expected an error with '%s'", #expr, substr);     \
        if (!strstr(bnn_last_error(), substr))                                                       \
            fail_msg("%s: message '%s' lacks '%s'", #expr, bnn_last_error(), substr);               \
    } while (0)

#endif
