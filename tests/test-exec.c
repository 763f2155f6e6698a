/* The executor: reference vs float engine on every layer of many random
 * networks; thread-count and batch-size invariance; kernels vs a naive loop;
 * the exact input quantisation and threshold rules. */
#include "test-util.h"
#include "kernels/kernels.h"
#include "exec/plan-impl.h"
#include "core/util.h"
#include <math.h>

#include "test-nets.h"

/* Pairings of a matrix layer's input and weights, for the coverage counts. */
enum { PAIR_XNOR, PAIR_DOT, PAIR_BITS_INTW, PAIR_INT_BIPOLAR, PAIR_INT_INTW, N_PAIRS };
static const char *const pair_names[N_PAIRS] = {"bits x bipolar (XNOR)", "bits x bipolar (dot)", "bits x integer",
                                                "integer x bipolar", "integer x integer"};

static int pairing(const struct bnn_layer *L)
{
    if (L->in_type == BNN_VT_BITS)
        return L->w_bits > 1 ? PAIR_BITS_INTW : L->acc_kind == BNN_ACC_DOT ? PAIR_DOT : PAIR_XNOR;
    return L->w_bits > 1 ? PAIR_INT_INTW : PAIR_INT_BIPOLAR;
}

static int planes_layers;

/* Nets first..first+count-1 of gen: the reference engine (each kernel variant
 * in turn, 1 or 2 threads splitting every layer) against the float engine,
 * every layer of 3 images. */
static void ref_vs_float(struct bnn_net *(*gen)(int), int first, int count, int pairs[N_PAIRS], int *layers, int *values)
{
    for (int v = first; v < first + count; v++) {
        struct bnn_net *net = gen(v);
        ASSERT_OK(bnn_net_finalize(net, "random"));
        struct bnn_plan *ref, *flt;
        int n_var;
        const struct bnn_kernel_variant *vars = bnn__kernel_variants(&n_var);
        const struct bnn_kernel_variant *var = &vars[v % n_var];
        if (!var->available()) var = &vars[0];
        setenv("BNNSIM_ISA", var->k.isa, 1);
        if (v % 2) setenv("BNNSIM_PLANES", "1", 1); /* the bit-plane variant on every other net */
        struct bnn_plan_options o = {BNN_ENGINE_REF, 1 + (v / 4) % 2}, of = {BNN_ENGINE_FLOAT, 1};
        ASSERT_OK(bnn_plan_create(net, &o, &ref));
        ref->split_work = 0; /* with 2 threads, split every layer of an image */
        unsetenv("BNNSIM_ISA");
        unsetenv("BNNSIM_PLANES");
        for (int32_t li = 0; li < net->n_layers; li++) planes_layers += ref->pl[li].path == BNN_PATH_PLANES;
        ASSERT_OK(bnn_plan_create(net, &of, &flt));
        const struct bnn_shape in = net->layers[0].out;
        size_t img = (size_t)in.h * in.w * in.c;
        uint8_t *px = malloc(img);
        for (int im = 0; im < 3; im++) {
            for (size_t k = 0; k < img; k++) px[k] = (uint8_t)rnd();
            ASSERT_OK(bnn_plan_run(ref, px, 1, NULL, NULL));
            ASSERT_OK(bnn_plan_run(flt, px, 1, NULL, NULL));
            for (int32_t li = 0; li < net->n_layers; li++) {
                const struct bnn_layer *L = &net->layers[li];
                size_t n = (size_t)L->out.h * L->out.w * L->out.c;
                int32_t *a = malloc(n * 4), *b = malloc(n * 4);
                ASSERT_OK(bnn_plan_layer_output(ref, li, a));
                ASSERT_OK(bnn_plan_layer_output(flt, li, b));
                for (size_t k = 0; k < n; k++)
                    if (a[k] != b[k])
                        fail_msg("net %d (%s, %s kernels), image %d, layer %d '%s' (%s, %dx%dx%d, %d-bit weights): first "
                                 "difference at value %zu (y %zu, x %zu, c %zu): ref %d, float %d", v, net->name,
                                 var->k.isa, im, li, L->name, bnn_layer_kind_str(L->kind), L->out.h, L->out.w, L->out.c,
                                 L->w_bits, k, k / L->out.c / L->out.w, k / L->out.c % L->out.w, k % L->out.c, a[k], b[k]);
                if (im == 0 && (L->kind == BNN_LAYER_CONV || L->kind == BNN_LAYER_FC)) pairs[pairing(L)]++;
                *values += (int)n;
                (*layers)++;
                free(a);
                free(b);
            }
        }
        free(px);
        /* a batch of 40 (groups of 32 and a rest) gives each image's scores of a run alone */
        const int nb = 40, ns = bnn_plan_n_scores(ref);
        uint8_t *bx = malloc(img * nb);
        int32_t *sb = malloc((size_t)nb * ns * 4), *s1 = malloc((size_t)ns * 4);
        for (size_t k = 0; k < img * nb; k++) bx[k] = (uint8_t)rnd();
        ASSERT_OK(bnn_plan_run(ref, bx, nb, sb, NULL));
        for (int im = 0; im < nb; im += 13) {
            ASSERT_OK(bnn_plan_run(flt, bx + (size_t)im * img, 1, s1, NULL));
            for (int k = 0; k < ns; k++)
                if (sb[(size_t)im * ns + k] != s1[k])
                    fail_msg("net %d (%s kernels): image %d of a batch of %d, score %d: %d, alone (float) %d", v, var->k.isa,
                             im, nb, k, sb[(size_t)im * ns + k], s1[k]);
        }
        free(bx), free(sb), free(s1);
        bnn_plan_free(ref);
        bnn_plan_free(flt);
        bnn_net_free(net);
    }
}

