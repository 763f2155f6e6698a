/* File formats: .npy/.npz round trips, and every input format read back to
 * the pixels that were written. */
#include <stb_image_write.h>
#include <zlib.h>

#include "test-util.h"

static void test_npy_roundtrip_all_dtypes(void **state)
{
    (void)state;
    for (int t = BNN_DT_BOOL; t <= BNN_DT_F64; t++) {
        struct bnn_array a = {(enum bnn_dtype)t, 3, {2, 3, 5}, 30, NULL}, b;
        size_t es = bnn_dtype_size(a.dtype);
        a.data = malloc(30 * es);
        for (size_t k = 0; k < 30 * es; k++) ((uint8_t *)a.data)[k] = (uint8_t)(t == BNN_DT_BOOL ? k & 1 : k * 7 + 1);
        ASSERT_OK(bnn_npy_write(test_path("a.npy"), &a));
        ASSERT_OK(bnn_npy_read(test_path("a.npy"), &b));
        assert_int_equal(b.dtype, a.dtype);
        assert_int_equal(b.ndim, 3);
        assert_int_equal(b.shape[2], 5);
        assert_memory_equal(a.data, b.data, 30 * es);
        bnn_array_free(&b);
        free(a.data);
    }
    /* big-endian data is swapped; scalars have shape () */
    static const char be[] = "\x93NUMPY\x01\x00\x46\x00{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }            \n"
                             "\x00\x00\x01\x02\xff\xff\xff\xfe";
    struct bnn_array c;
    ASSERT_OK(bnn_npy_parse((const uint8_t *)be, sizeof be - 1, "be", &c));
    assert_int_equal(((int32_t *)c.data)[0], 258);
    assert_int_equal(((int32_t *)c.data)[1], -2);
    bnn_array_free(&c);
    ASSERT_ERR(bnn_npy_parse((const uint8_t *)be, 40, "cut", &c), "cut: truncated .npy header");
    ASSERT_ERR(bnn_npy_parse((const uint8_t *)be, sizeof be - 3, "short", &c), "short: truncated .npy data");
    ASSERT_ERR(bnn_npy_parse((const uint8_t *)"hello world", 11, "txt", &c), "not a .npy array");
}

static void test_npz_roundtrip(void **state)
{
    (void)state;
    int64_t t[4] = {-3, 0, 7, 1ll << 40};
    uint8_t w[6] = {1, 0, 1, 1, 0, 0};
    const char *names[2] = {"layer/T", "w"};
    struct bnn_array arrs[2] = {{BNN_DT_I64, 1, {4}, 4, t}, {BNN_DT_U8, 2, {2, 3}, 6, w}};
    ASSERT_OK(bnn_npz_write(test_path("z.npz"), 2, names, arrs));
    struct bnn_npz *z;
    ASSERT_OK(bnn_npz_open(test_path("z.npz"), &z));
    struct bnn_array a;
    ASSERT_OK(bnn_npz_get(z, "layer/T", &a));
    assert_memory_equal(a.data, t, sizeof t);
    bnn_array_free(&a);
    ASSERT_OK(bnn_npz_get(z, "w", &a));
    assert_int_equal(a.shape[1], 3);
    bnn_array_free(&a);
    ASSERT_ERR(bnn_npz_get(z, "nope", &a), "tensor 'nope' not found");
    bnn_npz_close(z);
}

