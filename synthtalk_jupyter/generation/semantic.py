"""Realism by column meaning: detect what a column holds from its name (+ type, + table) and
generate matching values, vectorised (pools built once with Faker, sampled with NumPy / Arrow).

Public API (used by the engine):

- ``semantic_kind(table, column) -> str | None``: e.g. ``"first_name"``, ``"email"``, ``"price"``.
- ``semantic_depends(table, column) -> tuple[str, ...]``: same-table columns to generate first
  (email <- first/last name, updated_at <- created_at, ship_date <- order_date, city <- country ...).
- ``semantic_values(table, column, n, ctx) -> pa.Array | None``: ``None`` when the column has no
  semantic meaning that fits its type; the engine then generates by type. The array's type is one
  the engine casts to the column: ``large_string`` (STRING), ``int64`` (INT), ``float64`` rounded to
  the scale (DECIMAL / FLOAT), ``date32`` (DATE), ``timestamp[us]`` (TIMESTAMP), ``timestamp[us, UTC]``
  (TIMESTAMPTZ), ``bool`` (BOOL). Values usually fit lengths / precisions, but the engine still fits
  them to the type and constraints, and adds NULLs.

ctx fields read: ``rng`` (all per-row randomness), ``locale``, ``temperature``, ``columns`` (already
generated columns of the chunk, by name, case-insensitive), ``pools`` (a ``Pools``; a process-wide
``Pools(seed=0)`` when None), ``seed`` (only to make the low-temperature value sets identical in
every chunk of a column).

Dates are relative to a fixed reference day (``REF_DAY``), not today, so output is reproducible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..schema.model import Column, Kind, Table
from .context import GenContext
from .pools import (
    STATIC,
    Pools,
    _stable_seed,
    ascii_slug,
    compile_template,
    default_pools,
    fill_templates,
    matrix_to_strings,
    random_hex,
    random_uuid,
    strings_to_matrix,
    zipf_indices,
)

REF_DAY = np.datetime64("2025-06-30", "D")  # "today" for generated dates (fixed: reproducible)
US_DAY = 86_400_000_000
_REF_US = int(REF_DAY.astype("datetime64[us]").astype(np.int64))
_SEP = pa.scalar(" ", pa.large_string())
_EMPTY = pa.scalar("", pa.large_string())

STR = frozenset({Kind.STRING})
NUM = frozenset({Kind.INT, Kind.DECIMAL, Kind.FLOAT})
INTS = frozenset({Kind.INT, Kind.DECIMAL})
TIME = frozenset({Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ})

# ------------------------------------------------------------------------------------------
# Name analysis
# ------------------------------------------------------------------------------------------

# short first tokens that carry meaning (never stripped as a table prefix like TPC-H's "c_", "ps_")
_KEEP_SHORT = {
    "is", "has", "can", "ip", "zip", "tax", "due", "web", "sku", "upc", "ean", "dob", "ssn", "url",
    "uri", "id", "no", "num", "qty", "pct", "max", "min", "avg", "sum", "new", "old", "end", "top",
    "sub", "day", "age", "sex", "fax", "job", "pay", "net", "geo", "lat", "lon", "lng", "utc",
    "gmt", "iso", "key", "ref", "vat", "mac", "tel", "to", "from", "on", "at", "by", "of", "per",
    "pos", "amt", "bal", "fee", "tz", "tot", "gpa", "ytd", "mi", "url", "img", "doc", "msg", "pwd",
    "all", "the", "dep", "last", "first", "full", "user", "home", "work", "cell", "date", "time",
    "year", "unit", "list", "ship", "mkt", "api", "sms",
}


def _tokens(name: str) -> list[str]:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return [t for t in re.split(r"[^A-Za-z0-9]+", s.lower()) if t]


def _norm(name: str) -> str:
    toks = _tokens(name)
    if len(toks) >= 2 and len(toks[0]) <= 3 and toks[0].isalpha() and toks[0] not in _KEEP_SHORT:
        toks = toks[1:]
    return "_".join(toks)


def _singular(w: str) -> str:
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "ches", "shes", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def _entity(table: Table) -> str:
    toks = _tokens(table.name)
    return _singular(toks[-1]) if toks else ""


_PERSON_ENTITIES = {
    "customer", "employee", "staff", "person", "people", "user", "member", "student", "instructor",
    "teacher", "professor", "physician", "patient", "nurse", "doctor", "actor", "artist", "author",
    "contact", "client", "manager", "reviewer", "owner", "driver", "passenger", "player", "guest",
    "worker", "agent", "salesperson", "candidate", "applicant", "director", "writer", "musician",
    "singer", "composer", "subscriber", "account", "buyer", "seller", "tenant", "visitor", "clerk",
    "rep", "representative", "coach", "athlete", "pilot", "volunteer", "donor", "resident", "emp",
}
_COMPANY_ENTITIES = {
    "supplier", "vendor", "company", "store", "shipper", "manufacturer", "publisher", "brand",
    "organization", "organisation", "bank", "carrier", "warehouse", "center", "centre", "agency",
    "firm", "partner", "distributor", "merchant", "retailer", "employer", "school", "university",
    "college", "hospital", "team", "club", "chain", "business", "insurer", "provider", "site",
}
_PRODUCT_ENTITIES = {"product", "part", "item", "medication", "drug", "good", "article", "sku", "model",
                     "procedure", "service", "component", "ingredient", "dish", "menu", "plan"}
_TITLE_ENTITIES = {"film", "movie", "album", "book", "track", "song", "playlist", "course", "show",
                   "episode", "game", "project", "event", "campaign", "report", "document", "video",
                   "podcast", "article", "post", "program", "class", "subject", "lesson", "task",
                   "title"}
_CATEGORY_ENTITIES = {"category", "genre", "type", "class", "segment", "group", "tag", "kind",
                      "media_type", "mediatype", "format", "reason", "method", "mode", "level"}


@dataclass(frozen=True)
class _Det:
    kind: str
    p: tuple = ()  # extra parameters as (key, value) pairs

    def get(self, key: str, default: Any = None) -> Any:
        for k, v in self.p:
            if k == key:
                return v
        return default


def _m(pattern: str, s: str) -> bool:
    return re.search(pattern, s) is not None


def _strlen(col: Column) -> int | None:
    return col.type.length if col.type.kind == Kind.STRING else None


def _detect(table: Table, column: Column) -> _Det | None:  # noqa: C901 (one flat rule list)
    k = column.type.kind
    if column.is_generated or k in (Kind.ENUM, Kind.SET, Kind.ARRAY, Kind.JSON, Kind.BYTES,
                                    Kind.GEOMETRY, Kind.OTHER, Kind.UUID, Kind.INTERVAL, Kind.TIME):
        return None
    raw = column.name
    s = _norm(raw)
    full = "_".join(_tokens(raw))
    ent = _entity(table)
    L = _strlen(column)
    isstr = k == Kind.STRING
    istime = k in TIME
    isnum = k in NUM

    def D(kind: str, **p: Any) -> _Det:
        return _Det(kind, tuple(sorted(p.items())))

    if not s:
        return None
    # ---- things that are strings by nature --------------------------------------------
    if isstr:
        if _m(r"e_?mail", s) and not _m(r"(promotion|opt|flag|verified|confirmed|status)$", s) \
                and (L is None or L >= 6):  # TPC-DS p_channel_email CHAR(1) is a Y/N flag
            return D("email")
        if _m(r"(^|_)(password|passwd|pwd|pass_?hash|password_?hash|password_?salt|hash|salt|checksum|digest|token|md5|sha\d*|secret)$", s):
            return D("hash")
        if _m(r"(^|_)(uuid|guid|rowguid|row_guid)$", s):
            return D("uuid")
        if _m(r"(^|_)(ip|ip_?address|ipv4|ip_?addr|client_?ip|remote_?addr|host_?ip|ip_?v4)$", s):
            return D("ip")
        if _m(r"(^|_)mac(_?address|_?addr)?$", s):
            return D("mac")
        if _m(r"(url|uri|website|web_?site|homepage|home_?page|web_?page|web_?address|(^|_)link|(^|_)site)$", s):
            return D("url")
        if _m(r"(file_?name|filename|(^|_)path|photo_?path|image_?path)$", s):
            return D("file_name")
        if _m(r"mime(_?type)?$|content_?type$", s):
            return D("mime_type")
        if _m(r"(^|_)(charset|encoding)$", s):
            return D("charset")
        if _m(r"(^|_)(user_?name|login|screen_?name|nick_?name|handle|user|database_?user)$", s):
            return D("username")
        if _m(r"(^|_)(first|given|fore)_?name$|(^|_)fname$", s):
            return D("first_name")
        if _m(r"(^|_)(last|sur|family)_?name$|(^|_)lname$|^surname$", s):
            return D("last_name")
        if _m(r"(^|_)middle_?(name|initial)$|(^|_)(mi|middle|middle_?init)$", s):
            return D("middle_name", initial=(L is not None and L <= 2) or "initial" in s or s == "mi")
        if _m(r"(^|_)(title_of_courtesy|salutation|courtesy_?title|honorific|name_?prefix|suffix)$", s):
            return D("salutation")
        if _m(r"(^|_)(job_?title|contact_?title|position|job|occupation|designation|role|job_?name|profession)$", s):
            return D("job_title")
        if _m(r"(^|_)title$", s):
            if ent in ("employee", "staff", "person", "contact", "emp", "job", "title", "user", "member", "worker"):
                return D("salutation") if (L is not None and L <= 8) else D("job_title")
            if L is not None and L <= 8:
                return D("salutation")
            return D("title")
        if _m(r"(^|_)(full|contact|person|customer|client|staff|employee|emp|student|patient|author|"
              r"reviewer|owner|member|display|ship|recipient|consignee|sender|receiver|instructor|"
              r"teacher|physician|doctor|nurse|driver|passenger|guest|account_?holder|card_?holder|"
              r"beneficiary|signatory|rep|agent|representative)_?name$", s):
            return D("full_name")
        if _m(r"(^|_)(manager|market_?manager|clerk|composer|contact|author|recipient|salesperson|"
              r"reviewer|representative|director|lyricist|writer|attendant|cashier)$", s):
            return D("full_name")
        if _m(r"(^|_)(company|company_?name|supplier(_?name)?|vendor(_?name)?|store_?name|shipper(_?name)?|"
              r"organi[sz]ation(_?name)?|org_?name|employer|business_?name|firm|brand|brand_?name|"
              r"manufacturer|manufact|mfgr|publisher|carrier|warehouse_?name|chain_?name|"
              r"division_?name|bank_?name|school_?name|agency|company_?name|insurer|airline|"
              r"hospital_?name|university|institution)$", s):
            return D("company")
        if _m(r"(^|_)(dept|department|department_?name|dept_?name|division)$", s):
            return D("department")
        if _m(r"(^|_)(product|item|part|article|goods|medication|drug)_?name$|(^|_)(product|product_?title)$", s):
            return D("product_name")
        if _m(r"(^|_)(genre|genre_?name)$", s):
            return D("genre")
        if _m(r"(^|_)(mkt_?segment|segment|market_?segment)$", s):
            return D("segment")
        if _m(r"(^|_)(category|categories|category_?name|sub_?category|product_?category|class|"
              r"classification|group_?name|product_?line|line|product_?group|item_?class)$", s):
            return D("category")
        if _m(r"(^|_)(payment_?(type|method|mode)|pay_?method|payment_?method_?code)$", s):
            return D("payment_method", short=L is not None and L <= 10)
        if _m(r"(^|_)card_?type$", s):
            return D("card_type")
        if _m(r"(^|_)ship_?mode$|(^|_)shipping_?method$|(^|_)ship_?method$", s):
            return D("ship_mode")
        if _m(r"(^|_)(shift|sub_?shift)$", s):
            return D("shift")
        if _m(r"(^|_)(currency|currency_?code|ccy|iso_?currency|currency_?iso)$", s):
            return D("currency_code")
        if _m(r"(^|_)(locale|culture|culture_?id|locale_?code|language_?tag)$", s):
            return D("locale_code")
        if _m(r"(^|_)(language|lang|language_?name|language_?code|lang_?code|spoken_?language)$", s):
            return D("language_code") if ((L is not None and L <= 3) or s.endswith("code")) else D("language")
        if _m(r"(^|_)(day_?name|weekday|weekday_?name|day_?of_?week)$", s):
            return D("weekday")
        if _m(r"(^|_)(time_?zone|tz|tz_?name|timezone_?name)$", s):
            return D("timezone")
        if _m(r"(^|_)(colou?r|colou?r_?name)$", s):
            return D("color")
        if _m(r"(^|_)(gender|sex|staff_?gender)$", s):
            return D("gender", short=L is not None and L <= 1)
        if _m(r"(^|_)marital(_?status)?$", s):
            return D("marital_status", short=L is not None and L <= 1)
        if _m(r"(^|_)education(_?status|_?level)?$", s):
            return D("education")
        if _m(r"(^|_)(unit_?measure_?code|uom|unit_?of_?measure|unit_?measure|units|unit)$", s):
            return D("unit")
        if _m(r"(^|_)(isbn|isbn_?13|isbn_?10)$", s):
            return D("isbn")
        if _m(r"(^|_)(sku|upc|ean|barcode|gtin|bar_?code)$", s):
            return D("barcode" if s.split("_")[-1] in ("upc", "ean", "barcode", "gtin", "code") else "sku")
        if _m(r"(^|_)(extension|ext|phone_?ext)$", s):
            return D("phone_extension")
        if _m(r"(phone|telephone|(^|_)tel|mobile|cell|(^|_)fax|fax_?number|contact_?number|msisdn|phone_?number)$", s):
            return D("phone")
        if _m(r"(^|_)(address_?(line)?_?2|addr_?2|address2|suite(_?number)?|apartment|apt|unit_?number|secondary_?address)$", s):
            return D("address2")
        if _m(r"(^|_)(street_?number|house_?number|building_?number|house_?no|street_?no)$", s):
            return D("building_number")
        if _m(r"(^|_)street_?name$", s):
            return D("street_name")
        if _m(r"(^|_)(street_?type|street_?suffix)$", s):
            return D("street_suffix")
        if _m(r"(postal_?code|post_?code|(^|_)zip|zip_?code|zip_?postal_?code|postcode|(^|_)plz|pin_?code)$", s):
            return D("postal_code")
        if _m(r"(^|_)(address|address_?(line)?_?1|addr|addr_?1|street|street_?address|physical_?address|"
              r"delivery_?address|billing_?address|ship_?address|shipping_?address|mailing_?address|"
              r"home_?address|address_?details|customer_?address|store_?address|location_?address|"
              r"address_?line|residence|street_?line_?1)$", s):
            return D("street_address")
        if _m(r"(^|_)(city|town|city_?name|municipality|locality|billing_?city|ship_?city)$", s):
            return D("city")
        if _m(r"(^|_)county$", s):
            return D("county")
        if _m(r"(^|_)(country_?code|country_?iso|iso_?country|iso_?2|iso_?3|iso_?code|country_?region_?code|nation_?code)$", s) \
                or (_m(r"(^|_)(country|country_?id|nation)$", s) and L is not None and L <= 3):
            return D("country_code", alpha=3 if (L == 3) else 2)
        if _m(r"(^|_)(country|country_?name|nation|nation_?name|country_?region|birth_?country|"
              r"billing_?country|ship_?country|ship_?country_?region|citizenship|nationality)$", s):
            return D("country")
        if _m(r"(^|_)(state_?abbr|state_?code|province_?code)$", s) or (
                _m(r"(^|_)(state|province)$", s) and L is not None and L <= 3):
            return D("state_abbr")
        if _m(r"(^|_)(state|province|state_?province|state_?name|prefecture|canton|bundesland|"
              r"administrative_?area|billing_?state|ship_?state(_?province)?|district)$", s):
            return D("state")
        if _m(r"(^|_)(region|ship_?region|territory|territory_?description|region_?description|"
              r"region_?name|state_?region|sales_?region|geography_?class)$", s):
            addressy = ent in _PERSON_ENTITIES or ent in _COMPANY_ENTITIES or ent == "order" or any(
                _m(r"(city|address|postal|zip)", _norm(c.name)) for c in table.columns)
            if addressy and _m(r"(^|_)(region|ship_?region)$", s):
                return D("state")
            return D("world_region")
        if _m(r"(^|_)(order_?status|shipment_?status|order_?status_?code|delivery_?status|shipping_?status|orderstatus)$", s):
            return D("status", orders=True, short=L is not None and L <= 2)
        if _m(r"(^|_)(status|status_?name|status_?code|state_?code|stage|phase|line_?status|linestatus)$", s):
            return D("status", orders=ent in ("order", "shipment", "invoice", "delivery"),
                     short=L is not None and L <= 2)
        if _m(r"(priority|orderpriority|order_?priority|urgency)$", s):
            return D("priority")
        if _m(r"(^|_)(rating|grade|credit_?rating|score|rank|stars)$", s):
            return D("rating")
        if _m(r"(^|_)(type|kind|location_?type|room_?type|customer_?type|product_?type|account_?type|"
              r"\w+_type(_code)?|type_code|\w+_type_id)$", s) and not s.endswith("_id"):
            return D("type_label")
        if _m(r"(^|_)(is|has|can|should|was)_\w+$|(^|_)\w*_flag$|^flag$|(^|_)(active|enabled|deleted|archived|"
              r"verified|registered|unavailable|discontinued|primary|approved|published|visible|"
              r"hidden|locked|blocked|subscribed|holiday|weekend|following_?holiday|current_?(day|week|month|quarter|year)|"
              r"online|available|preferred_?\w*|returnflag|return_?flag|default)$", s) and (L is None or L <= 5):
            return D("flag", p_true=_flag_p(s))
        if _m(r"(^|_)(description|desc|descr|comment|comments|note|notes|remark|remarks|text|body|"
              r"content|message|summary|details|detail|about|bio|biography|review|review_?text|"
              r"feedback|instructions?|shipinstruct|ship_?instruct|memo|abstract|caption|"
              r"explanation|reason|error_?message|market_?desc|purpose|tsql)$", s):
            return D("text")
        if _m(r"(^|_)(name)$", s):
            return _name_by_entity(table, column, ent)
        if _m(r"(^|_)(ssn|social_?security(_?number)?|national_?id(_?number)?|tax_?id|passport(_?number)?)$", s):
            return D("code", fmt="ssn" if "ssn" in s or "social" in s else None)
        if _m(r"(card_?number|credit_?card(_?number)?|cc_?number|card_?no)$", s):
            return D("code", fmt="card")
        if _m(r"(^|_)(code|_no|no|number|num|nbr|ref|reference|account|acct|serial|serial_?number|"
              r"plate|license|licence|tracking|tracking_?number|account_?number|invoice_?number|"
              r"order_?number|id|key|sk|identifier|hours)$", s) or s.endswith("_id") or s.endswith("_code"):
            if s.endswith("hours"):
                return D("hours")
            return D("code")
        if _m(r"(^|_)version$", s):
            return D("version")
        return None

    # ---- numbers ------------------------------------------------------------------------
    if isnum:
        if _m(r"(^|_)(id|key|sk|no|num|nbr|pk|fk|seq|index|idx)$", s) or s.endswith("_id") or s.endswith("key") \
                or column.identity:
            return None
        if _m(r"(^|_)(lat|latitude)$", s):
            return D("latitude")
        if _m(r"(^|_)(lon|lng|long|longitude)$", s):
            return D("longitude")
        if _m(r"gmt_?offset|utc_?offset|tz_?offset", s):
            return D("gmt_offset")
        if _m(r"(^|_)(salary|salaries|wage|wages|annual_?salary|base_?salary|min_?salary|max_?salary|"
              r"income|annual_?income|compensation|yearly_?income)$", s):
            return D("salary", which="min" if "min" in s else ("max" if "max" in s else None))
        if _m(r"(discount|pct|percent|percentage|precentage|ratio|commission_?pct|tax_?rate|"
              r"interest_?rate|vat_?rate|commission_?rate|markup|margin_?rate|tax_?percentage|share)$", s) \
                or (_m(r"(^|_)(tax|rate)$", s) and k != Kind.INT and _int_digits(column) <= 1) \
                or (_m(r"rate$", s) and not _m(r"(rental|hourly|pay|cost|daily|nightly|room|end_?of_?day|average|exchange)_?rate$", s)
                    and _int_digits(column) <= 1):
            pct = ("percent" in s or "precentage" in s or "pct" in s) and (k == Kind.INT or _int_digits(column) >= 3)
            return D("ratio", pct=pct or k == Kind.INT, disc="discount" in s)
        if _m(r"(^|_)(rating|score|stars|grade|credit_?rating|rank)$", s):
            return D("rating")
        if _m(r"(^|_)(age|age_?years|years_?old)$", s):
            return D("age")
        if _m(r"(birth_?year|year_?of_?birth)$", s):
            return D("year", lo=1935, hi=2007)
        if _m(r"(^|_)(release_?year|year_?released|publication_?year|published_?year|model_?year|production_?year)$", s):
            return D("year", lo=1970, hi=2025)
        if _m(r"(^|_)(exp_?year|expiry_?year|expiration_?year)$", s):
            return D("year", lo=2025, hi=2032)
        if _m(r"(^|_)(year|yr|fiscal_?year|fy_?year|academic_?year|season)$", s):
            return D("year", lo=2000, hi=2025)
        if _m(r"(^|_)(month|moy|exp_?month|birth_?month|expiry_?month)$", s) and k != Kind.FLOAT:
            return D("small_int", lo=1, hi=12)
        if _m(r"(^|_)(day|dom|birth_?day|day_?of_?month)$", s) and k != Kind.FLOAT:
            return D("small_int", lo=1, hi=28)
        if _m(r"(^|_)(dow|day_?of_?week|weekday)$", s):
            return D("small_int", lo=0, hi=6)
        if _m(r"(^|_)(hour|hr|start_?hr|end_?hr)$", s):
            return D("small_int", lo=0, hi=23)
        if _m(r"(^|_)(minute|min|start_?min|end_?min|second|sec)$", s) and k != Kind.FLOAT:
            return D("small_int", lo=0, hi=59)
        if _m(r"(rental_?duration|duration_?days|loan_?days|lead_?time|lead_?time_?days)$", s):
            return D("quantity", big=False)
        if _m(r"(milliseconds|millis|duration_?ms|length_?ms)$", s):
            return D("measure", median=240_000, sigma=0.35, lo=30_000)
        if _m(r"(^|_)(length|duration|runtime|running_?time|minutes)$", s):
            return D("measure", median=110, sigma=0.25, lo=45)
        if _m(r"(^|_)(bytes|file_?size|size_?bytes)$", s):
            return D("measure", median=8_000_000, sigma=0.5, lo=100_000)
        if _m(r"(sq_?ft|floor_?space|square_?feet|area|surface)$", s):
            return D("measure", median=40_000, sigma=0.6, lo=500)
        if _m(r"(weight|mass)$", s):
            return D("measure", median=5, sigma=1.0, lo=0.1)
        if _m(r"(^|_)(budget|revenue|sales_?ytd|sales_?last_?year|turnover|market_?cap|capital)$", s):
            return D("amount", median=500_000, sigma=1.0)
        if _m(r"(^|_)(credit_?limit|limit|purchase_?estimate|quota|sales_?quota)$", s):
            return D("amount", median=5_000, sigma=0.8)
        if _m(r"(freight|shipping|shipping_?fee|ship_?cost|delivery_?fee|postage|handling)$", s):
            return D("amount", median=25, sigma=0.9)
        if _m(r"(^|_)(tax|taxes|tax_?amt|tax_?amount|vat|vat_?amount|bonus|commission|tip)$", s):
            return D("amount", median=20, sigma=1.0)
        if _m(r"(price|cost|(^|_)fee|charge|msrp|(^|_)rate|rental_?rate|hourly_?rate|pay_?rate|"
              r"end_?of_?day_?rate|average_?rate|exchange_?rate)$", s):
            if _m(r"(average|end_?of_?day|exchange)_?rate$", s):
                return D("price", median=1.2, sigma=0.8)
            if _m(r"(total|extended)_?price$|totalprice$|extendedprice$", s):
                return D("amount", median=150, sigma=1.1)
            return D("price", median=25, sigma=1.0)
        if _m(r"(total|amount|amt|balance|bal|acctbal|acct_?bal|subtotal|sub_?total|sales|value|"
              r"payment|paid|due|debit|credit|profit|net|gross|total_?due|amount_?due|"
              r"payment_?amount|deposit|withdrawal|spend|spent|loss|premium|refund|income)$", s):
            return D("amount", median=120, sigma=1.1)
        if _m(r"(qty|quantity|quantities|(^|_)units|count|cnt|stock|in_?stock|units_?in_?stock|"
              r"units_?on_?order|on_?hand|avail_?qty|availqty|inventory|reorder_?level|"
              r"target_?level|reorder_?point|safety_?stock_?level|(^|_)items|copies|pages|"
              r"seats|capacity|(^|_)size|employees|number_?employees|dep_?count|tot_?cred|credits|"
              r"duration_?days|rental_?duration|lead_?time|days|nights|guests|persons|children)$", s):
            big = _m(r"(stock|inventory|on_?hand|avail|level|point|capacity|employees|pages|seats)", s)
            return D("quantity", big=big)
        if _m(r"(^|_)(status|state|stage)$", s) and k == Kind.INT:
            return D("small_int", lo=1, hi=5, zipf=True)
        if _m(r"(^|_)(is|has|can|should|was)_\w+$|(^|_)\w*_flag$|^flag$|(^|_)(active|enabled|deleted|archived|"
              r"verified|registered|unavailable|discontinued|primary|approved|published|visible|"
              r"hidden|locked|blocked|subscribed|online|available|default)$", s) and k == Kind.INT:
            return D("flag", p_true=_flag_p(s))
        return None

    # ---- bool ---------------------------------------------------------------------------
    if k == Kind.BOOL:  # every boolean is a flag; the name only sets how often it is true
        return D("flag", p_true=_flag_p(s))

    # ---- dates and times ----------------------------------------------------------------
    if istime:
        if _m(r"(birth_?date|date_?of_?birth|(^|_)dob|birthday|(^|_)born(_?on)?|birth_?dt)$", s):
            return D("birth_date")
        if _m(r"(hire_?date|hired_?(at|on)|employment_?date|date_?hired|joining_?date|join_?date|joined_?(at|on))$", s):
            return D("hire_date")
        if _m(r"((^|_)created|create_?date|created_?(at|on|date|time|ts|dt)|creation_?(date|time)|"
              r"date_?created|insert(ed)?_?(at|date|ts)|registered_?(at|on)|registration_?date|"
              r"signup_?date|sign_?up_?date|post_?time|created_?date|date_?added|added_?(at|on))$", s):
            return D("created_at")
        if _m(r"((^|_)updated|update_?date|updated_?(at|on|date|time|ts|dt)|(^|_)modified|"
              r"modified_?(at|on|date|time|ts)|modify_?date|last_?update(d)?|last_?modified|"
              r"date_?modified|date_?updated|changed_?(at|on)|(^|_)mtime|last_?change(d)?|"
              r"modified_?date|last_?updated_?(at|on))$", s):
            return D("updated_at")
        if _m(r"(ship_?date|shipped_?(date|at|on)|shipping_?date|dispatch(ed)?_?(date|at)|shipdate)$", s):
            return D("ship_date")
        if _m(r"(delivery_?date|delivered_?(at|on|date)|receipt_?date|received_?(date|at|on)|"
              r"date_?received|arrival_?date|receiptdate)$", s):
            return D("delivery_date")
        if _m(r"(due_?date|required_?date|expected_?date|commit_?date|commitdate|deadline|"
              r"expected_?delivery(_?date)?|promised_?date)$", s):
            return D("due_date")
        if _m(r"(return_?date|returned_?(at|on|date)|date_?returned)$", s):
            return D("return_date")
        if _m(r"(paid_?date|payment_?date|paid_?(at|on)|date_?paid|approved_?date|approved_?(at|on))$", s) \
                and _anchor_candidates(table, column, ("order_date",)):
            return D("paid_date")
        if _m(r"(order_?date|ordered_?(at|on)|order_?(tms|time|ts|datetime|dt)|orderdate|purchase_?date|"
              r"invoice_?date|sale_?date|sales_?date|transaction_?date|rental_?date|payment_?date|"
              r"booking_?date|placed_?(at|on)|submitted_?date|date_?placed|paid_?date|review_?date|"
              r"quota_?date|rate_?change_?date|currency_?rate_?date)$", s):
            return D("order_date")
        if _end_start_partner(table, column) is not None:
            return D("end_date")
        if _m(r"((^|_)(start|begin|from|valid_?from|effective|opened|open)(_?(date|time|dt|ts|at|on))?$|"
              r"(start|begin)_?date|date_?from|date_?(\w+_)?from|from_?date|on_?call_?start|stay_?start|"
              r"certification_?date|rec_?start_?date)$", s):
            return D("start_date")
        if _m(r"((^|_)(end|finish|until|to|valid_?to|expires?|expir\w*|closed|close)(_?(date|time|dt|ts|at|on))?$|"
              r"(end|finish)_?date|date_?(\w+_)?to|to_?date)$", s):
            return D("end_date")
        return D("event_time")
    return None


def _int_digits(col: Column) -> int:
    t = col.type
    if t.kind == Kind.DECIMAL and t.precision:
        return t.precision - (t.scale or 0)
    if t.kind == Kind.INT:
        return 3
    return 2  # FLOAT: either


def _flag_p(s: str) -> float:
    if _m(r"(deleted|archived|unavailable|discontinued|blocked|locked|hidden|holiday|weekend|"
          r"following_?holiday|current_\w+|returnflag|return_?flag|vip|default|is_?test|suspended)$", s):
        return 0.1
    if _m(r"(active|enabled|verified|registered|available|visible|published|approved|primary|online|"
          r"salaried|makeflag|activebool|finished_?goods_?flag|affiliation|style)$", s):
        return 0.85
    return 0.5


def _name_by_entity(table: Table, column: Column, ent: str) -> _Det | None:
    toks = _tokens(table.name)
    tn = "_".join(toks)
    if ent in _PERSON_ENTITIES or tn.endswith(("customer", "employee", "person")):
        if ent == "artist":
            return _Det("company")  # bands and artists: company-like names read fine
        return _Det("full_name")
    if ent in ("country", "nation", "country_region", "countryregion") or tn.endswith("country_region"):
        return _Det("country")
    if ent == "city":
        return _Det("city")
    if ent in ("state", "province", "state_province"):
        return _Det("state")
    if ent in ("region", "territory", "area", "zone", "continent"):
        return _Det("world_region")
    if ent in ("department", "dept"):
        return _Det("department")
    if ent in ("language", "culture"):
        return _Det("language")
    if ent == "currency":
        return _Det("currency_name")
    if ent in ("genre",):
        return _Det("genre")
    if ent in ("shift",):
        return _Det("shift")
    if ent in _COMPANY_ENTITIES or "center" in tn or "store" in tn:
        return _Det("company")
    if ent in _PRODUCT_ENTITIES:
        return _Det("product_name")
    if ent in _TITLE_ENTITIES:
        return _Det("title")
    if ent in _CATEGORY_ENTITIES or tn.endswith("type") or tn.endswith("reason") or tn.endswith("method"):
        return _Det("category" if ent == "category" else "type_label")
    return _Det("title")  # a generic, human-looking label


def _end_start_partner(table: Table, column: Column) -> str | None:
    """The start column an end/to/expiry column pairs with (EndDate -> StartDate, to_date -> from_date)."""
    toks = _tokens(column.name)
    subs = {"end": "start", "to": "from", "finish": "start", "until": "from", "expires": "date",
            "expiry": "start", "expiration": "start", "ended": "started", "closed": "opened",
            "close": "open", "stop": "start", "out": "in", "checkout": "checkin"}
    cands = []
    for i, t in enumerate(toks):
        if t in subs:
            cands.append("_".join(toks[:i] + [subs[t]] + toks[i + 1:]))
            if t == "expires":
                cands.append("_".join(toks[:i] + toks[i + 1:] + ["date"]))
    if not cands:
        return None
    by_norm = {"_".join(_tokens(c.name)): c.name for c in table.columns if c.name != column.name}
    for cand in cands:
        if cand in by_norm and table.column(by_norm[cand]).type.kind in TIME:
            return by_norm[cand]
    return None


def _anchor_candidates(table: Table, column: Column, kinds: tuple[str, ...]) -> list[str]:
    out = []
    for want in kinds:
        for c in table.columns:
            if c.name == column.name or c.type.kind not in TIME:
                continue
            d = _detect_cached(table, c, allow_paid=False)
            if d is not None and d.kind == want:
                out.append(c.name)
    return out


def _detect_cached(table: Table, column: Column, allow_paid: bool = True) -> _Det | None:
    if not allow_paid:
        # avoid recursion through the paid_date rule
        s = _norm(column.name)
        if _m(r"(paid_?date|payment_?date|paid_?(at|on)|date_?paid|approved_?date|approved_?(at|on))$", s):
            return _Det("order_date") if _m(r"payment_?date$", s) else None
    return _detect(table, column)


# ------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------


def semantic_kind(table: Table, column: Column) -> str | None:
    """What the column holds, judged from its name, type and table (None: nothing specific)."""
    d = _detect(table, column)
    if d is None:
        return None
    spec = KINDS.get(d.kind)
    if spec is None or column.type.kind not in spec.types:
        return None
    return d.kind


_NAME_KINDS = ("first_name", "last_name", "full_name")
_GEO_FOLLOWERS = {"city", "state", "state_abbr", "postal_code", "street_address", "phone"}
_AFTER = {  # kind -> anchor kinds, in preference order
    "updated_at": ("created_at",),
    "ship_date": ("order_date",),
    "delivery_date": ("ship_date", "order_date"),
    "due_date": ("order_date", "ship_date"),
    "return_date": ("delivery_date", "ship_date", "order_date"),
    "paid_date": ("order_date",),
    "hire_date": ("birth_date",),
}


def semantic_depends(table: Table, column: Column) -> tuple[str, ...]:
    """Columns of the same table to generate before this one (their values are read from ctx.columns)."""
    kind = semantic_kind(table, column)
    if kind is None:
        return ()
    deps: list[str] = []
    if kind in ("email", "username"):
        found = {k: _find_kind(table, column, (k,)) for k in _NAME_KINDS}
        if found["first_name"] or found["last_name"]:
            deps += [x for x in (found["first_name"], found["last_name"]) if x]
        elif found["full_name"]:
            deps.append(found["full_name"])
        if kind == "email" and not deps:
            u = _find_kind(table, column, ("username",))
            if u:
                deps.append(u)
    elif kind in _AFTER:
        anchors = _anchor_candidates(table, column, _AFTER[kind])
        if anchors:
            deps.append(anchors[0])
    elif kind == "end_date":
        partner = _end_start_partner(table, column)
        if partner is None:
            starts = _anchor_candidates(table, column, ("start_date",))
            partner = starts[0] if len(starts) == 1 else None
        if partner:
            deps.append(partner)
    elif kind in _GEO_FOLLOWERS:
        c = _find_kind(table, column, ("country", "country_code"))
        if c:
            deps.append(c)
    return tuple(d for d in deps if d != column.name)


def _find_kind(table: Table, column: Column, kinds: tuple[str, ...]) -> str | None:
    for c in table.columns:
        if c.name == column.name or c.is_generated:
            continue
        if semantic_kind(table, c) in kinds:
            return c.name
    return None


def semantic_values(table: Table, column: Column, n: int, ctx: GenContext) -> pa.Array | None:
    """``n`` realistic values for the column, or None when it has no fitting meaning."""
    d = _detect(table, column)
    if d is None:
        return None
    spec = KINDS.get(d.kind)
    if spec is None or column.type.kind not in spec.types:
        return None
    n = int(n)
    g = _Gen(table, column, d, ctx)
    if n <= 0:
        return g.empty()
    temp = g.temp
    if not spec.pooled and temp < 1.0 and not g.deps_present():
        # low temperature: a small set of values, identical in every chunk, sampled with skew
        k = max(2, int(round(spec.base * 8 ** (temp - 1.0))))
        if k < n:
            prng = np.random.default_rng(_stable_seed(ctx.seed, table.key or table.name, column.name, "lowT"))
            small = spec.fn(g.with_rng(prng), k)
            idx = zipf_indices(k, n, 1.0 + (1.0 - temp), ctx.rng)
            return small.take(pa.array(idx))
    return spec.fn(g, n)


# ------------------------------------------------------------------------------------------
# Generators
# ------------------------------------------------------------------------------------------


class _Gen:
    """Per-call state: the column, its detection, the context, and helpers."""

    def __init__(self, table: Table, column: Column, det: _Det, ctx: GenContext, rng: np.random.Generator | None = None):
        self.table, self.column, self.det, self.ctx = table, column, det, ctx
        self.rng = rng if rng is not None else ctx.rng
        self.locale = ctx.locale or "en_US"
        self.temp = float(min(2.0, max(0.0, ctx.temperature if ctx.temperature is not None else 1.0)))
        self.pools: Pools = ctx.pools if isinstance(ctx.pools, Pools) else default_pools()
        self.t = column.type

    def with_rng(self, rng: np.random.Generator) -> "_Gen":
        return _Gen(self.table, self.column, self.det, self.ctx, rng)

    # -- context ------------------------------------------------------------------------
    def dep(self, name: str) -> pa.Array | None:
        cols = self.ctx.columns or {}
        arr = cols.get(name)
        if arr is None:
            low = name.lower()
            for k, v in cols.items():
                if k.lower() == low:
                    arr = v
                    break
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        return arr

    def deps_present(self) -> bool:
        return any(self.dep(d) is not None for d in semantic_depends(self.table, self.column))

    def empty(self) -> pa.Array:
        return pa.array([], type=_out_type(self.t))

    # -- sampling -----------------------------------------------------------------------
    def size(self, base: int, lo: int = 2) -> int:
        return max(lo, int(round(base * 8 ** (self.temp - 1.0))))

    def skew(self, s_base: float) -> float:
        return max(0.0, s_base * (2.0 - self.temp))

    def pool(self, kind: str, base: int = 1000, locale: str | None = None) -> pa.Array:
        return self.pools.get(kind, locale or self.locale, self.size(base))

    def sample(self, pool: pa.Array, n: int, s_base: float = 1.0) -> pa.Array:
        idx = zipf_indices(len(pool), n, self.skew(s_base), self.rng)
        return pool.take(pa.array(idx))

    def pick(self, kind: str, n: int, base: int = 1000, s_base: float = 1.0) -> pa.Array:
        return self.sample(self.pool(kind, base), n, s_base)

    def templates(self, kind: str, n: int, base: int = 1000, locale: str | None = None,
                  s_base: float = 0.3) -> pa.Array:
        mat, lens = self.pools.get_templates(kind, locale or self.locale, self.size(base))
        idx = zipf_indices(len(lens), n, self.skew(s_base), self.rng)
        return fill_templates(mat, lens, idx, self.rng)

    def by_country(self, n: int, make: Callable[[str, int, np.random.Generator], pa.Array]) -> pa.Array:
        """Values per row following the row's country (city <- country), else the ctx locale."""
        deps = semantic_depends(self.table, self.column)
        country = self.dep(deps[0]) if deps else None
        if country is None or len(country) != n:
            return make(self.locale, n, self.rng)
        locs = _country_locales(country, self.locale)
        uniq = np.unique(locs)
        if len(uniq) == 1:
            return make(str(uniq[0]), n, self.rng)
        parts = [None] * len(uniq)
        order = np.argsort(locs, kind="stable")
        counts = [int((locs == u).sum()) for u in uniq]
        for i, u in enumerate(uniq):
            parts[i] = make(str(u), counts[i], self.rng)
        stacked = pa.concat_arrays([p.cast(pa.large_string()) for p in parts])
        inv = np.empty(n, dtype=np.int64)
        inv[order] = np.arange(n)
        return stacked.take(pa.array(inv))


