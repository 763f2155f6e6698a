/* Weight and threshold memories in the folding's layout: finn-hlslib
 * params.h / thresh.h (internal_embedded), memblock.dat (internal_decoupled)
 * and BNN-PYNQ's per-PE .bin files. Row r = nf*PE + pe lives in PE pe at
 * neuron fold nf; column sf*SIMD + s is lane s of word nf*SF + sf. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bnnsim/golden.h"
#include "bnnsim/io.h"
#include "core/util.h"
#include "golden/golden-impl.h"

/* Threshold of row r in the accumulator's integer domain (FINN's MVAU
 * compares integers): T / 2^(thr_frac - in_frac), rounded up, keeps
 * acc >= T exact. */
int64_t bnn__thr_acc(const struct bnn_layer *L, int32_t r, int32_t i)
{
    int64_t t = L->thresholds[(int64_t)r * L->n_thr + i];
    int32_t d = L->thr_frac - L->acc_frac;
    if (d > 0) return -bnn__floordiv(-t, (int64_t)1 << d);
    return t * ((int64_t)1 << -d);
}

static void hex_of(const struct bnn_layer *L, int32_t row0_pe, int32_t pe_count, int32_t simd, int64_t nf_sf_row,
                   int32_t sf, char *buf)
{
    /* lane (p*simd + s), w_bits wide (two's complement) = weight[row nf*PE + p][sf*simd + s] */
    const int32_t wb = L->w_bits;
    int32_t nbits = pe_count * simd * wb, ndig = (nbits + 3) / 4;
    for (int32_t d = 0; d < ndig; d++) {
        int v = 0;
        for (int32_t b = 0; b < 4; b++) {
            int32_t bit = d * 4 + b;
            if (bit >= nbits) break;
            int32_t lane = bit / wb, p = lane / simd, s = lane % simd;
            int64_t r = nf_sf_row + row0_pe + p;
            if ((L->weights[r * L->mw + (int64_t)sf * simd + s] >> (bit % wb)) & 1) v |= 1 << b;
        }
        buf[ndig - 1 - d] = "0123456789abcdef"[v];
    }
    buf[ndig] = 0;
}

