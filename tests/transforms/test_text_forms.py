"""Display form of text: NFC with fullwidth ASCII folded and odd spaces made plain."""

from zhnews.transforms.normalize.text import nfc


def test_nfc_folds_fullwidth_letters_digits_and_odd_spaces():
    assert nfc("ＡＢｃ１２\u00a0新华社\u2003报道\u200b\ufeff") == "ABc12 新华社 报道"


def test_nfc_leaves_text_without_anything_to_fold_as_it_is():
    text = "日美同盟，“关注”（全文）：2025年12月2日 21:32"
    assert nfc(text) == text


def test_nfc_composes_decomposed_characters():
    assert nfc("e\u0301") == "\u00e9"
