"""One small exception hierarchy; the web layer maps it to HTTP in one place."""

from __future__ import annotations


class TalentKGError(Exception):
    """Base class. ``code`` is a stable machine-readable identifier, ``status`` the HTTP status."""

    code = "error"
    status = 500

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class LoadError(TalentKGError):
    """A data file cannot be read or parsed (names file, line and column)."""

    code = "unreadable-input"
    status = 500

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.path, self.line, self.column = path, line, column


class ValidationFailed(TalentKGError):
    """The data does not conform to the shapes; carries the report."""

    code = "invalid-data"
    status = 500

    def __init__(self, report: object) -> None:
        super().__init__("the data does not conform to the SHACL shapes")
        self.report = report


class BadRequest(TalentKGError):
    code = "bad-request"
    status = 400


class QuerySyntaxError(BadRequest):
    code = "query-syntax"


class UpdateRefused(TalentKGError):
    code = "read-only"
    status = 403


class ServiceRefused(BadRequest):
    code = "service-not-allowed"


class QueryTooComplex(BadRequest):
    code = "query-too-complex"


class PayloadTooLarge(TalentKGError):
    code = "payload-too-large"
    status = 413


class NotAcceptable(TalentKGError):
    code = "not-acceptable"
    status = 406


class UnsupportedMediaType(TalentKGError):
    code = "unsupported-media-type"
    status = 415


class UnsupportedContentCoding(UnsupportedMediaType):
    """A request body compressed or otherwise encoded (``Content-Encoding``): the endpoint reads plain bodies."""

    code = "unsupported-content-coding"


class QueryTimeout(TalentKGError):
    code = "timeout"
    status = 503


class EngineCrashed(TalentKGError):
    code = "engine-crashed"
    status = 503


class ChartFailed(TalentKGError):
    """A saved query's chart could not be drawn from its results (the saved query's fault, not the client's)."""

    code = "chart-failed"
    status = 500


class QueryEvaluationError(BadRequest):
    code = "query-evaluation"


class NotFound(TalentKGError):
    code = "not-found"
    status = 404


class ServiceFailed(TalentKGError):
    code = "service-failed"
    status = 502


class EngineBusy(TalentKGError):
    code = "busy"
    status = 503


class StoreUnavailable(TalentKGError):
    """The remote engine holding the data cannot be reached, or says it is unavailable."""

    code = "store-unavailable"
    status = 502


class StoreNotCurrent(TalentKGError):
    """The store does not hold the validated data of the files being served (load it first)."""

    code = "store-not-current"
    status = 500
