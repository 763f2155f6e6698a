/* The fuzz targets (tests/fuzz/targets.c), shared by the libFuzzer drivers and
 * the regression replay in make check. */
#ifndef BNN_FUZZ_TARGETS_H
#define BNN_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_target {
    const char *name;
    int (*run)(const uint8_t *data, size_t size);
    const char *seeds; /* files under data/ that seed its corpus (a glob), "" when make fuzz generates them */
};

extern const struct fuzz_target fuzz_targets[];
const struct fuzz_target *fuzz_find(const char *name);
/* a work directory with the valid files beside the fuzzed one; data_dir is data/ */
int fuzz_init(const char *data_dir);
void fuzz_fini(void);

#endif
