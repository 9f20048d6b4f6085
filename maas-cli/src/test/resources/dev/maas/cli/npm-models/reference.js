// Writes <model>.request.json (an Open Inference Protocol request) and <model>.expected.json (the
// outputs onnxruntime-node computes for it) for each model here. Run from this directory with
// onnxruntime-node installed: npm install --ignore-scripts onnxruntime-node@1.23.2 && node reference.js
const fs = require('fs');
const ort = require('onnxruntime-node');

const samples = 512;
const audio = new Float32Array(samples);
for (let i = 0; i < samples; i++) {
  audio[i] = 0.5 * Math.sin(2 * Math.PI * 440 * i / 16000) + 0.05 * Math.sin(2 * Math.PI * 3100 * i / 16000);
}
// Two 3x48x96 images (PaddleOCR's normalised range, [-1, 1], in steps of 1/8 so the JSON stays short):
// dark strokes on a light ground, and the same image turned by 180 degrees, which is what the
// text-direction classifier tells apart.
const [height, width] = [48, 96];
const image = new Float32Array(2 * 3 * height * width);
for (let c = 0; c < 3; c++) {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const stroke = (y > 12 && y < 36 && (x % 12 < 3 || (y > 22 && y < 26 && x % 24 < 12))) || (y > 30 && y < 34 && x < 40);
      const level = stroke ? (c + (x + y) % 3) : 14 + (x * 7 + y * 3 + c) % 3;
      image[(c * height + y) * width + x] = level / 8 - 1;
      image[((3 + c) * height + (height - 1 - y)) * width + (width - 1 - x)] = level / 8 - 1;
    }
  }
}
const models = {
  silero_vad_legacy: {
    input: [audio, [1, samples], 'float32'],
    sr: [BigInt64Array.from([16000n]), [], 'int64'],
    h: [new Float32Array(2 * 64).fill(0.1), [2, 1, 64], 'float32'],
    c: [new Float32Array(2 * 64), [2, 1, 64], 'float32'],
  },
  silero_vad_v5: {
    input: [audio, [1, samples], 'float32'],
    state: [new Float32Array(2 * 128).fill(0.1), [2, 1, 128], 'float32'],
    sr: [BigInt64Array.from([16000n]), [], 'int64'],
  },
  ppocr_mobile_v2_cls: {
    x: [image, [2, 3, height, width], 'float32'],
  },
};
const protocol = { float32: 'FP32', int64: 'INT64' };

(async () => {
  for (const [name, inputs] of Object.entries(models)) {
    const session = await ort.InferenceSession.create(name + '.onnx');
    const feeds = {};
    const request = { inputs: [] };
    for (const [input, [data, shape, type]] of Object.entries(inputs)) {
      feeds[input] = new ort.Tensor(type, data, shape);
      request.inputs.push({ name: input, shape, datatype: protocol[type], data: Array.from(data, Number) });
    }
    const results = await session.run(feeds);
    const expected = { outputs: [] };
    for (const output of session.outputNames) {
      const t = results[output];
      expected.outputs.push({ name: output, shape: t.dims, datatype: protocol[t.type], data: Array.from(t.data, Number) });
    }
    fs.writeFileSync(name + '.request.json', JSON.stringify(request) + '\n');
    fs.writeFileSync(name + '.expected.json', JSON.stringify(expected) + '\n');
  }
})();
