#!/usr/bin/python3
"""A small W2A2 conv net in raw QONNX form (Quant nodes on weights and
activations, as Brevitas exports them), and numpy's qonnx arithmetic on it.

usage: w2a2_qonnx.py OUT_DIR SEED
       w2a2_qonnx.py --ties OUT_DIR MODE SIGNED NARROW ZERO_POINT [INT_WEIGHTS]
       w2a2_qonnx.py --hw OUT_DIR SEED

Writes OUT_DIR/model.onnx, OUT_DIR/input.npy (float32 NCHW pixels, as FINN
writes test vectors) and OUT_DIR/expected.json: per image the last layer's
integer accumulators (codes times codes) and the class, and for image 0 the
integer codes of every activation in HWC order. It exercises per-channel and
per-tensor weight scales, narrow weights, 2- and 3-bit activations, a
zero point, BN with negative gamma, Relu, and the FLOOR and ROUND modes.
Exits 3 when a value lands within 1e-6 of a rounding boundary (a seed whose
answer depends on float rounding order), so the caller can take another.
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

f32 = np.float32
QDOM = "qonnx.custom_op.general"
N, H, W, C0, C1, C2, K = 12, 8, 8, 3, 8, 8, 10
near = [np.inf]


def rounding(u, mode):  # qonnx's resolve_rounding_mode
    if mode == "ROUND":
        return np.round(u)  # half to even
    if mode == "FLOOR":
        return np.floor(u)
    if mode == "CEIL":
        return np.ceil(u)
    if mode == "ROUND_TO_ZERO":
        return np.fix(u)
    if mode == "HALF_UP":
        return np.floor(u + 0.5)
    if mode == "HALF_DOWN":
        return np.ceil(u - 0.5)
    raise ValueError(mode)


def qrange(bits, signed, narrow):
    if signed:
        return -(2 ** (bits - 1)) + narrow, 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1 - narrow


def quant_codes(x, s, z, bits, signed, narrow, mode, track=True):
    """qonnx Quant: the integer code q; value = s * (q - z)."""
    u = np.asarray(x, dtype=np.float64) / s + z
    if track:  # distance to the nearest rounding boundary
        frac = u - np.floor(u)
        d = np.abs(frac - 0.5) if mode in ("ROUND", "HALF_UP") else np.minimum(frac, 1 - frac)
        lo, hi = qrange(bits, signed, narrow)
        inside = (u > lo - 1) & (u < hi + 1) & (np.asarray(x) != 0)  # 0 is exact (Relu's clamp)
        if inside.any():
            near[0] = min(near[0], float(d[inside].min()))
    lo, hi = qrange(bits, signed, narrow)
    return np.clip(rounding(u, mode), lo, hi)


def conv(x, w, pad):  # x [C, H, W] float64, w [O, C, k, k]
    k = w.shape[2]
    x = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    oh, ow = x.shape[1] - k + 1, x.shape[2] - k + 1
    out = np.zeros((w.shape[0], oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = np.tensordot(w, x[:, i:i + k, j:j + k], axes=([1, 2, 3], [0, 1, 2]))
    return out


def ties(out_dir, mode, signed, narrow, zp, int_weights):
    """Binary inputs, a +-1 dot product whose values x = 2 * agreements - 16
    land on every half-integer of x / 4 (or, with int_weights, weights of
    -2..2 times 0.5 without a Quant), a 3-bit Quant with `mode`, and an
    identity layer whose integer accumulators are the Quant's codes."""
    rng = np.random.default_rng(7)
    nodes, inits = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    w0 = np.where(rng.uniform(size=(16, 12)) < 0.5, -1, 1).astype(f32)
    if int_weights:
        w0 = (rng.integers(-2, 3, size=(16, 12)) * 0.5).astype(f32)
    s, bits = f32(4 if not int_weights else 1), 3
    nodes.append(helper.make_node("Div", ["inp", const("c255", f32(255))], ["x0"]))
    nodes.append(helper.make_node("Sub", ["x0", const("half", f32(0.5))], ["x1"]))
    nodes.append(helper.make_node("BipolarQuant", ["x1", const("one", f32(1))], ["x2"], domain=QDOM))
    nodes.append(helper.make_node("Reshape", ["x2", const("shape", np.array([1, 16], dtype=np.int64))], ["x3"]))
    nodes.append(helper.make_node("MatMul", ["x3", const("w0", w0)], ["d0"]))
    nodes.append(helper.make_node("Quant", ["d0", const("s", s), const("z", f32(zp)), const("b", f32(bits))], ["a0"],
                                  domain=QDOM, signed=signed, narrow=narrow, rounding_mode=mode))
    nodes.append(helper.make_node("MatMul", ["a0", const("eye", np.eye(12, dtype=f32) * s)], ["out"]))
    graph = helper.make_graph(nodes, "ties", [helper.make_tensor_value_info("inp", TensorProto.FLOAT, [1, 1, 4, 4])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 12])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11), helper.make_opsetid(QDOM, 1)]),
              out_dir + "/model.onnx")
    pixels = (rng.uniform(size=(60, 1, 4, 4)) < 0.5).astype(np.uint8) * 255
    np.save(out_dir + "/input.npy", pixels)
    lo, hi = qrange(bits, signed, narrow)
    codes, n_ties = [], 0
    for p in pixels:
        x = np.where(p.reshape(16) >= 128, 1, -1).astype(np.float64) @ w0
        u = x / float(s) + zp
        n_ties += int(np.sum(u - np.floor(u) == 0.5))
        codes.append([int(v) for v in np.clip(rounding(u, mode), lo, hi)])
    with open(out_dir + "/expected.json", "w") as f:
        json.dump({"codes": codes, "ties": n_ties, "lo": lo}, f)


