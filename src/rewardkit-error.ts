/**
 * RewardkitError: the base of every error rewardkit throws on purpose (bad spec, bad row, bad flag, unreachable
 * judge, …). Recognised by a marker rather than `instanceof`, as the Vercel AI SDK's AISDKError is, so it still works
 * when two copies of rewardkit are loaded (a bundle and node_modules): `RewardkitError.isInstance(error)`.
 * Every subclass carries its own marker the same way — a class field `[Symbol.for('rewardkit.error.Name')] = true` —
 * and recognises only its own instances with it: `static isInstance(e) { return RewardkitError.hasMarker(e, MARKER) }`.
 * Never `instanceof` or `error.name` (a plain Error named 'SpecError' is not a SpecError).
 * This module imports nothing: every layer may use it.
 */
const MARKER = 'rewardkit.error';
const SYMBOL = Symbol.for(MARKER);

export class RewardkitError extends Error {
  private readonly [SYMBOL] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RewardkitError';
  }

  /** True for any error thrown by rewardkit on purpose (every subclass). */
  static isInstance(error: unknown): error is RewardkitError {
    return RewardkitError.hasMarker(error, MARKER);
  }

  /** True when `error` carries the marker `Symbol.for(marker)` (set by a class field `[Symbol.for(marker)] = true`). */
  protected static hasMarker(error: unknown, marker: string): boolean {
    const symbol = Symbol.for(marker);
    return error !== null && typeof error === 'object' && symbol in error && (error as Record<symbol, unknown>)[symbol] === true;
  }
}
