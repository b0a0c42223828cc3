"""Problems found in an import file, kept as `line N, column C: what is wrong` (docs/imports.md)."""

from dataclasses import dataclass, field

MAX_KEPT_PROBLEMS = 1000


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file; `line` is the physical line (the header is line 1), 0 for the file."""

    line: int
    column: str
    message: str
    unit: str = "line"  # a workbook's problems are by "row" (its own numbering)

    def as_text(self) -> str:
        if not self.line:
            return self.message
        where = f"{self.unit} {self.line}, column {self.column}" if self.column else f"{self.unit} {self.line}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"line": self.line or None, "column": self.column or None, "message": self.message}


@dataclass
class ProblemLog:
    """Every problem is counted; the first thousand are kept so a bad 100,000-row file stays readable."""

    kept: list[Problem] = field(default_factory=list)
    total: int = 0
    limit: int = MAX_KEPT_PROBLEMS
    unit: str = "line"

    def add(self, line: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.kept) < self.limit:
            self.kept.append(Problem(line, column, message, self.unit))

    def __bool__(self) -> bool:
        return self.total > 0

    def as_dicts(self) -> list[dict]:
        return [problem.as_dict() for problem in self.kept]

    def as_texts(self) -> list[str]:
        return [problem.as_text() for problem in self.kept]


class FileRefused(Exception):
    """The file as a whole cannot be read (wrong encoding, no header, too big): stop at once."""

    def __init__(self, message: str, *, line: int = 0, column: str = "", too_large: bool = False):
        super().__init__(message)
        self.problem = Problem(line, column, message)
        self.too_large = too_large
