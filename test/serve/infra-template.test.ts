/**
 * The SAM template carries the deployment facts of AWS's Nova RFT reward-function guide: a function name containing
 * "SageMaker", the 900 s timeout, memory and reserved-concurrency parameters, bedrock:InvokeModel, and the
 * handler the build produces. CloudFormation's short tags (!Ref, !Sub, …) are read as plain values.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, type ScalarTag, type CollectionTag } from 'yaml';

const SHORT_TAGS = ['Ref', 'Sub', 'GetAtt', 'If', 'Not', 'Equals'];
const customTags: Array<ScalarTag | CollectionTag> = SHORT_TAGS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [name]: value }) },
  {
    tag: `!${name}`,
    collection: 'seq',
    resolve: (value: unknown) => ({ [name]: (value as { toJSON(): unknown }).toJSON() }),
  },
]);

const template = parse(readFileSync('infra/template.yaml', 'utf8'), { customTags }) as {
  Transform: string;
  Parameters: Record<string, { Default?: unknown }>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, unknown>;
};

describe('infra/template.yaml', () => {
  const fn = template.Resources.RewardFunction!.Properties;

  it('is a SAM Lambda running the built bundle for the full 15 minutes', () => {
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(template.Resources.RewardFunction!.Type).toBe('AWS::Serverless::Function');
    expect([fn.Handler, fn.Runtime, fn.Timeout, fn.CodeUri]).toEqual(['index.handler', 'nodejs20.x', 900, '../dist/rewardkit-lambda.zip']);
  });

  it('names the function SageMaker-… (HyperPod checks *SageMaker*)', () => {
    expect(fn.FunctionName).toEqual({ Sub: 'SageMaker-${FunctionNameSuffix}' });
    expect(template.Resources.RewardFunctionLogs!.Properties.LogGroupName).toEqual({ Sub: '/aws/lambda/SageMaker-${FunctionNameSuffix}' });
  });

  it('takes memory and reserved concurrency as parameters', () => {
    expect(fn.MemorySize).toEqual({ Ref: 'MemorySize' });
    expect(fn.ReservedConcurrentExecutions).toEqual({ Ref: 'ReservedConcurrency' });
    expect([template.Parameters.MemorySize!.Default, template.Parameters.ReservedConcurrency!.Default]).toEqual([1024, 100]);
  });

  it('may invoke Bedrock models (the judge)', () => {
    const statements = (fn.Policies as Array<{ Statement: Array<{ Action: string[] }> }>).flatMap((policy) => policy.Statement);
    expect(statements.flatMap((statement) => statement.Action)).toContain('bedrock:InvokeModel');
  });

  it('passes the judge override and the deadline margin as the variables the handler reads', () => {
    expect(Object.keys((fn.Environment as { Variables: Record<string, unknown> }).Variables)).toEqual([
      'REWARDKIT_JUDGE',
      'REWARDKIT_JUDGE_BASE_URL',
      'REWARDKIT_CONCURRENCY',
      'REWARDKIT_DEADLINE_MARGIN_MS',
      'REWARDKIT_LOG_LEVEL',
    ]);
    expect(Object.keys(template.Outputs)).toEqual(['RewardLambdaArn', 'LambdaConcurrencyLimit']);
  });
});
