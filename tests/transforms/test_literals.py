"""Required literals: a pattern whose literal parts are absent from a text cannot match any line of it."""

import random
import re

import pytest
from zhnews.transforms.literals import PatternFilter, longest_of, required_literals


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"网易新闻", ("网易新闻",)),
        (r"^\S{2,10}社出版$", ("社出版",)),
        (r"^(Search documents|搜索文档)$", ("Search documents", "搜索文档")),
        (r"^(?:原创)?\s*(?P<published>(?:19|20)\d{2}-\d{1,2})", ("19", "20")),
        (r"(?:ab)+c", ("ab",)),
        (r"(?>abc)d", ("abc",)),
        (r"^udn\.com$", ("udn.com",)),
    ],
)
def test_the_literal_part_every_match_must_contain_is_found(pattern, literals):
    assert required_literals(re.compile(pattern)) == literals


@pytest.mark.parametrize(
    "pattern",
    [
        r"^\d+$",  # no literal at all
        r"(?:abc)?\d",  # an optional part is not required
        r"abc|\d",  # a branch without a literal
        r"(?i)END",  # case-insensitive: `end` matches too
        r"(?i:end)",
        r"x*",
    ],
)
def test_patterns_without_a_required_literal_get_none(pattern):
    assert required_literals(re.compile(pattern)) is None


def test_only_patterns_whose_literals_occur_may_match():
    patterns = [re.compile(p) for p in (r"^网易号", r"新浪新闻", r"^\d{4}$", r"(?i)end")]
    possible = PatternFilter(patterns).possible("来自网易号的文章\n2025")
    assert possible == (0, 2, 3)  # 新浪新闻 is absent; the last two have no literal to rule them out


def test_a_literal_hidden_inside_another_occurrence_is_still_found():
    patterns = [re.compile(p) for p in ("澎湃新闻", "澎湃新闻报料", "新闻报", "bc", "abcd")]
    assert PatternFilter(patterns).possible("…澎湃新闻报料：xabcd") == (0, 1, 2, 3, 4)


def test_the_filter_never_rules_out_a_pattern_that_matches_a_line():
    rng = random.Random(7)
    sources = ["ab", "abc", "bca", r"^ab", r"c$", r"(ab|ca)b", r"a(?:bc)+", r"b{2}", r"(?:cab)?a"]
    patterns = [re.compile(p) for p in sources]
    scan = PatternFilter(patterns)
    for _ in range(3000):
        lines = ["".join(rng.choice("abc") for _ in range(rng.randint(0, 6))) for _ in range(3)]
        possible = scan.possible("\n".join(lines))
        for i, pattern in enumerate(patterns):
            if any(pattern.search(line) for line in lines):
                assert i in possible, (sources[i], lines)


def test_a_literal_trie_finds_what_their_alternation_longest_first_finds():
    literals = sorted(["19", "20", "2025年", "a.b", "a*", "ab", "abc", "点击", "点击查看"], key=len, reverse=True)
    alternation = re.compile("|".join(map(re.escape, literals)))
    assert longest_of(literals) == r"(?:19|20(?:25年)?|a(?:\*|\.b|b(?:c)?)|点击(?:查看)?)"
    for text in ["2025年1920", "abcab a.b a*", "点击查看更多 点击", "nothing here"]:
        assert re.findall(longest_of(literals), text) == alternation.findall(text)
