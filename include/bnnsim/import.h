/* bnnsim: importers from other tools' files. */
#ifndef BNNSIM_IMPORT_H
#define BNNSIM_IMPORT_H

#include "bnnsim/fold.h"
#include "bnnsim/net.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bnn_pynq_network {
    BNN_PYNQ_CNV_W1A1, BNN_PYNQ_LFC_W1A1,
    /* the 2-bit sets: WPI / API per layer from the config.h that must sit in DIR */
    BNN_PYNQ_CNV_W1A2, BNN_PYNQ_CNV_W2A2, BNN_PYNQ_LFC_W1A2,
};

enum bnn_status bnn_pynq_network_parse(const char *s, enum bnn_pynq_network *out);

/* Reads BNN-PYNQ's per-PE <L>-<pe>-weights.bin / -thres.bin files and
 * classes.txt from DIR. Thresholds are converted from BNN-PYNQ's strict
 * comparison (T < acc) to bnnsim's (T' <= acc, T' = T + 1) exactly; CNV
 * layer 0 keeps its 8 fraction bits (thr_frac = 8). The folding they were
 * stored with is returned in *fold (may be NULL). A weight file shorter than
 * its WMEM is a warning naming it (BNN-PYNQ fills the rest with -1).
 * The 2-bit sets (finn-hlslib FixedPointWeights / ThresholdsActivation):
 * lane i of a weight entry is bits [i*WPI, (i+1)*WPI), two's complement when
 * WPI > 1; a layer with API = 2 has 2 thresholds per row, stored per TMEM
 * entry, and gives -1 + #passed (ActVal -1, so values -1..1); a binary input
 * against binary weights there is the +-1 dot product (Recast<Binary>). */
enum bnn_status bnn_pynq_import(enum bnn_pynq_network which, const char *dir,
                                struct bnn_net **net, struct bnn_fold **fold, struct bnn_warnings *warn);

#ifdef __cplusplus
}
#endif
#endif
