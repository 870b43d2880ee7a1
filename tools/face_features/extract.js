// Turns the six-actor face folders into 128-d descriptors of face-api's pretrained
// face-recognition network, written per split as NPY (x float32 [n,128], y int64 [n]).
//
//   node extract.js [--faces DIR] [--out DIR] [--limit N] [--check]
//
// --faces  image folders DIR/{train,val,test}/<actor>/*.png (default ../../../shared/data/faces)
// --out    output folder (default ../../data/faces_features)
// --limit  at most N images per actor folder in each split (quick tests)
// --check  exit 0 when the outputs exist and their manifest matches the inputs, 1 otherwise;
//          computes nothing and loads no model
//
// The weights are the ones shipped inside the npm package @vladmandic/face-api
// (model/face_recognition_model.bin + its weights manifest); nothing is downloaded.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const SPLITS = ['train', 'val', 'test'];
const INPUT_SIZE = 150;
const DIM = 128;
const PACKAGES = ['@vladmandic/face-api', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-webgl', 'pngjs'];

class InputError extends Error {}

function fail(message) {
    process.stderr.write(`face_features: ${message}\n`);
    process.exit(1);
}

function parseArgs(argv) {
    const opts = {
        faces: path.join(__dirname, '..', '..', '..', 'shared', 'data', 'faces'),
        out: path.join(__dirname, '..', '..', 'data', 'faces_features'),
        limit: null,
        check: false,
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) throw new InputError(`${arg} needs a value`);
            return argv[++i];
        };
        if (arg === '--faces') opts.faces = value();
        else if (arg === '--out') opts.out = value();
        else if (arg === '--limit') {
            const text = value();
            if (!/^[1-9][0-9]*$/.test(text)) throw new InputError(`--limit expects a positive integer, got '${text}'`);
            opts.limit = Number(text);
        } else if (arg === '--check') opts.check = true;
        else if (arg === '-h' || arg === '--help') {
            process.stdout.write('usage: node extract.js [--faces DIR] [--out DIR] [--limit N] [--check]\n');
            process.exit(0);
        } else throw new InputError(`unknown argument '${arg}' (expected --faces, --out, --limit, --check)`);
    }
    return opts;
}

function sha256(buffer) {
    return crypto.createHash('sha256').update(buffer).digest('hex');
}

function listDirs(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

// The rows of every split in order: class by class (sorted folder names of train/),
// files sorted by name within a class. Each split must have the same class folders.
function listSources(facesDir, limit) {
    if (!fs.existsSync(facesDir) || !fs.statSync(facesDir).isDirectory())
        throw new InputError(`${facesDir}: faces folder not found (expected {train,val,test}/<actor>/*.png)`);
    for (const split of SPLITS) {
        const dir = path.join(facesDir, split);
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
            throw new InputError(`${dir}: split folder not found`);
    }
    const classes = listDirs(path.join(facesDir, 'train'));
    if (classes.length < 2) throw new InputError(`${path.join(facesDir, 'train')}: expected at least 2 class folders, found ${classes.length}`);
    const splits = {};
    for (const split of SPLITS) {
        const found = listDirs(path.join(facesDir, split));
        if (found.join('/') !== classes.join('/'))
            throw new InputError(`${path.join(facesDir, split)}: class folders [${found.join(', ')}] differ from train's [${classes.join(', ')}]`);
        const rows = [];
        classes.forEach((name, label) => {
            const dir = path.join(facesDir, split, name);
            let files = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).sort();
            if (files.length === 0) throw new InputError(`${dir}: no .png files`);
            if (limit !== null) files = files.slice(0, limit);
            for (const f of files) rows.push({ file: `${split}/${name}/${f}`, label });
        });
        splits[split] = rows;
    }
    return { classes, splits };
}

function installedVersions() {
    const versions = {};
    for (const name of PACKAGES) {
        const file = path.join(__dirname, 'node_modules', name, 'package.json');
        if (!fs.existsSync(file)) throw new InputError(`${file}: not installed (run npm ci in ${__dirname})`);
        versions[name] = JSON.parse(fs.readFileSync(file, 'utf8')).version;
    }
    return versions;
}

// Versions pinned by the lock file (what npm ci installs); --check uses these so it runs
// without node_modules.
function lockedVersions() {
    const lock = JSON.parse(fs.readFileSync(path.join(__dirname, 'package-lock.json'), 'utf8'));
    const versions = {};
    for (const name of PACKAGES) versions[name] = (lock.packages[`node_modules/${name}`] || {}).version;
    return versions;
}

