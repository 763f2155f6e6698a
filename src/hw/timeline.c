/* A picture of a simulated run, drawn with libpng and stb_easy_font. */
#include "bnnsim/hw.h"
#include "bnnsim/io.h"
#include "core/util.h"

enum bnn_status bnn_hw_timeline_png(const struct bnn_hw_pipeline *p, const struct bnn_sim_result *r, const char *path)
{
    (void)p; (void)r;
    return bnn_error(BNN_ERR_INVALID_ARG, "%s: timeline pictures are not implemented yet", path);
}
