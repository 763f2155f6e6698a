/* The simulator's waveform recorder (internal). */
#ifndef BNN_HW_VCD_H
#define BNN_HW_VCD_H

#include "bnnsim/hw.h"

struct bnn_vcd;
struct bnn_vcd *bnn__vcd_new(const struct bnn_hw_pipeline *p);
void bnn__vcd_free(struct bnn_vcd *v);
/* node's state from cycle t on */
void bnn__vcd_state(struct bnn_vcd *v, int32_t node, int32_t state, int64_t t);
/* link's words after a change in cycle t */
void bnn__vcd_occupancy(struct bnn_vcd *v, int32_t link, int64_t occ, int64_t t);
/* every change before cycle `end`, time-ordered, as a VCD file */
enum bnn_status bnn__vcd_write(struct bnn_vcd *v, const char *path, int64_t end);

#endif
