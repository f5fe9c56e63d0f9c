#!/usr/bin/env python3
"""Writes jahalf-replay-expected.json: what the Japanese fork
(kuroganegames/EQ-Bench-jp, branch japanized: lib/eq_bench_utils.py and
lib/scoring.py) scores for the synthetic jahalf answers that
tests/integration/jp-fork-compat-test.cpp serves, one iteration, revise off.

The answers are made by a rule (below, and the same rule in the C++ test) from
the question file, so no dataset text is committed. The fork's steps are
re-stated here in our own words: parse with re.findall(r'(\\w+):\\s+(\\d+)')
after removing '*' and '#' (jahalf goes to the English parser), the v1 gate
(four names matching the reference, case-insensitively, values summing > 0),
three tries of the same answer, the fullscale score (d <= 5), and the
aggregate 100 * mean / 10 rounded to 2 places.

Run: python3 make-jahalf-replay.py /work/shared/data/eq_bench_v2_questions_171_jahalf.json
"""
import json
import math
import re
import sys


def fullwidth(text):
    return "".join(chr(0xFF10 + ord(c) - 48) if "0" <= c <= "9" else c for c in text)


def answer_for(k, ref):
    """The rule: see answer_for in jp-fork-compat-test.cpp."""
    lines = []
    for i in range(4):
        name = ref[f"emotion{i + 1}"]
        value = str(min(10, int(float(ref[f"emotion{i + 1}_score"])) + (k + i) % 3))
        if k % 13 == 5:
            lines.append(f"{name}:{value}")  # no space: the English parser misses it
        elif k % 7 == 3:
            lines.append(f"**{name}**: {value}")
        elif k % 5 == 2:
            lines.append(f"{name}: {fullwidth(value)}")  # Python's \d reads these
        else:
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def parse(text):
    text = text.replace("*", "").replace("#", "")
    return dict(re.findall(r"(\w+):\s+(\d+)", text))


def names_match(ref, user, exact_key):
    if len(user) != 4:
        return False
    matched = {}
    for emotion in user:
        for i in range(1, 5):
            if emotion.lower() == ref[f"emotion{i}"].lower():
                matched[emotion if exact_key else emotion.lower()] = True
    return len(matched) == 4


def v1_gate(ref, user):
    return names_match(ref, user, True) and sum(float(s) for s in user.values()) > 0


def fullscale(ref, user):
    if not names_match(ref, user, False):
        return None
    tally = 0
    for emotion, value in user.items():
        for i in range(1, 5):
            if emotion.lower() == ref[f"emotion{i}"].lower():
                d = abs(float(value) - float(ref[f"emotion{i}_score"]))
                if d == 0:
                    scaled = 0
                elif d <= 5:
                    scaled = 6.5 * (1 / (1 + math.e ** (-1.2 * (d - 4))))
                else:
                    scaled = d
                tally += scaled
    return 10 - tally * 0.7477


def main():
    questions = json.load(open(sys.argv[1], encoding="utf-8"))
    total = 0
    parseable = 0
    unparseable = []
    for k, (qid, q) in enumerate(questions.items()):
        user = parse(answer_for(k, q["reference_answer_fullscale"]))
        if not v1_gate(q["reference_answer"], user):
            unparseable.append(qid)
            continue
        score = fullscale(q["reference_answer_fullscale"], user)
        if score is not None:
            total += score
            parseable += 1
    final = 100 * (total / parseable / 10) if parseable else 0
    out = {
        "source": "make-jahalf-replay.py over eq_bench_v2_questions_171_jahalf.json",
        "score": round(final, 2),
        "parseable": round(parseable / 1, 2),
        "unparseable_questions": unparseable,
    }
    with open("jahalf-replay-expected.json", "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


main()
