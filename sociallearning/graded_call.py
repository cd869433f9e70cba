"""Inside the grading sandbox: call one of the learner's functions on inputs handed in as data.

The grader (outside the sandbox) writes the inputs as plain data, asks the kernel to run
`call(...)`, and reads back what the function returned or raised, as plain data. Nothing
here decides whether an answer is right: the checks and the reference answers never enter
the sandbox, so nothing the notebook does here can do more than change its own answer.
"""

import builtins
import os

from sociallearning import plaindata

MAX_RESULT_BYTES = 8 * 1024 * 1024


def _builtin_base(error: BaseException) -> str:
    """The nearest built-in exception class, so a check can still catch a ValueError."""
    for kind in type(error).__mro__:
        if getattr(builtins, kind.__name__, None) is kind:
            return kind.__name__
    return "Exception"


def _envelope(function_name: str, request_path: str) -> dict:
    from IPython import get_ipython

    with open(request_path, encoding="utf-8") as handle:
        args, kwargs = plaindata.decode(handle.read())
    function = get_ipython().user_ns.get(function_name)
    if function is None:
        return {"missing": function_name}
    if not callable(function):
        return {"not_callable": type(function).__name__}
    try:
        returned = function(*args, **kwargs)
    except Exception as error:  # the learner's error is their answer; report it as data
        return {"raised": [type(error).__name__, _builtin_base(error), str(error)[:2000]]}
    try:
        with plaindata.without_recipes():
            return {"returned": plaindata.encode(returned)}
    except (plaindata.PlainDataError, RecursionError, ValueError, TypeError) as error:
        return {"unencodable": f"{type(returned).__name__}: {str(error)[:300]}"}


def call(function_name: str, request_path: str, result_path: str) -> None:
    """Write what `function_name(*args, **kwargs)` gave to `result_path`, as JSON text:
    {"returned": <plain data>} or {"raised": [type, built-in base, message]} or a reason."""
    import json

    envelope = _envelope(function_name, request_path)
    if "returned" in envelope:  # already JSON text: embed it, don't encode it twice
        text = '{"returned":' + envelope["returned"] + "}"
    else:
        text = json.dumps(envelope)
    if len(text) > MAX_RESULT_BYTES:
        text = json.dumps({"too_big": len(text)})
    partial = result_path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, result_path)
