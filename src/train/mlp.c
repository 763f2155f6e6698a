/* Training a binarized MLP (BinaryNet / Brevitas style) with OpenBLAS, and
 * folding it into a bnnsim network whose thresholds reproduce the
 * trainer's own binarized forward pass exactly. */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <time.h>

#include "bnnsim/train.h"
#include "core/util.h"
#include "exec/plan-impl.h" /* bnn__quantize_pixel: the input layer's own rule */

#define BN_EPS 1e-5

void openblas_set_num_threads(int num_threads);

struct adam {
    float *m, *v;
};

struct mlayer {
    int32_t in, out, bn;
    float *w, *wb, *dw;         /* latent weights [out x in], their sign, gradient */
    struct adam aw;
    float *gamma, *beta, *dgamma, *dbeta; /* BN (hidden layers) */
    struct adam ag, ab;
    double *run_mean, *run_var;
    /* per batch */
    float *z, *y, *xhat, *a, *dz, *dx; /* B x out, except dx: B x in */
    float *inv_std;
};

struct bnn_mlp {
    int32_t n, n_classes, input_fixed, in_h, in_w, in_c, in_dim, batch;
    struct bnn_input_spec spec;
    float lut[256];             /* pixel -> the value the first layer sees */
    float log_scale, m_s, v_s;  /* the loss's positive scale of the last accumulators */
    struct mlayer L[BNN_TRAIN_MAX_HIDDEN + 1];
    float *x0;                  /* B x in_dim */
};

void bnn_train_options_default(struct bnn_train_options *o)
{
    memset(o, 0, sizeof *o);
    o->n_classes = 10;
    o->input_fixed = 1;
    o->epochs = 20;
    o->batch = 100;
    o->val = 5000;
    o->seed = 1;
    o->lr = 3e-3;
    o->lr_end = 3e-5;
}

enum bnn_status bnn_train_topology(const char *name, struct bnn_train_options *o)
{
    int32_t w = !strcmp(name, "sfc") ? 256 : !strcmp(name, "lfc") ? 1024 : !strcmp(name, "tfc") ? 64 : 0;
    if (!w) return bnn_error(BNN_ERR_INVALID_ARG, "unknown topology '%s' (sfc, lfc, tfc, or a NET.json to take the shape of)", name);
    o->n_hidden = 3;
    for (int i = 0; i < 3; i++) o->hidden[i] = w;
    return BNN_OK;
}

enum bnn_status bnn_train_topology_of(const struct bnn_net *net, struct bnn_train_options *o)
{
    const struct bnn_layer *in = &net->layers[0];
    o->n_hidden = 0;
    for (int32_t i = 1; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        if (L->kind == BNN_LAYER_LABELSELECT) continue;
        if (L->kind != BNN_LAYER_FC)
            return bnn_error(BNN_ERR_UNSUPPORTED, "%s: layer '%s' is a %s; bnnsim trains MLPs (fc layers only)", net->name,
                             L->name, bnn_layer_kind_str(L->kind));
        if (L->in_pad) return bnn_error(BNN_ERR_UNSUPPORTED, "%s: layer '%s' has padding columns; training takes none", net->name, L->name);
        if (i == bnn_net_last_matrix(net)) {
            o->n_classes = net->n_classes;
            if (L->mh != net->n_classes)
                return bnn_error(BNN_ERR_UNSUPPORTED, "%s: the last layer has %d rows for %d classes (padding rows)", net->name, L->mh, net->n_classes);
            break;
        }
        if (L->n_thr != 1) return bnn_error(BNN_ERR_UNSUPPORTED, "%s: layer '%s' has %d thresholds per row", net->name, L->name, L->n_thr);
        if (o->n_hidden == BNN_TRAIN_MAX_HIDDEN) return bnn_error(BNN_ERR_UNSUPPORTED, "%s: more than %d hidden layers", net->name, BNN_TRAIN_MAX_HIDDEN);
        o->hidden[o->n_hidden++] = L->mh;
    }
    o->input_fixed = in->input.kind == BNN_INPUT_FIXED;
    return BNN_OK;
}

