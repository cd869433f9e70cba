"""Plain data in, plain data out: the only form in which values cross the grading sandbox.

When an exercise is graded, the learner's functions run inside the sandbox and the checks
run outside it. The checks hand inputs in, and the learner's results come back, as JSON
written by this module: never pickle, never code. What comes back is parsed strictly, with
caps on size and depth, and rebuilt only into a fixed set of types (Python's plain values,
pandas frames and series, numpy scalars and arrays, networkx graphs). A frame that is a
sample dataset exactly as `sociallearning.data.load(name)` returned it travels as
`{"sample": name}`, and is loaded again on the other side. Anything else comes
back as an `Unsupported` value that names its type, so a check can say "you returned a
generator" without the object ever leaving the sandbox.

    text = encode(value)        # JSON text
    value = decode(text)        # raises PlainDataError on anything malformed or too big
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_BYTES = 32 * 1024 * 1024
SAMPLE_TAG = "sample_dataset"  # set by sociallearning.data.load (its SAMPLE_TAG)
MAX_DEPTH = 60
_SIMPLE_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                  "float32", "float64", "bool", "object", "str", "string", "Int64", "Float64",
                  "boolean")


# Recipes ({"sample": name}, {"x_client": ...}) stand for inputs handed INTO the sandbox.
# What comes back out never uses them: a few bytes of recipe would make the grader load a
# whole dataset, so results are encoded and read with recipes switched off.
_recipes = contextvars.ContextVar("plaindata_recipes", default=True)
MAX_TEXT_ITEMSIZE = 1024  # bytes per element of a numpy text dtype


@contextlib.contextmanager
def without_recipes():
    """Encode or decode a result: values in full, recipes refused."""
    token = _recipes.set(False)
    try:
        yield
    finally:
        _recipes.reset(token)


class PlainDataError(ValueError):
    """Data that is not in this module's format, or is too large or too deep."""


