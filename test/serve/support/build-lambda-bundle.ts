/**
 * Builds the Lambda exactly as `npm run build:lambda` does (the same script, spawned), into a temporary
 * folder, with the builtin zip writer, then unpacks the zip with Python's zipfile: the tests run the
 * handler from the unpacked package, as Lambda would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BuiltLambda {
  dir: string;
  zip: string;
  /** index.mjs inside the unpacked zip. */
  handlerPath: string;
  buildOutput: string;
}

export async function buildLambdaBundle(spec: string): Promise<BuiltLambda> {
  const dir = mkdtempSync(join(tmpdir(), 'rewardkit-lambda-'));
  const zip = join(dir, 'package.zip');
  const { stdout } = await run(process.execPath, [
    '--import',
    'tsx',
    'scripts/build-lambda.ts',
    '--out-dir',
    join(dir, 'build'),
    '--zip',
    zip,
    '--zip-with',
    'builtin',
    '--spec',
    spec,
  ]);
  await run('python3', ['-m', 'zipfile', '-e', zip, join(dir, 'unpacked')]);
  return { dir, zip, handlerPath: join(dir, 'unpacked', 'index.mjs'), buildOutput: stdout };
}
