/* Constant folding: the standard and quantiser ops an exported QONNX graph
 * computes on constants (weights through BipolarQuant and Transpose, the
 * Shape -> Gather -> Concat flatten, the TensorNorm's Pow). FLOAT results
 * are rounded to float32 after every op, as onnxruntime computes them. */
#include <math.h>
#include <stdio.h>

#include "core/util.h"
#include "onnx/graph.h"

#define UNSUP(...) return bnn_error(BNN_ERR_UNSUPPORTED, __VA_ARGS__)

enum bnn_status ox_val_alloc(struct ox_val *v, int32_t dtype, int32_t ndim, const int64_t *dims)
{
    memset(v, 0, sizeof *v);
    if (ndim > OX_MAX_DIMS) UNSUP("%d dimensions", ndim);
    v->dtype = dtype;
    v->ndim = ndim;
    v->n = 1;
    for (int32_t i = 0; i < ndim; i++) {
        if (dims[i] < 0 || (dims[i] && v->n > ((int64_t)1 << 31) / dims[i])) UNSUP("a tensor of more than 2^31 elements");
        v->dims[i] = dims[i];
        v->n *= dims[i];
    }
    v->v = bnn__calloc((size_t)v->n + 1, sizeof *v->v);
    return v->v ? BNN_OK : BNN_ERR_NOMEM;
}

void ox_val_free(struct ox_val *v)
{
    free(v->v);
    v->v = NULL;
}

double ox_round_to(int32_t dtype, double x)
{
    if (dtype == OX_FLOAT) return (double)(float)x;
    if (dtype == OX_INT64 || dtype == OX_INT32 || dtype == OX_INT8 || dtype == OX_UINT8) return trunc(x);
    return x;
}

int ox_broadcastable(const struct ox_val *v, int32_t ndim, const int64_t *dims)
{
    if (v->ndim > ndim) {
        for (int32_t i = 0; i < v->ndim - ndim; i++)
            if (v->dims[i] != 1) return 0;
    }
    for (int32_t i = 1; i <= v->ndim && i <= ndim; i++) {
        int64_t a = v->dims[v->ndim - i], b = dims[ndim - i];
        if (a != 1 && a != b) return 0;
    }
    return 1;
}

int64_t ox_broadcast_index(const struct ox_val *v, int32_t ndim, const int64_t *dims, int64_t i)
{
    int64_t idx = 0, stride = 1;
    for (int32_t d = 1; d <= ndim; d++) {
        int64_t coord = i % dims[ndim - d];
        i /= dims[ndim - d];
        if (d <= v->ndim) {
            int64_t vd = v->dims[v->ndim - d];
            if (vd != 1) idx += coord * stride;
            stride *= vd;
        }
    }
    return idx;
}

static int broadcast_shape(const struct ox_val *a, const struct ox_val *b, int32_t *ndim, int64_t *dims)
{
    int32_t n = a->ndim > b->ndim ? a->ndim : b->ndim;
    for (int32_t i = 1; i <= n; i++) {
        int64_t x = i <= a->ndim ? a->dims[a->ndim - i] : 1, y = i <= b->ndim ? b->dims[b->ndim - i] : 1;
        if (x != y && x != 1 && y != 1) return 0;
        dims[n - i] = x == 1 ? y : x;
    }
    *ndim = n;
    return 1;
}

static double round_half_even(double x)
{
    double r = nearbyint(x); /* the default rounding mode is to nearest, ties to even */
    return r;
}

double ox_quant(double x, double scale, double zp, double bits, int is_signed, int narrow, const char *mode, int32_t dtype)
{
    if (bits == 1 && is_signed) return ox_round_to(dtype, (x >= 0 ? 1.0 : -1.0) * scale);
    double y = ox_round_to(dtype, ox_round_to(dtype, x / scale) + zp);
    double lo = is_signed ? -ldexp(1, (int)bits - 1) + (narrow ? 1 : 0) : 0;
    double hi = is_signed ? ldexp(1, (int)bits - 1) - 1 : ldexp(1, (int)bits) - 1 - (narrow ? 1 : 0);
    if (!strcmp(mode, "ROUND")) y = round_half_even(y);
    else if (!strcmp(mode, "CEIL")) y = ceil(y);
    else if (!strcmp(mode, "FLOOR")) y = floor(y);
    else if (!strcmp(mode, "ROUND_TO_ZERO")) y = trunc(y);
    else if (!strcmp(mode, "HALF_UP")) y = floor(y + 0.5);
    else if (!strcmp(mode, "HALF_DOWN")) y = ceil(y - 0.5);
    else y = NAN;
    if (y < lo) y = lo;
    if (y > hi) y = hi;
    return ox_round_to(dtype, ox_round_to(dtype, y - zp) * scale);
}