void bnn_mlp_free(struct bnn_mlp *m)
{
    if (!m) return;
    for (int32_t l = 0; l < m->n; l++) {
        struct mlayer *L = &m->L[l];
        float *f[] = {L->w, L->wb, L->dw, L->aw.m, L->aw.v, L->gamma, L->beta, L->dgamma, L->dbeta, L->ag.m, L->ag.v,
                      L->ab.m, L->ab.v, L->z, L->y, L->xhat, L->a, L->dz, L->dx, L->inv_std};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) free(f[k]);
        free(L->run_mean);
        free(L->run_var);
    }
    free(m->x0);
    free(m);
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s) { return (double)(splitmix(s) >> 11) * 0x1.0p-53; }

static float *fa(size_t n) { return calloc(n ? n : 1, sizeof(float)); }

static enum bnn_status mlp_new(const struct bnn_images *imgs, const struct bnn_train_options *o, struct bnn_mlp **out)
{
    struct bnn_mlp *m = bnn__calloc(1, sizeof *m);
    if (!m) return BNN_ERR_NOMEM;
    m->n = o->n_hidden + 1;
    m->n_classes = o->n_classes;
    m->input_fixed = o->input_fixed;
    m->in_h = imgs->h, m->in_w = imgs->w, m->in_c = imgs->c;
    m->in_dim = imgs->h * imgs->w * imgs->c;
    m->batch = o->batch;
    /* CNV's first layer: Q1.7 codes of [-1, 1] (BNN-PYNQ's ap_fixed<8,1>), or pixel >= 128 */
    m->spec = o->input_fixed ? (struct bnn_input_spec){BNN_INPUT_FIXED, 0, 8, 7, 1, -1, 1}
                             : (struct bnn_input_spec){.kind = BNN_INPUT_BINARY, .binarize_threshold = 128};
    for (int32_t p = 0; p < 256; p++) {
        int32_t q = bnn__quantize_pixel(&m->spec, (uint8_t)p);
        m->lut[p] = o->input_fixed ? (float)q / 128.0f : q ? 1.0f : -1.0f;
    }
    uint64_t rs = o->seed * 0x2545f4914f6cdd1dull + 7;
    const size_t B = (size_t)o->batch;
    m->x0 = fa(B * m->in_dim);
    int ok = m->x0 != NULL;
    for (int32_t l = 0; l < m->n && ok; l++) {
        struct mlayer *L = &m->L[l];
        L->in = l ? o->hidden[l - 1] : m->in_dim;
        L->out = l < o->n_hidden ? o->hidden[l] : o->n_classes;
        L->bn = l < o->n_hidden;
        size_t nw = (size_t)L->in * L->out;
        L->w = fa(nw), L->wb = fa(nw), L->dw = fa(nw), L->aw.m = fa(nw), L->aw.v = fa(nw);
        L->z = fa(B * L->out), L->y = fa(B * L->out), L->xhat = fa(B * L->out), L->a = fa(B * L->out);
        L->dz = fa(B * L->out), L->dx = fa(B * L->in), L->inv_std = fa((size_t)L->out);
        L->gamma = fa((size_t)L->out), L->beta = fa((size_t)L->out), L->dgamma = fa((size_t)L->out), L->dbeta = fa((size_t)L->out);
        L->ag.m = fa((size_t)L->out), L->ag.v = fa((size_t)L->out), L->ab.m = fa((size_t)L->out), L->ab.v = fa((size_t)L->out);
        L->run_mean = calloc((size_t)L->out, sizeof(double));
        L->run_var = calloc((size_t)L->out, sizeof(double));
        ok = L->w && L->wb && L->dw && L->aw.m && L->aw.v && L->z && L->y && L->xhat && L->a && L->dz && L->dx &&
             L->inv_std && L->gamma && L->beta && L->dgamma && L->dbeta && L->ag.m && L->ag.v && L->ab.m && L->ab.v &&
             L->run_mean && L->run_var;
        if (!ok) break;
        /* Glorot uniform, as BinaryNet: the latent weights start small, so signs can flip */
        double r = sqrt(6.0 / (L->in + L->out));
        for (size_t k = 0; k < nw; k++) {
            L->w[k] = (float)((2 * uniform(&rs) - 1) * r);
            L->wb[k] = L->w[k] >= 0 ? 1.0f : -1.0f;
        }
        for (int32_t c = 0; c < L->out; c++) L->gamma[c] = 1, L->run_var[c] = 1;
    }
    if (!ok) {
        bnn_mlp_free(m);
        return bnn_error(BNN_ERR_NOMEM, "out of memory for the training buffers");
    }
    /* logits of order 1 from the start: the last layer's +-1 sums grow as sqrt(fan-in) */
    m->log_scale = (float)(-0.5 * log((double)m->L[m->n - 1].in));
    *out = m;
    return BNN_OK;
}

