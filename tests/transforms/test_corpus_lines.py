"""Corpus-level boilerplate: lines repeated across a site's dumps, and what can never count as one."""

from zhnews.transforms.corpus_lines import LineStats, dump_line_hashes, is_candidate, line_hash, normalize_line

QUOTE = "“芯片可以追赶，生态的建设需要时间。”一位国内芯片企业高管表示。"


def stats(site_files, lines):
    return LineStats({"s": site_files}, {("s", line_hash(t)): n for t, n in lines.items()})


def test_lines_compare_without_digits_spacing_or_punctuation():
    assert normalize_line("阅读 (2,417)") == normalize_line("阅读(18)") == "阅读0"
    assert line_hash("分享 收藏 点赞 在看") == line_hash("分享收藏点赞在看")


def test_only_short_lines_without_a_sentence_end_are_candidates():
    assert is_candidate("返回首页") and is_candidate("下载客户端 看更多精彩")
    assert not is_candidate(QUOTE) and not is_candidate("记者从农业农村部获悉。") and not is_candidate("   ")
    assert dump_line_hashes(["返回首页", QUOTE, "返回首页"]) == {line_hash("返回首页")}


def test_a_line_in_enough_files_and_a_large_enough_share_of_the_site_is_repeated():
    assert stats(10, {"返回首页": 9}).repeated("s") == {line_hash("返回首页")}
    assert stats(10, {"返回首页": 4}).repeated("s") == frozenset()  # fewer than 5 files
    assert stats(100, {"返回首页": 10}).repeated("s") == frozenset()  # 10% of the site
    assert stats(3, {"返回首页": 3}).repeated("s") == frozenset()  # too few files to tell
    assert stats(10, {"返回首页": 9}).repeated("other") == frozenset()  # counts are per site


def test_corpus_repeat_removes_the_repeated_line_and_never_a_shared_quote(processor):
    # the repeated lines stand inside the article text, where only the corpus counts can tell them
    page = "标题一则\n2025-12-01 10:00\n{quote}\n正文里的一句话，说明了事情的经过。\n返回首页\n更多内容\n正文的第二段话比第一段长得多，说明了事情的结果，也说明了各方对此的看法和下一步的打算。"
    text = page.format(quote=QUOTE)
    counts = {"返回首页": 9, "更多内容": 9, QUOTE: 9}
    extract = processor.process(
        text, line_stats=LineStats({"*": 10}, {("*", line_hash(t)): n for t, n in counts.items()})
    )
    (doc,) = extract.documents
    assert QUOTE in doc.body
    rules = {r.text: r.rule for r in extract.removed}
    assert rules["返回首页"] == "corpus_repeat" and rules["更多内容"] == "corpus_repeat"
