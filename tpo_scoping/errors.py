"""Errors that reach a user.

Every problem caused by what the user supplied (a profile, a data file, a command-line value)
is an :class:`InputError`. The CLI turns it into one line per problem on stderr and exit code 2;
the apps turn it into a friendly message next to the field. Anything else is a bug and exits 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    Parameters
    ----------
    where : str
        The file, field path, table/row/column, or CLI option the problem is in.
    message : str
        The rule that was broken, in plain words.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class InputError(Exception):
    """Bad input from a user: a clear message per problem, exit code 2."""

    problems: list[Problem] = field(default_factory=list)
    source: str = ""

    def __init__(self, problems: Iterable[Problem] | str, source: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems = list(problems)
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(prefix + str(p) for p in self.problems)

    def lines(self) -> list[str]:
        """One human-readable line per problem."""
        prefix = f"{self.source}: " if self.source else ""
        return [prefix + str(p) for p in self.problems]


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """A " (did you mean X?)" hint for a misspelt name, or "" when nothing is close.

    Examples
    --------
    >>> did_you_mean("helthcare", ["healthcare", "general"])
    ' (did you mean healthcare?)'
    """
    import difflib

    match = difflib.get_close_matches(word.lower(), [o.lower() for o in options], n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""


EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