@dataclass(frozen=True, eq=False)
class Unsupported:
    """A value of a type that cannot cross the sandbox; only its type name and a short repr."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


# --- encoding -----------------------------------------------------------------------------


def encode(value) -> str:
    return json.dumps(_encode(value, 0), allow_nan=False, separators=(",", ":"))


def _type_name(value) -> str:
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else \
        f"{kind.__module__}.{kind.__qualname__}"


def _encode(value, depth: int):
    if depth > MAX_DEPTH:
        raise PlainDataError(f"the value is nested more than {MAX_DEPTH} levels deep")
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if abs(value) < 2**53 else {"bigint": str(value)}
    if kind is float:
        return value if math.isfinite(value) else {"float": repr(value)}
    if kind in (list, tuple, set, frozenset):
        items = sorted(value, key=repr) if kind in (set, frozenset) else value
        return {kind.__name__: [_encode(item, depth + 1) for item in items]}
    if kind is dict:
        return {"dict": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in value.items()]}
    if kind is pd.DataFrame:
        sample = _sample_name(value) if _recipes.get() else None
        if sample is not None:
            return {"sample": sample}
        return {"dataframe": {
            "columns": _index(value.columns, depth),
            "data": [_column(value.iloc[:, i], depth) for i in range(value.shape[1])],
            "index": _index(value.index, depth),
        }}
    if kind is pd.Series:
        return {"series": {"name": _encode(value.name, depth + 1),
                           "values": _column(value, depth), "index": _index(value.index, depth)}}
    if kind is pd.Timestamp:
        return {"timestamp": value.isoformat()} if value is not pd.NaT else {"nat": None}
    if value is pd.NaT:
        return {"nat": None}
    if kind is pd.Timedelta:
        return {"timedelta": int(value.value)}
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        if isinstance(value, np.datetime64 | np.timedelta64):
            return _encode(pd.Timestamp(value) if isinstance(value, np.datetime64)
                           else pd.Timedelta(value), depth)
        return {"numpy": [str(value.dtype), _encode(value.item(), depth + 1)]}
    if kind is np.ndarray and value.ndim <= 2 and value.dtype.kind in "biufUSO":
        return {"ndarray": [str(value.dtype) if value.dtype.kind != "O" else "object",
                            [_encode(v, depth + 1) for v in value.ravel().tolist()],
                            list(value.shape)]}
    graph = _graph(value, depth)
    if graph is not None:
        return graph
    client = _x_client(value) if _recipes.get() else None
    if client is not None:
        return client
    try:
        text = repr(value)[:200]
    except Exception:  # noqa: BLE001 - a broken __repr__ is the value's problem, not ours
        text = "(no description)"
    return {"unsupported": [_type_name(value), text]}


def _sample_name(frame: pd.DataFrame) -> str | None:
    """The dataset's name when `frame` is a sample dataset exactly as `load(name)` gives it
    (tagged by `load`, and still equal to it): it then travels as a reference to the data."""
    name = frame.attrs.get(SAMPLE_TAG)
    if type(name) is not str:
        return None
    from sociallearning.data import DATASETS, DataError, load

    if name not in DATASETS:
        return None
    try:
        original = load(name)
    except DataError:
        return None
    same = (frame.equals(original)
            and type(frame.index) is type(original.index)
            and type(frame.columns) is type(original.columns)
            and list(frame.index.names) == list(original.index.names)
            and list(frame.columns.names) == list(original.columns.names))
    return name if same else None


def _column(series: pd.Series, depth: int) -> dict:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return {"dtype": "category", "ordered": bool(dtype.ordered),
                "categories": _column(pd.Series(dtype.categories), depth),
                "codes": series.cat.codes.astype("int64").tolist()}
    if dtype.kind == "M":
        as_ns = series.astype(f"datetime64[ns{', UTC' if getattr(dtype, 'tz', None) else ''}]")
        stamps = [None if pd.isna(v) else int(v.value) for v in as_ns]
        return {"dtype": str(dtype), "ns": stamps}
    if dtype.kind == "m":
        return {"dtype": str(dtype),
                "ns": [None if pd.isna(v) else int(v.value) for v in series]}
    if dtype.kind in "iub":
        return {"dtype": str(dtype), "values": series.tolist()}
    if dtype.kind == "f":
        return {"dtype": str(dtype),
                "values": [v if math.isfinite(v) else {"float": repr(v)} for v in series.tolist()]}
    return {"dtype": str(dtype) if str(dtype) in _SIMPLE_DTYPES else "object",
            "values": [_encode(_missing_as_none(v), depth + 2) for v in series.tolist()]}


def _missing_as_none(value):
    if value is pd.NA:
        return None
    return value


def _index(index: pd.Index, depth: int) -> dict:
    if type(index) is pd.RangeIndex:
        return {"range": [index.start, index.stop, index.step], "name": _encode(index.name, depth)}
    if isinstance(index, pd.MultiIndex):
        values = pd.Series(list(index), dtype="object")
        return {"column": _column(values, depth), "name": _encode(list(index.names), depth)}
    return {"column": _column(pd.Series(index), depth), "name": _encode(index.name, depth)}


def _graph(value, depth: int):
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover - networkx is a course dependency
        return None
    kinds = {nx.Graph: "Graph", nx.DiGraph: "DiGraph", nx.MultiGraph: "MultiGraph",
             nx.MultiDiGraph: "MultiDiGraph"}
    kind = kinds.get(type(value))
    if kind is None:
        return None
    nodes = [[_encode(n, depth + 2), _encode(dict(a), depth + 2)]
             for n, a in value.nodes(data=True)]
    edges = [[_encode(u, depth + 2), _encode(v, depth + 2), _encode(dict(a), depth + 2)]
             for u, v, a in value.edges(data=True)]
    return {"graph": {"kind": kind, "nodes": nodes, "edges": edges,
                      "attrs": _encode(dict(value.graph), depth + 1)}}


def _x_client(value):
    """The course's offline X client on the sample data travels as a recipe, not an object."""
    from sociallearning.xapi.offline import OfflineClient
    from sociallearning.xapi.world import sample_world

    if type(value) is not OfflineClient or value.world is not sample_world():
        return None
    return {"x_client": {"wait_on_rate_limit": bool(value.wait_on_rate_limit),
                         "realistic_rate_limits": bool(value.adapter.realistic_rate_limits)}}


