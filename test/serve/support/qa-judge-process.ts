/**
 * The scripted qa fake judge (qa-judge.ts) in a process of its own, for measurements that must not share an
 * event loop with it (the load check's /healthz probes). A response containing "[slow]" is answered after
 * --slow-ms (default 200: a fast real judge); every other one at once. Prints its base URL on the first line
 * of stdout and stops on SIGTERM.
 *   node --import tsx test/serve/support/qa-judge-process.ts [--slow-ms 200]
 */
import { parseArgs } from 'node:util';
import { startFakeJudge } from '../../support/fake-judge-server.js';
import { fenced, qaJudge } from './qa-judge.js';

const { values } = parseArgs({ options: { 'slow-ms': { type: 'string', default: '200' } } });
const slowMs = Number(values['slow-ms']);
const script = qaJudge().script;
const judge = await startFakeJudge(
  async (request) => {
    const reply = await script(request);
    return fenced(request.user, 'RESPONSE').includes('[slow]') && 'content' in reply ? { ...reply, delayMs: slowMs } : reply;
  },
  { record: false },
);
process.stdout.write(`${judge.url}\n`);
process.once('SIGTERM', () => void judge.close().then(() => process.exit(0)));
