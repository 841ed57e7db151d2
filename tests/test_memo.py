"""The bounded per-word memo the word-classifying stages share."""
from rasd.text.memo import WordMemo, memo_of


def test_a_word_is_worked_out_once_and_the_memo_stays_bounded():
    seen = []
    memo = WordMemo(lambda w: seen.append(w) or len(w), limit=2)
    assert [memo["قتل"], memo["قتل"], memo["بغداد"]] == [3, 3, 5]
    assert seen == ["قتل", "بغداد"]
    memo["حلب"], memo["دمشق"]
    assert len(memo) <= 3  # cleared once past its limit, never unbounded


def test_another_source_starts_a_fresh_memo():
    held: list = []
    first = memo_of(held, "lexicon-a", len)
    assert memo_of(held, "lexicon-a", len) is first
    assert memo_of(held, "lexicon-b", len) is not first
