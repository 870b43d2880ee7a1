// Runs an exported ONNX model with onnxruntime (CPU) on CSV rows of raw features and writes
// the probabilities as CSV, one line per row: the ONNX half of tests/unit/export_test.cpp.
//   node tests/export/run_onnx.js MODEL.onnx ROWS.csv OUT.csv
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
    const [model, rowsPath, outPath] = process.argv.slice(2);
    if (!outPath) throw new Error('usage: run_onnx.js MODEL.onnx ROWS.csv OUT.csv');
    const rows = fs.readFileSync(rowsPath, 'utf8').trim().split('\n').map((line) => line.split(',').map(Number));
    const D = rows[0].length;
    const x = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, D]);
    const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
    const { probabilities } = await session.run({ x });
    const K = probabilities.dims[1];
    const lines = [];
    for (let i = 0; i < rows.length; ++i)
        lines.push(Array.from(probabilities.data.slice(i * K, (i + 1) * K), (p) => p.toPrecision(9)).join(','));
    fs.writeFileSync(outPath, lines.join('\n') + '\n');
}

main().catch((e) => {
    process.stderr.write(`run_onnx.js: ${e.message}\n`);
    process.exit(1);
});