int32_t ox_count_ge(double x, const double *thr, int32_t n)
{
    int32_t c = 0;
    for (int32_t i = 0; i < n; i++) c += x >= thr[i];
    return c;
}

static enum bnn_status binary_op(const char *op, const struct ox_val *a, const struct ox_val *b, struct ox_val *out)
{
    int32_t nd;
    int64_t dims[OX_MAX_DIMS];
    if (!broadcast_shape(a, b, &nd, dims)) UNSUP("shapes do not broadcast");
    int32_t dt = a->dtype == OX_DOUBLE || b->dtype == OX_DOUBLE ? OX_DOUBLE : a->dtype;
    enum bnn_status st = ox_val_alloc(out, dt, nd, dims);
    if (st) return st;
    for (int64_t i = 0; i < out->n; i++) {
        double x = a->v[ox_broadcast_index(a, nd, dims, i)], y = b->v[ox_broadcast_index(b, nd, dims, i)], r;
        if (!strcmp(op, "Add")) r = x + y;
        else if (!strcmp(op, "Sub")) r = x - y;
        else if (!strcmp(op, "Mul")) r = x * y;
        else if (!strcmp(op, "Div")) r = dt == OX_FLOAT || dt == OX_DOUBLE ? x / y : (y ? trunc(x / y) : 0);
        else r = pow(x, y);
        out->v[i] = ox_round_to(dt, r);
    }
    return BNN_OK;
}

static enum bnn_status copy_reshaped(const struct ox_val *a, int32_t nd, const int64_t *dims, struct ox_val *out)
{
    enum bnn_status st = ox_val_alloc(out, a->dtype, nd, dims);
    if (st) return st;
    if (out->n != a->n) {
        ox_val_free(out);
        UNSUP("reshape of %lld elements into %lld", (long long)a->n, (long long)out->n);
    }
    memcpy(out->v, a->v, (size_t)a->n * sizeof *a->v);
    return BNN_OK;
}

/* axes of Unsqueeze/Squeeze: the attribute (opset < 13) or input 1 */
static int32_t axes_of(const struct ox_node *n, const struct ox_val *const *in, int32_t n_in, int64_t *axes)
{
    int32_t k = ox_attr_ints(n, "axes", axes, OX_MAX_DIMS);
    if (k >= 0) return k;
    if (n_in > 1 && in[1]) {
        for (int64_t i = 0; i < in[1]->n && i < OX_MAX_DIMS; i++) axes[i] = (int64_t)in[1]->v[i];
        return (int32_t)in[1]->n;
    }
    return 0;
}

enum bnn_status ox_reshape_dims(const struct ox_val *shape, int32_t in_nd, const int64_t *in_dims, int64_t in_n,
                                int32_t *nd, int64_t *dims)
{
    if (shape->n > OX_MAX_DIMS) UNSUP("reshape to %lld dimensions", (long long)shape->n);
    int64_t known = 1;
    int32_t minus = -1;
    for (int64_t i = 0; i < shape->n; i++) {
        if (!(shape->v[i] >= -1 && shape->v[i] <= (double)((int64_t)1 << 40)))
            UNSUP("reshape dimension %g", shape->v[i]);
        int64_t d = (int64_t)shape->v[i];
        if (d == 0 && i < in_nd) d = in_dims[i];
        if (d == -1) {
            if (minus >= 0) UNSUP("two -1 in a reshape");
            minus = (int32_t)i;
            d = 1;
        } else if (d < 1) {
            UNSUP("reshape dimension %lld", (long long)d);
        }
        dims[i] = d;
        if (__builtin_mul_overflow(known, d, &known) || known > ((int64_t)1 << 40))
            UNSUP("reshape to more than 2^40 elements");
    }
    if (minus >= 0) {
        if (!known || in_n % known) UNSUP("reshape of %lld elements by %lld", (long long)in_n, (long long)known);
        dims[minus] = in_n / known;
    }
    *nd = (int32_t)shape->n;
    return BNN_OK;
}

