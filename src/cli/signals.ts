/**
 * Waiting for the signal that stops a long-running command (`serve`, `view`, `worker`): the first SIGINT (Ctrl-C) or
 * SIGTERM. Both listeners are removed once one fires, so the command can say what a second signal does.
 */
export function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}
