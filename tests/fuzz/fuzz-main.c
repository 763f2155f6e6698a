/* libFuzzer driver for one target: -DFUZZ_TARGET="npy" (make fuzz). */
#include <stdio.h>
#include <stdlib.h>

#include "bnnsim/bnnsim.h"
#include "fuzz/targets.h"

static const struct fuzz_target *target;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *data = getenv("BNNSIM_DATA_DIR");
    target = fuzz_find(FUZZ_TARGET);
    if (!target || fuzz_init(data ? data : "data")) {
        fprintf(stderr, "fuzz: cannot set up target %s\n", FUZZ_TARGET);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return target->run(data, size); }
