"""scikit-learn reference baseline, driven by the TypeScript benches.

Run with Debian's interpreter (/usr/bin/python3, package python3-sklearn); a pyenv/venv python
on the PATH usually lacks sklearn, which is why the benches call /usr/bin/python3 explicitly.

Modes (JSON on stdin, JSON on stdout):
  quality  {"tasks": [...], "clusterings": [...]}  -> predictions, so the TS side scores them
           with the same metric code and the same folds as the engine.
  speed    {"file": "<answers.jsonl>", "k": {"q1": 10, ...}, "seed": 1} -> seconds + peak RSS of
           the pipeline TfidfVectorizer + one-vs-rest LogisticRegression fit/predict + KMeans
           per question (the "comparable work" the issue's speed target refers to).
All estimators keep scikit-learn's defaults except where a comment says why.
"""
import json
import resource
import sys
import time
import warnings

from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

# Constant label columns in a small fold and KMeans' n_init notice are expected, not errors.
warnings.filterwarnings("ignore", category=UserWarning)
warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=ConvergenceWarning)


def multilabel(train_texts, train_labels, test_texts):
    vec = TfidfVectorizer()
    x_train = vec.fit_transform(train_texts)
    mlb = MultiLabelBinarizer()
    y = mlb.fit_transform(train_labels)
    clf = OneVsRestClassifier(LogisticRegression()).fit(x_train, y)
    pred = clf.predict(vec.transform(test_texts))
    return [[str(c) for c in mlb.classes_[row.astype(bool)]] for row in pred]


def single(train_texts, train_labels, test_texts):
    vec = TfidfVectorizer()
    clf = LogisticRegression().fit(vec.fit_transform(train_texts), train_labels)
    return [str(p) for p in clf.predict(vec.transform(test_texts))]


def cluster(texts, k, seed, n_init):
    x = TfidfVectorizer().fit_transform(texts)
    km = KMeans(n_clusters=min(k, len(texts)), n_init=n_init, random_state=seed)
    return [int(c) for c in km.fit_predict(x)]


def quality(req):
    out = {"tasks": [], "clusterings": []}
    for t in req["tasks"]:
        fn = multilabel if t["kind"] == "multi" else single
        out["tasks"].append(fn(t["trainTexts"], t["trainLabels"], t["testTexts"]))
    for c in req["clusterings"]:
        out["clusterings"].append(cluster(c["texts"], c["k"], c["seed"], 10))
    return out


def speed(req):
    rows = [json.loads(line) for line in open(req["file"], encoding="utf-8")]
    start = time.perf_counter()
    for q, k in req["k"].items():
        sub = [r for r in rows if r["question"] == q]
        if not sub:
            continue
        texts = [r["text"] for r in sub]
        x = TfidfVectorizer().fit_transform(texts)
        # Labels are inherited from the labelled answers whose sentences made up each synthetic
        # answer: noisy, but they give the classifier real work of the right shape.
        mlb = MultiLabelBinarizer()
        y = mlb.fit_transform([r["codes"] for r in sub])
        OneVsRestClassifier(LogisticRegression()).fit(x, y).predict(x)
        if q == "q3":
            LogisticRegression().fit(x, [r["challenge_type"] for r in sub]).predict(x)
        # n_init=1: scikit-learn's own future default ("auto" = 1 run for k-means++).
        KMeans(n_clusters=k, n_init=1, random_state=req["seed"]).fit_predict(x)
    seconds = time.perf_counter() - start
    # ru_maxrss is in KiB on Linux
    return {"seconds": seconds, "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


if __name__ == "__main__":
    request = json.load(sys.stdin)
    mode = sys.argv[1] if len(sys.argv) > 1 else "quality"
    json.dump(quality(request) if mode == "quality" else speed(request), sys.stdout)
