/* The IR: shape inference and every rule a network must satisfy. */
#include <stdio.h>

#include "bnnsim/net.h"
#include "core/util.h"
#include "net/shape.h"

#define DIM_MAX (1 << 16)

const char *bnn_layer_kind_str(enum bnn_layer_kind k)
{
    switch (k) {
    case BNN_LAYER_INPUT: return "input";
    case BNN_LAYER_CONV: return "conv";
    case BNN_LAYER_FC: return "fc";
    case BNN_LAYER_MAXPOOL: return "maxpool";
    case BNN_LAYER_LABELSELECT: return "labelselect";
    }
    return "?";
}

void bnn_net_free(struct bnn_net *net)
{
    if (!net) return;
    for (int32_t i = 0; i < net->n_layers; i++) {
        free(net->layers[i].weights);
        free(net->layers[i].thresholds);
    }
    free(net->layers);
    for (int32_t i = 0; i < net->n_classes; i++) free(net->class_names ? net->class_names[i] : NULL);
    free(net->class_names);
    free(net->description);
    free(net);
}

int32_t bnn_net_first_matrix(const struct bnn_net *net)
{
    for (int32_t i = 0; i < net->n_layers; i++)
        if (net->layers[i].kind == BNN_LAYER_CONV || net->layers[i].kind == BNN_LAYER_FC) return i;
    return -1;
}

int32_t bnn_net_last_matrix(const struct bnn_net *net)
{
    for (int32_t i = net->n_layers - 1; i >= 0; i--)
        if (net->layers[i].kind == BNN_LAYER_CONV || net->layers[i].kind == BNN_LAYER_FC) return i;
    return -1;
}

#define FAIL(...) return bnn_error(BNN_ERR_INVALID_NET, __VA_ARGS__)

int32_t bnn_value_bits(int32_t lo, int32_t hi)
{
    int32_t b = 1;
    if (lo < 0)
        while (b < 32 && (lo < -(1LL << (b - 1)) || hi > (1LL << (b - 1)) - 1)) b++;
    else
        while (b < 32 && hi > (1LL << b) - 1) b++;
    return b;
}

int bnn__layer_out_shape(const struct bnn_layer *L, struct bnn_shape in, struct bnn_shape *out)
{
    switch (L->kind) {
    case BNN_LAYER_INPUT: *out = L->out; return 0;
    case BNN_LAYER_FC: *out = (struct bnn_shape){1, 1, L->mh}; return 0;
    case BNN_LAYER_LABELSELECT: *out = (struct bnn_shape){1, 1, L->top_k}; return 0;
    case BNN_LAYER_CONV:
    case BNN_LAYER_MAXPOOL: {
        const int32_t pad = L->kind == BNN_LAYER_CONV ? L->pad : 0, eh = in.h + 2 * pad, ew = in.w + 2 * pad;
        if (eh < L->kernel || ew < L->kernel) return 1;
        *out = (struct bnn_shape){(eh - L->kernel) / L->stride + 1, (ew - L->kernel) / L->stride + 1,
                                  L->kind == BNN_LAYER_CONV ? L->mh : in.c};
        return 0;
    }
    }
    return 1;
}

