import { describe, expect, it } from 'vitest';
import { createRowContext, toRowView } from '../input/row-view.js';
import { GroundingCheckSchema, InputSpecSchema } from '../spec/schema.js';
import type { CheckOutcome } from './check.js';
import { groundingCheck, normaliseForQuote } from './grounding-check.js';

const input = InputSpecSchema.parse({});

const CONTRACT = 'The Tenant shall pay rent monthly.\nThe Landlord — at its own cost — shall maintain the “common areas”.';
const GUIDELINES = 'Reviewers should flag any clause that limits liability without a cap.';

async function runGrounding(spec: Record<string, unknown>, row: Record<string, unknown>): Promise<CheckOutcome> {
  const check = groundingCheck(
    GroundingCheckSchema.parse({ type: 'grounding', quotes: 'metadata.quotes[*]', source: 'metadata.contract', ...spec }),
  );
  return check(createRowContext(toRowView(row, input, 'row-1')));
}

const row = (quotes: unknown[]) => ({ response: 'review', metadata: { contract: CONTRACT, guidelines: GUIDELINES, quotes } });

describe('normaliseForQuote', () => {
  it('folds case, curly quotes, dashes, ellipses and whitespace runs', () => {
    expect(normaliseForQuote('  “Hello”\u00A0—  ‘World’…\n\tEnd ')).toBe('"hello" - \'world\'... end');
  });

  it('applies NFKC so compatibility characters compare equal', () => {
    expect(normaliseForQuote('ﬁle Ⅸ')).toBe('file ix');
  });
});

describe('grounding check', () => {
  it('scores 1 when every quote occurs in the source', async () => {
    expect(await runGrounding({}, row(['The Tenant shall pay rent monthly', 'shall maintain the']))).toEqual({
      score: 1,
      message: '2/2 quotes grounded',
      details: { verdicts: ['grounded', 'grounded'] },
    });
  });

  it('ignores differences in case, whitespace, quote marks and dashes', async () => {
    const outcome = await runGrounding(
      {},
      row(['the tenant shall   pay rent\nmonthly', 'The Landlord - at its own cost - shall maintain the "common areas"']),
    );
    expect(outcome.details).toEqual({ verdicts: ['grounded', 'grounded'] });
  });

  it('strips straight quote marks and ellipses a model wraps an excerpt in', async () => {
    const outcome = await runGrounding({}, row(['"The Tenant shall pay rent"', '…shall pay rent monthly…', '...pay rent monthly.']));
    expect(outcome.details).toEqual({ verdicts: ['grounded', 'grounded', 'grounded'] });
  });

  it('scores the fraction of quotes grounded and lists what is wrong with the others', async () => {
    expect(await runGrounding({}, row(['The Tenant shall pay rent monthly', 'The Tenant shall pay rent weekly', 'rent', 42]))).toEqual({
      score: 0.25,
      message: '1/4 quotes grounded (#2 not_in_source, #3 too_short, #4 not_a_string)',
      details: { verdicts: ['grounded', 'not_in_source', 'too_short', 'not_a_string'] },
    });
  });

  it('counts quotes shorter than min_chars as too short', async () => {
    const outcome = await runGrounding({ min_chars: 40 }, row(['The Tenant shall pay rent monthly']));
    expect(outcome).toEqual({ score: 0, message: '0/1 quotes grounded (#1 too_short)', details: { verdicts: ['too_short'] } });
  });

  it('marks a quote taken from the not_from text as from_forbidden_source', async () => {
    const outcome = await runGrounding(
      { not_from: 'metadata.guidelines' },
      row(['flag any clause that limits liability', 'shall pay rent monthly']),
    );
    expect(outcome).toEqual({
      score: 0.5,
      message: '1/2 quotes grounded (#1 from_forbidden_source)',
      details: { verdicts: ['from_forbidden_source', 'grounded'] },
    });
  });

  it('counts a quote found in both the source and the not_from text as grounded', async () => {
    const outcome = await runGrounding(
      { not_from: 'metadata.guidelines' },
      {
        response: 'r',
        metadata: {
          contract: 'Both texts say: limits liability without a cap.',
          guidelines: GUIDELINES,
          quotes: ['limits liability without a cap'],
        },
      },
    );
    expect(outcome.details).toEqual({ verdicts: ['grounded'] });
  });

  it('reports not_in_source, not forbidden, when no not_from text is configured', async () => {
    const outcome = await runGrounding({}, row(['flag any clause that limits liability']));
    expect(outcome.details).toEqual({ verdicts: ['not_in_source'] });
  });

  it('gives empty_score when there are no quotes', async () => {
    expect(await runGrounding({}, row([]))).toEqual({ score: 0, message: 'no quotes found at metadata.quotes[*]' });
    expect(await runGrounding({ empty_score: 0.5 }, row([]))).toEqual({ score: 0.5, message: 'no quotes found at metadata.quotes[*]' });
  });

  it('reads quotes from the response parsed as JSON', async () => {
    const response = JSON.stringify({ comments: [{ text_excerpt: 'shall pay rent monthly' }, { text_excerpt: 'shall pay late fees' }] });
    const outcome = await runGrounding(
      { quotes: 'response_json.comments[*].text_excerpt' },
      { response, metadata: { contract: CONTRACT } },
    );
    expect(outcome).toEqual({
      score: 0.5,
      message: '1/2 quotes grounded (#2 not_in_source)',
      details: { verdicts: ['grounded', 'not_in_source'] },
    });
  });

  it('finds nothing grounded when the source field is missing', async () => {
    const outcome = await runGrounding({ source: 'metadata.absent' }, row(['The Tenant shall pay rent monthly']));
    expect(outcome.details).toEqual({ verdicts: ['not_in_source'] });
  });

  it('strips curly quotes a model wraps an excerpt in', async () => {
    const outcome = await runGrounding({}, row(['“The Tenant shall pay rent”', '‘shall maintain the’…']));
    expect(outcome.details).toEqual({ verdicts: ['grounded', 'grounded'] });
  });

  it('unwraps a selector that reaches one list (no [*] needed)', async () => {
    const outcome = await runGrounding(
      { quotes: 'metadata.quotes' },
      row(['The Tenant shall pay rent monthly', 'not in the contract at all']),
    );
    expect(outcome).toEqual({
      score: 0.5,
      message: '1/2 quotes grounded (#2 not_in_source)',
      details: { verdicts: ['grounded', 'not_in_source'] },
    });
  });
});