def _out_type(t) -> pa.DataType:
    return {
        Kind.STRING: pa.large_string(), Kind.INT: pa.int64(), Kind.DECIMAL: pa.float64(),
        Kind.FLOAT: pa.float64(), Kind.DATE: pa.date32(), Kind.TIMESTAMP: pa.timestamp("us"),
        Kind.TIMESTAMPTZ: pa.timestamp("us", tz="UTC"), Kind.BOOL: pa.bool_(),
    }.get(t.kind, pa.large_string())


_LOC_BY_NAME: dict[str, str] = {}


def _country_locales(country: pa.Array, default: str) -> np.ndarray:
    from faker.config import AVAILABLE_LOCALES

    from .pools import COUNTRIES

    if not _LOC_BY_NAME:
        for name, a2, a3, loc in COUNTRIES:
            if loc and loc in AVAILABLE_LOCALES:
                for key in (name, a2, a3):
                    _LOC_BY_NAME[key.lower()] = loc
    enc = pc.dictionary_encode(country.cast(pa.large_string()))
    dic = enc.dictionary.to_pylist()
    mapped = np.array([_LOC_BY_NAME.get((v or "").strip().lower(), default) for v in dic] + [default], dtype=object)
    ind = enc.indices.fill_null(len(dic)).to_numpy(zero_copy_only=False)
    return mapped[ind].astype(str)


