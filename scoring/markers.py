"""Escalation markers: the signs of domestic-homicide risk an officer should see at a glance beside the
score (docs/scoring.md). They are flags, never scored (a policy weighs offences through its entries and
multipliers, and incidents through `incident_days`).

Each offence marker is keyed on the offence type: its Home Office code, or words of its title, so an
official index with other codes for the same offences still raises them; a breach of an order is an
offence like any other (recorded with the order it breaches), so it is found the same way. Separation
is recorded on a non-crime incident.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Marker:
    key: str
    label: str
    codes: frozenset[str]
    title_words: tuple[str, ...]

    def matches(self, code: str, title: str) -> bool:
        lowered = title.casefold()
        return code in self.codes or any(word in lowered for word in self.title_words)


OFFENCE_MARKERS = (
    Marker("strangulation", "Non-fatal strangulation", frozenset({"008/77"}), ("strangulation", "suffocation")),
    Marker("stalking", "Stalking", frozenset({"008/65", "008/66"}), ("stalking",)),
    Marker("threats_to_kill", "Threats to kill", frozenset({"003/01"}), ("threats to kill", "threat to kill")),
    Marker("order_breach", "Breach of an order", frozenset({"008/31", "066/39"}), ("breach of",)),
)
SEPARATION = ("separation", "Separation recorded")


def escalation_markers(*, offences: list[dict], separation_on=None) -> list[dict]:
    """The markers raised by these offences (breakdown rows: code, title, occurred_on) and, when given,
    the date of the latest incident recorded with separation; each with the date it was last seen."""
    found: dict[str, dict] = {}
    for row in offences:
        for marker in OFFENCE_MARKERS:
            if marker.matches(row["code"], row["title"]):
                seen = found.get(marker.key)
                if seen is None or row["occurred_on"] > seen["last_on"]:
                    found[marker.key] = {"key": marker.key, "label": marker.label, "last_on": row["occurred_on"]}
    markers = [found[m.key] for m in OFFENCE_MARKERS if m.key in found]
    if separation_on is not None:
        markers.append({"key": SEPARATION[0], "label": SEPARATION[1], "last_on": separation_on})
    return markers
