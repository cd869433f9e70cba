"""The guard that makes a test cell's result hard to fake from inside the kernel.

nbgrader scores a test cell by its outputs: no error means full points. Student code
runs in the same kernel before the tests, so it can swallow errors (custom exception
handlers, `sys.excepthook`), rewrite later cells (input or AST transformers), patch
builtins or the course's check functions, or print output that looks like a pass.

Here a test cell counts as passed only when its output holds a pass marker: an HMAC,
under a key the student's code never sees in the notebook, of the notebook and test
name. The prelude cell, run before any student code, reads the key from a file in the
scratch folder and deletes it. Each test cell is then run by the guard, which first
puts back what student code may have bent (builtins, import machinery, the course's
check modules and common test helpers, trace hooks, IPython's transformers and
exception handler), executes the test source with a fresh `exec`, refuses answers
that compare equal to anything, and prints the marker only if all of that succeeded.
A test cell whose marker is missing or wrong scores 0, whatever else it shows.

Known limit: code that reaches the key's state inside the kernel (the guard's closure,
the garbage collector, or `hmac` patched to see the keyed object after a test passes)
could forge a marker; the sandbox still contains such code and the submission's source
shows it.
"""

import hashlib
import hmac
import re

MARKER_PREFIX = "autograder-pass"
_MARKER_LINE = re.compile(rf"^{MARKER_PREFIX} (\S+) ([0-9a-f]{{64}})$", re.MULTILINE)

# Modules (and classes) whose attributes are put back before every test cell.
TRUSTED_MODULES = ("builtins", "math", "operator", "numpy", "numpy.testing", "pandas",
                   "pandas.testing", "sociallearning")
TRUSTED_CLASSES = (("pandas", "DataFrame"), ("pandas", "Series"), ("pandas", "Index"))


def marker(key: bytes, test_key: str) -> str:
    digest = hmac.new(key, test_key.encode(), hashlib.sha256).hexdigest()
    return f"{MARKER_PREFIX} {test_key} {digest}"


def passed_tests(key: bytes, text: str) -> set[str]:
    """Test keys whose valid pass marker appears in `text`."""
    return {
        test_key
        for test_key, digest in _MARKER_LINE.findall(text)
        if hmac.compare_digest(marker(key, test_key).split()[-1], digest)
    }


def first_marker(text: str) -> str:
    found = _MARKER_LINE.search(text) if MARKER_PREFIX in text else None
    return found.group(0) if found else ""


def strip_markers(text: str) -> str:
    return _MARKER_LINE.sub("", text).replace("\n\n", "\n") if MARKER_PREFIX in text else text


