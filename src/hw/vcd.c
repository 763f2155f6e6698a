/* A simulated run as a VCD waveform (IEEE 1364 value change dump) that
 * GTKWave opens: per node its state, per FIFO its occupancy and the stream's
 * valid (a word is there) and ready (there is room).
 *
 * The simulator reports changes as they are decided, which is not always in
 * time order (a node decides at cycle t that it stalls from t + 1); events
 * are kept and stably sorted by time, so among changes of one signal at one
 * time the one decided last wins. */
#include <stdarg.h>
#include <stdio.h>

#include "bnnsim/bnnsim.h"

#include "bnnsim/io.h"
#include "core/util.h"
#include "hw/vcd.h"

struct vcd_event {
    int64_t t;
    int32_t sig; /* node i: i; link l: n_nodes + l */
    int32_t val;
};

struct bnn_vcd {
    const struct bnn_hw_pipeline *p;
    struct vcd_event *ev;
    size_t n, cap;
    int nomem;
};

struct bnn_vcd *bnn__vcd_new(const struct bnn_hw_pipeline *p)
{
    struct bnn_vcd *v = bnn__calloc(1, sizeof *v);
    if (v) v->p = p;
    return v;
}

void bnn__vcd_free(struct bnn_vcd *v)
{
    if (!v) return;
    free(v->ev);
    free(v);
}

static void add(struct bnn_vcd *v, int64_t t, int32_t sig, int32_t val)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1 << 16;
        struct vcd_event *e = realloc(v->ev, cap * sizeof *e);
        if (!e) {
            v->nomem = 1;
            return;
        }
        v->ev = e, v->cap = cap;
    }
    v->ev[v->n++] = (struct vcd_event){t, sig, val};
}

void bnn__vcd_state(struct bnn_vcd *v, int32_t node, int32_t state, int64_t t) { add(v, t, node, state); }

void bnn__vcd_occupancy(struct bnn_vcd *v, int32_t link, int64_t occ, int64_t t)
{
    add(v, t, v->p->n_nodes + link, (int32_t)occ);
}

