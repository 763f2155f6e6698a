#!/usr/bin/env bash
# Seed corpora for the fuzz targets, made from data/ by the normal build's
# bnnsim: usage seeds.sh BNNSIM CORPUS_DIR
set -euo pipefail
bin=$1 out=$2
mkdir -p "$out"
for t in net-json npz npy idx cifar image fold-json config-h device bnn-pynq onnx; do mkdir -p "$out/$t"; done
cp data/*.json "$out/net-json/"
cp data/*.npz "$out/npz/"
cp data/samples/*.idx3-ubyte "$out/idx/"
cp data/samples/*.bin "$out/cifar/"
cp data/samples/*.png "$out/image/"
cp data/*.fold.json "$out/fold-json/"
cp data/devices/*.json "$out/device/"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# every layer's output of two networks as .npy
"$bin" run --net data/tfc.json --input data/samples/digits.idx3-ubyte --dump "$work/dump" -q > /dev/null
cp "$work"/dump/*.npy "$out/npy/"
# BNN-PYNQ config.h files for CNV
"$bin" perf --net data/cnv.json --fold data/cnv-fix.fold.json --write-config-h "$out/config-h/cnv-fix.h" > /dev/null
"$bin" perf --net data/cnv.json --fold data/cnv-max.fold.json --write-config-h "$out/config-h/cnv-max.h" > /dev/null
# ONNX models in both forms
"$bin" export onnx --net data/tfc.json -o "$out/onnx/tfc-streamlined.onnx" > /dev/null
"$bin" export onnx --net data/tfc.json --fold data/tfc-pynq.fold.json -o "$out/onnx/tfc-hw.onnx" > /dev/null
# BNN-PYNQ files of the TFC: the first byte says which file the rest replaces (targets.c)
echo '{"Defaults": {"SIMD": [64, ["MVAU_hls"]]}}' > "$work/simd64.json"
"$bin" gen net --topology lfc --out-rows 64 -o "$work/lfc64.json" > /dev/null
"$bin" golden --net "$work/lfc64.json" --fold "$work/simd64.json" --input data/samples/digits.idx3-ubyte --frames 1 -o "$work/g" -q
i=0
for f in 0-0-weights.bin 0-0-thres.bin 1-0-weights.bin 2-0-thres.bin 3-0-weights.bin config.h classes.txt; do
    if [ -f "$work/g/bnn-pynq/$f" ]; then { printf "\\x$(printf %02x $i)"; cat "$work/g/bnn-pynq/$f"; } > "$out/bnn-pynq/$f"; fi
    i=$((i + 1))
done
