#!/usr/bin/env python3
"""Fits the confidence of `answer` decisions (the constants of `confidence` in src/answer/mod.rs).

    scripts/fit-confidence.py [--bin target/release/guichet]

The confidence is a logistic function of three measures of the match that `guichet ask
--explain` prints: the first result's lead over the second (`margin`), its score on the post's
scale (`score_on_scale`, read as ln(1 + x)) and the number of the post's terms (ln(1 + n)). A
post is a positive when its first result is an expected deep link. Posts the personal policy or
the courtesy rule decide, and posts of common words only (confidence 0), are left out.

Labelled posts: the dev set and the answer sets of tests/fixtures, given without their
language, as the held-out set is. The weights come from a logistic regression on all of them;
the bias is then moved to where, at the default threshold (0.7), the most right answers are
posted with wrong public links at most WRONG_SHARE of all the posts. Each set is also held out
in turn (weights and bias fitted on the others) and scored with the fitted and with the current
constants, so that a change is judged on posts it was not fitted on.

Needs scikit-learn (`pip install scikit-learn`); only the fit does, not guichet.
"""
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("GUICHET_SHARED", os.path.join(ROOT, "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "eval"))
from score import deep_link  # noqa: E402

THRESHOLD = 0.7
WRONG_SHARE = 0.035
# The constants in src/answer/mod.rs: bias, margin, ln(1 + score on scale), ln(1 + terms).
CURRENT = (-6.72, 2.64, 2.02, 1.66)


def sets():
    found = {"dev": os.path.join(SHARED, "eval/questions-dev.jsonl")}
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/posts-written-*.jsonl"))):
        found[os.path.basename(path)[len("posts-written-"):-len(".jsonl")]] = path
    found["out-of-scope"] = os.path.join(ROOT, "tests/fixtures/out-of-scope-written-blind.jsonl")
    return found


def rows_of(binary, kb, path):
    """(features or None, right, kind) of every post of a set; None when a rule decided."""
    posts = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    lines = "".join(json.dumps({"id": p["id"], "text": p["text"]}, ensure_ascii=False) + "\n" for p in posts)
    out = subprocess.run([binary, "--root", kb, "ask", "--explain"], input=lines, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    rows = []
    for post, line in zip(posts, out):
        answer = json.loads(line)
        first = deep_link(answer["results"][0]["url"]) if answer["results"] else None
        right = post["kind"] == "answer" and first in {deep_link(e) for e in post.get("expect", [])}
        why = answer.get("why", [])
        ruled = answer["decision"] == "personal" or "courtesy" in why
        scored = not ruled and first is not None and "only-common-words" not in why
        e = answer.get("explain") or {}
        features = [e.get("margin", 0.0), math.log1p(e.get("score_on_scale", 0.0)), math.log1p(len(e.get("terms", [])))]
        # A rule's decision is right or wrong whatever the confidence: counted as it is.
        fixed = None if scored else answer["decision"] == post["kind"]
        rows.append((features if scored else None, right, post["kind"], fixed))
    return rows


def z(weights, features):
    return weights[0] + sum(w * f for w, f in zip(weights[1:], features))


def score(rows, weights):
    """(right decisions, wrong public links) over `rows` at THRESHOLD."""
    right = wrong = 0
    for features, is_right, kind, fixed in rows:
        if features is None:
            right += bool(fixed)
            continue
        post = 1 / (1 + math.exp(-z(weights, features))) >= THRESHOLD
        if post:
            right += is_right
            wrong += not is_right
        else:
            right += kind == "none"
    return right, wrong


def fit(rows):
    scored = [(f, r) for f, r, _, _ in rows if f is not None]
    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit([f for f, _ in scored], [r for _, r in scored])
    weights = [float(model.intercept_[0])] + [float(w) for w in model.coef_[0]]
    # Move the bias to the most right decisions with wrong links at most WRONG_SHARE of posts.
    best = None
    for step in range(-400, 401):
        candidate = [weights[0] + step / 100] + weights[1:]
        right, wrong = score(rows, candidate)
        if wrong <= WRONG_SHARE * len(rows) and (best is None or right > best[0]):
            best = (right, candidate)
    return best[1] if best else weights


def main():
    binary = sys.argv[sys.argv.index("--bin") + 1] if "--bin" in sys.argv else os.path.join(ROOT, "target/release/guichet")
    kb = tempfile.mkdtemp()
    try:
        shutil.copytree(os.path.join(SHARED, "corpus"), kb, dirs_exist_ok=True)
        subprocess.run([binary, "--root", kb, "build"], check=True, capture_output=True)
        data = {name: rows_of(binary, kb, path) for name, path in sets().items()}
    finally:
        shutil.rmtree(kb)
    print(f"{'held out':14} {'posts':>5}  {'current: action / wrong':>24}  {'fitted on the others':>22}")
    totals = [0, 0, 0, 0, 0]
    for held, rows in data.items():
        others = [r for name, rs in data.items() if name != held for r in rs]
        weights = fit(others)
        now, fitted = score(rows, CURRENT), score(rows, weights)
        n = len(rows)
        totals = [totals[0] + n, totals[1] + now[0], totals[2] + now[1], totals[3] + fitted[0], totals[4] + fitted[1]]
        print(f"{held:14} {n:>5}  {now[0] / n:>13.3f} / {now[1] / n:.3f}  {fitted[0] / n:>11.3f} / {fitted[1] / n:.3f}")
    n = totals[0]
    print(f"{'all':14} {n:>5}  {totals[1] / n:>13.3f} / {totals[2] / n:.3f}  {totals[3] / n:>11.3f} / {totals[4] / n:.3f}")
    weights = fit([r for rs in data.values() for r in rs])
    print("fitted on every set: BIAS {:.2f}, MARGIN {:.2f}, LOG_SCALED_SCORE {:.2f}, LOG_TERMS {:.2f}".format(*weights))


if __name__ == "__main__":
    main()
