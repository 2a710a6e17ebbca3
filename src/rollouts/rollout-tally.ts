/**
 * The tally of a rollouts run and its summary: dataset rows read, rows skipped (with why), rollouts written, already
 * there (--resume) and failed, replies cut by max_tokens, the policy's calls (attempts, retries), tokens and cost.
 */
import type { SampleCall } from './policy-sampler.js';

export interface RolloutTotals {
  rows: number;
  skippedRows: number;
  written: number;
  alreadyWritten: number;
  failed: number;
  /** Rollouts written whose reply stopped at max_tokens (finish reason "length"). */
  truncated: number;
  calls: number;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  /** USD at the model's price; undefined when the price is unknown. */
  costUsd: number | undefined;
}

export class RolloutTally {
  private readonly totals: RolloutTotals = {
    rows: 0,
    skippedRows: 0,
    written: 0,
    alreadyWritten: 0,
    failed: 0,
    truncated: 0,
    calls: 0,
    attempts: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: undefined,
  };

  row(alreadyWritten: number): void {
    this.totals.rows++;
    this.totals.alreadyWritten += alreadyWritten;
  }

  skippedRow(): void {
    this.totals.skippedRows++;
  }

  /** A sample's call: `written` when its rollout went to the output. */
  call(call: SampleCall, written: boolean): void {
    this.totals.calls++;
    this.totals.attempts += call.attempts;
    this.totals.inputTokens += call.usage.input_tokens;
    this.totals.outputTokens += call.usage.output_tokens;
    if (call.costUsd !== undefined) this.totals.costUsd = (this.totals.costUsd ?? 0) + call.costUsd;
    if (!written) this.totals.failed++;
    else {
      this.totals.written++;
      if (call.ok && call.reply.finishReason === 'length') this.totals.truncated++;
    }
  }

  get done(): number {
    return this.totals.written + this.totals.failed;
  }

  get failed(): number {
    return this.totals.failed;
  }

  snapshot(): RolloutTotals {
    return { ...this.totals };
  }
}

/** The summary printed after a run. */
export function formatRolloutSummary(totals: RolloutTotals, model: string, seconds: number): string {
  const resumed = totals.alreadyWritten > 0 ? ` (+${totals.alreadyWritten} already in the output)` : '';
  const cut = totals.truncated > 0 ? ` · ${totals.truncated} cut at max_tokens` : '';
  const cost = totals.costUsd === undefined ? 'cost unknown (give --prices)' : `$${totals.costUsd.toFixed(4)}`;
  return [
    `rollouts  ${model}`,
    `  rows      ${totals.rows} read${totals.skippedRows > 0 ? ` · ${totals.skippedRows} skipped (not a prompt that can be sent)` : ''}`,
    `  rollouts  ${totals.written} written${resumed} · ${totals.failed} failed${cut}`,
    `  calls     ${totals.calls} (${totals.attempts} attempts) in ${seconds.toFixed(1)} s`,
    `  tokens    ${totals.inputTokens} in · ${totals.outputTokens} out · ${cost}`,
  ].join('\n');
}
