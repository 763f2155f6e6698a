/* FIFO sizing by simulation: unbounded FIFOs give the reference II and each
 * FIFO's peak occupancy (an upper bound that provably keeps that schedule);
 * then each FIFO is shrunk by bisection while the II holds. */
#include "bnnsim/hw.h"
#include "core/util.h"

static enum bnn_status ii_of(const struct bnn_hw_pipeline *p, int32_t frames, double *ii, int *deadlock)
{
    struct bnn_sim_options o = {.frames = frames, .trace_bins = 1000};
    struct bnn_sim_result *r;
    enum bnn_status st = bnn_hw_simulate(p, &o, &r);
    if (st) return st;
    *deadlock = r->deadlock != 0;
    *ii = r->ii_cycles;
    bnn_sim_result_free(r);
    return BNN_OK;
}

enum bnn_status bnn_hw_size_fifos(struct bnn_hw_pipeline *p, int32_t frames, struct bnn_fifo_sizing *out)
{
    memset(out, 0, sizeof *out);
    if (frames < 4) frames = 4;
    int32_t n = p->n_links;
    for (int32_t l = 0; l < n; l++)
        if (p->links[l].kind == BNN_LINK_FIFO) out->total_depth_before += p->links[l].depth;
    /* unbounded: a frame of words is more than any FIFO can hold in a chain */
    for (int32_t l = 0; l < n; l++)
        if (p->links[l].kind == BNN_LINK_FIFO) p->links[l].depth = (int32_t)(p->links[l].words * 2 + 2);
    struct bnn_sim_options o = {.frames = frames, .trace_bins = 1000};
    struct bnn_sim_result *r;
    enum bnn_status st = bnn_hw_simulate(p, &o, &r);
    if (st) return st;
    out->simulations++;
    if (r->deadlock) {
        bnn_sim_result_free(r);
        return bnn_error(BNN_ERR_INVALID_ARG, "FIFO sizing: the pipeline does not run even with unbounded FIFOs");
    }
    double ref = r->ii_cycles, ii;
    out->ii_unbounded = ref;
    for (int32_t l = 0; l < n; l++)
        if (p->links[l].kind == BNN_LINK_FIFO)
            p->links[l].depth = (int32_t)(r->link[l].max_occupancy > 1 ? r->link[l].max_occupancy : 1);
    bnn_sim_result_free(r);
    /* biggest first: they have the most to give */
    int32_t *order = bnn__calloc((size_t)n + 1, sizeof *order);
    if (!order) return BNN_ERR_NOMEM;
    for (int32_t l = 0; l < n; l++) order[l] = l;
    for (int32_t a = 0; a < n; a++)
        for (int32_t b = a + 1; b < n; b++)
            if (p->links[order[b]].depth > p->links[order[a]].depth) {
                int32_t t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
    int dl;
    const double tol = 1e-9;
    for (int32_t a = 0; a < n; a++) {
        struct bnn_hw_link *k = &p->links[order[a]];
        bnn__progress("sizing FIFOs", a, n);
        if (k->kind != BNN_LINK_FIFO || k->depth <= 1) continue;
        int32_t lo = 1, hi = k->depth; /* hi keeps the II */
        while (lo < hi) {
            int32_t mid = lo + (hi - lo) / 2;
            k->depth = mid;
            if ((st = ii_of(p, frames, &ii, &dl))) goto done;
            out->simulations++;
            if (!dl && ii <= ref + tol) hi = mid;
            else lo = mid + 1;
        }
        k->depth = hi;
    }
    if ((st = ii_of(p, frames, &ii, &dl))) goto done;
    out->simulations++;
    if (dl || ii > ref + tol) {
        st = bnn_error(BNN_ERR_INVALID_ARG, "FIFO sizing: the sized pipeline does not keep II %.1f (got %.1f)", ref, ii);
        goto done;
    }
    out->ii_sized = ii;
    bnn__progress("sizing FIFOs", n, n);
    for (int32_t l = 0; l < n; l++)
        if (p->links[l].kind == BNN_LINK_FIFO) out->total_depth_after += p->links[l].depth;
done:
    free(order);
    return st;
}
