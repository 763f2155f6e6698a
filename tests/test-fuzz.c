/* The fuzz targets in every make check: each file of the regression corpus
 * (tests/fuzz/regress/<target>/, every crash a fuzzer found) and the seed
 * files from data/ through its target. Under make check-asan, ASan and UBSan
 * watch them. */
#include "test-util.h"
#include <dirent.h>
#include <glob.h>

#include "fuzz/targets.h"

static int replay_file(const struct fuzz_target *t, const char *path)
{
    uint8_t *b;
    size_t n;
    if (bnn_file_read_all(path, &b, &n)) fail_msg("%s: %s", path, bnn_last_error());
    t->run(b, n);
    /* and every prefix of a small file: truncations are the commonest corruption */
    for (size_t cut = 0; n <= 4096 && cut < n; cut += 1 + n / 64) t->run(b, cut);
    free(b);
    return 1;
}

static void test_replay(void **state)
{
    (void)state;
    assert_int_equal(fuzz_init("data"), 0);
    int total = 0;
    for (const struct fuzz_target *t = fuzz_targets; t->name; t++) {
        int regress = 0, seeds = 0;
        char d[512];
        snprintf(d, sizeof d, "tests/fuzz/regress/%s", t->name);
        DIR *dd = opendir(d);
        struct dirent *e;
        while (dd && (e = readdir(dd))) {
            if (e->d_name[0] == '.') continue;
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", d, e->d_name);
            regress += replay_file(t, p);
        }
        if (dd) closedir(dd);
        if (t->seeds[0]) {
            char pat[512];
            glob_t g;
            snprintf(pat, sizeof pat, "data/%s", t->seeds);
            if (glob(pat, 0, NULL, &g) == 0) {
                for (size_t i = 0; i < g.gl_pathc; i++) seeds += replay_file(t, g.gl_pathv[i]);
                globfree(&g);
            }
        }
        printf("  %-10s %3d regression inputs, %3d seeds from data/\n", t->name, regress, seeds);
        total += regress + seeds;
    }
    /* the two crashes found before the targets existed are in the corpus */
    assert_true(test_exists("tests/fuzz/regress/npy/heap-overflow-descr.npy"));
    assert_true(total > 20);
    fuzz_fini();
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_replay)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