static enum bnn_status transpose(const struct ox_node *n, const struct ox_val *a, struct ox_val *out)
{
    int64_t perm[OX_MAX_DIMS];
    int32_t k = ox_attr_ints(n, "perm", perm, OX_MAX_DIMS);
    if (k < 0) {
        k = a->ndim;
        for (int32_t i = 0; i < k; i++) perm[i] = k - 1 - i;
    }
    if (k != a->ndim) UNSUP("perm of %d axes on %d dimensions", k, a->ndim);
    int64_t dims[OX_MAX_DIMS], in_stride[OX_MAX_DIMS];
    for (int32_t i = 0; i < k; i++) {
        if (perm[i] < 0 || perm[i] >= k) UNSUP("perm value %lld", (long long)perm[i]);
        dims[i] = a->dims[perm[i]];
    }
    in_stride[k - 1] = 1;
    for (int32_t i = k - 2; i >= 0; i--) in_stride[i] = in_stride[i + 1] * a->dims[i + 1];
    enum bnn_status st = ox_val_alloc(out, a->dtype, k, dims);
    if (st) return st;
    for (int64_t i = 0; i < out->n; i++) {
        int64_t r = i, src = 0;
        for (int32_t d = k - 1; d >= 0; d--) {
            src += (r % dims[d]) * in_stride[perm[d]];
            r /= dims[d];
        }
        out->v[i] = a->v[src];
    }
    return BNN_OK;
}

static enum bnn_status gather(const struct ox_node *n, const struct ox_val *a, const struct ox_val *idx, struct ox_val *out)
{
    int64_t axis = ox_attr_i(n, "axis", 0);
    if (axis < 0) axis += a->ndim;
    if (axis < 0 || axis >= a->ndim) UNSUP("gather axis %lld", (long long)axis);
    int64_t dims[OX_MAX_DIMS];
    int32_t nd = 0;
    for (int32_t i = 0; i < axis; i++) dims[nd++] = a->dims[i];
    for (int32_t i = 0; i < idx->ndim; i++) dims[nd++] = idx->dims[i];
    for (int32_t i = (int32_t)axis + 1; i < a->ndim; i++) dims[nd++] = a->dims[i];
    if (nd > OX_MAX_DIMS) UNSUP("gather result of %d dimensions", nd);
    int64_t outer = 1, inner = 1;
    for (int32_t i = 0; i < axis; i++) outer *= a->dims[i];
    for (int32_t i = (int32_t)axis + 1; i < a->ndim; i++) inner *= a->dims[i];
    enum bnn_status st = ox_val_alloc(out, a->dtype, nd, dims);
    if (st) return st;
    int64_t m = a->dims[axis], o = 0;
    for (int64_t p = 0; p < outer; p++)
        for (int64_t j = 0; j < idx->n; j++) {
            int64_t ix = (int64_t)idx->v[j];
            if (ix < 0) ix += m;
            if (ix < 0 || ix >= m) {
                ox_val_free(out);
                UNSUP("gather index %lld out of range", (long long)ix);
            }
            for (int64_t q = 0; q < inner; q++) out->v[o++] = a->v[(p * m + ix) * inner + q];
        }
    return BNN_OK;
}

