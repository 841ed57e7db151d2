"""One catalogue of the errors rasd raises, each with a stable code."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RasdError", "InputError", "StoreError", "DataFileError", "ExtractionError", "ExtractionWarning"]


class RasdError(Exception):
    """Base class. ``code`` is stable and safe to match on; ``where`` names the file/line/field."""
    code = "E000"

    def __init__(self, message: str, *, where: str | None = None, code: str | None = None) -> None:
        self.where = where
        if code:
            self.code = code
        super().__init__(f"{where}: {message}" if where else message)


class InputError(RasdError):
    """Input that cannot be read: empty, binary, undecodable, too large, malformed.

    Codes: E101 empty, E102 binary, E103 undecodable, E104 too large, E105 malformed record,
    E106 unsupported format, E107 not found / unreadable, E108 no Arabic text.
    """
    code = "E100"


class DataFileError(RasdError):
    """A lexicon, dictionary or gazetteer file with a bad line (E201)."""
    code = "E201"


class StoreError(RasdError):
    """The event store failed (E300 other database error, E301 connection, E302 disk full/permission,
    E303 integrity, E304 export: Parquet needs pyarrow and a file)."""
    code = "E300"


class ExtractionError(RasdError):
    """A pipeline stage raised on one document (E900); batch runs log it and go on."""
    code = "E900"


@dataclass(frozen=True, slots=True)
class ExtractionWarning:
    """Something the pipeline did not read as written, kept on the Document (``warnings``).

    Codes (the per-document budget of :class:`rasd.options.Options`): W101 a run of letters
    longer than ``max_token_chars`` skipped, W102 a sentence longer than
    ``max_sentence_tokens`` split, W103 the text beyond ``max_document_sentences``
    sentences not extracted from. ``span`` is the first place concerned (original offsets);
    ``count`` how many places the warning stands for.
    """
    code: str
    message: str
    span: tuple[int, int] | None = None
    count: int = 1

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message,
                "span": list(self.span) if self.span else None, "count": self.count}
