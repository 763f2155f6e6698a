/* Cycle-by-cycle simulation of the node chain.
 *
 * Every node is an II=1 loop, as HLS builds it: each iteration (one cycle)
 * may read one word from its input and may write one word to its output,
 * and it stalls as a whole when a word it needs is missing or its output is
 * full. What an iteration reads and writes follows the node's hardware loop
 * nest (finn-hlslib's MVAU reads only while nf == 0 and writes when sf
 * wraps, ...). Links are FIFOs with a registered output (a word written in
 * cycle t is readable in t + 1, room freed in t is writable in t + 1) or
 * ping-pong frame buffers (a frame is readable once fully written; a
 * buffer is free once its frame is fully read).
 *
 * Time advances by events: a node sleeps through iterations that move no
 * data (an MVAU between outputs when nf > 0), and a stalled node sleeps
 * until its link changes. Nothing ever polls. */
#include <math.h>
#include <stdio.h>

#include "bnnsim/hw.h"
#include "core/util.h"
#include "hw/vcd.h"

#define NEVER INT64_MAX

struct chan {
    enum bnn_link_kind kind;
    int64_t depth, wpf_in, wpf_out;
    int64_t nw, nr, last_w, last_r;
    int64_t max_occ;
    int32_t reader_waits, writer_waits; /* node index or -1 */
    int32_t idx;
};

struct bucket { /* the DMA's memory port, shared by both directions */
    int64_t t;      /* free again at this cycle */
    int64_t last;   /* cycle of the last word moved */
    int64_t count, burst;
    double gap, debt; /* idle cycles owed per burst, and the fraction carried */
};

struct snode { /* hot fields first */
    int64_t wake;
    int prd, pwr; /* the next iteration, planned ahead */
    int64_t pk;
    enum bnn_hw_kind kind;
    int32_t state;
    struct chan *in, *out;
    int64_t since, frame;
    /* loop position */
    int32_t sf, nf, v, SF, NF, reps;
    int64_t it, reads, writes;
    int64_t in_words, out_words; /* copies of the node's, kept close */
    int64_t bits;       /* DWC */
    int64_t b, j;       /* MAXPOOL block, SWG/MAXPOOL position in it */
    /* fixed per kind */
    int64_t T, F, M, wb, rb, word_bytes;
    const struct bnn_hw_node *hw;
    struct bnn_sim_node_stats st;
};

/* Timing wheel: for each of the next WHEEL cycles, a bitmask of the nodes
 * that wake then. A node's entry is stale when its wake moved. */
#define WHEEL_BITS 16
#define WHEEL ((int64_t)1 << WHEEL_BITS)

/* A snapshot of everything that decides the future, relative to `now`,
 * plus the counters that grow, to extrapolate them. */
#define HIST 32
struct snap {
    int64_t now, sink_frame, port_count;
    int64_t *key;                     /* ksize values */
    struct bnn_sim_node_stats *st;    /* per node */
    int64_t *nw, *nr;                 /* per link */
};

struct sim {
    const struct bnn_hw_pipeline *p;
    struct snap hist[HIST];
    int32_t n_hist, ksize;
    int64_t *key;
    int32_t n, words; /* nodes, 64-bit words per wheel slot */
    uint64_t *wheel;
    struct snode *nodes;
    struct chan *chans;
    struct bucket dma;
    int64_t now, frames;
    struct bnn_sim_result *r;
    int64_t tbw; /* trace bin width */
    int64_t out_waiting; /* the output DMA waits: it goes first */
    int64_t max_cycles;
    struct bnn_vcd *vcd; /* recording a waveform (NULL: not) */
};

static int64_t occ(const struct chan *c, int64_t now)
{
    (void)now;
    if (c->kind == BNN_LINK_FIFO) return c->nw - c->nr;
    return c->nw / c->wpf_in + (c->nw % c->wpf_in != 0) - c->nr / c->wpf_out;
}

static int can_read(const struct chan *c, int64_t now)
{
    int64_t nw = c->nw - (c->last_w == now);
    if (c->kind == BNN_LINK_FIFO) return nw > c->nr;
    return nw / c->wpf_in > c->nr / c->wpf_out;
}

static int can_write(const struct chan *c, int64_t now)
{
    int64_t nr = c->nr - (c->last_r == now);
    if (c->kind == BNN_LINK_FIFO) return c->nw - nr < c->depth;
    return c->nw / c->wpf_in - nr / c->wpf_out < c->depth;
}

static void trace_link(struct sim *s, const struct chan *c)
{
    if (s->now >= s->r->trace_cycles) return;
    int64_t *b = &s->r->link_bins[(int64_t)c->idx * s->r->trace_bins + s->now / s->tbw];
    int64_t o = occ(c, s->now);
    if (o > *b) *b = o;
}