// Digest of every source file's bytes, in row order, so a changed photo invalidates outputs.
function inputsDigest(facesDir, rows) {
    const hash = crypto.createHash('sha256');
    for (const row of rows) {
        let bytes;
        try {
            bytes = fs.readFileSync(path.join(facesDir, row.file));
        } catch (e) {
            throw new InputError(`${path.join(facesDir, row.file)}: cannot read (${e.code || e.message})`);
        }
        hash.update(`${row.file}\0${sha256(bytes)}\n`);
    }
    return hash.digest('hex');
}

// NPY v1.0: magic, version, little-endian u16 header length, a Python dict literal padded
// with spaces and ending in '\n' so that the data starts at a multiple of 64 bytes.
function npyBytes(descr, shape, data) {
    const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
    let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
    const preamble = 10;
    const total = Math.ceil((preamble + header.length + 1) / 64) * 64;
    header = header + ' '.repeat(total - preamble - header.length - 1) + '\n';
    const head = Buffer.alloc(preamble);
    head[0] = 0x93;
    head.write('NUMPY', 1, 'latin1');
    head[6] = 1;
    head[7] = 0;
    head.writeUInt16LE(header.length, 8);
    return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

function float32Bytes(values) {
    const buf = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
    return buf;
}

function int64Bytes(values) {
    const buf = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => buf.writeBigInt64LE(BigInt(v), i * 8));
    return buf;
}

function writeAtomic(file, bytes) {
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
}

function manifestMatches(opts, sources, versions) {
    const file = path.join(opts.out, 'manifest.json');
    if (!fs.existsSync(file)) return 'no manifest.json';
    let manifest;
    try {
        manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
        return 'manifest.json does not parse';
    }
    if (JSON.stringify(manifest.packages) !== JSON.stringify(versions)) return 'package versions differ';
    if (manifest.limit !== opts.limit) return 'limit differs';
    if (JSON.stringify(manifest.classes) !== JSON.stringify(sources.classes)) return 'classes differ';
    const classesTxt = path.join(opts.out, 'classes.txt');
    if (!fs.existsSync(classesTxt) || fs.readFileSync(classesTxt, 'utf8') !== sources.classes.join('\n') + '\n')
        return 'classes.txt differs';
    for (const split of SPLITS) {
        const entry = (manifest.splits || {})[split];
        if (!entry) return `split ${split} missing`;
        const files = sources.splits[split].map((r) => r.file);
        if (JSON.stringify(entry.files) !== JSON.stringify(files)) return `${split} file list differs`;
        if (entry.inputs_sha256 !== inputsDigest(opts.faces, sources.splits[split])) return `${split} inputs changed`;
        for (const key of ['x', 'y']) {
            const npy = path.join(opts.out, entry[key].file);
            if (!fs.existsSync(npy) || sha256(fs.readFileSync(npy)) !== entry[key].sha256) return `${entry[key].file} differs`;
        }
    }
    return null;
}

async function loadModel() {
    // CommonJS build for Node with the wasm backend bundled in; the cpu backend is used.
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
    const tf = faceapi.tf;
    await tf.setBackend('cpu');
    await tf.ready();
    const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8'));
    const bin = fs.readFileSync(path.join(modelDir, 'face_recognition_model.bin'));
    const specs = manifest.flatMap((group) => group.weights);
    const weightMap = tf.io.decodeWeights(new Uint8Array(bin).buffer, specs);
    faceapi.nets.faceRecognitionNet.loadFromWeightMap(weightMap);
    return { faceapi, tf, weightsSha256: sha256(bin) };
}

function decodePng(file) {
    const { PNG } = require('pngjs');
    let png;
    try {
        png = PNG.sync.read(fs.readFileSync(file));
    } catch (e) {
        throw new InputError(`${file}: unreadable PNG (${e.code || e.message})`);
    }
    // pngjs always returns RGBA 8-bit; drop alpha.
    const rgb = new Uint8Array(png.width * png.height * 3);
    for (let i = 0, j = 0; i < png.data.length; i += 4, j += 3) {
        rgb[j] = png.data[i];
        rgb[j + 1] = png.data[i + 1];
        rgb[j + 2] = png.data[i + 2];
    }
    return { width: png.width, height: png.height, rgb };
}

