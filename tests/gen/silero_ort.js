// silero_ort.js MODEL PCM OUT: ONNX Runtime's Silero VAD v5 probabilities for a 16 kHz mono
// 16-bit PCM file, frame by frame as Silero's own utilities feed it (utils_vad.py OnnxWrapper):
// 512 new samples per frame after the previous frame's last 64 (zeros before the first),
// the state carried from frame to frame, sr = 16000. Writes OUT as one float32 per frame
// (little-endian), the reference the rnnc test and examples/vad compare against.
// With a 4th argument SEGMENTS, also writes the speech segments found in those probabilities
// by Silero's get_speech_timestamps (utils_vad.py, defaults: threshold 0.5, min speech 250 ms,
// min silence 100 ms, padding 30 ms), in the format examples/vad prints.
// With DUMP_FRAMES=i,j,... and DUMP_DIR, also writes DUMP_DIR/frame_<i>.json: that frame's
// input, state, output and stateN (for the single-call data sets of testdata/silero).
// With LEGACY=1 the model is Silero VAD v4 (silero_vad_legacy.onnx: inputs input [1][512] without
// the context, h and c [2][1][64], sr; outputs output, hn, cn), fed 512 samples per frame with h
// and c carried; frame dumps then hold input, h, c, output, hn, cn.
// Run with NODE_PATH pointing at a node_modules that holds onnxruntime-node.
const fs = require("fs");
const ort = require("onnxruntime-node");
function segments(probs, total) {
    const win = 512, thr = 0.5, neg = thr - 0.15, minSpeech = 16 * 250, minSil = 16 * 100, pad = 16 * 30;
    const sp = [];
    let trig = false, start = 0, tempEnd = 0;
    probs.forEach((p, i) => {
        if (p >= thr && tempEnd) tempEnd = 0;
        if (p >= thr && !trig) { trig = true; start = win * i; return; }
        if (p < neg && trig) {
            if (!tempEnd) tempEnd = win * i;
            if (win * i - tempEnd < minSil) return;
            if (tempEnd - start > minSpeech) sp.push([start, tempEnd]);
            tempEnd = 0; trig = false;
        }
    });
    if (trig && total - start > minSpeech) sp.push([start, total]);
    sp.forEach((s, i) => {
        if (i === 0) s[0] = Math.max(0, s[0] - pad);
        if (i !== sp.length - 1) {
            const gap = sp[i + 1][0] - s[1];
            if (gap < 2 * pad) { s[1] += Math.floor(gap / 2); sp[i + 1][0] = Math.max(0, sp[i + 1][0] - Math.floor(gap / 2)); }
            else { s[1] = Math.min(total, s[1] + pad); sp[i + 1][0] = Math.max(0, sp[i + 1][0] - pad); }
        } else s[1] = Math.min(total, s[1] + pad);
    });
    return sp.map((s, i) => `speech ${i + 1}: ${(s[0] / 16000).toFixed(3)} s - ${(s[1] / 16000).toFixed(3)} s\n`);
}

async function main() {
    const [model, pcm, out] = process.argv.slice(2);
    const buf = fs.readFileSync(pcm);
    const n = buf.length >> 1, frame = 512, ctx = 64;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = buf.readInt16LE(2 * i) / 32768;
    const opts = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential" };
    const s = await ort.InferenceSession.create(model, opts);
    const legacy = process.env.LEGACY === "1";
    const zeros = (shape) => new ort.Tensor("float32", new Float32Array(shape.reduce((a, b) => a * b)), shape);
    // the recurrent state each frame passes to the next: model input name -> output name
    const carried = legacy ? { h: "hn", c: "cn" } : { state: "stateN" };
    const state = legacy ? { h: zeros([2, 1, 64]), c: zeros([2, 1, 64]) } : { state: zeros([2, 1, 128]) };
    const sr = new ort.Tensor("int64", BigInt64Array.from([16000n]), []);
    const before = legacy ? 0 : ctx;
    const context = new Float32Array(ctx);
    const probs = [];
    const dump = (process.env.DUMP_FRAMES || "").split(",").filter((x) => x).map(Number);
    for (let f = 0; (f + 1) * frame <= n; f++) {
        const input = new Float32Array(before + frame);
        if (!legacy) input.set(context, 0);
        input.set(x.subarray(f * frame, (f + 1) * frame), before);
        const feeds = { input: new ort.Tensor("float32", input, [1, before + frame]), sr, ...state };
        const r = await s.run(feeds);
        if (dump.includes(f)) {
            const obj = { input: Array.from(input), output: Array.from(r.output.data) };
            for (const [i, o] of Object.entries(carried)) {
                obj[i] = Array.from(state[i].data);
                obj[o] = Array.from(r[o].data);
            }
            fs.writeFileSync(`${process.env.DUMP_DIR}/frame_${f}.json`, JSON.stringify(obj));
        }
        probs.push(r.output.data[0]);
        for (const [i, o] of Object.entries(carried)) state[i] = r[o];
        if (!legacy) context.set(input.subarray(frame, frame + ctx));
    }
    fs.writeFileSync(out, Buffer.from(new Float32Array(probs).buffer));
    if (process.argv[5]) fs.writeFileSync(process.argv[5], segments(probs, n).join(""));
    console.log(`${probs.length} frames, ${probs.filter((p) => p > 0.5).length} above 0.5`);
}
main().catch((e) => { console.error(e); process.exit(1); });