static void schedule(struct sim *s, int32_t i, int64_t t)
{
    s->nodes[i].wake = t;
    if (t != NEVER) s->wheel[(t & (WHEEL - 1)) * s->words + (i >> 6)] |= (uint64_t)1 << (i & 63);
}

static void wake_at(struct sim *s, int32_t i, int64_t t)
{
    if (s->nodes[i].wake > t) schedule(s, i, t);
}

static inline void push(struct sim *s, struct chan *c)
{
    c->nw++;
    c->last_w = s->now;
    int64_t o = occ(c, s->now);
    if (o > c->max_occ) c->max_occ = o;
    if (s->r->trace_cycles) trace_link(s, c);
    if (s->vcd) bnn__vcd_occupancy(s->vcd, c->idx, o, s->now);
    if (c->reader_waits >= 0) {
        wake_at(s, c->reader_waits, s->now + 1);
        c->reader_waits = -1;
    }
}

static inline void pop(struct sim *s, struct chan *c)
{
    c->nr++;
    c->last_r = s->now;
    if (s->r->trace_cycles) trace_link(s, c);
    if (s->vcd) bnn__vcd_occupancy(s->vcd, c->idx, occ(c, s->now), s->now);
    if (c->writer_waits >= 0) {
        wake_at(s, c->writer_waits, s->now + 1);
        c->writer_waits = -1;
    }
}

static void close_state(struct sim *s, struct snode *n, int32_t idx, int64_t until)
{
    int64_t d = until - n->since;
    if (d <= 0) return;
    int64_t *c = n->state == BNN_ST_BUSY ? &n->st.busy : n->state == BNN_ST_STALL_IN ? &n->st.stall_in
                 : n->state == BNN_ST_STALL_OUT ? &n->st.stall_out : &n->st.idle;
    *c += d;
    int64_t tc = s->r->trace_cycles;
    if (!tc || n->since >= tc) return;
    int64_t end = until < tc ? until : tc;
    for (int64_t t = n->since; t < end;) {
        int64_t bin = t / s->tbw, bend = (bin + 1) * s->tbw;
        if (bend > end) bend = end;
        s->r->node_bins[((int64_t)idx * s->r->trace_bins + bin) * 4 + n->state] += bend - t;
        t = bend;
    }
}

static void set_state_at(struct sim *s, struct snode *n, int32_t st, int64_t t)
{
    if (n->state == st) return;
    close_state(s, n, (int32_t)(n - s->nodes), t);
    n->state = st;
    n->since = t;
    if (s->vcd) bnn__vcd_state(s->vcd, (int32_t)(n - s->nodes), st, t);
}

static inline void set_state(struct sim *s, struct snode *n, int32_t st) { set_state_at(s, n, st, s->now); }

/* Whether a word (FIFO) or frame (PIPO) can be read / written next cycle
 * given everything moved so far; a move later this cycle wakes the waiter. */
static inline int readable_next(const struct chan *c)
{
    return c->kind == BNN_LINK_FIFO ? c->nw > c->nr : c->nw / c->wpf_in > c->nr / c->wpf_out;
}

static inline int writable_next(const struct chan *c)
{
    return c->kind == BNN_LINK_FIFO ? c->nw - c->nr < c->depth : c->nw / c->wpf_in - c->nr / c->wpf_out < c->depth;
}

/* What the current iteration does: read? write? If neither, how many such
 * iterations follow (to sleep through them at once). */
static inline void plan(const struct snode *n, int *rd, int *wr, int64_t *skip)
{
    const struct bnn_hw_node *h = n->hw;
    *rd = *wr = 0;
    *skip = 1;
    switch (n->kind) {
    case BNN_HW_DMA_IN: *wr = 1; break;
    case BNN_HW_DMA_OUT: *rd = 1; break;
    case BNN_HW_THRESH: *rd = *wr = 1; break;
    case BNN_HW_MVAU:
        *rd = n->nf == 0;
        *wr = n->sf == n->SF - 1;
        if (!*rd && !*wr) *skip = n->SF - 1 - n->sf;
        break;
    case BNN_HW_SWG:
        if (n->it >= n->T) { /* loop done, input not yet consumed (cannot happen with valid shapes) */
            *rd = 1;
        } else if (n->it < n->F) {
            *rd = n->reads < h->in_words;
            if (!*rd) *skip = n->F - n->it;
        } else if (h->swg == BNN_SWG_2017) {
            *wr = 1;
        } else {
            int64_t j = n->j; /* position in the current output row's block */
            *wr = j < n->wb;
            *rd = j < n->rb && n->reads < h->in_words;
            if (!*rd && !*wr) *skip = n->M - j;
        }
        break;
    case BNN_HW_MAXPOOL: /* per output row: read its input rows, then write the pooled row */
        if (n->b < h->ofm_h) {
            *rd = n->j < n->M;
            *wr = !*rd;
        } else {
            *rd = 1; /* rows below the last window */
        }
        break;
    case BNN_HW_LABELSELECT:
        *rd = n->it < h->in_words;
        *wr = !*rd;
        break;
    case BNN_HW_DWC: {
        *rd = n->reads < h->in_words && (n->bits < h->out_width || n->writes == h->out_words);
        int64_t bits = n->bits + (*rd ? h->in_width : 0);
        int64_t reads = n->reads + *rd;
        *wr = n->writes < h->out_words && (bits >= h->out_width || reads == h->in_words);
        break;
    }
    default: break;
    }
}