static void test_ref_equals_float_every_layer(void **state)
{
    (void)state;
    int pairs[N_PAIRS] = {0}, layers = 0, values = 0;
    ref_vs_float(random_net, 0, 180, pairs, &layers, &values);
    printf("  ref == float on 180 random nets, %d layer outputs, %d values\n", layers, values);
}

/* Multi-bit layers: every pairing on 300+ random layers, each kernel variant */
static void test_multibit_ref_equals_float(void **state)
{
    (void)state;
    int pairs[N_PAIRS] = {0}, layers = 0, values = 0;
    ref_vs_float(random_mb_net, 0, 900, pairs, &layers, &values);
    printf("  ref == float on 900 multi-bit nets, %d layer outputs, %d values; matrix layers per pairing:", layers, values);
    for (int k = 0; k < N_PAIRS; k++) printf(" %s %d%s", pair_names[k], pairs[k], k + 1 < N_PAIRS ? "," : "\n");
    for (int k = 0; k < N_PAIRS; k++)
        if (pairs[k] < 300) fail_msg("only %d random layers of pairing %s (want 300+)", pairs[k], pair_names[k]);
    printf("  %d of them on the bit-plane variant\n", planes_layers);
    if (planes_layers < 200) fail_msg("only %d layers took the bit-plane path", planes_layers);
}

static void test_threads_and_batches_same_bits(void **state)
{
    (void)state;
    for (int v = 0; v < 24; v++) {
        struct bnn_net *net = random_net(v + 500);
        ASSERT_OK(bnn_net_finalize(net, "random"));
        const struct bnn_shape in = net->layers[0].out;
        size_t img = (size_t)in.h * in.w * in.c;
        const int32_t N = 13;
        uint8_t *px = malloc(img * N);
        for (size_t k = 0; k < img * N; k++) px[k] = (uint8_t)rnd();
        int32_t *s1 = NULL, *s2 = NULL, ns = 0;
        struct bnn_result r1[13], r2[13];
        /* 1 thread image by image (the baseline); 2 and 3 threads on the
         * whole batch (groups); 2 threads image by image (rows split) */
        for (int mode = 0; mode < 4; mode++) {
            const int threads = mode == 0 ? 1 : mode == 3 ? 2 : mode + 1, one_by_one = mode == 0 || mode == 3;
            struct bnn_plan *p;
            struct bnn_plan_options o = {BNN_ENGINE_REF, threads};
            ASSERT_OK(bnn_plan_create(net, &o, &p));
            p->split_work = 0;
            ns = bnn_plan_n_scores(p);
            int32_t *s = calloc((size_t)N * ns, 4);
            struct bnn_result *r = mode == 0 ? r1 : r2;
            if (one_by_one) {
                for (int32_t i = 0; i < N; i++) ASSERT_OK(bnn_plan_run(p, px + i * img, 1, s + i * ns, r + i));
            } else {
                ASSERT_OK(bnn_plan_run(p, px, N, s, r));
            }
            if (mode == 0) {
                s1 = s;
            } else {
                for (int32_t k = 0; k < N * ns; k++)
                    if (s[k] != s1[k]) fail_msg("net %d: %d threads batch %d: image %d score %d: %d vs batch-1 %d", v,
                                                threads, one_by_one ? 1 : N, k / ns, k % ns, s[k], s1[k]);
                for (int32_t i = 0; i < N; i++) assert_int_equal(r2[i].class_index, r1[i].class_index);
                free(s);
            }
            s2 = s;
            bnn_plan_free(p);
        }
        (void)s2;
        free(s1);
        free(px);
        bnn_net_free(net);
    }
}

