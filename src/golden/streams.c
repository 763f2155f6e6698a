/* Every link's values in stream order, from the reference executor's
 * per-layer outputs, and FINN's word packing. */
#include <stdio.h>

#include "bnnsim/exec.h"
#include "bnnsim/golden.h"
#include "core/util.h"

void bnn_golden_free(struct bnn_golden *g)
{
    if (!g) return;
    for (int32_t i = 0; i < g->n; i++) free(g->streams[i].elems);
    free(g->streams);
    free(g);
}

/* The node whose values a node's output carries (width converters and the
 * output DMA pass their input's values on). */
static int32_t source_node(const struct bnn_hw_pipeline *p, int32_t i)
{
    while (i > 0 && (p->nodes[i].kind == BNN_HW_DWC || p->nodes[i].kind == BNN_HW_DMA_OUT)) i--;
    return i;
}

struct frame_ctx {
    const struct bnn_net *net;
    int32_t **out;            /* per layer, HWC values of this frame */
    const uint8_t *pixels;    /* this frame's input bytes */
    const struct bnn_result *res;
    int32_t first_matrix;
    int32_t finn;
};

/* Values entering the first matrix layer: the input layer's values and, for
 * an FC first layer, its padding columns. */
static int64_t input_values(const struct frame_ctx *c, int raw_bytes, int32_t *dst)
{
    const struct bnn_layer *in = &c->net->layers[0], *L0 = &c->net->layers[c->first_matrix];
    int64_t n = (int64_t)in->out.h * in->out.w * in->out.c, k = 0;
    for (int64_t i = 0; i < n; i++) dst[k++] = raw_bytes ? c->pixels[i] : c->out[0][i];
    if (L0->kind == BNN_LAYER_FC)
        for (int32_t i = 0; i < L0->in_pad; i++) dst[k++] = raw_bytes ? (L0->in_pad_value ? 255 : 0) : L0->in_pad_value;
    return k;
}

static int64_t node_values(const struct frame_ctx *c, const struct bnn_hw_node *h, int32_t *dst)
{
    const struct bnn_net *net = c->net;
    switch (h->kind) {
    case BNN_HW_DMA_IN: return input_values(c, c->finn, dst);
    case BNN_HW_THRESH: return input_values(c, 0, dst);
    case BNN_HW_SWG: {
        const struct bnn_layer *L = &net->layers[h->layer];
        const int32_t *x = c->out[h->layer - 1];
        int64_t k = 0;
        for (int32_t oy = 0; oy < L->out.h; oy++)
            for (int32_t ox = 0; ox < L->out.w; ox++)
                for (int32_t ky = 0; ky < L->kernel; ky++)
                    for (int32_t kx = 0; kx < L->kernel; kx++) {
                        int32_t y = oy * L->stride + ky - L->pad, xx = ox * L->stride + kx - L->pad;
                        int inside = y >= 0 && y < L->in.h && xx >= 0 && xx < L->in.w;
                        for (int32_t ch = 0; ch < L->in.c; ch++)
                            dst[k++] = inside ? x[((int64_t)y * L->in.w + xx) * L->in.c + ch] : L->pad_value;
                    }
        return k;
    }
    case BNN_HW_MVAU:
    case BNN_HW_MAXPOOL: {
        const struct bnn_layer *L = &net->layers[h->layer];
        int64_t n = (int64_t)L->out.h * L->out.w * L->out.c;
        memcpy(dst, c->out[h->layer], (size_t)n * sizeof *dst);
        return n;
    }
    case BNN_HW_LABELSELECT:
        for (int32_t i = 0; i < h->top_k; i++) dst[i] = c->res->top[i];
        return h->top_k;
    default: return 0;
    }
}

/* FINN's folded shape of one frame: spatial dims when the stream is a
 * feature map, then words per pixel, then lanes. */
