#!/usr/bin/env python3
"""Computes the reference values of the similarity metrics for test/fixtures/similarity/pairs.jsonl.

Writes test/fixtures/similarity/expected.jsonl: one line per pair, in corpus order,
{"id": ..., "<metric>": value, ...}. METEOR is not computed here (see README.md: its values live in
expected-meteor.jsonl, written by their own script). Library versions and the exact calls are in README.md;
this script refuses to run with other versions so the fixture cannot drift silently.

Needs rapidfuzz, sacrebleu, nltk, absl-py, six, and the rouge-score sources on PYTHONPATH (package `rouge`):

    PYTHONPATH=/path/to/rouge-score-sources python scripts/similarity-reference/compute_expected.py
"""

import json
import sys
from importlib.metadata import version
from pathlib import Path

import sacrebleu
from nltk.translate.gleu_score import sentence_gleu
from rapidfuzz import fuzz
from rouge import rouge_scorer

PINNED = {"rapidfuzz": "3.14.6", "sacrebleu": "2.6.0", "nltk": "3.10.3"}
ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "test" / "fixtures" / "similarity" / "pairs.jsonl"
OUT = ROOT / "test" / "fixtures" / "similarity" / "expected.jsonl"
ROUGE_TYPES = ["rouge1", "rouge2", "rouge3", "rouge4", "rouge5", "rougeL"]


def check_versions():
    found = {name: version(name) for name in PINNED}
    if found != PINNED:
        sys.exit(f"expected library versions {PINNED}, found {found}")


def metrics(scorer, hypothesis, reference):
    rouge = scorer.score(reference, hypothesis)  # score(target, prediction)
    return {
        "fuzzy_match": fuzz.ratio(hypothesis, reference) / 100,
        "fuzzy_partial_ratio": fuzz.partial_ratio(hypothesis, reference) / 100,
        "fuzzy_token_sort_ratio": fuzz.token_sort_ratio(hypothesis, reference) / 100,
        "fuzzy_token_set_ratio": fuzz.token_set_ratio(hypothesis, reference) / 100,
        "bleu": sacrebleu.sentence_bleu(hypothesis, [reference]).score / 100,
        "gleu": sentence_gleu([reference.split()], hypothesis.split()),
        **{f"rouge_{t[5:].lower()}": rouge[t].fmeasure for t in ROUGE_TYPES},
    }


def main():
    check_versions()
    scorer = rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=False)
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line]
    with OUT.open("w", encoding="utf-8") as f:
        for row in rows:
            values = metrics(scorer, row["hypothesis"], row["reference"])
            f.write(json.dumps({"id": row["id"], **values}) + "\n")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