def hw(out_dir, seed):
    """FINN's HW layers on integers: the input Thresholding to UINT2, an MVAU
    with INT2 weights, thresholds and ActVal -2 (INT2 out), an MVAU with
    INT2 weights and no activation; FINN's MVAU arithmetic in numpy."""
    rng = np.random.default_rng(seed)
    HLS, RTL = "finn.custom_op.fpgadataflow.hls", "finn.custom_op.fpgadataflow.rtl"
    nodes, inits = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr, dtype=f32), name))
        return name

    mw0, mh0, mh1 = 16, 8, 4
    t_in = np.array([[43, 128, 213]] * mw0)  # round(3 p / 255): a 2-bit fixed-point input
    w0 = rng.integers(-2, 2, size=(mw0, mh0))
    w1 = rng.integers(-2, 2, size=(mh0, mh1))
    acc_reach = 3 * 2 * mw0
    t0 = np.sort(rng.integers(-acc_reach // 2, acc_reach // 2, size=(mh0, 3)), axis=1)
    nodes.append(helper.make_node("Thresholding_rtl", ["global_in", const("t_in", t_in)], ["q0"], domain=RTL,
                                  NumChannels=mw0, PE=1, numSteps=3, inputDataType="UINT8", outputDataType="UINT2",
                                  weightDataType="UINT8", ActVal=0, numInputVectors=[1]))
    nodes.append(helper.make_node("MVAU_hls", ["q0", const("w0", w0), const("t0", t0)], ["a0"], domain=HLS, MW=mw0,
                                  MH=mh0, SIMD=4, PE=2, inputDataType="UINT2", weightDataType="INT2",
                                  outputDataType="INT2", accDataType="INT32", ActVal=-2, binaryXnorMode=0,
                                  noActivation=0, numInputVectors=[1], mem_mode="internal_decoupled"))
    nodes.append(helper.make_node("MVAU_hls", ["a0", const("w1", w1)], ["out"], domain=HLS, MW=mh0, MH=mh1, SIMD=2,
                                  PE=1, inputDataType="INT2", weightDataType="INT2", outputDataType="INT32",
                                  accDataType="INT32", ActVal=0, binaryXnorMode=0, noActivation=1,
                                  numInputVectors=[1], mem_mode="internal_decoupled"))
    graph = helper.make_graph(nodes, "hw", [helper.make_tensor_value_info("global_in", TensorProto.FLOAT, [1, mw0])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, mh1])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]), out_dir + "/model.onnx")
    pixels = rng.integers(0, 256, size=(200, 1, 4, 4)).astype(np.uint8)  # 16 values, flat in C,H,W = H,W order
    np.save(out_dir + "/input.npy", pixels)
    scores = []
    for p in pixels.reshape(200, mw0).astype(np.int64):
        q = (p[:, None] >= t_in).sum(axis=1)  # UINT2
        acc0 = q @ w0
        a0 = -2 + (acc0[:, None] >= t0).sum(axis=1)  # INT2, ActVal -2
        scores.append([int(v) for v in a0 @ w1])
    with open(out_dir + "/expected.json", "w") as f:
        json.dump({"scores": scores}, f)


if sys.argv[1] == "--hw":
    hw(sys.argv[2], int(sys.argv[3]))
    sys.exit(0)
if sys.argv[1] == "--ties":
    ties(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]),
         len(sys.argv) > 7 and sys.argv[7] == "1")
    sys.exit(0)
out_dir, seed = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(seed)

# ---- parameters ----
s_in = f32(2.0 ** -7)
w0 = rng.normal(size=(C1, C0, 3, 3)).astype(f32)
s_w0 = (rng.uniform(0.2, 0.6, size=(C1, 1, 1, 1))).astype(f32)  # per output channel
q_w0 = quant_codes(w0, s_w0, 0, 2, 1, 1, "ROUND", track=False)  # narrow 2-bit: -1, 0, 1
bn_g = rng.uniform(0.5, 1.5, size=C1).astype(f32) * np.where(rng.uniform(size=C1) < 0.3, -1, 1).astype(f32)
bn_b = rng.normal(scale=0.5, size=C1).astype(f32)
bn_m = rng.normal(scale=0.5, size=C1).astype(f32)
bn_v = rng.uniform(0.5, 2.0, size=C1).astype(f32)
eps = f32(1e-5)
s_a1 = f32(rng.uniform(0.3, 0.8))
w1 = rng.normal(size=(C2, C1, 3, 3)).astype(f32)
s_w1 = f32(0.25)  # per tensor, 3 bits
q_w1 = quant_codes(w1, s_w1, 0, 3, 1, 0, "ROUND", track=False)
s_a2, z_a2 = f32(rng.uniform(0.5, 1.5)), f32(1.0)
w2 = rng.normal(size=(K, C2 * 3 * 3)).astype(f32)
s_w2 = f32(0.5)
q_w2 = quant_codes(w2, s_w2, 0, 2, 1, 0, "ROUND", track=False)