/* Moves the loop position past `k` iterations (k > 1 only for iterations
 * that move no data) and plans the next one into prd/pwr/pk, in one
 * dispatch on the kind; returns 1 when a frame ends. */
static inline __attribute__((always_inline)) int advance(struct snode *n, int rd, int wr, int64_t k)
{
    const struct bnn_hw_node *h = n->hw;
    n->reads += rd;
    n->writes += wr;
    int end = 0;
    switch (n->kind) {
    case BNN_HW_MVAU:
        n->sf += (int32_t)k;
        if (n->sf == n->SF) {
            n->sf = 0;
            if (++n->nf == n->NF) {
                n->nf = 0;
                if (++n->v == n->reps) n->v = 0, end = 1;
            }
        }
        n->prd = n->nf == 0;
        n->pwr = n->sf == n->SF - 1;
        n->pk = !n->prd && !n->pwr ? n->SF - 1 - n->sf : 1;
        if (end) break;
        return 0;
    case BNN_HW_SWG:
        if (n->it >= n->F && h->swg != BNN_SWG_2017 && (n->j += k) == n->M) n->j = 0;
        n->it += k;
        if (n->it >= n->T && n->reads >= n->in_words) break;
        if (n->it >= n->F && n->it < n->T && h->swg != BNN_SWG_2017) { /* inline plan of the busy case */
            n->pwr = n->j < n->wb;
            n->prd = n->j < n->rb && n->reads < n->in_words;
            n->pk = !n->prd && !n->pwr ? n->M - n->j : 1;
            return 0;
        }
        plan(n, &n->prd, &n->pwr, &n->pk);
        return 0;
    case BNN_HW_DWC:
        if (rd) n->bits += h->in_width;
        if (wr) n->bits = n->bits > h->out_width ? n->bits - h->out_width : 0;
        if (n->reads >= h->in_words && n->writes >= h->out_words) {
            n->bits = 0;
            break;
        }
        n->prd = n->reads < h->in_words && (n->bits < h->out_width || n->writes == h->out_words);
        n->pwr = n->writes < h->out_words && (n->bits + (n->prd ? h->in_width : 0) >= h->out_width ||
                                              n->reads + n->prd == h->in_words);
        n->pk = 1;
        return 0;
    case BNN_HW_MAXPOOL:
        if (n->b < h->ofm_h) {
            n->j += k;
            if (n->j == n->M + h->ofm_w) {
                n->j = 0;
                n->b++;
                int64_t left = h->in_words - n->reads, R = (int64_t)h->stride * h->ifm_w;
                n->M = R < left ? R : left;
            }
        }
        if (n->b < h->ofm_h || n->reads < h->in_words) {
            plan(n, &n->prd, &n->pwr, &n->pk);
            return 0;
        }
        n->M = (int64_t)h->k * h->ifm_w < h->in_words ? (int64_t)h->k * h->ifm_w : h->in_words;
        break;
    case BNN_HW_THRESH:
        if (++n->it < n->T) return 0; /* every iteration reads and writes */
        break;
    default:
        n->it += k;
        if (n->it < n->T) {
            plan(n, &n->prd, &n->pwr, &n->pk);
            return 0;
        }
        break;
    }
    n->it = n->reads = n->writes = 0;
    n->b = n->j = 0;
    n->frame++;
    plan(n, &n->prd, &n->pwr, &n->pk);
    return 1;
}

/* The shared DMA port: one word per cycle within a burst of
 * dma_burst_words, then a pause that brings the average down to the
 * sustained bandwidth (DRAM turnaround between AXI bursts). Writes go
 * first: a waiting output word keeps reads back. */
static int dma_take(struct sim *s, int is_out, int64_t *wait)
{
    struct bucket *b = &s->dma;
    *wait = 1;
    if (s->now < b->t) {
        *wait = b->t - s->now;
    } else if (b->last == s->now || (!is_out && s->out_waiting)) {
        *wait = 1;
    } else {
        b->last = s->now;
        if (is_out) s->out_waiting = 0;
        if (++b->count % b->burst == 0) {
            b->debt += b->gap;
            int64_t g = (int64_t)b->debt;
            b->debt -= (double)g;
            b->t = s->now + 1 + g;
        }
        return 1;
    }
    if (is_out) s->out_waiting = 1;
    return 0;
}

