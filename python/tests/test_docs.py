"""The Python examples of docs/python.md and of the README's "From Python" section run as
written (from a directory laid out like the repository's root), so they cannot go stale."""
import contextlib
import io
import os
import re

import pytest

from conftest import SOURCE_DIR


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def run_blocks(blocks, directory):
    for name in ("experiments", "data"):
        os.symlink(SOURCE_DIR / name, directory / name)
    printed = io.StringIO()
    cwd = os.getcwd()
    os.chdir(directory)
    try:
        with contextlib.redirect_stdout(printed):
            namespace = {}
            for block in blocks:
                exec(compile(block, "example", "exec"), namespace)
    finally:
        os.chdir(cwd)
    return printed.getvalue()


def test_docs_python_md(tmp_path):
    blocks = python_blocks((SOURCE_DIR / "docs" / "python.md").read_text())
    assert len(blocks) >= 2
    printed = run_blocks(blocks, tmp_path)
    assert "test accuracy" in printed and "MLPClassifier: test accuracy" in printed
    assert re.search(r"mlp\.Error: .*train\.lr_decy.*lr_decay", printed)
    assert (tmp_path / "runs" / "python-example" / "metrics.json").exists()


def test_readme_from_python(tmp_path):
    readme = (SOURCE_DIR / "README.md").read_text()
    section = readme.split("## From Python", 1)
    assert len(section) == 2, "README has no From Python section"
    blocks = python_blocks(section[1].split("\n## ", 1)[0])
    assert blocks
    run_blocks(blocks, tmp_path)
