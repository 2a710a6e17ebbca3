/** The fake judge as a per-test-file fixture (vitest hooks). */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startFakeJudge, type FakeJudge, type FakeScript } from './fake-judge-server.js';

/**
 * Starts a fake judge for the enclosing test file (vitest hooks): started before all tests, closed after,
 * its request log cleared before each test. Returns a handle usable like the FakeJudge itself.
 */
export function useFakeJudge(script?: FakeScript): FakeJudge {
  let judge: FakeJudge | undefined;
  const current = () => {
    if (!judge) throw new Error('fake judge not started yet: use it inside a test or hook');
    return judge;
  };
  beforeAll(async () => {
    judge = await startFakeJudge(script);
  });
  afterAll(() => judge?.close());
  beforeEach(() => {
    if (judge) judge.requests.length = 0;
    if (judge) judge.preflights.length = 0;
  });
  return {
    get url() {
      return current().url;
    },
    get requests() {
      return current().requests;
    },
    get preflights() {
      return current().preflights;
    },
    setScript: (next) => current().setScript(next),
    close: () => current().close(),
  };
}
