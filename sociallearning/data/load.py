"""Load the sample datasets as typed pandas DataFrames, checking them on the way in.

Any problem (missing file or column, bad value, duplicate id, dangling reference) raises
DataError naming the file, the line (header = line 1), the column and what to do.
Parsed frames are cached per file version (path, modification time, size).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .schema import (
    DATASETS,
    DATE_FORMAT,
    REGENERATE,
    TIMESTAMP_FORMAT,
    X_TIMESTAMP_FORMAT,
    DataError,
    Dataset,
)

ENV_VAR = "SOCIALLEARNING_DATA"
FIX_VALUE = f"fix the value in the file, or {REGENERATE}"
REPO_DATA = Path(__file__).resolve().parents[2] / "data"

_EXAMPLE_TIME = {
    DATE_FORMAT: "2026-03-06",
    TIMESTAMP_FORMAT: "2026-03-06T12:00:00Z",
    X_TIMESTAMP_FORMAT: "2026-03-06T12:00:00.000Z",
}

_cache: dict[tuple, tuple[pd.DataFrame, list[dict] | None]] = {}

# `load(name)` tags the frame it returns with the dataset's name (frame.attrs), so that
# `sociallearning.plaindata` can send an unchanged sample frame as a reference to it.
SAMPLE_TAG = "sample_dataset"


def datasets() -> dict[str, str]:
    """Dataset names with a one-line description each."""
    return {name: spec.description for name, spec in DATASETS.items()}


def data_path(data_dir: str | os.PathLike | None = None) -> Path:
    """The folder holding the data: data_dir, else $SOCIALLEARNING_DATA, else the repo's data/."""
    if data_dir is not None:
        path, origin = Path(data_dir), "the data_dir argument"
    elif os.environ.get(ENV_VAR):
        path, origin = Path(os.environ[ENV_VAR]), f"${ENV_VAR}"
    else:
        path, origin = REPO_DATA, "the repository"
    if not path.is_dir():
        raise DataError(
            f"Sample data folder not found: {path} (from {origin}). Fix: {REGENERATE} "
            f"--out {path}, or set {ENV_VAR} to the folder that holds the data.")
    return path


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """The dataset `name` as a typed DataFrame (see data/README.md for columns and types).

    From the usual data folder (no data_dir), the frame carries its dataset's name in
    `frame.attrs["sample_dataset"]`."""
    frame, _records = _load(name, data_path(data_dir))
    frame = frame.copy()
    if data_dir is None:
        frame.attrs[SAMPLE_TAG] = name
    return frame


def load_records(name: str, data_dir: str | os.PathLike | None = None) -> list[dict]:
    """The raw records of a JSONL dataset (X API v2 shape), e.g. load_records("x_tweets")."""
    spec = _spec(name)
    if not spec.is_jsonl:
        jsonl = ", ".join(n for n, s in DATASETS.items() if s.is_jsonl)
        raise DataError(f"'{name}' is a CSV dataset; use load('{name}'). Records exist for: "
                        f"{jsonl}.")
    _frame, records = _load(name, data_path(data_dir))
    return copy.deepcopy(records)


def clear_cache() -> None:
    _cache.clear()


# --- internals -------------------------------------------------------------------------------


def _spec(name: str) -> Dataset:
    if name not in DATASETS:
        raise DataError(f"Unknown dataset '{name}'. Choose one of: {', '.join(DATASETS)}.")
    return DATASETS[name]


def _stat(path: Path) -> tuple:
    try:
        info = path.stat()
    except FileNotFoundError:
        return (str(path), None)
    return (str(path), info.st_mtime_ns, info.st_size)


def _load(name: str, folder: Path) -> tuple[pd.DataFrame, list[dict] | None]:
    spec = _spec(name)
    path = folder / spec.file
    targets = sorted({t for ref in spec.refs for t in ref.targets if t != "self"})
    key = (name, _stat(path), *(_stat(folder / DATASETS[t].file) for t in targets))
    if key in _cache:
        return _cache[key]
    if not path.is_file():
        raise DataError(f"{spec.file}: file not found at {path}. Fix: {REGENERATE}"
                        + ("" if folder == REPO_DATA else f" --out {folder}") + ".")
    if spec.is_jsonl:
        frame, records = _read_jsonl(spec, path)
    else:
        frame, records = _read_csv(spec, path), None
    _check_keys(spec, path, frame)
    _check_refs(spec, path, frame, folder)
    _cache[key] = (frame, records)
    return frame, records


def _fail(path: Path, line: int, column: str, problem: str, fix: str = FIX_VALUE) -> DataError:
    return DataError(f"{path.name}, line {line}, column '{column}': {problem}. Fix: {fix}. "
                     f"(file: {path})")


