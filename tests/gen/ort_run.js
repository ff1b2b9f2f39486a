#!/usr/bin/env node
// Dev tool (run by the generators in tests/gen, not in CI): runs one model under ONNX Runtime
// (onnxruntime-node, CPU) with graph optimisations disabled, so that a QDQ model is computed
// as its operators say (at the default level ORT fuses DequantizeLinear -> Conv ->
// QuantizeLinear into integer kernels, which round differently), and with one intra-op thread:
// with more, ORT's com.microsoft DynamicQuantizeLSTM splits the batch between threads and
// quantises each part's hidden state on its own range, so its outputs depend on the thread
// count; with one, each step quantises the whole batch's h at once (what rnnc implements).
// Used by gen_qdq.py, gen_dqlstm.py and gen_prec.py.
//   NODE_PATH=/tmp/ortq/node_modules node tests/gen/ort_run.js IN.json OUT.json
// IN.json: {"model": PATH, "inputs": {name: {"type", "dims", "data"}}}; OUT.json gets
// {name: {"type", "dims", "data"}} for every graph output, or {"error": MESSAGE}.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

const ARRAYS = {float32: Float32Array, int32: Int32Array, uint8: Uint8Array, int8: Int8Array};

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  let out;
  try {
    const sess = await ort.InferenceSession.create(spec.model, {
      graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1});
    const feeds = {};
    for (const [name, t] of Object.entries(spec.inputs))
      feeds[name] = new ort.Tensor(t.type, ARRAYS[t.type].from(t.data), t.dims);
    const res = await sess.run(feeds);
    out = {};
    for (const name of sess.outputNames) {
      const r = res[name];
      out[name] = {type: r.type, dims: Array.from(r.dims), data: Array.from(r.data)};
    }
  } catch (e) {
    out = {error: String(e.message || e)};
  }
  fs.writeFileSync(process.argv[3], JSON.stringify(out));
}
main();