static void load_batch(const struct bnn_mlp *m, const uint8_t *pixels, const int32_t *idx, int32_t nb)
{
    const int32_t d = m->in_dim;
#pragma omp parallel for schedule(static)
    for (int32_t b = 0; b < nb; b++) {
        const uint8_t *p = pixels + (size_t)idx[b] * d;
        float *x = m->x0 + (size_t)b * d;
        for (int32_t k = 0; k < d; k++) x[k] = m->lut[p[k]];
    }
}

/* Z = X W^T for nb rows */
static void matmul(const float *x, int32_t nb, const struct mlayer *L, float *z)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, L->out, L->in, 1.0f, x, L->in, L->wb, L->in, 0.0f, z, L->out);
}

/* Batch norm (batch statistics) + sign, keeping what the backward pass needs. */
static void bn_sign_train(struct mlayer *L, int32_t nb)
{
    const int32_t C = L->out;
#pragma omp parallel for schedule(static)
    for (int32_t c = 0; c < C; c++) {
        double s = 0, ss = 0;
        for (int32_t b = 0; b < nb; b++) s += L->z[(size_t)b * C + c];
        const double mu = s / nb;
        for (int32_t b = 0; b < nb; b++) {
            double dv = L->z[(size_t)b * C + c] - mu;
            ss += dv * dv;
        }
        const double var = ss / nb, is = 1.0 / sqrt(var + BN_EPS);
        L->inv_std[c] = (float)is;
        for (int32_t b = 0; b < nb; b++) {
            size_t k = (size_t)b * C + c;
            float xh = (float)((L->z[k] - mu) * is), y = L->gamma[c] * xh + L->beta[c];
            L->xhat[k] = xh;
            L->y[k] = y;
            L->a[k] = y >= 0 ? 1.0f : -1.0f;
        }
        L->run_mean[c] = 0.9 * L->run_mean[c] + 0.1 * mu;
        L->run_var[c] = 0.9 * L->run_var[c] + 0.1 * (nb > 1 ? ss / (nb - 1) : var);
    }
}

/* da (B x C, gradient of the sign output) -> dz, with the STE and BN's backward */
static void bn_sign_backward(struct mlayer *L, const float *da, int32_t nb)
{
    const int32_t C = L->out;
#pragma omp parallel for schedule(static)
    for (int32_t c = 0; c < C; c++) {
        double sdy = 0, sdyx = 0;
        for (int32_t b = 0; b < nb; b++) {
            size_t k = (size_t)b * C + c;
            float dy = fabsf(L->y[k]) <= 1 ? da[k] : 0; /* straight-through estimator of sign, clipped */
            L->dz[k] = dy;
            sdy += dy;
            sdyx += (double)dy * L->xhat[k];
        }
        L->dgamma[c] = (float)sdyx;
        L->dbeta[c] = (float)sdy;
        const double g = L->gamma[c], is = L->inv_std[c];
        for (int32_t b = 0; b < nb; b++) {
            size_t k = (size_t)b * C + c;
            double dxh = L->dz[k] * g;
            L->dz[k] = (float)(is / nb * (nb * dxh - g * sdy - L->xhat[k] * g * sdyx));
        }
    }
}