static void step(struct sim *s, int32_t idx)
{
    struct snode *n = &s->nodes[idx];
    int64_t now = s->now;
    if (n->frame >= s->frames) {
        set_state(s, n, BNN_ST_IDLE);
        n->wake = NEVER;
        return;
    }
    int rd = n->prd, wr = n->pwr;
    int64_t k = n->pk;
    if (!rd && !wr) {
        if (k > WHEEL - 1) k = WHEEL - 1; /* sleep at most one turn of the wheel */
        set_state(s, n, BNN_ST_BUSY);
        advance(n, 0, 0, k);
        if (n->frame >= s->frames) { /* nothing more: idle from the end of the skipped iterations */
            set_state_at(s, n, BNN_ST_IDLE, now + k);
            n->wake = NEVER;
            return;
        }
        schedule(s, idx, now + k);
        return;
    }
    if (rd && !can_read(n->in, now)) {
        set_state(s, n, BNN_ST_STALL_IN);
        n->in->reader_waits = idx;
        schedule(s, idx, n->in->last_w == now ? now + 1 : NEVER);
        return;
    }
    if (wr && !can_write(n->out, now)) {
        set_state(s, n, BNN_ST_STALL_OUT);
        n->out->writer_waits = idx;
        schedule(s, idx, n->out->last_r == now ? now + 1 : NEVER);
        return;
    }
    if (n->kind == BNN_HW_DMA_IN || n->kind == BNN_HW_DMA_OUT) {
        int64_t wait;
        if (!dma_take(s, n->kind == BNN_HW_DMA_OUT, &wait)) {
                set_state(s, n, n->kind == BNN_HW_DMA_IN ? BNN_ST_STALL_IN : BNN_ST_STALL_OUT);
            schedule(s, idx, now + (wait < WHEEL - 1 ? wait : WHEEL - 1));
            return;
        }
    }
    if (rd) pop(s, n->in);
    if (wr) {
        push(s, n->out);
        if (n->st.first_out < 0) n->st.first_out = now;
        n->st.last_out = now;
    }
    set_state(s, n, BNN_ST_BUSY);
    int64_t f = n->frame;
    if (advance(n, rd, wr, 1) && n->kind == BNN_HW_DMA_OUT) s->r->frame_done[f] = now;
    /* look ahead: wait on the link now rather than find out next cycle */
    if (n->frame < s->frames) {
        if (n->prd && n->in && !readable_next(n->in)) {
            set_state_at(s, n, BNN_ST_STALL_IN, now + 1);
            n->in->reader_waits = idx;
            n->wake = NEVER;
            return;
        }
        if (n->pwr && n->out && !writable_next(n->out)) {
            set_state_at(s, n, BNN_ST_STALL_OUT, now + 1);
            n->out->writer_waits = idx;
            n->wake = NEVER;
            return;
        }
    }
    schedule(s, idx, now + 1);
}

static void deadlock_report(struct sim *s)
{
    struct bnn_sim_result *r = s->r;
    char *b = r->deadlock_report;
    size_t cap = sizeof r->deadlock_report, len = 0;
    len += (size_t)snprintf(b, cap, "deadlock at cycle %lld (frame %lld of %lld out):", (long long)s->now,
                            (long long)s->nodes[s->n - 1].frame, (long long)s->frames);
    for (int32_t i = 0; i < s->n && len < cap; i++) {
        struct snode *n = &s->nodes[i];
        if (n->wake != NEVER) continue;
        if (n->state == BNN_ST_STALL_IN)
            len += (size_t)snprintf(b + len, cap - len, " %s waits for input (%s empty);", n->hw->name,
                                    s->p->links[n->in->idx].name);
        else if (n->state == BNN_ST_STALL_OUT)
            len += (size_t)snprintf(b + len, cap - len, " %s waits for room (%s full, %lld/%lld);", n->hw->name,
                                    s->p->links[n->out->idx].name, (long long)occ(n->out, s->now),
                                    (long long)n->out->depth);
    }
}

