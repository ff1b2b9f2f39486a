#!/usr/bin/env node
// Dev tool (not run in CI): cross-check tests/gen/gen_torch_patterns.py's cases against
// ONNX Runtime (onnxruntime-node, CPU).  Like ort_check.js, plus bool inputs.
//   /usr/bin/python3 tests/gen/gen_torch_patterns.py --sidecar /tmp/torchpat_ort
//   NODE_PATH=/work/main/bench/node_modules node tests/gen/ort_check_torchpat.js /tmp/torchpat_ort
// Each <case>.json: { "model": path, "inputs": {name: {type, dims, data}}, "outputs": {...} },
// type float32 | int64 (decimal strings) | bool.  Exit status 0 iff every case agrees
// within atol 1e-4 + rtol 1e-3 (--atol A / --rtol R).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

let ATOL = 1e-4, RTOL = 1e-3;

function makeTensor(t) {
  if (t.type === 'float32') return new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
  if (t.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(t.data.map(BigInt)), t.dims);
  if (t.type === 'bool') return new ort.Tensor('bool', Uint8Array.from(t.data.map((v) => (v ? 1 : 0))), t.dims);
  throw new Error('unsupported type ' + t.type);
}

// worst violation of |got - exp| <= atol + rtol*|exp|, or null
function compare(name, got, exp) {
  const gd = Array.from(got.dims);
  if (JSON.stringify(gd) !== JSON.stringify(exp.dims)) return `${name}: shape ${JSON.stringify(gd)} != ${JSON.stringify(exp.dims)}`;
  if (got.type !== exp.type) return `${name}: type ${got.type} != ${exp.type}`;
  let worst = -1, wi = -1, maxerr = 0;
  for (let i = 0; i < exp.data.length; i++) {
    const g = Number(got.data[i]), e = Number(exp.data[i]);
    const d = Math.abs(g - e);
    if (d > maxerr) maxerr = d;
    const v = d - (ATOL + RTOL * Math.abs(e));
    if (!(v <= 0) && (wi < 0 || v > worst || Number.isNaN(v))) { worst = v; wi = i; }
  }
  if (wi >= 0) return `${name}: mismatch at ${wi}: ort=${got.data[wi]} torch=${exp.data[wi]}`;
  return null;
}

async function main() {
  const args = process.argv.slice(2);
  const dirs = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--atol') ATOL = Number(args[++i]);
    else if (args[i] === '--rtol') RTOL = Number(args[++i]);
    else dirs.push(args[i]);
  }
  const dir = dirs[0] || '/tmp/torchpat_ort';
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  let nOk = 0, nFail = 0;
  for (const f of files) {
    const name = f.replace(/\.json$/, '');
    const spec = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    let result;
    try {
      const sess = await ort.InferenceSession.create(spec.model, { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
      const feeds = {};
      for (const [n, t] of Object.entries(spec.inputs)) feeds[n] = makeTensor(t);
      result = await sess.run(feeds);
    } catch (e) {
      console.log(`FAIL ${name}: ORT error: ${String(e.message || e).split('\n')[0]}`);
      nFail++;
      continue;
    }
    const problems = [];
    for (const [n, exp] of Object.entries(spec.outputs)) {
      if (!(n in result)) { problems.push(`${n}: missing`); continue; }
      const p = compare(n, result[n], exp);
      if (p) problems.push(p);
    }
    if (problems.length) { console.log(`FAIL ${name}: ${problems.join('; ')}`); nFail++; }
    else { console.log(`ok   ${name}`); nOk++; }
  }
  console.log(`\n${files.length} cases: ${nOk} agree with ORT ${ort.env.versions.common} (atol ${ATOL} + rtol ${RTOL}), ${nFail} differ/error`);
  process.exitCode = nFail ? 1 : 0;
}
main().catch((e) => { console.error(e); process.exitCode = 2; });