# --- decoding -----------------------------------------------------------------------------


def decode(text: str | bytes, *, max_bytes: int = MAX_BYTES):
    if len(text) > max_bytes:
        raise PlainDataError(f"the data is larger than {max_bytes // (1024 * 1024)} MB")
    try:
        raw = json.loads(text, parse_constant=refuse_constant)
    except (ValueError, RecursionError) as error:
        raise PlainDataError(f"not valid JSON ({str(error)[:100]})") from None
    return _decode(raw, 0)


def rebuild(raw):
    """A value from JSON already parsed (by json.loads with the same strictness)."""
    return _decode(raw, 0)


def refuse_constant(name):
    raise PlainDataError(f"{name} is not plain JSON")


def _decode(raw, depth: int):
    if depth > MAX_DEPTH:
        raise PlainDataError(f"the data is nested more than {MAX_DEPTH} levels deep")
    if raw is None or type(raw) in (bool, int, float, str):
        return raw
    if type(raw) is not dict or len(raw) != 1:
        raise PlainDataError(f"unexpected {type(raw).__name__} in the data")
    (kind, body), = raw.items()
    try:
        return _DECODERS[kind](body, depth + 1)
    except KeyError:
        raise PlainDataError(f"unknown kind of value {str(kind)[:40]!r}") from None
    except PlainDataError:
        raise
    except (TypeError, ValueError, IndexError, OverflowError, AttributeError) as error:
        raise PlainDataError(f"malformed {kind} ({str(error)[:120]})") from None


def _items(body, depth):
    if type(body) is not list:
        raise PlainDataError("expected a list of items")
    return [_decode(item, depth) for item in body]


def _float(body, depth):
    if body not in ("nan", "inf", "-inf"):
        raise PlainDataError("a special float must be nan, inf or -inf")
    return float(body)


def _dict(body, depth):
    result = {}
    for pair in body:
        key, value = pair
        key = _decode(key, depth)
        if not isinstance(key, str | int | float | bool | tuple | type(None) | pd.Timestamp):
            raise PlainDataError("a dictionary key must be a plain value")
        result[key] = _decode(value, depth)
    return result


def _decode_column(body, depth) -> pd.Series:
    dtype = body["dtype"]
    if dtype == "category":
        categories = _decode_column(body["categories"], depth + 1)
        codes = [int(c) for c in body["codes"]]
        return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(categories),
                                                   ordered=bool(body["ordered"])))
    if "ns" in body:
        stamps = [None if v is None else int(v) for v in body["ns"]]
        if dtype.startswith("datetime64"):
            tz = dtype.split(",", 1)[1].strip(" ]") if "," in dtype else None
            values = pd.to_datetime(pd.Series(stamps, dtype="float64" if None in stamps
                                              else "int64"), unit="ns", utc=tz is not None)
            if tz is not None:
                values = values.dt.tz_convert(tz)
            return values.astype(dtype)
        if dtype.startswith("timedelta64"):
            return pd.to_timedelta(pd.Series(stamps, dtype="float64"), unit="ns").astype(dtype)
        raise PlainDataError(f"unexpected dtype {dtype[:40]!r}")
    if dtype not in _SIMPLE_DTYPES:
        raise PlainDataError(f"unexpected dtype {dtype[:40]!r}")
    values = [_decode(v, depth + 1) for v in body["values"]]
    if dtype == "object":
        return pd.Series(values, dtype="object")
    return pd.Series(values, dtype=dtype)


def _decode_index(body, depth) -> pd.Index:
    name = _decode(body["name"], depth)
    if "range" in body:
        start, stop, step = (int(v) for v in body["range"])
        return pd.RangeIndex(start, stop, step, name=name)
    values = _decode_column(body["column"], depth + 1)
    if isinstance(name, list):
        return pd.MultiIndex.from_tuples(list(values), names=name)
    return pd.Index(values, name=name)