static void test_kernels_vs_naive(void **state)
{
    (void)state;
    int n_var;
    const struct bnn_kernel_variant *vars = bnn__kernel_variants(&n_var);
    for (int vi = 0; vi < n_var; vi++) {
        const struct bnn_kernels *K = &vars[vi].k;
        if (!vars[vi].available()) {
            printf("  skipped kernel variant %s: this CPU lacks it\n", K->isa);
            continue;
        }
        for (int t = 0; t < 300; t++) {
            /* mostly small; some with up to 1024 channels and 40 rows, some
             * with 70,000-bit rows; every fourth reads segmented rows from a
             * "map" the way a convolution does */
            int big = t >= 200, seg_rows = t % 4 == 3;
            int32_t m = rint_(1, t >= 290 ? 3 : big ? 40 : 9), n = rint_(1, t >= 290 ? 12 : big ? 1024 : 9);
            int32_t mw = rint_(1, t >= 290 ? 70000 : t % 10 == 0 ? 1100 : 200), kw = (mw + 63) / 64;
            int32_t seg = kw, gap = 0, *row_off = NULL;
            size_t lda = (size_t)kw + (size_t)rint_(0, 3), a_words = (size_t)m * lda;
            if (seg_rows) { /* kw words in nseg runs of seg, gap apart; every bit counts */
                int32_t nseg = rint_(1, 4);
                seg = rint_(1, big ? 20 : 4), kw = nseg * seg, mw = kw * 64, gap = seg + rint_(0, 5);
                a_words = (size_t)rint_(1, 50) + (size_t)(nseg - 1) * gap + (size_t)seg;
                row_off = calloc((size_t)m, sizeof *row_off);
                for (int32_t i = 0; i < m; i++) row_off[i] = rint_(0, (int32_t)(a_words - (size_t)(nseg - 1) * gap - seg));
            }
            uint64_t *a = calloc(a_words, 8), *w = calloc((size_t)n * kw, 8);
            for (size_t k = 0; k < a_words; k++) a[k] = rnd();
            if (!seg_rows) /* plain rows: zero past mw */
                for (int32_t i = 0; i < m; i++)
                    for (int32_t c = mw; c < (int32_t)lda * 64; c++) a[i * lda + c / 64] &= ~(1ull << (c % 64));
            for (int32_t j = 0; j < n; j++)
                for (int32_t c = 0; c < mw; c++)
                    if (rnd() & 1) w[j * kw + c / 64] |= 1ull << (c % 64);
            /* naive agreement counts */
            int32_t *want = calloc((size_t)m * n, 4);
            for (int32_t i = 0; i < m; i++)
                for (int32_t j = 0; j < n; j++) {
                    int32_t agree = 0;
                    for (int32_t c = 0; c < mw; c++) {
                        int32_t k = c / 64;
                        size_t word = seg_rows ? (size_t)row_off[i] + (size_t)(k / seg) * gap + k % seg : i * lda + k;
                        agree += ((a[word] >> (c % 64)) & 1) == ((w[j * kw + k] >> (c % 64)) & 1);
                    }
                    want[i * n + j] = agree;
                }
            uint64_t *wp = calloc(K->xnor_pack_words(n, kw) + 1, 8);
            K->xnor_pack(n, kw, w, kw, wp);
            struct bnn_rows rows = {a, lda, row_off, seg, gap};
            int32_t *acc = calloc((size_t)m * n, 4), wpp = (n + 63) / 64, *thr = calloc((size_t)n, 4);
            K->xnor_gemm(m, n, kw, mw, &rows, wp, &(struct bnn_gemm_out){.acc = acc, .ldc = (size_t)n});
            for (int32_t i = 0; i < m; i++)
                for (int32_t j = 0; j < n; j++)
                    if (acc[i * n + j] != want[i * n + j])
                        fail_msg("%s xnor_gemm m=%d n=%d mw=%d seg=%d gap=%d: element (%d,%d) = %d, naive %d", K->isa, m, n,
                                 mw, seg, gap, i, j, acc[i * n + j], want[i * n + j]);
            /* fused thresholds, and threshold_pack on the same accumulators */
            for (int32_t j = 0; j < n; j++) thr[j] = rint_(-5, mw + 5);
            uint64_t *bits = calloc((size_t)m * wpp + 1, 8), *bits2 = calloc((size_t)m * wpp, 8);
            for (int32_t k = 0; k < m * wpp; k++) bits[k] = ~0ull; /* every bit must be written */
            K->xnor_gemm(m, n, kw, mw, &rows, wp, &(struct bnn_gemm_out){.thr = thr, .bits = bits, .ldo = (size_t)wpp});
            K->threshold_pack(m, n, acc, n, thr, bits2, wpp);
            for (int32_t i = 0; i < m; i++)
                for (int32_t j = 0; j < wpp * 64; j++) {
                    int fused = (bits[i * wpp + j / 64] >> (j % 64)) & 1, packed = (bits2[i * wpp + j / 64] >> (j % 64)) & 1;
                    int ok = j < n && want[i * n + j] >= thr[j];
                    if (fused != ok || packed != ok)
                        fail_msg("%s xnor_gemm+threshold m=%d n=%d: element (%d,%d) = %d (threshold_pack %d), naive %d (acc %d, T %d)",
                                 K->isa, m, n, i, j, fused, packed, ok, j < n ? want[i * n + j] : 0, j < n ? thr[j] : 0);
                }
            free(wp), free(want), free(acc), free(bits), free(bits2), free(row_off);

            /* byte codes (u8_gemm) and int32 codes (fixed_gemm) against the same weights */
            if (!seg_rows) {
                size_t ldb = bnn_u8_row_bytes(mw) + 4 * (size_t)rint_(0, 2);
                uint8_t *x8 = calloc((size_t)m * ldb, 1);
                int32_t *x = calloc((size_t)m * mw, 4);
                for (size_t k = 0; k < (size_t)m * ldb; k++) x8[k] = (uint8_t)rnd(); /* bytes past mw too */
                for (int32_t i = 0; i < m; i++)
                    for (int32_t c = 0; c < mw; c++) x[i * mw + c] = x8[i * ldb + c] - 128;
                int32_t *dot = calloc((size_t)m * n, 4), *udot = calloc((size_t)m * n, 4);
                for (int32_t i = 0; i < m; i++)
                    for (int32_t j = 0; j < n; j++)
                        for (int32_t c = 0; c < mw; c++) {
                            int wb = (w[j * kw + c / 64] >> (c % 64)) & 1;
                            dot[i * n + j] += wb ? x[i * mw + c] : -x[i * mw + c];
                            udot[i * n + j] += wb ? x8[i * ldb + c] : -x8[i * ldb + c];
                        }
                int8_t *w8 = calloc(K->u8_pack_bytes(n, mw) + 64, 1), *wpm = calloc((size_t)n * mw + 1, 1);
                for (int32_t j = 0; j < n; j++)
                    for (int32_t c = 0; c < mw; c++) wpm[j * mw + c] = (w[j * kw + c / 64] >> (c % 64)) & 1 ? 1 : -1;
                K->u8_pack(n, mw, wpm, mw, w8);
                K->u8_gemm(m, n, mw, x8, ldb, w8, &(struct bnn_gemm_out){.acc = acc = calloc((size_t)m * n, 4), .ldc = (size_t)n});
                { /* integer weights through the byte kernel: |w| <= 64 keeps AVX2's int16 pair sums exact */
                    int8_t *wv = calloc((size_t)n * mw + 1, 1), *wvp = calloc(K->u8_pack_bytes(n, mw) + 64, 1);
                    int32_t *vd = calloc((size_t)m * n, 4), *va = calloc((size_t)m * n, 4);
                    for (int32_t k2 = 0; k2 < n * mw; k2++) wv[k2] = (int8_t)rint_(-64, 63);
                    for (int32_t i = 0; i < m; i++)
                        for (int32_t j = 0; j < n; j++)
                            for (int32_t c = 0; c < mw; c++) vd[i * n + j] += x8[i * ldb + c] * wv[j * mw + c];
                    K->u8_pack(n, mw, wv, mw, wvp);
                    K->u8_gemm(m, n, mw, x8, ldb, wvp, &(struct bnn_gemm_out){.acc = va, .ldc = (size_t)n});
                    for (int32_t k2 = 0; k2 < m * n; k2++)
                        if (va[k2] != vd[k2])
                            fail_msg("%s u8_gemm, integer weights, m=%d n=%d k=%d: element (%d,%d) = %d, naive %d", K->isa, m,
                                     n, mw, k2 / n, k2 % n, va[k2], vd[k2]);
                    free(wv), free(wvp), free(vd), free(va);
                }
                free(wpm);
                int32_t *acc2 = calloc((size_t)m * n, 4), *acc3 = calloc((size_t)m * n, 4);
                K->fixed_gemm(m, n, mw, x, mw, w, kw, acc2, n);
                /* int_gemm: the same products with the weights as int8 +-1, then as wider integers */
                int8_t *wi = calloc((size_t)n * mw + 16, 1);
                int32_t *idot = calloc((size_t)m * n, 4);
                const int wide = rnd() & 1;
                for (int32_t j = 0; j < n; j++)
                    for (int32_t c = 0; c < mw; c++)
                        wi[j * mw + c] = wide ? (int8_t)rint_(-128, 127) : ((w[j * kw + c / 64] >> (c % 64)) & 1 ? 1 : -1);
                for (int32_t i = 0; i < m; i++)
                    for (int32_t j = 0; j < n; j++)
                        for (int32_t c = 0; c < mw; c++) idot[i * n + j] += x[i * mw + c] * wi[j * mw + c];
                K->int_gemm(m, n, mw, x, mw, wi, mw, acc3, n);
                for (int32_t k = 0; k < m * n; k++)
                    if (acc3[k] != idot[k])
                        fail_msg("%s int_gemm m=%d n=%d k=%d: element (%d,%d) = %d, naive %d", K->isa, m, n, mw, k / n, k % n,
                                 acc3[k], idot[k]);
                free(wi), free(idot), free(acc3);
                for (int32_t j = 0; j < n; j++) thr[j] = udot[j] + rint_(-40, 40);
                bits = calloc((size_t)m * wpp, 8);
                for (int32_t k = 0; k < m * wpp; k++) bits[k] = ~0ull;
                K->u8_gemm(m, n, mw, x8, ldb, w8, &(struct bnn_gemm_out){.thr = thr, .bits = bits, .ldo = (size_t)wpp});
                for (int32_t i = 0; i < m; i++)
                    for (int32_t j = 0; j < wpp * 64; j++) {
                        if (j < n && acc[i * n + j] != udot[i * n + j])
                            fail_msg("%s u8_gemm m=%d n=%d k=%d: element (%d,%d) = %d, naive %d", K->isa, m, n, mw, i, j,
                                     acc[i * n + j], udot[i * n + j]);
                        if (j < n && acc2[i * n + j] != dot[i * n + j])
                            fail_msg("%s fixed_gemm m=%d n=%d k=%d: element (%d,%d) = %d, naive %d", K->isa, m, n, mw, i, j,
                                     acc2[i * n + j], dot[i * n + j]);
                        int got = (bits[i * wpp + j / 64] >> (j % 64)) & 1, ok = j < n && udot[i * n + j] >= thr[j];
                        if (got != ok)
                            fail_msg("%s u8_gemm+threshold m=%d n=%d: element (%d,%d) = %d, naive %d (acc %d, T %d)", K->isa,
                                     m, n, i, j, got, ok, j < n ? udot[i * n + j] : 0, j < n ? thr[j] : 0);
                    }
                free(x8), free(x), free(dot), free(udot), free(w8), free(acc), free(acc2), free(bits);
            }
            free(thr), free(a), free(w);
        }
        /* multi_threshold: lengths around the vector widths, 1..7 thresholds, both outputs, extreme thresholds */
        for (int32_t len = 1; len <= 300; len += len < 40 ? 1 : 29) {
            const int32_t nt = rint_(1, 7), ldt = len + rint_(0, 5);
            int32_t *acc = malloc((size_t)len * 4), *thr = malloc((size_t)nt * ldt * 4), *want = malloc((size_t)len * 4),
                    *got = malloc((size_t)len * 4 + 64);
            uint8_t *gb = malloc((size_t)len + 64);
            for (int32_t r = 0; r < len; r++) acc[r] = rint_(-50, 50);
            for (int32_t k = 0; k < nt * ldt; k++)
                thr[k] = rnd() % 9 == 0 ? (rnd() & 1 ? INT32_MAX : -INT32_MAX) : rint_(-40, 40);
            const int32_t base = rint_(-2, 100);
            for (int32_t r = 0; r < len; r++) {
                want[r] = base;
                for (int32_t t = 0; t < nt; t++) want[r] += acc[r] >= thr[(size_t)t * ldt + r];
            }
            K->multi_threshold(len, nt, acc, thr, (size_t)ldt, base, 0, got);
            K->multi_threshold(len, nt, acc, thr, (size_t)ldt, base + 2, 1, gb);
            for (int32_t r = 0; r < len; r++) {
                if (got[r] != want[r]) fail_msg("%s multi_threshold n=%d nt=%d: row %d = %d, naive %d", K->isa, len, nt, r, got[r], want[r]);
                if (gb[r] != (uint8_t)(want[r] + 2))
                    fail_msg("%s multi_threshold (bytes) n=%d nt=%d: row %d = %d, naive %d", K->isa, len, nt, r, gb[r], want[r] + 2);
            }
            free(acc), free(thr), free(want), free(got), free(gb);
        }
        /* binarize: every length around the vector widths, every kind of threshold */
        for (int32_t len = 1; len <= 300; len += len < 70 ? 1 : 37) {
            uint8_t px[300];
            uint64_t out[5];
            for (int32_t i = 0; i < len; i++) px[i] = (uint8_t)rnd();
            int32_t th = len % 3 == 0 ? 1 : len % 3 == 1 ? 255 : rint_(1, 255);
            memset(out, 0xff, sizeof out);
            K->binarize(len, px, th, out);
            for (int32_t i = 0; i < (len + 63) / 64 * 64; i++) {
                int got = (out[i / 64] >> (i % 64)) & 1, ok = i < len && px[i] >= th;
                if (got != ok) fail_msg("%s binarize n=%d t=%d: bit %d = %d, naive %d", K->isa, len, th, i, got, ok);
            }
        }
    }
}

