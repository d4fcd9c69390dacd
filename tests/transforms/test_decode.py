"""Decoding: every dump becomes text with `\n` line ends, or a reason why it cannot."""

import codecs

import pytest

from transforms.decode import UndecodableInput, decode_dump

TEXT = "日本首相高市早苗1月2日与美国总统特朗普举行电话。\r\n中方对此有何评论？\r\n" * 20


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16"),
        (TEXT.encode("gb18030"), "gb18030"),
    ],
)
def test_decodes_common_encodings_and_normalizes_line_ends(data, encoding):
    decoded = decode_dump(data)
    assert decoded.encoding == encoding
    assert decoded.text == TEXT.replace("\r\n", "\n")


def test_gbk_family_is_decoded_as_its_superset_gb18030():
    data = ("国家统计局发布数据显示，今年前三季度国内生产总值同比增长。" * 30).encode("gbk")
    assert decode_dump(data).encoding == "gb18030"


def test_big5_traditional_text_is_decoded():
    text = "聯合新聞網報導，台北市長表示今年預算將增加，市議會將審查。\n" * 20
    decoded = decode_dump(text.encode("big5"))
    assert decoded.text == text
    assert decoded.encoding.startswith("big5")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\n", "blank file (whitespace only)"),
        (b"PK\x03\x04" + b"\x00" * 100, "binary content (zip signature)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary content (png signature)"),
    ],
)
def test_refuses_what_is_not_text_with_a_reason(data, reason):
    with pytest.raises(UndecodableInput) as info:
        decode_dump(data)
    assert info.value.reason == reason


def test_random_bytes_are_not_guessed():
    with pytest.raises(UndecodableInput, match="undecodable bytes at offset"):
        decode_dump(bytes(range(128, 256)) * 40)
