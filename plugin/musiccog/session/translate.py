"""GUI translation of the backend's replies (pure).

The hosted agent writes for its own web editor ("click Export", "open the
timeline", "drag the music onto track 2", "preview in timeline").  Our users work
in Resolve, Blender, the panel or a shell, so each such instruction is rewritten
into what they can do here, and the caller is told which follow-up applies:

======================================  ===========================  ==========
phrase (English / Chinese)              rewritten as                 action
======================================  ===========================  ==========
click/tap/press Export · 点击导出       say "export"                 ``export``
click/tap/press <X> · 点击<X>           say "<X>" (done for you)     ``click``
open the timeline/tracks/… · 打开       type "status" to see …       ``state``
drag / drop · 拖拽 拖动 拖放            tell me the change           ``edit``
preview in (the) timeline · 预览        see the track summary below  ``summary``
======================================  ===========================  ==========

A bare mention of Export / 导出 adds the ``export`` action without rewriting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["GuiText", "translate_for_gui"]


@dataclass(frozen=True)
class GuiText:
    """A reply rewritten for our hosts and the follow-ups it asks for.

    ``actions`` ⊆ {"export", "click", "state", "edit", "summary"}, in first-seen order.
    """

    text: str
    actions: tuple[str, ...] = ()


_Q = r"[\"“”'‘’「」]?"

_EN_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"\bpreview(?: it)? (?:in|on) (?:the )?timeline\b", re.I),
     "see the track summary below", "summary"),
    (re.compile(rf"\b(?:click|tap|press|hit)(?: on)? (?:the )?{_Q}export{_Q}(?: button)?",
                re.I), 'say "export"', "export"),
    (re.compile(rf"\b(?:click|tap|press|hit)(?: on)? (?:the )?{_Q}([\w][\w -]{{0,30}}?){_Q}"
                r" (?:button|icon|tab|link)\b", re.I), r'say "\1" (I will do it for you)',
     "click"),
    (re.compile(rf"\b(?:click|tap|press|hit)(?: on)? (?:the )?{_Q}([\w-]+){_Q}", re.I),
     r'say "\1" (I will do it for you)', "click"),
    (re.compile(r"\bopen (?:the |your )?(timeline|tracks?|project|editor|draft|panel)\b",
                re.I), r'type "status" to see the \1', "state"),
    (re.compile(r"\bdrag(?:ging)?(?: (?:and|&) drop)?\b|\bdrop(?= [\w ]{1,30}?\b(?:onto|into)\b)",
                re.I),
     "tell me to move", "edit"),
)

_ZH_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"在?时间线(?:中|上|里)?预览|预览(?:时间线)?"), "查看下方的轨道摘要", "summary"),
    (re.compile(rf"点击\s*{_Q}导出{_Q}(?:按钮)?"), "说“导出”", "export"),
    (re.compile(rf"点击\s*{_Q}([\w]{{1,12}}?){_Q}(?:按钮|图标)"),
     r"说“\1”（我会替你完成）", "click"),
    (re.compile(r"点击"), "说", "click"),
    (re.compile(r"打开"), "输入“状态”查看", "state"),
    (re.compile(r"拖拽|拖动|拖放"), "告诉我如何移动", "edit"),
)

_EXPORT_MENTION = re.compile(r"\bexport\b|导出", re.I)


def _expand(match: re.Match[str], replacement: str) -> str:
    """The replacement, capitalised when it starts a sentence."""
    text = match.expand(replacement)
    before = match.string[: match.start()].rstrip()
    if (not before or before[-1] in ".!?") and text[:1].islower():
        text = text[0].upper() + text[1:]
    return text


def translate_for_gui(text: str) -> GuiText:
    """Rewrite web-editor instructions in ``text`` for our hosts (see the module table)."""
    actions: list[str] = []
    out = text
    for pattern, replacement, action in (*_EN_RULES, *_ZH_RULES):
        out, count = pattern.subn(lambda m, r=replacement: _expand(m, r), out)
        if count and action not in actions:
            actions.append(action)
    if _EXPORT_MENTION.search(text) and "export" not in actions:
        actions.append("export")
    return GuiText(out, tuple(actions))