static void adam_step(float *p, const float *g, struct adam *a, size_t n, double lr, double bc1, double bc2, float lo, float hi)
{
#pragma omp parallel for schedule(static)
    for (size_t k = 0; k < n; k++) {
        a->m[k] = 0.9f * a->m[k] + 0.1f * g[k];
        a->v[k] = 0.999f * a->v[k] + 0.001f * g[k] * g[k];
        double step = lr * (a->m[k] / bc1) / (sqrt(a->v[k] / bc2) + 1e-8);
        float x = (float)(p[k] - step);
        p[k] = x < lo ? lo : x > hi ? hi : x;
    }
}

/* one batch: forward, loss, backward, update; returns the summed loss and counts the correct */
static double train_batch(struct bnn_mlp *m, const int32_t *labels, int32_t nb, double lr, int64_t t, int32_t *correct)
{
    const float *x = m->x0;
    for (int32_t l = 0; l < m->n; l++) {
        struct mlayer *L = &m->L[l];
        matmul(x, nb, L, L->z);
        if (L->bn) bn_sign_train(L, nb);
        x = L->bn ? L->a : L->z;
    }
    struct mlayer *T = &m->L[m->n - 1];
    const int32_t K = T->out;
    const double s = exp(m->log_scale);
    double loss = 0, ds = 0;
    for (int32_t b = 0; b < nb; b++) {
        float *z = T->z + (size_t)b * K, *dz = T->dz + (size_t)b * K;
        double mx = -INFINITY, sum = 0;
        int32_t best = 0;
        for (int32_t c = 0; c < K; c++) {
            if (z[c] > z[best]) best = c;
            mx = fmax(mx, s * z[c]);
        }
        *correct += best == labels[b];
        for (int32_t c = 0; c < K; c++) sum += exp(s * z[c] - mx);
        loss += log(sum) + mx - s * z[labels[b]];
        for (int32_t c = 0; c < K; c++) {
            double p = exp(s * z[c] - mx) / sum, g = (p - (c == labels[b])) / nb;
            ds += g * z[c] * s; /* d loss / d log_scale */
            dz[c] = (float)(g * s);
        }
    }
    /* backward through the layers */
    for (int32_t l = m->n - 1; l >= 0; l--) {
        struct mlayer *L = &m->L[l];
        const float *xin = l ? m->L[l - 1].a : m->x0;
        if (L->bn) bn_sign_backward(L, m->L[l + 1].dx, nb);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, L->out, L->in, nb, 1.0f, L->dz, L->out, xin, L->in, 0.0f,
                    L->dw, L->in);
        if (l)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nb, L->in, L->out, 1.0f, L->dz, L->out, L->wb, L->in,
                        0.0f, L->dx, L->in);
    }
    const double bc1 = 1 - pow(0.9, (double)t), bc2 = 1 - pow(0.999, (double)t);
    for (int32_t l = 0; l < m->n; l++) {
        struct mlayer *L = &m->L[l];
        size_t nw = (size_t)L->in * L->out;
        adam_step(L->w, L->dw, &L->aw, nw, lr, bc1, bc2, -1, 1);
#pragma omp parallel for schedule(static)
        for (size_t k = 0; k < nw; k++) L->wb[k] = L->w[k] >= 0 ? 1.0f : -1.0f;
        if (L->bn) {
            adam_step(L->gamma, L->dgamma, &L->ag, (size_t)L->out, lr, bc1, bc2, -1e3f, 1e3f);
            adam_step(L->beta, L->dbeta, &L->ab, (size_t)L->out, lr, bc1, bc2, -1e3f, 1e3f);
        }
    }
    float g = (float)ds;
    struct adam as = {&m->m_s, &m->v_s};
    adam_step(&m->log_scale, &g, &as, 1, lr, bc1, bc2, -20, 20);
    return loss;
}

/* ---- inference: the function the exported thresholds reproduce ---- */

/* BN + sign of inference mode: fires iff f(z) >= 0, all in doubles */
static double bn_f(const struct mlayer *L, int32_t c, double z)
{
    const double k = (double)L->gamma[c] / sqrt(L->run_var[c] + BN_EPS);
    return (z - L->run_mean[c]) * k + (double)L->beta[c];
}

