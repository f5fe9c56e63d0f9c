#!/usr/bin/env python3
"""Independent Judgemark metrics for the golden test (Python 3 standard library only).

    make-expected.py --write-answers   regenerate judge-answers.json (deterministic)
    make-expected.py                   compute expected.json from judge-answers.json

Re-implements SPEC section 7 (judge-answer parsing, prompt score) and section 8
(Judgemark metrics) without the C++ code: exact rational arithmetic (fractions)
for the least-squares fit, A&S 26.7.3/26.7.4 closed forms of Student's t CDF
with bisection for its quantile, statistics.correlation for Pearson.
Reads ../shared/data/judgemark_reference.json and judgemark_test_set.json
(EQBENCH_SHARED_DIR overrides ../shared).
"""

import json
import math
import os
import re
import statistics
import sys
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("EQBENCH_SHARED_DIR") or os.path.join(HERE, "..", "..", "..", "..", "shared")
DATA = os.path.join(SHARED, "data")

# The judges whose metrics expected.json holds: one with a column in the reference
# table (its column is replaced), one that is a test model but no table judge, and
# one that is neither.
JUDGES = ["claude-3-sonnet-20240229", "mistralai/Mixtral-8x7B-Instruct-v0.1", "example/new-judge-7b"]

# ---------------------------------------------------------------- SPEC 7

NEGATIVE_MARKERS = [
    "melodramatic", "shallow resolution", "unearned resolution", "simplistic moralizing",
    "shallow optimism", "forced optimism", "trite", "overwrought", "amateurish", "contrived",
    "uninspiring", "characters are too good", "incongruent ending positivity",
    "unearned transformations", "profundity over-reach", "amateurish descriptives",
    "clunky asides and interruptive sentence structures", "stilted dialogue",
    "tit-for-tat dialogue", "purple prose", "unsurprising or uncreative", "tell-don't-show",
    "weak dialogue", "meandering",
]

SCORE_RE = re.compile(r"(.*?):\s*(?:Score\s+)?(-?\d+(?:\.\d+)?)")


def parse_judge_answer(text):
    """criterion -> float, later names overwriting earlier ones (dict order)."""
    for ch in "*[]":
        text = text.replace(ch, "")
    scores = {}
    for name, value in SCORE_RE.findall(text):
        scores[name.strip()] = float(value)
    return scores


def prompt_score(scores):
    if not scores:
        return None
    total = 0.0
    for name, value in scores.items():
        if any(m in name.lower() for m in NEGATIVE_MARKERS):
            total += 10 - value
        else:
            total += value
    return total / len(scores)


# ---------------------------------------------------------------- statistics


def sample_sd(values):
    return statistics.stdev(values) if len(values) >= 2 else None


def pearson(x, y):
    if len(x) < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    return statistics.correlation(x, y)


def kendall_tau_b(x, y):
    n = len(x)
    if n < 2:
        return None
    # tau-b from pair counts: n0 = all pairs, n1/n2 = pairs tied in x/y.
    n0 = n * (n - 1) // 2
    n1 = sum(1 for i in range(n) for j in range(i + 1, n) if x[i] == x[j])
    n2 = sum(1 for i in range(n) for j in range(i + 1, n) if y[i] == y[j])
    s = 0
    for i in range(n):
        for j in range(i + 1, n):
            a = (x[i] > x[j]) - (x[i] < x[j])
            b = (y[i] > y[j]) - (y[i] < y[j])
            s += a * b
    if n0 == n1 or n0 == n2:
        return None
    return s / math.sqrt((n0 - n1) * (n0 - n2))


def anova_f(groups):
    k = len(groups)
    n = sum(len(g) for g in groups)
    grand = math.fsum(v for g in groups for v in g) / n
    means = [math.fsum(g) / len(g) for g in groups]
    between = math.fsum(len(g) * (m - grand) ** 2 for g, m in zip(groups, means))
    within = math.fsum((v - m) ** 2 for g, m in zip(groups, means) for v in g)
    return (between / (k - 1)) / (within / (n - k))


def t_abs_cdf(t, nu):
    """P(|T| <= t) for integer nu (Abramowitz & Stegun 26.7.3 / 26.7.4)."""
    theta = math.atan(t / math.sqrt(nu))
    s, c = math.sin(theta), math.cos(theta)
    if nu % 2 == 1:
        if nu == 1:
            return 2 / math.pi * theta
        term, total = c, c
        for k in range(3, nu - 1, 2):  # terms up to cos^(nu-2)
            term *= c * c * (k - 1) / k
            total += term
        return 2 / math.pi * (theta + s * total)
    term, total = 1.0, 1.0
    for k in range(2, nu - 1, 2):  # terms up to cos^(nu-2)
        term *= c * c * (k - 1) / k
        total += term
    return s * total


def t_quantile_975(nu):
    lo, hi = 0.0, 100.0
    while True:
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            return mid
        if t_abs_cdf(mid, nu) < 0.95:
            lo = mid
        else:
            hi = mid


