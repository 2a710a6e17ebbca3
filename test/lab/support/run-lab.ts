/**
 * Runs `rewardkit lab …` in-process the way src/cli/main.ts runs a command: stdout and stderr captured,
 * CliError and SpecError turned into their exit codes and messages.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CliError } from '../../../src/cli/exit-codes.js';
import { labCommand } from '../../../src/cli/lab-command.js';
import { SpecError } from '../../../src/spec/spec-error.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

export interface LabRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runLab(...argv: string[]): Promise<LabRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  let code: number;
  try {
    code = await labCommand(argv, { stdout, stderr });
  } catch (error) {
    if (CliError.isInstance(error)) {
      stderr.write(`${error.message}\n`);
      code = error.exitCode;
    } else if (SpecError.isInstance(error)) {
      stderr.write(`${error.message}\n`);
      code = 3;
    } else {
      throw error;
    }
  }
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A fresh temporary directory for one test file. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `rewardkit-lab-${prefix}-`));
}

/** Writes rows as JSONL and returns the path. */
export function writeJsonl(dir: string, name: string, rows: readonly unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
  return path;
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Asserts the stable statistic shape and returns it: a finite value with an ordered CI, or null with a reason. */
export function isStatisticShape(statistic: unknown): boolean {
  if (statistic === null || typeof statistic !== 'object') return false;
  const entry = statistic as Record<string, unknown>;
  if (entry.value === null) return typeof entry.reason === 'string' && Object.keys(entry).sort().join(',') === 'reason,value';
  if (typeof entry.value !== 'number' || !Number.isFinite(entry.value)) return false;
  if (entry.ci95 === null) return typeof entry.ci95_reason === 'string';
  const ci = entry.ci95 as unknown[];
  return (
    Array.isArray(ci) &&
    ci.length === 2 &&
    ci.every((bound) => typeof bound === 'number' && Number.isFinite(bound)) &&
    (ci[0] as number) <= (ci[1] as number) &&
    Object.keys(entry).sort().join(',') === 'ci95,value'
  );
}
