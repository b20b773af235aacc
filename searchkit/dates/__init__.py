"""Dates in German news text: publication dates, periods an article mentions, and German date
phrases typed into the search box.

Why this module exists instead of calling ``dateparser`` directly: measured on the seed articles,
``dateparser.search.search_dates`` calls "die", "mit sechs" or "und die" dates, turns
"am 10. November 2020" into 2020-11-01 and fills a missing day or month from *today*. A search
engine that shows "1. März 2025" for an article that only says "März 2025" is lying. So:

1. **Precision is exactly what the text says.** "März 2025" is a MONTH, "2024" a YEAR, a day is
   never invented, a month never guessed (:class:`~searchkit.model.PubDate` carries the
   precision).
2. **Smallest containing period.** A phrase for a part of a period that ``PubDate`` cannot
   represent ("Ende 2024", "Sommer 2024", "im ersten Quartal 2025", "vergangene Woche") becomes
   the smallest ``PubDate`` that surely contains it: "Ende 2024" is YEAR 2024 (not 2024-12,
   which would be a guess: "Ende 2024" is often November or the last weeks of the year), "Mitte
   März 2025" is MONTH 2025-03, a week that lies inside one month is that MONTH, a week across
   a month boundary is its YEAR. Overlap semantics in the search layer make this the honest
   choice: a YEAR filter still finds the article, a guessed month could hide it. A query's
   bounds are a range and can name months: there "Ende 2024" is October–December 2024
   (``_PART_MONTHS``).
3. **Relative phrases need a reference.** "gestern", "am Dienstag", "vor drei Tagen",
   "im vergangenen September", "letzte Woche" resolve only against a reference (publication date
   of the article, or *today* for queries), and only when the reference is precise enough:
   weekdays and days need a DAY reference, "vergangenen September" a MONTH reference, "im
   kommenden Jahr" any reference. Otherwise they are skipped, never guessed.
4. **Candidate spans first, own grammar.** One pass over the lower-cased text finds anchors
   (digits, month and weekday names, relative words); the rules (regular expressions plus a
   small resolver each) run only in short windows around the anchors of their kind, so most of
   an article is never looked at twice (about 2 MB/s of news text on one core). Overlapping
   matches are resolved by priority (absolute dates with a year first) and length.
   ``dateparser`` is only a guarded last resort for publication strings in no German form
   ("Tue Nov 10 14:30:00 2020"): the year, day and month it reports must literally occur in the
   string, and it may only refine what the grammar found. Running text never reaches it.
5. **Never raise on data.** Invalid dates ("31.02.2025", "0000") give ``None`` and a log record;
   only :func:`parse_date_bound` (user input for ``from``/``to``) raises :class:`DateError`.

Bare month names ("Mai", "August") are not dates on their own: "Mai" is also the 1st-of-May
topic, "August" a first name. They count only after a preposition or with a modifier ("im Mai",
"seit März", "vergangenen September"). A month or day named without a year resolves

* in running text to its occurrence *nearest* the reference ("im Dezember" in a July 2025
  article is December 2025, in a January 2025 article December 2024; a tie goes to the
  reference year), except after "seit", which points back (the most recent occurrence);
  "vergangenen"/"kommenden" pick the one before/after the reference month;
* in a query to the most recent occurrence not after today ("im Dezember" typed on 2026-11-23 is
  December 2025: one searches an archive, i.e. the past). "1. Mai" or "Mai" alone stay words.

A weekday ("am Dienstag") is the one on or before the reference day, as news mostly report the
past; when its sentence speaks of the future ("sollen", "wird", "angekündigt"), or "ab",
"spätestens" or a deadline ("Frist bis Donnerstag") precedes it, it is the next one on or after
the reference day (``_weekday_ahead``). Weeks are Monday–Sunday.

A day named without a year is measured against a day reference in calendar months (the day as
a fraction), so that a tie exactly half a year away goes to the reference year as it does for a
month. English dates count in running text only as full dates ("March 3, 2024", "3 March
2024"). The number of a legal act ("2012/34/EU", "(EU) 2022/2065") holds no year.

The package, by concern: ``lexicon`` (the words and patterns of dates), ``periods`` (calendar
arithmetic, relative pieces against a reference), ``mentioned`` (periods in running text),
``published`` (publication dates, ``from``/``to`` bounds), ``queries`` (date phrases in the
search box), ``log`` (warnings the caller can hold back).
"""

from __future__ import annotations

from .lexicon import BARE_YEAR_RANGE, MAX_YEAR, MIN_YEAR
from .log import held_date_warnings, logger
from .mentioned import extract_mentioned_dates
from .published import month_number, parse_date, parse_date_bound
from .queries import DateQuery, parse_query_dates

__all__ = [
    "BARE_YEAR_RANGE",
    "MAX_YEAR",
    "MIN_YEAR",
    "DateQuery",
    "extract_mentioned_dates",
    "held_date_warnings",
    "logger",
    "month_number",
    "parse_date",
    "parse_date_bound",
    "parse_query_dates",
]