static void init_node(struct snode *n, const struct bnn_hw_node *h, const struct bnn_hw_pipeline *p)
{
    memset(n, 0, sizeof *n);
    n->hw = h;
    n->kind = h->kind;
    n->reps = h->reps;
    n->in_words = h->in_words;
    n->out_words = h->out_words;
    n->st.first_out = -1;
    n->state = BNN_ST_IDLE;
    switch (h->kind) {
    case BNN_HW_MVAU:
        n->SF = h->mw / h->simd;
        n->NF = h->mh / h->pe;
        break;
    case BNN_HW_SWG: {
        int64_t cf = h->ch / h->simd;
        if (h->swg == BNN_SWG_2017) {
            n->F = h->in_words;
            n->T = h->in_words + h->out_words;
            break;
        }
        n->wb = (int64_t)h->ofm_w * h->k * h->k * cf;
        n->rb = (int64_t)h->stride * h->ifm_w * cf;
        n->M = n->wb > n->rb ? n->wb : n->rb;
        n->F = h->swg == BNN_SWG_RTL ? ((int64_t)(h->k - 1) * h->ifm_w + h->k) * cf : (int64_t)h->ifm_w * h->k * cf;
        n->T = n->F + h->ofm_h * n->M;
        break;
    }
    case BNN_HW_LABELSELECT: n->T = h->in_words + h->out_words; break;
    case BNN_HW_MAXPOOL: n->M = (int64_t)h->k * h->ifm_w < h->in_words ? (int64_t)h->k * h->ifm_w : h->in_words; break;
    case BNN_HW_DMA_IN: n->T = h->out_words; n->word_bytes = p->opt.dma_width / 8; break;
    case BNN_HW_DMA_OUT: n->T = h->in_words; n->word_bytes = p->opt.dma_width / 8; break;
    default: n->T = h->in_words; break;
    }
    plan(n, &n->prd, &n->pwr, &n->pk);
}

static int32_t key_size(const struct sim *s) { return s->n * 16 + s->p->n_links * 6 + 5; }

static void make_key(struct sim *s, int64_t *k)
{
    int64_t R = s->now, sf = s->nodes[s->n - 1].frame;
    int32_t x = 0;
    for (int32_t i = 0; i < s->n; i++) {
        struct snode *n = &s->nodes[i];
        k[x++] = n->prd;
        k[x++] = n->pwr;
        k[x++] = n->pk;
        k[x++] = n->state;
        k[x++] = n->wake == NEVER ? -1 : n->wake - R;
        k[x++] = n->frame - sf;
        k[x++] = n->sf;
        k[x++] = n->nf;
        k[x++] = n->v;
        k[x++] = n->it;
        k[x++] = n->reads;
        k[x++] = n->writes;
        k[x++] = n->bits;
        k[x++] = n->b;
        k[x++] = n->j;
        k[x++] = n->M;
    }
    for (int32_t l = 0; l < s->p->n_links; l++) {
        struct chan *c = &s->chans[l];
        k[x++] = c->kind == BNN_LINK_FIFO ? c->nw - c->nr : 0; /* PIPO sides count words of different widths */
        k[x++] = c->kind == BNN_LINK_PIPO ? c->nw % c->wpf_in : 0;
        k[x++] = c->kind == BNN_LINK_PIPO ? c->nr % c->wpf_out : 0;
        k[x++] = c->kind == BNN_LINK_PIPO ? c->nw / c->wpf_in - c->nr / c->wpf_out : 0;
        k[x++] = c->reader_waits;
        k[x++] = c->writer_waits;
    }
    k[x++] = s->dma.t > R ? s->dma.t - R : 0;
    k[x++] = s->dma.gap > 0 ? s->dma.count % s->dma.burst : 0; /* the burst position matters only with pauses */
    memcpy(&k[x++], &s->dma.debt, sizeof(double));
    k[x++] = s->out_waiting;
    k[x++] = 0;
}

