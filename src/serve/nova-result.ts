/**
 * Turns one RewardResult into a Nova RFT result item: `id` echoed exactly as the sample sent it, a numeric
 * `aggregate_reward_score` always (the neutral value for a row that could not be read), and a
 * `metrics_list` with every scored component (`Reward` when it counts in the aggregate, `Metric` for
 * weight-0 gates), each `<name>_pass` of a component with a pass_threshold (`Metric`), then the fixed diagnostics (`Metric`).
 */
import type { RewardResult } from '../result.js';
import type { NovaMetric, NovaResult } from './nova-contract.js';
import { componentScoresOf, diagnosticsOf, trainerRewardOf } from './reward-diagnostics.js';

export function toNovaResult(result: RewardResult, id: string | number, neutral: number): NovaResult {
  const metrics: NovaMetric[] = componentScoresOf(result).map((component) => ({
    name: component.name,
    value: component.score,
    type: component.inAggregate ? 'Reward' : 'Metric',
  }));
  for (const component of result.components) {
    if (component.pass) metrics.push({ name: `${component.name}_pass`, value: component.pass.passed ? 1 : 0, type: 'Metric' });
  }
  const taken = new Set(metrics.map((metric) => metric.name));
  for (const [name, value] of Object.entries(diagnosticsOf(result))) {
    // a component named like a diagnostic keeps its name; the diagnostic moves aside
    metrics.push({ name: taken.has(name) ? `rewardkit_${name}` : name, value, type: 'Metric' });
  }
  return { id, aggregate_reward_score: trainerRewardOf(result, neutral), metrics_list: metrics };
}
