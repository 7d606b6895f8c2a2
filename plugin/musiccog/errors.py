"""The package's exception tree.

::

    MusicCogError                      base: every error the user can act on
     ├── DraftError                    a draft that cannot be used
     │    └── DraftValidationError     names the JSON path: ``t[2].sg[5].d: must be >= 0``
     ├── MappingError                  a timeline element the draft cannot express
     └── InputFileError                a media file that is missing, unreadable or unsupported

Every error carries a message that says what went wrong *and* what to do.
The CLI prints ``str(error)`` and exits with :attr:`MusicCogError.exit_code`.
Other sub-packages (engine, backend, hosts) add their own subclasses.
"""

from __future__ import annotations


class MusicCogError(Exception):
    """Base class of every error this package raises on purpose.

    :param message: what went wrong and what to do, one or two sentences.
    """

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DraftError(MusicCogError):
    """A draft document that cannot be read or used."""


class DraftValidationError(DraftError, ValueError):
    """A draft that breaks the format; ``problems`` lists ``(path, message)`` pairs.

    ``str()`` gives one line per problem, ``path: message``, followed by a hint.
    """

    def __init__(self, problems: list[tuple[str, str]], *, source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        where = f" in {source}" if source else ""
        lines = [f"invalid draft{where}:"]
        lines += [f"  {path}: {msg}" for path, msg in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"  … and {len(self.problems) - 20} more")
        lines.append("Fix the fields named above (see docs/draft-format.md) and try again.")
        super().__init__("\n".join(lines))

    @property
    def path(self) -> str:
        """The JSON path of the first problem, e.g. ``t[2].sg[5].d``."""
        return self.problems[0][0] if self.problems else ""


class MappingError(MusicCogError):
    """A timeline element that cannot be carried between the draft and another format."""


class InputFileError(MusicCogError):
    """A file given by the user that is missing, unreadable, too large or of the wrong kind."""