# ---- strings ----------------------------------------------------------------------------

def _join(*arrays: pa.Array, sep: str = " ") -> pa.Array:
    return pc.binary_join_element_wise(*arrays, pa.scalar(sep, pa.large_string()))


def _lit(n: int, s: str) -> pa.Array:
    return pa.repeat(pa.scalar(s, pa.large_string()), n)


_NUM_TABLES: dict[tuple[int, int], pa.Array] = {}


def _int_str(values: np.ndarray, width: int | None = None) -> pa.Array:
    """Non-negative ints as decimal strings (zero-padded to ``width`` if given), vectorised:
    a lookup table for small numbers (one ``take``), a digit matrix otherwise."""
    v = np.asarray(values, dtype=np.int64)
    n = len(v)
    top = int(v.max()) + 1 if n else 1
    if top <= 20_000 and int(v.min(initial=0)) >= 0:
        size = 1 << max(8, (top - 1).bit_length())
        key = (size, width or 0)
        table = _NUM_TABLES.get(key)
        if table is None:
            table = _NUM_TABLES[key] = pa.array(
                [str(i).zfill(width or 0) for i in range(size)], pa.large_string())
        return table.take(pa.array(v))
    w = width or max(1, int(np.floor(np.log10(max(1, int(v.max()) if n else 1)))) + 1)
    digits = np.empty((n, w), dtype=np.uint8)
    x = v.copy()
    for j in range(w - 1, -1, -1):
        digits[:, j] = 48 + (x % 10)
        x //= 10
    if width:
        return matrix_to_strings(digits, np.full(n, w, dtype=np.int64))
    nd = np.maximum(1, np.floor(np.log10(np.maximum(v, 1))).astype(np.int64) + 1)
    # right-aligned digits: shift left by (w - nd)
    shift = w - nd
    cols = np.arange(w)[None, :] + shift[:, None]
    cols = np.minimum(cols, w - 1)
    left = np.take_along_axis(digits, cols, axis=1)
    return matrix_to_strings(left, nd)


