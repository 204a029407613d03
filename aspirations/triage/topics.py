"""The topics a message can be about, each with the OPDs that handle it
(data/topics.csv) and the words that point to it (data/topic_cues.csv).

Which OPD handles what was read from the OPDs' names in the registry; two
are not verified against the Perbup on the OPDs' duties: street lighting
(PJU) is put with DINHUB first and DINRUMKIM second, and drinking water
(the Perumda Air Minum is not an OPD) with DINRUMKIM, then SETDA's economy
section.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
OTHER = "other"


@dataclass(frozen=True)
class Topic:
    """A topic: its code, Indonesian name, the OPD kinds whose accounts see
    it, and the OPDs (short names) that handle it, most responsible first."""

    code: str
    name: str
    opd_kinds: tuple[str, ...]
    opds: tuple[str, ...]


def _load() -> tuple[Topic, ...]:
    with (DATA / "topics.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            Topic(
                code=row["code"],
                # Semicolons stand for commas inside the CSV's name column.
                name=row["name"].replace(";", ","),
                opd_kinds=tuple(row["opd_kinds"].split()),
                opds=tuple(row["opds"].split()),
            )
            for row in csv.DictReader(handle)
        )


TOPICS: tuple[Topic, ...] = _load()
_BY_CODE = {topic.code: topic for topic in TOPICS}


def get_topic(code: str) -> Topic:
    """The topic with ``code``; KeyError for an unknown code."""
    return _BY_CODE[code]


def topic_name(code: str) -> str:
    """The Indonesian name of topic ``code`` (the code itself if unknown)."""
    topic = _BY_CODE.get(code)
    return topic.name if topic else code


def topics_for_opd_kind(kind: str) -> tuple[Topic, ...]:
    """The topics an OPD of ``kind`` (``Opd.Kind``) offers when staff correct a topic."""
    return tuple(topic for topic in TOPICS if kind in topic.opd_kinds)