static void test_inputs_read_back(void **state)
{
    (void)state;
    uint8_t px[2][28 * 28];
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 784; k++) px[i][k] = (uint8_t)(k * 31 + i * 101);
    /* IDX plain and gzip, with labels */
    uint8_t idx[16 + 2 * 784] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28};
    memcpy(idx + 16, px, sizeof px);
    test_write(test_path("x.idx"), idx, sizeof idx);
    gzFile g = gzopen(test_path("x.idx.gz"), "wb");
    gzwrite(g, idx, sizeof idx);
    gzclose(g);
    uint8_t lab[10] = {0, 0, 8, 1, 0, 0, 0, 2, 7, 3};
    test_write(test_path("l.idx"), lab, sizeof lab);
    struct bnn_images m = {0};
    ASSERT_OK(bnn_images_append_file(&m, test_path("x.idx"), 28, 28, 1));
    ASSERT_OK(bnn_images_append_file(&m, test_path("x.idx.gz"), 28, 28, 1));
    assert_int_equal(m.n, 4);
    assert_memory_equal(m.pixels, px, sizeof px);
    assert_memory_equal(m.pixels + sizeof px, px, sizeof px);
    ASSERT_OK(bnn_images_set_labels(&m, test_path("l.idx"), 0, 2));
    assert_int_equal(m.labels[1], 3);
    /* .npy (N,H,W) */
    struct bnn_array a = {BNN_DT_U8, 3, {2, 28, 28}, 2 * 784, px};
    ASSERT_OK(bnn_npy_write(test_path("x.npy"), &a));
    ASSERT_OK(bnn_images_append_file(&m, test_path("x.npy"), 28, 28, 1));
    assert_memory_equal(m.pixels + 2 * sizeof px, px, sizeof px);
    /* PNG of the input size is taken as is */
    ASSERT_OK(bnn_png_write(test_path("x.png"), px[1], 28, 28, 1));
    ASSERT_OK(bnn_images_append_file(&m, test_path("x.png"), 28, 28, 1));
    assert_int_equal(m.n, 7);
    assert_memory_equal(m.pixels + 6 * 784, px[1], 784);
    bnn_images_free(&m);

    /* CIFAR: planes R, G, B become HWC; label from the record */
    uint8_t rec[3073];
    rec[0] = 6;
    for (int k = 0; k < 3072; k++) rec[1 + k] = (uint8_t)(k / 1024 * 80 + k % 7);
    test_write(test_path("c.bin"), rec, sizeof rec);
    ASSERT_OK(bnn_images_append_file(&m, test_path("c.bin"), 32, 32, 3));
    assert_int_equal(m.labels[0], 6);
    for (int p = 0; p < 1024; p++)
        for (int c = 0; c < 3; c++) assert_int_equal(m.pixels[p * 3 + c], rec[1 + c * 1024 + p]);
    bnn_images_free(&m);

    /* JPEG and a PNG of another size are resized; a flat colour stays flat */
    uint8_t flat[40 * 50 * 3];
    for (int k = 0; k < 40 * 50; k++) flat[k * 3] = 200, flat[k * 3 + 1] = 100, flat[k * 3 + 2] = 50;
    assert_true(stbi_write_jpg(test_path("f.jpg"), 50, 40, 3, flat, 95));
    ASSERT_OK(bnn_png_write(test_path("f.png"), flat, 50, 40, 3));
    ASSERT_OK(bnn_images_append_file(&m, test_path("f.jpg"), 32, 32, 3));
    ASSERT_OK(bnn_images_append_file(&m, test_path("f.png"), 32, 32, 3));
    for (int k = 0; k < 32 * 32; k++) {
        assert_true(abs(m.pixels[k * 3] - 200) <= 3 && abs(m.pixels[k * 3 + 2] - 50) <= 3);
        assert_int_equal(m.pixels[3072 + k * 3 + 1], 100);
    }
    bnn_images_free(&m);
}

/* Debian's dataset-fashion-mnist: the real 10,000-image test set, gzip IDX. */
/* A .npy with a hand-written header (any descr, either order) around `data`. */
static void write_npy(const char *path, const char *descr, int fortran, const char *shape, const void *data, size_t n)
{
    char h[256];
    int k = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, fortran ? "True" : "False",
                     shape);
    while ((10 + k + 1) % 64) h[k++] = ' ';
    h[k++] = '\n';
    uint8_t *b = malloc(10 + (size_t)k + n);
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (uint8_t)k, b[9] = 0;
    memcpy(b + 10, h, (size_t)k);
    memcpy(b + 10 + k, data, n);
    test_write(path, b, 10 + (size_t)k + n);
    free(b);
}

/* FINN's test vectors: float32 NCHW, any numeric dtype, Fortran order,
 * layouts inferred or forced, labels from .npy; each wrong one named. */