def ci_width(values):
    n = len(values)
    return 2 * t_quantile_975(n - 1) * statistics.stdev(values) / math.sqrt(n)


def polyfit2_exact(xs, ys):
    """Ordinary least squares y ~ c0 + c1 x + c2 x^2, solved exactly in rationals."""
    X = [Fraction(v) for v in xs]
    Y = [Fraction(v) for v in ys]
    a = [[sum(x ** (r + c) for x in X) for c in range(3)] for r in range(3)]
    b = [sum(y * x ** r for x, y in zip(X, Y)) for r in range(3)]
    for col in range(3):
        piv = next(r for r in range(col, 3) if a[r][col] != 0)
        a[col], a[piv] = a[piv], a[col]
        b[col], b[piv] = b[piv], b[col]
        for r in range(3):
            if r != col and a[r][col] != 0:
                f = a[r][col] / a[col][col]
                a[r] = [u - f * v for u, v in zip(a[r], a[col])]
                b[r] -= f * b[col]
    return [b[i] / a[i][i] for i in range(3)]


def poly_eval_exact(c, x):
    x = Fraction(x)
    return c[0] + c[1] * x + c[2] * x * x


# ---------------------------------------------------------------- SPEC 8


def clamp01(v):
    return min(1.0, max(0.0, v))


def top_n(pairs, n):
    # pandas nlargest(keep='first'): ties keep the earlier model (sorted() is stable)
    return sorted(pairs, key=lambda p: -p[1])[:n]


def correlations(pairs, bench, column):
    xs, ys = [], []
    for model, score in pairs:
        row = bench.get(model.split("/")[-1])
        if row is not None and row.get(column) is not None:
            xs.append(score)
            ys.append(row[column])
    return pearson(xs, ys), kendall_tau_b(xs, ys)


def biases(judge, model_scores, ref):
    ignore = ref["ignore_for_self_bias"]
    families = ref["model_families"]
    data = {j: dict(s) for j, s in ref["judge_scores_by_other_judges"].items()}
    data[judge] = dict(model_scores)
    judges = list(data.keys())
    test_models = list(data[judges[0]].keys())
    if judge in ignore:
        return None, None
    others = [j for j in judges if j != judge and j not in ignore]

    def others_mean(model):
        return math.fsum(data[j][model] for j in others) / len(others)

    included, xs, ys = [], [], []
    for model in test_models:
        if model in ignore or model == judge:
            continue
        included.append(model)
        xs.append(others_mean(model))
        ys.append(data[judge][model])
    coef = polyfit2_exact(xs, ys)
    self_bias = None
    if judge in test_models:
        self_bias = float(Fraction(data[judge][judge]) - poly_eval_exact(coef, others_mean(judge)))
    family = families.get(judge)
    residuals = [
        Fraction(y) - poly_eval_exact(coef, x)
        for model, x, y in zip(included, xs, ys)
        if model in families and families[model] == family
    ]
    family_bias = float(sum(residuals) / len(residuals)) if residuals else None
    return self_bias, family_bias


def judgemark(judge, prompt_scores, ref):
    model_scores, items = [], []
    for model, scores in prompt_scores:
        if len(scores) > 10:
            model_scores.append((model, 10 * (sum(scores) / len(scores))))
            items.append([10 * s for s in scores])
    values = [s for _, s in model_scores]
    mean = statistics.fmean(values)
    sd = statistics.stdev(values)
    bench = {}
    for row in ref["other_benchmarks"]:
        bench.setdefault(row["model"], row)
    top8 = top_n(model_scores, 8)
    p_elo, k_elo = correlations(model_scores, bench, "arena_elo")
    p_eq, k_eq = correlations(model_scores, bench, "eq_bench")
    p8_elo, k8_elo = correlations(top8, bench, "arena_elo")
    p8_eq, k8_eq = correlations(top8, bench, "eq_bench")
    shortest = min(len(i) for i in items)
    f = anova_f([i[:shortest] for i in items])
    ci = statistics.fmean([ci_width(i) for i in items])
    self_bias, family_bias = biases(judge, model_scores, ref)

    def mean_present(vals):
        vals = [v for v in vals if v is not None]
        return clamp01(statistics.fmean(vals)) if vals else 0.0

    score = 100 * statistics.fmean([
        mean_present([k_elo, k_eq, k8_elo, k8_eq]),
        mean_present([p_elo, p_eq, p8_elo, p8_eq]),
        clamp01(sd / 15),
        clamp01(f / 28),
    ])
    return {
        "model_scores": dict(model_scores),
        "metrics": {
            "mean_score": mean,
            "range": max(values) - min(values),
            "std_dev": sd,
            "CV": sd / mean,
            "std_dev_top_5": statistics.stdev([s for _, s in top_n(model_scores, 5)]),
            "pearson_arena_elo": p_elo,
            "kendall_arena_elo": k_elo,
            "pearson_eq_bench": p_eq,
            "kendall_eq_bench": k_eq,
            "pearson_top_8_arena_elo": p8_elo,
            "kendall_top_8_arena_elo": k8_elo,
            "pearson_top_8_eq_bench": p8_eq,
            "kendall_top_8_eq_bench": k8_eq,
            "Judgemark": score,
            "anova_f_statistic": f,
            "avg_ci_range": ci,
            "self_bias": self_bias,
            "family_bias": family_bias,
        },
    }