static void infer_batch(const struct bnn_mlp *m, int32_t nb, float *buf_a, float *buf_b, int32_t *classes)
{
    const float *x = m->x0;
    for (int32_t l = 0; l < m->n; l++) {
        const struct mlayer *L = &m->L[l];
        float *z = l % 2 ? buf_b : buf_a;
        matmul(x, nb, L, z); /* integer sums (codes / 128 for a fixed-point input): exact in float */
        if (L->bn)
            for (size_t k = 0; k < (size_t)nb * L->out; k++) z[k] = bn_f(L, (int32_t)(k % L->out), z[k]) >= 0 ? 1.0f : -1.0f;
        x = z;
    }
    const int32_t K = m->L[m->n - 1].out;
    for (int32_t b = 0; b < nb; b++) {
        int32_t best = 0;
        for (int32_t c = 1; c < K; c++)
            if (x[(size_t)b * K + c] > x[(size_t)b * K + best]) best = c;
        classes[b] = best;
    }
}

enum bnn_status bnn_mlp_predict(const struct bnn_mlp *m, const uint8_t *pixels, int32_t n, int32_t *classes)
{
    int32_t widest = 0;
    for (int32_t l = 0; l < m->n; l++) widest = BNN_MAX(widest, m->L[l].out);
    const int32_t B = m->batch;
    float *a = fa((size_t)B * widest), *b = fa((size_t)B * widest);
    int32_t *idx = malloc((size_t)B * sizeof *idx);
    if (!a || !b || !idx) {
        free(a), free(b), free(idx);
        return bnn_error(BNN_ERR_NOMEM, "out of memory");
    }
    for (int32_t i = 0; i < n; i += B) {
        int32_t nb = BNN_MIN(B, n - i);
        for (int32_t k = 0; k < nb; k++) idx[k] = i + k;
        load_batch(m, pixels, idx, nb);
        infer_batch(m, nb, a, b, classes + i);
    }
    free(a), free(b), free(idx);
    return BNN_OK;
}

/* ---- training ---- */