# ---- the model ----
nodes, inits = [], []


def const(name, arr):
    inits.append(numpy_helper.from_array(np.asarray(arr), name))
    return name


def quant(x, s, z, bits, signed, narrow, mode, out):
    nodes.append(helper.make_node("Quant", [x, const(out + "_s", s), const(out + "_z", f32(z)), const(out + "_b", f32(bits))],
                                  [out], domain=QDOM, signed=signed, narrow=narrow, rounding_mode=mode))
    return out


nodes.append(helper.make_node("Div", ["inp", const("c255", f32(255))], ["x0"]))
nodes.append(helper.make_node("Mul", ["x0", const("c2", f32(2))], ["x1"]))
nodes.append(helper.make_node("Sub", ["x1", const("c1", f32(1))], ["x2"]))
quant("x2", s_in, 0, 8, 1, 0, "ROUND", "xq")
quant(const("w0", w0), s_w0, 0, 2, 1, 1, "ROUND", "w0q")
nodes.append(helper.make_node("Conv", ["xq", "w0q"], ["c0"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
nodes.append(helper.make_node("BatchNormalization", ["c0", const("g", bn_g), const("b", bn_b), const("m", bn_m),
                                                     const("v", bn_v)], ["bn0"], epsilon=float(eps)))
nodes.append(helper.make_node("Relu", ["bn0"], ["r0"]))
quant("r0", s_a1, 0, 2, 0, 0, "FLOOR", "a1")
quant(const("w1", w1), s_w1, 0, 3, 1, 0, "ROUND", "w1q")
nodes.append(helper.make_node("Conv", ["a1", "w1q"], ["c1o"], kernel_shape=[3, 3]))
quant("c1o", s_a2, z_a2, 3, 1, 0, "ROUND", "a2")
nodes.append(helper.make_node("MaxPool", ["a2"], ["p2"], kernel_shape=[2, 2], strides=[2, 2]))
nodes.append(helper.make_node("Reshape", ["p2", const("shape", np.array([1, -1], dtype=np.int64))], ["f2"]))
quant(const("w2", w2), s_w2, 0, 2, 1, 0, "ROUND", "w2q")
nodes.append(helper.make_node("Transpose", ["w2q"], ["w2t"], perm=[1, 0]))
nodes.append(helper.make_node("MatMul", ["f2", "w2t"], ["out"]))
graph = helper.make_graph(nodes, "w2a2", [helper.make_tensor_value_info("inp", TensorProto.FLOAT, [1, C0, H, W])],
                          [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, K])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11), helper.make_opsetid(QDOM, 1)])
onnx.save(model, out_dir + "/model.onnx")

# ---- numpy's answer ----
pixels = rng.integers(0, 256, size=(N, C0, H, W)).astype(np.uint8)
np.save(out_dir + "/input.npy", pixels.astype(f32))
expected = {"scores": [], "classes": [], "layers": []}
for i in range(N):
    x = ((pixels[i].astype(f32) / f32(255)) * f32(2) - f32(1)).astype(f32)  # float32, as ONNX computes it
    q_in = quant_codes(x, s_in, 0, 8, 1, 0, "ROUND", track=False)  # float32 on both sides: ties are exact
    y0 = conv(q_in * float(s_in), q_w0 * s_w0.astype(np.float64), 1)
    g = bn_g.astype(np.float64)[:, None, None]
    y0 = (y0 - bn_m[:, None, None]) * g / np.sqrt(bn_v.astype(np.float64)[:, None, None] + float(eps)) + bn_b[:, None, None]
    a1 = quant_codes(np.maximum(y0, 0), s_a1, 0, 2, 0, 0, "FLOOR")
    y1 = conv(a1 * float(s_a1), q_w1 * float(s_w1), 0)
    a2 = quant_codes(y1, s_a2, z_a2, 3, 1, 0, "ROUND")
    p2 = a2.reshape(C2, 3, 2, 3, 2).max(axis=(2, 4))  # max of the codes: the values' order (scale > 0)
    acc = q_w2.astype(np.int64) @ p2.reshape(-1).astype(np.int64)  # C,H,W flatten, as the graph's Reshape
    expected["scores"].append([int(v) for v in acc])
    expected["classes"].append(int(np.argmax(acc)))
    if i == 0:  # HWC, as bnnsim dumps
        for a in (a1, a2, p2):
            expected["layers"].append([int(v) for v in a.transpose(1, 2, 0).reshape(-1)])
expected["near"] = near[0]
with open(out_dir + "/expected.json", "w") as f:
    json.dump(expected, f)
sys.exit(3 if near[0] < 1e-6 else 0)
