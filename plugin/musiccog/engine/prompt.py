"""The prompt parser: what the user typed → :class:`~musiccog.engine.types.PromptOptions`.

Small and deterministic: an ordered list of regular-expression rules over the
lower-cased text (English, plus a few Chinese keywords).  Each rule that matches
*consumes* its span; a later rule cannot reuse consumed text.  Whatever is left
after every rule ran is split into words; words that are not stop words (``the``,
``music``, ``please``…) are reported, in order, in ``PromptOptions.unused_words``
so the caller can tell the user what was not understood — never ignored silently.

Examples (see ``tests/engine/test_prompt.py`` for the full table)::

    "sync background music to match the video tempo and mood" → allow_stretch=True
    "music at 35%"          → music_volume=0.35
    "fade out 3 s"          → fade_out_s=3.0
    "no ducking"            → duck=False
    "duck 18 dB"            → duck_db=18.0
    "start the music at the first cut" → start_at="first_cut"
    "lo-fi, 90 bpm"         → mood="lofi", tempo_bpm=90.0

A hand-written rule table rather than an NLP library: the vocabulary is tiny,
the result must be exactly reproducible, and the engine must run offline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from musiccog.engine.types import PromptOptions

#: Largest music volume accepted from "music at N %" (linear; 4.0 = +12 dB, the draft's limit).
MAX_MUSIC_VOLUME = 4.0
#: Tempo range accepted from "N bpm".
TEMPO_RANGE_BPM = (40.0, 240.0)
#: Ducking depth range accepted from "duck N dB".
DUCK_RANGE_DB = (0.0, 40.0)
#: Longest fade accepted from "fade in/out N s".
MAX_FADE_S = 30.0

_NUM = r"(\d+(?:\.\d+)?)"
_SEC = r"\s*(?:seconds?|secs?|s|秒)(?![a-z])"
_EN_NOT = r"(?:no|without|don'?t|do\s+not|never|not)"

_Updates = dict[str, Any]
_Handler = Callable[[re.Match[str]], _Updates | None]


def _num(match: re.Match[str]) -> float:
    return float(next(g for g in match.groups() if g is not None))


def _fade(key: str) -> _Handler:
    def handler(match: re.Match[str]) -> _Updates | None:
        value = _num(match)
        return {key: value} if value <= MAX_FADE_S else None

    return handler


def _volume(match: re.Match[str]) -> _Updates | None:
    return {"music_volume": min(_num(match) / 100.0, MAX_MUSIC_VOLUME)}


def _duck_db(match: re.Match[str]) -> _Updates | None:
    value = _num(match)
    lo, hi = DUCK_RANGE_DB
    return {"duck": True, "duck_db": value} if lo <= value <= hi else None


def _tempo(match: re.Match[str]) -> _Updates | None:
    value = _num(match)
    lo, hi = TEMPO_RANGE_BPM
    return {"tempo_bpm": value} if lo <= value <= hi else None


def _lufs(match: re.Match[str]) -> _Updates | None:
    value = -abs(_num(match))
    return {"target_lufs": value} if -40.0 <= value <= -5.0 else None


def _const(**updates: Any) -> _Handler:
    return lambda _match: dict(updates)


_MOODS: dict[str, tuple[str, ...]] = {
    "lofi": (r"lo[\s-]?fi", "chill(?:hop)?", "轻松"),
    "calm": ("calm", "relax(?:ing|ed)?", "gentle", "soft", "peaceful", "ambient",
             "平静", "舒缓", "安静"),
    "upbeat": ("upbeat", "energetic", "lively", "fast", "driving", "dynamic", "动感", "活力"),
    "happy": ("happy", "cheerful", "joyful", "bright", "欢快", "快乐"),
    "sad": ("sad", "melanchol(?:y|ic)", "somber", "sombre", "emotional", "悲伤", "伤感"),
    "epic": ("epic", "cinematic", "dramatic", "heroic", "史诗", "大气"),
    "neutral": ("neutral",),
}


def _mood_rules() -> list[tuple[str, _Handler]]:
    rules = []
    for mood, words in _MOODS.items():
        for word in words:
            pattern = word if not word[0].isascii() else rf"\b{word}\b"
            rules.append((pattern, _const(mood=mood)))
    return rules


#: Ordered rules: (pattern, handler).  Specific phrases come before general ones.
_RULES: list[tuple[str, _Handler]] = [
    # ducking
    (rf"\b{_EN_NOT}\s+(?:any\s+)?duck(?:ing|s)?\b", _const(duck=False)),
    (r"不要?(?:压低|闪避|避让)", _const(duck=False)),
    (rf"\bduck(?:ing|s)?\s*(?:the\s+music\s+)?(?:by|to|of|at)?\s*-?{_NUM}\s*db\b", _duck_db),
    (rf"-?{_NUM}\s*db\s+(?:of\s+)?duck(?:ing)?\b", _duck_db),
    (rf"(?:压低|闪避|避让)\s*-?{_NUM}\s*(?:db|分贝)", _duck_db),
    (r"\bduck(?:ing|s)?\b", _const(duck=True)),
    (r"\b(?:under|below|beneath)\s+(?:the\s+)?(?:speech|voices?|dialogue|talking|narration)\b",
     _const(duck=True)),
    # fades
    (r"\bno\s+fade[\s-]*ins?\b", _const(fade_in_s=0.0)),
    (r"\bno\s+fade[\s-]*outs?\b", _const(fade_out_s=0.0)),
    (r"\b(?:no|without)\s+fad(?:es?|ing)\b", _const(fade_in_s=0.0, fade_out_s=0.0)),
    (rf"\bfade[\s-]*in\s*(?:of|over|for|:)?\s*{_NUM}{_SEC}", _fade("fade_in_s")),
    (rf"\b{_NUM}{_SEC}\s*(?:long\s+)?fade[\s-]*in\b", _fade("fade_in_s")),
    (rf"淡入\s*{_NUM}{_SEC}", _fade("fade_in_s")),
    (rf"\bfade[\s-]*out\s*(?:of|over|for|:)?\s*{_NUM}{_SEC}", _fade("fade_out_s")),
    (rf"\b{_NUM}{_SEC}\s*(?:long\s+)?fade[\s-]*out\b", _fade("fade_out_s")),
    (rf"淡出\s*{_NUM}{_SEC}", _fade("fade_out_s")),
    # level
    (rf"-?{_NUM}\s*lufs\b", _lufs),
    (rf"音量\s*{_NUM}\s*%", _volume),
    (rf"(?:\b(?:music|bgm|volume|level|gain)\s+(?:at|to|of)?\s*)?{_NUM}\s*(?:%|percent\b)",
     _volume),
    # tempo and alignment
    (rf"\b{_NUM}\s*bpm\b", _tempo),
    (r"\bstart(?:s|ing)?\s+(?:the\s+)?(?:music\s+|bgm\s+|song\s+)?(?:at|on|after|from|with)\s+"
     r"the\s+first\s+(?:cut|shot(?:\s+change)?|scene(?:\s+change)?)\b",
     _const(start_at="first_cut")),
    (r"从?第一个?(?:剪辑点|切点|镜头切换|镜头)开始?", _const(start_at="first_cut")),
    (rf"\b{_EN_NOT}\s+(?:time[\s-]*)?stretch(?:ing|ed)?\b", _const(allow_stretch=False)),
    (r"\bkeep\s+(?:the\s+)?(?:original\s+)?(?:tempo|speed)\b", _const(allow_stretch=False)),
    (r"\b(?:match(?:es|ing)?|fit(?:s|ting)?|follow(?:s|ing)?)\s+(?:to\s+)?(?:the\s+)?"
     r"(?:video'?s?\s+|clip'?s?\s+|cut'?s?\s+|edit'?s?\s+)?"
     r"(?:tempo|pace|pacing|rhythm|speed|beats?|cuts?|edits?)\b",
     _const(allow_stretch=True)),
    (r"\btime[\s-]*stretch(?:ing|ed)?\b|\bstretch(?:ing|ed)?\b", _const(allow_stretch=True)),
    (r"卡点|匹配节奏|跟随节奏", _const(allow_stretch=True)),
    (r"\b(?:on|to)\s+(?:every|each|all)\s+(?:the\s+)?beats?\b|\bevery\s+beats?\b",
     _const(align_to="beats")),
    (r"\b(?:on|to)\s+(?:the\s+)?(?:downbeats?|bars?)\b|\bdownbeats?\b",
     _const(align_to="downbeats")),
    (r"\b(?:in\s+)?sync(?:ed|hronised|hronized|hronise|hronize)?\b|\balign(?:ed)?\b"
     r"|\b(?:on|to)\s+(?:the\s+)?beat\b|同步|对齐",
     _const()),
    *_mood_rules(),
    (r"\bmoods?\b|\bvibe\b|情绪|氛围", _const()),
]
_COMPILED = [(re.compile(pattern), handler) for pattern, handler in _RULES]

#: Words that carry no option (English articles, fillers, and the domain's obvious nouns).
STOP_WORDS = frozenset(
    """a an the and or to of for in on at by with from into over as is are be it its this that
    these those my our your me i we you please can could would should will just make makes add
    put use using set some so very more less bit little also then than want like need give get
    let lets let's music bgm background song songs track tracks soundtrack audio video videos
    clip clips movie footage film edit my the s""".split()
)
_ZH_STOP = ("背景音乐", "音乐", "视频", "一下", "请", "把", "让", "给", "和", "的", "了", "用",
            "在", "配上", "加上", "加", "并", "且", "要", "一点", "一些")
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:['.\-][a-z0-9]+)*%?|[\u4e00-\u9fff]+")


def _zh_rest(run: str) -> str:
    for word in _ZH_STOP:
        run = run.replace(word, " ")
    return "".join(run.split())


def _unused(text: str) -> tuple[str, ...]:
    words: list[str] = []
    for token in _TOKEN_RE.findall(text):
        if "\u4e00" <= token[0] <= "\u9fff":
            rest = _zh_rest(token)
            if rest:
                words.append(rest)
        elif token not in STOP_WORDS:
            words.append(token)
    return tuple(words)


def parse_prompt(text: str) -> PromptOptions:
    """Turn a free-text request into :class:`PromptOptions`.

    :param text: what the user typed (any case; English and a few Chinese keywords).
    :returns: the options; ``raw`` is ``text``, ``unused_words`` the words no rule used
        (stop words excluded), in the order they appear.  Values out of range
        (e.g. "duck 90 dB", "500 bpm") are left unused rather than clamped silently.
    """
    raw = text or ""
    work = raw.lower()
    updates: _Updates = {}
    for regex, handler in _COMPILED:
        pieces: list[str] = []
        last = 0
        for match in regex.finditer(work):
            if not match.group(0).strip():
                continue
            result = handler(match)
            if result is None:
                continue
            updates.update(result)
            pieces.append(work[last : match.start()])
            pieces.append(" " * (match.end() - match.start()))
            last = match.end()
        if pieces:
            pieces.append(work[last:])
            work = "".join(pieces)
    return replace(PromptOptions(raw=raw), unused_words=_unused(work), **updates)