enum bnn_status bnn_mlp_train(const struct bnn_images *imgs, const struct bnn_train_options *o, struct bnn_mlp **out,
                              struct bnn_train_epoch *epochs, int32_t *n_epochs)
{
    *out = NULL;
    if (n_epochs) *n_epochs = 0;
    if (o->n_hidden < 1 || o->n_hidden > BNN_TRAIN_MAX_HIDDEN) return bnn_error(BNN_ERR_INVALID_ARG, "train: 1..%d hidden layers", BNN_TRAIN_MAX_HIDDEN);
    for (int32_t i = 0; i < o->n_hidden; i++)
        if (o->hidden[i] < 1 || o->hidden[i] > 65536) return bnn_error(BNN_ERR_INVALID_ARG, "train: hidden width %d", o->hidden[i]);
    if (o->epochs < 1 || o->batch < 2 || o->n_classes < 2 || !(o->lr > 0) || o->lr_end < 0)
        return bnn_error(BNN_ERR_INVALID_ARG, "train: epochs >= 1, batch >= 2, classes >= 2 and a positive learning rate");
    int32_t n = o->limit > 0 && o->limit < imgs->n ? o->limit : imgs->n;
    const int32_t n_val = o->val > 0 && o->val < n ? o->val : 0, n_train = n - n_val;
    if (n_train < o->batch) return bnn_error(BNN_ERR_INVALID_ARG, "train: %d training images for batches of %d", n_train, o->batch);
    for (int32_t i = 0; i < n; i++)
        if (imgs->labels[i] < 0 || imgs->labels[i] >= o->n_classes)
            return bnn_error(BNN_ERR_INVALID_ARG, "train: image %d has label %d, outside 0..%d (--labels)", i, imgs->labels[i], o->n_classes - 1);
    if (o->threads > 0) {
        omp_set_num_threads(o->threads);
        openblas_set_num_threads(o->threads);
    }
    struct bnn_mlp *m = NULL;
    enum bnn_status st = mlp_new(imgs, o, &m);
    if (st) return st;
    int32_t *idx = malloc((size_t)n_train * sizeof *idx), *lab = malloc((size_t)o->batch * sizeof *lab);
    int32_t *pred = malloc((size_t)(n_val ? n_val : 1) * sizeof *pred);
    if (!idx || !lab || !pred) {
        st = bnn_error(BNN_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int32_t i = 0; i < n_train; i++) idx[i] = i;
    uint64_t rs = o->seed;
    const int64_t per_epoch = n_train / o->batch, total = per_epoch * o->epochs;
    int64_t t = 0;
    for (int32_t ep = 1; ep <= o->epochs; ep++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int32_t i = n_train - 1; i > 0; i--) { /* Fisher-Yates, one seeded stream */
            int32_t j = (int32_t)(splitmix(&rs) % (uint64_t)(i + 1)), tmp = idx[i];
            idx[i] = idx[j], idx[j] = tmp;
        }
        struct bnn_train_epoch e = {.epoch = ep, .val_acc = -1};
        double loss = 0;
        int32_t correct = 0;
        for (int64_t bi = 0; bi < per_epoch; bi++) {
            if (o->stop && *o->stop) {
                st = bnn_error(BNN_ERR_INVALID_ARG, "train: stopped in epoch %d", ep);
                goto done;
            }
            t++;
            e.lr = o->lr_end + 0.5 * (o->lr - o->lr_end) * (1 + cos(M_PI * (double)(t - 1) / (double)total));
            const int32_t *bidx = idx + bi * o->batch;
            for (int32_t b = 0; b < o->batch; b++) lab[b] = imgs->labels[bidx[b]];
            load_batch(m, imgs->pixels, bidx, o->batch);
            loss += train_batch(m, lab, o->batch, e.lr, t, &correct);
            if (o->progress && (bi % 20 == 19) && bi + 1 < per_epoch) {
                clock_gettime(CLOCK_MONOTONIC, &t1);
                e.seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
                e.loss = loss / ((double)(bi + 1) * o->batch);
                e.train_acc = (double)correct / ((double)(bi + 1) * o->batch);
                e.images_per_s = e.seconds > 0 ? (double)(bi + 1) * o->batch / e.seconds : 0;
                o->progress(&e, bi + 1, per_epoch, o->ctx);
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        e.seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        e.loss = loss / ((double)per_epoch * o->batch);
        e.train_acc = (double)correct / ((double)per_epoch * o->batch);
        e.images_per_s = e.seconds > 0 ? (double)per_epoch * o->batch / e.seconds : 0;
        if (n_val) {
            if ((st = bnn_mlp_predict(m, imgs->pixels + (size_t)n_train * m->in_dim, n_val, pred))) goto done;
            int32_t ok = 0;
            for (int32_t i = 0; i < n_val; i++) ok += pred[i] == imgs->labels[n_train + i];
            e.val_acc = (double)ok / n_val;
        }
        if (epochs) epochs[ep - 1] = e;
        if (n_epochs) *n_epochs = ep;
        if (o->progress) o->progress(&e, per_epoch, per_epoch, o->ctx);
    }
done:
    free(idx), free(lab), free(pred);
    if (st) {
        bnn_mlp_free(m);
        return st;
    }
    *out = m;
    return BNN_OK;
}

/* ---- export ---- */

/* The first accumulator value on [lo, hi] where the BN + sign fires, with
 * z(acc) = za * acc + zb; hi + 1 when none does. f(z(acc)) is monotone. */
static int64_t first_firing(const struct mlayer *L, int32_t c, double za, double zb, int64_t lo, int64_t hi)
{
    if (bn_f(L, c, za * (double)hi + zb) < 0) return hi + 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (bn_f(L, c, za * (double)mid + zb) >= 0) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

enum bnn_status bnn_mlp_export(const struct bnn_mlp *m, const char *name, const char *description,
                               const char *const *class_names, struct bnn_net **out)
{
    *out = NULL;
    struct bnn_net *net = bnn__calloc(1, sizeof *net);
    if (!net) return BNN_ERR_NOMEM;
    snprintf(net->name, sizeof net->name, "%s", name);
    net->description = description ? bnn__strdup(description) : NULL;
    net->n_layers = m->n + 2;
    net->layers = bnn__calloc((size_t)net->n_layers, sizeof *net->layers);
    net->n_classes = m->n_classes;
    net->class_names = bnn__calloc((size_t)m->n_classes, sizeof *net->class_names);
    enum bnn_status st = BNN_ERR_NOMEM;
    if (!net->layers || !net->class_names) goto fail;
    for (int32_t i = 0; i < m->n_classes; i++) {
        char b[16];
        snprintf(b, sizeof b, "%d", i);
        if (!(net->class_names[i] = bnn__strdup(class_names ? class_names[i] : b))) goto fail;
    }
    struct bnn_layer *in = &net->layers[0];
    snprintf(in->name, sizeof in->name, "in");
    in->kind = BNN_LAYER_INPUT;
    in->out = (struct bnn_shape){m->in_h, m->in_w, m->in_c};
    in->input = m->spec;
    for (int32_t l = 0; l < m->n; l++) {
        const struct mlayer *M = &m->L[l];
        struct bnn_layer *L = &net->layers[l + 1];
        snprintf(L->name, sizeof L->name, "fc%d", l);
        snprintf(L->weights_tensor, sizeof L->weights_tensor, "fc%d.W", l);
        L->kind = BNN_LAYER_FC;
        L->mh = M->out;
        L->mw = M->in;
        L->weights = malloc((size_t)M->in * M->out);
        if (!L->weights) goto fail;
        for (size_t k = 0; k < (size_t)M->in * M->out; k++) L->weights[k] = M->wb[k] > 0;
        if (!M->bn) {
            L->act = BNN_ACT_RAW;
            continue;
        }
        L->act = BNN_ACT_THRESHOLD;
        L->n_thr = 1;
        snprintf(L->thresholds_tensor, sizeof L->thresholds_tensor, "fc%d.T", l);
        L->thresholds = malloc((size_t)M->out * sizeof *L->thresholds);
        if (!L->thresholds) goto fail;
        const int fixed = l == 0 && m->input_fixed;
        /* the trainer's z in bnnsim's accumulator: popcount (z = 2 pop - MW) or code sum (z = acc / 128) */
        const int64_t lo = fixed ? -(int64_t)128 * M->in : 0, hi = fixed ? (int64_t)128 * M->in : M->in;
        for (int32_t c = 0; c < M->out; c++) {
            const double k = (double)M->gamma[c] / sqrt(M->run_var[c] + BN_EPS);
            double za = fixed ? 1.0 / 128 : 2.0, zb = fixed ? 0 : -(double)M->in;
            if (k < 0) { /* a falling slope: negate the row (acc' = MW - pop, or -acc), as FINN does */
                for (int32_t j = 0; j < M->in; j++) L->weights[(size_t)c * M->in + j] ^= 1;
                zb = fixed ? 0 : (double)M->in;
                za = -za;
            }
            L->thresholds[c] = k == 0 ? (bn_f(M, c, 0) >= 0 ? lo : hi + 1) : first_firing(M, c, za, zb, lo, hi);
        }
        L->thr_frac = fixed ? m->spec.frac : 0; /* compared against acc with the input's fraction bits */
        int64_t tlo = 0, thi = 0;
        for (int32_t c = 0; c < M->out; c++) tlo = BNN_MIN(tlo, L->thresholds[c]), thi = BNN_MAX(thi, L->thresholds[c]);
        L->thr_bits = bnn__signed_bits(tlo, thi);
    }
    struct bnn_layer *top = &net->layers[m->n + 1];
    snprintf(top->name, sizeof top->name, "top");
    top->kind = BNN_LAYER_LABELSELECT;
    top->top_k = 1;
    if ((st = bnn_net_finalize(net, name))) goto fail;
    *out = net;
    return BNN_OK;
fail:
    if (st == BNN_ERR_NOMEM) bnn_error(st, "out of memory");
    bnn_net_free(net);
    return st;
}
