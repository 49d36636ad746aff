#!/usr/bin/env python3
"""Trains the personal model (src/answer/personal-model.tsv) from labelled posts.

    scripts/train-personal-model.py            # cross-validation report, then writes the model
    scripts/train-personal-model.py --report   # the report only

Labelled posts: the JSONL sets of tests/fixtures listed in TRAINING, a post being positive when its
`kind` is "personal". The dev set of ../shared/eval is never trained on: it is scored by the
model trained on all of them, as the held-out set will be. Features come from guichet itself
(`cargo run --example personal_features`), so that training and answering read posts the same
way; posts are given without their `lang`, as `ask` gets them.

The report holds out one training set at a time, trains on the others and counts, for each
threshold, the held-out personal posts the model alone catches and the other posts it would make
personal, alone and together with the rules (what guichet decides: either makes a post
personal). The threshold written to the model is THRESHOLD, chosen on that report: a personal
post caught is a right decision gained, a general post made personal loses one only when it
would have been answered or left to an agent rightly (about 4 in 10 of the dev set's); below
0.8 the second grows faster than the first (see the README).

Needs scikit-learn (`pip install scikit-learn`); only the trainer does, not guichet.
"""
import json
import math
import os
import subprocess
import sys

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("GUICHET_SHARED", os.path.join(ROOT, "..", "shared"))
TRAINING = {
    "policy-1": "tests/fixtures/policy-written-blind.jsonl",
    "policy-2": "tests/fixtures/policy-written-blind-2.jsonl",
    "policy-3": "tests/fixtures/policy-written-blind-3.jsonl",
    "policy-4": "tests/fixtures/policy-written-blind-4.jsonl",
    "written-apart": "tests/fixtures/posts-written-apart.jsonl",
    "written-blind": "tests/fixtures/posts-written-blind.jsonl",
    "out-of-scope": "tests/fixtures/out-of-scope-written-blind.jsonl",
    "written-blind-2": "tests/fixtures/posts-written-blind-2.jsonl",
    "written-blind-3": "tests/fixtures/posts-written-blind-3.jsonl",
    "written-blind-4": "tests/fixtures/posts-written-blind-4.jsonl",
    "policy-5": "tests/fixtures/policy-written-blind-5.jsonl",
    "policy-6": "tests/fixtures/policy-written-blind-6.jsonl",
    "written-blind-5": "tests/fixtures/posts-written-blind-5.jsonl",
    # Added 8 December.
    "policy-7": "tests/fixtures/policy-written-blind-7.jsonl",
    "written-blind-6": "tests/fixtures/posts-written-blind-6.jsonl",
    "written-blind-7": "tests/fixtures/posts-written-blind-7.jsonl",
    "written-blind-8": "tests/fixtures/posts-written-blind-8.jsonl",
    "written-blind-9": "tests/fixtures/posts-written-blind-9.jsonl",
    "written-blind-10": "tests/fixtures/posts-written-blind-10.jsonl",
    "out-of-scope-2": "tests/fixtures/out-of-scope-written-blind-2.jsonl",
    # Not tests/fixtures/policy-written-blind-8.jsonl: the test suite keeps it to measure the
    # model on posts it has never seen (tests/answer_policy.rs).
}
DEV = os.path.join(SHARED, "eval/questions-dev.jsonl")
# L2 regularisation (smaller is stronger): 0.3 to 10 give the same held-out figures within a
# post or two; the stronger one keeps weights small.
C = 0.3
THRESHOLD = 0.8
MODEL = os.path.join(ROOT, "src/answer/personal-model.tsv")


def features(posts):
    """guichet's features of each post (given without its language)."""
    lines = "".join(json.dumps({"text": p["text"]}, ensure_ascii=False) + "\n" for p in posts)
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "--example", "personal_features"],
        cwd=ROOT, input=lines, capture_output=True, text=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines()]


