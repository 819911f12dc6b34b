"""Free-text availability ("Tuesday and Thursday afternoons") as comparable slots.

People write availability in their own words; the engine compares sets of
slots such as ``tue-pm``. Days and parts of the day found in the text are
crossed; a text naming only days means all of each day, only parts means
those parts on every weekday. Text naming neither gives no slots (the
mentee is treated as indifferent, the mentor as unknown).
"""

from __future__ import annotations

import re

DAYS = {
    "mon": ("monday", "mon", "mondays"),
    "tue": ("tuesday", "tue", "tues", "tuesdays"),
    "wed": ("wednesday", "wed", "weds", "wednesdays"),
    "thu": ("thursday", "thu", "thur", "thurs", "thursdays"),
    "fri": ("friday", "fri", "fridays"),
    "sat": ("saturday", "sat", "saturdays"),
    "sun": ("sunday", "sun", "sundays"),
}
PARTS = {
    "am": ("morning", "mornings", "am", "a.m."),
    "pm": ("afternoon", "afternoons", "pm", "p.m.", "lunchtime", "lunchtimes"),
    "eve": ("evening", "evenings", "twilight", "after work"),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_WORD = re.compile(r"[a-z.]+(?: work)?")


def slots(text: str) -> frozenset[str]:
    words = set(_WORD.findall((text or "").lower()))
    lowered = (text or "").lower()
    days = [d for d, names in DAYS.items() if words & set(names)]
    if "weekday" in lowered or "weekdays" in lowered:
        days = sorted(set(days) | set(WEEKDAYS), key=list(DAYS).index)
    parts = [
        p
        for p, names in PARTS.items()
        if words & set(names) or "after work" in lowered and p == "eve"
    ]
    if "any time" in lowered or "anytime" in lowered or "flexible" in lowered:
        days = days or list(WEEKDAYS)
        parts = parts or list(PARTS)
    if not days and not parts:
        return frozenset()
    return frozenset(f"{d}-{p}" for d in (days or WEEKDAYS) for p in (parts or PARTS))
