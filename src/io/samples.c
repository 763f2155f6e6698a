/* The bundled sample inputs, drawn by code so a fresh clone needs nothing
 * else: digits 0-9 in the stb_easy_font face (MNIST-shaped IDX), four
 * CIFAR-10 records of simple shapes, and a PNG. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include "bnnsim/io.h"
#include "core/util.h"

/* `text` scaled by s, centred in a w x h gray image. */
static void draw_text(uint8_t *img, int w, int h, const char *text, float s)
{
    static const uint8_t white[1] = {255};
    float tw = bnn__text_width(text) * s, th = 7.0f * s;
    bnn__draw_text(img, w, h, 1, (w - tw) / 2.0f, (h - th) / 2.0f, text, s, white);
}

enum bnn_status bnn_samples_write(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) return bnn_error(BNN_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
    char path[4200];
    enum bnn_status st;

    /* digits.idx3-ubyte: 10 images 28x28 */
    static uint8_t idx[16 + 10 * 784];
    memset(idx, 0, sizeof idx);
    const uint8_t hdr[16] = {0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28};
    memcpy(idx, hdr, 16);
    for (int d = 0; d < 10; d++) {
        char t[2] = {(char)('0' + d), 0};
        draw_text(idx + 16 + d * 784, 28, 28, t, 2.6f);
    }
    snprintf(path, sizeof path, "%s/digits.idx3-ubyte", dir);
    if ((st = bnn_file_write_atomic(path, idx, sizeof idx))) return st;

    /* shapes.cifar10.bin: disc, square, horizon, checkerboard (label bytes 0..3) */
    static uint8_t rec[4 * 3073];
    for (int k = 0; k < 4; k++) {
        uint8_t *r = rec + k * 3073;
        r[0] = (uint8_t)k;
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++) {
                int rgb[3];
                float dx = x - 15.5f, dy = y - 15.5f;
                switch (k) {
                case 0: { int in = dx * dx + dy * dy < 100; rgb[0] = in ? 220 : 30; rgb[1] = in ? 40 : 90; rgb[2] = in ? 40 : 160; break; }
                case 1: { int in = x >= 8 && x < 24 && y >= 8 && y < 24; rgb[0] = in ? 250 : 20; rgb[1] = in ? 220 : 120; rgb[2] = 30; break; }
                case 2: { int sky = y < 18; rgb[0] = sky ? 110 + 3 * y : 60; rgb[1] = sky ? 160 + 2 * y : 140 - y; rgb[2] = sky ? 240 : 40; break; }
                default: { int on = ((x / 4) + (y / 4)) & 1; rgb[0] = rgb[1] = rgb[2] = on ? 255 : 0; break; }
                }
                for (int c = 0; c < 3; c++) r[1 + c * 1024 + y * 32 + x] = (uint8_t)rgb[c];
            }
    }
    snprintf(path, sizeof path, "%s/shapes.cifar10.bin", dir);
    if ((st = bnn_file_write_atomic(path, rec, sizeof rec))) return st;

    /* stripes.png: 48x40 diagonal colour stripes, resized on input */
    static uint8_t png[40 * 48 * 3];
    for (int y = 0; y < 40; y++)
        for (int x = 0; x < 48; x++) {
            int band = ((x + y) / 6) % 3;
            for (int c = 0; c < 3; c++) png[(y * 48 + x) * 3 + c] = (uint8_t)(c == band ? 230 : 25 + 4 * y);
        }
    snprintf(path, sizeof path, "%s/stripes.png", dir);
    return bnn_png_write(path, png, 48, 40, 3);
}
