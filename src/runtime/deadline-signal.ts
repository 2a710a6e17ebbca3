/**
 * The signal a row's (or a group's) judge calls run under: a timer of `ms` when given, the caller's signal when
 * given, both combined when both are — undefined when neither is.
 */
export function deadlineSignal(ms: number | undefined, signal: AbortSignal | undefined): AbortSignal | undefined {
  const timer = ms === undefined ? undefined : AbortSignal.timeout(ms);
  if (timer && signal) return AbortSignal.any([timer, signal]);
  return timer ?? signal;
}