static void test_quantisation_rule(void **state)
{
    (void)state;
    /* CNV's Q1.7 input: q = p-128 (p <= 127), p-127 (128..254), 127 (255). */
    struct bnn_input_spec s = {BNN_INPUT_FIXED, 0, 8, 7, true, -1, 1};
    for (int p = 0; p < 256; p++) {
        int want = p <= 127 ? p - 128 : p <= 254 ? p - 127 : 127;
        if (bnn__quantize_pixel(&s, (uint8_t)p) != want)
            fail_msg("pixel %d -> %d, expected %d", p, bnn__quantize_pixel(&s, (uint8_t)p), want);
    }
    struct bnn_input_spec b = {.kind = BNN_INPUT_BINARY, .binarize_threshold = 128};
    assert_int_equal(bnn__quantize_pixel(&b, 127), 0);
    assert_int_equal(bnn__quantize_pixel(&b, 128), 1);
    /* unsigned 4-bit, frac 2, range [0, 3]: v = 3p/255, q = round(4v) capped at 15 */
    struct bnn_input_spec u = {BNN_INPUT_FIXED, 0, 4, 2, false, 0, 3};
    assert_int_equal(bnn__quantize_pixel(&u, 0), 0);
    assert_int_equal(bnn__quantize_pixel(&u, 255), 12);
    assert_int_equal(bnn__quantize_pixel(&u, 11), 1); /* 4*3*11/255 = 0.517 -> 1 */
    assert_int_equal(bnn__quantize_pixel(&u, 10), 0); /* 0.47 -> 0 */
}

