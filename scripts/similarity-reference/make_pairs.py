#!/usr/bin/env python3
"""Builds the similarity reference corpus: test/fixtures/similarity/pairs.jsonl.

Deterministic (fixed seed, Python 3.11 standard library only). The corpus is 240
(hypothesis, reference) pairs: hand-written edge cases first, then pairs made by
applying perturbation rules to the base sentences below. Every sentence here was
written for this corpus. Run from the repository root:

    python3 scripts/similarity-reference/make_pairs.py
"""

import json
import random
from pathlib import Path

SEED = 20250612
PAIR_COUNT = 240
OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "similarity" / "pairs.jsonl"

# Base sentences: contract-review wording, everyday English with inflected verbs
# and plural nouns, numbers and dates, hyphenated words and contractions.
BASE = [
    "The Recipient shall keep all Confidential Information strictly confidential.",
    "Either party may terminate this Agreement on thirty days' written notice.",
    "The Supplier shall deliver the goods to the Buyer's warehouse by 15 April 2025.",
    "Payment is due within 45 days of the invoice date.",
    "The Licensee may not sublicense the Software without prior written consent.",
    "This Agreement is governed by the laws of England and Wales.",
    "The liability of each party is capped at the fees paid in the previous twelve months.",
    "The Consultant will submit a monthly report describing the services performed.",
    "Any dispute shall be referred to arbitration in Paris under the ICC Rules.",
    "The Tenant must pay the rent on the first day of each calendar month.",
    "The employee agrees not to solicit customers for a period of 12 months after termination.",
    "The processor shall notify the controller of a personal data breach without undue delay.",
    "The Distributor is appointed as the exclusive distributor in the Territory.",
    "Interest accrues on the outstanding loan at a rate of 6.5% per annum.",
    "The warranty period lasts for 24 months from the date of delivery.",
    "Neither party shall be liable for indirect or consequential losses.",
    "The Customer owns all data uploaded to the platform.",
    "The Landlord is responsible for structural repairs to the building.",
    "The Company may assign this Agreement to an affiliate without consent.",
    "Fees are exclusive of VAT, which the Customer shall pay in addition.",
    "The Service Provider guarantees an uptime of 99.9% in each month.",
    "The Borrower shall repay the principal in eight equal quarterly instalments.",
    "Confidentiality obligations survive for five years after the Agreement ends.",
    "The Licensor retains all intellectual property rights in the Software.",
    "Notices must be sent by registered mail to the addresses listed above.",
    "The Seller warrants that the goods are free from defects in materials and workmanship.",
    "The parties will meet quarterly to review the performance of the services.",
    "The auditor may inspect the records on five business days' notice.",
    "Late payments bear interest at 2% above the base rate.",
    "The Agreement renews automatically for successive one-year terms.",
    "The company buys large quantities of steel from three suppliers.",
    "The companies purchased a big office building near the station.",
    "She runs every morning before she starts work.",
    "He was running late because the trains were delayed.",
    "They ran the tests again and the results improved.",
    "The lawyers reviewed the contracts and flagged two risks.",
    "A lawyer reviews each contract and flags the main risk.",
    "We need a quick answer about the payment terms.",
    "The children played happily in the garden all afternoon.",
    "The committee approved the new budget after a long debate.",
    "Prices increased sharply during the first quarter of the year.",
    "The manager decided to hire two additional engineers.",
    "Our team is building a faster search engine for legal documents.",
    "The shipment arrived damaged and the buyer refused it.",
    "The cat sat quietly on the warm windowsill.",
    "Heavy rain caused flooding in several villages last week.",
    "The board will vote on the merger on 3 March 2026.",
    "It's a well-known fact that long-term contracts reduce costs.",
    "We don't accept liability for third-party software.",
    "The up-to-date price list is attached as Schedule 2.",
    "Call us at 555-0142 or email support at the address below.",
    "Version 2.4.1 fixes 17 bugs and adds 3 features.",
    "The meeting starts at 9:30 a.m. on Monday, 7 July 2025.",
    "Total cost: $1,250,000 (one million two hundred fifty thousand dollars).",
    "The old man walked slowly down the quiet street.",
    "Students who study regularly usually pass their exams.",
    "The government announced new rules for online payments.",
    "Our client wants to purchase a large share of the business.",
    "The witness stated that she saw the car leave at midnight.",
    "The engineers tested the bridge and found no cracks.",
    "Both parties signed the amendment in the presence of a notary.",
    "The supplier couldn't meet the deadline, so the order was cancelled.",
    "The report highlights three key findings and two recommendations.",
    "Employees are entitled to 25 days of paid annual leave.",
    "The price includes delivery, installation and one year of support.",
    "The court dismissed the claim because it was filed too late.",
]

