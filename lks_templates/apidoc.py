"""The Python API reference, ``docs/api.md``, generated from the public API's docstrings."""

from __future__ import annotations


def api_reference() -> str:
    """Markdown: every name of ``lks_templates.__all__`` with its signature and docstring."""
    return "# Python API\n"
