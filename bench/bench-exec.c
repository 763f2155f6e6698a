/* The executor, measured side by side in one run: images/s of SFC, LFC and
 * CNV (bundled networks) for every kernel variant this CPU has, 1 and 2
 * threads, batch 1 (one image per call) and a large batch, the OpenBLAS
 * float path, and the achieved TOPS (2 x bit-MACs/s) against the machine's
 * XNOR-popcount ceiling, which this program measures itself. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bnnsim/bnnsim.h"
#include "kernels/kernels.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double macs_of(const struct bnn_net *net)
{
    double m = 0;
    for (int32_t i = 0; i < net->n_layers; i++) {
        const struct bnn_layer *L = &net->layers[i];
        if (L->kind == BNN_LAYER_CONV || L->kind == BNN_LAYER_FC) m += (double)L->mh * L->mw * L->out.h * L->out.w;
    }
    return m;
}

/* images/s: the best of 3 windows of at least 0.1 s each (repeated runs of
 * n images, in one call or in calls of `batch`) */
static double rate(struct bnn_net *net, enum bnn_engine e, const char *isa, int threads, int batch, const uint8_t *px,
                   int n)
{
    setenv("BNNSIM_ISA", isa, 1);
    struct bnn_plan_options po = {e, threads};
    struct bnn_plan *p;
    if (bnn_plan_create(net, &po, &p)) {
        fprintf(stderr, "bench-exec: %s\n", bnn_last_error());
        exit(1);
    }
    const struct bnn_shape s = net->layers[0].out;
    const size_t img = (size_t)s.h * s.w * s.c;
    struct bnn_result *res = malloc((size_t)n * sizeof *res);
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now_s(), t;
        long done = 0;
        do {
            if (batch >= n) {
                bnn_plan_run(p, px, n, NULL, res);
            } else {
                for (int i = 0; i < n; i += batch)
                    bnn_plan_run(p, px + (size_t)i * img, batch < n - i ? batch : n - i, NULL, res);
            }
            done += n;
        } while ((t = now_s() - t0) < 0.1);
        if (done / t > best) best = done / t;
    }
    free(res);
    bnn_plan_free(p);
    unsetenv("BNNSIM_ISA");
    return best;
}

/* CNV's first layer (900 windows of 27 codes, 64 channels), the two exact
 * integer forms the issue asks to compare: bytes x +-1 (the engine's
 * u8_gemm: VNNI on AVX-512) and bit-serial XNOR-popcount over the 8 bit
 * planes of the codes, sum_b 2^b (agree_b - mw + ones(w)). Microseconds
 * per image, best of 20; the two results are compared. */
static void first_layer(const struct bnn_kernels *K)
{
    enum { M = 900, N = 64, KC = 27 };
    const size_t lda = bnn_u8_row_bytes(KC);
    uint8_t *x = calloc(M * lda + 64, 1);
    uint64_t w[N], planes[8 * M];
    uint64_t s = 99;
    for (size_t i = 0; i < M * lda; i++) x[i] = (uint8_t)((s = s * 6364136223846793005ull + 1442695040888963407ull) >> 56);
    for (int j = 0; j < N; j++) w[j] = ((s = s * 6364136223846793005ull + 1442695040888963407ull) >> 11) & ((1ull << KC) - 1);
    int8_t *w8 = calloc(K->u8_pack_bytes(N, KC) + 64, 1);
    uint64_t *wx = calloc(K->xnor_pack_words(N, 1) + 1, 8);
    int8_t wpm[N * KC];
    for (int j = 0; j < N; j++)
        for (int c = 0; c < KC; c++) wpm[j * KC + c] = (w[j] >> c) & 1 ? 1 : -1;
    K->u8_pack(N, KC, wpm, KC, w8);
    K->xnor_pack(N, 1, w, 1, wx);
    int32_t *acc = calloc(M * N, 4), *agree = calloc(8 * M * N, 4), *acc2 = calloc(M * N, 4);
    double best_u8 = 1e9, best_planes = 1e9, best_xnor = 1e9, best_sum = 1e9;
    for (int rep = 0; rep < 20; rep++) {
        double t0 = now_s();
        K->u8_gemm(M, N, KC, x, lda, w8, &(struct bnn_gemm_out){.acc = acc, .ldc = N});
        double t1 = now_s();
        for (int i = 0; i < M; i++) /* plane b of window i: bit c = bit b of code c */
            for (int b = 0; b < 8; b++) {
                uint64_t v = 0;
                for (int c = 0; c < KC; c++) v |= (uint64_t)((x[i * lda + c] >> b) & 1) << c;
                planes[i * 8 + b] = v;
            }
        double t2 = now_s();
        K->xnor_gemm(8 * M, N, 1, KC, &(struct bnn_rows){planes, 1, NULL, 1, 0}, wx,
                     &(struct bnn_gemm_out){.acc = agree, .ldc = N});
        double t25 = now_s();
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                int32_t v = 0;
                for (int b = 0; b < 8; b++) v += agree[(i * 8 + b) * N + j] << b;
                acc2[i * N + j] = v + 255 * (__builtin_popcountll(w[j]) - KC);
            }
        double t3 = now_s();
        if (t1 - t0 < best_u8) best_u8 = t1 - t0;
        if (t2 - t1 < best_planes) best_planes = t2 - t1;
        if (t25 - t2 < best_xnor) best_xnor = t25 - t2;
        if (t3 - t25 < best_sum) best_sum = t3 - t25;
    }
    int same = memcmp(acc, acc2, sizeof(int32_t) * M * N) == 0;
    printf("%-7s bytes x +-1 (u8_gemm) %6.1f us | bit-serial: planes %5.1f + XNOR-popcount %6.1f + sum %6.1f us | "
           "%s\n", K->isa, 1e6 * best_u8, 1e6 * best_planes, 1e6 * best_xnor, 1e6 * best_sum,
           same ? "equal" : "RESULTS DIFFER");
    free(x), free(w8), free(wx), free(acc), free(agree), free(acc2);
}