PRELUDE = r'''
def __make_guard(key_path, guard_name, trusted_modules, trusted_classes):
    import builtins, gc, hashlib, hmac, importlib, os, sys, threading
    with open(key_path, "rb") as handle:
        mac = hmac.new(handle.read(), digestmod=hashlib.sha256)
    os.unlink(key_path)
    shell = get_ipython()
    user_ns = shell.user_ns
    out = sys.stdout
    for name in trusted_modules + ("sociallearning.feedback", "sociallearning.exercises"):
        try:
            importlib.import_module(name)
        except Exception:
            pass
    try:
        import sociallearning.checks as checks, pkgutil
        for info in pkgutil.iter_modules(checks.__path__):
            importlib.import_module("sociallearning.checks." + info.name)
    except Exception:
        pass
    modules = {name: module for name, module in sys.modules.items()
               if module is not None and (name in trusted_modules
                                          or name.startswith("sociallearning."))}
    saved = [(vars(module), dict(vars(module))) for module in modules.values()]
    classes = []
    for module_name, class_name in trusted_classes:
        cls = getattr(sys.modules.get(module_name), class_name, None)
        if isinstance(cls, type):
            classes.append((cls, dict(vars(cls))))
    import_state = (list(sys.meta_path), list(sys.path_hooks), list(sys.path))
    shell_state = (list(shell.input_transformers_cleanup), list(shell.input_transformers_post),
                   list(shell.ast_transformers))
    excepthook, displayhook = sys.__excepthook__, sys.displayhook
    mock_was_loaded = "unittest.mock" in sys.modules
    trusted_dirs = tuple({os.path.dirname(os.__file__), sys.prefix, sys.base_prefix,
                          os.path.dirname(os.path.dirname(
                              sys.modules["sociallearning"].__file__))
                          if "sociallearning" in sys.modules else sys.prefix})

    def restore():
        sys.settrace(None)
        sys.setprofile(None)
        threading.settrace(None)
        threading.setprofile(None)
        for namespace, snapshot in saved:
            for name, value in snapshot.items():
                if namespace.get(name, snapshot) is not value:
                    namespace[name] = value
        for cls, snapshot in classes:
            for name, value in snapshot.items():
                if name not in ("__dict__", "__weakref__", "__doc__") and \
                        cls.__dict__.get(name) is not value:
                    try:
                        setattr(cls, name, value)
                    except (AttributeError, TypeError):
                        pass
        for name, module in modules.items():
            sys.modules[name] = module
        sys.meta_path[:], sys.path_hooks[:], sys.path[:] = (list(s) for s in import_state)
        (shell.input_transformers_cleanup[:], shell.input_transformers_post[:],
         shell.ast_transformers[:]) = (list(s) for s in shell_state)
        shell.set_custom_exc((), None)
        sys.excepthook, sys.displayhook = excepthook, displayhook

    class Anything:
        pass

    def equals_anything(value):
        probe = Anything()
        try:
            return bool(value == probe) or not bool(value != probe)
        except Exception:
            return False

    def student_defined(function):
        code = getattr(function, "__code__", None)
        if code is None:
            return not isinstance(function, type(object.__eq__))
        return not code.co_filename.startswith(trusted_dirs)

    def cheating_answers():
        """Objects or classes that answer == True to anything (a fresh private object)."""
        suspects = []
        for value in list(user_ns.values()):
            members = [value]
            if isinstance(value, (list, tuple, set, frozenset)):
                members += list(value)[:1000]
            elif isinstance(value, dict):
                members += list(value.values())[:1000]
            suspects += [m for m in members if not isinstance(m, type)]
        found = [type(v).__name__ for v in suspects if equals_anything(v)]
        stack = [object]
        while stack:
            cls = stack.pop()
            try:
                stack.extend(type.__subclasses__(cls))
            except TypeError:
                continue
            own = vars(cls)
            hooks = [own[n] for n in ("__eq__", "__ne__") if n in own]
            loaded_later = cls.__module__ == "unittest.mock" and not mock_was_loaded
            if not (loaded_later or any(student_defined(h) for h in hooks)):
                continue
            try:
                instance = object.__new__(cls)
            except TypeError:
                try:
                    instance = cls.__new__(cls)
                except Exception:
                    continue
            except Exception:
                continue
            if equals_anything(instance):
                found.append(cls.__name__)
        return found

    class GradingError(Exception):
        pass

    def run(test_key, source):
        restore()
        code = compile(source, "<test " + test_key.split("/")[-1] + ">", "exec")
        exec(code, user_ns)
        if sys.gettrace() is not None or sys.getprofile() is not None:
            raise GradingError("a trace or profile hook was set while the test ran")
        cheats = cheating_answers()
        if cheats:
            raise GradingError("an answer compares equal to anything (" +
                               ", ".join(sorted(set(cheats))) + "); this test gives no points")
        digest = mac.copy()
        digest.update(test_key.encode())
        out.write("\n''' + MARKER_PREFIX + r''' " + test_key + " " + digest.hexdigest() + "\n")
        out.flush()

    gc.collect()
    return run


globals()[__guard_name__] = __make_guard(__key_path__, __guard_name__, __trusted_modules__,
                                         __trusted_classes__)
del __make_guard, __key_path__, __guard_name__, __trusted_modules__, __trusted_classes__
'''


def prelude_source(key_path: str, guard_name: str) -> str:
    header = (
        f"__key_path__ = {key_path!r}\n__guard_name__ = {guard_name!r}\n"
        f"__trusted_modules__ = {TRUSTED_MODULES!r}\n__trusted_classes__ = {TRUSTED_CLASSES!r}\n"
    )
    return header + PRELUDE


def test_call_source(guard_name: str, test_key: str, source: str) -> str:
    """The cell that runs one test through the guard."""
    return f"{guard_name}({test_key!r}, {source!r})"