def _dataframe(body, depth):
    columns = _decode_index(body["columns"], depth)
    data = [_decode_column(c, depth + 1) for c in body["data"]]
    index = _decode_index(body["index"], depth)
    if len(data) != len(columns) or any(len(c) != len(index) for c in data):
        raise PlainDataError("a frame's columns and rows do not line up")
    frame = pd.concat([c.reset_index(drop=True) for c in data], axis=1) if data else \
        pd.DataFrame(index=range(len(index)))
    frame.columns = columns
    frame.index = index
    return frame


def _series(body, depth):
    values = _decode_column(body["values"], depth + 1)
    index = _decode_index(body["index"], depth)
    if len(values) != len(index):
        raise PlainDataError("a series' values and index do not line up")
    values.index = index
    values.name = _decode(body["name"], depth)
    return values


def _numpy(body, depth):
    dtype, value = body
    if np.dtype(dtype).kind not in "biufUS" or np.dtype(dtype).itemsize > MAX_TEXT_ITEMSIZE:
        raise PlainDataError("unexpected numpy scalar")
    return np.array(_decode(value, depth)).astype(dtype)[()]


def _ndarray(body, depth):
    dtype, values, shape = body
    if dtype != "object" and (np.dtype(dtype).kind not in "biufUS"
                              or np.dtype(dtype).itemsize > MAX_TEXT_ITEMSIZE):
        raise PlainDataError("unexpected numpy array")
    flat = [_decode(v, depth) for v in values]
    return np.array(flat, dtype=dtype).reshape([int(n) for n in shape])


def _decode_graph(body, depth):
    import networkx as nx

    kinds = {"Graph": nx.Graph, "DiGraph": nx.DiGraph, "MultiGraph": nx.MultiGraph,
             "MultiDiGraph": nx.MultiDiGraph}
    graph = kinds[body["kind"]]()
    graph.graph.update(_decode(body["attrs"], depth))
    for node, attrs in body["nodes"]:
        graph.add_node(_decode(node, depth), **_attrs(attrs, depth))
    for u, v, attrs in body["edges"]:
        graph.add_edge(_decode(u, depth), _decode(v, depth), **_attrs(attrs, depth))
    return graph


def _attrs(raw, depth) -> dict:
    attrs = _decode(raw, depth)
    if type(attrs) is not dict or not all(type(k) is str for k in attrs):
        raise PlainDataError("graph attributes must be a dictionary with text keys")
    return attrs


def _no_recipe_here(kind: str) -> None:
    if not _recipes.get():
        raise PlainDataError(f"a result may not be a {kind} recipe; return the value itself")


def _decode_x_client(body, depth):
    from sociallearning import xapi

    _no_recipe_here("client")
    return xapi.client(offline=True, wait_on_rate_limit=bool(body["wait_on_rate_limit"]),
                       realistic_rate_limits=bool(body["realistic_rate_limits"]))


def _decode_sample(body, depth):
    from sociallearning.data import DATASETS, DataError, load

    _no_recipe_here("sample data")
    if type(body) is not str or body not in DATASETS:
        raise PlainDataError(f"unknown sample dataset {str(body)[:40]!r} (the sample data has: "
                             f"{', '.join(DATASETS)})")
    try:
        return load(body)
    except DataError as error:
        raise PlainDataError(f"the sample dataset {body!r} could not be loaded: "
                             f"{str(error)[:300]}") from None


def _unsupported(body, depth):
    type_name, text = body
    return Unsupported(str(type_name)[:200], str(text)[:200])


_DECODERS = {
    "bigint": lambda body, depth: int(str(body)[:400]),
    "float": _float,
    "list": _items,
    "tuple": lambda body, depth: tuple(_items(body, depth)),
    "set": lambda body, depth: set(_items(body, depth)),
    "frozenset": lambda body, depth: frozenset(_items(body, depth)),
    "dict": _dict,
    "dataframe": _dataframe,
    "sample": _decode_sample,
    "series": _series,
    "timestamp": lambda body, depth: pd.Timestamp(str(body)),
    "nat": lambda body, depth: pd.NaT,
    "timedelta": lambda body, depth: pd.Timedelta(int(body), unit="ns"),
    "numpy": _numpy,
    "ndarray": _ndarray,
    "graph": _decode_graph,
    "x_client": _decode_x_client,
    "unsupported": _unsupported,
}