def _first_row_line(spec: Dataset) -> int:
    """The file line of the frame's first row: CSV files have a header line, JSONL none."""
    return 1 if spec.is_jsonl else 2


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _read_csv(spec: Dataset, path: Path) -> pd.DataFrame:
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\r\n").split(",")
    for column in spec.columns:
        if column not in header:
            raise _fail(path, 1, column, "this column is missing from the header",
                        f"{REGENERATE} (expected columns: {', '.join(spec.columns)})")
    text_kinds = {"id", "str", "category", "timestamp", "date"}
    dtypes = {}
    for column, kind in spec.columns.items():
        base = kind.rstrip("?")
        if base in text_kinds:
            dtypes[column] = "str"
        else:
            dtypes[column] = {"int": "int64", "Int64": "Int64", "float": "float64",
                              "bool": "bool"}[base]
    options = {"keep_default_na": False, "na_values": {c: [""] for c in spec.columns}}
    try:
        frame = pd.read_csv(path, dtype=dtypes, **options)
    except (ValueError, TypeError):
        raw = pd.read_csv(path, dtype="str", **options)
        _explain_bad_numbers(spec, path, raw)
        raise  # pragma: no cover - _explain_bad_numbers always raises for bad numbers
    return _typed(spec, path, frame, line_offset=2)


def _explain_bad_numbers(spec: Dataset, path: Path, raw: pd.DataFrame) -> None:
    patterns = {"int": r"-?\d+", "Int64": r"-?\d+", "float": r"-?\d+(\.\d+)?([eE][-+]?\d+)?",
                "bool": r"(?i:true|false)"}
    for column, kind in spec.columns.items():
        base = kind.rstrip("?")
        if base not in patterns:
            continue
        values = raw[column]
        missing = values.isna().to_numpy()
        if base != "Int64" and missing.any():
            raise _fail(path, _first(missing) + 2, column, "the value is empty")
        bad = ~values.fillna("0").str.fullmatch(patterns[base]).to_numpy(dtype=bool)
        if bad.any():
            row = _first(bad)
            expected = "true or false" if base == "bool" else f"a number ({base})"
            raise _fail(path, row + 2, column, f"'{values.iloc[row]}' is not {expected}")


def _typed(spec: Dataset, path: Path, frame: pd.DataFrame, line_offset: int) -> pd.DataFrame:
    """Parse timestamps and categories, and check that required values are present."""
    for column, kind in spec.columns.items():
        base, optional = kind.rstrip("?"), kind.endswith("?")
        values = frame[column]
        if not optional and base != "list":
            missing = values.isna().to_numpy()
            if missing.any():
                raise _fail(path, _first(missing) + line_offset, column, "the value is empty")
        if base in ("timestamp", "date"):
            fmt = DATE_FORMAT if base == "date" else (
                X_TIMESTAMP_FORMAT if spec.is_jsonl else TIMESTAMP_FORMAT)
            # pandas' ISO-8601 parser is ~20x faster than strptime; the length check keeps
            # the format fixed (e.g. 2026-03-06T12:00:00Z is 20 characters)
            parsed = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
            wrong_length = values.str.len().to_numpy(dtype=float) != len(_EXAMPLE_TIME[fmt])
            bad = ((parsed.isna() & values.notna()).to_numpy()
                   | (wrong_length & values.notna().to_numpy()))
            if bad.any():
                row = _first(bad)
                raise _fail(path, row + line_offset, column,
                            f"'{values.iloc[row]}' is not a {base} like {_EXAMPLE_TIME[fmt]}")
            frame[column] = parsed
        elif base == "category":
            if column in spec.categories:
                dtype = pd.CategoricalDtype(list(spec.categories[column]),
                                            ordered=column in spec.ordered)
                bad = (values.notna() & ~values.isin(spec.categories[column])).to_numpy()
                if bad.any():
                    row = _first(bad)
                    raise _fail(path, row + line_offset, column,
                                f"'{values.iloc[row]}' is not one of "
                                f"{', '.join(spec.categories[column])}")
                frame[column] = values.astype(dtype)
            else:
                frame[column] = values.astype("category")
    return frame


def _check_keys(spec: Dataset, path: Path, frame: pd.DataFrame) -> None:
    if not spec.key:
        return
    duplicated = frame.duplicated(list(spec.key)).to_numpy()
    if duplicated.any():
        row = _first(duplicated)
        what = ", ".join(f"{c}={frame[c].iloc[row]}" for c in spec.key)
        raise _fail(path, row + _first_row_line(spec), "+".join(spec.key),
                    f"duplicate id ({what} appears earlier in the file)")