enum bnn_status bnn__write_layer_memories(const struct bnn_net *net, const struct bnn_fold_layer *fl, int32_t j,
                                          const char *dir)
{
    const struct bnn_layer *L = &net->layers[fl->layer];
    const int32_t PE = fl->pe, SIMD = fl->simd, NF = L->mh / PE, SF = L->mw / SIMD;
    const int64_t WMEM = (int64_t)NF * SF;
    char path[4200];
    enum bnn_status st;
    /* params.h: const BinaryWeights<SIMD,PE,WMEM> weights = {{{PE0 words}, {PE1 words}, ...}}; */
    const int32_t wb = L->w_bits, lane_bits = SIMD * wb;
    size_t cap = 1024 + (size_t)PE * WMEM * (24 + (size_t)(lane_bits + 3) / 4) + (size_t)WMEM * ((size_t)PE * lane_bits / 4 + 4),
           len = 0;
    char *t = malloc(cap), *hx = malloc((size_t)PE * lane_bits / 4 + 8);
    if (!t || !hx) {
        free(t);
        free(hx);
        return bnn_error(BNN_ERR_NOMEM, "out of memory");
    }
#define OUT(...) len += (size_t)snprintf(t + len, cap - len, __VA_ARGS__)
    if (wb == 1)
        OUT("// %s (MVAU_hls_%d): %d x %d binary weights, PE=%d SIMD=%d WMEM=%lld; lane 0 of each word at bit 0.\n"
            "const BinaryWeights<%d,%d,%lld> weights = \n{{\n", L->name, j, L->mh, L->mw, PE, SIMD, (long long)WMEM, SIMD,
            PE, (long long)WMEM);
    else
        OUT("// %s (MVAU_hls_%d): %d x %d %d-bit weights, PE=%d SIMD=%d WMEM=%lld; lane 0 of each word at bits 0..%d.\n"
            "const FixedPointWeights<%d,ap_%sint<%d>,%d,%lld> weights = \n{{\n", L->name, j, L->mh, L->mw, wb, PE, SIMD,
            (long long)WMEM, wb - 1, SIMD, L->w_signed ? "" : "u", wb, PE, (long long)WMEM);
    for (int32_t pe = 0; pe < PE; pe++) {
        OUT("{");
        for (int64_t a = 0; a < WMEM; a++) {
            hex_of(L, pe, 1, SIMD, (a / SF) * PE, (int32_t)(a % SF), hx);
            OUT("%sap_uint<%d>(\"0x%s\", 16)", a ? "," : "", (lane_bits + 3) / 4 * 4, hx);
        }
        OUT("}%s\n", pe + 1 < PE ? "," : "");
    }
    OUT("}};\n");
    snprintf(path, sizeof path, "%s/params.h", dir);
    if ((st = bnn_file_write_atomic(path, t, len))) goto done;
    /* memblock.dat: WMEM lines of PE*SIMD bits, PE0/lane0 at the LSB, no prefix */
    len = 0;
    for (int64_t a = 0; a < WMEM; a++) {
        hex_of(L, 0, PE, SIMD, (a / SF) * PE, (int32_t)(a % SF), hx);
        OUT("%s\n", hx);
    }
    snprintf(path, sizeof path, "%s/memblock.dat", dir);
    if ((st = bnn_file_write_atomic(path, t, len))) goto done;
    /* thresh.h: FINN's ThresholdsActivation with comp::less_equal (out = #{T <= acc}) */
    if (L->act == BNN_ACT_THRESHOLD) {
        len = 0;
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (int32_t r = 0; r < L->mh; r++)
            for (int32_t i = 0; i < L->n_thr; i++) {
                int64_t v = bnn__thr_acc(L, r, i);
                lo = BNN_MIN(lo, v);
                hi = BNN_MAX(hi, v);
            }
        int32_t tb = bnn__signed_bits(lo, hi);
        const int32_t ob = L->out_type == BNN_VT_BITS ? 1 : bnn_value_bits(L->out_lo, L->out_hi);
        OUT("// %s (MVAU_hls_%d): thresholds in the accumulator's integer domain, TMEM=%d per PE, row nf*PE + pe.\n"
            "static ThresholdsActivation<%d,%d,%d,ap_int<%d>,ap_%sint<%d>,%d,comp::less_equal<ap_int<%d>, ap_int<%d>>> "
            "threshs = \n{{\n", L->name, j, NF, NF, PE, L->n_thr, tb, L->out_lo < 0 ? "" : "u", ob, L->act_bias, tb, tb);
        for (int32_t pe = 0; pe < PE; pe++) {
            OUT("{");
            for (int32_t nf = 0; nf < NF; nf++) {
                OUT("%s{", nf ? "," : "");
                for (int32_t i = 0; i < L->n_thr; i++) OUT("%s%lld", i ? "," : "", (long long)bnn__thr_acc(L, nf * PE + pe, i));
                OUT("}");
            }
            OUT("}%s\n", pe + 1 < PE ? "," : "");
        }
        OUT("}};\n");
        snprintf(path, sizeof path, "%s/thresh.h", dir);
        if ((st = bnn_file_write_atomic(path, t, len))) goto done;
    }
#undef OUT
    st = BNN_OK;
done:
    free(t);
    free(hx);
    return st;
}

