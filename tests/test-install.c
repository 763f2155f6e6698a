/* make install as a user does it: into a prefix and into a DESTDIR tree,
 * then a program built from the installed headers with pkg-config and run
 * from another directory, the installed CLI finding its data by bundled
 * names, a moved prefix, and make uninstall leaving no file behind. */
#include <ftw.h>
#include <sys/wait.h>

#include "test-util.h"

static char build_dir[2048], make_args[4400];

/* make in the source tree with the test build's own settings; a nested make
 * must not inherit the outer one's jobserver */
static void make(const char *target, const char *vars)
{
    static char out[1 << 16];
    int rc = test_sh(out, sizeof out, "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s %s %s %s", make_args, vars, target);
    if (rc) fail_msg("make %s %s: exit %d:\n%s", target, vars, rc, out);
}

static const char *const installed[] = {
    "bin/bnnsim", "lib/libbnnsim.a", "lib/libbnnsim.so." BNNSIM_VERSION, "lib/libbnnsim.so.0", "lib/libbnnsim.so",
    "lib/pkgconfig/bnnsim.pc", "include/bnnsim/bnnsim.h", "include/bnnsim/hw.h", "share/man/man1/bnnsim.1",
    "share/bnnsim/devices/zc706.json", "share/bnnsim/devices/pynq-z1.json", "share/bnnsim/cnv.json",
    "share/bnnsim/cnv.npz", "share/bnnsim/cnv-fix.fold.json", "share/bnnsim/samples/digits.idx3-ubyte", NULL};

static void check_installed(const char *root)
{
    for (const char *const *f = installed; *f; f++) {
        char p[8192];
        snprintf(p, sizeof p, "%s/%s", root, *f);
        if (!test_exists(p)) fail_msg("make install did not install %s", p);
    }
}

static int files_left;
static int count_file(const char *p, const struct stat *s, int type, struct FTW *f)
{
    if (type != FTW_D && type != FTW_DP) {
        files_left++;
        fprintf(stderr, "left behind: %s\n", p);
    }
    return 0;
}

/* A user's program: the library from its installed headers, data found by
 * name from any directory, one network run on a bundled sample. */
static const char prog[] =
    "#include <stdio.h>\n"
    "#include <bnnsim/bnnsim.h>\n"
    "int main(void) {\n"
    "    struct bnn_device d; struct bnn_net *net; char buf[4200];\n"
    "    if (bnn_device_load(\"zc706\", &d)) { printf(\"error: %s\\n\", bnn_last_error()); return 1; }\n"
    "    if (bnn_net_load(bnn_data_resolve(\"tfc\", BNN_DATA_NET, buf, sizeof buf), &net)) {\n"
    "        printf(\"error: %s\\n\", bnn_last_error()); return 1; }\n"
    "    printf(\"device %s LUT %.0f; net %s with %d layers\\n\", d.name, d.lut, net->name, (int)net->n_layers);\n"
    "    bnn_net_free(net);\n"
    "    return 0;\n"
    "}\n";