static enum bnn_status concat(const struct ox_node *n, const struct ox_val *const *in, int32_t n_in, struct ox_val *out)
{
    int64_t axis = ox_attr_i(n, "axis", 0);
    const struct ox_val *a = in[0];
    if (!a) UNSUP("no input");
    if (axis < 0) axis += a->ndim;
    if (axis < 0 || axis >= a->ndim) UNSUP("concat axis");
    int64_t dims[OX_MAX_DIMS];
    memcpy(dims, a->dims, sizeof dims);
    dims[axis] = 0;
    for (int32_t k = 0; k < n_in; k++) {
        if (!in[k] || in[k]->ndim != a->ndim) UNSUP("concat of different ranks");
        for (int32_t d = 0; d < a->ndim; d++)
            if (d != axis && in[k]->dims[d] != a->dims[d]) UNSUP("concat of different shapes");
        dims[axis] += in[k]->dims[axis];
    }
    enum bnn_status st = ox_val_alloc(out, a->dtype, a->ndim, dims);
    if (st) return st;
    int64_t outer = 1, inner = 1;
    for (int32_t i = 0; i < axis; i++) outer *= a->dims[i];
    for (int32_t i = (int32_t)axis + 1; i < a->ndim; i++) inner *= a->dims[i];
    int64_t o = 0;
    for (int64_t p = 0; p < outer; p++)
        for (int32_t k = 0; k < n_in; k++) {
            int64_t len = in[k]->dims[axis] * inner;
            memcpy(out->v + o, in[k]->v + p * len, (size_t)len * sizeof(double));
            o += len;
        }
    return BNN_OK;
}