async function describe(model, file) {
    const { tf, faceapi } = model;
    const img = decodePng(file);
    const input = tf.tidy(() => {
        const t = tf.tensor3d(img.rgb, [img.height, img.width, 3], 'int32').toFloat();
        return tf.image.resizeBilinear(t, [INPUT_SIZE, INPUT_SIZE], true);
    });
    const descriptor = await faceapi.computeFaceDescriptor(input);
    input.dispose();
    const values = Array.from(descriptor);
    if (values.length !== DIM) throw new Error(`${file}: descriptor has ${values.length} values, expected ${DIM}`);
    if (!values.every(Number.isFinite)) throw new Error(`${file}: descriptor is not finite`);
    return values;
}

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    const sources = listSources(opts.faces, opts.limit);

    if (opts.check) {
        const why = manifestMatches(opts, sources, lockedVersions());
        if (why) {
            process.stdout.write(`face_features: outputs in ${opts.out} are not up to date: ${why}\n`);
            process.exit(1);
        }
        process.stdout.write(`face_features: outputs in ${opts.out} are up to date\n`);
        return;
    }

    const versions = installedVersions();
    const locked = lockedVersions();
    for (const name of PACKAGES)
        if (versions[name] !== locked[name])
            throw new InputError(`${name} ${versions[name]} is installed but the lock file pins ${locked[name]} (run npm ci)`);
    // Read every input first so a bad file fails before minutes of work.
    const digests = {};
    for (const split of SPLITS) {
        digests[split] = inputsDigest(opts.faces, sources.splits[split]);
        for (const row of sources.splits[split]) decodePng(path.join(opts.faces, row.file));
    }

    const model = await loadModel();
    fs.mkdirSync(opts.out, { recursive: true });
    // An old manifest would vouch for outputs this run is about to replace.
    fs.rmSync(path.join(opts.out, 'manifest.json'), { force: true });
    const total = SPLITS.reduce((n, s) => n + sources.splits[s].length, 0);
    const start = Date.now();
    let done = 0;
    const manifest = {
        description: '128-d face descriptors from the face-recognition network shipped in @vladmandic/face-api',
        model: {
            package: '@vladmandic/face-api',
            weights: 'model/face_recognition_model.bin',
            weights_sha256: model.weightsSha256,
            input: `${INPUT_SIZE}x${INPUT_SIZE} RGB, bilinear resize, pixel values 0-255`,
            backend: 'cpu',
        },
        packages: versions,
        limit: opts.limit,
        classes: sources.classes,
        splits: {},
    };
    for (const split of SPLITS) {
        const rows = sources.splits[split];
        const x = [];
        for (const row of rows) {
            x.push(...await describe(model, path.join(opts.faces, row.file)));
            done++;
            if (done % 25 === 0 || done === total) {
                const secs = (Date.now() - start) / 1000;
                process.stderr.write(`face_features: ${done}/${total} images, ${secs.toFixed(0)} s\n`);
            }
        }
        const xBytes = npyBytes('<f4', [rows.length, DIM], float32Bytes(x));
        const yBytes = npyBytes('<i8', [rows.length], int64Bytes(rows.map((r) => r.label)));
        writeAtomic(path.join(opts.out, `${split}_x.npy`), xBytes);
        writeAtomic(path.join(opts.out, `${split}_y.npy`), yBytes);
        manifest.splits[split] = {
            rows: rows.length,
            files: rows.map((r) => r.file),
            inputs_sha256: digests[split],
            x: { file: `${split}_x.npy`, dtype: '<f4', shape: [rows.length, DIM], sha256: sha256(xBytes) },
            y: { file: `${split}_y.npy`, dtype: '<i8', shape: [rows.length], sha256: sha256(yBytes) },
        };
    }
    writeAtomic(path.join(opts.out, 'classes.txt'), sources.classes.join('\n') + '\n');
    // The manifest is written last: its presence marks a complete set of outputs.
    writeAtomic(path.join(opts.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const secs = (Date.now() - start) / 1000;
    process.stdout.write(`face_features: wrote ${total} descriptors (${SPLITS.map((s) => `${s} ${sources.splits[s].length}`).join(', ')}) to ${opts.out} in ${secs.toFixed(0)} s\n`);
}

main().catch((e) => {
    if (e instanceof InputError) fail(e.message);
    fail(e && e.stack ? e.stack.split('\n')[0] : String(e));
});