static double peak_tops(int threads)
{
    if (!bnn__cpu_avx512()) return 0;
    static uint64_t seed[64];
    for (int i = 0; i < 64; i++) seed[i] = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        int64_t macs = 0;
        double t0 = now_s();
#pragma omp parallel num_threads(threads) reduction(+ : macs)
        macs += bnn__xnor_peak_avx512(2000000, seed);
        double t = 2.0 * (double)macs / (now_s() - t0) / 1e12;
        if (t > best) best = t;
    }
    return best;
}

/* Batch-1 latency: microseconds per image, one image per call, best kernels. */
static void latency(const char *best)
{
    static const char *const nets[3] = {"data/sfc.json", "data/lfc.json", "data/cnv.json"}, *const nm[3] = {"SFC", "LFC", "CNV"};
    printf("\nbatch-1 latency (one image per bnn_plan_run, %s kernels): ", best);
    for (int i = 0; i < 3; i++) {
        struct bnn_net *net;
        if (bnn_net_load(nets[i], &net)) exit(1);
        const struct bnn_shape sh = net->layers[0].out;
        size_t img = (size_t)sh.h * sh.w * sh.c;
        uint8_t *px = malloc(img * 100);
        for (size_t k = 0; k < img * 100; k++) px[k] = (uint8_t)(k * 2654435761u >> 24);
        double l1 = 1e6 / rate(net, BNN_ENGINE_REF, best, 1, 1, px, 100), l2 = 1e6 / rate(net, BNN_ENGINE_REF, best, 2, 1, px, 100);
        printf("%s %.2f us (1 thread), %.2f us (2)%s", nm[i], l1, l2, i < 2 ? "; " : "\n");
        free(px);
        bnn_net_free(net);
    }
}

/* The int8 ceiling: VPDPBUSD (64 byte MACs per instruction), 8 independent
 * accumulators so latency hides; 2 x MACs/s in TOPS. */
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static int64_t vnni_peak(int64_t iters)
{
    __m512i a0 = _mm512_set1_epi32(1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const __m512i x = _mm512_set1_epi8(0), w = _mm512_set1_epi8(0); /* the values do not change the speed */
    for (int64_t i = 0; i < iters; i++) {
        a0 = _mm512_dpbusd_epi32(a0, x, w), a1 = _mm512_dpbusd_epi32(a1, x, w);
        a2 = _mm512_dpbusd_epi32(a2, x, w), a3 = _mm512_dpbusd_epi32(a3, x, w);
        a4 = _mm512_dpbusd_epi32(a4, x, w), a5 = _mm512_dpbusd_epi32(a5, x, w);
        a6 = _mm512_dpbusd_epi32(a6, x, w), a7 = _mm512_dpbusd_epi32(a7, x, w);
        __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5), "+v"(a6), "+v"(a7));
    }
    volatile int32_t sink = _mm512_reduce_add_epi32(_mm512_add_epi32(_mm512_add_epi32(a0, a7), a3));
    (void)sink;
    return iters * 8 * 64;
}

static double int8_peak_tops(int threads)
{
    if (!bnn__cpu_avx512()) return 0;
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        int64_t macs = 0;
        double t0 = now_s();
#pragma omp parallel num_threads(threads) reduction(+ : macs)
        macs += vnni_peak(20000000);
        double t = 2.0 * (double)macs / (now_s() - t0) / 1e12;
        if (t > best) best = t;
    }
    return best;
}