/* Called at the end of a cycle in which the sink finished a frame. */
static void steady_state(struct sim *s)
{
    /* close the open intervals so that the counters are exact up to now */
    for (int32_t i = 0; i < s->n; i++) {
        struct snode *n = &s->nodes[i];
        close_state(s, n, i, s->now + 1);
        n->since = s->now + 1;
    }
    struct snap *cur = &s->hist[s->n_hist % HIST];
    cur->now = s->now;
    cur->sink_frame = s->nodes[s->n - 1].frame;
    cur->port_count = s->dma.count;
    make_key(s, cur->key);
    for (int32_t i = 0; i < s->n; i++) cur->st[i] = s->nodes[i].st;
    for (int32_t l = 0; l < s->p->n_links; l++) cur->nw[l] = s->chans[l].nw, cur->nr[l] = s->chans[l].nr;
    int32_t have = s->n_hist < HIST ? s->n_hist : HIST - 1;
    s->n_hist++;
    for (int32_t back = 1; back <= have; back++) {
        const struct snap *old = &s->hist[(s->n_hist - 1 - back) % HIST];
        if (memcmp(old->key, cur->key, (size_t)s->ksize * sizeof *cur->key)) continue;
        int64_t p = cur->sink_frame - old->sink_frame, dt = cur->now - old->now;
        if (p < 1 || dt < 1) return;
        if (!s->r->period_frames) { /* the state repeats: from here on the II is exactly dt / p */
            s->r->period_frames = (int32_t)p;
            s->r->period_cycles = dt;
        }
        int64_t maxf = 0;
        for (int32_t i = 0; i < s->n; i++)
            if (s->nodes[i].frame > maxf) maxf = s->nodes[i].frame;
        int64_t m = (s->frames - 1 - maxf) / p - 1; /* leave the last periods (and the drain) to the stepping */
        if (s->r->trace_cycles && s->now < s->r->trace_cycles) return;
        if (s->max_cycles && m > 0 && s->now + m * dt > s->max_cycles) m = (s->max_cycles - s->now) / dt - 1;
        if (m < 1) return;
        int64_t jump = m * dt;
        for (int32_t i = 0; i < s->n; i++) {
            struct snode *n = &s->nodes[i];
            struct bnn_sim_node_stats *a = &n->st;
            const struct bnn_sim_node_stats *o = &old->st[i];
            a->busy += m * (a->busy - o->busy);
            a->stall_in += m * (a->stall_in - o->stall_in);
            a->stall_out += m * (a->stall_out - o->stall_out);
            a->idle += m * (a->idle - o->idle);
            if (a->last_out != o->last_out) a->last_out += jump;
            n->frame += m * p;
            n->since += jump;
            if (n->wake != NEVER) n->wake += jump;
        }
        for (int32_t l = 0; l < s->p->n_links; l++) {
            struct chan *c = &s->chans[l];
            c->nw += m * (c->nw - old->nw[l]);
            c->nr += m * (c->nr - old->nr[l]);
            c->last_w = c->last_w >= 0 ? c->last_w + jump : c->last_w;
            c->last_r = c->last_r >= 0 ? c->last_r + jump : c->last_r;
        }
        if (s->dma.t > s->now) s->dma.t += jump;
        if (s->dma.last >= 0) s->dma.last += jump;
        s->dma.count += m * (s->dma.count - old->port_count);
        for (int64_t f = cur->sink_frame; f < cur->sink_frame + m * p; f++) s->r->frame_done[f] = s->r->frame_done[f - p] + dt;
        s->now += jump;
        s->r->skipped_cycles += jump;
        memset(s->wheel, 0, (size_t)WHEEL * s->words * sizeof *s->wheel);
        for (int32_t i = 0; i < s->n; i++)
            if (s->nodes[i].wake != NEVER) schedule(s, i, s->nodes[i].wake);
        s->n_hist = 0;
        return;
    }
}

void bnn_sim_result_free(struct bnn_sim_result *r)
{
    if (!r) return;
    free(r->node);
    free(r->link);
    free(r->frame_done);
    free(r->node_bins);
    free(r->link_bins);
    free(r);
}

