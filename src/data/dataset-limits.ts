/**
 * The whole-file limits the platforms document for an RFT training set. Only what a page states is enforced; each
 * limit names its source. Nothing here is guessed: where a platform documents no fixed number (SageMaker training
 * jobs and HyperPod need at least the recipe's global batch size of rows, which rewardkit cannot see), no limit is
 * checked. No page found states a token, prompt-length or file-size limit for Nova RFT data, so none is checked.
 */
export const PLATFORMS = ['bedrock', 'sagemaker', 'none'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface RowCountLimit {
  min?: number;
  max?: number;
  /** Where the numbers are documented. */
  sources: string[];
}

export const ROW_COUNT_LIMITS: Record<Platform, RowCountLimit | undefined> = {
  bedrock: {
    // "A minimum of 100 records in training dataset": https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data.html
    min: 100,
    // "100-20K examples" (Bedrock RFT, OpenAI-compatible API): https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data-open-weight.html
    // and Nova 2 Lite RFT on Bedrock, 100–20,000 rows: aws/nova-forge-sdk docs/spec/dataset.md (dataset checks table)
    max: 20_000,
    sources: [
      'https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data.html',
      'https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data-open-weight.html',
    ],
  },
  // SageMaker training jobs / HyperPod: at least the recipe's global_batch_size rows (aws/nova-forge-sdk
  // dataset_checks_config.py, min_dataset_rows_*): recipe-dependent, so not checked here.
  sagemaker: undefined,
  none: undefined,
};

/** The row-count problem for `rows` rows on `platform`, or undefined when within the documented bounds. */
export function rowCountProblem(rows: number, platform: Platform): { found: string; expected: string } | undefined {
  const limit = ROW_COUNT_LIMITS[platform];
  if (!limit) return undefined;
  const tooFew = limit.min !== undefined && rows < limit.min;
  const tooMany = limit.max !== undefined && rows > limit.max;
  if (!tooFew && !tooMany) return undefined;
  const bounds = [
    limit.min === undefined ? '' : `at least ${limit.min}`,
    limit.max === undefined ? '' : `at most ${limit.max.toLocaleString('en-US')}`,
  ]
    .filter(Boolean)
    .join(' and ');
  return { found: `${rows} row${rows === 1 ? '' : 's'}`, expected: `${bounds} rows for ${platform} (${limit.sources.join(' ; ')})` };
}
