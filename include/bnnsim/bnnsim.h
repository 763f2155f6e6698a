/* bnnsim: software twin of a FINN binarized-neural-network accelerator.
 * Umbrella header. */
#ifndef BNNSIM_H
#define BNNSIM_H

#define BNNSIM_VERSION "0.1.0"

#include "bnnsim/status.h"
#include "bnnsim/net.h"
#include "bnnsim/exec.h"
#include "bnnsim/io.h"
#include "bnnsim/fold.h"
#include "bnnsim/import.h"
#include "bnnsim/onnx.h"
#include "bnnsim/train.h"
#include "bnnsim/hw.h"
#include "bnnsim/golden.h"
#include "bnnsim/resources.h"
#include "bnnsim/dse.h"
#include "bnnsim/report.h"
#include "bnnsim/plot.h"

#endif