/* BNN-PYNQ's trained networks, W1A1 beside the 2-bit sets (../shared, imported in place): large
 * batch, 2 threads, the default (byte / VNNI) path and the bit-plane variant, against the
 * bit-MAC ceiling (XNOR) and the int8 ceiling (VNNI). */
static void multibit(double bit_peak2)
{
    const char *sh = getenv("BNNSIM_SHARED");
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/bnn-pynq/README.md", sh && *sh ? sh : "../shared");
    if (access(probe, R_OK)) {
        printf("\nmulti-bit: skipped (../shared/bnn-pynq absent; set BNNSIM_SHARED)\n");
        return;
    }
    const double i8_peak2 = int8_peak_tops(2);
    printf("\nMulti-bit layers: BNN-PYNQ's trained nets, large batch, 2 threads, best kernels (int8 ceiling measured "
           "here: %.2f TOPS on 2 threads, VPDPBUSD)\n", i8_peak2);
    printf("%-8s %10s | %12s %12s | %9s %9s | %s\n", "net", "MMAC/img", "img/s", "planes", "% bit pk", "% int8 pk",
           "vs W1A1");
    static const struct { enum bnn_pynq_network w; const char *name, *dir; int n; } nets[] = {
        {BNN_PYNQ_CNV_W1A1, "cnvW1A1", "cnvW1A1-cifar10", 1000}, {BNN_PYNQ_CNV_W1A2, "cnvW1A2", "cnvW1A2-cifar10", 200},
        {BNN_PYNQ_CNV_W2A2, "cnvW2A2", "cnvW2A2-cifar10", 200},  {BNN_PYNQ_LFC_W1A1, "lfcW1A1", "lfcW1A1-mnist", 5000},
        {BNN_PYNQ_LFC_W1A2, "lfcW1A2", "lfcW1A2-mnist", 2000},
    };
    double base = 0;
    uint64_t s = 4242;
    for (size_t k = 0; k < sizeof nets / sizeof nets[0]; k++) {
        char dir[4400];
        snprintf(dir, sizeof dir, "%s/bnn-pynq/%s", sh && *sh ? sh : "../shared", nets[k].dir);
        struct bnn_net *net;
        if (bnn_pynq_import(nets[k].w, dir, &net, NULL, NULL)) {
            printf("%-8s %s\n", nets[k].name, bnn_last_error());
            continue;
        }
        const struct bnn_shape in = net->layers[0].out;
        const size_t img = (size_t)in.h * in.w * in.c;
        uint8_t *px = malloc(img * nets[k].n);
        for (size_t i = 0; i < img * nets[k].n; i++) { s = s * 6364136223846793005ull + 1442695040888963407ull; px[i] = (uint8_t)(s >> 56); }
        const char *isa = bnn__cpu_avx512() ? "avx512" : "avx2";
        const double r = rate(net, BNN_ENGINE_REF, isa, 2, nets[k].n, px, nets[k].n);
        setenv("BNNSIM_PLANES", "1", 1);
        const double rp = rate(net, BNN_ENGINE_REF, isa, 2, nets[k].n, px, nets[k].n);
        unsetenv("BNNSIM_PLANES");
        const double macs = macs_of(net), tops = 2 * r * macs / 1e12;
        if (strstr(nets[k].name, "W1A1")) base = r;
        printf("%-8s %10.1f | %12.0f %12.0f | %8.2f%% %8.1f%% | %s%.2fx\n", nets[k].name, macs / 1e6, r, rp,
               bit_peak2 > 0 ? 100 * tops / bit_peak2 : 0, i8_peak2 > 0 ? 100 * tops / i8_peak2 : 0,
               strstr(nets[k].name, "W1A1") ? "" : "", base > 0 ? r / base : 0);
        free(px);
        bnn_net_free(net);
    }
}

/* The whole process: `bnnsim run --net data/cnv.json --input 20k-records.bin
 * --json > out.json`, loading, reading, converting and writing included,
 * best of 3, beside the classifier's own time it reports. */