# ---------------------------------------------------------------- synthetic answers

POSITIVE = [
    "Adherence to Instructions", "Believable Character Actions", "Nuanced Characters",
    "Consistent Voice/Tone of Writing", "Imagery and Descriptive Quality", "Elegant Prose",
    "Emotionally Engaging", "Emotionally Complex", "Coherent", "Sentences Flow Naturally",
    "Overall Reader Engagement", "Overall Impression",
]
NEGATIVE = [
    "Meandering", "Weak Dialogue", "Tell-Don't-Show", "Unsurprising or Uncreative", "Amateurish",
    "Purple Prose", "Overwrought", "Incongruent Ending Positivity", "Unearned Transformations", "Trite",
]
NO_SCORE = {("google/gemma-2b-it", "7"), ("openchat/openchat-3.5-1210", "23")}


class Lcg:
    """A fixed linear congruential generator, so the answers never depend on Python's random."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (1103515245 * self.state + 12345) & 0x7FFFFFFF
        return self.state

    def below(self, n):
        return self.next() % n


def write_answers():
    test_set = json.load(open(os.path.join(DATA, "judgemark_test_set.json"), encoding="utf-8"))
    ref = json.load(open(os.path.join(DATA, "judgemark_reference.json"), encoding="utf-8"))
    levels = ref["judge_scores_by_other_judges"]["gpt-4-0125-preview"]
    models = list(test_set.keys())
    answers = {}
    for mi, model in enumerate(models):
        # A quality level per model (0-10) near one reference judge's, so the
        # correlations are realistic, with a per-prompt swing of up to +-1.5.
        quality = levels[model] / 10
        answers[model] = {}
        for pi, pid in enumerate(test_set[model].keys()):
            rng = Lcg(1000 * mi + pi + 17)
            swing = (rng.below(31) - 15) / 10
            if (model, pid) in NO_SCORE:
                answers[model][pid] = ("The response is a refusal, so there is nothing to rate here.\n"
                                       "Scores: not applicable.")
                continue
            count = 5 + rng.below(8)
            names = []
            pool = POSITIVE + NEGATIVE
            while len(names) < count:
                name = pool[rng.below(len(pool))]
                if name not in names:
                    names.append(name)
            if not any(n in NEGATIVE for n in names):
                names[-1] = NEGATIVE[rng.below(len(NEGATIVE))]
            lines = ["[Analysis]", "", "The piece follows the prompt; pacing: uneven in places.", "", "[Scores]", ""]
            for k, name in enumerate(names):
                base = quality + swing + (rng.below(5) - 2)
                value = 10 - base if name in NEGATIVE else base
                value = min(10.0, max(0.0, value))
                if rng.below(4) == 0:
                    text = "%.1f" % (round(value * 2) / 2)
                else:
                    text = str(int(round(value)))
                style = rng.below(4)
                if style == 0:
                    lines.append("%s: %s" % (name, text))
                elif style == 1:
                    lines.append("**%s:** %s" % (name, text))
                elif style == 2:
                    lines.append("%s: [Score %s]" % (name, text))
                else:
                    lines.append("%s: Score %s" % (name, text))
                lines.append("")
            if pi % 6 == 0:
                # A judge correcting itself: the later value replaces the earlier one.
                lines.append("Correction, %s: %d" % (names[0], min(10, int(quality) + 1)))
                lines.append("%s: %d" % (names[0], min(10, int(quality) + 1)))
            answers[model][pid] = "\n".join(lines)
    with open(os.path.join(HERE, "judge-answers.json"), "w", encoding="utf-8") as out:
        json.dump(answers, out, indent=1, ensure_ascii=False)
        out.write("\n")


def main():
    if "--write-answers" in sys.argv[1:]:
        write_answers()
        return
    assert abs(t_quantile_975(9) - 2.2621571627982) < 1e-12
    ref = json.load(open(os.path.join(DATA, "judgemark_reference.json"), encoding="utf-8"))
    answers = json.load(open(os.path.join(HERE, "judge-answers.json"), encoding="utf-8"))
    prompt_scores = []
    for model, by_prompt in answers.items():
        scores = []
        for text in by_prompt.values():
            s = prompt_score(parse_judge_answer(text))
            if s is not None:
                scores.append(s)
        prompt_scores.append((model, scores))
    expected = {
        "prompt_scores": {m: s for m, s in prompt_scores},
        "judges": {j: judgemark(j, prompt_scores, ref) for j in JUDGES},
    }
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as out:
        json.dump(expected, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