# Word substitutions that keep the meaning (synonyms) or the stem (inflections).
SYNONYMS = {
    "big": "large", "large": "big", "buy": "purchase", "buys": "purchases", "purchase": "buy",
    "purchased": "bought", "quick": "fast", "faster": "quicker", "shall": "must", "must": "shall",
    "may": "can", "rules": "regulations", "approved": "accepted", "decided": "chose",
    "increased": "rose", "arrived": "came", "slowly": "gradually", "quiet": "silent",
    "hire": "employ", "found": "discovered", "refused": "rejected", "happily": "cheerfully",
    "answer": "reply", "street": "road", "cancelled": "canceled", "starts": "begins",
    "deliver": "supply", "goods": "products", "terminate": "end", "highlights": "emphasises",
    "dismissed": "rejected", "damaged": "broken", "key": "main", "cost": "price",
}
INFLECTIONS = {
    "runs": "ran", "running": "runs", "ran": "running", "starts": "started", "reviewed": "reviews",
    "reviews": "reviewed", "contracts": "contract", "contract": "contracts", "flagged": "flags",
    "flags": "flagged", "risks": "risk", "risk": "risks", "companies": "company", "company": "companies",
    "buys": "bought", "played": "plays", "tests": "test", "tested": "tests", "results": "result",
    "improved": "improves", "pays": "paid", "pay": "paying", "study": "studied", "suppliers": "supplier",
    "engineers": "engineer", "lawyers": "lawyer", "delayed": "delays", "signed": "signs", "parties": "party",
    "villages": "village", "caused": "causes", "walked": "walks", "wants": "wanted", "students": "student",
    "exams": "exam", "findings": "finding", "recommendations": "recommendation", "obligations": "obligation",
}
FILLERS = ["also", "really", "very", "then", "only", "formally", "clearly", "the", "all", "in", "writing"]

# Hand-written pairs for edge cases: (hypothesis, reference).
EDGE = [
    ("", ""),
    ("", "The Recipient shall keep all Confidential Information strictly confidential."),
    ("The Recipient shall keep all Confidential Information strictly confidential.", ""),
    ("   ", "Payment is due within 45 days."),
    ("Payment is due within 45 days.", " \t\n "),
    ("yes", "yes"),
    ("yes", "no"),
    ("Yes", "yes"),
    ("approved", "approved."),
    ("big house", "large house"),
    ("buy", "purchase"),
    ("running", "ran"),
    ("companies", "company"),
    ("a", "a a"),
    ("the the the the", "the"),
    ("the cat", "the cat the cat the cat"),
    ("a b c d", "d c b a"),
    ("a b c d e", "a b c d e"),
    ("THE TENANT MUST PAY THE RENT.", "The Tenant must pay the rent."),
    ("!!! ??? ...", "!!! ??? ..."),
    ("Wait... what?! (Really?)", "Wait, what? Really?"),
    ("\"Confidential Information\" means any information;", "'Confidential Information' means any information:"),
    ("Invoice #4471 dated 2025-03-01 for EUR 12,500.00", "Invoice no. 4471 dated 01/03/2025 for EUR 12.500,00"),
    ("3.14159", "3.14"),
    ("10%", "10 %"),
    ("state-of-the-art", "state of the art"),
    ("co-operation and e-mail", "cooperation and email"),
    ("I can't and won't sign it.", "I cannot and will not sign it."),
    ("don't", "do not"),
    ("Le fournisseur doit livrer les marchandises à l'entrepôt.", "Le fournisseur livre les marchandises à l’entrepôt du client."),
    ("Die Vertragsparteien vereinbaren Stillschweigen über alle Geschäftsgeheimnisse.", "Die Parteien vereinbaren Stillschweigen über Geschäftsgeheimnisse."),
    ("El arrendatario pagará la renta el día cinco de cada mes.", "El arrendatario pagará la renta el día 5 de cada mes."),
    ("café naïve résumé façade", "cafe naive resume facade"),
    ("Ångström über señor", "Ångström über señor"),
    ("本契約は日本法に準拠する。", "本契約は日本法に準拠します。"),
    ("保密信息 应当 严格 保密", "保密信息 必须 严格 保密"),
    ("机密信息", "机密信息"),
    ("수령인은 비밀정보를 보호해야 한다.", "수령인은 모든 비밀정보를 보호해야 한다."),
    ("Price: 100 €", "Price: 100 EUR"),
    ("e.g. i.e. etc.", "for example, that is, and so on"),
    ("x", "y"),
    ("ab", "ba"),
    ("The the THE", "the The the"),
    ("Section 4.2(b)(iii) applies.", "Section 4.2 (b) (iii) applies."),
    ("line one\nline two", "line one line two"),
    ("tabs\tbetween\twords", "tabs between words"),
    ("  leading and trailing spaces  ", "leading and trailing spaces"),
    ("emoji 👍 ok", "emoji ok"),
]


