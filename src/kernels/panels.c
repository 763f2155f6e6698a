/* Weight panels, the layout the SIMD variants read (packed once per plan):
 * rows in groups of pw, word (or 4-byte group) k of the pw rows side by
 * side, so one vector load gives one word of pw output channels. Rows past
 * n and columns past k are zero. */
#include "kernels/kernels.h"

size_t bnn__xnor_panel_words(int32_t n, int32_t kw, int32_t pw) { return (size_t)((n + pw - 1) / pw) * pw * kw; }

void bnn__xnor_pack_panels(int32_t n, int32_t kw, const uint64_t *w, size_t ldw, uint64_t *wp, int32_t pw)
{
    for (int32_t j0 = 0; j0 < n; j0 += pw)
        for (int32_t k = 0; k < kw; k++)
            for (int32_t j = 0; j < pw; j++)
                wp[((size_t)(j0 / pw) * kw + k) * pw + j] = j0 + j < n ? w[(size_t)(j0 + j) * ldw + k] : 0;
}

size_t bnn__u8_panel_bytes(int32_t n, int32_t k, int32_t pw) { return (size_t)((n + pw - 1) / pw) * pw * bnn_u8_row_bytes(k); }

void bnn__u8_pack_panels(int32_t n, int32_t k, const int8_t *w, size_t ldw, int8_t *wp, int32_t pw)
{
    const int32_t k4 = (int32_t)(bnn_u8_row_bytes(k) / 4);
    for (int32_t j0 = 0; j0 < n; j0 += pw)
        for (int32_t q = 0; q < k4; q++)
            for (int32_t j = 0; j < pw; j++)
                for (int32_t t = 0; t < 4; t++) {
                    const int32_t c = 4 * q + t;
                    int8_t v = 0; /* 0 past the row */
                    if (j0 + j < n && c < k) v = w[(size_t)(j0 + j) * ldw + c];
                    wp[(((size_t)(j0 / pw) * k4 + q) * pw + j) * 4 + t] = v;
                }
}
