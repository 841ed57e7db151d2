"""Request bodies and the documented shapes of responses (for /openapi.json)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["DocumentIn", "ErrorBody", "ErrorOut", "EventsPage", "IngestOut"]


class DocumentIn(BaseModel):
    """One article: ``text`` (plain) or ``html`` (a whole page), with optional metadata."""
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="plain article text")
    html: str | None = Field(None, description="an HTML page; the body text is extracted")
    id: str | None = Field(None, max_length=200, description="caller's id (a content hash when omitted)")
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=4000)
    source: str | None = Field(None, max_length=500, description="outlet name")
    published: str | None = Field(None, max_length=10, description="YYYY-MM-DD or YYYYMMDD")

    @model_validator(mode="after")
    def _one_body(self) -> "DocumentIn":
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class EventsPage(BaseModel):
    total: int
    limit: int
    offset: int
    events: list[dict[str, Any]]


class IngestOut(BaseModel):
    document_id: str | None
    status: str = Field(description="new | duplicate")
    reports_added: int = Field(description="the document's reports (one event record each, as extracted)")
    new_events: int = Field(description="de-duplicated events the reports started; the others joined stored events")
    events_added: int = Field(description="the old name of reports_added: counts reports, not events",
                              deprecated="use reports_added (or new_events for de-duplicated events)")
