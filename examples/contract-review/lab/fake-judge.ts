/**
 * Starts the scripted judges of the judge-lab walkthrough (lab-judge.ts) on 127.0.0.1 — for trying every
 * `rewardkit lab` command offline. It is NOT a model: choose a scripted judge by model name
 * (fake, fake-strict, fake-noisy, fake-gullible).
 *   npx tsx examples/contract-review/lab/fake-judge.ts [--port 0]
 */
import { parseArgs } from 'node:util';
import { startFakeJudge } from '../../../test/support/fake-judge-server.js';
import { labJudge } from './lab-judge.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const judge = await startFakeJudge(labJudge(), { port: Number(values.port) });
console.log(`scripted lab judges listening: --judge openai-compatible:fake --judge-base-url ${judge.url}`);
console.log('  (models: fake, fake-strict, fake-noisy, fake-gullible)');
process.on('SIGINT', () => void judge.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void judge.close().then(() => process.exit(0)));
