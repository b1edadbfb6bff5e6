// Prints what the C2PA reference reader (c2pa-rs built for WebAssembly) finds in a file: the manifest store as JSON.
// Usage: node read-manifest.mjs <folder holding node_modules> <file> <media type>
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , moduleDir, file, format] = process.argv;
const pkg = path.join(moduleDir, 'node_modules', '@contentauth', 'c2pa-wasm', 'pkg');
const c2pa = await import(pathToFileURL(path.join(pkg, 'c2pa.js')).href);
await c2pa.default({ module_or_path: await readFile(path.join(pkg, 'c2pa_bg.wasm')) });
try {
  const reader = await c2pa.WasmReader.fromBytes(format, new Uint8Array(await readFile(file)));
  process.stdout.write(reader.json());
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e) }));
}
