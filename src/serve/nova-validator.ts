/**
 * The checks AWS's own reward-function verifier applies to a Lambda's reply (aws/nova-forge-sdk,
 * `verify_reward_function` / `_validate_output_format`), plus the id matching the platform relies on.
 * Returns every problem found, as messages naming the result and field; an empty list means valid.
 */

export function checkNovaResponse(samples: readonly unknown[], response: unknown): string[] {
  if (!Array.isArray(response)) {
    const isLambdaError = response !== null && typeof response === 'object' && ('errorMessage' in response || 'errorType' in response);
    return [
      isLambdaError
        ? `the reply is a Lambda error (${JSON.stringify(response).slice(0, 200)})`
        : `expected a bare JSON array, got ${describeType(response)}`,
    ];
  }
  const problems: string[] = [];
  if (response.length !== samples.length) problems.push(`expected ${samples.length} results (one per sample), got ${response.length}`);
  response.forEach((result, index) => problems.push(...checkResult(result, index)));
  const sampleIds = samples.map((sample) => (sample !== null && typeof sample === 'object' ? (sample as { id?: unknown }).id : undefined));
  response.forEach((result, index) => {
    if (index >= sampleIds.length || result === null || typeof result !== 'object') return;
    const id = (result as { id?: unknown }).id;
    if (sampleIds[index] !== undefined && id !== sampleIds[index]) {
      problems.push(`Output ${index}: id ${JSON.stringify(id)} does not match sample ${index}'s id ${JSON.stringify(sampleIds[index])}`);
    }
  });
  return problems;
}

function checkResult(result: unknown, index: number): string[] {
  if (result === null || typeof result !== 'object' || Array.isArray(result))
    return [`Output ${index}: expected dict, got ${describeType(result)}`];
  const record = result as Record<string, unknown>;
  const problems: string[] = [];
  if (!('id' in record)) problems.push(`Output ${index}: missing 'id' field (required for RFT)`);
  if (!('aggregate_reward_score' in record)) problems.push(`Output ${index}: missing 'aggregate_reward_score' field (required for RFT)`);
  else if (!isNumber(record.aggregate_reward_score))
    problems.push(`Output ${index}: 'aggregate_reward_score' should be a number, got ${describeType(record.aggregate_reward_score)}`);
  if ('statusCode' in record || 'body' in record)
    problems.push(`Output ${index}: wrapped in {statusCode, body}; return the result object itself`);
  if (!('metrics_list' in record)) return problems;
  if (!Array.isArray(record.metrics_list)) return [...problems, `Output ${index}: 'metrics_list' should be a list`];
  record.metrics_list.forEach((metric: unknown, metricIndex) => {
    const where = `Output ${index}, metric ${metricIndex}`;
    if (metric === null || typeof metric !== 'object' || Array.isArray(metric)) {
      problems.push(`${where}: expected dict, got ${describeType(metric)}`);
      return;
    }
    const { name, value, type } = metric as Record<string, unknown>;
    if (name === undefined) problems.push(`${where}: missing 'name' field`);
    else if (typeof name !== 'string') problems.push(`${where}: 'name' should be a string`);
    if (value === undefined) problems.push(`${where}: missing 'value' field`);
    else if (!isNumber(value)) problems.push(`${where}: 'value' should be a number`);
    if (type === undefined) problems.push(`${where}: missing 'type' field`);
    else if (type !== 'Metric' && type !== 'Reward')
      problems.push(`${where}: 'type' should be 'Metric' or 'Reward', got ${JSON.stringify(type)}`);
  });
  return problems;
}

/** Python's isinstance(x, (int, float)) for parsed JSON: a finite number (JSON has no NaN/Infinity; JSON.stringify makes them null). */
function isNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}
