#!/usr/bin/env node
// Cross-check an example's exported model against ONNX Runtime (onnxruntime-node, CPU).
// A development tool: the examples build and run without it.
//
// Setup (once):
//   mkdir -p /tmp/ortnode && cd /tmp/ortnode && npm init -y && \
//     npm install --ignore-scripts onnxruntime-node
// Usage, e.g. for the parity example:
//   /usr/bin/python3 examples/parity/train.py --sidecar /tmp/parity.json
//   NODE_PATH=/tmp/ortnode/node_modules node examples/tools/ort_check.js /tmp/parity.json
//
// The sidecar (written by the examples' train.py --sidecar) is
//   { "model": "<path to .onnx>",
//     "cases": [ { "inputs":  { name: {"type": "float32"|"int64", "dims": [...], "data": [...]} },
//                  "outputs": { name: {"dims": [...], "data": [...]} } }, ... ] }
// with PyTorch's outputs; only the outputs listed are compared. Exit status 0 when every
// element agrees within atol + rtol * |expected| (defaults 1e-5 and 1e-4; --atol, --rtol).

'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function makeTensor(t) {
  if (t.type === 'float32') return new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
  if (t.type === 'int64') {
    return new ort.Tensor('int64', BigInt64Array.from(t.data.map(BigInt)), t.dims);
  }
  throw new Error('unsupported type ' + t.type);
}

async function main() {
  const args = process.argv.slice(2);
  let atol = 1e-5, rtol = 1e-4, file = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--atol') atol = Number(args[++i]);
    else if (args[i] === '--rtol') rtol = Number(args[++i]);
    else file = args[i];
  }
  if (!file) {
    console.error('usage: ort_check.js SIDECAR.json [--atol A] [--rtol R]');
    process.exit(2);
  }
  const side = JSON.parse(fs.readFileSync(file, 'utf8'));
  const sess = await ort.InferenceSession.create(side.model);
  let maxErr = 0, bad = 0, n = 0;
  for (let c = 0; c < side.cases.length; c++) {
    const cs = side.cases[c];
    const feeds = {};
    for (const [name, t] of Object.entries(cs.inputs)) feeds[name] = makeTensor(t);
    const res = await sess.run(feeds);
    for (const [name, exp] of Object.entries(cs.outputs)) {
      const got = res[name];
      if (JSON.stringify(Array.from(got.dims)) !== JSON.stringify(exp.dims)) {
        const dims = JSON.stringify(Array.from(got.dims));
        console.log(`case ${c} ${name}: dims ${dims} != ${JSON.stringify(exp.dims)}`);
        bad++;
        continue;
      }
      for (let i = 0; i < exp.data.length; i++) {
        const e = Math.abs(got.data[i] - exp.data[i]);
        n++;
        if (e > maxErr || Number.isNaN(e)) maxErr = e;
        if (!(e <= atol + rtol * Math.abs(exp.data[i]))) {
          if (bad < 10) {
            console.log(`case ${c} ${name}[${i}]: ort ${got.data[i]} torch ${exp.data[i]}`);
          }
          bad++;
        }
      }
    }
  }
  console.log(`${side.model}: ${side.cases.length} cases, ${n} values, ` +
              `max abs error ${maxErr.toExponential(3)}, ` +
              `${bad} outside atol ${atol} + rtol ${rtol}: ${bad ? 'FAIL' : 'PASS'}`);
  process.exit(bad ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
