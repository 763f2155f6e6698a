/* Text on raster images: stb_easy_font quads, filled. */
#include <math.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-braces"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb_easy_font.h>
#pragma GCC diagnostic pop

#include "core/util.h"

float bnn__text_width(const char *text) { return (float)stb_easy_font_width((char *)text); }

void bnn__draw_text(uint8_t *img, int w, int h, int c, float ox, float oy, const char *text, float s, const uint8_t *rgb)
{
    static _Thread_local char vb[16 * 4 * 1000];
    unsigned char color[4] = {255, 255, 255, 255};
    int quads = stb_easy_font_print(0, 0, (char *)text, color, vb, sizeof vb);
    for (int q = 0; q < quads; q++) {
        const float *v0 = (const float *)(vb + q * 64), *v2 = (const float *)(vb + q * 64 + 32);
        int x0 = (int)floorf(ox + v0[0] * s), y0 = (int)floorf(oy + v0[1] * s);
        int x1 = (int)ceilf(ox + v2[0] * s), y1 = (int)ceilf(oy + v2[1] * s);
        for (int y = BNN_MAX(0, y0); y < BNN_MIN(h, y1); y++)
            for (int x = BNN_MAX(0, x0); x < BNN_MIN(w, x1); x++)
                for (int k = 0; k < c; k++) img[((size_t)y * w + x) * c + k] = rgb[k];
    }
}
