"""Benchmark: knowledge search — speed over 50 000 articles and relevance over the real seed.

Speed
-----
``articles`` (default 50 000) articles are made from the real seed (knowledge_seed/):
every seed article as it is, then variants of it for the cities and counties of Hunan —
the place in the question, a rotation of the alternative questions, the answer's
sentences reordered with one sentence dropped and one borrowed from another article of
the same unit, and a local closing sentence (recombined Q&A). The same rows go into an
SQLite table. The queries are what an operator sends while typing: a sample of 500
prefixes of the labelled query texts (tests/data/kb_queries) and of 40 seed questions,
plus, when /work/shared/data is present, the first 80 characters of 100 real citizen
messages (rambling speech; never printed). Both are timed on the same queries:

* ``SearchIndex.search(q, limit=10)`` — this project's search;
* ``SELECT id, question FROM kb WHERE question LIKE ? OR answer LIKE ? LIMIT 10`` — the
  obvious baseline (``%q%``, SQLite, the table in memory).

Also reported: the CPU time per query (the wall-clock figures include waiting for a
busy machine: the load average is printed), build time, array memory and the process's
RSS growth for the build, the cost of one edit (``upsert``) and of a full ``compact``.

Relevance
---------
Over the real seed (not the synthetic rows) and the labelled queries: recall@1,
recall@5 and MRR (``console.services.knowledge.relevance``), for the search and for the
LIKE baseline.

Bars (exit status 1 when missed): search CPU time p95 ≤ 10 ms (design.md; the wall-clock
p95 is printed beside it and matches it on a quiet machine) and recall@5 ≥ 0.9 when there
are at least 50 labelled queries.

Run: ``python benchmarks/bench_search.py [--articles N] [--json] [--misses]``; ``run()``
returns the figures as a dict (for ``hotline bench``).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import gc
import json
import os
import random
import re
import resource
import sqlite3
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from console.services.knowledge.relevance import (  # noqa: E402
    LabelledQuery,
    evaluate,
    load_queries,
    unknown_answers,
)
from console.services.knowledge.search import SearchIndex  # noqa: E402
from console.services.knowledge.seed import ArticleRecord, Seed, load_seed  # noqa: E402

SEED = REPO / "knowledge_seed"
QUERIES = REPO / "tests" / "data" / "kb_queries"
MESSAGES = REPO.parent / "shared" / "data" / "messages" / "messages_with_votes.csv"

PLACES = (
    "长沙市",
    "株洲市",
    "湘潭市",
    "衡阳市",
    "邵阳市",
    "岳阳市",
    "常德市",
    "张家界市",
    "益阳市",
    "郴州市",
    "永州市",
    "怀化市",
    "娄底市",
    "湘西州",
    "浏阳市",
    "宁乡市",
    "长沙县",
    "醴陵市",
    "湘乡市",
    "韶山市",
    "耒阳市",
    "常宁市",
    "衡东县",
    "祁东县",
    "武冈市",
    "邵东市",
    "新化县",
    "汨罗市",
    "临湘市",
    "华容县",
    "平江县",
    "津市市",
    "澧县",
    "桃源县",
    "慈利县",
    "桑植县",
    "沅江市",
    "安化县",
    "桃江县",
    "资兴市",
    "宜章县",
    "桂阳县",
    "祁阳市",
    "道县",
    "江华县",
    "洪江市",
    "沅陵县",
    "溆浦县",
    "冷水江市",
    "涟源市",
    "双峰县",
    "吉首市",
    "凤凰县",
    "龙山县",
    "雨花区",
    "岳麓区",
    "开福区",
    "天心区",
    "芙蓉区",
    "望城区",
    "天元区",
    "岳塘区",
    "蒸湘区",
    "北塔区",
)
QUESTION_FORMS = (
    "{place}{q}",
    "在{place}，{q}",
    "{q}（{place}）",
    "我在{place}，{q}",
    "{place}这边{q}",
)
CLOSINGS = (
    "{place}的具体办理地点、时间和材料以当地{unit}窗口公布为准。",
    "在{place}办理的，可以先拨打当地咨询电话确认所需材料。",
    "{place}有本地细则的，按{place}的规定执行。",
)
SPEED_BAR_MS = 10.0
"""design.md: search itself ≤ 10 ms p95 (judged on CPU time; a busy machine adds waiting)."""
RECALL_BAR = 0.9
"""recall@5 over the labelled queries (judged when there are at least 50)."""
LIKE_SQL = "SELECT id, question FROM kb WHERE question LIKE ? ESCAPE '\\' OR answer LIKE ? ESCAPE '\\' LIMIT 10"
_SENTENCE = re.compile(r"(?<=[。！？；])")


# ---------------------------------------------------------------------- corpus


def synthetic_articles(seed: Seed, count: int, rng: random.Random) -> list[ArticleRecord]:
    """``count`` articles: the seed as it is, then per-place recombined variants."""
    base = list(seed.articles)
    if not base:
        raise SystemExit("knowledge_seed/articles 中没有条目，无法生成测试数据")
    by_unit: dict[str, list[ArticleRecord]] = defaultdict(list)
    for article in base:
        by_unit[article.unit_id].append(article)
    unit_names = {u.id: u.name for u in seed.units}
    out: list[ArticleRecord] = list(base[:count])
    n = len(out)
    while n < count:
        article = base[n % len(base)]
        variant = n // len(base)
        place = PLACES[variant % len(PLACES)]
        form = QUESTION_FORMS[(variant // len(PLACES) + n) % len(QUESTION_FORMS)]
        question = form.format(place=place, q=article.question)
        alts = list(article.alt_questions)
        if alts:
            shift = variant % len(alts)
            alts = alts[shift:] + alts[:shift]
            alts[0] = f"{place}{alts[0]}"
        sentences = [s for s in _SENTENCE.split(article.answer.strip()) if s.strip()]
        if len(sentences) > 2:
            sentences.pop(rng.randrange(len(sentences)))
        rng.shuffle(sentences)
        neighbours = by_unit[article.unit_id]
        other = neighbours[rng.randrange(len(neighbours))]
        borrowed = [s for s in _SENTENCE.split(other.answer.strip()) if s.strip()]
        if borrowed and other.id != article.id:
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(borrowed))
        closing = CLOSINGS[variant % len(CLOSINGS)].format(
            place=place, unit=unit_names.get(article.unit_id, "主管部门")
        )
        answer = "".join(s.strip() for s in sentences) + closing
        out.append(
            dataclasses.replace(
                article,
                id=f"{article.id}-v{variant:03d}",
                question=question,
                alt_questions=tuple(alts),
                answer=answer,
                tags=(*article.tags, place),
            )
        )
        n += 1
    return out


def sqlite_table(articles: Sequence[ArticleRecord]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE kb (id TEXT PRIMARY KEY, unit_id TEXT, question TEXT, answer TEXT)")
    conn.executemany(
        "INSERT INTO kb VALUES (?, ?, ?, ?)",
        ((a.id, a.unit_id, a.question, a.answer) for a in articles),
    )
    conn.commit()
    return conn


def like_search(conn: sqlite3.Connection) -> Callable[[str], list[str]]:
    def search(text: str) -> list[str]:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return [row[0] for row in conn.execute(LIKE_SQL, (pattern, pattern))]

    return search


# ---------------------------------------------------------------------- queries


def typing_queries(texts: Sequence[str], limit_chars: int = 40) -> list[str]:
    """Every prefix of each text, as the search box sees them keystroke by keystroke."""
    out: list[str] = []
    for text in texts:
        text = text.strip()[:limit_chars]
        out.extend(text[:i] for i in range(1, len(text) + 1))
    return out


def speech_queries(limit: int, rng: random.Random) -> list[str]:
    """The first 80 characters of real citizen messages (never printed); [] if absent."""
    if not MESSAGES.exists():
        return []
    with MESSAGES.open(encoding="utf-8-sig", newline="") as fh:
        bodies = [row.get("留言详情", "") for row in csv.DictReader(fh)]
    bodies = [" ".join(b.split())[:80] for b in bodies if len(b.strip()) >= 20]
    rng.shuffle(bodies)
    return bodies[:limit]


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(
    fn: Callable[[str], Any], queries: Sequence[str], cpu: list[float] | None = None
) -> list[float]:
    """Wall-clock milliseconds per query (and, into ``cpu``, this thread's CPU time)."""
    times: list[float] = []
    for q in queries:
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn(q)
        times.append((time.perf_counter() - start) * 1000.0)
        if cpu is not None:
            cpu.append((time.thread_time() - start_cpu) * 1000.0)
    return times


def rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------------- run


def relevance(seed: Seed, queries: list[LabelledQuery]) -> dict[str, Any]:
    index = SearchIndex(seed.articles, seed.synonyms)
    report = evaluate(lambda q: [h.article_id for h in index.search(q, limit=10)], queries)
    conn = sqlite_table(seed.articles)
    like = evaluate(like_search(conn), queries)
    conn.close()
    return {
        "queries": report.queries,
        "recall_at_1": round(report.recall_at_1, 4),
        "recall_at_5": round(report.recall_at_5, 4),
        "mrr": round(report.mrr, 4),
        "like_recall_at_1": round(like.recall_at_1, 4),
        "like_recall_at_5": round(like.recall_at_5, 4),
        "like_mrr": round(like.mrr, 4),
        "misses": [
            {
                "source": m.query.source,
                "text": m.query.text,
                "answers": list(m.query.answers),
                "rank": m.rank,
                "got": list(m.got),
            }
            for m in report.misses
        ],
        "stale_labels": unknown_answers(queries, (a.id for a in seed.articles)),
    }


def run(articles: int = 50000, typing_limit: int = 500, speech_limit: int = 100) -> dict[str, Any]:
    """Build, time and evaluate; returns the figures (milliseconds, MB, ratios)."""
    rng = random.Random(12345)
    seed = load_seed(SEED)
    labelled = load_queries(QUERIES)
    corpus = synthetic_articles(seed, articles, rng)

    gc.collect()
    before = rss_mb()
    start, start_cpu = time.perf_counter(), time.process_time()
    index = SearchIndex(corpus, seed.synonyms)
    build_s = time.perf_counter() - start
    build_cpu_s = time.process_time() - start_cpu
    gc.collect()
    rss_growth = rss_mb() - before
    stats = index.stats()

    conn = sqlite_table(corpus)
    label_texts = [q.text for q in labelled]
    sample = rng.sample(list(seed.articles), min(40, len(seed.articles)))
    typing = typing_queries(label_texts + [a.question for a in sample])
    if len(typing) > typing_limit:
        typing = rng.sample(typing, typing_limit)
    speech = speech_queries(speech_limit, rng)
    queries = typing + speech

    search = lambda q: index.search(q, limit=10)  # noqa: E731
    like = like_search(conn)
    for q in queries[:50]:  # warm caches (zhconv tables, SQLite pages)
        search(q)
        like(q)
    ours_cpu: list[float] = []
    ours = timed(search, queries, ours_cpu)
    base = timed(like, queries)
    ours_speech = timed(search, speech) if speech else []

    edits = iter(
        dataclasses.replace(a, answer=a.answer + f"（第{i}次更新）")
        for i, a in enumerate(rng.sample(corpus, 300))
    )
    upserts = timed(lambda _: index.upsert(next(edits)), ["x"] * 300)
    after_edits = timed(search, queries[:200])
    start = time.perf_counter()
    index.compact()
    compact_ms = (time.perf_counter() - start) * 1000.0
    conn.close()

    figures: dict[str, Any] = {
        "articles": len(corpus),
        "queries": len(queries),
        "typing_queries": len(typing),
        "speech_queries": len(speech),
        "build_s": round(build_s, 2),
        "build_cpu_s": round(build_cpu_s, 2),
        "index_array_mb": round(stats.array_bytes / 2**20, 1),
        "rss_growth_mb": round(rss_growth, 1),
        "terms": stats.terms,
        "postings": stats.postings,
        "search_p50_ms": round(statistics.median(ours), 3),
        "search_p95_ms": round(percentile(ours, 95), 3),
        "search_max_ms": round(max(ours), 3),
        "search_cpu_p95_ms": round(percentile(ours_cpu, 95), 3),
        "load_average": round(os.getloadavg()[0], 2),
        "speech_p95_ms": round(percentile(ours_speech, 95), 3) if ours_speech else None,
        "like_p50_ms": round(statistics.median(base), 3),
        "like_p95_ms": round(percentile(base, 95), 3),
        "p50_ratio": round(statistics.median(base) / statistics.median(ours), 1),
        "p95_ratio": round(percentile(base, 95) / percentile(ours, 95), 1),
        "upsert_p50_ms": round(statistics.median(upserts), 3),
        "upsert_p95_ms": round(percentile(upserts, 95), 3),
        "search_p95_after_edits_ms": round(percentile(after_edits, 95), 3),
        "compact_ms": round(compact_ms, 1),
    }
    rel = relevance(seed, labelled)
    figures["relevance"] = rel
    figures["bar_cpu_p95_ms"] = SPEED_BAR_MS
    figures["bar_recall_at_5"] = RECALL_BAR
    figures["ok"] = figures["search_cpu_p95_ms"] <= SPEED_BAR_MS and (
        rel["queries"] < 50 or rel["recall_at_5"] >= RECALL_BAR
    )
    return figures


def _print(fig: dict[str, Any]) -> None:
    rel = fig["relevance"]
    print(
        f"知识库检索基准：{fig['articles']} 条条目，{fig['queries']} 次查询"
        f"（逐字输入 {fig['typing_queries']}，来电长句 {fig['speech_queries']}）"
    )
    print(
        f"  建索引 {fig['build_s']} s（CPU {fig['build_cpu_s']} s）；数组 {fig['index_array_mb']} MB；进程内存增长 {fig['rss_growth_mb']} MB；"
        f"{fig['terms']} 个词项，{fig['postings']} 条倒排"
    )
    print(
        f"  本检索   p50 {fig['search_p50_ms']} ms  p95 {fig['search_p95_ms']} ms  max {fig['search_max_ms']} ms"
        + (f"  （长句 p95 {fig['speech_p95_ms']} ms）" if fig["speech_p95_ms"] is not None else "")
    )
    print(f"  （CPU 时间 p95 {fig['search_cpu_p95_ms']} ms；测量时负载 {fig['load_average']}）")
    print(f"  LIKE     p50 {fig['like_p50_ms']} ms  p95 {fig['like_p95_ms']} ms")
    print(f"  倍数     p50 ×{fig['p50_ratio']}  p95 ×{fig['p95_ratio']}")
    print(
        f"  编辑一条 p50 {fig['upsert_p50_ms']} ms、p95 {fig['upsert_p95_ms']} ms；300 次编辑后检索 p95 {fig['search_p95_after_edits_ms']} ms；全量合并 {fig['compact_ms']} ms"
    )
    print(f"相关性（真实种子，{rel['queries']} 条标注查询）")
    print(
        f"  本检索 recall@1 {rel['recall_at_1']}  recall@5 {rel['recall_at_5']}  MRR {rel['mrr']}"
    )
    print(
        f"  LIKE   recall@1 {rel['like_recall_at_1']}  recall@5 {rel['like_recall_at_5']}  MRR {rel['like_mrr']}"
    )
    for line in rel["stale_labels"]:
        print(f"  标注问题：{line}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="知识库检索基准（速度与相关性）")
    parser.add_argument("--articles", type=int, default=50000, help="合成条目数（默认 50000）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.add_argument("--misses", action="store_true", help="列出未排第一的标注查询")
    args = parser.parse_args(argv)
    fig = run(args.articles)
    if args.json:
        print(json.dumps(fig, ensure_ascii=False, indent=2))
    else:
        _print(fig)
        if args.misses:
            for m in fig["relevance"]["misses"]:
                print(
                    f"  {m['source']} rank={m['rank']} {m['text']} → 应为 {m['answers']} 得到 {m['got']}"
                )
    if not fig["ok"]:
        print(
            f"FAIL: 检索 CPU p95 应 ≤ {SPEED_BAR_MS} ms，recall@5 应 ≥ {RECALL_BAR}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
