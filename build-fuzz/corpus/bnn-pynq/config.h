/* Folding of 'lfc-untrained-seed1' in BNN-PYNQ's config.h form, written by bnnsim.
 * Per layer: shape, SIMD lanes, PEs, weight and threshold memory depth per PE,
 * weight and activation precision (integer, fraction bits). */

/* fc0 */
#define L0_MW 832
#define L0_MH 1024
#define L0_SIMD 64
#define L0_PE 1
#define L0_WMEM 13312
#define L0_TMEM 1024
#define L0_WPI 1
#define L0_WPF 0
#define L0_API 1
#define L0_APF 0

/* fc1 */
#define L1_MW 1024
#define L1_MH 1024
#define L1_SIMD 64
#define L1_PE 1
#define L1_WMEM 16384
#define L1_TMEM 1024
#define L1_WPI 1
#define L1_WPF 0
#define L1_API 1
#define L1_APF 0

/* fc2 */
#define L2_MW 1024
#define L2_MH 1024
#define L2_SIMD 64
#define L2_PE 1
#define L2_WMEM 16384
#define L2_TMEM 1024
#define L2_WPI 1
#define L2_WPF 0
#define L2_API 1
#define L2_APF 0

/* fc3 */
#define L3_MW 1024
#define L3_MH 64
#define L3_SIMD 64
#define L3_PE 1
#define L3_WMEM 1024
#define L3_TMEM 64
#define L3_WPI 1
#define L3_WPF 0
#define L3_API 1
#define L3_APF 0

