/* A golden set on disk: streams (npy + hex), memories, manifest.json. The
 * whole tree is written under a temporary name and renamed at the end. */
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bnnsim/golden.h"
#include "bnnsim/io.h"
#include "core/util.h"
#include "golden/golden-impl.h"

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir) { nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static enum bnn_status mk(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) return bnn_error(BNN_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    return BNN_OK;
}

static int in_list(const char *list, const char *name)
{
    if (!list) return 1;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (len == n && !strncmp(p, name, n)) return 1;
        if (!q) break;
        p = q + 1;
    }
    return 0;
}

/* The IR layer a link's values belong to (its producer's, through converters). */
static int32_t stream_layer(const struct bnn_hw_pipeline *p, int32_t l)
{
    int32_t i = l;
    while (i > 0 && (p->nodes[i].kind == BNN_HW_DWC || p->nodes[i].kind == BNN_HW_DMA_OUT)) i--;
    return p->nodes[i].layer;
}

static const char *finn_dtype(const struct bnn_stream *s, char *buf, size_t n)
{
    if (s->elem_bits == 1 && !s->is_signed) snprintf(buf, n, "BINARY");
    else snprintf(buf, n, "%s%d", s->is_signed ? "INT" : "UINT", s->elem_bits);
    return buf;
}

static enum bnn_status write_stream(const struct bnn_stream *s, const char *npy, const char *hex)
{
    const int32_t w64 = (s->width + 63) / 64, digits = (s->width + 3) / 4, bytes = (s->width + 7) / 8;
    const int64_t words = (int64_t)s->frames * s->words_per_frame;
    uint64_t word[128];
    if (w64 > 128) return bnn_error(BNN_ERR_INVALID_ARG, "%s: stream words wider than 8192 bits", npy);
    /* hex: one word per line, most significant digit first ($readmemh) */
    size_t cap = (size_t)words * (digits + 1) + 1, len = 0;
    char *t = malloc(cap);
    if (!t) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    for (int32_t f = 0; f < s->frames; f++)
        for (int64_t w = 0; w < s->words_per_frame; w++) {
            bnn_stream_word(s, f, w, word);
            for (int32_t d = digits - 1; d >= 0; d--) t[len++] = "0123456789abcdef"[(word[d / 16] >> (4 * (d % 16))) & 15];
            t[len++] = '\n';
        }
    enum bnn_status st = bnn_file_write_atomic(hex, t, len);
    free(t);
    if (st) return st;
    /* npy: FINN's folded shape with the values, or packed bytes for a DMA stream */
    struct bnn_array a = {.ndim = 1 + s->ndim};
    a.shape[0] = s->frames;
    for (int32_t d = 0; d < s->ndim; d++) a.shape[1 + d] = s->dims[d];
    a.count = 1;
    for (int32_t d = 0; d < a.ndim; d++) a.count *= a.shape[d];
    if (!s->elems_per_word) {
        a.dtype = BNN_DT_U8;
        uint8_t *b = calloc((size_t)a.count + 1, 1);
        if (!b) return bnn_error(BNN_ERR_NOMEM, "out of memory");
        for (int32_t f = 0; f < s->frames; f++)
            for (int64_t w = 0; w < s->words_per_frame; w++) {
                bnn_stream_word(s, f, w, word);
                for (int32_t k = 0; k < bytes; k++)
                    b[((int64_t)f * s->words_per_frame + w) * bytes + k] = (uint8_t)(word[k / 8] >> (8 * (k % 8)));
            }
        a.data = b;
    } else {
        int small = s->elem_bits <= 8 && !s->is_signed;
        a.dtype = small ? BNN_DT_U8 : BNN_DT_I32;
        void *b = calloc((size_t)a.count + 1, small ? 1 : 4);
        if (!b) return bnn_error(BNN_ERR_NOMEM, "out of memory");
        int64_t per = s->words_per_frame * s->elems_per_word;
        for (int32_t f = 0; f < s->frames; f++)
            for (int64_t e = 0; e < per; e++) {
                int32_t v = e < s->elems_per_frame ? s->elems[(int64_t)f * s->elems_per_frame + e] : 0; /* lanes past the values: 0 */
                if (small) ((uint8_t *)b)[(int64_t)f * per + e] = (uint8_t)v;
                else ((int32_t *)b)[(int64_t)f * per + e] = v;
            }
        a.data = b;
    }
    st = bnn_npy_write(npy, &a);
    free(a.data);
    return st;
}