def _first_last(g: _Gen, n: int) -> tuple[pa.Array, pa.Array]:
    return g.pick("first_name", n, 1000, 0.6), g.pick("last_name", n, 1000, 0.6)


def gen_first_name(g: _Gen, n: int) -> pa.Array:
    return g.pick("first_name", n, 1000, 0.6)


def gen_last_name(g: _Gen, n: int) -> pa.Array:
    return g.pick("last_name", n, 1000, 0.6)


def gen_middle_name(g: _Gen, n: int) -> pa.Array:
    names = g.pick("first_name", n, 1000, 0.6)
    if g.det.get("initial"):
        first = pc.utf8_slice_codeunits(names, 0, 1)
        if (g.t.length or 2) >= 2:
            return _join(first, _lit(n, "."), sep="")
        return first
    return names


_EAST = ("ja", "zh", "ko")


def gen_full_name(g: _Gen, n: int) -> pa.Array:
    first, last = _first_last(g, n)
    lang = g.locale.split("_")[0]
    if lang in _EAST:
        return _join(last, first, sep=" " if lang == "ja" else "")
    return _join(first, last)


def _slugs(arr: pa.Array) -> pa.Array:
    """ASCII lower-case slugs of a string array, computed once per distinct value."""
    enc = pc.dictionary_encode(arr.cast(pa.large_string()))
    dic = pa.array(ascii_slug(enc.dictionary.to_pylist()), pa.large_string())
    out = dic.take(enc.indices)
    return out.fill_null("")