/* Why `net` cannot be written as BNN-PYNQ files, or NULL. */
const char *bnn__bnn_pynq_unfit(const struct bnn_net *net, const struct bnn_fold *fold)
{
    int multibit = 0; /* the 2-bit sets' conventions (dot accumulators, ActVal -1) or W1A1's */
    for (int32_t j = 0; j < fold->n; j++) {
        const struct bnn_layer *L = &net->layers[fold->layers[j].layer];
        multibit |= L->w_bits > 1 || (L->act == BNN_ACT_THRESHOLD && L->out_type == BNN_VT_INT);
    }
    for (int32_t j = 0; j < fold->n; j++) {
        const struct bnn_layer *L = &net->layers[fold->layers[j].layer];
        if ((int64_t)fold->layers[j].simd * L->w_bits > 64)
            return "a layer has SIMD x weight bits > 64 (BNN-PYNQ words are 64 bits)";
        if (L->w_bits > 1 && (!L->w_signed || L->w_frac)) return "a layer has unsigned or fractional weights";
        if (L->act == BNN_ACT_THRESHOLD && L->n_thr > 1 && L->act_bias != -1)
            return "a multi-threshold layer has an activation bias other than -1 (BNN-PYNQ's ActVal)";
        if (L->act == BNN_ACT_THRESHOLD && L->n_thr == 1 && L->act_bias)
            return "a single-threshold layer has an activation bias";
        if (L->in_type == BNN_VT_BITS && L->w_bits == 1 && L->acc_kind != (multibit ? BNN_ACC_DOT : BNN_ACC_XNOR))
            return multibit ? "a binary layer of a multi-bit net accumulates by XNOR-popcount (BNN-PYNQ's 2-bit sets "
                              "use the +-1 dot product)"
                            : "a binary layer accumulates the +-1 dot product (BNN-PYNQ's W1A1 sets use XNOR-popcount)";
    }
    return NULL;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

enum bnn_status bnn_export_bnn_pynq(const struct bnn_net *net, const struct bnn_fold *fold, const char *dir)
{
    enum bnn_status st = bnn_fold_check(fold, net, dir);
    if (st) return st;
    const char *why = bnn__bnn_pynq_unfit(net, fold);
    if (why) return bnn_error(BNN_ERR_INVALID_ARG, "%s: cannot write BNN-PYNQ files: %s", dir, why);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) return bnn_error(BNN_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
    char path[4200];
    for (int32_t j = 0; j < fold->n; j++) {
        const struct bnn_layer *L = &net->layers[fold->layers[j].layer];
        const int32_t PE = fold->layers[j].pe, SIMD = fold->layers[j].simd, NF = L->mh / PE, SF = L->mw / SIMD;
        uint8_t *buf = malloc(((size_t)NF * SF + (size_t)NF * (L->n_thr > 0 ? L->n_thr : 1)) * 8 + 8);
        if (!buf) return bnn_error(BNN_ERR_NOMEM, "out of memory");
        for (int32_t pe = 0; pe < PE; pe++) {
            for (int32_t nf = 0; nf < NF; nf++)
                for (int32_t sf = 0; sf < SF; sf++) {
                    uint64_t w = 0;
                    const uint8_t *row = L->weights + (int64_t)(nf * PE + pe) * L->mw + (int64_t)sf * SIMD;
                    const int32_t wb = L->w_bits;
                    for (int32_t i = 0; i < SIMD; i++) /* WPI bits per lane, two's complement */
                        w |= (uint64_t)(row[i] & ((1u << wb) - 1)) << (i * wb);
                    put_le64(buf + ((int64_t)nf * SF + sf) * 8, w);
                }
            snprintf(path, sizeof path, "%s/%d-%d-weights.bin", dir, j, pe);
            if ((st = bnn_file_write_atomic(path, buf, (size_t)NF * SF * 8))) break;
            if (L->act != BNN_ACT_THRESHOLD) continue;
            const int32_t nt = L->n_thr; /* per TMEM entry, its row's thresholds in order */
            for (int32_t nf = 0; nf < NF; nf++)
                for (int32_t t = 0; t < nt; t++)
                    put_le64(buf + ((int64_t)nf * nt + t) * 8, (uint64_t)(L->thresholds[(int64_t)(nf * PE + pe) * nt + t] - 1));
            snprintf(path, sizeof path, "%s/%d-%d-thres.bin", dir, j, pe); /* BNN-PYNQ fires when T < acc */
            if ((st = bnn_file_write_atomic(path, buf, (size_t)NF * nt * 8))) break;
        }
        free(buf);
        if (st) return st;
    }
    size_t cap = 64, len = 0;
    for (int32_t i = 0; i < net->n_classes; i++) cap += strlen(net->class_names[i]) + 1;
    char *t = malloc(cap);
    if (!t) return bnn_error(BNN_ERR_NOMEM, "out of memory");
    for (int32_t i = 0; i < net->n_classes; i++) len += (size_t)snprintf(t + len, cap - len, "%s\n", net->class_names[i]);
    snprintf(path, sizeof path, "%s/classes.txt", dir);
    st = bnn_file_write_atomic(path, t, len);
    free(t);
    if (st) return st;
    snprintf(path, sizeof path, "%s/config.h", dir);
    return bnn_fold_save_config_h(fold, net, path);
}
