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
