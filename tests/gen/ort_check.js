#!/usr/bin/env node
// Dev tool (not run in CI): cross-check generated RNN/LSTM/GRU cases
// (gen_cases.py) and glue-operator cases (gen_glue_cases.py) against
// ONNX Runtime (onnxruntime-node, CPU).
//
// Setup (once):
//   mkdir -p /tmp/ortnode && cd /tmp/ortnode && npm init -y && \
//     npm install --ignore-scripts onnxruntime-node
// Usage:
//   /usr/bin/python3 tests/gen/gen_cases.py --sidecar /tmp/ortcheck
//   NODE_PATH=/tmp/ortnode/node_modules node tests/gen/ort_check.js /tmp/ortcheck [--dump]
//   /usr/bin/python3 tests/gen/gen_glue_cases.py --sidecar /tmp/gluecheck
//   NODE_PATH=/tmp/ortnode/node_modules node tests/gen/ort_check.js /tmp/gluecheck
//
// Each sidecar /tmp/ortcheck/<case>.json holds
//   { "model": "<path to model.onnx>", "skip": null | "<reason>", "note": null | "<text>",
//     "inputs":  { name: {"type": "float32"|"int32"|"int64", "dims": [...], "data": [...]}, ... },
//     "outputs": { name: {"type": "float32"|"int64", "dims": [...], "data": [...]}, ... } }
// (int64 data may be decimal strings, exact beyond 2^53; integer outputs are
// compared exactly), optionally "atol"/"rtol" (that case's tolerances, taking
// precedence over --atol/--rtol), and optionally "expect_error" for a model
// rnnc must reject: it passes if ORT rejects it too (at session creation or
// run time), or, with "ort_accepts": "<reason>", if ORT accepting it is a
// known, noted difference.
// (inputs = graph inputs, outputs = expected graph outputs from the NumPy
// reference), and optionally "ort_outputs": the reference's outputs under ONNX
// Runtime's activation alpha/beta defaults, present only for cases whose
// committed (spec) expectation depends on an omitted alpha/beta where ORT's
// default differs from the spec; ORT is then compared against ort_outputs.  With --dump, ORT's outputs (or its error) are written to
// <case>.ort.json next to the sidecar.
// Exit status: 0 if every non-skipped case agrees (atol 1e-5 + rtol 1e-4 unless
// --atol A / --rtol R say otherwise; e.g. the PyTorch exports of
// tests/gen/gen_torch.py are checked with --atol 1e-4 --rtol 1e-3).

'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

let ATOL = 1e-5;
let RTOL = 1e-4;

function makeTensor(t) {
  if (t.type === 'float32') return new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
  if (t.type === 'int32') return new ort.Tensor('int32', Int32Array.from(t.data), t.dims);
  if (t.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(t.data.map(BigInt)), t.dims);
  throw new Error('unsupported type ' + t.type);
}

function compare(name, got, exp, atol = ATOL, rtol = RTOL) {
  const gd = Array.from(got.dims);
  if (JSON.stringify(gd) !== JSON.stringify(exp.dims)) {
    return `${name}: shape ${JSON.stringify(gd)} != expected ${JSON.stringify(exp.dims)}`;
  }
  if (got.type !== (exp.type || 'float32')) return `${name}: type ${got.type} != expected ${exp.type}`;
  if (got.type === 'int64' || got.type === 'int32') {
    for (let i = 0; i < exp.data.length; i++) {
      if (BigInt(got.data[i]) !== BigInt(exp.data[i])) {
        return `${name}: mismatch at flat index ${i}: ort=${got.data[i]} expected=${exp.data[i]}`;
      }
    }
    return null;
  }
  let worst = 0, worstIdx = -1;
  for (let i = 0; i < exp.data.length; i++) {
    const g = got.data[i], e = exp.data[i];
    const err = Math.abs(g - e) - (atol + rtol * Math.abs(e));
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
  const dirs = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--atol' || args[i] === '--rtol') {
      const v = Number(args[++i]);
      if (!(v >= 0)) throw new Error(`${args[i - 1]} needs a non-negative number`);
      if (args[i - 1] === '--atol') ATOL = v; else RTOL = v;
    } else if (!args[i].startsWith('--')) {
      dirs.push(args[i]);
    }
  }
  const dir = dirs[0] || '/tmp/ortcheck';
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.ort.json')).sort();
  let nOk = 0, nFail = 0, nSkip = 0, nVariant = 0, nRejected = 0, nAccepted = 0;
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
      if (spec.expect_error) {
        console.log(`ok   ${caseName} (rejected by ORT: ${String(e.message || e).split('\n')[0]})`);
        if (dump) fs.writeFileSync(path.join(dir, caseName + '.ort.json'), JSON.stringify({ error: String(e.message || e) }));
        nOk++;
        nRejected++;
        continue;
      }
      console.log(`FAIL ${caseName}: ORT error: ${String(e.message || e).split('\n')[0]}`);
      if (dump) fs.writeFileSync(path.join(dir, caseName + '.ort.json'), JSON.stringify({ error: String(e.message || e) }));
      nFail++;
      continue;
    }
    if (dump) {
      for (const [n, t] of Object.entries(result)) {
        dumpObj[n] = { type: t.type, dims: Array.from(t.dims),
                       data: Array.from(t.data, (v) => (typeof v === 'bigint' ? v.toString() : v)) };
      }
      fs.writeFileSync(path.join(dir, caseName + '.ort.json'), JSON.stringify({ outputs: dumpObj }));
    }
    if (spec.expect_error) {
      if (spec.ort_accepts) {
        console.log(`ok~  ${caseName} (must be rejected; ORT accepts it, known: ${spec.ort_accepts})`);
        nOk++;
        nAccepted++;
      } else {
        console.log(`FAIL ${caseName}: ORT accepts a model that must be rejected (${spec.expect_error})`);
        nFail++;
      }
      continue;
    }
    const problems = [];
    const expected = spec.ort_outputs || spec.outputs;
    for (const [n, exp] of Object.entries(expected)) {
      if (!(n in result)) { problems.push(`${n}: missing from ORT result`); continue; }
      const p = compare(n, result[n], exp, spec.atol ?? ATOL, spec.rtol ?? RTOL);
      if (p) problems.push(p);
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
              ` (atol ${ATOL} + rtol ${RTOL} unless a case sets its own)` +
              ` (${nVariant} of them via the ORT activation-defaults variant;` +
              ` ${nRejected} must-reject models ORT rejects too, ${nAccepted} ORT accepts for a noted reason),` +
              ` ${nFail} differ/error, ${nSkip} skipped`);
  process.exitCode = nFail ? 1 : 0;
}

main().catch((e) => { console.error(e); process.exitCode = 2; });
