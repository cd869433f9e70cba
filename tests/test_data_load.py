"""Loaders: types, finding the data from anywhere, and clear errors for broken files."""

from __future__ import annotations

import shutil
import time

import pandas as pd
import pytest

import sociallearning.data as data
from sociallearning.data import DataError, load, load_records
from sociallearning.data.load import REPO_DATA

REGENERATE = "python -m sociallearning.data generate"


def test_constants_are_exported():
    assert data.REFERENCE_NOW == pd.Timestamp("2026-03-06T12:00:00Z")
    assert data.REFERENCE_NOW.tz is not None
    assert data.SEED_LEADERS == ("ava_learnwell", "ben_worksout", "chen_pkm")
    assert data.CHAT_HASHTAG == "#ldchat"
    assert set(data.datasets()) == set(data.DATASETS)
    assert all(isinstance(d, str) and d for d in data.datasets().values())


def test_every_dataset_loads_quickly_with_declared_types():
    data.clear_cache()
    started = time.perf_counter()
    frames = {name: load(name) for name in data.datasets()}
    assert time.perf_counter() - started < 3.0  # ~0.2 s on a quiet machine
    for name, frame in frames.items():
        spec = data.DATASETS[name]
        assert list(frame.columns)[: len(spec.columns)] == list(spec.columns)
        for column, kind in spec.columns.items():
            dtype = frame[column].dtype
            base = kind.rstrip("?")
            if base in ("timestamp", "date"):
                assert isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "UTC"
            elif base in ("id", "str"):
                assert isinstance(dtype, pd.StringDtype), (name, column)
            elif base == "category":
                assert isinstance(dtype, pd.CategoricalDtype), (name, column)
            elif base == "bool":
                assert dtype == "bool", (name, column)
            elif base == "int":
                assert dtype == "int64", (name, column)
            elif base == "float":
                assert dtype == "float64", (name, column)


def test_categoricals_and_ordered_stance():
    sponsors = load("sponsors")
    assert sponsors["stance"].cat.ordered
    assert list(sponsors["stance"].cat.categories) == ["skeptical", "neutral", "supportive",
                                                       "champion"]
    assert set(load("posts")["kind"].cat.categories) == {"post", "reply"}


def test_x_users_flattened_and_records_in_api_shape():
    users = load("x_users")
    assert {"followers_count", "following_count", "tweet_count", "listed_count"} <= set(users)
    records = load_records("x_users")
    assert len(records) == len(users)
    first = records[0]
    assert {"id", "username", "name", "public_metrics"} <= set(first)
    assert isinstance(first["public_metrics"]["followers_count"], int)
    records[0]["username"] = "changed"  # callers get their own copy
    assert load_records("x_users")[0]["username"] != "changed"
    tweet = load_records("x_tweets")[0]
    assert {"id", "text", "author_id", "created_at", "edit_history_tweet_ids"} <= set(tweet)
    with pytest.raises(DataError, match="CSV dataset"):
        load_records("posts")


def test_loaded_frames_are_copies():
    first = load("communities")
    first.loc[0, "name"] = "changed"
    assert load("communities").loc[0, "name"] != "changed"


def test_loads_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOCIALLEARNING_DATA", raising=False)
    assert len(load("sponsors")) > 0


def test_environment_variable_points_to_another_copy(tmp_path, monkeypatch):
    copy = tmp_path / "elsewhere"
    shutil.copytree(REPO_DATA, copy)
    monkeypatch.setenv("SOCIALLEARNING_DATA", str(copy))
    assert data.data_path() == copy
    monkeypatch.setenv("SOCIALLEARNING_DATA", str(tmp_path / "missing"))
    with pytest.raises(DataError, match="SOCIALLEARNING_DATA"):
        load("posts")


def test_unknown_dataset_lists_the_names():
    with pytest.raises(DataError, match="org_before"):
        load("postz")


# --- malformed copies --------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path):
    """A private copy of data/ to damage; returns a function that edits one line of a file."""
    folder = tmp_path / "data"
    shutil.copytree(REPO_DATA, folder)

    def edit(file: str, line: int, change) -> None:
        path = folder / file
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[line - 1] = change(lines[line - 1])
        path.write_text("\n".join(lines), encoding="utf-8")

    edit.folder = folder
    return edit


