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
from dataclasses import dataclass

from offenders.models import Offender, offender_reference

SIMILARITY_THRESHOLD = 0.85
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


@dataclass(frozen=True)
class Person:
    pk: int
    surname: str
    forenames: str

    @functools.cached_property
    def full_name(self) -> str:
        return normalise(f"{self.forenames} {self.surname}")

    @functools.cached_property
    def sorted_name(self) -> str:
        """The name's words in alphabetical order (catches forenames and surname swapped)."""
        return " ".join(sorted(self.full_name.split()))

    @functools.cached_property
    def block_keys(self) -> set[str]:
        """The Soundex of every word of the name: two people are compared only if they share one."""
        return {soundex(word) for word in self.full_name.split()} - {""}

    @functools.cached_property
    def name_key(self) -> str:
        """Soundex of the surname and the first forename's initial."""
        first = normalise(self.forenames)[:1]
        return f"{soundex(self.surname)}{first}"


def _ratio(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() <= SIMILARITY_THRESHOLD or matcher.quick_ratio() <= SIMILARITY_THRESHOLD:
        return min(matcher.quick_ratio(), SIMILARITY_THRESHOLD)  # cannot pass: skip the exact (slow) ratio
    return matcher.ratio()


def similarity(one: Person, other: Person) -> float:
    """The better of the names as written and with their words sorted (catches swapped names); any
    value at or under the threshold only means "not similar enough"."""
    return max(_ratio(one.full_name, other.full_name), _ratio(one.sorted_name, other.sorted_name))


def match_reason(one: Person, other: Person) -> tuple[str, float] | None:
    """Why two people with one date of birth may be one person, or None."""
    score = similarity(one, other)
    if score > SIMILARITY_THRESHOLD:
        return f"similar names ({score:.2f})", score
    if one.name_key and one.name_key == other.name_key:
        return "names sound alike", score
    return None


def candidate_pairs(people: list[Person]) -> list[tuple[Person, Person]]:
    """The pairs of one date of birth worth comparing: those sharing a Soundex key, in id order."""
    buckets: dict[str, list[int]] = defaultdict(list)
    for index, person in enumerate(people):
        for key in person.block_keys:
            buckets[key].append(index)
    pairs = {pair for members in buckets.values() for pair in itertools.combinations(members, 2)}
    return [(people[a], people[b]) for a, b in sorted(pairs)]


def duplicate_pairs(queryset=None) -> Iterator[dict]:
    """Each pair of offenders who may be one person: references, why, how similar. Streams."""
    queryset = Offender.objects.all() if queryset is None else queryset
    rows = (
        queryset.filter(date_of_birth__isnull=False)
        .order_by("date_of_birth", "id")
        .values_list("date_of_birth", "id", "surname", "forenames")
        .iterator(chunk_size=5000)
    )
    for _dob, group in itertools.groupby(rows, key=lambda row: row[0]):
        people = [Person(pk, surname, forenames) for _d, pk, surname, forenames in itertools.islice(group, MAX_GROUP)]
        for one, other in candidate_pairs(people):
            found = match_reason(one, other)
            if found:
                yield {
                    "offender": offender_reference(one.pk),
                    "possible_duplicate": offender_reference(other.pk),
                    "reason": found[0],
                    "similarity": round(found[1], 2),
                }
