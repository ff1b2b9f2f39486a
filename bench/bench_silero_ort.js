// bench_silero_ort.js MODEL PCM [ROUNDS]: ONNX Runtime's time per Silero VAD v5 frame (one
// thread), fed exactly as bench_silero.c feeds the generated code (64 + 512 samples, state
// carried, sr = 16000); the first round is warm-up, the median of the others is reported.
const fs = require("fs");
const ort = require("onnxruntime-node");
async function main() {
    const [model, pcm, r] = process.argv.slice(2);
    const rounds = Number(r || 5);
    const buf = fs.readFileSync(pcm);
    const n = buf.length >> 1, F = 512, C = 64, frames = Math.floor(n / F);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = buf.readInt16LE(2 * i) / 32768;
    const s = await ort.InferenceSession.create(model, {
        intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential",
    });
    const sr = new ort.Tensor("int64", BigInt64Array.from([16000n]), []);
    const times = [];
    let sum = 0;
    for (let round = 0; round < rounds; round++) {
        let state = new ort.Tensor("float32", new Float32Array(256), [2, 1, 128]);
        const input = new Float32Array(C + F);
        sum = 0;
        const t0 = process.hrtime.bigint();
        for (let k = 0; k < frames; k++) {
            input.copyWithin(0, F, F + C);
            input.set(x.subarray(k * F, (k + 1) * F), C);
            const o = await s.run({ input: new ort.Tensor("float32", input, [1, C + F]), state, sr });
            state = o.stateN;
            sum += o.output.data[0];
        }
        times.push(Number(process.hrtime.bigint() - t0) / 1e3 / frames);
    }
    const timed = times.slice(1).sort((a, b) => a - b);
    console.log(JSON.stringify({ impl: "ort", version: require("onnxruntime-node/package.json").version,
        frames, us_per_frame: Number(timed[Math.floor((timed.length - 1) / 2)].toFixed(3)),
        prob_sum: Number(sum.toFixed(4)) }));
}
main().catch((e) => { console.error(e); process.exit(1); });