def set_field(index: int, value: str):
    def change(line: str) -> str:
        fields = line.split(",")
        fields[index] = value
        return ",".join(fields)

    return change


def expect_error(folder, name: str, *, file: str, line: int | None, column: str | None,
                 fix: str = REGENERATE) -> str:
    with pytest.raises(DataError) as caught:
        load(name, data_dir=folder)
    message = str(caught.value)
    assert file in message
    if line is not None:
        assert f"line {line}" in message
    if column is not None:
        assert f"'{column}'" in message
    assert "Fix:" in message and fix in message
    return message


def test_missing_column(broken):
    broken("posts.csv", 1, lambda header: header.replace("words", "word_count"))
    expect_error(broken.folder, "posts", file="posts.csv", line=1, column="words")


def test_bad_timestamp(broken):
    broken("posts.csv", 6, set_field(3, "2025-13-45 25:00"))
    message = expect_error(broken.folder, "posts", file="posts.csv", line=6, column="created_at")
    assert "fix the value" in message and "2025-13-45 25:00" in message


def test_bad_date(broken):
    broken("sponsors.csv", 3, set_field(6, "last tuesday"))
    expect_error(broken.folder, "sponsors", file="sponsors.csv", line=3,
                 column="last_touchpoint")


def test_bad_number(broken):
    broken("posts.csv", 10, set_field(7, "many"))
    expect_error(broken.folder, "posts", file="posts.csv", line=10, column="words")


def test_bad_category(broken):
    broken("sponsors.csv", 4, set_field(5, "lukewarm"))
    expect_error(broken.folder, "sponsors", file="sponsors.csv", line=4, column="stance")


def test_duplicate_id(broken):
    broken("communities.csv", 4, lambda line: line.replace("C03,", "C02,", 1))
    message = expect_error(broken.folder, "communities", file="communities.csv", line=4,
                           column="community_id")
    assert "duplicate" in message


@pytest.mark.parametrize(
    ("file", "name", "line", "index", "column"),
    [
        ("posts.csv", "posts", 8, 2, "author_id"),
        ("posts.csv", "posts", 9, 5, "parent_id"),
        ("org_after.csv", "org_after", 5, -5, "manager_id"),  # from the end: titles have commas
        ("sponsors.csv", "sponsors", 2, 0, "employee_id"),
        ("x_follows.csv", "x_follows", 7, 1, "target_id"),
    ],
)
def test_dangling_reference(broken, file, name, line, index, column):
    broken(file, line, set_field(index, "E99999" if file != "x_follows.csv" else "12345"))
    message = expect_error(broken.folder, name, file=file, line=line, column=column)
    assert "dangling reference" in message


def test_missing_file(broken):
    (broken.folder / "reactions.csv").unlink()
    message = expect_error(broken.folder, "reactions", file="reactions.csv", line=None,
                           column=None)
    assert str(broken.folder / "reactions.csv") in message


def test_bad_json_line(broken):
    broken("x_users.jsonl", 3, lambda line: line[:-5])
    expect_error(broken.folder, "x_users", file="x_users.jsonl", line=3, column="-")


def test_missing_json_field(broken):
    broken("x_tweets.jsonl", 2, lambda line: line.replace('"author_id"', '"writer_id"'))
    expect_error(broken.folder, "x_tweets", file="x_tweets.jsonl", line=2, column="author_id")


def test_optional_x_fields_load_as_missing_not_as_text():
    """An absent optional field is missing in the frame (pandas 2 would write "None")."""
    tweets, users = load("x_tweets"), load("x_users")
    no_reply_to = sum("in_reply_to_user_id" not in r for r in load_records("x_tweets"))
    no_location = sum("location" not in r for r in load_records("x_users"))
    assert no_reply_to > 0 and no_location > 0
    assert tweets["in_reply_to_user_id"].isna().sum() == no_reply_to
    assert users["location"].isna().sum() == no_location
    assert not tweets["in_reply_to_user_id"].isin(["None", "nan"]).any()