static enum bnn_status check_matrix(const struct bnn_layer *L, const char *at)
{
    if (L->mh < 1 || L->mh > DIM_MAX) FAIL("%s: %s must be 1..%d (got %d)", at,
                                          L->kind == BNN_LAYER_CONV ? "out_channels" : "out_features", DIM_MAX, L->mh);
    if ((int64_t)L->mh * L->mw > (int64_t)1 << 31) FAIL("%s: weight matrix %d x %d is too large", at, L->mh, L->mw);
    if (!L->weights) FAIL("%s: no weights", at);
    if (L->w_bits < 1 || L->w_bits > 8) FAIL("%s: weight_bits must be 1 (bipolar) to 8 (got %d)", at, L->w_bits);
    if (L->w_frac < 0 || L->w_frac > 8 || (L->w_frac && L->w_bits == 1))
        FAIL("%s: weight_frac must be 0..8, with integer weights (got %d)", at, L->w_frac);
    if (L->w_bits > 1) {
        const int32_t lo = L->w_signed ? -(1 << (L->w_bits - 1)) : 0;
        const int32_t hi = L->w_signed ? (1 << (L->w_bits - 1)) - 1 : (1 << L->w_bits) - 1;
        for (size_t k = 0; k < (size_t)L->mh * L->mw; k++) {
            const int32_t v = bnn_layer_weight(L, k);
            if (v < lo || v > hi)
                FAIL("%s: tensor '%s': weight [%zu][%zu] = %d is not a %s %d-bit code (%d..%d)", at, L->weights_tensor,
                     k / (size_t)L->mw, k % (size_t)L->mw, v, L->w_signed ? "signed" : "unsigned", L->w_bits, lo, hi);
        }
    } else if (L->w_signed) {
        FAIL("%s: weight_signed applies to integer weights (weight_bits 2..8)", at);
    }
    if (L->acc_kind == BNN_ACC_DOT && (L->in_type != BNN_VT_BITS || L->w_bits != 1))
        FAIL("%s: accumulator \"dot\" applies to binary inputs with bipolar weights", at);
    if (L->act != BNN_ACT_THRESHOLD && L->act_bias)
        FAIL("%s: activation_bias applies to thresholded layers", at);
    if (L->act_bias < -256 || L->act_bias > 256) FAIL("%s: activation_bias must be -256..256 (got %d)", at, L->act_bias);
    if (L->act == BNN_ACT_THRESHOLD) {
        if (L->n_thr < 1 || L->n_thr > 255) FAIL("%s: thresholds per row must be 1..255 (got %d)", at, L->n_thr);
        if (!L->thresholds) FAIL("%s: no thresholds", at);
        if (L->thr_bits < 2 || L->thr_bits > 64) FAIL("%s: threshold_bits must be 2..64 (got %d)", at, L->thr_bits);
        if (L->thr_frac < 0 || L->thr_frac > 32) FAIL("%s: threshold_frac must be 0..32 (got %d)", at, L->thr_frac);
        int64_t lo = L->thr_bits == 64 ? INT64_MIN : -((int64_t)1 << (L->thr_bits - 1));
        int64_t hi = L->thr_bits == 64 ? INT64_MAX : ((int64_t)1 << (L->thr_bits - 1)) - 1;
        for (int32_t r = 0; r < L->mh; r++)
            for (int32_t t = 0; t < L->n_thr; t++) {
                int64_t v = L->thresholds[(int64_t)r * L->n_thr + t];
                if (v < lo || v > hi)
                    FAIL("%s: tensor '%s': threshold [%d][%d] = %lld out of range for threshold_bits %d (%lld..%lld)",
                         at, L->thresholds_tensor, r, t, (long long)v, L->thr_bits, (long long)lo, (long long)hi);
                if (t && v < L->thresholds[(int64_t)r * L->n_thr + t - 1])
                    FAIL("%s: tensor '%s': thresholds of row %d are not ascending", at, L->thresholds_tensor, r);
            }
    }
    return BNN_OK;
}

