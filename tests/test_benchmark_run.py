"""benchmarks.run: ingest compared per character of the same text, the model as the limit."""

from __future__ import annotations

import copy

from benchmarks.run import _corpus_chars, _model_alone, _our_chunk_texts, _table

OLD_SHAPE = {  # a size as results.json held it before characters were counted
    "chunks": 1000,
    "ingest_chunks_per_s": 90.0,
    "embed_chunks_per_s": 99.0,
    "store_s": 1.0,
    "reingest_unchanged_s": 0.1,
    "add_one_article_s": 0.3,
    "search_p50_ms": 30.0,
    "search_p95_ms": 31.0,
    "ask_p50_ms": 200.0,
    "ask_p95_ms": 210.0,
    "cli_ask_median_s": 2.0,
    "store_mb": 5.0,
    "peak_mb": 500.0,
    "baseline": {"chunks": 420, "ingest_chunks_per_s": 35.0, "search_p50_ms": 6.0},
    "ratio_ingest": 2.57,
    "ratio_search_p50": 5.0,
    "ratio_store": 1.8,
}


def _new_shape() -> dict:
    r = copy.deepcopy(OLD_SHAPE)
    r.update(
        characters=270_000,
        ingest_chars_per_s=24_000.0,
        ratio_ingest_chars=1.12,
        share_of_model=0.93,
        model_alone={"chars_per_s": 25_800.0, "tokens_per_s": 5_900.0},
    )
    r["baseline"].update(ingest_chars_per_s=21_400.0, model_alone={"chars_per_s": 24_000.0})
    return r


def test_the_table_compares_characters_per_second_and_shows_both_chunk_counts():
    table = _table({"sizes": {"1000": _new_shape()}, "cli_startup_s": 0.1})
    rows = {line.split(" | ")[0].strip("| "): line for line in table.splitlines()}
    assert "1,000 / 420" in rows["chunks, ours / baseline"]
    assert "24,000" in rows["ingest chars/s, ours"] and "21,400" in rows["ingest chars/s, baseline"]
    assert "1.12" in rows["ingest chars/s ratio (ours/baseline)"]
    assert "25,800" in rows["model alone on our chunks: chars/s"]
    # The chunks/s ratio of different-sized chunks is no longer shown as a speed ratio.
    assert "ingest ratio (ours/baseline)" not in rows and "2.57" not in table


def test_results_written_before_characters_were_counted_still_print():
    table = _table({"sizes": {"10000": OLD_SHAPE}, "cli_startup_s": 0.1})
    assert "| ingest chars/s, ours | n/a |" in table
    assert "| chunks, ours / baseline | 1,000 / 420 |" in table


def test_the_model_alone_embeds_each_text_once_and_counts_its_tokens(tmp_path):
    from assistant.index.embeddings import MiniLMEncoder

    (tmp_path / "a.txt").write_text(
        "Brimfield Council voted to close the ferry.\n\nThe vote was seven to two.\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text("Ferry users said the crossing saves an hour.\n", "utf-8")
    texts = _our_chunk_texts(tmp_path)
    assert 0 < sum(map(len, texts)) <= _corpus_chars(tmp_path)

    calls: list[int] = []

    class Counting(MiniLMEncoder):
        def embed_array(self, batch):
            calls.append(len(batch))
            return super().embed_array(batch)

    got = _model_alone(Counting(), texts)
    assert sum(calls) == got["texts"] == len(texts)
    assert got["characters"] == sum(map(len, texts))
    assert got["tokens"] >= got["characters"] / 10 + 2 * len(texts)  # with [CLS] and [SEP]
    assert got["chars_per_s"] > 0 and got["tokens_per_s"] > 0


def test_the_model_alone_limit_on_a_sample_keeps_the_spread_of_lengths():
    from assistant.index.embeddings import MiniLMEncoder

    texts = [("word " * n).strip() for n in range(1, 101)]
    seen: list[str] = []

    class Recording(MiniLMEncoder):
        def embed_array(self, batch):
            seen.extend(batch)
            return super().embed_array(batch)

    got = _model_alone(Recording(), texts, most=10)
    assert got["texts"] == len(seen) <= 10 and got["of_texts"] == len(texts)
    assert min(map(len, seen)) == min(map(len, texts))  # the shortest and ...
    assert max(map(len, seen)) >= 0.9 * max(map(len, texts))  # ... near the longest


def test_search_benchmark_runs_on_a_folder_of_articles_and_a_question_file(tmp_path):
    import json

    from benchmarks import search

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(
        "Rescuers said 14 people were hurt when a ferry ran aground near Tromsø.\n", "utf-8"
    )
    (articles / "b.txt").write_text(
        "The coastguard put the number of injured at 11 after the ferry grounding.\n", "utf-8"
    )
    questions = tmp_path / "questions.txt"
    questions.write_text(
        "How many were hurt on the ferry?\n\nHow many were hurt on the ferry?\nWho ran aground?\n",
        "utf-8",
    )
    assert search.read_questions(questions, 5) == [
        "How many were hurt on the ferry?",
        "Who ran aground?",
    ]
    out = tmp_path / "results.json"
    args = ["--corpus", str(articles), "--questions", str(questions), "--rounds", "1"]
    assert search.main([*args, "--stores", str(tmp_path / "stores"), "--out", str(out)]) == 0
    (row,) = json.loads(out.read_text("utf-8"))["sizes"]
    assert row["corpus"] == str(articles) and row["size"] == row["chunks"] >= 2
    assert row["queries"] == 2 and row["ours_p50_ms"] > 0 and row["dense_p50_ms"] > 0

    dumped = tmp_path / "ranked.json"
    assert search.main([*args, "--stores", str(tmp_path / "stores"), "--dump", str(dumped)]) == 0
    (ranked,) = json.loads(dumped.read_text("utf-8")).values()
    assert [r["query"] for r in ranked] == ["How many were hurt on the ferry?", "Who ran aground?"]
    assert all(r["hits"] for r in ranked)
