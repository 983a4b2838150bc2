"""The one place report templates are loaded from: the HTML page, the Markdown summaries of a
run and of a comparison (``templates/``).

One Jinja environment for every report: HTML templates (``*.html.j2``) autoescape; Markdown
templates (``*.md.j2``) do not (HTML escaping is wrong in Markdown) and escape their values
with the :func:`markdown_text` filter instead.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Final

import jinja2

__all__ = ["markdown_code", "markdown_text", "template_environment"]

# What would end a table cell, start markup, or break out of a code span in GitHub's Markdown.
_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>|#~!])")
_MAX_CELL_CHARS: Final = 300


def markdown_text(value: Any, limit: int = _MAX_CELL_CHARS) -> str:
    """Return ``value`` as one line of inert Markdown: specials escaped, newlines as spaces,
    cut at ``limit`` characters (a server's answer can be megabytes)."""
    text = " ".join(str("" if value is None else value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_code(value: Any, limit: int = _MAX_CELL_CHARS) -> str:
    """Return ``value`` as an inline code span that nothing in it can close (one line)."""
    text = " ".join(str("" if value is None else value).split()).replace("|", "\\|")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    fence = "`"
    while fence in text:
        fence += "`"
    # CommonMark strips one space each side: needed only when the text starts or ends with `.
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}" if text else ""


@functools.cache
def template_environment() -> jinja2.Environment:
    """Return the environment every report template renders in."""
    # PackageLoader reads through importlib.resources, so the templates also load from a wheel.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("lotuspay_contract.conformance.report", "templates"),
        autoescape=jinja2.select_autoescape(["html.j2", "html"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = markdown_text
    environment.filters["code"] = markdown_code
    return environment