static void test_threshold_rule(void **state)
{
    (void)state;
    int64_t t[3] = {-5, 0, 7};
    assert_int_equal(bnn__threshold_count(t, 3, -6, 0, 0), 0);
    assert_int_equal(bnn__threshold_count(t, 3, -5, 0, 0), 1); /* T <= acc: equal fires */
    assert_int_equal(bnn__threshold_count(t, 3, 7, 0, 0), 3);
    /* T with 8 fraction bits against acc with 7: T <= 2 acc */
    int64_t t8[1] = {201};
    assert_int_equal(bnn__threshold_count(t8, 1, 100, 0, 1), 0);
    assert_int_equal(bnn__threshold_count(t8, 1, 101, 0, 1), 1);
}

/* A network small enough to check by hand: 2x2x1 binary input, fc 4->2 with
 * one padding column, thresholds 3 and 1, raw second layer. */
static void test_hand_checked(void **state)
{
    (void)state;
    struct bnn_net *net = calloc(1, sizeof *net);
    net->n_layers = 4;
    net->layers = calloc(4, sizeof *net->layers);
    net->n_classes = 2;
    net->class_names = calloc(2, sizeof(char *));
    net->class_names[0] = strdup("a");
    net->class_names[1] = strdup("b");
    struct bnn_layer *L = net->layers;
    snprintf(L[0].name, 64, "in");
    L[0].out = (struct bnn_shape){2, 2, 1};
    L[0].input = (struct bnn_input_spec){.kind = BNN_INPUT_BINARY, .binarize_threshold = 100};
    snprintf(L[1].name, 64, "fc0");
    L[1].kind = BNN_LAYER_FC;
    L[1].mh = 2, L[1].mw = 5, L[1].in_pad = 1, L[1].in_pad_value = 0;
    static const uint8_t w0[10] = {1, 1, 0, 0, 1, /* row 1 */ 0, 1, 0, 1, 0};
    L[1].weights = malloc(10), memcpy(L[1].weights, w0, 10);
    L[1].n_thr = 1, L[1].thr_bits = 8;
    L[1].thresholds = malloc(16), L[1].thresholds[0] = 3, L[1].thresholds[1] = 1;
    snprintf(L[2].name, 64, "fc1");
    L[2].kind = BNN_LAYER_FC;
    L[2].mh = 2, L[2].mw = 2, L[2].act = BNN_ACT_RAW;
    static const uint8_t w1[4] = {1, 1, 0, 1};
    L[2].weights = malloc(4), memcpy(L[2].weights, w1, 4);
    snprintf(L[3].name, 64, "top");
    L[3].kind = BNN_LAYER_LABELSELECT, L[3].top_k = 2;
    ASSERT_OK(bnn_net_finalize(net, "hand"));
    /* pixels 200, 50, 150, 10 -> bits 1 0 1 0, padded with 0: x = 1 0 1 0 0
       row0 w = 1 1 0 0 1: agree at c0, c3 -> 2 -> 3 <= 2? no -> 0
       row1 w = 0 1 0 1 0: agrees only at c4 -> 1 -> 1 <= 1 -> 1
       fc1 x = 0 1: row0 w = 1 1 -> agree 1; row1 w = 0 1 -> agree 2. */
    const uint8_t px[4] = {200, 50, 150, 10};
    for (int e = 0; e < 2; e++) {
        struct bnn_plan *p;
        struct bnn_plan_options o = {(enum bnn_engine)e, 1};
        ASSERT_OK(bnn_plan_create(net, &o, &p));
        int32_t sc[2];
        struct bnn_result r;
        ASSERT_OK(bnn_plan_run(p, px, 1, sc, &r));
        assert_int_equal(sc[0], 1);
        assert_int_equal(sc[1], 2);
        assert_int_equal(r.class_index, 1);
        assert_int_equal(r.top[1], 0);
        int32_t v[2];
        ASSERT_OK(bnn_plan_layer_output(p, 1, v));
        assert_int_equal(v[0], 0);
        assert_int_equal(v[1], 1);
        bnn_plan_free(p);
    }
    bnn_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantisation_rule),
        cmocka_unit_test(test_threshold_rule),
        cmocka_unit_test(test_hand_checked),
        cmocka_unit_test(test_kernels_vs_naive),
        cmocka_unit_test(test_ref_equals_float_every_layer),
        cmocka_unit_test(test_multibit_ref_equals_float),
        cmocka_unit_test(test_threads_and_batches_same_bits),
    };
    return cmocka_run_group_tests_name("exec", tests, NULL, NULL);
}