/* stable: among equal times, the order of decision */
static void sort_events(struct vcd_event *e, struct vcd_event *tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2;
    sort_events(e, tmp, h);
    sort_events(e + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = e[j].t < e[i].t ? e[j++] : e[i++];
    while (i < h) tmp[k++] = e[i++];
    while (j < n) tmp[k++] = e[j++];
    memcpy(e, tmp, n * sizeof *e);
}

/* short printable identifiers: !, ", #, ... then two characters */
static void ident(int32_t k, char *id)
{
    int n = 0;
    do {
        id[n++] = (char)(33 + k % 94);
        k /= 94;
    } while (k);
    id[n] = 0;
}

struct out {
    char *b;
    size_t len, cap;
    int nomem;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(o->b + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (k >= 0 && o->len + (size_t)k < o->cap) {
            o->len += (size_t)k;
            return;
        }
        size_t cap = o->cap ? o->cap * 2 : 1 << 20;
        char *b = realloc(o->b, cap);
        if (!b) {
            o->nomem = 1;
            o->len = 0;
            return;
        }
        o->b = b, o->cap = cap;
    }
}

static void put_bits(struct out *o, int64_t v, int width, const char *id)
{
    char bits[72];
    int n = 0;
    for (int b = width - 1; b >= 0; b--) bits[n++] = (char)('0' + ((v >> b) & 1));
    bits[n] = 0;
    put(o, "b%s %s\n", bits, id);
}

static int width_of(int64_t max)
{
    int w = 1;
    while (w < 62 && (max >> w)) w++;
    return w;
}

/* the signals of link l: count (i), valid (i + 1), ready (i + 2) after the nodes */
static void link_values(struct out *o, const struct bnn_hw_link *k, int32_t id0, int64_t occ, int full)
{
    char id[8];
    ident(id0, id);
    put_bits(o, occ, width_of(k->depth), id);
    ident(id0 + 1, id);
    put(o, "%d%s\n", occ > 0, id);
    ident(id0 + 2, id);
    put(o, "%d%s\n", !full, id);
}

enum bnn_status bnn__vcd_write(struct bnn_vcd *v, const char *path, int64_t end)
{
    const struct bnn_hw_pipeline *p = v->p;
    if (v->nomem) return bnn_error(BNN_ERR_NOMEM, "%s: out of memory recording the waveform", path);
    struct vcd_event *tmp = malloc((v->n ? v->n : 1) * sizeof *tmp);
    if (!tmp) return bnn_error(BNN_ERR_NOMEM, "%s: out of memory", path);
    sort_events(v->ev, tmp, v->n);
    free(tmp);
    const int64_t ps = (int64_t)(1e6 / p->opt.clock_mhz + 0.5); /* one cycle in picoseconds */
    struct out o = {0};
    put(&o, "$version bnnsim " BNNSIM_VERSION " $end\n$timescale 1ps $end\n");
    put(&o, "$comment one clock cycle = %lld ps (%.3f MHz); state: 0 idle, 1 busy, 2 stalled on input, "
            "3 stalled on output; a FIFO's count is its words, valid = count > 0, ready = count < depth $end\n",
        (long long)ps, p->opt.clock_mhz);
    put(&o, "$scope module pipeline $end\n");
    char id[8];
    for (int32_t i = 0; i < p->n_nodes; i++) {
        ident(i, id);
        put(&o, "$var wire 2 %s %s.state $end\n", id, p->nodes[i].name);
    }
    /* link signals: three identifiers each, after the nodes */
    const int32_t L0 = p->n_nodes;
    for (int32_t l = 0; l < p->n_links; l++) {
        const struct bnn_hw_link *k = &p->links[l];
        if (k->kind != BNN_LINK_FIFO) continue;
        const int32_t id0 = L0 + 3 * l;
        ident(id0, id);
        put(&o, "$var wire %d %s %s.count $end\n", width_of(k->depth), id, k->name);
        ident(id0 + 1, id);
        put(&o, "$var wire 1 %s %s.valid $end\n", id, k->name);
        ident(id0 + 2, id);
        put(&o, "$var wire 1 %s %s.ready $end\n", id, k->name);
    }
    put(&o, "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n");
    for (int32_t i = 0; i < p->n_nodes; i++) {
        ident(i, id);
        put_bits(&o, BNN_ST_IDLE, 2, id);
    }
    for (int32_t l = 0; l < p->n_links; l++)
        if (p->links[l].kind == BNN_LINK_FIFO) link_values(&o, &p->links[l], L0 + 3 * l, 0, 0);
    put(&o, "$end\n");
    int64_t last_t = 0;
    for (size_t e = 0; e < v->n; e++) {
        const struct vcd_event *x = &v->ev[e];
        if (x->t >= end) break;
        /* only the last change of a signal within one time counts */
        if (e + 1 < v->n && v->ev[e + 1].t == x->t) {
            int later = 0;
            for (size_t f = e + 1; f < v->n && v->ev[f].t == x->t && !later; f++) later = v->ev[f].sig == x->sig;
            if (later) continue;
        }
        if (x->t != last_t) put(&o, "#%lld\n", (long long)(x->t * ps));
        last_t = x->t;
        if (x->sig < L0) {
            ident(x->sig, id);
            put_bits(&o, x->val, 2, id);
        } else {
            const struct bnn_hw_link *k = &p->links[x->sig - L0];
            if (k->kind == BNN_LINK_FIFO) link_values(&o, k, L0 + 3 * (x->sig - L0), x->val, x->val >= k->depth);
        }
    }
    put(&o, "#%lld\n", (long long)(end * ps));
    enum bnn_status st = o.nomem ? bnn_error(BNN_ERR_NOMEM, "%s: out of memory", path) : bnn_file_write_atomic(path, o.b, o.len);
    free(o.b);
    return st;
}