def load(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        posts = [json.loads(l) for l in f if l.strip()]
    return [(p, f, p["kind"] == "personal") for p, f in zip(posts, features(posts))]


def fit(rows):
    vectorizer = CountVectorizer(analyzer=lambda f: f["features"], binary=True, min_df=2)
    x = vectorizer.fit_transform([f for _, f, _ in rows])
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    model.fit(x, [y for _, _, y in rows])
    return vectorizer, model


def report(sets, dev):
    """Held-out figures: personal posts caught / other posts made personal, by the rules alone,
    by the model alone, and by either (what guichet decides), at several thresholds."""
    thresholds = [0.5, 0.7, 0.8, 0.9, 0.95]
    head = [f"either@{t}" for t in thresholds]
    print("held out: caught / others made personal (model trained without the held-out set;")
    print("the model never decides against a signal that weighs against)")
    print(f"{'held out':14} {'personal':>8} {'others':>6} {'rules':>9} {'model@' + str(THRESHOLD):>10}  "
          + "  ".join(f"{h:>10}" for h in head))
    total = [[0, 0] for _ in range(len(thresholds) + 2)]
    for held in list(sets) + ["dev"]:
        if held == "dev":
            print_row("all", [r for rows in sets.values() for r in rows], total)
            print("never trained on: scored by the model trained on all the sets above")
            vectorizer, model = fit([r for rows in sets.values() for r in rows])
            rows = dev
        else:
            vectorizer, model = fit([r for name, rows in sets.items() if name != held for r in rows])
            rows = sets[held]
        p = model.predict_proba(vectorizer.transform([f for _, f, _ in rows]))[:, 1]
        # As guichet decides: the model does not overrule a signal that weighs against.
        deciders = [lambda f, q: f["rules"], lambda f, q: q >= THRESHOLD and not f["against"]]
        deciders += [lambda f, q, t=t: f["rules"] or (q >= t and not f["against"]) for t in thresholds]
        cells = []
        for k, decide in enumerate(deciders):
            caught = sum(1 for (_, f, y), q in zip(rows, p) if y and decide(f, q))
            others = sum(1 for (_, f, y), q in zip(rows, p) if not y and decide(f, q))
            if held != "dev":
                total[k][0] += caught
                total[k][1] += others
            cells.append(f"{caught} / {others}")
        print_row(held, rows, cells)


def print_row(name, rows, cells):
    """One line of the report; `cells` are strings, or [caught, others] pairs (totals)."""
    cells = [c if isinstance(c, str) else f"{c[0]} / {c[1]}" for c in cells]
    positives = sum(1 for _, _, y in rows if y)
    print(f"{name:14} {positives:>8} {len(rows) - positives:>6} {cells[0]:>9} {cells[1]:>10}  "
          + "  ".join(f"{c:>10}" for c in cells[2:]))


def write(sets):
    rows = [r for rows in sets.values() for r in rows]
    vectorizer, model = fit(rows)
    names = vectorizer.get_feature_names_out()
    weights = model.coef_[0]
    p = model.predict_proba(vectorizer.transform([f for _, f, _ in rows]))[:, 1]
    # Check posts: some of each kind, without digits (no identifier is written out) or tabs.
    checks, kinds = [], {}
    for (post, f, y), q in zip(rows, p):
        text = f["prepared"]
        if any(c.isdigit() or c in "\t\n\r" for c in text) or kinds.get(y, 0) >= 8:
            continue
        kinds[y] = kinds.get(y, 0) + 1
        checks.append((q, text))
    with open(MODEL, "w", encoding="utf-8") as out:
        out.write("# Written by scripts/train-personal-model.py: do not edit, train again.\n")
        out.write(f"# {len(rows)} labelled posts ({sum(1 for _, _, y in rows if y)} personal), "
                  f"{len(names)} features, logistic regression C={C}.\n")
        out.write(f"bias\t{model.intercept_[0]:.6f}\nthreshold\t{THRESHOLD}\n")
        for q, text in checks:
            out.write(f"check\t{q:.6f}\t{text}\n")
        for name, w in sorted(zip(names, weights), key=lambda nw: -abs(nw[1])):
            if abs(w) >= 1e-5:
                out.write(f"weight\t{w:.6f}\t{name}\n")
    print(f"wrote {MODEL}: {len(names)} features, {len(checks)} check posts")


def main():
    sets = {name: load(path) for name, path in TRAINING.items()}
    report(sets, load(DEV))
    if "--report" not in sys.argv:
        write(sets)


if __name__ == "__main__":
    main()