enum bnn_status bnn_golden_write(const struct bnn_net *net, const struct bnn_fold *fold, const struct bnn_hw_pipeline *p,
                                 const uint8_t *pixels, int32_t n_images, const struct bnn_golden_options *o,
                                 const char *dir, FILE *progress)
{
    struct bnn_golden_options opt = {0, NULL, 1};
    if (o) opt = *o;
    int32_t frames = opt.frames > 0 && opt.frames < n_images ? opt.frames : n_images;
    struct stat sb;
    if (stat(dir, &sb) == 0)
        return bnn_error(BNN_ERR_INVALID_ARG, "%s: exists; golden sets are written whole into a new directory", dir);
    if (opt.layers) { /* every name must be a layer */
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", opt.layers);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int found = 0;
            for (int32_t i = 0; i < net->n_layers; i++) found |= !strcmp(net->layers[i].name, t);
            if (!found) return bnn_error(BNN_ERR_INVALID_ARG, "--layers: '%s' is not a layer of '%s'", t, net->name);
        }
    }
    struct bnn_golden *g = NULL;
    enum bnn_status st = bnn_golden_collect(net, p, pixels, frames, &g);
    if (st) return st;
    /* size first */
    int64_t bytes = 0;
    int32_t n_streams = 0;
    for (int32_t l = 0; l < g->n; l++) {
        const struct bnn_stream *s = &g->streams[l];
        int32_t li = stream_layer(p, l);
        if (opt.layers && !(li >= 0 && in_list(opt.layers, net->layers[li].name))) continue;
        n_streams++;
        int64_t words = (int64_t)frames * s->words_per_frame;
        bytes += words * ((s->width + 3) / 4 + 1) + (int64_t)frames * s->words_per_frame * (s->elems_per_word ? s->elems_per_word * 4 : (s->width + 7) / 8);
    }
    if (progress)
        fprintf(progress, "golden: %d streams x %d frames, about %.1f MB, into %s\n", n_streams, frames, (double)bytes / 1e6, dir);
    char tmp[4200], path[4300], sub[4300];
    snprintf(tmp, sizeof tmp, "%s.partial-%ld", dir, (long)getpid());
    bnn__sweep_stale(dir); /* what a killed run left */
    rm_tree(tmp);
    bnn__tmp_register(tmp, 1);
    json_t *man = json_object(), *streams = json_array(), *mems = json_array();
    if ((st = mk(tmp))) goto fail;
    snprintf(sub, sizeof sub, "%s/streams", tmp);
    if ((st = mk(sub))) goto fail;
    for (int32_t l = 0; l < g->n; l++) {
        const struct bnn_stream *s = &g->streams[l];
        int32_t li = stream_layer(p, l);
        if (opt.layers && !(li >= 0 && in_list(opt.layers, net->layers[li].name))) continue;
        char base[300], npy[400], hex[400], dt[16];
        snprintf(base, sizeof base, "%02d-%s", l, p->nodes[l].name);
        snprintf(npy, sizeof npy, "streams/%s.npy", base);
        snprintf(hex, sizeof hex, "streams/%s.hex", base);
        char np_full[4800], hx_full[4800];
        snprintf(np_full, sizeof np_full, "%s/%s", tmp, npy);
        snprintf(hx_full, sizeof hx_full, "%s/%s", tmp, hex);
        if ((st = write_stream(s, np_full, hx_full))) goto fail;
        json_t *shape = json_array();
        for (int32_t d = 0; d < s->ndim; d++) json_array_append_new(shape, json_integer(s->dims[d]));
        json_t *e = json_pack("{s:s,s:i,s:s,s:s,s:i,s:i,s:i,s:i,s:b,s:s,s:I,s:I,s:i,s:o,s:s,s:s,s:i}", "name",
                              p->links[l].name, "index", l, "producer", p->nodes[l].name, "consumer", p->nodes[l + 1].name,
                              "width", s->width, "width_padded", (s->width + 7) / 8 * 8, "element_bits", s->elem_bits,
                              "elements_per_word", s->elems_per_word, "signed", s->is_signed, "finn_dtype",
                              finn_dtype(s, dt, sizeof dt), "words_per_frame", (json_int_t)s->words_per_frame,
                              "values_per_frame", (json_int_t)s->elems_per_frame, "frames", frames, "folded_shape", shape,
                              "npy", npy, "hex", hex, "hex_digits", (s->width + 3) / 4);
        if (li >= 0) json_object_set_new(e, "layer", json_string(net->layers[li].name));
        json_array_append_new(streams, e);
    }
    if (opt.memories) {
        snprintf(sub, sizeof sub, "%s/memories", tmp);
        if ((st = mk(sub))) goto fail;
        for (int32_t j = 0; j < fold->n; j++) {
            const struct bnn_layer *L = &net->layers[fold->layers[j].layer];
            if (opt.layers && !in_list(opt.layers, L->name)) continue;
            snprintf(path, sizeof path, "%s/memories/%s", tmp, L->name);
            if ((st = mk(path)) || (st = bnn__write_layer_memories(net, &fold->layers[j], j, path))) goto fail;
            json_t *files = json_pack("[s,s]", "params.h", "memblock.dat");
            if (L->act == BNN_ACT_THRESHOLD) json_array_append_new(files, json_string("thresh.h"));
            json_array_append_new(mems, json_pack("{s:s,s:s,s:i,s:i,s:I,s:i,s:o}", "layer", L->name, "node",
                                                  p->nodes[0].name[0] ? "MVAU_hls" : "", "PE", fold->layers[j].pe, "SIMD",
                                                  fold->layers[j].simd,
                                                  "WMEM", (json_int_t)((int64_t)L->mh * L->mw / fold->layers[j].pe / fold->layers[j].simd),
                                                  "TMEM", L->mh / fold->layers[j].pe, "files", files));
            char nn[32];
            snprintf(nn, sizeof nn, "MVAU_hls_%d", j);
            json_object_set_new(json_array_get(mems, json_array_size(mems) - 1), "node", json_string(nn));
        }
        if (!opt.layers && !bnn__bnn_pynq_unfit(net, fold)) {
            snprintf(path, sizeof path, "%s/bnn-pynq", tmp);
            if ((st = bnn_export_bnn_pynq(net, fold, path))) goto fail;
            json_object_set_new(man, "bnn_pynq", json_string("bnn-pynq/"));
        }
        snprintf(path, sizeof path, "%s/folding.json", tmp);
        if ((st = bnn_fold_save(fold, net, path))) goto fail;
    }
    json_object_set_new(man, "bnnsim", json_string("golden-1"));
    json_object_set_new(man, "network", json_string(net->name));
    json_object_set_new(man, "style", json_string(p->opt.style == BNN_STYLE_FINN ? "finn" : "paper"));
    json_object_set_new(man, "frames", json_integer(frames));
    json_object_set_new(man, "packing", json_string("lane 0 in the least significant bits; bipolar -1 as bit 0; signed "
                                                    "values two's complement; DMA streams are a continuous little-endian "
                                                    "bit stream of the values, each frame padded to whole words"));
    json_object_set_new(man, "streams", streams);
    json_object_set_new(man, "memories", mems);
    streams = mems = NULL;
    {
        char *text = json_dumps(man, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!text) { st = bnn_error(BNN_ERR_NOMEM, "out of memory"); goto fail; }
        snprintf(path, sizeof path, "%s/manifest.json", tmp);
        size_t len = strlen(text);
        text[len] = '\n';
        st = bnn_file_write_atomic(path, text, len + 1);
        free(text);
        if (st) goto fail;
    }
    if (rename(tmp, dir) != 0) {
        st = bnn_error(BNN_ERR_IO, "%s: cannot rename %s into place: %s", dir, tmp, strerror(errno));
        goto fail;
    }
    bnn__tmp_unregister(tmp);
    json_decref(man);
    bnn_golden_free(g);
    return BNN_OK;
fail:
    json_decref(man);
    json_decref(streams);
    json_decref(mems);
    rm_tree(tmp);
    bnn__tmp_unregister(tmp);
    bnn_golden_free(g);
    return st;
}