def _name_parts(g: _Gen, n: int) -> tuple[pa.Array, pa.Array]:
    """ASCII first / last name slugs: from the row's name columns when generated, else from pools."""
    deps = semantic_depends(g.table, g.column)
    first = last = None
    for d in deps:
        arr = g.dep(d)
        if arr is None or len(arr) != n:
            continue
        k = semantic_kind(g.table, g.table.column(d))
        if k == "first_name":
            first = _slugs(arr)
        elif k == "last_name":
            last = _slugs(arr)
        elif k == "full_name":
            parts = pc.extract_regex(arr.cast(pa.large_string()).fill_null(""), r"^\s*(?P<f>\S*)(?:.*\s(?P<l>\S+))?\s*$")
            first = _slugs(pc.struct_field(parts, "f").fill_null(""))
            last = _slugs(pc.struct_field(parts, "l").fill_null(""))
        elif k == "username":
            first = _slugs(arr)
            last = _lit(n, "")
    if first is None or last is None:
        # names from the pools; non-Latin locales romanised (per distinct value)
        pf, pl = _first_last(g, n)
        first = first if first is not None else _slugs(pf)
        last = last if last is not None else _slugs(pl)
    # empty slugs (e.g. unromanisable): fall back to "user"
    first = pc.if_else(pc.equal(pc.utf8_length(first), 0), pa.scalar("user", pa.large_string()), first)
    return first, last


_SEPS = pa.array(["", ".", "_"], pa.large_string())


def _local_part(g: _Gen, n: int) -> pa.Array:
    """first.last, firstlast, flast, first_last, with an optional number or birth year; first+number
    when there is no last name. Built with one element-wise join (no per-pattern copies)."""
    first, last = _name_parts(g, n)
    rng = g.rng
    r = rng.random(n)
    use_initial = pa.array(r < 0.2)
    head = pc.if_else(use_initial, pc.utf8_slice_codeunits(first, 0, 1), first)
    no_last = pc.or_(pa.array(r > 0.92), pc.equal(pc.utf8_length(last), 0))
    last = pc.if_else(no_last, _EMPTY, last)
    sep_idx = np.where(r < 0.2, 0, np.where(rng.random(n) < 0.65, 1, np.where(rng.random(n) < 0.4, 2, 0)))
    sep_idx = np.where(r > 0.92, 0, sep_idx)
    sep = _SEPS.take(pa.array(sep_idx.astype(np.int8)))
    kind = rng.random(n)
    num = _int_str(np.where(kind < 0.75, rng.integers(1, 100, n), rng.integers(1960, 2006, n)))
    want_num = pa.array((kind < 0.35) | (r > 0.92))
    suffix = pc.if_else(want_num, num, _EMPTY)
    return pc.binary_join_element_wise(head, sep, last, suffix, _EMPTY)


def gen_email(g: _Gen, n: int) -> pa.Array:
    local = _local_part(g, n)
    free = g.pools.get("free_domain", g.locale, 40)
    corp = g.pools.get("domain", g.locale, g.size(300))
    fd = free.take(pa.array(zipf_indices(len(free), n, 1.0, g.rng)))
    cd = corp.take(pa.array(zipf_indices(len(corp), n, g.skew(0.5), g.rng)))
    dom = pc.if_else(pa.array(g.rng.random(n) < 0.65), fd, cd)
    return _join(local, dom, sep="@")


def gen_username(g: _Gen, n: int) -> pa.Array:
    return _local_part(g, n)


def gen_phone(g: _Gen, n: int) -> pa.Array:
    return g.by_country(n, lambda loc, m, rng: _phone(g, loc, m))


def _phone(g: _Gen, loc: str, m: int) -> pa.Array:
    mat, lens = g.pools.get_templates("tpl_phone", loc, 200)
    # drop extensions ("x1234") from templates once
    key = ("phone_noext", loc)
    cached = _TPL_CACHE.get(key)
    if cached is None:
        vals = [bytes(r[:k]).decode("utf-8") for r, k in zip(mat, lens)]
        vals = [re.sub(r"\s*x\x01+$", "", v) for v in vals]
        cached = _TPL_CACHE[key] = strings_to_matrix(vals)
    mat, lens = cached
    return fill_templates(mat, lens, g.rng.integers(0, len(lens), m), g.rng)


_TPL_CACHE: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


def gen_phone_extension(g: _Gen, n: int) -> pa.Array:
    return _int_str(g.rng.integers(100, 10000, n))


def gen_street_address(g: _Gen, n: int) -> pa.Array:
    def make(loc: str, m: int, rng) -> pa.Array:
        base = 1000 if loc == g.locale else 200
        mat, lens = g.pools.get_templates("tpl_street", loc, g.size(base))
        return fill_templates(mat, lens, zipf_indices(len(lens), m, g.skew(0.3), rng), rng)

    return g.by_country(n, make)


def gen_address2(g: _Gen, n: int) -> pa.Array:
    return g.templates("tpl_address2", n, 50, s_base=0.5)


def gen_building_number(g: _Gen, n: int) -> pa.Array:
    return g.templates("tpl_building", n, 50, s_base=0.5)


def gen_street_name(g: _Gen, n: int) -> pa.Array:
    return g.pick("street_name", n, 1000, 0.5)


def gen_street_suffix(g: _Gen, n: int) -> pa.Array:
    return g.pick("street_suffix", n, 200, 1.0)


def gen_city(g: _Gen, n: int) -> pa.Array:
    def make(loc: str, m: int, rng) -> pa.Array:
        pool = g.pools.get("city", loc, g.size(1000 if loc == g.locale else 200))
        return pool.take(pa.array(zipf_indices(len(pool), m, g.skew(1.0), rng)))

    return g.by_country(n, make)


def gen_state(g: _Gen, n: int) -> pa.Array:
    def make(loc: str, m: int, rng) -> pa.Array:
        pool = g.pools.get("state", loc, g.size(60, lo=3))
        return pool.take(pa.array(zipf_indices(len(pool), m, g.skew(0.8), rng)))

    return g.by_country(n, make)


def gen_state_abbr(g: _Gen, n: int) -> pa.Array:
    def make(loc: str, m: int, rng) -> pa.Array:
        try:
            pool = g.pools.get("state_abbr", loc, g.size(60, lo=3)) if loc.startswith("en_") else None
        except AttributeError:
            pool = None
        if pool is None:
            states = g.pools.get("state", loc, 80)
            ab = ascii_slug(states.to_pylist())
            pool = pa.array(sorted({a[:2].upper() for a in ab if len(a) >= 2}) or ["XX"], pa.large_string())
            pool = pool.slice(0, g.size(60, lo=3))
        return pool.take(pa.array(zipf_indices(len(pool), m, g.skew(0.8), rng)))

    return g.by_country(n, make)


def gen_postal_code(g: _Gen, n: int) -> pa.Array:
    def make(loc: str, m: int, rng) -> pa.Array:
        mat, lens = g.pools.get_templates("tpl_postcode", loc, 50)
        return fill_templates(mat, lens, rng.integers(0, len(lens), m), rng)

    return g.by_country(n, make)


def gen_county(g: _Gen, n: int) -> pa.Array:
    if g.locale.startswith("en_US"):
        return _join(g.pick("last_name", n, 300, 0.8), _lit(n, "County"))
    return g.pick("city", n, 300, 1.0)


def gen_country(g: _Gen, n: int) -> pa.Array:
    return g.sample(g.pools.get("country", g.locale, g.size(60, lo=2)), n, 1.1)


def gen_country_code(g: _Gen, n: int) -> pa.Array:
    kind = "country_iso3" if g.det.get("alpha") == 3 else "country_iso2"
    return g.sample(g.pools.get(kind, g.locale, g.size(60, lo=2)), n, 1.1)


