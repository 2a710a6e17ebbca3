/**
 * The progress bar of a model download, on stderr (stdout may carry the run's JSONL): megabytes done / total,
 * speed and ETA (cli-progress; without a terminal it prints a line every few seconds).
 */
import cliProgress from 'cli-progress';

export interface DownloadProgress {
  update(status: { totalSize: number; downloadedSize: number }): void;
  done(): void;
}

export function downloadProgress(model: string, directory: string, stream: NodeJS.WriteStream = process.stderr): DownloadProgress {
  let bar: cliProgress.SingleBar | undefined;
  let startedAt = 0;
  const megabytes = (bytes: number) => Math.round(bytes / 1_000_000);
  return {
    update({ totalSize, downloadedSize }) {
      if (!bar) {
        stream.write(`rewardkit: downloading ${model} into ${directory} (first use only)\n`);
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: ' {bar} {value}/{total} MB | {speed} MB/s | ETA {eta_formatted}',
            fps: 5,
            hideCursor: false,
            noTTYOutput: true,
            notTTYSchedule: 5000,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(megabytes(totalSize), 0, { speed: '0.0' });
        startedAt = performance.now();
      }
      const seconds = Math.max((performance.now() - startedAt) / 1000, 1e-3);
      bar.update(megabytes(downloadedSize), { speed: (downloadedSize / 1_000_000 / seconds).toFixed(1) });
    },
    done() {
      bar?.stop();
      bar = undefined;
    },
  };
}