def _check_refs(spec: Dataset, path: Path, frame: pd.DataFrame, folder: Path) -> None:
    offset = _first_row_line(spec)
    for ref in spec.refs:
        known_parts = []
        for target in ref.targets:
            source = frame if target == "self" else _load(target, folder)[0]
            known_parts.append(source[ref.target_column].to_numpy(dtype=object))
        known = np.concatenate(known_parts)
        values = frame[ref.column]
        dangling = (values.notna() & ~values.isin(known)).to_numpy()
        if dangling.any():
            row = _first(dangling)
            where = " or ".join("this file" if t == "self" else DATASETS[t].file
                                for t in ref.targets)
            raise _fail(path, row + offset, ref.column,
                        f"'{values.iloc[row]}' is not a {ref.target_column} in {where} "
                        "(dangling reference)")


# --- JSONL (X API v2 objects) ----------------------------------------------------------------

USER_FIELDS = {  # column -> path in the record, required?
    "id": (("id",), True),
    "username": (("username",), True),
    "name": (("name",), True),
    "created_at": (("created_at",), True),
    "description": (("description",), True),
    "location": (("location",), False),
    "protected": (("protected",), True),
    "verified": (("verified",), True),
    "followers_count": (("public_metrics", "followers_count"), True),
    "following_count": (("public_metrics", "following_count"), True),
    "tweet_count": (("public_metrics", "tweet_count"), True),
    "listed_count": (("public_metrics", "listed_count"), True),
    "like_count": (("public_metrics", "like_count"), True),
}
TWEET_FIELDS = {
    "id": (("id",), True),
    "text": (("text",), True),
    "author_id": (("author_id",), True),
    "created_at": (("created_at",), True),
    "conversation_id": (("conversation_id",), True),
    "in_reply_to_user_id": (("in_reply_to_user_id",), False),
    "retweet_count": (("public_metrics", "retweet_count"), True),
    "reply_count": (("public_metrics", "reply_count"), True),
    "like_count": (("public_metrics", "like_count"), True),
    "quote_count": (("public_metrics", "quote_count"), True),
    "impression_count": (("public_metrics", "impression_count"), True),
    "lang": (("lang",), True),
}
_PYTHON_TYPES = {"id": str, "str": str, "category": str, "timestamp": str, "int": int,
                 "bool": bool}


def _read_jsonl(spec: Dataset, path: Path) -> tuple[pd.DataFrame, list[dict]]:
    fields = USER_FIELDS if spec.name == "x_users" else TWEET_FIELDS
    records: list[dict] = []
    columns: dict[str, list] = {c: [] for c in spec.columns}
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise _fail(path, line_no, "-", f"not valid JSON ({error.msg})") from None
            if not isinstance(record, dict):
                raise _fail(path, line_no, "-", "each line must be one JSON object")
            records.append(record)
            for column, (keys, required) in fields.items():
                value = record
                for k in keys:
                    value = value.get(k) if isinstance(value, dict) else None
                dotted = ".".join(keys)
                if value is None and required:
                    raise _fail(path, line_no, dotted, "the field is missing")
                expected = _PYTHON_TYPES[spec.columns[column].rstrip("?")]
                wrong = value is not None and (not isinstance(value, expected) or (
                    expected is int and isinstance(value, bool)))
                if wrong:
                    raise _fail(path, line_no, dotted,
                                f"{value!r} should be a {expected.__name__}")
                columns[column].append(value)
            if spec.name != "x_users":
                _flatten_tweet(path, line_no, record, columns)
    frame = pd.DataFrame(columns)
    for column, kind in spec.columns.items():
        base = kind.rstrip("?")
        if base in ("id", "str"):
            # where(): pandas 2's astype("str") turns a missing value into the text "None".
            frame[column] = frame[column].astype("str").where(frame[column].notna())
        elif base == "int":
            frame[column] = frame[column].astype("int64")
        elif base == "bool":
            frame[column] = frame[column].astype(bool)
    return _typed(spec, path, frame, line_offset=1), records


def _flatten_tweet(path: Path, line_no: int, record: dict, columns: dict[str, list]) -> None:
    references = record.get("referenced_tweets") or []
    if not isinstance(references, list) or any(
            not isinstance(r, dict) or "type" not in r or "id" not in r for r in references):
        raise _fail(path, line_no, "referenced_tweets", "should be a list of {type, id} objects")
    columns["referenced_type"].append(references[0]["type"] if references else None)
    columns["referenced_id"].append(references[0]["id"] if references else None)
    entities = record.get("entities") or {}
    columns["hashtags"].append([h.get("tag") for h in entities.get("hashtags", [])])
    columns["mentions"].append([m.get("username") for m in entities.get("mentions", [])])
