/* Folding of 'cnv-untrained-seed1' in BNN-PYNQ's config.h form, written by bnnsim.
 * Per layer: shape, SIMD lanes, PEs, weight and threshold memory depth per PE,
 * weight and activation precision (integer, fraction bits). */

/* conv0 */
#define L0_K 3
#define L0_IFM_CH 3
#define L0_IFM_DIM 32
#define L0_OFM_CH 64
#define L0_OFM_DIM 30
#define L0_SIMD 3
#define L0_PE 64
#define L0_WMEM 9
#define L0_TMEM 1
#define L0_WPI 1
#define L0_WPF 0
#define L0_API 1
#define L0_APF 0

/* conv1 */
#define L1_K 3
#define L1_IFM_CH 64
#define L1_IFM_DIM 30
#define L1_OFM_CH 64
#define L1_OFM_DIM 28
#define L1_SIMD 64
#define L1_PE 64
#define L1_WMEM 9
#define L1_TMEM 1
#define L1_WPI 1
#define L1_WPF 0
#define L1_API 1
#define L1_APF 0

/* conv2 */
#define L2_K 3
#define L2_IFM_CH 64
#define L2_IFM_DIM 14
#define L2_OFM_CH 128
#define L2_OFM_DIM 12
#define L2_SIMD 64
#define L2_PE 32
#define L2_WMEM 36
#define L2_TMEM 4
#define L2_WPI 1
#define L2_WPF 0
#define L2_API 1
#define L2_APF 0

/* conv3 */
#define L3_K 3
#define L3_IFM_CH 128
#define L3_IFM_DIM 12
#define L3_OFM_CH 128
#define L3_OFM_DIM 10
#define L3_SIMD 64
#define L3_PE 32
#define L3_WMEM 72
#define L3_TMEM 4
#define L3_WPI 1
#define L3_WPF 0
#define L3_API 1
#define L3_APF 0

/* conv4 */
#define L4_K 3
#define L4_IFM_CH 128
#define L4_IFM_DIM 5
#define L4_OFM_CH 256
#define L4_OFM_DIM 3
#define L4_SIMD 32
#define L4_PE 16
#define L4_WMEM 576
#define L4_TMEM 16
#define L4_WPI 1
#define L4_WPF 0
#define L4_API 1
#define L4_APF 0

/* conv5 */
#define L5_K 3
#define L5_IFM_CH 256
#define L5_IFM_DIM 3
#define L5_OFM_CH 256
#define L5_OFM_DIM 1
#define L5_SIMD 32
#define L5_PE 4
#define L5_WMEM 4608
#define L5_TMEM 64
#define L5_WPI 1
#define L5_WPF 0
#define L5_API 1
#define L5_APF 0

/* fc6 */
#define L6_MW 256
#define L6_MH 512
#define L6_SIMD 16
#define L6_PE 1
#define L6_WMEM 8192
#define L6_TMEM 512
#define L6_WPI 1
#define L6_WPF 0
#define L6_API 1
#define L6_APF 0

/* fc7 */
#define L7_MW 512
#define L7_MH 512
#define L7_SIMD 32
#define L7_PE 1
#define L7_WMEM 8192
#define L7_TMEM 512
#define L7_WPI 1
#define L7_WPF 0
#define L7_API 1
#define L7_APF 0

/* fc8 */
#define L8_MW 512
#define L8_MH 10
#define L8_SIMD 2
#define L8_PE 2
#define L8_WMEM 1280
#define L8_TMEM 5
#define L8_WPI 1
#define L8_WPF 0
#define L8_API 16
#define L8_APF 0

