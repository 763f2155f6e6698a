/* bnnsim: files. NumPy .npy/.npz, input images and data sets. */
#ifndef BNNSIM_IO_H
#define BNNSIM_IO_H

#include <stddef.h>
#include <stdint.h>

#include "bnnsim/net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- NumPy arrays ---- */

enum bnn_dtype {
    BNN_DT_BOOL, BNN_DT_U8, BNN_DT_I8, BNN_DT_U16, BNN_DT_I16,
    BNN_DT_U32, BNN_DT_I32, BNN_DT_U64, BNN_DT_I64, BNN_DT_F32, BNN_DT_F64,
};

#define BNN_ARRAY_MAX_DIMS 8

struct bnn_array {
    enum bnn_dtype dtype;
    int32_t ndim;
    int64_t shape[BNN_ARRAY_MAX_DIMS];
    int64_t count;  /* product of shape */
    void *data;     /* count elements, native byte order, C order */
};

size_t bnn_dtype_size(enum bnn_dtype t);
const char *bnn_dtype_str(enum bnn_dtype t);
/* Element i as int64 (integer and bool dtypes; floats are truncated). */
int64_t bnn_array_get_i64(const struct bnn_array *a, int64_t i);

void bnn_array_free(struct bnn_array *a);

/* Parses a whole .npy image held in memory; `where` names it in messages. */
enum bnn_status bnn_npy_parse(const uint8_t *buf, size_t len, const char *where, struct bnn_array *out);
enum bnn_status bnn_npy_read(const char *path, struct bnn_array *out);
/* Serialises to a malloc'ed .npy image. */
enum bnn_status bnn_npy_encode(const struct bnn_array *a, uint8_t **buf, size_t *len);
/* Writes a .npy file atomically. */
enum bnn_status bnn_npy_write(const char *path, const struct bnn_array *a);

struct bnn_npz;
enum bnn_status bnn_npz_open(const char *path, struct bnn_npz **out);
/* Reads member NAME (".npy" appended). BNN_ERR_INVALID_NET if absent. */
enum bnn_status bnn_npz_get(struct bnn_npz *z, const char *name, struct bnn_array *out);
/* The same, refusing (before inflating) a member larger than max_bytes. */
enum bnn_status bnn_npz_get_bounded(struct bnn_npz *z, const char *name, int64_t max_bytes, struct bnn_array *out);
void bnn_npz_close(struct bnn_npz *z);

/* Writes n arrays under the given names to PATH (deflated), atomically. */
enum bnn_status bnn_npz_write(const char *path, int32_t n, const char *const *names,
                              const struct bnn_array *arrays);

/* ---- Input images ---- */

enum bnn_layout { BNN_LAYOUT_AUTO = 0, BNN_LAYOUT_NHWC, BNN_LAYOUT_NCHW };

/* A batch of images as raw 8-bit pixels, HWC, all of one shape. */
struct bnn_images {
    int32_t n, h, w, c;
    uint8_t *pixels; /* n*h*w*c */
    int32_t *labels; /* n entries, -1 where unknown */
    enum bnn_layout layout; /* set by the caller: how .npy arrays are laid out (AUTO: from the shape) */
    char note[320];         /* set by a .npy read: the layout and dtype it took, for the user */
};

enum bnn_input_format {
    BNN_FMT_AUTO = 0, BNN_FMT_CIFAR, BNN_FMT_IDX, BNN_FMT_IMAGE, BNN_FMT_NPY,
};

/* Reads FILE in any supported format (detected from content) and converts
 * it to the shape (h, w, c):
 *  - CIFAR-10 binary records (3073 bytes: label, R, G, B planes of 32x32);
 *  - IDX (MNIST, Fashion-MNIST; gzip-compressed or plain), unsigned bytes,
 *    N x H x W (c = 1) or N x H x W x C;
 *  - PNG / JPEG / BMP / ... through stb_image: converted to c channels
 *    (luma for 1), then resized to w x h with stb_image_resize;
 *  - .npy of any numeric dtype holding whole pixel values 0..255 (FINN's
 *    input.npy is float32 NCHW), C or Fortran order: (H,W), (H,W,C),
 *    (C,H,W), (N,H,W), (N,H,W,C), (N,C,H,W) or (N,H*W*C); NHWC or NCHW
 *    from imgs->layout, else from the shape (imgs->note says which).
 * Only images are resized; the other formats must match the shape. Appends
 * to `imgs` (which must be zeroed or hold images of the same shape). */
enum bnn_status bnn_images_append_file(struct bnn_images *imgs, const char *path, int32_t h,
                                       int32_t w, int32_t c);
/* Reads labels from an IDX1 file or a .npy of whole numbers, shape (N) or
 * (N,1) (FINN's expected_output.npy), into imgs->labels,
 * for images [first, first+count). */
enum bnn_status bnn_images_set_labels(struct bnn_images *imgs, const char *path, int32_t first,
                                      int32_t count);
void bnn_images_free(struct bnn_images *imgs);

/* ---- Bundled data ---- */

/* The data directory (devices/, bundled networks, foldings, samples):
 * $BNNSIM_DATA, else PREFIX/share/bnnsim beside the installed library or
 * program, else a build tree's data/, else ./data. Returns 1 with the
 * directory in out, or 0 when none exists. */
int bnn_data_dir(char *out, size_t n);

enum bnn_data_kind { BNN_DATA_NET, BNN_DATA_FOLD, BNN_DATA_DEVICE, BNN_DATA_FILE };
/* `arg` itself when it exists; else a bundled file it names ("cnv" ->
 * DATA/cnv.json, "cnv-fix" -> DATA/cnv-fix.fold.json, "zc706" ->
 * DATA/devices/zc706.json, "data/x" -> DATA/x) written into out; else
 * `arg`, so the loader names what was asked for. */
const char *bnn_data_resolve(const char *arg, enum bnn_data_kind kind, char *out, size_t n);

/* ---- Writing ---- */

/* Writes `data` to path through a temporary file and a rename. */
enum bnn_status bnn_file_write_atomic(const char *path, const void *data, size_t len);
enum bnn_status bnn_file_read_all(const char *path, uint8_t **buf, size_t *len);
/* The whole of a regular file, read-only, mapped where it can be (large
 * inputs are not copied); release with bnn_file_unmap. Named pipes and other
 * non-regular files are refused rather than waited on. */
enum bnn_status bnn_file_map(const char *path, const uint8_t **buf, size_t *len, void **handle);
void bnn_file_unmap(const uint8_t *buf, size_t len, void *handle);

/* Removes the temporaries of writes in progress (call it from a SIGINT /
 * SIGTERM handler, then re-raise); the next run sweeps those a killed
 * process left behind. */
void bnn_tmp_cleanup(void);

/* Writes 8-bit images: PNG (libpng), 1 or 3 channels. */
enum bnn_status bnn_png_write(const char *path, const uint8_t *pixels, int32_t w, int32_t h, int32_t c);

/* Deterministic sample inputs for the bundled networks (untrained nets:
 * these are for showing the tool, not accuracy). */
enum bnn_status bnn_samples_write(const char *dir);

#ifdef __cplusplus
}
#endif
#endif
