#!/usr/bin/env node
// bench_ort.js - ONNX Runtime (CPU, onnxruntime-node) side of the rnnc benchmark.
//
// Usage: node bench_ort.js --model M.onnx --input X.bin --shape d0,d1,d2
//            [--identity ID.onnx] [--rnnc-out OUT.bin] [--atol A]
//            [--iters N] [--warmup W] [--max-seconds S] [--min-sample-us U]
//            [--workload NAME] [--tag TAG]
//
// Session options: intraOpNumThreads 1, interOpNumThreads 1, executionMode 'sequential',
// graphOptimizationLevel 'all' (CPU execution provider). X is read from X.bin (float32, the
// same bytes the rnnc harness reads). One session.run gives the outputs; with --rnnc-out
// (the rnnc harness's outputs, concatenated in graph order) it prints the max absolute
// difference per output and exits 1 if any exceeds A (default 1e-4) or a shape differs.
// Timing as bench_rnnc.c: W warm-up runs, then up to N samples (fewer when S seconds run
// out, never fewer than 5) of `reps` awaited session.run calls each (reps makes a sample at
// least U microseconds), per-call median/p10/p90 from process.hrtime.bigint(). The Identity
// model (same X) is timed the same way: ONNX Runtime's per-call floor from node.
// The onnxruntime-node module is loaded from $ORT_NODE_MODULES (a node_modules directory)
// if set, else by the usual require() resolution (bench/node_modules, NODE_PATH).
'use strict';
const fs = require('fs');
const path = require('path');

function loadOrt() {
  const dir = process.env.ORT_NODE_MODULES;
  if (dir) return require(path.join(path.resolve(dir), 'onnxruntime-node'));
  return require('onnxruntime-node');
}

function parseArgs(argv) {
  const o = {
    iters: 200, warmup: 20, maxSeconds: 5, minSampleUs: 20, atol: 1e-4, workload: '?', tag: '',
  };
  const keys = {
    '--model': 'model', '--input': 'input', '--shape': 'shape', '--identity': 'identity',
    '--rnnc-out': 'rnncOut', '--atol': 'atol', '--iters': 'iters', '--warmup': 'warmup',
    '--max-seconds': 'maxSeconds', '--min-sample-us': 'minSampleUs', '--workload': 'workload',
    '--tag': 'tag',
  };
  for (let i = 2; i < argv.length; i += 2) {
    const k = keys[argv[i]];
    if (!k || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    const v = argv[i + 1];
    o[k] = ['iters', 'warmup', 'maxSeconds', 'minSampleUs', 'atol'].includes(k) ? Number(v) : v;
  }
  if (!o.model || !o.input || !o.shape) throw new Error('--model, --input and --shape are required');
  o.shape = o.shape.split(',').map(Number);
  return o;
}

function percentile(sorted, p) {
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const nowUs = () => Number(process.hrtime.bigint()) / 1e3;

async function timeRuns(o, session, feeds) {
  for (let i = 0; i < o.warmup; i++) await session.run(feeds);
  let t0 = nowUs();
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const est = (nowUs() - t0) / 3;
  const reps = est < o.minSampleUs ? Math.ceil(o.minSampleUs / Math.max(est, 0.001)) : 1;
  const samples = [];
  const end = nowUs() + o.maxSeconds * 1e6;
  for (let n = 0; n < o.iters; n++) {
    if (n >= 5 && nowUs() > end) break;
    t0 = nowUs();
    for (let r = 0; r < reps; r++) await session.run(feeds);
    samples.push((nowUs() - t0) / reps);
  }
  samples.sort((a, b) => a - b);
  const r4 = (x) => Math.round(x * 1e4) / 1e4;
  return {
    samples: samples.length, reps_per_sample: reps, median_us: r4(percentile(samples, 50)),
    p10_us: r4(percentile(samples, 10)), p90_us: r4(percentile(samples, 90)), min_us: r4(samples[0]),
  };
}

function sessionOptions() {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

async function main() {
  const o = parseArgs(process.argv);
  const ort = loadOrt();
  const buf = fs.readFileSync(o.input);
  const count = o.shape.reduce((a, b) => a * b, 1);
  if (buf.length !== count * 4) throw new Error(`${o.input}: ${buf.length} bytes, expected ${count * 4}`);
  const x = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const version = (ort.env && ort.env.versions && ort.env.versions.common) || null;

  const session = await ort.InferenceSession.create(o.model, sessionOptions());
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x, o.shape) };
  const res = await session.run(feeds);

  const line = { kind: 'ort_run', workload: o.workload, tag: o.tag, ort_version: version };
  let ok = true;
  if (o.rnncOut) {
    const rb = fs.readFileSync(o.rnncOut);
    const r = new Float32Array(rb.buffer.slice(rb.byteOffset, rb.byteOffset + rb.length));
    let off = 0;
    const diffs = {};
    let worst = 0;
    for (const name of session.outputNames) {
      const t = res[name];
      const n = t.data.length;
      if (off + n > r.length) {
        ok = false;
        diffs[name] = 'rnnc output too short';
        break;
      }
      let m = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.abs(t.data[i] - r[off + i]);
        if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
      }
      off += n;
      diffs[name] = m;
      worst = Math.max(worst, m);
    }
    if (off !== r.length) {
      ok = false;
      diffs._size = `rnnc wrote ${r.length} floats, ONNX Runtime's outputs have ${off}`;
    }
    line.max_abs_diff = worst;
    line.max_abs_diff_per_output = diffs;
    line.atol = o.atol;
    if (!(worst <= o.atol)) ok = false;
    line.match = ok;
  }
  Object.assign(line, await timeRuns(o, session, feeds));
  console.log(JSON.stringify(line));

  if (o.identity) {
    const ids = await ort.InferenceSession.create(o.identity, sessionOptions());
    const idFeeds = { [ids.inputNames[0]]: new ort.Tensor('float32', x, o.shape) };
    const idLine = { kind: 'ort_identity', workload: o.workload, tag: o.tag };
    Object.assign(idLine, await timeRuns(o, ids, idFeeds));
    console.log(JSON.stringify(idLine));
  }
  if (!ok) {
    console.error(`bench_ort: ${o.workload}: rnnc and ONNX Runtime outputs differ: ` +
      JSON.stringify(line.max_abs_diff_per_output));
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`bench_ort: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