def _static(kind: str, s_base: float = 1.0, base: int = 64) -> Callable[[_Gen, int], pa.Array]:
    def fn(g: _Gen, n: int) -> pa.Array:
        return g.sample(g.pools.get(kind, g.locale, g.size(base, lo=2)), n, s_base)

    return fn


def _faker_pool(kind: str, base: int, s_base: float) -> Callable[[_Gen, int], pa.Array]:
    def fn(g: _Gen, n: int) -> pa.Array:
        return g.pick(kind, n, base, s_base)

    return fn


def gen_product_name(g: _Gen, n: int) -> pa.Array:
    parts = [(g.pools.get(k, g.locale, 64), 0.5) for k in ("product_adj", "product_material", "product_noun")]
    pool = _combo_pool(g, ("product",), g.size(4000), parts, (2, 3), (0.4, 0.6))
    return g.sample(pool, n, 0.4)


_COMBO_CACHE: dict[tuple, pa.Array] = {}


def _combo_pool(g: _Gen, key: tuple, size: int, parts: list[tuple[pa.Array, float]], counts: tuple[int, ...],
                weights: tuple[float, ...], sep: str = " ") -> pa.Array:
    """A pool of ``size`` values, each joining 1..k picks from ``parts`` (built once per key with a
    seeded generator, so it is the same in every chunk); sampling it per row is one ``take``."""
    full = (key, size, g.pools.seed)
    got = _COMBO_CACHE.get(full)
    if got is None:
        prng = np.random.default_rng(_stable_seed(*full))
        lists = [(p.to_pylist(), sk) for p, sk in parts]
        ks = prng.choice(counts, size=size, p=np.asarray(weights) / np.sum(weights))
        picks = []
        for vals, sk in lists:
            picks.append([vals[i] for i in zipf_indices(len(vals), size * max(counts), sk, prng)])
        out = []
        seen: set[str] = set()
        for i in range(size):
            k = int(ks[i])
            if len(lists) == 1:
                words = [picks[0][i * max(counts) + j] for j in range(k)]
            else:  # one pick from each of the first k parts (adjective, material, noun)
                idxs = list(range(len(lists)))[-k:] if k < len(lists) else list(range(len(lists)))
                if k == 2 and len(lists) == 3:
                    idxs = [0, 2]
                words = [picks[j][i] for j in idxs]
            v = sep.join(words)
            if v not in seen:
                seen.add(v)
                out.append(v)
        got = pa.array(out, pa.large_string())
        if len(_COMBO_CACHE) > 256:
            _COMBO_CACHE.clear()
        _COMBO_CACHE[full] = got
    return got


def gen_text(g: _Gen, n: int) -> pa.Array:
    L = g.t.length
    if L is not None and L <= 25:
        words = g.pool("word", 1000)
        pool = _combo_pool(g, ("words", g.locale, len(words)), g.size(3000), [(words, 0.5)], (1, 2), (0.5, 0.5))
        return g.sample(pc.utf8_capitalize(pool), n, 0.2)
    sentences = g.pool("sentence", 2000)
    if L is not None and L <= 80:
        return g.sample(sentences, n, 0.2)
    counts, weights = ((1, 2), (0.5, 0.5)) if (L is not None and L <= 200) else ((1, 2, 3, 4), (0.3, 0.35, 0.25, 0.1))
    pool = _combo_pool(g, ("text", g.locale, len(sentences), counts), g.size(8000), [(sentences, 0.2)], counts, weights)
    return g.sample(pool, n, 0.2)


def gen_title(g: _Gen, n: int) -> pa.Array:
    return g.pick("title", n, 1500, 0.3)


def gen_url(g: _Gen, n: int) -> pa.Array:
    dom = g.pick("domain", n, 500, 0.4)
    path = g.sample(g.pools.get("url_path", g.locale, 20), n, 0.0)
    www = pc.if_else(pa.array(g.rng.random(n) < 0.7), pa.scalar("https://www.", pa.large_string()),
                     pa.scalar("https://", pa.large_string()))
    return _join(www, dom, path, sep="")


def gen_ip(g: _Gen, n: int) -> pa.Array:
    rng = g.rng
    octets = [_int_str(rng.integers(1, 224, n))] + [_int_str(rng.integers(0, 256, n)) for _ in range(3)]
    return _join(*octets, sep=".")


def gen_mac(g: _Gen, n: int) -> pa.Array:
    h = random_hex(n, 12, g.rng)
    mat = np.frombuffer(h.buffers()[2], dtype=np.uint8)[: n * 12].reshape(n, 12)
    out = np.full((n, 17), ord(":"), dtype=np.uint8)
    out[:, [0, 1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16]] = mat
    return matrix_to_strings(out, np.full(n, 17, dtype=np.int64))


def gen_gender(g: _Gen, n: int) -> pa.Array:
    vals = ["M", "F"] if g.det.get("short") else ["Male", "Female"]
    female = g.rng.random(n) >= 0.49
    return pa.array(vals, pa.large_string()).take(pa.array(female.astype(np.int8)))


def gen_marital(g: _Gen, n: int) -> pa.Array:
    pool = g.pools.get("marital_status", g.locale, 6)
    if g.det.get("short"):
        pool = pa.array(["M", "S", "D", "W", "U"], pa.large_string())
    return g.sample(pool, n, 1.2)


def gen_currency(g: _Gen, n: int) -> pa.Array:
    head = list(STATIC["currency_head"])
    local = {"de": "EUR", "fr": "EUR", "it": "EUR", "es": "EUR", "nl": "EUR", "pt": "EUR", "fi": "EUR",
             "ja": "JPY", "en_GB": "GBP", "en_CA": "CAD", "en_AU": "AUD", "zh_CN": "CNY", "ko": "KRW",
             "pt_BR": "BRL", "es_MX": "MXN", "sv": "SEK", "pl": "PLN", "en_IN": "INR", "de_CH": "CHF"}
    cur = local.get(g.locale) or local.get(g.locale.split("_")[0])
    if cur and cur in head:
        head.remove(cur)
        head.insert(0, cur)
    pool = pa.array(head[: g.size(26, lo=2)], pa.large_string())
    return g.sample(pool, n, 1.3)


def gen_locale_code(g: _Gen, n: int) -> pa.Array:
    pool = list(STATIC["locale_code"])
    own = g.locale.replace("_", "-")
    if own in pool:
        pool.remove(own)
    pool.insert(0, own)
    L = g.t.length
    arr = pa.array(pool[: g.size(24, lo=2)], pa.large_string())
    if L is not None and L < 5:
        arr = pa.array(sorted({p[:2] for p in pool}), pa.large_string())
    return g.sample(arr, n, 1.2)


def gen_hash(g: _Gen, n: int) -> pa.Array:
    L = g.t.length
    width = 64 if L is None else (L if L in (32, 40, 64, 128) else max(1, min(L, 64)))
    return random_hex(n, width, g.rng)


def gen_uuid(g: _Gen, n: int) -> pa.Array:
    L = g.t.length
    if L is not None and L < 36:
        return random_hex(n, max(1, L), g.rng)
    return random_uuid(n, g.rng)


def _tpl_fill(g: _Gen, n: int, tpl: str) -> pa.Array:
    mat, lens = strings_to_matrix([compile_template(tpl)])
    return fill_templates(mat, lens, np.zeros(n, dtype=np.int64), g.rng)


def gen_isbn(g: _Gen, n: int) -> pa.Array:
    rng = g.rng
    d = np.empty((n, 13), dtype=np.uint8)
    d[:, :3] = [9, 7, 8]
    d[:, 3:12] = rng.integers(0, 10, size=(n, 9), dtype=np.uint8)
    w = np.array([1, 3] * 6, dtype=np.int32)
    d[:, 12] = (10 - (d[:, :12].astype(np.int32) @ w) % 10) % 10
    L = g.t.length
    if L is not None and L < 17:
        return matrix_to_strings((48 + d).astype(np.uint8), np.full(n, 13, dtype=np.int64))
    out = np.full((n, 17), ord("-"), dtype=np.uint8)
    out[:, [0, 1, 2, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16]] = 48 + d
    return matrix_to_strings(out, np.full(n, 17, dtype=np.int64))


def gen_barcode(g: _Gen, n: int) -> pa.Array:
    L = g.t.length
    width = 12 if (L is not None and L == 12) or "upc" in g.column.name.lower() else 13
    return _tpl_fill(g, n, "#" * width)


def gen_sku(g: _Gen, n: int) -> pa.Array:
    L = g.t.length or 12
    tpl = "??-#####" if L >= 8 else "?" * min(L, 2) + "#" * max(0, L - 2)
    return _tpl_fill(g, n, tpl)


def gen_code(g: _Gen, n: int) -> pa.Array:
    fmt = g.det.get("fmt")
    L = g.t.length
    name = _norm(g.column.name)
    if fmt == "ssn":
        return _tpl_fill(g, n, "###-##-####" if (L is None or L >= 11) else "#" * min(9, L))
    if fmt == "card":
        tpl = "4###############" if (L is None or L >= 16) else "#" * L
        out = _tpl_fill(g, n, tpl)
        return out
    if L is None:
        L = 10
    if g.t.fixed and L >= 12 or (L >= 12 and _m(r"_id$|^id$", name)):
        return _tpl_fill(g, n, "?" * L)  # TPC-DS style business keys (AAAAAAAABAAAAAAA)
    if L <= 2:
        return _tpl_fill(g, n, "?" * L)
    if L <= 4:
        return _tpl_fill(g, n, "?" + "#" * (L - 1))
    letters = 2 if L <= 8 else 3
    digits = min(L, 12) - letters
    return _tpl_fill(g, n, "?" * letters + "#" * digits)


def gen_version(g: _Gen, n: int) -> pa.Array:
    rng = g.rng
    return _join(_int_str(rng.integers(1, 6, n)), _int_str(rng.integers(0, 20, n)),
                 _int_str(rng.integers(0, 30, n)), sep=".")


def gen_hours(g: _Gen, n: int) -> pa.Array:
    pool = pa.array(["8AM-4PM", "8AM-8PM", "8AM-12AM", "9AM-5PM", "10AM-6PM", "9AM-9PM", "24 hours"],
                    pa.large_string())
    return g.sample(pool, n, 1.0)


def gen_status(g: _Gen, n: int) -> pa.Array:
    kind = "order_status" if g.det.get("orders") else "status"
    pool = g.pools.get(kind, g.locale, g.size(12, lo=2))
    if g.det.get("short") or (g.t.length is not None and g.t.length <= 2):
        letters = sorted({v[0].upper() for v in pool.to_pylist()})
        pool = pa.array(letters, pa.large_string())
    return g.sample(pool, n, 1.2)


