/* bnnsim: golden vectors and hardware files, from the same execution.
 *
 * A stream is what one link of the folded pipeline (bnn_hw_build) carries:
 * the producer's output values in FINN's stream order, packed into words as
 * FINN packs them: lane 0 in the least significant bits, lane e at bits
 * [e*b + b - 1 : e*b], bipolar -1 as bit 0, signed values in two's
 * complement, unused upper bits zero. DMA streams are a continuous bit
 * stream of the values (bytes little-endian), padded to whole words per
 * frame. docs/golden-format.md has every file. */
#ifndef BNNSIM_GOLDEN_H
#define BNNSIM_GOLDEN_H

#include <stdint.h>
#include <stdio.h>

#include "bnnsim/fold.h"
#include "bnnsim/hw.h"
#include "bnnsim/net.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bnn_stream {
    int32_t link;             /* pipeline link: node `link` -> node `link + 1` */
    int32_t width;            /* bits per word (producer side) */
    int32_t elem_bits, is_signed;
    int32_t elems_per_word;   /* width / elem_bits, or 0: a continuous bit stream (DMA) */
    int64_t words_per_frame, elems_per_frame;
    int32_t frames;
    int32_t *elems;           /* frames x elems_per_frame values, stream order */
    int32_t ndim;             /* FINN's folded shape of one frame (lanes last) */
    int64_t dims[6];
};

struct bnn_golden {
    int32_t n; /* one stream per pipeline link */
    struct bnn_stream *streams;
};

/* Runs `frames` images (HWC bytes, the input layer's shape) through the
 * reference executor and lays every link's values out in stream order. */
enum bnn_status bnn_golden_collect(const struct bnn_net *net, const struct bnn_hw_pipeline *p, const uint8_t *pixels,
                                   int32_t frames, struct bnn_golden **out);
void bnn_golden_free(struct bnn_golden *g);

/* Word w of frame f, packed; out has (width + 63) / 64 entries, word bit i
 * in out[i / 64] bit i % 64. */
void bnn_stream_word(const struct bnn_stream *s, int32_t frame, int64_t w, uint64_t *out);
/* Value e of a packed word (inverse of the packing; sign-extended). */
int64_t bnn_stream_lane(const struct bnn_stream *s, const uint64_t *word, int32_t e);

struct bnn_golden_options {
    int32_t frames;      /* images to run (default: all given) */
    const char *layers;  /* comma-separated IR layer names to limit streams and memories; NULL = all */
    int32_t memories;    /* also write weights/thresholds (default 1) */
};

/* Writes DIR: manifest.json, streams/<NN>-<producer>.{npy,hex} for every
 * link, memories/<layer>/{params.h,thresh.h,memblock.dat} per matrix layer,
 * bnn-pynq/ (per-PE .bin, classes.txt, config.h) when the network fits
 * BNN-PYNQ's format. Everything goes to a temporary directory first, renamed
 * to DIR at the end; DIR must not exist. `progress` (may be NULL) gets the
 * size line before writing. */
enum bnn_status bnn_golden_write(const struct bnn_net *net, const struct bnn_fold *fold, const struct bnn_hw_pipeline *p,
                                 const uint8_t *pixels, int32_t n_images, const struct bnn_golden_options *o,
                                 const char *dir, FILE *progress);

/* BNN-PYNQ's per-PE files for `net` folded by `fold`: <L>-<pe>-weights.bin
 * (uint64 LE, WMEM entries), <L>-<pe>-thres.bin (int64 LE, strict T < acc),
 * classes.txt and config.h, into DIR (created if absent). Needs binary
 * weights, SIMD <= 64 and one threshold per row. */
enum bnn_status bnn_export_bnn_pynq(const struct bnn_net *net, const struct bnn_fold *fold, const char *dir);

#ifdef __cplusplus
}
#endif
#endif
