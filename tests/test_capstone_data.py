"""The capstone's scenario: committed files equal a fresh run of the generator with the
capstone's seed, every file loads with the usual checks, and it is another draw than data/."""

import hashlib
import json

import pytest

from sociallearning.data import DEFAULT_SEED, DataError, capstone, load
from sociallearning.data.load import REPO_DATA


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_committed_capstone_files_equal_a_fresh_run(tmp_path):
    manifest = capstone.generate(tmp_path)
    committed = json.loads((capstone.FOLDER / "manifest.json").read_text(encoding="utf-8"))
    assert committed == manifest, ("data/capstone/ is stale: run "
                                   "`python -m sociallearning.data.capstone`")
    for name, entry in manifest["files"].items():
        assert sha256(capstone.FOLDER / name) == entry["sha256"] == sha256(tmp_path / name), name
    expected = {p.name for p in tmp_path.iterdir()}
    assert {p.name for p in capstone.FOLDER.iterdir()} == expected
    assert manifest["synthetic"] is True and "ynthetic" in manifest["description"]


def test_the_capstone_is_another_draw_small_and_loadable():
    assert capstone.SEED != DEFAULT_SEED
    size = sum(p.stat().st_size for p in capstone.FOLDER.iterdir())
    assert size < 1_000_000
    for name in capstone.DATASETS:
        frame = capstone.load(name)
        assert len(frame) > 0, name
    ours, theirs = capstone.load("org_after"), load("org_after")
    assert not ours["name"].reset_index(drop=True).equals(theirs["name"].reset_index(drop=True))
    assert capstone.load("posts").attrs.get("sample_dataset") is None  # travels as values


def test_the_capstone_has_only_its_own_datasets():
    with pytest.raises(DataError, match="capstone has no dataset"):
        capstone.load("x_users")
    assert capstone.FOLDER.parent == REPO_DATA
    assert capstone.PLAN_START.day_name() == "Monday"
