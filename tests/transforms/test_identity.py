"""Document identity: one id for one article wherever it is seen, never one id for two articles."""

import datetime as dt

from zhnews.transforms.normalize.dates import BEIJING
from zhnews.transforms.normalize.identity import document_id

PUBLISHED = dt.datetime(2019, 9, 7, 13, 43, 45, tzinfo=BEIJING)
NAVIGATION = "网易首页\n新闻\n体育\n财经\n\n"  # a page's first lines: the fallback layout takes the first as title
RAIN = "杭州今天下雨，气温骤降到五度，市民出门需要添衣。\n气象台预计周末天气转晴。\n"
FOOTBALL = "国足昨晚在主场一比零战胜对手，终结了三连败。\n主教练赛后表示球队会继续努力。\n"


def test_a_titled_dated_article_is_one_document_whatever_its_snippet():
    assert document_id("龙湖暗伤", "红周刊", PUBLISHED, "搜索词甲的摘要") == document_id(
        "龙湖暗伤", "红周刊", PUBLISHED, "搜索词乙的摘要"
    )


def test_the_same_title_without_a_date_does_not_join_two_different_texts():
    assert document_id("网易首页", None, None, RAIN) != document_id("网易首页", None, None, FOOTBALL)
    assert document_id("网易首页", None, None, RAIN) == document_id("网易首页", None, None, RAIN)


def test_a_guessed_title_does_not_join_two_texts_even_with_one_date():
    assert document_id("网易首页", None, PUBLISHED, RAIN, title_read=False) != document_id(
        "网易首页", None, PUBLISHED, FOOTBALL, title_read=False
    )


def test_ids_of_titled_dated_articles_are_unchanged():
    """The warehouse already holds these ids: the key (title, outlet, time) is as it was."""
    assert document_id("标题", "新华社", PUBLISHED, "正文") == "46dea3e48ea60e9f"


def test_two_unrelated_pages_with_the_same_first_line_and_no_date_are_two_documents(processor):
    rain, football = (processor.process(NAVIGATION + text).documents for text in (RAIN, FOOTBALL))
    assert rain[0].title == football[0].title == "网易首页"
    assert rain[0].published_at is None and football[0].published_at is None
    assert rain[0].doc_id != football[0].doc_id
    assert processor.process(NAVIGATION + RAIN).documents[0].doc_id == rain[0].doc_id
