/** The progress bar on stderr (cli-progress): rows done/total, rate, ETA, judge calls and errors. */
import cliProgress from 'cli-progress';
import type { ScoreTally } from './score-tally.js';

export interface Progress {
  active: boolean;
  update(tally: ScoreTally): void;
  stop(): void;
}

export function createProgress(enabled: boolean, stream: NodeJS.WritableStream, total: number | undefined): Progress {
  if (!enabled) return { active: false, update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: stream,
      format:
        total === undefined
          ? ' {value} rows | {rate} rows/s | judge calls {calls} | errors {errors}'
          : ' {bar} {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | judge calls {calls} | errors {errors}',
      etaBuffer: 200,
      fps: 5,
      hideCursor: false,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let done = 0;
  bar.start(total ?? 0, 0, { rate: '0.0', calls: 0, errors: 0 });
  return {
    active: true,
    update(tally) {
      done++;
      const seconds = (performance.now() - started) / 1000;
      bar.update(done, { rate: (done / Math.max(seconds, 1e-9)).toFixed(1), calls: tally.judgeCalls, errors: tally.errorCount });
    },
    stop() {
      bar.stop();
    },
  };
}