static void folded_shape(const struct bnn_net *net, const struct bnn_hw_node *src, struct bnn_stream *s)
{
    int32_t oh = 1, ow = 1;
    if (src->kind == BNN_HW_SWG || src->kind == BNN_HW_MAXPOOL) oh = src->ofm_h, ow = src->ofm_w;
    else if (src->kind == BNN_HW_MVAU) oh = net->layers[src->layer].out.h, ow = net->layers[src->layer].out.w;
    else if (src->kind == BNN_HW_THRESH && net->layers[src->layer].out.h * net->layers[src->layer].out.w > 1 &&
             src->ch == net->layers[0].out.c)
        oh = net->layers[0].out.h, ow = net->layers[0].out.w;
    s->ndim = 0;
    if (!s->elems_per_word) { /* DMA: packed bytes per word */
        s->dims[s->ndim++] = s->words_per_frame;
        s->dims[s->ndim++] = (s->width + 7) / 8;
        return;
    }
    if (oh * ow > 1 && s->words_per_frame % ((int64_t)oh * ow) == 0) {
        s->dims[s->ndim++] = oh;
        s->dims[s->ndim++] = ow;
        s->dims[s->ndim++] = s->words_per_frame / ((int64_t)oh * ow);
    } else {
        s->dims[s->ndim++] = s->words_per_frame;
    }
    s->dims[s->ndim++] = s->elems_per_word;
}

enum bnn_status bnn_golden_collect(const struct bnn_net *net, const struct bnn_hw_pipeline *p, const uint8_t *pixels,
                                   int32_t frames, struct bnn_golden **out)
{
    *out = NULL;
    if (frames < 1) return bnn_error(BNN_ERR_INVALID_ARG, "golden: no input images");
    struct frame_ctx c = {.net = net, .finn = p->opt.style == BNN_STYLE_FINN, .first_matrix = bnn_net_first_matrix(net)};
    if (c.first_matrix < 0) return bnn_error(BNN_ERR_INVALID_ARG, "golden: the network has no matrix layer");
    for (int32_t i = c.first_matrix + 1; i < net->n_layers; i++)
        if (net->layers[i].kind == BNN_LAYER_FC && net->layers[i].in_pad)
            return bnn_error(BNN_ERR_INVALID_ARG, "golden: layer '%s' pads its input inside the network; only the first "
                                                  "layer's padding has a stream", net->layers[i].name);
    const struct bnn_layer *in = &net->layers[0];
    if (c.finn && in->input.kind == BNN_INPUT_BINARY && net->layers[c.first_matrix].in_pad &&
        (in->input.binarize_threshold < 1 || in->input.binarize_threshold > 255))
        return bnn_error(BNN_ERR_INVALID_ARG, "golden: no pixel byte binarises to the padding value");
    struct bnn_golden *g = bnn__calloc(1, sizeof *g);
    struct bnn_plan *plan = NULL;
    enum bnn_status st = BNN_ERR_NOMEM;
    c.out = bnn__calloc((size_t)net->n_layers, sizeof *c.out);
    int32_t *tmp = NULL;
    if (!g || !c.out) goto fail;
    g->n = p->n_links;
    if (!(g->streams = bnn__calloc((size_t)g->n + 1, sizeof *g->streams))) goto fail;
    int64_t maxv = 0;
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        int64_t n = (int64_t)L->out.h * L->out.w * L->out.c;
        if (!(c.out[i] = bnn__calloc((size_t)n + 1, sizeof(int32_t)))) goto fail;
    }
    for (int32_t l = 0; l < p->n_links; l++) {
        struct bnn_stream *s = &g->streams[l];
        const struct bnn_hw_node *prod = &p->nodes[l], *src = &p->nodes[source_node(p, l)];
        s->link = l;
        s->width = prod->out_width;
        s->elem_bits = prod->out_elem_bits;
        s->is_signed = prod->out_signed;
        s->words_per_frame = prod->out_words;
        s->frames = frames;
        s->elems_per_word = s->elem_bits && s->width % s->elem_bits == 0 && prod->kind != BNN_HW_DMA_IN ? s->width / s->elem_bits : 0;
        if (prod->kind == BNN_HW_DMA_IN && s->width % s->elem_bits == 0) s->elems_per_word = 0; /* DMA: bytes */
        (void)src;
    }
    /* value counts: one frame run to learn them */
    int64_t img = (int64_t)in->out.h * in->out.w * in->out.c;
    struct bnn_plan_options po = {BNN_ENGINE_REF, 1};
    if ((st = bnn_plan_create(net, &po, &plan))) goto fail;
    st = BNN_ERR_NOMEM;
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        int64_t n = (int64_t)L->out.h * L->out.w * L->out.c * (L->kind == BNN_LAYER_CONV ? L->kernel * L->kernel : 1);
        if (n > maxv) maxv = n;
    }
    maxv += 4096 + net->layers[c.first_matrix].in_pad;
    if (!(tmp = bnn__calloc((size_t)maxv, sizeof *tmp))) goto fail;
    for (int32_t f = 0; f < frames; f++) {
        struct bnn_result res;
        if ((st = bnn_plan_run(plan, pixels + (size_t)f * img, 1, NULL, &res))) goto fail;
        for (int32_t i = 0; i < net->n_layers; i++)
            if ((st = bnn_plan_layer_output(plan, i, c.out[i]))) goto fail;
        c.pixels = pixels + (size_t)f * img;
        c.res = &res;
        for (int32_t l = 0; l < p->n_links; l++) {
            struct bnn_stream *s = &g->streams[l];
            int64_t n = node_values(&c, &p->nodes[source_node(p, l)], tmp);
            if (f == 0) {
                s->elems_per_frame = n;
                int64_t cap = s->elems_per_word ? s->words_per_frame * s->elems_per_word : n;
                if (n > cap || (s->elems_per_word && n < (s->words_per_frame - 1) * s->elems_per_word) ||
                    (!s->elems_per_word && (n * s->elem_bits + s->width - 1) / s->width != s->words_per_frame)) {
                    st = bnn_error(BNN_ERR_INVALID_ARG, "golden: %s carries %lld values of %d bits in %lld words of %d bits",
                                   p->links[l].name, (long long)n, s->elem_bits, (long long)s->words_per_frame, s->width);
                    goto fail;
                }
                if (!(s->elems = bnn__calloc((size_t)n * frames + 1, sizeof *s->elems))) { st = BNN_ERR_NOMEM; goto fail; }
                folded_shape(net, &p->nodes[source_node(p, l)], s);
            }
            memcpy(s->elems + (size_t)f * n, tmp, (size_t)n * sizeof *tmp);
        }
    }
    free(tmp);
    for (int32_t i = 0; i < net->n_layers; i++) free(c.out[i]);
    free(c.out);
    bnn_plan_free(plan);
    *out = g;
    return BNN_OK;