enum bnn_status ox_eval_node(struct ox_graph *g, const struct ox_node *n, const struct ox_val *const *in, int32_t n_in,
                             struct ox_val *out)
{
    const char *op = n->op;
    const struct ox_val *a = n_in > 0 ? in[0] : NULL;
    if (n->dom == OX_DOM_STD && !strcmp(op, "Constant")) {
        const Onnx__AttributeProto *v = ox_attr(n, "value");
        if (!v || !v->t) UNSUP("Constant without a tensor 'value'");
        return ox_tensor_decode(g->path, v->t, out);
    }
    if (!a) UNSUP("no input");
    if (n->dom == OX_DOM_QUANT && !strcmp(op, "BipolarQuant")) {
        if (n_in < 2 || !in[1]) UNSUP("BipolarQuant without a scale");
        enum bnn_status st = ox_val_alloc(out, a->dtype, a->ndim, a->dims);
        if (st) return st;
        if (!ox_broadcastable(in[1], a->ndim, a->dims)) UNSUP("scale does not broadcast");
        for (int64_t i = 0; i < a->n; i++)
            out->v[i] = ox_round_to(a->dtype, (a->v[i] >= 0 ? 1.0 : -1.0) * in[1]->v[ox_broadcast_index(in[1], a->ndim, a->dims, i)]);
        return BNN_OK;
    }
    if (n->dom == OX_DOM_QUANT && !strcmp(op, "Quant")) {
        if (n_in < 4 || !in[1] || !in[2] || !in[3]) UNSUP("Quant needs x, scale, zeropt, bitwidth");
        char mode[32];
        ox_attr_s(n, "rounding_mode", "ROUND", mode, sizeof mode);
        int sgn = (int)ox_attr_i(n, "signed", 1), narrow = (int)ox_attr_i(n, "narrow", 0);
        for (int32_t k = 1; k < 4; k++)
            if (!ox_broadcastable(in[k], a->ndim, a->dims)) UNSUP("Quant parameter %d does not broadcast", k);
        for (int64_t i = 0; i < in[3]->n; i++) /* a width the code range can be computed for */
            if (!(in[3]->v[i] >= 1 && in[3]->v[i] <= 32 && in[3]->v[i] == floor(in[3]->v[i])))
                UNSUP("Quant bit width %g (1..32)", in[3]->v[i]);
        enum bnn_status st = ox_val_alloc(out, a->dtype, a->ndim, a->dims);
        if (st) return st;
        for (int64_t i = 0; i < a->n; i++)
            out->v[i] = ox_quant(a->v[i], in[1]->v[ox_broadcast_index(in[1], a->ndim, a->dims, i)],
                                 in[2]->v[ox_broadcast_index(in[2], a->ndim, a->dims, i)],
                                 in[3]->v[ox_broadcast_index(in[3], a->ndim, a->dims, i)], sgn, narrow, mode, a->dtype);
        return BNN_OK;
    }
    if (n->dom != OX_DOM_STD) UNSUP("a custom op");
    if (!strcmp(op, "Identity")) return copy_reshaped(a, a->ndim, a->dims, out);
    if (!strcmp(op, "Cast")) {
        enum bnn_status st = copy_reshaped(a, a->ndim, a->dims, out);
        if (st) return st;
        out->dtype = (int32_t)ox_attr_i(n, "to", OX_FLOAT);
        for (int64_t i = 0; i < out->n; i++) out->v[i] = ox_round_to(out->dtype, out->v[i]);
        return BNN_OK;
    }
    if (!strcmp(op, "Shape")) {
        int64_t d = a->ndim;
        enum bnn_status st = ox_val_alloc(out, OX_INT64, 1, &d);
        if (st) return st;
        for (int32_t i = 0; i < a->ndim; i++) out->v[i] = (double)a->dims[i];
        return BNN_OK;
    }
    if (!strcmp(op, "Add") || !strcmp(op, "Sub") || !strcmp(op, "Mul") || !strcmp(op, "Div") || !strcmp(op, "Pow")) {
        if (n_in < 2 || !in[1]) UNSUP("needs two inputs");
        return binary_op(op, a, in[1], out);
    }
    if (!strcmp(op, "Sqrt") || !strcmp(op, "Neg") || !strcmp(op, "Reciprocal") || !strcmp(op, "Abs")) {
        enum bnn_status st = ox_val_alloc(out, a->dtype, a->ndim, a->dims);
        if (st) return st;
        for (int64_t i = 0; i < a->n; i++) {
            double x = a->v[i];
            out->v[i] = ox_round_to(a->dtype, op[0] == 'S' ? sqrt(x) : op[0] == 'N' ? -x : op[0] == 'R' ? 1.0 / x : fabs(x));
        }
        return BNN_OK;
    }
    if (!strcmp(op, "Transpose")) return transpose(n, a, out);
    if (!strcmp(op, "Gather")) {
        if (n_in < 2 || !in[1]) UNSUP("needs indices");
        return gather(n, a, in[1], out);
    }
    if (!strcmp(op, "Concat")) return concat(n, in, n_in, out);
    if (!strcmp(op, "Reshape")) {
        if (n_in < 2 || !in[1]) UNSUP("needs a shape");
        int32_t nd;
        int64_t dims[OX_MAX_DIMS];
        enum bnn_status st = ox_reshape_dims(in[1], a->ndim, a->dims, a->n, &nd, dims);
        return st ? st : copy_reshaped(a, nd, dims, out);
    }
    if (!strcmp(op, "Flatten")) {
        int64_t axis = ox_attr_i(n, "axis", 1), d[2] = {1, 1};
        if (axis < 0) axis += a->ndim;
        for (int32_t i = 0; i < a->ndim; i++) d[i >= axis] *= a->dims[i];
        return copy_reshaped(a, 2, d, out);
    }
    if (!strcmp(op, "Unsqueeze") || !strcmp(op, "Squeeze")) {
        int64_t axes[OX_MAX_DIMS], dims[OX_MAX_DIMS];
        int32_t k = axes_of(n, in, n_in, axes), nd;
        if (op[0] == 'U') {
            nd = a->ndim + k;
            if (nd > OX_MAX_DIMS) UNSUP("too many dimensions");
            int mark[OX_MAX_DIMS] = {0};
            for (int32_t i = 0; i < k; i++) {
                int64_t ax = axes[i] < 0 ? axes[i] + nd : axes[i];
                if (ax < 0 || ax >= nd) UNSUP("unsqueeze axis");
                mark[ax] = 1;
            }
            for (int32_t i = 0, j = 0; i < nd; i++) dims[i] = mark[i] ? 1 : a->dims[j++];
        } else {
            nd = 0;
            for (int32_t i = 0; i < a->ndim; i++) {
                int drop = k == 0 && a->dims[i] == 1;
                for (int32_t j = 0; j < k; j++) drop |= (axes[j] < 0 ? axes[j] + a->ndim : axes[j]) == i;
                if (drop && a->dims[i] != 1) UNSUP("squeeze of a dimension of size %lld", (long long)a->dims[i]);
                if (!drop) dims[nd++] = a->dims[i];
            }
        }
        return copy_reshaped(a, nd, dims, out);
    }
    UNSUP("not a constant-foldable op");
}