static void test_finn_npy_inputs(void **state)
{
    enum { N = 2, H = 3, W = 4, C = 3 };
    uint8_t hwc[N * H * W * C];
    for (int i = 0; i < N * H * W * C; i++) hwc[i] = (uint8_t)(i * 37 + 11);
    float chw[N * C * H * W], fort[N * H * W * C];
    int16_t i16[N * H * W * C];
    for (int n = 0; n < N; n++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < C; c++) {
                    int src = ((n * H + y) * W + x) * C + c;
                    chw[((n * C + c) * H + y) * W + x] = hwc[src];
                    /* Fortran order of the (N,H,W,C) array: the first index fastest */
                    fort[((c * W + x) * H + y) * N + n] = hwc[src];
                    i16[src] = hwc[src];
                }
    struct {
        const char *name, *descr, *shape;
        int fortran;
        const void *data;
        size_t len;
        enum bnn_layout layout;
        const char *said;
    } ok[] = {
        {"chw.npy", "<f4", "(2, 3, 3, 4)", 0, chw, sizeof chw, BNN_LAYOUT_AUTO, "NCHW"},
        {"chw-forced.npy", "<f4", "(2, 3, 3, 4)", 0, chw, sizeof chw, BNN_LAYOUT_NCHW, "--layout"},
        {"hwc.npy", "|u1", "(2, 3, 4, 3)", 0, hwc, sizeof hwc, BNN_LAYOUT_AUTO, "NHWC"},
        {"hwc-i16.npy", "<i2", "(2, 3, 4, 3)", 0, i16, sizeof i16, BNN_LAYOUT_NHWC, "int16"},
        {"fortran.npy", "<f4", "(2, 3, 4, 3)", 1, fort, sizeof fort, BNN_LAYOUT_AUTO, "NHWC"},
    };
    for (size_t t = 0; t < sizeof ok / sizeof ok[0]; t++) {
        write_npy(test_path(ok[t].name), ok[t].descr, ok[t].fortran, ok[t].shape, ok[t].data, ok[t].len);
        struct bnn_images m = {.layout = ok[t].layout};
        ASSERT_OK(bnn_images_append_file(&m, test_path(ok[t].name), H, W, C));
        assert_int_equal(m.n, N);
        for (int i = 0; i < N * H * W * C; i++)
            if (m.pixels[i] != hwc[i]) fail_msg("%s: pixel %d is %d, expected %d", ok[t].name, i, m.pixels[i], hwc[i]);
        if (!strstr(m.note, ok[t].said)) fail_msg("%s: note '%s' lacks '%s'", ok[t].name, m.note, ok[t].said);
        bnn_images_free(&m);
    }
    /* wrong ones: the message names the file, the dtype found and the shape */
    float half[N * C * H * W];
    memcpy(half, chw, sizeof chw);
    half[5] = 2.5f;
    write_npy(test_path("half.npy"), "<f4", 0, "(2, 3, 3, 4)", half, sizeof half);
    struct bnn_images m = {0};
    ASSERT_ERR(bnn_images_append_file(&m, test_path("half.npy"), H, W, C), "element 5 of the float32 array is 2.5");
    i16[7] = 300;
    write_npy(test_path("big.npy"), "<i2", 0, "(2, 3, 4, 3)", i16, sizeof i16);
    ASSERT_ERR(bnn_images_append_file(&m, test_path("big.npy"), H, W, C), "element 7 of the int16 array is 300");
    struct bnn_images nhwc = {.layout = BNN_LAYOUT_NHWC};
    ASSERT_ERR(bnn_images_append_file(&nhwc, test_path("chw.npy"), H, W, C),
               "float32 array of shape (2, 3, 3, 4) is not NHWC (N, H, W, C) images of 3x4x3");
    ASSERT_ERR(bnn_images_append_file(&m, test_path("chw.npy"), 4, 4, 3), "float32 array of shape (2, 3, 3, 4)");
    assert_int_equal(m.n, 0);

    /* labels: FINN's expected_output.npy (int64, (N)) and (N, 1) */
    ASSERT_OK(bnn_images_append_file(&m, test_path("chw.npy"), H, W, C));
    int64_t lab[2] = {7, 3};
    write_npy(test_path("lab.npy"), "<i8", 0, "(2,)", lab, sizeof lab);
    ASSERT_OK(bnn_images_set_labels(&m, test_path("lab.npy"), 0, 2));
    assert_int_equal(m.labels[0], 7);
    assert_int_equal(m.labels[1], 3);
    write_npy(test_path("lab1.npy"), "<i8", 0, "(2, 1)", lab, sizeof lab);
    m.labels[0] = -1;
    ASSERT_OK(bnn_images_set_labels(&m, test_path("lab1.npy"), 0, 2));
    assert_int_equal(m.labels[0], 7);
    write_npy(test_path("lab2.npy"), "<i8", 0, "(1, 2)", lab, sizeof lab);
    ASSERT_ERR(bnn_images_set_labels(&m, test_path("lab2.npy"), 0, 2), "labels must have shape (N) or (N, 1), not (1, 2)");
    write_npy(test_path("lab3.npy"), "<i8", 0, "(1,)", lab, sizeof lab[0]);
    ASSERT_ERR(bnn_images_set_labels(&m, test_path("lab3.npy"), 0, 2), "lab3.npy: 1 labels for 2 images");
    lab[1] = -4;
    write_npy(test_path("lab4.npy"), "<i8", 0, "(2,)", lab, sizeof lab);
    ASSERT_ERR(bnn_images_set_labels(&m, test_path("lab4.npy"), 0, 2), "label 1 of the int64 array is not a class index");
    bnn_images_free(&m);
}

static void test_fashion_mnist(void **state)
{
    (void)state;
    const char *dir = "/usr/share/datasets/fashion-mnist";
    char img[256], lab[256];
    snprintf(img, sizeof img, "%s/t10k-images-idx3-ubyte.gz", dir);
    snprintf(lab, sizeof lab, "%s/t10k-labels-idx1-ubyte.gz", dir);
    if (!test_exists(img)) {
        printf("  %s absent (apt-get install dataset-fashion-mnist): skipped\n", img);
        skip();
        return;
    }
    struct bnn_images m = {0};
    ASSERT_OK(bnn_images_append_file(&m, img, 28, 28, 1));
    assert_int_equal(m.n, 10000);
    ASSERT_OK(bnn_images_set_labels(&m, lab, 0, m.n));
    int count[10] = {0};
    for (int i = 0; i < m.n; i++) {
        assert_true(m.labels[i] >= 0 && m.labels[i] < 10);
        count[m.labels[i]]++;
    }
    for (int c = 0; c < 10; c++) assert_int_equal(count[c], 1000); /* the test set is balanced */
    bnn_images_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_npy_roundtrip_all_dtypes),
        cmocka_unit_test(test_npz_roundtrip),
        cmocka_unit_test(test_inputs_read_back),
        cmocka_unit_test(test_finn_npy_inputs),
        cmocka_unit_test(test_fashion_mnist),
    };
    return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}