def words(sentence):
    return sentence.split(" ")


def join(tokens):
    return " ".join(tokens)


def delete_words(rng, s):
    w = words(s)
    for _ in range(rng.randint(1, max(1, len(w) // 4))):
        if len(w) > 1:
            del w[rng.randrange(len(w))]
    return join(w)


def insert_words(rng, s):
    w = words(s)
    for _ in range(rng.randint(1, 3)):
        w.insert(rng.randrange(len(w) + 1), rng.choice(FILLERS))
    return join(w)


def swap_adjacent(rng, s):
    w = words(s)
    if len(w) > 1:
        i = rng.randrange(len(w) - 1)
        w[i], w[i + 1] = w[i + 1], w[i]
    return join(w)


def shuffle_words(rng, s):
    w = words(s)
    rng.shuffle(w)
    return join(w)


def rotate_clause(rng, s):
    w = words(s)
    k = rng.randrange(1, max(2, len(w)))
    return join(w[k:] + w[:k])


def change_case(rng, s):
    mode = rng.choice(["lower", "upper", "title"])
    return getattr(s, mode)()


def strip_punctuation(rng, s):
    return "".join(c for c in s if c.isalnum() or c.isspace())


def map_words(table):
    def apply(rng, s):
        out = []
        for token in words(s):
            core = token.rstrip(".,;:")
            tail = token[len(core):]
            key = core.lower()
            if key in table and rng.random() < 0.8:
                repl = table[key]
                if core[:1].isupper():
                    repl = repl[:1].upper() + repl[1:]
                out.append(repl + tail)
            else:
                out.append(token)
        return join(out)

    return apply


def truncate(rng, s):
    w = words(s)
    return join(w[: rng.randint(1, max(1, len(w) - 1))])


def repeat_words(rng, s):
    w = words(s)
    i = rng.randrange(len(w))
    return join(w[: i + 1] + [w[i]] * rng.randint(1, 3) + w[i + 1 :])


def extra_whitespace(rng, s):
    return "  ".join(words(s)) + rng.choice(["", " ", "\n"])


def paraphrase(rng, s):
    return delete_words(rng, map_words(SYNONYMS)(rng, map_words(INFLECTIONS)(rng, s)))


RULES = [
    ("delete", delete_words),
    ("insert", insert_words),
    ("swap", swap_adjacent),
    ("shuffle", shuffle_words),
    ("rotate", rotate_clause),
    ("case", change_case),
    ("nopunct", strip_punctuation),
    ("synonym", map_words(SYNONYMS)),
    ("inflect", map_words(INFLECTIONS)),
    ("truncate", truncate),
    ("repeat", repeat_words),
    ("whitespace", extra_whitespace),
    ("paraphrase", paraphrase),
]


def long_pairs(rng, count):
    """Multi-sentence clauses: 3 to 5 base sentences, perturbed sentence by sentence."""
    pairs = []
    for _ in range(count):
        ref_sentences = rng.sample(BASE[:30], rng.randint(3, 5))
        hyp_sentences = []
        for sentence in ref_sentences:
            roll = rng.random()
            if roll < 0.15:
                continue  # a whole sentence missing from the hypothesis
            _, rule = rng.choice(RULES)
            hyp_sentences.append(rule(rng, sentence) if roll < 0.75 else sentence)
        if rng.random() < 0.3:
            hyp_sentences.insert(rng.randrange(len(hyp_sentences) + 1), rng.choice(BASE[30:]))
        pairs.append((" ".join(hyp_sentences), " ".join(ref_sentences)))
    return pairs


def main():
    rng = random.Random(SEED)
    pairs = list(EDGE)
    # Every base sentence against itself once in a while, and once perturbed by each rule in turn.
    for i, sentence in enumerate(BASE):
        if i % 8 == 0:
            pairs.append((sentence, sentence))
    long_count = 30
    per_rule_needed = PAIR_COUNT - len(pairs) - long_count
    order = list(range(len(BASE)))
    i = 0
    while per_rule_needed > 0:
        if i % len(order) == 0:
            rng.shuffle(order)
        sentence = BASE[order[i % len(order)]]
        _, rule = RULES[i % len(RULES)]
        hypothesis = rule(rng, sentence)
        # Half the time the reference is the perturbed side, so both directions are covered.
        pairs.append((hypothesis, sentence) if rng.random() < 0.5 else (sentence, hypothesis))
        per_rule_needed -= 1
        i += 1
    pairs.extend(long_pairs(rng, long_count))
    assert len(pairs) == PAIR_COUNT, len(pairs)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        for n, (hypothesis, reference) in enumerate(pairs, start=1):
            row = {"id": f"p{n:03d}", "hypothesis": hypothesis, "reference": reference}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(pairs)} pairs to {OUT}")


if __name__ == "__main__":
    main()
