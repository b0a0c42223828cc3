"""Possible duplicate people: the same date of birth and similar names, for a person to check.

Streams offenders ordered by date of birth and compares names only within one date of birth, and there
only people who share the Soundex of some word of their names (blocking: a placeholder date shared by
thousands is not a million comparisons), so work and memory grow with the largest group of namesakes,
never with the whole table. The same words recur across thousands of people, so a word's normal form and
Soundex are worked out once (cached), and each person's forms once per person. Names are compared here and
never leave this module: the report shows pseudonymous references only.
"""

import difflib
import functools
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator

from offenders.models import Offender, offender_reference

SIMILARITY_THRESHOLD = 0.85
PAGE = 5000  # people read per query
MAX_GROUP = 5000  # beyond this a date of birth is a placeholder, not a person's; the rest are not compared
_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@functools.lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: 'O\u2019Brien-Smyth' -> 'obrien smyth'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['\u2019]", "", text)
    return " ".join(re.sub(r"[^a-z]+", " ", text).split())


@functools.lru_cache(maxsize=65536)
def soundex(word: str) -> str:
    """American Soundex of one word (R163 for Robert and Rupert): spelling variants share a key."""
    letters = [c for c in normalise(word) if c.isalpha()]
    if not letters:
        return ""
    first, code, previous = letters[0], [], _SOUNDEX_CODES.get(letters[0], "")
    for letter in letters[1:]:
        digit = _SOUNDEX_CODES.get(letter, "")
        if digit and digit != previous:
            code.append(digit)
        if letter not in "hw":
            previous = digit
    return (first.upper() + "".join(code) + "000")[:4]


@functools.lru_cache(maxsize=65536)
def _words(part: str) -> tuple[str, ...]:
    """One part of a name (forenames or surname) as its normal words; parts recur across thousands of
    people, so each is worked out once."""
    return tuple(normalise(part).split())


@functools.lru_cache(maxsize=65536)
def _word_keys(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(soundex(word) for word in words) - {""}


class Person:
    """One offender's name in the forms the comparison needs, worked out once when he is read (a report
    reads tens of thousands of people, so no form is recomputed per pair)."""

    __slots__ = ("pk", "surname", "forenames", "full_name", "sorted_name", "block_keys", "name_key")

    def __init__(self, pk: int, surname: str, forenames: str) -> None:
        self.pk, self.surname, self.forenames = pk, surname, forenames
        fore, sur = _words(forenames), _words(surname)
        words = fore + sur
        self.full_name = " ".join(words)
        # The name's words in alphabetical order (catches forenames and surname swapped).
        self.sorted_name = " ".join(sorted(words))
        self.block_keys = name_keys(surname, forenames)
        # Soundex of the surname and the first forename's initial.
        self.name_key = f"{soundex(surname)}{fore[0][:1] if fore else ''}"


def _ratio(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() <= SIMILARITY_THRESHOLD or matcher.quick_ratio() <= SIMILARITY_THRESHOLD:
        return min(matcher.quick_ratio(), SIMILARITY_THRESHOLD)  # cannot pass: skip the exact (slow) ratio
    return matcher.ratio()


def similarity(one: Person, other: Person) -> float:
    """The better of the names as written and with their words sorted (catches swapped names); any
    value at or under the threshold only means "not similar enough"."""
    written = _ratio(one.full_name, other.full_name)
    if one.sorted_name == one.full_name and other.sorted_name == other.full_name:
        return written  # both already in order: the sorted comparison is the same one
    return max(written, _ratio(one.sorted_name, other.sorted_name))


def match_reason(one: Person, other: Person) -> tuple[str, float] | None:
    """Why two people with one date of birth may be one person, or None."""
    score = similarity(one, other)
    if score > SIMILARITY_THRESHOLD:
        return f"similar names ({score:.2f})", score
    if one.name_key and one.name_key == other.name_key:
        return "names sound alike", score
    return None


def name_keys(surname: str, forenames: str) -> frozenset[str]:
    """The Soundex of every word of a name: two people are compared only if they share one."""
    return _word_keys(_words(forenames)) | _word_keys(_words(surname))


def candidate_pairs(rows: list[tuple[int, str, str]]) -> list[tuple[Person, Person]]:
    """The pairs of one date of birth worth comparing: those sharing a Soundex key, in id order. Only
    people in some pair are worked into a Person (most share a key with nobody born that day)."""
    buckets: dict[str, list[int]] = defaultdict(list)
    for index, (_pk, surname, forenames) in enumerate(rows):
        for key in name_keys(surname, forenames):
            buckets[key].append(index)
    pairs = sorted({pair for members in buckets.values() for pair in itertools.combinations(members, 2)})
    people = {index: Person(*rows[index]) for index in {index for pair in pairs for index in pair}}
    return [(people[a], people[b]) for a, b in pairs]


def _by_date_of_birth(queryset, page: int = PAGE) -> Iterator[tuple]:
    """People in (date of birth, id) order, read a page at a time after the last one read (keyset).

    Not `.iterator()`: outside a transaction PostgreSQL runs a server-side cursor WITH HOLD, which
    materialises the whole table before the first row arrives (about a second at 350,000), while the
    report's first page needs only the first few tens of thousands of people."""
    queryset = queryset.order_by("date_of_birth", "id").values_list("date_of_birth", "id", "surname", "forenames")
    rows = list(queryset[:page])
    while rows:
        yield from rows
        if len(rows) < page:
            return
        last_born, last_id = rows[-1][:2]
        after = queryset.filter(date_of_birth__gte=last_born).exclude(date_of_birth=last_born, id__lte=last_id)
        rows = list(after[:page])


def duplicate_pairs(queryset=None) -> Iterator[dict]:
    """Each pair of offenders who may be one person: references, why, how similar. Streams."""
    queryset = Offender.objects.all() if queryset is None else queryset
    rows = _by_date_of_birth(queryset.filter(date_of_birth__isnull=False))
    for _dob, group in itertools.groupby(rows, key=lambda row: row[0]):
        people = [(pk, surname, forenames) for _d, pk, surname, forenames in itertools.islice(group, MAX_GROUP)]
        for one, other in candidate_pairs(people):
            found = match_reason(one, other)
            if found:
                yield {
                    "offender": offender_reference(one.pk),
                    "possible_duplicate": offender_reference(other.pk),
                    "reason": found[0],
                    "similarity": round(found[1], 2),
                }