static enum bnn_status simulate_once(const struct bnn_hw_pipeline *p, struct bnn_sim_options opt, struct bnn_vcd *vcd,
                                     struct bnn_sim_result **out)
{
    *out = NULL;
    if (opt.trace_bins < 1) opt.trace_bins = 1000;
    struct sim s = {.p = p, .n = p->n_nodes, .frames = opt.frames, .vcd = vcd};
    struct bnn_sim_result *r = bnn__calloc(1, sizeof *r);
    s.nodes = bnn__calloc((size_t)p->n_nodes, sizeof *s.nodes);
    s.chans = bnn__calloc((size_t)p->n_links + 1, sizeof *s.chans);
    enum bnn_status st = BNN_ERR_NOMEM;
    if (!r || !s.nodes || !s.chans) goto fail;
    r->frames = opt.frames;
    r->n_nodes = p->n_nodes;
    r->n_links = p->n_links;
    r->node = bnn__calloc((size_t)p->n_nodes, sizeof *r->node);
    r->link = bnn__calloc((size_t)p->n_links + 1, sizeof *r->link);
    r->frame_done = bnn__calloc((size_t)opt.frames, sizeof *r->frame_done);
    if (!r->node || !r->link || !r->frame_done) goto fail;
    if (opt.trace_cycles > 0) {
        r->trace_cycles = opt.trace_cycles;
        r->trace_bins = opt.trace_bins;
        s.tbw = (opt.trace_cycles + opt.trace_bins - 1) / opt.trace_bins;
        r->node_bins = bnn__calloc((size_t)p->n_nodes * opt.trace_bins * 4, sizeof *r->node_bins);
        r->link_bins = bnn__calloc((size_t)(p->n_links + 1) * opt.trace_bins, sizeof *r->link_bins);
        if (!r->node_bins || !r->link_bins) goto fail;
    }
    s.r = r;
    for (int32_t l = 0; l < p->n_links; l++) {
        struct chan *c = &s.chans[l];
        c->kind = p->links[l].kind;
        c->depth = p->links[l].depth;
        c->wpf_in = p->nodes[l].out_words;
        c->wpf_out = p->nodes[l + 1].in_words;
        c->last_w = c->last_r = -1;
        c->reader_waits = c->writer_waits = -1;
        c->idx = l;
        if (c->depth < 1) {
            st = bnn_error(BNN_ERR_INVALID_ARG, "%s: depth must be >= 1", p->links[l].name);
            goto fail;
        }
    }
    for (int32_t i = 0; i < p->n_nodes; i++) {
        init_node(&s.nodes[i], &p->nodes[i], p);
        s.nodes[i].in = i > 0 ? &s.chans[i - 1] : NULL;
        s.nodes[i].out = i < p->n_links ? &s.chans[i] : NULL;
    }
    {
        double wb = p->opt.dma_width / 8.0, cyc = wb / p->opt.dma_bytes_per_cycle; /* cycles per word, sustained */
        s.dma.burst = p->opt.dma_burst_words;
        s.dma.gap = cyc > 1 ? (cyc - 1) * (double)s.dma.burst : 0;
        s.dma.last = -1;
    }
    struct snode *sink = &s.nodes[p->n_nodes - 1];
    s.words = (s.n + 63) / 64;
    s.wheel = bnn__calloc((size_t)WHEEL * s.words, sizeof *s.wheel);
    if (!s.wheel) goto fail;
    s.max_cycles = opt.max_cycles;
    s.ksize = key_size(&s);
    if (!opt.every_cycle && opt.frames > 4) {
        for (int h = 0; h < HIST; h++) {
            s.hist[h].key = bnn__calloc((size_t)s.ksize, sizeof(int64_t));
            s.hist[h].st = bnn__calloc((size_t)s.n, sizeof(struct bnn_sim_node_stats));
            s.hist[h].nw = bnn__calloc((size_t)p->n_links + 1, sizeof(int64_t));
            s.hist[h].nr = bnn__calloc((size_t)p->n_links + 1, sizeof(int64_t));
            if (!s.hist[h].key || !s.hist[h].st || !s.hist[h].nw || !s.hist[h].nr) goto fail;
        }
    }
    int64_t sink_seen = 0;
    for (int32_t i = 0; i < s.n; i++) schedule(&s, i, 0);
    for (;;) {
        uint64_t *slot = &s.wheel[(s.now & (WHEEL - 1)) * s.words];
        for (int32_t w = 0; w < s.words; w++)
            while (slot[w]) {
                int32_t i = w * 64 + __builtin_ctzll(slot[w]);
                slot[w] &= slot[w] - 1;
                if (s.nodes[i].wake == s.now) step(&s, i);
            }
        if (sink->frame >= s.frames) break;
        if (sink->frame != sink_seen) {
            sink_seen = sink->frame;
            if (s.hist[0].key) steady_state(&s);
        }
        int64_t next = NEVER;
        for (int64_t t = s.now + 1; t < s.now + WHEEL && next == NEVER; t++) {
            const uint64_t *sl = &s.wheel[(t & (WHEEL - 1)) * s.words];
            for (int32_t w = 0; w < s.words; w++)
                if (sl[w]) next = t;
        }
        if (next == NEVER) {
            r->deadlock = 1;
            deadlock_report(&s);
            break;
        }
        if (opt.max_cycles && next > opt.max_cycles) {
            s.now = opt.max_cycles;
            r->deadlock = 2;
            snprintf(r->deadlock_report, sizeof r->deadlock_report, "stopped at the cycle limit %lld",
                     (long long)opt.max_cycles);
            break;
        }
        s.now = next;
    }
    int64_t end = s.now + 1;
    r->cycles = end;
    for (int32_t i = 0; i < s.n; i++) {
        close_state(&s, &s.nodes[i], i, end);
        r->node[i] = s.nodes[i].st;
    }
    for (int32_t l = 0; l < p->n_links; l++) {
        r->link[l].max_occupancy = s.chans[l].max_occ;
        r->link[l].words = s.chans[l].nw;
    }
    r->node_cycles = end * s.n;
    if (!r->deadlock) {
        int32_t N = opt.frames, h = N / 2;
        r->first_frame_latency = r->frame_done[0] + 1;
        r->ii_cycles = r->period_frames ? (double)r->period_cycles / r->period_frames
                       : N > 1 ? (double)(r->frame_done[N - 1] - r->frame_done[h > 0 ? h - 1 : 0]) / (N - (h > 0 ? h : 1))
                               : (double)r->first_frame_latency;
        r->converged = r->period_frames > 0;
        double clk_hz = p->opt.clock_mhz * 1e6;
        r->throughput_fps = clk_hz / r->ii_cycles;
        r->latency_us = (double)r->first_frame_latency / p->opt.clock_mhz;
    }
    r->bottleneck = -1;
    int64_t best = -1;
    for (int32_t i = 1; i < s.n - 1; i++)
        if (r->node[i].busy > best) best = r->node[i].busy, r->bottleneck = i;
    if (r->bottleneck < 0) r->bottleneck = 0;
    /* a DMA starved for bandwidth outranks every node */
    if (r->node[0].stall_in > r->node[0].busy / 8 && r->node[r->bottleneck].stall_in > 0) r->bottleneck = 0;
    free(s.nodes);
    free(s.chans);
    free(s.wheel);
    for (int h = 0; h < HIST; h++) free(s.hist[h].key), free(s.hist[h].st), free(s.hist[h].nw), free(s.hist[h].nr);
    *out = r;
    return BNN_OK;
fail:
    if (st == BNN_ERR_NOMEM) bnn_error(st, "out of memory");
    free(s.nodes);
    free(s.chans);
    free(s.wheel);
    for (int h = 0; h < HIST; h++) free(s.hist[h].key), free(s.hist[h].st), free(s.hist[h].nw), free(s.hist[h].nr);
    bnn_sim_result_free(r);
    return st;
}