static void whole_process(void)
{
    const char *bin = getenv("BNNSIM_BIN");
    if (!bin) bin = "build/bnnsim";
    char in[] = "/tmp/bnnsim-bench-XXXXXX";
    int fd = mkstemp(in);
    if (fd < 0) return;
    FILE *f = fdopen(fd, "wb");
    uint64_t s = 777;
    const int n = 20000;
    uint8_t *rec = malloc(3073);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < 3073; k++) { s = s * 6364136223846793005ull + 1442695040888963407ull; rec[k] = (uint8_t)(s >> 56); }
        rec[0] %= 10;
        fwrite(rec, 1, 3073, f);
    }
    fclose(f);
    free(rec);
    char out[64], cmd[512];
    snprintf(out, sizeof out, "%s.json", in);
    snprintf(cmd, sizeof cmd, "%s run --net data/cnv.json --input %s --json > %s", bin, in, out);
    double best = 1e9, loop = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now_s();
        if (system(cmd)) { fprintf(stderr, "bench-exec: '%s' failed\n", cmd); break; }
        double t = now_s() - t0;
        FILE *j = fopen(out, "r");
        char line[256];
        double secs = 0;
        while (j && fgets(line, sizeof line, j))
            if (sscanf(line, " \"seconds\": %lf", &secs) == 1) break;
        if (j) fclose(j);
        if (t < best) best = t, loop = secs;
    }
    printf("\nwhole process, CNV on 20,000 random CIFAR-10 records (%s run --json > file), best of 3:\n"
           "  %.3f s = %.0f images/s (goal 22,000: the ZC706's 21,906); the classifier's own time in that run %.3f s = %.0f "
           "images/s\n", bin, best, n / best, loop, loop > 0 ? n / loop : 0);
    remove(in);
    remove(out);
}

int main(void)
{
    static const char *const nets[3] = {"data/sfc.json", "data/lfc.json", "data/cnv.json"};
    static const char *const short_names[3] = {"SFC", "LFC", "CNV"};
    static const int counts[3] = {10000, 5000, 1000};
    static const char *const isas[3] = {"scalar", "avx2", "avx512"};
    int have[3];
    int nv;
    const struct bnn_kernel_variant *v = bnn__kernel_variants(&nv);
    for (int k = 0; k < 3; k++) {
        have[k] = 0;
        for (int i = 0; i < nv; i++) have[k] |= !strcmp(v[i].k.isa, isas[k]) && v[i].available();
    }
    double peak1 = peak_tops(1), peak2 = peak_tops(2);
    printf("bnnsim %s executor benchmark\n\nXNOR-popcount ceiling measured here (AVX-512 4x4 block, L1): %.2f TOPS on 1 "
           "thread, %.2f on 2 (2 x bit-MACs/s)\n\n", BNNSIM_VERSION, peak1, peak2);
    printf("%-4s %-7s %8s | %12s %12s | %12s %12s | %7s\n", "net", "kernels", "", "batch 1, 1t", "batch 1, 2t",
           "large, 1t", "large, 2t", "% peak");
    uint64_t s = 12345;
    for (int ni = 0; ni < 3; ni++) {
        struct bnn_net *net;
        if (bnn_net_load(nets[ni], &net)) {
            fprintf(stderr, "bench-exec: %s\n", bnn_last_error());
            return 1;
        }
        const struct bnn_shape sh = net->layers[0].out;
        const size_t img = (size_t)sh.h * sh.w * sh.c;
        int n = counts[ni];
        uint8_t *px = malloc(img * n);
        for (size_t i = 0; i < img * n; i++) { s = s * 6364136223846793005ull + 1442695040888963407ull; px[i] = (uint8_t)(s >> 56); }
        double macs = macs_of(net);
        for (int k = 0; k <= 3; k++) {
            if (k < 3 && !have[k]) {
                printf("%-4s %-7s   skipped: this CPU lacks it\n", short_names[ni], isas[k]);
                continue;
            }
            enum bnn_engine e = k == 3 ? BNN_ENGINE_FLOAT : BNN_ENGINE_REF;
            const char *isa = k == 3 ? "scalar" : isas[k];
            double b11 = rate(net, e, isa, 1, 1, px, n / 10), b12 = rate(net, e, isa, 2, 1, px, n / 10);
            double l1 = rate(net, e, isa, 1, n, px, n), l2 = rate(net, e, isa, 2, n, px, n);
            printf("%-4s %-7s %8s | %12.0f %12.0f | %12.0f %12.0f | %6.1f%%\n", short_names[ni], k == 3 ? "float" : isas[k],
                   k == 3 ? "openblas" : "img/s", b11, b12, l1, l2, peak2 > 0 ? 100.0 * l2 * macs * 2 / 1e12 / peak2 : 0);
        }
        free(px);
        bnn_net_free(net);
    }
    printf("\nCNV first layer (900 windows x 27 codes x 64 channels), per image, one thread:\n");
    for (int i = 0; i < nv; i++)
        if (v[i].available()) first_layer(&v[i].k);
    latency(have[2] ? "avx512" : have[1] ? "avx2" : "scalar");
    whole_process();
    multibit(peak2);
    printf("\nbatch 1: one image per bnn_plan_run call; large: all at once (10,000 SFC, 5,000 LFC, 1,000 CNV\n"
           "random images). Each cell repeats runs for at least 0.1 s, best of 3. %% peak: large batch, 2 threads,\n"
           "against the 2-thread ceiling. Goals (issue 3): CNV 22,000, LFC 500,000, SFC 4,000,000 img/s.\n");
    return 0;
}
