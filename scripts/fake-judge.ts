/**
 * Starts the scripted fake judge for the contract-review example on 127.0.0.1 (for demos and for
 * reproducing the README's reward table offline). It is NOT a model: verdicts come from
 * examples/contract-review/fake-verdicts.json.
 *   npx tsx scripts/fake-judge.ts [--latency-ms 50]
 */
import { parseArgs } from 'node:util';
import { startFakeJudge } from '../test/support/fake-judge-server.js';
import { contractReviewJudge } from '../test/support/contract-review-judge.js';

const { values } = parseArgs({ options: { 'latency-ms': { type: 'string', default: '0' } } });
const latency = Number(values['latency-ms']);
const script = contractReviewJudge();
const judge = await startFakeJudge((request) => ({ ...script(request), ...(latency > 0 ? { delayMs: latency } : {}) }));
console.log(`fake judge listening: --judge openai-compatible:fake --judge-base-url ${judge.url}`);
process.on('SIGINT', () => void judge.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void judge.close().then(() => process.exit(0)));