fail:
    if (st == BNN_ERR_NOMEM) bnn_error(st, "out of memory");
    free(tmp);
    if (c.out)
        for (int32_t i = 0; i < net->n_layers; i++) free(c.out[i]);
    free(c.out);
    bnn_plan_free(plan);
    bnn_golden_free(g);
    return st;
}

void bnn_stream_word(const struct bnn_stream *s, int32_t frame, int64_t w, uint64_t *out)
{
    int32_t nw64 = (s->width + 63) / 64;
    memset(out, 0, (size_t)nw64 * sizeof *out);
    const int32_t *v = s->elems + (size_t)frame * s->elems_per_frame;
    uint64_t mask = s->elem_bits >= 64 ? ~0ull : (1ull << s->elem_bits) - 1;
    int64_t first_bit = s->elems_per_word ? 0 : w * s->width; /* continuous: where this word starts */
    int64_t e0 = s->elems_per_word ? w * s->elems_per_word : first_bit / s->elem_bits;
    for (int64_t e = e0; e < s->elems_per_frame; e++) {
        int64_t at = s->elems_per_word ? (e - e0) * s->elem_bits : e * s->elem_bits - first_bit;
        if (at >= s->width) break;
        if (s->elems_per_word && e - e0 >= s->elems_per_word) break;
        uint64_t x = (uint64_t)(int64_t)v[e] & mask;
        for (int32_t b = 0; b < s->elem_bits; b++) {
            int64_t bit = at + b;
            if (bit < 0 || bit >= s->width || !((x >> b) & 1)) continue;
            out[bit / 64] |= 1ull << (bit % 64);
        }
    }
}

int64_t bnn_stream_lane(const struct bnn_stream *s, const uint64_t *word, int32_t e)
{
    uint64_t x = 0;
    for (int32_t b = 0; b < s->elem_bits; b++) {
        int64_t bit = (int64_t)e * s->elem_bits + b;
        if (bit < s->width && ((word[bit / 64] >> (bit % 64)) & 1)) x |= 1ull << b;
    }
    if (s->is_signed && s->elem_bits < 64 && ((x >> (s->elem_bits - 1)) & 1)) x |= ~0ull << s->elem_bits;
    return (int64_t)x;
}
