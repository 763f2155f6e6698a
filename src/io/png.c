/* PNG writing with libpng, 8-bit gray or RGB, written atomically. */
#include <png.h>
#include <stdio.h>
#include <unistd.h>

#include "bnnsim/io.h"
#include "core/util.h"

enum bnn_status bnn_png_write(const char *path, const uint8_t *px, int32_t w, int32_t h, int32_t c)
{
    if ((c != 1 && c != 3) || w < 1 || h < 1) return bnn_error(BNN_ERR_INVALID_ARG, "%s: PNG needs 1 or 3 channels", path);
    char real[4096], tmp[4200];
    enum bnn_status rs = bnn__write_target(path, real, sizeof real);
    if (rs) return rs;
    bnn__sweep_stale(real);
    bnn__tmp_name(real, tmp, sizeof tmp);
    FILE *f = fopen(tmp, "wb");
    if (!f) return bnn_error(BNN_ERR_IO, "%s: cannot create", path);
    bnn__tmp_register(tmp, 0);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        remove(tmp);
        bnn__tmp_unregister(tmp);
        return bnn_error(BNN_ERR_IO, "%s: PNG write failed", path);
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, c == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int32_t y = 0; y < h; y++) png_write_row(png, (png_const_bytep)(px + (size_t)y * w * c));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    int bad = fclose(f) != 0 || rename(tmp, real) != 0;
    if (bad) remove(tmp);
    bnn__tmp_unregister(tmp);
    return bad ? bnn_error(BNN_ERR_IO, "%s: write failed", path) : BNN_OK;
}
