/* Where bnnsim's bundled data (devices, networks, foldings, samples) lives,
 * so `--device zc706` or `--net cnv` work from any directory: $BNNSIM_DATA,
 * then the install prefix's share/bnnsim (found from the library's own file,
 * or the program's, so a moved prefix still works), then a build tree's
 * data/ beside the program, then ./data. */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bnnsim/io.h"
#include "core/util.h"

static int is_data_dir(const char *d)
{
    char p[PATH_MAX + 32];
    struct stat s;
    snprintf(p, sizeof p, "%s/devices", d);
    return stat(p, &s) == 0 && S_ISDIR(s.st_mode);
}

/* dir of `file` + "/" + rel, if that is a data directory */
static int beside(const char *file, const char *rel, char *out, size_t n)
{
    char real[PATH_MAX];
    if (!file || !realpath(file, real)) return 0;
    snprintf(out, n, "%s/%s", dirname(real), rel);
    return is_data_dir(out);
}

int bnn_data_dir(char *out, size_t n)
{
    const char *env = getenv("BNNSIM_DATA");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return 1; /* taken as given: a wrong one is named in the not-found message */
    }
    Dl_info di;
    const char *lib = dladdr((void *)bnn_data_dir, &di) && di.dli_fname ? di.dli_fname : NULL;
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[k > 0 ? k : 0] = 0;
    if (beside(lib, "../share/bnnsim", out, n) || beside(exe, "../share/bnnsim", out, n) ||
        beside(exe, "../data", out, n) || beside(exe, "../../data", out, n))
        return 1;
    snprintf(out, n, "data");
    return is_data_dir(out);
}

static int regular(const char *p)
{
    struct stat s;
    return stat(p, &s) == 0 && S_ISREG(s.st_mode);
}

const char *bnn_data_resolve(const char *arg, enum bnn_data_kind kind, char *out, size_t n)
{
    if (!arg || access(arg, F_OK) == 0) return arg;
    char dir[PATH_MAX];
    if (!bnn_data_dir(dir, sizeof dir)) return arg;
    /* "data/x" as the README writes it, from another directory */
    const char *rel = !strncmp(arg, "data/", 5) ? arg + 5 : strchr(arg, '/') ? NULL : arg;
    if (!rel) return arg;
    static const char *const sfx[][3] = {
        [BNN_DATA_NET] = {"", ".json", ".onnx"},
        [BNN_DATA_FOLD] = {"", ".fold.json", ".json"},
        [BNN_DATA_DEVICE] = {"", ".json", NULL},
        [BNN_DATA_FILE] = {"", NULL, NULL},
    };
    const char *sub = kind == BNN_DATA_DEVICE && rel == arg ? "devices/" : "";
    for (int i = 0; i < 3 && sfx[kind][i]; i++) {
        snprintf(out, n, "%s/%s%s%s", dir, sub, rel, sfx[kind][i]);
        if (regular(out)) return out;
    }
    return arg;
}
