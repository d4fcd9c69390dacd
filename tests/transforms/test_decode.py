"""Decoding: every dump becomes text with `\n` line ends, or a reason why it cannot."""

import codecs
import re

import pytest
from zhnews.transforms.decode import UndecodableInput, decode_dump

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


NEWS = "新华社北京1月2日电 国务院总理今天主持召开国务院常务会议，部署下一步经济工作。\n"


def test_utf16_with_and_without_byte_order_mark_is_recorded_as_utf16():
    for data in (NEWS.encode("utf-16"), NEWS.encode("utf-16-be"), (NEWS * 10).encode("utf-16-le")):
        decoded = decode_dump(data)
        assert decoded.encoding == "utf-16"
        assert decoded.text.startswith("新华社") and decoded.text.endswith("部署下一步经济工作。\n")


def test_a_byte_order_mark_followed_by_garbage_is_refused_not_decoded():
    garbage = bytes(b if i % 2 == 0 or not 0xD8 <= b <= 0xDF else 0x41 for i, b in enumerate(bytes(range(256)) * 8))
    with pytest.raises(UndecodableInput, match=r"utf-16 byte order mark but is not utf-16 text"):
        decode_dump(codecs.BOM_UTF16_LE + garbage)
    with pytest.raises(UndecodableInput, match=r"undecodable bytes at offset 5 \(as utf-8, after a byte order mark\)"):
        decode_dump(codecs.BOM_UTF8 + b"ab\xff\xfe" + b"cd" * 10)


def test_offsets_of_undecodable_bytes_count_from_the_start_of_the_file():
    data = NEWS.encode("utf-16-le")
    with pytest.raises(UndecodableInput, match=f"undecodable bytes at offset {2 + len(data)} "):
        decode_dump(codecs.BOM_UTF16_LE + data + b"\x00\xdc" + data)


def test_text_full_of_control_characters_is_binary_even_when_it_is_valid_utf8():
    with pytest.raises(UndecodableInput, match=r"binary content \(decodes as UTF-8 but is full of control characters"):
        decode_dump(bytes(range(1, 32)) * 50)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_character_cut_off_by_the_end_of_the_file_is_dropped_with_a_note(encoding):
    data = (NEWS * 10).rstrip("\n").encode(encoding)[:-1]
    decoded = decode_dump(data)
    assert decoded.encoding == encoding
    assert decoded.text == (NEWS * 10).rstrip("\n")[:-1]
    assert re.match(
        r"incomplete character at the end of the file \(\d bytes, as (utf-8|gb18030)\) dropped", decoded.note
    )


def test_short_chinese_text_is_read_as_chinese_and_the_tie_break_is_noted():
    decoded = decode_dump("国家统计局发布数据".encode("gbk"))
    assert (decoded.text, decoded.encoding) == ("国家统计局发布数据", "gb18030")
    assert decoded.confidence < 0.5
    assert decoded.note.startswith("encoding guessed: gb18030 preferred to equally plausible")
    big5 = decode_dump("聯合新聞網報導".encode("big5"))
    assert (big5.text, big5.encoding) == ("聯合新聞網報導", "big5hkscs")


def test_clear_detections_carry_full_confidence_and_no_note():
    decoded = decode_dump((NEWS * 20).encode("gb18030"))
    assert (decoded.encoding, decoded.confidence, decoded.note) == ("gb18030", 1.0, None)
    assert decode_dump(NEWS.encode()).note is None


def test_crlf_and_lone_cr_line_ends_become_newlines():
    assert decode_dump("标题\r\n正文。\r第二行\n".encode()).text == "标题\n正文。\n第二行\n"


def test_a_gbk_file_whose_first_quarter_megabyte_is_ascii_is_still_detected():
    data = b"Search documents\n" * 20000 + (NEWS * 50).encode("gbk")
    decoded = decode_dump(data)
    assert decoded.encoding == "gb18030" and decoded.text.endswith(NEWS)
