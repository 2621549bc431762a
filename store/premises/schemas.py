"""Wire contract of premises: what the API accepts and returns (never the table classes)."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from store.premises.categories import CATEGORIES
from store.premises.models import ZoneKind
from store.wire import Day, NotBool, NotReal, RowId

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
# The number check after the bounds, so the spec keeps them as exclusiveMinimum/maximum (see store.wire.NotBool).
Area = Annotated[float, Field(gt=0, le=100_000, description="Selling area in m² (must be above 0)"), NotReal]
# The spec lists the categories, so a client (and a fuzzer) knows them before the validator says so.
CategoryDoc = WithJsonSchema({"type": "string", "enum": list(CATEGORIES)})
# Likewise the IANA timezones (the validator below still checks; the spec says which names exist).
TimezoneDoc = WithJsonSchema({"type": "string", "enum": sorted(available_timezones()), "examples": ["Asia/Shanghai"]})


def _check_wall_clock(value: time) -> time:
    # Opening hours are the store's wall clock: an offset would be dropped on save, and comparing a time
    # with an offset to one without raises (a 500) instead of saying what is wrong.
    if value.tzinfo is not None:
        raise ValueError("give the store's local time without an offset, e.g. 10:00")
    return value


# A time of day on the store's wall clock. JSON Schema's "time" format requires an offset, so the spec
# states the shape instead.
LocalTime = Annotated[
    time,
    AfterValidator(_check_wall_clock),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
            "examples": ["10:00", "22:30:00"],
        }
    ),
]


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA timezone {value!r} (for example Asia/Shanghai)") from None
    return value


def _check_category(value: str | None) -> str | None:
    if value is not None and value not in CATEGORIES:
        raise ValueError(f"unknown category {value!r}; use one of: {', '.join(CATEGORIES)}")
    return value


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class StoreCreate(BaseModel):
    code: Code
    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field(default="", max_length=120)
    timezone: Annotated[str, TimezoneDoc] = "Asia/Shanghai"
    smart_upgrade_on: Day | None = None
    address: str = Field(default="", max_length=255)

    _tz = field_validator("timezone")(_check_timezone)


class StoreUpdate(BaseModel):
    """Only the fields sent are changed."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    name_en: str | None = Field(default=None, max_length=120)
    timezone: Annotated[str, TimezoneDoc] | None = None
    smart_upgrade_on: Day | None = None
    address: str | None = Field(default=None, max_length=255)

    _tz = field_validator("timezone")(_check_timezone)


class StoreRead(_Read):
    id: int
    code: str
    name: str
    name_en: str
    timezone: str
    smart_upgrade_on: date | None
    address: str


class FloorCreate(BaseModel):
    code: str = Field(min_length=1, max_length=16)
    name: str = Field(min_length=1, max_length=80)
    name_en: str = Field(default="", max_length=80)
    level: Annotated[int, NotBool] = Field(ge=-10, le=200, description="B1 = -1, 1F = 1: sorts floors bottom to top")


class FloorUpdate(BaseModel):
    """Only the fields sent are changed."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    name_en: str | None = Field(default=None, max_length=80)
    level: Annotated[int, NotBool] | None = Field(default=None, ge=-10, le=200)


class FloorRead(_Read):
    id: int
    code: str
    name: str
    name_en: str
    level: int


class ZoneCreate(BaseModel):
    code: Code
    name: str = Field(min_length=1, max_length=80)
    floor_code: str = Field(min_length=1, max_length=16)
    kind: ZoneKind = ZoneKind.selling


class ZoneRead(_Read):
    id: int
    floor_id: int
    code: str
    name: str
    kind: ZoneKind


class ShopCreate(BaseModel):
    code: Code
    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field(default="", max_length=120)
    tenant: str = Field(default="", max_length=120)
    category: Annotated[str, CategoryDoc]
    floor_code: str = Field(min_length=1, max_length=16)
    area_from: Day | None = Field(
        default=None, description="First day the selling area holds (default: opened_on); its first area record"
    )
    selling_area_m2: Area
    opened_on: Day
    closed_on: Day | None = Field(default=None, description="Last trading day; empty while trading")

    _category = field_validator("category")(_check_category)

    # closed_on before opened_on: a rule between two fields the schema cannot state, so the service refuses it
    # (a 400 naming closed_on), as for an update, rather than a 422 for a body the spec calls valid.


class ShopUpdate(BaseModel):
    """Only the fields sent are changed; send ``closed_on: null`` to reopen a shop.

    A new ``selling_area_m2`` is recorded from ``area_from`` (default: the store's today), so the days
    before it keep the area they had; history is never rewritten by a PATCH."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    name_en: str | None = Field(default=None, max_length=120)
    tenant: str | None = Field(default=None, max_length=120)
    category: Annotated[str, CategoryDoc] | None = None
    floor_code: str | None = Field(default=None, min_length=1, max_length=16)
    area_from: Day | None = Field(
        default=None, description="First day of a new selling_area_m2 (default: today); ignored without it"
    )
    selling_area_m2: Area | None = None
    opened_on: Day | None = None
    closed_on: Day | None = None

    _category = field_validator("category")(_check_category)


class ShopRead(_Read):
    id: int
    code: str
    name: str
    name_en: str
    tenant: str
    category: str
    floor_id: int
    selling_area_m2: float
    opened_on: Day
    closed_on: date | None


class ShopPage(BaseModel):
    items: list[ShopRead]
    total: int
    limit: int
    offset: int


class ShopAreaSet(BaseModel):
    """The selling area a shop has from ``effective_on`` until its next record."""

    effective_on: Day
    selling_area_m2: Area


class ShopAreaRead(_Read):
    effective_on: date
    selling_area_m2: float


class HeadcountSet(BaseModel):
    shop_id: RowId | None = Field(default=None, description="Empty for the store's own staff")
    effective_on: Day
    headcount: Annotated[int, NotBool] = Field(ge=0, le=100_000)


class HeadcountRead(_Read):
    id: int
    shop_id: int | None
    effective_on: date
    headcount: int


class HeadcountOn(BaseModel):
    on: date
    shop_id: int | None
    headcount: int


class OpeningHoursSet(BaseModel):
    weekday: Annotated[int, NotBool] = Field(ge=0, le=6, description="0 = Monday")
    opens_at: LocalTime
    closes_at: LocalTime

    # closes_at after opens_at: checked by the service (a 400), since the schema cannot state it.


class OpeningHoursRead(_Read):
    weekday: int
    opens_at: LocalTime
    closes_at: LocalTime
