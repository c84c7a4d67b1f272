"""The answer pipeline's data: what each stage hands the next, and the public answer.

``Assessment`` is what assessing a question yields (its retrieval and every candidate
sentence scored); ``Answer`` and ``ShortAnswer`` are what rendering yields, in the public
``--json`` shape. They live apart from the stages so that scoring (``answer``) and
rendering (``answer_text``) both read them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.index.retrieval import Hit
from assistant.reasoning.citations import Citation, RejectedCitation
from assistant.reasoning.evidence import Candidate
from assistant.reasoning.question import QuestionAnalysis, analyse

ABSTAIN_TEXT = "The articles do not say."
# The most sentences one answer cites: choosing sentences and rendering them share it.
MAX_CITATIONS = 4


@dataclass
class Answer:
    """An answer in the public ``--json`` shape (see the README)."""

    question: str
    answer: str
    abstained: bool
    mode: Literal["extractive", "llm"]
    model: str | None = None
    citations: list[Citation] = field(default_factory=list)
    rejected_citations: list[RejectedCitation] = field(default_factory=list)
    # Not part of the JSON contract: what the terminal highlights, and one-line notices
    # for stderr (e.g. "fell back to the extractive answer").
    match_terms: frozenset[str] = frozenset()
    notices: list[str] = field(default_factory=list)
    # Short answers first (the span that answers, who says so, its citation ids), and
    # whether the sources give incompatible answers.
    answers: list[ShortAnswer] = field(default_factory=list)
    disagreement: bool = False

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape: keep it stable, extend only."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "mode": self.mode,
            "model": self.model,
            "citations": [c.to_json() for c in self.citations],
            "rejected_citations": [r.to_json() for r in self.rejected_citations],
            "answers": [a.to_json() for a in self.answers],
            "disagreement": self.disagreement,
        }


@dataclass
class ShortAnswer:
    """The span that answers ("Dayton, Ohio"), who says so, and the citations behind it."""

    text: str
    who: str | None
    citations: list[int]

    def to_json(self) -> dict[str, Any]:
        """The short answer in the public ``--json`` shape."""
        return {"text": self.text, "who": self.who, "citations": list(self.citations)}


@dataclass(frozen=True)
class QuestionInfo:
    """What the answerer needs to know about the question."""

    text: str
    weights: dict[str, float]
    wants_who: bool
    wants_number: bool
    wants_when: bool

    @property
    def total(self) -> float:
        """Sum of the question's term weights."""
        return sum(self.weights.values()) or 1.0


@dataclass
class Assessment:
    """Retrieval for one question, with every candidate sentence scored."""

    question: str
    info: QuestionInfo
    hits: list[Hit]
    candidates: list[Candidate]  # best first
    qa: QuestionAnalysis = field(default_factory=lambda: analyse(""))

    @property
    def best_relevance(self) -> float:
        """Relevance of the best sentence (0 when nothing was retrieved)."""
        return max((c.relevance for c in self.candidates), default=0.0)

    def abstention(self, mode: Literal["extractive", "llm"], model: str | None = None) -> Answer:
        """The answer that says the articles do not say."""
        return Answer(
            self.question, ABSTAIN_TEXT, True, mode, model, match_terms=frozenset(self.info.weights)
        )