enum bnn_status bnn_hw_simulate(const struct bnn_hw_pipeline *p, const struct bnn_sim_options *o,
                                struct bnn_sim_result **out)
{
    *out = NULL;
    struct bnn_sim_options opt = {.frames = 16, .trace_bins = 1000};
    if (o) opt = *o;
    if (opt.frames < 1) return bnn_error(BNN_ERR_INVALID_ARG, "simulation: frames must be >= 1");
    if (!opt.converge) return simulate_once(p, opt, NULL, out);
    const double tol = opt.ii_tolerance > 0 ? opt.ii_tolerance : 1e-4;
    const int32_t max = opt.frames;
    double prev = 0;
    for (int32_t n = max < 16 ? max : 16;; n = n > max / 2 ? max : 2 * n) {
        struct bnn_sim_options one = opt;
        one.frames = n;
        struct bnn_sim_result *r;
        enum bnn_status st = simulate_once(p, one, NULL, &r);
        if (st) return st;
        /* converged: an exactly periodic state, or two successive windows that agree */
        if (!r->deadlock && !r->converged && prev > 0 && fabs(r->ii_cycles - prev) <= tol * r->ii_cycles) r->converged = 1;
        if (r->deadlock || r->converged || n == max) {
            *out = r;
            return BNN_OK;
        }
        prev = r->ii_cycles;
        bnn_sim_result_free(r);
    }
}

enum bnn_status bnn_hw_simulate_vcd(const struct bnn_hw_pipeline *p, int32_t frames, const char *path,
                                    struct bnn_sim_result **out)
{
    *out = NULL;
    if (frames < 1 || frames > 4096) return bnn_error(BNN_ERR_INVALID_ARG, "%s: a waveform covers 1..4096 frames", path);
    struct bnn_vcd *v = bnn__vcd_new(p);
    if (!v) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    /* every cycle stepped: a fast-forwarded period would leave no changes to dump */
    struct bnn_sim_options o = {.frames = frames, .every_cycle = 1};
    struct bnn_sim_result *r;
    enum bnn_status st = simulate_once(p, o, v, &r);
    if (!st) st = bnn__vcd_write(v, path, r->cycles);
    bnn__vcd_free(v);
    if (st) bnn_sim_result_free(r);
    else *out = r;
    return st;
}

void bnn_sim_explain(const struct bnn_hw_pipeline *p, const struct bnn_sim_result *r, char *buf, size_t n)
{
    if (r->deadlock) {
        snprintf(buf, n, "%s", r->deadlock_report);
        return;
    }
    const struct bnn_hw_node *h = &p->nodes[r->bottleneck];
    double busy = (double)r->node[r->bottleneck].busy / r->frames;
    switch (h->kind) {
    case BNN_HW_DMA_IN:
        snprintf(buf, n, "memory-bound: the DMA moves %.2f bytes/cycle and a frame needs %lld bytes in and %lld out",
                 p->opt.dma_bytes_per_cycle, (long long)(p->nodes[0].out_words * p->opt.dma_width / 8),
                 (long long)(p->nodes[p->n_nodes - 1].in_words * p->opt.dma_width / 8));
        break;
    case BNN_HW_MVAU:
        snprintf(buf, n, "%s is busy %.0f cycles per frame: (MH/PE)*(MW/SIMD)*pixels = (%d/%d)*(%d/%d)*%d; raise its "
                         "PE or SIMD", h->name, busy, h->mh, h->pe, h->mw, h->simd, h->reps);
        break;
    case BNN_HW_SWG:
        if (h->swg == BNN_SWG_2017)
            snprintf(buf, n, "%s stores the whole %dx%d input frame (%lld cycles) before it emits windows, and cannot "
                             "take the next frame until the last window is out: %.0f busy cycles per frame",
                     h->name, h->ifm_h, h->ifm_w, (long long)h->in_words, busy);
        else
            snprintf(buf, n, "%s is busy %.0f cycles per frame; a sliding window emits at most one word per cycle, "
                             "K^2*C/SIMD = %d words per output pixel", h->name, busy, h->k * h->k * h->ch / h->simd);
        break;
    default:
        snprintf(buf, n, "%s is busy %.0f cycles per frame", h->name, busy);
        break;
    }
}
