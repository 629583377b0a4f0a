"""What every management command of the project shares.

FrenchCommand: argument errors (missing, unknown, invalid value) as one French line, exit
status 2, without argparse's usage dump; from call_command, a CommandError with that line.

atomic_output / write_output: the files a command writes (--output) appear whole or not
at all (temporary file in the same folder, then os.replace), and any OSError becomes a
CommandError in one French line rather than a traceback.
"""

import contextlib
import datetime
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.text import control_character

MISSING_ARGUMENT = "Argument obligatoire manquant : {names}"
MISSING_ARGUMENTS = "Arguments obligatoires manquants : {names}"
INVALID_CHOICE = "Valeur invalide pour {name} : « {value} » (choix possibles : {choices})"
INVALID_VALUE = "Valeur invalide pour {name} : « {value} »"
MISSING_VALUE = "Valeur manquante pour {name}"
UNRECOGNIZED = "Arguments non reconnus : {arguments}"
AMBIGUOUS = "Option ambiguë : {option} (possibilités : {matches})"
INVALID_ARGUMENTS = "Arguments invalides : {message}"
CONTROL_IN_ARGUMENT = "Argument invalide : « {value} » contient un caractère de contrôle ({code})."

CANNOT_WRITE = "Impossible d'écrire « {path} » : {reason}."
WRITE_REASONS = {
    errno.ENOENT: "dossier inexistant",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "espace disque insuffisant",
}

# argparse's messages (Python 3.11 to 3.13), each with its French line.
_ARGPARSE_MESSAGES = [
    (re.compile(r"the following arguments are required: (?P<names>.+)"), None),
    (
        re.compile(
            r"argument (?P<name>.+?): invalid choice: (?P<value>.+?)"
            r" \(choose from (?P<choices>.+)\)"
        ),
        INVALID_CHOICE,
    ),
    (re.compile(r"argument (?P<name>.+?): invalid \w+ value: (?P<value>.+)"), INVALID_VALUE),
    (re.compile(r"argument (?P<name>.+?): expected one argument"), MISSING_VALUE),
    (re.compile(r"unrecognized arguments: (?P<arguments>.+)"), UNRECOGNIZED),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"), AMBIGUOUS),
]


def _unquote(value: str) -> str:
    """'doc' → doc: argparse shows values (and, before 3.12.8, choices) with repr()."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def french_argument_error(message: str) -> str:
    """argparse's error message → one French line."""
    message = " ".join(message.split())
    for pattern, template in _ARGPARSE_MESSAGES:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        fields = match.groupdict()
        if template is None:  # missing arguments: singular or plural
            names = fields["names"]
            return (MISSING_ARGUMENTS if ", " in names else MISSING_ARGUMENT).format(names=names)
        if "value" in fields:
            fields["value"] = _unquote(fields["value"])
        if "choices" in fields:
            fields["choices"] = ", ".join(_unquote(c) for c in fields["choices"].split(","))
        return template.format(**fields)
    return INVALID_ARGUMENTS.format(message=message)


class FrenchCommandParser(CommandParser):
    """A CommandParser whose errors are one French line, without the usage."""

    def error(self, message):
        line = french_argument_error(str(message))
        if self.called_from_command_line:
            self.exit(2, f"{line}\n")
        raise CommandError(line, returncode=2)


class FrenchCommand(BaseCommand):
    """The base class of every command of the project (see the module's docstring)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # BaseCommand builds a CommandParser with no hook for another class; the subclass
        # only overrides error(), so the parser built is adopted as is.
        parser.__class__ = FrenchCommandParser
        return parser

    def execute(self, *args, **options):
        # A control character in an argument (a NUL typed in a reference) would reach a
        # query, which PostgreSQL refuses with a traceback: refused here, in one line.
        for value in [*args, *options.values()]:
            if isinstance(value, str) and (code := control_character(value)):
                raise CommandError(
                    CONTROL_IN_ARGUMENT.format(
                        value=value.encode("unicode_escape").decode("ascii"), code=code
                    )
                )
        return super().execute(*args, **options)


def cannot_write(path, error: OSError) -> str:
    """« Impossible d'écrire « x.pdf » : dossier inexistant. » and so on."""
    reason = WRITE_REASONS.get(error.errno) or error.strerror or str(error)
    return CANNOT_WRITE.format(path=path, reason=reason)


def _file_mode(target: Path, private: bool) -> int:
    """The mode the written file gets: the replaced file's, or a new file's under the umask."""
    if private:
        return 0o600
    with contextlib.suppress(OSError):
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike,
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    private: bool = False,
) -> Iterator[IO]:
    """Yield a file in path's folder that replaces path once the block ends without error.

    An error in the block (a CommandError included) leaves path untouched and removes the
    temporary file. A folder as path, or any OSError, → CommandError in one French line.
    private: the file is readable by its owner only (0600).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    shown = os.fspath(path)
    # Through a symbolic link, the file it points to is replaced, as open() would write it.
    target = Path(os.path.realpath(shown))
    if target.is_dir() or shown.endswith(os.sep):
        code = errno.EISDIR if target.is_dir() else errno.ENOENT
        raise CommandError(cannot_write(shown, OSError(code, os.strerror(code))))
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise CommandError(cannot_write(shown, error)) from error
    try:
        with os.fdopen(handle, mode, encoding=encoding, newline=newline) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _file_mode(target, private))
        os.replace(temporary, target)
    except OSError as error:
        raise CommandError(cannot_write(shown, error)) from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def write_output(path: str | os.PathLike, content: bytes | str, *, private: bool = False):
    """Write bytes, or text as UTF-8, to path through atomic_output."""
    if isinstance(content, bytes):
        with atomic_output(path, "wb", private=private) as file:
            file.write(content)
    else:
        with atomic_output(path, "w", encoding="utf-8", newline="", private=private) as file:
            file.write(content)


# Dates and years given as options: a real day or year, within a plausible span (a day in
# year 9999 overflows the date arithmetic behind it, a year 0 means a typing error).

FIRST_PLAUSIBLE_YEAR = 2000
LAST_PLAUSIBLE_YEAR = 2100
BAD_DATE = "Date invalide pour {option} : « {value} » (format attendu : AAAA-MM-JJ)."
BAD_YEAR = "Exercice invalide pour {option} : « {value} » (une année, ex. 2021)."
IMPLAUSIBLE = "{option} : {value} hors de la période permise ({first} à {last})."


def _plausible(year: int, option: str, value: str) -> None:
    if not FIRST_PLAUSIBLE_YEAR <= year <= LAST_PLAUSIBLE_YEAR:
        raise CommandError(
            IMPLAUSIBLE.format(
                option=option, value=value, first=FIRST_PLAUSIBLE_YEAR, last=LAST_PLAUSIBLE_YEAR
            )
        )


def option_date(value: str | None, option: str) -> datetime.date | None:
    """The day an option gives (AAAA-MM-JJ, ASCII digits), within the plausible years."""
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise CommandError(BAD_DATE.format(option=option, value=value))
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE.format(option=option, value=value)) from None
    _plausible(day.year, option, value)
    return day


def option_year(value: str | None, option: str) -> int | None:
    """The year an option gives (four ASCII digits), within the plausible years."""
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{4}", value):
        raise CommandError(BAD_YEAR.format(option=option, value=value))
    _plausible(int(value), option, value)
    return int(value)
