"""Profiles are checked strictly and first, on every run: each fault is one line naming the file and the key."""

import pytest
from zhnews.transforms.profiles import ProfileError

from tests.conftest import run_cli

PAGE = "快讯网首页\n河口新区首座海上风电场全容量并网\n2025-11-05 08:30 来源：河口日报\n海上风电场今天全部机组并网发电，年发电量预计可达十二亿千瓦时。\n"

# (profile text, the fault it is refused with, after "error: FILE: ")
BAD_PROFILES = [
    ("[detect]\nline = ['^快讯网首页$']\n", "[detect] line: unknown key (known here: lines)"),
    (
        "[fields]\ndatelines = ['(?P<published>.+)']\n",
        "[fields] datelines: unknown key (known here: account_before, dateline, masthead, places, site_credit, source)",
    ),
    ("[footer]\nmarker = ['猜你想看']\n", "[footer] marker: unknown key (known here: markers)"),
    (
        "[detect]\nlines = '^x$'\n",
        "[detect] lines: must be a list of patterns (strings), not a string; write lines = ['^x$']",
    ),
    (
        "[remove]\nrule = 'promo'\npattern = '^☆.*☆$'\n",
        "[remove]: must be an array of tables: write [[remove]] (double brackets) above each one",
    ),
    (
        "[[remove]]\nrule = 'promo'\npattern = '(unclosed'\n",
        "[[remove]] #1 pattern: bad pattern '(unclosed' (missing ), unterminated subpattern at position 0)",
    ),
    ("[[remove]]\nrule = 'promo'\n", "[[remove]] #1: missing key pattern"),
    (
        "[fields]\ndateline = ['^(?P<outlet>.+)$']\n",
        "[fields] dateline item 1: pattern '^(?P<outlet>.+)$' lacks a (?P<published>...) group"
        " (or the (?P<y>...) (?P<m>...) (?P<d>...) groups of a date format of its own)",
    ),
    ("[detect]\nlines = [1]\n", "[detect] lines item 1: must be a pattern (a string), not a number"),
    ("always = 'yes'\n", "always: must be true or false, not a string"),
    ("[outlets]\n'Hekou Daily' = 1\n", "[outlets] Hekou Daily: must be a string, not a number"),
    (
        "[feilds]\nsource = '河口日报'\n",
        "[feilds]: unknown key (known here: always, content, credits, description, detect, fields, footer, header,"
        " listing, name, outlets, remove)",
    ),
    (
        "[detect\nlines = []\n",
        "not valid TOML (Expected ']' at the end of a table declaration (at line 2, column 8))",
    ),
]


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "page.txt").write_text(PAGE, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("text", "fault"), BAD_PROFILES)
def test_ingest_refuses_a_faulty_profile_with_one_line_naming_the_file_and_the_key(tmp_path, inbox, text, fault):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "kuaixun.toml").write_text("name = 'kuaixun'\n" + text, encoding="utf-8")
    data = tmp_path / "data"
    proc = run_cli("ingest", inbox, "--profiles", profiles, "--data-dir", data, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [f"error: {profiles / 'kuaixun.toml'}: {fault}"]
    assert not data.exists()  # refused before the run started: no data dir, no file read


def test_every_fault_of_every_file_is_listed_one_per_line(tmp_path, inbox):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "a.toml").write_text("[detect]\nline = ['x']\n[footer]\nmarker = ['y']\n", encoding="utf-8")
    (profiles / "b.toml").write_text("[remove]\nrule = 'r'\npattern = 'p'\n", encoding="utf-8")
    proc = run_cli("ingest", inbox, "--profiles", profiles, "--data-dir", tmp_path / "data", timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"error: {profiles / 'a.toml'}: [detect] line: unknown key (known here: lines)",
        f"error: {profiles / 'a.toml'}: [footer] marker: unknown key (known here: markers)",
        f"error: {profiles / 'b.toml'}: [remove]: must be an array of tables: write [[remove]] (double brackets)"
        " above each one",
    ]


def test_a_missing_profiles_folder_or_a_file_given_as_the_folder_is_named_precisely(tmp_path, inbox):
    missing = tmp_path / "no-such-folder"
    proc = run_cli("ingest", inbox, "--profiles", missing, "--data-dir", tmp_path / "data", timeout=120)
    assert (proc.returncode, proc.stderr.splitlines()) == (2, [f"error: --profiles folder {missing} does not exist"])

    profile = tmp_path / "some.toml"
    profile.write_text("name = 'some'\n", encoding="utf-8")
    proc = run_cli("ingest", inbox, "--profiles", profile, "--data-dir", tmp_path / "data", timeout=120)
    assert (proc.returncode, proc.stderr.splitlines()) == (
        2,
        [
            f"error: --profiles takes a folder of profiles, and {profile} is a file: put it in a folder and pass"
            f" the folder (the one that holds it is {tmp_path})"
        ],
    )


def test_an_all_unchanged_rerun_checks_the_profiles_too(ingest, tmp_path, inbox):
    """The flow itself checks them first (scheduled runs start it without the CLI), even when no file changed."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "kuaixun.toml").write_text("name = 'kuaixun'\n[detect]\nlines = ['^快讯网首页$']\n", encoding="utf-8")
    assert ingest([inbox], tmp_path / "data", profile_dirs=[str(good)]).files_loaded == 1
    assert ingest([inbox], tmp_path / "data", profile_dirs=[str(good)]).files_unchanged == 1

    (good / "kuaixun.toml").write_text("name = 'kuaixun'\n[detect]\nlines = '^快讯网首页$'\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"kuaixun\.toml: \[detect\] lines: must be a list of patterns"):
        ingest([inbox], tmp_path / "data", profile_dirs=[str(good)])
    proc = run_cli("ingest", inbox, "--profiles", good, "--data-dir", tmp_path / "data", timeout=120)
    assert proc.returncode == 2 and "[detect] lines: must be a list of patterns" in proc.stderr