static void test_install_prefix(void **state)
{
    char prefix[4400], moved[4400], out[1 << 15];
    snprintf(prefix, sizeof prefix, "%s/prefix", test_tmpdir());
    char vars[8192];
    snprintf(vars, sizeof vars, "PREFIX=%s", prefix);
    make("install", vars);
    check_installed(prefix);

    /* the shared library carries its soname */
    assert_int_equal(test_sh(out, sizeof out, "readelf -d %s/lib/libbnnsim.so", prefix), 0);
    if (!strstr(out, "Library soname: [libbnnsim.so.0]")) fail_msg("soname missing: %s", out);

    /* a program built against the installed library with pkg-config, run from / */
    test_write(test_path("prog.c"), prog, sizeof prog - 1);
    const char *san = getenv("BNNSIM_SAN");
    int rc = test_sh(out, sizeof out,
                "export PKG_CONFIG_PATH=%s/lib/pkgconfig; cc -std=c11 %s %s -o %s $(pkg-config --cflags bnnsim) "
                "$(pkg-config --libs bnnsim) -Wl,-rpath,%s/lib",
                prefix, san && *san ? "-fsanitize=address,undefined" : "", test_path("prog.c"), test_path("prog"), prefix);
    if (rc) fail_msg("building against the installed library failed:\n%s", out);
    rc = test_sh(out, sizeof out, "cd / && env -u BNNSIM_DATA %s", test_path("prog"));
    if (rc || !strstr(out, "device ZC706 LUT 218600; net ")) fail_msg("installed program (exit %d): %s", rc, out);
    assert_int_equal(test_sh(out, sizeof out, "ldd %s", test_path("prog")), 0);
    if (!strstr(out, prefix)) fail_msg("the program is not linked to the installed shared library: %s", out);

    /* the installed CLI, by bundled names, from / */
    rc = test_sh(out, sizeof out, "cd / && env -u BNNSIM_DATA %s/bin/bnnsim resources --net cnv --fold cnv-fix --device pynq-z1",
            prefix);
    if (rc || !strstr(out, "PYNQ-Z1")) fail_msg("installed bnnsim by names (exit %d): %s", rc, out);
    rc = test_sh(out, sizeof out, "cd / && %s/bin/bnnsim run --net tfc --input data/samples/digits.idx3-ubyte --limit 3 -q",
            prefix);
    if (rc) fail_msg("installed bnnsim with data/ paths from / (exit %d): %s", rc, out);
    /* the man page holds every command's --help (read as troff: man itself need not be installed) */
    assert_int_equal(test_sh(out, sizeof out, "grep -c '^.SH \"BNNSIM [A-Z]*\"' %s/share/man/man1/bnnsim.1", prefix), 0);
    if (atoi(out) != 10) fail_msg("the man page has %s command sections, expected 10", out);

    /* a moved prefix still finds its data */
    snprintf(moved, sizeof moved, "%s/moved", test_tmpdir());
    assert_int_equal(rename(prefix, moved), 0);
    rc = test_sh(out, sizeof out, "cd / && env -u BNNSIM_DATA %s/bin/bnnsim dse --net tfc --device zc706 --target-fps 1000",
            moved);
    if (rc || !strstr(out, "target reached")) fail_msg("moved prefix (exit %d): %s", rc, out);
    /* and a wrong BNNSIM_DATA is named */
    rc = test_sh(out, sizeof out, "cd / && BNNSIM_DATA=/nonexistent %s/bin/bnnsim resources --net %s/share/bnnsim/tfc.json "
            "--fold %s/share/bnnsim/tfc-pynq.fold.json --device zc706", moved, moved, moved);
    if (rc != 1 || !strstr(out, "/nonexistent/devices/zc706.json")) fail_msg("BNNSIM_DATA ignored (exit %d): %s", rc, out);

    snprintf(vars, sizeof vars, "PREFIX=%s", moved);
    make("uninstall", vars);
    files_left = 0;
    nftw(moved, count_file, 16, FTW_PHYS | FTW_DEPTH);
    assert_int_equal(files_left, 0);
}

static void test_install_destdir(void **state)
{
    char dest[4400], root[4500], out[4096], vars[8192];
    snprintf(dest, sizeof dest, "%s/stage", test_tmpdir());
    snprintf(vars, sizeof vars, "DESTDIR=%s PREFIX=/opt/bnnsim", dest);
    make("install", vars);
    snprintf(root, sizeof root, "%s/opt/bnnsim", dest);
    check_installed(root);
    /* the .pc file names the final prefix, not the staging tree */
    assert_int_equal(test_sh(out, sizeof out, "grep '^prefix=' %s/lib/pkgconfig/bnnsim.pc", root), 0);
    assert_string_equal(out, "prefix=/opt/bnnsim\n");
    make("uninstall", vars);
    files_left = 0;
    nftw(dest, count_file, 16, FTW_PHYS | FTW_DEPTH);
    assert_int_equal(files_left, 0);
}

int main(void)
{
    const char *bin = getenv("BNNSIM_BIN");
    snprintf(build_dir, sizeof build_dir, "%s", bin ? bin : "build/bnnsim");
    char *slash = strrchr(build_dir, '/');
    if (slash) *slash = 0;
    else snprintf(build_dir, sizeof build_dir, ".");
    const char *san = getenv("BNNSIM_SAN"), *opt = getenv("BNNSIM_OPT");
    snprintf(make_args, sizeof make_args, "BUILD=%s SAN=%s OPT='%s'", build_dir, san ? san : "", opt ? opt : "-O2 -g");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_install_prefix),
        cmocka_unit_test(test_install_destdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
