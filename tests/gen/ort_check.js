#!/usr/bin/env node
// Dev tool (not run in CI): cross-check generated RNN/LSTM/GRU cases against
// ONNX Runtime (onnxruntime-node, CPU).
//
// Setup (once):
//   mkdir -p /tmp/ortnode && cd /tmp/ortnode && npm init -y && \
//     npm install --ignore-scripts onnxruntime-node
// Usage:
//   /usr/bin/python3 tests/gen/gen_cases.py --sidecar /tmp/ortcheck
//   NODE_PATH=/tmp/ortnode/node_modules node tests/gen/ort_check.js /tmp/ortcheck [--dump]
//
// Each sidecar /tmp/ortcheck/<case>.json holds
//   { "model": "<path to model.onnx>", "skip": null | "<reason>", "note": null | "<text>",
//     "inputs":  { name: {"type": "float32"|"int32", "dims": [...], "data": [...]}, ... },
//     "outputs": { name: {"type": "float32", "dims": [...], "data": [...]}, ... } }
// (inputs = graph inputs, outputs = expected graph outputs from the NumPy
// reference), and optionally "ort_outputs": the reference's outputs under ONNX
// Runtime's activation alpha/beta defaults, present only for cases whose
// committed (spec) expectation depends on an omitted alpha/beta where ORT's
// default differs from the spec; ORT is then compared against ort_outputs.  With --dump, ORT's outputs (or its error) are written to
// <case>.ort.json next to the sidecar.
// Exit status: 0 if every non-skipped case agrees (atol 1e-5 + rtol 1e-4).

'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const ATOL = 1e-5;
const RTOL = 1e-4;

function makeTensor(t) {
  if (t.type === 'float32') return new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
  if (t.type === 'int32') return new ort.Tensor('int32', Int32Array.from(t.data), t.dims);
  if (t.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(t.data.map(BigInt)), t.dims);
  throw new Error('unsupported type ' + t.type);
}

function compare(name, got, exp) {
  const gd = Array.from(got.dims);
  if (JSON.stringify(gd) !== JSON.stringify(exp.dims)) {
    return `${name}: shape ${JSON.stringify(gd)} != expected ${JSON.stringify(exp.dims)}`;
  }
  let worst = 0, worstIdx = -1;
  for (let i = 0; i < exp.data.length; i++) {
    const g = got.data[i], e = exp.data[i];
    const err = Math.abs(g - e) - (ATOL + RTOL * Math.abs(e));
    if (!(err <= 0) && (err > worst || worstIdx < 0 || Number.isNaN(err))) { worst = err; worstIdx = i; }
  }
  if (worstIdx >= 0) {
    return `${name}: mismatch at flat index ${worstIdx}: ort=${got.data[worstIdx]} expected=${exp.data[worstIdx]}`;
  }
  return null;
}

async function main() {
  const args = process.argv.slice(2);
  const dump = args.includes('--dump');
  const dirs = args.filter((a) => !a.startsWith('--'));
  const dir = dirs[0] || '/tmp/ortcheck';
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.ort.json')).sort();
  let nOk = 0, nFail = 0, nSkip = 0, nVariant = 0;
  for (const f of files) {
    const caseName = f.replace(/\.json$/, '');
    const spec = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    if (spec.skip) {
      console.log(`SKIP ${caseName}: ${spec.skip}`);
      nSkip++;
      continue;
    }
    let result;
    const dumpObj = {};
    try {
      const sess = await ort.InferenceSession.create(spec.model, { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
      const feeds = {};
      for (const [n, t] of Object.entries(spec.inputs)) feeds[n] = makeTensor(t);
      result = await sess.run(feeds);
    } catch (e) {
      console.log(`FAIL ${caseName}: ORT error: ${String(e.message || e).split('\n')[0]}`);
      if (dump) fs.writeFileSync(path.join(dir, caseName + '.ort.json'), JSON.stringify({ error: String(e.message || e) }));
      nFail++;
      continue;
    }
    const problems = [];
    const expected = spec.ort_outputs || spec.outputs;
    for (const [n, exp] of Object.entries(expected)) {
      if (!(n in result)) { problems.push(`${n}: missing from ORT result`); continue; }
      const p = compare(n, result[n], exp);
      if (p) problems.push(p);
    }
    if (dump) {
      for (const [n, t] of Object.entries(result)) dumpObj[n] = { dims: Array.from(t.dims), data: Array.from(t.data) };
      fs.writeFileSync(path.join(dir, caseName + '.ort.json'), JSON.stringify({ outputs: dumpObj }));
    }
    if (problems.length) {
      console.log(`FAIL ${caseName}: ${problems.join('; ')}`);
      nFail++;
    } else if (spec.ort_outputs) {
      console.log(`ok*  ${caseName} (matches the ORT-defaults variant; committed spec expectation differs)`);
      nOk++;
      nVariant++;
    } else {
      console.log(`ok   ${caseName}${spec.note ? ' (' + spec.note + ')' : ''}`);
      nOk++;
    }
  }
  console.log(`\n${files.length} cases: ${nOk} agree with ORT ${ort.env.versions.common}` +
              ` (${nVariant} of them via the ORT activation-defaults variant), ${nFail} differ/error, ${nSkip} skipped`);
  process.exitCode = nFail ? 1 : 0;
}

main().catch((e) => { console.error(e); process.exitCode = 2; });