enum bnn_status bnn_net_finalize(struct bnn_net *net, const char *where)
{
    char at[BNN_NAME_MAX + 4200];
    if (net->n_layers < 2) FAIL("%s: layers: a network needs an input layer and at least one more", where);
    if (net->n_classes < 1) FAIL("%s: classes: at least one class name is needed", where);
    for (int32_t i = 0; i < net->n_layers; i++) {
        struct bnn_layer *L = &net->layers[i];
        snprintf(at, sizeof at, "%s: layers[%d] '%s'", where, i, L->name);
        if (!L->name[0]) FAIL("%s: layers[%d]: empty name", where, i);
        for (int32_t j = 0; j < i; j++)
            if (strcmp(net->layers[j].name, L->name) == 0) FAIL("%s: name: duplicate of layers[%d]", at, j);
        if ((L->kind == BNN_LAYER_INPUT) != (i == 0)) FAIL("%s: type: the first layer, and only it, must be 'input'", at);
        struct bnn_layer *P = i ? &net->layers[i - 1] : NULL;
        if (P) {
            L->in = P->out;
            L->in_type = P->out_type;
            L->in_lo = P->out_lo, L->in_hi = P->out_hi;
            /* fixed point comes from the input layer (through pools); thresholds give integers */
            L->in_frac = P->kind == BNN_LAYER_INPUT ? (P->input.kind == BNN_INPUT_FIXED ? P->input.frac : 0)
                         : P->kind == BNN_LAYER_MAXPOOL ? P->in_frac : 0;
            /* raw accumulators only feed the label select */
            if ((P->kind == BNN_LAYER_CONV || P->kind == BNN_LAYER_FC) && P->act == BNN_ACT_RAW &&
                L->kind != BNN_LAYER_LABELSELECT)
                FAIL("%s: type: layer '%s' gives raw accumulators; only 'labelselect' may follow", at, P->name);
        }
        L->out_lo = -1, L->out_hi = 1;
        switch (L->kind) {
        case BNN_LAYER_INPUT: {
            struct bnn_input_spec *s = &L->input;
            if (L->out.h < 1 || L->out.w < 1 || L->out.c < 1 || L->out.h > DIM_MAX || L->out.w > DIM_MAX ||
                L->out.c > DIM_MAX)
                FAIL("%s: shape: each of [h, w, c] must be 1..%d", at, DIM_MAX);
            if (s->kind == BNN_INPUT_BINARY) {
                if (s->binarize_threshold < 0 || s->binarize_threshold > 256)
                    FAIL("%s: binarize_threshold must be 0..256 (got %d)", at, s->binarize_threshold);
                L->out_type = BNN_VT_BITS;
            } else {
                if (s->bits < 2 || s->bits > 16) FAIL("%s: bits must be 2..16 (got %d)", at, s->bits);
                if (s->frac < 0 || s->frac > 24) FAIL("%s: frac must be 0..24 (got %d)", at, s->frac);
                if (s->range_lo >= s->range_hi || s->range_lo < -1024 || s->range_hi > 1024)
                    FAIL("%s: range must be [lo, hi] with integers lo < hi", at);
                L->out_type = BNN_VT_INT;
                L->out_lo = s->is_signed ? -(1 << (s->bits - 1)) : 0;
                L->out_hi = s->is_signed ? (1 << (s->bits - 1)) - 1 : (1 << s->bits) - 1;
            }
            break;
        }
        case BNN_LAYER_CONV: {
            if (L->kernel < 1 || L->kernel > 64) FAIL("%s: kernel must be 1..64 (got %d)", at, L->kernel);
            if (L->stride < 1 || L->stride > 64) FAIL("%s: stride must be 1..64 (got %d)", at, L->stride);
            if (L->pad < 0 || L->pad >= L->kernel) FAIL("%s: pad must be 0..kernel-1 (got %d)", at, L->pad);
            if (bnn__layer_out_shape(L, L->in, &L->out))
                FAIL("%s: kernel %d is larger than the padded input %dx%d", at, L->kernel, L->in.h + 2 * L->pad,
                     L->in.w + 2 * L->pad);
            if (L->mw != L->kernel * L->kernel * L->in.c)
                FAIL("%s: matrix width %d != kernel^2 * in channels = %d", at, L->mw, L->kernel * L->kernel * L->in.c);
            if (L->pad && L->in_type == BNN_VT_BITS && L->pad_value != 0 && L->pad_value != 1)
                FAIL("%s: pad_value must be -1 or +1 for a binary input", at);
            break;
        }
        case BNN_LAYER_FC: {
            if (L->in_pad < 0) FAIL("%s: in_pad must be >= 0", at);
            if (L->in_pad && L->in_type != BNN_VT_BITS) FAIL("%s: in_pad needs a binary input", at);
            if (L->in_pad_value != 0 && L->in_pad_value != 1) FAIL("%s: in_pad_value must be -1 or +1", at);
            int64_t mw = (int64_t)L->in.h * L->in.w * L->in.c + L->in_pad;
            if (mw != L->mw) FAIL("%s: matrix width %d != inputs %d x %d x %d + in_pad %d = %lld", at, L->mw, L->in.h,
                                  L->in.w, L->in.c, L->in_pad, (long long)mw);
            bnn__layer_out_shape(L, L->in, &L->out);
            break;
        }
        case BNN_LAYER_MAXPOOL: /* OR on bits, max on integers */
            if (L->kernel < 1 || L->stride < 1) FAIL("%s: kernel and stride must be >= 1", at);
            if (bnn__layer_out_shape(L, L->in, &L->out))
                FAIL("%s: kernel %d is larger than the input %dx%d", at, L->kernel, L->in.h, L->in.w);
            L->out_type = L->in_type;
            L->out_lo = L->in_lo, L->out_hi = L->in_hi;
            break;
        case BNN_LAYER_LABELSELECT:
            if (i != net->n_layers - 1) FAIL("%s: type: labelselect must be the last layer", at);
            if (!P || (P->kind != BNN_LAYER_CONV && P->kind != BNN_LAYER_FC))
                FAIL("%s: type: labelselect must follow a conv or fc layer", at);
            if (L->top_k < 1 || L->top_k > 8 || L->top_k > net->n_classes)
                FAIL("%s: k must be 1..min(8, classes = %d) (got %d)", at, net->n_classes, L->top_k);
            bnn__layer_out_shape(L, L->in, &L->out);
            L->out_type = BNN_VT_INT;
            break;
        }
        if (L->kind == BNN_LAYER_CONV || L->kind == BNN_LAYER_FC) {
            if (L->w_bits == 0) L->w_bits = 1;
            enum bnn_status st = check_matrix(L, at);
            if (st) return st;
            L->acc_frac = L->in_frac + L->w_frac;
            L->out_type = L->act == BNN_ACT_THRESHOLD && L->n_thr == 1 && L->act_bias == 0 ? BNN_VT_BITS : BNN_VT_INT;
            if (L->in_type == BNN_VT_INT && L->pad && (L->pad_value < L->in_lo || L->pad_value > L->in_hi))
                FAIL("%s: pad_value %d is not a value of the input (%d..%d)", at, L->pad_value, L->in_lo, L->in_hi);
            /* the accumulator's reach: it must fit the int32 the engines (and FINN's HLS) use */
            int64_t wmax = 1;
            if (L->w_bits > 1) wmax = L->w_signed ? (int64_t)1 << (L->w_bits - 1) : ((int64_t)1 << L->w_bits) - 1;
            const int64_t xmax = L->in_type == BNN_VT_BITS ? 1 : BNN_MAX(-(int64_t)L->in_lo, (int64_t)L->in_hi);
            const int64_t reach = (int64_t)L->mw * xmax * wmax;
            if (reach >= (int64_t)1 << 31)
                FAIL("%s: the accumulator reaches %lld (%d columns of %d-bit inputs, %d-bit weights): over 32 bits", at,
                     (long long)reach, L->mw, bnn_value_bits(L->in_lo, L->in_hi), L->w_bits);
            if (L->act == BNN_ACT_THRESHOLD) L->out_lo = L->act_bias, L->out_hi = L->act_bias + L->n_thr;
            else if (L->in_type == BNN_VT_BITS && L->w_bits == 1 && L->acc_kind == BNN_ACC_XNOR)
                L->out_lo = 0, L->out_hi = L->mw;
            else L->out_lo = (int32_t)-reach, L->out_hi = (int32_t)reach;
        }
    }
    int32_t lm = bnn_net_last_matrix(net);
    if (lm < 0) FAIL("%s: layers: the network has no conv or fc layer", where);
    if (net->n_classes > net->layers[lm].mh)
        FAIL("%s: classes: %d class names but the last layer '%s' has only %d rows", where, net->n_classes,
             net->layers[lm].name, net->layers[lm].mh);
    return BNN_OK;
}