def gen_rating_str(g: _Gen, n: int) -> pa.Array:
    L = g.t.length
    kind = "letter_grade" if (L is not None and L <= 2) else "rating_word"
    return g.sample(g.pools.get(kind, g.locale, 20), n, 0.8)


def gen_flag(g: _Gen, n: int) -> pa.Array:
    p = float(g.det.get("p_true", 0.5))
    b = g.rng.random(n) < p
    k = g.t.kind
    if k == Kind.BOOL:
        return pa.array(b)
    if k in NUM:
        return _num_out(g, b.astype(np.float64))
    L = g.t.length
    yes, no = ("Y", "N") if (L is None or L <= 3) else ("Yes", "No")
    return pa.array([no, yes], pa.large_string()).take(pa.array(b.astype(np.int8)))


# ---- numbers ----------------------------------------------------------------------------

def _num_bounds(g: _Gen) -> tuple[float, float, int]:
    t = g.t
    if t.kind == Kind.DECIMAL:
        p = t.precision or 18
        s = t.scale if t.scale is not None else (0 if t.precision else 2)
        hi = 10 ** (p - s) - 10 ** (-s) if s else 10 ** p - 1
        return -hi, hi, s
    if t.kind == Kind.INT:
        lo, hi = t.int_range()
        return float(lo), float(hi), 0
    return -1e300, 1e300, 2


def _num_out(g: _Gen, x: np.ndarray, decimals: int | None = None) -> pa.Array:
    lo, hi, scale = _num_bounds(g)
    x = np.clip(x, lo, hi)
    if g.t.kind == Kind.INT:
        return pa.array(np.rint(x).astype(np.int64))
    dec = scale if decimals is None else min(decimals, scale) if g.t.kind == Kind.DECIMAL else decimals
    return pa.array(np.round(x, dec))


def _spread(g: _Gen) -> float:
    return 0.6 + 0.4 * g.temp


def _lognormal(g: _Gen, n: int, median: float, sigma: float, lo: float = 0.0) -> np.ndarray:
    _, hi, scale = _num_bounds(g)
    median = min(median, hi / 10) if hi > 0 else median
    x = median * np.exp(g.rng.normal(0.0, sigma * _spread(g), n))
    floor = max(lo, 10 ** (-scale) if g.t.kind != Kind.INT else 1)
    return np.clip(x, floor, hi * 0.999 if hi > 1 else hi)


def gen_price(g: _Gen, n: int) -> pa.Array:
    x = _lognormal(g, n, g.det.get("median", 25), g.det.get("sigma", 1.0))
    if g.t.kind != Kind.INT and (g.t.scale is None or g.t.scale >= 2) and g.det.get("median", 25) >= 5:
        charm = g.rng.random(n) < 0.35  # .99 price points
        x = np.where(charm & (x > 1), np.floor(x) + 0.99, x)
        _, hi, _ = _num_bounds(g)
        x = np.minimum(x, hi)
    return _num_out(g, x, 2 if g.det.get("median", 25) >= 1 else 4)


def gen_amount(g: _Gen, n: int) -> pa.Array:
    x = _lognormal(g, n, g.det.get("median", 120), g.det.get("sigma", 1.1))
    return _num_out(g, x, 2)


def gen_salary(g: _Gen, n: int) -> pa.Array:
    which = g.det.get("which")
    median = {"min": 40_000, "max": 95_000}.get(which, 58_000)
    x = _lognormal(g, n, median, 0.4, lo=15_000)
    if g.t.kind == Kind.INT or (g.t.scale or 0) == 0:
        x = np.round(x, -2)
    return _num_out(g, x, 2)


def gen_ratio(g: _Gen, n: int) -> pa.Array:
    rng = g.rng
    if g.det.get("disc"):
        steps = np.array([0.0, 0.05, 0.1, 0.15, 0.2, 0.25])
        x = np.where(rng.random(n) < 0.55, 0.0, steps[rng.integers(1, len(steps), n)])
    else:
        x = np.round(rng.beta(2.0, 8.0, n) * 0.6, 3)
    _, hi, _ = _num_bounds(g)
    if g.det.get("pct") or hi < 1:
        x = x * 100 if g.det.get("pct") else x
    return _num_out(g, np.minimum(x, hi), 2 if not g.det.get("pct") else 1)


def gen_rating_num(g: _Gen, n: int) -> pa.Array:
    rng = g.rng
    _, hi, scale = _num_bounds(g)
    top = 10 if hi >= 10 and g.t.kind != Kind.INT else 5
    if g.t.kind == Kind.INT or scale == 0:
        w = np.array([0.05, 0.08, 0.17, 0.32, 0.38])
        v = 1 + rng.choice(5, size=n, p=w)
        return _num_out(g, v.astype(np.float64))
    x = np.clip(rng.normal(top * 0.75, top * 0.15 * _spread(g), n), top * 0.1, top)
    return _num_out(g, x, 1)


def gen_age(g: _Gen, n: int) -> pa.Array:
    x = np.clip(np.rint(g.rng.normal(42, 14 * _spread(g), n)), 18, 90)
    return _num_out(g, x)


def gen_year(g: _Gen, n: int) -> pa.Array:
    lo, hi = int(g.det.get("lo", 2000)), int(g.det.get("hi", 2025))
    # recent years slightly more frequent
    x = hi - np.floor((hi - lo + 1) * g.rng.power(1.3 + (1 - g.temp) * 0.5, n))
    return _num_out(g, np.clip(x, lo, hi))


def gen_small_int(g: _Gen, n: int) -> pa.Array:
    lo, hi = int(g.det.get("lo")), int(g.det.get("hi"))
    if g.det.get("zipf"):
        x = lo + zipf_indices(hi - lo + 1, n, g.skew(1.0), g.rng)
    else:
        x = g.rng.integers(lo, hi + 1, n)
    return _num_out(g, x.astype(np.float64))


def gen_quantity(g: _Gen, n: int) -> pa.Array:
    rng = g.rng
    if g.det.get("big"):
        x = np.floor(_lognormal(g, n, 60, 0.9))
    else:
        p = 0.35 / (0.5 + 0.5 * g.temp)
        x = rng.geometric(min(0.95, p), n).astype(np.float64)
    _, hi, _ = _num_bounds(g)
    return _num_out(g, np.clip(x, 1, max(1, hi)), 0)


def gen_measure(g: _Gen, n: int) -> pa.Array:
    x = _lognormal(g, n, g.det.get("median"), g.det.get("sigma"), lo=g.det.get("lo", 0))
    return _num_out(g, x, 2)


def gen_latitude(g: _Gen, n: int) -> pa.Array:
    x = np.degrees(np.arcsin(g.rng.uniform(np.sin(np.radians(-55)), np.sin(np.radians(70)), n)))
    return _num_out(g, x, 6)


def gen_longitude(g: _Gen, n: int) -> pa.Array:
    return _num_out(g, g.rng.uniform(-180, 180, n), 6)


def gen_gmt_offset(g: _Gen, n: int) -> pa.Array:
    offs = np.array([-8, -7, -6, -5, -4, -3, 0, 1, 2, 3, 5.5, 8, 9, 10], dtype=np.float64)
    return _num_out(g, offs[zipf_indices(len(offs), n, 0.3, g.rng)], 2)


# ---- dates ------------------------------------------------------------------------------

def _as_us(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """int64 microseconds since epoch and a validity mask from a date/timestamp/string array."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    try:
        if pa.types.is_date32(t):
            v = arr.cast(pa.int32()).cast(pa.int64())
            mul = US_DAY
        elif pa.types.is_date64(t):
            v = arr.cast(pa.int64())
            mul = 1000
        elif pa.types.is_timestamp(t):
            v = arr.cast(pa.timestamp("us", tz=t.tz)).cast(pa.int64())
            mul = 1
        elif pa.types.is_string(t) or pa.types.is_large_string(t):
            v = pc.cast(arr, pa.timestamp("us")).cast(pa.int64())
            mul = 1
        else:
            raise TypeError
    except Exception:
        return np.zeros(len(arr), dtype=np.int64), np.zeros(len(arr), dtype=bool)
    valid = pc.is_valid(v).to_numpy(zero_copy_only=False)
    vals = v.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64) * mul
    return vals, valid


def _time_out(g: _Gen, us: np.ndarray) -> pa.Array:
    us = np.asarray(us, dtype=np.int64)
    k = g.t.kind
    if k == Kind.DATE:
        return pa.array((us // US_DAY).astype(np.int32), type=pa.date32())
    if k == Kind.TIMESTAMPTZ:
        return pa.array(us, type=pa.timestamp("us", tz="UTC"))
    return pa.array(us, type=pa.timestamp("us"))


def _days_back(g: _Gen, n: int, max_days: float, recent_bias: float = 1.0) -> np.ndarray:
    """Microsecond instants within ``max_days`` before REF_DAY (more recent ones more likely)."""
    u = g.rng.random(n) ** recent_bias
    back = (u * max_days * US_DAY).astype(np.int64)
    tod = g.rng.integers(7 * 3600, 22 * 3600, n) * 1_000_000 + g.rng.integers(0, 1_000_000, n)
    day0 = _REF_US - (back // US_DAY) * US_DAY
    return day0 - US_DAY + tod  # never after the reference day


def _anchor(g: _Gen, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    deps = semantic_depends(g.table, g.column)
    if not deps:
        return None
    arr = g.dep(deps[0])
    if arr is None or len(arr) != n:
        return None
    return _as_us(arr)


def _after(g: _Gen, n: int, lo_days: float, hi_days: float, fallback_days: float) -> pa.Array:
    own = _days_back(g, n, fallback_days, 1.0)
    anc = _anchor(g, n)
    delta = (g.rng.uniform(lo_days, hi_days, n) * US_DAY).astype(np.int64)
    if anc is None:
        return _time_out(g, own)
    base, valid = anc
    if g.t.kind == Kind.DATE:
        # whole days after the anchor's day, so DATE >= anchor holds after truncation
        delta = (np.ceil(delta / US_DAY) * US_DAY).astype(np.int64)
        base = (base // US_DAY) * US_DAY
    out = np.where(valid, base + delta, own)
    return _time_out(g, out)


def gen_birth_date(g: _Gen, n: int) -> pa.Array:
    # ages 18..90 at the reference day (plus a margin of a few days)
    age_days = g.rng.uniform(18 * 365.25 + 2, 90 * 365.25 - 2, n)
    us = _REF_US - (age_days * US_DAY).astype(np.int64)
    us = (us // US_DAY) * US_DAY
    return _time_out(g, us)


def gen_hire_date(g: _Gen, n: int) -> pa.Array:
    own = _days_back(g, n, 25 * 365.25, 0.8)
    anc = _anchor(g, n)
    if anc is not None:
        birth, valid = anc
        earliest = birth + int(18 * 365.25 * US_DAY) + US_DAY
        span = np.maximum(_REF_US - earliest, US_DAY)
        alt = earliest + (g.rng.random(n) * span).astype(np.int64)
        own = np.where(valid & (own < earliest), alt, own)
    if g.t.kind == Kind.DATE:
        own = (own // US_DAY) * US_DAY
    return _time_out(g, own)


def gen_created(g: _Gen, n: int) -> pa.Array:
    return _time_out(g, _days_back(g, n, 5 * 365.25, 0.8))


def gen_updated(g: _Gen, n: int) -> pa.Array:
    anc = _anchor(g, n)
    if anc is None:
        return _time_out(g, _days_back(g, n, 2 * 365.25, 1.6))
    base, valid = anc
    delta = (g.rng.exponential(90.0, n) * US_DAY).astype(np.int64)
    room = np.maximum(_REF_US - base, 0)
    delta = np.where((base + delta > _REF_US) & (room > 0), (g.rng.random(n) * room).astype(np.int64), delta)
    if g.t.kind == Kind.DATE:
        base = (base // US_DAY) * US_DAY
        delta = (np.ceil(delta / US_DAY) * US_DAY).astype(np.int64)
    out = np.where(valid, base + delta, _days_back(g, n, 2 * 365.25, 1.6))
    return _time_out(g, out)


def gen_order_date(g: _Gen, n: int) -> pa.Array:
    return _time_out(g, _days_back(g, n, 3 * 365.25, 0.9))


def gen_ship_date(g: _Gen, n: int) -> pa.Array:
    return _after(g, n, 0.5, 10, 3 * 365.25)


def gen_delivery_date(g: _Gen, n: int) -> pa.Array:
    return _after(g, n, 1, 12, 3 * 365.25)


def gen_due_date(g: _Gen, n: int) -> pa.Array:
    return _after(g, n, 7, 31, 3 * 365.25)


def gen_return_date(g: _Gen, n: int) -> pa.Array:
    return _after(g, n, 1, 10, 3 * 365.25)


def gen_paid_date(g: _Gen, n: int) -> pa.Array:
    return _after(g, n, 0, 30, 3 * 365.25)


def gen_start_date(g: _Gen, n: int) -> pa.Array:
    us = _days_back(g, n, 6 * 365.25, 0.9)
    if g.t.kind == Kind.DATE:
        us = (us // US_DAY) * US_DAY
    return _time_out(g, us)


def gen_end_date(g: _Gen, n: int) -> pa.Array:
    return _after(g, n, 1, 730, 3 * 365.25)


def gen_event_time(g: _Gen, n: int) -> pa.Array:
    return _time_out(g, _days_back(g, n, 3 * 365.25, 0.9))


# ------------------------------------------------------------------------------------------
# Kind table
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindSpec:
    fn: Callable[[_Gen, int], pa.Array]
    types: frozenset
    pooled: bool = False  # True: diversity handled by pool size / skew (no low-temperature wrapper)
    base: int = 500  # distinct values at temperature 1 for the low-temperature wrapper


def _str_or_num(fs: Callable, fn_num: Callable) -> Callable:
    def fn(g: _Gen, n: int) -> pa.Array:
        return fs(g, n) if g.t.kind == Kind.STRING else fn_num(g, n)

    return fn


KINDS: dict[str, KindSpec] = {
    # people
    "first_name": KindSpec(gen_first_name, STR, pooled=True),
    "last_name": KindSpec(gen_last_name, STR, pooled=True),
    "middle_name": KindSpec(gen_middle_name, STR, pooled=True),
    "full_name": KindSpec(gen_full_name, STR, pooled=True),
    "username": KindSpec(gen_username, STR, base=2000),
    "email": KindSpec(gen_email, STR, base=2000),
    "salutation": KindSpec(_static("salutation", 1.2), STR, pooled=True),
    "gender": KindSpec(gen_gender, STR, pooled=True),
    "marital_status": KindSpec(gen_marital, STR, pooled=True),
    "education": KindSpec(_static("education", 0.8), STR, pooled=True),
    "job_title": KindSpec(_faker_pool("job", 600, 0.8), STR, pooled=True),
    "department": KindSpec(_static("department", 0.9), STR, pooled=True),
    # contact
    "phone": KindSpec(gen_phone, STR, base=1000),
    "phone_extension": KindSpec(gen_phone_extension, STR, base=300),
    "street_address": KindSpec(gen_street_address, STR, base=1000),
    "address2": KindSpec(gen_address2, STR, base=200),
    "building_number": KindSpec(gen_building_number, STR, base=300),
    "street_name": KindSpec(gen_street_name, STR, pooled=True),
    "street_suffix": KindSpec(gen_street_suffix, STR, pooled=True),
    "city": KindSpec(gen_city, STR, pooled=True),
    "county": KindSpec(gen_county, STR, pooled=True),
    "state": KindSpec(gen_state, STR, pooled=True),
    "state_abbr": KindSpec(gen_state_abbr, STR, pooled=True),
    "postal_code": KindSpec(gen_postal_code, STR, base=500),
    "country": KindSpec(gen_country, STR, pooled=True),
    "country_code": KindSpec(gen_country_code, STR, pooled=True),
    "world_region": KindSpec(_static("world_region", 1.0), STR, pooled=True),
    "url": KindSpec(gen_url, STR, pooled=True),
    "ip": KindSpec(gen_ip, STR, base=1000),
    "mac": KindSpec(gen_mac, STR, base=1000),
    # business
    "company": KindSpec(_faker_pool("company", 1500, 0.6), STR, pooled=True),
    "product_name": KindSpec(gen_product_name, STR, pooled=True),
    "title": KindSpec(gen_title, STR, pooled=True),
    "category": KindSpec(_static("category", 1.0), STR, pooled=True),
    "genre": KindSpec(_static("genre", 1.0), STR, pooled=True),
    "segment": KindSpec(_static("segment", 0.5), STR, pooled=True),
    "type_label": KindSpec(_static("type_label", 1.2), STR, pooled=True),
    "payment_method": KindSpec(_static("payment_method", 1.2), STR, pooled=True),
    "card_type": KindSpec(_static("card_type", 1.2), STR, pooled=True),
    "ship_mode": KindSpec(_static("ship_mode", 0.6), STR, pooled=True),
    "shift": KindSpec(_static("shift", 1.0), STR, pooled=True),
    "unit": KindSpec(_static("unit", 1.2), STR, pooled=True),
    "status": KindSpec(gen_status, STR, pooled=True),
    "priority": KindSpec(_static("priority", 0.8), STR, pooled=True),
    "text": KindSpec(gen_text, STR, pooled=True),
    "currency_code": KindSpec(gen_currency, STR, pooled=True),
    "currency_name": KindSpec(_static("currency_name", 1.2), STR, pooled=True),
    "weekday": KindSpec(_static("weekday", 0.0), STR, pooled=True),
    "language": KindSpec(_static("language", 1.2), STR, pooled=True),
    "language_code": KindSpec(_static("language_code", 1.2), STR, pooled=True),
    "locale_code": KindSpec(gen_locale_code, STR, pooled=True),
    "timezone": KindSpec(_faker_pool("timezone", 400, 1.0), STR, pooled=True),
    "color": KindSpec(_static("color", 0.9), STR, pooled=True),
    "file_name": KindSpec(_faker_pool("file_name", 1000, 0.2), STR, pooled=True),
    "mime_type": KindSpec(_faker_pool("mime_type", 100, 1.2), STR, pooled=True),
    "charset": KindSpec(_static("charset", 2.0), STR, pooled=True),
    "hours": KindSpec(gen_hours, STR, pooled=True),
    # identifiers
    "isbn": KindSpec(gen_isbn, STR, base=2000),
    "sku": KindSpec(gen_sku, STR, base=2000),
    "barcode": KindSpec(gen_barcode, STR, base=2000),
    "code": KindSpec(gen_code, STR, base=2000),
    "hash": KindSpec(gen_hash, STR, base=2000),
    "uuid": KindSpec(gen_uuid, STR, base=2000),
    "version": KindSpec(gen_version, STR, base=100),
    # numbers
    "price": KindSpec(gen_price, NUM, base=400),
    "amount": KindSpec(gen_amount, NUM, base=1000),
    "salary": KindSpec(gen_salary, NUM, base=400),
    "ratio": KindSpec(gen_ratio, NUM, base=30),
    "rating": KindSpec(_str_or_num(gen_rating_str, gen_rating_num), NUM | STR, base=20),
    "age": KindSpec(gen_age, NUM, base=73),
    "year": KindSpec(gen_year, INTS | {Kind.FLOAT}, base=40),
    "small_int": KindSpec(gen_small_int, INTS, base=60),
    "quantity": KindSpec(gen_quantity, NUM, base=100),
    "measure": KindSpec(gen_measure, NUM, base=500),
    "latitude": KindSpec(gen_latitude, frozenset({Kind.DECIMAL, Kind.FLOAT}), base=1000),
    "longitude": KindSpec(gen_longitude, frozenset({Kind.DECIMAL, Kind.FLOAT}), base=1000),
    "gmt_offset": KindSpec(gen_gmt_offset, frozenset({Kind.DECIMAL, Kind.FLOAT, Kind.INT}), pooled=True),
    "flag": KindSpec(gen_flag, frozenset({Kind.BOOL, Kind.INT, Kind.DECIMAL, Kind.STRING}), pooled=True),
    # dates
    "birth_date": KindSpec(gen_birth_date, TIME, base=2000),
    "hire_date": KindSpec(gen_hire_date, TIME, base=2000),
    "created_at": KindSpec(gen_created, TIME, base=2000),
    "updated_at": KindSpec(gen_updated, TIME, base=2000),
    "order_date": KindSpec(gen_order_date, TIME, base=1000),
    "ship_date": KindSpec(gen_ship_date, TIME, base=1000),
    "delivery_date": KindSpec(gen_delivery_date, TIME, base=1000),
    "due_date": KindSpec(gen_due_date, TIME, base=1000),
    "return_date": KindSpec(gen_return_date, TIME, base=1000),
    "paid_date": KindSpec(gen_paid_date, TIME, base=1000),
    "start_date": KindSpec(gen_start_date, TIME, base=1000),
    "end_date": KindSpec(gen_end_date, TIME, base=1000),
    "event_time": KindSpec(gen_event_time, TIME, base=1000),
}

# A quick way to see every kind the module can produce.
ALL_KINDS: tuple[str, ...] = tuple(KINDS)
